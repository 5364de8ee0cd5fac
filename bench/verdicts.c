/* verdicts: one line per (harness, input) with everything the oracle
 * decided, so that two builds of the judge can be compared byte for byte
 * (bench/verdicts.sh builds the tool at two revisions and diffs the output).
 *
 *   verdicts [--random N] [--seed S] [--harness NAME] DIR...
 *
 * Every file of every DIR (text or binary, as `pgdfuzz repro` loads them)
 * goes through every harness, as the regress tests replay them, then N
 * (default 10,000) byte strings from a fixed PRNG per harness. A line is
 *   <harness> <input> <signature|clean> ops=<done>/<rejected> detail=<hash>
 * where the hash covers the whole divergence text, so a changed descriptor
 * chain or VA shows even when the signature stays. */
#include "oracle.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct input {
	char *name;
	struct pgd_case c;
};

static struct input *inputs;
static size_t ninputs, cap;

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct input *)a)->name, ((const struct input *)b)->name);
}

static int add_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "verdicts: %s: cannot open directory\n", dir);
		return -1;
	}
	size_t first = ninputs;
	for (struct dirent *e; (e = readdir(d));) {
		char path[4352], err[256];
		if (e->d_name[0] == '.')
			continue;
		if (ninputs == cap) {
			cap = cap ? 2 * cap : 256;
			inputs = realloc(inputs, cap * sizeof(*inputs));
			if (!inputs)
				abort();
		}
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (case_load(path, &inputs[ninputs].c, NULL, err, sizeof(err))) {
			fprintf(stderr, "verdicts: %s\n", err);
			continue;
		}
		inputs[ninputs++].name = strdup(path);
	}
	closedir(d);
	/* readdir order depends on the file system: sort per directory. */
	if (ninputs > first) /* inputs is still NULL when nothing was loaded */
		qsort(inputs + first, ninputs - first, sizeof(*inputs), by_name);
	return 0;
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ULL;
	return h;
}

static void judge(struct oracle *oracle, enum case_harness h, struct pgd_case *c, const char *name)
{
	static struct oracle_verdict verdict;
	c->harness = h;
	oracle_run(oracle, c, &verdict);
	printf("%s %s %s ops=%u/%u detail=%016llx\n", case_harness_name(h), name,
	       verdict.finding ? verdict.signature : "clean", verdict.ops_done,
	       verdict.ops_rejected, (unsigned long long)fnv1a(verdict.detail));
}

int main(int argc, char **argv)
{
	unsigned long random_inputs = 10000;
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	const char *only = NULL;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--random") && i + 1 < argc)
			random_inputs = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--harness") && i + 1 < argc)
			only = argv[++i];
		else {
			fprintf(stderr, "usage: verdicts [--random N] [--seed S] [--harness NAME] "
					"DIR...\n");
			return 2;
		}
	}
	for (; i < argc; i++)
		if (add_dir(argv[i]))
			return 2;

	struct oracle *oracle = oracle_new();
	static struct pgd_case c;
	static uint8_t bytes[512];
	if (!oracle)
		return 2;
	for (int h = 0; h < CASE_HARNESS_COUNT; h++) {
		const char *hname = case_harness_name((enum case_harness)h);
		if (only && strcmp(only, hname))
			continue;
		for (size_t k = 0; k < ninputs; k++) {
			c = inputs[k].c;
			judge(oracle, (enum case_harness)h, &c, inputs[k].name);
		}
		/* The same strings for every harness: a 64-bit LCG, sizes 1..512. */
		uint64_t state = seed;
		for (unsigned long n = 0; n < random_inputs; n++) {
			state = state * 6364136223846793005ULL + 1442695040888963407ULL;
			size_t size = 1 + (size_t)(state >> 33) % sizeof(bytes);
			for (size_t b = 0; b < size; b++) {
				state = state * 6364136223846793005ULL + 1442695040888963407ULL;
				bytes[b] = (uint8_t)(state >> 56);
			}
			char name[32];
			snprintf(name, sizeof(name), "random:%lu", n);
			case_decode(bytes, size, &c);
			judge(oracle, (enum case_harness)h, &c, name);
		}
	}
	oracle_free(oracle);
	for (size_t k = 0; k < ninputs; k++)
		free(inputs[k].name);
	free(inputs);
	return 0;
}
