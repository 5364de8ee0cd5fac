/* The shared judge: verdict bookkeeping, the intent and lint checks every
 * harness uses, and the libFuzzer-style entry point. */
#include "builtin.h"
#include "internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#ifdef PGDFUZZ_HAVE_EMULATE
#include "emu.h"
#endif

struct oracle *oracle_new(void)
{
	struct oracle *oracle = calloc(1, sizeof(*oracle));
	if (!oracle)
		return NULL;
	oracle->mem = physmem_new();
	oracle->before = physmem_new();
	if (!oracle->mem || !oracle->before) {
		oracle_free(oracle);
		return NULL;
	}
	return oracle;
}

void oracle_free(struct oracle *oracle)
{
	if (!oracle)
		return;
#ifdef PGDFUZZ_HAVE_EMULATE
	emu_free(oracle->emu);
#endif
	physmem_free(oracle->mem);
	physmem_free(oracle->before);
	free(oracle);
}

static void append(struct oracle_verdict *verdict, const char *fmt, va_list ap)
{
	size_t used = strlen(verdict->detail);
	if (used + 1 < sizeof(verdict->detail))
		vsnprintf(verdict->detail + used, sizeof(verdict->detail) - used, fmt, ap);
}

void oracle_detail(struct oracle_verdict *verdict, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	append(verdict, fmt, ap);
	va_end(ap);
}

void oracle_set_copy_budget(struct oracle *oracle, uint64_t bytes)
{
	oracle->copy_budget = bytes;
}

void oracle_set_outcomes(struct oracle *oracle, bool on)
{
	oracle->quiet = !on;
}

void oracle_outcome(struct oracle_verdict *verdict, const char *fmt, ...)
{
	if (verdict->quiet)
		return;
	size_t used = strlen(verdict->outcomes);
	if (used + 2 >= sizeof(verdict->outcomes))
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(verdict->outcomes + used, sizeof(verdict->outcomes) - used - 1, fmt, ap);
	va_end(ap);
	strcat(verdict->outcomes, "\n");
}

void oracle_finding(struct oracle_verdict *verdict, const char *harness, const char *kind,
		    const char *geometry, int level, const char *fmt, ...)
{
	if (verdict->finding)
		return;
	verdict->finding = true;
	if (level >= -1 && level <= 3)
		snprintf(verdict->signature, sizeof(verdict->signature), "%s:%s:%s:L%d", harness,
			 kind, geometry, level);
	else
		snprintf(verdict->signature, sizeof(verdict->signature), "%s:%s:%s:L-", harness,
			 kind, geometry);
	va_list ap;
	va_start(ap, fmt);
	append(verdict, fmt, ap);
	va_end(ap);
	oracle_detail(verdict, "\n");
}

void oracle_detail_chain(struct oracle_verdict *verdict, const struct ref_result *walk)
{
	oracle_detail(verdict, "  descriptor chain for VA 0x%016llx (%s half):\n",
		      (unsigned long long)walk->va, walk->upper ? "TTBR1" : "TTBR0");
	for (unsigned i = 0; i < walk->nsteps; i++)
		oracle_detail(verdict, "    L%-2d desc at PA 0x%013llx = 0x%016llx\n",
			      walk->steps[i].level, (unsigned long long)walk->steps[i].pa,
			      (unsigned long long)walk->steps[i].desc);
	if (walk->fault != REF_FAULT_NONE)
		oracle_detail(verdict, "    => %s fault at level %d\n", ref_fault_name(walk->fault),
			      walk->level);
	else
		oracle_detail(verdict, "    => PA 0x%013llx, level %d leaf, prot 0x%016llx\n",
			      (unsigned long long)walk->pa, walk->level,
			      (unsigned long long)ref_attrs_prot(&walk->attrs));
}

static bool mem_read64(void *ctx, uint64_t pa, uint64_t *value)
{
	return physmem_read64(ctx, pa, value);
}

static bool mem_is_ram(void *ctx, uint64_t pa, uint64_t size)
{
	return physmem_is_ram(ctx, pa, size);
}

