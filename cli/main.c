/* pgdfuzz: the campaign runner and triage tool.
 *
 *   pgdfuzz run [--time D] [--jobs N] [--engine libfuzzer|afl] [--out DIR] [HARNESS...]
 *   pgdfuzz run --kernel-src LINUX [--kernel-config NAME] [--all-findings] ... [TARGET...]
 *   pgdfuzz run --target DIR ...
 *   pgdfuzz repro [--harness H] [--target DIR] FILE
 *   pgdfuzz repro --kernel-src LINUX [--backend map_range|mmu|reloc|trans] FILE
 *   pgdfuzz triage [--out DIR] [--harness H] DIR...
 *   pgdfuzz show [--raw] CASE
 *   pgdfuzz encode TEXT -o BIN
 *   pgdfuzz decode BIN
 *
 * Exit status: 0 clean, 1 findings, 2 bad arguments or input.
 */
#include "cli.h"
#include "oracle.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Which builder this command links, for repro's "judge:" line. */
#ifdef PGDFUZZ_CLI_PLANTED
#define PGDFUZZ_CLI_CORE "the core with the PLANTED contiguous-group bug (PGDFUZZ_PLANTED_BUG)"
#else
#define PGDFUZZ_CLI_CORE "the core (core/)"
#endif

static int usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: pgdfuzz <command> [options]\n\n"
	    "  run [--time D] [--jobs N] [--engine libfuzzer|afl] [--out DIR]\n"
	    "      [--minimize-time D] [HARNESS...]\n"
	    "                       fuzzing campaign with live progress and a report;\n"
	    "                       findings are minimized for up to D in all (2m)\n"
	    "  run --kernel-src LINUX [--kernel-config NAME] [--all-findings] [--time D]\n"
	    "      [--jobs N] [--out DIR] [TARGET...]\n"
	    "                       campaign on the arm64 page-table code of a Linux tree\n"
	    "                       (builds build/kernel-<tree name> first if needed);\n"
	    "                       --kernel-config 4k-48 etc. fuzzes one configuration,\n"
	    "                       --all-findings also stops on the written-up kernel\n"
	    "                       findings of kernel/known-findings.txt\n"
	    "  run --target DIR [--time D] [--jobs N] [--out DIR]\n"
	    "                       campaign on your own page-table code: DIR holds its\n"
	    "                       sources, an adapter and pgdfuzz-target.txt (builds\n"
	    "                       build/target-<name>-<hash> first if needed)\n"
	    "  repro [--fuzzer BIN] [--harness H] [--raw-input] FILE\n"
	    "                       judge one input (with the fuzzer binary that found it),\n"
	    "                       print verdict, each operation's outcome, divergence\n"
	    "  repro --target DIR FILE    judge one input with DIR's target\n"
	    "  repro --kernel-src LINUX [--backend map_range|mmu|reloc|trans|kvm] FILE\n"
	    "                       judge one input with the tree's kernel backends\n"
	    "  triage [--out DIR] [--harness H] [--target DIR] DIR...\n"
	    "                       reproduce, deduplicate and minimize crash files\n"
	    "  show [--raw] [--target DIR] CASE\n"
	    "                       the case, each operation's outcome, its tables\n"
	    "  encode TEXT -o BIN   text case to binary\n"
	    "  decode BIN           binary case to text\n"
	    "  minimize [--engine E] --harness H FILE\n"
	    "                       shrink a crash file (libFuzzer -minimize_crash, afl-tmin)\n"
	    "  merge [--engine E] --harness H OUT_DIR DIR...\n"
	    "                       merge corpora (libFuzzer -merge=1, afl-cmin)\n"
	    "  COMMAND --help       the command's options\n\n"
	    "harnesses: builder idmap reloc walker\n"
	    "kernel targets: kernel-map_range kernel-mmu (builder cases), kernel-reloc\n"
	    "                (reloc cases), kernel-trans (idmap cases): those the tree builds\n");
	return CLI_USAGE_ERROR;
}

