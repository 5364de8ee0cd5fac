/* pgdfuzz run: a fuzzing campaign over the harnesses with live progress,
 * grouped findings and a report.
 *
 * The runner keeps the harnesses at their own speed: persistent fuzzer
 * processes (libFuzzer's main loop, as ClusterFuzz runs it; AFL++ -M/-S
 * instances), never more than --jobs at a time, each for a time slice of
 * one harness on one build. Slices rotate so that every harness gets the
 * same slot time, and within it most time goes to the fast build (no
 * sanitizers) and one slot's share to the ASan+UBSan build, all processes
 * of a harness sharing one corpus (AFL++'s parallel-campaign practice). A
 * process that stops at a finding is replaced at once. Crash files are
 * reproduced on the sanitizer build in the background (the monitor loop
 * polls the reproduction), so every finding is judged by one build and the
 * screen keeps moving. */
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

#define MAX_TARGETS   8
#define MAX_SLOTS     64
#define MAX_SEEN      1024
#define MAX_INSTANCES 16
/* The longest slice: a restart reloads the corpus, so slices are long, but
 * not so long that a harness waits most of a long campaign for its turn. */
#define MAX_SLICE_S 600.0
/* A process that ends this soon after its start is restarted with a
 * growing delay; one that also executed nothing, QUICK_DEATHS times in a
 * row, is not restarted (not a fuzzer, or broken). */
#define QUICK_EXIT_S 2.0
#define QUICK_DEATHS 3

/* "fast" and "asan"; a campaign with one build calls it "single". */
static const char *build_label[CLI_BUILDS] = {"fast", "asan"};

/* libFuzzer's two ways to run (see pick_mode). */
enum { MODE_PERSISTENT, MODE_FORK, MODES };
static const char *const mode_label[MODES] = {"persistent", "fork"};

/* One fuzzer process: a time slice of one harness on one build. */
struct slot {
	pid_t pid; /* 0: free */
	size_t worker;
	int build;
	int instance;	      /* AFL++ instance (main0, sec1, ...) */
	int mode;	      /* libFuzzer: MODE_PERSISTENT or MODE_FORK */
	double started, ends; /* campaign seconds */
	bool signalled;	      /* pgdfuzz sent it a signal (slice end, Ctrl-C) */
	char log[PATH_MAX + 64];
	uint64_t execs, execs_base; /* AFL++: the instance's count at the start */
	double rate;
	unsigned cov, features, corpus;
	double bitmap;
};

/* One harness (or kernel target) of the campaign. */
struct worker {
	const struct cli_target *target; /* the judging build's binary */
	char fast_binary[PATH_MAX];	 /* "" with one build */
	struct cli_harness_stats *stats;
	char dir[PATH_MAX], corpus[PATH_MAX + 16], logs[PATH_MAX + 16];
	char artifacts[CLI_BUILDS][PATH_MAX + 32];
	double share[CLI_BUILDS];     /* planned slot seconds per build */
	double committed[CLI_BUILDS]; /* used, plus what running slices plan */
	unsigned running[CLI_BUILDS];
	unsigned quick_exits[CLI_BUILDS], deaths[CLI_BUILDS];
	double not_before[CLI_BUILDS];
	bool dead[CLI_BUILDS];
	uint64_t finished_execs[CLI_BUILDS];
	unsigned cov[CLI_BUILDS][MODES], features[CLI_BUILDS][MODES], corpus_size;
	unsigned stops[CLI_BUILDS]; /* persistent processes that stopped early */
	double bitmap;
	bool instance_busy[MAX_INSTANCES];
	unsigned processes; /* started, for log names and seeds */
	size_t seen;
	char seen_names[MAX_SEEN][160];
};

/* Crash files waiting for their reproduction on the judging build. */
struct pending {
	size_t worker;
	int build;    /* which build wrote it */
	bool earlier; /* in --out before this run (--resume) */
	double when;
	char path[PATH_MAX + 300];
};

static struct pending queue[MAX_SEEN];
static size_t queue_head, queue_len;

static bool number_after(const char *line, const char *key, double *value)
{
	const char *p = strstr(line, key);
	return p && sscanf(p + strlen(key), "%lf", value) == 1;
}

/* A libFuzzer process's latest status: the last '#' line of its log; at
 * its end also the final count (-print_final_stats=1). */
static void read_libfuzzer_log(struct slot *s, bool final)
{
	FILE *f = fopen(s->log, "r");
	if (!f)
		return;
	char line[1024], last[1024] = "";
	double units = -1, v;
	/* Only the tail matters while it runs; logs can grow large. */
	if (!final && fseek(f, -65536, SEEK_END))
		fseek(f, 0, SEEK_SET);
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' && (strstr(line, "cov:") || strstr(line, "exec/s")))
			snprintf(last, sizeof(last), "%s", line);
		if (number_after(line, "stat::number_of_executed_units: ", &v))
			units = v;
	}
	fclose(f);
	if (last[0]) {
		if (sscanf(last + 1, "%lf", &v) == 1)
			s->execs = (uint64_t)v;
		if (number_after(last, "cov: ", &v))
			s->cov = (unsigned)v;
		if (number_after(last, "ft: ", &v))
			s->features = (unsigned)v;
		if (number_after(last, "corp: ", &v))
			s->corpus = (unsigned)v;
		const char *rate = strstr(last, "exec/s");
		if (rate && sscanf(rate + 6, "%*[: ]%lf", &v) == 1)
			s->rate = v;
	}
	if (units >= 0 && (uint64_t)units > s->execs)
		s->execs = (uint64_t)units;
}

static void afl_instance_name(int instance, char *name, size_t len)
{
	snprintf(name, len, "%s%d", instance == 0 ? "main" : "sec", instance);
}

/* An AFL++ instance's totals. AFL++ (4.04c) writes plot_data every 5 s but
 * not in an instance's first minute, and fuzzer_stats after calibration,
 * then about once a minute and at the end; the latest of both is taken. Columns are found by the
 * names in plot_data's header ("# relative_time, cycles_done, ..., total_execs, edges_found"). */
