/* fuzz_idmap: identity maps over random RAM layouts up to the PA size,
 * including far above the VA range. */
#include "oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return oracle_fuzz_one(CASE_HARNESS_IDMAP, data, size);
}
