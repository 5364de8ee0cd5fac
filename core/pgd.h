/* core: the unified arm64 stage-1 page-table builder (the system under test).
 *
 * One level-generic builder, configured at run time, for the kernel map, the
 * identity map (with extra levels or a wider root when RAM lies above the VA
 * range) and the kexec idmap, writing into simulated physical memory through
 * a pluggable allocator. Every function reports failure through a
 * struct pgd_error; none asserts or aborts on bad input.
 */
#ifndef PGDFUZZ_PGD_H
#define PGDFUZZ_PGD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct physmem;

enum pgd_status {
	PGD_OK = 0,
	PGD_EINVAL,	/* bad argument or geometry */
	PGD_ENOMEM,	/* the allocator failed */
	PGD_EUNSAFE,	/* the change would need break-before-make */
	PGD_ENOTMAPPED, /* update over a hole */
	PGD_EMEM,	/* a table or descriptor lies outside RAM */
};

struct pgd_error {
	enum pgd_status status;
	uint64_t va;	  /* where it happened, when it concerns one VA */
	int level;	  /* level concerned, or PGD_NO_LEVEL */
	const char *rule; /* short stable name of the rule, e.g. "pfn-change" */
	char message[192];
};
#define PGD_NO_LEVEL 99

/* ---- Geometry ---------------------------------------------------------- */

/* What a user asks for. Zero means "derive it". */
struct pgd_config {
	unsigned granule;      /* 4096, 16384 or 65536 */
	unsigned va_bits;      /* 25..52 */
	unsigned levels;       /* 0: derive from va_bits; may force more */
	unsigned root_entries; /* 0: derive; a power of two */
	unsigned pa_bits;      /* 0 means 48; 32,36,40,42,44,48,52 */
	bool lpa2;	       /* FEAT_LPA2, TCR.DS=1 (4K and 16K only) */
};

/* The validated geometry everything else uses. */
struct pgd_geometry {
	unsigned page_shift;   /* 12, 14, 16 */
	unsigned va_bits;      /* as configured */
	unsigned ia_bits;      /* effective input-address size: 64 - TnSZ */
	int start_level;       /* -1..3 */
	unsigned levels;       /* 4 - start_level */
	unsigned root_entries; /* entries in the root table */
	unsigned pa_bits;      /* output-address size */
	bool lpa2;	       /* DS=1 encoding: PA[51:50] in desc[9:8] */
	bool lpa;	       /* 64K with 52-bit PA: PA[51:48] in desc[15:12] */
};

int pgd_geometry_init(struct pgd_geometry *geo, const struct pgd_config *cfg,
		      struct pgd_error *err);

/* Derived per-level facts. */
unsigned pgd_level_shift(const struct pgd_geometry *geo, int level);
unsigned pgd_level_entries(const struct pgd_geometry *geo, int level);
bool pgd_block_allowed(const struct pgd_geometry *geo, int level);
unsigned pgd_cont_entries(const struct pgd_geometry *geo, int level); /* 0: no contiguous bit */
uint64_t pgd_granule(const struct pgd_geometry *geo);

/* Output-address encoding for this geometry (48-bit, LPA or LPA2). */
uint64_t pgd_pa_to_desc(const struct pgd_geometry *geo, uint64_t pa);
uint64_t pgd_desc_to_pa(const struct pgd_geometry *geo, uint64_t desc);

/* A short name such as "4k-39", "4k-39+1" or "64k-48r1024", used in
 * finding signatures. base_va_bits is the configured VA size the geometry was
 * derived from; pass geo->va_bits when there is no distinction. */
void pgd_geometry_class(const struct pgd_geometry *geo, char *buf, size_t len);

/* ---- Descriptor bits and protections ----------------------------------- */

