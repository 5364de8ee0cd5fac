/* map, update and copy: three visitors on the one walker. */
#include "internal.h"
#include "physmem.h"

#include <string.h>

int pgd_tree_init(struct pgd_tree *tree, const struct pgd_geometry *geo, struct physmem *mem,
		  struct pgd_mm_ops mm, bool upper, struct pgd_error *err)
{
	*tree = (struct pgd_tree){.geo = *geo, .mem = mem, .mm = mm, .upper = upper};
	return pgd_alloc_table(tree, geo->start_level, 0, &tree->root_pa, err);
}

void pgd_tree_va_range(const struct pgd_tree *tree, uint64_t *lo, uint64_t *hi)
{
	uint64_t span = 1ULL << tree->geo.ia_bits;
	*lo = tree->upper ? 0 - span : 0;
	*hi = tree->upper ? UINT64_MAX : span - 1;
}

bool pgd_change_is_safe(uint64_t old_desc, uint64_t new_desc, const char **rule)
{
	const uint64_t allowed = PGD_PXN | PGD_AP_RDONLY | PGD_DBM | PGD_NG | PGD_SW_MASK;
	const char *why = NULL;
	uint64_t diff = old_desc ^ new_desc;

	/* Creating or tearing down a mapping never needs break-before-make. */
	if (!(old_desc & PGD_DESC_VALID) || !(new_desc & PGD_DESC_VALID))
		return true;
	if (diff & 0x0003fffffffff000ULL)
		why = "pfn-change";
	else if (diff & PGD_DESC_TABLE)
		why = "type-change";
	else if ((old_desc | new_desc) & PGD_CONT)
		why = diff ? "contiguous" : NULL;
	else if (old_desc & ~new_desc & PGD_NG)
		why = "ng-to-global";
	else {
		/* Normal <-> Normal-Tagged (AttrIndx 0 <-> 1) keeps the memory
		 * type's cacheability, so Linux allows it. */
		uint64_t attr_old = old_desc & PGD_ATTR_INDX_MASK,
			 attr_new = new_desc & PGD_ATTR_INDX_MASK;
		uint64_t rest = diff & ~allowed;
		if (attr_old != attr_new && attr_old <= PGD_ATTR_INDX(1) &&
		    attr_new <= PGD_ATTR_INDX(1))
			rest &= ~PGD_ATTR_INDX_MASK;
		if (rest & PGD_ATTR_INDX_MASK)
			why = "memory-type";
		else if (rest & PGD_SH_MASK)
			why = "shareability";
		else if (rest)
			why = "attribute-change";
	}
	if (rule)
		*rule = why;
	return why == NULL;
}

/* Tables were checked to be RAM when read, so the write cannot fail. */
static void write_desc(struct pgd_tree *tree, uint64_t pa, uint64_t desc)
{
	physmem_write64(tree->mem, pa, desc);
	tree->descriptors_written++;
}

/* Reject bad ranges before any walking; on success returns the
 * page-widened range in *first / *last and the matching *pa. */
