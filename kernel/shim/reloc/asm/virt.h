/* Shim for relocate_kernel.S: HVC_SOFT_RESTART from the tree's asm/virt.h.
 * The harness runs the routine at EL1 (kimage el2_vectors = 0), so the HVC
 * path is never taken. */
#include "gen/virt.h"
