/* Real-kernel mode of run and repro: find the kernel build of a Linux tree
 * (or configure and build one and run its pgdfuzz), its fuzz targets, and
 * the allowlist of kernel findings already written up.
 *
 * A kernel build's pgdfuzz is compiled with the tree it was configured for
 * (PGDFUZZ_KERNEL_TREE), its backends and configurations; every pgdfuzz
 * knows the project's source directory (PGDFUZZ_SOURCE_DIR). */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PGDFUZZ_SOURCE_DIR
#define PGDFUZZ_SOURCE_DIR "."
#endif
#ifndef PGDFUZZ_KERNEL_BACKENDS
#define PGDFUZZ_KERNEL_BACKENDS ""
#endif
#ifndef PGDFUZZ_KERNEL_CONFIGS
#define PGDFUZZ_KERNEL_CONFIGS ""
#endif

char **cli_argv;

/* The files the backends are built from: a tree with none of them is not
 * worth a build. */
static const char *const tree_files[] = {
    "arch/arm64/kernel/pi/map_range.c", "arch/arm64/mm/mmu.c", "arch/arm64/mm/trans_pgd.c",
    "arch/arm64/kernel/relocate_kernel.S", "arch/arm64/kvm/hyp/pgtable.c"};

/* ---- what this binary was built with ------------------------------------- */

/* The i-th item of a list separated by sep into out; false past the end. */
static bool word_at(const char *list, const char *sep, size_t index, char *out, size_t len)
{
	for (size_t i = 0;; i++) {
		list += strspn(list, sep);
		size_t n = strcspn(list, sep);
		if (!n)
			return false;
		if (i == index) {
			snprintf(out, len, "%.*s", (int)n, list);
			return true;
		}
		list += n;
	}
}

/* The configurations of a backend ("4k-39,4k-48,...") into out. */
static bool backend_configs(const char *backend, char *out, size_t len)
{
	char item[1024];
	size_t n = strlen(backend);
	for (size_t i = 0; word_at(PGDFUZZ_KERNEL_CONFIGS, "/", i, item, sizeof(item)); i++)
		if (!strncmp(item, backend, n) && item[n] == '=') {
			snprintf(out, len, "%s", item + n + 1);
			return true;
		}
	return false;
}

bool cli_kernel_backend_has_config(const char *backend, const char *config)
{
	char configs[1024], word[64];
	if (!backend_configs(backend, configs, sizeof(configs)))
		return false;
	for (size_t i = 0; word_at(configs, ",", i, word, sizeof(word)); i++)
		if (!strcmp(word, config))
			return true;
	return false;
}

size_t cli_kernel_backend_count(void)
{
	char word[32];
	size_t n = 0;
	while (word_at(PGDFUZZ_KERNEL_BACKENDS, ",", n, word, sizeof(word)))
		n++;
	return n;
}

const char *cli_kernel_backend(size_t index)
{
	static char names[8][32];
	if (index >= 8 || !word_at(PGDFUZZ_KERNEL_BACKENDS, ",", index, names[index], 32))
		return NULL;
	return names[index];
}

enum case_harness cli_kernel_backend_harness(const char *backend)
{
	/* As oracle/kernel.c's harness_of(): relocate_kernel.S takes reloc
	 * cases, trans_pgd_idmap_page() idmap cases, the table builders
	 * (map_range, mmu) builder cases. */
	return !strcmp(backend, "reloc")   ? CASE_HARNESS_RELOC
	       : !strcmp(backend, "trans") ? CASE_HARNESS_IDMAP
					   : CASE_HARNESS_BUILDER;
}

bool cli_kernel_backend_takes_cases(const char *backend)
{
	return strcmp(backend, "kvm") != 0;
}

