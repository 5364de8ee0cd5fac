/* Hypervisor regimes: range walk, lint, break-before-make check and ptdump
 * (the stage 1 counterparts are range.c, lint.c, bbm.c and ptdump.c). */
#include "hyp_internal.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* ---- Range walk -------------------------------------------------------- */

struct hyp_range {
	const struct ref_hyp_regime *regime;
	ref_hyp_interval_fn fn;
	void *ctx;
	int stop;
	bool have_pending;
	struct ref_hyp_interval pending;
};

static bool mergeable(const struct ref_hyp_interval *a, const struct ref_hyp_interval *b)
{
	if (a->ia + a->size != b->ia || b->ia == BIT(63))
		return false;
	if (a->fault != b->fault || a->level != b->level || a->has_leaf != b->has_leaf)
		return false;
	if (!a->has_leaf)
		return true;
	return a->block_shift == b->block_shift && a->pa + a->size == b->pa &&
	       ref_hyp_attrs_equal(&a->attrs, &b->attrs);
}

static void emit(struct hyp_range *walk, const struct ref_hyp_interval *piece)
{
	if (walk->stop)
		return;
	if (walk->have_pending && mergeable(&walk->pending, piece)) {
		walk->pending.size += piece->size;
		return;
	}
	if (walk->have_pending)
		walk->stop = walk->fn(walk->ctx, &walk->pending);
	walk->pending = *piece;
	walk->have_pending = true;
}

/* [first, last] with one outcome; split at 2^63 so sizes fit. */
static void emit_span(struct hyp_range *walk, uint64_t first, uint64_t last,
		      const struct ref_hyp_interval *shape)
{
	struct ref_hyp_interval piece = *shape;

	if (first < BIT(63) && last >= BIT(63)) {
		emit_span(walk, first, BIT(63) - 1, shape);
		if (piece.has_leaf)
			piece.pa += BIT(63) - first;
		first = BIT(63);
	}
	piece.ia = first;
	piece.size = last - first + 1;
	emit(walk, &piece);
}

static void emit_fault(struct hyp_range *walk, uint64_t first, uint64_t last, enum ref_fault type,
		       int level)
{
	struct ref_hyp_interval shape;

	memset(&shape, 0, sizeof(shape));
	shape.fault = type;
	shape.level = level;
	emit_span(walk, first, last, &shape);
}

static void range_leaf(struct hyp_range *walk, const struct ref_hyp_regime *regime, uint64_t desc,
		       int level, unsigned shift, uint64_t oa, uint64_t entry_ia, uint64_t a,
		       uint64_t b, const struct table_acc *acc);

static void range_table(struct hyp_range *walk, int level, uint64_t table, uint64_t table_ia,
			uint64_t first, uint64_t last, struct table_acc acc)
{
	const struct ref_hyp_regime *regime = walk->regime;
	unsigned shift = hyp_level_shift(regime, level);
	uint64_t entries = hyp_entries(regime, level);
	uint64_t lo = (first - table_ia) >> shift, hi = (last - table_ia) >> shift;

	for (uint64_t i = lo; i <= hi && i < entries && !walk->stop; i++) {
		uint64_t entry_ia = table_ia + (i << shift);
		uint64_t entry_last = entry_ia + (BIT(shift) - 1);
		uint64_t a = entry_ia < first ? first : entry_ia;
		uint64_t b = entry_last > last ? last : entry_last;
		uint64_t desc;

		if (!hyp_read_desc(regime, &regime->mem, table + i * 8, &desc)) {
			emit_fault(walk, a, b, REF_FAULT_EXTERNAL_ABORT, level);
			continue;
		}
		switch (hyp_desc_kind(regime, desc, level)) {
		case DESC_INVALID:
			emit_fault(walk, a, b, REF_FAULT_TRANSLATION, level);
			continue;
		case DESC_IS_TABLE: {
			uint64_t next = hyp_table_addr(regime, desc);
			struct table_acc below = acc;

			if (next >> regime->oa_bits) {
				emit_fault(walk, a, b, REF_FAULT_ADDRESS_SIZE, level);
				continue;
			}
			hyp_table_accumulate(regime, &below, desc);
			range_table(walk, level + 1, next, entry_ia, a, b, below);
			continue;
		}
		case DESC_IS_LEAF:
			break;
		}
		uint64_t oa = hyp_leaf_oa(regime, desc, shift);
		uint64_t room = BIT(regime->oa_bits) - oa; /* offsets below OAsize */

		if (oa >> regime->oa_bits) {
			emit_fault(walk, a, b, REF_FAULT_ADDRESS_SIZE, level);
			continue;
		}
		if (room < BIT(shift) && b - entry_ia >= room) {
			/* A block wider than what is left of OAsize: its top
			 * part faults (Address size). */
			uint64_t split = entry_ia + room;
			if (a < split)
				range_leaf(walk, regime, desc, level, shift, oa, entry_ia, a,
					   split - 1, &acc);
			emit_fault(walk, a > split ? a : split, b, REF_FAULT_ADDRESS_SIZE, level);
			continue;
		}
		range_leaf(walk, regime, desc, level, shift, oa, entry_ia, a, b, &acc);
	}
}

