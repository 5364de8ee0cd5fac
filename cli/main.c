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

#include <stdio.h>
#include <string.h>

static int usage(void)
{
	fprintf(
	    stderr,
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
	    "  repro [--harness H] FILE   judge one input, print verdict and divergence\n"
	    "  repro --target DIR FILE    judge one input with DIR's target\n"
	    "  repro --kernel-src LINUX [--backend map_range|mmu|reloc|trans] FILE\n"
	    "                       judge one input with the tree's kernel backends\n"
	    "  triage [--out DIR] [--harness H] [--target DIR] DIR...\n"
	    "                       reproduce, deduplicate and minimize crash files\n"
	    "  show [--raw] [--target DIR] CASE\n"
	    "                       the case and its tables (ptdump or raw form)\n"
	    "  encode TEXT -o BIN   text case to binary\n"
	    "  decode BIN           binary case to text\n\n"
	    "harnesses: builder idmap reloc walker\n"
	    "kernel targets: kernel-map_range kernel-mmu (builder cases), kernel-reloc\n"
	    "                (reloc cases), kernel-trans (idmap cases): those the tree builds\n");
	return CLI_USAGE_ERROR;
}

/* Load a case (text or binary), with --harness overriding detection. */
static int load_case(const char *path, bool forced, enum case_harness harness, struct pgd_case *c)
{
	char err[512];
	int rc = case_load(path, c, NULL, err, sizeof(err));
	if (rc == CASE_MALFORMED) {
		fprintf(stderr, "%s\n", err);
		return CLI_USAGE_ERROR;
	}
	if (rc)
		return cli_error("%s", err);
	if (forced)
		c->harness = harness;
	return 0;
}

static int parse_case_args(int argc, char **argv, const char *usage_text, bool *raw,
			   struct pgd_case *c)
{
	bool forced = false;
	enum case_harness harness = CASE_HARNESS_BUILDER;
	const char *file = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--harness") && i + 1 < argc) {
			if (!cli_harness_from_name(argv[++i], &harness))
				return cli_error(
				    "unknown harness '%s' (builder, idmap, reloc, walker)",
				    argv[i]);
			forced = true;
		} else if (raw && !strcmp(argv[i], "--raw")) {
			*raw = true;
		} else if (argv[i][0] == '-' || file) {
			return cli_error("usage: %s", usage_text);
		} else {
			file = argv[i];
		}
	}
	if (!file)
		return cli_error("usage: %s", usage_text);
	if (cli_judge_target && !forced) {
		/* What the target's fuzzer decodes its inputs as. */
		forced = true;
		harness = cli_target_harness(cli_judge_target);
	}
	return load_case(file, forced, harness, c);
}

/* repro and show: parse the arguments, load the case and judge it. Returns
 * the oracle holding the judged tables, or NULL with *rc set. */
static struct oracle *judge_case(int argc, char **argv, const char *usage_text, bool *raw,
				 struct pgd_case *c, struct oracle_verdict *verdict, int *rc)
{
	*rc = parse_case_args(argc, argv, usage_text, raw, c);
	if (*rc)
		return NULL;
	struct oracle *oracle = oracle_new();
	if (!oracle) {
		*rc = cli_error("out of memory");
		return NULL;
	}
	if (cli_judge_target)
		oracle_run_target(oracle, cli_judge_target, NULL, c, verdict);
	else
		oracle_run(oracle, c, verdict);
	return oracle;
}

