/* fuzz_walker: descriptor soup walked by the reference walker and by
 * Unicorn's AT instructions; known emulator deviations are classified, any
 * other divergence is a finding. This harness tests the judge itself. */
#include "guest_coverage.h"
#include "oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pgdfuzz_guest_coverage_init();
	return oracle_fuzz_one(CASE_HARNESS_WALKER, data, size);
}
