/* Vectors for the hypervisor regimes, one block per architectural rule:
 * EL2 stage 1 (non-VHE) and stage 2 (VTCR_EL2 geometry, start levels,
 * concatenation, S2AP, MemAttr with and without FWB, XN/XNX, faults), plus
 * lint, BBM and ptdump on them. */
#include "check.h"
#include "hyp_fixture.h"

#include <stdio.h>

#define RAM_BASE 0x40000000ULL
#define RAM_SIZE (64ULL << 20)
#define OUT_PA	 0x80000000ULL /* output addresses: need not be RAM */

static struct physmem *pm;
static struct hyp_builder b;

static int init(struct ref_hyp_regime *r, enum ref_hyp_kind kind, const struct ref_hyp_regs *regs,
		const struct ref_hyp_features *feat)
{
	struct ref_mem mem = fixture_mem(pm);
	char why[128];

	if (ref_hyp_regime_init(r, kind, regs, feat, &mem, why, sizeof(why))) {
		fprintf(stderr, "init: %s\n", why);
		return -1;
	}
	return 0;
}

static void walk(const struct ref_hyp_regime *r, uint64_t ia, enum ref_hyp_access access,
		 struct ref_hyp_result *res)
{
	ref_hyp_walk(r, ia, access, res);
}

/* Lint findings, counted per kind. */
struct tally {
	unsigned kind[32];
	uint64_t detail[32];
	unsigned total;
};

static int tally_cb(void *ctx, const struct ref_finding *f)
{
	struct tally *t = ctx;
	if ((unsigned)f->kind < 32) {
		t->kind[f->kind]++;
		t->detail[f->kind] |= f->detail;
	}
	t->total++;
	return 0;
}

static struct tally lint_of(const struct ref_hyp_regime *r)
{
	struct tally t;
	memset(&t, 0, sizeof(t));
	CHECK(ref_hyp_lint(r, tally_cb, &t) == 0);
	return t;
}

/* The first intervals of a range walk. */
struct ref_hyp_interval_probe {
	struct ref_hyp_interval iv[4];
	unsigned count;
};

static int probe_cb(void *ctx, const struct ref_hyp_interval *iv)
{
	struct ref_hyp_interval_probe *probe = ctx;
	if (probe->count < 4)
		probe->iv[probe->count] = *iv;
	probe->count++;
	return 0;
}

/* A stage 2 regime over a fresh root of `concat` tables. */
static void s2_setup(struct ref_hyp_regime *r, struct ref_hyp_regs *regs,
		     const struct ref_hyp_features *feat, unsigned granule_shift, unsigned t0sz,
		     unsigned sl0, unsigned pa_bits, unsigned concat)
{
	builder_init(&b, pm, RAM_BASE, RAM_SIZE);
	memset(regs, 0, sizeof(*regs));
	regs->vtcr = vtcr(granule_shift, t0sz, sl0, pa_bits);
	regs->vttbr = builder_alloc(&b, (uint64_t)concat << granule_shift) | 0x0005000000000000ULL;
	regs->hcr = HCR_VM;
	CHECK(init(r, REF_HYP_STAGE2, regs, feat) == 0);
}

static void el2_setup(struct ref_hyp_regime *r, struct ref_hyp_regs *regs,
		      const struct ref_hyp_features *feat, unsigned granule_shift, unsigned t0sz,
		      unsigned pa_bits)
{
	builder_init(&b, pm, RAM_BASE, RAM_SIZE);
	memset(regs, 0, sizeof(*regs));
	regs->tcr = el2_tcr(granule_shift, t0sz, pa_bits);
	regs->ttbr = builder_alloc(&b, 1ULL << granule_shift);
	regs->mair = MAIR_LINUX;
	regs->sctlr = SCTLR_M;
	CHECK(init(r, REF_HYP_EL2, regs, feat) == 0);
}

/* ---- EL2 stage 1 ------------------------------------------------------- */

static void test_el2_geometry_and_range(void)
{
	struct ref_hyp_regime r;
	struct ref_hyp_regs regs;
	struct ref_hyp_result res;

	/* 4K, 48-bit VA: start level 0, 512 root entries, one VA range. */
	el2_setup(&r, &regs, NULL, 12, 16, 48);
	CHECK_EQ(r.start_level, 0);
	CHECK_EQ(r.root_entries, 512);
	builder_map(&b, &r, 0x0000123456789000ULL, 3, (OUT_PA + 0x5000) | D_PAGE | EL2_RW, 0);
	walk(&r, 0x0000123456789abcULL, REF_HYP_READ, &res);
	CHECK_EQ(res.fault, REF_FAULT_NONE);
	CHECK_EQ(res.pa, OUT_PA + 0x5abc);
	CHECK_EQ(res.nsteps, 4);
	CHECK_EQ(res.steps[0].level, 0);
	CHECK_EQ(res.steps[0].pa, r.root_pa + ((0x0000123456789000ULL >> 39) & 511) * 8);
	CHECK_EQ(res.attrs.perms, REF_HYP_PERM_R | REF_HYP_PERM_W | REF_HYP_PERM_X);
	/* No upper range: a TTBR1-style VA faults at L0 without a walk. */
	walk(&r, 0xffff123456789abcULL, REF_HYP_READ, &res);
	CHECK_EQ(res.fault, REF_FAULT_TRANSLATION);
	CHECK_EQ(res.level, 0);
	CHECK_EQ(res.nsteps, 0);
	/* Bit 48 set is beyond T0SZ. */
	walk(&r, 0x0001000000000000ULL, REF_HYP_READ, &res);
	CHECK_EQ(res.fault, REF_FAULT_TRANSLATION);
	/* TBI ignores the top byte. */
	regs.tcr |= EL2_TBI;
	CHECK(init(&r, REF_HYP_EL2, &regs, NULL) == 0);
	walk(&r, 0x5a00123456789abcULL, REF_HYP_READ, &res);
	CHECK_EQ(res.fault, REF_FAULT_NONE);
	CHECK_EQ(res.pa, OUT_PA + 0x5abc);

	/* 64K, 42-bit: start level 2 (13+13+16 = 42), 8192 entries. */
	el2_setup(&r, &regs, NULL, 16, 22, 48);
	CHECK_EQ(r.start_level, 2);
	CHECK_EQ(r.root_entries, 8192);
	/* 16K, 48-bit: start level 0 with 2 entries. */
	el2_setup(&r, &regs, NULL, 14, 16, 48);
	CHECK_EQ(r.start_level, 0);
	CHECK_EQ(r.root_entries, 2);

	/* T0SZ 12 without LPA2/DS: out of range, faults (FAULT policy). */
	el2_setup(&r, &regs, NULL, 12, 12, 48);
	CHECK(r.config_fault);
	walk(&r, 0x1000, REF_HYP_READ, &res);
	CHECK_EQ(res.fault, REF_FAULT_TRANSLATION);
	CHECK_EQ(res.level, 0);
}

