/* kexec relocation in Unicorn: every strategy on low and high RAM, all three
 * granules, 1/8/64 pages; broken tables give decoded faults; bad input gives
 * errors. The expected image is the source bytes, written by this test. */
#include "check.h"
#include "emu.h"
#include "physmem.h"

#include <string.h>

struct layout {
	const char *name;
	unsigned granule, va_bits;
	uint64_t ram_base; /* 64 MiB of RAM */
};

#define RAM_SIZE (64ULL << 20)

static const struct layout layouts[] = {
    {"4k-39 low", 4096, 39, 0x40000000ULL},
    {"4k-39 high", 4096, 39, 0x8000000000ULL}, /* RAM at 2^39: above the VA range */
    {"16k-36 low", 16384, 36, 0x80000000ULL},
    {"16k-36 high", 16384, 36, 0x1000000000ULL}, /* 2^36 */
    {"64k-42 low", 65536, 42, 0x40000000ULL},
    {"64k-42 high", 65536, 42, 0x40000000000ULL}, /* 2^42 */
};

static uint64_t rng_state;
static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void fill_random(struct physmem *mem, uint64_t pa, uint64_t size)
{
	for (uint64_t off = 0; off < size; off += 8)
		CHECK(physmem_write64(mem, pa + off, rng()));
}

/* Sources at +8 MiB, destinations at +24 MiB (two segments when n > 1),
 * dtb at +4 MiB, entry 0x40 into the first destination page. */
static int setup(struct physmem *mem, const struct layout *l, unsigned pages,
		 enum emu_strategy strategy, struct emu_reloc_input *in, struct emu_segment *segs)
{
	physmem_reset(mem);
	if (physmem_add_bank(mem, l->ram_base, RAM_SIZE, NULL))
		return -1;
	uint64_t g = l->granule, src = l->ram_base + (8ULL << 20),
		 dst = l->ram_base + (24ULL << 20);
	rng_state = 0x9e3779b97f4a7c15ULL ^ pages ^ ((uint64_t)g << 20);
	fill_random(mem, src, pages * g);
	unsigned first = pages > 1 ? pages / 2 : 1;
	segs[0] = (struct emu_segment){src, dst, first * g};
	size_t n = 1;
	if (pages > first) /* a gap between destinations: a second DESTINATION entry */
		segs[n++] = (struct emu_segment){src + first * g, dst + (first + 1) * g,
						 (pages - first) * g};
	*in = (struct emu_reloc_input){
	    .strategy = strategy,
	    .config = {.granule = l->granule, .va_bits = l->va_bits},
	    .segments = segs,
	    .nsegments = n,
	    .entry = dst + 0x40,
	    .dtb = l->ram_base + (4ULL << 20),
	};
	return 0;
}

static void test_matrix(struct emu *emu, struct physmem *mem)
{
	static const unsigned page_counts[] = {1, 8, 64};
	for (size_t li = 0; li < sizeof(layouts) / sizeof(layouts[0]); li++) {
		for (int s = EMU_RELOC_MMU_OFF; s <= EMU_RELOC_LINEAR; s++) {
			for (size_t pi = 0; pi < 3; pi++) {
				const struct layout *l = &layouts[li];
				unsigned pages = page_counts[pi];
				struct emu_segment segs[2];
				struct emu_reloc_input in;
				struct emu_reloc_plan plan;
				struct emu_reloc_report rep;
				struct emu_error err = {0};
				CHECK(setup(mem, l, pages, (enum emu_strategy)s, &in, segs) == 0);
				int prepared = emu_reloc_prepare(&plan, mem, &in, &err);
				CHECK(prepared == 0);
				if (prepared) {
					fprintf(stderr, "%s %s %u: prepare: %s\n", l->name,
						emu_strategy_name((enum emu_strategy)s), pages,
						err.message);
					continue;
				}
				CHECK(emu_reloc_run(emu, mem, &plan, &rep, &err) == 0);
				bool good = rep.ok && rep.stop == EMU_STOP_ENTRY && rep.entry_ok &&
					    rep.copy_ok;
				CHECK(good);
				/* 6 instructions per 32 bytes copied, at least. */
				CHECK(rep.insns >= (uint64_t)pages * l->granule / 32 * 6);
				CHECK(rep.insns < EMU_DEFAULT_BUDGET);
				if (!good)
					fprintf(stderr, "%s %u pages: %s\n", l->name, pages,
						rep.summary);
				emu_reloc_release(&plan);
			}
		}
	}
}

