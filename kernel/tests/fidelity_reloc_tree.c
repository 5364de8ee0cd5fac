/* The tree's definitions of what kernel/shim/reloc states: the kexec entry
 * flags (linux/kexec.h), the soft-restart hypercall (asm/virt.h) and
 * SCTLR_EL1 with the MMU off (asm/sysreg.h over the sysreg-defs.h the
 * tree's gen-sysreg.awk makes). */
#include <linux/types.h>

#include "fidelity.h"
#include "gen/kexec.h"
#include "gen/sysreg-defs.h"
#include "gen/sysreg.h"
#include "gen/virt.h"

const struct fid_reloc fid_reloc_tree = {
    IND_DESTINATION, IND_INDIRECTION,  IND_DONE,
    IND_SOURCE,	     HVC_SOFT_RESTART, INIT_SCTLR_EL1_MMU_OFF,
};
