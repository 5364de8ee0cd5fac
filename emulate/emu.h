/* emulate: run code against the generated tables in Unicorn 2.0.1.
 *
 * The emulator's physical memory IS the simulated physical memory: every
 * materialised 64 KiB chunk of a struct physmem is mapped into Unicorn at its
 * PA (and, for a linear map, again at its linear VA) with the same host
 * bytes. An engine is reused across runs and recycled every N runs to bound
 * Unicorn 2.0.1's per-run leak; every run has an instruction budget.
 *
 * Two jobs:
 *  - AT probe: translate a batch of VAs with the emulator's own walker
 *    (AT S1E1R/S1E1W/S1E0R + PAR_EL1) as a second opinion on the tables;
 *  - kexec relocation: run pgdfuzz's own AArch64 relocation routine with one
 *    of three strategies (MMU off, idmap, linear map) and report whether the
 *    new image was entered correctly with the right bytes in place.
 *
 * Nothing here aborts on bad input or on a guest fault: errors come back as
 * -1 with a message, guest faults as a decoded report.
 */
#ifndef PGDFUZZ_EMU_H
#define PGDFUZZ_EMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pgd.h"

struct physmem;
struct emu;

struct emu_error {
	char message[192];
	/* Set when a strategy's own precondition does not hold for the layout
	 * (RAM wider than the linear map, no RAM left for its tables): the
	 * strategy cannot run this case, which is not a fault of the code. */
	bool unsupported;
};

/* The emulated CPU: Unicorn 2.0.1's default model, a Cortex-A72, whose
 * PARange is 44 bits. With the MMU off it cannot reach PAs at or above
 * 2^44, so relocation layouts must live below that. */
#define EMU_CPU_PA_BITS 44

/* Memory regions one run may map (64 KiB chunks, twice for a linear map's
 * shadow). Each costs 2.0.1 a phys-map section, and it asserts at
 * TARGET_PAGE_SIZE sections, which is 1024 for its Arm target (variable page
 * size, 1 KiB minimum): found by fuzz_reloc at 1,054 regions. Layouts that
 * need more are reported as unsupported. */
#define EMU_MAX_REGIONS 768

/* Blocks a linear map (and its copy) may need per run. Building, copying
 * and judging them costs about 2 us a block in the ASan+UBSan build: at
 * 2^19 an input of 16K RAM up to 16 TiB took 1.0-1.2 s alone (a soak
 * timeout), so 2^17 bounds an input near 0.25 s. Larger RAM layouts are
 * reported as unsupported. */
#define EMU_LINEAR_MAX_BLOCKS (1u << 17)

/* ---- Engine ------------------------------------------------------------ */

#define EMU_DEFAULT_BUDGET  8000000u /* instructions per run */
#define EMU_DEFAULT_RECYCLE 1000u    /* runs per Unicorn instance */

struct emu_options {
	uint64_t insn_budget;	/* 0: EMU_DEFAULT_BUDGET */
	unsigned recycle_every; /* 0: EMU_DEFAULT_RECYCLE; 1: a new engine per run */
};

/* opts may be NULL for the defaults. */
struct emu *emu_new(const struct emu_options *opts, struct emu_error *err);
void emu_free(struct emu *emu);

struct emu_stats {
	uint64_t runs;	   /* uc_emu_start calls */
	uint64_t recycles; /* Unicorn instances opened */
};
struct emu_stats emu_get_stats(const struct emu *emu);

/* Guest-side coverage, process-wide and off by default: every translated
 * block entered by any engine bumps counters[hash(prev block, block) % len]
 * (libFuzzer extra counters fit). NULL or len 0 turns it off. */
void emu_set_coverage(uint8_t *counters, size_t len);

/* ---- Faults and the AT probe -------------------------------------------- */

