/* pgdfuzz minimize and pgdfuzz merge: thin commands over the engines' own
 * tools (libFuzzer -minimize_crash=1 and -merge=1, AFL++ afl-tmin and
 * afl-cmin), with the harness binary found as run and triage find it. */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct engine_args {
	enum cli_engine engine;
	const char *fuzzer, *fuzzers, *out;
	bool forced;
	enum case_harness harness;
	long seconds;
	const char *files[64];
	size_t nfiles;
};

static int parse_engine_args(int argc, char **argv, const char *help, struct engine_args *a)
{
	memset(a, 0, sizeof(*a));
	a->seconds = 60;
	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(opt, "--help") || !strcmp(opt, "-h")) {
			fputs(help, stdout);
			return -1;
		}
		bool takes = !strcmp(opt, "--engine") || !strcmp(opt, "--fuzzer") ||
			     !strcmp(opt, "--fuzzers") || !strcmp(opt, "--harness") ||
			     !strcmp(opt, "--time") || !strcmp(opt, "-o");
		if (takes && !value)
			return cli_error("%s needs a value\n%s", opt, help);
		if (!strcmp(opt, "--engine")) {
			i++;
			if (!strcmp(value, "afl"))
				a->engine = CLI_AFL;
			else if (strcmp(value, "libfuzzer"))
				return cli_error("--engine %s: expected libfuzzer or afl", value);
		} else if (!strcmp(opt, "--fuzzer")) {
			a->fuzzer = argv[++i];
		} else if (!strcmp(opt, "--fuzzers")) {
			a->fuzzers = argv[++i];
		} else if (!strcmp(opt, "--harness")) {
			if (!cli_harness_from_name(argv[++i], &a->harness))
				return cli_error(
				    "--harness %s: unknown harness (builder, idmap, reloc, walker)",
				    value);
			a->forced = true;
		} else if (!strcmp(opt, "--time")) {
			char *end;
			i++;
			a->seconds = strtol(value, &end, 10);
			if (end == value || *end || a->seconds < 1 || a->seconds > 86400)
				return cli_error("--time %s: expected seconds, 1..86400", value);
		} else if (!strcmp(opt, "-o")) {
			a->out = argv[++i];
		} else if (opt[0] == '-' && opt[1]) {
			return cli_error("unknown option %s\n%s", opt, help);
		} else if (a->nfiles < 64) {
			a->files[a->nfiles++] = opt;
		} else {
			return cli_error("at most 64 paths");
		}
	}
	return 0;
}

/* The harness binary: --fuzzer, else fuzz_<harness> among the fuzzers. */
static int find_binary(const struct engine_args *a, char *binary, size_t len)
{
	if (a->fuzzer) {
		if (access(a->fuzzer, X_OK))
			return cli_error("--fuzzer %s: not an executable file", a->fuzzer);
		snprintf(binary, len, "%s", a->fuzzer);
		return 0;
	}
	if (!a->forced)
		return cli_error("name the harness (--harness builder|idmap|reloc|walker) or the "
				 "binary (--fuzzer BIN)");
	char dir[PATH_MAX];
	if (!cli_find_fuzzers(a->engine, a->fuzzers, dir, sizeof(dir)))
		return cli_error("%s%s: no fuzz_builder there; build the %s preset or pass "
				 "--fuzzers DIR",
				 a->fuzzers ? "--fuzzers " : "no fuzzers found",
				 a->fuzzers ? a->fuzzers : "",
				 a->engine == CLI_AFL ? "afl" : "fuzz");
	snprintf(binary, len, "%.*s/fuzz_%s", PATH_MAX - 32, dir, case_harness_name(a->harness));
	if (access(binary, X_OK))
		return cli_error("%s: not built", binary);
	return 0;
}

static long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) || !S_ISREG(st.st_mode) ? -1 : (long)st.st_size;
}

/* The signature file gives with target's binary ("" clean); non-zero if
 * it could not be run. */