static void test_el2_permissions(void)
{
	struct ref_hyp_features feat = {0};
	struct ref_hyp_regime r;
	struct ref_hyp_regs regs;
	struct ref_hyp_result res;
	uint64_t va = 0x40201000ULL, pte;

	el2_setup(&r, &regs, NULL, 12, 25, 40);
	/* AP[2]=1: read-only at EL2. */
	pte = builder_map(&b, &r, va, 3, OUT_PA | D_PAGE | EL2_RW | D_RDONLY, 0);
	walk(&r, va, REF_HYP_WRITE, &res);
	CHECK_EQ(res.fault, REF_FAULT_PERMISSION);
	CHECK_EQ(res.level, 3);
	walk(&r, va, REF_HYP_READ, &res);
	CHECK_EQ(res.fault, REF_FAULT_NONE);
	/* AP[1] clear: still readable and writable (no EL0), but RES1. */
	physmem_write64(pm, pte, OUT_PA | D_PAGE | D_AF | D_ISH);
	walk(&r, va, REF_HYP_WRITE, &res);
	CHECK_EQ(res.fault, REF_FAULT_NONE);
	struct tally t = lint_of(&r);
	CHECK_EQ(t.kind[REF_LINT_RES1], 1);
	CHECK_EQ(t.detail[REF_LINT_RES1], EL2_AP1);
	/* XN (bit 54) forbids fetches; PXN (bit 53) is RES0 and ignored. */
	physmem_write64(pm, pte, OUT_PA | D_PAGE | EL2_RW | D_UXN);
	walk(&r, va, REF_HYP_EXEC, &res);
	CHECK_EQ(res.fault, REF_FAULT_PERMISSION);
	physmem_write64(pm, pte, OUT_PA | D_PAGE | EL2_RW | D_PXN);
	walk(&r, va, REF_HYP_EXEC, &res);
	CHECK_EQ(res.fault, REF_FAULT_NONE);
	t = lint_of(&r);
	CHECK_EQ(t.kind[REF_LINT_RES0], 1);
	CHECK_EQ(t.detail[REF_LINT_RES0], D_PXN);
	/* nG is RES0 (no ASIDs in this regime). */
	physmem_write64(pm, pte, OUT_PA | D_PAGE | EL2_RW | D_NG);
	t = lint_of(&r);
	CHECK_EQ(t.detail[REF_LINT_RES0], D_NG);
	/* There is no EL0 in this regime. */
	physmem_write64(pm, pte, OUT_PA | D_PAGE | EL2_RW);
	walk(&r, va, REF_HYP_EXEC_EL0, &res);
	CHECK_EQ(res.fault, REF_FAULT_PERMISSION);

	/* WXN: writable means not executable. */
	regs.sctlr |= SCTLR_WXN;
	CHECK(init(&r, REF_HYP_EL2, &regs, NULL) == 0);
	walk(&r, va, REF_HYP_EXEC, &res);
	CHECK_EQ(res.fault, REF_FAULT_PERMISSION);
	physmem_write64(pm, pte, OUT_PA | D_PAGE | EL2_RW | D_RDONLY);
	walk(&r, va, REF_HYP_EXEC, &res);
	CHECK_EQ(res.fault, REF_FAULT_NONE);
	regs.sctlr &= ~SCTLR_WXN;

	/* AF=0: Access flag fault, unless hardware manages it (HA). */
	physmem_write64(pm, pte, OUT_PA | D_PAGE | (EL2_RW & ~D_AF));
	CHECK(init(&r, REF_HYP_EL2, &regs, NULL) == 0);
	walk(&r, va, REF_HYP_READ, &res);
	CHECK_EQ(res.fault, REF_FAULT_ACCESS_FLAG);
	feat.base.hafdbs = true;
	regs.tcr |= EL2_HA;
	CHECK(init(&r, REF_HYP_EL2, &regs, &feat) == 0);
	walk(&r, va, REF_HYP_READ, &res);
	CHECK_EQ(res.fault, REF_FAULT_NONE);
	/* DBM with HD: read-only entry is writable-clean. */
	physmem_write64(pm, pte, OUT_PA | D_PAGE | EL2_RW | D_RDONLY | D_DBM);
	walk(&r, va, REF_HYP_WRITE, &res);
	CHECK_EQ(res.fault, REF_FAULT_PERMISSION);
	regs.tcr |= EL2_HD;
	CHECK(init(&r, REF_HYP_EL2, &regs, &feat) == 0);
	walk(&r, va, REF_HYP_WRITE, &res);
	CHECK_EQ(res.fault, REF_FAULT_NONE);

	/* SCTLR_EL2.M=0: identity, and beyond PAMax an Address size fault. */
	regs.sctlr = 0;
	CHECK(init(&r, REF_HYP_EL2, &regs, NULL) == 0);
	walk(&r, 0x1234567, REF_HYP_WRITE, &res);
	CHECK_EQ(res.fault, REF_FAULT_NONE);
	CHECK_EQ(res.pa, 0x1234567);
	walk(&r, 1ULL << 48, REF_HYP_READ, &res);
	CHECK_EQ(res.fault, REF_FAULT_ADDRESS_SIZE);
}