bool cli_engine_artifact(const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t len = strlen(base);
	if (len > 4 && !strcmp(base + len - 4, ".txt"))
		return false; /* engines never write text cases */
	static const char *const prefixes[] = {"crash-",     "leak-", "timeout-",	"oom-",
					       "slow-unit-", "id:",   "minimized-from-"};
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(base, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

bool cli_harness_of_fuzzer(const char *binary, enum case_harness *harness)
{
	const char *base = strrchr(binary, '/') ? strrchr(binary, '/') + 1 : binary;
	if (strncmp(base, "fuzz_", 5))
		return false;
	/* fuzz_builder, fuzz_builder_canary: the harness name, then the end
	 * or an underscore. */
	for (int h = 0; h < CASE_HARNESS_COUNT; h++) {
		const char *name = case_harness_name((enum case_harness)h);
		size_t n = strlen(name);
		if (!strncmp(base + 5, name, n) && (base[5 + n] == '\0' || base[5 + n] == '_')) {
			*harness = (enum case_harness)h;
			return true;
		}
	}
	return false;
}

/* This executable's absolute path, for commands that work when pasted. */
static void self_path(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	if (n > 0)
		buf[n] = '\0';
	else
		snprintf(buf, len, "pgdfuzz");
}

/* path as one shell word: as it is when only safe characters, else in
 * single quotes (a quote inside as '\''), so a pasted command works. */
static void shell_word(const char *path, char *out, size_t len)
{
	if (!path[strspn(path, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
			       "_./:+,-=@%")]) {
		snprintf(out, len, "%s", path);
		return;
	}
	size_t n = 0;
	if (len < 3)
		return;
	out[n++] = '\'';
	for (const char *p = path; *p && n + 6 < len; p++) {
		if (*p == '\'') {
			memcpy(out + n, "'\\''", 4);
			n += 4;
		} else {
			out[n++] = *p;
		}
	}
	out[n++] = '\'';
	out[n] = '\0';
}

void cli_repro_command(char *buf, size_t len, const struct cli_target *t, const char *file)
{
	char self[PATH_MAX * 2], abs_file[PATH_MAX * 2], abs_binary[PATH_MAX * 2], real[PATH_MAX];
	self_path(real, sizeof(real));
	shell_word(real, self, sizeof(self));
	if (!realpath(file, real))
		snprintf(real, sizeof(real), "%s", file);
	shell_word(real, abs_file, sizeof(abs_file));
	if (t->target_dir) {
		snprintf(buf, len, "%s repro --target %s %s", self, t->target_dir, abs_file);
		return;
	}
	if (t->backend[0]) {
		char tree[PATH_MAX * 2];
		shell_word(t->kernel_src, tree, sizeof(tree));
		if (t->not_cases) {
			snprintf(buf, len, "%s repro --kernel-src %s --backend %s %s", self, tree,
				 t->backend, abs_file);
			return;
		}
		snprintf(buf, len,
			 "%s repro --kernel-src %s --backend %s --harness %s --raw-input %s", self,
			 tree, t->backend, case_harness_name(t->harness), abs_file);
		return;
	}
	/* The binary that found it judges it again (a symlink is resolved:
	 * the build it points at is the one that ran), and the file is what
	 * that binary ran: a fuzzer input, whatever its bytes. */
	if (!realpath(t->binary, real))
		snprintf(real, sizeof(real), "%s", t->binary);
	shell_word(real, abs_binary, sizeof(abs_binary));
	enum case_harness named;
	if (cli_harness_of_fuzzer(real, &named) && named == t->harness)
		snprintf(buf, len, "%s repro --fuzzer %s --raw-input %s", self, abs_binary,
			 abs_file);
	else
		snprintf(buf, len, "%s repro --fuzzer %s --harness %s --raw-input %s", self,
			 abs_binary, case_harness_name(t->harness), abs_file);
}

/* How one input is to be read. */
struct input_args {
	const char *file;
	bool forced; /* --harness given */
	enum case_harness harness;
	bool raw_input;	     /* --raw-input: decode as the harness binaries do */
	const char *fuzzer;  /* --fuzzer BIN */
	const char *fuzzers; /* --fuzzers DIR */
};

/* Load a case for judging in this process. A text case, a binary case
 * (magic byte first), or with --raw-input or by origin (an engine's crash-*,
 * timeout-*, id:* file) a fuzzer input decoded as its harness would. */
static int load_input(const struct input_args *a, struct pgd_case *c)
{
	char err[512];
	bool raw = a->raw_input || cli_engine_artifact(a->file);
	if (raw && !a->forced) {
		uint8_t *data;
		size_t size;
		if (case_read_file(a->file, &data, &size, err, sizeof(err)))
			return cli_error("%s", err);
		free(data);
		return cli_error("%s: %s; name the harness that ran it: --harness "
				 "builder|idmap|reloc|walker (or judge it with that fuzzer: "
				 "--fuzzer BIN)",
				 a->file,
				 a->raw_input ? "--raw-input needs the harness"
					      : "a fuzzer's crash file decodes as its harness");
	}
	int rc = raw ? case_load_fuzzer_input(a->file, a->harness, c, err, sizeof(err))
		     : case_load(a->file, c, NULL, err, sizeof(err));
	if (rc == CASE_MALFORMED) {
		fprintf(stderr, "%s\n", err);
		/* A binary-looking file: say how fuzzer inputs are read. */
		if (!raw && strstr(err, "is not text"))
			fprintf(
			    stderr,
			    "pgdfuzz: %s is read as a text case (binary cases start with the byte "
			    "0x%02x); a fuzzer's input is read with --raw-input --harness H\n",
			    a->file, CASE_BIN_MAGIC);
		return CLI_USAGE_ERROR;
	}
	if (rc)
		return cli_error("%s", err);
	if (a->forced)
		c->harness = a->harness;
	return 0;
}

/* Options shared by repro and show. Returns 0, CLI_USAGE_ERROR, or -1 after
 * printing help (exit 0). */
static int parse_input_args(int argc, char **argv, const char *help, bool *raw_dump,
			    bool fuzzer_options, struct input_args *a)
{
	memset(a, 0, sizeof(*a));
	for (int i = 1; i < argc; i++) {
		const char *value = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(help, stdout);
			return -1;
		} else if (!strcmp(argv[i], "--harness")) {
			if (!value)
				return cli_error("--harness needs a value (builder, idmap, reloc, "
						 "walker)");
			if (!cli_harness_from_name(argv[++i], &a->harness))
				return cli_error(
				    "--harness %s: unknown harness (builder, idmap, reloc, walker)",
				    argv[i]);
			a->forced = true;
		} else if (!strcmp(argv[i], "--raw-input")) {
			a->raw_input = true;
		} else if (raw_dump && !strcmp(argv[i], "--raw")) {
			*raw_dump = true;
		} else if (fuzzer_options && !strcmp(argv[i], "--fuzzer")) {
			if (!value)
				return cli_error("--fuzzer needs a fuzz_<harness> binary");
			a->fuzzer = argv[++i];
		} else if (fuzzer_options && !strcmp(argv[i], "--fuzzers")) {
			if (!value)
				return cli_error("--fuzzers needs a directory of fuzz_<harness> "
						 "binaries");
			a->fuzzers = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "pgdfuzz: unknown option %s\n%s", argv[i], help);
			return CLI_USAGE_ERROR;
		} else if (a->file) {
			fprintf(stderr, "pgdfuzz: one input file only (%s, then %s)\n%s", a->file,
				argv[i], help);
			return CLI_USAGE_ERROR;
		} else {
			a->file = argv[i];
		}
	}
	if (!a->file) {
		fprintf(stderr, "pgdfuzz: no input file\n%s", help);
		return CLI_USAGE_ERROR;
	}
	if (cli_judge_target && !a->forced) {
		/* What the target's fuzzer decodes its inputs as. */
		a->forced = true;
		a->harness = cli_target_harness(cli_judge_target);
	}
	return 0;
}

