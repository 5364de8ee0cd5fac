/* The emulator-backed judges: fuzz_reloc (three relocation strategies must
 * all enter the new image with the same bytes in place) and fuzz_walker
 * (Unicorn's AT walker against the reference, known deviations excluded). */
#include "internal.h"
#include "emu.h"

#include <string.h>

struct emu *oracle_engine(struct oracle *oracle, struct oracle_verdict *verdict)
{
	struct emu_error err;
	if (!oracle->emu) {
		struct emu_options opts = {.insn_budget = 2000000};
		oracle->emu = emu_new(&opts, &err);
		if (!oracle->emu)
			oracle_finding(verdict, "emulate", "engine", "none", PGD_NO_LEVEL,
				       "cannot start Unicorn: %s", err.message);
	}
	return oracle->emu;
}

/* RAM as the emulated CPU sees it: banks are clipped to limit. */
static void reset_banks(struct oracle *oracle, const struct pgd_case *c, uint64_t limit)
{
	physmem_reset(oracle->mem);
	for (unsigned i = 0; i < c->n_banks; i++) {
		uint64_t base = c->banks[i].base, size = c->banks[i].size;
		if (base >= limit)
			continue;
		if (size > limit - base)
			size = limit - base;
		physmem_add_bank(oracle->mem, base, size, NULL);
	}
}

/* Every word of a page says where it came from, and destinations start out
 * different from any source: a routine that copies nothing, or copies the
 * wrong page, leaves bytes the copy check sees. Fresh RAM is all zeros,
 * which would make both invisible. */
static uint64_t fill_word(uint64_t pa, bool destination)
{
	uint64_t word = (pa + 1) * 0x9e3779b97f4a7c15ULL;
	return destination ? ~(word ^ (word >> 31)) : word ^ (word >> 29);
}

static void fill_pages(struct physmem *mem, uint64_t pa, uint64_t size, bool destination)
{
	/* A page per write: one accessor call per word cost more than the
	 * relocation itself on the 64-page seeds. */
	uint64_t words[PHYSMEM_PAGE / 8];
	for (uint64_t off = 0; off < size; off += sizeof(words)) {
		uint64_t n = (size - off + 7) / 8;
		n = n < PHYSMEM_PAGE / 8 ? n : PHYSMEM_PAGE / 8;
		for (uint64_t w = 0; w < n; w++)
			words[w] = fill_word(pa + off + w * 8, destination);
		if (physmem_write(mem, pa + off, words, n * 8))
			continue;
		/* Partly outside RAM: the words that fit, as one by one would. */
		for (uint64_t w = 0; w < n; w++)
			physmem_write64(mem, pa + off + w * 8, words[w]);
	}
}

bool oracle_reloc_request(const struct pgd_case *c, struct pgd_config *config,
			  struct pgd_geometry *geo, struct emu_segment *segments)
{
	struct pgd_error perr;
	/* Unicorn 2.0.1 has no LPA, LPA2 or LVA (see the deviation table in
	 * emulate/at.c): relocation runs use the 48-bit forms of the geometry. */
	*config = c->geometry;
	config->lpa2 = false;
	config->pa_bits = config->pa_bits > 48 ? 48 : config->pa_bits;
	config->va_bits = config->va_bits > 48 ? 48 : config->va_bits;
	if (!c->kexec.present || !c->kexec.n_segments || pgd_geometry_init(geo, config, &perr))
		return false;
	for (unsigned i = 0; i < c->kexec.n_segments; i++)
		segments[i] = (struct emu_segment){
		    c->kexec.segments[i].src, c->kexec.segments[i].dst, c->kexec.segments[i].size};
	return true;
}

void oracle_reloc_memory(struct oracle *oracle, const struct pgd_case *c,
			 const struct pgd_geometry *geo)
{
	/* RAM the machine can address: the case's PA size, and the emulated
	 * CPU's. */
	reset_banks(oracle, c,
		    1ULL << (geo->pa_bits < EMU_CPU_PA_BITS ? geo->pa_bits : EMU_CPU_PA_BITS));
	const uint64_t limit = CASE_MAX_KEXEC_PAGES * (64ULL << 10);
	for (unsigned i = 0; i < c->kexec.n_segments; i++) {
		const struct case_segment *s = &c->kexec.segments[i];
		uint64_t size = s->size < limit ? s->size : limit;
		/* Only RAM: emu_reloc_prepare() refuses segments outside it. */
		if (physmem_is_ram(oracle->mem, s->dst, size))
			fill_pages(oracle->mem, s->dst, size, true);
	}
	for (unsigned i = 0; i < c->kexec.n_segments; i++) {
		const struct case_segment *s = &c->kexec.segments[i];
		uint64_t size = s->size < limit ? s->size : limit;
		if (physmem_is_ram(oracle->mem, s->src, size))
			fill_pages(oracle->mem, s->src, size, false);
	}
}

