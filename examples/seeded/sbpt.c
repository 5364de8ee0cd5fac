/* sbpt: see sbpt.h. */
#include "sbpt.h"

#define ADDR_MASK  0x0000ffffffffffffULL
#define ATTRS_MASK 0xffec000000000ffcULL
#define CONT	   (1ULL << 52)

static unsigned shift_at(const struct sbpt *t, int level)
{
	return t->page_shift + (t->page_shift - 3) * (unsigned)(3 - level);
}

static uint64_t entries_at(const struct sbpt *t, int level)
{
	if (level == t->start_level)
		return 1ULL << (t->ia_bits - shift_at(t, level));
	return 1ULL << (t->page_shift - 3);
}

static bool block_level(const struct sbpt *t, int level)
{
	return level == 2 || (level == 1 && t->page_shift == 12);
}

static uint64_t cont_span(const struct sbpt *t)
{
	unsigned entries = t->page_shift == 12 ? 16 : t->page_shift == 14 ? 128 : 32;
	return (uint64_t)entries << t->page_shift;
}

struct request {
	uint64_t va, last, pa, attrs;
	bool no_block, no_cont, write;
};

static uint64_t table_addr(const struct sbpt *t, uint64_t desc)
{
	return desc & ADDR_MASK & ~((1ULL << t->page_shift) - 1);
}

/* Check (write false) or build (write true) [va, last] under the table at
 * table_pa, a level-level table. */
static int map_level(struct sbpt *t, uint64_t table_pa, int level, uint64_t va, uint64_t last,
		     const struct request *req)
{
	unsigned shift = shift_at(t, level);
	uint64_t size = 1ULL << shift, entries = entries_at(t, level);
	uint64_t *table = t->table(t->ctx, table_pa);
	if (!table)
		return SBPT_EINVAL;
	for (;;) {
		uint64_t chunk_last = va | (size - 1);
		uint64_t end = chunk_last < last ? chunk_last : last;
		uint64_t pa = req->pa + (va - req->va);
		uint64_t *slot = &table[(va >> shift) & (entries - 1)];
		bool whole = !(va & (size - 1)) && end == chunk_last && !(pa & (size - 1));
		if (level == 3 || (whole && block_level(t, level) && !req->no_block)) {
			uint64_t want =
			    (pa & ADDR_MASK) | (req->attrs & ATTRS_MASK) | (level == 3 ? 3 : 1);
			if (level == 3 && !req->no_cont) {
				uint64_t span = cont_span(t), group = va & ~(span - 1);
				bool aligned = group >= req->va && group + (span - 1) <= req->last;
#ifndef SBPT_SEEDED_BUG
				aligned = aligned && !((pa - (va - group)) & (span - 1));
#endif
				if (aligned)
					want |= CONT;
			}
			if (*slot && *slot != want)
				return SBPT_EBUSY;
			if (req->write)
				*slot = want;
		} else if ((*slot & 3) == 1) {
			return SBPT_EBUSY; /* never split a block */
		} else if (!(*slot & 1)) {
			if (req->write) {
				uint64_t next;
				if (t->new_table(t->ctx, &next))
					return SBPT_ENOMEM;
				*slot = next | 3;
				int ret = map_level(t, next, level + 1, va, end, req);
				if (ret)
					return ret;
			} /* else: an empty subtree has nothing to conflict with */
		} else {
			int ret = map_level(t, table_addr(t, *slot), level + 1, va, end, req);
			if (ret)
				return ret;
		}
		if (end == last)
			return SBPT_OK;
		va = end + 1;
	}
}

int sbpt_map(struct sbpt *t, uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs, bool no_block,
	     bool no_cont)
{
	uint64_t page = 1ULL << t->page_shift;
	uint64_t lo = t->upper ? ~0ULL << t->ia_bits : 0;
	uint64_t hi = t->upper ? ~0ULL : (1ULL << t->ia_bits) - 1;
	if (!size || ((va | pa | size) & (page - 1)) || va < lo || size - 1 > hi - va ||
	    (pa + (size - 1)) >> 48)
		return SBPT_EINVAL;
	struct request req = {va, va + (size - 1), pa, attrs, no_block, no_cont, false};
	int ret = map_level(t, t->root_pa, t->start_level, va, req.last, &req);
	if (ret)
		return ret;
	req.write = true;
	return map_level(t, t->root_pa, t->start_level, va, req.last, &req);
}
