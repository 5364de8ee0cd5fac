/* The Linux backends as targets (target/target.h): adapters from the
 * interface to the compiled kernel objects, judged by oracle/target.c like
 * every other target. What is specific to one of them is its declaration
 * (contract, unsafe-change behaviour, pool, one-page identity map) and, for
 * mmu.c and trans_pgd.c, an explain hook that names the cause of a
 * divergence after the kernel's mechanism (K5, K8).
 *
 * One kernel call is in progress at a time: kernel_env is its environment,
 * which the shims reach through kernel_bug(), kernel_warn() and the
 * allocator contexts. */
#include "kernel.h"
#include "pgd.h"
#include "builtin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pgdfuzz_env *kernel_env;
const char *kernel_only_config;

void kernel_bug(const char *function, const char *condition, int line)
{
	if (kernel_env)
		kernel_env->fatal(kernel_env, function, condition, line);
	abort(); /* a BUG_ON outside a judged call: the harness itself is wrong */
}

void kernel_warn(const char *function, const char *condition, int line)
{
	if (kernel_env)
		kernel_env->warn(kernel_env, function, condition, line);
}

/* PGDFUZZ_KERNEL_CONFIG: only this kernel object's cases are run. */
static bool selected(const struct kernel_config *config)
{
	return config && (!kernel_only_config || !strcmp(config->name, kernel_only_config));
}

/* The prot a kernel caller passes: the leaf bits, a valid page type, and no
 * SH field under LPA2 (those descriptor bits are address bits). */
static uint64_t kernel_prot(const struct pgdfuzz_geometry *geo, uint64_t prot)
{
	prot &= PGD_PROT_MASK;
	if (geo->lpa2)
		prot &= ~PGD_SH_MASK;
	return prot | PGD_DESC_VALID | PGD_DESC_TABLE;
}

/* ---- arch/arm64/kernel/pi/map_range.c -------------------------------------- */

#define MR_POOL_PAGES ((64ULL << 20) / 4096)

static struct {
	const struct kernel_map_range *obj;
	uint64_t next_table;
	int8_t levels[MR_POOL_PAGES];
} mr;

static bool map_range_accepts(const struct pgdfuzz_geometry *g)
{
	struct pgd_geometry geo = pgdfuzz_pgd_geometry(g);
	const struct kernel_map_range *obj = kernel_find_map_range(&geo);
	return obj && selected(&obj->config);
}

/* Upper bound of the tables map_range allocates for one request: at each
 * level every touched entry may recurse, or only the two edge chunks when
 * va and pa agree modulo that level's block size. */
static uint64_t map_range_pool_tables(const struct pgdfuzz_geometry *g,
				      const struct pgdfuzz_map *req)
{
	struct pgd_geometry geo = pgdfuzz_pgd_geometry(g);
	uint64_t page = g->granule, va = req->va & ~(page - 1);
	uint64_t last = (req->va + (req->size - 1)) | (page - 1), pa = req->pa & ~(page - 1);
	uint64_t total = 0;
	for (int level = geo.start_level; level < 3; level++) {
		unsigned shift = pgd_level_shift(&geo, level);
		uint64_t chunks = (last >> shift) - (va >> shift) + 1;
		bool congruent = !((va ^ pa) & ((1ULL << shift) - 1));
		total += congruent && chunks > 2 ? 2 : chunks;
	}
	return total;
}

/* The root is the pool's first page; map_range() bump-allocates the rest. */
static int map_range_init(struct pgdfuzz_env *env, uint64_t *root_pa)
{
	struct pgd_geometry geo = pgdfuzz_pgd_geometry(env->geo);
	mr.obj = kernel_find_map_range(&geo);
	if (!root_pa || !mr.obj || !env->pool_host)
		return PGDFUZZ_EINVAL;
	mr.next_table = env->pool_pa + env->geo->granule;
	mr.levels[0] = (int8_t)env->geo->start_level;
	kernel_table_pool = (struct kernel_table_pool){.host = env->pool_host,
						       .pa = env->pool_pa,
						       .size = env->pool_size,
						       .granule = env->geo->granule,
						       .levels = mr.levels};
	*root_pa = env->pool_pa;
	return PGDFUZZ_OK;
}

