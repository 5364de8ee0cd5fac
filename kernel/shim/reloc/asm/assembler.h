/* Shim for relocate_kernel.S: the tree's own assembler macros (mov_q,
 * raw_dcache_line_size, phys_to_ttbr, offset_ttbr1, load_ttbr1,
 * break_before_make_ttbr_switch, copy_page, dcache_by_myline_op,
 * pre_disable_mmu_workaround, _cond_uaccess_extable), extracted by name
 * into the build directory's tree/gen/ under the granule's 48-bit
 * configuration. The alternatives framework some of them reach on other
 * paths (errata workarounds) is not needed by the paths this routine
 * takes. */
#include <asm/page.h>

#include "gen/asm-extable.h"
#include "gen/assembler.h"
