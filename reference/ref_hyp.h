/* reference, hypervisor regimes: stage 1 of the EL2 translation regime and
 * stage 2 of the EL1&0 regime, included by ref.h.
 *
 * Both follow the Arm architecture (DDI0487 AArch64.S1Translate and
 * AArch64.S2Translate with their helpers S2MinTxSZ, S2InvalidSL,
 * S2InconsistentSL, S2StartLevel), not KVM:
 *
 *  - REF_HYP_EL2: EL2 stage 1 without VHE (HCR_EL2.E2H=0). TCR_EL2's own
 *    format (T0SZ, SH0, TG0, PS[18:16], TBI[20], HA[21], HD[22], HPD[24],
 *    DS[32]), one VA range from TTBR0_EL2, VAs with bits above T0SZ set fault
 *    (Translation, level 0). One Exception level: AP[2] alone is the write
 *    permission and AP[1] is RES1; XN is bit 54 and bit 53 (PXN) is RES0; nG
 *    is RES0 (no ASIDs); tables carry APTable[1] and XNTable, while
 *    APTable[0] and PXNTable are RES0 (ignored with TCR_EL2.HPD).
 *    SCTLR_EL2 gives M, WXN and EE; MAIR_EL2 the memory types.
 *  - REF_HYP_STAGE2: VTCR_EL2 (T0SZ, SL0[7:6], TG0, PS, HA, HD, DS[32],
 *    SL2[33]) and VTTBR_EL2 (BADDR; VMID ignored). The start level comes
 *    from SL0 (and SL2 with DS); a reserved SL0, one the PA size does not
 *    allow, or one inconsistent with T0SZ, and a T0SZ outside
 *    [64 - min(PAMax, 48 or 52), 39 or 48] (FAULT policy) make every walk
 *    fault (Translation, level 0). The start level may have up to 16
 *    concatenated tables, aligned to their total size. Leaves carry
 *    MemAttr[5:2] (with or without HCR_EL2.FWB), S2AP[7:6], SH, AF, DBM,
 *    Contiguous and XN[54:53] (XN[0] only with FEAT_XNX, else RES0); table
 *    descriptor bits 63:59 are RES0. HCR_EL2.VM=0 is the identity.
 *
 * Shared with stage 1 (ref.h): granule geometry, legal block levels per
 * granule and PA size, the 52-bit forms (LPA2 with DS, 64K with FEAT_LPA),
 * OAsize = min(PS, PAMax), Address size faults for roots, tables and
 * outputs, external aborts on unreadable descriptors, the TnSZ policy, the
 * Contiguous bit as a hint that lint checks. The range walk, like stage
 * 1's, does not apply TBI. ref_mem.table, when given, speeds up lint's
 * table reads; the walks read entry by entry through read64. */
#ifndef PGDFUZZ_REF_HYP_H
#define PGDFUZZ_REF_HYP_H

enum ref_hyp_kind {
	REF_HYP_EL2 = 0, /* stage 1, EL2, non-VHE */
	REF_HYP_STAGE2,
};

/* The registers each kind reads; the others are ignored. */
struct ref_hyp_regs {
	uint64_t tcr;	/* EL2: TCR_EL2 */
	uint64_t ttbr;	/* EL2: TTBR0_EL2 */
	uint64_t mair;	/* EL2: MAIR_EL2 */
	uint64_t sctlr; /* both: SCTLR_EL2 (EL2: M, WXN, EE; stage 2: EE) */
	uint64_t vtcr;	/* stage 2: VTCR_EL2 */
	uint64_t vttbr; /* stage 2: VTTBR_EL2 */
	uint64_t hcr;	/* stage 2: HCR_EL2 (VM bit 0, FWB bit 46) */
};

struct ref_hyp_features {
	struct ref_features base; /* as for stage 1 (e0pd and lva's TnSZ: EL2 only) */
	bool xnx;		  /* FEAT_XNX: stage 2 XN[0] splits EL1 / EL0 execute */
	bool s2fwb;		  /* FEAT_S2FWB: HCR_EL2.FWB is honoured */
};

