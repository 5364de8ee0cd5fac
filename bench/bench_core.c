/* core benchmark: descriptors written per second and time to map 1 GiB,
 * 64 GiB and 1 TiB per granule, with blocks and with NO_BLOCK|NO_CONT.
 * Cost should follow descriptors written, not bytes mapped. In builds with a
 * kernel tree (-DPGDFUZZ_KERNEL_SRC), a second table times the tree's
 * map_range() on the same mappings beside core. */
#include "pgd.h"
#include "physmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef PGDFUZZ_BENCH_KERNEL
#include <setjmp.h>
#include <sys/mman.h>

#include "kernel.h"
#endif

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

#ifdef PGDFUZZ_BENCH_KERNEL
/* The kernel objects report BUG_ON/WARN_ON through kernel_env (kernel.h):
 * here a BUG ends the timed call, a WARN is counted. */
#include "target.h"

static jmp_buf bench_trap;
static unsigned bench_warnings;

__attribute__((noreturn)) static void bench_fatal(struct pgdfuzz_env *env, const char *function,
						  const char *what, int line)
{
	(void)env, (void)function, (void)what, (void)line;
	longjmp(bench_trap, 1);
}

static void bench_warn(struct pgdfuzz_env *env, const char *function, const char *what, int line)
{
	(void)env, (void)function, (void)what, (void)line;
	bench_warnings++;
}

static struct pgdfuzz_env bench_env = {.fatal = bench_fatal, .warn = bench_warn};

#define POOL_BYTES (64ULL << 20)

/* Best of three: ms for core's pgd_map and for map_range() on one mapping
 * (VA 2^40 -> PA 2^40, size bytes, 48-bit VA), blocks allowed, contiguous
 * bit allowed or not. Returns -1 if either refuses. */
static int time_pair(unsigned granule, uint64_t size, bool cont, uint8_t *pool, double *core_ms,
		     double *kernel_ms, uint64_t *descriptors, uint64_t *kernel_entries)
{
	struct pgd_config cfg = {.granule = granule, .va_bits = 48};
	struct pgd_geometry geo;
	struct pgd_error err;
	if (pgd_geometry_init(&geo, &cfg, &err))
		return -1;
	const struct kernel_map_range *obj = kernel_find_map_range(&geo);
	if (!obj)
		return -1;
	struct physmem *mem = physmem_new();
	static int8_t levels[POOL_BYTES / 4096];
	/* PA = VA + the largest legal block: map_range() writes a block at any
	 * level where VA and PA are aligned (its kernel callers never ask for
	 * a 4K L0 block), core never does, so the two would do different work
	 * where both are aligned to an illegal block size. */
	const uint64_t legal_block = granule == 4096	? 1ULL << 30
				     : granule == 16384 ? 1ULL << 25
							: 1ULL << 29;
	const uint64_t va = 1ULL << 40, pa = va + legal_block, pool_pa = 1ULL << 44;
	const uint64_t prot = PGD_PROT_KERNEL | PGD_DESC_VALID | PGD_DESC_TABLE;
	uint64_t ia_mask = (1ULL << geo.ia_bits) - 1, used = POOL_BYTES;
	*core_ms = *kernel_ms = 1e9;
	int ret = 0;
	for (int rep = 0; rep < 3 && !ret; rep++) {
		struct pgd_page_alloc alloc;
		struct pgd_tree tree;
		physmem_reset(mem);
		physmem_add_bank(mem, pool_pa, 1ULL << 30, NULL);
		pgd_page_alloc_init(&alloc, mem, granule);
		pgd_tree_init(&tree, &geo, mem, pgd_page_alloc_ops(&alloc), false, &err);
		double t0 = now();
		ret = pgd_map(&tree, va, pa, size, PGD_PROT_KERNEL, cont ? 0 : PGD_NO_CONT, &err);
		double t = (now() - t0) * 1e3;
		*core_ms = t < *core_ms ? t : *core_ms;
		*descriptors = tree.descriptors_written;

		memset(pool, 0, used); /* map_range expects zeroed tables */
		levels[0] = (int8_t)geo.start_level;
		kernel_table_pool = (struct kernel_table_pool){.host = pool,
							       .pa = pool_pa,
							       .size = POOL_BYTES,
							       .granule = granule,
							       .levels = levels};
		uint64_t next_table = pool_pa + granule, start = va & ia_mask;
		kernel_env = &bench_env;
		volatile double k0 = now(); /* kept across the longjmp */
		if (setjmp(bench_trap) == 0)
			obj->map_range(&next_table, start, start + size, pa, prot, geo.start_level,
				       (uint64_t *)pool, cont, (uint64_t)(uintptr_t)pool - pool_pa);
		else
			ret = -1;
		t = (now() - k0) * 1e3;
		kernel_env = NULL;
		*kernel_ms = t < *kernel_ms ? t : *kernel_ms;
		used = next_table - pool_pa < POOL_BYTES ? next_table - pool_pa : POOL_BYTES;
		if (kernel_table_pool.refused)
			ret = -1;
		/* What map_range() left: its non-zero entries (after the clock). */
		*kernel_entries = 0;
		for (uint64_t i = 0; i < used / 8; i++)
			*kernel_entries += ((const uint64_t *)pool)[i] != 0;
	}
	physmem_free(mem);
	return ret;
}

