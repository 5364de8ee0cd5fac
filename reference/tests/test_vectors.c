/* One vector per architectural rule the walker implements. */
#include "check.h"
#include "fixture.h"

#include <stdio.h>

#define RAM_BASE 0x40000000ULL
#define ROOT	 0x40000000ULL
#define T1	 0x40010000ULL
#define T2	 0x40020000ULL
#define T3	 0x40030000ULL

static struct physmem *pm;
static struct ref_mem mem;

static void reset(void)
{
	physmem_reset(pm);
	physmem_add_bank(pm, RAM_BASE, 256ULL << 20, NULL);
}

static void wr(uint64_t pa, uint64_t desc)
{
	CHECK(physmem_write64(pm, pa, desc));
}

static void regime_for(struct ref_regime *regime, uint64_t tcr, uint64_t ttbr0,
		       const struct ref_features *feat)
{
	struct ref_regs regs = {tcr, ttbr0, 0, 1, MAIR_LINUX};
	char why[128];

	CHECK(ref_regime_init(regime, &regs, feat, &mem, why, sizeof(why)) == 0);
}

static struct ref_result walk(const struct ref_regime *regime, uint64_t va, enum ref_access acc)
{
	struct ref_result res;

	ref_walk_regime(regime, va, acc, &res);
	return res;
}

#define CHECK_FAULT(res, type, lvl)                                                                \
	do {                                                                                       \
		CHECK_EQ((res).fault, type);                                                       \
		CHECK_EQ((res).level, (uint64_t)(int64_t)(lvl));                                   \
	} while (0)

/* ---- geometry ---------------------------------------------------------- */

static void test_start_levels(void)
{
	/* Rows of the spec's §2 table: granule, TnSZ range, start level, and
	 * entries = 2^(k - TnSZ). */
	static const struct {
		unsigned shift, lo, hi;
		int level;
		unsigned k;
	} rows[] = {
	    {12, 12, 15, -1, 16}, {12, 16, 24, 0, 25}, {12, 25, 33, 1, 34}, {12, 34, 42, 2, 43},
	    {12, 43, 48, 3, 52},  {14, 12, 16, 0, 17}, {14, 17, 27, 1, 28}, {14, 28, 38, 2, 39},
	    {14, 39, 48, 3, 50},  {16, 12, 21, 1, 22}, {16, 22, 34, 2, 35}, {16, 35, 47, 3, 48},
	};

	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++)
		for (unsigned t = rows[r].lo; t <= rows[r].hi; t++) {
			CHECK_EQ(ref_start_level(rows[r].shift, 64 - t), (int64_t)rows[r].level);
			CHECK_EQ(ref_root_entries(rows[r].shift, 64 - t), 1ULL << (rows[r].k - t));
		}
	CHECK_EQ(ref_root_entries(12, 25), 16);	  /* 4K/TnSZ=39 */
	CHECK_EQ(ref_root_entries(14, 25), 2048); /* 16K/TnSZ=39 */
	CHECK_EQ(ref_start_level(14, 25), 3);

	/* The decode uses the same geometry, per half, with TG1's encoding. */
	struct ref_regime regime;
	struct ref_features feat = {.ttst = true, .lva = true, .lpa = true, .pa_bits = 52};
	uint64_t tcr = 39 | tg0_bits(12) | 22ULL << 16 | tg1_bits(16) | ips_field(48);
	regime_for(&regime, tcr, ROOT, &feat);
	CHECK_EQ(regime.half[0].granule_shift, 12);
	CHECK_EQ(regime.half[0].start_level, 2);
	CHECK_EQ(regime.half[0].root_entries, 16);
	CHECK_EQ(regime.half[1].granule_shift, 16);
	CHECK_EQ(regime.half[1].start_level, 2);
	CHECK_EQ(regime.half[1].root_entries, 8192);
	/* Reserved TG1 (00) selects 64K. */
	regime_for(&regime, 16 | 16ULL << 16, ROOT, NULL);
	CHECK_EQ(regime.half[1].granule_shift, 16);
	CHECK_EQ(regime.half[0].granule_shift, 12);
}

static void test_txsz_limits(void)
{
	struct ref_regime regime;
	struct ref_features clamp = {.txsz_policy = REF_TXSZ_CLAMP};
	struct ref_result res;

	reset();
	/* 4K T0SZ=40 without TTST: fault at L0 by default... */
	regime_for(&regime, tcr_both(12, 40, 48), ROOT, NULL);
	res = walk(&regime, 0x1000, REF_EL1_READ);
	CHECK_FAULT(res, REF_FAULT_TRANSLATION, 0);
	CHECK_EQ(res.nsteps, 0);
	/* ...or clamped to 39 (start level 1, 512 entries). */
	regime_for(&regime, tcr_both(12, 40, 48), ROOT, &clamp);
	CHECK_EQ(regime.half[0].ia_bits, 25);
	CHECK_EQ(regime.half[0].start_level, 2);
	regime_for(&regime, tcr_both(12, 10, 48), ROOT, &clamp);
	CHECK_EQ(regime.half[0].ia_bits, 48);
	/* 12..15 need DS (4K) or LVA (64K). */
	struct ref_features lva = {.lva = true};
	regime_for(&regime, tcr_both(16, 12, 48), ROOT, &lva);
	CHECK(!regime.half[0].txsz_fault);
	regime_for(&regime, tcr_both(16, 12, 48), ROOT, NULL);
	CHECK(regime.half[0].txsz_fault);
	regime_for(&regime, tcr_both(12, 12, 52), ROOT, NULL);
	CHECK(regime.half[0].txsz_fault);
	struct ref_features lpa2 = {.lpa2 = true, .pa_bits = 52};
	regime_for(&regime, tcr_both(12, 12, 52) | TCR_DS, ROOT, &lpa2);
	CHECK(!regime.half[0].txsz_fault);
	CHECK_EQ(regime.half[0].start_level, -1);
	CHECK_EQ(regime.half[0].root_entries, 16);
	/* TTST raises the maximum to 48 (47 for 64K). */
	struct ref_features ttst = {.ttst = true};
	regime_for(&regime, tcr_both(12, 48, 48), ROOT, &ttst);
	CHECK(!regime.half[0].txsz_fault);
	CHECK_EQ(regime.half[0].start_level, 3);
	regime_for(&regime, tcr_both(16, 48, 48), ROOT, &ttst);
	CHECK(regime.half[0].txsz_fault);
}

/* ---- descriptor types per level ---------------------------------------- */

/* VA with index i at each 4K level L0..L3. */
static uint64_t va4k(unsigned l0, unsigned l1, unsigned l2, unsigned l3)
{
	return (uint64_t)l0 << 39 | (uint64_t)l1 << 30 | (uint64_t)l2 << 21 | (uint64_t)l3 << 12;
}

