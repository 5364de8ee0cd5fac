/* Shim for relocate_kernel.S: INIT_SCTLR_EL1_MMU_OFF as the tree defines it
 * (asm/sysreg.h over the sysreg-defs.h its gen-sysreg.awk generates), with
 * the tree's GENMASK for assembly. */
#define __BITS_PER_LONG	     64
#define __BITS_PER_LONG_LONG 64
#define BITS_PER_LONG	     64 /* 6.1's __GENMASK */
#define BITS_PER_LONG_LONG   64
#include <linux/const.h>
#ifndef __ASSEMBLY__ /* C: the fidelity test reads these */
#include "gen/compiler.h"
#include "gen/build_bug.h"
#endif

#include "gen/uapi-bits.h"
#include "gen/bits.h"
#include "gen/sysreg-defs.h"
#include "gen/sysreg.h"