static void range_leaf(struct hyp_range *walk, const struct ref_hyp_regime *regime, uint64_t desc,
		       int level, unsigned shift, uint64_t oa, uint64_t entry_ia, uint64_t a,
		       uint64_t b, const struct table_acc *acc)
{
	struct ref_hyp_interval shape;

	memset(&shape, 0, sizeof(shape));
	shape.level = level;
	shape.has_leaf = true;
	shape.block_shift = shift;
	shape.pa = oa + (a - entry_ia);
	hyp_leaf_attrs(regime, desc, level, acc, &shape.attrs);
	if (!shape.attrs.af && !regime->ha)
		shape.fault = REF_FAULT_ACCESS_FLAG;
	emit_span(walk, a, b, &shape);
}

int ref_hyp_range_walk(const struct ref_hyp_regime *regime, uint64_t first, uint64_t last,
		       ref_hyp_interval_fn fn, void *ctx)
{
	struct hyp_range walk;
	struct table_acc acc = {0, false, false};

	if (first > last)
		return 0;
	memset(&walk, 0, sizeof(walk));
	walk.regime = regime;
	walk.fn = fn;
	walk.ctx = ctx;

	if (!regime->enabled) {
		uint64_t top = BIT(regime->pa_max) - 1;
		struct ref_hyp_result identity;

		if (first <= top) {
			struct ref_hyp_interval shape;

			ref_hyp_walk(regime, first, REF_HYP_TRANSLATE, &identity);
			memset(&shape, 0, sizeof(shape));
			shape.has_leaf = true;
			shape.block_shift = identity.block_shift;
			shape.pa = first;
			shape.attrs = identity.attrs;
			emit_span(&walk, first, last < top ? last : top, &shape);
		}
		if (last > top)
			emit_fault(&walk, first > top ? first : top + 1, last,
				   REF_FAULT_ADDRESS_SIZE, 0);
	} else {
		uint64_t top = BIT(regime->ia_bits) - 1;

		if (first <= top) {
			uint64_t end = last < top ? last : top;
			if (regime->config_fault)
				emit_fault(&walk, first, end, REF_FAULT_TRANSLATION, 0);
			else if (regime->root_oor)
				emit_fault(&walk, first, end, REF_FAULT_ADDRESS_SIZE, 0);
			else
				range_table(&walk, regime->start_level, regime->root_pa, 0, first,
					    end, acc);
		}
		if (last > top && !walk.stop)
			emit_fault(&walk, first > top ? first : top + 1, last,
				   REF_FAULT_TRANSLATION, 0);
	}
	if (walk.have_pending && !walk.stop)
		walk.stop = fn(ctx, &walk.pending);
	return walk.stop;
}

/* ---- Lint -------------------------------------------------------------- */

struct hyp_lint {
	const struct ref_hyp_regime *regime;
	ref_finding_fn fn;
	void *ctx;
	int stop;
	struct pa_set visited;
	uint64_t path[REF_MAX_STEPS + 1];
	int depth;
	uint64_t *buf[REF_MAX_STEPS];
	bool nomem;
};

static void report(struct hyp_lint *lint, enum ref_lint_kind kind, uint64_t ia, int level,
		   uint64_t desc_pa, uint64_t desc, uint64_t detail)
{
	struct ref_finding finding = {kind, ia, level, desc_pa, desc, detail};

	if (!lint->stop)
		lint->stop = lint->fn(lint->ctx, &finding);
}