enum emu_fault_kind {
	EMU_FAULT_NONE = 0,
	EMU_FAULT_ADDRESS_SIZE,
	EMU_FAULT_TRANSLATION,
	EMU_FAULT_ACCESS_FLAG,
	EMU_FAULT_PERMISSION,
	EMU_FAULT_EXTERNAL, /* synchronous external abort on the walk */
	EMU_FAULT_OTHER,    /* any other FST */
};

enum emu_at_op {
	EMU_AT_S1E1R = 0,
	EMU_AT_S1E1W,
	EMU_AT_S1E0R,
};

/* One decoded PAR_EL1. */
struct emu_at_result {
	uint64_t va;
	uint64_t par; /* raw */
	bool fault;
	enum emu_fault_kind kind; /* EMU_FAULT_NONE on success */
	int level;		  /* fault level, -1..3; 0 on success */
	unsigned fst;		  /* PAR.FST (6 bits) on a fault */
	uint64_t pa;		  /* output address incl. the page offset */
	unsigned sh;		  /* PAR.SH, as reported */
	uint8_t attr;		  /* PAR.ATTR, as reported (a MAIR byte) */
};

void emu_decode_par(uint64_t va, uint64_t par, struct emu_at_result *res);
const char *emu_fault_kind_name(enum emu_fault_kind kind);
const char *emu_at_op_name(enum emu_at_op op);

/* Translate vas[0..n) with op under regs (SCTLR.M should be set), walking
 * the tables in mem. Results go to out[0..n). The AT instructions are issued
 * from the host (see at.c for why not from a guest loop); 2.0.1's AT never
 * uses the TLB, so every probe walks the tables as they are now. */
int emu_at_probe(struct emu *emu, struct physmem *mem, const struct pgd_regs *regs,
		 enum emu_at_op op, const uint64_t *vas, size_t n, struct emu_at_result *out,
		 struct emu_error *err);

/* ---- Known deviations of Unicorn 2.0.1's walker ------------------------ */

enum emu_deviation {
	EMU_DEV_NONE = 0,
	EMU_DEV_BLOCK_ANY_LEVEL,
	EMU_DEV_NO_ADDRESS_SIZE,
	EMU_DEV_TNSZ_CLAMPED,
	EMU_DEV_NO_LPA,
	EMU_DEV_RAW_SH_ATTR,
	EMU_DEV_HPD_HONOURED,
	EMU_DEV_UNMAPPED_DESCRIPTOR,
	EMU_DEV_CONTIGUOUS_IGNORED,
	EMU_DEV_LEAF_OA_RES0,
	EMU_DEV_RESERVED_GRANULE,
	EMU_DEV_COUNT
};

struct emu_deviation_info {
	enum emu_deviation id;
	const char *name;   /* stable, used in finding signatures */
	const char *reason; /* what 2.0.1 does and what the architecture says */
};
const struct emu_deviation_info *emu_deviation_get(enum emu_deviation id);

/* What the architecture says about one translation, in the terms the
 * emulator's PAR can express (filled from the reference walker). */
struct emu_arch_result {
	bool fault;
	enum emu_fault_kind kind;
	int level;
	uint64_t pa;
	unsigned sh;  /* architectural PAR.SH (10 for Device / Non-cacheable) */
	uint8_t attr; /* the MAIR byte of the leaf's AttrIndx */
};

/* Facts about one walk that can trigger a deviation, gathered from the
 * tables by emu_walk_facts(). */
struct emu_walk_facts {
	bool block_at_bad_level; /* a block where the architecture forbids one */
	bool oa_out_of_range;	 /* an OA or table address >= the PA size */
	bool tnsz_out_of_range;	 /* TnSZ outside what 2.0.1 accepts, 16..39 */
	bool wants_lpa;		 /* 52-bit output (LPA/LPA2) requested */
	bool hpd_with_table_attrs;
	bool descriptor_outside_ram; /* a table address with no RAM behind it */
	bool contiguous;	     /* a contiguous leaf on the path */
	bool reserved_granule;	     /* TGn holds a reserved encoding */
	bool leaf_oa_res0;	     /* leaf OA bits below its size (RES0) set */
	bool device_or_nc;	     /* leaf memory type reported SH=10 architecturally */
};