static int bench_kernel_map_range(void)
{
	static const unsigned granules[] = {4096, 16384, 65536};
	static const struct {
		const char *name;
		uint64_t size;
	} sizes[] = {{"1 GiB", 1ULL << 30}, {"64 GiB", 64ULL << 30}, {"1 TiB", 1ULL << 40}};
	/* Untouched pages cost nothing; the guard page turns an overrun into a
	 * crash, not corruption. */
	uint8_t *pool = mmap(NULL, POOL_BYTES + 65536, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (pool == MAP_FAILED)
		return 1;
	mprotect(pool + POOL_BYTES, 65536, PROT_NONE);
	printf("\nLinux %s map_range() (%s) beside core, same mappings\n"
	       "(48-bit VA, VA 2^40 -> PA 2^40 + the largest legal block, blocks allowed):\n",
	       kernel_version, kernel_source_dir);
	printf("%-6s %-7s %-8s %12s %12s %10s %14s %16s\n", "gran", "size", "cont", "core desc",
	       "kernel desc", "core ms", "map_range ms", "map_range/core");
	for (size_t g = 0; g < 3; g++)
		for (int cont = 1; cont >= 0; cont--)
			for (size_t s = 0; s < 3; s++) {
				double core_ms, kernel_ms;
				uint64_t descriptors = 0, entries = 0;
				if (time_pair(granules[g], sizes[s].size, cont, pool, &core_ms,
					      &kernel_ms, &descriptors, &entries)) {
					printf("%-6u %-7s %-8s %12s\n", granules[g] / 1024,
					       sizes[s].name, cont ? "yes" : "NO_CONT",
					       "not comparable");
					continue;
				}
				printf("%-6u %-7s %-8s %12llu %12llu %10.3f %14.3f %16.2f\n",
				       granules[g] / 1024, sizes[s].name, cont ? "yes" : "NO_CONT",
				       (unsigned long long)descriptors, (unsigned long long)entries,
				       core_ms, kernel_ms, core_ms > 0 ? kernel_ms / core_ms : 0);
			}
	munmap(pool, POOL_BYTES + 65536);
	return 0;
}
#endif

int main(int argc, char **argv)
{
	static const unsigned granules[] = {4096, 16384, 65536};
	static const struct {
		const char *name;
		uint64_t size;
	} sizes[] = {{"1 GiB", 1ULL << 30}, {"64 GiB", 64ULL << 30}, {"1 TiB", 1ULL << 40}};
	/* Page-granular maps need size/granule * 8 bytes of tables; skip those
	 * beyond the simulated-RAM host cap. */
	const uint64_t table_budget = 768ULL << 20;
	bool quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
	struct physmem *mem = physmem_new();

	printf("%-6s %-7s %-17s %12s %10s %12s\n", "gran", "size", "mode", "descriptors", "ms",
	       "Mdesc/s");
	for (size_t g = 0; g < 3; g++) {
		for (int pages_only = 0; pages_only < 2; pages_only++) {
			for (size_t s = 0; s < 3; s++) {
				uint64_t size = sizes[s].size;
				const char *mode = pages_only ? "NO_BLOCK|NO_CONT" : "blocks";
				if (pages_only && (size / granules[g] * 8 > table_budget ||
						   (quick && size > (1ULL << 30)))) {
					printf("%-6u %-7s %-17s %12s %10s %12s\n",
					       granules[g] / 1024, sizes[s].name, mode, "skipped",
					       "-", "-");
					continue;
				}
				struct pgd_config cfg = {.granule = granules[g], .va_bits = 48};
				struct pgd_geometry geo;
				struct pgd_error err;
				physmem_reset(mem);
				physmem_add_bank(mem, 1ULL << 44, 1ULL << 30, NULL);
				pgd_geometry_init(&geo, &cfg, &err);
				struct pgd_page_alloc alloc;
				pgd_page_alloc_init(&alloc, mem, granules[g]);
				struct pgd_tree tree;
				double best = 1e9;
				uint64_t written = 0;
				for (int rep = 0; rep < (size <= (64ULL << 30) ? 3 : 1); rep++) {
					physmem_reset(mem);
					physmem_add_bank(mem, 1ULL << 44, 1ULL << 30, NULL);
					pgd_page_alloc_init(&alloc, mem, granules[g]);
					pgd_tree_init(&tree, &geo, mem, pgd_page_alloc_ops(&alloc),
						      false, &err);
					double t0 = now();
					int ret = pgd_map(
					    &tree, 1ULL << 40, 1ULL << 40, size, PGD_PROT_KERNEL,
					    pages_only ? PGD_NO_BLOCK | PGD_NO_CONT : 0, &err);
					double t = now() - t0;
					if (ret) {
						printf("error: %s\n", err.message);
						return 1;
					}
					best = t < best ? t : best;
					written = tree.descriptors_written;
				}
				printf("%-6u %-7s %-17s %12llu %10.3f %12.2f\n", granules[g] / 1024,
				       sizes[s].name, mode, (unsigned long long)written, best * 1e3,
				       written / best / 1e6);
			}
		}
	}
	physmem_free(mem);
#ifdef PGDFUZZ_BENCH_KERNEL
	return bench_kernel_map_range();
#else
	return 0;
#endif
}
