/* A deliberately flaky target for cli.flaky and cli.target_fast:
 * examples/fwpt with two planted bugs, found by fuzzing within seconds.
 *
 * - "real-bug": a map whose VA's 4K page number is 5 mod 8 stops with a
 *   finding, always. It reproduces; it must never be called flaky.
 * - "flaky-bug": a map whose PA's 4K page number is 3 mod 8 (and no real
 *   bug) stops with a finding in every fuzzing process, but in a
 *   reproduction (PGDFUZZ_NO_ABORT=1, how pgdfuzz judges a file) only in
 *   the first such process of all: the first one to reach it appends to
 *   $TMPDIR/pgdfuzz-flaky-target.count, and a reproduction that finds the
 *   file already written runs clean. So the first reproduction of a
 *   flaky-bug file confirms it and every later one does not: exactly what
 *   ClusterFuzz's reproducibility rule (A, B, A', B') must catch. The test
 *   gives each campaign a fresh TMPDIR. */
#include "fwpt.h"
#include "target.h"

#include <stdio.h>
#include <stdlib.h>

static struct fwpt pt;

/* Whether the flaky bug fires in this process: decided once, at its first
 * use, so every run of the case within one process agrees. */
static bool flaky_fires(void)
{
	static int decided = -1;
	if (decided >= 0)
		return decided;
	const char *no_abort = getenv("PGDFUZZ_NO_ABORT");
	if (!no_abort || no_abort[0] != '1')
		return decided = 1; /* fuzzing: always */
	char path[4096];
	const char *tmp = getenv("TMPDIR") && getenv("TMPDIR")[0] ? getenv("TMPDIR") : "/tmp";
	snprintf(path, sizeof(path), "%s/pgdfuzz-flaky-target.count", tmp);
	FILE *f = fopen(path, "r");
	long earlier = 0;
	if (f) {
		for (int c; (c = fgetc(f)) != EOF;)
			earlier += c == '\n';
		fclose(f);
	}
	f = fopen(path, "a");
	if (f) {
		fputs("reproduced\n", f);
		fclose(f);
	}
	return decided = earlier == 0;
}

static uint64_t *fl_table(void *ctx, uint64_t pa)
{
	struct pgdfuzz_env *env = ctx;
	uint64_t *table = env->phys_to_host(env, pa, 4096);
	PGDFUZZ_BUG_ON(env, !table);
	return table;
}

static int fl_new_table(void *ctx, uint64_t *pa)
{
	struct pgdfuzz_env *env = ctx;
	return env->alloc_table(env, 0, pa);
}

static int status(int ret)
{
	return ret == FWPT_OK	    ? PGDFUZZ_OK
	       : ret == FWPT_ENOMEM ? PGDFUZZ_ENOMEM
	       : ret == FWPT_EBUSY  ? PGDFUZZ_EUNSAFE
				    : PGDFUZZ_EINVAL;
}

static int fl_init(struct pgdfuzz_env *env, uint64_t *root_pa)
{
	if (!root_pa)
		return PGDFUZZ_EINVAL;
	int ret = fwpt_init(&pt, env->geo->va_bits, env->geo->upper,
			    (struct fwpt_platform){fl_table, fl_new_table, env});
	*root_pa = pt.root_pa;
	return status(ret);
}

static int fl_map(struct pgdfuzz_env *env, uint64_t root_pa, const struct pgdfuzz_map *req)
{
	(void)root_pa;
	if (((req->va >> 12) & 7) == 5)
		env->stop(env, "real-bug", -1, "planted: VA page number 5 mod 8");
	if (((req->pa >> 12) & 7) == 3 && flaky_fires())
		env->stop(env, "flaky-bug", -1, "planted: PA page number 3 mod 8, first time only");
	pt.platform.ctx = env;
	return status(
	    fwpt_map(&pt, req->va, req->pa, req->size, req->prot, req->flags & PGDFUZZ_NO_BLOCK));
}

PGDFUZZ_TARGET = {
    .abi = PGDFUZZ_TARGET_ABI,
    .name = "flaky",
    .description = "cli/tests/flaky-target: fwpt with a real and a flaky planted bug",
    .geometries = {.granules = 4096},
    .contract = {.flags = PGDFUZZ_NO_BLOCK | PGDFUZZ_NO_CONT},
    .ops = {.init = fl_init, .map = fl_map},
    .may_block = true,
    .may_cont = false,
    .finer_in_block = false,
    .unsafe = PGDFUZZ_UNSAFE_REFUSES,
    .refusal_writes_nothing = true,
    .differential = true,
};