/* Walks the tables the way 2.0.1 does, recording the facts above. */
void emu_walk_facts(const struct physmem *mem, const struct pgd_regs *regs, enum emu_at_op op,
		    uint64_t va, struct emu_walk_facts *facts);

/* Compare one emulator result with the architecture. Returns EMU_DEV_NONE if
 * they agree or if the divergence is a finding (then *finding is true), or
 * the deviation that explains the divergence. */
enum emu_deviation emu_classify(const struct emu_at_result *emu, const struct emu_arch_result *arch,
				const struct emu_walk_facts *facts, bool *finding, char *why,
				size_t why_len);

/* AT probe against the reference walker. Implemented in at_compare.c,
 * library pgdfuzz_emulate_compare, built only when reference/ is. The
 * reference is configured as the emulated CPU (Cortex-A72: 44-bit PA, no
 * LPA/LPA2/LVA/TTST/HPDS/HAFDBS); regs must have SCTLR.M set. */
struct emu_compare_stats {
	uint64_t probes;
	uint64_t agree;
	uint64_t known[EMU_DEV_COUNT]; /* divergences explained by each deviation */
	uint64_t findings;
};

/* Called for every finding with a one-line description. */
typedef void (*emu_finding_fn)(void *ctx, enum emu_at_op op, uint64_t va, const char *why);

/* Probe vas[0..n) with op in the emulator and the reference, classify every
 * divergence and add to *stats. Returns -1 on harness errors. */
int emu_at_compare(struct emu *emu, struct physmem *mem, const struct pgd_regs *regs,
		   enum emu_at_op op, const uint64_t *vas, size_t n,
		   struct emu_compare_stats *stats, emu_finding_fn on_finding, void *ctx,
		   struct emu_error *err);

/* ---- kexec relocation ------------------------------------------------- */

enum emu_strategy {
	EMU_RELOC_MMU_OFF = 0, /* Linux before 5.14: plain PAs */
	EMU_RELOC_IDMAP,       /* TTBR0 = create_idmap over everything touched */
	EMU_RELOC_LINEAR,      /* Linux 5.14+: copied linear map in TTBR1 */
};
const char *emu_strategy_name(enum emu_strategy strategy);

#define EMU_RELOC_MAX_SEGMENTS 16

/* size bytes of pages from src are copied to dst (all granule aligned). */
struct emu_segment {
	uint64_t src, dst, size;
};

/* Where a foreign routine finds its arguments: a kimage the plan writes in
 * RAM, fields at these byte offsets (Linux's struct kimage as the routine's
 * build laid it out). Values are PAs except phys_offset (PA - VA of the
 * linear map); el2_vectors is always 0 (the routine runs at EL1). */
struct emu_kimage_layout {
	uint32_t size;
	uint32_t head, start, dtb_mem, el2_vectors, zero_page, ttbr1, phys_offset;
};

/* A relocation routine other than pgdfuzz's own, such as the kernel's
 * arm64_relocate_new_kernel (kernel/). Linear strategy only: after
 * pgdfuzz's prologue installs the regime (TTBR0 = the idmap of the control
 * page, TTBR1 = the live linear map), it is entered at its first byte with
 * x0 = the kimage's linear-map VA, and must do its own switch to the copy.
 * Position independent, at most a page minus pgdfuzz's blob. */
struct emu_routine {
	const char *name;
	const unsigned char *code;
	size_t len;
	struct emu_kimage_layout kimage;
};

struct emu_reloc_input {
	enum emu_strategy strategy;
	const struct emu_routine *routine; /* NULL: pgdfuzz's own reloc.S */
	struct pgd_config config;	   /* granule, va_bits, pa_bits of the tables */
	const struct emu_segment *segments;
	size_t nsegments;
	uint64_t entry; /* PA of the new image's entry, in RAM */
	uint64_t dtb;	/* passed in x0 */
};