static bool in_ram(const struct ref_hyp_regime *regime, uint64_t pa, uint64_t bytes)
{
	uint64_t probe;

	if (regime->mem.is_ram)
		return regime->mem.is_ram(regime->mem.ctx, pa, bytes);
	return regime->mem.read64(regime->mem.ctx, pa, &probe) &&
	       regime->mem.read64(regime->mem.ctx, pa + bytes - 8, &probe);
}

/* Bits that must agree across a contiguous group (AF compared apart). */
static uint64_t cont_attr_bits(const struct ref_hyp_regime *regime)
{
	uint64_t bits = GENMASK(11, 2) | BIT(50) | DESC_DBM | DESC_CONT | HYP_S2_XN0 | HYP_XN;

	bits &= ~DESC_AF;
	if (regime->ds)
		bits &= ~GENMASK(9, 8);
	return bits;
}

static void lint_cont(struct hyp_lint *lint, int level, uint64_t table, uint64_t table_ia,
		      const uint64_t *descs, unsigned entries)
{
	const struct ref_hyp_regime *regime = lint->regime;
	unsigned group = ref_cont_entries(regime->granule_shift, level);
	unsigned shift = hyp_level_shift(regime, level);
	uint64_t block = BIT(shift), attr_bits = cont_attr_bits(regime);

	if (!group)
		return;
	for (unsigned start = 0; start < entries && !lint->stop; start += group) {
		int lead_index = -1;

		for (unsigned i = start; i < start + group && i < entries; i++)
			if ((descs[i] & (DESC_VALID | DESC_CONT)) == (DESC_VALID | DESC_CONT) &&
			    hyp_desc_kind(regime, descs[i], level) == DESC_IS_LEAF) {
				lead_index = (int)i;
				break;
			}
		if (lead_index < 0)
			continue;
		if (entries < group) {
			report(lint, REF_LINT_CONT_BEYOND_IA, table_ia + ((uint64_t)start << shift),
			       level, table + start * 8, descs[start], 0);
			continue;
		}
		uint64_t lead = descs[lead_index];
		uint64_t base = hyp_leaf_oa(regime, lead, shift) -
				(uint64_t)((unsigned)lead_index - start) * block;
		int oa_report = -1;
		bool attrs_bad = false, af_differs = false;

		for (unsigned i = start; i < start + group; i++) {
			uint64_t ia = table_ia + ((uint64_t)i << shift), desc = descs[i];

			if (hyp_desc_kind(regime, desc, level) != DESC_IS_LEAF ||
			    !(desc & DESC_CONT)) {
				report(lint, REF_LINT_CONT_MISSING, ia, level, table + i * 8, desc,
				       0);
				continue;
			}
			if (oa_report < 0 &&
			    hyp_leaf_oa(regime, desc, shift) != base + (i - start) * block)
				oa_report = (int)i;
			if (!attrs_bad && (desc & attr_bits) != (lead & attr_bits)) {
				attrs_bad = true;
				report(lint, REF_LINT_CONT_ATTRS, ia, level, table + i * 8, desc,
				       (desc ^ lead) & attr_bits);
			} else if ((desc ^ lead) & DESC_AF) {
				af_differs = true;
			}
		}
		if (oa_report < 0 && (base & (group * block - 1)))
			oa_report = lead_index;
		if (oa_report >= 0)
			report(lint, REF_LINT_CONT_OA, table_ia + ((uint64_t)oa_report << shift),
			       level, table + (unsigned)oa_report * 8, descs[oa_report], 0);
		if (af_differs && !attrs_bad)
			report(lint, REF_LINT_CONT_AF, table_ia + ((uint64_t)start << shift), level,
			       table + start * 8, descs[start], DESC_AF);
	}
}

