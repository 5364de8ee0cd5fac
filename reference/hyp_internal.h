/* reference's private helpers for the hypervisor regimes (ref_hyp.h):
 * descriptor decoding shared by the walk, range walk, lint, BBM and ptdump. */
#ifndef PGDFUZZ_REF_HYP_INTERNAL_H
#define PGDFUZZ_REF_HYP_INTERNAL_H

#include "internal.h"

/* Stage 2 and EL2 leaf fields (DDI0487 D8.3). */
#define HYP_S2_XN0 BIT(53) /* FEAT_XNX; EL2: PXN position, RES0 */
#define HYP_XN	   BIT(54)

static inline unsigned hyp_level_shift(const struct ref_hyp_regime *regime, int level)
{
	return ref_level_shift(regime->granule_shift, level);
}

static inline unsigned hyp_entries(const struct ref_hyp_regime *regime, int level)
{
	return level == regime->start_level ? regime->root_entries
					    : 1u << (regime->granule_shift - 3);
}

bool hyp_read_desc(const struct ref_hyp_regime *regime, const struct ref_mem *mem, uint64_t pa,
		   uint64_t *desc);
/* The first index in [i, n) whose entry is non-zero, else n. */
unsigned hyp_skip_zeros(const uint64_t *descs, unsigned i, unsigned n);
/* A whole table into descs (0 for an entry that cannot be read): one
 * mem->table lookup when the memory offers it, else entry by entry. */
void hyp_read_table(const struct ref_hyp_regime *regime, uint64_t pa, unsigned entries,
		    uint64_t *descs);
bool hyp_block_allowed(const struct ref_hyp_regime *regime, int level);
enum desc_kind hyp_desc_kind(const struct ref_hyp_regime *regime, uint64_t desc, int level);
uint64_t hyp_table_addr(const struct ref_hyp_regime *regime, uint64_t desc);
uint64_t hyp_leaf_oa(const struct ref_hyp_regime *regime, uint64_t desc, unsigned shift);
/* EL2 only: APTable[1] and XNTable on the way down. */
void hyp_table_accumulate(const struct ref_hyp_regime *regime, struct table_acc *acc,
			  uint64_t desc);
void hyp_leaf_attrs(const struct ref_hyp_regime *regime, uint64_t desc, int level,
		    const struct table_acc *acc, struct ref_hyp_attrs *attrs);
uint64_t hyp_res0_bits(const struct ref_hyp_regime *regime, uint64_t desc, int level,
		       enum desc_kind kind);
/* RES1 bits clear in a leaf (EL2 AP[1]). */
uint64_t hyp_res1_clear(const struct ref_hyp_regime *regime, uint64_t desc, enum desc_kind kind);

#endif
