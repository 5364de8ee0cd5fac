/* ptdump: Linux-style (arch/arm64/mm/ptdump.c layout) and raw dumps. */
#include "internal.h"

#include <inttypes.h>
#include <string.h>

struct dump {
	const struct ref_regime *regime;
	FILE *out;
	bool have;
	struct ref_interval run; /* pending run of equal attributes */
	int marker;		 /* last half a marker was printed for, -1 none */
	int error;
	bool with_oa; /* runs also need contiguous output addresses; print them */
};

static const char *level_name(const struct ref_regime *regime, bool upper, int level)
{
	bool five = regime->half[upper].start_level < 0;

	switch (level) {
	case -1:
		return "PGD";
	case 0:
		return five ? "P4D" : "PGD";
	case 1:
		return "PUD";
	case 2:
		return "PMD";
	default:
		return "PTE";
	}
}

static void print_run(struct dump *dump)
{
	const struct ref_interval *run = &dump->run;
	const struct ref_attrs *a = &run->attrs;
	static const char units[] = "KMGTPE";
	const char *unit = units;
	uint64_t amount = run->size >> 10;
	FILE *out = dump->out;

	if (dump->marker != run->upper) {
		dump->marker = run->upper;
		if (fprintf(out, "---[ %s ]---\n", run->upper ? "TTBR1_EL1" : "TTBR0_EL1") < 0)
			dump->error = -1;
	}
	while (!(amount & 1023) && unit[1]) {
		amount >>= 10;
		unit++;
	}
	if (fprintf(out, "0x%016" PRIx64 "-0x%016" PRIx64 " %9" PRIu64 "%c %s", run->va,
		    run->va + run->size, amount, *unit,
		    level_name(dump->regime, run->upper, run->level)) < 0)
		dump->error = -1;
	if (dump->with_oa)
		fprintf(out, " -> 0x%013" PRIx64, run->pa);
	fprintf(out, " %s %s %s %s %s %s %s %s %s %s %s %s\n", a->ap & 1 ? "USR" : "   ",
		a->ap & 2 ? "ro" : "RW", a->pxn ? "NX" : "x ",
		a->sh == 3   ? "SHD"
		: a->sh == 2 ? "OSH"
			     : "   ",
		a->af ? "AF" : "  ", a->ng ? "NG" : "  ", a->contiguous ? "CON" : "   ",
		run->level < 3 ? "BLK" : "   ", a->uxn ? "UXN" : "   ", a->dbm ? "DBM" : "   ",
		a->table_ap || a->table_pxn || a->table_uxn ? "TBL-LIMITED" : "",
		ref_memtype_name(a->mair_attr));
}

/* Linux merges runs of equal attributes at one level, whatever the PA. */
static int dump_interval(void *ctx, const struct ref_interval *iv)
{
	struct dump *dump = ctx;

	if (!iv->has_leaf || iv->fault == REF_FAULT_EXTERNAL_ABORT) {
		if (dump->have)
			print_run(dump);
		dump->have = false;
		return dump->error;
	}
	if (dump->have && dump->run.va + dump->run.size == iv->va && dump->run.level == iv->level &&
	    dump->run.upper == iv->upper && dump->run.fault == iv->fault &&
	    ref_attrs_equal(&dump->run.attrs, &iv->attrs) &&
	    (!dump->with_oa || dump->run.pa + dump->run.size == iv->pa)) {
		dump->run.size += iv->size;
		return 0;
	}
	if (dump->have)
		print_run(dump);
	dump->run = *iv;
	dump->have = true;
	return dump->error;
}

int ref_ptdump_range(const struct ref_regime *regime, FILE *out, uint64_t first, uint64_t last,
		     bool with_oa)
{
	struct dump dump;

	memset(&dump, 0, sizeof(dump));
	dump.regime = regime;
	dump.out = out;
	dump.marker = -1;
	dump.with_oa = with_oa;
	/* The halves separately, so a run never spans the gap between them. */
	if (first < BIT(63))
		ref_range_walk(regime, first, last < BIT(63) ? last : BIT(63) - 1, dump_interval,
			       &dump);
	if (dump.have)
		print_run(&dump);
	dump.have = false;
	if (!dump.error && last >= BIT(63))
		ref_range_walk(regime, first > BIT(63) ? first : BIT(63), last, dump_interval,
			       &dump);
	if (dump.have)
		print_run(&dump);
	return dump.error || ferror(out) ? -1 : 0;
}

int ref_ptdump(const struct ref_regime *regime, FILE *out)
{
	return ref_ptdump_range(regime, out, 0, ~0ULL, false);
}

/* ---- Raw --------------------------------------------------------------- */

struct raw {
	const struct ref_regime *regime;
	FILE *out;
	struct pa_set seen;
	int error;
};

static void raw_table(struct raw *raw, const struct ref_half *half, int level, uint64_t table)
{
	const struct ref_regime *regime = raw->regime;
	unsigned entries = half_entries(half, level);
	int added = pa_set_add(&raw->seen, table);

	if (added <= 0) {
		if (added < 0)
			raw->error = -1;
		return;
	}
	if (fprintf(raw->out, "table pa=0x%" PRIx64 " level=%d entries=%u\n", table, level,
		    entries) < 0)
		raw->error = -1;
	for (unsigned i = 0; i < entries; i++) {
		uint64_t desc;
		if (ref_read_desc(regime, &regime->mem, table + i * 8, &desc) && desc)
			fprintf(raw->out, "  %u 0x%016" PRIx64 "\n", i, desc);
	}
	if (level == 3)
		return;
	for (unsigned i = 0; i < entries && !raw->error; i++) {
		uint64_t desc, next;
		if (!ref_read_desc(regime, &regime->mem, table + i * 8, &desc) ||
		    ref_desc_kind(regime, half, desc, level) != DESC_IS_TABLE)
			continue;
		next = ref_table_addr(half, desc);
		if (next >> half->oa_bits || !regime->mem.read64(regime->mem.ctx, next, &desc))
			continue;
		raw_table(raw, half, level + 1, next);
	}
}

int ref_ptdump_raw(const struct ref_regime *regime, FILE *out)
{
	const struct ref_regs *regs = &regime->regs;
	struct raw raw;

	memset(&raw, 0, sizeof(raw));
	raw.regime = regime;
	raw.out = out;
	fprintf(out, "TCR_EL1 0x%016" PRIx64 "\n", regs->tcr);
	fprintf(out, "TTBR0_EL1 0x%016" PRIx64 "\n", regs->ttbr0);
	fprintf(out, "TTBR1_EL1 0x%016" PRIx64 "\n", regs->ttbr1);
	fprintf(out, "MAIR_EL1 0x%016" PRIx64 "\n", regs->mair);
	fprintf(out, "SCTLR_EL1 0x%016" PRIx64 "\n", regs->sctlr);
	for (int upper = 0; upper < 2 && !raw.error; upper++) {
		const struct ref_half *half = &regime->half[upper];
		uint64_t probe;

		if (half->disabled || half->txsz_fault || half->root_oor ||
		    !regime->mem.read64(regime->mem.ctx, half->root_pa, &probe))
			continue;
		raw_table(&raw, half, half->start_level, half->root_pa);
	}
	pa_set_free(&raw.seen);
	return raw.error || ferror(out) ? -1 : 0;
}
