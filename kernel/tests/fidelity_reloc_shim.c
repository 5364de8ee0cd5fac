/* The relocation routine's shim values (kernel/shim/reloc), read from C. */
#include <asm/kexec.h>
#include <asm/sysreg.h>
#include <asm/virt.h>
#include <linux/kexec.h>

#include "fidelity.h"

const struct fid_reloc fid_reloc_shim = {
    1 << IND_DESTINATION_BIT, 1 << IND_INDIRECTION_BIT, 1 << IND_DONE_BIT,
    1 << IND_SOURCE_BIT,      HVC_SOFT_RESTART,		INIT_SCTLR_EL1_MMU_OFF,
};