static int judge(const struct cli_target *target, const char *file, char *sig, size_t len)
{
	static struct cli_groups groups;
	static char output[1 << 16];
	struct proc_job job;
	memset(&groups, 0, sizeof(groups));
	sig[0] = '\0';
	if (!cli_group_start(&job, target, file, output, sizeof(output)))
		return -1;
	while (!proc_job_poll(&job))
		usleep(2000);
	if (job.status == 127)
		return -1;
	cli_group_result(&groups, target, file, 0, job.status, output);
	if (groups.count)
		snprintf(sig, len, "%s", groups.groups[0].signature);
	return 0;
}

static const char minimize_help[] =
    "usage: pgdfuzz minimize [--engine libfuzzer|afl] (--fuzzer BIN | --harness H [--fuzzers "
    "DIR])\n"
    "                        [--time S] [-o OUT] FILE\n\n"
    "Shrink a crash or finding file with the engine's minimizer (libFuzzer\n"
    "-minimize_crash=1 for S seconds, default 60; AFL++ afl-tmin) into OUT\n"
    "(default FILE.min). FILE is a fuzzer input as the engine saved it. OUT is\n"
    "written only if the minimized file gives FILE's signature (judged as run\n"
    "and triage judge, PGDFUZZ_NO_ABORT=1); otherwise it is left as it was.\n"
    "Exit status: 0 minimized, 1 the file does not reproduce or the minimized\n"
    "one gives another signature, 2 bad arguments.\n";

int cmd_minimize(int argc, char **argv)
{
	struct engine_args a;
	int rc = parse_engine_args(argc, argv, minimize_help, &a);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (a.nfiles != 1)
		return cli_error("%s\n%s", a.nfiles ? "one FILE only" : "no FILE", minimize_help);
	const char *file = a.files[0];
	long before = file_size(file);
	if (before < 0)
		return cli_error("%s: not a readable regular file", file);
	char binary[PATH_MAX], out[PATH_MAX + 8], budget[48], exact[PATH_MAX + 64];
	if ((rc = find_binary(&a, binary, sizeof(binary))))
		return rc;
	snprintf(out, sizeof(out), "%s", a.out ? a.out : file);
	if (!a.out)
		strcat(out, ".min");
	struct stat st;
	if (!stat(out, &st) && S_ISDIR(st.st_mode))
		return cli_error("-o %s: is a directory", out);
	/* What the input gives: the minimized file must give the same. */
	struct cli_target target;
	memset(&target, 0, sizeof(target));
	enum case_harness harness = a.harness;
	if (!a.forced && !cli_harness_of_fuzzer(binary, &harness))
		harness = CASE_HARNESS_BUILDER;
	snprintf(target.name, sizeof(target.name), "%s", case_harness_name(harness));
	target.harness = harness;
	snprintf(target.binary, sizeof(target.binary), "%s", binary);
	char want[160];
	if (judge(&target, file, want, sizeof(want)))
		return cli_error("%s could not be run", binary);
	if (!want[0]) {
		fprintf(stderr,
			"pgdfuzz minimize: %s does not reproduce with %s (no finding); "
			"nothing written\n",
			file, binary);
		return 1;
	}
	/* The minimizer writes a temp file beside OUT; OUT appears whole. */
	char temp[PATH_MAX + 32];
	snprintf(temp, sizeof(temp), "%s.tmp.%ld", out, (long)getpid());
	static char output[1 << 16];
	int status;
	/* Only the input's own finding counts as a crash while minimizing. */
	char keep[200];
	snprintf(keep, sizeof(keep), "PGDFUZZ_KEEP_SIGNATURE=%s", want);
	if (a.engine == CLI_AFL) {
		char *args[] = {"afl-tmin", "-i", (char *)file, "-o", temp, "--", binary, NULL};
		char *env[] = {"AFL_SKIP_CPUFREQ=1", "AFL_NO_AFFINITY=1", keep, NULL};
		status = proc_capture(args, env, output, sizeof(output), (int)a.seconds + 30);
	} else {
		snprintf(budget, sizeof(budget), "-max_total_time=%ld", a.seconds);
		snprintf(exact, sizeof(exact), "-exact_artifact_path=%s", temp);
		char *args[] = {
		    binary, "-minimize_crash=1", "-runs=1000000", budget, exact, (char *)file,
		    NULL};
		char *env[] = {keep, NULL};
		status = proc_capture(args, env, output, sizeof(output), (int)a.seconds + 30);
	}
	long after = file_size(temp);
	/* The minimizer keeps any crash (afl-tmin even shrinks inputs that
	 * do not crash): OUT is written only if the minimized file gives
	 * the input's signature, judged as run and triage judge. */
	char got[160] = "";
	if (after >= 0 && !judge(&target, temp, got, sizeof(got)) && strcmp(got, want)) {
		unlink(temp);
		fprintf(stderr,
			"pgdfuzz minimize: the minimized file gives %s, not %s as %s does; %s "
			"not written\n",
			got[0] ? got : "no finding (clean)", want, file, out);
		return 1;
	}
	if (after < 0) {
		unlink(temp);
		if (status == 127)
			return cli_error("%s could not be run",
					 a.engine == CLI_AFL ? "afl-tmin" : binary);
		fprintf(stderr, "%s", output);
		fprintf(stderr,
			"pgdfuzz minimize: %s does not reproduce with %s (exit %d); nothing "
			"written\n",
			file, binary, status);
		return 1;
	}
	if (rename(temp, out)) {
		unlink(temp);
		return cli_error("%s: %s", out, strerror(errno));
	}
	printf("pgdfuzz minimize: %s: %ld -> %ld bytes in %s (%s)\n", file, before, after, out,
	       a.engine == CLI_AFL ? "afl-tmin" : "libFuzzer -minimize_crash=1");
	return 0;
}

