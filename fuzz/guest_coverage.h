/* Emulated guest code is invisible to the compiler's coverage. Unicorn block
 * hooks bump these counters instead, which libFuzzer reads as extra
 * features when the section exists (libFuzzer builds only). */
#ifndef PGDFUZZ_GUEST_COVERAGE_H
#define PGDFUZZ_GUEST_COVERAGE_H

#include "oracle.h"

#if defined(__clang__) && defined(PGDFUZZ_LIBFUZZER)
static __attribute__((section("__libfuzzer_extra_counters"))) uint8_t pgdfuzz_guest_counters[4096];
static inline void pgdfuzz_guest_coverage_init(void)
{
	static int done;
	if (!done) {
		oracle_set_guest_coverage(pgdfuzz_guest_counters, sizeof(pgdfuzz_guest_counters));
		done = 1;
	}
}
#else
static inline void pgdfuzz_guest_coverage_init(void)
{
}
#endif

#endif
