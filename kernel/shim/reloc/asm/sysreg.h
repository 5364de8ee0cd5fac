/* Shim for relocate_kernel.S: SCTLR_EL1 with the MMU off, as the kernel
 * writes it before entering the new image: LSMAOE (29), nTLSMD (28),
 * EIS (22), TSCXT (20) and EOS (11) set, M, C and I clear, little-endian. */
#define INIT_SCTLR_EL1_MMU_OFF 0x30500800
