/* For pgdfuzz's own adapters only (core/ and the kernel objects), never for
 * a --target adapter: what an in-tree target may ask of the judge beyond
 * target.h. */
#ifndef PGDFUZZ_TARGET_BUILTIN_H
#define PGDFUZZ_TARGET_BUILTIN_H

#include "pgd.h"
#include "target.h"

struct physmem;

/* The simulated RAM behind env: core writes through physmem, not through
 * host pointers, so that its writes are counted. */
struct physmem *pgdfuzz_env_physmem(struct pgdfuzz_env *env);

/* core/ as a target (target/core.c): every operation, the full argument
 * contract (it must reject what is invalid itself), refuses unsafe changes
 * and writes nothing when it does. */
extern const struct pgdfuzz_target pgdfuzz_core_target;

/* The geometry pgdfuzz hands a target, as core's struct (the judge derived
 * it with pgd_geometry_init, so the two agree field for field). */
static inline struct pgd_geometry pgdfuzz_pgd_geometry(const struct pgdfuzz_geometry *g)
{
	return (struct pgd_geometry){.page_shift = g->page_shift,
				     .va_bits = g->va_bits,
				     .ia_bits = g->ia_bits,
				     .start_level = g->start_level,
				     .levels = g->levels,
				     .root_entries = g->root_entries,
				     .pa_bits = g->pa_bits,
				     .lpa2 = g->lpa2,
				     .lpa = g->lpa};
}

#endif
