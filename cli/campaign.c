/* pgdfuzz run: a fuzzing campaign over the harnesses with live progress,
 * grouped findings and a report. libFuzzer runs in fork mode (it keeps
 * going after crashes); AFL++ runs one main instance plus secondaries. */
#include "cli.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* "90", "90s", "5m", "2h" -> seconds; -1 if malformed. */
static long parse_duration(const char *text)
{
	char *end;
	long value = strtol(text, &end, 10);
	if (end == text || value < 0)
		return -1;
	if (!*end || !strcmp(end, "s"))
		return value;
	if (!strcmp(end, "m"))
		return value * 60;
	if (!strcmp(end, "h"))
		return value * 3600;
	return -1;
}

struct worker {
	const struct cli_target *target;
	struct cli_harness_stats *stats;
	pid_t pids[16];
	int npids;
	char dir[PATH_MAX], log[PATH_MAX], corpus[PATH_MAX], artifacts[PATH_MAX];
	size_t seen; /* crash files already grouped */
	char seen_names[512][64];
};

static bool number_after(const char *line, const char *key, double *value)
{
	const char *p = strstr(line, key);
	return p && sscanf(p + strlen(key), "%lf", value) == 1;
}

/* Latest status from a libFuzzer log: the last line starting with '#'. */
static void read_libfuzzer_stats(struct worker *w)
{
	FILE *f = fopen(w->log, "r");
	if (!f)
		return;
	char line[1024], last[1024] = "";
	/* Only the tail matters; logs can grow large. */
	if (fseek(f, -65536, SEEK_END))
		fseek(f, 0, SEEK_SET);
	while (fgets(line, sizeof(line), f))
		if (line[0] == '#' && strstr(line, "cov:"))
			snprintf(last, sizeof(last), "%s", line);
	fclose(f);
	double v;
	if (!last[0])
		return;
	if (sscanf(last + 1, "%lf", &v) == 1)
		w->stats->execs = (uint64_t)v;
	if (number_after(last, "cov: ", &v))
		w->stats->cov = (unsigned)v;
	if (number_after(last, "ft: ", &v))
		w->stats->features = (unsigned)v;
	if (number_after(last, "corp: ", &v))
		w->stats->corpus = (unsigned)v;
	/* "exec/s: N" in the main loop, "exec/s N" in fork mode. */
	const char *rate = strstr(last, "exec/s");
	if (rate && sscanf(rate + 6, "%*[: ]%lf", &v) == 1)
		w->stats->exec_per_sec = v;
}

/* AFL++: sum fuzzer_stats over the instances. */
static void read_afl_stats(struct worker *w)
{
	char path[PATH_MAX + 300];
	uint64_t execs = 0;
	double rate = 0, corpus = 0, cvg = 0;
	DIR *d = opendir(w->dir);
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/fuzzer_stats", w->dir, e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		char line[256];
		double v;
		while (fgets(line, sizeof(line), f)) {
			if (number_after(line, "execs_done", &v) ||
			    sscanf(line, "execs_done : %lf", &v) == 1)
				execs += (uint64_t)v;
			if (sscanf(line, "execs_per_sec : %lf", &v) == 1)
				rate += v;
			if (sscanf(line, "corpus_count : %lf", &v) == 1)
				corpus = v > corpus ? v : corpus;
			if (sscanf(line, "bitmap_cvg : %lf", &v) == 1)
				cvg = v > cvg ? v : cvg;
		}
		fclose(f);
	}
	closedir(d);
	w->stats->execs = execs;
	w->stats->exec_per_sec = rate;
	w->stats->corpus = (unsigned)corpus;
	w->stats->cov = (unsigned)(cvg * 100); /* bitmap coverage in 1/100 % */
	w->stats->features = w->stats->cov;
}

static bool is_crash_file(const char *name)
{
	return !strncmp(name, "crash-", 6) || !strncmp(name, "leak-", 5) ||
	       !strncmp(name, "timeout-", 8) || !strncmp(name, "oom-", 4) ||
	       !strncmp(name, "id:", 3);
}

static bool already_seen(struct worker *w, const char *name)
{
	for (size_t i = 0; i < w->seen && i < 512; i++)
		if (!strcmp(w->seen_names[i], name))
			return true;
	if (w->seen < 512)
		snprintf(w->seen_names[w->seen], 64, "%.63s", name);
	w->seen++;
	return false;
}

