/* The struct kimage layout pgdfuzz builds relocate_kernel.S against: the
 * byte offsets of the fields arm64_relocate_new_kernel reads. In the kernel
 * they come from asm-offsets (generated from the real struct); here the
 * shim defines them and the harness writes a kimage to match, so the
 * routine's loads are tested, not the struct's layout. Plain #defines:
 * included by the assembly shim and by C. */
#ifndef PGDFUZZ_KIMAGE_H
#define PGDFUZZ_KIMAGE_H

#define KIMAGE_HEAD		0
#define KIMAGE_START		8
#define KIMAGE_ARCH_DTB_MEM	16
#define KIMAGE_ARCH_EL2_VECTORS 24
#define KIMAGE_ARCH_ZERO_PAGE	32
#define KIMAGE_ARCH_TTBR1	40
#define KIMAGE_ARCH_PHYS_OFFSET 48
#define KIMAGE_SIZE		56

#endif