/* Run a fuzz target on one input in report mode (PGDFUZZ_NO_ABORT=1) and
 * print its verdict and explanation: 0 clean, 1 finding or crash. The
 * finding's signature goes to sig ("" otherwise). */
static int judge_with_binary(const char *binary, const char *input, const char *label,
			     char sig[160])
{
	sig[0] = '\0';
	static char output[1 << 20];
	char *argv[] = {(char *)binary, (char *)input, NULL};
	char *env[] = {"PGDFUZZ_NO_ABORT=1", "PGDFUZZ_EXPLAIN=all", NULL};
	int status = proc_capture(argv, env, output, sizeof(output), 60);
	printf("judge: %s\n", label);
	const char *verdict = strstr(output, "pgdfuzz: VERDICT ");
	if (status == 127 && !verdict)
		return cli_error("%s could not be run", binary);
	if (!verdict) {
		/* A sanitizer crash, a timeout or an abort before the verdict:
		 * the binary's own output is the report. */
		printf("verdict: %s\n\n%s", status == -1 ? "TIMEOUT (over 60 s)" : "CRASH", output);
		if (status == -1)
			return 1;
		printf("(exit status %d)\n", status);
		return 1;
	}
	char signature[160] = "";
	sscanf(verdict + 17, "%159s", signature);
	bool finding = strcmp(signature, "clean") != 0;
	printf("verdict: %s\n", finding ? "FINDING" : "clean");
	if (finding) {
		printf("signature: %s\n", signature);
		snprintf(sig, 160, "%s", signature);
	}
	/* The explanation, without the engine's chatter after it. */
	const char *body = strchr(verdict, '\n');
	char *cut = body ? strstr(body, "\nExecuted ") : NULL;
	if (cut)
		cut[1] = '\0';
	fputs(body ? body + 1 : "", stdout);
	if (status != 0 && status != -1) {
		printf("(the binary exited with status %d after the verdict)\n", status);
		return 1;
	}
	return finding ? 1 : 0;
}

