/* fuzz_target: any target (target/target.h) through the one judge. Linked
 * with an adapter that defines pgdfuzz_target (PGDFUZZ_TARGET = {...}):
 * the examples/ targets and `pgdfuzz run --target DIR`. */
#include "oracle.h"
#include "target.h"

extern const struct pgdfuzz_target pgdfuzz_target;

/* The manifest's "geometries" line, if any (cmake/PgdfuzzTarget.cmake). */
#ifndef PGDFUZZ_TARGET_GEOMETRIES
#define PGDFUZZ_TARGET_GEOMETRIES ""
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct pgdfuzz_target *target;
	if (!target)
		target = oracle_target_only(&pgdfuzz_target, PGDFUZZ_TARGET_GEOMETRIES);
	return oracle_fuzz_target_one(target, data, size);
}
