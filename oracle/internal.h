/* oracle's private pieces shared by the per-harness judges. */
#ifndef PGDFUZZ_ORACLE_INTERNAL_H
#define PGDFUZZ_ORACLE_INTERNAL_H

#include "oracle.h"
#include "pgd.h"
#include "physmem.h"
#include "ref.h"

struct emu;

struct oracle {
	struct physmem *mem;
	struct physmem *before; /* snapshot for break-before-make checks */
	struct emu *emu;	/* created on first use */
	/* What oracle_dump_tables() shows: the last tables judged. */
	bool have_tables;
	struct ref_regs regs;
	struct ref_features features;
	char tables_of[32];   /* whose tables they are, when not obvious ("linear") */
	bool quiet;	      /* record no outcomes (oracle_set_outcomes) */
	uint64_t copy_budget; /* bytes a relocation may copy in Unicorn; 0: any */
};

/* Record a finding: the signature is "<harness>:<kind>:<geometry>:L<level>"
 * and fmt starts the detail text. Only the first finding of a run counts. */
void oracle_finding(struct oracle_verdict *verdict, const char *harness, const char *kind,
		    const char *geometry, int level, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Append to the detail text. */
void oracle_detail(struct oracle_verdict *verdict, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Append one line to verdict->outcomes (the newline is added). */
void oracle_outcome(struct oracle_verdict *verdict, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Whether runs relocations of these segments are over oracle->copy_budget; if
 * so it says so in an outcome line of verdict, when given ("<what>: not
 * run: ..."). */
struct emu_segment;
bool oracle_over_copy_budget(const struct oracle *oracle, const struct emu_segment *segments,
			     size_t n, unsigned runs, const char *what,
			     struct oracle_verdict *verdict);
/* Append the descriptor chain of a walk. */
void oracle_detail_chain(struct oracle_verdict *verdict, const struct ref_result *walk);

struct ref_mem oracle_ref_mem(const struct physmem *mem);
/* The CPU that runs a geometry: just the features the geometry needs. */
struct ref_features oracle_features(const struct pgd_geometry *geo);
/* MMU-on registers for one tree. */
struct ref_regs oracle_tree_regs(const struct pgd_tree *tree);

/* Prot bits the intent checks compare: AttrIndx, AP, SH (not under LPA2,
 * where the descriptor bits are address bits), AF, nG, DBM, PXN, UXN. NS
 * (bit 5) is RES0 in the Non-secure regime and not compared. */
static inline uint64_t oracle_compare_mask(const struct pgd_geometry *geo)
{
	uint64_t mask = (REF_PROT_COMPARE_DEFAULT | PGD_DBM) & ~(1ULL << 5);
	return geo->lpa2 ? mask & ~PGD_SH_MASK : mask;
}

/* An intended translation: [va, va+size) -> pa with prot, or unmapped. */
struct oracle_piece {
	uint64_t va, size, pa, prot;
	bool mapped;
	/* Allocation failed here: the tables may also still hold what was
	 * there before (unmapped, or prev_pa/prev_prot if prev_mapped). */
	bool either;
	bool prev_mapped;
	uint64_t prev_pa, prev_prot;
	int op; /* the case op that decided the PA (last map), -1 unknown */
};
#define ORACLE_MAX_PIECES (4 * CASE_MAX_OPS + 4)

/* Check that the tables translate [first, last] exactly as pieces say (sorted,
 * non-overlapping; gaps are unmapped). compare_mask selects prot bits. */
bool oracle_check_intent(struct oracle *oracle, const struct ref_regime *regime,
			 const struct oracle_piece *pieces, size_t count, uint64_t first,
			 uint64_t last, uint64_t compare_mask, const char *harness,
			 const char *geometry, struct oracle_verdict *verdict);
/* Lint must be clean except for bits the case itself asked for. */
bool oracle_check_lint(struct oracle *oracle, const struct ref_regime *regime, uint64_t user_bits,
		       const char *harness, const char *geometry, struct oracle_verdict *verdict);

/* Page-widened [va, last] of an op (and its page-aligned pa, checked only
 * with_pa) as core documents its contract; false if the op breaks it. The
 * caller decides about size 0. Used by every builder-case judge. */
bool oracle_op_range(const struct pgd_tree *tree, const struct case_op *op, bool with_pa,
		     uint64_t *va, uint64_t *last, uint64_t *pa);

/* What the accepted requests of a builder case mean, in order. */
enum oracle_record_kind {
	ORACLE_RECORD_MAP,
	ORACLE_RECORD_UPDATE, /* new prot, same PA */
	ORACLE_RECORD_UNMAP,  /* map_range() with an empty prot clears */
};
struct oracle_record {
	enum oracle_record_kind kind;
	uint64_t va, last, pa, prot;
	unsigned flags; /* PGD_NO_* of a map */
	int op;		/* index of the case op, for messages; -1 when not known */
};
struct oracle_intent {
	struct oracle_record records[CASE_MAX_OPS];
	size_t count;
	bool failed; /* an allocation failed during records[count - 1] */
};
bool oracle_intent_overlaps(const struct oracle_intent *intent, uint64_t va, uint64_t last);
/* The intent as sorted, disjoint mapped pieces (at most ORACLE_MAX_PIECES):
 * the last map covering a VA decides the PA, later updates the prot. */
size_t oracle_flatten(const struct oracle_intent *intent, struct oracle_piece *pieces);
/* Judge a finished tree: registers, lint (user_bits: prot bits the case
 * asked for), then the intent over the tree's whole VA half. Records the
 * tables for oracle_dump_tables(). */
void oracle_judge_tables(struct oracle *oracle, const struct pgd_tree *tree,
			 const struct oracle_intent *intent, uint64_t user_bits,
			 const char *harness, const char *geometry, struct oracle_verdict *verdict);
/* Break-before-make between oracle->before and the tree now; who names the
 * code that made the change in the finding. */
void oracle_check_bbm(struct oracle *oracle, const struct pgd_tree *tree, const char *harness,
		      const char *geometry, const char *who, struct oracle_verdict *verdict);

/* A copy must translate every VA as its source does. */
void oracle_check_copy(struct oracle *oracle, const struct pgd_tree *src,
		       const struct pgd_tree *dst, const char *harness, const char *geometry,
		       struct oracle_verdict *verdict);

/* ---- Checks on table descriptors (table_checks.c) ---------------------------- */
/* Expected PXNTable of the table descriptor covering VAs [first, last]. */
typedef bool (*oracle_expect_pxn_fn)(void *ctx, uint64_t first, uint64_t last);
/* Every table descriptor carries UXNTable (core's rule), PXNTable exactly
 * when expect_pxn says (the no_exec flag of the map that created it), no
 * APTable and no NSTable. Kind "table-attrs". */
bool oracle_check_table_attrs(const struct ref_regime *regime, oracle_expect_pxn_fn expect_pxn,
			      void *expect_ctx, const char *harness, const char *geometry,
			      struct oracle_verdict *verdict);
/* A physical range that tables must not occupy, named for the finding. */
struct oracle_range {
	uint64_t base, size;
	const char *what;
};
/* No table page of the regime's tables (root included) overlaps a
 * forbidden range; the finding's kind is `kind`. */
bool oracle_check_table_placement(const struct ref_regime *regime, const char *tree_name,
				  const struct oracle_range *forbidden, size_t nforbidden,
				  const char *harness, const char *kind, const char *geometry,
				  struct oracle_verdict *verdict);
/* Fill one table page with words that decode as valid descriptors, for
 * targets that zero their own tables (pgdfuzz_target.zeroes_tables): a
 * table the builder does not zero shows. False if out of host memory. */
bool oracle_poison_page(struct physmem *mem, uint64_t pa, uint64_t granule);

/* ---- Contract checks (contract.c) ------------------------------------- */
/* The geometry a builder tree got is the one its config documents: the
 * start level (derived, or 4 - levels) and the smallest root that covers
 * va_bits (or exactly root_entries). Kind "wrong-geometry". */
bool oracle_check_geometry(struct oracle *oracle, const struct pgd_config *config,
			   const struct pgd_tree *tree, const char *harness, const char *geometry,
			   struct oracle_verdict *verdict);
/* An update of [va, last] refused as unsafe must have a reason in the
 * tables: a hole, a leaf the range splits, a contiguous leaf that would
 * change, or a change outside what pgattr_change_is_safe allows. Kind
 * "refused-safe". */
bool oracle_check_refusal(struct oracle *oracle, const struct pgd_tree *tree,
			  const struct case_op *op, uint64_t va, uint64_t last, int level,
			  const char *reason, const char *harness, const char *geometry,
			  struct oracle_verdict *verdict);

void oracle_judge_reloc(struct oracle *oracle, const struct pgd_case *c,
			struct oracle_verdict *verdict);
/* ---- Emulator-backed pieces (emulated.c), shared with the kernel judge */
struct emu_segment;
struct emu_reloc_plan;
struct emu_reloc_report;
/* The oracle's Unicorn engine, started on first use (NULL, with a finding,
 * if it cannot start). */
struct emu *oracle_engine(struct oracle *oracle, struct oracle_verdict *verdict);
/* The relocation a reloc case asks for, in the 48-bit forms of its geometry
 * (Unicorn has no LPA/LPA2/LVA); false if it asks for none. segments has
 * room for CASE_MAX_SEGMENTS. */
bool oracle_reloc_request(const struct pgd_case *c, struct pgd_config *config,
			  struct pgd_geometry *geo, struct emu_segment *segments);
/* Fresh RAM for one relocation run: the case's banks below the emulated
 * CPU's PA size, each source and destination page filled with words that
 * name their PA (differently for destinations). */
void oracle_reloc_memory(struct oracle *oracle, const struct pgd_case *c,
			 const struct pgd_geometry *geo);
/* A failed run as the finding "<harness>:<name>-<stop or copy-mismatch>",
 * with the walk of the faulting VA. */
void oracle_reloc_finding(struct oracle *oracle, struct oracle_verdict *verdict,
			  const char *harness, const char *name, const char *geometry,
			  const struct pgd_geometry *geo, const struct emu_reloc_plan *plan,
			  const struct emu_reloc_report *rep);

void oracle_judge_walker(struct oracle *oracle, const struct pgd_case *c,
			 struct oracle_verdict *verdict);

#endif
