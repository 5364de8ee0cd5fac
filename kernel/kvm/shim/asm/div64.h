/* pgdfuzz kvm shim: the wrapper the kernel build generates (arch/arm64/include/generated). */
#include <asm-generic/div64.h>
