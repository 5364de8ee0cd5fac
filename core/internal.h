/* core's private interface: the one level-generic walker the operations share. */
#ifndef PGDFUZZ_CORE_INTERNAL_H
#define PGDFUZZ_CORE_INTERNAL_H

#include "pgd.h"

int pgd_fail(struct pgd_error *err, enum pgd_status status, uint64_t va, int level,
	     const char *rule, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* One descriptor as the walker presents it to a visitor. */
struct pgd_visit {
	int level;
	unsigned index;	      /* index in its table */
	uint64_t table_pa;    /* table holding the descriptor */
	uint64_t desc_pa;     /* table_pa + 8 * index */
	uint64_t desc;	      /* value when visited */
	uint64_t entry_va;    /* first VA the entry maps */
	uint64_t entry_size;  /* VA bytes one entry maps */
	uint64_t first, last; /* the part of the walked range inside this entry */
};

/* Visitor results other than a pgd_status error. */
#define PGD_WALK_DESCEND 0  /* descend if the entry is (now) a table */
#define PGD_WALK_SKIP	 -1 /* do not descend */

typedef int (*pgd_visitor)(void *ctx, const struct pgd_visit *visit);

/* pgd_walk flags. PGD_WALK_PRESENT: visit only descriptors that are not 0
 * (copy has nothing to do for the others, and sparse tables are mostly
 * zeros). */
#define PGD_WALK_PRESENT 1u

/* Visit every descriptor covering [first, last] (inclusive, so the top of
 * the address space is expressible), depth first, in VA order. */
int pgd_walk(const struct pgd_tree *tree, uint64_t first, uint64_t last, unsigned flags,
	     pgd_visitor visitor, void *ctx, struct pgd_error *err);

static inline bool pgd_desc_is_table(uint64_t desc, int level)
{
	return level < 3 && (desc & 3) == 3;
}

/* A valid leaf by the architecture: page at L3, block where allowed. */
static inline bool pgd_desc_is_leaf(const struct pgd_geometry *geo, uint64_t desc, int level)
{
	if (level == 3)
		return (desc & 3) == 3;
	return (desc & 3) == 1 && pgd_block_allowed(geo, level);
}

/* Attribute bits a prot may set for this geometry (SH holds PA bits under
 * LPA2). */
static inline uint64_t pgd_prot_mask(const struct pgd_geometry *geo)
{
	return geo->lpa2 ? PGD_PROT_MASK & ~PGD_SH_MASK : PGD_PROT_MASK;
}

/* Allocate, zero and return a table page, or fail without side effects. */
int pgd_alloc_table(const struct pgd_tree *tree, int level, uint64_t va, uint64_t *pa,
		    struct pgd_error *err);

#endif
