/* core unit tests: hand-computed vectors from the architecture tables, block
 * and contiguous boundaries, idmaps above the VA range, 52-bit encodings,
 * allocator exhaustion, unsafe updates and edge cases. */
#include "check.h"
#include "pgd.h"
#include "physmem.h"

#include <stdlib.h>
#include <string.h>

#define KERNEL PGD_PROT_KERNEL

/* VA shift of each level, per granule, as listed in the architecture table
 * ("VA bits per level"), indexed by level + 1. Deliberately not computed. */
static int spec_shift(unsigned granule, int level)
{
	static const int shift_4k[] = {48, 39, 30, 21, 12};
	static const int shift_16k[] = {-1, 47, 36, 25, 14};
	static const int shift_64k[] = {-1, -1, 42, 29, 16};
	const int *table = granule == 4096 ? shift_4k : granule == 16384 ? shift_16k : shift_64k;
	return table[level + 1];
}

struct world {
	struct physmem *mem;
	struct pgd_page_alloc alloc;
	struct pgd_geometry geo;
	struct pgd_tree tree;
};

static struct physmem *shared_mem;

static int setup(struct world *w, struct pgd_config cfg, uint64_t ram_base, uint64_t ram_size,
		 bool upper)
{
	struct pgd_error err;
	if (!shared_mem)
		shared_mem = physmem_new();
	w->mem = shared_mem;
	physmem_reset(w->mem);
	if (physmem_add_bank(w->mem, ram_base, ram_size, NULL))
		return -1;
	if (pgd_geometry_init(&w->geo, &cfg, &err)) {
		fprintf(stderr, "geometry: %s\n", err.message);
		return -1;
	}
	pgd_page_alloc_init(&w->alloc, w->mem, cfg.granule);
	return pgd_tree_init(&w->tree, &w->geo, w->mem, pgd_page_alloc_ops(&w->alloc), upper, &err);
}

static uint64_t rd(struct world *w, uint64_t pa)
{
	uint64_t value = 0xdeadbeef;
	CHECK(physmem_read64(w->mem, pa, &value));
	return value;
}

/* Follows table descriptors by hand (48-bit form) to the entry for va at
 * the given level; returns its PA, or 0 if a table is missing. */
static uint64_t entry_pa(struct world *w, unsigned granule, int start_level, unsigned root_entries,
			 uint64_t va, int level)
{
	uint64_t table = w->tree.root_pa;
	for (int l = start_level;; l++) {
		unsigned bits = l == start_level ? 0 : 0;
		uint64_t mask = l == start_level ? root_entries - 1 : granule / 8 - 1;
		(void)bits;
		uint64_t pa = table + 8 * ((va >> spec_shift(granule, l)) & mask);
		if (l == level)
			return pa;
		uint64_t desc = rd(w, pa);
		if ((desc & 3) != 3)
			return 0;
		table = desc & 0x0000fffffffff000ULL & ~(uint64_t)(granule - 1);
	}
}