static void test_4k_types(void)
{
	struct ref_regime regime;
	struct ref_result res;
	uint64_t va = va4k(1, 2, 3, 4) + 0x123;

	reset();
	regime_for(&regime, tcr_both(12, 16, 48) | TCR_EPD1, ROOT, NULL);
	wr(ROOT + 1 * 8, T1 | D_TABLE);
	wr(T1 + 2 * 8, T2 | D_TABLE);
	wr(T2 + 3 * 8, T3 | D_TABLE);
	wr(T3 + 4 * 8, 0x80000000ULL | LEAF_RW | D_PAGE);
	res = walk(&regime, va, REF_EL1_READ);
	CHECK_FAULT(res, REF_FAULT_NONE, 3);
	CHECK_EQ(res.pa, 0x80000123ULL);
	CHECK_EQ(res.block_shift, 12);
	CHECK_EQ(res.nsteps, 4);
	CHECK_EQ(res.steps[0].pa, ROOT + 8);
	CHECK_EQ(res.steps[3].pa, T3 + 32);
	CHECK_EQ(res.steps[3].desc, 0x80000000ULL | LEAF_RW | D_PAGE);
	CHECK_EQ(res.attrs.memtype, REF_MEM_NORMAL);
	CHECK_EQ(res.attrs.sh, 3);

	/* L3 0b01 is reserved: translation fault at L3. */
	wr(T3 + 4 * 8, 0x80000000ULL | LEAF_RW | D_BLOCK);
	CHECK_FAULT(walk(&regime, va, REF_EL1_READ), REF_FAULT_TRANSLATION, 3);
	/* Invalid at each level. */
	wr(T3 + 4 * 8, 0);
	CHECK_FAULT(walk(&regime, va, REF_EL1_READ), REF_FAULT_TRANSLATION, 3);
	wr(T2 + 3 * 8, 0);
	CHECK_FAULT(walk(&regime, va, REF_EL1_READ), REF_FAULT_TRANSLATION, 2);
	wr(T1 + 2 * 8, 0);
	CHECK_FAULT(walk(&regime, va, REF_EL1_READ), REF_FAULT_TRANSLATION, 1);
	wr(ROOT + 8, 0);
	CHECK_FAULT(walk(&regime, va, REF_EL1_READ), REF_FAULT_TRANSLATION, 0);
	/* Bit 1 alone (0b10) is invalid too. */
	wr(ROOT + 8, T1 | 2);
	CHECK_FAULT(walk(&regime, va, REF_EL1_READ), REF_FAULT_TRANSLATION, 0);

	/* L2 block 2M, L1 block 1G. */
	wr(ROOT + 8, T1 | D_TABLE);
	wr(T1 + 2 * 8, T2 | D_TABLE);
	wr(T2 + 3 * 8, 0x80200000ULL | LEAF_RW | D_BLOCK);
	res = walk(&regime, va, REF_EL1_READ);
	CHECK_FAULT(res, REF_FAULT_NONE, 2);
	CHECK_EQ(res.pa, 0x80200000ULL + 0x4123);
	CHECK_EQ(res.block_shift, 21);
	wr(T1 + 2 * 8, 0x80000000ULL | LEAF_RW | D_BLOCK);
	res = walk(&regime, va, REF_EL1_READ);
	CHECK_FAULT(res, REF_FAULT_NONE, 1);
	CHECK_EQ(res.pa, 0x80000000ULL + (3ULL << 21) + 0x4123);
	CHECK_EQ(res.block_shift, 30);
	/* L0 block: only with DS. */
	/* (no SH bits: under DS desc[9:8] are OA[51:50]) */
	wr(ROOT + 8, 0x8000000000ULL | D_AF | D_BLOCK);
	CHECK_FAULT(walk(&regime, va, REF_EL1_READ), REF_FAULT_TRANSLATION, 0);
	struct ref_features lpa2 = {.lpa2 = true, .pa_bits = 52};
	regime_for(&regime, tcr_both(12, 16, 52) | TCR_DS | TCR_EPD1, ROOT, &lpa2);
	res = walk(&regime, va, REF_EL1_READ);
	CHECK_FAULT(res, REF_FAULT_NONE, 0);
	CHECK_EQ(res.pa, 0x8000000000ULL + (va & ((1ULL << 39) - 1)));
	CHECK_EQ(res.block_shift, 39);
}

static void test_16k_64k_types(void)
{
	struct ref_regime regime;
	struct ref_result res;
	struct ref_features lpa2 = {.lpa2 = true, .pa_bits = 52};
	struct ref_features pa52 = {.lpa = true, .pa_bits = 52};

	/* 16K, 47-bit: start L1 (2048... no: 2^(28-17)=2048 entries). */
	reset();
	regime_for(&regime, tcr_both(14, 17, 48) | TCR_EPD1, ROOT, NULL);
	CHECK_EQ(regime.half[0].start_level, 1);
	uint64_t va = 5ULL << 36 | 7ULL << 25 | 9ULL << 14 | 0x77;
	wr(ROOT + 5 * 8, T1 | D_TABLE);
	wr(T1 + 7 * 8, T2 | D_TABLE);
	wr(T2 + 9 * 8, 0x90000000ULL | LEAF_RW | D_PAGE);
	res = walk(&regime, va, REF_EL1_READ);
	CHECK_FAULT(res, REF_FAULT_NONE, 3);
	CHECK_EQ(res.pa, 0x90000077ULL);
	wr(T1 + 7 * 8, 0x92000000ULL | LEAF_RW | D_BLOCK); /* 32M block */
	res = walk(&regime, va, REF_EL1_READ);
	CHECK_FAULT(res, REF_FAULT_NONE, 2);
	CHECK_EQ(res.pa, 0x92000000ULL + (9ULL << 14) + 0x77);
	/* 16K L1 block: translation fault without DS, 64G block with it. */
	wr(ROOT + 5 * 8, (1ULL << 36) | LEAF_RW | D_BLOCK);
	CHECK_FAULT(walk(&regime, va, REF_EL1_READ), REF_FAULT_TRANSLATION, 1);
	regime_for(&regime, tcr_both(14, 17, 52) | TCR_DS | TCR_EPD1, ROOT, &lpa2);
	res = walk(&regime, va, REF_EL1_READ);
	CHECK_FAULT(res, REF_FAULT_NONE, 1);
	CHECK_EQ(res.block_shift, 36);

	/* 64K, 42-bit: start L2 (2^(35-22)... T0SZ=22 -> 8192 entries). */
	reset();
	regime_for(&regime, tcr_both(16, 22, 48) | TCR_EPD1, ROOT, NULL);
	CHECK_EQ(regime.half[0].start_level, 2);
	CHECK_EQ(regime.half[0].root_entries, 8192);
	va = 3ULL << 29 | 11ULL << 16 | 0x1234;
	wr(ROOT + 3 * 8, T1 | D_TABLE);
	wr(T1 + 11 * 8, 0xa0000000ULL | LEAF_RW | D_PAGE);
	res = walk(&regime, va, REF_EL1_READ);
	CHECK_FAULT(res, REF_FAULT_NONE, 3);
	CHECK_EQ(res.pa, 0xa0001234ULL);
	wr(ROOT + 3 * 8, 0xa0000000ULL | LEAF_RW | D_BLOCK); /* 512M */
	res = walk(&regime, va, REF_EL1_READ);
	CHECK_FAULT(res, REF_FAULT_NONE, 2);
	CHECK_EQ(res.block_shift, 29);
	/* 64K L1 block only with a 52-bit PAMax. */
	regime_for(&regime, tcr_both(16, 16, 48) | TCR_EPD1, ROOT, NULL);
	CHECK_EQ(regime.half[0].start_level, 1);
	wr(ROOT + 1 * 8, 0x40000000000ULL | LEAF_RW | D_BLOCK);
	CHECK_FAULT(walk(&regime, 1ULL << 42, REF_EL1_READ), REF_FAULT_TRANSLATION, 1);
	regime_for(&regime, tcr_both(16, 16, 52) | TCR_EPD1, ROOT, &pa52);
	res = walk(&regime, (1ULL << 42) + 5, REF_EL1_READ);
	CHECK_FAULT(res, REF_FAULT_NONE, 1);
	CHECK_EQ(res.pa, 0x40000000005ULL);
	CHECK_EQ(res.block_shift, 42);
}

/* ---- 52-bit forms ------------------------------------------------------ */

