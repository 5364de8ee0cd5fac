/* Test fixture: physmem behind a ref_mem, plus register builders. Lives in
 * the tests so the library itself never depends on physmem. */
#ifndef PGDFUZZ_REF_TEST_FIXTURE_H
#define PGDFUZZ_REF_TEST_FIXTURE_H

#include "physmem.h"
#include "ref.h"

#include <stdlib.h>
#include <string.h>

static bool fixture_read64(void *ctx, uint64_t pa, uint64_t *value)
{
	return physmem_read64(ctx, pa, value);
}

static bool fixture_is_ram(void *ctx, uint64_t pa, uint64_t size)
{
	return physmem_is_ram(ctx, pa, size);
}

static const void *fixture_table(void *ctx, uint64_t pa, size_t bytes)
{
	return physmem_view(ctx, pa, bytes);
}

/* With whole-table views, as the oracle uses it. */
static inline struct ref_mem fixture_mem(struct physmem *pm)
{
	struct ref_mem mem = {pm, fixture_read64, fixture_is_ram, fixture_table};
	return mem;
}

/* Entry by entry only: the fallback every view must agree with. */
static inline struct ref_mem fixture_mem_per_entry(struct physmem *pm)
{
	struct ref_mem mem = {pm, fixture_read64, fixture_is_ram, NULL};
	return mem;
}

/* TG0 / TG1 encodings differ (aarch64-translation.md §1). */
static inline uint64_t tg0_bits(unsigned granule_shift)
{
	return (uint64_t)(granule_shift == 12 ? 0 : granule_shift == 16 ? 1 : 2) << 14;
}

static inline uint64_t tg1_bits(unsigned granule_shift)
{
	return (uint64_t)(granule_shift == 12 ? 2 : granule_shift == 16 ? 3 : 1) << 30;
}

static inline uint64_t ips_field(unsigned pa_bits)
{
	switch (pa_bits) {
	case 32:
		return 0ULL << 32;
	case 36:
		return 1ULL << 32;
	case 40:
		return 2ULL << 32;
	case 42:
		return 3ULL << 32;
	case 44:
		return 4ULL << 32;
	case 48:
		return 5ULL << 32;
	default:
		return 6ULL << 32;
	}
}

#define TCR_EPD0  (1ULL << 7)
#define TCR_EPD1  (1ULL << 23)
#define TCR_HA	  (1ULL << 39)
#define TCR_HD	  (1ULL << 40)
#define TCR_HPD0  (1ULL << 41)
#define TCR_HPD1  (1ULL << 42)
#define TCR_TBI0  (1ULL << 37)
#define TCR_E0PD0 (1ULL << 55)
#define TCR_DS	  (1ULL << 59)

/* Both halves with the same granule and size. */
static inline uint64_t tcr_both(unsigned granule_shift, unsigned txsz, unsigned pa_bits)
{
	return txsz | (uint64_t)txsz << 16 | tg0_bits(granule_shift) | tg1_bits(granule_shift) |
	       ips_field(pa_bits);
}

#define MAIR_LINUX 0x000000040044ffffULL /* 0 WB, 1 WB, 2 NC, 3 nGnRnE, 4 nGnRE */

/* Leaf bits */
#define D_VALID	 1ULL
#define D_TABLE	 3ULL
#define D_BLOCK	 1ULL
#define D_PAGE	 3ULL
#define D_IDX(n) ((uint64_t)(n) << 2)
#define D_USER	 (1ULL << 6)
#define D_RDONLY (1ULL << 7)
#define D_ISH	 (3ULL << 8)
#define D_AF	 (1ULL << 10)
#define D_NG	 (1ULL << 11)
#define D_DBM	 (1ULL << 51)
#define D_CONT	 (1ULL << 52)
#define D_PXN	 (1ULL << 53)
#define D_UXN	 (1ULL << 54)
#define D_PXNT	 (1ULL << 59)
#define D_UXNT	 (1ULL << 60)
#define D_APT(n) ((uint64_t)(n) << 61)

#define LEAF_RW (D_AF | D_ISH | D_IDX(0))

#endif