void oracle_reloc_finding(struct oracle *oracle, struct oracle_verdict *verdict,
			  const char *harness, const char *name, const char *geometry,
			  const struct pgd_geometry *geo, const struct emu_reloc_plan *plan,
			  const struct emu_reloc_report *rep)
{
	char kind[64];
	snprintf(kind, sizeof(kind), "%s-%s", name,
		 !rep->entry_ok ? emu_stop_name(rep->stop) : "copy-mismatch");
	int level = rep->stop == EMU_STOP_FAULT ? rep->fault.level : PGD_NO_LEVEL;
	oracle_finding(verdict, harness, kind, geometry, level,
		       "%s: %s\n  pc 0x%llx x0 0x%llx x1 0x%llx sctlr 0x%llx, "
		       "%llu instructions, %llu bytes differ (first at PA 0x%llx)",
		       name, rep->summary, (unsigned long long)rep->pc,
		       (unsigned long long)rep->x[0], (unsigned long long)rep->x[1],
		       (unsigned long long)rep->sctlr, (unsigned long long)rep->insns,
		       (unsigned long long)rep->mismatched_bytes,
		       (unsigned long long)rep->first_mismatch_pa);
	if (rep->stop == EMU_STOP_FAULT)
		oracle_detail(verdict,
			      "  fault at VA 0x%016llx (%s): %s at level %d, PAR 0x%016llx\n",
			      (unsigned long long)rep->fault_va,
			      rep->fault_fetch	 ? "fetch"
			      : rep->fault_write ? "write"
						 : "read",
			      emu_fault_kind_name(rep->fault.kind), rep->fault.level,
			      (unsigned long long)rep->fault.par);
	/* Show the walk of the faulting VA in the tables in use (and keep the
	 * tables for oracle_dump_tables()). */
	if (plan->regs.sctlr & 1) {
		struct ref_regs regs = {plan->regs.tcr, plan->regs.ttbr0, plan->regs.ttbr1,
					plan->regs.sctlr, plan->regs.mair};
		struct ref_features features = oracle_features(geo);
		struct ref_mem mem = oracle_ref_mem(oracle->mem);
		struct ref_result walk;
		char why[128];
		bool faulted = rep->stop == EMU_STOP_FAULT || rep->stop == EMU_STOP_UNMAPPED;
		if (faulted && !ref_walk(&regs, &features, &mem, rep->fault_va, REF_EL1_READ, &walk,
					 why, sizeof(why)))
			oracle_detail_chain(verdict, &walk);
		oracle->regs = regs;
		oracle->features = features;
		oracle->have_tables = true;
	}
}

static const enum emu_strategy strategy_of[] = {
    [CASE_RELOC_MMU_OFF] = EMU_RELOC_MMU_OFF,
    [CASE_RELOC_IDMAP] = EMU_RELOC_IDMAP,
    [CASE_RELOC_LINEAR] = EMU_RELOC_LINEAR,
};

void oracle_judge_reloc(struct oracle *oracle, const struct pgd_case *c,
			struct oracle_verdict *verdict)
{
	struct pgd_geometry geo;
	struct pgd_config config;
	struct emu_segment segments[CASE_MAX_SEGMENTS];
	if (!oracle_reloc_request(c, &config, &geo, segments))
		return;
	struct emu *emu = oracle_engine(oracle, verdict);
	if (!emu)
		return;
	char geometry[48];
	pgd_geometry_class(&geo, geometry, sizeof(geometry));

	bool baseline_ok = false;
	int first =
	    c->kexec.strategy == CASE_RELOC_ALL ? CASE_RELOC_MMU_OFF : (int)c->kexec.strategy;
	int last = c->kexec.strategy == CASE_RELOC_ALL ? CASE_RELOC_LINEAR : (int)c->kexec.strategy;
	for (int s = first; s <= last && !verdict->finding; s++) {
		struct emu_reloc_input in = {
		    .strategy = strategy_of[s],
		    .config = config,
		    .segments = segments,
		    .nsegments = c->kexec.n_segments,
		    .entry = c->kexec.entry,
		    .dtb = c->kexec.dtb,
		};
		struct emu_reloc_plan plan;
		struct emu_reloc_report rep;
		struct emu_error err;
		const char *name = emu_strategy_name(in.strategy);
		oracle_reloc_memory(oracle, c, &geo);
		if (emu_reloc_prepare(&plan, oracle->mem, &in, &err)) {
			/* A layout the plain MMU-off copy cannot run is not a case;
			 * one it can run but a strategy cannot build is a finding. */
			if (s != CASE_RELOC_MMU_OFF && baseline_ok && !err.unsupported) {
				char kind[48];
				snprintf(kind, sizeof(kind), "%s-prepare", name);
				oracle_finding(verdict, "reloc", kind, geometry, PGD_NO_LEVEL,
					       "strategy %s cannot set up a layout that MMU-off "
					       "relocation runs: %s",
					       name, err.message);
			}
			if (s == CASE_RELOC_MMU_OFF)
				return;
			continue;
		}
		int ret = emu_reloc_run(emu, oracle->mem, &plan, &rep, &err);
		if (ret && err.unsupported) {
			/* Not runnable in this emulator: nothing to compare. */
			emu_reloc_release(&plan);
			return;
		}
		if (ret) {
			emu_reloc_release(&plan);
			oracle_finding(verdict, "reloc", "harness", geometry, PGD_NO_LEVEL,
				       "emulator could not run strategy %s: %s", name, err.message);
			return;
		}
		verdict->ops_done++;
		if (s == CASE_RELOC_MMU_OFF)
			baseline_ok = rep.ok;
		if (!rep.ok)
			oracle_reloc_finding(oracle, verdict, "reloc", name, geometry, &geo, &plan,
					     &rep);
		emu_reloc_release(&plan);
	}
}

