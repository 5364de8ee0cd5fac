/* pgdfuzz kernel shim: <asm/pgalloc.h>. Its __p?d_populate() are the
 * tree's (extracted, included by shim/asm/pgtable.h); its allocation
 * functions are the kernel's page allocator, which the harness replaces. */
#include <asm/pgtable.h>
