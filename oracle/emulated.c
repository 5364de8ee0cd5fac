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

/* The kexec list pages, from the head through the indirection entries. */
static size_t list_pages(const struct physmem *mem, const struct emu_reloc_plan *plan,
			 struct oracle_range *out, size_t max)
{
	size_t n = 0;
	uint64_t page = plan->head & ~(plan->granule - 1), entry;
	bool more = plan->head & 2; /* IND_INDIRECTION */
	while (more && n < max) {
		out[n++] = (struct oracle_range){page, plan->granule, "a kexec list page"};
		more = false;
		for (uint64_t off = 0; off < plan->granule; off += 8) {
			if (!physmem_read64(mem, page + off, &entry) || (entry & 4)) /* IND_DONE */
				break;
			if (entry & 2) {
				page = entry & ~(plan->granule - 1);
				more = true;
				break;
			}
		}
	}
	return n;
}

/* What the relocation's allocator placed stays out of everything the
 * relocation reads or writes and out of its reserved ranges: the control,
 * kimage, zero and list pages out of the sources, destinations, entry and
 * dtb pages (kind "<strategy>-page-overlap"), and every table of its
 * builders out of all of these (kind "<strategy>-table-overlap"). A table
 * there is corrupted by the copy, or corrupts the image before it is read,
 * and the emulator need not notice (its TLB, or a source snapshot taken
 * after the tables were written). */
static void check_reloc_placement(struct oracle *oracle, const struct emu_reloc_plan *plan,
				  const struct emu_reloc_input *in, const char *geometry,
				  struct oracle_verdict *verdict)
{
	struct oracle_range forbidden[2 * EMU_RELOC_MAX_SEGMENTS + 8 + 64];
	size_t n = 0;
	uint64_t granule = plan->granule;
	for (size_t i = 0; i < in->nsegments; i++) {
		forbidden[n++] = (struct oracle_range){in->segments[i].src, in->segments[i].size,
						       "a kexec source"};
		forbidden[n++] = (struct oracle_range){in->segments[i].dst, in->segments[i].size,
						       "a kexec destination"};
	}
	forbidden[n++] =
	    (struct oracle_range){in->entry & ~(granule - 1), granule, "the entry page"};
	if (physmem_is_ram(oracle->mem, in->dtb, 1))
		forbidden[n++] =
		    (struct oracle_range){in->dtb & ~(granule - 1), granule, "the dtb page"};
	size_t reserved = n;
	forbidden[n++] = (struct oracle_range){plan->control, granule, "the control page"};
	if (plan->kimage)
		forbidden[n++] = (struct oracle_range){plan->kimage, granule, "the kimage page"};
	if (plan->zero_page)
		forbidden[n++] = (struct oracle_range){plan->zero_page, granule, "the zero page"};
	n += list_pages(oracle->mem, plan, forbidden + n,
			sizeof(forbidden) / sizeof(*forbidden) - n);

	char kind[48];
	snprintf(kind, sizeof(kind), "%s-page-overlap", emu_strategy_name(plan->strategy));
	for (size_t p = reserved; p < n && !verdict->finding; p++)
		for (size_t r = 0; r < reserved && !verdict->finding; r++)
			if (forbidden[p].base < forbidden[r].base + forbidden[r].size &&
			    forbidden[r].base < forbidden[p].base + forbidden[p].size)
				oracle_finding(
				    verdict, "reloc", kind, geometry, PGD_NO_LEVEL,
				    "%s at PA 0x%llx overlaps %s [0x%llx, 0x%llx)",
				    forbidden[p].what, (unsigned long long)forbidden[p].base,
				    forbidden[r].what, (unsigned long long)forbidden[r].base,
				    (unsigned long long)(forbidden[r].base + forbidden[r].size));

	bool linear = plan->strategy == EMU_RELOC_LINEAR;
	const struct {
		const struct pgd_tree *tree;
		const char *name;
		bool built;
	} trees[] = {{&plan->idmap, "the idmap", plan->strategy != EMU_RELOC_MMU_OFF},
		     {&plan->linear, "the linear map", linear},
		     {&plan->copy, "the linear map's copy", linear}};
	snprintf(kind, sizeof(kind), "%s-table-overlap", emu_strategy_name(plan->strategy));
	for (size_t t = 0; t < sizeof(trees) / sizeof(trees[0]) && !verdict->finding; t++) {
		if (!trees[t].built)
			continue;
		struct ref_regs regs = oracle_tree_regs(trees[t].tree);
		struct ref_features features = oracle_features(&trees[t].tree->geo);
		struct ref_mem mem = oracle_ref_mem(oracle->mem);
		struct ref_regime regime;
		char why[128];
		if (!ref_regime_init(&regime, &regs, &features, &mem, why, sizeof(why)))
			oracle_check_table_placement(&regime, trees[t].name, forbidden, n, "reloc",
						     kind, geometry, verdict);
	}
}