/* repro --fuzzer BIN: the fuzzer binary judges the input (its own core and
 * oracle, in report mode), and its explanation is printed. */
static int repro_with_fuzzer(const struct input_args *a)
{
	char binary[PATH_MAX], err[512];
	if (a->fuzzer) {
		if (!realpath(a->fuzzer, binary))
			return cli_error("--fuzzer %s: %s", a->fuzzer, strerror(errno));
	} else {
		char dir[PATH_MAX];
		if (!cli_find_fuzzers(CLI_LIBFUZZER, a->fuzzers, dir, sizeof(dir)))
			return cli_error("--fuzzers %s: no fuzz_builder there", a->fuzzers);
		enum case_harness h = a->harness;
		if (!a->forced) {
			static struct pgd_case probe;
			if (a->raw_input || cli_engine_artifact(a->file) ||
			    case_load(a->file, &probe, NULL, err, sizeof(err)))
				return cli_error("%s: name the harness with --harness (or the "
						 "binary with --fuzzer BIN)",
						 a->file);
			h = probe.harness;
		}
		char path[PATH_MAX + 64];
		snprintf(path, sizeof(path), "%s/fuzz_%s", dir, case_harness_name(h));
		if (!realpath(path, binary))
			return cli_error("%s: %s", path, strerror(errno));
	}
	struct stat st;
	if (stat(binary, &st) || !S_ISREG(st.st_mode) || access(binary, X_OK))
		return cli_error("--fuzzer %s: not an executable file", binary);
	enum case_harness harness;
	if (a->forced)
		harness = a->harness;
	else if (!cli_harness_of_fuzzer(binary, &harness))
		return cli_error("%s: not named fuzz_<harness>; say which harness it is with "
				 "--harness",
				 binary);

	/* The bytes the binary gets: a fuzzer input as it is; a text case
	 * encoded (the harness binaries read the binary form). */
	char input[PATH_MAX] = "";
	bool temp = false;
	uint8_t *data;
	size_t size;
	int rc = case_read_file(a->file, &data, &size, err, sizeof(err));
	if (rc)
		return rc == CASE_MALFORMED ? (fprintf(stderr, "%s\n", err), CLI_USAGE_ERROR)
					    : cli_error("%s", err);
	bool raw =
	    a->raw_input || cli_engine_artifact(a->file) || (size && data[0] == CASE_BIN_MAGIC);
	free(data);
	if (raw) {
		snprintf(input, sizeof(input), "%s", a->file);
	} else {
		static struct pgd_case c;
		rc = case_load(a->file, &c, NULL, err, sizeof(err));
		if (rc == CASE_MALFORMED) {
			fprintf(stderr, "%s\n", err);
			return CLI_USAGE_ERROR;
		}
		if (rc)
			return cli_error("%s", err);
		if (c.harness != harness)
			return cli_error("%s is a %s case; %s is the %s harness", a->file,
					 case_harness_name(c.harness), binary,
					 case_harness_name(harness));
		const char *tmpdir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
		snprintf(input, sizeof(input), "%s/pgdfuzz-repro-XXXXXX", tmpdir);
		int fd = mkstemp(input);
		if (fd < 0)
			return cli_error("%s: %s", input, strerror(errno));
		close(fd);
		temp = true;
		if (case_save_binary(input, &c, err, sizeof(err))) {
			unlink(input);
			return cli_error("%s", err);
		}
	}
	char label[PATH_MAX + 64];
	snprintf(label, sizeof(label), "the fuzzer binary %.*s (%s harness)", PATH_MAX, binary,
		 case_harness_name(harness));
	char sig[160];
	rc = judge_with_binary(binary, input, label, sig);
	if (temp)
		unlink(input);
	return rc;
}

