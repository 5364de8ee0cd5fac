/* pgdfuzz-case: convert test cases between the text and binary forms. It
 * needs no emulator, so the build uses it to encode the seed corpora.
 *
 *   pgdfuzz-case encode IN.txt -o OUT.bin   text -> binary
 *   pgdfuzz-case decode IN.bin [-o OUT.txt] binary -> canonical text
 *   pgdfuzz-case check IN.txt               parse only
 *
 * Exit status: 0 success, 1 I/O error, 2 malformed input or usage. Outputs
 * are written to a temporary file and renamed, so none is ever half-written.
 */
#include <stdlib.h>
#include <string.h>

#include "case.h"

static int usage(void)
{
	fprintf(stderr, "usage: pgdfuzz-case encode IN.txt -o OUT.bin\n"
			"       pgdfuzz-case decode IN.bin [-o OUT.txt]\n"
			"       pgdfuzz-case check IN.txt\n");
	return 2;
}

static int parse_file(const char *path, struct pgd_case *c, char *err, size_t err_len)
{
	uint8_t *text;
	size_t len;
	int rc = case_read_file(path, &text, &len, err, err_len);
	if (rc)
		return rc;
	rc = case_parse_text((const char *)text, len, path, c, err, err_len) ? CASE_MALFORMED : 0;
	free(text);
	return rc;
}

int main(int argc, char **argv)
{
	const char *out = NULL;
	char err[512];
	struct pgd_case c;
	int rc;

	if (argc == 5 && !strcmp(argv[3], "-o"))
		out = argv[4];
	else if (argc != 3)
		return usage();
	if (!strcmp(argv[1], "encode") && out) {
		rc = parse_file(argv[2], &c, err, sizeof(err));
		if (!rc)
			rc = case_save_binary(out, &c, err, sizeof(err));
	} else if (!strcmp(argv[1], "decode")) {
		uint8_t *data;
		size_t size;
		rc = case_read_file(argv[2], &data, &size, err, sizeof(err));
		if (!rc) {
			case_decode(data, size, &c);
			free(data);
			rc = case_save_text(out, &c, err, sizeof(err));
		}
	} else if (!strcmp(argv[1], "check") && !out) {
		rc = parse_file(argv[2], &c, err, sizeof(err));
	} else {
		return usage();
	}
	if (rc)
		fprintf(stderr, rc == CASE_MALFORMED ? "%s\n" : "pgdfuzz-case: %s\n", err);
	return rc;
}