static void test_geometry_vectors(void)
{
	static const struct {
		unsigned granule, va_bits;
		bool lpa2;
		unsigned pa_bits;
		int start_level;
		unsigned root_entries;
	} vectors[] = {
	    {4096, 25, false, 48, 2, 16},    {4096, 30, false, 48, 2, 512},
	    {4096, 31, false, 48, 1, 2},     {4096, 39, false, 48, 1, 512},
	    {4096, 40, false, 48, 0, 2},     {4096, 48, false, 48, 0, 512},
	    {4096, 49, true, 52, -1, 2},     {4096, 52, true, 52, -1, 16},
	    {16384, 25, false, 48, 3, 2048}, {16384, 36, false, 48, 2, 2048},
	    {16384, 37, false, 48, 1, 2},    {16384, 47, false, 48, 1, 2048},
	    {16384, 48, false, 48, 0, 2},    {16384, 52, true, 52, 0, 32},
	    {65536, 25, false, 48, 3, 512},  {65536, 29, false, 48, 3, 8192},
	    {65536, 30, false, 48, 2, 2},    {65536, 42, false, 48, 2, 8192},
	    {65536, 43, false, 48, 1, 2},    {65536, 48, false, 48, 1, 64},
	    {65536, 52, false, 52, 1, 1024},
	};
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		struct pgd_config cfg = {.granule = vectors[i].granule,
					 .va_bits = vectors[i].va_bits,
					 .pa_bits = vectors[i].pa_bits,
					 .lpa2 = vectors[i].lpa2};
		struct pgd_geometry geo;
		struct pgd_error err;
		CHECK_EQ(pgd_geometry_init(&geo, &cfg, &err), PGD_OK);
		CHECK_EQ(geo.start_level, vectors[i].start_level);
		CHECK_EQ(geo.root_entries, vectors[i].root_entries);
		CHECK_EQ(geo.levels, 4 - vectors[i].start_level);
		CHECK_EQ(pgd_level_shift(&geo, geo.start_level),
			 spec_shift(cfg.granule, geo.start_level));

		/* Map one page whose index differs at every level, then follow
		 * the chain by hand and check every descriptor's value. */
		for (int upper = 0; upper < 2; upper++) {
			struct world w;
			CHECK_EQ(setup(&w, cfg, 0x40000000, 64 << 20, upper), 0);
			uint64_t va = 0;
			for (int l = geo.start_level; l <= 3; l++)
				va |= (uint64_t)(l == geo.start_level ? 1 : l + 2)
				      << spec_shift(cfg.granule, l);
			if (upper)
				va |= ~((1ULL << cfg.va_bits) - 1);
			uint64_t pa = 0x40000000 + 5 * (uint64_t)cfg.granule;
			CHECK_EQ(pgd_map(&w.tree, va, pa, cfg.granule, KERNEL, 0, &err), PGD_OK);
			for (int l = geo.start_level; l < 3; l++) {
				uint64_t desc = rd(&w, entry_pa(&w, cfg.granule, geo.start_level,
								geo.root_entries, va, l));
				CHECK_EQ(desc & 3, 3);
				CHECK_EQ(desc & (PGD_TABLE_UXN | PGD_TABLE_PXN), PGD_TABLE_UXN);
			}
			uint64_t leaf_pa =
			    entry_pa(&w, cfg.granule, geo.start_level, geo.root_entries, va, 3);
			CHECK(leaf_pa != 0);
			if (leaf_pa)
				CHECK_EQ(rd(&w, leaf_pa),
					 pa | (cfg.lpa2 ? KERNEL & ~PGD_SH_MASK : KERNEL) | 3);
		}
	}
}

static void test_invalid_geometry(void)
{
	static const struct pgd_config bad[] = {
	    {.granule = 8192, .va_bits = 39},
	    {.granule = 4096, .va_bits = 24},
	    {.granule = 4096, .va_bits = 53},
	    {.granule = 4096, .va_bits = 49},		     /* needs lpa2 */
	    {.granule = 4096, .va_bits = 39, .pa_bits = 52}, /* needs lpa2 */
	    {.granule = 4096, .va_bits = 39, .pa_bits = 46},
	    {.granule = 65536, .va_bits = 42, .lpa2 = true},
	    {.granule = 4096, .va_bits = 39, .levels = 2},
	    {.granule = 4096, .va_bits = 39, .levels = 6},
	    {.granule = 4096, .va_bits = 39, .root_entries = 3},
	    {.granule = 4096, .va_bits = 39, .root_entries = 256},
	    {.granule = 4096, .va_bits = 48, .levels = 5},	     /* 4K L-1 needs lpa2 */
	    {.granule = 65536, .va_bits = 48, .root_entries = 1024}, /* needs pa 52 */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pgd_geometry geo;
		struct pgd_error err = {0};
		CHECK_EQ(pgd_geometry_init(&geo, &bad[i], &err), PGD_EINVAL);
		CHECK(err.message[0] != '\0');
	}
	/* Forced extra level and extended roots. */
	struct pgd_geometry geo;
	struct pgd_error err;
	struct pgd_config extra = {.granule = 4096, .va_bits = 39, .levels = 4};
	CHECK_EQ(pgd_geometry_init(&geo, &extra, &err), PGD_OK);
	CHECK_EQ(geo.start_level, 0);
	CHECK_EQ(geo.ia_bits, 40);
	extra.root_entries = 512;
	CHECK_EQ(pgd_geometry_init(&geo, &extra, &err), PGD_OK);
	CHECK_EQ(geo.ia_bits, 48);
	struct pgd_config wide = {
	    .granule = 65536, .va_bits = 48, .root_entries = 1024, .pa_bits = 52};
	CHECK_EQ(pgd_geometry_init(&geo, &wide, &err), PGD_OK);
	CHECK_EQ(geo.ia_bits, 52);
	CHECK_EQ(geo.levels, 3);
	char name[32];
	pgd_geometry_class(&geo, name, sizeof(name));
	CHECK(strcmp(name, "64k-48r1024-lpa") == 0);
}