/* repro --kernel-src --backend kvm: a backend whose inputs are not cases is
 * judged by its fuzz target, in report mode. */
static int repro_kernel_binary(const char *backend, const char *src, const char *file)
{
	struct cli_target t;
	char err[PATH_MAX + 256], label[PATH_MAX + 64], sig[160], known_list[PATH_MAX],
	    writeup[PATH_MAX];
	uint8_t *data;
	size_t size;
	if (!cli_kernel_target(backend, src, &t, err, sizeof(err)))
		return cli_error("%s", err);
	int rc = case_read_file(file, &data, &size, err, sizeof(err));
	if (rc)
		return rc == CASE_MALFORMED ? (fprintf(stderr, "%s\n", err), CLI_USAGE_ERROR)
					    : cli_error("%s", err);
	free(data);
	snprintf(label, sizeof(label), "kernel-%s (%s), with %.*s", backend, src, PATH_MAX,
		 t.binary);
	rc = judge_with_binary(t.binary, file, label, sig);
	cli_project_file("kernel/known-findings.txt", known_list, sizeof(known_list));
	cli_project_file("kernel/kernel-findings.md", writeup, sizeof(writeup));
	if (sig[0] && cli_known_signature(known_list, sig))
		printf("known: listed in %s (written up in %s)\n", known_list, writeup);
	return rc;
}

