/* Checks of core's documented contract that the translation checks cannot
 * see: the geometry a config promises, and that an update refused as unsafe
 * had a reason. Found missing by the mutation benchmark (bench/mutants). */
#include "internal.h"

static unsigned log2_of(uint64_t value)
{
	unsigned bits = 0;
	while (value > 1) {
		value >>= 1;
		bits++;
	}
	return bits;
}

bool oracle_check_geometry(struct oracle *oracle, const struct pgd_config *config,
			   const struct pgd_tree *tree, const char *harness, const char *geometry,
			   struct oracle_verdict *verdict)
{
	struct ref_regs regs = oracle_tree_regs(tree);
	struct ref_features features = oracle_features(&tree->geo);
	struct ref_mem mem = oracle_ref_mem(oracle->mem);
	struct ref_regime regime;
	char why[128];
	if (ref_regime_init(&regime, &regs, &features, &mem, why, sizeof(why)))
		return true; /* oracle_judge_tables() reports bad registers */
	const struct ref_half *half = &regime.half[tree->upper];
	unsigned shift = log2_of(config->granule);
	int derived = ref_start_level(shift, config->va_bits);
	int start = config->levels ? 4 - (int)config->levels : derived;
	unsigned root_shift = ref_level_shift(shift, start);
	unsigned ia_bits = config->va_bits;
	if (config->root_entries)
		ia_bits = root_shift + log2_of(config->root_entries);
	else if (start < derived && root_shift + 1 > ia_bits)
		ia_bits = root_shift + 1; /* forced levels: the smallest root, 2 entries */
	if (half->ia_bits == ia_bits && half->start_level == start && !half->txsz_fault)
		return true;
	oracle_finding(verdict, harness, "wrong-geometry", geometry, half->start_level,
		       "granule=%u va_bits=%u levels=%u root_entries=%u gives a %u-bit walk from "
		       "level %d (%u root entries); the contract says %u bits from level %d",
		       config->granule, config->va_bits, config->levels, config->root_entries,
		       half->ia_bits, half->start_level, half->root_entries, ia_bits, start);
	return false;
}

/* Does the leaf give core a reason to refuse the update? Linux's
 * pgattr_change_is_safe(), on the raw descriptors: only PXN, RDONLY, DBM,
 * nG (global to non-global), the software bits and Normal <-> Normal-Tagged
 * may change on a live entry, never a contiguous one; update also refuses
 * to split a leaf. */
static bool refusal_reason(uint64_t old, uint64_t new, bool splits)
{
	uint64_t diff = old ^ new;
	if (!diff)
		return false;
	uint64_t rest = diff & ~(PGD_PXN | PGD_AP_RDONLY | PGD_DBM | PGD_NG | PGD_SW_MASK);
	if ((old & PGD_ATTR_INDX_MASK) <= PGD_ATTR_INDX(1) &&
	    (new &PGD_ATTR_INDX_MASK) <= PGD_ATTR_INDX(1))
		rest &= ~PGD_ATTR_INDX_MASK;
	return ((old | new) & PGD_CONT) || splits || (old & PGD_NG & ~new) || rest;
}

/* Leaves visited at most; a longer range is not judged (refusals are
 * checked leaf by leaf, on raw descriptors). */
#define REFUSAL_MAX_LEAVES 4096

bool oracle_check_refusal(struct oracle *oracle, const struct pgd_tree *tree,
			  const struct case_op *op, uint64_t va, uint64_t last, int level,
			  const char *reason, const char *harness, const char *geometry,
			  struct oracle_verdict *verdict)
{
	const struct pgd_geometry *geo = &tree->geo;
	uint64_t prot_mask = geo->lpa2 ? PGD_PROT_MASK & ~PGD_SH_MASK : PGD_PROT_MASK;
	struct ref_regs regs = oracle_tree_regs(tree);
	struct ref_features features = oracle_features(geo);
	struct ref_mem mem = oracle_ref_mem(oracle->mem);
	struct ref_regime regime;
	char why[128];
	if (ref_regime_init(&regime, &regs, &features, &mem, why, sizeof(why)))
		return true;
	uint64_t at = va;
	for (unsigned n = 0; n < REFUSAL_MAX_LEAVES; n++) {
		struct ref_result walk;
		ref_walk_regime(&regime, at, REF_TRANSLATE, &walk);
		if (!walk.has_leaf || !walk.nsteps)
			return true; /* a hole */
		uint64_t old = walk.steps[walk.nsteps - 1].desc;
		uint64_t new = (old & ~prot_mask) | (op->prot & prot_mask);
		uint64_t size = 1ULL << walk.block_shift, first = at & ~(size - 1);
		uint64_t leaf_last = first + (size - 1);
		if (refusal_reason(old, new, first < va || leaf_last > last))
			return true;
		if (leaf_last >= last)
			break;
		at = leaf_last + 1;
		if (n + 1 == REFUSAL_MAX_LEAVES)
			return true;
	}
	oracle_finding(verdict, harness, "refused-safe", geometry, level,
		       "update va=0x%llx size=0x%llx prot=0x%016llx was refused as unsafe (%s), "
		       "but every live entry of the range may change so without "
		       "break-before-make",
		       (unsigned long long)op->va, (unsigned long long)op->size,
		       (unsigned long long)op->prot,
		       reason && reason[0] ? reason : "no reason given");
	return false;
}
