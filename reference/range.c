/* The range walk: the address space as maximal intervals of identical
 * translation, found by visiting each descriptor once per path. */
#include "internal.h"

#include <string.h>

struct range_walk {
	const struct ref_regime *regime;
	ref_interval_fn fn;
	void *ctx;
	int stop;
	bool have_pending;
	struct ref_interval pending;
	/* Leaf attributes of the previous leaf, reused while the attribute
	 * bits and table controls repeat (they do across page runs). */
	bool have_cache;
	uint64_t cache_key;
	int cache_level;
	struct table_acc cache_acc;
	struct ref_attrs cache_attrs;
};

/* Bits that feed ref_leaf_attrs(): everything but the address. */
#define ATTR_KEY_MASK (GENMASK(11, 2) | GENMASK(63, 50))

static bool mergeable(const struct ref_interval *a, const struct ref_interval *b)
{
	if (a->va + a->size != b->va || b->va == BIT(63))
		return false;
	if (a->fault != b->fault || a->level != b->level || a->has_leaf != b->has_leaf)
		return false;
	if (!a->has_leaf)
		return true;
	return a->upper == b->upper && a->block_shift == b->block_shift &&
	       a->pa + a->size == b->pa && attrs_equal(&a->attrs, &b->attrs);
}

static void emit(struct range_walk *walk, const struct ref_interval *piece)
{
	if (walk->stop)
		return;
	if (walk->have_pending && mergeable(&walk->pending, piece)) {
		walk->pending.size += piece->size;
		return;
	}
	if (walk->have_pending)
		walk->stop = walk->fn(walk->ctx, &walk->pending);
	walk->pending = *piece;
	walk->have_pending = true;
}

static void emit_fault(struct range_walk *walk, uint64_t first, uint64_t last, enum ref_fault type,
		       int level, bool upper)
{
	struct ref_interval piece;

	memset(&piece, 0, sizeof(piece));
	piece.va = first;
	piece.size = last - first + 1;
	piece.fault = type;
	piece.level = level;
	piece.upper = upper;
	emit(walk, &piece);
}

/* Split at 2^63 so no interval's size overflows. */
static void emit_fault_split(struct range_walk *walk, uint64_t first, uint64_t last,
			     enum ref_fault type, int level, bool upper)
{
	if (first < BIT(63) && last >= BIT(63)) {
		emit_fault(walk, first, BIT(63) - 1, type, level, upper);
		first = BIT(63);
	}
	emit_fault(walk, first, last, type, level, upper);
}

static void walk_table(struct range_walk *walk, const struct ref_half *half, bool upper, int level,
		       uint64_t table, uint64_t table_va, uint64_t first, uint64_t last,
		       struct table_acc acc)
{
	const struct ref_regime *regime = walk->regime;
	unsigned shift = half_level_shift(half, level);
	uint64_t entry_mask = GENMASK(shift - 1, 0);
	uint64_t index = (first - table_va) >> shift;
	uint64_t last_index = (last - table_va) >> shift;
	struct table_view view =
	    table_view_open(regime, &regime->mem, table, half_entries(half, level));

