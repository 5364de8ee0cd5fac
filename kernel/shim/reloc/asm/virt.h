/* Shim for relocate_kernel.S: the EL2 soft-restart hypercall number. The
 * harness runs the routine at EL1 (kimage el2_vectors = 0), so the HVC path
 * is never taken. */
#define HVC_SOFT_RESTART 1