static void test_lpa(void)
{
	struct ref_regime regime;
	struct ref_result res;
	struct ref_features lpa = {.lpa = true, .lva = true, .pa_bits = 52};
	const uint64_t high = 0x000a000000000000ULL; /* PA bits 49 and 51 */

	reset();
	CHECK(physmem_add_bank(pm, high, 1ULL << 20, NULL) == 0);
	/* 64K, 52-bit VA, root at a PA above 2^48: TTBR[5:2] = base[51:48]. */
	uint64_t ttbr = (high & ((1ULL << 48) - 1)) | ((high >> 48) << 2);
	regime_for(&regime, tcr_both(16, 12, 52) | TCR_EPD1, ttbr, &lpa);
	CHECK_EQ(regime.half[0].root_pa, high);
	CHECK(!regime.half[0].root_oor);
	CHECK_EQ(regime.half[0].start_level, 1);
	uint64_t va = 0x10ULL << 42 | 2ULL << 29 | 3ULL << 16 | 0x42;
	uint64_t t1 = high + 0x10000, t2 = high + 0x20000;
	/* Table address bits [51:48] in desc[15:12]. */
	wr(high + 0x10 * 8, (t1 & ((1ULL << 48) - 1)) | (0xaULL << 12) | D_TABLE);
	wr(t1 + 2 * 8, (t2 & ((1ULL << 48) - 1)) | (0xaULL << 12) | D_TABLE);
	wr(t2 + 3 * 8, 0x0000123400000000ULL | (0xfULL << 12) | LEAF_RW | D_PAGE);
	res = walk(&regime, va, REF_EL1_READ);
	CHECK_FAULT(res, REF_FAULT_NONE, 3);
	CHECK_EQ(res.pa, 0x000f123400000042ULL);
	/* Same tables with IPS=48: OAsize 48, so the TTBR base faults at L0. */
	regime_for(&regime, tcr_both(16, 16, 48) | TCR_EPD1, ttbr, &lpa);
	CHECK(!regime.half[0].ttbr52); /* TTBR[5:2] not an address then */
	/* Without the 52-bit TTBR form, test the leaf check from a low root. */
	reset();
	regime_for(&regime, tcr_both(16, 22, 48) | TCR_EPD1, ROOT, &lpa);
	wr(ROOT + 2 * 8, T1 | D_TABLE);
	wr(T1 + 3 * 8, 0x0000123400000000ULL | (0x1ULL << 12) | LEAF_RW | D_PAGE);
	CHECK_FAULT(walk(&regime, 2ULL << 29 | 3ULL << 16, REF_EL1_READ), REF_FAULT_ADDRESS_SIZE,
		    3);
	/* Without FEAT_LPA desc[15:12] are RES0, not address bits. */
	regime_for(&regime, tcr_both(16, 22, 48) | TCR_EPD1, ROOT, NULL);
	res = walk(&regime, 2ULL << 29 | 3ULL << 16, REF_EL1_READ);
	CHECK_FAULT(res, REF_FAULT_NONE, 3);
	CHECK_EQ(res.pa, 0x0000123400000000ULL);
}

static void test_lpa2(void)
{
	struct ref_regime regime;
	struct ref_result res;
	struct ref_features lpa2 = {.lpa2 = true, .pa_bits = 52};
	const uint64_t high = 0x000c000000000000ULL; /* bits 51:50 set */

	reset();
	CHECK(physmem_add_bank(pm, high, 1ULL << 20, NULL) == 0);
	uint64_t ttbr = (high & ((1ULL << 48) - 1)) | ((high >> 48) << 2);
	uint64_t tcr = tcr_both(12, 12, 52) | TCR_DS | TCR_EPD1 | (2ULL << 12); /* SH0=OSH */
	regime_for(&regime, tcr, ttbr, &lpa2);
	CHECK_EQ(regime.half[0].start_level, -1);
	CHECK_EQ(regime.half[0].root_pa, high);
	/* Level -1 index is VA[51:48]. */
	uint64_t va = 0xbULL << 48 | va4k(1, 2, 3, 4) | 0x99;
	uint64_t t0 = high + 0x1000, t1 = high + 0x2000, t2 = high + 0x3000, t3 = high + 0x4000;
	/* Tables: OA[51:50] in desc[9:8], OA[49:48] in desc[49:48]. */
#define LPA2_ADDR(pa) (((pa) & ((1ULL << 50) - 1)) | (((pa) >> 50) & 3) << 8)
	wr(high + 0xb * 8, LPA2_ADDR(t0) | D_TABLE);
	wr(t0 + 1 * 8, LPA2_ADDR(t1) | D_TABLE);
	wr(t1 + 2 * 8, LPA2_ADDR(t2) | D_TABLE);
	wr(t2 + 3 * 8, LPA2_ADDR(t3) | D_TABLE);
	uint64_t page = 0x0007abcd12345000ULL;
	wr(t3 + 4 * 8, LPA2_ADDR(page) | D_AF | D_PAGE);
	res = walk(&regime, va, REF_EL1_READ);
	CHECK_FAULT(res, REF_FAULT_NONE, 3);
	CHECK_EQ(res.pa, page | 0x99);
	CHECK_EQ(res.nsteps, 5);
	CHECK_EQ(res.steps[0].level, -1);
	CHECK_EQ(res.attrs.sh, 2); /* from TCR.SH0 */
	/* Level -1 faults. */
	wr(high + 0xb * 8, 0);
	CHECK_FAULT(walk(&regime, va, REF_EL1_READ), REF_FAULT_TRANSLATION, -1);
	CHECK_EQ(ref_fault_status(REF_FAULT_TRANSLATION, -1), 0x2b);
	wr(high + 0xb * 8, LPA2_ADDR(t0) | D_BLOCK); /* no blocks at L-1 */
	CHECK_FAULT(walk(&regime, va, REF_EL1_READ), REF_FAULT_TRANSLATION, -1);
	/* With IPS=48 the same table address is beyond OAsize. */
	wr(high + 0xb * 8, LPA2_ADDR(t0) | D_TABLE);
	regime_for(&regime, (tcr & ~(7ULL << 32)) | ips_field(48), ttbr, &lpa2);
	CHECK_FAULT(walk(&regime, va, REF_EL1_READ), REF_FAULT_ADDRESS_SIZE, 0);
	CHECK(regime.half[0].root_oor);
	/* Without FEAT_LPA2, DS is ignored and TnSZ=12 is out of range. */
	regime_for(&regime, tcr, ttbr, NULL);
	CHECK_FAULT(walk(&regime, va, REF_EL1_READ), REF_FAULT_TRANSLATION, 0);
#undef LPA2_ADDR
}

/* ---- faults at each level ---------------------------------------------- */

static void test_faults(void)
{
	struct ref_regime regime;
	struct ref_features pa40 = {.pa_bits = 40};
	uint64_t va = va4k(1, 2, 3, 4);

	reset();
	regime_for(&regime, tcr_both(12, 16, 48) | TCR_EPD1, ROOT, &pa40);
	CHECK_EQ(regime.half[0].oa_bits, 40);
	/* Table address beyond OAsize: address size at the table's level. */
	wr(ROOT + 8, (1ULL << 41) | D_TABLE);
	CHECK_FAULT(walk(&regime, va, REF_EL1_READ), REF_FAULT_ADDRESS_SIZE, 0);
	wr(ROOT + 8, T1 | D_TABLE);
	wr(T1 + 16, (1ULL << 41) | D_TABLE);
	CHECK_FAULT(walk(&regime, va, REF_EL1_READ), REF_FAULT_ADDRESS_SIZE, 1);
	wr(T1 + 16, T2 | D_TABLE);
	wr(T2 + 24, (1ULL << 41) | D_TABLE);
	CHECK_FAULT(walk(&regime, va, REF_EL1_READ), REF_FAULT_ADDRESS_SIZE, 2);
	/* Leaf OA beyond OAsize at L1, L2, L3. */
	wr(T2 + 24, T3 | D_TABLE);
	wr(T3 + 32, (1ULL << 40) | LEAF_RW | D_PAGE);
	CHECK_FAULT(walk(&regime, va, REF_EL1_READ), REF_FAULT_ADDRESS_SIZE, 3);
	wr(T2 + 24, (1ULL << 40) | LEAF_RW | D_BLOCK);
	CHECK_FAULT(walk(&regime, va, REF_EL1_READ), REF_FAULT_ADDRESS_SIZE, 2);
	wr(T1 + 16, (1ULL << 40) | LEAF_RW | D_BLOCK);
	CHECK_FAULT(walk(&regime, va, REF_EL1_READ), REF_FAULT_ADDRESS_SIZE, 1);
	/* TTBR base beyond OAsize: L0, before any read. */
	regime_for(&regime, tcr_both(12, 16, 48) | TCR_EPD1, 1ULL << 44, &pa40);
	struct ref_result res = walk(&regime, va, REF_EL1_READ);
	CHECK_FAULT(res, REF_FAULT_ADDRESS_SIZE, 0);
	CHECK_EQ(res.nsteps, 0);
	CHECK_EQ(ref_fault_status(REF_FAULT_ADDRESS_SIZE, 0), 0);

	/* Access flag at L1, L2, L3; HA suppresses it. */
	regime_for(&regime, tcr_both(12, 16, 48) | TCR_EPD1, ROOT, NULL);
	wr(T1 + 16, T2 | D_TABLE);
	wr(T2 + 24, T3 | D_TABLE);
	wr(T3 + 32, 0x80000000ULL | D_ISH | D_PAGE);
	CHECK_FAULT(walk(&regime, va, REF_EL1_READ), REF_FAULT_ACCESS_FLAG, 3);
	CHECK_EQ(ref_fault_status(REF_FAULT_ACCESS_FLAG, 3), 0x0b);
	wr(T2 + 24, 0x80000000ULL | D_BLOCK);
	CHECK_FAULT(walk(&regime, va, REF_EL1_READ), REF_FAULT_ACCESS_FLAG, 2);
	wr(T1 + 16, 0x80000000ULL | D_BLOCK);
	CHECK_FAULT(walk(&regime, va, REF_EL1_READ), REF_FAULT_ACCESS_FLAG, 1);
	struct ref_features haf = {.hafdbs = true};
	regime_for(&regime, tcr_both(12, 16, 48) | TCR_EPD1 | TCR_HA, ROOT, &haf);
	CHECK_FAULT(walk(&regime, va, REF_EL1_READ), REF_FAULT_NONE, 1);
	/* HA without FEAT_HAFDBS is ignored. */
	regime_for(&regime, tcr_both(12, 16, 48) | TCR_EPD1 | TCR_HA, ROOT, NULL);
	CHECK_FAULT(walk(&regime, va, REF_EL1_READ), REF_FAULT_ACCESS_FLAG, 1);

	/* Permission at L1, L2, L3. */
	regime_for(&regime, tcr_both(12, 16, 48) | TCR_EPD1, ROOT, NULL);
	wr(T1 + 16, 0x80000000ULL | LEAF_RW | D_RDONLY | D_BLOCK);
	CHECK_FAULT(walk(&regime, va, REF_EL1_WRITE), REF_FAULT_PERMISSION, 1);
	wr(T1 + 16, T2 | D_TABLE);
	wr(T2 + 24, 0x80000000ULL | LEAF_RW | D_BLOCK);
	CHECK_FAULT(walk(&regime, va, REF_EL0_READ), REF_FAULT_PERMISSION, 2);
	wr(T2 + 24, T3 | D_TABLE);
	wr(T3 + 32, 0x80000000ULL | LEAF_RW | D_PXN | D_PAGE);
	CHECK_FAULT(walk(&regime, va, REF_EL1_EXEC), REF_FAULT_PERMISSION, 3);
	CHECK_FAULT(walk(&regime, va, REF_EL1_READ), REF_FAULT_NONE, 3);
	CHECK_EQ(ref_fault_status(REF_FAULT_PERMISSION, 3), 0x0f);

	/* External abort: a table outside RAM. */
	wr(T2 + 24, 0x10000000ULL | D_TABLE);
	CHECK_FAULT(walk(&regime, va, REF_EL1_READ), REF_FAULT_EXTERNAL_ABORT, 3);
	regime_for(&regime, tcr_both(12, 16, 48) | TCR_EPD1, 0x10000000ULL, NULL);
	CHECK_FAULT(walk(&regime, va, REF_EL1_READ), REF_FAULT_EXTERNAL_ABORT, 0);
}