/* Group crash files that appeared since the last scan. */
static void scan_artifacts(struct worker *w, struct cli_groups *groups, const char *dir,
			   double when)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d));) {
		if (!is_crash_file(e->d_name) || already_seen(w, e->d_name))
			continue;
		char path[PATH_MAX + 300];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		w->stats->crashes++;
		cli_group_file(groups, w->target, path, when);
	}
	closedir(d);
}

/* Width of the name column: the longest target name, at least min. */
static int name_width(const struct worker *workers, size_t n, int min)
{
	int width = min;
	for (size_t i = 0; i < n; i++)
		if ((int)strlen(workers[i].stats->name) > width)
			width = (int)strlen(workers[i].stats->name);
	return width;
}

static void display(struct worker *workers, size_t n, double elapsed, double planned,
		    const struct cli_groups *groups, bool tty, bool first)
{
	int width = name_width(workers, n, 8);
	if (tty && !first)
		printf("\033[%zuA", n + 2);
	printf("%spgdfuzz run: %4.0fs elapsed, %4.0fs left, %zu distinct findings%s\n",
	       tty ? "\033[K" : "", elapsed, planned > elapsed ? planned - elapsed : 0,
	       groups->count, tty ? "" : "");
	printf("%s%-*s %12s %8s %6s %8s %7s %8s\n", tty ? "\033[K" : "", width,
	       workers[0].target->backend[0] ? "target" : "harness", "execs", "exec/s", "cov",
	       "features", "corpus", "findings");
	for (size_t i = 0; i < n; i++) {
		const struct cli_harness_stats *s = workers[i].stats;
		unsigned findings = 0;
		for (size_t g = 0; g < groups->count; g++)
			findings += groups->groups[g].target == workers[i].target;
		printf("%s%-*s %12llu %8.0f %6u %8u %7u %8u%s\n", tty ? "\033[K" : "", width,
		       s->name, (unsigned long long)s->execs, s->exec_per_sec, s->cov, s->features,
		       s->corpus, findings, s->running ? "" : "  (done)");
	}
	fflush(stdout);
}

static int usage(FILE *out, int status)
{
	fprintf(out, "usage: pgdfuzz run [--time DURATION] [--jobs N] [--engine libfuzzer|afl] "
		     "[--out DIR] [--fuzzers DIR] [--minimize-time DURATION] [HARNESS...]\n"
		     "       pgdfuzz run --kernel-src LINUX_TREE [--kernel-config NAME] "
		     "[--all-findings] [--time DURATION] [--jobs N] [--out DIR] "
		     "[--minimize-time DURATION] [kernel-BACKEND...]\n\n"
		     "  --time D            campaign length (60s, 5m, 1h; default 60s)\n"
		     "  --jobs N            fuzzer processes in all (1..64; default: cores)\n"
		     "  --engine E          libfuzzer (default) or afl\n"
		     "  --out DIR           output directory (default pgdfuzz-out)\n"
		     "  --fuzzers DIR       directory of fuzz_<harness> binaries\n"
		     "  --minimize-time D   total time for minimizing findings (default 2m)\n"
		     "  --kernel-src DIR    fuzz the arm64 page-table code of a Linux tree\n"
		     "  --target DIR        fuzz your own builder (sources, adapter, manifest)\n"
		     "  --kernel-config C   one kernel configuration (4k-48, ...)\n"
		     "  --all-findings      also stop on written-up kernel findings\n\n"
		     "Exit status: 0 clean, 1 findings, 2 bad arguments or nothing fuzzed,\n"
		     "130 interrupted (SIGINT/SIGTERM; the report is still written).\n");
	return status;
}

/* Engine options from the command line: --timeout, --rss-limit, --seed,
 * --corpus and everything after "--", passed to every fuzzer. */
struct engine_options {
	long timeout, rss_limit_mb, seed; /* seed < 0: the engine's own */
	const char *corpus;		  /* external corpus, or NULL */
	char **extra;			  /* after "--" */
	int nextra;
	char regressions[PATH_MAX]; /* corpus/regressions next to the fuzzers, or "" */
};

