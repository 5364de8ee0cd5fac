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
	unsigned files, skipped;
};

/* The harness a file belongs to: --harness; for an engine's crash file
 * (any bytes, decoded as the harness that ran it) a harness name in its
 * path, then the binary header; for a case file its binary header or its
 * text's harness line. */
static bool harness_of(const struct triage *t, const char *path, enum case_harness *harness)
{
	if (t->forced) {
		*harness = t->harness;
		return true;
	}
	bool artifact = cli_engine_artifact(path);
	for (int h = 0; artifact && h < CASE_HARNESS_COUNT; h++) {
		char needle[32];
		snprintf(needle, sizeof(needle), "%s/", case_harness_name((enum case_harness)h));
		if (strstr(path, needle)) {
			*harness = (enum case_harness)h;
			return true;
		}
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
	static struct pgd_case c;
	if (!artifact && !case_load(path, &c, NULL, err, sizeof(err))) {
		*harness = c.harness;
		return true;
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
		if (count) /* qsort(NULL, 0, ...) is undefined */
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
	/* A case file (not an engine's artifact, no magic) must parse as text:
	 * it is encoded for the harness binaries, which read the binary form. */
	static struct pgd_case c;
	char err[512], encoded[PATH_MAX + 64];
	bool was_text = false, artifact = cli_engine_artifact(path);
	int rc = artifact ? 0 : case_load(path, &c, &was_text, err, sizeof(err));
	if (rc) {
		fprintf(stderr,
			"%s\npgdfuzz triage: %s skipped (not a case; a fuzzer's crash file "
			"keeps its engine name, crash-*, timeout-*, id:*)\n",
			err, path);
		t->skipped++;
		return;
	}
	if (!harness_of(t, path, &harness)) {
		fprintf(stderr, "pgdfuzz triage: %s: cannot tell the harness; use --harness\n",
			path);
		t->skipped++;
		return;
	}
	if (was_text) {
		char name[160];
		cli_signature_file_name(strrchr(path, '/') ? strrchr(path, '/') + 1 : path, name,
					sizeof(name));
		snprintf(encoded, sizeof(encoded), "%s/inputs/%u-%s.bin", t->out, t->files, name);
		if (case_save_binary(encoded, &c, err, sizeof(err))) {
			fprintf(stderr, "pgdfuzz triage: %s\n", err);
			t->skipped++;
			return;
		}
		path = encoded;
	}
	cli_group_file(&t->groups, &t->targets[harness], path, 0);
}

/* "90", "90s", "5m", "2h" -> seconds; -1 if malformed (as run's). */
static long duration(const char *text)
{
	char *end;
	long value = strtol(text, &end, 10);
	if (end == text || value < 0 || value > 86400)
		return -1;
	if (!*end || !strcmp(end, "s"))
		return value;
	if (!strcmp(end, "m") && value <= 1440)
		return value * 60;
	if (!strcmp(end, "h") && value <= 24)
		return value * 3600;
	return -1;
}

static const char triage_help[] =
    "usage: pgdfuzz triage [--out DIR] [--harness H] [--engine libfuzzer|afl] [--fuzzers DIR] "
    "PATH...\n\n"
    "Reproduce every crash or finding file under the PATHs with the harness binaries,\n"
    "group them by root cause (harness, kind, level) and variant (geometry),\n"
    "minimize each variant and write DIR/findings.md (default DIR pgdfuzz-findings).\n\n"
    "  --out DIR        where findings go\n"
    "  --harness H      every file is an input of harness H\n"
    "  --engine E       libfuzzer (default) or afl: whose binaries and minimizer\n"
    "  --fuzzers DIR    directory of fuzz_<harness> binaries\n"
    "  --minimize-time D  minimizing in all (20 s per variant; default 10m, 0: none;\n"
    "                   unminimized variants keep their smallest file)\n\n"
    "Engine artifacts (crash-*, timeout-*, leak-*, oom-*, id:*) are fuzzer inputs\n"
    "(any bytes); other files are cases (binary with the 0xc5 magic, else text).\n"
    "Exit status: 0 no finding, 1 findings, 2 bad arguments or nothing judged.\n";

int cmd_triage(int argc, char **argv)
{
	static struct triage t;
	const char *out = "pgdfuzz-findings", *given = NULL;
	long minimize_seconds = 600;
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
		} else if (!strcmp(argv[i], "--minimize-time") && value) {
			if ((minimize_seconds = duration(argv[++i])) < 0)
				return cli_error("--minimize-time %s: expected a duration like 0, "
						 "30s, 10m",
						 value);
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(triage_help, stdout);
			return 0;
		} else if (argv[i][0] == '-') {
			return cli_error("%s: unknown option or missing value\n%s", argv[i],
					 triage_help);
		} else if (ninputs < 64) {
			struct stat st;
			if (stat(argv[i], &st))
				return cli_error("%s: no such file or directory", argv[i]);
			inputs[ninputs++] = argv[i];
		}
	}
	if (!ninputs)
		return cli_error("no input directory or file\n%s", triage_help);
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
	/* ClusterFuzz's reproducibility rule before anything is minimized:
	 * A, B, A', B' in fresh processes; a finding that changes is flaky. */
	cli_check_reproducible(&t.groups, true);
	cli_minimize_groups(&t.groups, engine, out, 20, (int)minimize_seconds);

	/* findings.md, written atomically: root causes, then their variants. */
	static char roots[CLI_MAX_GROUPS][160];
	static size_t firsts[CLI_MAX_GROUPS];
	size_t nroots = cli_root_causes(&t.groups, roots, firsts, CLI_MAX_GROUPS);
	size_t cap = 1 << 22, len = 0;
	char *md = malloc(cap);
	if (!md)
		return cli_error("out of memory");
	len += (size_t)snprintf(md + len, cap - len,
				"# pgdfuzz triage\n\n%u file%s: %zu root cause%s, %zu distinct "
				"finding%s (variants), %zu did not reproduce (flaky).\n\n",
				t.files, t.files == 1 ? "" : "s", nroots, nroots == 1 ? "" : "s",
				t.groups.count, t.groups.count == 1 ? "" : "s", t.groups.nflaky);
	for (size_t r = 0; r < nroots && len < cap; r++) {
		unsigned variants, files;
		cli_root_cause_counts(&t.groups, roots[r], &variants, &files);
		len += (size_t)snprintf(
		    md + len, cap - len, "## Root cause `%s`: %u variant%s, %u file%s\n\n",
		    roots[r], variants, variants == 1 ? "" : "s", files, files == 1 ? "" : "s");
		for (size_t i = 0; i < t.groups.count && len < cap; i++) {
			const struct cli_group *g = &t.groups.groups[i];
			if (!cli_in_root_cause(g, roots[r]))
				continue;
			char name[160], cmd[PATH_MAX * 3];
			cli_signature_file_name(g->signature, name, sizeof(name));
			cli_repro_command(cmd, sizeof(cmd), g->target, g->minimized);
			len += (size_t)snprintf(
			    md + len, cap - len,
			    "### `%s`\n\n- files: %u\n- minimized case: `%s/%s.txt` "
			    "(binary `%s`)\n- reproduce: `%s`\n\n```\n%s```\n\n",
			    g->signature, g->count, out, name, g->minimized, cmd, g->detail);
		}
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
	char json[PATH_MAX + 16];
	snprintf(json, sizeof(json), "%s/findings.json", out);
	if (cli_write_findings_json(&t.groups, json))
		return cli_error("%s: cannot write", json);

	printf("pgdfuzz triage: %u file%s -> %zu root cause%s, %zu distinct finding%s, %zu "
	       "flaky%s (report %s)\n",
	       t.files, t.files == 1 ? "" : "s", nroots, nroots == 1 ? "" : "s", t.groups.count,
	       t.groups.count == 1 ? "" : "s", t.groups.nflaky,
	       t.skipped ? ", some skipped (above)" : "", path);
	cli_print_findings(&t.groups, false);
	for (size_t i = 0; i < t.groups.nflaky; i++)
		printf("  flaky: %s (%s)\n", t.groups.flaky[i], t.groups.flaky_reason[i]);
	if (t.groups.count)
		return 1;
	if (t.files == t.skipped)
		return cli_error("nothing was judged: %u file%s, none a case or crash file",
				 t.files, t.files == 1 ? "" : "s");
	return 0;
}
