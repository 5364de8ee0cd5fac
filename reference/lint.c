/* Structural lint: findings that are bugs even when every walk succeeds. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define MAX_TABLE_ENTRIES 8192 /* 64K granule */

struct lint {
	const struct ref_regime *regime;
	ref_finding_fn fn;
	void *ctx;
	int stop;
	struct pa_set visited;
	uint64_t path[REF_MAX_STEPS + 1]; /* tables on the current path */
	int depth;
	uint64_t *buf[REF_MAX_STEPS]; /* one table's descriptors per depth */
	bool nomem;
};

const char *ref_lint_kind_name(enum ref_lint_kind kind)
{
	static const char *const names[] = {
	    [REF_LINT_CONT_MISSING] = "cont-missing",
	    [REF_LINT_CONT_OA] = "cont-oa",
	    [REF_LINT_CONT_ATTRS] = "cont-attrs",
	    [REF_LINT_CONT_AF] = "cont-af-differs",
	    [REF_LINT_CONT_BEYOND_IA] = "cont-beyond-ia",
	    [REF_LINT_BLOCK_LEVEL] = "block-level",
	    [REF_LINT_RES0] = "res0",
	    [REF_LINT_TABLE_SHARED] = "table-shared",
	    [REF_LINT_TABLE_CYCLE] = "table-cycle",
	    [REF_LINT_TABLE_NOT_RAM] = "table-not-ram",
	    [REF_LINT_ROOT_BEYOND] = "root-beyond",
	    [REF_LINT_MAIR_RESERVED] = "mair-reserved",
	    [REF_LINT_TTBR_MISALIGNED] = "ttbr-misaligned",
	    [REF_LINT_RES1] = "res1",
	};

	if ((unsigned)kind < sizeof(names) / sizeof(names[0]) && names[kind])
		return names[kind];
	return "?";
}

static void report(struct lint *lint, enum ref_lint_kind kind, uint64_t va, int level,
		   uint64_t desc_pa, uint64_t desc, uint64_t detail)
{
	struct ref_finding finding = {kind, va, level, desc_pa, desc, detail};

	if (!lint->stop)
		lint->stop = lint->fn(lint->ctx, &finding);
}

static bool table_in_ram(const struct ref_regime *regime, uint64_t pa, uint64_t bytes)
{
	uint64_t probe;

	if (regime->mem.is_ram)
		return regime->mem.is_ram(regime->mem.ctx, pa, bytes);
	return regime->mem.read64(regime->mem.ctx, pa, &probe) &&
	       regime->mem.read64(regime->mem.ctx, pa + bytes - 8, &probe);
}

/* Attribute bits that must agree across a contiguous group. AF and the
 * dirty state (AP[2] with DBM) are compared separately: whether hardware
 * updates may make them differ is not settled, so that is a warning. */
static uint64_t cont_attr_bits(const struct ref_half *half)
{
	uint64_t bits = GENMASK(11, 2) | BIT(50) | DESC_DBM | DESC_CONT | DESC_PXN | DESC_UXN;

	bits &= ~DESC_AF;
	if (half->ds)
		bits &= ~GENMASK(9, 8); /* OA bits under LPA2 */
	return bits;
}

