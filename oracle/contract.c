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

struct refusal_ctx {
	uint64_t va, last, new_prot, mask;
	bool justified;
};

/* Does this interval give core a reason to refuse? Linux's
 * pgattr_change_is_safe(): only PXN, RDONLY, DBM, nG (global to
 * non-global) and Normal <-> Normal-Tagged may change on a live entry, never
 * a contiguous one; update also refuses to split a leaf. */
static int refusal_interval(void *opaque, const struct ref_interval *iv)
{
	struct refusal_ctx *ctx = opaque;
	if (!iv->has_leaf) {
		ctx->justified = true; /* a hole */
		return 1;
	}
	uint64_t old = ref_attrs_prot(&iv->attrs) & ctx->mask, new = ctx->new_prot & ctx->mask;
	uint64_t diff = old ^ new;
	if (!diff)
		return 0;
	uint64_t block = 1ULL << iv->block_shift;
	bool splits = (iv->va & ~(block - 1)) < ctx->va ||
		      ((iv->va + (iv->size - 1)) | (block - 1)) > ctx->last;
	uint64_t rest = diff & ~(PGD_PXN | PGD_AP_RDONLY | PGD_DBM | PGD_NG);
	if ((old & PGD_ATTR_INDX_MASK) <= PGD_ATTR_INDX(1) &&
	    (new &PGD_ATTR_INDX_MASK) <= PGD_ATTR_INDX(1))
		rest &= ~PGD_ATTR_INDX_MASK;
	if (iv->attrs.contiguous || splits || (old & PGD_NG & ~new) || rest) {
		ctx->justified = true;
		return 1;
	}
	return 0;
}

bool oracle_check_refusal(struct oracle *oracle, const struct pgd_tree *tree,
			  const struct case_op *op, uint64_t va, uint64_t last, uint64_t user_bits,
			  int level, const char *reason, const char *harness, const char *geometry,
			  struct oracle_verdict *verdict)
{
	const struct pgd_geometry *geo = &tree->geo;
	uint64_t mask = oracle_compare_mask(geo);
	uint64_t prot_mask = geo->lpa2 ? PGD_PROT_MASK & ~PGD_SH_MASK : PGD_PROT_MASK;
	/* Bits the reference's attributes do not show and that may not change
	 * (NS, GP, the ignored bits 59-62): with any in play the judge cannot
	 * tell. Software bits may always change, so they never need seeing. */
	if ((user_bits | op->prot) & prot_mask & ~mask & ~PGD_SW_MASK)
		return true;
	struct ref_regs regs = oracle_tree_regs(tree);
	struct ref_features features = oracle_features(geo);
	struct ref_mem mem = oracle_ref_mem(oracle->mem);
	struct ref_regime regime;
	char why[128];
	if (ref_regime_init(&regime, &regs, &features, &mem, why, sizeof(why)))
		return true;
	struct refusal_ctx ctx = {va, last, op->prot & prot_mask, mask, false};
	ref_range_walk(&regime, va, last, refusal_interval, &ctx);
	if (ctx.justified)
		return true;
	oracle_finding(verdict, harness, "refused-safe", geometry, level,
		       "update va=0x%llx size=0x%llx prot=0x%016llx was refused as unsafe (%s), "
		       "but every live entry of the range may change so without "
		       "break-before-make",
		       (unsigned long long)op->va, (unsigned long long)op->size,
		       (unsigned long long)op->prot,
		       reason && reason[0] ? reason : "no reason given");
	return false;
}
