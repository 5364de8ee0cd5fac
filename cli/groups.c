/* Finding groups: reproduce a file with its harness binary, read the
 * signature it prints, file it under that signature; minimize each group
 * with the engine's own minimizer. */
#include "cli.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

void cli_signature_file_name(const char *signature, char *out, size_t len)
{
	size_t i = 0;
	for (; signature[i] && i + 1 < len; i++)
		out[i] = isalnum((unsigned char)signature[i]) || signature[i] == '-' ||
				 signature[i] == '.'
			     ? signature[i]
			     : '_';
	out[i] = '\0';
}

void cli_root_cause(const char *signature, char *out, size_t len)
{
	/* <harness>:<kind...>:<geometry>:L<level>: drop the field before the
	 * level when there is one. */
	const char *last = strrchr(signature, ':');
	const char *geometry = NULL;
	for (const char *p = signature; last && p < last; p++)
		if (*p == ':')
			geometry = p;
	bool has_level =
	    last && last[1] == 'L' &&
	    (last[2] == '-' || (last[2] >= '0' && last[2] <= '3') || !strncmp(last + 2, "-1", 2));
	/* At least <harness>:<kind>: before the geometry. */
	if (!has_level || !geometry || !memchr(signature, ':', (size_t)(geometry - signature))) {
		snprintf(out, len, "%s", signature);
		return;
	}
	snprintf(out, len, "%.*s%s", (int)(geometry - signature), signature, last);
}

size_t cli_root_causes(const struct cli_groups *groups, char root[][160], size_t first[],
		       size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < groups->count; i++) {
		char r[160];
		cli_root_cause(groups->groups[i].signature, r, sizeof(r));
		size_t k = 0;
		while (k < n && strcmp(root[k], r))
			k++;
		if (k == n && n < max) {
			snprintf(root[n], 160, "%s", r);
			first[n++] = i;
		}
	}
	return n;
}

bool cli_in_root_cause(const struct cli_group *group, const char *root)
{
	char r[160];
	cli_root_cause(group->signature, r, sizeof(r));
	return !strcmp(r, root);
}

void cli_root_cause_counts(const struct cli_groups *groups, const char *root, unsigned *variants,
			   unsigned *files)
{
	*variants = *files = 0;
	for (size_t i = 0; i < groups->count; i++)
		if (cli_in_root_cause(&groups->groups[i], root)) {
			(*variants)++;
			*files += groups->groups[i].count;
		}
}

void cli_print_findings(const struct cli_groups *groups, bool with_commands)
{
	static char roots[CLI_MAX_GROUPS][160];
	static size_t firsts[CLI_MAX_GROUPS];
	size_t nroots = cli_root_causes(groups, roots, firsts, CLI_MAX_GROUPS);
	for (size_t r = 0; r < nroots; r++) {
		unsigned variants, files;
		cli_root_cause_counts(groups, roots[r], &variants, &files);
		printf("  %-50s %u variant%s, %u file%s\n", roots[r], variants,
		       variants == 1 ? "" : "s", files, files == 1 ? "" : "s");
		for (size_t i = 0; i < groups->count; i++) {
			const struct cli_group *g = &groups->groups[i];
			if (!cli_in_root_cause(g, roots[r]))
				continue;
			const char *file = g->minimized[0] ? g->minimized : g->example;
			char cmd[PATH_MAX * 3];
			if (with_commands)
				cli_repro_command(cmd, sizeof(cmd), g->target, file);
			printf("    %-48s x%-4u %s%s\n", g->signature, g->count,
			       with_commands ? "repro: " : "", with_commands ? cmd : file);
		}
	}
}

/* The first frame of a sanitizer report that is in project code. */
static void sanitizer_signature(const char *harness, const char *output, char *sig, size_t len)
{
	const char *summary = strstr(output, "SUMMARY: ");
	char type[64] = "crash", frame[96] = "unknown";
	if (summary) {
		/* "SUMMARY: AddressSanitizer: heap-buffer-overflow file:line in fn" */
		const char *p = strchr(summary + 9, ':');
		if (p && sscanf(p + 1, " %63s", type) == 1) {
			const char *in = strstr(p, " in ");
			if (in)
				sscanf(in + 4, "%95s", frame);
		}
	} else if (strstr(output, "runtime error")) {
		snprintf(type, sizeof(type), "ubsan");
	} else if (strstr(output, "ERROR: libFuzzer: timeout") || strstr(output, "timeout")) {
		snprintf(type, sizeof(type), "timeout");
	}
	snprintf(sig, len, "%s:%s:%s", harness, type, frame);
}