static const void *mem_table(void *ctx, uint64_t pa, size_t bytes)
{
	return physmem_view(ctx, pa, bytes);
}

struct ref_mem oracle_ref_mem(const struct physmem *mem)
{
	return (struct ref_mem){(void *)mem, mem_read64, mem_is_ram, mem_table};
}

struct ref_features oracle_features(const struct pgd_geometry *geo)
{
	return (struct ref_features){
	    .pa_bits = geo->pa_bits,
	    .lpa = geo->lpa,
	    .lpa2 = geo->lpa2,
	    .lva = geo->lpa,
	};
}

struct ref_regs oracle_tree_regs(const struct pgd_tree *tree)
{
	uint64_t ttbr = pgd_ttbr(&tree->geo, tree->root_pa);
	return (struct ref_regs){
	    .tcr = tree->upper ? pgd_tcr(NULL, &tree->geo) : pgd_tcr(&tree->geo, NULL),
	    .ttbr0 = tree->upper ? 0 : ttbr,
	    .ttbr1 = tree->upper ? ttbr : 0,
	    .sctlr = PGD_SCTLR_MMU_ON,
	    .mair = PGD_MAIR_DEFAULT,
	};
}

/* ---- intent check ------------------------------------------------------ */

struct intent_walk {
	struct oracle *oracle;
	const struct ref_regime *regime;
	const struct oracle_piece *pieces;
	size_t count, next;
	uint64_t mask;
	const char *harness, *geometry;
	struct oracle_verdict *verdict;
};

static int diverge(struct intent_walk *w, const char *kind, uint64_t va,
		   const struct oracle_piece *piece, const struct ref_interval *got)
{
	struct ref_result walk;
	ref_walk_regime(w->regime, va, REF_TRANSLATE, &walk);
	int level = got->level;
	oracle_finding(w->verdict, w->harness, kind, w->geometry, level,
		       "first divergence at VA 0x%016llx:", (unsigned long long)va);
	w->verdict->located = true;
	w->verdict->where = va;
	w->verdict->focused = true;
	w->verdict->focus = va;
	if (piece && piece->mapped && piece->op >= 0)
		oracle_detail(w->verdict,
			      "  expected: PA 0x%013llx prot 0x%016llx (compared bits 0x%016llx), "
			      "as op %d mapped it\n",
			      (unsigned long long)(piece->pa + (va - piece->va)),
			      (unsigned long long)(piece->prot & w->mask),
			      (unsigned long long)w->mask, piece->op);
	else if (piece && piece->mapped)
		oracle_detail(w->verdict,
			      "  expected: PA 0x%013llx prot 0x%016llx (compared bits 0x%016llx)\n",
			      (unsigned long long)(piece->pa + (va - piece->va)),
			      (unsigned long long)(piece->prot & w->mask),
			      (unsigned long long)w->mask);
	else
		oracle_detail(w->verdict, "  expected: not mapped\n");
	if (got->has_leaf)
		oracle_detail(w->verdict, "  actual:   PA 0x%013llx prot 0x%016llx (%s)\n",
			      (unsigned long long)(got->pa + (va - got->va)),
			      (unsigned long long)(ref_attrs_prot(&got->attrs) & w->mask),
			      got->fault ? ref_fault_name(got->fault) : "mapped");
	else
		oracle_detail(w->verdict, "  actual:   %s fault at level %d\n",
			      ref_fault_name(got->fault), got->level);
	oracle_detail_chain(w->verdict, &walk);
	return 1;
}