static bool read_afl_instance(const char *dir, int instance, uint64_t *execs, double *rate,
			      unsigned *corpus, unsigned *edges, double *bitmap)
{
	char name[32], path[PATH_MAX + 64], line[1024];
	afl_instance_name(instance, name, sizeof(name));
	bool any = false;
	*execs = 0;
	*rate = 0;
	*corpus = *edges = 0;
	*bitmap = 0;
	snprintf(path, sizeof(path), "%s/%s/plot_data", dir, name);
	FILE *f = fopen(path, "r");
	if (f) {
		char header[1024] = "", last[1024] = "";
		while (fgets(line, sizeof(line), f)) {
			if (line[0] == '#')
				snprintf(header, sizeof(header), "%s", line + 1);
			else if (line[0] != '\n')
				snprintf(last, sizeof(last), "%s", line);
		}
		fclose(f);
		char *hsave, *vsave;
		char *h = strtok_r(header, ", \n", &hsave);
		char *v = strtok_r(last, ", \n", &vsave);
		for (; h && v;
		     h = strtok_r(NULL, ", \n", &hsave), v = strtok_r(NULL, ", \n", &vsave)) {
			double x = strtod(v, NULL);
			any = true;
			if (!strcmp(h, "total_execs"))
				*execs = (uint64_t)x;
			else if (!strcmp(h, "execs_per_sec"))
				*rate = x;
			else if (!strcmp(h, "corpus_count") || !strcmp(h, "paths_total"))
				*corpus = (unsigned)x;
			else if (!strcmp(h, "edges_found"))
				*edges = (unsigned)x;
			else if (!strcmp(h, "map_size"))
				*bitmap = x; /* "12.34%" */
		}
	}
	snprintf(path, sizeof(path), "%s/%s/fuzzer_stats", dir, name);
	f = fopen(path, "r");
	double started = 0, updated = 0;
	while (f && fgets(line, sizeof(line), f)) {
		double x;
		any = true;
		if (sscanf(line, "execs_done : %lf", &x) == 1 && (uint64_t)x > *execs)
			*execs = (uint64_t)x;
		else if (sscanf(line, "corpus_count : %lf", &x) == 1 && (unsigned)x > *corpus)
			*corpus = (unsigned)x;
		else if (sscanf(line, "edges_found : %lf", &x) == 1 && (unsigned)x > *edges)
			*edges = (unsigned)x;
		else if (sscanf(line, "bitmap_cvg : %lf", &x) == 1 && x > *bitmap)
			*bitmap = x;
		else if (sscanf(line, "start_time : %lf", &x) == 1)
			started = x;
		else if (sscanf(line, "last_update : %lf", &x) == 1)
			updated = x;
	}
	if (f)
		fclose(f);
	/* Without plot_data's recent rate, the average between fuzzer_stats'
	 * start and last update (its execs_per_sec, written once right after
	 * calibration, would say tens of thousands). */
	if (*rate == 0 && updated - started >= 5)
		*rate = (double)*execs / (updated - started);
	return any;
}

static void read_afl_slot(const struct worker *w, struct slot *s)
{
	uint64_t execs;
	double rate, bitmap;
	unsigned corpus, edges;
	if (!read_afl_instance(w->dir, s->instance, &execs, &rate, &corpus, &edges, &bitmap))
		return;
	/* Resumed instances continue their count; a restarted one starts at 0. */
	if (execs < s->execs_base)
		s->execs_base = 0;
	s->execs = execs - s->execs_base;
	s->rate = rate;
	s->corpus = corpus;
	s->cov = edges;
	s->bitmap = bitmap;
}

static bool is_crash_file(const char *name)
{
	return !strncmp(name, "crash-", 6) || !strncmp(name, "leak-", 5) ||
	       !strncmp(name, "timeout-", 8) || !strncmp(name, "oom-", 4) ||
	       !strncmp(name, "id:", 3);
}

/* Queue the crash files of dir not seen before, for reproduction. */
static void scan_artifacts(struct worker *w, size_t index, int build, const char *dir, double when,
			   bool earlier)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d));) {
		if (!is_crash_file(e->d_name))
			continue;
		char path[PATH_MAX + 300];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		bool seen = false;
		for (size_t i = 0; i < w->seen && !seen; i++)
			seen = !strcmp(w->seen_names[i], path + strlen(w->dir));
		if (seen)
			continue;
		/* Full: left for a later scan, never dropped. */
		if (w->seen == MAX_SEEN || queue_len == MAX_SEEN)
			break;
		snprintf(w->seen_names[w->seen++], sizeof(w->seen_names[0]), "%.159s",
			 path + strlen(w->dir));
		struct pending *p = &queue[(queue_head + queue_len++) % MAX_SEEN];
		p->worker = index;
		p->build = build;
		p->when = when;
		p->earlier = earlier;
		snprintf(p->path, sizeof(p->path), "%s", path);
		if (earlier)
			w->stats->earlier++;
		else
			w->stats->crashes++;
	}
	closedir(d);
}
static int usage(FILE *out, int status)
{
	fprintf(out,
		"usage: pgdfuzz run [--time DURATION] [--jobs N] [--engine libfuzzer|afl] "
		"[--out DIR] [--resume] [--fuzzers DIR] [--fast-fuzzers DIR] [--minimize-time "
		"DURATION] "
		"[HARNESS...]\n"
		"       pgdfuzz run --kernel-src LINUX_TREE [--kernel-config NAME] "
		"[--all-findings] [--time DURATION] [--jobs N] [--out DIR] "
		"[--minimize-time DURATION] [kernel-BACKEND...]\n\n"
		"  --time D            campaign length (60s, 5m, 1h; default 60s)\n"
		"  --jobs N            fuzzer processes at a time (1..64; default: cores)\n"
		"  --engine E          libfuzzer (default) or afl\n"
		"  --out DIR           output directory (default pgdfuzz-out)\n"
		"  --resume            continue in a non-empty --out (its corpus, findings)\n"
		"  --fuzzers DIR       fuzz_<harness> binaries of the sanitizer build (fuzz\n"
		"                      preset); they also judge every finding\n"
		"  --fast-fuzzers DIR  the same without sanitizers (fuzz-fast preset), for\n"
		"                      most of the slot time; default: build/fuzz-fast/fuzz\n"
		"                      beside the sanitizer build\n"
		"  --minimize-time D   total time for minimizing findings (default 2m)\n"
		"  --kernel-src DIR    fuzz the arm64 page-table code of a Linux tree\n"
		"  --target DIR        fuzz your own builder (sources, adapter, manifest)\n"
		"  --kernel-config C   one kernel configuration (4k-48, ...)\n"
		"  --all-findings      also stop on written-up kernel findings\n\n"
		"Exit status: 0 clean, 1 findings, 2 bad arguments or nothing fuzzed,\n"
		"130 interrupted (SIGINT/SIGTERM; the report is still written),\n"
		"3 a fuzzer process died of a signal pgdfuzz did not send (and no findings).\n");
	return status;
}

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

/* Engine options from the command line: --timeout, --rss-limit, --seed,
 * --corpus and everything after "--", passed to every fuzzer. */
