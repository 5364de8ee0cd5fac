/* target: the one interface between pgdfuzz and a page-table builder under
 * test (core/, Linux's map_range.c / mmu.c / trans_pgd.c, KVM's pgtable.c,
 * a firmware's or a hypervisor's own code).
 *
 * A target is a small declaration plus callbacks, in the style of KVM's
 * kvm_pgtable_mm_ops and core/walk.c: it builds tables, it never judges
 * them. pgdfuzz decodes a case, hands the target its geometry, memory and
 * allocator (struct pgdfuzz_env), calls the operations the target declares,
 * and judges the tables it leaves with the independent reference walker:
 *
 *   - translation equal to the intent (last map wins, protect changes prot,
 *     unmap clears), over the whole input range of the tree;
 *   - lint (contiguous groups, blocks at illegal levels, RES0 bits, shared
 *     tables, tables outside RAM, ...);
 *   - break-before-make on every accepted change over a live mapping;
 *   - "a refusal writes nothing" when the declaration promises it;
 *   - a differential against another target (core/) on the same requests.
 *
 * The declaration (struct pgdfuzz_target) tells the judge which of these
 * apply and how: which geometries the target takes, whether it may choose
 * blocks and contiguous ranges, what it does with an unsafe live change,
 * whether it may map finer inside an existing block.
 *
 * This header is self-contained (C11, no pgdfuzz header needed), so a
 * user's adapter file includes it and nothing else of pgdfuzz.
 */
#ifndef PGDFUZZ_TARGET_H
#define PGDFUZZ_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bumped when a struct below changes incompatibly; a target sets .abi to it
 * and pgdfuzz refuses a target built against another version. */
#define PGDFUZZ_TARGET_ABI 1

/* ---- What pgdfuzz provides ---------------------------------------------- */

/* The translation regime a tree is for. Only stage 1 at EL1&0 is judged
 * today; EL2 and stage 2 are reserved so that KVM's pgtable.c (issue 16)
 * fits without changing this interface. */
enum pgdfuzz_regime {
	PGDFUZZ_STAGE1_EL1 = 0, /* TTBR0_EL1 / TTBR1_EL1, TCR_EL1 */
	PGDFUZZ_STAGE1_EL2,	/* non-VHE TTBR0_EL2, TCR_EL2: one VA range */
	PGDFUZZ_STAGE2,		/* VTTBR_EL2, VTCR_EL2: an IPA space */
};

/* The geometry of a case, validated by pgdfuzz before the target sees it. */
struct pgdfuzz_geometry {
	enum pgdfuzz_regime regime;
	unsigned granule;      /* 4096, 16384 or 65536 */
	unsigned page_shift;   /* 12, 14, 16 */
	unsigned va_bits;      /* configured VA size (stage 2: IPA size) */
	unsigned ia_bits;      /* effective input-address size, 64 - TnSZ */
	int start_level;       /* -1..3 (stage 2: the SL0/SL2 start level) */
	unsigned levels;       /* 4 - start_level */
	unsigned root_entries; /* entries of the root (stage 2: all
				* concatenated root tables, up to 16) */
	unsigned pa_bits;      /* output-address size: 32..52 */
	bool lpa;	       /* 64K with 52-bit PA: PA[51:48] in desc[15:12] */
	bool lpa2;	       /* FEAT_LPA2, TCR.DS=1: PA[51:50] in desc[9:8] */
	bool upper;	       /* stage 1 EL1: the TTBR1 (upper) half */
};

struct pgdfuzz_env;

/* A fatal assertion of the builder (its BUG_ON, panic, assert). pgdfuzz
 * turns it into a finding "<target>:BUG_ON:<function>:<what>:<geometry>"
 * and unwinds out of the target's call (longjmp): the harness never
 * crashes. what is the condition as written; a signature uses its first
 * identifier, so line numbers moving between versions do not split it. */
typedef void (*pgdfuzz_fatal_fn)(struct pgdfuzz_env *env, const char *function, const char *what,
				 int line) __attribute__((noreturn));

/* Passed to every operation. Memory is simulated physical RAM: the tables
 * a target writes must lie in it, and pgdfuzz reads them back from it. */
struct pgdfuzz_env {
	const struct pgdfuzz_geometry *geo;

	/* Host bytes of [pa, pa + len) of simulated RAM, or NULL if any of it
	 * is not RAM (bounds-checked; never a pointer into pgdfuzz itself).
	 * Any len up to one granule at a granule-aligned PA inside RAM is
	 * served; a longer range may be refused (NULL). */
	void *(*phys_to_host)(struct pgdfuzz_env *env, uint64_t pa, size_t len);