/* Why a file is flaky: what the engine recorded it as (its name's prefix)
 * and what the reproduction gave. */
static void flaky_reason(const char *file, int status, char *out, size_t len)
{
	const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	static const struct {
		const char *prefix, *kind;
	} kinds[] = {{"timeout-", "timeout"},	  {"crash-", "crash"},
		     {"leak-", "leak"},		  {"oom-", "out-of-memory"},
		     {"slow-unit-", "slow unit"}, {"id:", "AFL++ crash"}};
	const char *kind = "finding";
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strncmp(base, kinds[i].prefix, strlen(kinds[i].prefix)))
			kind = kinds[i].kind;
	snprintf(out, len, "%s: ran clean on reproduction (exit %d)", kind, status);
}

static struct cli_group *find_group(struct cli_groups *groups, const char *signature)
{
	for (size_t i = 0; i < groups->count; i++)
		if (!strcmp(groups->groups[i].signature, signature))
			return &groups->groups[i];
	if (groups->count == CLI_MAX_GROUPS)
		return NULL;
	struct cli_group *g = &groups->groups[groups->count++];
	memset(g, 0, sizeof(*g));
	snprintf(g->signature, sizeof(g->signature), "%s", signature);
	return g;
}

/* argv's environment for a target: "PGDFUZZ_NO_ABORT=1" (when no_abort)
 * then the target's own entries. */
static void target_env(const struct cli_target *target, bool no_abort, char *env[], size_t max)
{
	size_t n = 0;
	if (no_abort)
		env[n++] = "PGDFUZZ_NO_ABORT=1";
	for (size_t i = 0; target->env && target->env[i] && n + 1 < max; i++)
		env[n++] = target->env[i];
	env[n] = NULL;
}

static void remember_known(struct cli_groups *groups, const char *signature)
{
	for (size_t i = 0; i < groups->nknown; i++)
		if (!strcmp(groups->known[i], signature))
			return;
	if (groups->nknown < sizeof(groups->known) / sizeof(groups->known[0]))
		snprintf(groups->known[groups->nknown++], sizeof(groups->known[0]), "%s",
			 signature);
}

bool cli_group_start(struct proc_job *job, const struct cli_target *target, const char *file,
		     char *output, size_t len)
{
	char *argv[] = {(char *)target->binary, (char *)file, NULL};
	char *env[8];
	target_env(target, true, env, 8);
	return proc_job_start(job, argv, env, output, len, 60);
}

void cli_group_file(struct cli_groups *groups, const struct cli_target *target, const char *file,
		    double when)
{
	static char output[1 << 16];
	struct proc_job job;
	int status = -1;
	if (cli_group_start(&job, target, file, output, sizeof(output))) {
		while (!proc_job_poll(&job))
			usleep(2000);
		status = job.status;
	} else {
		output[0] = '\0';
	}
	cli_group_result(groups, target, file, when, status, output);
}

/* The signature a reproduction gave: an oracle finding's, a sanitizer
 * crash's or a hang's; "" when it ran clean. */
static void result_signature(const struct cli_target *target, int status, const char *output,
			     char *signature, size_t len)
{
	const char *verdict = strstr(output, "pgdfuzz: VERDICT ");
	if (verdict && sscanf(verdict + 17, "%159s", signature) == 1 && strcmp(signature, "clean"))
		;	       /* an oracle finding */
	else if (status == -1) /* still running after 60 s: a hang that reproduces */
		snprintf(signature, len, "%s:timeout:over-60s", target->name);
	else if (status != 0)
		sanitizer_signature(target->name, output, signature, len);
	else
		signature[0] = '\0';
}