struct engine_options {
	long timeout, rss_limit_mb, seed; /* seed < 0: the engine's own */
	const char *corpus;		  /* external corpus, or NULL */
	char **extra;			  /* after "--" */
	int nextra;
	char regressions[PATH_MAX]; /* corpus/regressions next to the fuzzers, or "" */
};

/* A persistent libFuzzer process for seconds: it stops at the first
 * finding (the slot is then refilled), reloads the shared corpus as the
 * other processes grow it (-reload) and writes only to the first corpus
 * directory. */
static pid_t start_libfuzzer(struct worker *w, const struct slot *s, long seconds,
			     const struct engine_options *o)
{
	const char *seeds = w->target->seeds;
	char time_arg[48], prefix[PATH_MAX + 64], timeout[48], rss[48], seed[48],
	    external[PATH_MAX + 64];
	snprintf(time_arg, sizeof(time_arg), "-max_total_time=%ld", seconds);
	snprintf(prefix, sizeof(prefix), "-artifact_prefix=%s/", w->artifacts[s->build]);
	snprintf(timeout, sizeof(timeout), "-timeout=%ld", o->timeout);
	snprintf(rss, sizeof(rss), "-rss_limit_mb=%ld", o->rss_limit_mb);
	/* --seed: the first process gets it, the next ones the following
	 * numbers (the same seed twice would repeat the same work). */
	snprintf(seed, sizeof(seed), "-seed=%ld", o->seed + (long)w->processes);
	char *argv[96];
	int n = 0;
	argv[n++] = s->build == CLI_BUILD_FAST ? w->fast_binary : (char *)w->target->binary;
	if (s->mode == MODE_FORK) {
		/* One child at a time (the parent only supervises it), going on
		 * past findings. */
		argv[n++] = "-fork=1";
		argv[n++] = "-ignore_crashes=1";
		argv[n++] = "-ignore_timeouts=1";
		argv[n++] = "-ignore_ooms=1";
	}
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
	return proc_spawn(argv, s->log, w->target->backend[0] ? kernel_fuzz_env : NULL);
}

/* An AFL++ instance for seconds: -M main0 when no other instance of the
 * harness runs, else -S secN; AFL_AUTORESUME continues its queue when the
 * instance ran in an earlier slice. */
