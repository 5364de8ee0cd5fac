/* Shim for relocate_kernel.S: the kimage offsets (the kernel's come from
 * asm-offsets). */
#include "kimage.h"