static void test_el2_table_controls(void)
{
	struct ref_hyp_features feat = {0};
	struct ref_hyp_regime r;
	struct ref_hyp_regs regs;
	struct ref_hyp_result res;
	uint64_t va = 0x00600000ULL;

	/* XNTable and APTable[1] reach the leaf. */
	el2_setup(&r, &regs, NULL, 12, 25, 40);
	builder_map(&b, &r, va, 3, OUT_PA | D_PAGE | EL2_RW, EL2_TABLE_XN | EL2_TABLE_RO);
	walk(&r, va, REF_HYP_EXEC, &res);
	CHECK_EQ(res.fault, REF_FAULT_PERMISSION);
	walk(&r, va, REF_HYP_WRITE, &res);
	CHECK_EQ(res.fault, REF_FAULT_PERMISSION);
	walk(&r, va, REF_HYP_READ, &res);
	CHECK_EQ(res.fault, REF_FAULT_NONE);
	CHECK(res.attrs.table_xn);
	CHECK_EQ(res.attrs.table_ap, 2);
	/* PXNTable and APTable[0] are RES0 in tables. */
	el2_setup(&r, &regs, NULL, 12, 25, 40);
	builder_map(&b, &r, va, 3, OUT_PA | D_PAGE | EL2_RW, D_PXNT | D_APT(1));
	walk(&r, va, REF_HYP_EXEC, &res);
	CHECK_EQ(res.fault, REF_FAULT_NONE);
	CHECK_EQ(res.attrs.table_ap, 0);
	struct tally t = lint_of(&r);
	CHECK_EQ(t.kind[REF_LINT_RES0], 2);
	/* With HPD (FEAT_HPDS) the hierarchical controls are ignored. */
	el2_setup(&r, &regs, NULL, 12, 25, 40);
	builder_map(&b, &r, va, 3, OUT_PA | D_PAGE | EL2_RW, EL2_TABLE_XN | EL2_TABLE_RO);
	feat.base.hpds = true;
	regs.tcr |= EL2_HPD;
	CHECK(init(&r, REF_HYP_EL2, &regs, &feat) == 0);
	walk(&r, va, REF_HYP_WRITE, &res);
	CHECK_EQ(res.fault, REF_FAULT_NONE);
	walk(&r, va, REF_HYP_EXEC, &res);
	CHECK_EQ(res.fault, REF_FAULT_NONE);
}

static void test_el2_52bit(void)
{
	struct ref_hyp_features feat = {0};
	struct ref_hyp_regime r;
	struct ref_hyp_regs regs;
	struct ref_hyp_result res;

	/* 4K with LPA2 and DS: 52-bit VA from L-1; OA[51:50] in desc[9:8]. */
	feat.base.pa_bits = 52;
	feat.base.lpa2 = true;
	builder_init(&b, pm, RAM_BASE, RAM_SIZE);
	memset(&regs, 0, sizeof(regs));
	regs.tcr = el2_tcr(12, 12, 52) | EL2_DS;
	regs.ttbr = builder_alloc(&b, 4096);
	regs.mair = MAIR_LINUX;
	regs.sctlr = SCTLR_M;
	CHECK(init(&r, REF_HYP_EL2, &regs, &feat) == 0);
	CHECK_EQ(r.start_level, -1);
	CHECK_EQ(r.root_entries, 16);
	uint64_t va = 0x000f000000000000ULL;
	uint64_t oa = 0x000c000040000000ULL; /* OA[51:50] = 3 */
	builder_map(&b, &r, va, 2,
		    (oa & 0x0003fffffffff000ULL) | (3ULL << 8) | D_BLOCK | D_AF | EL2_AP1, 0);
	walk(&r, va + 0x1234, REF_HYP_READ, &res);
	CHECK_EQ(res.fault, REF_FAULT_NONE);
	CHECK_EQ(res.level, 2);
	CHECK_EQ(res.pa, oa + 0x1234);
	CHECK_EQ(res.attrs.sh, 3); /* from TCR_EL2.SH0 under DS */
	/* The same descriptor without DS: PS capped at 48, OA[51:50] gone,
	 * bits 9:8 are SH. */
	regs.tcr &= ~EL2_DS;
	regs.tcr = (regs.tcr & ~63ULL) | 16;
	CHECK(init(&r, REF_HYP_EL2, &regs, &feat) == 0);
	CHECK_EQ(r.oa_bits, 48);
}

static void test_el2_address_size(void)
{
	struct ref_hyp_regime r;
	struct ref_hyp_regs regs;
	struct ref_hyp_result res;
	uint64_t va = 0x200000ULL;

	/* PS = 40 bits: a leaf OA at 2^40 is an Address size fault. */
	el2_setup(&r, &regs, NULL, 12, 25, 40);
	builder_map(&b, &r, va, 2, (1ULL << 40) | D_BLOCK | EL2_RW, 0);
	walk(&r, va, REF_HYP_READ, &res);
	CHECK_EQ(res.fault, REF_FAULT_ADDRESS_SIZE);
	CHECK_EQ(res.level, 2);
	/* A table beyond it too, at the level of the table descriptor. */
	physmem_write64(pm, res.steps[res.nsteps - 1].pa, (1ULL << 41) | D_TABLE);
	walk(&r, va, REF_HYP_READ, &res);
	CHECK_EQ(res.fault, REF_FAULT_ADDRESS_SIZE);
	CHECK_EQ(res.level, 2);
	/* TTBR0_EL2 beyond OAsize: Address size fault at L0. */
	regs.ttbr = 1ULL << 42;
	CHECK(init(&r, REF_HYP_EL2, &regs, NULL) == 0);
	walk(&r, va, REF_HYP_READ, &res);
	CHECK_EQ(res.fault, REF_FAULT_ADDRESS_SIZE);
	CHECK_EQ(res.level, 0);
}

/* ---- Stage 2 ----------------------------------------------------------- */