#define PGD_DESC_VALID	   (1ULL << 0)
#define PGD_DESC_TABLE	   (1ULL << 1) /* table at L<3, page at L3 */
#define PGD_ATTR_INDX(n)   ((uint64_t)(n) << 2)
#define PGD_ATTR_INDX_MASK (7ULL << 2)
#define PGD_AP_USER	   (1ULL << 6)
#define PGD_AP_RDONLY	   (1ULL << 7)
#define PGD_SH_INNER	   (3ULL << 8)
#define PGD_SH_MASK	   (3ULL << 8)
#define PGD_AF		   (1ULL << 10)
#define PGD_NG		   (1ULL << 11)
#define PGD_DBM		   (1ULL << 51)
#define PGD_CONT	   (1ULL << 52)
#define PGD_PXN		   (1ULL << 53)
#define PGD_UXN		   (1ULL << 54)
#define PGD_SW_DIRTY	   (1ULL << 55)
#define PGD_SW_MASK	   (0xfULL << 55 | 1ULL << 63)
#define PGD_TABLE_PXN	   (1ULL << 59)
#define PGD_TABLE_UXN	   (1ULL << 60)

/* A prot is the leaf attribute bits only; the builder adds type, address and
 * contiguous bits. Anything else in a prot is ignored. */
#define PGD_PROT_MASK 0xffec000000000ffcULL

/* Linux 6.12's protections (arch/arm64/include/asm/pgtable-prot.h). */
#define PGD_PROT_KERNEL	     0x00e8000000000700ULL
#define PGD_PROT_KERNEL_RO   0x00e0000000000780ULL
#define PGD_PROT_KERNEL_ROX  0x00c0000000000780ULL
#define PGD_PROT_KERNEL_EXEC 0x00c8000000000700ULL
#define PGD_PROT_DEVICE	     0x0068000000000710ULL

/* Linux's MAIR layout: 0 Normal, 1 Normal-Tagged, 2 Normal-NC, 3 nGnRnE,
 * 4 nGnRE. */
#define PGD_MAIR_DEFAULT 0x000000040044ffffULL

/* map() flags, as Linux's NO_*_MAPPINGS. */
#define PGD_NO_BLOCK (1u << 0)
#define PGD_NO_CONT  (1u << 1)
#define PGD_NO_EXEC  (1u << 2) /* PXNTable on new tables */

/* ---- Allocators ------------------------------------------------------- */

/* alloc returns a granule-aligned, granule-sized PA inside RAM in *pa, or a
 * non-zero value on failure. The builder zeroes the table before linking it. */
struct pgd_mm_ops {
	int (*alloc)(void *ctx, int level, uint64_t *pa);
	void *ctx;
};

/* Bump allocator over [base, base+size), as head.S / map_range do. */
struct pgd_bump_alloc {
	uint64_t next, end, granule;
	unsigned count;
};
void pgd_bump_init(struct pgd_bump_alloc *bump, uint64_t base, uint64_t size, uint64_t granule);
struct pgd_mm_ops pgd_bump_ops(struct pgd_bump_alloc *bump);

/* Page allocator over the RAM banks, skipping reserved ranges (data the
 * tables must not overwrite, e.g. kexec sources). Allocates from the top of
 * the highest bank downwards, like memblock. */
#define PGD_PAGE_ALLOC_MAX_RESERVED 64
struct pgd_page_alloc {
	const struct physmem *mem;
	uint64_t granule;
	uint64_t limit;	   /* allocate only below this PA (default 2^52) */
	size_t bank;	   /* bank currently allocated from */
	uint64_t next_top; /* next page is [next_top - granule, next_top) */
	struct {
		uint64_t base, size;
	} reserved[PGD_PAGE_ALLOC_MAX_RESERVED];
	size_t nreserved;
	unsigned count;
};
void pgd_page_alloc_init(struct pgd_page_alloc *pa, const struct physmem *mem, uint64_t granule);
int pgd_page_alloc_reserve(struct pgd_page_alloc *pa, uint64_t base, uint64_t size);
/* Allocate only below limit, e.g. 2^pa_bits: tables must be reachable. */
void pgd_page_alloc_limit(struct pgd_page_alloc *pa, uint64_t limit);
struct pgd_mm_ops pgd_page_alloc_ops(struct pgd_page_alloc *pa);

/* Fails allocation number fail_at (0-based) and every one after it. */
struct pgd_failing_alloc {
	struct pgd_mm_ops inner;
	unsigned fail_at;
	unsigned count;
};
struct pgd_mm_ops pgd_failing_ops(struct pgd_failing_alloc *fa, struct pgd_mm_ops inner,
				  unsigned fail_at);

/* ---- Trees and operations --------------------------------------------- */

