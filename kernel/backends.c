/* kernel: choosing the compiled object for a geometry, and the state the
 * shims share (allocator contexts, map_range's table pool, linker symbols). The
 * object lists come from kernel_registry.c, which the build generates for
 * the objects that compiled. */
#include "kernel.h"

#include "pgd.h"
#include "target.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

struct kernel_mmu_env kernel_mmu_env;
struct kernel_table_pool kernel_table_pool;
struct kernel_trans_env kernel_trans_env;

/* map_range.c's create_init_idmap() names these; pgdfuzz never calls it. */
char _stext[1], __initdata_begin[1], _end[1];

extern const struct kernel_map_range *const kernel_map_range_table[];
extern const size_t kernel_map_range_table_count;
extern const struct kernel_mmu *const kernel_mmu_table[];
extern const size_t kernel_mmu_table_count;
extern const struct kernel_trans *const kernel_trans_table[];
extern const size_t kernel_trans_table_count;
extern const struct kernel_reloc kernel_reloc_table[];
extern const size_t kernel_reloc_table_count;

bool kernel_config_matches(const struct kernel_config *config, const struct pgd_geometry *geo)
{
	if (geo->page_shift != config->page_shift || geo->va_bits != config->va_bits ||
	    geo->ia_bits != config->va_bits || geo->start_level != config->root_level)
		return false;
	bool wide = config->page_shift == 16 ? geo->lpa : geo->lpa2;
	if (config->pa52 != wide)
		return false;
	/* Without the 52-bit form the kernel has no LPA2/LPA descriptors. */
	return config->pa52 || (!geo->lpa2 && !geo->lpa);
}

size_t kernel_map_range_count(void)
{
	return kernel_map_range_table_count;
}

const struct kernel_map_range *kernel_find_map_range(const struct pgd_geometry *geo)
{
	for (size_t i = 0; i < kernel_map_range_table_count; i++)
		if (kernel_config_matches(&kernel_map_range_table[i]->config, geo))
			return kernel_map_range_table[i];
	return NULL;
}

size_t kernel_mmu_count(void)
{
	return kernel_mmu_table_count;
}

const struct kernel_mmu *kernel_find_mmu(const struct pgd_geometry *geo)
{
	for (size_t i = 0; i < kernel_mmu_table_count; i++)
		if (kernel_config_matches(&kernel_mmu_table[i]->config, geo))
			return kernel_mmu_table[i];
	return NULL;
}

size_t kernel_trans_count(void)
{
	return kernel_trans_table_count;
}

const struct kernel_trans *kernel_find_trans(const struct pgd_geometry *geo)
{
	/* trans_pgd_idmap_page() depends on the granule and the PA form only:
	 * take the configuration of geo if there is one, else any with the
	 * same granule and PA form. */
	bool pa52 = geo->page_shift == 16 ? geo->lpa : geo->lpa2;
	const struct kernel_trans *any = NULL;
	for (size_t i = 0; i < kernel_trans_table_count; i++) {
		const struct kernel_trans *obj = kernel_trans_table[i];
		if (kernel_config_matches(&obj->config, geo))
			return obj;
		if (!any && obj->config.page_shift == geo->page_shift && obj->config.pa52 == pa52)
			any = obj;
	}
	return any;
}

size_t kernel_reloc_count(void)
{
	return kernel_reloc_table_count;
}

const struct kernel_reloc *kernel_find_reloc(unsigned page_shift)
{
	for (size_t i = 0; i < kernel_reloc_table_count; i++)
		if (kernel_reloc_table[i].config.page_shift == page_shift)
			return &kernel_reloc_table[i];
	return NULL;
}

/* Stop map_range() before it turns a descriptor that is not one of the
 * pool's tables into a host pointer: the finding names why. */
__attribute__((noreturn)) static void refuse(const char *why, int level, uint64_t entry_pa,
					     uint64_t desc)
{
	kernel_table_pool.refused = why;
	kernel_table_pool.level = level;
	kernel_table_pool.entry_pa = entry_pa;
	kernel_table_pool.desc = desc;
	if (!kernel_env)
		abort(); /* map_range() outside a judged call: the harness itself is wrong */
	char detail[512];
	if (!strcmp(why, "table-outside-pool")) {
		kernel_env->stop(
		    kernel_env, why, PGD_NO_LEVEL,
		    "pgdfuzz's table pool for map_range() is too small or misplaced: a "
		    "harness bug, not the kernel's");
	}
	snprintf(detail, sizeof(detail),
		 "map_range() descends through %s at level %d as if it were a table "
		 "(descriptor at PA 0x%llx = 0x%016llx), so it would read and write the "
		 "descriptor's output PA as page-table memory. Stopped before the access.",
		 !strcmp(why, "block-as-table")
		     ? "a block descriptor"
		     : "an invalid descriptor left with its address bits (a clearing map_range() "
		       "call writes the PA without the valid bit, so pte_none() is false)",
		 level, (unsigned long long)entry_pa, (unsigned long long)desc);
	kernel_env->stop(kernel_env, why, level, detail);
}

uint64_t kernel_map_range_descend(const void *entry, uint64_t table_pa)
{
	struct kernel_table_pool *pool = &kernel_table_pool;
	uintptr_t offset = (uintptr_t)entry - (uintptr_t)pool->host;
	/* Entries are only ever read from pool tables, whose pointers this
	 * function handed out; anything else means the harness is wrong. */
	if ((uintptr_t)entry < (uintptr_t)pool->host || offset >= pool->size)
		refuse("table-outside-pool", -2, 0, 0);
	uint64_t desc, page = offset / pool->granule;
	memcpy(&desc, entry, sizeof(desc));
	int level = pool->levels[page];
	uint64_t entry_pa = pool->pa + offset;
	/* Descending through a non-table descriptor is the kernel's doing:
	 * map_range() only asks pte_none(), so a block, or an entry a clearing
	 * call left with its address bits, is taken for a table. */
	if ((desc & 3) != 3)
		refuse(desc & 1 ? "block-as-table" : "invalid-as-table", level, entry_pa, desc);
	/* Table descriptors come only from the pool's bump allocator. */
	if (table_pa < pool->pa || table_pa - pool->pa >= pool->size ||
	    (table_pa & (pool->granule - 1)) || level >= 3)
		refuse("table-outside-pool", level, entry_pa, desc);
	pool->levels[(table_pa - pool->pa) / pool->granule] = (int8_t)(level + 1);
	return table_pa;
}