static void test_s2_start_levels(void)
{
	struct ref_hyp_features feat = {0};
	struct ref_hyp_regime r;
	struct ref_hyp_regs regs;

	/* SL0 per granule (S2StartLevel). */
	CHECK_EQ(ref_s2_sl_level(12, 0, false), 2);
	CHECK_EQ(ref_s2_sl_level(12, 1, false), 1);
	CHECK_EQ(ref_s2_sl_level(12, 2, false), 0);
	CHECK_EQ(ref_s2_sl_level(12, 3, false), 3);
	CHECK_EQ(ref_s2_sl_level(12, 0, true), -1);
	CHECK_EQ(ref_s2_sl_level(12, 1, true), -2);
	CHECK_EQ(ref_s2_sl_level(14, 0, false), 3);
	CHECK_EQ(ref_s2_sl_level(14, 3, false), 0);
	CHECK_EQ(ref_s2_sl_level(16, 2, false), 1);
	CHECK_EQ(ref_s2_sl_level(16, 3, false), -2);

	/* 4K, 40-bit IPA from L1: two concatenated tables (KVM's default). */
	s2_setup(&r, &regs, NULL, 12, 24, 1, 40, 2);
	CHECK(!r.config_fault);
	CHECK_EQ(r.start_level, 1);
	CHECK_EQ(r.root_entries, 1024);
	CHECK_EQ(r.concat, 2);
	/* 4K, 40-bit IPA from L2: 10 IA bits too many (max 34). */
	s2_setup(&r, &regs, NULL, 12, 24, 0, 40, 1);
	CHECK(r.config_fault);
	/* 4K, 40-bit IPA from L0: fewer than one bit at L0 (min 40 is ok),
	 * but L0 needs PAMax >= 44 (PS does not matter, PAMax does). */
	feat.base.pa_bits = 40;
	s2_setup(&r, &regs, &feat, 12, 24, 2, 40, 1);
	CHECK(r.config_fault);
	feat.base.pa_bits = 48;
	s2_setup(&r, &regs, &feat, 12, 24, 2, 40, 1);
	CHECK(!r.config_fault);
	CHECK_EQ(r.root_entries, 2);
	/* 4K, 39-bit IPA from L0: below L0's minimum of 40. */
	s2_setup(&r, &regs, &feat, 12, 25, 2, 40, 1);
	CHECK(r.config_fault);
	/* 4K SL0=3 (L3) needs FEAT_TTST. */
	s2_setup(&r, &regs, &feat, 12, 48, 3, 40, 1);
	CHECK(r.config_fault);
	feat.base.ttst = true;
	s2_setup(&r, &regs, &feat, 12, 48, 3, 40, 1);
	CHECK(!r.config_fault);
	CHECK_EQ(r.start_level, 3);
	CHECK_EQ(r.root_entries, 16);
	feat.base.ttst = false;
	/* 16 concatenated tables: 4K, 43-bit from L1; 44-bit is too many. */
	s2_setup(&r, &regs, &feat, 12, 21, 1, 44, 16);
	CHECK(!r.config_fault);
	CHECK_EQ(r.concat, 16);
	CHECK_EQ(r.root_entries, 8192);
	s2_setup(&r, &regs, &feat, 12, 20, 1, 44, 16);
	CHECK(r.config_fault);
	/* 16K SL0=3 (L0) needs DS and 52-bit PA; SL0=2 (L1) PAMax >= 42. */
	s2_setup(&r, &regs, &feat, 14, 16, 3, 48, 1);
	CHECK(r.config_fault);
	feat.base.pa_bits = 40;
	s2_setup(&r, &regs, &feat, 14, 24, 2, 40, 1);
	CHECK(r.config_fault);
	feat.base.pa_bits = 48;
	/* 16K, 40-bit from L2: 40 - 25 = 15 bits = 32768 entries = 16 tables
	 * of 2048 (max 11 + 4 bits). */
	s2_setup(&r, &regs, &feat, 14, 24, 1, 40, 16);
	CHECK(!r.config_fault);
	CHECK_EQ(r.concat, 16);
	/* 64K SL0=3 is reserved; SL0=2 (L1) needs PAMax >= 44. */
	s2_setup(&r, &regs, &feat, 16, 16, 3, 48, 1);
	CHECK(r.config_fault);
	feat.base.pa_bits = 42;
	s2_setup(&r, &regs, &feat, 16, 22, 2, 42, 1);
	CHECK(r.config_fault);
	/* 64K 42-bit from L2: 13 bits at L2, one table of 8192. */
	s2_setup(&r, &regs, &feat, 16, 22, 1, 42, 1);
	CHECK(!r.config_fault);
	CHECK_EQ(r.root_entries, 8192);

	/* IPA size: T0SZ below 64 - PAMax faults (FAULT) or clamps (CLAMP). */
	feat.base.pa_bits = 40;
	s2_setup(&r, &regs, &feat, 12, 16, 1, 48, 1);
	CHECK(r.config_fault);
	feat.base.txsz_policy = REF_TXSZ_CLAMP;
	s2_setup(&r, &regs, &feat, 12, 16, 1, 48, 2);
	CHECK(!r.config_fault);
	CHECK_EQ(r.ia_bits, 40);
	feat.base.txsz_policy = REF_TXSZ_FAULT;
	/* 52-bit IPA needs a 52-bit form even with PAMax 52. */
	feat.base.pa_bits = 52;
	s2_setup(&r, &regs, &feat, 12, 12, 2, 52, 16);
	CHECK(r.config_fault);
	feat.base.lpa2 = true;
	builder_init(&b, pm, RAM_BASE, RAM_SIZE);
	regs.vtcr = vtcr(12, 12, 2, 52) | VTCR_DS;
	regs.vttbr = builder_alloc(&b, 16 * 4096);
	CHECK(init(&r, REF_HYP_STAGE2, &regs, &feat) == 0);
	CHECK(!r.config_fault);
	CHECK_EQ(r.start_level, 0);
	CHECK_EQ(r.concat, 16);
	/* SL2=1, SL0=0: start at L-1 with 16 entries. */
	regs.vtcr = vtcr(12, 12, 0, 52) | VTCR_DS | VTCR_SL2;
	CHECK(init(&r, REF_HYP_STAGE2, &regs, &feat) == 0);
	CHECK(!r.config_fault);
	CHECK_EQ(r.start_level, -1);
	CHECK_EQ(r.root_entries, 16);
	/* SL2 without DS is not looked at: SL0=0 is L2, inconsistent. */
	regs.vtcr = vtcr(12, 12, 0, 52) | VTCR_SL2;
	CHECK(init(&r, REF_HYP_STAGE2, &regs, &feat) == 0);
	CHECK(r.config_fault);
}

