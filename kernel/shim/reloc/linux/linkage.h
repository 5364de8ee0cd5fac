/* Shim for relocate_kernel.S: symbol markers. The routine is copied to a
 * control page and entered at its first byte, so only the label matters. */
#define SYM_CODE_START(name)                                                                       \
	.globl name;                                                                               \
	.p2align 2;                                                                                \
	name:
#define SYM_CODE_END(name) .size name, .- name
