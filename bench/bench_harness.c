/* Harness throughput without an engine: each harness judges the same fixed
 * input set (its seed corpus plus deterministic random byte strings) and the
 * table prints executions per second. Engine overhead (libFuzzer, AFL++,
 * sanitizers) comes on top; bench/bench_fuzz.sh measures that side. */
#include "oracle.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RANDOM_INPUTS 2000

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

struct input {
	uint8_t *data;
	size_t size;
};

static size_t load_dir(const char *dir, struct input *inputs, size_t cap)
{
	size_t count = 0;
	DIR *d = opendir(dir);
	for (struct dirent *e; d && (e = readdir(d)) && count < cap;) {
		char path[4352], err[256];
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (!case_read_file(path, &inputs[count].data, &inputs[count].size, err,
				    sizeof(err)))
			count++;
	}
	if (d)
		closedir(d);
	return count;
}

int main(int argc, char **argv)
{
	const char *corpus = argc > 1 ? argv[1] : "build/release/corpus";
	static struct input inputs[RANDOM_INPUTS + 512];
	static struct pgd_case c;
	static struct oracle_verdict verdict;
	uint64_t state = 0x9e3779b97f4a7c15ULL;
	for (size_t i = 0; i < RANDOM_INPUTS; i++) {
		size_t size = 16 + (size_t)(state % 240);
		inputs[i].data = malloc(size);
		inputs[i].size = size;
		for (size_t k = 0; k < size; k++) {
			state = state * 6364136223846793005ULL + 1442695040888963407ULL;
			inputs[i].data[k] = (uint8_t)(state >> 56);
		}
	}
	printf("%-8s %8s %8s %12s %12s %10s\n", "harness", "seeds", "random", "seeds exec/s",
	       "random exec/s", "findings");
	struct oracle *oracle = oracle_new();
	for (int h = 0; h < CASE_HARNESS_COUNT; h++) {
		char dir[4096];
		if (argc > 2 && strcmp(argv[2], case_harness_name((enum case_harness)h)))
			continue; /* only the harness named */
		snprintf(dir, sizeof(dir), "%s/%s", corpus,
			 case_harness_name((enum case_harness)h));
		size_t seeds = load_dir(dir, inputs + RANDOM_INPUTS, 512);
		double rate[2];
		unsigned findings = 0;
		for (int pass = 0; pass < 2; pass++) {
			struct input *set = pass ? inputs : inputs + RANDOM_INPUTS;
			size_t n = pass ? RANDOM_INPUTS : seeds;
			unsigned reps = 0;
			double start = now(), elapsed;
			do {
				for (size_t i = 0; i < n; i++) {
					case_decode(set[i].data, set[i].size, &c);
					c.harness = (enum case_harness)h;
					oracle_run(oracle, &c, &verdict);
					if (verdict.finding && !findings++)
						fprintf(stderr, "first finding (%s): %s\n%s",
							pass ? "random" : "seed", verdict.signature,
							verdict.detail);
				}
				reps++;
				elapsed = now() - start;
			} while (elapsed < 1.0 && n);
			rate[pass] = n ? reps * n / elapsed : 0;
		}
		printf("%-8s %8zu %8d %12.0f %12.0f %10u\n",
		       case_harness_name((enum case_harness)h), seeds, RANDOM_INPUTS, rate[0],
		       rate[1], findings);
		for (size_t i = 0; i < seeds; i++)
			free(inputs[RANDOM_INPUTS + i].data);
	}
	oracle_free(oracle);
	for (size_t i = 0; i < RANDOM_INPUTS; i++)
		free(inputs[i].data);
	return 0;
}