static pid_t start_afl(struct worker *w, const struct slot *s, long seconds)
{
	char time_arg[32], name[32];
	snprintf(time_arg, sizeof(time_arg), "%ld", seconds);
	afl_instance_name(s->instance, name, sizeof(name));
	char *env[] = {"AFL_SKIP_CPUFREQ=1",
		       "AFL_NO_UI=1",
		       "AFL_NO_AFFINITY=1",
		       "AFL_AUTORESUME=1",
		       "AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1",
		       "AFL_NO_WARN_INSTABILITY=1",
		       NULL};
	char *argv[] = {"afl-fuzz",
			s->instance == 0 ? "-M" : "-S",
			name,
			"-i",
			(char *)w->target->seeds,
			"-o",
			w->dir,
			"-V",
			time_arg,
			"--",
			(char *)w->target->binary,
			NULL};
	return proc_spawn(argv, s->log, env);
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

/* How a harness runs on a build: persistent processes, as ClusterFuzz runs
 * libFuzzer (measured against fork mode inside campaigns, they won on
 * every harness and build: fork mode's parent replays the whole shared
 * corpus before its first job). A harness whose persistent processes
 * stopped early at findings twice runs in fork mode, which goes on past
 * them instead of restarting into the same shallow finding. */
static int pick_mode(const struct worker *w, int b)
{
	return w->stops[b] >= 2 ? MODE_FORK : MODE_PERSISTENT;
}

/* The next harness and build for a free slot: first the harness with the
 * fewest processes running, then the one furthest behind its share of slot
 * time, then the build furthest behind its share. Returns false when no
 * pair may start now. */
static bool pick_next(struct worker *workers, size_t n, double elapsed, size_t *which, int *build)
{
	bool found = false;
	double best_key[3] = {0};
	for (size_t i = 0; i < n; i++) {
		struct worker *w = &workers[i];
		double harness_share = w->share[0] + w->share[1];
		double used = w->committed[0] + w->committed[1];
		unsigned running = w->running[0] + w->running[1];
		for (int b = 0; b < CLI_BUILDS; b++) {
			if (w->share[b] <= 0 || w->dead[b] || elapsed < w->not_before[b])
				continue;
			double key[3] = {running, used / harness_share,
					 w->committed[b] / w->share[b]};
			bool better = !found;
			for (int k = 0; k < 3 && !better; k++) {
				if (key[k] < best_key[k] - 1e-9) {
					better = true;
				} else if (key[k] > best_key[k] + 1e-9) {
					break;
				}
			}
			if (better) {
				found = true;
				memcpy(best_key, key, sizeof(key));
				*which = i;
				*build = b;
			}
		}
	}
	return found;
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

/* What the runner is doing: the running slices and the reproductions. */
static void status_line(char *buf, size_t len, const struct slot *slots, int nslots,
			const struct worker *workers, double elapsed, bool reproducing,
			const char *judge, bool afl)
{
	int used = 0;
	size_t at = 0;
	for (int i = 0; i < nslots; i++)
		used += slots[i].pid > 0;
	at += (size_t)snprintf(buf + at, len - at, "slots %d/%d", used, nslots);
	const char *sep = ": ";
	for (int i = 0; i < nslots && at < len; i++) {
		if (slots[i].pid <= 0)
			continue;
		double left = slots[i].ends - elapsed;
		at += (size_t)snprintf(buf + at, len - at, "%s%s %s%s%s (%.0f s left)", sep,
				       workers[slots[i].worker].stats->name,
				       build_label[slots[i].build], afl ? "" : " ",
				       afl ? "" : mode_label[slots[i].mode], left > 0 ? left : 0);
		sep = ", ";
	}
	if (at < len && (reproducing || queue_len))
		snprintf(buf + at, len - at, "; reproducing %d file%s on the %s build, %zu queued",
			 reproducing ? 1 : 0, reproducing ? "" : "s", judge, queue_len);
}

static unsigned findings_of(const struct cli_groups *groups, const struct cli_target *t)
{
	unsigned findings = 0;
	for (size_t g = 0; g < groups->count; g++)
		findings += groups->groups[g].target == t;
	return findings;
}

static void display(struct worker *workers, size_t n, double elapsed, double planned,
		    const struct cli_groups *groups, bool afl, const char *status, bool first)
{
	int width = name_width(workers, n, 8);
	if (!first)
		printf("\033[%zuA", n + 3);
	printf("\033[Kpgdfuzz run: %4.0fs elapsed, %4.0fs left, %zu distinct findings\n", elapsed,
	       planned > elapsed ? planned - elapsed : 0, groups->count);
	printf("\033[K%-*s %-9s %12s %8s %7s %8s %7s %8s\n", width,
	       workers[0].target->backend[0] ? "target" : "harness", "now", "execs", "exec/s",
	       "edges", afl ? "bitmap%" : "features", "corpus", "findings");
	for (size_t i = 0; i < n; i++) {
		const struct cli_harness_stats *s = workers[i].stats;
		char second[32];
		if (afl)
			snprintf(second, sizeof(second), "%.2f", s->bitmap_cvg);
		else
			snprintf(second, sizeof(second), "%u", s->features);
		printf("\033[K%-*s %-9s %12llu %8.0f %7u %8s %7u %8u\n", width, s->name, s->doing,
		       (unsigned long long)s->execs, s->exec_per_sec, s->cov, second, s->corpus,
		       findings_of(groups, workers[i].target));
	}
	printf("\033[K%s\n", status);
	fflush(stdout);
}

/* The fast build's fuzzers: --fast-fuzzers, else build/fuzz-fast/fuzz beside
 * the judging build (<root>/build/fuzz/fuzz). "" when there is none. */
static int find_fast_fuzzers(const char *given, const char *judge, char *dir, size_t len)
{
	char path[PATH_MAX + 64], real_judge[PATH_MAX], real_fast[PATH_MAX];
	dir[0] = '\0';
	if (given) {
		snprintf(path, sizeof(path), "%s/fuzz_builder", given);
		if (access(path, X_OK))
			return cli_error("--fast-fuzzers %s: no fuzz_builder binary there", given);
		snprintf(dir, len, "%s", given);
		return 0;
	}
	snprintf(path, sizeof(path), "%s/../../fuzz-fast/fuzz", judge);
	if (!realpath(judge, real_judge) || !realpath(path, real_fast) ||
	    !strcmp(real_judge, real_fast))
		return 0;
	snprintf(path, sizeof(path), "%s/fuzz_builder", real_fast);
	if (!access(path, X_OK))
		snprintf(dir, len, "%s/../../fuzz-fast/fuzz", judge);
	return 0;
}

/* A process's latest coverage into its harness's best so far. */
static void absorb(struct worker *w, const struct slot *s)
{
	if (s->cov > w->cov[s->build][s->mode])
		w->cov[s->build][s->mode] = s->cov;
	if (s->features > w->features[s->build][s->mode])
		w->features[s->build][s->mode] = s->features;
	if (s->corpus > w->corpus_size)
		w->corpus_size = s->corpus;
	if (s->bitmap > w->bitmap)
		w->bitmap = s->bitmap;
}

/* Reap the slots whose process ended: account its executions and time. */
static void reap(struct slot *slots, int nslots, struct worker *workers, double elapsed, bool afl)
{
	for (int i = 0; i < nslots; i++) {
		struct slot *s = &slots[i];
		int status = 0;
		if (s->pid <= 0 || waitpid(s->pid, &status, WNOHANG) != s->pid)
			continue;
		struct worker *w = &workers[s->worker];
		if (WIFSIGNALED(status) && !s->signalled) {
			/* libFuzzer and AFL++ end on findings with an exit code;
			 * a signal nobody here sent is a death, never dropped. */
			if (!w->stats->died++)
				snprintf(
				    w->stats->died_note, sizeof(w->stats->died_note),
				    "%s (%s build) died of signal %d after %.0f s; its log: %s",
				    w->stats->name, build_label[s->build], WTERMSIG(status),
				    elapsed - s->started, s->log);
			fprintf(
			    stderr,
			    "pgdfuzz: %s (%s build) died of signal %d, not sent by pgdfuzz (log "
			    "%s)\n",
			    w->stats->name, build_label[s->build], WTERMSIG(status), s->log);
		}
		if (afl)
			read_afl_slot(w, s);
		else
			read_libfuzzer_log(s, true);
		absorb(w, s);
		int b = s->build;
		double ran = elapsed - s->started;
		w->committed[b] -= (s->ends - s->started) - ran;
		w->stats->build_seconds[b] += ran;
		w->finished_execs[b] += s->execs;
		if (!afl) {
			w->stats->mode_seconds[b][s->mode] += ran;
			w->stats->mode_execs[b][s->mode] += s->execs;
			/* A persistent process ends early only at a finding. */
			if (s->mode == MODE_PERSISTENT && s->execs &&
			    ran < s->ends - s->started - 2)
				w->stops[b]++;
		}
		w->running[b]--;
		if (afl)
			w->instance_busy[s->instance] = false;
		/* Early exits (a finding, or a binary that is not a fuzzer)
		 * restart with a growing delay; QUICK_DEATHS in a row without
		 * a single execution end the harness's use of that build. */
		if (ran < QUICK_EXIT_S && s->ends - s->started > QUICK_EXIT_S) {
			w->quick_exits[b]++;
			double delay = 1 << (w->quick_exits[b] < 5 ? w->quick_exits[b] : 5);
			w->not_before[b] = elapsed + delay;
			w->deaths[b] = s->execs ? 0 : w->deaths[b] + 1;
			if (w->deaths[b] >= QUICK_DEATHS) {
				w->dead[b] = true;
				fprintf(stderr,
					"pgdfuzz: %s (%s build) exited %u times at start without "
					"executing an input; not restarted (see %s)\n",
					w->stats->name, build_label[b], w->deaths[b], s->log);
			}
		} else {
			w->quick_exits[b] = w->deaths[b] = 0;
		}
		s->pid = 0;
	}
}

/* Per-harness totals from the finished and the running processes. */
static void aggregate(struct worker *workers, size_t n, const struct slot *slots, int nslots,
		      bool schedulable)
{
	for (size_t i = 0; i < n; i++) {
		struct worker *w = &workers[i];
		struct cli_harness_stats *st = w->stats;
		uint64_t execs[CLI_BUILDS] = {w->finished_execs[0], w->finished_execs[1]};
		st->exec_per_sec = 0;
		for (int k = 0; k < nslots; k++) {
			const struct slot *s = &slots[k];
			if (s->pid <= 0 || s->worker != i)
				continue;
			execs[s->build] += s->execs;
			st->exec_per_sec += s->rate;
		}
		for (int b = 0; b < CLI_BUILDS; b++)
			st->build_execs[b] = execs[b];
		st->execs = execs[0] + execs[1];
		/* Builds count edges differently (-O1 with sanitizers, -O2
		 * without), and so do fork mode's parent and a persistent
		 * process: show the fast build's persistent count when there
		 * is one. */
		int shown_b = CLI_BUILD_JUDGE, shown_m = MODE_FORK;
		for (int k = 0; k < CLI_BUILDS * MODES; k++) {
			int b = k / MODES, m = k % MODES;
			if (w->cov[b][m]) {
				shown_b = b;
				shown_m = m;
				break;
			}
		}
		st->cov = w->cov[shown_b][shown_m];
		st->features = w->features[shown_b][shown_m];
		st->corpus = w->corpus_size;
		st->bitmap_cvg = w->bitmap;
		st->running = w->running[0] + w->running[1] > 0;
		bool more = schedulable && !(w->dead[0] && w->dead[1]);
		st->doing = w->running[0] && w->running[1] ? "fast+asan"
			    : w->running[0]		   ? "fast"
			    : w->running[1]		   ? build_label[CLI_BUILD_JUDGE]
			    : more			   ? "waiting"
							   : "done";
	}
}
int cmd_run(int argc, char **argv)
{
	long seconds = 60, minimize_seconds = 120;
	int jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	enum cli_engine engine = CLI_LIBFUZZER;
	const char *out = "pgdfuzz-out", *given_fuzzers = NULL, *given_fast = NULL,
		   *kernel_dir = NULL, *target_dir = NULL, *kernel_config = NULL;
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
		} else if (!strcmp(arg, "--fast-fuzzers") && value) {
			given_fast = value;
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
	char fuzzers[PATH_MAX] = "", fast[PATH_MAX] = "";
	static char user_target_dir[PATH_MAX];
	if (target_dir) {
		/* A user's target (cli/target_build.c): its build's fuzzer. */
		if (kernel_dir || given_fuzzers || given_fast || nnames || engine == CLI_AFL)
			return cli_error("--target: not with --kernel-src, --fuzzers, "
					 "--fast-fuzzers, harness names "
					 "or --engine afl");
		int rc = cli_target_enter(target_dir, user_target_dir, sizeof(user_target_dir));
		if (rc)
			return rc;
		if ((rc = prepare_out(out, resume)))
			return rc;
		if (!cli_user_target(user_target_dir, &targets[ntargets]))
			return cli_error("internal: this pgdfuzz has no target built in");
		if (cli_pathf(fuzzers, sizeof(fuzzers), "%s", targets[ntargets].binary) ||
		    cli_pathf(fast, sizeof(fast), "%s", targets[ntargets].fast_binary))
			return cli_error("%s: the target's build path is too long", target_dir);
		ntargets++;
	} else if (kernel_dir) {
		if (engine == CLI_AFL)
			return cli_error("kernel mode runs libFuzzer only (the fuzz preset); drop "
					 "--engine afl");
		if (given_fuzzers || given_fast)
			return cli_error("--fuzzers, --fast-fuzzers: not with --kernel-src (the "
					 "kernel build's fuzzers are used)");
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
		int rc = engine == CLI_AFL && given_fast
			     ? cli_error("--fast-fuzzers: libFuzzer only (AFL++ runs the afl "
					 "preset's build)")
			 : engine == CLI_AFL
			     ? 0
			     : find_fast_fuzzers(given_fast, fuzzers, fast, sizeof(fast));
		if (rc || (rc = prepare_out(out, resume)))
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
	static struct slot slots[MAX_SLOTS];
	static struct cli_groups groups;
	memset(stats, 0, sizeof(stats));
	memset(workers, 0, sizeof(workers));
	memset(slots, 0, sizeof(slots));
	memset(&groups, 0, sizeof(groups));
	queue_head = queue_len = 0;
	if (report.known_list && report.known_list[0])
		groups.known_list = report.known_list;
	bool afl = engine == CLI_AFL;

	/* Which harnesses have a fast build beside the judging one. */
	size_t with_fast = 0;
	for (size_t i = 0; i < ntargets && fast[0]; i++) {
		if (targets[i].fast_binary[0]) /* --target: its own fast variant */
			snprintf(workers[i].fast_binary, sizeof(workers[i].fast_binary), "%s",
				 targets[i].fast_binary);
		else
			snprintf(workers[i].fast_binary, sizeof(workers[i].fast_binary),
				 "%.*s/fuzz_%s", PATH_MAX - 64, fast, targets[i].name);
		if (access(workers[i].fast_binary, X_OK))
			workers[i].fast_binary[0] = '\0';
		else
			with_fast++;
	}
	if (with_fast) {
		printf("pgdfuzz: fast build %s (no sanitizers) and sanitizer build %s; every "
		       "finding is judged on the sanitizer build\n",
		       fast, fuzzers);
	} else {
		build_label[CLI_BUILD_JUDGE] = "single";
		printf("pgdfuzz: one build only (%s): all %d slot%s run%s it; %s\n",
		       kernel_dir ? kernel_src : fuzzers, jobs, jobs == 1 ? "" : "s",
		       jobs == 1 ? "s" : "",
		       afl ? "AFL++ runs the afl preset's build"
		       : kernel_dir
			   ? "kernel targets are built once, in the tree's kernel build"
			   : "build the fuzz-fast preset (or pass --fast-fuzzers DIR) to run "
			     "most slots without sanitizers");
	}
	/* Slot time: every harness the same share of jobs x seconds; within
	 * it, with two builds, one slot's worth (half with --jobs 1) on the
	 * sanitizer build and the rest on the fast one. */
	double judge_part = 1.0 / (jobs > 1 ? jobs : 2);
	for (size_t i = 0; i < ntargets; i++) {
		double share = (double)jobs * (double)seconds / (double)ntargets;
		bool two = workers[i].fast_binary[0];
		workers[i].share[CLI_BUILD_FAST] = two ? share * (1 - judge_part) : 0;
		workers[i].share[CLI_BUILD_JUDGE] = two ? share * judge_part : share;
	}

	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	for (size_t i = 0; i < ntargets; i++) {
		struct worker *w = &workers[i];
		const char *name = targets[i].name;
		w->target = &targets[i];
		w->stats = &stats[i];
		stats[i].harness = targets[i].harness;
		stats[i].name = targets[i].name;
		stats[i].doing = "waiting";
		/* The judging build's artifacts where they always were; the
		 * fast build's in a folder of their own (reproduced on the
		 * judging build before they count). */
		if (cli_pathf(w->dir, sizeof(w->dir), "%s/%s", out, name) ||
		    cli_pathf(w->corpus, sizeof(w->corpus), "%s/%s/corpus", out, name) ||
		    cli_pathf(w->logs, sizeof(w->logs), "%s/%s/logs", out, name) ||
		    cli_pathf(w->artifacts[CLI_BUILD_JUDGE], sizeof(w->artifacts[0]),
			      "%s/%s/artifacts", out, name) ||
		    cli_pathf(w->artifacts[CLI_BUILD_FAST], sizeof(w->artifacts[0]),
			      "%s/%s/artifacts/fast", out, name))
			return cli_error("%s: --out path too long", out);
		cli_mkdirs(w->corpus);
		cli_mkdirs(w->logs);
		cli_mkdirs(w->artifacts[CLI_BUILD_FAST]);
		if (afl && !targets[i].seeds[0])
			return cli_error("no seed corpus for %s next to %s", name, fuzzers);
	}

	/* --resume: crash files already in --out are from earlier runs. They
	 * are judged and listed again (a killed campaign's findings are not
	 * lost), but counted apart from this run's. AFL++ instances' crashes/
	 * move aside first (crashes.<n>), so that afl-fuzz neither refuses
	 * nor mixes them with this run's. */
	unsigned earlier_files = 0;
	for (size_t i = 0; i < ntargets && resume; i++) {
		struct worker *w = &workers[i];
		if (!afl) {
			for (int b = 0; b < CLI_BUILDS; b++)
				scan_artifacts(w, i, b, w->artifacts[b], 0, true);
		} else {
			char crashes[PATH_MAX + 64], aside[PATH_MAX + 80], name[32];
			for (int k = 0; k < MAX_INSTANCES; k++) {
				afl_instance_name(k, name, sizeof(name));
				snprintf(crashes, sizeof(crashes), "%s/%s/crashes", w->dir, name);
				if (dir_is_empty(crashes))
					continue;
				struct stat st;
				int n = 1;
				do
					snprintf(aside, sizeof(aside), "%s.%d", crashes, n++);
				while (!lstat(aside, &st) && n < 10000);
				if (rename(crashes, aside))
					return cli_error("%s: cannot move it aside to %s", crashes,
							 aside);
				printf("pgdfuzz: --resume: %s moved to %s (an earlier run's)\n",
				       crashes, aside);
				scan_artifacts(w, i, CLI_BUILD_JUDGE, aside, 0, true);
			}
		}
		earlier_files += w->stats->earlier;
	}
	if (earlier_files)
		printf("pgdfuzz: --resume: %u crash file%s from earlier runs in %s: judged again, "
		       "counted apart from this run's\n",
		       earlier_files, earlier_files == 1 ? "" : "s", out);
	report.earlier_files = earlier_files;

	/* One JSON object per target and sample, for dashboards and CI. */
	char stats_path[PATH_MAX + 16];
	snprintf(stats_path, sizeof(stats_path), "%s/stats.jsonl", out);
	FILE *stats_file = fopen(stats_path, "w");
	if (!stats_file)
		fprintf(stderr, "pgdfuzz: %s: cannot write the stats file\n", stats_path);
	bool tty = isatty(1);
	int width = name_width(workers, ntargets, 7);
	double start = now(), last_plain = -10, last_sample = 0, interrupted_at = 0;
	int last_signal = 0;
	/* The reproduction running in the background, if any. */
	static char repro_output[1 << 16];
	struct proc_job repro;
	struct pending current;
	bool reproducing = false;
	char status[2048];
	for (bool first = true;; first = false) {
		double elapsed = now() - start;
		reap(slots, jobs, workers, elapsed, afl);
		/* Fill free slots while there is time: the slice is the
		 * pair's remaining share, within [10 s, MAX_SLICE_S] and the
		 * campaign's end. */
		double remaining = (double)seconds - elapsed;
		bool schedulable = !interrupted && remaining >= 1;
		for (int k = 0; k < jobs && schedulable; k++) {
			struct slot *s = &slots[k];
			size_t i = 0;
			int b = 0;
			if (s->pid > 0 || !pick_next(workers, ntargets, elapsed, &i, &b))
				continue;
			struct worker *w = &workers[i];
			double slice = w->share[b] - w->committed[b];
			/* Past its share (restarts, rounding): a short slice. */
			double shortest = w->share[b] < 10 ? w->share[b] : 10;
			slice = slice > MAX_SLICE_S ? MAX_SLICE_S : slice;
			slice = slice < shortest ? shortest : slice;
			slice = slice > remaining ? remaining : slice;
			int mode = afl ? MODE_PERSISTENT : pick_mode(w, b);
			long whole = (long)(slice + 0.5);
			memset(s, 0, sizeof(*s));
			s->worker = i;
			s->build = b;
			s->mode = mode;
			s->started = elapsed;
			s->ends = elapsed + (double)whole;
			snprintf(s->log, sizeof(s->log), "%s/%s-%u.log", w->logs, build_label[b],
				 w->processes);
			if (afl) {
				while (s->instance < MAX_INSTANCES - 1 &&
				       w->instance_busy[s->instance])
					s->instance++;
				w->instance_busy[s->instance] = true;
				/* Its count so far: this slice adds to it. */
				double rate, bitmap;
				unsigned corpus, edges;
				read_afl_instance(w->dir, s->instance, &s->execs_base, &rate,
						  &corpus, &edges, &bitmap);
				s->pid = start_afl(w, s, whole);
			} else {
				s->pid = start_libfuzzer(w, s, whole, &options);
			}
			if (s->pid <= 0) {
				s->pid = 0;
				w->dead[b] = true;
				fprintf(stderr, "pgdfuzz: cannot start %s\n", w->target->binary);
				continue;
			}
			w->processes++;
			w->stats->build_processes[b]++;
			w->running[b]++;
			w->committed[b] += (double)whole;
		}
		/* Slots are refilled every 0.1 s (a slice that ends is replaced
		 * at once); everything else, from reading the fuzzers' progress
		 * to the screen, happens once a second. */
		if (!first && elapsed - last_sample < 1) {
			usleep(100000);
			continue;
		}
		last_sample = elapsed;
		/* Read the running processes' progress. */
		bool any = false;
		for (int k = 0; k < jobs; k++) {
			struct slot *s = &slots[k];
			if (s->pid <= 0)
				continue;
			any = true;
			struct worker *w = &workers[s->worker];
			if (afl)
				read_afl_slot(w, s);
			else
				read_libfuzzer_log(s, false);
			absorb(w, s);
			/* A process still loading its corpus past its slice
			 * (libFuzzer checks -max_total_time only once it fuzzes)
			 * is stopped: SIGINT (libFuzzer exits cleanly, fork mode
			 * with its child), SIGKILL 4 s later. */
			if (elapsed > s->ends + 1 && !interrupted) {
				s->signalled = true;
				kill(-s->pid, elapsed > s->ends + 5 ? SIGKILL : SIGINT);
			}
		}
		for (size_t i = 0; i < ntargets; i++) {
			struct worker *w = &workers[i];
			if (afl) {
				char crashes[PATH_MAX + 64], name[32];
				for (int k = 0; k < MAX_INSTANCES; k++) {
					afl_instance_name(k, name, sizeof(name));
					snprintf(crashes, sizeof(crashes), "%s/%s/crashes", w->dir,
						 name);
					scan_artifacts(w, i, CLI_BUILD_JUDGE, crashes, elapsed,
						       false);
				}
			} else {
				for (int b = 0; b < CLI_BUILDS; b++)
					scan_artifacts(w, i, b, w->artifacts[b], elapsed, false);
			}
		}
		/* The background reproduction: file a finished one, start the
		 * next. The monitor never waits for it. */
		if (reproducing && proc_job_poll(&repro)) {
			reproducing = false;
			struct worker *w = &workers[current.worker];
			size_t flaky = groups.nflaky;
			groups.filing_earlier = current.earlier;
			cli_group_result(&groups, w->target, current.path, current.when,
					 repro.status, repro_output);
			groups.filing_earlier = false;
			if (groups.nflaky > flaky && current.build == CLI_BUILD_FAST) {
				/* Found by the fast build, clean on the judge: not a
				 * finding. Say which build said what. */
				char *reason = groups.flaky_reason[flaky];
				size_t used = strlen(reason);
				snprintf(reason + used, sizeof(groups.flaky_reason[0]) - used,
					 "; written by the fast build, judged on the %s build",
					 build_label[CLI_BUILD_JUDGE]);
				w->stats->not_reproduced++;
			}
		}
		while (!reproducing && queue_len && !interrupted) {
			current = queue[queue_head];
			queue_head = (queue_head + 1) % MAX_SEEN;
			queue_len--;
			reproducing =
			    cli_group_start(&repro, workers[current.worker].target, current.path,
					    repro_output, sizeof(repro_output));
			if (!reproducing)
				cli_group_result(&groups, workers[current.worker].target,
						 current.path, current.when, -1, "");
		}
		aggregate(workers, ntargets, slots, jobs, schedulable);
		for (size_t i = 0; i < ntargets; i++) {
			struct worker *w = &workers[i];
			cli_stats_sample(w->stats, elapsed);
			if (stats_file) {
				fprintf(
				    stats_file,
				    "{\"time\": %.1f, \"target\": \"%s\", \"execs\": %llu, "
				    "\"exec_per_sec\": %.0f, \"cov\": %u, \"features\": %u, "
				    "\"bitmap_cvg\": %.2f, \"corpus\": %u, \"crash_files\": %u, "
				    "\"running\": %s, \"now\": \"%s\", \"fast_execs\": %llu, "
				    "\"sanitizer_execs\": %llu, \"reproducing\": %d, "
				    "\"queued\": %zu, \"earlier_files\": %u}\n",
				    elapsed, w->stats->name, (unsigned long long)w->stats->execs,
				    w->stats->exec_per_sec, w->stats->cov, w->stats->features,
				    w->stats->bitmap_cvg, w->stats->corpus, w->stats->crashes,
				    w->stats->running ? "true" : "false", w->stats->doing,
				    (unsigned long long)w->stats->build_execs[CLI_BUILD_FAST],
				    (unsigned long long)w->stats->build_execs[CLI_BUILD_JUDGE],
				    reproducing, queue_len, w->stats->earlier);
				fflush(stats_file);
			}
		}
		status_line(status, sizeof(status), slots, jobs, workers, elapsed, reproducing,
			    build_label[CLI_BUILD_JUDGE], afl);
		bool fuzzing_over = !any && (!schedulable || remaining < 1);
		/* Nothing runs and nothing can start (every pair dead): over. */
		bool all_dead = true;
		for (size_t i = 0; i < ntargets; i++)
			for (int b = 0; b < CLI_BUILDS; b++)
				all_dead &= workers[i].share[b] <= 0 || workers[i].dead[b];
		fuzzing_over |= !any && all_dead;
		if (tty) {
			display(workers, ntargets, elapsed, (double)seconds, &groups, afl, status,
				first);
		} else if (elapsed - last_plain >= 5 || fuzzing_over) {
			last_plain = elapsed;
			for (size_t i = 0; i < ntargets; i++) {
				const struct cli_harness_stats *s = workers[i].stats;
				char second[32];
				if (afl)
					snprintf(second, sizeof(second), "bitmap=%.2f%%",
						 s->bitmap_cvg);
				else
					snprintf(second, sizeof(second), "ft=%u", s->features);
				printf("[%4.0fs] %-*s execs=%llu exec/s=%.0f %s=%u %s "
				       "corpus=%u crashes=%u now=%s\n",
				       elapsed, width, s->name, (unsigned long long)s->execs,
				       s->exec_per_sec, afl ? "edges" : "cov", s->cov, second,
				       s->corpus, s->crashes, s->doing);
			}
			printf("[%4.0fs] %s\n", elapsed, status);
			fflush(stdout);
		}
		if (fuzzing_over)
			break;
		if (interrupted) {
			/* SIGINT lets libFuzzer and AFL++ stop cleanly; a fuzzer
			 * still running 5 s later gets SIGTERM, at 10 s SIGKILL,
			 * each sent to its whole process group. */
			if (interrupted_at == 0)
				interrupted_at = elapsed;
			double waited = elapsed - interrupted_at;
			int sig = waited < 5 ? SIGINT : waited < 10 ? SIGTERM : SIGKILL;
			if (sig != last_signal)
				for (int k = 0; k < jobs; k++)
					if (slots[k].pid > 0) {
						slots[k].signalled = true;
						kill(-slots[k].pid, sig);
					}
			last_signal = sig;
			if (reproducing) {
				proc_job_kill(&repro);
				reproducing = false;
				queue[(queue_head + queue_len++) % MAX_SEEN] = current;
			}
		}
		usleep(100000);
	}
	double elapsed = now() - start;
	if (stats_file)
		fclose(stats_file);

	/* The fuzzers are done; the files still queued are judged now, with
	 * progress (unless interrupted: then they are listed unjudged). */
	size_t total_left = queue_len + reproducing;
	for (size_t done = 0; (reproducing || queue_len) && !interrupted;) {
		if (!reproducing) {
			current = queue[queue_head];
			queue_head = (queue_head + 1) % MAX_SEEN;
			queue_len--;
			printf("pgdfuzz: reproducing %zu/%zu %s on the %s build\n", ++done,
			       total_left, current.path, build_label[CLI_BUILD_JUDGE]);
			fflush(stdout);
			reproducing =
			    cli_group_start(&repro, workers[current.worker].target, current.path,
					    repro_output, sizeof(repro_output));
			if (!reproducing) {
				cli_group_result(&groups, workers[current.worker].target,
						 current.path, current.when, -1, "");
				continue;
			}
		}
		while (!proc_job_poll(&repro) && !interrupted)
			usleep(20000);
		if (interrupted) {
			proc_job_kill(&repro);
			queue[(queue_head + queue_len++) % MAX_SEEN] = current;
			reproducing = false;
			break;
		}
		reproducing = false;
		struct worker *w = &workers[current.worker];
		size_t flaky = groups.nflaky;
		groups.filing_earlier = current.earlier;
		cli_group_result(&groups, w->target, current.path, current.when, repro.status,
				 repro_output);
		groups.filing_earlier = false;
		if (groups.nflaky > flaky && current.build == CLI_BUILD_FAST) {
			char *reason = groups.flaky_reason[flaky];
			size_t used = strlen(reason);
			snprintf(reason + used, sizeof(groups.flaky_reason[0]) - used,
				 "; written by the fast build, judged on the %s build",
				 build_label[CLI_BUILD_JUDGE]);
			w->stats->not_reproduced++;
		}
	}
	for (; queue_len; queue_len--, queue_head = (queue_head + 1) % MAX_SEEN)
		if (groups.nflaky < sizeof(groups.flaky) / sizeof(groups.flaky[0])) {
			snprintf(groups.flaky[groups.nflaky], PATH_MAX, "%.*s", PATH_MAX - 1,
				 queue[queue_head].path);
			snprintf(groups.flaky_reason[groups.nflaky++],
				 sizeof(groups.flaky_reason[0]),
				 "not judged: the campaign was interrupted");
		}

	/* ClusterFuzz's rule: a finding counts only if it reproduces the same
	 * way in fresh processes, in the order A, B, A', B' with another
	 * finding in between; the others are listed as flaky, with why. */
	if (groups.count && !interrupted) {
		size_t flaky = cli_check_reproducible(&groups, true);
		if (flaky)
			printf("pgdfuzz: %zu finding%s did not reproduce the same way every time "
			       "(flaky; listed in the report, not counted)\n",
			       flaky, flaky == 1 ? "" : "s");
	}

	/* Merge each campaign corpus into a minimized one with the engine (the
	 * fast build when there is one: the same inputs, judged faster). */
	for (size_t i = 0; i < ntargets && !interrupted; i++) {
		static char output[1 << 16];
		const char *name = targets[i].name;
		char merged[PATH_MAX + 64], *binary = workers[i].fast_binary[0]
							  ? workers[i].fast_binary
							  : targets[i].binary;
		if (cli_pathf(merged, sizeof(merged), "%s/corpus/%s", out, name)) {
			cli_error("%s: --out path too long to merge %s", out, name);
			continue;
		}
		cli_mkdirs(merged);
		printf("pgdfuzz: merging the %s corpus (%zu/%zu)\n", name, i + 1, ntargets);
		fflush(stdout);
		if (afl) {
			char queue_dir[PATH_MAX + 64], cmin_out[PATH_MAX + 128];
			snprintf(queue_dir, sizeof(queue_dir), "%s/main0/queue", workers[i].dir);
			snprintf(cmin_out, sizeof(cmin_out), "%s.cmin", merged);
			char *argv[] = {"afl-cmin", "-i", queue_dir, "-o",
					cmin_out,   "--", binary,    NULL};
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
	if (groups.count && !interrupted)
		cli_minimize_groups(&groups, engine, findings_dir, 20, (int)minimize_seconds);
	report.elapsed = elapsed;
	report.planned = (double)seconds;
	report.engine = afl ? "AFL++ (-M/-S instances in time slices)"
			    : "libFuzzer (persistent or fork-mode processes in time slices)";
	report.afl = afl;
	report.jobs = jobs;
	report.fast_fuzzers = with_fast ? fast : "";
	report.stats = stats;
	report.nstats = ntargets;
	report.groups = &groups;
	report.fuzzers = kernel_dir ? kernel_src : fuzzers;
	report.out_dir = out;
	report.interrupted = interrupted;
	bool report_failed = cli_write_report(&report) != 0;
	if (report_failed)
		fprintf(stderr, "pgdfuzz: could not write the report in %s\n", out);
	size_t only_earlier = 0;
	for (size_t i = 0; i < groups.count; i++)
		only_earlier += groups.groups[i].earlier == groups.groups[i].count;
	char earlier_note[160] = "";
	if (earlier_files)
		snprintf(earlier_note, sizeof(earlier_note),
			 " (%zu new in this run, %zu only from the %u earlier file%s)",
			 groups.count - only_earlier, only_earlier, earlier_files,
			 earlier_files == 1 ? "" : "s");
	printf("\npgdfuzz run: %zu distinct finding(s)%s%s; report: %s/report.md and "
	       "%s/report.html\n",
	       groups.count, earlier_note, interrupted ? " (interrupted)" : "", out, out);
	cli_print_findings(&groups, true);
	unsigned not_reproduced = 0;
	for (size_t i = 0; i < ntargets; i++)
		not_reproduced += stats[i].not_reproduced;
	if (not_reproduced)
		printf("  %u file(s) of the fast build did not reproduce on the %s build (not "
		       "findings; listed in the report)\n",
		       not_reproduced, build_label[CLI_BUILD_JUDGE]);
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
				"pgdfuzz: %s executed no input (is %s a %s fuzzer? its logs: "
				"%s)\n",
				targets[i].name, targets[i].binary, afl ? "AFL++" : "libFuzzer",
				workers[i].logs);
			idle++;
		}
	unsigned died = 0;
	for (size_t i = 0; i < ntargets; i++)
		if (stats[i].died) {
			fprintf(stderr, "pgdfuzz: %u fuzzer process%s of %s died: %s\n",
				stats[i].died, stats[i].died == 1 ? "" : "es", stats[i].name,
				stats[i].died_note);
			died += stats[i].died;
		}
	if (interrupted)
		return CLI_INTERRUPTED;
	if (report_failed || idle)
		return CLI_USAGE_ERROR;
	if (groups.count)
		return 1;
	return died ? CLI_FUZZER_DIED : 0;
}
