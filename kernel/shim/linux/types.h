/* pgdfuzz kernel shim: the few <linux/types.h> pieces the extracted arm64
 * page-table code uses, for a hosted C11 build. Written for pgdfuzz; it
 * states what the kernel code expects, it is not a copy of the kernel's. */
#ifndef PGDFUZZ_SHIM_LINUX_TYPES_H
#define PGDFUZZ_SHIM_LINUX_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
typedef uint64_t phys_addr_t;

#define __init
#define __initdata
#define asmlinkage
#define __section(name)
#define __always_unused __attribute__((unused))
#define __maybe_unused	__attribute__((unused))

#define U64_MAX		  UINT64_MAX
#define _AC(x, y)	  (x##y)
#define _AT(t, x)	  ((t)(x))
#define UL(x)		  ((unsigned long)(x##UL))
#define ULL(x)		  ((unsigned long long)(x##ULL))
#define BIT(n)		  (1UL << (n))
#define BIT_ULL(n)	  (1ULL << (n))
#define GENMASK(h, l)	  ((~0UL << (l)) & (~0UL >> (63 - (h))))
#define GENMASK_ULL(h, l) ((~0ULL << (l)) & (~0ULL >> (63 - (h))))

/* The kernel's min() is type-checked; the extracted code compares same-type
 * values, so a plain expression statement is enough. */
#define min(a, b)                                                                                  \
	({                                                                                         \
		__typeof__(a) min_a_ = (a);                                                        \
		__typeof__(b) min_b_ = (b);                                                        \
		min_a_ < min_b_ ? min_a_ : min_b_;                                                 \
	})

#endif