/* One translation table tree: TTBR0 (lower VA range) or TTBR1 (upper). */
struct pgd_tree {
	struct pgd_geometry geo;
	struct physmem *mem;
	struct pgd_mm_ops mm;
	uint64_t root_pa;
	bool upper;
	uint64_t descriptors_written; /* statistics, for benchmarks */
};

/* Allocates and zeroes the root table. */
int pgd_tree_init(struct pgd_tree *tree, const struct pgd_geometry *geo, struct physmem *mem,
		  struct pgd_mm_ops mm, bool upper, struct pgd_error *err);

/* VA range of a tree: [lo, hi] inclusive (hi may be 2^64-1). */
void pgd_tree_va_range(const struct pgd_tree *tree, uint64_t *lo, uint64_t *hi);

/* Map [va, va+size) to pa.
 * - size 0 maps nothing and succeeds.
 * - va and pa must have the same offset within a page (else PGD_EINVAL);
 *   unaligned ranges are widened to whole pages, as Linux does.
 * - The range must lie inside the tree's VA half and must not wrap; pa+size
 *   must fit in pa_bits.
 * - Existing tables are reused; an existing leaf may only change as
 *   pgd_change_is_safe() allows, and a block is never split or merged. A
 *   refused map leaves the tables byte-for-byte unchanged.
 * - On allocator failure the tables stay walkable, with part of the range
 *   mapped. */
int pgd_map(struct pgd_tree *tree, uint64_t va, uint64_t pa, uint64_t size, uint64_t prot,
	    unsigned flags, struct pgd_error *err);

/* Change the attributes of a live mapping to prot. Every page of the range
 * must be mapped, leaves may not be split, and every change must be safe;
 * otherwise nothing is written. */
int pgd_update(struct pgd_tree *tree, uint64_t va, uint64_t size, uint64_t prot,
	       struct pgd_error *err);

/* Linux 6.12's pgattr_change_is_safe(): may a live descriptor change from
 * old to new without break-before-make? On false, *rule names why. */
bool pgd_change_is_safe(uint64_t old_desc, uint64_t new_desc, const char **rule);

/* Copy src into dst (initialised, same geometry, its own allocator): fresh
 * tables with the same leaves (trans_pgd_create_copy's job). */
int pgd_copy(const struct pgd_tree *src, struct pgd_tree *dst, struct pgd_error *err);

/* ---- Registers --------------------------------------------------------- */

struct pgd_regs {
	uint64_t tcr, ttbr0, ttbr1, mair, sctlr;
};

/* TTBR value for a root (52-bit packing when the geometry needs it). */
uint64_t pgd_ttbr(const struct pgd_geometry *geo, uint64_t root_pa);
/* TCR_EL1 for a lower tree and/or an upper tree (either may be NULL; a
 * missing half gets EPDn=1). IPS from pa_bits, DS for LPA2, WBWA inner
 * shareable walks. */
uint64_t pgd_tcr(const struct pgd_geometry *lower, const struct pgd_geometry *upper);
/* MMU on, caches on, little-endian. */
#define PGD_SCTLR_MMU_ON 0x30d0180dULL

/* ---- Identity maps ---------------------------------------------------- */

struct pgd_range {
	uint64_t base, size;
};

/* Identity-map every range with prot (and flags). The geometry starts from
 * base (granule, va_bits, pa_bits, lpa2) and grows the input-address size
 * until the highest PA fits: that adds levels or widens the root as the
 * architecture's start-level rule dictates. On success *tree is a TTBR0 tree
 * and regs->tcr / regs->ttbr0 are the values to install. */
int pgd_create_idmap(struct pgd_tree *tree, struct pgd_regs *regs, const struct pgd_config *base,
		     struct physmem *mem, struct pgd_mm_ops mm, const struct pgd_range *ranges,
		     size_t nranges, uint64_t prot, unsigned flags, struct pgd_error *err);

/* The single-page form kexec uses (trans_pgd_idmap_page): one page, ROX. */
int pgd_idmap_page(struct pgd_tree *tree, struct pgd_regs *regs, const struct pgd_config *base,
		   struct physmem *mem, struct pgd_mm_ops mm, uint64_t pa, struct pgd_error *err);

const char *pgd_status_name(enum pgd_status status);

#endif
