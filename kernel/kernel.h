/* kernel: the real Linux arm64 page-table code, built from the user's tree
 * (cmake -DPGDFUZZ_KERNEL_SRC=DIR) against pgdfuzz's shim headers, one
 * object per compile-time configuration.
 *
 * The kernel fixes PAGE_SHIFT, VA_BITS and the 52-bit output-address form at
 * compile time, so every configuration is a separate object with renamed
 * symbols; kernel_find_*() picks the object that matches a case's geometry
 * and returns NULL for geometries the kernel cannot be configured for. No
 * kernel code lives in this folder: the build reads it from the tree.
 */
#ifndef PGDFUZZ_KERNEL_H
#define PGDFUZZ_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pgd_geometry;

/* One compile-time configuration of the kernel code. */
struct kernel_config {
	const char *name;    /* "4k-48", "16k-52-lpa2", "64k-48-lpa", ... */
	unsigned page_shift; /* 12, 14, 16 */
	unsigned va_bits;    /* CONFIG_ARM64_VA_BITS */
	bool pa52;	     /* 52-bit output addresses: LPA2 (4K/16K) or LPA (64K) */
	int root_level;	     /* 4 - CONFIG_PGTABLE_LEVELS */
};

/* The config of the object being compiled, from the command-line and shim
 * macros (used by the glue files only). */
#ifdef SHIM_PA_52
#define KERNEL_OBJ_PA52 true
#else
#define KERNEL_OBJ_PA52 false
#endif
#define KERNEL_OBJ_CONFIG                                                                          \
	{                                                                                          \
		KERNEL_OBJ_NAME, PAGE_SHIFT, VA_BITS, KERNEL_OBJ_PA52, 4 - CONFIG_PGTABLE_LEVELS   \
	}

/* arch/arm64/kernel/pi/map_range.c (Linux 6.9+). tables_va_offset is the
 * kernel's va_offset: host address of a table = its PA + va_offset. */
struct kernel_map_range {
	struct kernel_config config;
	void (*map_range)(uint64_t *next_table_pa, uint64_t start, uint64_t end, uint64_t pa,
			  uint64_t prot, int level, uint64_t *table, bool may_use_cont,
			  uint64_t va_offset);
};

/* The only memory map_range() may use as page tables: the harness's pool of
 * table pages, PA [pa, pa + size) at host address host, levels[i] the level
 * of page i's table (levels[0] = the root's, set by the harness). The shim
 * routes every table descent of map_range() through
 * kernel_map_range_descend(), so the kernel code never turns a descriptor
 * that is not a table of this pool into a host pointer: such a descent
 * stops the call (kernel_env's stop()) with refused naming why
 * ("block-as-table", "invalid-as-table": a cleared entry that kept its
 * address bits, or "table-outside-pool": the harness's pool bound was
 * wrong). */
struct kernel_table_pool {
	uint8_t *host;
	uint64_t pa, size, granule;
	int8_t *levels;
	const char *refused; /* NULL unless a descent was refused */
	int level;	     /* of the refused entry */
	uint64_t entry_pa, desc;
};
extern struct kernel_table_pool kernel_table_pool;

/* The shim's __pte_to_phys() for map_range.c: entry is the descriptor being
 * descended through, table_pa the table address decoded from it. Returns
 * table_pa, or stops the call. */
uint64_t kernel_map_range_descend(const void *entry, uint64_t table_pa);

/* The kernel backends as targets (kernel/targets.c, see target/target.h),
 * and the environment of the kernel call in progress: a BUG_ON()
 * (kernel_bug) is its fatal(), so the harness unwinds and survives; a
 * WARN_ON() its warn(), and the kernel code continues, as it would on a
 * machine. */
struct pgdfuzz_env;
struct pgdfuzz_target;
extern struct pgdfuzz_env *kernel_env;
extern const struct pgdfuzz_target kernel_target_map_range, kernel_target_mmu, kernel_target_trans;
/* PGDFUZZ_KERNEL_CONFIG: the targets take only the geometries of this
 * kernel object (NULL: all). */
extern const char *kernel_only_config;

