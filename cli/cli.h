/* The pgdfuzz command's internal interface: subcommands, child processes,
 * finding groups and reports. */
#ifndef PGDFUZZ_CLI_H
#define PGDFUZZ_CLI_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "case.h"

#define CLI_USAGE_ERROR 2
/* Stopped by SIGINT or SIGTERM (128 + SIGINT, as shells report it). */
#define CLI_INTERRUPTED 130
/* run: a fuzzer process died of a signal pgdfuzz did not send. */
#define CLI_FUZZER_DIED 3

int cmd_run(int argc, char **argv);
int cmd_triage(int argc, char **argv);
int cmd_repro(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_encode(int argc, char **argv);
int cmd_decode(int argc, char **argv);
int cmd_minimize(int argc, char **argv);
int cmd_merge(int argc, char **argv);

/* Prints "pgdfuzz: <message>" to stderr and returns CLI_USAGE_ERROR. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* snprintf for paths: 0, or -1 when the result would not fit (a path too
 * long must be an error, not a truncated path). */
int cli_pathf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- processes --------------------------------------------------------- */

/* Start argv in a process group of its own, with stdout and stderr appended
 * to log_path (or inherited when NULL) and extra "NAME=value" environment
 * entries (NULL-terminated, may be NULL). Returns the pid or -1. */
pid_t proc_spawn(char *const argv[], const char *log_path, char *const env_extra[]);
/* Run argv to completion within timeout_s, capturing up to out_len - 1
 * bytes of its combined output. Returns the exit status, 128 + signal when
 * killed by a signal, or -1 when it could not run or timed out. */
int proc_capture(char *const argv[], char *const env_extra[], char *out, size_t out_len,
		 int timeout_s);

/* A child whose combined output is captured without blocking the caller:
 * start it, then poll (the campaign's monitor loop does, once a second). */
struct proc_job {
	pid_t pid; /* 0 once finished */
	int fd;
	char *out;
	size_t out_len, used;
	double started; /* CLOCK_MONOTONIC seconds */
	int timeout_s;
	bool done;
	int status; /* as proc_capture's, once done */
};
/* False if argv could not be started. */
bool proc_job_start(struct proc_job *job, char *const argv[], char *const env_extra[], char *out,
		    size_t out_len, int timeout_s);
/* Reads what is there; true once the child has exited or was killed for
 * running past its timeout (status -1). Never blocks. */
bool proc_job_poll(struct proc_job *job);
/* Kill a running job's process group (status -1). */
void proc_job_kill(struct proc_job *job);

/* ---- fuzzers ------------------------------------------------------------ */

enum cli_engine { CLI_LIBFUZZER, CLI_AFL };

/* One fuzz target: a case harness's binary (fuzz_<harness>, named after the
 * harness) or a real-kernel backend's (kernel/fuzz_kernel_<backend>, named
 * "kernel-<backend>"). */
struct cli_target {
	char name[32];		   /* "builder", "kernel-mmu" */
	enum case_harness harness; /* what its inputs decode as */
	char binary[PATH_MAX];
	char seeds[PATH_MAX];	/* binary seed directory, "" if none */
	char backend[16];	/* kernel backend, "" for a harness */
	const char *kernel_src; /* the kernel tree, NULL for a harness */
	char *const *env;	/* "NAME=value" for every run of the binary, or NULL */
	const char *target_dir; /* --target DIR, NULL otherwise */
	/* --target DIR: the fuzzer's fast variant (no sanitizers), "" if none. */
	char fast_binary[PATH_MAX];
	bool not_cases; /* its inputs do not decode as cases (kernel-kvm) */
};

/* The directory holding fuzz_<harness> binaries for an engine: --fuzzers,
 * then $PGDFUZZ_FUZZERS, then build/<preset>/fuzz under the current
 * directory and next to this executable. Returns false if none has them. */
bool cli_find_fuzzers(enum cli_engine engine, const char *given, char *dir, size_t len);
/* Binary seeds for a harness next to the fuzzers (build/<preset>/corpus). */
bool cli_seed_dir(const char *fuzzers, const char *harness, char *dir, size_t len);
bool cli_harness_from_name(const char *name, enum case_harness *harness);
/* The target of a harness: fuzzers/fuzz_<harness> and its seeds. */
void cli_harness_target(const char *fuzzers, enum case_harness harness, struct cli_target *t);
/* "<this pgdfuzz's absolute path> repro --fuzzer <absolute binary> <absolute
 * file>" for a file of target t: a command that works when pasted and
 * judges with the binary that found it. */
void cli_repro_command(char *buf, size_t len, const struct cli_target *t, const char *file);
/* True for an engine's artifact (crash-*, leak-*, timeout-*, oom-*,
 * slow-unit-*, minimized-from-*, AFL++ id:*): a fuzzer input, any bytes. */
bool cli_engine_artifact(const char *path);
/* The harness of a fuzz_<harness>[_suffix] binary. */
bool cli_harness_of_fuzzer(const char *binary, enum case_harness *harness);

/* ---- real-kernel mode (run/repro --kernel-src) --------------------------- */

/* This process's argv, for re-running it in a kernel build. */
extern char **cli_argv;

/* Enter kernel mode for --kernel-src dir. Returns 0 with src set to the
 * tree's real path if this binary is the kernel build for it. Otherwise it
 * configures and builds <source>/build/kernel-<basename>, then runs that
 * build's pgdfuzz with cli_argv (never returning); on any failure it prints
 * why and returns CLI_USAGE_ERROR. */
int cli_kernel_enter(const char *dir, char *src, size_t len);
/* The kernel backends this binary was built with ("map_range", ...), and the
 * case harness each one's inputs decode as. kvm's inputs are not cases:
 * they drive its own operation sequences (kernel/kvm/kvm_judge.h). */
size_t cli_kernel_backend_count(void);
const char *cli_kernel_backend(size_t index);
enum case_harness cli_kernel_backend_harness(const char *backend);
bool cli_kernel_backend_takes_cases(const char *backend);
/* True if name is a configuration of some backend of this build ("4k-48",
 * reloc's "4k"); names lists them all, per backend. */
bool cli_kernel_config_valid(const char *name, char *names, size_t len);
bool cli_kernel_backend_has_config(const char *backend, const char *config);
/* The kernel target of a backend built beside this binary. False (with a
 * message in err) if its binary is missing. */
bool cli_kernel_target(const char *backend, const char *src, struct cli_target *t, char *err,
		       size_t err_len);
/* The project's files: kernel/known-findings.txt, kernel/kernel-findings.md. */
void cli_project_file(const char *relative, char *path, size_t len);
/* True if signature matches a pattern of the allowlist list_path (one
 * fnmatch pattern per line, '#' comments, text after the pattern ignored). */
bool cli_known_signature(const char *list_path, const char *signature);

/* ---- a user's target (run/repro/show --target DIR, cli/target_build.c) --- */

/* Enter target mode for DIR: checks the manifest and the sources' syntax
 * (the compiler's message and CLI_USAGE_ERROR if they do not compile),
 * then, unless this binary is DIR's target build, builds that and runs its
 * pgdfuzz with cli_argv (never returning). 0 with real set to DIR's real
 * path in the target build. */
int cli_target_enter(const char *dir, char *real, size_t len);
/* Take "--target DIR" out of argv and enter target mode: -1 if there is
 * none, 0 in the target build (cli_judge_target set), else an exit status. */
int cli_target_option(int *argc, char **argv);
/* The declaration repro and show judge with (NULL: core). */
struct pgdfuzz_target;
extern const struct pgdfuzz_target *cli_judge_target;
/* The case harness a target's fuzzer decodes its inputs as. */
enum case_harness cli_target_harness(const struct pgdfuzz_target *target);
/* The user's target of a target build (real: --target's real path, NULL:
 * the one cli_target_option entered). False in any other build. */
bool cli_user_target(const char *real, struct cli_target *t);

/* ---- finding groups ----------------------------------------------------- */

#define CLI_MAX_GROUPS 256

struct cli_group {
	char signature[160];
	enum case_harness harness;
	const struct cli_target *target;
	unsigned count;
	double first_seen;	/* seconds since the campaign started */
	char example[PATH_MAX]; /* smallest reproducing file */
	size_t example_size;
	char minimized[PATH_MAX + 256]; /* minimized reproducer, once made */
	char detail[12288];		/* the harness output of one reproduction */
	unsigned earlier;		/* files of it from earlier runs (run --resume) */
};

struct cli_groups {
	struct cli_group groups[CLI_MAX_GROUPS];
	size_t count;
	char flaky[64][PATH_MAX];   /* files that did not reproduce */
	char flaky_reason[64][192]; /* what the file was and what the rerun gave */
	/* The signature a flaky finding gave on its first reproduction ("" for
	 * a file that never reproduced). */
	char flaky_signature[64][160];
	size_t nflaky;
	/* run --resume: the files being filed now are from earlier runs in the
	 * same --out; they count separately (cli_group.earlier, reasons). */
	bool filing_earlier;
	/* Kernel campaigns: signatures matching this allowlist are written-up
	 * kernel behaviour, listed in known[] instead of becoming groups. */
	const char *known_list;
	char known[64][160];
	size_t nknown;
};

/* Reproduce file with the target's binary (PGDFUZZ_NO_ABORT=1) and file it
 * under its signature. Sanitizer crashes get "<target>:<crash type>:<frame>"
 * signatures; files that run clean are recorded as flaky. */
void cli_group_file(struct cli_groups *groups, const struct cli_target *target, const char *file,
		    double when);
/* cli_group_file in two steps, for callers that must not block: start the
 * reproduction (false if it could not run), then, once proc_job_poll says
 * it is done, file its status and output. */
bool cli_group_start(struct proc_job *job, const struct cli_target *target, const char *file,
		     char *output, size_t len);
void cli_group_result(struct cli_groups *groups, const struct cli_target *target, const char *file,
		      double when, int status, const char *output);
/* ClusterFuzz's reproducibility rule: every group's example runs again in
 * fresh processes of its target's (judging) binary, in the order A, B, A',
 * B' (B the next group's example; with one group, an input of no finding
 * in between). A group is a confirmed finding only if its first
 * reproduction and both reruns give the same verdict and signature; the
 * others leave groups[] for the flaky list, with the reason ("run 2 of 3:
 * clean", "signature changed: X -> Y"). Progress on stdout when verbose.
 * Returns how many groups were found flaky. */
size_t cli_check_reproducible(struct cli_groups *groups, bool verbose);
/* findings.json: the confirmed findings and the flaky ones, for CI. */
int cli_write_findings_json(const struct cli_groups *groups, const char *path);
/* Shrink each group's example with libFuzzer -minimize_crash=1 (or afl-tmin)
 * into out_dir/<signature>.bin and its text form: up to seconds per group
 * and total_seconds in all; groups past the total keep their smallest
 * example. */
void cli_minimize_groups(struct cli_groups *groups, enum cli_engine engine, const char *out_dir,
			 int seconds, int total_seconds);
/* The root cause of a signature: the signature without its geometry field
 * ("builder:lint-cont-missing:4k-48:L3" -> "builder:lint-cont-missing:L3",
 * kernel ones likewise); a signature with no geometry (a sanitizer crash,
 * "<target>:<type>:<frame>") is its own root cause. Findings group in two
 * levels: root causes, then their variants (one per geometry), as
 * ClusterFuzz groups similar crashes. */
void cli_root_cause(const char *signature, char *out, size_t len);
/* The groups' root causes in order of first appearance: root[i] names one,
 * first[i] its first group; returns how many (at most max). */
size_t cli_root_causes(const struct cli_groups *groups, char root[][160], size_t first[],
		       size_t max);
bool cli_in_root_cause(const struct cli_group *group, const char *root);
/* How many variants (groups) and files a root cause has. */
void cli_root_cause_counts(const struct cli_groups *groups, const char *root, unsigned *variants,
			   unsigned *files);
/* The groups on stdout, root cause by root cause ("<root> N variants, M
 * files", then each variant's signature, count and reproducer, with its
 * reproduce command when with_commands). */
void cli_print_findings(const struct cli_groups *groups, bool with_commands);
/* A file-name-safe form of a signature. */
void cli_signature_file_name(const char *signature, char *out, size_t len);

/* ---- campaign statistics and the report ---------------------------------- */

#define CLI_MAX_SAMPLES 2048

/* The builds a campaign runs: most slot time on the fast one (no
 * sanitizers), the rest on the sanitizer build, which also judges every
 * finding. A campaign with one build runs it as CLI_BUILD_JUDGE only. */
enum { CLI_BUILD_FAST, CLI_BUILD_JUDGE, CLI_BUILDS };

struct cli_harness_stats {
	enum case_harness harness;
	const char *name;    /* the target's */
	size_t merged;	     /* corpus entries after the merge */
	uint64_t execs;	     /* all processes, both builds */
	double exec_per_sec; /* now: the sum over its running processes */
	/* Coverage as the engine counts it: libFuzzer "cov" (edges, counters
	 * included) and "ft" (features); AFL++ edges_found and bitmap_cvg
	 * (percent of the map). */
	unsigned cov, features, corpus, crashes;
	double bitmap_cvg;
	bool running;	   /* some process of it runs now */
	const char *doing; /* "fast", "asan", "fast+asan", "waiting", "done" */
	/* Per build: executions, slot time (seconds) and processes started. */
	uint64_t build_execs[CLI_BUILDS];
	double build_seconds[CLI_BUILDS];
	unsigned build_processes[CLI_BUILDS];
	/* libFuzzer, per build and mode (persistent, fork): slot seconds and
	 * executions, by which the runner chose the mode. */
	double mode_seconds[CLI_BUILDS][2];
	uint64_t mode_execs[CLI_BUILDS][2];
	unsigned not_reproduced; /* fast-build files the judge found clean */
	/* run --resume: crash files already in --out from earlier runs (judged
	 * and listed, not counted in crashes, this run's). */
	unsigned earlier;
	/* Fuzzer processes killed by a signal pgdfuzz did not send (the OOM
	 * killer, a user's kill): their slice's results are lost, so the
	 * campaign is not clean. The first one, described. */
	unsigned died;
	char died_note[PATH_MAX + 160];
	size_t nsamples; /* one sample a second, thinned when full */
	double sample_time[CLI_MAX_SAMPLES];
	double sample_execs[CLI_MAX_SAMPLES]; /* exec/s */
	double sample_edges[CLI_MAX_SAMPLES]; /* cov: edges */
};

struct cli_report {
	double elapsed, planned;
	const char *engine;
	bool afl; /* column meanings differ per engine */
	int jobs;
	/* The builds: the judging one (--fuzzers) and the fast one ("" when the
	 * campaign ran a single build). */
	const char *fast_fuzzers;
	struct cli_harness_stats *stats;
	size_t nstats;
	const struct cli_groups *groups;
	const char *fuzzers, *out_dir;
	bool interrupted;
	/* run --resume: crash files found in out_dir from earlier runs. */
	unsigned earlier_files;
	/* Kernel campaigns (else NULL): the tree, the allowlist given to the
	 * fuzzers ("" with --all-findings), --kernel-config ("" for all) and
	 * the file where the fuzzers log known signatures they hit. */
	const char *kernel_src, *known_list, *kernel_config, *seen_file;
};

void cli_stats_sample(struct cli_harness_stats *stats, double when);
/* Writes out_dir/report.md, report.html and the SVG plots atomically. */
int cli_write_report(const struct cli_report *report);

/* ---- files ---------------------------------------------------------------- */

int cli_mkdirs(const char *path);
/* Write text to path as case_write_file() does: a regular file or new path
 * atomically (temp file + rename), a symlink's target, a device written
 * through; a directory is refused. */
int cli_write_atomic(const char *path, const char *text, size_t len);

#endif