/* Does the interval (from va on, for len bytes) match the piece? */
static int match_piece(struct intent_walk *w, const struct ref_interval *got, uint64_t va,
		       const struct oracle_piece *piece)
{
	bool maps = got->has_leaf &&
		    (got->fault == REF_FAULT_NONE ||
		     (got->fault == REF_FAULT_ACCESS_FLAG && piece && !(piece->prot & PGD_AF)));
	if (!piece || !piece->mapped) {
		if (got->has_leaf &&
		    (got->fault == REF_FAULT_NONE || got->fault == REF_FAULT_ACCESS_FLAG))
			return diverge(w, "extra-mapping", va, NULL, got);
		if (got->fault != REF_FAULT_TRANSLATION)
			return diverge(w, "bad-fault", va, NULL, got);
		return 0;
	}
	if (piece->either) {
		/* An allocation failed inside this piece: the old state or the
		 * asked one are both fine, anything else is not. */
		uint64_t got_pa = got->pa + (va - got->va), prot = ref_attrs_prot(&got->attrs);
		if (!maps && !piece->prev_mapped && got->fault == REF_FAULT_TRANSLATION)
			return 0;
		if (maps && piece->prev_mapped && got_pa == piece->prev_pa + (va - piece->va) &&
		    !((prot ^ piece->prev_prot) & w->mask))
			return 0;
	}
	if (!maps) {
		if (piece->either && got->fault == REF_FAULT_TRANSLATION)
			return 0;
		return diverge(w, "unmapped", va, piece, got);
	}
	if (got->pa + (va - got->va) != piece->pa + (va - piece->va))
		return diverge(w, "wrong-pa", va, piece, got);
	if ((ref_attrs_prot(&got->attrs) ^ piece->prot) & w->mask)
		return diverge(w, "wrong-attrs", va, piece, got);
	return 0;
}

static int intent_interval(void *ctx, const struct ref_interval *got)
{
	struct intent_walk *w = ctx;
	uint64_t va = got->va, last = got->va + (got->size - 1);
	for (;;) {
		/* Skip pieces that end before va. */
		while (w->next < w->count &&
		       w->pieces[w->next].va + (w->pieces[w->next].size - 1) < va)
			w->next++;
		const struct oracle_piece *piece = NULL;
		uint64_t seg_last = last;
		if (w->next < w->count) {
			const struct oracle_piece *p = &w->pieces[w->next];
			if (p->va <= va) {
				piece = p;
				uint64_t p_last = p->va + (p->size - 1);
				seg_last = p_last < last ? p_last : last;
			} else if (p->va - 1 < last) {
				seg_last = p->va - 1; /* a gap up to the next piece */
			}
		}
		int ret = match_piece(w, got, va, piece);
		if (ret)
			return ret;
		if (seg_last == last)
			return 0;
		va = seg_last + 1;
	}
}

bool oracle_check_intent(struct oracle *oracle, const struct ref_regime *regime,
			 const struct oracle_piece *pieces, size_t count, uint64_t first,
			 uint64_t last, uint64_t compare_mask, const char *harness,
			 const char *geometry, struct oracle_verdict *verdict)
{
	struct intent_walk w = {oracle,	      regime,  pieces,	 count,	 0,
				compare_mask, harness, geometry, verdict};
	return ref_range_walk(regime, first, last, intent_interval, &w) == 0;
}

/* ---- lint -------------------------------------------------------------- */

struct lint_ctx {
	uint64_t user_bits;
	const struct ref_regime *regime;
	const char *harness, *geometry;
	struct oracle_verdict *verdict;
};

/* What each lint rule means, for a reader who does not know the codes. */
static const char *lint_meaning(enum ref_lint_kind kind)
{
	switch (kind) {
	case REF_LINT_CONT_MISSING:
		return "a contiguous group (entries sharing one TLB entry) has a member without "
		       "the contiguous bit, or one that is not a valid leaf: the group is "
		       "misprogrammed (Arm ARM D8.6.1), the TLB may use any member's translation";
	case REF_LINT_CONT_OA:
		return "the members of a contiguous group do not map one aligned output block";
	case REF_LINT_CONT_ATTRS:
		return "the members of a contiguous group have different attributes";
	case REF_LINT_CONT_BEYOND_IA:
		return "a contiguous group is wider than the (short) root table";
	case REF_LINT_BLOCK_LEVEL:
		return "a block descriptor at a level this geometry allows no blocks at (or an L3 "
		       "entry of type 0b01): a translation fault";
	case REF_LINT_RES0:
		return "RES0 bits are set in the descriptor (detail: the bits)";
	case REF_LINT_TABLE_SHARED:
		return "one table page is reachable from two table descriptors";
	case REF_LINT_TABLE_CYCLE:
		return "a table is reachable from itself";
	case REF_LINT_TABLE_NOT_RAM:
		return "a table (or the root) lies outside RAM";
	case REF_LINT_ROOT_BEYOND:
		return "a non-zero entry beyond the root's entry count";
	case REF_LINT_MAIR_RESERVED:
		return "a live leaf uses a reserved MAIR encoding";
	default:
		return "see reference/ref.h";
	}
}

