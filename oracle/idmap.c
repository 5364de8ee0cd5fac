/* fuzz_idmap's judge: create_idmap over random RAM layouts (anywhere up to
 * the PA size) must identity-map every byte of every range with the asked
 * attributes, map nothing else, and return registers whose walk starts at
 * the level the architecture derives for the highest PA. */
#include "internal.h"

#include <string.h>

#define HARNESS "idmap"

static unsigned bits_for(uint64_t last)
{
	unsigned bits = 1;
	while (bits < 64 && (last >> bits))
		bits++;
	return bits;
}

void oracle_judge_idmap(struct oracle *oracle, const struct pgd_case *c,
			struct oracle_verdict *verdict)
{
	struct pgd_geometry base;
	struct pgd_error err;
	char geometry[48];
	physmem_reset(oracle->mem);
	for (unsigned i = 0; i < c->n_banks; i++)
		if (physmem_add_bank(oracle->mem, c->banks[i].base, c->banks[i].size, NULL)) {
			oracle_outcome(verdict, "not judged: RAM bank %u overlaps another", i);
			return;
		}
	if (pgd_geometry_init(&base, &c->geometry, &err)) {
		oracle_outcome(verdict, "not judged: core refuses the geometry (%s): %s",
			       err.rule ? err.rule : pgd_status_name(err.status), err.message);
		return;
	}

	struct pgd_range ranges[CASE_MAX_OPS];
	size_t nranges = 0;
	uint64_t prot = PGD_PROT_KERNEL_EXEC, highest = 0, page = pgd_granule(&base);
	unsigned flags = 0;
	bool valid = true;
	for (unsigned i = 0; i < c->n_ops; i++) {
		const struct case_op *op = &c->ops[i];
		if (op->kind != CASE_OP_IDMAP) {
			oracle_outcome(verdict,
				       "op %u %s: ignored (the idmap harness takes idmap "
				       "ranges)",
				       i, case_op_name(op->kind));
			continue;
		}
		oracle_outcome(verdict,
			       "op %u idmap pa=0x%llx size=0x%llx: range %zu of the idmap%s", i,
			       (unsigned long long)op->pa, (unsigned long long)op->size, nranges,
			       nranges ? " (prot and flags: those of the first range)" : "");
		/* One prot for the whole map: the first range's. Flags are the
		 * ones every range allows, so no range costs more descriptors
		 * than the case's work budget assumed for it. */
		if (nranges == 0) {
			prot = op->prot & PGD_PROT_MASK;
			flags = op->flags;
		}
		flags &= op->flags;
		ranges[nranges++] = (struct pgd_range){op->pa, op->size};
		if (!op->size)
			continue;
		if (op->size - 1 > UINT64_MAX - op->pa) {
			valid = false;
			continue;
		}
		uint64_t last = (op->pa + op->size - 1) | (page - 1);
		highest = last > highest ? last : highest;
	}
	if (!nranges) {
		oracle_outcome(verdict, "not judged: no idmap ranges");
		return;
	}
	if (highest >> base.pa_bits)
		valid = false;

	struct pgd_page_alloc pages;
	pgd_page_alloc_init(&pages, oracle->mem, page);
	pgd_page_alloc_limit(&pages, 1ULL << base.pa_bits);
	struct pgd_tree tree;
	struct pgd_regs regs;
	int ret = pgd_create_idmap(&tree, &regs, &c->geometry, oracle->mem,
				   pgd_page_alloc_ops(&pages), ranges, nranges, prot, flags, &err);
	snprintf(geometry, sizeof(geometry), "%uk-%u", (unsigned)(page >> 10), base.va_bits);
	if (ret == PGD_OK) {
		pgd_geometry_class(&tree.geo, geometry, sizeof(geometry));
		oracle_outcome(
		    verdict,
		    "create_idmap: ok, %s: TTBR0 0x%016llx TCR 0x%016llx, walk from level "
		    "%d with %u root entries",
		    geometry, (unsigned long long)regs.ttbr0, (unsigned long long)regs.tcr,
		    tree.geo.start_level, tree.geo.root_entries);
	} else {
		oracle_outcome(verdict, "create_idmap: refused (%s, rule %s): %s%s",
			       pgd_status_name(err.status), err.rule ? err.rule : "-", err.message,
			       valid ? "" : " (the ranges break the contract: expected)");
	}
	if (ret == PGD_OK && !valid) {
		oracle_finding(verdict, HARNESS, "accepted-invalid", geometry, PGD_NO_LEVEL,
			       "create_idmap accepted ranges reaching PA 0x%llx beyond %u PA bits",
			       (unsigned long long)highest, base.pa_bits);
		return;
	}
	if (ret == PGD_ENOMEM || (ret == PGD_EINVAL && !valid))
		return;
	if (ret != PGD_OK) {
		oracle_finding(verdict, HARNESS, "rejected-valid", geometry, err.level,
			       "create_idmap failed (%s): %s", pgd_status_name(err.status),
			       err.message);
		return;
	}
	verdict->ops_done = (unsigned)nranges;

