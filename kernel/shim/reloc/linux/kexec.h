/* Shim for relocate_kernel.S: the kimage entry flags from the tree's
 * linux/kexec.h (kexec's list ABI). */
#include "gen/kexec.h"