enum ref_hyp_access {
	REF_HYP_TRANSLATE = 0, /* walk and access flag, no permission */
	REF_HYP_READ,
	REF_HYP_WRITE,
	REF_HYP_EXEC,	  /* EL2 fetch; stage 2: EL1 fetch */
	REF_HYP_EXEC_EL0, /* stage 2: EL0 fetch (EL2 has no EL0: always denied) */
};

#define REF_HYP_PERM_R	(1u << 0)
#define REF_HYP_PERM_W	(1u << 1)
#define REF_HYP_PERM_X	(1u << 2)
#define REF_HYP_PERM_X0 (1u << 3)

/* Stage 2 memory types (memattr) as a MAIR-style byte, so ref_memtype_name
 * names them: Device 0x00/0x04/0x08/0x0c, Normal nibbles NC 4, WT 0xb, WB
 * 0xf; reserved encodings 0x01. FWB 0b110 is 0xff; FWB 0b111 (stage 1
 * attributes apply) is REF_HYP_MAIR_S1. */
#define REF_HYP_MAIR_S1 0xfe

struct ref_hyp_attrs {
	uint8_t memattr;   /* EL2: AttrIndx; stage 2: MemAttr[3:0] */
	uint8_t mair_attr; /* EL2: MAIR_EL2.Attr<n>; stage 2: as above */
	uint8_t memtype;   /* enum ref_memtype */
	uint8_t sh;	   /* descriptor SH, or TCR/VTCR SH0 when DS=1 */
	uint8_t ap;	   /* EL2: AP[2:1]; stage 2: S2AP[1:0] */
	uint8_t xn;	   /* EL2: XN (0/1); stage 2: XN[1:0] as honoured */
	uint8_t table_ap;  /* EL2: APTable accumulated (0 with HPD) */
	bool table_xn;	   /* EL2: XNTable accumulated */
	bool af, dbm, contiguous;
	uint8_t perms; /* REF_HYP_PERM_* */
};

struct ref_hyp_result {
	enum ref_fault fault;
	int level;	 /* fault level, or the leaf's; -1..3 */
	bool has_leaf;	 /* pa, block_shift and attrs are valid */
	uint64_t ia, pa; /* ia: VA (EL2) or IPA (stage 2) */
	unsigned block_shift;
	struct ref_hyp_attrs attrs;
	unsigned nsteps;
	struct ref_step steps[REF_MAX_STEPS];
};

struct ref_hyp_regime {
	enum ref_hyp_kind kind;
	struct ref_hyp_regs regs;
	struct ref_hyp_features features;
	struct ref_mem mem;
	unsigned pa_max;
	bool enabled; /* SCTLR_EL2.M (EL2) or HCR_EL2.VM (stage 2) */
	bool wxn, big_endian, ha, hd, hpd, tbi;
	bool fwb;	   /* stage 2 MemAttr in the FWB encoding */
	bool config_fault; /* T0SZ / SL0 / SL2 unusable: every walk faults at L0 */
	bool root_oor;	   /* base >= OAsize: Address size fault at L0 */
	bool ds, lpa_form, ttbr52;
	unsigned granule_shift, ia_bits, oa_bits;
	int start_level;
	unsigned root_entries; /* all concatenated start-level tables */
	unsigned concat;       /* stage 2: number of concatenated tables */
	uint64_t root_pa;
	uint64_t ttbr_res0; /* base bits below the root's size that are set */
	uint8_t sh;	    /* SH0, the leaf SH under DS=1 */
};

/* Decode. Returns 0, or -1 with a reason for bad input (PAMax not an
 * architectural size, a NULL reader, an unknown kind). */
int ref_hyp_regime_init(struct ref_hyp_regime *regime, enum ref_hyp_kind kind,
			const struct ref_hyp_regs *regs, const struct ref_hyp_features *features,
			const struct ref_mem *mem, char *why, size_t why_len);