/* Leaf descriptors of a lower-half 4K/48 map of size bytes at 1 GiB. */
static void test_boundaries(void)
{
	struct pgd_config cfg = {.granule = 4096, .va_bits = 48};
	struct world w;
	struct pgd_error err;
	const uint64_t base = 1ULL << 30;

	/* Exactly 2 MiB: one L2 block. */
	CHECK_EQ(setup(&w, cfg, base, 1ULL << 30, false), 0);
	CHECK_EQ(pgd_map(&w.tree, base, base, 2 << 20, KERNEL, 0, &err), PGD_OK);
	CHECK_EQ(rd(&w, entry_pa(&w, 4096, 0, 512, base, 2)), base | KERNEL | 1);

	/* One page short: 511 pages; 31 whole contiguous groups, 15 loose. */
	CHECK_EQ(setup(&w, cfg, base, 1ULL << 30, false), 0);
	CHECK_EQ(pgd_map(&w.tree, base, base, (2 << 20) - 4096, KERNEL, 0, &err), PGD_OK);
	CHECK_EQ(rd(&w, entry_pa(&w, 4096, 0, 512, base, 2)) & 3, 3);
	for (unsigned i = 0; i < 512; i++) {
		uint64_t desc = rd(&w, entry_pa(&w, 4096, 0, 512, base + i * 4096ULL, 3));
		uint64_t expect = i < 511 ? (base + i * 4096ULL) | KERNEL | 3 : 0;
		if (i < 496)
			expect |= PGD_CONT;
		CHECK_EQ(desc, expect);
	}

	/* 64 KiB exactly: one contiguous group; 60 KiB: none. */
	CHECK_EQ(setup(&w, cfg, base, 1ULL << 30, false), 0);
	CHECK_EQ(pgd_map(&w.tree, base, base, 64 << 10, KERNEL, 0, &err), PGD_OK);
	CHECK_EQ(pgd_map(&w.tree, base + (1 << 20), base + (1 << 20), 60 << 10, KERNEL, 0, &err),
		 PGD_OK);
	for (unsigned i = 0; i < 16; i++) {
		CHECK_EQ(rd(&w, entry_pa(&w, 4096, 0, 512, base + i * 4096ULL, 3)) & PGD_CONT,
			 PGD_CONT);
		uint64_t desc =
		    rd(&w, entry_pa(&w, 4096, 0, 512, base + (1 << 20) + i * 4096ULL, 3));
		CHECK_EQ(desc & PGD_CONT, 0);
	}

	/* Misaligned PA (by one page) forbids blocks and contiguous groups. */
	CHECK_EQ(setup(&w, cfg, base, 1ULL << 30, false), 0);
	CHECK_EQ(pgd_map(&w.tree, base, base + 4096, 2 << 20, KERNEL, 0, &err), PGD_OK);
	CHECK_EQ(rd(&w, entry_pa(&w, 4096, 0, 512, base, 3)), (base + 4096) | KERNEL | 3);

	/* NO_BLOCK|NO_CONT: pages only, no CONT. NO_EXEC: PXNTable. */
	CHECK_EQ(setup(&w, cfg, base, 1ULL << 30, false), 0);
	CHECK_EQ(pgd_map(&w.tree, base, base, 2 << 20, KERNEL,
			 PGD_NO_BLOCK | PGD_NO_CONT | PGD_NO_EXEC, &err),
		 PGD_OK);
	CHECK_EQ(rd(&w, entry_pa(&w, 4096, 0, 512, base, 3)), base | KERNEL | 3);
	CHECK_EQ(rd(&w, entry_pa(&w, 4096, 0, 512, base, 2)) & PGD_TABLE_PXN, PGD_TABLE_PXN);

	/* 1 GiB aligned: an L1 block; 16 of them contiguous (16 GiB). */
	CHECK_EQ(setup(&w, cfg, base, 1ULL << 30, false), 0);
	CHECK_EQ(pgd_map(&w.tree, 16ULL << 30, 16ULL << 30, 16ULL << 30, KERNEL, 0, &err), PGD_OK);
	CHECK_EQ(rd(&w, entry_pa(&w, 4096, 0, 512, 17ULL << 30, 1)),
		 (17ULL << 30) | KERNEL | 1 | PGD_CONT);

	/* 16K: 128-entry groups at L3 (2 MiB), 32 MiB blocks, 32 x 32M groups. */
	struct pgd_config c16 = {.granule = 16384, .va_bits = 47};
	CHECK_EQ(setup(&w, c16, base, 1ULL << 30, false), 0);
	CHECK_EQ(pgd_map(&w.tree, base, base, 2 << 20, KERNEL, 0, &err), PGD_OK);
	CHECK_EQ(rd(&w, entry_pa(&w, 16384, 1, 2048, base + (127 << 14), 3)),
		 (base + (127 << 14)) | KERNEL | 3 | PGD_CONT);
	CHECK_EQ(pgd_map(&w.tree, 2ULL << 30, 2ULL << 30, 1ULL << 30, KERNEL, 0, &err), PGD_OK);
	CHECK_EQ(rd(&w, entry_pa(&w, 16384, 1, 2048, 2ULL << 30, 2)),
		 (2ULL << 30) | KERNEL | 1 | PGD_CONT);
	CHECK_EQ(
	    pgd_map(&w.tree, 4ULL << 30, 4ULL << 30, (1ULL << 30) - (32 << 20), KERNEL, 0, &err),
	    PGD_OK);
	CHECK_EQ(rd(&w, entry_pa(&w, 16384, 1, 2048, 4ULL << 30, 2)), (4ULL << 30) | KERNEL | 1);

	/* 64K: 512 MiB blocks, 32-entry groups of 64K pages (2 MiB). */
	struct pgd_config c64 = {.granule = 65536, .va_bits = 48};
	CHECK_EQ(setup(&w, c64, base, 1ULL << 30, false), 0);
	CHECK_EQ(pgd_map(&w.tree, 1ULL << 29, 1ULL << 29, 1ULL << 29, KERNEL, 0, &err), PGD_OK);
	CHECK_EQ(rd(&w, entry_pa(&w, 65536, 1, 64, 1ULL << 29, 2)), (1ULL << 29) | KERNEL | 1);
	CHECK_EQ(pgd_map(&w.tree, base, base, 2 << 20, KERNEL, 0, &err), PGD_OK);
	CHECK_EQ(rd(&w, entry_pa(&w, 65536, 1, 64, base + (31 << 16), 3)),
		 (base + (31 << 16)) | KERNEL | 3 | PGD_CONT);
}

