/* The one traversal every operation uses, in the shape of KVM's
 * kvm_pgtable_walk(): per-level geometry is computed, never spelled out. */
#include "internal.h"
#include "physmem.h"

struct walker {
	const struct pgd_tree *tree;
	pgd_visitor visitor;
	void *ctx;
	unsigned flags;
	struct pgd_error *err;
};

/* A table's descriptors as host bytes where physmem has them (one lookup
 * per table rather than per entry); entries [lo, hi] of the view. */
struct table_view {
	const uint8_t *bytes; /* NULL: read through physmem_read64 */
	unsigned lo, hi;
};

static void view_open(const struct walker *w, uint64_t table_pa, unsigned index, unsigned last,
		      struct table_view *view)
{
	/* A view lies within one 64 KiB chunk of physmem. */
	uint64_t pa = table_pa + 8ULL * index;
	uint64_t chunk_left = (PHYSMEM_CHUNK - (pa & (PHYSMEM_CHUNK - 1))) / 8;
	uint64_t count = (uint64_t)last - index + 1;
	if (count > chunk_left)
		count = chunk_left;
	view->bytes = physmem_view(w->tree->mem, pa, (size_t)count * 8);
	view->lo = index;
	view->hi = index + (unsigned)count - 1;
}

static bool read_desc(const struct walker *w, uint64_t table_pa, unsigned index, unsigned last,
		      struct table_view *view, uint64_t *desc)
{
	if (index < view->lo || index > view->hi)
		view_open(w, table_pa, index, last, view);
	if (!view->bytes)
		return physmem_read64(w->tree->mem, table_pa + 8ULL * index, desc);
	/* physmem keeps descriptors little-endian, as the host reads them. */
	*desc = physmem_load64(view->bytes + 8ULL * (index - view->lo));
	return true;
}

/* PGD_WALK_PRESENT: the next index in [index, last] whose descriptor is
 * not 0, or last + 1. Entries outside RAM stop the scan there, so the
 * caller reports them as before. */
static unsigned next_present(const struct walker *w, uint64_t table_pa, unsigned index,
			     unsigned last, struct table_view *view)
{
	while (index <= last) {
		if (index < view->lo || index > view->hi)
			view_open(w, table_pa, index, last, view);
		if (!view->bytes)
			return index; /* read it the slow way */
		const uint8_t *p = view->bytes + 8ULL * (index - view->lo);
		/* Eight entries at a time while they are all zero. */
		for (; view->hi - index >= 8; index += 8, p += 64) {
			uint64_t any = 0;
			for (int i = 0; i < 8; i++)
				any |= physmem_load64(p + 8 * i);
			if (any)
				break;
		}
		for (; index <= view->hi; index++, p += 8) {
			if (physmem_load64(p))
				return index;
		}
	}
	return index;
}

static int walk_table(struct walker *w, uint64_t table_pa, int level, uint64_t first, uint64_t last)
{
	const struct pgd_geometry *geo = &w->tree->geo;
	unsigned shift = pgd_level_shift(geo, level);
	uint64_t entry_size = 1ULL << shift;
	uint64_t index_mask = pgd_level_entries(geo, level) - 1;
	unsigned last_index = (unsigned)((last >> shift) & index_mask);
	struct table_view view = {NULL, 1, 0}; /* empty */

	for (uint64_t va = first;;) {
		unsigned index = (unsigned)((va >> shift) & index_mask);
		if (w->flags & PGD_WALK_PRESENT) {
			unsigned next = next_present(w, table_pa, index, last_index, &view);
			if (next > last_index)
				return PGD_OK;
			if (next != index) {
				va = (va & ~(entry_size - 1)) +
				     (uint64_t)(next - index) * entry_size;
				index = next;
			}
		}
		struct pgd_visit visit = {
		    .level = level,
		    .index = index,
		    .table_pa = table_pa,
		    .entry_va = va & ~(entry_size - 1),
		    .entry_size = entry_size,
		    .first = va,
		};
		uint64_t entry_last = visit.entry_va + (entry_size - 1);
		visit.last = entry_last < last ? entry_last : last;
		visit.desc_pa = table_pa + 8ULL * visit.index;
		if (!read_desc(w, table_pa, index, last_index, &view, &visit.desc))
			return pgd_fail(w->err, PGD_EMEM, va, level, "table-outside-ram",
					"level %d descriptor at PA 0x%llx is not RAM", level,
					(unsigned long long)visit.desc_pa);

		if (visit.desc || !(w->flags & PGD_WALK_PRESENT)) {
			int ret = w->visitor(w->ctx, &visit);
			if (ret > 0)
				return ret;
			if (ret == PGD_WALK_DESCEND && level < 3) {
				uint64_t desc;
				/* The visitor may have just written it. */
				if (!read_desc(w, table_pa, index, last_index, &view, &desc))
					return pgd_fail(w->err, PGD_EMEM, va, level,
							"table-outside-ram",
							"descriptor at PA 0x%llx is not RAM",
							(unsigned long long)visit.desc_pa);
				if (pgd_desc_is_table(desc, level)) {
					ret = walk_table(w, pgd_desc_to_pa(geo, desc), level + 1,
							 va, visit.last);
					if (ret > 0)
						return ret;
				}
			}
		}
		if (visit.last == last)
			return PGD_OK;
		va = visit.last + 1;
	}
}

int pgd_walk(const struct pgd_tree *tree, uint64_t first, uint64_t last, unsigned flags,
	     pgd_visitor visitor, void *ctx, struct pgd_error *err)
{
	struct walker w = {tree, visitor, ctx, flags, err};
	return walk_table(&w, tree->root_pa, tree->geo.start_level, first, last);
}