/* repro --kernel-src: judge the case with the tree's kernel backends. */
static int repro_kernel(int argc, char **argv)
{
	static const char usage_text[] = "pgdfuzz repro --kernel-src LINUX [--backend "
					 "map_range|mmu|reloc|trans|kvm] [--harness H] "
					 "[--raw-input] FILE";
	static struct pgd_case c;
	const char *dir = NULL, *backend = NULL, *file = NULL;
	bool forced = false, raw_input = false;
	enum case_harness harness = CASE_HARNESS_BUILDER;
	for (int i = 1; i < argc; i++) {
		const char *value = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(argv[i], "--kernel-src") && value) {
			dir = argv[++i];
		} else if (!strcmp(argv[i], "--backend") && value) {
			backend = argv[++i];
			if (strcmp(backend, "map_range") && strcmp(backend, "mmu") &&
			    strcmp(backend, "reloc") && strcmp(backend, "trans") &&
			    strcmp(backend, "kvm"))
				return cli_error(
				    "--backend %s: expected map_range, mmu, reloc, trans or kvm",
				    backend);
		} else if (!strcmp(argv[i], "--harness") && value) {
			if (!cli_harness_from_name(argv[++i], &harness))
				return cli_error(
				    "unknown harness '%s' (builder, idmap, reloc, walker)",
				    argv[i]);
			forced = true;
		} else if (!strcmp(argv[i], "--raw-input")) {
			raw_input = true;
		} else if (argv[i][0] == '-' || file) {
			return cli_error("usage: %s", usage_text);
		} else {
			file = argv[i];
		}
	}
	if (!dir || !file)
		return cli_error("usage: %s", usage_text);
	char src[PATH_MAX];
	int rc = cli_kernel_enter(dir, src, sizeof(src));
	if (rc)
		return rc;
	/* Only a kernel build gets here (cli_kernel_enter runs one otherwise). */
	if (backend && !cli_kernel_backend_takes_cases(backend))
		return repro_kernel_binary(backend, src, file);
	struct input_args input = {
	    .file = file, .forced = forced, .harness = harness, .raw_input = raw_input};
	if ((rc = load_input(&input, &c)))
		return rc;
	const char *judged[8];
	size_t njudged = 0;
	char built[256] = "";
	for (size_t b = 0; b < cli_kernel_backend_count() && njudged < 8; b++) {
		const char *name = cli_kernel_backend(b);
		snprintf(built + strlen(built), sizeof(built) - strlen(built), "%s%s (%s cases)",
			 b ? ", " : "", name, case_harness_name(cli_kernel_backend_harness(name)));
		if (backend ? !strcmp(backend, name)
			    : cli_kernel_backend_takes_cases(name) &&
				  cli_kernel_backend_harness(name) == c.harness)
			judged[njudged++] = name;
	}
	if (backend && !njudged)
		return cli_error("backend %s was not built for %s (built: %s)", backend, src,
				 built[0] ? built : "none");
	if (backend && cli_kernel_backend_harness(backend) != c.harness)
		return cli_error("%s: a %s case; backend %s takes %s cases", file,
				 case_harness_name(c.harness), backend,
				 case_harness_name(cli_kernel_backend_harness(backend)));
	if (!njudged)
		return cli_error("%s: no kernel backend of %s takes %s cases (built: %s)", file,
				 src, case_harness_name(c.harness), built[0] ? built : "none");
#ifdef PGDFUZZ_KERNEL_BACKENDS
	static struct oracle_verdict verdict;
	struct oracle *oracle = oracle_new();
	if (!oracle)
		return cli_error("out of memory");
	char known_list[PATH_MAX], writeup[PATH_MAX];
	cli_project_file("kernel/known-findings.txt", known_list, sizeof(known_list));
	cli_project_file("kernel/kernel-findings.md", writeup, sizeof(writeup));
	bool any = false;
	for (size_t b = 0; b < njudged; b++) {
		oracle_run_kernel(oracle, judged[b], &c, &verdict);
		any |= verdict.finding;
		if (b)
			printf("\n");
		printf("backend: kernel-%s (%s)\n", judged[b], src);
		printf("verdict: %s\n", verdict.finding ? "FINDING" : "clean");
		if (verdict.finding) {
			printf("signature: %s\n", verdict.signature);
			if (cli_known_signature(known_list, verdict.signature))
				printf("known: listed in %s (written up in %s)\n", known_list,
				       writeup);
		}
		if (b == 0) {
			printf("\n--- case (%s harness) ---\n", case_harness_name(c.harness));
			case_print_text(stdout, &c);
		}
		if (verdict.outcomes[0])
			printf("\n--- what each step did (kernel-%s) ---\n%s", judged[b],
			       verdict.outcomes);
		if (verdict.finding)
			printf("\n--- first divergence ---\n%s", verdict.detail);
		else if (verdict.detail[0])
			printf("\n--- detail ---\n%s", verdict.detail);
		printf("\n--- tables (kernel-%s) ---\n", judged[b]);
		oracle_dump_tables(oracle, stdout, false);
	}
	oracle_free(oracle);
	return any ? 1 : 0;
