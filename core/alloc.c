/* The three allocators: each is an ops struct with an opaque context, so the
 * builder never knows where its tables come from (the seed's patch 3). */
#include "internal.h"
#include "physmem.h"

static int bump_alloc(void *ctx, int level, uint64_t *pa)
{
	struct pgd_bump_alloc *bump = ctx;
	(void)level;
	if (bump->end - bump->next < bump->granule || bump->next > bump->end)
		return -1;
	*pa = bump->next;
	bump->next += bump->granule;
	bump->count++;
	return 0;
}

void pgd_bump_init(struct pgd_bump_alloc *bump, uint64_t base, uint64_t size, uint64_t granule)
{
	uint64_t aligned = (base + granule - 1) & ~(granule - 1);
	bump->granule = granule;
	bump->next = aligned;
	bump->end = aligned - base > size ? aligned : base + size;
	bump->count = 0;
}

struct pgd_mm_ops pgd_bump_ops(struct pgd_bump_alloc *bump)
{
	return (struct pgd_mm_ops){bump_alloc, bump};
}

static bool overlaps_reserved(const struct pgd_page_alloc *alloc, uint64_t base, uint64_t size,
			      uint64_t *reserved_base)
{
	for (size_t i = 0; i < alloc->nreserved; i++) {
		uint64_t rb = alloc->reserved[i].base, rs = alloc->reserved[i].size;
		if (base < rb + rs && rb < base + size) {
			*reserved_base = rb;
			return true;
		}
	}
	return false;
}

static void start_bank(struct pgd_page_alloc *alloc)
{
	struct physmem_bank bank = physmem_bank_at(alloc->mem, alloc->bank);
	uint64_t top = bank.base + bank.size;
	if (top > alloc->limit)
		top = alloc->limit > bank.base ? alloc->limit : bank.base;
	alloc->next_top = top & ~(alloc->granule - 1);
}

static int page_alloc(void *ctx, int level, uint64_t *pa)
{
	struct pgd_page_alloc *alloc = ctx;
	(void)level;
	while (alloc->bank < physmem_bank_count(alloc->mem)) {
		struct physmem_bank bank = physmem_bank_at(alloc->mem, alloc->bank);
		uint64_t reserved_base;
		if (alloc->next_top < bank.base + alloc->granule) {
			/* Bank exhausted: move down to the next lower bank. */
			if (alloc->bank == 0)
				break;
			alloc->bank--;
			start_bank(alloc);
			continue;
		}
		uint64_t candidate = alloc->next_top - alloc->granule;
		if (overlaps_reserved(alloc, candidate, alloc->granule, &reserved_base)) {
			alloc->next_top = reserved_base & ~(alloc->granule - 1);
			continue;
		}
		alloc->next_top = candidate;
		alloc->count++;
		*pa = candidate;
		return 0;
	}
	alloc->bank = physmem_bank_count(alloc->mem); /* stay exhausted */
	return -1;
}

void pgd_page_alloc_init(struct pgd_page_alloc *alloc, const struct physmem *mem, uint64_t granule)
{
	alloc->mem = mem;
	alloc->granule = granule;
	alloc->limit = 1ULL << 52;
	alloc->nreserved = 0;
	alloc->count = 0;
	size_t banks = physmem_bank_count(mem);
	alloc->bank = banks ? banks - 1 : 0;
	if (banks)
		start_bank(alloc);
	else
		alloc->next_top = 0;
}

int pgd_page_alloc_reserve(struct pgd_page_alloc *alloc, uint64_t base, uint64_t size)
{
	if (alloc->nreserved == PGD_PAGE_ALLOC_MAX_RESERVED || size == 0)
		return -1;
	alloc->reserved[alloc->nreserved].base = base;
	alloc->reserved[alloc->nreserved].size = size;
	alloc->nreserved++;
	return 0;
}

void pgd_page_alloc_limit(struct pgd_page_alloc *alloc, uint64_t limit)
{
	alloc->limit = limit;
	if (physmem_bank_count(alloc->mem)) {
		alloc->bank = physmem_bank_count(alloc->mem) - 1;
		start_bank(alloc);
	}
}

struct pgd_mm_ops pgd_page_alloc_ops(struct pgd_page_alloc *alloc)
{
	return (struct pgd_mm_ops){page_alloc, alloc};
}

static int failing_alloc(void *ctx, int level, uint64_t *pa)
{
	struct pgd_failing_alloc *fa = ctx;
	if (fa->count++ >= fa->fail_at)
		return -1;
	return fa->inner.alloc(fa->inner.ctx, level, pa);
}

struct pgd_mm_ops pgd_failing_ops(struct pgd_failing_alloc *fa, struct pgd_mm_ops inner,
				  unsigned fail_at)
{
	fa->inner = inner;
	fa->fail_at = fail_at;
	fa->count = 0;
	return (struct pgd_mm_ops){failing_alloc, fa};
}

int pgd_alloc_table(const struct pgd_tree *tree, int level, uint64_t va, uint64_t *pa,
		    struct pgd_error *err)
{
	uint64_t granule = pgd_granule(&tree->geo);
	uint64_t table;
	if (!tree->mm.alloc || tree->mm.alloc(tree->mm.ctx, level, &table))
		return pgd_fail(err, PGD_ENOMEM, va, level, "alloc",
				"allocator failed for a level %d table", level);
	/* Check what the allocator returned: a bad page must not be linked. */
	if ((table & (granule - 1)) || !physmem_is_ram(tree->mem, table, granule) ||
	    table >> tree->geo.pa_bits)
		return pgd_fail(err, PGD_EMEM, va, level, "alloc-bad-page",
				"allocator returned PA 0x%llx: not an aligned RAM page within "
				"pa_bits",
				(unsigned long long)table);
	if (!physmem_zero(tree->mem, table, granule))
		return pgd_fail(err, PGD_ENOMEM, va, level, "host-memory",
				"out of host memory for simulated RAM");
	*pa = table;
	return PGD_OK;
}