static void test_va_ranges(void)
{
	struct ref_regime regime;
	struct ref_result res;
	struct ref_features e0pd = {.e0pd = true};
	struct ref_regs regs = {tcr_both(12, 25, 48), ROOT, T1, 1, MAIR_LINUX};
	char why[128];

	reset();
	/* 39-bit, start L1 */
	wr(ROOT + 8, 0x80000000ULL | LEAF_RW | D_USER | D_BLOCK);
	wr(T1 + 511 * 8, 0xc0000000ULL | LEAF_RW | D_BLOCK);
	CHECK(ref_regime_init(&regime, &regs, &e0pd, &mem, why, sizeof(why)) == 0);
	res = walk(&regime, 0x40000010ULL, REF_EL1_READ);
	CHECK_FAULT(res, REF_FAULT_NONE, 1);
	CHECK(!res.upper);
	res = walk(&regime, 0xffffffffc0000010ULL, REF_EL1_READ);
	CHECK_FAULT(res, REF_FAULT_NONE, 1);
	CHECK(res.upper);
	CHECK_EQ(res.pa, 0xc0000010ULL);
	/* Non-canonical: translation at L0 in both halves. */
	CHECK_FAULT(walk(&regime, 1ULL << 39, REF_EL1_READ), REF_FAULT_TRANSLATION, 0);
	CHECK_FAULT(walk(&regime, 0xffffff0000000000ULL, REF_EL1_READ), REF_FAULT_TRANSLATION, 0);
	CHECK_FAULT(walk(&regime, 0x0100000040000000ULL, REF_EL1_READ), REF_FAULT_TRANSLATION, 0);
	/* TBI0 ignores the top byte for data, not for exec with TBID0. */
	regs.tcr |= TCR_TBI0 | (1ULL << 51);
	CHECK(ref_regime_init(&regime, &regs, NULL, &mem, why, sizeof(why)) == 0);
	res = walk(&regime, 0x5a00000040000010ULL, REF_EL1_READ);
	CHECK_FAULT(res, REF_FAULT_NONE, 1);
	CHECK_EQ(res.pa, 0x80000010ULL);
	CHECK_FAULT(walk(&regime, 0x5a00000040000010ULL, REF_EL1_EXEC), REF_FAULT_TRANSLATION, 0);
	/* EPD0 */
	regs.tcr = tcr_both(12, 25, 48) | TCR_EPD0;
	CHECK(ref_regime_init(&regime, &regs, NULL, &mem, why, sizeof(why)) == 0);
	CHECK_FAULT(walk(&regime, 0x40000010ULL, REF_EL1_READ), REF_FAULT_TRANSLATION, 0);
	CHECK_FAULT(walk(&regime, 0xffffffffc0000010ULL, REF_EL1_READ), REF_FAULT_NONE, 1);
	/* E0PD0: EL0 faults, EL1 does not; ignored without FEAT_E0PD. */
	regs.tcr = tcr_both(12, 25, 48) | TCR_E0PD0;
	CHECK(ref_regime_init(&regime, &regs, &e0pd, &mem, why, sizeof(why)) == 0);
	CHECK_FAULT(walk(&regime, 0x40000010ULL, REF_EL0_READ), REF_FAULT_TRANSLATION, 0);
	CHECK_FAULT(walk(&regime, 0x40000010ULL, REF_EL1_READ), REF_FAULT_NONE, 1);
	CHECK(ref_regime_init(&regime, &regs, NULL, &mem, why, sizeof(why)) == 0);
	CHECK_FAULT(walk(&regime, 0x40000010ULL, REF_EL0_READ), REF_FAULT_NONE, 1);
	/* MMU off: flat, address size beyond PAMax. */
	regs.sctlr = 0;
	struct ref_features pa36 = {.pa_bits = 36};
	CHECK(ref_regime_init(&regime, &regs, &pa36, &mem, why, sizeof(why)) == 0);
	res = walk(&regime, 0x812345678ULL, REF_EL0_WRITE);
	CHECK_FAULT(res, REF_FAULT_NONE, 0);
	CHECK_EQ(res.pa, 0x812345678ULL);
	CHECK_FAULT(walk(&regime, 1ULL << 36, REF_EL1_READ), REF_FAULT_ADDRESS_SIZE, 0);
	/* Big-endian descriptors (SCTLR.EE). */
	regs.sctlr = 1 | (1ULL << 25);
	regs.tcr = tcr_both(12, 25, 48);
	wr(ROOT + 2 * 8, __builtin_bswap64(0x80000000ULL | LEAF_RW | D_BLOCK));
	CHECK(ref_regime_init(&regime, &regs, NULL, &mem, why, sizeof(why)) == 0);
	res = walk(&regime, 0x80000004ULL, REF_EL1_READ);
	CHECK_FAULT(res, REF_FAULT_NONE, 1);
	CHECK_EQ(res.pa, 0x80000004ULL);
	/* Bad input is an error with a reason, never a crash. */
	struct ref_features bad = {.pa_bits = 47};
	CHECK(ref_regime_init(&regime, &regs, &bad, &mem, why, sizeof(why)) == -1);
	CHECK(strstr(why, "47") != NULL);
	struct ref_mem nomem = {NULL, NULL, NULL, NULL};
	CHECK(ref_walk(&regs, NULL, &nomem, 0, REF_EL1_READ, &res, why, sizeof(why)) == -1);
	CHECK_EQ(res.fault, REF_FAULT_TRANSLATION);
	CHECK(ref_walk(&regs, NULL, &mem, 0x80000004ULL, 99, &res, why, sizeof(why)) == 0);
	CHECK_EQ(res.fault, REF_FAULT_PERMISSION);
	/* Misaligned TTBR: low bits treated as zero. */
	regs.sctlr = 1;
	regs.ttbr0 = ROOT | 0x40;
	CHECK(ref_regime_init(&regime, &regs, NULL, &mem, why, sizeof(why)) == 0);
	CHECK_EQ(regime.half[0].root_pa, ROOT);
	CHECK_EQ(regime.half[0].ttbr_res0, 0x40);
}