static int lint_finding(void *opaque, const struct ref_finding *f)
{
	struct lint_ctx *ctx = opaque;
	/* RES0 bits the case asked for in a raw prot are the case's doing. */
	if (f->kind == REF_LINT_RES0 && !(f->detail & ~ctx->user_bits))
		return 0;
	if (f->kind == REF_LINT_CONT_AF)
		return 0; /* a warning only */
	char kind[48];
	snprintf(kind, sizeof(kind), "lint-%s", ref_lint_kind_name(f->kind));
	oracle_finding(ctx->verdict, ctx->harness, kind, ctx->geometry, f->level,
		       "lint: %s at VA 0x%016llx, level %d, descriptor at PA 0x%llx = 0x%016llx "
		       "(detail 0x%llx)",
		       ref_lint_kind_name(f->kind), (unsigned long long)f->va, f->level,
		       (unsigned long long)f->desc_pa, (unsigned long long)f->desc,
		       (unsigned long long)f->detail);
	oracle_detail(ctx->verdict, "  what it means: %s\n", lint_meaning(f->kind));
	ctx->verdict->focused = true;
	ctx->verdict->focus = f->va;
	if (!ctx->regime)
		return 1;
	struct ref_result walk;
	ref_walk_regime(ctx->regime, f->va, REF_TRANSLATE, &walk);
	oracle_detail(ctx->verdict, "  what the walk gives:\n");
	oracle_detail_chain(ctx->verdict, &walk);
	/* A contiguous group: every member, so the odd one out shows. */
	const struct ref_half *half = &ctx->regime->half[walk.upper];
	unsigned members = f->level >= 0 ? ref_cont_entries(half->granule_shift, f->level) : 0;
	bool cont = f->kind == REF_LINT_CONT_MISSING || f->kind == REF_LINT_CONT_OA ||
		    f->kind == REF_LINT_CONT_ATTRS;
	if (!cont || !members || members > 128 || f->level > 3)
		return 1;
	unsigned shift = half->granule_shift + (3 - (unsigned)f->level) * (half->granule_shift - 3);
	uint64_t span = (uint64_t)members << shift;
	uint64_t first = f->va & ~(span - 1);
	uint64_t table_entry = f->desc_pa & ~((uint64_t)members * 8 - 1);
	oracle_detail(ctx->verdict,
		      "  the contiguous group: VA 0x%016llx-0x%016llx, %u entries at level %d "
		      "from PA 0x%llx:\n",
		      (unsigned long long)first, (unsigned long long)(first + span - 1), members,
		      f->level, (unsigned long long)table_entry);
	unsigned reported = (unsigned)((f->desc_pa - table_entry) / 8), skipped = 0;
	for (unsigned i = 0; i < members; i++) {
		/* Large groups (128 entries for 16K): the members near the
		 * reported one. */
		if (members > 16 && (i + 4 < reported || i > reported + 4)) {
			skipped++;
			continue;
		}
		uint64_t desc = 0;
		bool read =
		    ctx->regime->mem.read64(ctx->regime->mem.ctx, table_entry + 8ULL * i, &desc);
		oracle_detail(ctx->verdict, "    [%2u] VA 0x%016llx desc 0x%016llx %s%s\n", i,
			      (unsigned long long)(first + ((uint64_t)i << shift)),
			      (unsigned long long)desc,
			      !read	       ? "(unreadable)"
			      : !(desc & 1)    ? "invalid"
			      : desc >> 52 & 1 ? "contiguous"
					       : "NOT contiguous",
			      table_entry + 8ULL * i == f->desc_pa ? "   <- reported" : "");
	}
	if (skipped)
		oracle_detail(ctx->verdict, "    (%u more members not shown)\n", skipped);
	return 1;
}

