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
 * turns it into a finding "<target>:BUG_ON:<function>:<what>:<geometry>:L-"
 * and unwinds out of the target's call (longjmp): the harness never
 * crashes. what is the condition as written; a signature uses its first
 * identifier ("not-" in front if negated), so line numbers moving between
 * versions do not split it. */
typedef void (*pgdfuzz_fatal_fn)(struct pgdfuzz_env *env, const char *function, const char *what,
				 int line) __attribute__((noreturn));

/* The adapter's own instrumentation caught the builder doing what it must
 * not, before it happened (descending through a block as if it were a
 * table, returning registers no CPU can use): the finding
 * "<target>:<kind>:<geometry>:L<level>" (level outside -1..3: "L-"), detail
 * its first line. Unwinds like fatal. */
typedef void (*pgdfuzz_stop_fn)(struct pgdfuzz_env *env, const char *kind, int level,
				const char *detail) __attribute__((noreturn));

/* Passed to every operation. Memory is simulated physical RAM: the tables
 * a target writes must lie in it, and pgdfuzz reads them back from it. */
struct pgdfuzz_env {
	const struct pgdfuzz_geometry *geo;

	/* Host bytes of [pa, pa + len) of simulated RAM, or NULL if any of it
	 * is not RAM (bounds-checked; never a pointer into pgdfuzz itself).
	 * Any len up to one granule at a granule-aligned PA inside RAM is
	 * served; a longer range may be refused (NULL). */
	void *(*phys_to_host)(struct pgdfuzz_env *env, uint64_t pa, size_t len);

	/* A zeroed (see zeroes_tables), granule-aligned, granule-sized table
	 * page inside RAM and below 2^pa_bits, for a table at level (the root's level for the
	 * root). Returns 0, or non-zero when out of pages: a case can inject
	 * that failure at its Nth allocation ("alloc fail_at=N"), and the
	 * judge then accepts either the old or the asked translation for the
	 * op that failed, but nothing else. */
	int (*alloc_table)(struct pgdfuzz_env *env, int level, uint64_t *pa);
	/* Give a table page back (optional to call). Reserved for the
	 * page-table memory checks of stage 2 (every page freed exactly when
	 * nothing references it). */
	void (*free_table)(struct pgdfuzz_env *env, int level, uint64_t pa);

	/* A fixed pool of table memory for builders that bump-allocate from
	 * one contiguous region addressed as PA + offset (early boot code,
	 * firmware): when the declaration sets pool_tables, pgdfuzz places
	 * pool_size zeroed bytes at pool_pa, outside the case's RAM banks and
	 * below 2^pa_bits, with host bytes at pool_host (contiguous), and
	 * copies them into simulated RAM after every operation. NULL/0
	 * otherwise. */
	void *pool_host;
	uint64_t pool_pa, pool_size;

	/* Report a fatal assertion; does not return. */
	pgdfuzz_fatal_fn fatal;
	/* Report a non-fatal warning (WARN_ON): the first one becomes the
	 * finding "<target>:WARN_ON:<function>:<what>:..." after the call
	 * returns. */
	void (*warn)(struct pgdfuzz_env *env, const char *function, const char *what, int line);
	/* Stop with a finding of the adapter's own; does not return. */
	pgdfuzz_stop_fn stop;
	/* Optional, before a non-OK return: why, for the finding's detail, and
	 * the level concerned (or any value outside -1..3). */
	void (*reason)(struct pgdfuzz_env *env, int level, const char *message);

	/* Set by init if signatures should name the target's variant (a
	 * kernel object per configuration: "4k-52-lpa2") instead of the
	 * case's geometry class. */
	const char *variant;

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
	PGDFUZZ_EINTERNAL,  /* the target caught its own inconsistency (a
			     * table outside RAM): always a finding */
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

/* One map request: [va, va + size) to pa, as the case asked (not widened
 * to pages). pgdfuzz passes only requests inside the contract the
 * declaration states (see pgdfuzz_contract), so the target needs no
 * argument checks of its own beyond what it documents. A protect request
 * uses the same struct: pa is the PA the range is mapped to when the
 * contract has protect_mapped_only (update_mapping_prot's callers know
 * it), else 0; flags are 0. */
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
	 * and return its PA. May set env->target_ctx. Required. For an
	 * identity-map case root_pa is NULL: set up state only, idmap builds
	 * its own tree. */
	int (*init)(struct pgdfuzz_env *env, uint64_t *root_pa);
	/* Tear down what init and the operations allocated on the host
	 * (table pages in simulated RAM are pgdfuzz's). Optional. */
	void (*fini)(struct pgdfuzz_env *env);

