/* Break-before-make: which live entries changed in a way the TLB may not
 * see atomically (aarch64-translation.md §5; Linux pgattr_change_is_safe). */
#include "internal.h"

#include <string.h>

struct bbm {
	const struct ref_regime *regime;
	const struct ref_mem *before, *after;
	ref_bbm_fn fn;
	void *ctx;
	int stop;
};

/* What a descriptor is to the TLB: entries that fault (Translation, Address
 * size, Access flag) are never cached, so they count as invalid. */
static enum desc_kind live_kind(const struct ref_regime *regime, const struct ref_half *half,
				uint64_t desc, int level, uint64_t *oa)
{
	enum desc_kind kind = ref_desc_kind(regime, half, desc, level);

	if (kind == DESC_IS_TABLE) {
		*oa = ref_table_addr(half, desc);
		return *oa >> half->oa_bits ? DESC_INVALID : kind;
	}
	if (kind == DESC_IS_LEAF) {
		*oa = ref_leaf_oa(half, desc, half_level_shift(half, level));
		if (*oa >> half->oa_bits)
			return DESC_INVALID;
		if (!(desc & DESC_AF) && !regime->ha)
			return DESC_INVALID;
	}
	return kind;
}

static bool tagged_pair(uint8_t a, uint8_t b)
{
	/* Normal WB <-> Normal-Tagged is how Linux turns MTE on for a page. */
	return (a == 0xff && b == 0xf0) || (a == 0xf0 && b == 0xff);
}

static const char *leaf_rule(const struct ref_regime *regime, const struct ref_half *half,
			     uint64_t old, uint64_t new, uint64_t old_oa, uint64_t new_oa,
			     int level)
{
	struct table_acc none = {0, false, false};
	struct ref_attrs a, b;

	ref_leaf_attrs(regime, half, old, level, &none, &a);
	ref_leaf_attrs(regime, half, new, level, &none, &b);
	if (old_oa != new_oa)
		return "oa-change";
	if (a.mair_attr != b.mair_attr && !tagged_pair(a.mair_attr, b.mair_attr))
		return "memtype-change";
	if (a.sh != b.sh)
		return "sh-change";
	if (a.contiguous != b.contiguous)
		return "cont-change";
	if (a.contiguous && old != new)
		return "cont-live-change";
	if (a.ng && !b.ng)
		return "ng-global";
	return NULL;
}

static void compare(struct bbm *bbm, const struct ref_half *half, int level, uint64_t before_table,
		    uint64_t after_table, uint64_t table_va)
{
	const struct ref_regime *regime = bbm->regime;
	unsigned entries = half_entries(half, level);
	unsigned shift = half_level_shift(half, level);
	struct table_view old_view = table_view_open(regime, bbm->before, before_table, entries);
	struct table_view new_view = table_view_open(regime, bbm->after, after_table, entries);

	for (unsigned i = 0; i < entries && !bbm->stop; i++) {
		uint64_t before_pa = before_table + i * 8, after_pa = after_table + i * 8;
		uint64_t old, new, old_oa = 0, new_oa = 0;
		const char *rule = NULL;

		if (!table_view_read(&old_view, i, &old))
			continue; /* nothing readable was live */
		if (!table_view_read(&new_view, i, &new))
			new = 0;
		if (old == new &&before_pa == after_pa && bbm->before == bbm->after)
			continue;
		/* An unchanged entry needs no rule; only an unchanged table
		 * descriptor must still be followed, its table may have changed. */
		if (old == new &&ref_desc_kind(regime, half, old, level) != DESC_IS_TABLE)
			continue;

		enum desc_kind old_kind = live_kind(regime, half, old, level, &old_oa);
		enum desc_kind new_kind = live_kind(regime, half, new, level, &new_oa);
		uint64_t va = table_va + ((uint64_t)i << shift);

		if (old_kind == DESC_INVALID || new_kind == DESC_INVALID)
			continue; /* invalid <-> valid is always safe */
		if (old_kind == DESC_IS_TABLE && new_kind == DESC_IS_TABLE) {
			compare(bbm, half, level + 1, old_oa, new_oa, va);
			continue;
		}
		if (old_kind == DESC_IS_TABLE)
			rule = "table-to-block";
		else if (new_kind == DESC_IS_TABLE)
			rule = "block-to-table";
		else
			rule = leaf_rule(regime, half, old, new, old_oa, new_oa, level);
		if (rule) {
			struct ref_bbm_finding finding = {rule,	    va,	 level, before_pa,
							  after_pa, old, new};
			bbm->stop = bbm->fn(bbm->ctx, &finding);
		}
	}
}

int ref_bbm_check(const struct ref_regime *regime, const struct ref_mem *before,
		  const struct ref_mem *after, ref_bbm_fn fn, void *ctx)
{
	struct bbm bbm = {regime, before, after, fn, ctx, 0};

	if (!regime->mmu_on)
		return 0;
	for (int upper = 0; upper < 2 && !bbm.stop; upper++) {
		const struct ref_half *half = &regime->half[upper];

		if (half->disabled || half->txsz_fault || half->root_oor)
			continue;
		compare(&bbm, half, half->start_level, half->root_pa, half->root_pa,
			half_base(half, upper));
	}
	return bbm.stop;
}
