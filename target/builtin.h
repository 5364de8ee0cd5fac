/* For pgdfuzz's own adapters only (core/ and the kernel objects), never for
 * a --target adapter: what an in-tree target may ask of the judge beyond
 * target.h. */
#ifndef PGDFUZZ_TARGET_BUILTIN_H
#define PGDFUZZ_TARGET_BUILTIN_H

#include "target.h"

struct physmem;

/* The simulated RAM behind env: core writes through physmem, not through
 * host pointers, so that its writes are counted. */
struct physmem *pgdfuzz_env_physmem(struct pgdfuzz_env *env);

/* core/ as a target (target/core.c): every operation, the full argument
 * contract (it must reject what is invalid itself), refuses unsafe changes
 * and writes nothing when it does. */
extern const struct pgdfuzz_target pgdfuzz_core_target;

#endif