static int map_range_map(struct pgdfuzz_env *env, uint64_t root_pa, const struct pgdfuzz_map *req)
{
	const struct pgdfuzz_geometry *g = env->geo;
	uint64_t page = g->granule, va = req->va & ~(page - 1);
	uint64_t last = (req->va + (req->size - 1)) | (page - 1);
	uint64_t ia_mask = g->ia_bits >= 64 ? UINT64_MAX : (1ULL << g->ia_bits) - 1;
	uint64_t start = va & ia_mask;
	(void)root_pa;
	kernel_env = env;
	kernel_table_pool.refused = NULL;
	mr.obj->map_range(&mr.next_table, start, start + (last - va) + 1, req->pa & ~(page - 1),
			  kernel_prot(g, req->prot), g->start_level, (uint64_t *)env->pool_host,
			  !(req->flags & PGDFUZZ_NO_CONT),
			  (uint64_t)(uintptr_t)env->pool_host - env->pool_pa);
	kernel_env = NULL;
	return PGDFUZZ_OK;
}

/* map_range() builds tables before the MMU is on, from a bump pool, with
 * no no-block mode and no PXNTable option; an empty prot clears. */
const struct pgdfuzz_target kernel_target_map_range = {
    .abi = PGDFUZZ_TARGET_ABI,
    .name = "kernel-map_range",
    .description = "arch/arm64/kernel/pi/map_range.c: map_range()",
    .geometries = {.pa52 = true, .accepts = map_range_accepts},
    .contract = {.unaligned = true, .flags = PGDFUZZ_NO_CONT, .empty_prot_unmaps = true},
    .ops = {.init = map_range_init, .map = map_range_map},
    .may_block = true,
    .may_cont = true,
    .finer_in_block = false,
    .unsafe = PGDFUZZ_UNSAFE_NOT_LIVE,
    .adds_table_uxn = true,
    .differential = true,
    .pool_tables = map_range_pool_tables,
};

/* ---- arch/arm64/mm/mmu.c: __create_pgd_mapping_locked() -------------------- */

static const struct kernel_mmu *mmu_obj;

static bool mmu_accepts(const struct pgdfuzz_geometry *g)
{
	struct pgd_geometry geo = pgdfuzz_pgd_geometry(g);
	const struct kernel_mmu *obj = kernel_find_mmu(&geo);
	return obj && selected(&obj->config);
}

/* 6.1 wants zeroed pages (alloc_table gives them); 6.12 zeroes them too. */
static uint64_t mmu_alloc(void *opaque, int shift)
{
	struct pgdfuzz_env *env = opaque;
	uint64_t pa;
	(void)shift;
	return env->alloc_table(env, 0, &pa) ? 0 : pa;
}

/* The kernel asks for an entry's address and walks to its table's end. */
static void *mmu_phys_to_host(void *opaque, uint64_t pa)
{
	struct pgdfuzz_env *env = opaque;
	uint64_t granule = env->geo->granule;
	return env->phys_to_host(env, pa, granule - (pa & (granule - 1)));
}

static int mmu_init(struct pgdfuzz_env *env, uint64_t *root_pa)
{
	struct pgd_geometry geo = pgdfuzz_pgd_geometry(env->geo);
	mmu_obj = kernel_find_mmu(&geo);
	if (!root_pa || !mmu_obj)
		return PGDFUZZ_EINVAL;
	return env->alloc_table(env, env->geo->start_level, root_pa) ? PGDFUZZ_ENOMEM : PGDFUZZ_OK;
}

static void mmu_call(struct pgdfuzz_env *env, uint64_t root_pa, const struct pgdfuzz_map *req,
		     bool with_alloc, int flags)
{
	uint64_t *root = env->phys_to_host(env, root_pa, env->geo->granule);
	kernel_env = env;
	kernel_mmu_env = (struct kernel_mmu_env){mmu_alloc, mmu_phys_to_host, env};
	mmu_obj->create_pgd_mapping(root, req->pa, req->va, req->size,
				    kernel_prot(env->geo, req->prot), with_alloc, flags);
	kernel_env = NULL;
}

static int mmu_map(struct pgdfuzz_env *env, uint64_t root_pa, const struct pgdfuzz_map *req)
{
	mmu_call(env, root_pa, req, true, (int)req->flags);
	return PGDFUZZ_OK;
}

/* update_mapping_prot(): the same call with no allocator and no
 * contiguous hints, at the PA its caller knows. */
static int mmu_protect(struct pgdfuzz_env *env, uint64_t root_pa, const struct pgdfuzz_map *req)
{
	mmu_call(env, root_pa, req, false, KERNEL_NO_CONT_MAPPINGS);
	return PGDFUZZ_OK;
}

/* K5: the kernel was asked for a block at va and the entry kept an older
 * value. That is how p?d_set_huge() treats an unsafe change: it writes
 * nothing, and the BUG_ON after it then compares the old entry with
 * itself. The block is the largest the request's alignment, flags and range
 * allow (pud blocks with 4K pages only), as alloc_init_pud() and init_pmd()
 * choose. */