static void test_idmap_above_va_range(void)
{
	static const struct {
		struct pgd_config cfg;
		uint64_t ram;
		unsigned levels, root_entries, t0sz;
	} cases[] = {
	    /* 4K/39 (3 levels) with RAM at 512 GiB: 40 bits, one more level. */
	    {{.granule = 4096, .va_bits = 39}, 0x8000000000ULL, 4, 2, 24},
	    {{.granule = 4096, .va_bits = 39}, 0x800000000000ULL, 4, 512, 16},
	    /* 16K/36 (2 levels) with RAM at 2^40: 41 bits, 3 levels. */
	    {{.granule = 16384, .va_bits = 36}, 1ULL << 40, 3, 32, 23},
	    /* 64K/42 (2 levels) with RAM at 2^44: 45 bits, 3 levels. */
	    {{.granule = 65536, .va_bits = 42}, 1ULL << 44, 3, 8, 19},
	    /* 64K/48 with 52-bit PA: a wider root, same 3 levels. */
	    {{.granule = 65536, .va_bits = 48, .pa_bits = 52}, 1ULL << 50, 3, 512, 13},
	    /* 4K/48 LPA2 with RAM at 2^51: level -1. */
	    {{.granule = 4096, .va_bits = 48, .pa_bits = 52, .lpa2 = true}, 1ULL << 51, 5, 16, 12},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct physmem *mem = physmem_new();
		uint64_t granule = cases[i].cfg.granule;
		CHECK_EQ(physmem_add_bank(mem, cases[i].ram, 64 << 20, NULL), 0);
		struct pgd_page_alloc alloc;
		pgd_page_alloc_init(&alloc, mem, granule);
		struct pgd_tree tree;
		struct pgd_regs regs;
		struct pgd_error err;
		uint64_t page = cases[i].ram + 3 * granule;
		int ret = pgd_idmap_page(&tree, &regs, &cases[i].cfg, mem,
					 pgd_page_alloc_ops(&alloc), page, &err);
		CHECK_EQ(ret, PGD_OK);
		if (ret) {
			fprintf(stderr, "idmap case %zu: %s\n", i, err.message);
			physmem_free(mem);
			continue;
		}
		CHECK_EQ(tree.geo.levels, cases[i].levels);
		CHECK_EQ(tree.geo.root_entries, cases[i].root_entries);
		CHECK_EQ(regs.tcr & 0x3f, cases[i].t0sz);
		CHECK_EQ(regs.tcr >> 59 & 1, cases[i].cfg.lpa2);
		/* Walk by hand, decoding the 52-bit forms explicitly. */
		uint64_t table = tree.root_pa, desc = 0;
		for (int l = tree.geo.start_level; l <= 3; l++) {
			uint64_t mask =
			    l == tree.geo.start_level ? cases[i].root_entries - 1 : granule / 8 - 1;
			CHECK(physmem_read64(
			    mem, table + 8 * ((page >> spec_shift(granule, l)) & mask), &desc));
			CHECK_EQ(desc & 3, 3);
			uint64_t next = desc & 0x0000fffffffff000ULL & ~(granule - 1);
			if (cases[i].cfg.lpa2)
				next = (desc & 0x0003fffffffff000ULL & ~(granule - 1)) |
				       (desc >> 8 & 3) << 50;
			else if (granule == 65536 && cases[i].cfg.pa_bits == 52)
				next |= (desc >> 12 & 0xf) << 48;
			table = next;
		}
		CHECK_EQ(table, page);
		CHECK_EQ(desc & PGD_PROT_MASK & ~PGD_SH_MASK,
			 PGD_PROT_KERNEL_ROX & PGD_PROT_MASK & ~PGD_SH_MASK);
		physmem_free(mem);
	}
}

