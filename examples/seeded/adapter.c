/* sbpt's pgdfuzz adapter. With -DSBPT_SEEDED_BUG=1 the same declaration
 * holds, and the judge finds the bug (see sbpt.h). */
#include "sbpt.h"
#include "target.h"

static struct sbpt tree;

static uint64_t *sb_table(void *ctx, uint64_t pa)
{
	struct pgdfuzz_env *env = ctx;
	return env->phys_to_host(env, pa, env->geo->granule);
}

static int sb_new_table(void *ctx, uint64_t *pa)
{
	struct pgdfuzz_env *env = ctx;
	return env->alloc_table(env, 0, pa);
}

static int status(int ret)
{
	return ret == SBPT_OK	    ? PGDFUZZ_OK
	       : ret == SBPT_ENOMEM ? PGDFUZZ_ENOMEM
	       : ret == SBPT_EBUSY  ? PGDFUZZ_EUNSAFE
				    : PGDFUZZ_EINVAL;
}

static int sb_init(struct pgdfuzz_env *env, uint64_t *root_pa)
{
	const struct pgdfuzz_geometry *geo = env->geo;
	if (!root_pa)
		return PGDFUZZ_EINVAL;
	tree = (struct sbpt){.page_shift = geo->page_shift,
			     .ia_bits = geo->ia_bits,
			     .start_level = geo->start_level,
			     .upper = geo->upper,
			     .table = sb_table,
			     .new_table = sb_new_table,
			     .ctx = env};
	if (env->alloc_table(env, geo->start_level, &tree.root_pa))
		return PGDFUZZ_ENOMEM;
	*root_pa = tree.root_pa;
	return PGDFUZZ_OK;
}

static int sb_map(struct pgdfuzz_env *env, uint64_t root_pa, const struct pgdfuzz_map *req)
{
	(void)root_pa;
	tree.ctx = env;
	return status(sbpt_map(&tree, req->va, req->pa, req->size, req->prot,
			       req->flags & PGDFUZZ_NO_BLOCK, req->flags & PGDFUZZ_NO_CONT));
}

PGDFUZZ_TARGET = {
    .abi = PGDFUZZ_TARGET_ABI,
    .name = "sbpt",
    .description = "examples/seeded: recursive builder, every granule, blocks and contiguous pages",
    .geometries = {.granules = 4096 | 16384 | 65536},
    .contract = {.flags = PGDFUZZ_NO_BLOCK | PGDFUZZ_NO_CONT},
    .ops = {.init = sb_init, .map = sb_map},
    .may_block = true,
    .may_cont = true,
    .finer_in_block = false,
    .unsafe = PGDFUZZ_UNSAFE_REFUSES,
    .refusal_writes_nothing = true,
    .differential = true,
};