static void lint_cont_groups(struct lint *lint, const struct ref_half *half, int level,
			     uint64_t table, uint64_t table_va, const uint64_t *descs,
			     unsigned entries)
{
	const struct ref_regime *regime = lint->regime;
	unsigned group = ref_cont_entries(half->granule_shift, level);
	unsigned shift = half_level_shift(half, level);
	uint64_t block = BIT(shift);
	uint64_t attr_bits = cont_attr_bits(half);

	if (!group)
		return;
	for (unsigned start = 0; start < entries; start += group) {
		int first_member = -1;
		bool any = false;

		for (unsigned i = start; i < start + group && i < entries; i++)
			if ((descs[i] & DESC_CONT) &&
			    ref_desc_kind(regime, half, descs[i], level) == DESC_IS_LEAF) {
				any = true;
				if (first_member < 0)
					first_member = i;
			}
		if (!any)
			continue;
		if (entries < group) {
			report(lint, REF_LINT_CONT_BEYOND_IA, table_va + ((uint64_t)start << shift),
			       level, table + start * 8, descs[start], 0);
			continue;
		}

		uint64_t lead = descs[first_member];
		uint64_t base =
		    ref_leaf_oa(half, lead, shift) - (uint64_t)(first_member - start) * block;
		int oa_report = -1;
		bool attrs_bad = false, af_differs = false;

		for (unsigned i = start; i < start + group; i++) {
			uint64_t va = table_va + ((uint64_t)i << shift);
			uint64_t desc = descs[i];

			if (ref_desc_kind(regime, half, desc, level) != DESC_IS_LEAF ||
			    !(desc & DESC_CONT)) {
				report(lint, REF_LINT_CONT_MISSING, va, level, table + i * 8, desc,
				       0);
				continue;
			}
			if (oa_report < 0 &&
			    ref_leaf_oa(half, desc, shift) != base + (i - start) * block)
				oa_report = i;
			if (!attrs_bad && (desc & attr_bits) != (lead & attr_bits)) {
				attrs_bad = true;
				report(lint, REF_LINT_CONT_ATTRS, va, level, table + i * 8, desc,
				       (desc ^ lead) & attr_bits);
			} else if ((desc ^ lead) & DESC_AF) {
				af_differs = true;
			}
		}
		/* Linear but not aligned to the group size is just as wrong. */
		if (oa_report < 0 && (base & (group * block - 1)))
			oa_report = first_member;
		if (oa_report >= 0)
			report(lint, REF_LINT_CONT_OA, table_va + ((uint64_t)oa_report << shift),
			       level, table + oa_report * 8, descs[oa_report], 0);
		if (af_differs && !attrs_bad)
			report(lint, REF_LINT_CONT_AF, table_va + ((uint64_t)start << shift), level,
			       table + start * 8, descs[start], DESC_AF);
	}
}