static void lint_table(struct hyp_lint *lint, int level, uint64_t table, uint64_t table_ia)
{
	const struct ref_hyp_regime *regime = lint->regime;
	unsigned entries = hyp_entries(regime, level);
	unsigned shift = hyp_level_shift(regime, level);
	uint64_t *descs = lint->buf[lint->depth];

	hyp_read_table(regime, table, entries, descs);
	lint->path[lint->depth] = table;
	for (unsigned i = 0; i < entries && !lint->stop; i++) {
		i = hyp_skip_zeros(descs, i, entries); /* sparse tables: mostly zeros */
		if (i >= entries)
			break;
		uint64_t desc = descs[i], desc_pa = table + i * 8;

		if (!(desc & DESC_VALID))
			continue;
		uint64_t ia = table_ia + ((uint64_t)i << shift);
		enum desc_kind kind = hyp_desc_kind(regime, desc, level);
		uint64_t bits;

		if (kind == DESC_INVALID) {
			report(lint, REF_LINT_BLOCK_LEVEL, ia, level, desc_pa, desc, 0);
			continue;
		}
		bits = hyp_res0_bits(regime, desc, level, kind);
		if (bits)
			report(lint, REF_LINT_RES0, ia, level, desc_pa, desc, bits);
		bits = hyp_res1_clear(regime, desc, kind);
		if (bits)
			report(lint, REF_LINT_RES1, ia, level, desc_pa, desc, bits);
		if (kind == DESC_IS_LEAF) {
			struct table_acc none = {0, false, false};
			struct ref_hyp_attrs attrs;

			hyp_leaf_attrs(regime, desc, level, &none, &attrs);
			if (attrs.memtype == REF_MEM_RESERVED)
				report(lint, REF_LINT_MAIR_RESERVED, ia, level, desc_pa, desc,
				       regime->kind == REF_HYP_EL2 ? attrs.mair_attr
								   : attrs.memattr);
			continue;
		}

		uint64_t next = hyp_table_addr(regime, desc);
		bool on_path = false;

		if (next >> regime->oa_bits)
			continue;
		for (int d = 0; d <= lint->depth; d++)
			if (lint->path[d] == next)
				on_path = true;
		if (on_path) {
			report(lint, REF_LINT_TABLE_CYCLE, ia, level, desc_pa, desc, next);
			continue;
		}
		if (!in_ram(regime, next, BIT(regime->granule_shift))) {
			report(lint, REF_LINT_TABLE_NOT_RAM, ia, level, desc_pa, desc, next);
			continue;
		}
		int added = pa_set_add(&lint->visited, next);
		if (added < 0) {
			lint->nomem = true;
			lint->stop = -1;
			return;
		}
		if (!added) {
			report(lint, REF_LINT_TABLE_SHARED, ia, level, desc_pa, desc, next);
			continue;
		}
		lint->depth++;
		lint_table(lint, level + 1, next, ia);
		lint->depth--;
	}
	if (!lint->stop)
		lint_cont(lint, level, table, table_ia, descs, entries);
}

int ref_hyp_lint(const struct ref_hyp_regime *regime, ref_finding_fn fn, void *ctx)
{
	struct hyp_lint lint;
	uint64_t root = regime->root_pa, granule = BIT(regime->granule_shift);
	uint64_t root_bytes = (uint64_t)regime->root_entries * 8;
	uint64_t ttbr = regime->kind == REF_HYP_EL2 ? regime->regs.ttbr : regime->regs.vttbr;
	int ret;

	if (!regime->enabled || regime->config_fault)
		return 0;
	memset(&lint, 0, sizeof(lint));
	lint.regime = regime;
	lint.fn = fn;
	lint.ctx = ctx;
	if (regime->ttbr_res0)
		report(&lint, REF_LINT_TTBR_MISALIGNED, 0, regime->start_level, root, ttbr,
		       regime->ttbr_res0);
	if (regime->root_oor || lint.stop)
		return lint.stop;
	if (!in_ram(regime, root, root_bytes)) {
		report(&lint, REF_LINT_TABLE_NOT_RAM, 0, regime->start_level, root, 0, root);
		return lint.stop;
	}
	/* One table's entries per level, kept between calls and grown when
	 * needed (the root may hold 16 concatenated 64K tables): the KVM
	 * harness lints after every operation, and fresh buffers each time
	 * were page faults (so, like ref_lint, this is not reentrant). */
	static uint64_t *buffers[REF_MAX_STEPS];
	static size_t capacity;
	size_t cap = regime->root_entries > 8192 ? regime->root_entries : 8192;
	if (cap > capacity) {
		for (int i = 0; i < REF_MAX_STEPS; i++) {
			free(buffers[i]);
			buffers[i] = malloc(cap * sizeof(uint64_t));
		}
		capacity = cap;
	}
	for (int i = 0; i < REF_MAX_STEPS; i++) {
		lint.buf[i] = buffers[i];
		if (!lint.buf[i]) {
			lint.nomem = true;
			capacity = 0; /* try again next time */
		}
	}
	/* A short root in its own page: the rest of the page must be zero. */
	if (!lint.nomem && !(root & (granule - 1)) && root_bytes < granule &&
	    in_ram(regime, root, granule)) {
		unsigned n = (unsigned)(granule / 8), i = regime->root_entries;
		uint64_t *page = lint.buf[0];

		hyp_read_table(regime, root, n, page);
		while (!lint.stop && (i = hyp_skip_zeros(page, i, n)) < n) {
			report(&lint, REF_LINT_ROOT_BEYOND, 0, regime->start_level, root + i * 8ULL,
			       page[i], i);
			i++;
		}
	}
	if (!lint.nomem && !lint.stop) {
		/* The root counts as visited: a table pointing back is a cycle. */
		if (pa_set_add(&lint.visited, root) < 0)
			lint.nomem = true;
		else
			lint_table(&lint, regime->start_level, root, 0);
	}
	ret = lint.nomem ? -1 : lint.stop;
	pa_set_free(&lint.visited);
	return ret;
}

