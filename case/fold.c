/* case: bounds. case_fold() is the single definition of "in bounds": the
 * decoder ends with it and the parser rejects any case it would change. */
#include <string.h>

#include "case.h"
#include "internal.h"

const unsigned case_pa_bits_table[CASE_PA_BITS_CHOICES] = {0, 32, 36, 40, 42, 44, 48, 52};

unsigned case_page_shift(unsigned granule)
{
	return granule == 65536 ? 16 : granule == 16384 ? 14 : 12;
}

static unsigned level_shift(unsigned page_shift, int level)
{
	return page_shift + (page_shift - 3) * (unsigned)(3 - level);
}

/* The start level the builder's own tree will use. Forced levels win;
 * otherwise it follows from va_bits as in the architecture's start-level
 * rule. The idmap may start higher still, which only means fewer block
 * levels assumed here: the estimate stays an upper bound. */
static int start_level(const struct pgd_config *geometry)
{
	unsigned page_shift = case_page_shift(geometry->granule);
	int level;

	if (geometry->levels >= 1 && geometry->levels <= 5)
		return 4 - (int)geometry->levels;
	if (geometry->va_bits <= page_shift)
		return 3;
	level = 3 - (int)((geometry->va_bits - 1 - page_shift) / (page_shift - 3));
	return level < -1 ? -1 : level;
}

/* Block levels the estimate may assume: the ones Linux's builder uses (L2,
 * and L1 for 4K), and only at or below the start level. Assuming fewer
 * blocks than core uses over-estimates the cost, which is the safe side. */
static bool block_level(const struct pgd_config *geometry, int level)
{
	if (level < start_level(geometry))
		return false;
	if (level == 2)
		return true;
	return level == 1 && case_page_shift(geometry->granule) == 12;
}

/* Walk an op's range greedily (largest aligned block that fits, else a
 * page), as the builders do, stopping after limit leaves. Returns the leaf
 * count; *stop is where the last counted leaf ends. */
static uint64_t walk_leaves(const struct pgd_config *geometry, const struct case_op *op,
			    uint64_t limit, uint64_t *stop)
{
	unsigned page_shift = case_page_shift(geometry->granule);
	uint64_t page = 1ULL << page_shift;
	uint64_t va = op->kind == CASE_OP_IDMAP ? op->pa : op->va;
	uint64_t pa = op->kind == CASE_OP_MAP || op->kind == CASE_OP_IDMAP ? op->pa : op->va;
	bool blocks = !(op->flags & PGD_NO_BLOCK);
	uint64_t addr, end, phys, count = 0;

	*stop = va;
	if (op->size == 0)
		return 0;
	/* Ranges that wrap past 2^64, or cross from below 2^63 to above it (the
	 * hole between the TTBR0 and TTBR1 halves), are refused by core before
	 * any work. A range may end exactly at 2^64: count it 2^63 lower, which
	 * keeps every block alignment, so the end stays representable. */
	uint64_t last = va + (op->size - 1), bias = 0;
	if (op->size - 1 > UINT64_MAX - va || (va < (1ULL << 63) && last >= (1ULL << 63)))
		return 1;
	if (va >= (1ULL << 63)) {
		bias = 1ULL << 63;
		va -= bias;
		last -= bias;
	}
	addr = va & ~(page - 1);
	phys = pa & ~(page - 1);
	end = (last | (page - 1)) + 1;
	while (addr < end && count < limit) {
		uint64_t step = page, run_end = end, run;

		for (int level = 1; blocks && level <= 2; level++) {
			uint64_t block = 1ULL << level_shift(page_shift, level);

			if (block_level(geometry, level) && !((addr | phys) & (block - 1)) &&
			    end - addr >= block) {
				step = block;
				break;
			}
		}
		/* The same step repeats until a larger block could start: count
		 * the whole run at once, so the walk costs a few steps per level. */
		for (int level = 1; blocks && level <= 2; level++) {
			uint64_t block = 1ULL << level_shift(page_shift, level);
			uint64_t next;

			if (block <= step || !block_level(geometry, level) ||
			    ((addr ^ phys) & (block - 1)) || addr > UINT64_MAX - block)
				continue;
			next = (addr + block) & ~(block - 1);
			if (next < run_end)
				run_end = next;
		}
		run = (run_end - addr) / step;
		if (run > limit - count)
			run = limit - count;
		addr += run * step;
		phys += run * step;
		count += run;
	}
	*stop = addr + bias;
	if (addr < end)
		count++; /* at least one more: over any limit */
	return count;
}