static void lint_table(struct lint *lint, const struct ref_half *half, int level, uint64_t table,
		       uint64_t table_va)
{
	const struct ref_regime *regime = lint->regime;
	unsigned entries = half_entries(half, level);
	unsigned shift = half_level_shift(half, level);
	uint64_t *descs = lint->buf[lint->depth];
	struct table_view view = table_view_open(regime, &regime->mem, table, entries);

	if (view.bytes && !regime->big_endian && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
		memcpy(descs, view.bytes, (size_t)entries * 8); /* the common case, at once */
	else
		for (unsigned i = 0; i < entries; i++)
			if (!table_view_read(&view, i, &descs[i]))
				descs[i] = 0; /* reported by table_in_ram before we get here */

	lint->path[lint->depth] = table;
	for (unsigned i = 0; i < entries && !lint->stop; i++) {
		uint64_t desc = descs[i], desc_pa = table + i * 8;
		uint64_t va = table_va + ((uint64_t)i << shift);
		enum desc_kind kind = ref_desc_kind(regime, half, desc, level);
		uint64_t res0;

		if (!(desc & DESC_VALID))
			continue;
		if (kind == DESC_INVALID) {
			/* 0b01 where no block is allowed, or at L3 */
			report(lint, REF_LINT_BLOCK_LEVEL, va, level, desc_pa, desc, 0);
			continue;
		}
		res0 = ref_res0_bits(regime, half, desc, level, kind);
		if (res0)
			report(lint, REF_LINT_RES0, va, level, desc_pa, desc, res0);
		if (kind == DESC_IS_LEAF) {
			uint8_t attr = regime->regs.mair >> (8 * ((desc >> 2) & 7));
			if (ref_mair_decode(attr) == REF_MEM_RESERVED)
				report(lint, REF_LINT_MAIR_RESERVED, va, level, desc_pa, desc,
				       attr);
			continue;
		}

		uint64_t next = ref_table_addr(half, desc);
		bool on_path = false;

		if (next >> half->oa_bits)
			continue; /* the walk faults (Address size); nothing to descend */
		for (int d = 0; d <= lint->depth; d++)
			if (lint->path[d] == next)
				on_path = true;
		if (on_path) {
			report(lint, REF_LINT_TABLE_CYCLE, va, level, desc_pa, desc, next);
			continue;
		}
		if (!table_in_ram(regime, next, BIT(half->granule_shift))) {
			report(lint, REF_LINT_TABLE_NOT_RAM, va, level, desc_pa, desc, next);
			continue;
		}
		int added = pa_set_add(&lint->visited, next);
		if (added < 0) {
			lint->nomem = true;
			lint->stop = -1;
			return;
		}
		if (!added) {
			report(lint, REF_LINT_TABLE_SHARED, va, level, desc_pa, desc, next);
			continue;
		}
		lint->depth++;
		lint_table(lint, half, level + 1, next, va);
		lint->depth--;
		/* lint_table reused the deeper buffer only; ours is intact. */
	}
	if (!lint->stop)
		lint_cont_groups(lint, half, level, table, table_va, descs, entries);
}

static void lint_half(struct lint *lint, int upper)
{
	const struct ref_regime *regime = lint->regime;
	const struct ref_half *half = &regime->half[upper];
	uint64_t root = half->root_pa, granule = BIT(half->granule_shift);
	uint64_t base = half_base(half, upper);
	uint64_t root_bytes = (uint64_t)half->root_entries * 8;

	if (half->disabled || half->txsz_fault)
		return;
	if (half->ttbr_res0)
		report(lint, REF_LINT_TTBR_MISALIGNED, base, half->start_level, root,
		       upper ? regime->regs.ttbr1 : regime->regs.ttbr0, half->ttbr_res0);
	if (half->root_oor)
		return;
	if (!table_in_ram(regime, root, root_bytes)) {
		report(lint, REF_LINT_TABLE_NOT_RAM, base, half->start_level, root, 0, root);
		return;
	}
	/* A short root in its own page: the rest of that page must be zero,
	 * or a wider TnSZ would expose it. */
	if (!(root & (granule - 1)) && root_bytes < granule &&
	    table_in_ram(regime, root, granule)) {
		for (uint64_t pa = root + root_bytes; pa < root + granule && !lint->stop; pa += 8) {
			uint64_t desc;
			if (ref_read_desc(regime, &regime->mem, pa, &desc) && desc)
				report(lint, REF_LINT_ROOT_BEYOND, base, half->start_level, pa,
				       desc, (pa - root) / 8);
		}
	}
	int added = pa_set_add(&lint->visited, root);
	if (added < 0) {
		lint->nomem = true;
		lint->stop = -1;
		return;
	}
	if (!added) {
		report(lint, REF_LINT_TABLE_SHARED, base, half->start_level, root, 0, root);
		return;
	}
	lint->depth = 0;
	lint_table(lint, half, half->start_level, root, base);
}

int ref_lint(const struct ref_regime *regime, ref_finding_fn fn, void *ctx)
{
	struct lint lint;
	int ret;

	memset(&lint, 0, sizeof(lint));
	lint.regime = regime;
	lint.fn = fn;
	lint.ctx = ctx;
	if (!regime->mmu_on)
		return 0;
	/* One table's entries per level, allocated once and kept: fuzz
	 * harnesses lint millions of times (so ref_lint is not reentrant). */
	static uint64_t *buffers[REF_MAX_STEPS];
	for (int i = 0; i < REF_MAX_STEPS; i++) {
		if (!buffers[i])
			buffers[i] = malloc(MAX_TABLE_ENTRIES * sizeof(uint64_t));
		lint.buf[i] = buffers[i];
		if (!lint.buf[i])
			lint.nomem = true;
	}
	if (!lint.nomem) {
		lint_half(&lint, 0);
		if (!lint.stop)
			lint_half(&lint, 1);
	}
	ret = lint.nomem ? -1 : lint.stop;
	pa_set_free(&lint.visited);
	return ret;
}