static void start_libfuzzer(struct worker *w, long seconds, int forks, char *const env[],
			    const struct engine_options *o)
{
	const char *seeds = w->target->seeds;
	char fork_arg[32], time_arg[48], prefix[PATH_MAX + 32], timeout[48], rss[48], seed[48],
	    external[PATH_MAX + 64];
	snprintf(fork_arg, sizeof(fork_arg), "-fork=%d", forks);
	snprintf(time_arg, sizeof(time_arg), "-max_total_time=%ld", seconds);
	snprintf(prefix, sizeof(prefix), "-artifact_prefix=%s/", w->artifacts);
	snprintf(timeout, sizeof(timeout), "-timeout=%ld", o->timeout);
	snprintf(rss, sizeof(rss), "-rss_limit_mb=%ld", o->rss_limit_mb);
	snprintf(seed, sizeof(seed), "-seed=%ld", o->seed);
	char *argv[96];
	int n = 0;
	argv[n++] = (char *)w->target->binary;
	argv[n++] = fork_arg;
	argv[n++] = "-ignore_crashes=1";
	argv[n++] = "-ignore_timeouts=1";
	argv[n++] = "-ignore_ooms=1";
	argv[n++] = rss;
	argv[n++] = timeout;
	if (o->seed >= 0)
		argv[n++] = seed;
	argv[n++] = time_arg;
	argv[n++] = "-print_final_stats=1";
	argv[n++] = prefix;
	/* Options after "--" come last, so they override ours. */
	for (int i = 0; i < o->nextra && n < 80; i++)
		argv[n++] = o->extra[i];
	/* The writable campaign corpus first; seeds, regressions and an
	 * external corpus are read from. */
	argv[n++] = w->corpus;
	if (seeds[0])
		argv[n++] = (char *)seeds;
	if (o->regressions[0])
		argv[n++] = (char *)o->regressions;
	if (o->corpus) {
		/* DIR/<target> when it exists (a campaign's out/corpus), else DIR. */
		struct stat st;
		snprintf(external, sizeof(external), "%s/%s", o->corpus, w->target->name);
		if (stat(external, &st) || !S_ISDIR(st.st_mode))
			snprintf(external, sizeof(external), "%s", o->corpus);
		argv[n++] = external;
	}
	argv[n] = NULL;
	w->pids[w->npids++] = proc_spawn(argv, w->log, env);
}

/* True if path does not exist or is a directory without entries (AFL++
 * refuses to reuse an output directory unless told to resume). */
static bool dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return true; /* missing, or not a directory: cli_mkdirs decides */
	bool empty = true;
	for (struct dirent *e; empty && (e = readdir(d));)
		empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
	closedir(d);
	return empty;
}

/* The output directory: a non-empty one only with --resume, then created. */
static int prepare_out(const char *out, bool resume)
{
	if (!resume && !dir_is_empty(out))
		return cli_error("%s is not empty: pass --resume to continue from its corpus "
				 "and findings, or choose another --out",
				 out);
	if (cli_mkdirs(out))
		return cli_error("%s: cannot create the output directory", out);
	return 0;
}

static void start_afl(struct worker *w, long seconds, int instances)
{
	const char *seeds = w->target->seeds;
	char time_arg[32], name[32];
	snprintf(time_arg, sizeof(time_arg), "%ld", seconds);
	char *env[] = {"AFL_SKIP_CPUFREQ=1",	    "AFL_NO_UI=1",
		       "AFL_NO_AFFINITY=1",	    "AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1",
		       "AFL_NO_WARN_INSTABILITY=1", NULL};
	for (int i = 0; i < instances && w->npids < 16; i++) {
		snprintf(name, sizeof(name), "%s%d", i == 0 ? "main" : "sec", i);
		char *argv[] = {"afl-fuzz",
				i == 0 ? "-M" : "-S",
				name,
				"-i",
				(char *)seeds,
				"-o",
				w->dir,
				"-V",
				time_arg,
				"--",
				(char *)w->target->binary,
				NULL};
		w->pids[w->npids++] = proc_spawn(argv, w->log, env);
	}
}

#define MAX_TARGETS 8

/* Kernel campaigns: the fuzzers' environment. The allowlist keeps written-up
 * kernel findings from stopping progress; PGDFUZZ_KERNEL_SEEN makes fork-mode
 * jobs log the known signatures they hit (their output is discarded). */
