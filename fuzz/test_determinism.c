/* Determinism: every corpus input, judged in forward order by one oracle and
 * in reverse order by a fresh one, gets the same verdict and signature. */
#include "oracle.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_INPUTS 4096

static char *paths[MAX_INPUTS];
static char signatures[MAX_INPUTS][128];
static size_t count;

static void add_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d)) && count < MAX_INPUTS;) {
		if (e->d_name[0] == '.' ||
		    (!strstr(e->d_name, ".bin") && !strstr(e->d_name, ".txt")))
			continue;
		size_t len = strlen(dir) + strlen(e->d_name) + 2;
		paths[count] = malloc(len);
		snprintf(paths[count++], len, "%s/%s", dir, e->d_name);
	}
	closedir(d);
}

static int load(const char *path, struct pgd_case *c)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	static uint8_t buf[1 << 20];
	size_t len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (strstr(path, ".txt")) {
		char err[256];
		return case_parse_text((const char *)buf, len, path, c, err, sizeof(err));
	}
	case_decode(buf, len, c);
	return 0;
}

static void judge(struct oracle *oracle, size_t i, char *out)
{
	static struct pgd_case c;
	static struct oracle_verdict verdict;
	if (load(paths[i], &c)) {
		snprintf(out, 128, "unreadable");
		return;
	}
	oracle_run(oracle, &c, &verdict);
	snprintf(out, 128, "%s", verdict.finding ? verdict.signature : "clean");
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		add_dir(argv[i]);
	if (count == 0) {
		fprintf(stderr, "test_determinism: no inputs found\n");
		return 1;
	}
	struct oracle *forward = oracle_new(), *backward = oracle_new();
	unsigned mismatches = 0;
	for (size_t i = 0; i < count; i++)
		judge(forward, i, signatures[i]);
	for (size_t k = count; k-- > 0;) {
		char again[128];
		judge(backward, k, again);
		if (strcmp(again, signatures[k])) {
			fprintf(stderr, "%s: %s forward, %s backward\n", paths[k], signatures[k],
				again);
			mismatches++;
		}
	}
	for (size_t i = 0; i < count; i++)
		free(paths[i]);
	oracle_free(forward);
	oracle_free(backward);
	printf("test_determinism: %zu inputs, %u mismatches\n", count, mismatches);
	return mismatches ? 1 : 0;
}