static void test_s2_walk_concat(void)
{
	struct ref_hyp_regime r;
	struct ref_hyp_regs regs;
	struct ref_hyp_result res;
	uint64_t ipa = (1ULL << 39) | 0x12345000ULL;

	s2_setup(&r, &regs, NULL, 12, 24, 1, 40, 2);
	builder_map(&b, &r, ipa, 3, (OUT_PA + 0x7000) | D_PAGE | S2_RW, 0);
	walk(&r, ipa | 0x321, REF_HYP_WRITE, &res);
	CHECK_EQ(res.fault, REF_FAULT_NONE);
	CHECK_EQ(res.pa, OUT_PA + 0x7321);
	CHECK_EQ(res.nsteps, 3);
	CHECK_EQ(res.steps[0].level, 1);
	/* IPA bit 39 selects the second concatenated table. */
	CHECK_EQ(res.steps[0].pa, r.root_pa + 4096 + ((ipa >> 30) & 511) * 8);
	/* The VMID in VTTBR_EL2[63:48] is not part of the base. */
	CHECK_EQ(r.root_pa, regs.vttbr & 0x0000ffffffffffffULL);
	/* IPA beyond T0SZ: Translation fault at L0. */
	walk(&r, 1ULL << 40, REF_HYP_READ, &res);
	CHECK_EQ(res.fault, REF_FAULT_TRANSLATION);
	CHECK_EQ(res.level, 0);
	CHECK_EQ(res.nsteps, 0);
	/* An inconsistent SL0 faults every IPA at L0. */
	regs.vtcr = vtcr(12, 24, 0, 40);
	CHECK(init(&r, REF_HYP_STAGE2, &regs, NULL) == 0);
	walk(&r, ipa, REF_HYP_READ, &res);
	CHECK_EQ(res.fault, REF_FAULT_TRANSLATION);
	CHECK_EQ(res.level, 0);
	/* HCR_EL2.VM=0: no stage 2, IPA = PA. */
	regs.hcr = 0;
	CHECK(init(&r, REF_HYP_STAGE2, &regs, NULL) == 0);
	walk(&r, ipa, REF_HYP_EXEC_EL0, &res);
	CHECK_EQ(res.fault, REF_FAULT_NONE);
	CHECK_EQ(res.pa, ipa);
	/* The concatenated root must be aligned to its 8K: lint says so. */
	s2_setup(&r, &regs, NULL, 12, 24, 1, 40, 2);
	regs.vttbr += 4096;
	CHECK(init(&r, REF_HYP_STAGE2, &regs, NULL) == 0);
	CHECK_EQ(r.ttbr_res0, 4096);
	struct tally t = lint_of(&r);
	CHECK_EQ(t.kind[REF_LINT_TTBR_MISALIGNED], 1);
}

static void test_s2_permissions(void)
{
	struct ref_hyp_features feat = {0};
	struct ref_hyp_regime r;
	struct ref_hyp_regs regs;
	struct ref_hyp_result res;
	uint64_t ipa = 0x8000000ULL, pte;
	static const struct {
		uint64_t ap;
		bool read, write;
	} s2ap[] = {{0, false, false},
		    {S2AP_R, true, false},
		    {S2AP_W, false, true},
		    {S2AP_R | S2AP_W, true, true}};

	s2_setup(&r, &regs, NULL, 12, 24, 1, 40, 2);
	pte = builder_map(&b, &r, ipa, 3, OUT_PA | D_PAGE | S2_NORMAL, 0);
	for (int i = 0; i < 4; i++) {
		physmem_write64(pm, pte, OUT_PA | D_PAGE | S2_NORMAL | s2ap[i].ap);
		walk(&r, ipa, REF_HYP_READ, &res);
		CHECK_EQ(res.fault, s2ap[i].read ? REF_FAULT_NONE : REF_FAULT_PERMISSION);
		walk(&r, ipa, REF_HYP_WRITE, &res);
		CHECK_EQ(res.fault, s2ap[i].write ? REF_FAULT_NONE : REF_FAULT_PERMISSION);
		CHECK_EQ(res.level, 3);
	}
	/* XN[1] alone (no FEAT_XNX): no execution; XN[0] is RES0. */
	physmem_write64(pm, pte, OUT_PA | D_PAGE | S2_RW | S2_XN1);
	walk(&r, ipa, REF_HYP_EXEC, &res);
	CHECK_EQ(res.fault, REF_FAULT_PERMISSION);
	walk(&r, ipa, REF_HYP_EXEC_EL0, &res);
	CHECK_EQ(res.fault, REF_FAULT_PERMISSION);
	physmem_write64(pm, pte, OUT_PA | D_PAGE | S2_RW | S2_XN0);
	walk(&r, ipa, REF_HYP_EXEC, &res);
	CHECK_EQ(res.fault, REF_FAULT_NONE);
	struct tally t = lint_of(&r);
	CHECK_EQ(t.detail[REF_LINT_RES0], S2_XN0);
	/* FEAT_XNX: 01 EL0 only, 11 EL1 only. */
	feat.xnx = true;
	CHECK(init(&r, REF_HYP_STAGE2, &regs, &feat) == 0);
	walk(&r, ipa, REF_HYP_EXEC, &res);
	CHECK_EQ(res.fault, REF_FAULT_PERMISSION);
	walk(&r, ipa, REF_HYP_EXEC_EL0, &res);
	CHECK_EQ(res.fault, REF_FAULT_NONE);
	physmem_write64(pm, pte, OUT_PA | D_PAGE | S2_RW | S2_XN0 | S2_XN1);
	walk(&r, ipa, REF_HYP_EXEC, &res);
	CHECK_EQ(res.fault, REF_FAULT_NONE);
	walk(&r, ipa, REF_HYP_EXEC_EL0, &res);
	CHECK_EQ(res.fault, REF_FAULT_PERMISSION);
	t = lint_of(&r);
	CHECK_EQ(t.total, 0);
	/* AF=0: Access flag fault; VTCR.HA with FEAT_HAFDBS: none. */
	physmem_write64(pm, pte, OUT_PA | D_PAGE | (S2_RW & ~D_AF));
	walk(&r, ipa, REF_HYP_READ, &res);
	CHECK_EQ(res.fault, REF_FAULT_ACCESS_FLAG);
	feat.base.hafdbs = true;
	regs.vtcr |= VTCR_HA;
	CHECK(init(&r, REF_HYP_STAGE2, &regs, &feat) == 0);
	walk(&r, ipa, REF_HYP_READ, &res);
	CHECK_EQ(res.fault, REF_FAULT_NONE);
	/* DBM with HD: S2AP[1] clear is writable-clean. */
	physmem_write64(pm, pte, OUT_PA | D_PAGE | S2_NORMAL | S2AP_R | D_DBM);
	walk(&r, ipa, REF_HYP_WRITE, &res);
	CHECK_EQ(res.fault, REF_FAULT_PERMISSION);
	regs.vtcr |= VTCR_HD;
	CHECK(init(&r, REF_HYP_STAGE2, &regs, &feat) == 0);
	walk(&r, ipa, REF_HYP_WRITE, &res);
	CHECK_EQ(res.fault, REF_FAULT_NONE);
}