static void test_52bit_encodings(void)
{
	struct pgd_geometry geo;
	struct pgd_error err;
	struct pgd_config lpa = {.granule = 65536, .va_bits = 52, .pa_bits = 52};
	CHECK_EQ(pgd_geometry_init(&geo, &lpa, &err), PGD_OK);
	CHECK(geo.lpa);
	CHECK_EQ(pgd_pa_to_desc(&geo, 0xf000040010000ULL), 0x0000040010000ULL | 0xf000);
	CHECK_EQ(pgd_desc_to_pa(&geo, 0x0000040010000ULL | 0xf000), 0xf000040010000ULL);
	CHECK_EQ(pgd_ttbr(&geo, 0xf000040010000ULL), 0x0000040010000ULL | 0xf << 2);

	struct pgd_config lpa2 = {.granule = 4096, .va_bits = 52, .pa_bits = 52, .lpa2 = true};
	CHECK_EQ(pgd_geometry_init(&geo, &lpa2, &err), PGD_OK);
	CHECK_EQ(pgd_pa_to_desc(&geo, 0xc000000001000ULL), 0x300ULL | 0x1000);
	CHECK_EQ(pgd_pa_to_desc(&geo, 0x3000000001000ULL), 0x3000000001000ULL);
	CHECK_EQ(pgd_desc_to_pa(&geo, 0x3000000001000ULL | 0x300), 0xf000000001000ULL);
	/* Under LPA2 SH bits are address bits: a prot cannot set them. */
	struct world w;
	CHECK_EQ(setup(&w, lpa2, 0xf000000000000ULL, 16 << 20, false), 0);
	CHECK_EQ(pgd_map(&w.tree, 0x1000, 0xf000000001000ULL, 4096, KERNEL, 0, &err), PGD_OK);
	uint64_t table = w.tree.root_pa, desc = 0;
	for (int l = -1; l <= 3; l++) {
		unsigned mask = l == -1 ? 15 : 511;
		desc = rd(&w, table + 8 * ((0x1000ULL >> spec_shift(4096, l)) & mask));
		table = pgd_desc_to_pa(&w.geo, desc);
	}
	CHECK_EQ(desc, 0x3000000001000ULL | 0x300 | (KERNEL & ~PGD_SH_MASK) | 3);
}

/* Every table reachable from the root lies in RAM and every descriptor is
 * either zero, a leaf, or a table to a zero-initialised allocated page. */
static bool walkable(struct world *w, uint64_t table, int level, unsigned *tables)
{
	unsigned entries = pgd_level_entries(&w->geo, level);
	(*tables)++;
	if (!physmem_is_ram(w->mem, table, pgd_granule(&w->geo)))
		return false;
	for (unsigned i = 0; i < entries; i++) {
		uint64_t desc = rd(w, table + 8 * i);
		if (level < 3 && (desc & 3) == 3 &&
		    !walkable(w, pgd_desc_to_pa(&w->geo, desc), level + 1, tables))
			return false;
		if (desc && !(desc & 1))
			return false; /* half-written garbage */
	}
	return true;
}

static void test_alloc_exhaustion(void)
{
	struct pgd_config cfg = {.granule = 4096, .va_bits = 48};
	struct pgd_error err;
	/* Two 2 MiB ranges in different L0/L1/L2 slots, pages only: 1 root +
	 * 2 x (L1 + L2 + L3) tables... plus 2 L3 per 2 MiB = 8 allocations. */
	unsigned needed = 0;
	for (unsigned fail_at = 0; fail_at < 20; fail_at++) {
		struct world w;
		CHECK_EQ(setup(&w, cfg, 1ULL << 32, 64 << 20, false), 0);
		struct pgd_failing_alloc failing;
		w.tree.mm = pgd_failing_ops(&failing, pgd_page_alloc_ops(&w.alloc), fail_at);
		int ret = pgd_map(&w.tree, 0x0000123400000000ULL, 1ULL << 32, 4 << 20, KERNEL,
				  PGD_NO_BLOCK, &err);
		if (ret == PGD_OK) {
			needed = fail_at;
			break;
		}
		CHECK_EQ(ret, PGD_ENOMEM);
		CHECK_EQ(err.status, PGD_ENOMEM);
		unsigned tables = 0;
		CHECK(walkable(&w, w.tree.root_pa, w.geo.start_level, &tables));
		CHECK_EQ(tables, 1 + fail_at);
	}
	CHECK_EQ(needed, 4); /* L1, L2 and two L3 tables */
}

