/* Host side of the KVM backends: simulated RAM for pgtable.c's mm_ops with
 * a reference count per table page, and the judge that compares the tables
 * with the intent through the reference's EL2 and stage-2 walkers.
 *
 * One run drives one backend through a random but deterministic (seeded)
 * sequence: init, maps of non-overlapping ranges (pages and blocks, valid
 * and invalid permissions), exact unmaps, stage-2 set_owner, unmap of
 * everything and destroy. After every operation the judge checks:
 *  - translation equal to the intent (PA, permissions, memory type) for the
 *    live mappings and a fault for the removed ones, by ref_hyp_walk;
 *  - ref_hyp_lint has no finding;
 *  - page-table memory: every table reachable from the root is allocated,
 *    every allocated page is reachable (no leak), and each table page's
 *    reference count is 1 + its counted entries (valid ones for hyp stage 1,
 *    non-zero ones for stage 2, as pgtable.c documents);
 *  - a call that returns an error for invalid permissions changes nothing;
 *  - after unmapping everything only the root is left (count 1 per page),
 *    and destroy frees it. */
#ifndef PGDFUZZ_KVM_JUDGE_H
#define PGDFUZZ_KVM_JUDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kvm_backend.h"

enum kvm_run_kind { KVM_RUN_HYP, KVM_RUN_STAGE2 };

struct kvm_run_config {
	enum kvm_run_kind kind;
	uint64_t seed;
	unsigned ops;	   /* maps and unmaps before the final unmap-all */
	unsigned ipa_bits; /* stage 2: phys_shift given to kvm_get_vtcr */
	unsigned va_bits;  /* hyp: va_bits given to kvm_pgtable_hyp_init */
	bool fwb;	   /* stage 2: ARM64_HAS_STAGE2_FWB */
	/* Optional: the random choices are taken from these bytes first
	 * (8 per draw), then from the seeded generator (fuzz harness). */
	const uint8_t *data;
	size_t size;
	bool log; /* record each operation in result->log (for people) */
};

struct kvm_run_result {
	unsigned checks; /* judge checks made */
	unsigned mapped; /* successful maps */
	unsigned failures;
	/* The first failure's signature, stable across runs and builds:
	 *   kernel-kvm:<kind>:<operation>:<config>[:L<level>]
	 * kind: the check (pa-differs, refcount, leak, bbm-live, lint-res0...);
	 * operation: the pgtable.c call judged (map, unmap, set_owner...);
	 * config: kvm_run_config_name(); level: where the check has one. */
	char signature[160];
	char config[48];
	char first_failure[512]; /* the message */
	char log[8192];		 /* with config->log: one line per operation */
};

/* "<backend>-hyp", or "<backend>-s2-<IPA bits>" with "-fwb" when FWB is on. */
void kvm_run_config_name(const struct kvm_backend *backend, const struct kvm_run_config *config,
			 char *out, size_t len);

/* Returns 0 when the run completed (result->failures says whether the
 * judge found anything), -1 if the harness itself could not run. */
int kvm_run(const struct kvm_backend *backend, const struct kvm_run_config *config,
	    struct kvm_run_result *result);

#endif
