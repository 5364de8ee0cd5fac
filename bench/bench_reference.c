/* reference benchmark: per-VA walks per second, range-walk time for 1 TiB
 * mapped with 4K pages / 2M blocks / 1G blocks, and the verify/build ratio
 * against core's pgd_map for the same mapping.
 *
 * 1 TiB of 4K pages needs 2 GiB of L3 tables, beyond physmem's 1 GiB host
 * cap, so that row measures 64 GiB and scales linearly (x16); the cost is
 * proportional to descriptors, which the scaled row states. */
#include "physmem.h"
#include "ref.h"
#if PGDFUZZ_BENCH_WITH_CORE
#include "pgd.h"
#endif

#include <stdio.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static bool mem_read64(void *ctx, uint64_t pa, uint64_t *value)
{
	return physmem_read64(ctx, pa, value);
}

static bool mem_is_ram(void *ctx, uint64_t pa, uint64_t size)
{
	return physmem_is_ram(ctx, pa, size);
}

static const void *mem_table(void *ctx, uint64_t pa, size_t bytes)
{
	return physmem_view(ctx, pa, bytes);
}

struct count {
	uint64_t intervals;
};

static int count_interval(void *ctx, const struct ref_interval *iv)
{
	(void)iv;
	((struct count *)ctx)->intervals++;
	return 0;
}

#define TABLE_RAM (1ULL << 44)
#define VA_BASE	  (1ULL << 40)
#define PA_BASE	  (1ULL << 41)

#if PGDFUZZ_BENCH_WITH_CORE
/* Build with core; fills regs. Returns build seconds or a negative value. */
static double build(struct physmem *mem, uint64_t pa, uint64_t size, unsigned flags,
		    struct ref_regs *regs)
{
	struct pgd_config cfg = {.granule = 4096, .va_bits = 48};
	struct pgd_geometry geo;
	struct pgd_page_alloc alloc;
	struct pgd_tree tree;
	struct pgd_error err;

	physmem_reset(mem);
	physmem_add_bank(mem, TABLE_RAM, 1ULL << 30, NULL);
	if (pgd_geometry_init(&geo, &cfg, &err))
		return -1;
	pgd_page_alloc_init(&alloc, mem, 4096);
	if (pgd_tree_init(&tree, &geo, mem, pgd_page_alloc_ops(&alloc), false, &err))
		return -1;
	double t0 = now();
	if (pgd_map(&tree, VA_BASE, pa, size, PGD_PROT_KERNEL, flags, &err)) {
		fprintf(stderr, "pgd_map: %s\n", err.message);
		return -1;
	}
	double t = now() - t0;
	regs->tcr = pgd_tcr(&geo, NULL);
	regs->ttbr0 = pgd_ttbr(&geo, tree.root_pa);
	regs->ttbr1 = 0;
	regs->mair = PGD_MAIR_DEFAULT;
	regs->sctlr = PGD_SCTLR_MMU_ON;
	return t;
}
#else
/* Without core: write the tables directly (4K, 48-bit, TTBR0). */
static uint64_t next_table;

static uint64_t table_at(struct physmem *mem, uint64_t table, unsigned index)
{
	uint64_t desc;
	physmem_read64(mem, table + index * 8, &desc);
	if (desc & 1)
		return desc & 0x0000fffffffff000ULL;
	uint64_t fresh = next_table;
	next_table += 4096;
	physmem_write64(mem, table + index * 8, fresh | 3);
	return fresh;
}

static double build(struct physmem *mem, uint64_t pa, uint64_t size, unsigned flags,
		    struct ref_regs *regs)
{
	const uint64_t prot = 0x00e8000000000700ULL;
	uint64_t root = TABLE_RAM;
	unsigned leaf_shift = flags ? 12 : (pa & ((1ULL << 30) - 1)) ? 21 : 30;

	physmem_reset(mem);
	physmem_add_bank(mem, TABLE_RAM, 1ULL << 30, NULL);
	next_table = root + 4096;
	double t0 = now();
	for (uint64_t off = 0; off < size; off += 1ULL << leaf_shift) {
		uint64_t va = VA_BASE + off, table = root;
		for (unsigned shift = 39; shift > leaf_shift; shift -= 9)
			table = table_at(mem, table, (va >> shift) & 511);
		physmem_write64(mem, table + ((va >> leaf_shift) & 511) * 8,
				(pa + off) | prot | (leaf_shift == 12 ? 3 : 1));
	}
	double t = now() - t0;
	regs->tcr = 16 | (5ULL << 32) | (1ULL << 23) | (3ULL << 12) | (1ULL << 8) | (1ULL << 10);
	regs->ttbr0 = root;
	regs->ttbr1 = 0;
	regs->mair = 0x000000040044ffffULL;
	regs->sctlr = 1;
	return t;
}
#endif

