/* reference's private helpers: descriptor decoding shared by the per-VA walk,
 * the range walk, lint, the BBM check and ptdump. */
#ifndef PGDFUZZ_REF_INTERNAL_H
#define PGDFUZZ_REF_INTERNAL_H

#include "ref.h"

#include <string.h>

#define BIT(n)		(1ULL << (n))
#define GENMASK(hi, lo) ((~0ULL >> (63 - (hi))) & ~((1ULL << (lo)) - 1))

/* Descriptor fields used here (Arm ARM D8.3; Linux pgtable-hwdef.h). */
#define DESC_VALID	   BIT(0)
#define DESC_TABLE	   BIT(1)
#define DESC_AF		   BIT(10)
#define DESC_NG		   BIT(11)
#define DESC_DBM	   BIT(51)
#define DESC_CONT	   BIT(52)
#define DESC_PXN	   BIT(53)
#define DESC_UXN	   BIT(54)
#define DESC_PXNTABLE	   BIT(59)
#define DESC_UXNTABLE	   BIT(60)
#define DESC_APTABLE_SHIFT 61

enum desc_kind { DESC_INVALID, DESC_IS_TABLE, DESC_IS_LEAF };

/* OR-accumulated hierarchical controls on the way down. */
struct table_acc {
	uint8_t ap;
	bool pxn, uxn;
};

static inline unsigned half_stride(const struct ref_half *half)
{
	return half->granule_shift - 3;
}

static inline __attribute__((always_inline)) unsigned half_level_shift(const struct ref_half *half,
								       int level)
{
	return ref_level_shift(half->granule_shift, level);
}

static inline __attribute__((always_inline)) unsigned half_entries(const struct ref_half *half,
								   int level)
{
	return level == half->start_level ? half->root_entries : 1u << half_stride(half);
}

bool ref_read_desc(const struct ref_regime *regime, const struct ref_mem *mem, uint64_t pa,
		   uint64_t *desc);

/* One table's descriptors for a scan: the memory's direct view of the whole
 * table when it offers one, else entry-by-entry ref_read_desc() (which keeps
 * the meaning of a failing read). Scans read every entry, often several
 * times, so one lookup per table instead of per entry is what makes them
 * cheap. */
/* An 8-byte load from host bytes. Not memcpy: the sanitizer build (-O1)
 * turns that into a checked library call per descriptor. */
typedef uint64_t ref_bytes64 __attribute__((may_alias));
static inline __attribute__((always_inline)) uint64_t ref_load64(const uint8_t *p)
{
	return *(const ref_bytes64 *)p;
}

/* ref_attrs_equal, inline for the range walk's merge of every piece. */
static inline __attribute__((always_inline)) bool attrs_equal(const struct ref_attrs *a,
							      const struct ref_attrs *b)
{
	return a->attr_index == b->attr_index && a->mair_attr == b->mair_attr &&
	       a->memtype == b->memtype && a->sh == b->sh && a->ap == b->ap &&
	       a->table_ap == b->table_ap && a->table_pxn == b->table_pxn &&
	       a->table_uxn == b->table_uxn && a->ng == b->ng && a->af == b->af &&
	       a->dbm == b->dbm && a->contiguous == b->contiguous && a->pxn == b->pxn &&
	       a->uxn == b->uxn && a->perms == b->perms;
}

struct table_view {
	const struct ref_regime *regime;
	const struct ref_mem *mem;
	uint64_t pa;
	const uint8_t *bytes; /* NULL: read through mem->read64 */
};

static inline struct table_view table_view_open(const struct ref_regime *regime,
						const struct ref_mem *mem, uint64_t pa,
						unsigned entries)
{
	struct table_view view = {regime, mem, pa, NULL};

	if (mem->table)
		view.bytes = mem->table(mem->ctx, pa, (size_t)entries * 8);
	return view;
}

static inline __attribute__((always_inline)) bool table_view_read(const struct table_view *view,
								  unsigned index, uint64_t *desc)
{
	uint64_t raw;

	if (!view->bytes)
		return ref_read_desc(view->regime, view->mem, view->pa + (uint64_t)index * 8, desc);
	/* Stored little-endian; SCTLR.EE=1 means the walker reads big-endian. */
	raw = ref_load64(view->bytes + (size_t)index * 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	raw = __builtin_bswap64(raw);
#endif
	*desc = view->regime->big_endian ? __builtin_bswap64(raw) : raw;
	return true;
}
/* The last index in [index, last] such that entries index..it are all 0
 * (index itself is assumed 0), scanning host bytes where the view has them:
 * a zero descriptor is invalid in either byte order, and sparse tables are
 * mostly zeros. */
static inline __attribute__((always_inline)) unsigned
table_view_zero_run(const struct table_view *view, unsigned index, unsigned last)
{
	if (!view->bytes)
		return index;
	const uint8_t *p = view->bytes + (size_t)index * 8;
	/* Eight entries at a time while they are all zero. */
	while (last - index >= 8) {
		uint64_t any = 0;
		for (int i = 1; i <= 8; i++)
			any |= ref_load64(p + 8 * i);
		if (any)
			break;
		index += 8;
		p += 64;
	}
	while (index < last) {
		if (ref_load64(p + 8))
			break;
		index++;
		p += 8;
	}
	return index;
}

/* Inline (even at the sanitizer build's -O1): every scan (lint, range walk,
 * BBM) asks this of every entry. */
static inline __attribute__((always_inline)) enum desc_kind
ref_desc_kind(const struct ref_regime *regime, const struct ref_half *half, uint64_t desc,
	      int level)
{
	if (!(desc & DESC_VALID))
		return DESC_INVALID;
	if (level == 3) /* 0b01 at L3 is reserved: invalid */
		return desc & DESC_TABLE ? DESC_IS_LEAF : DESC_INVALID;
	if (desc & DESC_TABLE)
		return DESC_IS_TABLE;
	return ref_block_allowed(regime, half, level) ? DESC_IS_LEAF : DESC_INVALID;
}
uint64_t ref_table_addr(const struct ref_half *half, uint64_t desc);
uint64_t ref_leaf_oa(const struct ref_half *half, uint64_t desc, unsigned shift);
void ref_table_accumulate(const struct ref_half *half, struct table_acc *acc, uint64_t desc);
void ref_leaf_attrs(const struct ref_regime *regime, const struct ref_half *half, uint64_t desc,
		    int level, const struct table_acc *acc, struct ref_attrs *attrs);
/* RES0 bits set in a descriptor of this kind at this level. */
uint64_t ref_res0_bits(const struct ref_regime *regime, const struct ref_half *half, uint64_t desc,
		       int level, enum desc_kind kind);
/* First VA of the half's range. */
static inline uint64_t half_base(const struct ref_half *half, bool upper)
{
	return upper ? ~0ULL << half->ia_bits : 0;
}

/* Open-addressing set of table PAs (lint, ptdump). */
struct pa_set {
	uint64_t *slots; /* pa + 1; 0 = empty */
	size_t cap, count;
};
int pa_set_add(struct pa_set *set, uint64_t pa); /* 1 added, 0 present, -1 no memory */
bool pa_set_has(const struct pa_set *set, uint64_t pa);
void pa_set_free(struct pa_set *set);

#endif