/* A file (and the signature it once gave, or "") onto the flaky list. */
static void add_flaky(struct cli_groups *groups, const char *file, const char *signature,
		      const char *reason)
{
	if (groups->nflaky >= sizeof(groups->flaky) / sizeof(groups->flaky[0]))
		return;
	size_t i = groups->nflaky++;
	snprintf(groups->flaky[i], PATH_MAX, "%.*s", PATH_MAX - 1, file);
	snprintf(groups->flaky_signature[i], sizeof(groups->flaky_signature[0]), "%s", signature);
	/* The reason is bounded so its suffix always fits. */
	snprintf(groups->flaky_reason[i], sizeof(groups->flaky_reason[0]), "%.*s%s",
		 (int)sizeof(groups->flaky_reason[0]) - 24, reason,
		 groups->filing_earlier ? "; from an earlier run" : "");
}

void cli_group_result(struct cli_groups *groups, const struct cli_target *target, const char *file,
		      double when, int status, const char *output)
{
	char signature[160];
	const char *verdict = strstr(output, "pgdfuzz: VERDICT ");
	result_signature(target, status, output, signature, sizeof(signature));
	if (!signature[0]) {
		char reason[128];
		flaky_reason(file, status, reason, sizeof(reason));
		add_flaky(groups, file, "", reason);
		return;
	}
	/* A written-up kernel finding is not a new one (the fuzzers skip them
	 * too; this catches files that reached us another way, e.g. timeouts). */
	if (groups->known_list && cli_known_signature(groups->known_list, signature)) {
		remember_known(groups, signature);
		return;
	}
	struct cli_group *g = find_group(groups, signature);
	if (!g)
		return;
	struct stat st;
	size_t size = stat(file, &st) == 0 ? (size_t)st.st_size : 0;
	if (g->count == 0 || when < g->first_seen)
		g->first_seen = when;
	if (g->count == 0 || size < g->example_size) {
		snprintf(g->example, sizeof(g->example), "%s", file);
		g->example_size = size;
		/* Keep the part of the output a person needs: the finding. */
		const char *start = verdict ? verdict : output;
		size_t n = strnlen(start, sizeof(g->detail) - 1);
		memcpy(g->detail, start, n);
		g->detail[n] = '\0';
		/* One report is enough: drop a repeat and the engine's chatter. */
		static const char *const cuts[] = {"\npgdfuzz: VERDICT", "\nExecuted ", "\n***"};
		for (size_t k = 0; k < sizeof(cuts) / sizeof(cuts[0]); k++) {
			char *cut = strstr(g->detail, cuts[k]);
			if (cut)
				cut[1] = '\0';
		}
	}
	g->harness = target->harness;
	g->target = target;
	g->count++;
	g->earlier += groups->filing_earlier;
}

/* One fresh process of target's binary on file: its signature ("" clean). */
static void rerun(const struct cli_target *target, const char *file, char *signature, size_t len)
{
	static char output[1 << 16];
	struct proc_job job;
	int status = -1;
	output[0] = '\0';
	if (cli_group_start(&job, target, file, output, sizeof(output))) {
		while (!proc_job_poll(&job))
			usleep(2000);
		status = job.status;
	}
	result_signature(target, status, output, signature, len);
}

/* Per group: how many runs it had (its first reproduction is run 1), the
 * first that disagreed and what that one gave. */
struct rerun_state {
	unsigned runs, failed;
	char got[160];
};

static void rerun_into(struct rerun_state *st, const struct cli_group *g, const char *file)
{
	char got[160];
	rerun(g->target, file, got, sizeof(got));
	st->runs++;
	if (!st->failed && strcmp(got, g->signature)) {
		st->failed = st->runs;
		snprintf(st->got, sizeof(st->got), "%s", got);
	}
}

