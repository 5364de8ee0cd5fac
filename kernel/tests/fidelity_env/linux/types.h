/* The fidelity test's own hosted environment for the tree's headers,
 * written independently of kernel/shim so that a shim definition that
 * drifts or shadows a tree one shows up as a difference. */
#ifndef FID_ENV_TYPES_H
#define FID_ENV_TYPES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <linux/const.h>
#include <vdso/bits.h>
typedef uint64_t u64;
typedef uint32_t u32;
typedef uint64_t phys_addr_t;
#define __BITS_PER_LONG	     64
#define __BITS_PER_LONG_LONG 64
#define BITS_PER_LONG	     64
#define BITS_PER_LONG_LONG   64
#ifndef __always_inline
#define __always_inline inline
#endif
#define __pure
#ifndef typeof
#define typeof __typeof__
#endif
#include "gen/compiler.h"
#include "gen/build_bug.h"
#include "gen/uapi-bits.h"
#include "gen/bits.h"
#endif