static int check_range(const struct pgd_tree *tree, uint64_t *va, uint64_t *pa, uint64_t *size,
		       bool has_pa, uint64_t *last, struct pgd_error *err)
{
	uint64_t page = pgd_granule(&tree->geo), lo, hi;
	if (has_pa && ((*va ^ *pa) & (page - 1)))
		return pgd_fail(err, PGD_EINVAL, *va, PGD_NO_LEVEL, "page-offset",
				"va 0x%llx and pa 0x%llx have different offsets within a page",
				(unsigned long long)*va, (unsigned long long)*pa);
	if (*size - 1 > UINT64_MAX - *va)
		return pgd_fail(err, PGD_EINVAL, *va, PGD_NO_LEVEL, "wrap",
				"va 0x%llx + size 0x%llx wraps past 2^64", (unsigned long long)*va,
				(unsigned long long)*size);
	uint64_t end_last = *va + (*size - 1);
	uint64_t offset = *va & (page - 1);
	*va -= offset;
	*pa -= has_pa ? offset : 0;
	*last = end_last | (page - 1);
	*size = *last - *va + 1; /* 0 when the range is the whole 2^64 space */
	pgd_tree_va_range(tree, &lo, &hi);
	if (*va < lo || *last > hi)
		return pgd_fail(err, PGD_EINVAL, *va, PGD_NO_LEVEL, "va-range",
				"[0x%llx, 0x%llx] leaves the %s VA range [0x%llx, 0x%llx]",
				(unsigned long long)*va, (unsigned long long)*last,
				tree->upper ? "TTBR1" : "TTBR0", (unsigned long long)lo,
				(unsigned long long)hi);
	if (has_pa && (*pa >> tree->geo.pa_bits || (*last - *va) >> tree->geo.pa_bits ||
		       (*pa + (*last - *va)) >> tree->geo.pa_bits))
		return pgd_fail(err, PGD_EINVAL, *va, PGD_NO_LEVEL, "pa-range",
				"pa 0x%llx + size does not fit in %u PA bits",
				(unsigned long long)*pa, tree->geo.pa_bits);
	return PGD_OK;
}

/* ---- map --------------------------------------------------------------- */

struct map_ctx {
	struct pgd_tree *tree;
	uint64_t va, last, pa; /* the request; pa corresponds to va */
	uint64_t prot;
	unsigned flags;
	bool dry_run; /* first pass: find conflicts, write nothing */
	struct pgd_error *err;
	/* Contiguous decision of the last group looked at. */
	uint64_t group_va;
	int group_level;
	bool group_cont;
};

static uint64_t leaf_desc(const struct pgd_geometry *geo, int level, uint64_t pa, uint64_t prot)
{
	return pgd_pa_to_desc(geo, pa) | prot | PGD_DESC_VALID | (level == 3 ? PGD_DESC_TABLE : 0);
}

/* May the contiguous group holding this entry be marked? Only a whole
 * aligned group inside the request, with an aligned output, whose entries
 * will all become leaves at this level. */
static bool group_is_contiguous(struct map_ctx *ctx, const struct pgd_visit *v)
{
	const struct pgd_geometry *geo = &ctx->tree->geo;
	unsigned members = pgd_cont_entries(geo, v->level);
	if (!members || (ctx->flags & PGD_NO_CONT) || members > pgd_level_entries(geo, v->level))
		return false;
	uint64_t group_size = members * v->entry_size;
	uint64_t group_va = v->entry_va & ~(group_size - 1);
	if (ctx->group_level == v->level && ctx->group_va == group_va)
		return ctx->group_cont;
	ctx->group_level = v->level;
	ctx->group_va = group_va;
	ctx->group_cont = false;
	uint64_t slack = 0;
#ifdef PGDFUZZ_PLANTED_BUG
	/* Canary: accept a group one entry short of the request's end. */
	slack = v->entry_size;
#endif
	if (group_va < ctx->va || group_size - 1 - slack > ctx->last - group_va)
		return false;
	if ((ctx->pa + (group_va - ctx->va)) & (group_size - 1))
		return false;
	/* Every member must be free, or already exactly the contiguous leaf
	 * this map would write: a live member left as it is (a table, or a
	 * leaf kept to avoid break-before-make) would break the group. */
	uint64_t first_desc = v->table_pa + 8ULL * (v->index & ~(members - 1));
	uint64_t group_pa = ctx->pa + (group_va - ctx->va);
	/* The group's descriptors at once where physmem has them. */
	const uint8_t *group = physmem_view(ctx->tree->mem, first_desc, 8ULL * members);
	for (unsigned i = 0; i < members; i++) {
		uint64_t desc;
		if (group)
			desc = physmem_load64(group + 8ULL * i);
		else if (!physmem_read64(ctx->tree->mem, first_desc + 8ULL * i, &desc))
			return false;
		uint64_t want =
		    leaf_desc(geo, v->level, group_pa + i * v->entry_size, ctx->prot) | PGD_CONT;
		if ((desc & PGD_DESC_VALID) && desc != want)
			return false;
	}
	ctx->group_cont = true;
	return true;
}

