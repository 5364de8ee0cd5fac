/* The AT probe against reference/ on random tables: every divergence must be
 * explained by a listed deviation. The tables are random descriptors (valid
 * and invalid, tables, blocks at every level, pages, random attributes, some
 * output and table addresses beyond the PA size or outside RAM) in a small
 * pool of table pages; VAs pick low indices at every level so most walks
 * go deep. */
#include "check.h"
#include "emu.h"
#include "physmem.h"

#include <string.h>

#define RAM_BASE 0x40000000ULL
#define RAM_SIZE (64ULL << 20)
#define POOL	 8 /* table pages */
#define USED_IDX 8 /* entries filled per table, and indices VAs use */
#define ROUNDS	 300
#define VAS	 256

static uint64_t rng_state = 0x243f6a8885a308d3ULL;
static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static unsigned chance(unsigned percent)
{
	return rng() % 100 < percent;
}

struct round {
	unsigned page_shift, tnsz;
	uint64_t pool[POOL];
	struct pgd_regs regs;
};

static uint64_t random_oa(unsigned page_shift, unsigned size_shift)
{
	uint64_t oa = RAM_BASE + (rng() % RAM_SIZE);
	if (chance(5))
		oa = 1ULL << (44 + rng() % 4); /* beyond the A72's 44-bit PA */
	oa &= ~((1ULL << size_shift) - 1);
	(void)page_shift;
	return oa;
}

static uint64_t random_desc(const struct round *r, int level)
{
	unsigned stride = r->page_shift - 3;
	unsigned shift = r->page_shift + stride * (unsigned)(3 - level);
	uint64_t attrs = (rng() % 5) << 2			       /* AttrIndx 0..4 */
			 | (rng() & 3) << 6			       /* AP */
			 | (uint64_t)(chance(80) ? 3 : rng() & 3) << 8 /* SH */
			 | (uint64_t)chance(85) << 10		       /* AF */
			 | (uint64_t)chance(10) << 52		       /* contiguous */
			 | (uint64_t)chance(20) << 53 | (uint64_t)chance(20) << 54;
	unsigned pick = rng() % 100;
	if (pick < 20)
		return chance(50) ? 0 : attrs & ~1ULL; /* invalid */
	if (level < 3 && pick < 60) {
		uint64_t next = r->pool[rng() % POOL];
		if (chance(3))
			next = 0x10000000ULL; /* a table outside RAM */
		uint64_t table_attrs = chance(15) ? (rng() & 0xfULL) << 59 : 0;
		return next | table_attrs | 3;
	}
	if (level == 3)
		return random_oa(r->page_shift, r->page_shift) | attrs | (chance(95) ? 3 : 1);
	return random_oa(r->page_shift, shift) | attrs | 1; /* block, any level */
}

static void build_round(struct physmem *mem, struct round *r)
{
	static const unsigned shifts[] = {12, 14, 16};
	physmem_reset(mem);
	CHECK(physmem_add_bank(mem, RAM_BASE, RAM_SIZE, NULL) == 0);
	r->page_shift = shifts[rng() % 3];
	/* Mostly legal TnSZ spread over every start level; a few clamped. */
	r->tnsz = chance(90) ? 16 + (unsigned)(rng() % 24) : (chance(50) ? 12 : 43);
	uint64_t granule = 1ULL << r->page_shift;
	for (int i = 0; i < POOL; i++)
		r->pool[i] = RAM_BASE + (uint64_t)(i + 1) * granule * 4;
	/* A table's level is unknown when pages are shared: fill each entry
	 * for a random level, so blocks land on every level. */
	for (int i = 0; i < POOL; i++) {
		CHECK(physmem_zero(mem, r->pool[i], granule));
		for (unsigned e = 0; e < USED_IDX; e++)
			CHECK(physmem_write64(mem, r->pool[i] + e * 8,
					      random_desc(r, (int)(rng() % 4))));
	}
	unsigned tg0 = r->page_shift == 12 ? 0 : r->page_shift == 14 ? 2 : 1;
	unsigned tg1 = r->page_shift == 12 ? 2 : r->page_shift == 14 ? 1 : 3;
	r->regs.tcr = r->tnsz | (uint64_t)tg0 << 14 | 1 << 8 | 1 << 10 | 3 << 12 |
		      (uint64_t)r->tnsz << 16 | (uint64_t)tg1 << 30 | 5ULL << 32 |
		      (uint64_t)chance(20) << 41 | (uint64_t)chance(20) << 42;
	r->regs.ttbr0 = r->pool[0];
	r->regs.ttbr1 = r->pool[1];
	r->regs.mair = PGD_MAIR_DEFAULT;
	r->regs.sctlr = PGD_SCTLR_MMU_ON;
}

