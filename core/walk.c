/* The one traversal every operation uses, in the shape of KVM's
 * kvm_pgtable_walk(): per-level geometry is computed, never spelled out. */
#include "internal.h"
#include "physmem.h"

struct walker {
	const struct pgd_tree *tree;
	pgd_visitor visitor;
	void *ctx;
	struct pgd_error *err;
};

static int walk_table(struct walker *w, uint64_t table_pa, int level, uint64_t first, uint64_t last)
{
	const struct pgd_geometry *geo = &w->tree->geo;
	unsigned shift = pgd_level_shift(geo, level);
	uint64_t entry_size = 1ULL << shift;
	uint64_t index_mask = pgd_level_entries(geo, level) - 1;

	for (uint64_t va = first;;) {
		struct pgd_visit visit = {
		    .level = level,
		    .index = (unsigned)((va >> shift) & index_mask),
		    .table_pa = table_pa,
		    .entry_va = va & ~(entry_size - 1),
		    .entry_size = entry_size,
		    .first = va,
		};
		uint64_t entry_last = visit.entry_va + (entry_size - 1);
		visit.last = entry_last < last ? entry_last : last;
		visit.desc_pa = table_pa + 8ULL * visit.index;
		if (!physmem_read64(w->tree->mem, visit.desc_pa, &visit.desc))
			return pgd_fail(w->err, PGD_EMEM, va, level, "table-outside-ram",
					"level %d descriptor at PA 0x%llx is not RAM", level,
					(unsigned long long)visit.desc_pa);

		int ret = w->visitor(w->ctx, &visit);
		if (ret > 0)
			return ret;
		if (ret == PGD_WALK_DESCEND && level < 3) {
			uint64_t desc;
			if (!physmem_read64(w->tree->mem, visit.desc_pa, &desc))
				return pgd_fail(w->err, PGD_EMEM, va, level, "table-outside-ram",
						"descriptor at PA 0x%llx is not RAM",
						(unsigned long long)visit.desc_pa);
			if (pgd_desc_is_table(desc, level)) {
				ret = walk_table(w, pgd_desc_to_pa(geo, desc), level + 1, va,
						 visit.last);
				if (ret > 0)
					return ret;
			}
		}
		if (visit.last == last)
			return PGD_OK;
		va = visit.last + 1;
	}
}

int pgd_walk(const struct pgd_tree *tree, uint64_t first, uint64_t last, pgd_visitor visitor,
	     void *ctx, struct pgd_error *err)
{
	struct walker w = {tree, visitor, ctx, err};
	return walk_table(&w, tree->root_pa, tree->geo.start_level, first, last);
}