bool oracle_check_lint(struct oracle *oracle, const struct ref_regime *regime, uint64_t user_bits,
		       const char *harness, const char *geometry, struct oracle_verdict *verdict)
{
	(void)oracle;
	struct lint_ctx ctx = {user_bits, regime, harness, geometry, verdict};
	return ref_lint(regime, lint_finding, &ctx) == 0;
}

/* ---- entry points ------------------------------------------------------ */

void oracle_run(struct oracle *oracle, const struct pgd_case *c, struct oracle_verdict *verdict)
{
	memset(verdict, 0, sizeof(*verdict));
	verdict->quiet = oracle->quiet;
	oracle->have_tables = false;
	oracle->tables_of[0] = '\0';
	switch (c->harness) {
	case CASE_HARNESS_BUILDER:
	case CASE_HARNESS_IDMAP:
		/* core is a target like any other, its signatures named after
		 * the harness ("builder:", "idmap:"). */
		oracle_run_target(oracle, &pgdfuzz_core_target, case_harness_name(c->harness), c,
				  verdict);
		break;
	case CASE_HARNESS_RELOC:
		oracle_judge_reloc(oracle, c, verdict);
		break;
	case CASE_HARNESS_WALKER:
		oracle_judge_walker(oracle, c, verdict);
		break;
	default:
		break;
	}
}

void oracle_dump_tables(struct oracle *oracle, FILE *out, bool raw)
{
	if (!oracle->have_tables) {
		fprintf(out, "(no tables were built)\n");
		return;
	}
	struct ref_regime regime;
	struct ref_mem mem = oracle_ref_mem(oracle->mem);
	char why[128];
	if (ref_regime_init(&regime, &oracle->regs, &oracle->features, &mem, why, sizeof(why))) {
		fprintf(out, "(cannot decode registers: %s)\n", why);
		return;
	}
	if (raw) {
		ref_ptdump_raw(&regime, out);
		return;
	}
	if (oracle->tables_of[0])
		fprintf(out, "(the tables strategy %s ran on)\n", oracle->tables_of);
	ref_ptdump_range(&regime, out, 0, ~0ULL, true);
	fprintf(out, "(columns: VA range, size, level, -> first output address, attributes; "
		     "TBL-LIMITED: a table descriptor on the walk restricts the leaf (APTable, "
		     "PXNTable or UXNTable))\n");
}

/* The region of the ptdump worth showing with a finding: a few granules
 * around where it diverged. */
#define NEAR_SPAN (1ULL << 22)

void oracle_explain(struct oracle *oracle, const struct pgd_case *c,
		    const struct oracle_verdict *verdict, FILE *out, bool all_tables)
{
	fprintf(out, "\n--- case (%s harness) ---\n", case_harness_name(c->harness));
	case_print_text(out, c);
	fprintf(out, "\n--- what each step did ---\n%s",
		verdict->outcomes[0] ? verdict->outcomes : "(nothing ran)\n");
	if (verdict->finding)
		fprintf(out, "\n--- first divergence ---\n%s", verdict->detail);
	struct ref_regime regime;
	struct ref_mem mem = oracle_ref_mem(oracle->mem);
	char why[128];
	bool tables =
	    oracle->have_tables &&
	    !ref_regime_init(&regime, &oracle->regs, &oracle->features, &mem, why, sizeof(why));
	if (verdict->finding && verdict->focused && tables) {
		uint64_t lo = verdict->focus > NEAR_SPAN ? verdict->focus - NEAR_SPAN : 0;
		uint64_t hi =
		    verdict->focus < ~0ULL - NEAR_SPAN ? verdict->focus + NEAR_SPAN : ~0ULL;
		fprintf(out,
			"\n--- tables near VA 0x%016llx (VA range, size, level, -> output "
			"address, attributes) ---\n",
			(unsigned long long)verdict->focus);
		ref_ptdump_range(&regime, out, lo, hi, true);
	}
	if (!all_tables)
		return;
	fprintf(out, "\n--- tables (VA range, size, level, -> output address, attributes) ---\n");
	if (!oracle->have_tables)
		fprintf(out, "(no tables: %s)\n",
			c->harness == CASE_HARNESS_RELOC
			    ? "no strategy left tables to show (see the steps above)"
			    : "nothing was built (see the steps above)");
	else if (!tables)
		fprintf(out, "(cannot decode registers: %s)\n", why);
	else
		oracle_dump_tables(oracle, out, false);
}