	struct ref_regs ref_regs = {regs.tcr, regs.ttbr0, 0, regs.sctlr, regs.mair};
	struct ref_features features = oracle_features(&tree.geo);
	struct ref_mem mem = oracle_ref_mem(oracle->mem);
	struct ref_regime regime;
	char why[128];
	oracle->regs = ref_regs;
	oracle->features = features;
	oracle->have_tables = true;
	if (ref_regime_init(&regime, &ref_regs, &features, &mem, why, sizeof(why))) {
		oracle_finding(verdict, HARNESS, "bad-registers", geometry, PGD_NO_LEVEL,
			       "the reference walker rejects the returned registers: %s", why);
		return;
	}
	/* The walk must start where the architecture puts it for the smallest
	 * input size that reaches the highest PA. */
	unsigned ia_bits = bits_for(highest);
	if (ia_bits < base.ia_bits)
		ia_bits = base.ia_bits;
	int start = ref_start_level(base.page_shift, ia_bits);
	const struct ref_half *half = &regime.half[0];
	if (half->disabled || half->txsz_fault || half->start_level != start ||
	    half->ia_bits != ia_bits) {
		oracle_finding(verdict, HARNESS, "wrong-start-level", geometry, half->start_level,
			       "TCR 0x%016llx gives a %u-bit walk from level %d; PA 0x%llx needs "
			       "%u bits from level %d",
			       (unsigned long long)regs.tcr, half->ia_bits, half->start_level,
			       (unsigned long long)highest, ia_bits, start);
		return;
	}
	if (!oracle_check_lint(oracle, &regime, prot, HARNESS, geometry, verdict))
		return;

	/* Intent: the union of the page-widened ranges, identity mapped. */
	static struct oracle_piece pieces[CASE_MAX_OPS];
	size_t count = 0;
	for (size_t i = 0; i < nranges; i++) {
		if (!ranges[i].size)
			continue;
		uint64_t first = ranges[i].base & ~(page - 1);
		uint64_t last = (ranges[i].base + ranges[i].size - 1) | (page - 1);
		size_t at = count;
		while (at > 0 && pieces[at - 1].va > first) {
			pieces[at] = pieces[at - 1];
			at--;
		}
		pieces[at] = (struct oracle_piece){.op = -1,
						   .va = first,
						   .size = last - first + 1,
						   .pa = first,
						   .prot = prot,
						   .mapped = true};
		count++;
	}
	size_t merged = 0;
	for (size_t i = 0; i < count; i++) {
		struct oracle_piece *prev = merged ? &pieces[merged - 1] : NULL;
		uint64_t last = pieces[i].va + (pieces[i].size - 1);
		if (prev && pieces[i].va - 1 <= prev->va + (prev->size - 1)) {
			uint64_t prev_last = prev->va + (prev->size - 1);
			if (last > prev_last)
				prev->size = last - prev->va + 1;
			continue;
		}
		pieces[merged++] = pieces[i];
	}
	uint64_t mask = oracle_compare_mask(&tree.geo);
	uint64_t lo, hi;
	pgd_tree_va_range(&tree, &lo, &hi);
	oracle_check_intent(oracle, &regime, pieces, merged, lo, hi, mask, HARNESS, geometry,
			    verdict);
}