static void test_s2_memattr(void)
{
	struct ref_hyp_features feat = {0};
	struct ref_hyp_regime r;
	struct ref_hyp_regs regs;
	struct ref_hyp_result res;
	uint64_t ipa = 0x8000000ULL, pte;
	static const struct {
		bool fwb;
		unsigned memattr;
		uint8_t memtype, mair;
	} cases[] = {
	    {false, 0x0, REF_MEM_DEVICE_nGnRnE, 0x00},
	    {false, 0x1, REF_MEM_DEVICE_nGnRE, 0x04}, /* MT_S2_DEVICE_nGnRE */
	    {false, 0x3, REF_MEM_DEVICE_GRE, 0x0c},
	    {false, 0x5, REF_MEM_NORMAL, 0x44},	  /* MT_S2_NORMAL_NC */
	    {false, 0xf, REF_MEM_NORMAL, 0xff},	  /* MT_S2_NORMAL */
	    {false, 0xa, REF_MEM_NORMAL, 0xbb},	  /* WT/WT */
	    {false, 0x4, REF_MEM_RESERVED, 0x01}, /* Normal, inner 0b00 */
	    {true, 0x1, REF_MEM_DEVICE_nGnRE, 0x04},
	    {true, 0x5, REF_MEM_NORMAL, 0x44},		  /* MT_S2_FWB_NORMAL_NC */
	    {true, 0x6, REF_MEM_NORMAL, 0xff},		  /* MT_S2_FWB_NORMAL */
	    {true, 0x7, REF_MEM_NORMAL, REF_HYP_MAIR_S1}, /* stage 1 decides */
	    {true, 0x4, REF_MEM_RESERVED, 0x01},
	    {true, 0xf, REF_MEM_NORMAL, REF_HYP_MAIR_S1}, /* MemAttr[3] RES0 */
	};

	feat.s2fwb = true;
	s2_setup(&r, &regs, &feat, 12, 24, 1, 40, 2);
	pte = builder_map(&b, &r, ipa, 3, 0, 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		regs.hcr = HCR_VM | (cases[i].fwb ? HCR_FWB : 0);
		CHECK(init(&r, REF_HYP_STAGE2, &regs, &feat) == 0);
		physmem_write64(pm, pte,
				OUT_PA | D_PAGE | D_AF | S2AP_R | S2_MEMATTR(cases[i].memattr));
		walk(&r, ipa, REF_HYP_READ, &res);
		CHECK_EQ(res.fault, REF_FAULT_NONE);
		CHECK_EQ(res.attrs.memtype, cases[i].memtype);
		CHECK_EQ(res.attrs.mair_attr, cases[i].mair);
		struct tally t = lint_of(&r);
		CHECK_EQ(t.kind[REF_LINT_MAIR_RESERVED], cases[i].memtype == REF_MEM_RESERVED);
		CHECK_EQ(t.kind[REF_LINT_RES0], cases[i].fwb && (cases[i].memattr & 8));
	}
	/* FWB without FEAT_S2FWB is not honoured. */
	feat.s2fwb = false;
	regs.hcr = HCR_VM | HCR_FWB;
	CHECK(init(&r, REF_HYP_STAGE2, &regs, &feat) == 0);
	physmem_write64(pm, pte, OUT_PA | D_PAGE | D_AF | S2AP_R | S2_MEMATTR(6));
	walk(&r, ipa, REF_HYP_READ, &res);
	CHECK_EQ(res.attrs.mair_attr, 0x4b); /* outer NC, inner WT */
}

static void test_s2_blocks_and_sizes(void)
{
	struct ref_hyp_features feat = {0};
	struct ref_hyp_regime r;
	struct ref_hyp_regs regs;
	struct ref_hyp_result res;

	/* 4K: 1G blocks at L1 and 2M at L2. */
	s2_setup(&r, &regs, NULL, 12, 24, 1, 40, 2);
	builder_map(&b, &r, 0x40000000ULL, 1, 0x80000000ULL | D_BLOCK | S2_RW, 0);
	walk(&r, 0x40123456ULL, REF_HYP_READ, &res);
	CHECK_EQ(res.fault, REF_FAULT_NONE);
	CHECK_EQ(res.level, 1);
	CHECK_EQ(res.block_shift, 30);
	CHECK_EQ(res.pa, 0x80123456ULL);
	/* 4K L0 blocks need DS: translation fault and a lint finding. */
	feat.base.pa_bits = 48;
	s2_setup(&r, &regs, &feat, 12, 16, 2, 48, 1);
	builder_map(&b, &r, 0, 0, D_BLOCK | S2_RW, 0);
	walk(&r, 0x1000, REF_HYP_READ, &res);
	CHECK_EQ(res.fault, REF_FAULT_TRANSLATION);
	CHECK_EQ(res.level, 0);
	struct tally t = lint_of(&r);
	CHECK_EQ(t.kind[REF_LINT_BLOCK_LEVEL], 1);
	/* 64K L1 blocks exist only with 52-bit PA. */
	s2_setup(&r, &regs, &feat, 16, 20, 2, 48, 1);
	CHECK(!r.config_fault);
	builder_map(&b, &r, 0, 1, D_BLOCK | S2_RW, 0);
	walk(&r, 0x1000, REF_HYP_READ, &res);
	CHECK_EQ(res.fault, REF_FAULT_TRANSLATION);
	CHECK_EQ(res.level, 1);
	feat.base.pa_bits = 52;
	feat.base.lpa = true;
	CHECK(init(&r, REF_HYP_STAGE2, &regs, &feat) == 0);
	walk(&r, 0x1000, REF_HYP_READ, &res);
	CHECK_EQ(res.fault, REF_FAULT_NONE);
	CHECK_EQ(res.block_shift, 42);
	/* A 4T block under a 40-bit OAsize: the output address includes the
	 * offset, so the block's top part is an Address size fault. */
	regs.vtcr = vtcr(16, 20, 2, 40);
	CHECK(init(&r, REF_HYP_STAGE2, &regs, &feat) == 0);
	walk(&r, (1ULL << 40) - 1, REF_HYP_READ, &res);
	CHECK_EQ(res.fault, REF_FAULT_NONE);
	walk(&r, 1ULL << 40, REF_HYP_READ, &res);
	CHECK_EQ(res.fault, REF_FAULT_ADDRESS_SIZE);
	CHECK_EQ(res.level, 1);
	struct ref_hyp_interval_probe probe = {0};
	CHECK(ref_hyp_range_walk(&r, 0, (1ULL << 42) - 1, probe_cb, &probe) == 0);
	CHECK_EQ(probe.count, 2);
	CHECK_EQ(probe.iv[0].size, 1ULL << 40);
	CHECK_EQ(probe.iv[1].fault, REF_FAULT_ADDRESS_SIZE);
	/* 64K with FEAT_LPA and PS=52: OA[51:48] in desc[15:12]. */
	regs.vtcr = vtcr(16, 12, 2, 52);
	CHECK(init(&r, REF_HYP_STAGE2, &regs, &feat) == 0);
	CHECK(!r.config_fault);
	CHECK_EQ(r.root_entries, 1024);
	CHECK_EQ(r.oa_bits, 52);

	/* Address size: PS 40 and an output at 2^40 faults at its level;
	 * a table beyond it at the table's level; VTTBR beyond it at L0. */
	s2_setup(&r, &regs, NULL, 12, 24, 1, 40, 2);
	uint64_t pte = builder_map(&b, &r, 0x200000ULL, 2, (1ULL << 40) | D_BLOCK | S2_RW, 0);
	walk(&r, 0x200000ULL, REF_HYP_READ, &res);
	CHECK_EQ(res.fault, REF_FAULT_ADDRESS_SIZE);
	CHECK_EQ(res.level, 2);
	physmem_write64(pm, pte, (1ULL << 40) | D_TABLE);
	walk(&r, 0x200000ULL, REF_HYP_READ, &res);
	CHECK_EQ(res.fault, REF_FAULT_ADDRESS_SIZE);
	CHECK_EQ(res.level, 2);
	regs.vttbr = 1ULL << 41;
	CHECK(init(&r, REF_HYP_STAGE2, &regs, NULL) == 0);
	walk(&r, 0x200000ULL, REF_HYP_READ, &res);
	CHECK_EQ(res.fault, REF_FAULT_ADDRESS_SIZE);
	CHECK_EQ(res.level, 0);
	/* An unreadable table: synchronous external abort on the walk. */
	s2_setup(&r, &regs, NULL, 12, 24, 1, 40, 2);
	builder_map(&b, &r, 0x200000ULL, 2, 0x10000000ULL | D_TABLE, 0);
	walk(&r, 0x200000ULL, REF_HYP_READ, &res);
	CHECK_EQ(res.fault, REF_FAULT_EXTERNAL_ABORT);
	CHECK_EQ(res.level, 3);
	t = lint_of(&r);
	CHECK_EQ(t.kind[REF_LINT_TABLE_NOT_RAM], 1);
}