	int (*map)(struct pgdfuzz_env *env, uint64_t root_pa, const struct pgdfuzz_map *req);
	/* Change the attributes of a live mapping (update_mapping_prot,
	 * kvm_pgtable_stage2_relax_perms, ...). */
	int (*protect)(struct pgdfuzz_env *env, uint64_t root_pa, const struct pgdfuzz_map *req);
	/* No case asks for an unmap yet: declared for stage 2 and later ABIs. */
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
	 * the intent check finds it; an explain hook can name it
	 * ("block-not-written"). */
	PGDFUZZ_UNSAFE_MAY_IGNORE,
	/* Makes the change anyway: BBM findings are the target's. */
	PGDFUZZ_UNSAFE_WRITES,
	/* Builds tables nobody walks yet (early boot with the MMU off,
	 * map_range.c): overwriting a live entry is not a BBM question. */
	PGDFUZZ_UNSAFE_NOT_LIVE,
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
	bool protect_mapped_only; /* protect only inside one earlier map, whose PA
				   * the request carries; the intent is then a
				   * remap to that PA */
	/* Request flags the target honours (PGDFUZZ_NO_*; 0: all three). A
	 * map asking for PGDFUZZ_NO_BLOCK that the target cannot honour is not
	 * passed; other flags it cannot honour are dropped from the request
	 * (and from the differential's). */
	unsigned flags;
	/* A map whose prot has no attribute bits clears the range
	 * (map_range.c's convention); the intent is then "unmapped". */
	bool empty_prot_unmaps;
	/* Promises core's rule for table descriptors: every one carries
	 * UXNTable, PXNTable exactly when the map that created it asked
	 * PGDFUZZ_NO_EXEC, and never APTable or NSTable. The judge checks it
	 * ("table-attrs"); false: table attributes are not compared. */
	bool table_xn_by_flag;
};

/* Identity maps (ops.idmap). */
struct pgdfuzz_idmap {
	/* One call per range with its first page only, and this prot, not the
	 * case's (trans_pgd_idmap_page: one page, read-only executable). 0:
	 * one call with every range and the case's prot. */
	pgdfuzz_prot one_page_prot;
	/* Promises the smallest input size that reaches the highest PA, from
	 * the start level the architecture derives for it (core). */
	bool minimal_ia;
};

/* What the judge found, for the explain hook. */
struct pgdfuzz_divergence {
	const char *kind; /* "unmapped", "wrong-pa", "wrong-attrs", "extra-mapping" */
	int level;	  /* of the walk's last step; the hook may change it */
	uint64_t va;	  /* the first VA that differs */
	/* The last request that covered va, page-widened to [req_va, req_last]
	 * (req_valid false if none, e.g. an identity map), and the PA the
	 * intent gives va (intended_mapped false: none). */
	bool req_valid, req_protect;
	uint64_t req_va, req_last;
	unsigned req_flags;
	bool intended_mapped;
	uint64_t intended_pa;
	/* The reference walk of va: descriptor at each level it read. */
	unsigned nsteps;
	int step_level[6];
	uint64_t step_desc[6];
	char note[192]; /* the hook's explanation, for the detail */
};

/* The declaration: a target exports one of these, named pgdfuzz_target in
 * a --target adapter file (see PGDFUZZ_TARGET below). The judge is steered
 * by geometries, contract, ops, may_block, may_cont, unsafe (NOT_LIVE: no
 * BBM check), refusal_writes_nothing, differential, idmap, pool_tables and
 * explain; finer_in_block, adds_table_uxn and the other unsafe values
 * document the target for its reports (the intent and BBM checks hold
 * either way). */
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
	/* Zeroes every table page it allocates before linking it (core's
	 * pgd_alloc_table). alloc_table then hands out pages full of words
	 * that decode as valid descriptors instead of zeroed ones, so a table
	 * the target forgets to zero maps or walks what nobody asked for. */
	bool zeroes_tables;
	bool adds_table_uxn; /* puts UXNTable on tables (core, Linux): the
			      * differential ignores table-inherited limits */
	/* Compare against core/ on the same requests (default for builders
	 * whose requests core understands). */
	bool differential;
	struct pgdfuzz_idmap idmap;
	/* With a fixed table pool (see pgdfuzz_env.pool_host): an upper bound
	 * of the table pages one map request needs; pgdfuzz sums it over the
	 * case, plus the root. NULL: no pool. */
	uint64_t (*pool_tables)(const struct pgdfuzz_geometry *geo, const struct pgdfuzz_map *req);

	/* Optional per-target judge hook, run when the tables diverge from the
	 * intent: a target may rename the divergence after its cause (K5's
	 * "block-not-written") by returning a kind (and setting d->level and
	 * d->note); NULL keeps the judge's. */
	const char *(*explain)(struct pgdfuzz_env *env, struct pgdfuzz_divergence *d);
};

/* In a --target adapter:  PGDFUZZ_TARGET = { .abi = PGDFUZZ_TARGET_ABI, ... }; */
#define PGDFUZZ_TARGET const struct pgdfuzz_target pgdfuzz_target

#endif