/* repro --kernel-src: judge the case with the tree's kernel backends. */
static int repro_kernel(int argc, char **argv)
{
	static const char usage_text[] =
	    "pgdfuzz repro --kernel-src LINUX [--backend map_range|mmu|reloc|trans] [--harness H] "
	    "FILE";
	static struct pgd_case c;
	const char *dir = NULL, *backend = NULL, *file = NULL;
	bool forced = false;
	enum case_harness harness = CASE_HARNESS_BUILDER;
	for (int i = 1; i < argc; i++) {
		const char *value = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(argv[i], "--kernel-src") && value) {
			dir = argv[++i];
		} else if (!strcmp(argv[i], "--backend") && value) {
			backend = argv[++i];
			if (strcmp(backend, "map_range") && strcmp(backend, "mmu") &&
			    strcmp(backend, "reloc") && strcmp(backend, "trans"))
				return cli_error(
				    "--backend %s: expected map_range, mmu, reloc or trans",
				    backend);
		} else if (!strcmp(argv[i], "--harness") && value) {
			if (!cli_harness_from_name(argv[++i], &harness))
				return cli_error(
				    "unknown harness '%s' (builder, idmap, reloc, walker)",
				    argv[i]);
			forced = true;
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
	if ((rc = load_case(file, forced, harness, &c)))
		return rc;
	const char *judged[8];
	size_t njudged = 0;
	char built[256] = "";
	for (size_t b = 0; b < cli_kernel_backend_count() && njudged < 8; b++) {
		const char *name = cli_kernel_backend(b);
		snprintf(built + strlen(built), sizeof(built) - strlen(built), "%s%s (%s cases)",
			 b ? ", " : "", name, case_harness_name(cli_kernel_backend_harness(name)));
		if (backend ? !strcmp(backend, name)
			    : cli_kernel_backend_harness(name) == c.harness)
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

int cmd_repro(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--kernel-src"))
			return repro_kernel(argc, argv);
	int target_rc = cli_target_option(&argc, argv);
	if (target_rc > 0)
		return target_rc;

	static struct pgd_case c;
	static struct oracle_verdict verdict;
	int rc;
	struct oracle *oracle =
	    judge_case(argc, argv, "pgdfuzz repro [--harness H] FILE", NULL, &c, &verdict, &rc);
	if (!oracle)
		return rc;
	printf("verdict: %s\n", verdict.finding ? "FINDING" : "clean");
	if (verdict.finding)
		printf("signature: %s\n", verdict.signature);
	printf("\n--- case (%s harness) ---\n", case_harness_name(c.harness));
	case_print_text(stdout, &c);
	if (verdict.finding)
		printf("\n--- first divergence ---\n%s", verdict.detail);
	printf("\n--- tables ---\n");
	oracle_dump_tables(oracle, stdout, false);
	oracle_free(oracle);
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
	struct oracle *oracle = judge_case(argc, argv, "pgdfuzz show [--raw] [--harness H] CASE",
					   &raw, &c, &verdict, &rc);
	if (!oracle)
		return rc;
	if (!raw) {
		case_print_text(stdout, &c);
		printf("\n");
	}
	oracle_dump_tables(oracle, stdout, raw);
	oracle_free(oracle);
	return 0;
}

int cmd_encode(int argc, char **argv)
{
	static struct pgd_case c;
	char err[512];
	if (argc != 4 || strcmp(argv[2], "-o"))
		return cli_error("usage: pgdfuzz encode TEXT -o BIN");
	bool was_text = false;
	int rc = case_load(argv[1], &c, &was_text, err, sizeof(err));
	if (rc == CASE_MALFORMED) {
		fprintf(stderr, "%s\n", err);
		return CLI_USAGE_ERROR;
	}
	if (rc)
		return cli_error("%s", err);
	if (!was_text)
		return cli_error("%s: not a text case (already binary?)", argv[1]);
	if (case_save_binary(argv[3], &c, err, sizeof(err)))
		return cli_error("%s", err);
	return 0;
}

int cmd_decode(int argc, char **argv)
{
	static struct pgd_case c;
	char err[512];
	if (argc != 2)
		return cli_error("usage: pgdfuzz decode BIN");
	int rc = case_load(argv[1], &c, NULL, err, sizeof(err));
	if (rc)
		return rc == CASE_MALFORMED ? (fprintf(stderr, "%s\n", err), CLI_USAGE_ERROR)
					    : cli_error("%s", err);
	if (case_save_text(NULL, &c, err, sizeof(err)))
		return cli_error("%s", err);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} commands[] = {{"run", cmd_run},   {"repro", cmd_repro},   {"triage", cmd_triage},
			{"show", cmd_show}, {"encode", cmd_encode}, {"decode", cmd_decode}};
	cli_argv = argv;
	if (argc < 2)
		return cmd_run(1, argv); /* the main job: a short campaign */
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage();
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	return usage();
}
