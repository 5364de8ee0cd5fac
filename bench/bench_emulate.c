/* emulate/ benchmark: kexec relocation runs per second (8 and 64 pages, per
 * strategy and granule), engine reuse against a new engine per run, and AT
 * probes per second. Prints a table; timings are wall-clock and noisy. */
#include "emu.h"
#include "physmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define RAM_BASE    0x40000000ULL
#define RAM_SIZE    (64ULL << 20)
#define MIN_SECONDS 0.5

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int prepare(struct physmem *mem, struct emu_reloc_plan *plan, enum emu_strategy strategy,
		   unsigned granule, unsigned pages)
{
	static struct emu_segment seg;
	seg = (struct emu_segment){RAM_BASE + (8ULL << 20), RAM_BASE + (24ULL << 20),
				   (uint64_t)pages * granule};
	struct emu_reloc_input in = {
	    .strategy = strategy,
	    .config = {.granule = granule, .va_bits = granule == 16384 ? 36 : 39},
	    .segments = &seg,
	    .nsegments = 1,
	    .entry = seg.dst,
	    .dtb = RAM_BASE + (4ULL << 20),
	};
	struct emu_error err;
	physmem_reset(mem);
	physmem_add_bank(mem, RAM_BASE, RAM_SIZE, NULL);
	for (uint64_t off = 0; off < seg.size; off += 8)
		physmem_write64(mem, seg.src + off, off ^ 0x5a5a5a5a5a5a5a5aULL);
	if (emu_reloc_prepare(plan, mem, &in, &err)) {
		fprintf(stderr, "prepare: %s\n", err.message);
		return -1;
	}
	return 0;
}

/* Runs until MIN_SECONDS have passed; returns runs/s, or -1 on failure. */
static double time_runs(struct emu *emu, struct physmem *mem, const struct emu_reloc_plan *plan,
			uint64_t *insns)
{
	unsigned runs = 0;
	double start = now(), elapsed;
	do {
		struct emu_reloc_report rep;
		struct emu_error err;
		if (emu_reloc_run(emu, mem, plan, &rep, &err) || !rep.ok) {
			fprintf(stderr, "run failed: %s\n", rep.summary);
			return -1;
		}
		*insns = rep.insns;
		runs++;
		elapsed = now() - start;
	} while (elapsed < MIN_SECONDS);
	return runs / elapsed;
}

int main(void)
{
	struct emu_error err;
	struct physmem *mem = physmem_new();
	struct emu *emu = emu_new(NULL, &err);
	if (!emu || !mem) {
		fprintf(stderr, "emu_new: %s\n", err.message);
		return 1;
	}
	printf("%-10s %-8s %6s %12s %12s %10s\n", "strategy", "granule", "pages", "runs/s",
	       "us/run", "insns");
	static const unsigned granules[] = {4096, 65536};
	static const unsigned pages[] = {8, 64};
	for (int s = EMU_RELOC_MMU_OFF; s <= EMU_RELOC_LINEAR; s++) {
		for (size_t g = 0; g < 2; g++) {
			for (size_t p = 0; p < 2; p++) {
				struct emu_reloc_plan plan;
				uint64_t insns = 0;
				if (prepare(mem, &plan, (enum emu_strategy)s, granules[g],
					    pages[p]))
					return 1;
				double rate = time_runs(emu, mem, &plan, &insns);
				printf("%-10s %-8u %6u %12.0f %12.1f %10llu\n",
				       emu_strategy_name((enum emu_strategy)s), granules[g],
				       pages[p], rate, 1e6 / rate, (unsigned long long)insns);
				emu_reloc_release(&plan);
			}
		}
	}

	printf("\n%-34s %12s %12s\n", "engine (idmap, 4K, 8 pages)", "runs/s", "us/run");
	struct emu_reloc_plan plan;
	uint64_t insns;
	if (prepare(mem, &plan, EMU_RELOC_IDMAP, 4096, 8))
		return 1;
	double reuse = time_runs(emu, mem, &plan, &insns);
	struct emu_options fresh_opts = {.recycle_every = 1};
	struct emu *fresh = emu_new(&fresh_opts, &err);
	double fresh_rate = fresh ? time_runs(fresh, mem, &plan, &insns) : -1;
	printf("%-34s %12.0f %12.1f\n", "reused (recycled every 1000 runs)", reuse, 1e6 / reuse);
	printf("%-34s %12.0f %12.1f\n", "new engine per run", fresh_rate, 1e6 / fresh_rate);
	emu_free(fresh);

	/* AT probes over a linear map of all RAM (TTBR1), spread over it. */
	emu_reloc_release(&plan);
	if (prepare(mem, &plan, EMU_RELOC_LINEAR, 4096, 8))
		return 1;
	enum { BATCH = 10000 };
	static uint64_t vas[BATCH];
	static struct emu_at_result out[BATCH];
	for (unsigned i = 0; i < BATCH; i++)
		vas[i] = RAM_BASE + ((uint64_t)i * 4096 * 7 + i * 8) % RAM_SIZE - plan.phys_offset;
	unsigned batches = 0;
	double start = now(), elapsed;
	do {
		if (emu_at_probe(emu, mem, &plan.regs, EMU_AT_S1E1R, vas, BATCH, out, &err)) {
			fprintf(stderr, "AT: %s\n", err.message);
			return 1;
		}
		batches++;
		elapsed = now() - start;
	} while (elapsed < MIN_SECONDS);
	unsigned mapped = 0;
	for (unsigned i = 0; i < BATCH; i++)
		mapped += !out[i].fault;
	printf("\n%-34s %12s\n", "AT probe (batches of 10000 VAs)", "probes/s");
	printf("%-34s %12.0f   (%u of %u VAs mapped)\n", "at s1e1r, host-issued",
	       (double)batches * BATCH / elapsed, mapped, BATCH);
	emu_reloc_release(&plan);
	emu_free(emu);
	physmem_free(mem);
	return 0;
}
