/* --target DIR: a user's page-table builder as a pgdfuzz target.
 *
 * DIR holds the builder's sources, an adapter written against
 * target/target.h (PGDFUZZ_TARGET = {...}) and the manifest
 * pgdfuzz-target.txt (cmake/PgdfuzzTarget.cmake documents it). pgdfuzz
 * checks the manifest and compiles each source once with -fsyntax-only, so
 * a broken adapter gets the compiler's message at once (exit 2); then it
 * configures and builds this source tree with the fuzz preset and
 * -DPGDFUZZ_TARGET_DIR=DIR in build/target-<name>-<hash of DIR> (the build
 * is the cache: run again, only what changed is rebuilt), for run also its
 * fuzzer with the fuzz-fast preset in build/target-<name>-<hash>-fast (the
 * campaign's fast workers; the sanitizer build judges), and runs that
 * build's pgdfuzz with the same arguments. That pgdfuzz has the adapter
 * linked in (repro, show) and its fuzzer, fuzz_target_user, runs the same
 * judge as every other target. */
#include "cli.h"
#include "oracle.h"
#include "target.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

const struct pgdfuzz_target *cli_judge_target;

#ifdef PGDFUZZ_USER_TARGET_DIR
extern const struct pgdfuzz_target pgdfuzz_target;
static char entered[PATH_MAX]; /* the real path of --target DIR */
#endif

#define MAX_WORDS 64

struct manifest {
	char words[MAX_WORDS][PATH_MAX];
	char *sources[MAX_WORDS];
	size_t nsources;
	char *flags[MAX_WORDS]; /* -I, -D and cflags, in order */
	size_t nflags;
};

/* Read DIR/pgdfuzz-target.txt; false with "file:line: message" in err. */
static bool read_manifest(const char *dir, struct manifest *m, char *err, size_t len)
{
	char path[PATH_MAX + 32], line[4096];
	size_t nwords = 0;
	snprintf(path, sizeof(path), "%s/pgdfuzz-target.txt", dir);
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, len, "%s: cannot read the target's manifest (%s)", path,
			 strerror(errno));
		return false;
	}
	memset(m, 0, sizeof(*m));
	snprintf(m->words[nwords], PATH_MAX, "-I%s", dir);
	m->flags[m->nflags++] = m->words[nwords++];
	for (unsigned number = 1; fgets(line, sizeof(line), f); number++) {
		line[strcspn(line, "#\r\n")] = '\0';
		char *save, *key = strtok_r(line, " \t", &save);
		if (!key)
			continue;
		bool known = !strcmp(key, "sources") || !strcmp(key, "include") ||
			     !strcmp(key, "define") || !strcmp(key, "cflags") ||
			     !strcmp(key, "geometries");
		if (!known) {
			snprintf(err, len,
				 "%s:%u: unknown key '%s' (sources, include, define, cflags, "
				 "geometries)",
				 path, number, key);
			fclose(f);
			return false;
		}
		for (char *w; (w = strtok_r(NULL, " \t", &save));) {
			if (nwords == MAX_WORDS) {
				snprintf(err, len, "%s:%u: more than %d words", path, number,
					 MAX_WORDS);
				fclose(f);
				return false;
			}
			if (!strcmp(key, "geometries"))
				continue; /* the build passes them to the judge */
			char *word = m->words[nwords++];
			if (!strcmp(key, "sources")) {
				snprintf(word, PATH_MAX, "%s/%s", dir, w);
				if (access(word, R_OK)) {
					snprintf(err, len, "%s:%u: no such source: %s", path,
						 number, w);
					fclose(f);
					return false;
				}
				m->sources[m->nsources++] = word;
			} else {
				if (!strcmp(key, "include"))
					snprintf(word, PATH_MAX, "-I%s/%s", dir, w);
				else if (!strcmp(key, "define"))
					snprintf(word, PATH_MAX, "-D%s", w);
				else
					snprintf(word, PATH_MAX, "%s", w);
				m->flags[m->nflags++] = word;
			}
		}
	}
	fclose(f);
	if (!m->nsources) {
		snprintf(err, len, "%s: no 'sources' line", path);
		return false;
	}
	return true;
}

/* Each source through the compiler with -fsyntax-only, the warnings the
 * fuzz build uses as errors: the first failure's message, and exit 2. */