struct walker_ctx {
	bool found;
	enum emu_at_op op;
	uint64_t va;
	char why[256];
};

static void on_divergence(void *opaque, enum emu_at_op op, uint64_t va, const char *why)
{
	struct walker_ctx *ctx = opaque;
	if (ctx->found)
		return;
	ctx->found = true;
	ctx->op = op;
	ctx->va = va;
	snprintf(ctx->why, sizeof(ctx->why), "%s", why);
}

/* The reference against Unicorn's own walker (AT + PAR_EL1) on descriptor
 * soup. emu_at_compare() models the emulated CPU (a Cortex-A72) in the
 * reference and classifies divergences through the deviation table. */
void oracle_judge_walker(struct oracle *oracle, const struct pgd_case *c,
			 struct oracle_verdict *verdict)
{
	static const enum emu_at_op ops[] = {EMU_AT_S1E1R, EMU_AT_S1E1W, EMU_AT_S1E0R};
	static const enum ref_access access[] = {REF_EL1_READ, REF_EL1_WRITE, REF_EL0_READ};
	if (!c->walker.n_probes)
		return;
	reset_banks(oracle, c, PHYSMEM_PA_LIMIT);
	for (unsigned i = 0; i < c->walker.n_writes; i++)
		physmem_write64(oracle->mem, c->walker.writes[i].pa, c->walker.writes[i].value);
	const struct pgd_regs *pregs = &c->walker.regs;
	struct ref_regs regs = {pregs->tcr, pregs->ttbr0, pregs->ttbr1, pregs->sctlr, pregs->mair};
	struct ref_features features = {.pa_bits = 44}; /* as emu_at_compare() */
	struct ref_mem mem = oracle_ref_mem(oracle->mem);
	struct ref_regime regime;
	char why[160];
	if (!(pregs->sctlr & 1) ||
	    ref_regime_init(&regime, &regs, &features, &mem, why, sizeof(why)))
		return;
	oracle->regs = regs;
	oracle->features = features;
	oracle->have_tables = true;
	struct emu *emu = oracle_engine(oracle, verdict);
	if (!emu)
		return;
	for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
		struct emu_compare_stats stats = {0};
		struct walker_ctx ctx = {0};
		struct emu_error err;
		if (emu_at_compare(emu, oracle->mem, pregs, ops[k], c->walker.probes,
				   c->walker.n_probes, &stats, on_divergence, &ctx, &err)) {
			if (err.unsupported)
				return;
			oracle_finding(verdict, "walker", "harness", "soup", PGD_NO_LEVEL,
				       "AT probe failed: %s", err.message);
			return;
		}
		verdict->ops_done += (unsigned)stats.probes;
		if (!ctx.found)
			continue;
		struct ref_result walk;
		ref_walk_regime(&regime, ctx.va, access[k], &walk);
		const struct ref_half *half = &regime.half[walk.upper];
		char geometry[32], kind[48];
		snprintf(geometry, sizeof(geometry), "%uk-%u", 1u << (half->granule_shift - 10),
			 half->ia_bits);
		snprintf(kind, sizeof(kind), "%s-%s", emu_at_op_name(ctx.op),
			 walk.fault ? ref_fault_name(walk.fault) : "ok");
		oracle_finding(
		    verdict, "walker", kind, geometry, walk.level,
		    "%s at VA 0x%016llx: the emulator and the reference disagree, and no "
		    "known deviation explains it:\n  %s",
		    emu_at_op_name(ctx.op), (unsigned long long)ctx.va, ctx.why);
		oracle_detail_chain(verdict, &walk);
		return;
	}
}