size_t cli_check_reproducible(struct cli_groups *groups, bool verbose)
{
	size_t n = groups->count;
	if (!n)
		return 0;
	static struct rerun_state state[CLI_MAX_GROUPS];
	for (size_t i = 0; i < n; i++)
		state[i] = (struct rerun_state){.runs = 1};
	/* With one group, B is an input that is no finding: an empty file
	 * (every harness accepts every byte string). */
	char unrelated[PATH_MAX] = "";
	if (n == 1) {
		const char *tmp =
		    getenv("TMPDIR") && getenv("TMPDIR")[0] ? getenv("TMPDIR") : "/tmp";
		snprintf(unrelated, sizeof(unrelated), "%s/pgdfuzz-unrelated-XXXXXX", tmp);
		int fd = mkstemp(unrelated);
		if (fd < 0)
			unrelated[0] = '\0';
		else
			close(fd);
	}
	/* Pairs (A, B) = groups (0, 1), (2, 3), ...; an odd last one pairs
	 * with group 0, whose runs there count too. */
	char got[160];
	for (size_t a = 0; a < n; a += 2) {
		size_t b = a + 1 < n ? a + 1 : a == 0 ? n : 0;
		struct cli_group *A = &groups->groups[a];
		struct cli_group *B = b < n ? &groups->groups[b] : NULL;
		if (verbose && B && b == a + 1)
			printf("pgdfuzz: rerunning findings %zu and %zu of %zu (A, B, A', B'): %s, "
			       "%s\n",
			       a + 1, b + 1, n, A->signature, B->signature);
		else if (verbose)
			printf("pgdfuzz: rerunning finding %zu of %zu (A, B, A', B', B: %s): %s\n",
			       a + 1, n, B ? B->signature : "an input of no finding", A->signature);
		fflush(stdout);
		for (unsigned round = 0; round < 2; round++) {
			rerun_into(&state[a], A, A->example);
			if (B)
				rerun_into(&state[b], B, B->example);
			else if (unrelated[0])
				rerun(A->target, unrelated, got, sizeof(got));
		}
	}
	if (unrelated[0])
		remove(unrelated);
	/* The flaky ones leave groups[] for the flaky list. */
	size_t kept = 0, flaky = 0;
	for (size_t i = 0; i < n; i++) {
		struct cli_group *g = &groups->groups[i];
		const struct rerun_state *st = &state[i];
		if (!st->failed) {
			if (kept != i)
				groups->groups[kept] = *g;
			kept++;
			continue;
		}
		char why[192];
		if (st->got[0])
			/* Bounded: the reason fits flaky_reason's 192 bytes. */
			snprintf(why, sizeof(why),
				 "run %u of %u: signature changed: %.60s -> %.60s", st->failed,
				 st->runs, g->signature, st->got);
		else
			snprintf(why, sizeof(why), "%s: run %u of %u: clean", g->signature,
				 st->failed, st->runs);
		bool earlier = groups->filing_earlier;
		groups->filing_earlier = g->earlier == g->count;
		add_flaky(groups, g->example, g->signature, why);
		groups->filing_earlier = earlier;
		flaky++;
	}
	groups->count = kept;
	return flaky;
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

int cli_write_findings_json(const struct cli_groups *groups, const char *path)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return -1;
	fprintf(f, "{\n  \"findings\": [");
	for (size_t i = 0; i < groups->count; i++) {
		const struct cli_group *g = &groups->groups[i];
		char root[160];
		cli_root_cause(g->signature, root, sizeof(root));
		fprintf(f, "%s\n    {\"signature\": ", i ? "," : "");
		json_string(f, g->signature);
		fprintf(f, ", \"root_cause\": ");
		json_string(f, root);
		fprintf(f, ", \"target\": ");
		json_string(f, g->target ? g->target->name : "");
		fprintf(f, ", \"files\": %u, \"earlier_files\": %u, \"reproducer\": ", g->count,
			g->earlier);
		json_string(f, g->minimized[0] ? g->minimized : g->example);
		fprintf(f, ", \"reproducible\": true}");
	}
	fprintf(f, "%s],\n  \"flaky\": [", groups->count ? "\n  " : "");
	for (size_t i = 0; i < groups->nflaky; i++) {
		fprintf(f, "%s\n    {\"file\": ", i ? "," : "");
		json_string(f, groups->flaky[i]);
		fprintf(f, ", \"signature\": ");
		json_string(f, groups->flaky_signature[i]);
		fprintf(f, ", \"reason\": ");
		json_string(f, groups->flaky_reason[i]);
		fprintf(f, ", \"reproducible\": false}");
	}
	fprintf(f, "%s]\n}\n", groups->nflaky ? "\n  " : "");
	if (fclose(f)) {
		free(text);
		return -1;
	}
	int rc = cli_write_atomic(path, text, len);
	free(text);
	return rc;
}