bool cli_kernel_config_valid(const char *name, char *names, size_t len)
{
	char configs[1024];
	bool found = false;
	size_t used = 0;
	names[0] = '\0';
	for (size_t b = 0; b < cli_kernel_backend_count(); b++) {
		const char *backend = cli_kernel_backend(b);
		found |= cli_kernel_backend_has_config(backend, name);
		if (backend_configs(backend, configs, sizeof(configs)) && used < len)
			used += (size_t)snprintf(names + used, len - used, "%s%s: %s",
						 b ? "; " : "", backend, configs);
	}
	return found;
}

void cli_project_file(const char *relative, char *path, size_t len)
{
	snprintf(path, len, "%s/%s", PGDFUZZ_SOURCE_DIR, relative);
}

/* <build> of <build>/cli/pgdfuzz, the running binary. */
static bool build_dir(char *dir, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return false;
	self[n] = '\0';
	for (int up = 0; up < 2; up++) {
		char *slash = strrchr(self, '/');
		if (!slash)
			return false;
		*slash = '\0';
	}
	snprintf(dir, len, "%s", self);
	return true;
}

bool cli_kernel_target(const char *backend, const char *src, struct cli_target *t, char *err,
		       size_t err_len)
{
	char build[PATH_MAX];
	struct stat st;
	memset(t, 0, sizeof(*t));
	if (!build_dir(build, sizeof(build))) {
		snprintf(err, err_len, "cannot find this binary's build directory");
		return false;
	}
	snprintf(t->name, sizeof(t->name), "kernel-%s", backend);
	snprintf(t->backend, sizeof(t->backend), "%s", backend);
	t->harness = cli_kernel_backend_harness(backend);
	t->kernel_src = src;
	snprintf(t->binary, sizeof(t->binary), "%.*s/kernel/fuzz_kernel_%s", PATH_MAX - 64, build,
		 backend);
	if (access(t->binary, X_OK)) {
		snprintf(err, err_len, "%s is not built (cmake --build %s --target fuzz_kernel_%s)",
			 t->binary, build, backend);
		return false;
	}
	/* kvm's seeds are its own (kernel/kvm/seeds), the others' the binary
	 * cases of their harness. */
	t->not_cases = !cli_kernel_backend_takes_cases(backend);
	if (t->not_cases)
		cli_project_file("kernel/kvm/seeds", t->seeds, sizeof(t->seeds));
	else
		snprintf(t->seeds, sizeof(t->seeds), "%.*s/corpus/%s", PATH_MAX - 64, build,
			 case_harness_name(t->harness));
	if (stat(t->seeds, &st) || !S_ISDIR(st.st_mode))
		t->seeds[0] = '\0';
	return true;
}

/* ---- the allowlist ---------------------------------------------------------- */

bool cli_known_signature(const char *list_path, const char *signature)
{
	FILE *f = fopen(list_path, "r");
	char line[512];
	bool known = false;
	while (f && !known && fgets(line, sizeof(line), f)) {
		char *pattern = line + strspn(line, " \t");
		if (*pattern == '#')
			continue;
		pattern[strcspn(pattern, " \t\r\n")] = '\0';
		known = *pattern && !fnmatch(pattern, signature, 0);
	}
	if (f)
		fclose(f);
	return known;
}

/* ---- building a kernel build ------------------------------------------------ */

/* Run argv in cwd with its output appended to log; the exit status, or -1.
 * It stays in our process group, so Ctrl-C stops the build too. */
static int run_logged(char *const argv[], const char *cwd, const char *log)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		int null = open("/dev/null", O_RDONLY);
		if (fd < 0 || null < 0 || chdir(cwd))
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

/* Print the log's CMake errors and pgdfuzz kernel-mode warnings (the
 * missing file, the compile errors) to stderr; returns how many. */