#else
	(void)judged;
	return cli_error("internal: this pgdfuzz has no kernel backends");
#endif
}

static const char repro_help[] =
    "usage: pgdfuzz repro [--fuzzer BIN | --fuzzers DIR] [--harness H] [--raw-input] FILE\n"
    "       pgdfuzz repro --kernel-src LINUX [--backend map_range|mmu|reloc|trans|kvm] FILE\n\n"
    "Judge one input and print the verdict, the signature, the case, what each\n"
    "operation did, the first divergence (intended against the walk, with the\n"
    "descriptor chain and the tables near it) and the tables.\n\n"
    "  --fuzzer BIN     judge with this fuzz_<harness> binary (the build that found\n"
    "                   the input); without it the core linked into pgdfuzz judges,\n"
    "                   and the first line says so\n"
    "  --fuzzers DIR    judge with DIR/fuzz_<harness of the case>\n"
    "  --harness H      builder, idmap, reloc or walker (overrides the file's)\n"
    "  --raw-input      FILE is a fuzzer input (any bytes), decoded as the harness\n"
    "                   binaries decode it; crash-*, timeout-*, leak-*, oom-*, id:*\n"
    "                   files are read this way anyway\n"
    "  --kernel-src DIR judge with the kernel backends built from a Linux tree;\n"
    "                   --backend kvm: FILE is an input of fuzz_kernel_kvm (KVM's\n"
    "                   pgtable.c), judged by that binary\n\n"
    "FILE: a text case, a binary case (first byte 0xc5), or a fuzzer input.\n"
    "Exit status: 0 clean, 1 finding, 2 bad arguments or input.\n";

static const char show_help[] =
    "usage: pgdfuzz show [--raw] [--harness H] [--raw-input] CASE\n\n"
    "The case, what each operation did, and the tables after all operations\n"
    "(ptdump with output addresses, or --raw: the stable raw format).\n\n"
    "  --raw            registers and every table's non-zero entries, for tools\n"
    "  --harness H      builder, idmap, reloc or walker (overrides the file's)\n"
    "  --raw-input      CASE is a fuzzer input, decoded as the harness does\n"
    "Exit status: 0 shown (a finding is shown, not judged: use repro), 2 bad input.\n";

int cmd_repro(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--kernel-src"))
			return repro_kernel(argc, argv);
	int target_rc = cli_target_option(&argc, argv);
	if (target_rc > 0)
		return target_rc;

	struct input_args a;
	int rc = parse_input_args(argc, argv, repro_help, NULL, true, &a);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (a.fuzzer || a.fuzzers)
		return repro_with_fuzzer(&a);
	static struct pgd_case c;
	static struct oracle_verdict verdict;
	if ((rc = load_input(&a, &c)))
		return rc;
	struct oracle *oracle = oracle_new();
	if (!oracle)
		return cli_error("out of memory");
	if (cli_judge_target)
		oracle_run_target(oracle, cli_judge_target, NULL, &c, &verdict);
	else
		oracle_run(oracle, &c, &verdict);
	char self[PATH_MAX];
	self_path(self, sizeof(self));
	/* Say loudly which code judged: a campaign's finding reproduces with
	 * the fuzzer binary that found it, not necessarily with this core. */
	printf("judge: %s linked into %s (not a fuzzer binary; a campaign's finding is judged "
	       "by the build that found it with --fuzzer BIN)\n",
	       PGDFUZZ_CLI_CORE, self);
	printf("verdict: %s\n", verdict.finding ? "FINDING" : "clean");
	if (verdict.finding)
		printf("signature: %s\n", verdict.signature);
	oracle_explain(oracle, &c, &verdict, stdout, true);
	oracle_free(oracle);
	if (fflush(stdout) || ferror(stdout))
		return cli_error("stdout: write failed");
	return verdict.finding ? 1 : 0;
}

