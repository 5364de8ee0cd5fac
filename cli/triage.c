/* pgdfuzz triage: turn directories of crash and finding files from libFuzzer
 * or AFL++ into a short list of distinct, minimized, explained findings. */
#include "cli.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct triage {
	struct cli_groups groups;
	struct cli_target targets[CASE_HARNESS_COUNT];
	const char *out;
	bool forced;
	enum case_harness harness;
	unsigned files;
};

/* The harness a file belongs to: --harness, else its binary header, else
 * a harness name in its path (campaign and OSS-Fuzz layouts). */
static bool harness_of(const struct triage *t, const char *path, enum case_harness *harness)
{
	if (t->forced) {
		*harness = t->harness;
		return true;
	}
	uint8_t *data;
	size_t size;
	char err[256];
	if (!case_read_file(path, &data, &size, err, sizeof(err))) {
		enum case_harness h = case_detect_harness(data, size);
		free(data);
		if (h < CASE_HARNESS_COUNT) {
			*harness = h;
			return true;
		}
	}
	/* A text case names its harness. */
	static struct pgd_case c;
	bool was_text = false;
	if (!case_load(path, &c, &was_text, err, sizeof(err)) && was_text) {
		*harness = c.harness;
		return true;
	}
	for (int h = 0; h < CASE_HARNESS_COUNT; h++) {
		char needle[32];
		snprintf(needle, sizeof(needle), "%s/", case_harness_name((enum case_harness)h));
		if (strstr(path, needle)) {
			*harness = (enum case_harness)h;
			return true;
		}
	}
	return false;
}

static bool is_finding_file(const char *name)
{
	return !strncmp(name, "crash-", 6) || !strncmp(name, "leak-", 5) ||
	       !strncmp(name, "timeout-", 8) || !strncmp(name, "oom-", 4) ||
	       !strncmp(name, "id:", 3) || !strncmp(name, "minimized-from-", 15) ||
	       strstr(name, ".bin") || strstr(name, ".txt");
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void visit(struct triage *t, const char *path)
{
	struct stat st;
	if (stat(path, &st))
		return;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		if (!d)
			return;
		char **names = NULL;
		size_t count = 0, cap = 0;
		for (struct dirent *e; (e = readdir(d));) {
			if (e->d_name[0] == '.' || !strcmp(e->d_name, "README.txt"))
				continue;
			if (count == cap) {
				cap = cap ? cap * 2 : 64;
				char **grown = realloc(names, cap * sizeof(*names));
				if (!grown)
					break;
				names = grown;
			}
			size_t len = strlen(path) + strlen(e->d_name) + 2;
			names[count] = malloc(len);
			snprintf(names[count++], len, "%s/%s", path, e->d_name);
		}
		closedir(d);
		qsort(names, count, sizeof(*names), by_name);
		for (size_t i = 0; i < count; i++) {
			struct stat sub;
			const char *base = strrchr(names[i], '/') + 1;
			if (!stat(names[i], &sub) &&
			    (S_ISDIR(sub.st_mode) || is_finding_file(base)))
				visit(t, names[i]);
			free(names[i]);
		}
		free(names);
		return;
	}
	enum case_harness harness;
	t->files++;
	if (!harness_of(t, path, &harness)) {
		fprintf(stderr, "pgdfuzz triage: %s: cannot tell the harness; use --harness\n",
			path);
		return;
	}
	/* Harness binaries read the binary form: encode text cases first. */
	static struct pgd_case c;
	char err[256], encoded[PATH_MAX + 64];
	bool was_text = false;
	if (!case_load(path, &c, &was_text, err, sizeof(err)) && was_text) {
		char name[160];
		cli_signature_file_name(strrchr(path, '/') ? strrchr(path, '/') + 1 : path, name,
					sizeof(name));
		snprintf(encoded, sizeof(encoded), "%s/inputs/%u-%s.bin", t->out, t->files, name);
		if (case_save_binary(encoded, &c, err, sizeof(err))) {
			fprintf(stderr, "pgdfuzz triage: %s\n", err);
			return;
		}
		path = encoded;
	}
	cli_group_file(&t->groups, &t->targets[harness], path, 0);
}

