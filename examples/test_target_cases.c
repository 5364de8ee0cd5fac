/* test_target_cases KEY CASE...: judge hand-written cases through the target
 * this program is linked with (an adapter defining pgdfuzz_target) and check
 * the verdicts their comments expect for KEY:
 *   # expect KEY: <signature fnmatch pattern, or "clean">
 *   # expect-detail KEY: <text the verdict's detail must contain>
 * A case without an expectation for KEY is not run. Exits 1 if any
 * expectation fails or none was checked. */
#include "case.h"
#include "oracle.h"
#include "target.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct pgdfuzz_target pgdfuzz_target;

#ifndef PGDFUZZ_TARGET_GEOMETRIES
#define PGDFUZZ_TARGET_GEOMETRIES ""
#endif

static bool expectation(const char *text, const char *key, const char *who, char *out, size_t len)
{
	char prefix[96];
	snprintf(prefix, sizeof(prefix), "# %s %s: ", key, who);
	const char *at = strstr(text, prefix);
	if (!at)
		return false;
	at += strlen(prefix);
	size_t n = strcspn(at, "\n");
	if (n >= len)
		n = len - 1;
	memcpy(out, at, n);
	out[n] = 0;
	return true;
}

int main(int argc, char **argv)
{
	static struct oracle_verdict verdict;
	struct oracle *oracle = oracle_new();
	int failures = 0, checked = 0;
	if (argc < 2 || !oracle) {
		fprintf(stderr, "usage: test_target_cases KEY CASE...\n");
		return 2;
	}
	for (int a = 2; a < argc; a++) {
		uint8_t *data;
		size_t size;
		char err[256], want[128], detail[256];
		struct pgd_case c;
		if (case_read_file(argv[a], &data, &size, err, sizeof(err)) ||
		    case_parse_text((const char *)data, size, argv[a], &c, err, sizeof(err))) {
			printf("FAIL %s: %s\n", argv[a], err);
			failures++;
			continue;
		}
		char *text = malloc(size + 1);
		memcpy(text, data, size);
		text[size] = 0;
		free(data);
		if (expectation(text, "expect", argv[1], want, sizeof(want))) {
			oracle_run_target(
			    oracle, oracle_target_only(&pgdfuzz_target, PGDFUZZ_TARGET_GEOMETRIES),
			    NULL, &c, &verdict);
			const char *got = verdict.finding ? verdict.signature : "clean";
			bool ok = !fnmatch(want, got, 0);
			if (ok &&
			    expectation(text, "expect-detail", argv[1], detail, sizeof(detail)))
				ok = strstr(verdict.detail, detail) != NULL;
			printf("%s %s (%s): %s\n", ok ? "ok  " : "FAIL", argv[a], argv[1], got);
			if (!ok) {
				printf("  expected %s\n%s", want, verdict.detail);
				failures++;
			}
			checked++;
		}
		free(text);
	}
	printf("%d checked, %d failed\n", checked, failures);
	oracle_free(oracle);
	return failures || !checked ? 1 : 0;
}