int main(int argc, char **argv)
{
	bool quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
	struct physmem *mem = physmem_new();
	struct ref_mem rmem = {mem, mem_read64, mem_is_ram, mem_table};
	struct ref_regs regs;
	struct ref_regime regime;
	char why[128];
	static const struct {
		const char *name;
		uint64_t measured, target, pa;
		unsigned flags; /* 1 = pages only */
	} rows[] = {
	    {"4K pages", 64ULL << 30, 1ULL << 40, PA_BASE, 1},
	    {"2M blocks", 1ULL << 40, 1ULL << 40, PA_BASE + (2ULL << 20), 0},
	    {"1G blocks", 1ULL << 40, 1ULL << 40, PA_BASE, 0},
	};

#if PGDFUZZ_BENCH_WITH_CORE
	const unsigned pages_only = PGD_NO_BLOCK | PGD_NO_CONT;
	printf("builder: core pgd_map\n");
#else
	const unsigned pages_only = 1;
	printf("builder: core not available, tables written by a naive loop\n");
#endif

	/* Per-VA walks: a 4-level 4K walk and a 3-level 2M walk. */
	printf("\n%-22s %14s\n", "per-VA walk", "walks/s");
	for (int blocks = 0; blocks < 2; blocks++) {
		uint64_t size = 1ULL << 30;
		if (build(mem, PA_BASE, size, blocks ? 0 : pages_only, &regs) < 0)
			return 1;
		if (ref_regime_init(&regime, &regs, NULL, &rmem, why, sizeof(why)))
			return 1;
		uint64_t x = 88172645463325252ULL, sink = 0, n = quick ? 200000 : 5000000;
		double t0 = now();
		for (uint64_t i = 0; i < n; i++) {
			struct ref_result res;
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			ref_walk_regime(&regime, VA_BASE + (x & (size - 1)), REF_EL1_READ, &res);
			sink += res.pa;
		}
		double t = now() - t0;
		printf("%-22s %14.0f%s\n", blocks ? "4K, 2M block (L2)" : "4K, 4K page (L3)", n / t,
		       sink == 1 ? " " : "");
	}

	printf("\n%-10s %-8s %10s %12s %12s %10s %10s %8s %14s\n", "mapping", "measured",
	       "intervals", "build ms", "range ms", "diff ms", "ns/desc", "ratio", "range@1TiB ms");
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		uint64_t size = quick ? rows[r].measured >> 4 : rows[r].measured;
		double build_s =
		    build(mem, rows[r].pa, size, rows[r].flags ? pages_only : 0, &regs);
		if (build_s < 0)
			return 1;
		if (ref_regime_init(&regime, &regs, NULL, &rmem, why, sizeof(why)))
			return 1;

		struct count count = {0};
		double t0 = now();
		ref_range_walk(&regime, VA_BASE, VA_BASE + size - 1, count_interval, &count);
		double range_s = now() - t0;

		struct ref_expect expect = {VA_BASE, size, rows[r].pa, 0, 0x0000000000000ffcULL};
#if PGDFUZZ_BENCH_WITH_CORE
		expect.prot = PGD_PROT_KERNEL;
#else
		expect.prot = 0x00e8000000000700ULL;
#endif
		struct ref_diff diff;
		t0 = now();
		ref_diff(&regime, &expect, 1, false, &diff, why, sizeof(why));
		double diff_s = now() - t0;
		if (diff.kind != REF_DIFF_NONE) {
			char text[1024];
			ref_diff_format(&diff, text, sizeof(text));
			printf("unexpected divergence:\n%s", text);
		}
		unsigned leaf_shift = rows[r].flags			  ? 12
				      : (rows[r].pa & ((1ULL << 30) - 1)) ? 21
									  : 30;
		uint64_t leaves = size >> leaf_shift;
		double scale = (double)rows[r].target / size;
		printf("%-10s %5lluGiB %10llu %12.2f %12.2f %10.2f %10.2f %8.2f %14.1f%s\n",
		       rows[r].name, (unsigned long long)(size >> 30),
		       (unsigned long long)count.intervals, build_s * 1e3, range_s * 1e3,
		       diff_s * 1e3, range_s * 1e9 / leaves, diff_s / build_s,
		       range_s * scale * 1e3, scale > 1 ? " (scaled)" : "");
	}
	printf("\nratio = diff (verify) time / build time for the same mapping.\n");
	physmem_free(mem);
	return 0;
}