/* ---- permissions ------------------------------------------------------- */

static uint8_t perms_of(const struct ref_regime *regime, uint64_t va)
{
	struct ref_result res = walk(regime, va, REF_TRANSLATE);
	CHECK_EQ(res.fault, REF_FAULT_NONE);
	/* The per-access walks must agree with the perms bits. */
	static const enum ref_access acc[] = {REF_EL1_READ, REF_EL1_WRITE, REF_EL1_EXEC,
					      REF_EL0_READ, REF_EL0_WRITE, REF_EL0_EXEC};
	for (int i = 0; i < 6; i++) {
		struct ref_result r = walk(regime, va, acc[i]);
		CHECK_EQ(r.fault == REF_FAULT_NONE, !!(res.attrs.perms & (1u << i)));
	}
	return res.attrs.perms;
}

#define P_R1 REF_PERM_EL1_R
#define P_W1 REF_PERM_EL1_W
#define P_X1 REF_PERM_EL1_X
#define P_R0 REF_PERM_EL0_R
#define P_W0 REF_PERM_EL0_W
#define P_X0 REF_PERM_EL0_X

static void test_permissions(void)
{
	struct ref_regime regime;
	struct ref_features hpds = {.hpds = true, .hafdbs = true};
	uint64_t tcr = tcr_both(12, 25, 48) | TCR_EPD1;
	uint64_t va = 0x40201000ULL; /* L1 1, L2 1, L3 1 */

	reset();
	regime_for(&regime, tcr, ROOT, &hpds);
	wr(ROOT + 8, T1 | D_TABLE);
	wr(T1 + 8, T2 | D_TABLE);
	/* AP[2:1] */
	wr(T2 + 8, 0x80000000ULL | LEAF_RW | D_PAGE);
	CHECK_EQ(perms_of(&regime, va), P_R1 | P_W1 | P_X1 | P_X0);
	wr(T2 + 8, 0x80000000ULL | LEAF_RW | D_USER | D_PAGE);
	/* EL0-writable: never EL1-executable */
	CHECK_EQ(perms_of(&regime, va), P_R1 | P_W1 | P_R0 | P_W0 | P_X0);
	wr(T2 + 8, 0x80000000ULL | LEAF_RW | D_RDONLY | D_PAGE);
	CHECK_EQ(perms_of(&regime, va), P_R1 | P_X1 | P_X0);
	wr(T2 + 8, 0x80000000ULL | LEAF_RW | D_RDONLY | D_USER | D_UXN | D_PAGE);
	CHECK_EQ(perms_of(&regime, va), P_R1 | P_X1 | P_R0);
	/* APTable 01: no EL0; 10: no write; 11: both. At L1 and L0 they OR. */
	wr(T2 + 8, 0x80000000ULL | LEAF_RW | D_USER | D_PXN | D_PAGE);
	wr(T1 + 8, T2 | D_TABLE | D_APT(1));
	CHECK_EQ(perms_of(&regime, va), P_R1 | P_W1 | P_X0);
	wr(T1 + 8, T2 | D_TABLE | D_APT(2));
	CHECK_EQ(perms_of(&regime, va), P_R1 | P_R0 | P_X0);
	wr(T1 + 8, T2 | D_TABLE | D_APT(1));
	wr(ROOT + 8, T1 | D_TABLE | D_APT(2));
	CHECK_EQ(perms_of(&regime, va), P_R1 | P_X0);
	/* PXNTable / UXNTable */
	wr(ROOT + 8, T1 | D_TABLE | D_PXNT);
	wr(T1 + 8, T2 | D_TABLE | D_UXNT);
	wr(T2 + 8, 0x80000000ULL | LEAF_RW | D_PAGE);
	CHECK_EQ(perms_of(&regime, va), P_R1 | P_W1);
	/* HPD0 ignores all of them. */
	regime_for(&regime, tcr | TCR_HPD0, ROOT, &hpds);
	CHECK_EQ(perms_of(&regime, va), P_R1 | P_W1 | P_X1 | P_X0);
	/* HPD without FEAT_HPDS is not honoured. */
	regime_for(&regime, tcr | TCR_HPD0, ROOT, NULL);
	CHECK_EQ(perms_of(&regime, va), P_R1 | P_W1);
	/* WXN: writable means not executable. */
	wr(ROOT + 8, T1 | D_TABLE);
	wr(T1 + 8, T2 | D_TABLE);
	struct ref_regs regs = {tcr, ROOT, 0, 1 | (1ULL << 19), MAIR_LINUX};
	char why[64];
	CHECK(ref_regime_init(&regime, &regs, NULL, &mem, why, sizeof(why)) == 0);
	/* WXN is per EL: EL0 cannot write here, so EL0 may execute. */
	CHECK_EQ(perms_of(&regime, va), P_R1 | P_W1 | P_X0);
	wr(T2 + 8, 0x80000000ULL | LEAF_RW | D_RDONLY | D_USER | D_PAGE);
	CHECK_EQ(perms_of(&regime, va), P_R1 | P_R0 | P_X1 | P_X0);
	/* DBM with HA+HD: read-only becomes writable-clean. */
	wr(T2 + 8, 0x80000000ULL | LEAF_RW | D_RDONLY | D_DBM | D_PXN | D_UXN | D_PAGE);
	regime_for(&regime, tcr | TCR_HA | TCR_HD, ROOT, &hpds);
	CHECK_EQ(perms_of(&regime, va), P_R1 | P_W1);
	regime_for(&regime, tcr | TCR_HA, ROOT, &hpds);
	CHECK_EQ(perms_of(&regime, va), P_R1);
}

/* ---- lint -------------------------------------------------------------- */

struct findings {
	unsigned count[16];
	struct ref_finding last[16];
};

static int collect(void *ctx, const struct ref_finding *f)
{
	struct findings *fs = ctx;
	fs->count[f->kind]++;
	fs->last[f->kind] = *f;
	return 0;
}

static unsigned total(const struct findings *fs)
{
	unsigned n = 0;
	for (int i = 0; i < 16; i++)
		n += fs->count[i];
	return n;
}

static struct findings lint(const struct ref_regime *regime)
{
	struct findings fs;
	memset(&fs, 0, sizeof(fs));
	CHECK(ref_lint(regime, collect, &fs) == 0);
	return fs;
}

/* A 4K L3 table at T3 mapping VA [0x40200000, +2M) with a 16-page
 * contiguous group at index 16. */
static void cont_setup(struct ref_regime *regime)
{
	reset();
	regime_for(regime, tcr_both(12, 25, 48) | TCR_EPD1, ROOT, NULL);
	wr(ROOT + 8, T2 | D_TABLE);
	wr(T2 + 8, T3 | D_TABLE);
	for (unsigned i = 16; i < 32; i++)
		wr(T3 + i * 8, (0x80100000ULL + (i - 16) * 0x1000) | LEAF_RW | D_CONT | D_PAGE);
}

