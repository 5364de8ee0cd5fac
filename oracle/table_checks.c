/* Checks on the table descriptors themselves, which the translation checks
 * cannot see: a table's attributes (UXNTable, PXNTable, APTable) against
 * what the operations asked for, and where a builder put its tables. Found
 * missing by the mutation benchmark (bench/mutants). */
#include "internal.h"

#include <string.h>

#define TABLE_APTABLE (3ULL << 61)
#define TABLE_NSTABLE (1ULL << 63)

/* One table descriptor: the VAs its entry covers and the table it points
 * to (child_pa 0 when the walk cannot follow it). */
struct table_visit {
	int level;
	uint64_t first, last;
	uint64_t desc_pa, desc;
	uint64_t child_pa;
};
typedef int (*table_fn)(void *ctx, const struct table_visit *t);

/* Depth first over every valid table descriptor under one table. The next
 * table's address comes from the reference walk of the entry's first VA, so
 * descriptor decoding stays the reference's. Run after lint is clean (no
 * cycles); the budget bounds the work anyway. */
static int visit_tables(const struct ref_regime *regime, uint64_t table_pa, int level,
			uint64_t base_va, unsigned entries, unsigned granule_shift, table_fn fn,
			void *ctx, unsigned *budget)
{
	unsigned shift = ref_level_shift(granule_shift, level);
	uint64_t granule = 1ULL << granule_shift;
	/* One view of the whole table where memory offers it (little-endian,
	 * as the builders write), else entry by entry. */
	const uint8_t *view =
	    regime->mem.table ? regime->mem.table(regime->mem.ctx, table_pa, 8ULL * entries) : NULL;
	for (unsigned i = 0; i < entries && level < 3; i++) {
		struct table_visit t = {.level = level, .desc_pa = table_pa + 8ULL * i};
		if (view)
			t.desc = physmem_load64(view + 8ULL * i);
		else if (!regime->mem.read64(regime->mem.ctx, t.desc_pa, &t.desc))
			return 0; /* lint reports tables outside RAM */
		if ((t.desc & 3) != 3)
			continue;
		t.first = base_va + ((uint64_t)i << shift);
		t.last = t.first + ((1ULL << shift) - 1);
		struct ref_result walk;
		ref_walk_regime(regime, t.first, REF_TRANSLATE, &walk);
		for (unsigned k = 0; k + 1 < walk.nsteps; k++)
			if (walk.steps[k].pa == t.desc_pa)
				t.child_pa = walk.steps[k + 1].pa & ~(granule - 1);
		int ret = fn(ctx, &t);
		if (ret)
			return ret;
		if (!t.child_pa || !*budget)
			continue;
		--*budget;
		ret = visit_tables(regime, t.child_pa, level + 1, t.first,
				   1u << (granule_shift - 3), granule_shift, fn, ctx, budget);
		if (ret)
			return ret;
	}
	return 0;
}

/* Every table descriptor of both enabled halves. */
static int for_each_table(const struct ref_regime *regime, table_fn fn, void *ctx)
{
	unsigned budget = 1u << 16;
	for (int upper = 0; upper < 2; upper++) {
		const struct ref_half *half = &regime->half[upper];
		if (half->disabled || half->txsz_fault || half->root_oor)
			continue;
		uint64_t base = upper ? ~0ULL << half->ia_bits : 0;
		int ret = visit_tables(regime, half->root_pa, half->start_level, base,
				       half->root_entries, half->granule_shift, fn, ctx, &budget);
		if (ret)
			return ret;
	}
	return 0;
}

/* ---- table attributes --------------------------------------------------- */

struct attrs_ctx {
	oracle_expect_pxn_fn expect_pxn;
	void *expect_ctx;
	const char *harness, *geometry;
	struct oracle_verdict *verdict;
};

