/* Test fixture for the hypervisor regimes: register builders and a table
 * builder over physmem (tests only; the library never sees physmem). */
#ifndef PGDFUZZ_REF_TEST_HYP_FIXTURE_H
#define PGDFUZZ_REF_TEST_HYP_FIXTURE_H

#include "fixture.h"

/* TCR_EL2 (E2H=0) and VTCR_EL2 fields */
#define EL2_TCR_RES1 ((1ULL << 31) | (1ULL << 23))
#define EL2_TBI	     (1ULL << 20)
#define EL2_HA	     (1ULL << 21)
#define EL2_HD	     (1ULL << 22)
#define EL2_HPD	     (1ULL << 24)
#define EL2_DS	     (1ULL << 32)
#define VTCR_RES1    (1ULL << 31)
#define VTCR_HA	     (1ULL << 21)
#define VTCR_HD	     (1ULL << 22)
#define VTCR_DS	     (1ULL << 32)
#define VTCR_SL2     (1ULL << 33)
#define HCR_VM	     1ULL
#define HCR_FWB	     (1ULL << 46)
#define SCTLR_M	     1ULL
#define SCTLR_WXN    (1ULL << 19)

/* PS sits at [18:16] in both TCR_EL2 and VTCR_EL2. */
static inline uint64_t ps_field(unsigned pa_bits)
{
	return ips_field(pa_bits) >> 16;
}

static inline uint64_t el2_tcr(unsigned granule_shift, unsigned t0sz, unsigned pa_bits)
{
	return t0sz | tg0_bits(granule_shift) | ps_field(pa_bits) | EL2_TCR_RES1 | (3ULL << 12);
}

static inline uint64_t vtcr(unsigned granule_shift, unsigned t0sz, unsigned sl0, unsigned pa_bits)
{
	return t0sz | (uint64_t)sl0 << 6 | tg0_bits(granule_shift) | ps_field(pa_bits) | VTCR_RES1 |
	       (3ULL << 12);
}

/* Stage 2 leaf bits */
#define S2_MEMATTR(n) ((uint64_t)(n) << 2)
#define S2AP_R	      (1ULL << 6)
#define S2AP_W	      (1ULL << 7)
#define S2_XN1	      (1ULL << 54)
#define S2_XN0	      (1ULL << 53)
#define S2_NORMAL     (S2_MEMATTR(0xf) | D_ISH | D_AF) /* MT_S2_NORMAL */
#define S2_RW	      (S2_NORMAL | S2AP_R | S2AP_W)
/* EL2 leaf: AP[1] is RES1 */
#define EL2_AP1	     (1ULL << 6)
#define EL2_RW	     (D_AF | D_ISH | D_IDX(0) | EL2_AP1)
#define EL2_TABLE_XN (1ULL << 60)
#define EL2_TABLE_RO (1ULL << 62)

struct hyp_builder {
	struct physmem *pm;
	uint64_t next; /* bump allocator for table pages */
	uint64_t limit;
};

static inline void builder_init(struct hyp_builder *b, struct physmem *pm, uint64_t base,
				uint64_t size)
{
	physmem_reset(pm);
	physmem_add_bank(pm, base, size, NULL);
	b->pm = pm;
	b->next = base;
	b->limit = base + size;
}

/* `bytes` of zeroed table memory aligned to its size (>= 4K). */
static inline uint64_t builder_alloc(struct hyp_builder *b, uint64_t bytes)
{
	uint64_t pa = (b->next + bytes - 1) & ~(bytes - 1);

	if (pa + bytes > b->limit)
		return 0;
	physmem_zero(b->pm, pa, bytes);
	b->next = pa + bytes;
	return pa;
}

/* Write `leaf` at `level` for ia, creating tables (table_bits | pa | 3) on
 * the way from the regime's root. Returns the leaf's descriptor address. */
static inline uint64_t builder_map(struct hyp_builder *b, const struct ref_hyp_regime *r,
				   uint64_t ia, int level, uint64_t leaf, uint64_t table_bits)
{
	uint64_t table = r->root_pa, granule = 1ULL << r->granule_shift;

	for (int l = r->start_level;; l++) {
		unsigned shift = ref_level_shift(r->granule_shift, l);
		uint64_t entries = l == r->start_level ? r->root_entries : granule / 8;
		uint64_t pa = table + ((ia >> shift) & (entries - 1)) * 8, desc = 0;

		if (l == level) {
			physmem_write64(b->pm, pa, leaf);
			return pa;
		}
		physmem_read64(b->pm, pa, &desc);
		if ((desc & 3) != 3) {
			desc = builder_alloc(b, granule) | 3 | table_bits;
			physmem_write64(b->pm, pa, desc);
		}
		table = desc & 0x0000fffffffff000ULL & ~(granule - 1);
	}
}

#endif
