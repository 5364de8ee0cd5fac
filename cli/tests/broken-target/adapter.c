/* Broken on purpose (cli.target): a misspelt member (sise for size). */
#include "target.h"

static int broken_init(struct pgdfuzz_env *env, uint64_t *root_pa)
{
	return env->alloc_table(env, env->geo->start_level, root_pa);
}

static int broken_map(struct pgdfuzz_env *env, uint64_t root_pa, const struct pgdfuzz_map *req)
{
	(void)env, (void)root_pa;
	return req->sise ? PGDFUZZ_OK : PGDFUZZ_EINVAL;
}

PGDFUZZ_TARGET = {
    .abi = PGDFUZZ_TARGET_ABI,
    .name = "broken",
    .ops = {.init = broken_init, .map = broken_map},
};
