/* Minimal assertion helpers shared by the unit tests: every CHECK counts,
 * failures print file:line and the test exits non-zero at the end. */
#ifndef PGDFUZZ_CHECK_H
#define PGDFUZZ_CHECK_H

#include <inttypes.h>
#include <stdio.h>

static unsigned check_failures, check_count;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		check_count++;                                                                     \
		if (!(cond)) {                                                                     \
			check_failures++;                                                          \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);   \
		}                                                                                  \
	} while (0)

#define CHECK_EQ(a, b)                                                                             \
	do {                                                                                       \
		uint64_t check_a_ = (uint64_t)(a), check_b_ = (uint64_t)(b);                       \
		check_count++;                                                                     \
		if (check_a_ != check_b_) {                                                        \
			check_failures++;                                                          \
			fprintf(stderr,                                                            \
				"%s:%d: CHECK_EQ failed: %s = 0x%" PRIx64 ", %s = 0x%" PRIx64      \
				"\n",                                                              \
				__FILE__, __LINE__, #a, check_a_, #b, check_b_);                   \
		}                                                                                  \
	} while (0)

static inline int check_report(const char *name)
{
	printf("%s: %u checks, %u failed\n", name, check_count, check_failures);
	return check_failures ? 1 : 0;
}

#endif