static struct oracle *shared_oracle;

static int fuzz_one(const struct pgdfuzz_target *target, enum case_harness harness,
		    const uint8_t *data, size_t size)
{
	static struct pgd_case c;
	static struct oracle_verdict verdict;
	static int report_only = -1, all_tables; /* the environment, read once */
	static const char *keep;
	if (report_only < 0) {
		const char *no_abort = getenv("PGDFUZZ_NO_ABORT");
		const char *explain = getenv("PGDFUZZ_EXPLAIN");
		report_only = no_abort && no_abort[0] == '1';
		all_tables = explain && !strcmp(explain, "all");
		keep = getenv("PGDFUZZ_KEEP_SIGNATURE");
		keep = keep && keep[0] ? keep : NULL;
	}
	if (!shared_oracle) {
		if (!(shared_oracle = oracle_new()))
			abort(); /* out of host memory before any input: nothing to judge */
		oracle_set_copy_budget(shared_oracle, ORACLE_FUZZ_COPY_BUDGET);
	}
	case_decode(data, size, &c);
	c.harness = harness;
	/* While fuzzing, what each step did is not recorded; a finding is
	 * judged again to explain it (the same verdict: the oracle is
	 * deterministic). */
	oracle_set_outcomes(shared_oracle, report_only);
	if (target)
		oracle_run_target(shared_oracle, target, NULL, &c, &verdict);
	else
		oracle_run(shared_oracle, &c, &verdict);
	if (report_only) {
		printf("pgdfuzz: VERDICT %s\n", verdict.finding ? verdict.signature : "clean");
		oracle_explain(shared_oracle, &c, &verdict, stdout, all_tables);
		fflush(stdout);
		return 0;
	}
	if (!verdict.finding)
		return 0;
	/* While minimizing (pgdfuzz minimize, triage), only the finding being
	 * shrunk counts: libFuzzer's -minimize_crash and afl-tmin keep any
	 * crash, and would otherwise drift into another variant. */
	if (keep && strcmp(verdict.signature, keep))
		return 0;
	oracle_set_outcomes(shared_oracle, true);
	if (target)
		oracle_run_target(shared_oracle, target, NULL, &c, &verdict);
	else
		oracle_run(shared_oracle, &c, &verdict);
	fprintf(stderr, "pgdfuzz: FINDING %s\n", verdict.signature);
	oracle_explain(shared_oracle, &c, &verdict, stderr, false);
	fflush(stderr);
	abort();
}

int oracle_fuzz_one(enum case_harness harness, const uint8_t *data, size_t size)
{
	return fuzz_one(NULL, harness, data, size);
}

int oracle_fuzz_target_one(const struct pgdfuzz_target *target, const uint8_t *data, size_t size)
{
	bool builds = target->ops.map || target->ops.protect;
	return fuzz_one(target, builds ? CASE_HARNESS_BUILDER : CASE_HARNESS_IDMAP, data, size);
}

void oracle_set_guest_coverage(uint8_t *counters, size_t len)
{
	emu_set_coverage(counters, len);
}