uint64_t case_op_leaves(const struct pgd_config *geometry, const struct case_op *op)
{
	uint64_t stop;

	if (op->kind == CASE_OP_COPY)
		return 0; /* depends on what was mapped before: see case_fold */
	return walk_leaves(geometry, op, UINT64_MAX, &stop);
}

bool case_op_truncate(const struct pgd_config *geometry, struct case_op *op, uint64_t limit)
{
	uint64_t va = op->kind == CASE_OP_IDMAP ? op->pa : op->va;
	uint64_t stop;

	if (op->kind == CASE_OP_COPY || walk_leaves(geometry, op, limit, &stop) <= limit)
		return false;
	op->size = stop > va ? stop - va : 0;
	return true;
}

static void fold_geometry(struct pgd_config *geometry)
{
	bool known_pa = false;

	if (geometry->granule != 4096 && geometry->granule != 16384 && geometry->granule != 65536)
		geometry->granule = 4096;
	if (geometry->va_bits < 25 || geometry->va_bits > 52)
		geometry->va_bits = 25 + geometry->va_bits % 28;
	if (geometry->levels > 5)
		geometry->levels = 0;
	if (geometry->root_entries & (geometry->root_entries - 1) || geometry->root_entries > 65536)
		geometry->root_entries = 0;
	for (unsigned i = 0; i < CASE_PA_BITS_CHOICES; i++)
		known_pa |= geometry->pa_bits == case_pa_bits_table[i];
	if (!known_pa)
		geometry->pa_bits = 0;
	geometry->lpa2 = !!geometry->lpa2;
}

static bool ranges_overlap(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
	return a < b + b_size && b < a + a_size;
}

void case_fold_banks(struct pgd_case *c)
{
	unsigned kept = 0;

	for (unsigned i = 0; i < c->n_banks && i < CASE_MAX_BANKS; i++) {
		struct case_range bank = c->banks[i];
		bool overlaps = false;

		bank.base &= (CASE_PA_LIMIT - 1) & ~(uint64_t)0xfff;
		bank.size &= ~(uint64_t)0xfff;
		if (bank.size > CASE_PA_LIMIT - bank.base)
			bank.size = CASE_PA_LIMIT - bank.base;
		for (unsigned j = 0; j < kept; j++)
			overlaps |= ranges_overlap(bank.base, bank.size, c->banks[j].base,
						   c->banks[j].size);
		if (bank.size == 0 || overlaps)
			continue;
		c->banks[kept++] = bank;
	}
	c->n_banks = kept;
	memset(&c->banks[kept], 0, (CASE_MAX_BANKS - kept) * sizeof(c->banks[0]));
}

static void fold_ops(struct pgd_case *c)
{
	uint64_t used = 0, mapped = 0;
	unsigned kept = 0;

	for (unsigned i = 0; i < c->n_ops && i < CASE_MAX_OPS; i++) {
		struct case_op op = c->ops[i];
		uint64_t leaves, stop;

		op.kind = (enum case_op_kind)((unsigned)op.kind % CASE_OP_COUNT);
		op.prot &= PGD_PROT_MASK;
		op.flags &= PGD_NO_BLOCK | PGD_NO_CONT | PGD_NO_EXEC;
		switch (op.kind) {
		case CASE_OP_UPDATE:
			op.pa = 0;
			op.flags = 0;
			break;
		case CASE_OP_IDMAP:
			op.va = 0;
			break;
		case CASE_OP_COPY:
			memset(&op, 0, sizeof(op));
			op.kind = CASE_OP_COPY;
			break;
		default:
			break;
		}
		if (op.kind == CASE_OP_COPY) {
			if (used + mapped > CASE_MAX_LEAVES)
				continue; /* too expensive: drop it */
			used += mapped;
		} else {
			/* Cut the range where the budget runs out. */
			if (case_op_truncate(&c->geometry, &op, CASE_MAX_LEAVES - used))
				leaves = CASE_MAX_LEAVES - used;
			else
				leaves = walk_leaves(&c->geometry, &op, UINT64_MAX, &stop);
			used += leaves;
			if (op.kind != CASE_OP_UPDATE)
				mapped += leaves;
		}
		c->ops[kept++] = op;
	}
	c->n_ops = kept;
	memset(&c->ops[kept], 0, (CASE_MAX_OPS - kept) * sizeof(c->ops[0]));
}

