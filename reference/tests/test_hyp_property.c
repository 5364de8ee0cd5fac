/* Property test for the hypervisor regimes: on random table soups under
 * random TCR_EL2 / VTCR_EL2 values and features, the range walk and the
 * per-IA walk agree on every sampled address (fault, level, PA, attributes,
 * and every access kind against the permissions), the intervals tile the
 * space, a window walk agrees with the full one, an unchanged table has no
 * BBM finding, and lint, BBM and both dumps run deterministically. */
#include "check.h"
#include "hyp_fixture.h"

#include <stdio.h>

#define SOUPS	 500
#define SAMPLES	 1200
#define PAGES	 6
#define RAM_BASE 0x80000000ULL
#define RAM_SIZE (16ULL << 20)

static uint64_t rng_state = 0x2545f4914f6cdd1dULL; /* fixed seed */

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

struct ivlist {
	struct ref_hyp_interval *iv;
	size_t count, cap;
};

static int push(void *ctx, const struct ref_hyp_interval *iv)
{
	struct ivlist *list = ctx;
	if (list->count == list->cap) {
		list->cap = list->cap ? list->cap * 2 : 256;
		list->iv = realloc(list->iv, list->cap * sizeof(*list->iv));
		if (!list->iv)
			return -1;
	}
	list->iv[list->count++] = *iv;
	return 0;
}

static const struct ref_hyp_interval *find(const struct ivlist *list, uint64_t ia)
{
	size_t lo = 0, hi = list->count;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (list->iv[mid].ia + (list->iv[mid].size - 1) < ia)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < list->count ? &list->iv[lo] : NULL;
}

static uint64_t random_desc(const uint64_t *pages)
{
	uint64_t addr, attrs = rnd() & 0x7ff8000000000ffcULL;

	switch (rnd() % 8) {
	case 0:
		addr = rnd() & 0x000ffffffffff000ULL;
		break;
	case 1:
	case 2:
	case 3:
		addr = pages[rnd() % PAGES];
		break;
	default:
		addr = RAM_BASE + (rnd() % 64) * 0x200000ULL + (rnd() % 8) * 0x1000;
		break;
	}
	static const uint64_t types[] = {3, 3, 3, 1, 1, 0, 2};
	return (addr & ~0xfffULL) | attrs | types[rnd() % 7];
}

/* Findings as text, to compare two runs exactly. */
struct text {
	char buf[1 << 16];
	size_t len;
};

static int lint_log(void *ctx, const struct ref_finding *f)
{
	struct text *t = ctx;
	if (t->len < sizeof(t->buf))
		t->len += (size_t)snprintf(
		    t->buf + t->len, sizeof(t->buf) - t->len, "%d %llx %d %llx %llx %llx\n",
		    (int)f->kind, (unsigned long long)f->va, f->level,
		    (unsigned long long)f->desc_pa, (unsigned long long)f->desc,
		    (unsigned long long)f->detail);
	return 0;
}

static int bbm_log(void *ctx, const struct ref_bbm_finding *f)
{
	struct text *t = ctx;
	if (t->len < sizeof(t->buf))
		t->len += (size_t)snprintf(
		    t->buf + t->len, sizeof(t->buf) - t->len, "%s %llx %d %llx %llx\n", f->rule,
		    (unsigned long long)f->va, f->level, (unsigned long long)f->before_desc,
		    (unsigned long long)f->after_desc);
	return 0;
}

static bool same_text(const struct text *a, const struct text *b)
{
	return a->len == b->len &&
	       memcmp(a->buf, b->buf, a->len < sizeof(a->buf) ? a->len : 0) == 0;
}

static void random_config(enum ref_hyp_kind *kind, struct ref_hyp_regs *regs,
			  struct ref_hyp_features *feat, const uint64_t *pages)
{
	static const unsigned shifts[] = {12, 14, 16};
	static const unsigned pa_sizes[] = {32, 36, 40, 42, 44, 48, 52};
	unsigned g = shifts[rnd() % 3];
	unsigned t0 = rnd() % 4 ? 16 + rnd() % 24 : rnd() % 64;

