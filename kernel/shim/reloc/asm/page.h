#ifndef PGDFUZZ_SHIM_PAGE_H
#define PGDFUZZ_SHIM_PAGE_H
/* Shim for relocate_kernel.S: the granule, from -DPAGE_SHIFT. */
#define PAGE_SIZE (1 << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#endif