static void test_lint_cont(void)
{
	struct ref_regime regime;
	struct findings fs;

	cont_setup(&regime);
	fs = lint(&regime);
	CHECK_EQ(total(&fs), 0);

	wr(T3 + 20 * 8, (0x80104000ULL) | LEAF_RW | D_PAGE); /* member without the bit */
	fs = lint(&regime);
	CHECK_EQ(fs.count[REF_LINT_CONT_MISSING], 1);
	CHECK_EQ(fs.last[REF_LINT_CONT_MISSING].desc_pa, T3 + 20 * 8);
	CHECK_EQ(fs.last[REF_LINT_CONT_MISSING].va, 0x40214000ULL);
	CHECK_EQ(fs.last[REF_LINT_CONT_MISSING].level, 3);
	wr(T3 + 20 * 8, 0); /* member missing altogether */
	fs = lint(&regime);
	CHECK_EQ(fs.count[REF_LINT_CONT_MISSING], 1);

	cont_setup(&regime);
	wr(T3 + 21 * 8, 0x80900000ULL | LEAF_RW | D_CONT | D_PAGE); /* OA out of line */
	fs = lint(&regime);
	CHECK_EQ(fs.count[REF_LINT_CONT_OA], 1);
	CHECK_EQ(fs.last[REF_LINT_CONT_OA].desc_pa, T3 + 21 * 8);
	CHECK_EQ(total(&fs), 1);

	cont_setup(&regime); /* linear but not aligned to 64K */
	for (unsigned i = 16; i < 32; i++)
		wr(T3 + i * 8, (0x80101000ULL + (i - 16) * 0x1000) | LEAF_RW | D_CONT | D_PAGE);
	fs = lint(&regime);
	CHECK_EQ(fs.count[REF_LINT_CONT_OA], 1);
	CHECK_EQ(total(&fs), 1);

	cont_setup(&regime);
	wr(T3 + 30 * 8, 0x8010e000ULL | LEAF_RW | D_RDONLY | D_CONT | D_PAGE);
	fs = lint(&regime);
	CHECK_EQ(fs.count[REF_LINT_CONT_ATTRS], 1);
	CHECK_EQ(fs.last[REF_LINT_CONT_ATTRS].detail, D_RDONLY);
	CHECK_EQ(total(&fs), 1);

	cont_setup(&regime);
	wr(T3 + 30 * 8, (0x8010e000ULL | LEAF_RW | D_CONT | D_PAGE) & ~D_AF);
	fs = lint(&regime);
	CHECK_EQ(fs.count[REF_LINT_CONT_AF], 1);
	CHECK_EQ(total(&fs), 1);

	/* 16K L2: 32-entry groups; a 16-entry run is short. */
	reset();
	regime_for(&regime, tcr_both(14, 28, 48) | TCR_EPD1, ROOT, NULL);
	for (unsigned i = 0; i < 16; i++)
		wr(ROOT + i * 8, (0x80000000ULL + i * (32ULL << 20)) | LEAF_RW | D_CONT | D_BLOCK);
	fs = lint(&regime);
	CHECK_EQ(fs.count[REF_LINT_CONT_MISSING], 16);
	/* 4K root shorter than a group (T0SZ=39: 16 entries fits; 43+ would not). */
	struct ref_features ttst = {.ttst = true};
	reset();
	regime_for(&regime, tcr_both(12, 46, 48) | TCR_EPD1, ROOT, &ttst);
	CHECK_EQ(regime.half[0].root_entries, 64);
	regime_for(&regime, tcr_both(12, 48, 48) | TCR_EPD1, ROOT, &ttst);
	CHECK_EQ(regime.half[0].root_entries, 16);
	regime_for(&regime, tcr_both(14, 48, 48) | TCR_EPD1, ROOT, &ttst);
	CHECK_EQ(regime.half[0].root_entries, 4); /* 16K L3 groups are 128 */
	wr(ROOT, 0x80000000ULL | LEAF_RW | D_CONT | D_PAGE);
	fs = lint(&regime);
	CHECK_EQ(fs.count[REF_LINT_CONT_BEYOND_IA], 1);
}

static void test_lint_structure(void)
{
	struct ref_regime regime;
	struct findings fs;
	struct ref_regs regs = {tcr_both(12, 25, 48) | TCR_EPD1, ROOT, 0, 1, MAIR_LINUX};
	char why[64];

	reset();
	regime_for(&regime, regs.tcr, ROOT, NULL);
	/* Block at L0 impossible here (start L1); use L3 0b01 and a 4K-48 L0. */
	wr(ROOT + 8, T1 | D_TABLE);
	wr(T1 + 8, T2 | D_TABLE);
	wr(T2 + 8, 0x80000000ULL | LEAF_RW | D_BLOCK);
	fs = lint(&regime);
	CHECK_EQ(fs.count[REF_LINT_BLOCK_LEVEL], 1);
	CHECK_EQ(fs.last[REF_LINT_BLOCK_LEVEL].level, 3);
	regime_for(&regime, tcr_both(12, 16, 48) | TCR_EPD1, ROOT, NULL);
	fs = lint(&regime);
	CHECK_EQ(fs.count[REF_LINT_BLOCK_LEVEL], 0);
	wr(ROOT + 16, 0x8000000000ULL | LEAF_RW | D_BLOCK);
	fs = lint(&regime);
	CHECK_EQ(fs.count[REF_LINT_BLOCK_LEVEL], 1);
	CHECK_EQ(fs.last[REF_LINT_BLOCK_LEVEL].level, 0);
	CHECK_EQ(fs.last[REF_LINT_BLOCK_LEVEL].va, 2ULL << 39);

	/* RES0: 4K L2 block bits [20:12] (bit 16 too without FEAT_BBM),
	 * [49:48]; table bits [51:48]. */
	reset();
	regime_for(&regime, regs.tcr, ROOT, NULL);
	wr(ROOT + 8, T1 | D_TABLE | (1ULL << 50));
	wr(T1 + 8, 0x80000000ULL | LEAF_RW | D_BLOCK | (1ULL << 13) | (1ULL << 48));
	fs = lint(&regime);
	CHECK_EQ(fs.count[REF_LINT_RES0], 2);
	CHECK_EQ(fs.last[REF_LINT_RES0].detail, (1ULL << 13) | (1ULL << 48));
	wr(ROOT + 8, T1 | D_TABLE);
	wr(T1 + 8, 0x80000000ULL | LEAF_RW | D_BLOCK | (1ULL << 16));
	fs = lint(&regime);
	CHECK_EQ(fs.count[REF_LINT_RES0], 1);
	struct ref_features bbm = {.bbm_level = 2};
	regime_for(&regime, regs.tcr, ROOT, &bbm);
	fs = lint(&regime);
	CHECK_EQ(fs.count[REF_LINT_RES0], 0);
	/* Software bits and IGNORED table bits are not RES0. */
	wr(T1 + 8, 0x80000000ULL | LEAF_RW | D_BLOCK | (0xfULL << 55));
	wr(ROOT + 8, T1 | D_TABLE | (0x7fULL << 52) | 0xffcULL);
	fs = lint(&regime);
	CHECK_EQ(total(&fs), 0);

	/* Shared table and cycle. */
	reset();
	regime_for(&regime, regs.tcr, ROOT, NULL);
	wr(ROOT + 8, T1 | D_TABLE);
	wr(ROOT + 16, T1 | D_TABLE);
	fs = lint(&regime);
	CHECK_EQ(fs.count[REF_LINT_TABLE_SHARED], 1);
	CHECK_EQ(fs.last[REF_LINT_TABLE_SHARED].desc_pa, ROOT + 16);
	wr(ROOT + 16, 0);
	wr(T1 + 8, T2 | D_TABLE);
	wr(T2 + 8, T1 | D_TABLE); /* L3 entry 0b11 is a page... */
	fs = lint(&regime);
	CHECK_EQ(fs.count[REF_LINT_TABLE_CYCLE], 0);
	wr(T2 + 8, 0);
	wr(T1 + 8, T1 | D_TABLE); /* L2 table pointing to itself */
	fs = lint(&regime);
	CHECK_EQ(fs.count[REF_LINT_TABLE_CYCLE], 1);
	CHECK_EQ(fs.last[REF_LINT_TABLE_CYCLE].level, 2);
	wr(T1 + 8, ROOT | D_TABLE); /* back to the root */
	fs = lint(&regime);
	CHECK_EQ(fs.count[REF_LINT_TABLE_CYCLE], 1);

	/* Table outside RAM. */
	wr(T1 + 8, 0x10000000ULL | D_TABLE);
	fs = lint(&regime);
	CHECK_EQ(fs.count[REF_LINT_TABLE_NOT_RAM], 1);
	CHECK_EQ(fs.last[REF_LINT_TABLE_NOT_RAM].detail, 0x10000000ULL);
	regime_for(&regime, regs.tcr, 0x10000000ULL, NULL);
	fs = lint(&regime);
	CHECK_EQ(fs.count[REF_LINT_TABLE_NOT_RAM], 1);

	/* Non-zero entry beyond a short root (T0SZ=35: L2 root, 256 entries). */
	reset();
	regime_for(&regime, tcr_both(12, 35, 48) | TCR_EPD1, ROOT, NULL);
	CHECK_EQ(regime.half[0].root_entries, 256);
	wr(ROOT + 255 * 8, 0x80000000ULL | LEAF_RW | D_BLOCK);
	fs = lint(&regime);
	CHECK_EQ(total(&fs), 0);
	wr(ROOT + 300 * 8, 0x80000000ULL | LEAF_RW | D_BLOCK);
	fs = lint(&regime);
	CHECK_EQ(fs.count[REF_LINT_ROOT_BEYOND], 1);
	CHECK_EQ(fs.last[REF_LINT_ROOT_BEYOND].desc_pa, ROOT + 300 * 8);

	/* Reserved MAIR encodings in use (attr 5 = 0x50: outer set, inner 0;
	 * attr 6 = 0x02: Device with low bits). Unused reserved ones pass. */
	reset();
	regs.mair = MAIR_LINUX | 0x50ULL << 40 | 0x02ULL << 48 | 0x70ULL << 56;
	CHECK(ref_regime_init(&regime, &regs, NULL, &mem, why, sizeof(why)) == 0);
	wr(ROOT + 8, 0x80000000ULL | D_AF | D_IDX(5) | D_BLOCK);
	wr(ROOT + 16, 0xc0000000ULL | D_AF | D_IDX(6) | D_BLOCK);
	fs = lint(&regime);
	CHECK_EQ(fs.count[REF_LINT_MAIR_RESERVED], 2);
	CHECK_EQ(fs.last[REF_LINT_MAIR_RESERVED].detail, 0x02);
	CHECK_EQ(ref_mair_decode(0xf0), REF_MEM_NORMAL_TAGGED);
	CHECK_EQ(ref_mair_decode(0x44), REF_MEM_NORMAL);
	CHECK_EQ(ref_mair_decode(0x04), REF_MEM_DEVICE_nGnRE);

	/* Misaligned TTBR. */
	regs.mair = MAIR_LINUX;
	regs.ttbr0 = ROOT | 0x800;
	CHECK(ref_regime_init(&regime, &regs, NULL, &mem, why, sizeof(why)) == 0);
	fs = lint(&regime);
	CHECK_EQ(fs.count[REF_LINT_TTBR_MISALIGNED], 1);
}