	memset(feat, 0, sizeof(*feat));
	memset(regs, 0, sizeof(*regs));
	feat->base.pa_bits = pa_sizes[rnd() % 7];
	feat->base.lpa = rnd() & 1;
	feat->base.lpa2 = rnd() & 1;
	feat->base.lva = rnd() & 1;
	feat->base.ttst = rnd() & 1;
	feat->base.hpds = rnd() & 1;
	feat->base.hafdbs = rnd() & 1;
	feat->base.bbm_level = rnd() % 3;
	feat->base.txsz_policy = rnd() % 2;
	feat->xnx = rnd() & 1;
	feat->s2fwb = rnd() & 1;
	regs->sctlr = (rnd() % 16 ? SCTLR_M : 0) | (rnd() % 4 ? 0 : SCTLR_WXN) |
		      (rnd() % 16 ? 0 : 1ULL << 25);
	if (rnd() & 1) {
		*kind = REF_HYP_EL2;
		regs->tcr = t0 | tg0_bits(g) | (rnd() % 8) << 16 | EL2_TCR_RES1 |
			    (rnd() & (EL2_HA | EL2_HD | EL2_HPD | EL2_DS | (3ULL << 12)));
		regs->ttbr = pages[rnd() % PAGES] | (rnd() % 8 == 0 ? rnd() & 0xffeULL : 0);
		regs->mair = rnd() % 2 ? MAIR_LINUX : rnd();
		return;
	}
	*kind = REF_HYP_STAGE2;
	unsigned sl0 = rnd() % 4;
	if (rnd() % 2) {
		/* Aim at a consistent SL0 half the time: the start level the
		 * stage 1 formula gives, or one above it (concatenation). */
		int level = ref_start_level(g, 64 - (t0 < 16 ? 16 : t0 > 48 ? 48 : t0));
		level += (int)(rnd() % 2);
		if (level > 3)
			level = 3;
		sl0 = g == 12 ? (level == 3 ? 3 : (unsigned)(2 - level)) : (unsigned)(3 - level);
		sl0 &= 3;
	}
	regs->vtcr = t0 | (uint64_t)sl0 << 6 | tg0_bits(g) | (rnd() % 8) << 16 | VTCR_RES1 |
		     (rnd() & (VTCR_HA | VTCR_HD | VTCR_DS | VTCR_SL2 | (3ULL << 12)));
	regs->vttbr = pages[rnd() % PAGES] | (rnd() & 0xffff000000000000ULL) |
		      (rnd() % 8 == 0 ? rnd() & 0xffeULL : 0);
	regs->hcr = (rnd() % 16 ? HCR_VM : 0) | (rnd() % 2 ? HCR_FWB : 0);
}

static uint64_t sample_ia(const struct ref_hyp_regime *r, const struct ivlist *list)
{
	uint64_t ia = 0;

	switch (rnd() % 6) {
	case 0:
		return rnd() % 2 ? rnd() : rnd() & ((1ULL << 53) - 1);
	case 1: {
		const struct ref_hyp_interval *iv = &list->iv[rnd() % list->count];
		return rnd() & 1 ? iv->ia : iv->ia + (iv->size - 1);
	}
	default:
		for (int level = r->start_level; level <= 3; level++) {
			unsigned shift = ref_level_shift(r->granule_shift, level);
			uint64_t idx = rnd() % 4 ? rnd() % 32 : rnd();
			if (shift < 64)
				ia |= idx << shift;
		}
		return (ia & ((1ULL << r->ia_bits) - 1)) |
		       (rnd() & ((1ULL << r->granule_shift) - 1));
	}
}

static const enum ref_hyp_access accesses[] = {REF_HYP_READ, REF_HYP_WRITE, REF_HYP_EXEC,
					       REF_HYP_EXEC_EL0};

static void check_agreement(const struct ref_hyp_regime *r, const struct ref_hyp_interval *iv,
			    uint64_t ia, unsigned *mapped)
{
	struct ref_hyp_result res;

	ref_hyp_walk(r, ia, REF_HYP_TRANSLATE, &res);
	CHECK_EQ(res.fault, iv->fault);
	CHECK_EQ(res.level, (uint64_t)(int64_t)iv->level);
	CHECK_EQ(res.has_leaf, iv->has_leaf);
	CHECK(res.nsteps <= REF_MAX_STEPS);
	/* The chain ends at the fault's level (an abort: the read before). */
	if (res.nsteps)
		CHECK_EQ(res.steps[res.nsteps - 1].level,
			 (uint64_t)(int64_t)(res.level - (res.fault == REF_FAULT_EXTERNAL_ABORT)));
	if (!res.has_leaf || !iv->has_leaf || res.fault != iv->fault)
		return;
	CHECK_EQ(res.pa, iv->pa + (ia - iv->ia));
	CHECK_EQ(res.block_shift, iv->block_shift);
	CHECK(ref_hyp_attrs_equal(&res.attrs, &iv->attrs));
	if (r->enabled)
		CHECK(res.pa >> r->oa_bits == 0);
	if (iv->fault != REF_FAULT_NONE)
		return;
	(*mapped)++;
	for (int i = 0; i < 4; i++) {
		ref_hyp_walk(r, ia, accesses[i], &res);
		CHECK_EQ(res.fault,
			 iv->attrs.perms & (1u << i) ? REF_FAULT_NONE : REF_FAULT_PERMISSION);
	}
}