static int map_visit(void *opaque, const struct pgd_visit *v)
{
	struct map_ctx *ctx = opaque;
	struct pgd_tree *tree = ctx->tree;
	const struct pgd_geometry *geo = &tree->geo;
	uint64_t pa = ctx->pa + (v->first - ctx->va);
	bool whole_entry = v->first == v->entry_va && v->last - v->first == v->entry_size - 1;
	bool leaf_here =
	    v->level == 3 || (whole_entry && !(ctx->flags & PGD_NO_BLOCK) &&
			      pgd_block_allowed(geo, v->level) && !(pa & (v->entry_size - 1)));

	/* An existing table is reused rather than replaced by a block. */
	if (pgd_desc_is_table(v->desc, v->level))
		return PGD_WALK_DESCEND;

	bool live = pgd_desc_is_leaf(geo, v->desc, v->level);
	if (leaf_here) {
		uint64_t desc = leaf_desc(geo, v->level, pa, ctx->prot);
		if (group_is_contiguous(ctx, v))
			desc |= PGD_CONT;
		/* Already mapped as asked, perhaps as part of a contiguous
		 * group: keep it, since touching the bit would need BBM. */
		if (live && ((v->desc ^ desc) & ~PGD_CONT) == 0)
			return PGD_WALK_SKIP;
		if (live && desc != v->desc) {
			const char *rule;
			if (!pgd_change_is_safe(v->desc, desc, &rule))
				return pgd_fail(ctx->err, PGD_EUNSAFE, v->first, v->level, rule,
						"remapping live level %d entry at VA 0x%llx needs "
						"break-before-make (%s): 0x%016llx -> 0x%016llx",
						v->level, (unsigned long long)v->first, rule,
						(unsigned long long)v->desc,
						(unsigned long long)desc);
		}
		if (!ctx->dry_run && desc != v->desc)
			write_desc(tree, v->desc_pa, desc);
		return PGD_WALK_SKIP;
	}

	if (live) {
		/* A block already covers this piece: fine only if it already
		 * maps it exactly as asked; anything else would split it. */
		uint64_t block_pa = pgd_desc_to_pa(geo, v->desc) + (v->first - v->entry_va);
		uint64_t attrs = v->desc & pgd_prot_mask(geo);
		if (block_pa == pa && attrs == ctx->prot)
			return PGD_WALK_SKIP;
		return pgd_fail(ctx->err, PGD_EUNSAFE, v->first, v->level, "block-split",
				"mapping [0x%llx, 0x%llx] differently would split the level %d "
				"block at VA 0x%llx",
				(unsigned long long)v->first, (unsigned long long)v->last, v->level,
				(unsigned long long)v->entry_va);
	}

	/* A fresh table cannot conflict with anything: the dry run stops. */
	if (ctx->dry_run)
		return PGD_WALK_SKIP;
	uint64_t table;
	int ret = pgd_alloc_table(tree, v->level + 1, v->first, &table, ctx->err);
	if (ret)
		return ret;
	uint64_t desc = pgd_pa_to_desc(geo, table) | PGD_DESC_VALID | PGD_DESC_TABLE |
			PGD_TABLE_UXN | (ctx->flags & PGD_NO_EXEC ? PGD_TABLE_PXN : 0);
	write_desc(tree, v->desc_pa, desc);
	return PGD_WALK_DESCEND;
}