void cli_minimize_groups(struct cli_groups *groups, enum cli_engine engine, const char *out_dir,
			 int seconds, int total_seconds)
{
	static char output[1 << 16];
	cli_mkdirs(out_dir);
	time_t start = time(NULL);
	for (size_t i = 0; i < groups->count; i++) {
		struct cli_group *g = &groups->groups[i];
		/* The wrap-up is bounded: once total_seconds are spent, the rest
		 * keep their smallest example as the reproducer. */
		int left = total_seconds - (int)(time(NULL) - start);
		int budget_s = left < seconds ? left : seconds;
		char dest[sizeof(g->minimized) - 1], name[160], budget[64],
		    exact[sizeof(dest) + 32];
		char *binary = (char *)g->target->binary, *env[8];
		/* The minimizers keep any crash: only this group's counts. */
		char keep[sizeof(g->signature) + 32];
		snprintf(keep, sizeof(keep), "PGDFUZZ_KEEP_SIGNATURE=%s", g->signature);
		cli_signature_file_name(g->signature, name, sizeof(name));
		snprintf(dest, sizeof(dest), "%s/%s.bin", out_dir, name);
		/* Progress: the wrap-up can take minutes. */
		if (budget_s >= 1)
			printf("pgdfuzz: minimizing %zu/%zu %s (up to %d s)\n", i + 1,
			       groups->count, g->signature, budget_s);
		else
			printf("pgdfuzz: minimizing %zu/%zu %s: no time left, keeping the "
			       "smallest file\n",
			       i + 1, groups->count, g->signature);
		fflush(stdout);
		int status = -1;
		if (budget_s < 1) {
			/* Out of wrap-up time: no minimizer run. */
		} else if (engine == CLI_AFL) {
			char *argv[] = {"afl-tmin", "-i", g->example, "-o",
					dest,	    "--", binary,     NULL};
			char *afl_env[] = {"AFL_SKIP_CPUFREQ=1", "AFL_NO_AFFINITY=1", keep, NULL};
			status = proc_capture(argv, afl_env, output, sizeof(output), budget_s + 30);
		} else {
			snprintf(budget, sizeof(budget), "-max_total_time=%d", budget_s);
			snprintf(exact, sizeof(exact), "-exact_artifact_path=%s", dest);
			char *argv[] = {
			    binary, "-minimize_crash=1", "-runs=100000", budget, exact, g->example,
			    NULL};
			/* The target's environment: a kernel finding is shrunk
			 * without drifting into a written-up one. */
			target_env(g->target, false, env, 7);
			for (size_t e = 0;; e++)
				if (!env[e]) {
					env[e] = keep;
					env[e + 1] = NULL;
					break;
				}
			status = proc_capture(argv, env, output, sizeof(output), budget_s + 30);
		}
		(void)status;
		/* Keep the minimized file only if it still shows the same
		 * signature; otherwise fall back to the smallest original. */
		static struct cli_groups check;
		memset(&check, 0, sizeof(check));
		if (budget_s >= 1 && access(dest, R_OK) == 0) {
			cli_group_file(&check, g->target, dest, 0);
			if (check.count == 1 && !strcmp(check.groups[0].signature, g->signature)) {
				snprintf(g->minimized, sizeof(g->minimized), "%s", dest);
				snprintf(g->detail, sizeof(g->detail), "%s",
					 check.groups[0].detail);
			} else {
				remove(dest);
			}
		}
		if (!g->minimized[0]) {
			/* Copy the example as the reproducer. */
			uint8_t *data;
			size_t size;
			char err[256];
			if (!case_read_file(g->example, &data, &size, err, sizeof(err))) {
				cli_write_atomic(dest, (const char *)data, size);
				free(data);
				snprintf(g->minimized, sizeof(g->minimized), "%s", dest);
			}
		}
		/* The text form beside it, for people. */
		struct pgd_case c;
		char text[PATH_MAX + 8], err[256];
		snprintf(text, sizeof(text), "%s/%s.txt", out_dir, name);
		/* The reproducer is what the harness binary ran: any bytes. A
		 * target whose inputs are not cases has no text form. */
		if (!g->target->not_cases &&
		    !case_load_fuzzer_input(g->minimized, g->harness, &c, err, sizeof(err)))
			case_save_text(text, &c, err, sizeof(err));
	}
}
