/* Child processes, fuzzer discovery, files. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int cli_error(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "pgdfuzz: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	return CLI_USAGE_ERROR;
}

int cli_pathf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

static void child_env(char *const env_extra[])
{
	for (size_t i = 0; env_extra && env_extra[i]; i++)
		putenv(env_extra[i]);
}

pid_t proc_spawn(char *const argv[], const char *log_path, char *const env_extra[])
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	/* Its own process group: the campaign signals a fuzzer together with
	 * the workers it forks. */
	setpgid(0, 0);
	/* A fuzzer dies with the campaign, even a campaign killed with
	 * SIGKILL: no orphan keeps writing into its out dir. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(127); /* the campaign died before prctl */
	if (log_path) {
		int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd < 0)
			_exit(127);
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
	}
	int null = open("/dev/null", O_RDONLY);
	if (null >= 0) {
		dup2(null, 0);
		close(null);
	}
	child_env(env_extra);
	execvp(argv[0], argv);
	_exit(127);
}

static double monotonic_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

bool proc_job_start(struct proc_job *job, char *const argv[], char *const env_extra[], char *out,
		    size_t out_len, int timeout_s)
{
	int fds[2];
	memset(job, 0, sizeof(*job));
	job->out = out;
	job->out_len = out_len;
	job->timeout_s = timeout_s;
	job->status = -1;
	if (out_len)
		out[0] = '\0';
	if (pipe(fds))
		return false;
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return false;
	}
	if (pid == 0) {
		/* Own process group, so a timeout kills the whole tree. */
		setpgid(0, 0);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		child_env(env_extra);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	job->pid = pid;
	job->fd = fds[0];
	job->started = monotonic_now();
	return true;
}

/* Append what the child has written; false when nothing was there. */
static bool job_read(struct proc_job *job)
{
	char buf[4096];
	ssize_t n = read(job->fd, buf, sizeof(buf));
	if (n <= 0)
		return false;
	size_t take = (size_t)n;
	if (job->used + take >= job->out_len)
		take = job->out_len - 1 - job->used;
	memcpy(job->out + job->used, buf, take);
	job->used += take;
	return true;
}

static void job_finish(struct proc_job *job, int status, bool timed_out)
{
	/* Drain what the child wrote just before it exited. */
	while (job->used + 1 < job->out_len && job_read(job))
		;
	job->out[job->used] = '\0';
	close(job->fd);
	job->pid = 0;
	job->done = true;
	if (timed_out)
		job->status = -1;
	else if (WIFSIGNALED(status))
		job->status = 128 + WTERMSIG(status);
	else
		job->status = WEXITSTATUS(status);
}

bool proc_job_poll(struct proc_job *job)
{
	if (job->done || !job->pid)
		return true;
	while (job->used + 1 < job->out_len && job_read(job))
		;
	int status = 0;
	if (waitpid(job->pid, &status, WNOHANG) == job->pid) {
		job_finish(job, status, false);
		return true;
	}
	if (monotonic_now() - job->started > job->timeout_s) {
		kill(-job->pid, SIGKILL);
		waitpid(job->pid, &status, 0);
		job_finish(job, status, true);
		return true;
	}
	return false;
}

void proc_job_kill(struct proc_job *job)
{
	if (job->done || !job->pid)
		return;
	int status;
	kill(-job->pid, SIGKILL);
	waitpid(job->pid, &status, 0);
	job_finish(job, status, true);
}

int proc_capture(char *const argv[], char *const env_extra[], char *out, size_t out_len,
		 int timeout_s)
{
	struct proc_job job;
	if (!proc_job_start(&job, argv, env_extra, out, out_len, timeout_s))
		return -1;
	while (!proc_job_poll(&job))
		usleep(2000);
	return job.status;
}

static bool has_fuzzers(const char *dir)
{
	char path[PATH_MAX + 256];
	snprintf(path, sizeof(path), "%s/fuzz_builder", dir);
	return access(path, X_OK) == 0;
}

bool cli_find_fuzzers(enum cli_engine engine, const char *given, char *dir, size_t len)
{
	const char *preset = engine == CLI_AFL ? "afl" : "fuzz";
	char self[PATH_MAX], candidate[PATH_MAX + 64];
	if (given) {
		snprintf(dir, len, "%s", given);
		return has_fuzzers(dir);
	}
	const char *env = getenv("PGDFUZZ_FUZZERS");
	if (env && engine == CLI_LIBFUZZER) {
		snprintf(dir, len, "%s", env);
		return has_fuzzers(dir);
	}
	snprintf(candidate, sizeof(candidate), "build/%s/fuzz", preset);
	if (has_fuzzers(candidate)) {
		snprintf(dir, len, "%s", candidate);
		return true;
	}
	/* <root>/build/<preset>/cli/pgdfuzz -> <root>/build/<engine preset>/fuzz */
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');
		/* Three levels up: the name, cli/ and the preset's folder. */
		for (int up = 0; slash && up < 3; up++) {
			*slash = '\0';
			slash = strrchr(self, '/');
		}
		snprintf(candidate, sizeof(candidate), "%s/%s/fuzz", self, preset);
		if (has_fuzzers(candidate)) {
			snprintf(dir, len, "%s", candidate);
			return true;
		}
	}
	return false;
}

bool cli_seed_dir(const char *fuzzers, const char *harness, char *dir, size_t len)
{
	struct stat st;
	snprintf(dir, len, "%s/../corpus/%s", fuzzers, harness);
	return stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
}

bool cli_harness_from_name(const char *name, enum case_harness *harness)
{
	for (int h = 0; h < CASE_HARNESS_COUNT; h++)
		if (!strcmp(name, case_harness_name((enum case_harness)h))) {
			*harness = (enum case_harness)h;
			return true;
		}
	return false;
}

void cli_harness_target(const char *fuzzers, enum case_harness harness, struct cli_target *t)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", case_harness_name(harness));
	t->harness = harness;
	snprintf(t->binary, sizeof(t->binary), "%s/fuzz_%s", fuzzers, t->name);
	if (!cli_seed_dir(fuzzers, t->name, t->seeds, sizeof(t->seeds)))
		t->seeds[0] = '\0';
}

int cli_mkdirs(const char *path)
{
	char buf[PATH_MAX];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0755) && errno != EEXIST)
		return -1;
	/* An existing regular file is not a directory to write into. */
	struct stat st;
	if (stat(buf, &st) || !S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

int cli_write_atomic(const char *path, const char *text, size_t len)
{
	char err[PATH_MAX + 64];
	return case_write_file(path, text, len, err, sizeof(err)) ? -1 : 0;
}
