/* pgdfuzz kernel shim: <asm/cpufeature.h>, the CPU the tree's
 * pgtable-prot.h asks about (runtime state, not a definition): see
 * shim/env.h. */
#include "env.h"