/* ---- break-before-make ------------------------------------------------- */

struct bbm_log {
	unsigned count;
	struct ref_bbm_finding last;
};

static int bbm_collect(void *ctx, const struct ref_bbm_finding *f)
{
	struct bbm_log *log = ctx;
	log->count++;
	log->last = *f;
	return 0;
}

/* Before: 4K-39, L1[1] -> T2, L2[1] -> T3, L3[1] a page; L1[2] a block.
 * Returns the findings for after = before with one descriptor changed. */
static struct bbm_log bbm_case(uint64_t pa, uint64_t new_desc)
{
	struct physmem *after = physmem_new();
	struct ref_mem after_mem = fixture_mem(after);
	struct ref_regime regime;
	struct bbm_log log = {0};
	uint64_t before_desc = 0;

	reset();
	wr(ROOT + 8, T2 | D_TABLE);
	wr(ROOT + 16, 0xc0000000ULL | LEAF_RW | D_BLOCK);
	wr(T2 + 8, T3 | D_TABLE);
	for (unsigned i = 0; i < 16; i++)
		wr(T3 + i * 8, (0x80000000ULL + i * 0x1000) | LEAF_RW | D_NG | D_CONT | D_PAGE);
	wr(T3 + 16 * 8, 0x80010000ULL | LEAF_RW | D_NG | D_PAGE);
	physmem_add_bank(after, RAM_BASE, 256ULL << 20, NULL);
	for (uint64_t p = ROOT; p < T3 + 0x1000; p += 8) {
		uint64_t v;
		physmem_read64(pm, p, &v);
		physmem_write64(after, p, v);
	}
	physmem_read64(pm, pa, &before_desc);
	physmem_write64(after, pa, new_desc);
	regime_for(&regime, tcr_both(12, 25, 48) | TCR_EPD1, ROOT, NULL);
	CHECK(ref_bbm_check(&regime, &mem, &after_mem, bbm_collect, &log) == 0);
	if (log.count) {
		CHECK_EQ(log.last.before_desc, before_desc);
		CHECK_EQ(log.last.after_desc, new_desc);
	}
	physmem_free(after);
	return log;
}

static void expect_rule(uint64_t pa, uint64_t new_desc, const char *rule)
{
	struct bbm_log log = bbm_case(pa, new_desc);

	if (!rule) {
		CHECK_EQ(log.count, 0);
		return;
	}
	CHECK_EQ(log.count, 1);
	CHECK(log.count && strcmp(log.last.rule, rule) == 0);
	if (log.count && strcmp(log.last.rule, rule))
		fprintf(stderr, "  expected %s, got %s\n", rule, log.last.rule);
}

static void test_bbm(void)
{
	const uint64_t page16 = T3 + 16 * 8, page_desc = 0x80010000ULL | LEAF_RW | D_NG | D_PAGE;

	expect_rule(page16, page_desc, NULL); /* no change */
	expect_rule(page16, 0x80020000ULL | LEAF_RW | D_NG | D_PAGE, "oa-change");
	expect_rule(ROOT + 16, 0x80000000ULL | LEAF_RW | D_BLOCK, "oa-change");
	expect_rule(T2 + 8, 0x80000000ULL | LEAF_RW | D_BLOCK, "table-to-block");
	expect_rule(ROOT + 16, T3 | D_TABLE, "block-to-table");
	expect_rule(page16, page_desc | D_IDX(3), "memtype-change");
	expect_rule(page16, page_desc | D_IDX(1), NULL); /* same MAIR byte */
	expect_rule(page16, page_desc & ~(1ULL << 8), "sh-change");
	expect_rule(page16, page_desc | D_CONT, "cont-change");
	expect_rule(T3 + 3 * 8, (0x80003000ULL | LEAF_RW | D_NG | D_PAGE), "cont-change");
	expect_rule(T3 + 3 * 8, (0x80003000ULL | LEAF_RW | D_NG | D_CONT | D_RDONLY | D_PAGE),
		    "cont-live-change");
	expect_rule(page16, page_desc & ~D_NG, "ng-global");
	/* Safe: permission tightening, DBM, invalid <-> valid, non-live. */
	expect_rule(page16, page_desc | D_RDONLY | D_PXN | D_DBM, NULL);
	expect_rule(page16, 0, NULL);
	expect_rule(T3 + 100 * 8, 0x90000000ULL | LEAF_RW | D_PAGE, NULL);
	expect_rule(T2 + 8, 0, NULL);
	/* A replaced table is compared underneath: a copy with one OA moved. */
	{
		struct physmem *after = physmem_new();
		struct ref_mem after_mem = fixture_mem(after);
		struct ref_regime regime;
		struct bbm_log log = {0};
		const uint64_t copy = 0x40080000ULL;

		bbm_case(page16, page_desc); /* rebuild "before" in pm */
		physmem_add_bank(after, RAM_BASE, 256ULL << 20, NULL);
		for (uint64_t p = ROOT; p < T3 + 0x1000; p += 8) {
			uint64_t v;
			physmem_read64(pm, p, &v);
			physmem_write64(after, p, v);
			if (p >= T3)
				physmem_write64(after, copy + (p - T3), v);
		}
		physmem_write64(after, T2 + 8, copy | D_TABLE);
		regime_for(&regime, tcr_both(12, 25, 48) | TCR_EPD1, ROOT, NULL);
		CHECK(ref_bbm_check(&regime, &mem, &after_mem, bbm_collect, &log) == 0);
		CHECK_EQ(log.count, 0);
		physmem_write64(after, copy + 16 * 8, 0x80030000ULL | LEAF_RW | D_NG | D_PAGE);
		CHECK(ref_bbm_check(&regime, &mem, &after_mem, bbm_collect, &log) == 0);
		CHECK_EQ(log.count, 1);
		CHECK_EQ(log.last.after_pa, copy + 16 * 8);
		CHECK_EQ(log.last.before_pa, T3 + 16 * 8);
		CHECK_EQ(log.last.va, 0x40201000ULL + 15 * 0x1000);
		physmem_free(after);
	}
}