/* ---- Break-before-make ------------------------------------------------- */

struct hyp_bbm {
	const struct ref_hyp_regime *regime;
	const struct ref_mem *before, *after;
	ref_bbm_fn fn;
	void *ctx;
	int stop;
};

/* Entries that fault are never cached: they count as invalid. */
static enum desc_kind live_kind(const struct ref_hyp_regime *regime, uint64_t desc, int level,
				uint64_t *oa)
{
	enum desc_kind kind = hyp_desc_kind(regime, desc, level);

	if (kind == DESC_IS_TABLE) {
		*oa = hyp_table_addr(regime, desc);
		return *oa >> regime->oa_bits ? DESC_INVALID : kind;
	}
	if (kind == DESC_IS_LEAF) {
		*oa = hyp_leaf_oa(regime, desc, hyp_level_shift(regime, level));
		if (*oa >> regime->oa_bits || (!(desc & DESC_AF) && !regime->ha))
			return DESC_INVALID;
	}
	return kind;
}

static const char *leaf_rule(const struct ref_hyp_regime *regime, uint64_t old, uint64_t new,
			     uint64_t old_oa, uint64_t new_oa, int level)
{
	struct table_acc none = {0, false, false};
	struct ref_hyp_attrs a, b;

	hyp_leaf_attrs(regime, old, level, &none, &a);
	hyp_leaf_attrs(regime, new, level, &none, &b);
	if (old_oa != new_oa)
		return "oa-change";
	if (regime->kind == REF_HYP_EL2 ? a.mair_attr != b.mair_attr : a.memattr != b.memattr)
		return "memtype-change";
	if (a.sh != b.sh)
		return "sh-change";
	if (a.contiguous != b.contiguous)
		return "cont-change";
	if (a.contiguous && old != new)
		return "cont-live-change";
	return NULL;
}

const char *ref_hyp_bbm_rule(const struct ref_hyp_regime *regime, int level, uint64_t old_desc,
			     uint64_t new_desc)
{
	uint64_t old_oa = 0, new_oa = 0;
	enum desc_kind old_kind, new_kind;

	if (level < regime->start_level || level > 3)
		return NULL;
	old_kind = live_kind(regime, old_desc, level, &old_oa);
	new_kind = live_kind(regime, new_desc, level, &new_oa);
	if (old_kind == DESC_INVALID || new_kind == DESC_INVALID)
		return NULL;
	if (old_kind == DESC_IS_TABLE && new_kind == DESC_IS_TABLE)
		return NULL; /* ref_hyp_bbm_check compares such tables underneath */
	if (old_kind == DESC_IS_TABLE)
		return "table-to-block";
	if (new_kind == DESC_IS_TABLE)
		return "block-to-table";
	return leaf_rule(regime, old_desc, new_desc, old_oa, new_oa, level);
}

