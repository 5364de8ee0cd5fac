/* fuzz_reloc: kexec relocation in Unicorn with three strategies (MMU off,
 * idmap, linear map); all must enter the new image with identical memory.
 * Guest basic blocks feed libFuzzer's extra counters. */
#include "guest_coverage.h"
#include "oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pgdfuzz_guest_coverage_init();
	return oracle_fuzz_one(CASE_HARNESS_RELOC, data, size);
}