/* The PA of the leaf descriptor for va, found by hand. */
static uint64_t leaf_desc_pa(struct physmem *mem, const struct pgd_tree *tree, uint64_t va)
{
	uint64_t table = tree->root_pa;
	for (int level = tree->geo.start_level; level <= 3; level++) {
		unsigned entries = level == tree->geo.start_level
				       ? tree->geo.root_entries
				       : pgd_level_entries(&tree->geo, level);
		uint64_t at =
		    table + ((va >> pgd_level_shift(&tree->geo, level)) & (entries - 1)) * 8;
		uint64_t desc = 0;
		physmem_read64(mem, at, &desc);
		if (!(desc & 1))
			return 0;
		if (level == 3 || !(desc & 2))
			return at;
		table = pgd_desc_to_pa(&tree->geo, desc);
	}
	return 0;
}

static void test_broken_idmap(struct emu *emu, struct physmem *mem, const struct layout *l)
{
	struct emu_segment segs[2];
	struct emu_reloc_input in;
	struct emu_reloc_plan plan;
	struct emu_reloc_report rep;
	struct emu_error err;
	CHECK(setup(mem, l, 8, EMU_RELOC_IDMAP, &in, segs) == 0);
	CHECK(emu_reloc_prepare(&plan, mem, &in, &err) == 0);
	/* Unmap source page 3 (8 pages of 4K cannot be a block). */
	uint64_t victim = segs[0].src + 3 * l->granule;
	uint64_t at = leaf_desc_pa(mem, &plan.idmap, victim);
	CHECK(at != 0);
	CHECK(physmem_write64(mem, at, 0));
	CHECK(emu_reloc_run(emu, mem, &plan, &rep, &err) == 0);
	CHECK_EQ(rep.stop, EMU_STOP_FAULT);
	CHECK(!rep.ok && !rep.entry_ok && !rep.copy_ok);
	CHECK_EQ(rep.fault_va, victim);
	CHECK(!rep.fault_write && !rep.fault_fetch);
	CHECK(rep.fault.fault);
	CHECK_EQ(rep.fault.kind, EMU_FAULT_TRANSLATION);
	CHECK_EQ(rep.fault.level, 3);
	/* Pages before the victim were copied, the victim's destination not. */
	CHECK(rep.mismatched_bytes > 0);
	CHECK(rep.first_mismatch_pa >= segs[0].dst + 3 * l->granule);
	printf("broken idmap: %s\n", rep.summary);
	emu_reloc_release(&plan);
}

/* Unmapping a source in the TTBR1 copy (not the live map) faults at its
 * linear VA: the routine really switched to the copy and uses phys_offset. */
static void test_broken_linear_copy(struct emu *emu, struct physmem *mem, const struct layout *l)
{
	struct emu_segment segs[2];
	struct emu_reloc_input in;
	struct emu_reloc_plan plan;
	struct emu_reloc_report rep;
	struct emu_error err;
	CHECK(setup(mem, l, 8, EMU_RELOC_LINEAR, &in, segs) == 0);
	CHECK(emu_reloc_prepare(&plan, mem, &in, &err) == 0);
	uint64_t victim_va = segs[0].src - plan.phys_offset;
	CHECK(victim_va >> 63); /* a TTBR1 address */
	uint64_t at = leaf_desc_pa(mem, &plan.copy, victim_va);
	CHECK(at != 0);
	CHECK(physmem_write64(mem, at, 0));
	CHECK(emu_reloc_run(emu, mem, &plan, &rep, &err) == 0);
	CHECK_EQ(rep.stop, EMU_STOP_FAULT);
	CHECK_EQ(rep.fault_va, victim_va);
	CHECK(!rep.fault_write && !rep.fault_fetch);
	CHECK_EQ(rep.fault.kind, EMU_FAULT_TRANSLATION);
	CHECK(!rep.ok);
	printf("broken linear copy: %s\n", rep.summary);
	emu_reloc_release(&plan);
}

/* RAM above the VA range needs the extra level: install the base T0SZ
 * instead of create_idmap's and the first fetch with the MMU on faults. */
