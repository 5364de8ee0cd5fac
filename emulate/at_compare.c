/* The AT probe against reference/: the emulator's walker and the
 * architectural one on the same tables, divergences classified through the
 * deviation table in at.c. Separate from the rest so emulate/ builds without
 * reference/. */
#include "internal.h"

#include <stdlib.h>

#include "physmem.h"
#include "ref.h"

static bool mem_read64(void *ctx, uint64_t pa, uint64_t *value)
{
	return physmem_read64(ctx, pa, value);
}

static bool mem_is_ram(void *ctx, uint64_t pa, uint64_t size)
{
	return physmem_is_ram(ctx, pa, size);
}

static void to_arch(const struct ref_result *ref, struct emu_arch_result *arch)
{
	static const enum emu_fault_kind kinds[] = {
	    [REF_FAULT_NONE] = EMU_FAULT_NONE,
	    [REF_FAULT_TRANSLATION] = EMU_FAULT_TRANSLATION,
	    [REF_FAULT_ADDRESS_SIZE] = EMU_FAULT_ADDRESS_SIZE,
	    [REF_FAULT_ACCESS_FLAG] = EMU_FAULT_ACCESS_FLAG,
	    [REF_FAULT_PERMISSION] = EMU_FAULT_PERMISSION,
	    [REF_FAULT_EXTERNAL_ABORT] = EMU_FAULT_EXTERNAL,
	};
	*arch = (struct emu_arch_result){0};
	arch->fault = ref->fault != REF_FAULT_NONE;
	if (arch->fault) {
		arch->kind = (unsigned)ref->fault <= REF_FAULT_EXTERNAL_ABORT ? kinds[ref->fault]
									      : EMU_FAULT_OTHER;
		arch->level = ref->level;
		return;
	}
	arch->pa = ref->pa;
	arch->attr = ref->attrs.mair_attr;
	/* PAREncodeShareability: Device and Normal Inner+Outer Non-cacheable
	 * report Outer Shareable. */
	bool device = ref->attrs.memtype <= REF_MEM_DEVICE_GRE;
	arch->sh = device || ref->attrs.mair_attr == 0x44 ? 2 : ref->attrs.sh;
}

int emu_at_compare(struct emu *emu, struct physmem *mem, const struct pgd_regs *regs,
		   enum emu_at_op op, const uint64_t *vas, size_t n,
		   struct emu_compare_stats *stats, emu_finding_fn on_finding, void *ctx,
		   struct emu_error *err)
{
	static const enum ref_access access[] = {
	    [EMU_AT_S1E1R] = REF_EL1_READ,
	    [EMU_AT_S1E1W] = REF_EL1_WRITE,
	    [EMU_AT_S1E0R] = REF_EL0_READ,
	};
	if (!stats || (unsigned)op > EMU_AT_S1E0R || !regs) {
		emu_error_set(err, "emu_at_compare: bad argument");
		return -1;
	}
	struct emu_at_result *results = malloc((n ? n : 1) * sizeof(*results));
	if (!results) {
		emu_error_set(err, "out of memory");
		return -1;
	}
	int ret = -1;
	if (emu_at_probe(emu, mem, regs, op, vas, n, results, err))
		goto out;

	struct ref_regs ref_regs = {.tcr = regs->tcr,
				    .ttbr0 = regs->ttbr0,
				    .ttbr1 = regs->ttbr1,
				    .sctlr = regs->sctlr,
				    .mair = regs->mair};
	struct ref_features features = {.pa_bits = EMU_CPU_PA_BITS};
	struct ref_mem ref_mem = {mem, mem_read64, mem_is_ram, NULL};
	struct ref_regime regime;
	char why[256];
	if (ref_regime_init(&regime, &ref_regs, &features, &ref_mem, why, sizeof(why))) {
		emu_error_set(err, "reference: %s", why);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct ref_result ref;
		struct emu_arch_result arch;
		struct emu_walk_facts facts;
		bool finding;
		ref_walk_regime(&regime, vas[i], access[op], &ref);
		to_arch(&ref, &arch);
		emu_walk_facts(mem, regs, op, vas[i], &facts);
		enum emu_deviation dev =
		    emu_classify(&results[i], &arch, &facts, &finding, why, sizeof(why));
		stats->probes++;
		if (finding) {
			stats->findings++;
			if (on_finding)
				on_finding(ctx, op, vas[i], why);
		} else if (dev) {
			stats->known[dev]++;
		} else {
			stats->agree++;
		}
	}
	ret = 0;
out:
	free(results);
	return ret;
}