static void test_s2_lint(void)
{
	struct ref_hyp_regime r;
	struct ref_hyp_regs regs;
	struct tally t;
	uint64_t base = 0x10000000ULL;

	/* Contiguous group of 16 pages: correct, then broken three ways. */
	s2_setup(&r, &regs, NULL, 12, 24, 1, 40, 2);
	uint64_t first = 0;
	for (int i = 0; i < 16; i++) {
		uint64_t pa = builder_map(&b, &r, base + i * 0x1000ULL, 3,
					  (OUT_PA + i * 0x1000ULL) | D_PAGE | S2_RW | D_CONT, 0);
		if (!i)
			first = pa;
	}
	t = lint_of(&r);
	CHECK_EQ(t.total, 0);
	physmem_write64(pm, first + 8, (OUT_PA + 0x1000) | D_PAGE | S2_RW);
	t = lint_of(&r);
	CHECK_EQ(t.kind[REF_LINT_CONT_MISSING], 1);
	physmem_write64(pm, first + 8, (OUT_PA + 0x9000) | D_PAGE | S2_RW | D_CONT);
	t = lint_of(&r);
	CHECK_EQ(t.kind[REF_LINT_CONT_OA], 1);
	physmem_write64(pm, first + 8, (OUT_PA + 0x1000) | D_PAGE | (S2_RW & ~S2AP_W) | D_CONT);
	t = lint_of(&r);
	CHECK_EQ(t.kind[REF_LINT_CONT_ATTRS], 1);
	physmem_write64(pm, first + 8, (OUT_PA + 0x1000) | D_PAGE | S2_RW | D_CONT);
	/* Table descriptor bits 63:59 are RES0 at stage 2. */
	struct ref_hyp_result res;
	ref_hyp_walk(&r, base, REF_HYP_READ, &res);
	CHECK_EQ(res.fault, REF_FAULT_NONE);
	physmem_write64(pm, res.steps[0].pa, res.steps[0].desc | (1ULL << 60));
	t = lint_of(&r);
	CHECK_EQ(t.kind[REF_LINT_RES0], 1);
	CHECK_EQ(t.detail[REF_LINT_RES0], 1ULL << 60);
	physmem_write64(pm, res.steps[0].pa, res.steps[0].desc);
	/* Two entries pointing at one table; a table pointing at the root. */
	physmem_write64(pm, res.steps[0].pa + 8, res.steps[0].desc);
	t = lint_of(&r);
	CHECK_EQ(t.kind[REF_LINT_TABLE_SHARED], 1);
	physmem_write64(pm, res.steps[0].pa + 8, 0);
	physmem_write64(pm, res.steps[1].pa + 8, r.root_pa | D_TABLE);
	t = lint_of(&r);
	CHECK_EQ(t.kind[REF_LINT_TABLE_CYCLE], 1);
	physmem_write64(pm, res.steps[1].pa + 8, 0);
	/* Short root (4K, 32-bit IPA from L1: 4 entries) in its own page. */
	s2_setup(&r, &regs, NULL, 12, 32, 1, 40, 1);
	CHECK(!r.config_fault);
	CHECK_EQ(r.root_entries, 4);
	physmem_write64(pm, r.root_pa + 4 * 8, D_TABLE | (r.root_pa + 0x1000));
	t = lint_of(&r);
	CHECK_EQ(t.kind[REF_LINT_ROOT_BEYOND], 1);
}

struct bbm_log {
	const char *rule[8];
	unsigned count;
};

static int bbm_cb(void *ctx, const struct ref_bbm_finding *f)
{
	struct bbm_log *log = ctx;
	if (log->count < 8)
		log->rule[log->count] = f->rule;
	log->count++;
	return 0;
}