static void test_t0sz_without_extra_level(struct emu *emu, struct physmem *mem)
{
	const struct layout *l = &layouts[1];
	struct emu_segment segs[2];
	struct emu_reloc_input in;
	struct emu_reloc_plan plan;
	struct emu_reloc_report rep;
	struct emu_error err;
	CHECK(setup(mem, l, 8, EMU_RELOC_IDMAP, &in, segs) == 0);
	CHECK(emu_reloc_prepare(&plan, mem, &in, &err) == 0);
	CHECK((plan.regs.tcr & 0x3f) < 64 - 39); /* create_idmap widened the range */
	plan.regs.tcr = (plan.regs.tcr & ~0x3fULL) | (64 - 39);
	CHECK(emu_reloc_run(emu, mem, &plan, &rep, &err) == 0);
	CHECK_EQ(rep.stop, EMU_STOP_FAULT);
	CHECK(rep.fault_fetch);
	CHECK(rep.fault_va >= plan.control && rep.fault_va < plan.control + l->granule);
	CHECK_EQ(rep.fault.kind, EMU_FAULT_TRANSLATION);
	CHECK(!rep.copy_ok);
	printf("t0sz: %s\n", rep.summary);
	emu_reloc_release(&plan);
}

static void test_chained_list(struct emu *emu, struct physmem *mem)
{
	/* 600 4K pages need 601 entries plus DONE: two indirection pages. */
	const struct layout *l = &layouts[0];
	for (int s = EMU_RELOC_MMU_OFF; s <= EMU_RELOC_LINEAR; s++) {
		struct emu_segment segs[2];
		struct emu_reloc_input in;
		struct emu_reloc_plan plan;
		struct emu_reloc_report rep;
		struct emu_error err;
		CHECK(setup(mem, l, 600, (enum emu_strategy)s, &in, segs) == 0);
		CHECK(emu_reloc_prepare(&plan, mem, &in, &err) == 0);
		CHECK_EQ(plan.list_pages, 2);
		CHECK(emu_reloc_run(emu, mem, &plan, &rep, &err) == 0);
		CHECK(rep.ok);
		if (!rep.ok)
			fprintf(stderr, "chained: %s\n", rep.summary);
		emu_reloc_release(&plan);
	}
}

static void test_deterministic(struct emu *emu, struct physmem *mem)
{
	uint64_t insns[2];
	for (int i = 0; i < 2; i++) {
		struct emu_segment segs[2];
		struct emu_reloc_input in;
		struct emu_reloc_plan plan;
		struct emu_reloc_report rep;
		struct emu_error err;
		CHECK(setup(mem, &layouts[3], 8, EMU_RELOC_LINEAR, &in, segs) == 0);
		CHECK(emu_reloc_prepare(&plan, mem, &in, &err) == 0);
		CHECK(emu_reloc_run(emu, mem, &plan, &rep, &err) == 0);
		CHECK(rep.ok);
		insns[i] = rep.insns;
		emu_reloc_release(&plan);
	}
	CHECK_EQ(insns[0], insns[1]);
}

static void test_bad_input(struct physmem *mem)
{
	struct emu_segment segs[2];
	struct emu_reloc_input in;
	struct emu_reloc_plan plan;
	struct emu_error err = {0};
	CHECK(setup(mem, &layouts[0], 8, EMU_RELOC_IDMAP, &in, segs) == 0);
	segs[0].src += 8; /* unaligned */
	CHECK(emu_reloc_prepare(&plan, mem, &in, &err) == -1);
	CHECK(err.message[0] != 0);
	segs[0].src -= 8;
	in.entry = 0x1000; /* not RAM */
	CHECK(emu_reloc_prepare(&plan, mem, &in, &err) == -1);
	in.entry = segs[0].dst;
	segs[1].dst = segs[0].dst; /* overlapping destinations */
	CHECK(emu_reloc_prepare(&plan, mem, &in, &err) == -1);
	CHECK(strstr(err.message, "overlap") != NULL);
	in.nsegments = 0;
	CHECK(emu_reloc_prepare(&plan, mem, &in, &err) == -1);
	in.nsegments = 1;
	in.strategy = (enum emu_strategy)9;
	CHECK(emu_reloc_prepare(&plan, mem, &in, &err) == -1);
	struct emu_reloc_report rep;
	memset(&plan, 0, sizeof(plan));
	CHECK(emu_reloc_run(NULL, mem, &plan, &rep, &err) == -1);
}

/* A foreign routine that copies nothing: it reads start and dtb from its
 * kimage (at x0, through the live linear map), turns the MMU off with the
 * value the run leaves in x6 and enters the image. The run must see the
 * right entry state and report every destination byte as wrong, which
 * proves the kimage, x0 and the hand-off to the routine. */