	for (; index <= last_index && !walk->stop; index++) {
		uint64_t entry_va = table_va + (index << shift);
		uint64_t lo = entry_va > first ? entry_va : first;
		uint64_t hi = entry_va + entry_mask < last ? entry_va + entry_mask : last;
		uint64_t desc;

		if (!table_view_read(&view, (unsigned)index, &desc)) {
			emit_fault(walk, lo, hi, REF_FAULT_EXTERNAL_ABORT, level, upper);
			continue;
		}
		switch (ref_desc_kind(regime, half, desc, level)) {
		case DESC_INVALID: {
			/* Sparse tables are mostly invalid entries: take the
			 * whole run in one interval. */
			uint64_t run_last = index;
			for (;;) {
				uint64_t next;
				if (!desc)
					run_last = table_view_zero_run(&view, (unsigned)run_last,
								       (unsigned)last_index);
				if (run_last >= last_index ||
				    !table_view_read(&view, (unsigned)run_last + 1, &next) ||
				    ref_desc_kind(regime, half, next, level) != DESC_INVALID)
					break;
				run_last++;
				desc = next;
			}
			if (run_last != index) {
				index = run_last;
				entry_va = table_va + (index << shift);
				hi = entry_va + entry_mask < last ? entry_va + entry_mask : last;
			}
			emit_fault(walk, lo, hi, REF_FAULT_TRANSLATION, level, upper);
			continue;
		}
		case DESC_IS_TABLE: {
			uint64_t next = ref_table_addr(half, desc);
			struct table_acc next_acc = acc;

			if (next >> half->oa_bits) {
				emit_fault(walk, lo, hi, REF_FAULT_ADDRESS_SIZE, level, upper);
				continue;
			}
			ref_table_accumulate(half, &next_acc, desc);
			walk_table(walk, half, upper, level + 1, next, entry_va, lo, hi, next_acc);
			continue;
		}
		case DESC_IS_LEAF:
			break;
		}

		uint64_t oa = ref_leaf_oa(half, desc, shift);
		if (oa >> half->oa_bits) {
			emit_fault(walk, lo, hi, REF_FAULT_ADDRESS_SIZE, level, upper);
			continue;
		}
		uint64_t key = desc & ATTR_KEY_MASK;
		if (!walk->have_cache || walk->cache_key != key || walk->cache_level != level ||
		    memcmp(&walk->cache_acc, &acc, sizeof(acc))) {
			ref_leaf_attrs(regime, half, desc, level, &acc, &walk->cache_attrs);
			walk->have_cache = true;
			walk->cache_key = key;
			walk->cache_level = level;
			walk->cache_acc = acc;
		}

		struct ref_interval piece;
		piece.va = lo;
		piece.size = hi - lo + 1;
		piece.fault =
		    walk->cache_attrs.af || regime->ha ? REF_FAULT_NONE : REF_FAULT_ACCESS_FLAG;
		piece.level = level;
		piece.upper = upper;
		piece.has_leaf = true;
		piece.pa = oa + (lo - entry_va);
		piece.block_shift = shift;
		piece.attrs = walk->cache_attrs;
		emit(walk, &piece);
	}
}

/* One half's canonical range, clipped to [first, last]. */
static void walk_half(struct range_walk *walk, int upper, uint64_t first, uint64_t last)
{
	const struct ref_half *half = &walk->regime->half[upper];
	uint64_t base = half_base(half, upper);
	uint64_t top = base + (BIT(half->ia_bits) - 1);

	if (first < base)
		first = base;
	if (last > top)
		last = top;
	if (first > last)
		return;
	if (half->txsz_fault || half->disabled) {
		emit_fault(walk, first, last, REF_FAULT_TRANSLATION, 0, upper);
		return;
	}
	if (half->root_oor) {
		emit_fault(walk, first, last, REF_FAULT_ADDRESS_SIZE, 0, upper);
		return;
	}
	struct table_acc acc = {0, false, false};
	walk_table(walk, half, upper, half->start_level, half->root_pa, base, first, last, acc);
}

/* The non-canonical hole between the halves: a Translation fault at L0. */
static void walk_hole(struct range_walk *walk, uint64_t hole_first, uint64_t hole_last,
		      uint64_t first, uint64_t last)
{
	if (first < hole_first)
		first = hole_first;
	if (last > hole_last)
		last = hole_last;
	if (first <= last)
		emit_fault_split(walk, first, last, REF_FAULT_TRANSLATION, 0, (first >> 55) & 1);
}

int ref_range_walk(const struct ref_regime *regime, uint64_t first, uint64_t last,
		   ref_interval_fn fn, void *ctx)
{
	struct range_walk walk;

	if (first > last)
		return 0;
	memset(&walk, 0, sizeof(walk));
	walk.regime = regime;
	walk.fn = fn;
	walk.ctx = ctx;

	if (!regime->mmu_on) {
		uint64_t pa_top = BIT(regime->pa_max) - 1;
		if (first <= pa_top) {
			struct ref_interval piece;
			uint64_t hi = last < pa_top ? last : pa_top;

			memset(&piece, 0, sizeof(piece));
			piece.va = first;
			piece.size = hi - first + 1;
			piece.has_leaf = true;
			piece.pa = first;
			piece.block_shift = 12;
			piece.attrs.memtype = REF_MEM_DEVICE_nGnRnE;
			piece.attrs.perms = 0x3f;
			piece.attrs.af = true;
			emit(&walk, &piece);
		}
		if (last > pa_top) {
			uint64_t lo = first > pa_top ? first : pa_top + 1;
			emit_fault_split(&walk, lo, last, REF_FAULT_ADDRESS_SIZE, 0, false);
		}
	} else {
		const struct ref_half *lower = &regime->half[0], *upper = &regime->half[1];
		uint64_t lower_top = BIT(lower->ia_bits) - 1;
		uint64_t upper_base = half_base(upper, true);

		walk_half(&walk, 0, first, last);
		walk_hole(&walk, lower_top + 1, upper_base - 1, first, last);
		walk_half(&walk, 1, first, last);
	}
	if (walk.have_pending && !walk.stop)
		walk.stop = fn(ctx, &walk.pending);
	return walk.stop;
}