static int check_one_table(void *opaque, const struct table_visit *t)
{
	struct attrs_ctx *ctx = opaque;
	bool pxn = ctx->expect_pxn(ctx->expect_ctx, t->first, t->last);
	uint64_t want = PGD_TABLE_UXN | (pxn ? PGD_TABLE_PXN : 0);
	uint64_t mask = PGD_TABLE_UXN | PGD_TABLE_PXN | TABLE_APTABLE | TABLE_NSTABLE;
	if ((t->desc & mask) == want)
		return 0;
	oracle_finding(ctx->verdict, ctx->harness, "table-attrs", ctx->geometry, t->level,
		       "the level %d table descriptor for VA 0x%016llx-0x%016llx at PA 0x%llx = "
		       "0x%016llx has table attributes 0x%016llx; expected UXNTable%s, no "
		       "APTable, no NSTable (0x%016llx)",
		       t->level, (unsigned long long)t->first, (unsigned long long)t->last,
		       (unsigned long long)t->desc_pa, (unsigned long long)t->desc,
		       (unsigned long long)(t->desc & mask), pxn ? " and PXNTable (no_exec)" : "",
		       (unsigned long long)want);
	return 1;
}

bool oracle_check_table_attrs(const struct ref_regime *regime, oracle_expect_pxn_fn expect_pxn,
			      void *expect_ctx, const char *harness, const char *geometry,
			      struct oracle_verdict *verdict)
{
	struct attrs_ctx ctx = {expect_pxn, expect_ctx, harness, geometry, verdict};
	return for_each_table(regime, check_one_table, &ctx) == 0;
}

/* ---- table placement ------------------------------------------------------ */

struct placement_ctx {
	const struct oracle_range *forbidden;
	size_t nforbidden;
	uint64_t granule;
	const char *harness, *kind, *geometry, *tree_name;
	struct oracle_verdict *verdict;
};

static int check_page(struct placement_ctx *ctx, uint64_t table_pa, int level)
{
	for (size_t i = 0; i < ctx->nforbidden; i++) {
		const struct oracle_range *r = &ctx->forbidden[i];
		if (table_pa < r->base + r->size && r->base < table_pa + ctx->granule) {
			oracle_finding(ctx->verdict, ctx->harness, ctx->kind, ctx->geometry, level,
				       "a level %d table of %s at PA 0x%llx overlaps %s [0x%llx, "
				       "0x%llx), which tables must never occupy",
				       level, ctx->tree_name, (unsigned long long)table_pa, r->what,
				       (unsigned long long)r->base,
				       (unsigned long long)(r->base + r->size));
			return 1;
		}
	}
	return 0;
}

static int check_child(void *opaque, const struct table_visit *t)
{
	struct placement_ctx *ctx = opaque;
	return t->child_pa ? check_page(ctx, t->child_pa, t->level + 1) : 0;
}

bool oracle_check_table_placement(const struct ref_regime *regime, const char *tree_name,
				  const struct oracle_range *forbidden, size_t nforbidden,
				  const char *harness, const char *kind, const char *geometry,
				  struct oracle_verdict *verdict)
{
	bool ok = true;
	for (int upper = 0; upper < 2 && ok; upper++) {
		const struct ref_half *half = &regime->half[upper];
		if (half->disabled || half->txsz_fault || half->root_oor)
			continue;
		struct placement_ctx ctx = {forbidden, nforbidden, 1ULL << half->granule_shift,
					    harness,   kind,	   geometry,
					    tree_name, verdict};
		ok = !check_page(&ctx, half->root_pa, half->start_level) &&
		     for_each_table(regime, check_child, &ctx) == 0;
	}
	return ok;
}

/* ---- dirty table pages ------------------------------------------------------ */

bool oracle_poison_page(struct physmem *mem, uint64_t pa, uint64_t granule)
{
	/* Words that read as valid descriptors of every type: a table that is
	 * not zeroed before use maps or walks something nobody asked for. */
	static uint64_t poison[65536 / 8];
	if (!poison[0])
		for (size_t i = 0; i < sizeof(poison) / 8; i++)
			poison[i] = ((i + 1) * 0x9e3779b97f4a7c15ULL) | 1;
	return granule <= sizeof(poison) && physmem_write(mem, pa, poison, granule);
}