static void bbm_compare(struct hyp_bbm *bbm, int level, uint64_t before_table, uint64_t after_table,
			uint64_t table_ia)
{
	const struct ref_hyp_regime *regime = bbm->regime;
	unsigned entries = hyp_entries(regime, level);
	unsigned shift = hyp_level_shift(regime, level);

	for (unsigned i = 0; i < entries && !bbm->stop; i++) {
		uint64_t before_pa = before_table + i * 8, after_pa = after_table + i * 8;
		uint64_t old, new, old_oa = 0, new_oa = 0;
		const char *rule;

		if (!hyp_read_desc(regime, bbm->before, before_pa, &old))
			continue;
		if (!hyp_read_desc(regime, bbm->after, after_pa, &new))
			new = 0;
		if (old == new &&before_pa == after_pa && bbm->before == bbm->after)
			continue;

		enum desc_kind old_kind = live_kind(regime, old, level, &old_oa);
		enum desc_kind new_kind = live_kind(regime, new, level, &new_oa);
		uint64_t ia = table_ia + ((uint64_t)i << shift);

		if (old_kind == DESC_INVALID || new_kind == DESC_INVALID)
			continue;
		if (old_kind == DESC_IS_TABLE && new_kind == DESC_IS_TABLE) {
			bbm_compare(bbm, level + 1, old_oa, new_oa, ia);
			continue;
		}
		if (old_kind == DESC_IS_TABLE)
			rule = "table-to-block";
		else if (new_kind == DESC_IS_TABLE)
			rule = "block-to-table";
		else
			rule = leaf_rule(regime, old, new, old_oa, new_oa, level);
		if (rule) {
			struct ref_bbm_finding finding = {rule,	    ia,	 level, before_pa,
							  after_pa, old, new};
			bbm->stop = bbm->fn(bbm->ctx, &finding);
		}
	}
}

int ref_hyp_bbm_check(const struct ref_hyp_regime *regime, const struct ref_mem *before,
		      const struct ref_mem *after, ref_bbm_fn fn, void *ctx)
{
	struct hyp_bbm bbm = {regime, before, after, fn, ctx, 0};

	if (!regime->enabled || regime->config_fault || regime->root_oor)
		return 0;
	bbm_compare(&bbm, regime->start_level, regime->root_pa, regime->root_pa, 0);
	return bbm.stop;
}

/* ---- ptdump ------------------------------------------------------------ */

struct hyp_dump {
	const struct ref_hyp_regime *regime;
	FILE *out;
	bool have, marked;
	struct ref_hyp_interval run;
	int error;
};

static const char *level_name(const struct ref_hyp_regime *regime, int level)
{
	switch (level) {
	case -1:
		return "PGD";
	case 0:
		return regime->start_level < 0 ? "P4D" : "PGD";
	case 1:
		return "PUD";
	case 2:
		return "PMD";
	default:
		return "PTE";
	}
}

static const char *s2_exec_name(uint8_t perms)
{
	bool x = perms & REF_HYP_PERM_X, x0 = perms & REF_HYP_PERM_X0;

	return x && x0 ? "X   " : x0 ? "XEL0" : x ? "XEL1" : "NX  ";
}

static void print_run(struct hyp_dump *dump)
{
	const struct ref_hyp_interval *run = &dump->run;
	const struct ref_hyp_attrs *a = &run->attrs;
	static const char units[] = "KMGTPE";
	const char *unit = units;
	uint64_t amount = run->size >> 10;
	bool s2 = dump->regime->kind == REF_HYP_STAGE2;
	FILE *out = dump->out;
	int n;

	if (!dump->marked) {
		dump->marked = true;
		if (fprintf(out, "---[ %s ]---\n", s2 ? "VTTBR_EL2" : "TTBR0_EL2") < 0)
			dump->error = -1;
	}
	while (!(amount & 1023) && unit[1]) {
		amount >>= 10;
		unit++;
	}
	n = fprintf(out, "0x%016" PRIx64 "-0x%016" PRIx64 " %9" PRIu64 "%c %s", run->ia,
		    run->ia + run->size, amount, *unit, level_name(dump->regime, run->level));
	if (s2)
		n |= fprintf(out, " %s %s %s", a->perms & REF_HYP_PERM_R ? "R" : "-",
			     a->perms & REF_HYP_PERM_W ? "W" : "-", s2_exec_name(a->perms));
	else
		n |= fprintf(out, " %s %s", a->perms & REF_HYP_PERM_W ? "RW" : "ro",
			     a->perms & REF_HYP_PERM_X ? "x " : "NX");
	n |= fprintf(out, " %s %s %s %s %s%s %s\n",
		     a->sh == 3	  ? "SHD"
		     : a->sh == 2 ? "OSH"
				  : "   ",
		     a->af ? "AF" : "  ", a->contiguous ? "CON" : "   ",
		     run->level < 3 ? "BLK" : "   ", a->dbm ? "DBM" : "   ",
		     a->table_ap || a->table_xn ? " TBL-LIMITED" : "",
		     a->mair_attr == REF_HYP_MAIR_S1 ? "MEM/S1" : ref_memtype_name(a->mair_attr));
	if (n < 0)
		dump->error = -1;
}