int main(void)
{
	struct physmem *pm = physmem_new(), *after = physmem_new();
	struct ref_mem mem = fixture_mem(pm), after_mem = fixture_mem(after);
	struct ivlist list = {0};
	unsigned mapped = 0, faulting = 0, usable[2] = {0, 0}, concat = 0, findings = 0;
	static struct text t1, t2;

	for (int soup = 0; soup < SOUPS; soup++) {
		uint64_t pages[PAGES];
		enum ref_hyp_kind kind;
		struct ref_hyp_regs regs;
		struct ref_hyp_features feat;
		struct ref_hyp_regime r;
		char why[128];

		physmem_reset(pm);
		physmem_add_bank(pm, RAM_BASE, RAM_SIZE, NULL);
		for (int p = 0; p < PAGES; p++)
			pages[p] = RAM_BASE + (rnd() % (RAM_SIZE / 0x10000)) * 0x10000;
		for (int p = 0; p < PAGES; p++) {
			unsigned n = 4 + rnd() % 24;
			for (unsigned i = 0; i < n; i++) {
				unsigned idx = rnd() % 4 ? rnd() % 32 : rnd() % 512;
				physmem_write64(pm, pages[p] + idx * 8, random_desc(pages));
			}
		}
		random_config(&kind, &regs, &feat, pages);
		if (ref_hyp_regime_init(&r, kind, &regs, &feat, &mem, why, sizeof(why))) {
			CHECK(0);
			continue;
		}
		if (r.enabled && !r.config_fault)
			usable[kind]++;
		if (r.concat > 1 && !r.config_fault)
			concat++;

		list.count = 0;
		CHECK(ref_hyp_range_walk(&r, 0, ~0ULL, push, &list) == 0);
		CHECK(list.count > 0);
		uint64_t next = 0;
		for (size_t i = 0; i < list.count; i++) {
			CHECK_EQ(list.iv[i].ia, next);
			CHECK(list.iv[i].size > 0);
			next = list.iv[i].ia + list.iv[i].size;
		}
		CHECK_EQ(next, 0);

		for (int s = 0; s < SAMPLES; s++) {
			uint64_t ia = sample_ia(&r, &list);
			const struct ref_hyp_interval *iv = find(&list, ia);
			CHECK(iv != NULL);
			if (!iv)
				continue;
			if (iv->fault != REF_FAULT_NONE)
				faulting++;
			check_agreement(&r, iv, ia, &mapped);
		}

		uint64_t first = sample_ia(&r, &list), last = sample_ia(&r, &list);
		if (first > last) {
			uint64_t tmp = first;
			first = last;
			last = tmp;
		}
		struct ivlist window = {0};
		CHECK(ref_hyp_range_walk(&r, first, last, push, &window) == 0);
		CHECK(window.count > 0);
		if (window.count) {
			CHECK_EQ(window.iv[0].ia, first);
			const struct ref_hyp_interval *w = &window.iv[window.count - 1];
			CHECK_EQ(w->ia + (w->size - 1), last);
		}
		for (size_t i = 0; i < window.count; i++) {
			const struct ref_hyp_interval *iv = find(&list, window.iv[i].ia);
			CHECK_EQ(iv->fault, window.iv[i].fault);
			CHECK_EQ(iv->level, window.iv[i].level);
			if (iv->has_leaf)
				CHECK_EQ(iv->pa + (window.iv[i].ia - iv->ia), window.iv[i].pa);
		}
		free(window.iv);

		/* Lint with whole-table views and entry by entry: the same
		 * findings. */
		struct ref_mem per_entry = fixture_mem_per_entry(pm);
		struct ref_hyp_regime slow;
		CHECK(ref_hyp_regime_init(&slow, kind, &regs, &feat, &per_entry, why,
					  sizeof(why)) == 0);
		t1.len = t2.len = 0;
		CHECK(ref_hyp_lint(&r, lint_log, &t1) == 0);
		CHECK(ref_hyp_lint(&slow, lint_log, &t2) == 0);
		CHECK(same_text(&t1, &t2));
		findings += t1.len != 0;

		/* No change, no BBM finding; a mutated copy, deterministic. */
		t1.len = 0;
		CHECK(ref_hyp_bbm_check(&r, &mem, &mem, bbm_log, &t1) == 0);
		CHECK_EQ(t1.len, 0);
		CHECK(physmem_copy(after, pm));
		for (int i = 0; i < 8; i++) {
			uint64_t pa = pages[rnd() % PAGES];
			pa += (rnd() % 32) * 8;
			physmem_write64(after, pa, random_desc(pages));
		}
		t1.len = t2.len = 0;
		CHECK(ref_hyp_bbm_check(&r, &mem, &after_mem, bbm_log, &t1) == 0);
		CHECK(ref_hyp_bbm_check(&r, &mem, &after_mem, bbm_log, &t2) == 0);
		CHECK(same_text(&t1, &t2));

		FILE *null = fopen("/dev/null", "w");
		CHECK(ref_hyp_ptdump(&r, null) == 0);
		CHECK(ref_hyp_ptdump_raw(&r, null) == 0);
		fclose(null);
	}
	free(list.iv);
	physmem_free(pm);
	physmem_free(after);
	printf("samples: %u mapped, %u faulting; usable EL2 %u, stage 2 %u (%u concatenated); "
	       "%u soups with lint findings\n",
	       mapped, faulting, usable[0], usable[1], concat, findings);
	/* The soups must exercise both regimes and both outcomes. */
	CHECK(mapped > SOUPS * 5);
	CHECK(faulting > SOUPS * 5);
	CHECK(usable[0] > SOUPS / 8);
	CHECK(usable[1] > SOUPS / 8);
	CHECK(concat > SOUPS / 50);
	CHECK(findings > SOUPS / 4);
	return check_report("reference.hyp_property");
}