int cmd_triage(int argc, char **argv)
{
	static struct triage t;
	const char *out = "pgdfuzz-findings", *given = NULL;
	enum cli_engine engine = CLI_LIBFUZZER;
	const char *inputs[64];
	size_t ninputs = 0;
	memset(&t, 0, sizeof(t));
	int target_rc = cli_target_option(&argc, argv);
	if (target_rc > 0)
		return target_rc;
	for (int i = 1; i < argc; i++) {
		const char *value = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(argv[i], "--out") && value) {
			out = argv[++i];
		} else if (!strcmp(argv[i], "--fuzzers") && value) {
			given = argv[++i];
		} else if (!strcmp(argv[i], "--engine") && value) {
			i++;
			if (!strcmp(value, "afl"))
				engine = CLI_AFL;
			else if (strcmp(value, "libfuzzer"))
				return cli_error("--engine %s: expected libfuzzer or afl", value);
		} else if (!strcmp(argv[i], "--harness") && value) {
			if (!cli_harness_from_name(argv[++i], &t.harness))
				return cli_error("unknown harness '%s'", value);
			t.forced = true;
		} else if (argv[i][0] == '-') {
			return cli_error(
			    "usage: pgdfuzz triage [--out DIR] [--harness H] [--engine "
			    "libfuzzer|afl] [--fuzzers DIR] DIR...");
		} else if (ninputs < 64) {
			struct stat st;
			if (stat(argv[i], &st))
				return cli_error("%s: no such file or directory", argv[i]);
			inputs[ninputs++] = argv[i];
		}
	}
	if (!ninputs)
		return cli_error("usage: pgdfuzz triage [--out DIR] [--harness H] DIR...");
	static char fuzzers[PATH_MAX];
	if (target_rc == 0) {
		/* --target DIR: every file through the target's own fuzzer. */
		static struct cli_target user;
		if (given)
			return cli_error("--target: not with --fuzzers");
		if (!cli_user_target(NULL, &user))
			return cli_error("internal: this pgdfuzz has no target built in");
		for (int h = 0; h < CASE_HARNESS_COUNT; h++)
			t.targets[h] = user;
		t.harness = user.harness;
		t.forced = true;
	} else {
		if (!cli_find_fuzzers(engine, given, fuzzers, sizeof(fuzzers)))
			return cli_error(
			    "no fuzz_* binaries found; build the fuzz preset or pass --fuzzers");
		for (int h = 0; h < CASE_HARNESS_COUNT; h++)
			cli_harness_target(fuzzers, (enum case_harness)h, &t.targets[h]);
	}
	t.out = out;
	char inputs_dir[PATH_MAX + 16];
	snprintf(inputs_dir, sizeof(inputs_dir), "%s/inputs", out);
	if (cli_mkdirs(inputs_dir))
		return cli_error("%s: cannot create the findings directory", out);
	for (size_t i = 0; i < ninputs; i++)
		visit(&t, inputs[i]);
	cli_minimize_groups(&t.groups, engine, out, 20, 600);

	/* findings.md: one entry per group, written atomically. */
	size_t cap = 1 << 20, len = 0;
	char *md = malloc(cap);
	if (!md)
		return 1;
	len += (size_t)snprintf(md + len, cap - len,
				"# pgdfuzz triage\n\n%u file%s: %zu distinct findings, %zu did not "
				"reproduce (flaky).\n\n",
				t.files, t.files == 1 ? "" : "s", t.groups.count, t.groups.nflaky);
	for (size_t i = 0; i < t.groups.count && len < cap; i++) {
		const struct cli_group *g = &t.groups.groups[i];
		char name[160], cmd[PATH_MAX + 300];
		cli_signature_file_name(g->signature, name, sizeof(name));
		cli_repro_command(cmd, sizeof(cmd), g->target, g->minimized);
		len += (size_t)snprintf(md + len, cap - len,
					"## `%s`\n\n- files: %u\n- minimized case: `%s/%s.txt` "
					"(binary `%s`)\n- reproduce: `%s`\n\n```\n%s```\n\n",
					g->signature, g->count, out, name, g->minimized, cmd,
					g->detail);
	}
	for (size_t i = 0; i < t.groups.nflaky && len < cap; i++)
		len += (size_t)snprintf(md + len, cap - len,
					"%s- flaky (did not reproduce): `%s` (%s)\n",
					i == 0 ? "## Did not reproduce\n\n" : "", t.groups.flaky[i],
					t.groups.flaky_reason[i]);
	if (len > cap)
		len = cap;
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/findings.md", out);
	int ret = cli_write_atomic(path, md, len);
	free(md);
	if (ret)
		return cli_error("%s: cannot write", path);

	printf("pgdfuzz triage: %u file%s -> %zu distinct findings, %zu flaky (report %s)\n",
	       t.files, t.files == 1 ? "" : "s", t.groups.count, t.groups.nflaky, path);
	for (size_t i = 0; i < t.groups.count; i++)
		printf("  %-50s x%-4u %s\n", t.groups.groups[i].signature, t.groups.groups[i].count,
		       t.groups.groups[i].minimized);
	for (size_t i = 0; i < t.groups.nflaky; i++)
		printf("  flaky: %s (%s)\n", t.groups.flaky[i], t.groups.flaky_reason[i]);
	return t.groups.count ? 1 : 0;
}
