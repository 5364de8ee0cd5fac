/* AT probe on hand-written tables: every expected value below is worked out
 * by hand from the descriptor encodings, not from the code under test. */
#include "check.h"
#include "emu.h"
#include "physmem.h"

#include <string.h>

#define RAM_BASE 0x40000000ULL
#define MAIR	 PGD_MAIR_DEFAULT /* idx0 0xff, idx2 0x44, idx3 0x00 */

/* 4K granule, T0SZ=25 (start at L1), T1SZ=25, IPS=40 bits, TG1=4K. */
#define TCR_4K_39 (25ULL | 1 << 8 | 1 << 10 | 3 << 12 | 25ULL << 16 | 2ULL << 30 | 2ULL << 32)

static void wr(struct physmem *mem, uint64_t pa, uint64_t desc)
{
	CHECK(physmem_write64(mem, pa, desc));
}

static void test_par_decode(void)
{
	struct emu_at_result r;
	emu_decode_par(0x1234, 0xff00000040001f80ULL, &r); /* success, SH=3, NS */
	CHECK(!r.fault);
	CHECK_EQ(r.pa, 0x40001234);
	CHECK_EQ(r.sh, 3);
	CHECK_EQ(r.attr, 0xff);
	emu_decode_par(0, 0x80f, &r); /* FST 0b000111: translation L3 */
	CHECK(r.fault);
	CHECK_EQ(r.kind, EMU_FAULT_TRANSLATION);
	CHECK_EQ(r.level, 3);
	emu_decode_par(0, 0x1 | 0x0b << 1, &r);
	CHECK_EQ(r.kind, EMU_FAULT_ACCESS_FLAG);
	CHECK_EQ(r.level, 3);
	emu_decode_par(0, 0x1 | 0x0d << 1, &r);
	CHECK_EQ(r.kind, EMU_FAULT_PERMISSION);
	CHECK_EQ(r.level, 1);
	emu_decode_par(0, 0x1 | 0x02 << 1, &r);
	CHECK_EQ(r.kind, EMU_FAULT_ADDRESS_SIZE);
	CHECK_EQ(r.level, 2);
	emu_decode_par(0, 0x1 | 0x2b << 1, &r);
	CHECK_EQ(r.kind, EMU_FAULT_TRANSLATION);
	CHECK_EQ(r.level, -1);
}

static void test_4k_tables(struct emu *emu, struct physmem *mem)
{
	/* L1 @0x40000000, L2 @0x40001000, L3 @0x40002000; TTBR1 L1 @0x40003000. */
	const uint64_t l1 = RAM_BASE, l2 = RAM_BASE + 0x1000, l3 = RAM_BASE + 0x2000;
	const uint64_t l1_upper = RAM_BASE + 0x3000;
	wr(mem, l1 + 1 * 8, RAM_BASE | 0x701);		  /* 1G block VA 1G -> 0x40000000 */
	wr(mem, l1 + 0 * 8, l2 | 3);			  /* VA 0..1G -> L2 */
	wr(mem, l2 + 3 * 8, l3 | 3);			  /* VA 6M..8M -> L3 */
	wr(mem, l3 + 5 * 8, 0x40123000ULL | 0x703);	  /* VA 0x605000, RW */
	wr(mem, l3 + 6 * 8, 0x40124000ULL | 0x303);	  /* AF = 0 */
	wr(mem, l3 + 7 * 8, 0x40125000ULL | 0x783);	  /* read-only */
	wr(mem, l3 + 8 * 8, 0x40126000ULL | 0x743);	  /* EL0 RW */
	wr(mem, l3 + 9 * 8, 0x40127000ULL | 0x60b | 0x0); /* idx2 (NC), SH=2 */
	wr(mem, l2 + 4 * 8, 0x40200000ULL | 0x701);	  /* 2M block at VA 8M */
	wr(mem, l1_upper + 511 * 8, RAM_BASE | 0x701);	  /* top 1G of TTBR1 */

	struct pgd_regs regs = {.tcr = TCR_4K_39,
				.ttbr0 = l1,
				.ttbr1 = l1_upper,
				.mair = MAIR,
				.sctlr = PGD_SCTLR_MMU_ON};
	const uint64_t vas[] = {0x40001234,
				0x605abc,
				0x606000,
				0x607008,
				0x608010,
				0x609000,
				0x80000000,
				0x800123,
				0x700000,
				0xffffffffc0000010ULL,
				0x0000008000000000ULL};
	struct emu_at_result out[11];
	struct emu_error err;
	CHECK(emu_at_probe(emu, mem, &regs, EMU_AT_S1E1R, vas, 11, out, &err) == 0);
	CHECK(!out[0].fault);
	CHECK_EQ(out[0].pa, 0x40001234);
	CHECK_EQ(out[0].attr, 0xff);
	CHECK_EQ(out[0].sh, 3);
	CHECK(!out[1].fault);
	CHECK_EQ(out[1].pa, 0x40123abc);
	CHECK(out[2].fault);
	CHECK_EQ(out[2].kind, EMU_FAULT_ACCESS_FLAG);
	CHECK_EQ(out[2].level, 3);
	CHECK(!out[3].fault); /* read of a read-only page */
	CHECK_EQ(out[3].pa, 0x40125008);
	CHECK(!out[4].fault);
	CHECK(!out[5].fault);
	CHECK_EQ(out[5].attr, 0x44);
	CHECK(out[6].fault); /* L1 index 2: empty */
	CHECK_EQ(out[6].kind, EMU_FAULT_TRANSLATION);
	CHECK_EQ(out[6].level, 1);
	CHECK(!out[7].fault); /* 2M block */
	CHECK_EQ(out[7].pa, 0x40200123);
	CHECK(out[8].fault); /* L3 index 256: empty */
	CHECK_EQ(out[8].level, 3);
	CHECK(!out[9].fault); /* TTBR1 */
	CHECK_EQ(out[9].pa, 0x40000010);
	CHECK(out[10].fault); /* beyond the 39-bit TTBR0 range */
	CHECK_EQ(out[10].kind, EMU_FAULT_TRANSLATION);

	CHECK(emu_at_probe(emu, mem, &regs, EMU_AT_S1E1W, vas, 5, out, &err) == 0);
	CHECK(!out[1].fault);
	CHECK(out[3].fault);
	CHECK_EQ(out[3].kind, EMU_FAULT_PERMISSION);
	CHECK_EQ(out[3].level, 3);
	CHECK(emu_at_probe(emu, mem, &regs, EMU_AT_S1E0R, vas, 5, out, &err) == 0);
	CHECK(out[1].fault); /* EL1-only page */
	CHECK_EQ(out[1].kind, EMU_FAULT_PERMISSION);
	CHECK(!out[4].fault);
	CHECK_EQ(out[4].pa, 0x40126010);
}