int cmd_show(int argc, char **argv)
{
	static struct pgd_case c;
	static struct oracle_verdict verdict;
	bool raw = false;
	int rc = cli_target_option(&argc, argv);
	if (rc > 0)
		return rc;
	struct input_args a;
	rc = parse_input_args(argc, argv, show_help, &raw, false, &a);
	if (rc)
		return rc < 0 ? 0 : rc;
	if ((rc = load_input(&a, &c)))
		return rc;
	struct oracle *oracle = oracle_new();
	if (!oracle)
		return cli_error("out of memory");
	if (cli_judge_target)
		oracle_run_target(oracle, cli_judge_target, NULL, &c, &verdict);
	else
		oracle_run(oracle, &c, &verdict);
	if (raw) {
		oracle_dump_tables(oracle, stdout, true);
	} else {
		case_print_text(stdout, &c);
		printf("\n--- what each step did ---\n%s",
		       verdict.outcomes[0] ? verdict.outcomes : "(nothing ran)\n");
		printf("\n");
		oracle_dump_tables(oracle, stdout, false);
	}
	oracle_free(oracle);
	if (fflush(stdout) || ferror(stdout))
		return cli_error("stdout: write failed");
	return 0;
}

static const char encode_help[] = "usage: pgdfuzz encode TEXT -o BIN\n\n"
				  "The binary form of a text case. BIN is replaced atomically "
				  "(a symlink's\ntarget is written, a device written through, a "
				  "directory refused).\n";
static const char decode_help[] =
    "usage: pgdfuzz decode [--harness H --raw-input] BIN\n\n"
    "The canonical text form of a case (binary: first byte 0xc5; or text). With\n"
    "--raw-input and --harness, BIN is a fuzzer input decoded as that harness does.\n";

int cmd_encode(int argc, char **argv)
{
	static struct pgd_case c;
	char err[512];
	const char *in = NULL, *out = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(encode_help, stdout);
			return 0;
		} else if (!strcmp(argv[i], "-o")) {
			if (i + 1 == argc)
				return cli_error("-o needs an output file\n%s", encode_help);
			out = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_error("unknown option %s\n%s", argv[i], encode_help);
		} else if (in) {
			return cli_error("one input file only\n%s", encode_help);
		} else {
			in = argv[i];
		}
	}
	if (!in || !out)
		return cli_error("%s\n%s", !in ? "no input file" : "no -o BIN", encode_help);
	bool was_text = false;
	int rc = case_load(in, &c, &was_text, err, sizeof(err));
	if (rc == CASE_MALFORMED) {
		fprintf(stderr, "%s\n", err);
		return CLI_USAGE_ERROR;
	}
	if (rc)
		return cli_error("%s", err);
	if (!was_text)
		return cli_error("%s: not a text case (already binary: it starts with 0x%02x)", in,
				 CASE_BIN_MAGIC);
	if (case_save_binary(out, &c, err, sizeof(err)))
		return cli_error("%s", err);
	return 0;
}

int cmd_decode(int argc, char **argv)
{
	static struct pgd_case c;
	char err[512];
	struct input_args a;
	int rc = parse_input_args(argc, argv, decode_help, NULL, false, &a);
	if (rc)
		return rc < 0 ? 0 : rc;
	if ((rc = load_input(&a, &c)))
		return rc;
	if (case_save_text(NULL, &c, err, sizeof(err)))
		return cli_error("%s", err);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} commands[] = {{"run", cmd_run},	    {"repro", cmd_repro},   {"triage", cmd_triage},
			{"show", cmd_show},	    {"encode", cmd_encode}, {"decode", cmd_decode},
			{"minimize", cmd_minimize}, {"merge", cmd_merge}};
	cli_argv = argv;
	if (argc < 2)
		return cmd_run(1, argv); /* the main job: a short campaign */
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "pgdfuzz: unknown command '%s'\n", argv[1]);
	return usage(stderr);
}
