/* What the kernel fuzz targets (fuzz_kernel_*, the kvm one included) read
 * from their environment, and what they do with a finding. Read once per
 * process:
 *   PGDFUZZ_NO_ABORT=1        print every verdict ("pgdfuzz: VERDICT ...")
 *                             and never abort (triage, repro);
 *   PGDFUZZ_KEEP_SIGNATURE=S  only a finding of signature S aborts (the
 *                             minimizers keep whatever crashes);
 *   PGDFUZZ_KERNEL_KNOWN=FILE the allowlist of written-up findings, which
 *                             are reported once and do not abort;
 *   PGDFUZZ_KERNEL_SEEN=FILE  also append each known signature's first
 *                             sighting there (fork mode drops job output);
 *   PGDFUZZ_KERNEL_CONFIG=N   judge only inputs of configuration N and skip
 *                             the rest (a skip never changes the verdict of
 *                             an input that is judged, so a finding
 *                             reproduces without it). */
#ifndef PGDFUZZ_KERNEL_FUZZ_ENV_H
#define PGDFUZZ_KERNEL_FUZZ_ENV_H

#include <stdbool.h>

struct kernel_fuzz_env {
	bool report_only;
	const char *keep;
	const char *known;
	const char *seen_log;
	const char *only_config;
};

const struct kernel_fuzz_env *kernel_fuzz_env(void);

/* True if signature matches a pattern (fnmatch) in the allowlist file
 * list_path: one pattern per line, text after whitespace and lines starting
 * with '#' are comments. The file is read on the first call. */
bool kernel_known_finding(const char *list_path, const char *signature);

/* A finding of signature, outside report mode: true when the caller is to
 * report it and abort; false when it counts as clean (not the kept
 * signature, or known: then its first sighting prints "pgdfuzz: KNOWN
 * <signature>" and goes to the seen log). */
bool kernel_fuzz_must_abort(const char *signature);

#endif