int pgd_map(struct pgd_tree *tree, uint64_t va, uint64_t pa, uint64_t size, uint64_t prot,
	    unsigned flags, struct pgd_error *err)
{
	uint64_t last = 0;
	if (size == 0)
		return PGD_OK;
	int ret = check_range(tree, &va, &pa, &size, true, &last, err);
	if (ret)
		return ret;
	struct map_ctx ctx = {
	    .tree = tree,
	    .va = va,
	    .last = last,
	    .pa = pa,
	    .prot = prot & pgd_prot_mask(&tree->geo),
	    .flags = flags,
	    .dry_run = true,
	    .err = err,
	    .group_level = PGD_NO_LEVEL,
	};
	ret = pgd_walk(tree, va, last, 0, map_visit, &ctx, err);
	if (ret)
		return ret;
	ctx.dry_run = false;
	ctx.group_level = PGD_NO_LEVEL;
	return pgd_walk(tree, va, last, 0, map_visit, &ctx, err);
}

/* ---- update ------------------------------------------------------------ */

struct update_ctx {
	struct pgd_tree *tree;
	uint64_t prot;
	bool dry_run;
	struct pgd_error *err;
};

static int update_visit(void *opaque, const struct pgd_visit *v)
{
	struct update_ctx *ctx = opaque;
	const struct pgd_geometry *geo = &ctx->tree->geo;
	if (pgd_desc_is_table(v->desc, v->level))
		return PGD_WALK_DESCEND;
	if (!pgd_desc_is_leaf(geo, v->desc, v->level))
		return pgd_fail(ctx->err, PGD_ENOTMAPPED, v->first, v->level, "not-mapped",
				"VA 0x%llx is not mapped (level %d descriptor 0x%016llx)",
				(unsigned long long)v->first, v->level,
				(unsigned long long)v->desc);
	uint64_t desc = (v->desc & ~pgd_prot_mask(geo)) | ctx->prot;
	if (desc == v->desc)
		return PGD_WALK_SKIP;
	if (v->first != v->entry_va || v->last - v->first != v->entry_size - 1)
		return pgd_fail(ctx->err, PGD_EUNSAFE, v->first, v->level, "block-split",
				"changing [0x%llx, 0x%llx] would split the level %d block at VA "
				"0x%llx",
				(unsigned long long)v->first, (unsigned long long)v->last, v->level,
				(unsigned long long)v->entry_va);
	const char *rule;
	if (!pgd_change_is_safe(v->desc, desc, &rule))
		return pgd_fail(ctx->err, PGD_EUNSAFE, v->first, v->level, rule,
				"level %d entry at VA 0x%llx: 0x%016llx -> 0x%016llx needs "
				"break-before-make (%s)",
				v->level, (unsigned long long)v->first, (unsigned long long)v->desc,
				(unsigned long long)desc, rule);
	if (!ctx->dry_run)
		write_desc(ctx->tree, v->desc_pa, desc);
	return PGD_WALK_SKIP;
}

int pgd_update(struct pgd_tree *tree, uint64_t va, uint64_t size, uint64_t prot,
	       struct pgd_error *err)
{
	uint64_t last = 0, pa = 0;
	if (size == 0)
		return PGD_OK;
	int ret = check_range(tree, &va, &pa, &size, false, &last, err);
	if (ret)
		return ret;
	struct update_ctx ctx = {tree, prot & pgd_prot_mask(&tree->geo), true, err};
	ret = pgd_walk(tree, va, last, 0, update_visit, &ctx, err);
	if (ret)
		return ret;
	ctx.dry_run = false;
	return pgd_walk(tree, va, last, 0, update_visit, &ctx, err);
}

/* ---- copy -------------------------------------------------------------- */

struct copy_ctx {
	struct pgd_tree *dst;
	uint64_t dst_table[6]; /* destination table per level, index level + 1 */
	struct pgd_error *err;
};

