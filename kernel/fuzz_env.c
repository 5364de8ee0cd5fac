/* The kernel fuzz targets' environment and allowlist (fuzz_env.h). */
#include "fuzz_env.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An empty variable counts as unset. */
static const char *variable(const char *name)
{
	const char *value = getenv(name);
	return value && value[0] ? value : NULL;
}

const struct kernel_fuzz_env *kernel_fuzz_env(void)
{
	static struct kernel_fuzz_env env;
	static bool loaded;
	if (!loaded) {
		loaded = true;
		const char *no_abort = variable("PGDFUZZ_NO_ABORT");
		env.report_only = no_abort && no_abort[0] == '1';
		env.keep = variable("PGDFUZZ_KEEP_SIGNATURE");
		env.known = variable("PGDFUZZ_KERNEL_KNOWN");
		env.seen_log = variable("PGDFUZZ_KERNEL_SEEN");
		env.only_config = variable("PGDFUZZ_KERNEL_CONFIG");
	}
	return &env;
}

bool kernel_known_finding(const char *list_path, const char *signature)
{
	static char *text;
	static bool loaded;
	if (!loaded) {
		loaded = true;
		FILE *file = fopen(list_path, "r");
		if (file) {
			static char buf[65536];
			size_t len = fread(buf, 1, sizeof(buf) - 1, file);
			buf[len] = 0;
			text = buf;
			fclose(file);
		}
	}
	for (const char *line = text; line && *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char pattern[256];
		if (len && len < sizeof(pattern) && line[0] != '#') {
			memcpy(pattern, line, len);
			pattern[len] = 0;
			char *space = strpbrk(pattern, " \t");
			if (space)
				*space = 0; /* text after the pattern is commentary */
			if (pattern[0] && !fnmatch(pattern, signature, 0))
				return true;
		}
		line = end ? end + 1 : NULL;
	}
	return false;
}

/* Known findings are printed the first time each signature is seen, so a
 * long campaign's log lists what it hit without one line per input. */
static bool first_sighting(const char *signature)
{
	static char seen[256][160];
	static unsigned count;
	for (unsigned i = 0; i < count; i++)
		if (!strcmp(seen[i], signature))
			return false;
	if (count < sizeof(seen) / sizeof(seen[0]))
		snprintf(seen[count++], sizeof(seen[0]), "%s", signature);
	return true;
}

bool kernel_fuzz_must_abort(const char *signature)
{
	const struct kernel_fuzz_env *env = kernel_fuzz_env();
	if (env->keep && strcmp(signature, env->keep))
		return false;
	if (!env->known || !kernel_known_finding(env->known, signature))
		return true;
	if (first_sighting(signature)) {
		printf("pgdfuzz: KNOWN %s\n", signature);
		fflush(stdout);
		FILE *log = env->seen_log ? fopen(env->seen_log, "a") : NULL;
		if (log) {
			fprintf(log, "%s\n", signature);
			fclose(log);
		}
	}
	return false;
}