static char known_env[PATH_MAX + 32], config_env[64], seen_env[PATH_MAX + 64];
static char *kernel_env[3], *kernel_fuzz_env[4];

/* The kernel targets named (all when none is) for tree src, with their
 * environment. Returns 0 or CLI_USAGE_ERROR. */
static int kernel_targets(const char *src, const char *const *names, size_t nnames,
			  bool all_findings, const char *config, const char *out,
			  struct cli_target *targets, size_t *ntargets, struct cli_report *report)
{
	static char known[PATH_MAX], seen[PATH_MAX + 32], config_names[512];
	size_t nenv = 0;
	known[0] = '\0';
	if (!all_findings) {
		cli_project_file("kernel/known-findings.txt", known, sizeof(known));
		if (access(known, R_OK))
			return cli_error("%s: the allowlist of known kernel findings is missing "
					 "(--all-findings runs without it)",
					 known);
		snprintf(known_env, sizeof(known_env), "PGDFUZZ_KERNEL_KNOWN=%s", known);
		kernel_env[nenv++] = known_env;
	}
	if (config) {
		if (!cli_kernel_config_valid(config, config_names, sizeof(config_names)))
			return cli_error("--kernel-config %s: not a kernel configuration of this "
					 "build (%s)",
					 config, config_names);
		snprintf(config_env, sizeof(config_env), "PGDFUZZ_KERNEL_CONFIG=%s", config);
		kernel_env[nenv++] = config_env;
	}
	kernel_env[nenv] = NULL;
	char real_out[PATH_MAX];
	if (!realpath(out, real_out))
		snprintf(real_out, sizeof(real_out), "%s", out);
	snprintf(seen, sizeof(seen), "%s/known-seen.txt", real_out);
	remove(seen); /* this campaign's sightings only */
	snprintf(seen_env, sizeof(seen_env), "PGDFUZZ_KERNEL_SEEN=%s", seen);
	for (size_t i = 0; i <= nenv; i++)
		kernel_fuzz_env[i] = kernel_env[i];
	kernel_fuzz_env[nenv] = seen_env;
	kernel_fuzz_env[nenv + 1] = NULL;

	char built[256] = "", err[PATH_MAX + 256];
	for (size_t b = 0; b < cli_kernel_backend_count(); b++)
		snprintf(built + strlen(built), sizeof(built) - strlen(built), "%skernel-%s",
			 b ? ", " : "", cli_kernel_backend(b));
	*ntargets = 0;
	for (size_t b = 0; b < cli_kernel_backend_count() && *ntargets < MAX_TARGETS; b++) {
		const char *backend = cli_kernel_backend(b);
		/* With --kernel-config, by default only the backends that have
		 * that configuration (the others would skip every input). */
		bool has_config = !config || cli_kernel_backend_has_config(backend, config);
		bool wanted = !nnames && has_config;
		for (size_t n = 0; n < nnames; n++)
			wanted |= !strcmp(names[n], backend) || (!strncmp(names[n], "kernel-", 7) &&
								 !strcmp(names[n] + 7, backend));
		if (!wanted)
			continue;
		if (!has_config)
			return cli_error("kernel-%s has no configuration %s", backend, config);
		struct cli_target *t = &targets[(*ntargets)++];
		if (!cli_kernel_target(backend, src, t, err, sizeof(err)))
			return cli_error("%s", err);
		t->env = kernel_env;
	}
	for (size_t n = 0; n < nnames; n++) {
		bool found = false;
		for (size_t i = 0; i < *ntargets; i++)
			found |= !strcmp(names[n], targets[i].name) ||
				 !strcmp(names[n], targets[i].backend);
		if (!found)
			return cli_error("'%s' is not a kernel target of this build for %s (%s)",
					 names[n], src, built);
	}
	report->kernel_src = src;
	report->known_list = known;
	report->kernel_config = config ? config : "";
	report->seen_file = seen;
	return 0;
}