static void random_vas(const struct round *r, uint64_t *vas, size_t n)
{
	unsigned stride = r->page_shift - 3;
	unsigned tnsz = r->tnsz < 16 ? 16 : r->tnsz > 39 ? 39 : r->tnsz;
	unsigned ia = 64 - tnsz;
	for (size_t i = 0; i < n; i++) {
		uint64_t va = rng() & ((1ULL << r->page_shift) - 1);
		for (int level = 0; level <= 3; level++) {
			unsigned shift = r->page_shift + stride * (unsigned)(3 - level);
			if (shift < ia)
				va |= (rng() % USED_IDX) << shift;
		}
		va &= ia >= 64 ? ~0ULL : (1ULL << ia) - 1;
		if (chance(40))
			va |= ~0ULL << ia; /* TTBR1 */
		if (chance(3))
			va ^= 1ULL << 50; /* out of range */
		vas[i] = va;
	}
}

static void report(void *ctx, enum emu_at_op op, uint64_t va, const char *why)
{
	unsigned *printed = ctx;
	if ((*printed)++ < 20)
		fprintf(stderr, "finding (%s, va 0x%llx): %s\n", emu_at_op_name(op),
			(unsigned long long)va, why);
}

int main(void)
{
	struct emu_error err;
	struct emu *emu = emu_new(NULL, &err);
	struct physmem *mem = physmem_new();
	struct emu_compare_stats stats = {0};
	unsigned printed = 0;
	uint64_t success_agree = 0;
	CHECK(emu != NULL);
	for (int round = 0; emu && round < ROUNDS; round++) {
		struct round r;
		uint64_t vas[VAS];
		build_round(mem, &r);
		random_vas(&r, vas, VAS);
		for (int op = EMU_AT_S1E1R; op <= EMU_AT_S1E0R; op++) {
			CHECK(emu_at_compare(emu, mem, &r.regs, (enum emu_at_op)op, vas, VAS,
					     &stats, report, &printed, &err) == 0);
		}
		/* Count agreeing successful translations: the test must not pass
		 * on faults alone. */
		struct emu_at_result res[VAS];
		CHECK(emu_at_probe(emu, mem, &r.regs, EMU_AT_S1E1R, vas, VAS, res, &err) == 0);
		for (int i = 0; i < VAS; i++)
			success_agree += !res[i].fault;
	}
	printf("probes %llu agree %llu findings %llu successes %llu\n",
	       (unsigned long long)stats.probes, (unsigned long long)stats.agree,
	       (unsigned long long)stats.findings, (unsigned long long)success_agree);
	for (int id = 1; id < EMU_DEV_COUNT; id++)
		printf("  known deviation %-24s %llu\n",
		       emu_deviation_get((enum emu_deviation)id)->name,
		       (unsigned long long)stats.known[id]);
	CHECK_EQ(stats.findings, 0);
	CHECK_EQ(stats.probes, (uint64_t)ROUNDS * VAS * 3);
	CHECK(stats.agree > stats.probes / 2);
	CHECK(success_agree > 5000);
	/* The random tables do reach the deviations the table lists. */
	CHECK(stats.known[EMU_DEV_BLOCK_ANY_LEVEL] > 0);
	CHECK(stats.known[EMU_DEV_NO_ADDRESS_SIZE] > 0);
	emu_free(emu);
	physmem_free(mem);
	return check_report("emulate.at_compare");
}
