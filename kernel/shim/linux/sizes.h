/* pgdfuzz kernel shim: sizes (only what the extracted code names). */
#ifndef PGDFUZZ_SHIM_LINUX_SIZES_H
#define PGDFUZZ_SHIM_LINUX_SIZES_H
#define SZ_4K  0x00001000
#define SZ_16K 0x00004000
#define SZ_64K 0x00010000
#define SZ_2M  0x00200000
#endif