/* Everything a run needs, built in mem by emu_reloc_prepare(). The trees are
 * public so tests can damage them on purpose. */
struct emu_reloc_plan {
	enum emu_strategy strategy;
	const struct emu_routine *routine; /* NULL: pgdfuzz's own */
	uint64_t routine_pa;		   /* where a foreign routine starts */
	uint64_t kimage;		   /* PA of its kimage; else 0 */
	uint64_t granule;
	uint64_t head;	      /* IND_INDIRECTION | first list page */
	unsigned list_pages;  /* indirection pages */
	uint64_t control;     /* PA of the page holding the routine */
	uint64_t zero_page;   /* linear: the BBM zero table */
	uint64_t phys_offset; /* linear: PA - VA of the linear map; else 0 */
	uint64_t new_ttbr1;   /* linear: TTBR1 of the copy; else 0 */
	uint64_t entry, dtb;
	struct pgd_regs regs;	/* installed by the prologue */
	struct pgd_tree idmap;	/* idmap: create_idmap; linear: idmap_page */
	struct pgd_tree linear; /* linear: the live map */
	struct pgd_tree copy;	/* linear: pgd_copy of it */
	struct emu_segment segments[EMU_RELOC_MAX_SEGMENTS];
	size_t nsegments;
	uint8_t *expected; /* destination bytes, segment after segment */
	uint64_t expected_len;
};

/* Validates the input, writes the routine, the entry list and the tables
 * into mem and records the expected destination image (the current source
 * bytes, computed on the host). Release the plan with emu_reloc_release(). */
int emu_reloc_prepare(struct emu_reloc_plan *plan, struct physmem *mem,
		      const struct emu_reloc_input *in, struct emu_error *err);
void emu_reloc_release(struct emu_reloc_plan *plan);

enum emu_stop {
	EMU_STOP_ENTRY = 0, /* PC reached the entry */
	EMU_STOP_FAULT,	    /* MMU fault (data or prefetch abort) */
	EMU_STOP_UNMAPPED,  /* access to an address with no Unicorn region */
	EMU_STOP_BUDGET,    /* instruction budget exhausted */
	EMU_STOP_EXCEPTION, /* any other exception (undefined instruction...) */
	EMU_STOP_ENGINE,    /* Unicorn reported another error */
};
const char *emu_stop_name(enum emu_stop stop);

struct emu_reloc_report {
	enum emu_stop stop;
	bool entry_ok; /* PC == entry, x0 == dtb, x1..x3 == 0, MMU off */
	uint64_t pc, x[4], sctlr;
	bool copy_ok; /* every destination byte equals the expected image */
	uint64_t mismatched_bytes;
	uint64_t first_mismatch_pa;
	/* 4 KiB pages outside the destinations whose bytes changed: a routine
	 * writes its destinations and nothing else. */
	uint64_t stray_pages;
	uint64_t first_stray_pa;
	/* On EMU_STOP_FAULT / EMU_STOP_UNMAPPED: */
	uint64_t fault_va;
	bool fault_write, fault_fetch;
	struct emu_at_result fault; /* decoded with AT at fault_va */
	unsigned intno;		    /* QEMU exception number */
	int uc_err;
	uint64_t insns; /* instructions executed */
	bool ok;	/* entry_ok && copy_ok && !stray_pages */
	char summary[256];
};

/* Runs the plan in emu. Returns -1 only when the harness itself fails (bad
 * plan, Unicorn refusing a mapping); a guest fault or mismatch is reported
 * in *rep with a return of 0. */
int emu_reloc_run(struct emu *emu, struct physmem *mem, const struct emu_reloc_plan *plan,
		  struct emu_reloc_report *rep, struct emu_error *err);

#endif