/* FNV-1a over all RAM contents that hold host memory. */
struct digest {
	struct physmem *mem;
	uint64_t hash;
};
static void digest_chunk(void *opaque, uint64_t pa)
{
	struct digest *d = opaque;
	static uint8_t buf[PHYSMEM_CHUNK];
	for (uint64_t off = 0; off < PHYSMEM_CHUNK; off += PHYSMEM_PAGE) {
		if (!physmem_read(d->mem, pa + off, buf, PHYSMEM_PAGE))
			continue;
		for (unsigned i = 0; i < PHYSMEM_PAGE; i++)
			d->hash = (d->hash ^ buf[i]) * 0x100000001b3ULL;
	}
}
static uint64_t memory_digest(struct physmem *mem)
{
	struct digest d = {mem, 0xcbf29ce484222325ULL};
	physmem_for_each_chunk(mem, digest_chunk, &d);
	return d.hash;
}

static void test_unsafe_updates(void)
{
	struct pgd_config cfg = {.granule = 4096, .va_bits = 48};
	struct pgd_error err;
	struct world w;
	const uint64_t base = 1ULL << 30;
	CHECK_EQ(setup(&w, cfg, base, 1ULL << 30, false), 0);
	/* Pages (no cont), a contiguous group, and a 2 MiB block. */
	CHECK_EQ(pgd_map(&w.tree, base, base, 1 << 20, KERNEL, PGD_NO_CONT, &err), PGD_OK);
	CHECK_EQ(pgd_map(&w.tree, base + (1 << 20), base + (1 << 20), 64 << 10, KERNEL, 0, &err),
		 PGD_OK);
	CHECK_EQ(
	    pgd_map(&w.tree, base + (2 << 20), base + (2 << 20), 2 << 20, KERNEL | PGD_NG, 0, &err),
	    PGD_OK);
	uint64_t before = memory_digest(w.mem);
	const uint64_t device = PGD_PROT_DEVICE;
	static const struct {
		int op; /* 0 update, 1 map */
		uint64_t va, pa, size, prot;
		const char *rule;
	} unsafe[] = {
	    {0, base, 0, 4096, device, "memory-type"},
	    {0, base, 0, 4096, KERNEL & ~PGD_SH_MASK, "shareability"},
	    {0, base, 0, 4096, KERNEL & ~PGD_AF, "attribute-change"},
	    {0, base + (1 << 20), 0, 4096, PGD_PROT_KERNEL_RO, "contiguous"},
	    {0, base + (2 << 20), 0, 2 << 20, KERNEL, "ng-to-global"},
	    {0, base + (2 << 20), 0, 4096, KERNEL | PGD_NG | PGD_AP_RDONLY, "block-split"},
	    {1, base, base + (8 << 20), 4096, KERNEL, "pfn-change"},
	    {1, base + (2 << 20) + 4096, base + (2 << 20) + 4096, 4096, KERNEL, "block-split"},
	    /* The last page is unsafe: nothing before it may be written. */
	    {0, base, 0, (1 << 20) + 4096, PGD_PROT_KERNEL_RO, "contiguous"},
	};
	for (size_t i = 0; i < sizeof(unsafe) / sizeof(unsafe[0]); i++) {
		int ret = unsafe[i].op ? pgd_map(&w.tree, unsafe[i].va, unsafe[i].pa,
						 unsafe[i].size, unsafe[i].prot, 0, &err)
				       : pgd_update(&w.tree, unsafe[i].va, unsafe[i].size,
						    unsafe[i].prot, &err);
		CHECK_EQ(ret, PGD_EUNSAFE);
		CHECK(err.rule && strcmp(err.rule, unsafe[i].rule) == 0);
		if (err.rule && strcmp(err.rule, unsafe[i].rule))
			fprintf(stderr, "case %zu: rule %s, expected %s\n", i, err.rule,
				unsafe[i].rule);
		CHECK_EQ(memory_digest(w.mem), before);
	}
	CHECK_EQ(pgd_update(&w.tree, base + (64 << 20), 4096, KERNEL, &err), PGD_ENOTMAPPED);
	CHECK_EQ(memory_digest(w.mem), before);

	/* Safe changes are applied. */
	CHECK_EQ(pgd_update(&w.tree, base, 1 << 20, PGD_PROT_KERNEL_RO | PGD_NG, &err), PGD_OK);
	CHECK_EQ(rd(&w, entry_pa(&w, 4096, 0, 512, base, 3)),
		 base | PGD_PROT_KERNEL_RO | PGD_NG | 3);
	CHECK_EQ(
	    pgd_update(&w.tree, base, 4096, (PGD_PROT_KERNEL_RO | PGD_NG) + PGD_ATTR_INDX(1), &err),
	    PGD_OK);
	CHECK_EQ(
	    pgd_update(&w.tree, base + (2 << 20), 2 << 20, KERNEL | PGD_NG | PGD_AP_RDONLY, &err),
	    PGD_OK);
	CHECK(memory_digest(w.mem) != before);
	/* Identical remap of a contiguous range is a no-op, not an error. */
	CHECK_EQ(pgd_map(&w.tree, base + (1 << 20), base + (1 << 20), 64 << 10, KERNEL, 0, &err),
		 PGD_OK);

	/* Re-mapping part of a contiguous group identically keeps the group. */
	CHECK_EQ(pgd_map(&w.tree, base + (1 << 20) + 4096, base + (1 << 20) + 4096, 8192, KERNEL, 0,
			 &err),
		 PGD_OK);
	CHECK_EQ(rd(&w, entry_pa(&w, 4096, 0, 512, base + (1 << 20) + 4096, 3)) & PGD_CONT,
		 PGD_CONT);

	/* A page mapped without the bit, then a range over its group: the
	 * group must not be marked (found by fuzz_builder). */
	CHECK_EQ(
	    pgd_map(&w.tree, base + (16 << 20), base + (16 << 20), 4096, KERNEL, PGD_NO_CONT, &err),
	    PGD_OK);
	CHECK_EQ(pgd_map(&w.tree, base + (16 << 20), base + (16 << 20), 128 << 10, KERNEL,
			 PGD_NO_BLOCK, &err),
		 PGD_OK);
	for (unsigned i = 0; i < 32; i++)
		CHECK_EQ(rd(&w, entry_pa(&w, 4096, 0, 512, base + (16 << 20) + i * 4096ULL, 3)) &
			     PGD_CONT,
			 i < 16 ? 0 : PGD_CONT);

	/* The predicate itself. */
	const char *rule = NULL;
	CHECK(pgd_change_is_safe(0, base | KERNEL | 3, &rule));
	CHECK(pgd_change_is_safe(base | KERNEL | 3, 0, &rule));
	CHECK(pgd_change_is_safe(base | KERNEL | 3, base | KERNEL | PGD_SW_DIRTY | 3, &rule));
	CHECK(!pgd_change_is_safe(base | KERNEL | 3, base | KERNEL | 1, &rule));
	CHECK(strcmp(rule, "type-change") == 0);
}

