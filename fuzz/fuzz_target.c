/* fuzz_target: any target (target/target.h) through the one judge. Linked
 * with an adapter that defines pgdfuzz_target (PGDFUZZ_TARGET = {...}):
 * the examples/ targets and `pgdfuzz run --target DIR`. */
#include "oracle.h"
#include "target.h"

extern const struct pgdfuzz_target pgdfuzz_target;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return oracle_fuzz_target_one(&pgdfuzz_target, data, size);
}
