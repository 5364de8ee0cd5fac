/* pgdfuzz kernel shim: <asm/types.h> of the tree's pgtable-types.h is the
 * hosted one. */
#include <linux/types.h>