static void test_edge_cases(void)
{
	struct pgd_config cfg = {.granule = 4096, .va_bits = 39};
	struct pgd_error err;
	struct world w;
	CHECK_EQ(setup(&w, cfg, 1ULL << 30, 64 << 20, true), 0);
	uint64_t before = memory_digest(w.mem);
	uint64_t top = 0xffffff8000000000ULL;
	CHECK_EQ(pgd_map(&w.tree, top, 1ULL << 30, 0, KERNEL, 0, &err), PGD_OK);
	CHECK_EQ(memory_digest(w.mem), before);
	CHECK_EQ(pgd_map(&w.tree, 0xfffffffffffff000ULL, 1ULL << 30, 0x2000, KERNEL, 0, &err),
		 PGD_EINVAL);
	CHECK(strcmp(err.rule, "wrap") == 0);
	CHECK_EQ(pgd_map(&w.tree, 0x1000, 1ULL << 30, 0x1000, KERNEL, 0, &err), PGD_EINVAL);
	CHECK(strcmp(err.rule, "va-range") == 0);
	CHECK_EQ(pgd_map(&w.tree, top + 0x10, (1ULL << 30) + 0x20, 0x1000, KERNEL, 0, &err),
		 PGD_EINVAL);
	CHECK(strcmp(err.rule, "page-offset") == 0);
	CHECK_EQ(pgd_map(&w.tree, top, 1ULL << 48, 0x1000, KERNEL, 0, &err), PGD_EINVAL);
	CHECK(strcmp(err.rule, "pa-range") == 0);
	CHECK_EQ(memory_digest(w.mem), before);
	/* Unaligned with equal offsets: widened to whole pages. */
	CHECK_EQ(pgd_map(&w.tree, top + 0x10, (1ULL << 30) + 0x10, 0x1000, KERNEL, 0, &err),
		 PGD_OK);
	CHECK_EQ(rd(&w, entry_pa(&w, 4096, 1, 512, top + 0x1000, 3)),
		 ((1ULL << 30) + 0x1000) | KERNEL | 3);
	/* The topmost page of the address space. */
	CHECK_EQ(pgd_map(&w.tree, 0xfffffffffffff000ULL, 1ULL << 30, 0x1000, KERNEL, 0, &err),
		 PGD_OK);
	CHECK_EQ(rd(&w, entry_pa(&w, 4096, 1, 512, 0xfffffffffffff000ULL, 3)),
		 (1ULL << 30) | KERNEL | 3);
}