static int dump_interval(void *ctx, const struct ref_hyp_interval *iv)
{
	struct hyp_dump *dump = ctx;

	if (!iv->has_leaf) {
		if (dump->have)
			print_run(dump);
		dump->have = false;
		return dump->error;
	}
	if (dump->have && dump->run.ia + dump->run.size == iv->ia && dump->run.level == iv->level &&
	    dump->run.fault == iv->fault && ref_hyp_attrs_equal(&dump->run.attrs, &iv->attrs)) {
		dump->run.size += iv->size;
		return 0;
	}
	if (dump->have)
		print_run(dump);
	dump->run = *iv;
	dump->have = true;
	return dump->error;
}

int ref_hyp_ptdump(const struct ref_hyp_regime *regime, FILE *out)
{
	struct hyp_dump dump;

	memset(&dump, 0, sizeof(dump));
	dump.regime = regime;
	dump.out = out;
	ref_hyp_range_walk(regime, 0, ~0ULL, dump_interval, &dump);
	if (dump.have)
		print_run(&dump);
	return dump.error || ferror(out) ? -1 : 0;
}

struct hyp_raw {
	const struct ref_hyp_regime *regime;
	FILE *out;
	struct pa_set seen;
	int error;
};

static void raw_table(struct hyp_raw *raw, int level, uint64_t table)
{
	const struct ref_hyp_regime *regime = raw->regime;
	unsigned entries = hyp_entries(regime, level);
	int added = pa_set_add(&raw->seen, table);
	uint64_t desc;

	if (added <= 0) {
		if (added < 0)
			raw->error = -1;
		return;
	}
	if (fprintf(raw->out, "table pa=0x%" PRIx64 " level=%d entries=%u\n", table, level,
		    entries) < 0)
		raw->error = -1;
	for (unsigned i = 0; i < entries; i++)
		if (hyp_read_desc(regime, &regime->mem, table + i * 8, &desc) && desc)
			fprintf(raw->out, "  %u 0x%016" PRIx64 "\n", i, desc);
	if (level == 3)
		return;
	for (unsigned i = 0; i < entries && !raw->error; i++) {
		uint64_t next;

		if (!hyp_read_desc(regime, &regime->mem, table + i * 8, &desc) ||
		    hyp_desc_kind(regime, desc, level) != DESC_IS_TABLE)
			continue;
		next = hyp_table_addr(regime, desc);
		if (next >> regime->oa_bits || !regime->mem.read64(regime->mem.ctx, next, &desc))
			continue;
		raw_table(raw, level + 1, next);
	}
}

int ref_hyp_ptdump_raw(const struct ref_hyp_regime *regime, FILE *out)
{
	const struct ref_hyp_regs *regs = &regime->regs;
	struct hyp_raw raw;
	uint64_t probe;

	memset(&raw, 0, sizeof(raw));
	raw.regime = regime;
	raw.out = out;
	if (regime->kind == REF_HYP_EL2) {
		fprintf(out, "TCR_EL2 0x%016" PRIx64 "\n", regs->tcr);
		fprintf(out, "TTBR0_EL2 0x%016" PRIx64 "\n", regs->ttbr);
		fprintf(out, "MAIR_EL2 0x%016" PRIx64 "\n", regs->mair);
	} else {
		fprintf(out, "VTCR_EL2 0x%016" PRIx64 "\n", regs->vtcr);
		fprintf(out, "VTTBR_EL2 0x%016" PRIx64 "\n", regs->vttbr);
		fprintf(out, "HCR_EL2 0x%016" PRIx64 "\n", regs->hcr);
	}
	fprintf(out, "SCTLR_EL2 0x%016" PRIx64 "\n", regs->sctlr);
	if (regime->enabled && !regime->config_fault && !regime->root_oor &&
	    regime->mem.read64(regime->mem.ctx, regime->root_pa, &probe))
		raw_table(&raw, regime->start_level, regime->root_pa);
	pa_set_free(&raw.seen);
	return raw.error || ferror(out) ? -1 : 0;
}