static void test_64k_tables(struct emu *emu, struct physmem *mem)
{
	/* 64K granule, T0SZ=22 (42 bits: L2 root with 8192 entries, L3). */
	const uint64_t l2 = RAM_BASE + 0x100000, l3 = RAM_BASE + 0x120000;
	wr(mem, l2 + 2 * 8, l3 | 3);		    /* VA 1G..1.5G */
	wr(mem, l3 + 3 * 8, 0x40450000ULL | 0x703); /* VA 0x40030000 */
	wr(mem, l2 + 5 * 8, 0x60000000ULL | 0x701); /* 512M block at VA 0xa0000000 */
	uint64_t tcr = 22ULL | 1ULL << 14 | 1 << 8 | 1 << 10 | 3 << 12 | 1 << 23 | 2ULL << 32;
	struct pgd_regs regs = {.tcr = tcr, .ttbr0 = l2, .mair = MAIR, .sctlr = PGD_SCTLR_MMU_ON};
	const uint64_t vas[] = {0x4003abcd, 0xa0012345, 0x40040000};
	struct emu_at_result out[3];
	struct emu_error err;
	CHECK(emu_at_probe(emu, mem, &regs, EMU_AT_S1E1R, vas, 3, out, &err) == 0);
	CHECK(!out[0].fault);
	CHECK_EQ(out[0].pa, 0x4045abcd);
	CHECK(!out[1].fault);
	CHECK_EQ(out[1].pa, 0x60012345);
	CHECK(out[2].fault);
	CHECK_EQ(out[2].level, 3);
}

static void test_deviation_table(void)
{
	for (int id = 0; id < EMU_DEV_COUNT; id++) {
		const struct emu_deviation_info *info = emu_deviation_get((enum emu_deviation)id);
		CHECK(info && info->id == (enum emu_deviation)id && info->name && info->reason);
	}
	CHECK(emu_deviation_get(EMU_DEV_COUNT) == NULL);

	/* A 4K L0 block: Unicorn translates, the architecture faults. */
	struct emu_at_result emu_res = {.va = 0x1000, .pa = 0x1000, .sh = 3, .attr = 0xff};
	struct emu_arch_result arch = {.fault = true, .kind = EMU_FAULT_TRANSLATION, .level = 0};
	struct emu_walk_facts facts = {.block_at_bad_level = true};
	bool finding;
	char why[256];
	CHECK_EQ(emu_classify(&emu_res, &arch, &facts, &finding, why, sizeof(why)),
		 EMU_DEV_BLOCK_ANY_LEVEL);
	CHECK(!finding);
	CHECK(strstr(why, "known deviation block-any-level") != NULL);
	/* The same divergence without the fact is a finding. */
	facts.block_at_bad_level = false;
	CHECK_EQ(emu_classify(&emu_res, &arch, &facts, &finding, why, sizeof(why)), EMU_DEV_NONE);
	CHECK(finding);
	/* Agreement is neither. */
	arch = (struct emu_arch_result){.pa = 0x1000, .sh = 3, .attr = 0xff};
	CHECK_EQ(emu_classify(&emu_res, &arch, &facts, &finding, why, sizeof(why)), EMU_DEV_NONE);
	CHECK(!finding);
	/* Device memory: SH differs only because 2.0.1 reports it raw. */
	arch.sh = 2;
	facts.device_or_nc = true;
	CHECK_EQ(emu_classify(&emu_res, &arch, &facts, &finding, why, sizeof(why)),
		 EMU_DEV_RAW_SH_ATTR);
}

int main(void)
{
	struct emu_error err;
	struct emu *emu = emu_new(NULL, &err);
	CHECK(emu != NULL);
	struct physmem *mem = physmem_new();
	CHECK(physmem_add_bank(mem, RAM_BASE, 16ULL << 20, NULL) == 0);
	test_par_decode();
	if (emu) {
		test_4k_tables(emu, mem);
		physmem_reset(mem);
		CHECK(physmem_add_bank(mem, RAM_BASE, 16ULL << 20, NULL) == 0);
		test_64k_tables(emu, mem);
	}
	test_deviation_table();
	/* Bad input is an error, not a crash. */
	struct pgd_regs regs = {0};
	CHECK(emu_at_probe(emu, mem, &regs, (enum emu_at_op)7, NULL, 0, NULL, &err) == -1);
	emu_free(emu);
	physmem_free(mem);
	return check_report("emulate.at");
}