static int syntax_check(const struct manifest *m)
{
	static char output[16384];
	char include[PATH_MAX + 16];
	const char *cc = getenv("CC") && getenv("CC")[0] ? getenv("CC") : "clang";
	snprintf(include, sizeof(include), "-I%s/target", PGDFUZZ_SOURCE_DIR);
	for (size_t s = 0; s < m->nsources; s++) {
		char *argv[MAX_WORDS + 16];
		size_t n = 0;
		argv[n++] = (char *)cc;
		argv[n++] = "-fsyntax-only";
		argv[n++] = "-std=gnu11";
		argv[n++] = "-Wall";
		argv[n++] = "-Wextra";
		argv[n++] = include;
		for (size_t i = 0; i < m->nflags; i++)
			argv[n++] = m->flags[i];
		argv[n++] = m->sources[s];
		argv[n] = NULL;
		int rc = proc_capture(argv, NULL, output, sizeof(output), 60);
		if (rc < 0)
			return cli_error("cannot run the compiler %s (set CC)", cc);
		if (rc != 0) {
			fprintf(stderr, "%s", output);
			return cli_error("%s does not compile (the compiler's message is above)",
					 m->sources[s]);
		}
	}
	return 0;
}

static int run_logged(char *const argv[], const char *log)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		int null = open("/dev/null", O_RDONLY);
		if (fd < 0 || null < 0 || chdir(PGDFUZZ_SOURCE_DIR))
			_exit(127);
		dup2(null, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The log's error lines with the two lines after each (source, caret). */
static void print_errors(const char *log)
{
	FILE *f = fopen(log, "r");
	char line[1024];
	int shown = 0, context = 0;
	while (f && shown < 20 && fgets(line, sizeof(line), f)) {
		if (strstr(line, "error:") || strstr(line, "CMake Error")) {
			context = 3;
			shown++;
		}
		if (context-- > 0)
			fprintf(stderr, "  %s", line);
	}
	if (f)
		fclose(f);
}

static uint32_t fnv1a(const char *text)
{
	uint32_t hash = 2166136261u;
	for (; *text; text++)
		hash = (hash ^ (uint8_t)*text) * 16777619u;
	return hash;
}

/* Build this tree for target directory real and exec its pgdfuzz. */
static int build_and_exec(const char *real)
{
	char bdir[PATH_MAX], log[PATH_MAX + 32], define[PATH_MAX + 32], jobs[16],
	    pgdfuzz[PATH_MAX + 32];
	const char *base = strrchr(real, '/') ? strrchr(real, '/') + 1 : real;
	if (getenv("PGDFUZZ_TARGET_REEXEC"))
		return cli_error("the target build's pgdfuzz was not built for %s", real);
	snprintf(bdir, sizeof(bdir), "%s/build/target-%.32s-%08x", PGDFUZZ_SOURCE_DIR, base,
		 fnv1a(real));
	snprintf(log, sizeof(log), "%s/pgdfuzz-target-build.log", bdir);
	if (cli_mkdirs(bdir))
		return cli_error("%s: cannot create the target build directory", bdir);
	FILE *truncate = fopen(log, "w");
	if (!truncate)
		return cli_error("%s: cannot write", log);
	fclose(truncate);
	fprintf(stderr, "pgdfuzz: building target %s in %s (log: %s)\n", real, bdir, log);
	snprintf(define, sizeof(define), "-DPGDFUZZ_TARGET_DIR=%s", real);
	char *configure[] = {"cmake", "--preset", "fuzz", "-B", bdir, define, NULL};
	char cache[PATH_MAX + 32];
	snprintf(cache, sizeof(cache), "%s/CMakeCache.txt", bdir);
	/* Configured once; the build re-runs CMake if the manifest changed. */
	int rc = access(cache, R_OK) ? run_logged(configure, log) : 0;
	if (rc != 0) {
		print_errors(log);
		return cli_error("configuring the target build failed (exit %d); see %s", rc, log);
	}
	snprintf(jobs, sizeof(jobs), "%ld", sysconf(_SC_NPROCESSORS_ONLN));
	char *build[] = {"cmake",   "--build",		bdir, "-j", jobs, "--target",
			 "pgdfuzz", "fuzz_target_user", NULL};
	rc = run_logged(build, log);
	if (rc != 0) {
		print_errors(log);
		return cli_error("building the target failed (exit %d); see %s", rc, log);
	}
	/* run: the fast variant too (fuzz-fast preset: -O2, no sanitizers) in
	 * <build>-fast, for most of the slot time; the sanitizer build judges
	 * every finding, as for the built-in harnesses. Only its fuzzer. */
	if (cli_argv[1] && !strcmp(cli_argv[1], "run")) {
		char fdir[PATH_MAX + 8], fcache[PATH_MAX + 32];
		snprintf(fdir, sizeof(fdir), "%s-fast", bdir);
		snprintf(fcache, sizeof(fcache), "%s/CMakeCache.txt", fdir);
		fprintf(stderr, "pgdfuzz: building its fast variant (no sanitizers) in %s\n", fdir);
		char *fconfigure[] = {"cmake", "--preset", "fuzz-fast", "-B", fdir, define, NULL};
		rc = access(fcache, R_OK) ? run_logged(fconfigure, log) : 0;
		char *fbuild[] = {"cmake",    "--build",	  fdir, "-j", jobs,
				  "--target", "fuzz_target_user", NULL};
		if (rc == 0)
			rc = run_logged(fbuild, log);
		if (rc != 0) {
			print_errors(log);
			return cli_error("building the target's fast variant failed (exit %d); see "
					 "%s",
					 rc, log);
		}
	}
	snprintf(pgdfuzz, sizeof(pgdfuzz), "%s/cli/pgdfuzz", bdir);
	setenv("PGDFUZZ_TARGET_REEXEC", "1", 1);
	fflush(NULL);
	execv(pgdfuzz, cli_argv);
	return cli_error("%s: %s", pgdfuzz, strerror(errno));
}

int cli_target_enter(const char *dir, char *real, size_t len)
{
	struct stat st;
	char err[PATH_MAX + 256];
	static struct manifest m;
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		return cli_error("--target %s: no such directory", dir);
	if (!realpath(dir, real))
		return cli_error("--target %s: %s", dir, strerror(errno));
	(void)len;
	if (!read_manifest(real, &m, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return CLI_USAGE_ERROR;
	}
#ifdef PGDFUZZ_USER_TARGET_DIR
	char built[PATH_MAX];
	if (realpath(PGDFUZZ_USER_TARGET_DIR, built) && !strcmp(built, real)) {
		if (pgdfuzz_target.abi != PGDFUZZ_TARGET_ABI)
			return cli_error(
			    "%s: the adapter is built for target ABI %u, pgdfuzz has %u", real,
			    pgdfuzz_target.abi, PGDFUZZ_TARGET_ABI);
		cli_judge_target =
		    oracle_target_only(&pgdfuzz_target, PGDFUZZ_USER_TARGET_GEOMETRIES);
		snprintf(entered, sizeof(entered), "%s", real);
		return 0;
	}
#endif
	int rc = syntax_check(&m);
	return rc ? rc : build_and_exec(real);
}

int cli_target_option(int *argc, char **argv)
{
	for (int i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--target"))
			continue;
		if (i + 1 >= *argc)
			return cli_error("--target needs a directory");
		char real[PATH_MAX];
		int rc = cli_target_enter(argv[i + 1], real, sizeof(real));
		if (rc)
			return rc;
		memmove(argv + i, argv + i + 2, (size_t)(*argc - i - 1) * sizeof(*argv));
		*argc -= 2;
		return 0;
	}
	return -1;
}

enum case_harness cli_target_harness(const struct pgdfuzz_target *target)
{
	return target->ops.map || target->ops.protect ? CASE_HARNESS_BUILDER : CASE_HARNESS_IDMAP;
}

bool cli_user_target(const char *real, struct cli_target *t)
{
	memset(t, 0, sizeof(*t));
#ifdef PGDFUZZ_USER_TARGET_DIR
	snprintf(t->name, sizeof(t->name), "%.31s", pgdfuzz_target.name);
	t->harness = pgdfuzz_target.ops.map || pgdfuzz_target.ops.protect ? CASE_HARNESS_BUILDER
									  : CASE_HARNESS_IDMAP;
	snprintf(t->binary, sizeof(t->binary), "%s", PGDFUZZ_USER_TARGET_FUZZER);
	/* The fast variant run builds beside this one (build_and_exec). */
	if (!access(PGDFUZZ_USER_TARGET_FAST_FUZZER, X_OK))
		snprintf(t->fast_binary, sizeof(t->fast_binary), "%s",
			 PGDFUZZ_USER_TARGET_FAST_FUZZER);
	snprintf(t->seeds, sizeof(t->seeds), "%s/%s", PGDFUZZ_USER_TARGET_CORPUS,
		 case_harness_name(t->harness));
	t->target_dir = real ? real : entered;
	return true;
#else
	(void)real;
	return false;
#endif
}
