/* fwpt's pgdfuzz adapter: what fwpt needs from a platform comes from the
 * env, and the declaration says what fwpt promises. */
#include "fwpt.h"
#include "target.h"

static struct fwpt pt;

static uint64_t *fw_table(void *ctx, uint64_t pa)
{
	struct pgdfuzz_env *env = ctx;
	uint64_t *table = env->phys_to_host(env, pa, 4096);
	PGDFUZZ_BUG_ON(env, !table); /* fwpt followed a descriptor out of RAM */
	return table;
}

static int fw_new_table(void *ctx, uint64_t *pa)
{
	struct pgdfuzz_env *env = ctx;
	return env->alloc_table(env, 0, pa);
}

static int status(int ret)
{
	return ret == FWPT_OK	    ? PGDFUZZ_OK
	       : ret == FWPT_ENOMEM ? PGDFUZZ_ENOMEM
	       : ret == FWPT_EBUSY  ? PGDFUZZ_EUNSAFE
				    : PGDFUZZ_EINVAL;
}

static int fw_init(struct pgdfuzz_env *env, uint64_t *root_pa)
{
	if (!root_pa)
		return PGDFUZZ_EINVAL;
	int ret = fwpt_init(&pt, env->geo->va_bits, env->geo->upper,
			    (struct fwpt_platform){fw_table, fw_new_table, env});
	*root_pa = pt.root_pa;
	return status(ret);
}

static int fw_map(struct pgdfuzz_env *env, uint64_t root_pa, const struct pgdfuzz_map *req)
{
	(void)root_pa;
	pt.platform.ctx = env;
	return status(
	    fwpt_map(&pt, req->va, req->pa, req->size, req->prot, req->flags & PGDFUZZ_NO_BLOCK));
}

PGDFUZZ_TARGET = {
    .abi = PGDFUZZ_TARGET_ABI,
    .name = "fwpt",
    .description = "examples/fwpt: firmware-style iterative builder, 4K, 2M blocks, 16 tables",
    .geometries = {.granules = 4096}, /* and the manifest's "geometries" */
    .contract = {.flags = PGDFUZZ_NO_BLOCK | PGDFUZZ_NO_CONT},
    .ops = {.init = fw_init, .map = fw_map},
    .may_block = true,
    .may_cont = false,
    .finer_in_block = false,
    .unsafe = PGDFUZZ_UNSAFE_REFUSES,
    .refusal_writes_nothing = true,
    .differential = true,
};
