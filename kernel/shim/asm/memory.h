/* pgdfuzz kernel shim: page size for the configuration on the command line
 * (-DPAGE_SHIFT=12|14|16 -DVA_BITS=N [-DSHIM_PA_52]). */
#ifndef PGDFUZZ_SHIM_ASM_MEMORY_H
#define PGDFUZZ_SHIM_ASM_MEMORY_H
#include <linux/types.h>
#define PAGE_SIZE     (1UL << PAGE_SHIFT)
#define PAGE_MASK     (~(PAGE_SIZE - 1))
#define PAGE_ALIGN(x) (((x) + PAGE_SIZE - 1) & PAGE_MASK)
#define PAGE_OFFSET   (~0UL << VA_BITS)
#endif