	/* A zeroed, granule-aligned, granule-sized table page inside RAM and
	 * below 2^pa_bits, for a table at level (the root's level for the
	 * root). Returns 0, or non-zero when out of pages: a case can inject
	 * that failure at its Nth allocation ("alloc fail_at=N"), and the
	 * judge then accepts either the old or the asked translation for the
	 * op that failed, but nothing else. */
	int (*alloc_table)(struct pgdfuzz_env *env, int level, uint64_t *pa);
	/* Give a table page back (optional to call). Reserved for the
	 * page-table memory checks of stage 2 (every page freed exactly when
	 * nothing references it). */
	void (*free_table)(struct pgdfuzz_env *env, int level, uint64_t pa);

	/* Report a fatal assertion; does not return. */
	pgdfuzz_fatal_fn fatal;
	/* Report a non-fatal warning (WARN_ON): the first one becomes a
	 * finding after the call returns. */
	void (*warn)(struct pgdfuzz_env *env, const char *function, const char *what, int line);

	void *target_ctx;  /* the target's own state, from its init() */
	void *pgdfuzz_ctx; /* pgdfuzz's; the target leaves it alone */
};

/* BUG_ON for adapter and builder code. */
#define PGDFUZZ_BUG_ON(env, cond)                                                                  \
	do {                                                                                       \
		if (cond)                                                                          \
			(env)->fatal((env), __func__, #cond, __LINE__);                            \
	} while (0)

/* ---- What a target implements --------------------------------------------- */

/* Return values of the operations. */
enum pgdfuzz_status {
	PGDFUZZ_OK = 0,
	PGDFUZZ_EINVAL,	    /* outside the target's documented contract */
	PGDFUZZ_ENOMEM,	    /* alloc_table failed */
	PGDFUZZ_EUNSAFE,    /* refused: the change needs break-before-make */
	PGDFUZZ_ENOTMAPPED, /* protect/unmap over a hole */
};

/* Leaf attribute bits, in the stage-1 descriptor layout: AttrIndx[4:2],
 * AP[7:6], SH[9:8] (not under LPA2), AF, nG, DBM, PXN, UXN, software bits
 * [58:55]. The target adds the descriptor type, the output address and,
 * if it may, the contiguous bit. */
typedef uint64_t pgdfuzz_prot;

/* Request flags, as Linux's NO_*_MAPPINGS. */
#define PGDFUZZ_NO_BLOCK (1u << 0) /* pages only */
#define PGDFUZZ_NO_CONT	 (1u << 1) /* no contiguous bit */
#define PGDFUZZ_NO_EXEC	 (1u << 2) /* PXNTable on new tables */

/* One map request: [va, va + size) to pa. pgdfuzz passes only requests
 * inside the contract the declaration states (see pgdfuzz_contract), so the
 * target needs no argument checks of its own beyond what it documents. */
struct pgdfuzz_map {
	uint64_t va, pa, size;
	pgdfuzz_prot prot;
	unsigned flags;
};

struct pgdfuzz_range {
	uint64_t base, size;
};

/* Registers an identity map hands back (stage 1: TTBR0 and TCR). */
struct pgdfuzz_regs {
	uint64_t ttbr, tcr;
};

/* The operations; any may be NULL (unsupported: cases using it are not run
 * through this target). Each returns a pgdfuzz_status. */
struct pgdfuzz_ops {
	/* Set up a tree for env->geo: allocate the root through alloc_table
	 * (or adopt one pgdfuzz gives: *root_pa non-zero on entry) and return
	 * its PA. May set env->target_ctx. Required. */
	int (*init)(struct pgdfuzz_env *env, uint64_t *root_pa);
	/* Tear down what init and the operations allocated on the host
	 * (table pages in simulated RAM are pgdfuzz's). Optional. */
	void (*fini)(struct pgdfuzz_env *env);

	int (*map)(struct pgdfuzz_env *env, uint64_t root_pa, const struct pgdfuzz_map *req);
	/* Change the attributes of a live mapping (update_mapping_prot,
	 * kvm_pgtable_stage2_relax_perms, ...). */
	int (*protect)(struct pgdfuzz_env *env, uint64_t root_pa, uint64_t va, uint64_t size,
		       pgdfuzz_prot prot);
	int (*unmap)(struct pgdfuzz_env *env, uint64_t root_pa, uint64_t va, uint64_t size);
	/* Identity-map ranges with prot (may grow the input size: more levels
	 * or a wider root, as the start-level rule dictates); *root_pa and
	 * *regs are what to install. */
	int (*idmap)(struct pgdfuzz_env *env, const struct pgdfuzz_range *ranges, size_t n,
		     pgdfuzz_prot prot, unsigned flags, uint64_t *root_pa,
		     struct pgdfuzz_regs *regs);
	/* Fresh tables with the same leaves (trans_pgd_create_copy). */
	int (*copy)(struct pgdfuzz_env *env, uint64_t src_root_pa, uint64_t *dst_root_pa);
	/* Stage-2 and EL2 operations (set_owner, wrprotect, mkyoung, split)
	 * go in an ops extension of a later ABI; ext must be NULL in ABI 1. */
	const void *ext;
};

/* What the target does with a live change that needs break-before-make
 * (a PFN change, a memory-type change, a block split, ...). */
enum pgdfuzz_unsafe {
	/* Returns PGDFUZZ_EUNSAFE and writes nothing (core/). The judge
	 * checks that the refusal wrote nothing (when refusal_writes_nothing)
	 * and that every accepted change passes BBM. */
	PGDFUZZ_UNSAFE_REFUSES = 0,
	/* Calls env->fatal (mmu.c's BUG_ON in pgattr_change_is_safe): the
	 * BUG is a finding the target's known-findings list may name. */
	PGDFUZZ_UNSAFE_BUGS,
	/* May leave the old entry and return success (mmu.c's p?d_set_huge):
	 * the judge names the divergence "block-not-written". */
	PGDFUZZ_UNSAFE_MAY_IGNORE,
	/* Makes the change anyway: BBM findings are the target's. */
	PGDFUZZ_UNSAFE_WRITES,
};

/* Which geometries a target takes. A case outside them is "not run" for
 * this target, never a finding. */
struct pgdfuzz_geometries {
	unsigned regimes;     /* bit (1 << enum pgdfuzz_regime); 0 means stage 1 EL1 */
	unsigned granules;    /* bits: 4096 | 16384 | 65536 (0: all three) */
	unsigned va_bits_min; /* 0: any */
	unsigned va_bits_max; /* 0: any */
	bool lower, upper;    /* halves (both false: both) */
	bool pa52;	      /* takes LPA / LPA2 geometries */
	bool extra_levels;    /* takes more levels / wider roots than derived */
	/* Finer filter (a kernel object per configuration); NULL: none. */
	bool (*accepts)(const struct pgdfuzz_geometry *geo);
};

/* The contract of the operations: which requests pgdfuzz passes at all.
 * A request outside it is skipped for this target (and for the
 * differential), not judged. */
struct pgdfuzz_contract {
	bool size_zero;		  /* passes size 0 (and promises a no-op) */
	bool unaligned;		  /* passes unaligned ranges (widened to pages) */
	bool invalid_args;	  /* passes invalid requests, promises PGDFUZZ_EINVAL */
	bool protect_mapped_only; /* protect only over ranges an earlier map covers */
};

/* The declaration: a target exports one of these, named pgdfuzz_target in
 * a --target adapter file (see PGDFUZZ_TARGET below). */
struct pgdfuzz_target {
	unsigned abi;		 /* PGDFUZZ_TARGET_ABI */
	const char *name;	 /* signatures start with it: "fwpt", "kernel-mmu" */
	const char *description; /* one line, for pgdfuzz's reports */
	struct pgdfuzz_geometries geometries;
	struct pgdfuzz_contract contract;
	struct pgdfuzz_ops ops;

	bool may_block;	     /* may write block descriptors */
	bool may_cont;	     /* may set the contiguous bit */
	bool finer_in_block; /* may split a block to map finer inside it
			      * (then with BBM); false: such a request is
			      * refused or, per unsafe, BUGs or is ignored */
	enum pgdfuzz_unsafe unsafe;
	bool refusal_writes_nothing; /* every non-OK return left RAM untouched */
	bool adds_table_uxn;	     /* puts UXNTable on tables (core, Linux): the
				      * differential ignores table-inherited limits */
	/* Compare against core/ on the same requests (default for builders
	 * whose requests core understands). */
	bool differential;

	/* Optional per-target judge hook, run after the common checks with the
	 * verdict so far: a target may rename a divergence after its cause
	 * (K5's "block-not-written") by returning a kind; NULL keeps it. */
	const char *(*explain)(struct pgdfuzz_env *env, uint64_t root_pa, uint64_t va,
			       const char *kind);
};

/* In a --target adapter:  PGDFUZZ_TARGET = { .abi = PGDFUZZ_TARGET_ABI, ... }; */
#define PGDFUZZ_TARGET const struct pgdfuzz_target pgdfuzz_target

#endif
