/* Identity maps: the geometry grows with the highest PA, so RAM above the
 * configured VA range gets extra levels or a wider root, whichever the
 * architecture's start-level rule gives. */
#include "internal.h"

static unsigned bits_needed(uint64_t last)
{
	unsigned bits = 1;
	while (bits < 64 && (last >> bits))
		bits++;
	return bits;
}

/* The config whose geometry covers input addresses up to ia_bits. */
static struct pgd_config idmap_config(const struct pgd_geometry *base, const struct pgd_config *cfg,
				      unsigned ia_bits)
{
	struct pgd_config out = *cfg;
	if (ia_bits <= base->ia_bits)
		return out;
	unsigned per_level = base->page_shift - 3;
	int start = 3 - (int)((ia_bits - 1 - base->page_shift) / per_level);
	unsigned root_shift = base->page_shift + per_level * (unsigned)(3 - start);
	out.levels = (unsigned)(4 - start);
	out.root_entries = 1u << (ia_bits - root_shift);
	if (out.root_entries < 2) {
		/* A one-entry root is not architectural: take one more bit. */
		out.root_entries = 2;
	}
	return out;
}

int pgd_create_idmap(struct pgd_tree *tree, struct pgd_regs *regs, const struct pgd_config *base,
		     struct physmem *mem, struct pgd_mm_ops mm, const struct pgd_range *ranges,
		     size_t nranges, uint64_t prot, unsigned flags, struct pgd_error *err)
{
	struct pgd_geometry base_geo, geo;
	int ret = pgd_geometry_init(&base_geo, base, err);
	if (ret)
		return ret;
	uint64_t highest = 0;
	for (size_t i = 0; i < nranges; i++) {
		if (ranges[i].size == 0)
			continue;
		if (ranges[i].size - 1 > UINT64_MAX - ranges[i].base)
			return pgd_fail(err, PGD_EINVAL, ranges[i].base, PGD_NO_LEVEL, "wrap",
					"idmap range at 0x%llx wraps past 2^64",
					(unsigned long long)ranges[i].base);
		uint64_t last = ranges[i].base + ranges[i].size - 1;
		highest = last > highest ? last : highest;
	}
	if (highest >> base_geo.pa_bits)
		return pgd_fail(err, PGD_EINVAL, highest, PGD_NO_LEVEL, "pa-range",
				"idmap PA 0x%llx does not fit in %u PA bits",
				(unsigned long long)highest, base_geo.pa_bits);
	unsigned ia_bits = bits_needed(highest);
	struct pgd_config cfg = idmap_config(&base_geo, base, ia_bits);
	ret = pgd_geometry_init(&geo, &cfg, err);
	if (ret)
		return ret;
	ret = pgd_tree_init(tree, &geo, mem, mm, false, err);
	if (ret)
		return ret;
	for (size_t i = 0; i < nranges; i++) {
		ret =
		    pgd_map(tree, ranges[i].base, ranges[i].base, ranges[i].size, prot, flags, err);
		if (ret)
			return ret;
	}
	if (regs) {
		regs->ttbr0 = pgd_ttbr(&geo, tree->root_pa);
		regs->tcr = pgd_tcr(&geo, NULL);
		regs->mair = PGD_MAIR_DEFAULT;
		regs->sctlr = PGD_SCTLR_MMU_ON;
	}
	return PGD_OK;
}

int pgd_idmap_page(struct pgd_tree *tree, struct pgd_regs *regs, const struct pgd_config *base,
		   struct physmem *mem, struct pgd_mm_ops mm, uint64_t pa, struct pgd_error *err)
{
	uint64_t granule = base->granule ? base->granule : 4096;
	struct pgd_range page = {pa & ~(granule - 1), granule};
	return pgd_create_idmap(tree, regs, base, mem, mm, &page, 1, PGD_PROT_KERNEL_ROX, 0, err);
}
