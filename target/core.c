/* core/ as a target: the adapter between target.h and pgd.h. core takes
 * every request as the case gives it (its contract includes rejecting
 * invalid ones), so the declaration passes everything, and the judge holds
 * it to its own documentation: EINVAL exactly for invalid requests,
 * EUNSAFE/ENOTMAPPED with nothing written, BBM on every accepted change. */
#include "builtin.h"
#include "pgd.h"

#include <stdio.h>
#include <stdlib.h>

/* Requests pass their flags to pgd_map() as they are. */
_Static_assert(PGDFUZZ_NO_BLOCK == PGD_NO_BLOCK && PGDFUZZ_NO_CONT == PGD_NO_CONT &&
		   PGDFUZZ_NO_EXEC == PGD_NO_EXEC,
	       "target.h and pgd.h request flags differ");

struct core_ctx {
	struct pgd_tree tree;
	struct pgdfuzz_env *env;
};

static int core_alloc(void *opaque, int level, uint64_t *pa)
{
	struct pgdfuzz_env *env = opaque;
	return env->alloc_table(env, level, pa);
}

static int status(struct pgdfuzz_env *env, int ret, const struct pgd_error *err)
{
	if (ret == PGD_OK)
		return PGDFUZZ_OK;
	if (env->reason) {
		/* The rule core names (wrap, va-range, pfn-change...) leads, so
		 * outcomes and findings say which documented rule refused. */
		char why[320];
		snprintf(why, sizeof(why), "rule %s: %s", err->rule ? err->rule : "-",
			 err->message);
		env->reason(env, err->level, why);
	}
	switch (ret) {
	case PGD_EINVAL:
		return PGDFUZZ_EINVAL;
	case PGD_ENOMEM:
		return PGDFUZZ_ENOMEM;
	case PGD_EUNSAFE:
		return PGDFUZZ_EUNSAFE;
	case PGD_ENOTMAPPED:
		return PGDFUZZ_ENOTMAPPED;
	default:
		return PGDFUZZ_EINTERNAL;
	}
}

static int core_init(struct pgdfuzz_env *env, uint64_t *root_pa)
{
	struct core_ctx *ctx = calloc(1, sizeof(*ctx));
	struct pgd_error err;
	if (!ctx)
		return PGDFUZZ_ENOMEM;
	env->target_ctx = ctx;
	ctx->env = env;
	if (!root_pa)
		return PGDFUZZ_OK; /* an identity map builds its own tree */
	struct pgd_geometry geo = pgdfuzz_pgd_geometry(env->geo);
	int ret = pgd_tree_init(&ctx->tree, &geo, pgdfuzz_env_physmem(env),
				(struct pgd_mm_ops){core_alloc, env}, env->geo->upper, &err);
	*root_pa = ctx->tree.root_pa;
	return status(env, ret, &err);
}

static void core_fini(struct pgdfuzz_env *env)
{
	free(env->target_ctx);
	env->target_ctx = NULL;
}

static int core_map(struct pgdfuzz_env *env, uint64_t root_pa, const struct pgdfuzz_map *req)
{
	struct core_ctx *ctx = env->target_ctx;
	struct pgd_error err;
	(void)root_pa; /* the tree of the last init or copy */
	return status(env,
		      pgd_map(&ctx->tree, req->va, req->pa, req->size, req->prot, req->flags, &err),
		      &err);
}

static int core_protect(struct pgdfuzz_env *env, uint64_t root_pa, const struct pgdfuzz_map *req)
{
	struct core_ctx *ctx = env->target_ctx;
	struct pgd_error err;
	(void)root_pa;
	return status(env, pgd_update(&ctx->tree, req->va, req->size, req->prot, &err), &err);
}

static int core_copy(struct pgdfuzz_env *env, uint64_t src_root_pa, uint64_t *dst_root_pa)
{
	struct core_ctx *ctx = env->target_ctx;
	struct pgd_tree copy;
	struct pgd_error err;
	(void)src_root_pa;
	int ret = pgd_tree_init(&copy, &ctx->tree.geo, ctx->tree.mem, ctx->tree.mm, ctx->tree.upper,
				&err);
	if (ret == PGD_OK)
		ret = pgd_copy(&ctx->tree, &copy, &err);
	if (ret != PGD_OK)
		return status(env, ret, &err);
	ctx->tree = copy;
	*dst_root_pa = copy.root_pa;
	return PGDFUZZ_OK;
}

/* The base config back from the geometry: the same geometry, since the
 * levels and root size given are the ones it derived. */
static int core_idmap(struct pgdfuzz_env *env, const struct pgdfuzz_range *ranges, size_t n,
		      pgdfuzz_prot prot, unsigned flags, uint64_t *root_pa,
		      struct pgdfuzz_regs *regs)
{
	struct core_ctx *ctx = env->target_ctx;
	const struct pgdfuzz_geometry *g = env->geo;
	struct pgd_config base = {.granule = g->granule,
				  .va_bits = g->va_bits,
				  .levels = g->levels,
				  .root_entries = g->root_entries,
				  .pa_bits = g->pa_bits,
				  .lpa2 = g->lpa2};
	struct pgd_range list[64];
	struct pgd_regs out;
	struct pgd_error err;
	if (n > sizeof(list) / sizeof(list[0]))
		return PGDFUZZ_EINVAL;
	for (size_t i = 0; i < n; i++)
		list[i] = (struct pgd_range){ranges[i].base, ranges[i].size};
	int ret =
	    pgd_create_idmap(&ctx->tree, &out, &base, pgdfuzz_env_physmem(env),
			     (struct pgd_mm_ops){core_alloc, env}, list, n, prot, flags, &err);
	if (ret != PGD_OK)
		return status(env, ret, &err);
	*root_pa = ctx->tree.root_pa;
	*regs = (struct pgdfuzz_regs){out.ttbr0, out.tcr};
	return PGDFUZZ_OK;
}

const struct pgdfuzz_target pgdfuzz_core_target = {
    .abi = PGDFUZZ_TARGET_ABI,
    .name = "core",
    .description = "pgdfuzz's core/ builder (pgd_map, pgd_update, pgd_copy, pgd_create_idmap)",
    .geometries = {.pa52 = true, .extra_levels = true},
    .contract = {.size_zero = true,
		 .unaligned = true,
		 .invalid_args = true,
		 .table_xn_by_flag = true},
    .ops = {.init = core_init,
	    .fini = core_fini,
	    .map = core_map,
	    .protect = core_protect,
	    .idmap = core_idmap,
	    .copy = core_copy},
    .may_block = true,
    .may_cont = true,
    .unsafe = PGDFUZZ_UNSAFE_REFUSES,
    .refusal_writes_nothing = true,
    .zeroes_tables = true,
    .adds_table_uxn = true,
    .idmap = {.minimal_ia = true},
};