/* arch/arm64/mm/mmu.c's __create_pgd_mapping_locked() and the functions
 * under it. The allocator returns a zeroed page's PA (the shim zeroes it
 * for 6.12's init_clear_pgtable too) or 0 on failure; phys_to_host turns a
 * table PA into a host pointer. Both are per-call context, set by
 * kernel_mmu_env. */
struct kernel_mmu_env {
	uint64_t (*alloc)(void *ctx, int shift);
	void *(*phys_to_host)(void *ctx, uint64_t pa);
	void *ctx;
};
extern struct kernel_mmu_env kernel_mmu_env;

struct kernel_mmu {
	struct kernel_config config;
	void (*create_pgd_mapping)(uint64_t *pgd, uint64_t phys, uint64_t virt, uint64_t size,
				   uint64_t prot, bool with_alloc, int flags);
	bool (*change_is_safe)(uint64_t old_desc, uint64_t new_desc);
};

/* arch/arm64/kernel/relocate_kernel.S (Linux 5.14+): arm64_relocate_new_kernel
 * assembled for one granule against kernel/shim/reloc, as position-independent
 * bytes to copy into a kexec control page. It is entered with x0 = the VA of
 * a kimage laid out as kimage.h says, and depends on the granule only (the
 * shim configures 48-bit VAs and PAs). */
struct kernel_reloc {
	struct kernel_config config; /* "4k", "16k", "64k" */
	const unsigned char *code;
	size_t len;
};

/* arch/arm64/mm/trans_pgd.c's trans_pgd_idmap_page(): the one-page identity
 * map kexec runs its relocation code from, built bottom-up with its own
 * T0SZ. Pages come from kernel_trans_env: alloc_page returns a zeroed
 * page's host address (NULL when out), host_to_phys is virt_to_phys() for
 * those pages and for the page being mapped. */
struct kernel_trans_env {
	void *(*alloc_page)(void *ctx);
	uint64_t (*host_to_phys)(void *ctx, const void *host);
	void *ctx;
};
extern struct kernel_trans_env kernel_trans_env;

struct kernel_trans {
	struct kernel_config config;
	/* Returns 0 or -ENOMEM; *ttbr0 is a TTBR value, *t0sz TCR.T0SZ. */
	int (*idmap_page)(uint64_t *ttbr0, unsigned long *t0sz, void *page);
};

/* Linux's NO_*_MAPPINGS flags for create_pgd_mapping. */
#define KERNEL_NO_BLOCK_MAPPINGS (1 << 0)
#define KERNEL_NO_CONT_MAPPINGS	 (1 << 1)
#define KERNEL_NO_EXEC_MAPPINGS	 (1 << 2)

/* The tree these objects came from, e.g. "6.12.57", and its path. */
extern const char kernel_version[];
extern const char kernel_source_dir[];

/* How many objects were built, and the one matching a geometry (NULL:
 * unsupported).
 * A geometry matches when its granule and VA size are a kernel
 * configuration, levels and root size are the ones that configuration
 * derives, and the output-address form agrees (LPA2 only with the 52-bit
 * 4K/16K objects; 64K objects with pa52 for pa_bits 52). */
size_t kernel_map_range_count(void);
const struct kernel_map_range *kernel_find_map_range(const struct pgd_geometry *geo);

size_t kernel_mmu_count(void);
const struct kernel_mmu *kernel_find_mmu(const struct pgd_geometry *geo);

size_t kernel_trans_count(void);
/* The object for geo's configuration, else one with its granule and
 * output-address form (the routine does not depend on VA_BITS). */
const struct kernel_trans *kernel_find_trans(const struct pgd_geometry *geo);

size_t kernel_reloc_count(void);
const struct kernel_reloc *kernel_find_reloc(unsigned page_shift);

/* True if config is the kernel configuration for geo. */
bool kernel_config_matches(const struct kernel_config *config, const struct pgd_geometry *geo);

/* BUG_ON / WARN_ON of the extracted code (the shim calls these). */
void kernel_bug(const char *function, const char *condition, int line) __attribute__((noreturn));
void kernel_warn(const char *function, const char *condition, int line);

#endif
