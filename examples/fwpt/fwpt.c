/* fwpt: see fwpt.h. */
#include "fwpt.h"

#define PAGE	    4096ULL
#define BLOCK_2M    (1ULL << 21)
#define DESC_VALID  1ULL
#define DESC_TABLE  3ULL /* table at levels 0-2, page at level 3 */
#define DESC_BLOCK  1ULL
#define ADDR_MASK   0x0000fffffffff000ULL
#define ATTRS_MASK  0xffec000000000ffcULL
#define ATTRS_UPPER 0xfff0000000000000ULL

static unsigned index_at(uint64_t va, int level)
{
	return (unsigned)(va >> (12 + 9 * (3 - level))) & 511;
}

int fwpt_init(struct fwpt *pt, unsigned va_bits, bool upper, struct fwpt_platform platform)
{
	if (va_bits != 39 && va_bits != 48)
		return FWPT_EINVAL;
	pt->platform = platform;
	pt->va_bits = va_bits;
	pt->upper = upper;
	pt->root_level = va_bits == 48 ? 0 : 1;
	pt->tables_used = 1;
	return platform.new_table(platform.ctx, &pt->root_pa) ? FWPT_ENOMEM : FWPT_OK;
}

/* The entry for va at leaf_level, creating tables on the way if create;
 * NULL with *status set otherwise: FWPT_EBUSY if a block is in the way,
 * FWPT_OK if a table is simply missing (check pass; *missing is the level
 * whose entry is empty). */
static uint64_t *entry_for(struct fwpt *pt, uint64_t va, int leaf_level, bool create, int *status,
			   int *missing)
{
	uint64_t *table = pt->platform.table(pt->platform.ctx, pt->root_pa);
	for (int level = pt->root_level; level < leaf_level; level++) {
		uint64_t *slot = &table[index_at(va, level)];
		if ((*slot & 3) == DESC_BLOCK) {
			*status = FWPT_EBUSY; /* never split a block */
			return 0;
		}
		if (!(*slot & DESC_VALID)) {
			uint64_t pa;
			if (!create) {
				*status = FWPT_OK;
				*missing = level;
				return 0;
			}
			if (pt->tables_used == FWPT_MAX_TABLES ||
			    pt->platform.new_table(pt->platform.ctx, &pa)) {
				*status = FWPT_ENOMEM;
				return 0;
			}
			pt->tables_used++;
			*slot = pa | DESC_TABLE;
		}
		table = pt->platform.table(pt->platform.ctx, *slot & ADDR_MASK);
	}
	return &table[index_at(va, leaf_level)];
}

/* One step of the loop: a 2M block where va, pa and the rest of the range
 * allow it, else a page. */
static bool block_step(uint64_t va, uint64_t pa, uint64_t left, bool pages_only)
{
	return !pages_only && !(va & (BLOCK_2M - 1)) && !(pa & (BLOCK_2M - 1)) && left >= BLOCK_2M;
}

static uint64_t leaf(uint64_t pa, uint64_t attrs, bool block)
{
	return (pa & ADDR_MASK) | (attrs & ATTRS_MASK) | (block ? DESC_BLOCK : DESC_TABLE);
}

int fwpt_map(struct fwpt *pt, uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs,
	     bool pages_only)
{
	uint64_t lo = pt->upper ? ~0ULL << pt->va_bits : 0;
	uint64_t hi = pt->upper ? ~0ULL : (1ULL << pt->va_bits) - 1;
	if (!size || ((va | pa | size) & (PAGE - 1)) || va < lo || size - 1 > hi - va ||
	    (pa + size - 1) >> 48)
		return FWPT_EINVAL;
	/* Check pass: every entry the map would write is empty or already
	 * holds exactly that value. */
	for (int pass = 0; pass < 2; pass++) {
		for (uint64_t off = 0; off < size;) {
			bool block = block_step(va + off, pa + off, size - off, pages_only);
			int status = FWPT_OK, missing = 0;
			uint64_t *slot =
			    entry_for(pt, va + off, block ? 2 : 3, pass == 1, &status, &missing);
			uint64_t want = leaf(pa + off, attrs, block);
			if (!slot && status != FWPT_OK)
				return status;
			if (!slot) {
				/* Nothing below an empty entry can conflict: skip
				 * what it would map. */
				uint64_t span = 1ULL << (12 + 9 * (3 - missing));
				uint64_t next = ((va + off) | (span - 1)) - va + 1;
				off = next < size && next > off ? next : size;
				continue;
			}
			if (slot && *slot && *slot != want)
				return FWPT_EBUSY; /* a live entry or a table */
			if (slot && pass == 1)
				*slot = want;
			off += block ? BLOCK_2M : PAGE;
		}
	}
	return FWPT_OK;
}
