/* fuzz_builder: random geometry, ranges, prot and flags through core; the
 * reference walker checks intent, lint, break-before-make and rejections. */
#include "oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return oracle_fuzz_one(CASE_HARNESS_BUILDER, data, size);
}