int cmd_run(int argc, char **argv)
{
	long seconds = 60, minimize_seconds = 120;
	int jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	enum cli_engine engine = CLI_LIBFUZZER;
	const char *out = "pgdfuzz-out", *given_fuzzers = NULL, *kernel_dir = NULL,
		   *target_dir = NULL, *kernel_config = NULL;
	bool all_findings = false, resume = false;
	static struct engine_options options;
	memset(&options, 0, sizeof(options));
	options.timeout = 10;
	options.rss_limit_mb = 2560;
	options.seed = -1;
	const char *names[MAX_TARGETS];
	size_t nnames = 0;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const char *value = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(arg, "--time") && value) {
			if ((seconds = parse_duration(value)) <= 0)
				return cli_error("--time %s: expected a duration like 60s, 5m, 1h",
						 value);
			i++;
		} else if (!strcmp(arg, "--minimize-time") && value) {
			if ((minimize_seconds = parse_duration(value)) < 0)
				return cli_error("--minimize-time %s: expected a duration like 0, "
						 "30s, 5m",
						 value);
			i++;
		} else if (!strcmp(arg, "--jobs") && value) {
			char *end;
			long n = strtol(value, &end, 10);
			jobs = end != value && !*end && n >= 1 && n <= 64 ? (int)n : 0;
			if (jobs < 1)
				return cli_error("--jobs %s: expected 1..64", value);
			i++;
		} else if (!strcmp(arg, "--engine") && value) {
			if (!strcmp(value, "libfuzzer"))
				engine = CLI_LIBFUZZER;
			else if (!strcmp(value, "afl"))
				engine = CLI_AFL;
			else
				return cli_error("--engine %s: expected libfuzzer or afl", value);
			i++;
		} else if (!strcmp(arg, "--out") && value) {
			out = value;
			i++;
		} else if (!strcmp(arg, "--fuzzers") && value) {
			given_fuzzers = value;
			i++;
		} else if (!strcmp(arg, "--kernel-src") && value) {
			kernel_dir = value;
			i++;
		} else if (!strcmp(arg, "--target") && value) {
			target_dir = value;
			i++;
		} else if (!strcmp(arg, "--kernel-config") && value) {
			kernel_config = value;
			i++;
		} else if (!strcmp(arg, "--all-findings")) {
			all_findings = true;
		} else if (!strcmp(arg, "--resume")) {
			resume = true;
		} else if ((!strcmp(arg, "--timeout") || !strcmp(arg, "--rss-limit") ||
			    !strcmp(arg, "--seed")) &&
			   value) {
			char *end;
			long n = strtol(value, &end, 10);
			bool seed = !strcmp(arg, "--seed");
			if (end == value || *end || n < (seed ? 0 : 1) || n > 1000000000L)
				return cli_error("%s %s: expected a %s", arg, value,
						 seed ? "number >= 0" : "positive number");
			if (!strcmp(arg, "--timeout"))
				options.timeout = n;
			else if (!strcmp(arg, "--rss-limit"))
				options.rss_limit_mb = n;
			else
				options.seed = n;
			i++;
		} else if (!strcmp(arg, "--corpus") && value) {
			struct stat st;
			if (stat(value, &st) || !S_ISDIR(st.st_mode))
				return cli_error("--corpus %s: not a directory", value);
			options.corpus = value;
			i++;
		} else if (!strcmp(arg, "--")) {
			options.extra = argv + i + 1;
			options.nextra = argc - i - 1;
			break;
		} else if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
			return usage(stdout, 0);
		} else if (arg[0] == '-') {
			return usage(stderr, CLI_USAGE_ERROR);
		} else {
			/* The same target named twice runs once. */
			bool dup = false;
			for (size_t n = 0; n < nnames; n++)
				dup |= !strcmp(names[n], arg);
			if (dup)
				continue;
			if (nnames == MAX_TARGETS)
				return cli_error("at most %d targets", MAX_TARGETS);
			names[nnames++] = arg;
		}
	}
	if (jobs < 1)
		jobs = 1;

	if (engine == CLI_AFL && (options.nextra || options.corpus || options.seed >= 0 ||
				  options.timeout != 10 || options.rss_limit_mb != 2560))
		return cli_error("--timeout, --rss-limit, --seed, --corpus and -- OPTIONS are "
				 "libFuzzer options; not with --engine afl");
	static struct cli_target targets[MAX_TARGETS];
	static struct cli_report report;
	static char kernel_src[PATH_MAX];
	memset(&report, 0, sizeof(report));
	size_t ntargets = 0;
	char fuzzers[PATH_MAX] = "";
	static char user_target_dir[PATH_MAX];
	if (target_dir) {
		/* A user's target (cli/target_build.c): its build's fuzzer. */
		if (kernel_dir || given_fuzzers || nnames || engine == CLI_AFL)
			return cli_error(
			    "--target: not with --kernel-src, --fuzzers, harness names "
			    "or --engine afl");
		int rc = cli_target_enter(target_dir, user_target_dir, sizeof(user_target_dir));
		if (rc)
			return rc;
		if ((rc = prepare_out(out, resume)))
			return rc;
		if (!cli_user_target(user_target_dir, &targets[ntargets]))
			return cli_error("internal: this pgdfuzz has no target built in");
		ntargets++;
	} else if (kernel_dir) {
		if (engine == CLI_AFL)
			return cli_error("kernel mode runs libFuzzer only (the fuzz preset); drop "
					 "--engine afl");
		if (given_fuzzers)
			return cli_error("--fuzzers: not with --kernel-src (the kernel build's "
					 "fuzzers are used)");
		int rc = cli_kernel_enter(kernel_dir, kernel_src, sizeof(kernel_src));
		if (rc)
			return rc;
		if ((rc = prepare_out(out, resume)))
			return rc;
		rc = kernel_targets(kernel_src, names, nnames, all_findings, kernel_config, out,
				    targets, &ntargets, &report);
		if (rc)
			return rc;
	} else {
		if (kernel_config || all_findings)
			return cli_error(
			    "--kernel-config and --all-findings need --kernel-src DIR");
		enum case_harness chosen[CASE_HARNESS_COUNT];
		size_t nchosen = 0;
		for (size_t n = 0; n < nnames; n++) {
			enum case_harness h;
			if (!strncmp(names[n], "kernel-", 7))
				return cli_error("%s: kernel targets need --kernel-src LINUX_TREE",
						 names[n]);
			if (!cli_harness_from_name(names[n], &h))
				return cli_error(
				    "unknown harness '%s' (builder, idmap, reloc, walker)",
				    names[n]);
			if (nchosen < CASE_HARNESS_COUNT)
				chosen[nchosen++] = h;
		}
		if (!nchosen)
			for (int h = 0; h < CASE_HARNESS_COUNT; h++)
				chosen[nchosen++] = (enum case_harness)h;
		bool found = cli_find_fuzzers(engine, given_fuzzers, fuzzers, sizeof(fuzzers));
		if (!found && given_fuzzers)
			return cli_error("--fuzzers %s: no fuzz_builder binary there",
					 given_fuzzers);
		if (!found)
			return cli_error(
			    "no %s fuzz_* binaries found; build them with `cmake --preset %s && "
			    "cmake --build build/%s` or pass --fuzzers DIR",
			    engine == CLI_AFL ? "AFL++" : "libFuzzer",
			    engine == CLI_AFL ? "afl" : "fuzz", engine == CLI_AFL ? "afl" : "fuzz");
		int rc = prepare_out(out, resume);
		if (rc)
			return rc;
		for (size_t i = 0; i < nchosen; i++)
			cli_harness_target(fuzzers, chosen[i], &targets[ntargets++]);
		/* Every finding ever fixed seeds every harness (as CI replays it). */
		if (!cli_seed_dir(fuzzers, "regressions", options.regressions,
				  sizeof(options.regressions)))
			options.regressions[0] = '\0';
	}
	if (!ntargets)
		return cli_error("no kernel backend was built for %s", kernel_src);

	static struct cli_harness_stats stats[MAX_TARGETS];
	static struct worker workers[MAX_TARGETS];
	static struct cli_groups groups;
	memset(stats, 0, sizeof(stats));
	memset(workers, 0, sizeof(workers));
	memset(&groups, 0, sizeof(groups));
	if (report.known_list && report.known_list[0])
		groups.known_list = report.known_list;
	int per_harness = jobs / (int)ntargets > 1 ? jobs / (int)ntargets : 1;

	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	double start = now();
	for (size_t i = 0; i < ntargets; i++) {
		struct worker *w = &workers[i];
		const char *name = targets[i].name;
		w->target = &targets[i];
		w->stats = &stats[i];
		stats[i].harness = targets[i].harness;
		stats[i].name = targets[i].name;
		stats[i].running = true;
		snprintf(w->dir, sizeof(w->dir), "%s/%s", out, name);
		snprintf(w->log, sizeof(w->log), "%s/%s/fuzz.log", out, name);
		snprintf(w->corpus, sizeof(w->corpus), "%s/%s/corpus", out, name);
		snprintf(w->artifacts, sizeof(w->artifacts), "%s/%s/artifacts", out, name);
		cli_mkdirs(w->corpus);
		cli_mkdirs(w->artifacts);
		remove(w->log);
		if (engine == CLI_AFL) {
			if (!targets[i].seeds[0])
				return cli_error("no seed corpus for %s next to %s", name, fuzzers);
			start_afl(w, seconds, per_harness);
		} else {
			start_libfuzzer(w, seconds, per_harness,
					targets[i].backend[0] ? kernel_fuzz_env : NULL, &options);
		}
	}

	/* One JSON object per target and sample, for dashboards and CI. */
	char stats_path[PATH_MAX + 16];
	snprintf(stats_path, sizeof(stats_path), "%s/stats.jsonl", out);
	FILE *stats_file = fopen(stats_path, "w");
	if (!stats_file)
		fprintf(stderr, "pgdfuzz: %s: cannot write the stats file\n", stats_path);
	bool tty = isatty(1);
	int width = name_width(workers, ntargets, 7);
	double last_plain = -10, interrupted_at = 0;
	int last_signal = 0;
	for (bool first = true;; first = false) {
		double elapsed = now() - start;
		bool any = false;
		for (size_t i = 0; i < ntargets; i++) {
			struct worker *w = &workers[i];
			for (int p = 0; p < w->npids; p++) {
				if (w->pids[p] > 0 &&
				    waitpid(w->pids[p], NULL, WNOHANG) == w->pids[p])
					w->pids[p] = 0;
				any |= w->pids[p] > 0;
			}
			w->stats->running = false;
			for (int p = 0; p < w->npids; p++)
				w->stats->running |= w->pids[p] > 0;
			if (engine == CLI_AFL) {
				read_afl_stats(w);
				char crashes[PATH_MAX + 64];
				for (int p = 0; p < w->npids; p++) {
					snprintf(crashes, sizeof(crashes), "%s/%s%d/crashes",
						 w->dir, p == 0 ? "main" : "sec", p);
					scan_artifacts(w, &groups, crashes, elapsed);
				}
			} else {
				read_libfuzzer_stats(w);
				scan_artifacts(w, &groups, w->artifacts, elapsed);
			}
			cli_stats_sample(w->stats, elapsed);
			if (stats_file) {
				fprintf(stats_file,
					"{\"time\": %.1f, \"target\": \"%s\", \"execs\": %llu, "
					"\"exec_per_sec\": %.0f, \"cov\": %u, \"features\": %u, "
					"\"corpus\": %u, \"crash_files\": %u, \"running\": %s}\n",
					elapsed, w->stats->name,
					(unsigned long long)w->stats->execs, w->stats->exec_per_sec,
					w->stats->cov, w->stats->features, w->stats->corpus,
					w->stats->crashes, w->stats->running ? "true" : "false");
				fflush(stats_file);
			}
		}
		if (tty) {
			display(workers, ntargets, elapsed, (double)seconds, &groups, true, first);
		} else if (elapsed - last_plain >= 5 || !any) {
			last_plain = elapsed;
			for (size_t i = 0; i < ntargets; i++) {
				const struct cli_harness_stats *s = workers[i].stats;
				printf(
				    "[%4.0fs] %-*s execs=%llu exec/s=%.0f cov=%u ft=%u corpus=%u "
				    "crashes=%u\n",
				    elapsed, width, s->name, (unsigned long long)s->execs,
				    s->exec_per_sec, s->cov, s->features, s->corpus, s->crashes);
			}
			fflush(stdout);
		}
		if (!any)
			break;
		if (interrupted) {
			/* SIGINT lets libFuzzer and AFL++ stop cleanly; a fuzzer
			 * still running 5 s later gets SIGTERM, at 10 s SIGKILL,
			 * each sent to its whole process group (fork-mode workers
			 * included). */
			if (interrupted_at == 0)
				interrupted_at = elapsed;
			double waited = elapsed - interrupted_at;
			int sig = waited < 5 ? SIGINT : waited < 10 ? SIGTERM : SIGKILL;
			if (sig != last_signal)
				for (size_t i = 0; i < ntargets; i++)
					for (int p = 0; p < workers[i].npids; p++)
						if (workers[i].pids[p] > 0)
							kill(-workers[i].pids[p], sig);
			last_signal = sig;
		}
		usleep(1000000);
	}
	double elapsed = now() - start;
	if (stats_file)
		fclose(stats_file);

	/* Merge each campaign corpus into a minimized one with the engine. */
	for (size_t i = 0; i < ntargets && !interrupted; i++) {
		static char output[1 << 16];
		const char *name = targets[i].name;
		char merged[PATH_MAX + 64], *binary = targets[i].binary;
		snprintf(merged, sizeof(merged), "%s/corpus/%s", out, name);
		cli_mkdirs(merged);
		if (engine == CLI_AFL) {
			char queue[PATH_MAX + 64], cmin_out[PATH_MAX + 128];
			snprintf(queue, sizeof(queue), "%s/main0/queue", workers[i].dir);
			snprintf(cmin_out, sizeof(cmin_out), "%s.cmin", merged);
			char *argv[] = {"afl-cmin", "-i", queue,  "-o",
					cmin_out,   "--", binary, NULL};
			char *env[] = {"AFL_ALLOW_TMP=1", "AFL_SKIP_CPUFREQ=1", NULL};
			if (proc_capture(argv, env, output, sizeof(output), 600) == 0) {
				char *mv[] = {"cp", "-r", "-T", cmin_out, merged, NULL};
				proc_capture(mv, NULL, output, sizeof(output), 60);
			}
		} else {
			/* With the target's environment: a kernel input that hits
			 * a written-up finding must not stop the merge. */
			char *argv[] = {binary, "-merge=1", merged, workers[i].corpus, NULL};
			proc_capture(argv, targets[i].env, output, sizeof(output), 600);
		}
		size_t entries = 0;
		DIR *d = opendir(merged);
		for (struct dirent *e; d && (e = readdir(d));)
			entries += e->d_name[0] != '.';
		if (d)
			closedir(d);
		stats[i].merged = entries;
	}

	char findings_dir[PATH_MAX];
	snprintf(findings_dir, sizeof(findings_dir), "%s/findings", out);
	if (groups.count)
		cli_minimize_groups(&groups, engine, findings_dir, 20, (int)minimize_seconds);
	report.elapsed = elapsed;
	report.planned = (double)seconds;
	report.engine = engine == CLI_AFL ? "AFL++" : "libFuzzer (fork mode)";
	report.jobs = jobs;
	report.stats = stats;
	report.nstats = ntargets;
	report.groups = &groups;
	report.fuzzers = fuzzers;
	report.out_dir = out;
	report.interrupted = interrupted;
	bool report_failed = cli_write_report(&report) != 0;
	if (report_failed)
		fprintf(stderr, "pgdfuzz: could not write the report in %s\n", out);
	printf(
	    "\npgdfuzz run: %zu distinct finding(s)%s; report: %s/report.md and %s/report.html\n",
	    groups.count, interrupted ? " (interrupted)" : "", out, out);
	cli_print_findings(&groups, true);
	if (report.kernel_src && report.known_list[0])
		printf("  known kernel findings seen: see \"Known kernel findings seen\" in "
		       "%s/report.md\n",
		       out);
	/* "Nothing ran" is never clean: a target that executed no input (not a
	 * fuzzer, e.g. a replay driver, or one that died at start) fails the
	 * campaign. */
	int idle = 0;
	for (size_t i = 0; i < ntargets; i++)
		if (!stats[i].execs) {
			fprintf(stderr,
				"pgdfuzz: %s executed no input (is %s a %s fuzzer? its log: "
				"%s/%s/fuzz.log)\n",
				targets[i].name, targets[i].binary,
				engine == CLI_AFL ? "AFL++" : "libFuzzer", out, targets[i].name);
			idle++;
		}
	if (interrupted)
		return CLI_INTERRUPTED;
	if (report_failed || idle)
		return CLI_USAGE_ERROR;
	return groups.count ? 1 : 0;
}
