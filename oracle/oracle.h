/* oracle: runs one case through core (and the emulator) and judges the
 * result with reference/. The fuzz harnesses and the pgdfuzz command share
 * it, so a finding means the same thing everywhere.
 *
 * A finding has a stable signature "<harness>:<kind>:<geometry>:L<level>",
 * e.g. "idmap:unmapped:4k-39+1:L3", and a human-readable report: the decoded
 * case in text form, then the first divergence with its descriptor chain.
 */
#ifndef PGDFUZZ_ORACLE_H
#define PGDFUZZ_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "case.h"

struct oracle;

struct oracle_verdict {
	bool finding;
	char signature[128];
	char detail[8192]; /* the first divergence, descriptor chain included */
	/* For a translation divergence: the first VA that differs. */
	bool located;
	uint64_t where;
	/* For any finding about one VA (a divergence, a lint or BBM finding):
	 * that VA, where the explanation shows the tables. */
	bool focused;
	uint64_t focus;
	/* Statistics for progress displays. */
	unsigned ops_done, ops_rejected;
	/* What each step did, one line each: every operation's outcome (ok,
	 * refused with the rule, out of memory, not run), the registers an
	 * idmap returned, each relocation strategy's result, each walker
	 * probe's translation. For show and repro. */
	char outcomes[8192];
	bool quiet; /* oracle_run() left outcomes empty (oracle_set_outcomes) */
};

struct oracle *oracle_new(void);
void oracle_free(struct oracle *oracle);

/* Whether oracle_run() records verdict->outcomes (default on). The fuzz
 * harnesses turn it off, which saves the formatting on every input, and
 * judge a finding again with it on to explain it: the signature is the
 * same either way. */
void oracle_set_outcomes(struct oracle *oracle, bool on);

/* Judge one case. Deterministic: the verdict depends on the case only. */
void oracle_run(struct oracle *oracle, const struct pgd_case *c, struct oracle_verdict *verdict);

/* Print the tables the last oracle_run() left (ptdump form, or raw). */
void oracle_dump_tables(struct oracle *oracle, FILE *out, bool raw);

/* The whole explanation of a judged case, as `pgdfuzz repro` and the
 * harnesses' report mode print it: the case, what each operation did, the
 * first divergence (what was intended, what the walk gives, the descriptor
 * chain, the tables near the divergence with their output addresses), then
 * all the tables when all_tables. */
void oracle_explain(struct oracle *oracle, const struct pgd_case *c,
		    const struct oracle_verdict *verdict, FILE *out, bool all_tables);

/* Libfuzzer-style entry for the harnesses: decode data as a case for
 * harness, judge it, and on a finding print
 *   pgdfuzz: FINDING <signature>
 * followed by the case and the divergence, then abort() so engines record
 * the input. With PGDFUZZ_NO_ABORT=1 in the environment it prints
 * "pgdfuzz: VERDICT <signature|clean>" to stdout instead, followed by
 * oracle_explain() (all tables too with PGDFUZZ_EXPLAIN=all), and returns
 * (triage and `pgdfuzz repro --fuzzer`). With PGDFUZZ_KEEP_SIGNATURE=SIG
 * only a finding of signature SIG aborts; any other is treated as clean (the
 * minimizers' runs: they keep whatever crashes). */
int oracle_fuzz_one(enum case_harness harness, const uint8_t *data, size_t size);

/* The fuzz harnesses' emulation budget, in bytes copied by all of a case's
 * relocation runs (3 strategies x 512 KiB of segments): a case over it is
 * prepared and its placement judged, but not run in Unicorn, whose every
 * guest store takes the slow path in 2.0.1 (0.2-0.3 s per MiB copied under
 * ASan, measured): OSS-Fuzz wants every input well under a second.
 * `pgdfuzz repro` and `show` run every size. */
#define ORACLE_FUZZ_COPY_BUDGET (3ULL << 19)
/* The bytes a case's relocation runs may copy in Unicorn (0: no limit, the
 * default); a case over it is recorded as "not run" and judged no further. */
void oracle_set_copy_budget(struct oracle *oracle, uint64_t bytes);

/* Judge a builder or idmap case through a target (target/target.h): the
 * same checks for every target, shaped by its declaration. Signatures start
 * with prefix (NULL: the target's name). Never aborts. oracle_run() is this
 * with core's target and the harness name as prefix. */
struct pgdfuzz_target;
void oracle_run_target(struct oracle *oracle, const struct pgdfuzz_target *target,
		       const char *prefix, const struct pgd_case *c,
		       struct oracle_verdict *verdict);

/* target restricted to the geometry classes in list (a target manifest's
 * "geometries" line: "4k-39 4k-48 16k-*", fnmatch patterns on the class
 * names of signatures), on top of its own declaration. One restriction
 * per process; the result lives as long as the process. */
const struct pgdfuzz_target *oracle_target_only(const struct pgdfuzz_target *target,
						const char *list);

/* oracle_fuzz_one() for a target: builder cases if it maps or protects,
 * else identity-map cases; signatures start with its name. */
int oracle_fuzz_target_one(const struct pgdfuzz_target *target, const uint8_t *data, size_t size);

/* Real-kernel mode (only in builds with -DPGDFUZZ_KERNEL_SRC, see kernel/):
 * judge a builder case with the user's kernel code as backend "map_range" or
 * "mmu"; oracle_run_kernel never aborts, oracle_fuzz_kernel_one behaves as
 * oracle_fuzz_one (signatures start with "kernel-<backend>:"). */
void oracle_run_kernel(struct oracle *oracle, const char *backend, const struct pgd_case *c,
		       struct oracle_verdict *verdict);
int oracle_fuzz_kernel_one(const char *backend, const uint8_t *data, size_t size);

/* Guest-code coverage counters (libFuzzer extra counters) for the
 * emulator-backed harnesses. */
void oracle_set_guest_coverage(uint8_t *counters, size_t len);

#endif