static int print_cmake_messages(const char *log)
{
	FILE *f = fopen(log, "r");
	char line[1024];
	int count = 0;
	bool in_block = false, keep = false, started = false;
	static char block[16384];
	size_t used = 0;
	while (f) {
		bool eof = !fgets(line, sizeof(line), f);
		bool header = !eof && (!strncmp(line, "CMake Error", 11) ||
				       !strncmp(line, "CMake Warning", 13));
		bool blank = !eof && line[strspn(line, " \t\r\n")] == '\0';
		bool end = eof || header || !strncmp(line, "Call Stack", 10) || (started && blank);
		if (in_block && end) {
			if (keep) {
				fprintf(stderr, "%.*s", (int)used, block);
				count++;
			}
			in_block = false;
		}
		if (eof)
			break;
		if (header) {
			in_block = true;
			started = false;
			keep = !strncmp(line, "CMake Error", 11);
			used = 0;
			continue;
		}
		if (in_block && !blank) {
			started = true;
			keep |= strstr(line, "pgdfuzz kernel mode") != NULL;
			if (used < sizeof(block))
				used += (size_t)snprintf(block + used, sizeof(block) - used, "%s",
							 line);
			if (used > sizeof(block))
				used = sizeof(block);
		}
	}
	if (f)
		fclose(f);
	return count;
}

/* Compiler errors from a failed build log, at most a few. */
static void print_build_errors(const char *log)
{
	FILE *f = fopen(log, "r");
	char line[1024];
	int shown = 0;
	while (f && shown < 10 && fgets(line, sizeof(line), f))
		if (strstr(line, "error") || strstr(line, "Error")) {
			fprintf(stderr, "  %s", line);
			shown++;
		}
	if (f)
		fclose(f);
}

/* A variable of a build's cache ("NAME:TYPE=value"), whatever its type. */
static bool cached_value(const char *kdir, const char *name, char *out, size_t len)
{
	char path[PATH_MAX + 32], line[PATH_MAX + 256];
	size_t n = strlen(name);
	snprintf(path, sizeof(path), "%s/CMakeCache.txt", kdir);
	FILE *f = fopen(path, "r");
	out[0] = '\0';
	while (f && fgets(line, sizeof(line), f)) {
		char *eq = strchr(line, '=');
		if (!strncmp(line, name, n) && line[n] == ':' && eq) {
			line[strcspn(line, "\r\n")] = '\0';
			snprintf(out, len, "%s", eq + 1);
		}
	}
	if (f)
		fclose(f);
	return out[0] != '\0';
}

/* PGDFUZZ_KERNEL_BACKENDS from a build's cache ("map_range;mmu"). */
static bool cached_backends(const char *kdir, char *out, size_t len)
{
	return cached_value(kdir, "PGDFUZZ_KERNEL_BACKENDS", out, len);
}

static bool log_mentions(const char *log, const char *text)
{
	FILE *f = fopen(log, "r");
	char line[1024];
	bool found = false;
	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, text) != NULL;
	if (f)
		fclose(f);
	return found;
}

#define STAMP "pgdfuzz-kernel-build.stamp"

static int exec_kernel_build(const char *pgdfuzz);

static bool mtime_of(const char *path, struct timespec *t)
{
	struct stat st;
	if (stat(path, &st))
		return false;
	*t = st.st_mtim;
	return true;
}

