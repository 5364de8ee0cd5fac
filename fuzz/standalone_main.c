/* Replay driver for builds without a fuzzing engine: runs every file named on
 * the command line, recursing into directories, in sorted order. ctest uses
 * it, and any compiler builds it. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

static unsigned executed;

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_path(const char *path)
{
	struct stat st;
	if (stat(path, &st)) {
		fprintf(stderr, "standalone: %s: cannot stat\n", path);
		return 2;
	}
	if (S_ISDIR(st.st_mode)) {
		DIR *dir = opendir(path);
		if (!dir) {
			fprintf(stderr, "standalone: %s: cannot open directory\n", path);
			return 2;
		}
		char **names = NULL;
		size_t count = 0, cap = 0;
		for (struct dirent *e; (e = readdir(dir));) {
			if (e->d_name[0] == '.')
				continue;
			if (count == cap) {
				cap = cap ? cap * 2 : 64;
				names = realloc(names, cap * sizeof(*names));
			}
			size_t len = strlen(path) + strlen(e->d_name) + 2;
			names[count] = malloc(len);
			snprintf(names[count++], len, "%s/%s", path, e->d_name);
		}
		closedir(dir);
		qsort(names, count, sizeof(*names), by_name);
		int status = 0;
		for (size_t i = 0; i < count; i++) {
			int ret = run_path(names[i]);
			status = status ? status : ret;
			free(names[i]);
		}
		free(names);
		return status;
	}
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "standalone: %s: cannot open\n", path);
		return 2;
	}
	uint8_t *buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	size_t len = fread(buf, 1, (size_t)st.st_size, f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	executed++;
	return 0;
}

int main(int argc, char **argv)
{
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	int status = 0;
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue; /* libFuzzer-style flags are accepted and ignored */
		int ret = run_path(argv[i]);
		status = status ? status : ret;
	}
	fprintf(stderr, "standalone: executed %u inputs\n", executed);
	return status;
}
