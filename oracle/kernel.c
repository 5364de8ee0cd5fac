/* The real-kernel judge (built only with -DPGDFUZZ_KERNEL_SRC). The page-table
 * backends (map_range.c, mmu.c, trans_pgd.c) are targets (kernel/targets.c)
 * judged by the one target judge (target.c), like core; what is kernel
 * specific is in their declarations and explain hooks. Only the relocation
 * code, which runs in the emulator rather than building tables, has its own
 * judge here. Also the kernel fuzz targets' entry point: allowlist of
 * written-up findings, per-configuration runs. */
#include "emu.h"
#include "fuzz_env.h"
#include "internal.h"
#include "kernel.h"
#include "kimage.h"

#include <stdlib.h>
#include <string.h>

static bool skipped(const struct kernel_config *config)
{
	return kernel_only_config && strcmp(config->name, kernel_only_config);
}

/* The case model a backend is driven by. */
static enum case_harness harness_of(const char *backend)
{
	return !strcmp(backend, "reloc")   ? CASE_HARNESS_RELOC
	       : !strcmp(backend, "trans") ? CASE_HARNESS_IDMAP
					   : CASE_HARNESS_BUILDER;
}

/* ---- relocate_kernel.S ------------------------------------------------------ */

#define RELOC_HARNESS "kernel-reloc"

/* One linear-strategy run (the layout Linux 5.14+ builds) of routine, NULL
 * for pgdfuzz's own. Returns 0 if it ran, 1 if the layout cannot be run
 * (not a case, or beyond the emulator), -1 if the harness failed (message
 * in err). */
static int reloc_run(struct oracle *oracle, struct emu *emu, const struct pgd_case *c,
		     const struct pgd_geometry *geo, const struct emu_reloc_input *in,
		     struct emu_reloc_plan *plan, struct emu_reloc_report *rep,
		     struct emu_error *err)
{
	oracle_reloc_memory(oracle, c, geo);
	if (emu_reloc_prepare(plan, oracle->mem, in, err))
		return 1;
	/* Two runs per case: pgdfuzz's routine, then the kernel's. */
	if (oracle_over_copy_budget(oracle, in->segments, in->nsegments, 2, "kernel", NULL)) {
		emu_reloc_release(plan);
		return 1;
	}
	int ret = emu_reloc_run(emu, oracle->mem, plan, rep, err);
	if (ret)
		emu_reloc_release(plan);
	return ret && err->unsupported ? 1 : ret;
}

/* The kernel's arm64_relocate_new_kernel on the kimage Linux would hand it,
 * and pgdfuzz's own routine on the same layout: the kernel's must enter the
 * new image with every destination byte in place; where only one of the
 * two succeeds, the finding says which. */
static void judge_reloc(struct oracle *oracle, const struct pgd_case *c,
			struct oracle_verdict *verdict)
{
	struct pgd_config config;
	struct pgd_geometry geo;
	struct emu_segment segments[CASE_MAX_SEGMENTS];
	if (!oracle_reloc_request(c, &config, &geo, segments))
		return;
	char geometry[48];
	pgd_geometry_class(&geo, geometry, sizeof(geometry));
	const struct kernel_reloc *obj = kernel_find_reloc(geo.page_shift);
	if (obj && skipped(&obj->config))
		return;
	if (!obj) {
		oracle_detail(verdict, "no relocate_kernel.S object for geometry %s: not run\n",
			      geometry);
		return;
	}
	struct emu *emu = oracle_engine(oracle, verdict);
	if (!emu)
		return;
	const struct emu_routine routine = {
	    .name = "relocate_kernel.S",
	    .code = obj->code,
	    .len = obj->len,
	    .kimage = {KIMAGE_SIZE, KIMAGE_HEAD, KIMAGE_START, KIMAGE_ARCH_DTB_MEM,
		       KIMAGE_ARCH_EL2_VECTORS, KIMAGE_ARCH_ZERO_PAGE, KIMAGE_ARCH_TTBR1,
		       KIMAGE_ARCH_PHYS_OFFSET},
	};
	struct emu_reloc_input in = {
	    .strategy = EMU_RELOC_LINEAR,
	    .config = config,
	    .segments = segments,
	    .nsegments = c->kexec.n_segments,
	    .entry = c->kexec.entry,
	    .dtb = c->kexec.dtb,
	};
	struct emu_reloc_plan plan;
	struct emu_reloc_report own, kern;
	struct emu_error err;
	int ret = reloc_run(oracle, emu, c, &geo, &in, &plan, &own, &err);
	if (ret == 0)
		emu_reloc_release(&plan);
	if (ret) {
		if (ret < 0)
			oracle_finding(verdict, RELOC_HARNESS, "harness", geometry, PGD_NO_LEVEL,
				       "pgdfuzz's routine could not be run: %s", err.message);
		return;
	}
	in.routine = &routine;
	ret = reloc_run(oracle, emu, c, &geo, &in, &plan, &kern, &err);
	if (ret) {
		/* The kernel's layout needs one page more (the kimage). */
		if (ret < 0 || !err.unsupported)
			oracle_finding(verdict, RELOC_HARNESS, "harness", geometry, PGD_NO_LEVEL,
				       "relocate_kernel.S could not be run where pgdfuzz's routine "
				       "was: %s",
				       err.message);
		return;
	}
	verdict->ops_done++;
	if (!kern.ok)
		oracle_reloc_finding(oracle, verdict, RELOC_HARNESS, "linear", geometry, &geo,
				     &plan, &kern);
	else if (!own.ok)
		oracle_finding(verdict, RELOC_HARNESS, "differs-from-own", geometry, PGD_NO_LEVEL,
			       "relocate_kernel.S relocates this kimage but pgdfuzz's own routine "
			       "does not: %s",
			       own.summary);
	oracle_detail(verdict,
		      "arch/arm64/kernel/relocate_kernel.S (Linux %s, %s pages), "
		      "arm64_relocate_new_kernel: %s\npgdfuzz's routine on the same layout: %s\n",
		      kernel_version, obj->config.name, kern.summary, own.summary);
	emu_reloc_release(&plan);
}

