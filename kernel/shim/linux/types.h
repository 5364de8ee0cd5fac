/* pgdfuzz kernel shim: the hosted C environment the extracted arm64 code
 * runs in: fixed-width types, the LP64 word sizes, and the compiler
 * annotations that only matter to a kernel link. Architectural and bit
 * helpers (_AC, UL, BIT, GENMASK, ...) come from the tree (build dir
 * tree/linux/const.h, tree/vdso/bits.h, tree/gen/bits.h). */
#ifndef PGDFUZZ_SHIM_LINUX_TYPES_H
#define PGDFUZZ_SHIM_LINUX_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/const.h>
#include <vdso/bits.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
typedef uint64_t phys_addr_t;

/* The host is LP64 like arm64 (asm-generic/bitsperlong.h). */
#define __BITS_PER_LONG	     64
#define __BITS_PER_LONG_LONG 64
#define BITS_PER_LONG	     64
#define BITS_PER_LONG_LONG   64

/* Section and linkage annotations: no kernel link here. */
#define __init
#define __initdata
#define __ro_after_init
#define __meminit
#define asmlinkage
#define __section(name)
#define __always_unused __attribute__((unused))
#define __maybe_unused	__attribute__((unused))
#ifndef __always_inline /* glibc's sys/cdefs.h has it */
#define __always_inline inline __attribute__((always_inline))
#endif
#define __pure	    __attribute__((pure))
#define noinline    __attribute__((noinline))
#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define U64_MAX UINT64_MAX

/* The kernel is built with -std=gnu11; pgdfuzz with -std=c11. */
#ifndef typeof
#define typeof __typeof__
#endif

/* The kernel's min() is type-checked (linux/minmax.h, which needs most of
 * compiler.h); the extracted code compares same-type values. */
#define min(a, b)                                                                                  \
	({                                                                                         \
		__typeof__(a) min_a_ = (a);                                                        \
		__typeof__(b) min_b_ = (b);                                                        \
		min_a_ < min_b_ ? min_a_ : min_b_;                                                 \
	})

#include "gen/compiler.h"
#include "gen/build_bug.h"
#include "gen/uapi-bits.h"
#include "gen/bits.h"

#endif