/* ---- range walk, diff, ptdump ------------------------------------------ */

struct ivs {
	unsigned count;
	struct ref_interval iv[64];
};

static int collect_iv(void *ctx, const struct ref_interval *iv)
{
	struct ivs *ivs = ctx;
	if (ivs->count < 64)
		ivs->iv[ivs->count] = *iv;
	ivs->count++;
	return 0;
}

static void test_range(void)
{
	struct ref_regime regime;
	struct ivs ivs = {0};

	/* 1 TiB of 1G blocks (4K-48: L0[0..1] -> two L1 tables). */
	reset();
	regime_for(&regime, tcr_both(12, 16, 48) | TCR_EPD1, ROOT, NULL);
	wr(ROOT, T1 | D_TABLE);
	wr(ROOT + 8, T2 | D_TABLE);
	for (unsigned i = 0; i < 1024; i++)
		wr((i < 512 ? T1 : T2) + (i % 512) * 8,
		   (0x100000000ULL + ((uint64_t)i << 30)) | LEAF_RW | D_BLOCK);
	CHECK(ref_range_walk(&regime, 0, ~0ULL, collect_iv, &ivs) == 0);
	/* mapped; L0 faults + hole up to 2^63; the rest (EPD1) */
	CHECK_EQ(ivs.count, 3);
	CHECK_EQ(ivs.iv[0].va, 0);
	CHECK_EQ(ivs.iv[0].size, 1ULL << 40);
	CHECK_EQ(ivs.iv[0].pa, 0x100000000ULL);
	CHECK_EQ(ivs.iv[0].level, 1);
	CHECK_EQ(ivs.iv[1].fault, REF_FAULT_TRANSLATION);
	CHECK_EQ(ivs.iv[1].va, 1ULL << 40);
	CHECK_EQ(ivs.iv[1].size, (1ULL << 63) - (1ULL << 40));
	CHECK_EQ(ivs.iv[2].va, 1ULL << 63);
	/* A window inside, and an attribute change splitting it. */
	wr(T1 + 5 * 8, (0x100000000ULL + (5ULL << 30)) | LEAF_RW | D_RDONLY | D_BLOCK);
	ivs.count = 0;
	CHECK(ref_range_walk(&regime, (4ULL << 30) + 7, (7ULL << 30) - 1, collect_iv, &ivs) == 0);
	CHECK_EQ(ivs.count, 3);
	CHECK_EQ(ivs.iv[0].va, (4ULL << 30) + 7);
	CHECK_EQ(ivs.iv[0].pa, 0x100000000ULL + (4ULL << 30) + 7);
	CHECK_EQ(ivs.iv[1].attrs.ap, 2);
	CHECK_EQ(ivs.iv[2].va + ivs.iv[2].size, 7ULL << 30);

	/* diff */
	struct ref_expect expect[2] = {
	    {0, 5ULL << 30, 0x100000000ULL, LEAF_RW, 0},
	    {6ULL << 30, 1ULL << 30, 0x100000000ULL + (6ULL << 30), LEAF_RW, 0},
	};
	struct ref_diff diff;
	char why[128], text[1024];
	CHECK(ref_diff(&regime, expect, 2, false, &diff, why, sizeof(why)) == 0);
	CHECK_EQ(diff.kind, REF_DIFF_NONE);
	expect[1].pa += 0x1000;
	CHECK(ref_diff(&regime, expect, 2, false, &diff, why, sizeof(why)) == 0);
	CHECK_EQ(diff.kind, REF_DIFF_PA);
	CHECK_EQ(diff.va, 6ULL << 30);
	CHECK_EQ(diff.expected_pa, 0x100001000ULL + (6ULL << 30));
	CHECK_EQ(diff.actual.pa, 0x100000000ULL + (6ULL << 30));
	CHECK_EQ(diff.actual.nsteps, 2);
	ref_diff_format(&diff, text, sizeof(text));
	CHECK(strstr(text, "wrong physical address") != NULL);
	CHECK(strstr(text, "L1 desc @ PA 0x40010030") != NULL);
	expect[1].pa -= 0x1000;
	expect[0].size = 6ULL << 30; /* now covers the read-only block */
	expect[1].va = 6ULL << 30;
	CHECK(ref_diff(&regime, expect, 2, false, &diff, why, sizeof(why)) == 0);
	CHECK_EQ(diff.kind, REF_DIFF_ATTRS);
	CHECK_EQ(diff.va, 5ULL << 30);
	ref_diff_format(&diff, text, sizeof(text));
	CHECK(strstr(text, "differing prot bits: 0x0000000000000080") != NULL);
	expect[0].size = 5ULL << 30;
	CHECK(ref_diff(&regime, expect, 2, true, &diff, why, sizeof(why)) == 0);
	CHECK_EQ(diff.kind, REF_DIFF_UNEXPECTED);
	CHECK_EQ(diff.va, 5ULL << 30);
	struct ref_expect hole = {2ULL << 40, 0x1000, 0, LEAF_RW, 0};
	CHECK(ref_diff(&regime, &hole, 1, false, &diff, why, sizeof(why)) == 0);
	CHECK_EQ(diff.kind, REF_DIFF_NOT_MAPPED);
	CHECK_EQ(diff.actual.fault, REF_FAULT_TRANSLATION);
	CHECK_EQ(diff.actual.level, 0);
	struct ref_expect bad[2] = {{0x2000, 0x1000, 0, 0, 0}, {0x1000, 0x1000, 0, 0, 0}};
	CHECK(ref_diff(&regime, bad, 2, false, &diff, why, sizeof(why)) == -1);
	CHECK(strstr(why, "intent 1") != NULL);

	/* ptdump, both forms. */
	char *dump = NULL;
	size_t dump_len = 0;
	FILE *out = open_memstream(&dump, &dump_len);
	CHECK(ref_ptdump(&regime, out) == 0);
	fclose(out);
	if (getenv("REF_TEST_VERBOSE"))
		fputs(dump, stderr);
	CHECK(strstr(dump, "---[ TTBR0_EL1 ]---") != NULL);
	CHECK(
	    strstr(dump, "0x0000000000000000-0x0000000140000000         5G PUD     RW x  SHD AF") !=
	    NULL);
	CHECK(strstr(dump, "0x0000000140000000-0x0000000180000000         1G PUD     ro x ") !=
	      NULL);
	CHECK(strstr(dump, "MEM/NORMAL\n") != NULL);
	free(dump);
	dump = NULL;
	out = open_memstream(&dump, &dump_len);
	CHECK(ref_ptdump_raw(&regime, out) == 0);
	fclose(out);
	char expect_head[512];
	snprintf(expect_head, sizeof(expect_head),
		 "TCR_EL1 0x%016llx\nTTBR0_EL1 0x%016llx\nTTBR1_EL1 0x0000000000000000\n"
		 "MAIR_EL1 0x%016llx\nSCTLR_EL1 0x0000000000000001\n"
		 "table pa=0x40000000 level=0 entries=512\n  0 0x%016llx\n  1 0x%016llx\n"
		 "table pa=0x40010000 level=1 entries=512\n  0 0x%016llx\n",
		 (unsigned long long)(tcr_both(12, 16, 48) | TCR_EPD1), (unsigned long long)ROOT,
		 (unsigned long long)MAIR_LINUX, (unsigned long long)(T1 | D_TABLE),
		 (unsigned long long)(T2 | D_TABLE),
		 (unsigned long long)(0x100000000ULL | LEAF_RW | D_BLOCK));
	CHECK(strncmp(dump, expect_head, strlen(expect_head)) == 0);
	CHECK(strstr(dump, "table pa=0x40020000 level=1 entries=512\n") != NULL);
	CHECK(strstr(dump, "\n  511 0x") != NULL);
	free(dump);
}

int main(void)
{
	pm = physmem_new();
	mem = fixture_mem(pm);
	test_start_levels();
	test_txsz_limits();
	test_4k_types();
	test_16k_64k_types();
	test_lpa();
	test_lpa2();
	test_faults();
	test_va_ranges();
	test_permissions();
	test_lint_cont();
	test_lint_structure();
	test_bbm();
	test_range();
	physmem_free(pm);
	return check_report("reference.vectors");
}
