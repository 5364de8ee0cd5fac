/* pgdfuzz: the campaign runner and triage tool.
 *
 *   pgdfuzz run [--time D] [--jobs N] [--engine libfuzzer|afl] [--out DIR] [HARNESS...]
 *   pgdfuzz repro [--harness H] FILE
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
	fprintf(stderr,
		"usage: pgdfuzz <command> [options]\n\n"
		"  run [--time D] [--jobs N] [--engine libfuzzer|afl] [--out DIR] [HARNESS...]\n"
		"                       fuzzing campaign with live progress and a report\n"
		"  repro [--harness H] FILE   judge one input, print verdict and divergence\n"
		"  triage [--out DIR] [--harness H] DIR...\n"
		"                       reproduce, deduplicate and minimize crash files\n"
		"  show [--raw] CASE    the case and its tables (ptdump or raw form)\n"
		"  encode TEXT -o BIN   text case to binary\n"
		"  decode BIN           binary case to text\n\n"
		"harnesses: builder idmap reloc walker\n");
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
	oracle_run(oracle, c, verdict);
	return oracle;
}

int cmd_repro(int argc, char **argv)
{
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
	int rc;
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