static void test_foreign_routine(struct emu *emu, struct physmem *mem, const struct layout *l)
{
	static const uint32_t words[] = {
	    0xf9400404, /* ldr x4, [x0, #8]   kimage start */
	    0xf9400805, /* ldr x5, [x0, #16]  kimage dtb */
	    0xd5181006, /* msr sctlr_el1, x6 */
	    0xd5033fdf, /* isb */
	    0xaa0503e0, /* mov x0, x5 */
	    0xaa1f03e1, /* mov x1, xzr */
	    0xaa1f03e2, /* mov x2, xzr */
	    0xaa1f03e3, /* mov x3, xzr */
	    0xd61f0080, /* br x4 */
	};
	struct emu_routine routine = {
	    .name = "no-copy",
	    .code = (const unsigned char *)words,
	    .len = sizeof(words),
	    .kimage = {.size = 64,
		       .head = 0,
		       .start = 8,
		       .dtb_mem = 16,
		       .el2_vectors = 24,
		       .zero_page = 32,
		       .ttbr1 = 40,
		       .phys_offset = 48},
	};
	struct emu_segment segs[2];
	struct emu_reloc_input in;
	struct emu_reloc_plan plan;
	struct emu_reloc_report rep;
	struct emu_error err;
	CHECK(setup(mem, l, 4, EMU_RELOC_LINEAR, &in, segs) == 0);
	in.routine = &routine;
	CHECK(emu_reloc_prepare(&plan, mem, &in, &err) == 0);
	uint64_t head = 0, ttbr1 = 0;
	CHECK(physmem_read64(mem, plan.kimage, &head) && head == plan.head);
	CHECK(physmem_read64(mem, plan.kimage + 40, &ttbr1) && ttbr1 == plan.copy.root_pa);
	CHECK(emu_reloc_run(emu, mem, &plan, &rep, &err) == 0);
	CHECK(rep.entry_ok);
	if (!rep.entry_ok)
		fprintf(stderr, "%s: %s\n", l->name, rep.summary);
	CHECK(!rep.copy_ok && rep.mismatched_bytes > 0);
	CHECK(strstr(rep.summary, "linear/no-copy") != NULL);
	emu_reloc_release(&plan);

	/* One store outside the destinations (into the kimage page) makes the
	 * run fail even though entry and copy look as before. */
	static const uint32_t stray_words[] = {
	    0xf9400404, /* ldr x4, [x0, #8] */
	    0xf9001c04, /* str x4, [x0, #56]  outside every destination */
	    0xf9400805, 0xd5181006, 0xd5033fdf, 0xaa0503e0,
	    0xaa1f03e1, 0xaa1f03e2, 0xaa1f03e3, 0xd61f0080,
	};
	struct emu_routine stray = routine;
	stray.name = "stray";
	stray.code = (const unsigned char *)stray_words;
	stray.len = sizeof(stray_words);
	CHECK(setup(mem, l, 4, EMU_RELOC_LINEAR, &in, segs) == 0);
	in.routine = &stray;
	CHECK(emu_reloc_prepare(&plan, mem, &in, &err) == 0);
	CHECK(emu_reloc_run(emu, mem, &plan, &rep, &err) == 0);
	CHECK(rep.entry_ok && !rep.ok);
	CHECK_EQ(rep.stray_pages, 1);
	CHECK_EQ(rep.first_stray_pa, plan.kimage);
	CHECK(strstr(rep.summary, "outside the destinations") != NULL);
	emu_reloc_release(&plan);

	/* Only the linear strategy hands a routine a kimage. */
	CHECK(setup(mem, l, 4, EMU_RELOC_IDMAP, &in, segs) == 0);
	in.routine = &routine;
	CHECK(emu_reloc_prepare(&plan, mem, &in, &err) == -1 && strstr(err.message, "linear"));
	/* A field outside the kimage is refused, not written past it. */
	routine.kimage.phys_offset = 60;
	CHECK(setup(mem, l, 4, EMU_RELOC_LINEAR, &in, segs) == 0);
	in.routine = &routine;
	CHECK(emu_reloc_prepare(&plan, mem, &in, &err) == -1 && strstr(err.message, "offset 60"));
}

int main(void)
{
	struct emu_error err;
	struct emu *emu = emu_new(NULL, &err);
	struct physmem *mem = physmem_new();
	CHECK(emu != NULL);
	if (emu) {
		test_matrix(emu, mem);
		test_broken_idmap(emu, mem, &layouts[0]);
		test_broken_idmap(emu, mem, &layouts[1]);
		test_broken_linear_copy(emu, mem, &layouts[0]);
		test_broken_linear_copy(emu, mem, &layouts[5]);
		test_t0sz_without_extra_level(emu, mem);
		test_chained_list(emu, mem);
		test_deterministic(emu, mem);
		test_foreign_routine(emu, mem, &layouts[0]);
		test_foreign_routine(emu, mem, &layouts[5]);
	}
	test_bad_input(mem);
	emu_free(emu);
	physmem_free(mem);
	return check_report("emulate.reloc");
}