void oracle_run_kernel(struct oracle *oracle, const char *backend, const struct pgd_case *c,
		       struct oracle_verdict *verdict)
{
	memset(verdict, 0, sizeof(*verdict));
	verdict->quiet = oracle->quiet;
	oracle->have_tables = false;
	if (!strcmp(backend, "map_range"))
		oracle_run_target(oracle, &kernel_target_map_range, NULL, c, verdict);
	else if (!strcmp(backend, "mmu"))
		oracle_run_target(oracle, &kernel_target_mmu, NULL, c, verdict);
	else if (!strcmp(backend, "trans"))
		oracle_run_target(oracle, &kernel_target_trans, NULL, c, verdict);
	else if (!strcmp(backend, "reloc"))
		judge_reloc(oracle, c, verdict);
	else
		oracle_detail(verdict,
			      "unknown kernel backend \"%s\" (map_range, mmu, trans, reloc)\n",
			      backend);
}

/* The environment (PGDFUZZ_NO_ABORT, _KEEP_SIGNATURE, _KERNEL_KNOWN,
 * _KERNEL_SEEN, _KERNEL_CONFIG) as kernel/fuzz_env.h reads it: here
 * PGDFUZZ_KERNEL_CONFIG=NAME (e.g. "16k-48") judges only cases whose
 * geometry selects that kernel object. */
int oracle_fuzz_kernel_one(const char *backend, const uint8_t *data, size_t size)
{
	static struct oracle *oracle;
	static struct pgd_case c;
	static struct oracle_verdict verdict;
	const struct kernel_fuzz_env *env = kernel_fuzz_env();
	if (!oracle) {
		if (!(oracle = oracle_new()))
			abort(); /* out of host memory before any input */
		oracle_set_copy_budget(oracle, ORACLE_FUZZ_COPY_BUDGET);
	}
	oracle_set_outcomes(oracle, false); /* this report does not print them */
	case_decode(data, size, &c);
	c.harness = harness_of(backend);
	kernel_only_config = env->only_config;
	oracle_run_kernel(oracle, backend, &c, &verdict);
	kernel_only_config = NULL;
	if (env->report_only) {
		/* As oracle_fuzz_one(): the verdict, then the case and what the
		 * judge saw, on stdout. */
		printf("pgdfuzz: VERDICT %s\n--- case ---\n",
		       verdict.finding ? verdict.signature : "clean");
		case_print_text(stdout, &c);
		printf("--- divergence ---\n%s", verdict.detail);
		fflush(stdout);
		return 0;
	}
	/* Another signature than the kept one, or a listed (known) finding:
	 * reported at most once, the run goes on. */
	if (!verdict.finding || !kernel_fuzz_must_abort(verdict.signature))
		return 0;
	fprintf(stderr, "pgdfuzz: FINDING %s\n--- case ---\n", verdict.signature);
	case_print_text(stderr, &c);
	fprintf(stderr, "--- divergence ---\n%s", verdict.detail);
	fflush(stderr);
	abort();
}
