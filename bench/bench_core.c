/* core benchmark: descriptors written per second and time to map 1 GiB,
 * 64 GiB and 1 TiB per granule, with blocks and with NO_BLOCK|NO_CONT.
 * Cost should follow descriptors written, not bytes mapped. */
#include "pgd.h"
#include "physmem.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

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
	return 0;
}