static int copy_visit(void *opaque, const struct pgd_visit *v)
{
	struct copy_ctx *ctx = opaque;
	const struct pgd_geometry *geo = &ctx->dst->geo;
	uint64_t dst_desc_pa = ctx->dst_table[v->level + 1] + 8ULL * v->index;
	if (v->desc == 0)
		return PGD_WALK_SKIP;
	if (!pgd_desc_is_table(v->desc, v->level)) {
		/* Leaves and invalid-but-nonzero entries are copied verbatim. */
		write_desc(ctx->dst, dst_desc_pa, v->desc);
		return PGD_WALK_SKIP;
	}
	uint64_t table;
	int ret = pgd_alloc_table(ctx->dst, v->level + 1, v->first, &table, ctx->err);
	if (ret)
		return ret;
	uint64_t src_addr = pgd_pa_to_desc(geo, pgd_desc_to_pa(geo, v->desc));
	write_desc(ctx->dst, dst_desc_pa, (v->desc & ~src_addr) | pgd_pa_to_desc(geo, table));
	ctx->dst_table[v->level + 2] = table;
	return PGD_WALK_DESCEND;
}

int pgd_copy(const struct pgd_tree *src, struct pgd_tree *dst, struct pgd_error *err)
{
	if (memcmp(&src->geo, &dst->geo, sizeof(src->geo)) || src->upper != dst->upper)
		return pgd_fail(err, PGD_EINVAL, 0, PGD_NO_LEVEL, "geometry",
				"copy needs a destination tree of the same geometry and half");
	struct copy_ctx ctx = {.dst = dst, .err = err};
	ctx.dst_table[src->geo.start_level + 1] = dst->root_pa;
	uint64_t lo, hi;
	pgd_tree_va_range(src, &lo, &hi);
	return pgd_walk(src, lo, hi, PGD_WALK_PRESENT, copy_visit, &ctx, err);
}

/* ---- registers --------------------------------------------------------- */

uint64_t pgd_ttbr(const struct pgd_geometry *geo, uint64_t root_pa)
{
	/* 52-bit forms keep PA[51:48] in TTBR[5:2]. */
	if (geo->lpa || geo->lpa2)
		return (root_pa & ((1ULL << 48) - 1) & ~0x3fULL) | ((root_pa >> 48) & 0xf) << 2;
	return root_pa & ((1ULL << 48) - 1);
}

static uint64_t ips_field(unsigned pa_bits)
{
	switch (pa_bits) {
	case 32:
		return 0;
	case 36:
		return 1;
	case 40:
		return 2;
	case 42:
		return 3;
	case 44:
		return 4;
	case 48:
		return 5;
	default:
		return 6;
	}
}

uint64_t pgd_tcr(const struct pgd_geometry *lower, const struct pgd_geometry *upper)
{
	const uint64_t walk_attrs = 1ULL << 8 | 1ULL << 10 | 3ULL << 12; /* WBWA, inner shareable */
	uint64_t tcr = 0;
	unsigned pa_bits = 0;
	bool lpa2 = false;
	if (lower) {
		unsigned tg0 = lower->page_shift == 12 ? 0 : lower->page_shift == 16 ? 1 : 2;
		tcr |= (64 - lower->ia_bits) | walk_attrs | (uint64_t)tg0 << 14;
		pa_bits = lower->pa_bits;
		lpa2 = lower->lpa2;
	} else {
		tcr |= 1ULL << 7 | 25; /* EPD0, and a legal T0SZ */
	}
	if (upper) {
		unsigned tg1 = upper->page_shift == 12 ? 2 : upper->page_shift == 16 ? 3 : 1;
		tcr |=
		    (uint64_t)(64 - upper->ia_bits) << 16 | walk_attrs << 16 | (uint64_t)tg1 << 30;
		pa_bits = upper->pa_bits > pa_bits ? upper->pa_bits : pa_bits;
		lpa2 |= upper->lpa2;
	} else {
		tcr |= 1ULL << 23 | 25ULL << 16 | 2ULL << 30; /* EPD1, legal T1SZ/TG1 */
	}
	tcr |= ips_field(pa_bits) << 32;
	if (lpa2)
		tcr |= 1ULL << 59;
	return tcr;
}