bool oracle_over_copy_budget(const struct oracle *oracle, const struct emu_segment *segments,
			     size_t n, unsigned runs, const char *what,
			     struct oracle_verdict *verdict)
{
	uint64_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += segments[i].size;
	total *= runs;
	if (!oracle->copy_budget || total <= oracle->copy_budget)
		return false;
	if (verdict)
		oracle_outcome(
		    verdict,
		    "%s: not run: the case's runs copy %llu KiB in all, over the fuzz harnesses' "
		    "emulation budget of %llu KiB (pgdfuzz repro runs it)",
		    what, (unsigned long long)(total >> 10),
		    (unsigned long long)(oracle->copy_budget >> 10));
	return true;
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
	if (!oracle_reloc_request(c, &config, &geo, segments)) {
		oracle_outcome(verdict, "not judged: %s",
			       !c->kexec.present ? "no kexec line"
			       : !c->kexec.n_segments
				   ? "no segments"
				   : "core refuses the 48-bit form of the geometry");
		return;
	}
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
			oracle_outcome(verdict, "%s: cannot set up (%s): %s%s", name,
				       err.unsupported ? "unsupported" : "refused", err.message,
				       s == CASE_RELOC_MMU_OFF ? "; not a case to compare" : "");
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
		check_reloc_placement(oracle, &plan, &in, geometry, verdict);
		if (verdict->finding) {
			emu_reloc_release(&plan);
			return;
		}
		if (oracle_over_copy_budget(oracle, segments, in.nsegments, last - first + 1, name,
					    verdict)) {
			emu_reloc_release(&plan);
			continue; /* the other strategies' set-up and placement still count */
		}
		int ret = emu_reloc_run(emu, oracle->mem, &plan, &rep, &err);
		if (ret)
			oracle_outcome(verdict, "%s: not run%s: %s", name,
				       err.unsupported ? " (unsupported in this emulator)" : "",
				       err.message);
		else
			oracle_outcome(
			    verdict,
			    "%s: %s after %llu instructions: pc 0x%llx x0 0x%llx, MMU %s, "
			    "%llu bytes differ from the image, %llu stray pages (%s)",
			    name, rep.ok ? "ok" : "FAILED", (unsigned long long)rep.insns,
			    (unsigned long long)rep.pc, (unsigned long long)rep.x[0],
			    rep.sctlr & 1 ? "on" : "off", (unsigned long long)rep.mismatched_bytes,
			    (unsigned long long)rep.stray_pages, rep.summary);
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
		/* show/repro print the tables the MMU-on strategies ran on (the
		 * last one's: each strategy starts from fresh RAM). */
		if (plan.regs.sctlr & 1) {
			oracle->regs =
			    (struct ref_regs){plan.regs.tcr, plan.regs.ttbr0, plan.regs.ttbr1,
					      plan.regs.sctlr, plan.regs.mair};
			oracle->features = oracle_features(&geo);
			oracle->have_tables = true;
			snprintf(oracle->tables_of, sizeof(oracle->tables_of), "%s", name);
		}
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
	if (!c->walker.n_probes) {
		oracle_outcome(verdict, "not judged: no probe VAs");
		return;
	}
	reset_banks(oracle, c, PHYSMEM_PA_LIMIT);
	for (unsigned i = 0; i < c->walker.n_writes; i++)
		physmem_write64(oracle->mem, c->walker.writes[i].pa, c->walker.writes[i].value);
	const struct pgd_regs *pregs = &c->walker.regs;
	struct ref_regs regs = {pregs->tcr, pregs->ttbr0, pregs->ttbr1, pregs->sctlr, pregs->mair};
	struct ref_features features = {.pa_bits = 44}; /* as emu_at_compare() */
	struct ref_mem mem = oracle_ref_mem(oracle->mem);
	struct ref_regime regime;
	char why[160];
	if (!(pregs->sctlr & 1)) {
		oracle_outcome(verdict, "not judged: SCTLR.M is 0 (MMU off): nothing to walk");
		return;
	}
	if (ref_regime_init(&regime, &regs, &features, &mem, why, sizeof(why))) {
		oracle_outcome(verdict, "not judged: the reference rejects the registers: %s", why);
		return;
	}
	for (unsigned i = 0; i < c->walker.n_probes; i++) {
		struct ref_result walk;
		ref_walk_regime(&regime, c->walker.probes[i], REF_EL1_READ, &walk);
		if (walk.fault != REF_FAULT_NONE)
			oracle_outcome(verdict,
				       "probe va=0x%016llx: reference EL1 read: %s fault at "
				       "level %d (%u descriptors read)",
				       (unsigned long long)c->walker.probes[i],
				       ref_fault_name(walk.fault), walk.level, walk.nsteps);
		else
			oracle_outcome(verdict,
				       "probe va=0x%016llx: reference EL1 read: PA 0x%llx, "
				       "level %d leaf, prot 0x%016llx",
				       (unsigned long long)c->walker.probes[i],
				       (unsigned long long)walk.pa, walk.level,
				       (unsigned long long)ref_attrs_prot(&walk.attrs));
	}
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
		uint64_t known = 0;
		for (int d = 0; d < EMU_DEV_COUNT; d++)
			known += stats.known[d];
		oracle_outcome(verdict,
			       "AT %s in Unicorn: %llu probes, %llu agree with the reference, %llu "
			       "differ by a known Unicorn deviation, %llu unexplained",
			       emu_at_op_name(ops[k]), (unsigned long long)stats.probes,
			       (unsigned long long)stats.agree, (unsigned long long)known,
			       (unsigned long long)stats.findings);
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