static const char *mmu_explain(struct pgdfuzz_env *env, struct pgdfuzz_divergence *d)
{
	if (!d->req_valid || !d->intended_mapped)
		return NULL;
	unsigned flags = d->req_protect ? KERNEL_NO_CONT_MAPPINGS : d->req_flags;
	if (flags & KERNEL_NO_BLOCK_MAPPINGS)
		return NULL;
	struct pgd_geometry geo = pgdfuzz_pgd_geometry(env->geo);
	int first = geo.page_shift == 12 ? 1 : 2;
	for (int level = first > geo.start_level ? first : geo.start_level; level < 3; level++) {
		uint64_t size = 1ULL << pgd_level_shift(&geo, level);
		uint64_t chunk = d->va & ~(size - 1);
		if (chunk < d->req_va || chunk + (size - 1) > d->req_last ||
		    ((d->intended_pa - (d->va - chunk)) & (size - 1)))
			continue;
		/* The block belongs at this level: what is there instead? */
		for (unsigned s = 0; s < d->nsteps; s++) {
			if (d->step_level[s] != level)
				continue;
			if (!(d->step_desc[s] & 1))
				return NULL;
			d->level = level;
			snprintf(
			    d->note, sizeof(d->note),
			    "a level %d block was due at VA 0x%016llx and the entry kept its "
			    "old value: p?d_set_huge() refused an unsafe change without BUG_ON",
			    level, (unsigned long long)d->va);
			return "block-not-written";
		}
		return NULL;
	}
	return NULL;
}

/* mmu.c BUGs on unsafe live changes (pgattr_change_is_safe) and on pages
 * inside a block; p?d_set_huge() may also ignore one (K5). */
const struct pgdfuzz_target kernel_target_mmu = {
    .abi = PGDFUZZ_TARGET_ABI,
    .name = "kernel-mmu",
    .description = "arch/arm64/mm/mmu.c: __create_pgd_mapping_locked()",
    .geometries = {.pa52 = true, .accepts = mmu_accepts},
    .contract = {.unaligned = true, .protect_mapped_only = true},
    .ops = {.init = mmu_init, .map = mmu_map, .protect = mmu_protect},
    .may_block = true,
    .may_cont = true,
    .finer_in_block = false,
    .unsafe = PGDFUZZ_UNSAFE_BUGS,
    .adds_table_uxn = true,
    .differential = true,
    .explain = mmu_explain,
};

/* ---- arch/arm64/mm/trans_pgd.c: trans_pgd_idmap_page() --------------------- */

#define TRANS_MAX_PAGES 8 /* the routine builds at most 4 levels */

static struct {
	const struct kernel_trans *obj;
	struct pgdfuzz_env *env;
	unsigned count;
	struct {
		const uint8_t *host;
		uint64_t pa;
	} pages[TRANS_MAX_PAGES + 1]; /* the tables, then the page mapped */
	unsigned walk_levels;
	int walk_start;
} trans;

static bool trans_accepts(const struct pgdfuzz_geometry *g)
{
	struct pgd_geometry geo = pgdfuzz_pgd_geometry(g);
	const struct kernel_trans *obj = kernel_find_trans(&geo);
	return obj && selected(&obj->config);
}

static void *trans_alloc_page(void *opaque)
{
	struct pgdfuzz_env *env = opaque;
	uint64_t pa;
	if (trans.count == TRANS_MAX_PAGES || env->alloc_table(env, 0, &pa))
		return NULL;
	uint8_t *host = env->phys_to_host(env, pa, env->geo->granule);
	if (!host)
		return NULL;
	trans.pages[trans.count].host = host;
	trans.pages[trans.count++].pa = pa;
	return host;
}

/* virt_to_phys() of a page the adapter handed out. */
static uint64_t trans_host_to_phys(void *opaque, const void *host)
{
	struct pgdfuzz_env *env = opaque;
	const uint8_t *at = host;
	for (unsigned i = 0; i <= TRANS_MAX_PAGES; i++)
		if ((i < trans.count || i == TRANS_MAX_PAGES) && at >= trans.pages[i].host &&
		    at < trans.pages[i].host + env->geo->granule)
			return trans.pages[i].pa + (uint64_t)(at - trans.pages[i].host);
	kernel_bug("virt_to_phys", "a pointer the harness did not hand out", __LINE__);
}