/* Per-IA walk with the descriptor chain; no allocation. */
void ref_hyp_walk(const struct ref_hyp_regime *regime, uint64_t ia, enum ref_hyp_access access,
		  struct ref_hyp_result *out);

/* The start level VTCR_EL2.SL0 (and SL2) select for a granule, or -2 for a
 * reserved encoding (before the PA-size and T0SZ checks). */
int ref_s2_sl_level(unsigned granule_shift, unsigned sl0, bool sl2);

bool ref_hyp_attrs_equal(const struct ref_hyp_attrs *a, const struct ref_hyp_attrs *b);

/* Range walk: maximal intervals of identical translation over [first, last]
 * (REF_HYP_TRANSLATE view), in order, split at 2^63; as ref_range_walk. */
struct ref_hyp_interval {
	uint64_t ia, size;
	enum ref_fault fault;
	int level;
	bool has_leaf;
	uint64_t pa;
	unsigned block_shift;
	struct ref_hyp_attrs attrs;
};
typedef int (*ref_hyp_interval_fn)(void *ctx, const struct ref_hyp_interval *interval);
int ref_hyp_range_walk(const struct ref_hyp_regime *regime, uint64_t first, uint64_t last,
		       ref_hyp_interval_fn fn, void *ctx);

/* Lint, with stage 1's kinds and finding struct (va = first IA). Adds
 * REF_LINT_RES1 (EL2 leaf AP[1] clear) and uses REF_LINT_MAIR_RESERVED for
 * reserved MAIR_EL2 bytes and stage 2 MemAttr encodings (detail = the MAIR
 * byte or the MemAttr). Returns 0, the callback's stop value, or -1 when
 * memory ran out. Like ref_lint, not reentrant nor thread-safe. */
int ref_hyp_lint(const struct ref_hyp_regime *regime, ref_finding_fn fn, void *ctx);

/* Break-before-make between two table states under the same registers, as
 * ref_bbm_check: rules "oa-change", "table-to-block", "block-to-table",
 * "memtype-change" (MAIR byte at EL2, MemAttr at stage 2), "sh-change",
 * "cont-change", "cont-live-change". Permission changes need no BBM. */
int ref_hyp_bbm_check(const struct ref_hyp_regime *regime, const struct ref_mem *before,
		      const struct ref_mem *after, ref_bbm_fn fn, void *ctx);
/* The same rules for one descriptor written over another at `level`: the
 * rule the change breaks without break-before-make, or NULL when it is
 * safe (either side not live, only permissions changed, or a table
 * replaced by a table, whose entries the caller must compare). For judging
 * each write of a builder as it happens. */
const char *ref_hyp_bbm_rule(const struct ref_hyp_regime *regime, int level, uint64_t old_desc,
			     uint64_t new_desc);

/* ptdump, Linux style with a "---[ TTBR0_EL2 ]---" or "---[ VTTBR_EL2 ]---"
 * marker; EL2 columns: RW/ro, x/NX, SH, AF, CON, BLK, DBM, TBL-LIMITED,
 * memory type; stage 2 columns: R/-, W/-, execute (X, XEL0 = EL0 only,
 * XEL1 = EL1 only, NX), SH, AF, CON, BLK, DBM, memory type (MEM/S1 for FWB
 * 0b111). Raw mode: the kind's registers one "NAME 0x<hex>" line each
 * (TCR_EL2 TTBR0_EL2 MAIR_EL2 SCTLR_EL2, or VTCR_EL2 VTTBR_EL2 HCR_EL2
 * SCTLR_EL2), then tables as ref_ptdump_raw (the concatenated root is one
 * table line with all its entries). */
int ref_hyp_ptdump(const struct ref_hyp_regime *regime, FILE *out);
int ref_hyp_ptdump_raw(const struct ref_hyp_regime *regime, FILE *out);

#endif