static size_t count_entries(const char *dir)
{
	size_t n = 0;
	DIR *d = opendir(dir);
	for (struct dirent *e; d && (e = readdir(d));)
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static const char merge_help[] =
    "usage: pgdfuzz merge [--engine libfuzzer|afl] (--fuzzer BIN | --harness H [--fuzzers "
    "DIR])\n"
    "                     OUT_DIR DIR...\n\n"
    "Add to OUT_DIR the inputs of the DIRs that bring new coverage (libFuzzer\n"
    "-merge=1; AFL++ afl-cmin, one DIR, OUT_DIR new or empty).\n"
    "Exit status: 0 merged, 2 bad arguments or the engine failed.\n";

int cmd_merge(int argc, char **argv)
{
	struct engine_args a;
	int rc = parse_engine_args(argc, argv, merge_help, &a);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (a.nfiles < 2)
		return cli_error("need OUT_DIR and at least one corpus DIR\n%s", merge_help);
	struct stat st;
	for (size_t i = 1; i < a.nfiles; i++)
		if (stat(a.files[i], &st) || !S_ISDIR(st.st_mode))
			return cli_error("%s: not a directory", a.files[i]);
	if (a.engine == CLI_AFL && a.nfiles != 2)
		return cli_error("afl-cmin takes one input directory");
	char binary[PATH_MAX];
	if ((rc = find_binary(&a, binary, sizeof(binary))))
		return rc;
	const char *out = a.files[0];
	if (a.engine == CLI_LIBFUZZER && cli_mkdirs(out))
		return cli_error("%s: cannot create the directory", out);
	size_t before = count_entries(out), inputs = 0;
	for (size_t i = 1; i < a.nfiles; i++)
		inputs += count_entries(a.files[i]);
	static char output[1 << 16];
	int status;
	if (a.engine == CLI_AFL) {
		char *args[] = {"afl-cmin", "-i", (char *)a.files[1], "-o", (char *)out, "--",
				binary,	    NULL};
		char *env[] = {"AFL_SKIP_CPUFREQ=1", "AFL_ALLOW_TMP=1", NULL};
		status = proc_capture(args, env, output, sizeof(output), 3600);
	} else {
		char *args[70] = {binary, "-merge=1", (char *)out};
		size_t n = 3;
		for (size_t i = 1; i < a.nfiles; i++)
			args[n++] = (char *)a.files[i];
		args[n] = NULL;
		status = proc_capture(args, NULL, output, sizeof(output), 3600);
	}
	if (status != 0) {
		fprintf(stderr, "%s", output);
		return cli_error("the merge failed (exit %d)", status);
	}
	printf("pgdfuzz merge: %zu inputs -> %s now holds %zu (had %zu)\n", inputs, out,
	       count_entries(out), before);
	return 0;
}