static void test_copy(void)
{
	struct pgd_config cfg = {.granule = 16384, .va_bits = 47};
	struct pgd_error err;
	struct world w;
	CHECK_EQ(setup(&w, cfg, 1ULL << 32, 1ULL << 30, true), 0);
	uint64_t va = 0xffff800000000000ULL;
	CHECK_EQ(pgd_map(&w.tree, va, 1ULL << 32, 64 << 20, KERNEL, 0, &err), PGD_OK);
	CHECK_EQ(pgd_map(&w.tree, va + (1ULL << 36), (1ULL << 32) + (5 << 14), 5 << 14,
			 PGD_PROT_KERNEL_ROX, PGD_NO_EXEC, &err),
		 PGD_OK);
	struct pgd_tree copy;
	CHECK_EQ(pgd_tree_init(&copy, &w.geo, w.mem, pgd_page_alloc_ops(&w.alloc), true, &err),
		 PGD_OK);
	CHECK_EQ(pgd_copy(&w.tree, &copy, &err), PGD_OK);
	CHECK(copy.root_pa != w.tree.root_pa);
	/* Same leaves at the same VAs, different tables. */
	const uint64_t probes[] = {va,
				   va + (32 << 20),
				   va + (64 << 20) - 16384,
				   va + (1ULL << 36),
				   va + (1ULL << 36) + (4 << 14),
				   va + (1ULL << 36) + (5 << 14)};
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		for (int level = 1; level <= 3; level++) {
			struct world view = w;
			uint64_t a = entry_pa(&view, 16384, 1, 2048, probes[i], level);
			view.tree.root_pa = copy.root_pa;
			uint64_t b = entry_pa(&view, 16384, 1, 2048, probes[i], level);
			if (!a || !b) {
				CHECK_EQ(a, b);
				break;
			}
			uint64_t da = rd(&w, a), db = rd(&w, b);
			if ((da & 3) == 3 && level < 3) {
				CHECK(a != b);
				CHECK_EQ(da & ~0x0000ffffffffc000ULL, db & ~0x0000ffffffffc000ULL);
			} else {
				CHECK_EQ(da, db);
				break;
			}
		}
	}
	/* Geometry mismatch is an error. */
	struct pgd_tree lower = copy;
	lower.upper = false;
	CHECK_EQ(pgd_copy(&w.tree, &lower, &err), PGD_EINVAL);
}

static void test_allocators(void)
{
	struct physmem *mem = physmem_new();
	CHECK_EQ(physmem_add_bank(mem, 0x100000, 0x10000, NULL), 0);
	CHECK_EQ(physmem_add_bank(mem, 0x400000, 0x4000, NULL), 0);
	struct pgd_page_alloc alloc;
	pgd_page_alloc_init(&alloc, mem, 4096);
	CHECK_EQ(pgd_page_alloc_reserve(&alloc, 0x401000, 0x1000), 0);
	struct pgd_mm_ops ops = pgd_page_alloc_ops(&alloc);
	uint64_t pa, got[32];
	unsigned n = 0;
	while (n < 32 && ops.alloc(ops.ctx, 3, &pa) == 0)
		got[n++] = pa;
	CHECK_EQ(n, 16 + 3);
	CHECK_EQ(got[0], 0x403000);
	CHECK_EQ(got[1], 0x402000);
	CHECK_EQ(got[2], 0x400000);
	CHECK_EQ(got[3], 0x10f000);
	CHECK_EQ(got[18], 0x100000);

	struct pgd_bump_alloc bump;
	pgd_bump_init(&bump, 0x100800, 0x3000, 4096);
	ops = pgd_bump_ops(&bump);
	n = 0;
	while (n < 32 && ops.alloc(ops.ctx, 3, &pa) == 0)
		got[n++] = pa;
	CHECK_EQ(n, 2);
	CHECK_EQ(got[0], 0x101000);
	physmem_free(mem);
}

int main(void)
{
	test_geometry_vectors();
	test_invalid_geometry();
	test_boundaries();
	test_idmap_above_va_range();
	test_52bit_encodings();
	test_alloc_exhaustion();
	test_unsafe_updates();
	test_edge_cases();
	test_copy();
	test_allocators();
	physmem_free(shared_mem);
	return check_report("test_core");
}
