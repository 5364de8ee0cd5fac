/* Private to emulate/: the engine internals shared by at.c and reloc.c. */
#ifndef PGDFUZZ_EMU_INTERNAL_H
#define PGDFUZZ_EMU_INTERNAL_H

#include <unicorn/unicorn.h>

#include "emu.h"

struct emu_region {
	uint64_t addr, size;
	void *host;
};

struct emu_region_list {
	struct emu_region *items;
	size_t count, capacity;
};

/* QEMU exception numbers reported through UC_HOOK_INTR. */
#define EMU_EXCP_PREFETCH_ABORT 3
#define EMU_EXCP_DATA_ABORT	4

struct emu {
	struct emu_options opts;
	uc_engine *uc;
	uc_context *pristine; /* CPU state right after the reset-state fix */
	unsigned runs_on_instance;
	struct emu_stats stats;
	struct emu_region_list mapped, wanted;
	/* Guest code placed by the host on this instance, by address: Unicorn
	 * keeps its translations across runs and never notices host writes. */
	struct emu_placed {
		uint64_t pa;
		const void *code;
		size_t len;
	} * placed;
	size_t nplaced, placed_capacity;

	/* Per-run state, written by the hooks. */
	uint64_t insns;
	uint64_t last_block, last_block_size;
	uint64_t coverage_prev;
	bool trapped;
	unsigned intno;
	bool invalid;
	uint64_t invalid_addr;
	bool invalid_write, invalid_fetch;
};

struct emu_exec {
	uc_err uc_err;
	uint64_t pc;
	uint64_t insns;
	bool trapped; /* an exception stopped the run */
	unsigned intno;
	bool invalid; /* an access hit no Unicorn region */
	uint64_t invalid_addr;
	bool invalid_write, invalid_fetch;
	bool reached_until;
	bool budget_exhausted;
};

/* Start a run: recycle the Unicorn instance if due and restore the pristine
 * CPU state. */
int emu_begin(struct emu *emu, struct emu_error *err);

/* Map every materialised chunk of mem at its PA (RAM pages only). With
 * shadow, also map each at VA = PA - shadow_delta over the same host bytes. */
int emu_map_memory(struct emu *emu, struct physmem *mem, bool shadow, uint64_t shadow_delta,
		   struct emu_error *err);

/* Run from begin until PC == until, within the instruction budget. */
void emu_exec(struct emu *emu, uint64_t begin, uint64_t until, struct emu_exec *ex);

/* Before running code the host wrote at pa: drop Unicorn's translations of
 * [pa, pa + len) if other code ran there on this instance (another routine
 * at the same address would otherwise run as the old one). Code is known by
 * its bytes' address on the host. Returns -1 if Unicorn refuses. */
int emu_place_code(struct emu *emu, uint64_t pa, const void *code, size_t len);

int emu_write_x(struct emu *emu, unsigned index, uint64_t value);
uint64_t emu_read_x(struct emu *emu, unsigned index);

/* System registers through CP_REG. Only registers backed by a field may be
 * read from the host: 2.0.1 aborts the process on others. */
int emu_sysreg_write(struct emu *emu, unsigned op0, unsigned op1, unsigned crn, unsigned crm,
		     unsigned op2, uint64_t value);
uint64_t emu_read_sctlr(struct emu *emu);

/* AT from the host: returns the raw PAR_EL1. */
int emu_host_at(struct emu *emu, enum emu_at_op op, uint64_t va, uint64_t *par);

void emu_error_set(struct emu_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