static int trans_init(struct pgdfuzz_env *env, uint64_t *root_pa)
{
	struct pgd_geometry geo = pgdfuzz_pgd_geometry(env->geo);
	trans.obj = kernel_find_trans(&geo);
	trans.count = 0;
	if (root_pa || !trans.obj)
		return PGDFUZZ_EINVAL; /* identity maps only */
	env->variant = trans.obj->config.name;
	return PGDFUZZ_OK;
}

/* The page kexec's relocation code runs from, identity mapped with the
 * TTBR0 and T0SZ the kernel returns; the rest of TCR as the running kernel
 * has it (TCR.DS with LPA2). */
static int trans_idmap(struct pgdfuzz_env *env, const struct pgdfuzz_range *ranges, size_t n,
		       pgdfuzz_prot prot, unsigned flags, uint64_t *root_pa,
		       struct pgdfuzz_regs *regs)
{
	const struct pgdfuzz_geometry *g = env->geo;
	uint64_t pa = ranges[0].base & ~((uint64_t)g->granule - 1);
	(void)n, (void)prot, (void)flags;
	trans.pages[TRANS_MAX_PAGES].host = env->phys_to_host(env, pa, g->granule);
	trans.pages[TRANS_MAX_PAGES].pa = pa;
	if (!trans.pages[TRANS_MAX_PAGES].host)
		return PGDFUZZ_EINVAL;
	uint64_t ttbr0 = 0;
	unsigned long t0sz = 0;
	kernel_env = env;
	kernel_trans_env = (struct kernel_trans_env){trans_alloc_page, trans_host_to_phys, env};
	int ret = trans.obj->idmap_page(&ttbr0, &t0sz, (void *)trans.pages[TRANS_MAX_PAGES].host);
	kernel_env = NULL;
	if (ret)
		return PGDFUZZ_ENOMEM; /* -ENOMEM: the case's RAM ran out */
	struct pgd_config walk_config = {.granule = g->granule,
					 .va_bits = 64 - (unsigned)t0sz,
					 .pa_bits = g->pa_bits,
					 .lpa2 = g->lpa2};
	struct pgd_geometry walk_geo;
	struct pgd_error err;
	if (t0sz < 12 || t0sz > 39 || pgd_geometry_init(&walk_geo, &walk_config, &err)) {
		char detail[192];
		snprintf(detail, sizeof(detail),
			 "trans_pgd_idmap_page() returned T0SZ %lu for PA 0x%llx, which %s pages "
			 "with %u-bit PAs cannot use",
			 t0sz, (unsigned long long)pa, trans.obj->config.name, g->pa_bits);
		env->stop(env, "bad-t0sz", 99, detail);
	}
	trans.walk_levels = walk_geo.levels;
	trans.walk_start = walk_geo.start_level;
	regs->ttbr = ttbr0;
	regs->tcr = pgd_tcr(&walk_geo, NULL);
	*root_pa = trans.count ? trans.pages[trans.count - 1].pa : 0;
	return PGDFUZZ_OK;
}

/* K8: fewer tables than the walk from this T0SZ needs. The walk starts in a
 * table built for a lower level, and where it then fails depends only on
 * which indices of the PA collide: name the cause, at the level the kernel
 * never built. */
static const char *trans_explain(struct pgdfuzz_env *env, struct pgdfuzz_divergence *d)
{
	(void)env;
	if (trans.count >= trans.walk_levels)
		return NULL;
	d->level = trans.walk_start;
	snprintf(d->note, sizeof(d->note),
		 "trans_pgd_idmap_page() built %u levels of tables for PA 0x%llx but returned a "
		 "T0SZ whose walk has %u, from level %d",
		 trans.count, (unsigned long long)trans.pages[TRANS_MAX_PAGES].pa,
		 trans.walk_levels, trans.walk_start);
	return "too-few-levels";
}

/* One page per call, read-only executable, from whatever tables it needs;
 * its T0SZ is its own (48 or 52 bits), not the smallest that fits. */
const struct pgdfuzz_target kernel_target_trans = {
    .abi = PGDFUZZ_TARGET_ABI,
    .name = "kernel-trans",
    .description = "arch/arm64/mm/trans_pgd.c: trans_pgd_idmap_page()",
    .geometries = {.pa52 = true, .extra_levels = true, .accepts = trans_accepts},
    .ops = {.init = trans_init, .idmap = trans_idmap},
    .may_block = false,
    .may_cont = false,
    .unsafe = PGDFUZZ_UNSAFE_NOT_LIVE,
    .adds_table_uxn = true,
    .idmap = {.one_page_prot = PGD_PROT_KERNEL_ROX},
    .explain = trans_explain,
};
