/* test_kernel_cases: judge hand-written cases through the kernel backends
 * and check the verdicts their comments expect:
 *   # expect <backend>: <signature fnmatch pattern, or "clean">
 *   # expect <backend>@<release>: the same, for one release (e.g. mmu@6.1)
 *   # expect-detail <backend>: <text the verdict's detail must contain>
 * Backends a tree did not build, and geometries without a kernel object,
 * are skipped with a message. Exits 1 if any expectation fails. */
#include "case.h"
#include "kernel.h"
#include "oracle.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool backend_built(const char *backend)
{
	if (!strcmp(backend, "map_range"))
		return kernel_map_range_count() > 0;
	if (!strcmp(backend, "mmu"))
		return kernel_mmu_count() > 0;
	if (!strcmp(backend, "trans"))
		return kernel_trans_count() > 0;
	return kernel_reloc_count() > 0;
}

/* Value of the comment line "# <key> <backend>: value" into out. */
static bool expectation(const char *text, const char *key, const char *backend, char *out,
			size_t len)
{
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "# %s %s: ", key, backend);
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
	struct oracle *oracle = oracle_new();
	static struct oracle_verdict verdict;
	static const char *const backends[] = {"map_range", "mmu", "trans", "reloc"};
	int failures = 0, checked = 0;
	/* "6.12.117" -> "6.12": the release a versioned expectation names. */
	char release[32];
	snprintf(release, sizeof(release), "%s", kernel_version);
	char *dot = strchr(release, '.');
	if (dot && (dot = strchr(dot + 1, '.')))
		*dot = 0;
	if (!oracle) {
		fprintf(stderr, "test_kernel_cases: out of memory\n");
		return 1;
	}
	for (int a = 1; a < argc; a++) {
		uint8_t *data;
		size_t size;
		char err[256];
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
		for (size_t b = 0; b < sizeof(backends) / sizeof(backends[0]); b++) {
			/* "# expect mmu@6.1: ..." overrides "# expect mmu: ..." for
			 * trees whose version starts with 6.1. */
			char want[128], detail[256], versioned[64];
			snprintf(versioned, sizeof(versioned), "%s@%s", backends[b], release);
			if (!expectation(text, "expect", versioned, want, sizeof(want)) &&
			    !expectation(text, "expect", backends[b], want, sizeof(want)))
				continue;
			if (!backend_built(backends[b])) {
				printf("skip %s (%s): backend not built\n", argv[a], backends[b]);
				continue;
			}
			oracle_run_kernel(oracle, backends[b], &c, &verdict);
			if (!verdict.finding && (strstr(verdict.detail, "takes no geometry") ||
						 (!strncmp(verdict.detail, "no ", 3) &&
						  strstr(verdict.detail, "object for geometry")))) {
				printf("skip %s (%s): %s", argv[a], backends[b], verdict.detail);
				continue;
			}
			const char *got = verdict.finding ? verdict.signature : "clean";
			bool ok = !fnmatch(want, got, 0);
			if (ok &&
			    expectation(text, "expect-detail", backends[b], detail, sizeof(detail)))
				ok = strstr(verdict.detail, detail) != NULL;
			printf("%s %s (%s): %s\n", ok ? "ok  " : "FAIL", argv[a], backends[b], got);
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
	return failures ? 1 : 0;
}