static void test_bbm(void)
{
	struct physmem *after = physmem_new();
	struct ref_mem before_mem = fixture_mem(pm), after_mem = fixture_mem(after);
	struct ref_hyp_regime r;
	struct ref_hyp_regs regs;
	struct bbm_log log;
	uint64_t ipa = 0x8000000ULL, pte;
	static const struct {
		uint64_t new_desc;
		const char *rule;
	} cases[] = {
	    {(OUT_PA + 0x1000) | D_PAGE | S2_RW, "oa-change"},
	    {OUT_PA | D_PAGE | (S2_RW & ~S2_MEMATTR(0xf)) | S2_MEMATTR(1), "memtype-change"},
	    {OUT_PA | D_PAGE | (S2_RW & ~D_ISH), "sh-change"},
	    {OUT_PA | D_PAGE | S2AP_R | S2_NORMAL | S2_XN1, NULL}, /* permissions: safe */
	    {0, NULL},						   /* invalidate: safe */
	};

	s2_setup(&r, &regs, NULL, 12, 24, 1, 40, 2);
	pte = builder_map(&b, &r, ipa, 3, OUT_PA | D_PAGE | S2_RW, 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK(physmem_copy(after, pm));
		physmem_write64(after, pte, cases[i].new_desc);
		memset(&log, 0, sizeof(log));
		CHECK(ref_hyp_bbm_check(&r, &before_mem, &after_mem, bbm_cb, &log) == 0);
		CHECK_EQ(log.count, cases[i].rule ? 1 : 0);
		if (cases[i].rule && log.count)
			CHECK(strcmp(log.rule[0], cases[i].rule) == 0);
	}
	/* The same rules one write at a time. */
	CHECK(strcmp(ref_hyp_bbm_rule(&r, 3, OUT_PA | D_PAGE | S2_RW,
				      (OUT_PA + 0x1000) | D_PAGE | S2_RW),
		     "oa-change") == 0);
	CHECK(ref_hyp_bbm_rule(&r, 3, OUT_PA | D_PAGE | S2_RW,
			       OUT_PA | D_PAGE | (S2_RW & ~S2AP_W)) == NULL);
	CHECK(ref_hyp_bbm_rule(&r, 3, OUT_PA | D_PAGE | S2_RW, 0) == NULL);
	CHECK(ref_hyp_bbm_rule(&r, 3, 0, OUT_PA | D_PAGE | S2_RW) == NULL);
	CHECK(strcmp(ref_hyp_bbm_rule(&r, 2, 0x40000000ULL | D_TABLE, OUT_PA | D_BLOCK | S2_RW),
		     "table-to-block") == 0);
	CHECK(strcmp(ref_hyp_bbm_rule(&r, 2, OUT_PA | D_BLOCK | S2_RW, 0x40000000ULL | D_TABLE),
		     "block-to-table") == 0);
	/* A table replaced by a block of the same range. */
	struct ref_hyp_result res;
	ref_hyp_walk(&r, ipa, REF_HYP_READ, &res);
	CHECK(physmem_copy(after, pm));
	physmem_write64(after, res.steps[1].pa, OUT_PA | D_BLOCK | S2_RW);
	memset(&log, 0, sizeof(log));
	CHECK(ref_hyp_bbm_check(&r, &before_mem, &after_mem, bbm_cb, &log) == 0);
	CHECK_EQ(log.count, 1);
	CHECK(log.count && strcmp(log.rule[0], "table-to-block") == 0);
	physmem_free(after);
}

static void test_ptdump(void)
{
	struct ref_hyp_regime r;
	struct ref_hyp_regs regs;
	char *text = NULL;
	size_t len = 0;
	FILE *out;

	s2_setup(&r, &regs, NULL, 12, 24, 1, 40, 2);
	builder_map(&b, &r, 0x40000000ULL, 1, 0x80000000ULL | D_BLOCK | S2_RW, 0);
	builder_map(&b, &r, 0x8000000000ULL - 0x1000, 3,
		    0x90000000ULL | D_PAGE | S2_NORMAL | S2AP_R | S2_XN1, 0);
	out = open_memstream(&text, &len);
	CHECK(ref_hyp_ptdump(&r, out) == 0);
	fclose(out);
	CHECK(strstr(text, "---[ VTTBR_EL2 ]---") != NULL);
	CHECK(strstr(text, "0x0000000040000000-0x0000000080000000         1G PUD R W X    SHD AF "
			   "    BLK     MEM/NORMAL") != NULL);
	CHECK(strstr(text, "0x0000007ffffff000-0x0000008000000000         4K PTE R - NX   SHD") !=
	      NULL);
	free(text);
	text = NULL;
	out = open_memstream(&text, &len);
	CHECK(ref_hyp_ptdump_raw(&r, out) == 0);
	fclose(out);
	CHECK(strncmp(text, "VTCR_EL2 0x", 11) == 0);
	char want[96];
	snprintf(want, sizeof(want), "table pa=0x%llx level=1 entries=1024\n",
		 (unsigned long long)r.root_pa);
	CHECK(strstr(text, want) != NULL);
	CHECK(strstr(text, "  1 0x00000000800007fd\n") != NULL);
	free(text);

	el2_setup(&r, &regs, NULL, 12, 25, 40);
	builder_map(&b, &r, 0x200000ULL, 2, 0x80000000ULL | D_BLOCK | EL2_RW | D_UXN, 0);
	text = NULL;
	out = open_memstream(&text, &len);
	CHECK(ref_hyp_ptdump(&r, out) == 0);
	fclose(out);
	CHECK(strstr(text, "---[ TTBR0_EL2 ]---") != NULL);
	CHECK(strstr(text, "0x0000000000200000-0x0000000000400000         2M PMD RW NX SHD AF     "
			   "BLK     MEM/NORMAL") != NULL);
	free(text);
}

int main(void)
{
	pm = physmem_new();
	test_el2_geometry_and_range();
	test_el2_permissions();
	test_el2_table_controls();
	test_el2_52bit();
	test_el2_address_size();
	test_s2_start_levels();
	test_s2_walk_concat();
	test_s2_permissions();
	test_s2_memattr();
	test_s2_blocks_and_sizes();
	test_s2_lint();
	test_bbm();
	test_ptdump();
	physmem_free(pm);
	return check_report("reference.hyp_vectors");
}