static bool older(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* True if the kernel build in kdir was brought up to date (its stamp)
 * after every file it takes from the tree and after this pgdfuzz was built
 * (which stands for pgdfuzz's own sources), and its binaries are there:
 * then it is run as it is, in milliseconds, instead of asking make (tens of
 * seconds for the kernel build's many targets even when nothing changed). */
static bool kernel_build_fresh(const char *kdir, const char *src, const char *backends)
{
	char path[PATH_MAX + 64], self[PATH_MAX];
	struct timespec built, t;
	snprintf(path, sizeof(path), "%s/%s", kdir, STAMP);
	if (!mtime_of(path, &built))
		return false;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return false;
	self[n] = '\0';
	if (!mtime_of(self, &t) || !older(&t, &built))
		return false;
	for (size_t i = 0; i < sizeof(tree_files) / sizeof(tree_files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", src, tree_files[i]);
		if (mtime_of(path, &t) && !older(&t, &built))
			return false;
	}
	snprintf(path, sizeof(path), "%s/cli/pgdfuzz", kdir);
	if (access(path, X_OK))
		return false;
	char name[64];
	for (size_t i = 0; word_at(backends, ";", i, name, sizeof(name)); i++) {
		if (cli_pathf(path, sizeof(path), "%s/kernel/fuzz_kernel_%s", kdir, name) ||
		    access(path, X_OK))
			return false;
	}
	return true;
}

/* Configure and build <source>/build/kernel-<basename of src> for tree src
 * with the fuzz preset, then run its pgdfuzz with our arguments. */
static int build_and_exec(const char *src)
{
	char kdir[PATH_MAX], log[PATH_MAX + 32], presets[PATH_MAX + 32], define[PATH_MAX + 32],
	    jobs[16], pgdfuzz[PATH_MAX + 32], backends[256];
	const char *base = strrchr(src, '/') ? strrchr(src, '/') + 1 : src;
	if (getenv("PGDFUZZ_KERNEL_REEXEC"))
		return cli_error("the kernel build's pgdfuzz does not take %s as its tree", src);
	snprintf(presets, sizeof(presets), "%s/CMakePresets.json", PGDFUZZ_SOURCE_DIR);
	if (access(presets, R_OK))
		return cli_error("kernel mode for %s needs a kernel build, and the pgdfuzz source "
				 "tree %s is gone; make one: cmake --preset fuzz -B DIR "
				 "-DPGDFUZZ_KERNEL_SRC=%s && cmake --build DIR, then run "
				 "DIR/cli/pgdfuzz",
				 src, PGDFUZZ_SOURCE_DIR, src);
	/* $PGDFUZZ_KERNEL_BUILDS holds the kernel builds (default: the
	 * source tree's build/), e.g. for a read-only checkout. */
	const char *builds = getenv("PGDFUZZ_KERNEL_BUILDS");
	if (builds && *builds
		? cli_pathf(kdir, sizeof(kdir), "%s/kernel-%s", builds, base)
		: cli_pathf(kdir, sizeof(kdir), "%s/build/kernel-%s", PGDFUZZ_SOURCE_DIR, base))
		return cli_error("%s: the kernel build directory's path is too long", src);
	snprintf(log, sizeof(log), "%s/pgdfuzz-kernel-build.log", kdir);
	if (cli_mkdirs(kdir))
		return cli_error("%s: cannot create the kernel build directory", kdir);

	/* A build already configured for this tree is only brought up to
	 * date: `cmake --build` re-runs the configure step itself when the
	 * tree's files or the CMake files changed (they are configure
	 * dependencies), so configuring again every time (about 30 s) buys
	 * nothing. */
	char cached_src[PATH_MAX], cached_real[PATH_MAX];
	bool configured =
	    cached_value(kdir, "PGDFUZZ_KERNEL_SRC", cached_src, sizeof(cached_src)) &&
	    realpath(cached_src, cached_real) && !strcmp(cached_real, src) &&
	    cached_backends(kdir, backends, sizeof(backends));
	int rc;
	const char *rebuild = getenv("PGDFUZZ_KERNEL_REBUILD");
	if (configured && !(rebuild && *rebuild == '1') &&
	    kernel_build_fresh(kdir, src, backends)) {
		fprintf(stderr,
			"pgdfuzz: kernel mode for %s: %s is up to date (built after the tree's "
			"files and this pgdfuzz; PGDFUZZ_KERNEL_REBUILD=1 rebuilds it)\n",
			src, kdir);
		snprintf(pgdfuzz, sizeof(pgdfuzz), "%s/cli/pgdfuzz", kdir);
		return exec_kernel_build(pgdfuzz);
	}
	FILE *truncate = fopen(log, "w");
	if (!truncate)
		return cli_error("%s: cannot write", log);
	fclose(truncate);
	if (configured) {
		fprintf(stderr, "pgdfuzz: kernel mode for %s: bringing %s up to date (log: %s)\n",
			src, kdir, log);
	} else {
		fprintf(stderr, "pgdfuzz: building kernel mode for %s in %s (log: %s)\n", src, kdir,
			log);
		snprintf(define, sizeof(define), "-DPGDFUZZ_KERNEL_SRC=%s", src);
		char *configure[] = {"cmake", "--preset", "fuzz", "-B", kdir, define, NULL};
		rc = run_logged(configure, PGDFUZZ_SOURCE_DIR, log);
		print_cmake_messages(log);
		if (rc != 0)
			return cli_error("configuring the kernel build failed (exit %d); see %s",
					 rc, log);
		if (log_mentions(log, "no backend could be built") ||
		    !cached_backends(kdir, backends, sizeof(backends)))
			return cli_error("%s: no kernel backend could be built from this tree "
					 "(the messages above name what is missing); see %s",
					 src, log);
	}

	/* Only what kernel mode runs: this command and the backends' fuzzers
	 * (which pull in the encoded seeds). */
	char *build[16] = {"cmake", "--build", kdir, "-j", jobs, "--target", "pgdfuzz"};
	static char targets[8][64];
	size_t n = 7;
	snprintf(jobs, sizeof(jobs), "%ld", sysconf(_SC_NPROCESSORS_ONLN));
	for (size_t i = 0; i < 8 && n < 15; i++) {
		size_t len = strcspn(backends, ";");
		if (!len)
			break;
		snprintf(targets[i], sizeof(targets[i]), "fuzz_kernel_%.*s", (int)len, backends);
		build[n++] = targets[i];
		memmove(backends, backends + len + (backends[len] == ';'),
			strlen(backends + len) + 1);
	}
	build[n] = NULL;
	rc = run_logged(build, PGDFUZZ_SOURCE_DIR, log);
	if (rc != 0) {
		print_build_errors(log);
		return cli_error("building the kernel build failed (exit %d); see %s", rc, log);
	}
	/* Built: the stamp says when, for the next run's freshness check. */
	char stamp[PATH_MAX + 32];
	snprintf(stamp, sizeof(stamp), "%s/%s", kdir, STAMP);
	FILE *f = fopen(stamp, "w");
	if (f)
		fclose(f);
	snprintf(pgdfuzz, sizeof(pgdfuzz), "%s/cli/pgdfuzz", kdir);
	return exec_kernel_build(pgdfuzz);
}

/* The kernel build's pgdfuzz, with our arguments. */
static int exec_kernel_build(const char *pgdfuzz)
{
	setenv("PGDFUZZ_KERNEL_REEXEC", "1", 1);
	fflush(NULL);
	execv(pgdfuzz, cli_argv);
	return cli_error("%s: %s", pgdfuzz, strerror(errno));
}

int cli_kernel_enter(const char *dir, char *src, size_t len)
{
	struct stat st;
	char real[PATH_MAX], path[PATH_MAX + 64];
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		return cli_error("--kernel-src %s: no such directory", dir);
	if (!realpath(dir, real))
		return cli_error("--kernel-src %s: %s", dir, strerror(errno));
	bool linux_tree = false;
	for (size_t i = 0; i < sizeof(tree_files) / sizeof(tree_files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", real, tree_files[i]);
		linux_tree |= access(path, R_OK) == 0;
	}
	if (!linux_tree)
		return cli_error("--kernel-src %s: not a Linux tree with the arm64 page-table code "
				 "(none of %s, %s, %s, %s, %s is there)",
				 dir, tree_files[0], tree_files[1], tree_files[2], tree_files[3],
				 tree_files[4]);
	snprintf(src, len, "%s", real);
#ifdef PGDFUZZ_KERNEL_TREE
	char built[PATH_MAX];
	if (realpath(PGDFUZZ_KERNEL_TREE, built) && !strcmp(built, real))
		return 0;
#endif
	return build_and_exec(real);
}