static void fold_kexec(struct pgd_case *c)
{
	uint64_t granule = 1ULL << case_page_shift(c->geometry.granule);
	uint64_t pages_left = CASE_MAX_KEXEC_PAGES;
	unsigned kept = 0;

	c->kexec.present = !!c->kexec.present;
	if (!c->kexec.present) {
		memset(&c->kexec, 0, sizeof(c->kexec));
		return;
	}
	c->kexec.strategy =
	    (enum case_reloc_strategy)((unsigned)c->kexec.strategy % CASE_RELOC_COUNT);
	for (unsigned i = 0; i < c->kexec.n_segments && i < CASE_MAX_SEGMENTS; i++) {
		struct case_segment seg = c->kexec.segments[i];
		uint64_t top;

		seg.src &= (CASE_PA_LIMIT - 1) & ~(granule - 1);
		seg.dst &= (CASE_PA_LIMIT - 1) & ~(granule - 1);
		seg.size &= ~(granule - 1);
		top = seg.src > seg.dst ? seg.src : seg.dst;
		if (seg.size > CASE_PA_LIMIT - top)
			seg.size = CASE_PA_LIMIT - top;
		if (seg.size / granule > pages_left)
			seg.size = pages_left * granule;
		if (seg.size == 0)
			continue;
		pages_left -= seg.size / granule;
		c->kexec.segments[kept++] = seg;
	}
	c->kexec.n_segments = kept;
	memset(&c->kexec.segments[kept], 0,
	       (CASE_MAX_SEGMENTS - kept) * sizeof(c->kexec.segments[0]));
}

static void fold_walker(struct pgd_case *c)
{
	bool known_pa = false;

	for (unsigned i = 0; i < CASE_PA_BITS_CHOICES; i++)
		known_pa |= c->walker.features.pa_bits == case_pa_bits_table[i];
	if (!known_pa)
		c->walker.features.pa_bits = 0;
	c->walker.features.lpa = !!c->walker.features.lpa;
	c->walker.features.lpa2 = !!c->walker.features.lpa2;
	c->walker.features.hpds = !!c->walker.features.hpds;
	c->walker.features.hafdbs = !!c->walker.features.hafdbs;
	if (c->walker.n_writes > CASE_MAX_WRITES)
		c->walker.n_writes = CASE_MAX_WRITES;
	for (unsigned i = 0; i < c->walker.n_writes; i++)
		c->walker.writes[i].pa &= (CASE_PA_LIMIT - 1) & ~(uint64_t)7;
	memset(&c->walker.writes[c->walker.n_writes], 0,
	       (CASE_MAX_WRITES - c->walker.n_writes) * sizeof(c->walker.writes[0]));
	if (c->walker.n_probes > CASE_MAX_PROBES)
		c->walker.n_probes = CASE_MAX_PROBES;
	memset(&c->walker.probes[c->walker.n_probes], 0,
	       (CASE_MAX_PROBES - c->walker.n_probes) * sizeof(c->walker.probes[0]));
}

void case_fold(struct pgd_case *c)
{
	c->harness = (enum case_harness)((unsigned)c->harness % CASE_HARNESS_COUNT);
	fold_geometry(&c->geometry);
	c->upper = !!c->upper;
	case_fold_banks(c);
	fold_ops(c);
	fold_kexec(c);
	fold_walker(c);
}

bool case_in_bounds(const struct pgd_case *c)
{
	struct pgd_case folded;

	memcpy(&folded, c, sizeof(folded));
	case_fold(&folded);
	return memcmp(&folded, c, sizeof(folded)) == 0;
}

static const char *const harness_names[CASE_HARNESS_COUNT] = {"builder", "idmap", "reloc",
							      "walker"};
static const char *const op_names[CASE_OP_COUNT] = {"map", "update", "idmap", "copy"};
static const char *const strategy_names[CASE_RELOC_COUNT] = {"mmu-off", "idmap", "linear", "all"};

const char *case_harness_name(enum case_harness harness)
{
	return (unsigned)harness < CASE_HARNESS_COUNT ? harness_names[harness] : "?";
}

const char *case_op_name(enum case_op_kind kind)
{
	return (unsigned)kind < CASE_OP_COUNT ? op_names[kind] : "?";
}

const char *case_strategy_name(enum case_reloc_strategy strategy)
{
	return (unsigned)strategy < CASE_RELOC_COUNT ? strategy_names[strategy] : "?";
}
