/* A minimal adapter written against target.h alone: if the header stops
 * being self-contained or warning-free, the build fails. */
#include "target.h"

static int check_init(struct pgdfuzz_env *env, uint64_t *root_pa)
{
	return env->alloc_table(env, env->geo->start_level, root_pa);
}

static int check_map(struct pgdfuzz_env *env, uint64_t root_pa, const struct pgdfuzz_map *req)
{
	uint64_t *root = env->phys_to_host(env, root_pa, sizeof(*root));
	PGDFUZZ_BUG_ON(env, !root);
	(void)req;
	return PGDFUZZ_OK;
}

PGDFUZZ_TARGET = {
    .abi = PGDFUZZ_TARGET_ABI,
    .name = "header-check",
    .description = "compile check of target.h",
    .geometries = {.granules = 4096},
    .ops = {.init = check_init, .map = check_map},
    .may_block = true,
    .unsafe = PGDFUZZ_UNSAFE_REFUSES,
    .refusal_writes_nothing = true,
};
