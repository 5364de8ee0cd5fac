/* The real-kernel judge (built only with -DPGDFUZZ_KERNEL_SRC): builder cases
 * drive the user's map_range() and __create_pgd_mapping_locked(), and the
 * same reference walker, lint and intent checks judge the kernel's tables.
 * A differential against core's tables for the same requests classifies the
 * result: identical, same translation with a different block choice, or a
 * different translation.
 *
 * Each op is given to the kernel only inside the contract its callers keep
 * (the same one core documents: equal page offsets, inside the VA half, no
 * wrap, PA within pa_bits, size > 0); other ops are skipped for both. */
#include "emu.h"
#include "internal.h"
#include "kernel.h"
#include "kimage.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* ---- Shared pieces ------------------------------------------------------ */

/* Set by oracle_fuzz_kernel_one() from PGDFUZZ_KERNEL_CONFIG: judge only
 * the cases that select this kernel object (NULL: all). */
static const char *only_config;

static bool skipped(const struct kernel_config *config)
{
	return only_config && strcmp(config->name, only_config);
}

/* A BUG_ON's condition as a signature word: its first identifier, "not-"
 * in front if negated ("!pgtable_alloc" -> "not-pgtable_alloc"). Several
 * BUG_ONs share a function, and line numbers move between versions. */
static void condition_name(const char *condition, char *out, size_t len)
{
	const char *at = condition ? condition : "";
	while (*at == ' ' || *at == '(')
		at++;
	bool negated = *at == '!';
	at += strspn(at, "!( ");
	size_t n = strspn(at, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
	snprintf(out, len, "%s%.*s", negated ? "not-" : "", (int)n, n ? at : "condition");
}

/* The case model a backend is driven by. */
static enum case_harness harness_of(const char *backend)
{
	return !strcmp(backend, "reloc")   ? CASE_HARNESS_RELOC
	       : !strcmp(backend, "trans") ? CASE_HARNESS_IDMAP
					   : CASE_HARNESS_BUILDER;
}

/* Page-widened [va, last] and pa of an op inside the callers' contract. */
static bool op_in_contract(const struct pgd_tree *tree, const struct case_op *op, uint64_t *va,
			   uint64_t *last, uint64_t *pa)
{
	return op->size && oracle_op_range(tree, op, true, va, last, pa);
}

/* Show a tree's tables (repro) when the judge stops before judging them. */
static void keep_tables(struct oracle *oracle, const struct pgd_tree *tree)
{
	oracle->regs = oracle_tree_regs(tree);
	oracle->features = oracle_features(&tree->geo);
	oracle->have_tables = true;
}

static void record(struct oracle_intent *intent, enum oracle_record_kind kind, uint64_t va,
		   uint64_t last, uint64_t pa, uint64_t prot)
{
	intent->records[intent->count++] = (struct oracle_record){
	    .kind = kind, .va = va, .last = last, .pa = pa, .prot = prot, .op = -1};
}

/* ---- Differential against core ------------------------------------------ */

#define DIFF_MAX 4096
struct diff_list {
	struct ref_interval *items;
	size_t count;
	bool overflow;
	bool effective; /* keep what tables above the leaf add to its attributes */
};

/* Translation only: merge runs that continue linearly with equal attributes.
 * The contiguous hint, the leaf or fault level are block choices, not
 * meaning. So, unless list->effective, are the XNTable/APTable limits: both
 * builders put UXNTable on every table, so whether a leaf has a table above
 * it (a root-level block has none) decides them, not the request. */
static int diff_collect(void *ctx, const struct ref_interval *in)
{
	struct diff_list *list = ctx;
	struct ref_interval item = *in;
	item.attrs.contiguous = false;
	item.level = 0;
	item.block_shift = 0;
	if (!list->effective) {
		item.attrs.table_ap = 0;
		item.attrs.table_pxn = item.attrs.table_uxn = false;
		item.attrs.perms = 0;
	}
	if (list->count) {
		struct ref_interval *prev = &list->items[list->count - 1];
		if (prev->va + prev->size == item.va && prev->fault == item.fault &&
		    prev->has_leaf == item.has_leaf &&
		    (!item.has_leaf || (prev->pa + prev->size == item.pa &&
					ref_attrs_equal(&prev->attrs, &item.attrs)))) {
			prev->size += item.size;
			return 0;
		}
	}
	if (list->count == DIFF_MAX) {
		list->overflow = true;
		return 1;
	}
	list->items[list->count++] = item;
	return 0;
}

static int raw_count(void *ctx, const struct ref_interval *in)
{
	(void)in;
	(*(size_t *)ctx)++;
	return 0;
}

enum diff_class { DIFF_NOT_RUN, DIFF_IDENTICAL, DIFF_BLOCK_CHOICE, DIFF_TRANSLATION };

static const char *diff_class_name(enum diff_class class)
{
	static const char *const names[] = {"not compared", "identical",
					    "same translation, different block choice",
					    "different translation"};
	return names[class];
}

/* Walk both trees into merged interval lists; false if they differ, with
 * *where the first VA that translates differently. Both lists cover the
 * same VA half without gaps. */
static bool same_intervals(struct ref_regime *ra, struct ref_regime *rb, uint64_t lo, uint64_t hi,
			   bool effective, bool *overflow, uint64_t *where)
{
	static struct ref_interval a_items[DIFF_MAX], b_items[DIFF_MAX];
	struct diff_list a = {a_items, 0, false, effective}, b = {b_items, 0, false, effective};
	ref_range_walk(ra, lo, hi, diff_collect, &a);
	ref_range_walk(rb, lo, hi, diff_collect, &b);
	*overflow = a.overflow || b.overflow;
	if (*overflow)
		return true;
	for (size_t i = 0; i < a.count && i < b.count; i++) {
		const struct ref_interval *x = &a.items[i], *y = &b.items[i];
		bool same_start =
		    x->fault == y->fault && x->has_leaf == y->has_leaf &&
		    (!x->has_leaf || (x->pa == y->pa && ref_attrs_equal(&x->attrs, &y->attrs)));
		if (!same_start) {
			*where = x->va;
			return false;
		}
		if (x->size != y->size) {
			*where = x->va + (x->size < y->size ? x->size : y->size);
			return false;
		}
	}
	return true;
}

/* Compare two trees over the same VA half; *where is the first differing VA.
 * note tells when only table-inherited permissions differ. */
static enum diff_class classify(struct oracle *oracle, const struct pgd_tree *kernel_tree,
				struct physmem *core_mem, const struct pgd_tree *core_tree,
				uint64_t *where, char *note, size_t note_len)
{
	struct ref_features features = oracle_features(&kernel_tree->geo);
	struct ref_regs regs_a = oracle_tree_regs(kernel_tree),
			regs_b = oracle_tree_regs(core_tree);
	struct ref_mem mem_a = oracle_ref_mem(oracle->mem), mem_b = oracle_ref_mem(core_mem);
	struct ref_regime ra, rb;
	char why[128];
	bool overflow;
	uint64_t lo, hi, at = 0;
	pgd_tree_va_range(kernel_tree, &lo, &hi);
	if (ref_regime_init(&ra, &regs_a, &features, &mem_a, why, sizeof(why)) ||
	    ref_regime_init(&rb, &regs_b, &features, &mem_b, why, sizeof(why)))
		return DIFF_NOT_RUN;
	if (!same_intervals(&ra, &rb, lo, hi, false, &overflow, where))
		return DIFF_TRANSLATION;
	if (overflow)
		return DIFF_NOT_RUN;
	if (!same_intervals(&ra, &rb, lo, hi, true, &overflow, &at) && !overflow) {
		snprintf(note, note_len,
			 "effective permissions differ from VA 0x%016llx only through "
			 "table attributes (XNTable/APTable) above leaves at other levels",
			 (unsigned long long)at);
		return DIFF_BLOCK_CHOICE;
	}
	size_t raw_a = 0, raw_b = 0;
	ref_range_walk(&ra, lo, hi, raw_count, &raw_a);
	ref_range_walk(&rb, lo, hi, raw_count, &raw_b);
	/* Equal meaning; equal interval structure too means equal leaves. */
	return raw_a == raw_b ? DIFF_IDENTICAL : DIFF_BLOCK_CHOICE;
}

/* Run the accepted ops through core; DIFF_NOT_RUN if core refuses one. */
static enum diff_class differential(struct oracle *oracle, const struct pgd_case *c,
				    const struct pgd_tree *kernel_tree, const bool *ran,
				    unsigned flag_mask, uint64_t *where, char *note,
				    size_t note_len)
{
	static struct physmem *core_mem;
	struct pgd_error err;
	if (!core_mem && !(core_mem = physmem_new()))
		return DIFF_NOT_RUN;
	physmem_reset(core_mem);
	for (unsigned i = 0; i < c->n_banks; i++)
		if (physmem_add_bank(core_mem, c->banks[i].base, c->banks[i].size, NULL))
			return DIFF_NOT_RUN;
	struct pgd_page_alloc pages;
	pgd_page_alloc_init(&pages, core_mem, pgd_granule(&kernel_tree->geo));
	pgd_page_alloc_limit(&pages, 1ULL << kernel_tree->geo.pa_bits);
	struct pgd_tree tree;
	if (pgd_tree_init(&tree, &kernel_tree->geo, core_mem, pgd_page_alloc_ops(&pages),
			  kernel_tree->upper, &err)) {
		snprintf(note, note_len, "core: %s", err.message);
		return DIFF_NOT_RUN;
	}
	for (unsigned i = 0; i < c->n_ops; i++) {
		const struct case_op *op = &c->ops[i];
		if (!ran[i])
			continue;
		int ret = op->kind == CASE_OP_MAP
			      ? pgd_map(&tree, op->va, op->pa, op->size, op->prot,
					op->flags & flag_mask, &err)
			      : pgd_update(&tree, op->va, op->size, op->prot, &err);
		if (ret != PGD_OK) {
			snprintf(note, note_len, "core refused op %u: %s", i, err.message);
			return DIFF_NOT_RUN;
		}
	}
	return classify(oracle, kernel_tree, core_mem, &tree, where, note, note_len);
}

static void report_differential(struct oracle *oracle, const struct pgd_case *c,
				const struct pgd_tree *tree, const bool *ran, unsigned flag_mask,
				const char *harness, const char *geometry,
				struct oracle_verdict *verdict)
{
	uint64_t where = 0;
	char note[256] = "";
	enum diff_class class =
	    differential(oracle, c, tree, ran, flag_mask, &where, note, sizeof(note));
	if (class == DIFF_TRANSLATION && !verdict->finding)
		/* The kernel met the intent, so core (or the judge) disagrees. */
		oracle_finding(verdict, harness, "differs-from-core", geometry, PGD_NO_LEVEL,
			       "kernel and core translate VA 0x%016llx differently although the "
			       "kernel's tables match the intent",
			       (unsigned long long)where);
	oracle_detail(verdict, "differential against core: %s%s%s\n", diff_class_name(class),
		      note[0] ? "; " : "", note);
}

static bool setup(struct oracle *oracle, const struct pgd_case *c, struct pgd_geometry *geo,
		  char *geometry, size_t len)
{
	struct pgd_error err;
	physmem_reset(oracle->mem);
	for (unsigned i = 0; i < c->n_banks; i++)
		if (physmem_add_bank(oracle->mem, c->banks[i].base, c->banks[i].size, NULL))
			return false;
	if (pgd_geometry_init(geo, &c->geometry, &err))
		return false;
	pgd_geometry_class(geo, geometry, len);
	return true;
}

/* The prot a kernel caller passes: the case's leaf bits, a valid page type,
 * and no SH field under LPA2 (those descriptor bits are address bits). */
static uint64_t kernel_prot(const struct pgd_geometry *geo, uint64_t prot)
{
	prot &= PGD_PROT_MASK;
	if (geo->lpa2)
		prot &= ~PGD_SH_MASK;
	return prot | PGD_DESC_VALID | PGD_DESC_TABLE;
}

/* ---- map_range ------------------------------------------------------------ */

#define MR_HARNESS  "kernel-map_range"
#define MR_POOL_MAX (64ULL << 20)

/* Upper bound of the tables map_range allocates for one op: at each level
 * every touched entry may recurse, or only the two edge chunks when va and
 * pa agree modulo that level's block size. */
static uint64_t map_range_tables(const struct pgd_geometry *geo, uint64_t va, uint64_t last,
				 uint64_t pa)
{
	uint64_t total = 0;
	for (int level = geo->start_level; level < 3; level++) {
		unsigned shift = pgd_level_shift(geo, level);
		uint64_t chunks = (last >> shift) - (va >> shift) + 1;
		bool congruent = !((va ^ pa) & ((1ULL << shift) - 1));
		total += congruent && chunks > 2 ? 2 : chunks;
	}
	return total;
}

/* A PA range for the table pool, outside every case bank and within
 * pa_bits; 0 if none fits. */
static uint64_t pool_place(const struct pgd_case *c, const struct pgd_geometry *geo, uint64_t size)
{
	uint64_t limit = 1ULL << geo->pa_bits, granule = pgd_granule(geo);
	uint64_t candidates[CASE_MAX_BANKS + 2];
	size_t n = 0;
	candidates[n++] = (limit - size) & ~(granule - 1);
	candidates[n++] = granule;
	for (unsigned i = 0; i < c->n_banks; i++)
		candidates[n++] =
		    (c->banks[i].base + c->banks[i].size + granule - 1) & ~(granule - 1);
	for (size_t k = 0; k < n; k++) {
		uint64_t base = candidates[k];
		if (base + size > limit || base + size < base)
			continue;
		bool clear = true;
		for (unsigned i = 0; i < c->n_banks && clear; i++)
			clear = base + size <= c->banks[i].base ||
				c->banks[i].base + c->banks[i].size <= base;
		if (clear)
			return base;
	}
	return 0;
}

/* map_range() tried to descend through an entry that is not one of the
 * pool's tables; the shim stopped it before any access (kernel.h). */
static void report_refused_descent(struct oracle_verdict *verdict, const char *geometry,
				   unsigned index, const struct case_op *op)
{
	const struct kernel_table_pool *pool = &kernel_table_pool;
	if (!strcmp(pool->refused, "table-outside-pool")) {
		oracle_finding(verdict, MR_HARNESS, pool->refused, geometry, PGD_NO_LEVEL,
			       "pgdfuzz's table pool for map_range() is too small or misplaced "
			       "(op %u): a harness bug, not the kernel's",
			       index);
		return;
	}
	const char *what = !strcmp(pool->refused, "block-as-table")
			       ? "a block descriptor"
			       : "an invalid descriptor left with its address bits (a clearing "
				 "map_range() call writes the PA without the valid bit, so "
				 "pte_none() is false)";
	oracle_finding(
	    verdict, MR_HARNESS, pool->refused, geometry, pool->level,
	    "arch/arm64/kernel/pi/map_range.c: map_range() descends through %s at "
	    "level %d as if it were a table (descriptor at PA 0x%llx = 0x%016llx; op %u: "
	    "map va=0x%llx pa=0x%llx size=0x%llx), so it would read and write the "
	    "descriptor's output PA as page-table memory. Stopped before the access.",
	    what, pool->level, (unsigned long long)pool->entry_pa, (unsigned long long)pool->desc,
	    index, (unsigned long long)op->va, (unsigned long long)op->pa,
	    (unsigned long long)op->size);
}

static void judge_map_range(struct oracle *oracle, const struct pgd_case *c,
			    struct oracle_verdict *verdict)
{
	static uint8_t *pool;
	struct pgd_geometry geo;
	char geometry[48];
	if (!setup(oracle, c, &geo, geometry, sizeof(geometry)))
		return;
	const struct kernel_map_range *obj = kernel_find_map_range(&geo);
	if (obj && skipped(&obj->config))
		return;
	if (!obj) {
		oracle_detail(verdict, "no map_range object for geometry %s: not compared\n",
			      geometry);
		return;
	}
	if (!pool) {
		/* Untouched pages cost nothing; the guard page turns an
		 * overrun of the bound below into a crash, not corruption. */
		void *map = mmap(NULL, MR_POOL_MAX + 65536, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (map == MAP_FAILED)
			abort(); /* no host memory: nothing can be judged */
		mprotect((uint8_t *)map + MR_POOL_MAX, 65536, PROT_NONE);
		pool = map;
	}
	uint64_t granule = pgd_granule(&geo);
	struct pgd_tree tree = {.geo = geo, .mem = oracle->mem, .upper = c->upper};
	uint64_t ia_mask = geo.ia_bits >= 64 ? UINT64_MAX : (1ULL << geo.ia_bits) - 1;

	/* Which ops run, and the pool they need. */
	bool ran[CASE_MAX_OPS] = {false};
	uint64_t tables = 1;
	for (unsigned i = 0; i < c->n_ops; i++) {
		const struct case_op *op = &c->ops[i];
		uint64_t va, last, pa;
		/* map_range has no no-block mode and no update. */
		if (op->kind != CASE_OP_MAP || (op->flags & PGD_NO_BLOCK) ||
		    !op_in_contract(&tree, op, &va, &last, &pa))
			continue;
		ran[i] = true;
		tables += map_range_tables(&geo, va, last, pa);
	}
	if (tables > MR_POOL_MAX / granule) {
		oracle_detail(verdict, "needs up to %llu tables: not compared\n",
			      (unsigned long long)tables);
		return;
	}
	uint64_t pool_size = tables * granule;
	/* map_range expects zeroed pages; clear whatever the last case may have
	 * touched (it can stop early on a finding). */
	static uint64_t pool_dirty;
	memset(pool, 0, pool_dirty);
	pool_dirty = pool_size;
	uint64_t pool_pa = pool_place(c, &geo, pool_size);
	if (!pool_pa || physmem_add_bank(oracle->mem, pool_pa, pool_size, NULL)) {
		oracle_detail(verdict, "no room for the table pool: not compared\n");
		return;
	}
	tree.root_pa = pool_pa;
	static int8_t levels[MR_POOL_MAX / 4096];
	levels[0] = (int8_t)geo.start_level;
	kernel_table_pool = (struct kernel_table_pool){
	    .host = pool, .pa = pool_pa, .size = pool_size, .granule = granule, .levels = levels};
	uint64_t va_offset = (uint64_t)(uintptr_t)pool - pool_pa;
	uint64_t next_table = pool_pa + granule;
	static struct oracle_intent intent;
	intent.count = 0;
	uint64_t user_bits = 0;
	bool unmaps = false;

	for (unsigned i = 0; i < c->n_ops && !verdict->finding; i++) {
		const struct case_op *op = &c->ops[i];
		uint64_t va, last, pa;
		if (!ran[i] || !op_in_contract(&tree, op, &va, &last, &pa)) {
			oracle_outcome(
			    verdict,
			    "op %u %s: not run (map_range() only maps, has no no_block mode, "
			    "and its callers keep its contract)",
			    i, case_op_name(op->kind));
			continue;
		}
		uint64_t prot = kernel_prot(&geo, op->prot);
		uint64_t start = va & ia_mask;
		oracle_outcome(verdict,
			       "op %u %s va=0x%llx pa=0x%llx size=0x%llx: map_range() with prot "
			       "0x%llx%s",
			       i, case_op_name(op->kind), (unsigned long long)va,
			       (unsigned long long)pa, (unsigned long long)(last - va + 1),
			       (unsigned long long)prot,
			       op->flags & PGD_NO_CONT ? "" : ", may_use_cont");
		kernel_table_pool.refused = NULL;
		kernel_trap.armed = true;
		if (setjmp(kernel_trap.env) == 0)
			obj->map_range(&next_table, start, start + (last - va) + 1, pa, prot,
				       geo.start_level, (uint64_t *)pool,
				       !(op->flags & PGD_NO_CONT), va_offset);
		kernel_trap.armed = false;
		verdict->ops_done++;
		if (kernel_table_pool.refused) {
			report_refused_descent(verdict, geometry, i, op);
			break;
		}
		/* With no attribute bits map_range() clears the entries. */
		bool unmap = !(prot & ~(PGD_DESC_VALID | PGD_DESC_TABLE));
		record(&intent, unmap ? ORACLE_RECORD_UNMAP : ORACLE_RECORD_MAP, va, last, pa,
		       prot & PGD_PROT_MASK);
		unmaps |= unmap;
		user_bits |= prot & PGD_PROT_MASK;
	}
	/* A refused descent may leave next_table past the pool. */
	uint64_t used = next_table - pool_pa;
	physmem_write(oracle->mem, pool_pa, pool, used < pool_size ? used : pool_size);
	if (verdict->finding) {
		keep_tables(oracle, &tree); /* what the kernel built before it stopped */
		return;
	}
	oracle_judge_tables(oracle, &tree, &intent, user_bits, MR_HARNESS, geometry, verdict);
	if (verdict->finding)
		oracle_detail(verdict,
			      "(tables built by arch/arm64/kernel/pi/map_range.c: "
			      "map_range(), Linux %s)\n",
			      kernel_version);
	/* map_range has no PXNTable option: core is asked for the same. Core has
	 * no unmap, so cases with map_range unmaps are not compared. */
	if (unmaps) {
		oracle_detail(verdict, "differential against core: not compared (unmap op)\n");
		return;
	}
	report_differential(oracle, c, &tree, ran, ~(unsigned)PGD_NO_EXEC, MR_HARNESS, geometry,
			    verdict);
}

/* ---- mmu.c: __create_pgd_mapping_locked ---------------------------------- */

#define MMU_HARNESS "kernel-mmu"

struct mmu_ctx {
	struct physmem *mem;
	struct pgd_page_alloc *pages;
	struct pgd_mm_ops mm;
};

static uint64_t mmu_alloc(void *opaque, int shift)
{
	struct mmu_ctx *ctx = opaque;
	uint64_t pa;
	(void)shift;
	if (ctx->mm.alloc(ctx->mm.ctx, 0, &pa))
		return 0;
	/* 6.1 wants zeroed pages; 6.12 zeroes them itself. */
	physmem_zero(ctx->mem, pa, ctx->pages->granule);
	return pa;
}

/* The host bytes of simulated RAM at pa (materialised), or NULL. */
static uint8_t *host_at(struct physmem *mem, uint64_t pa)
{
	uint8_t *chunk = physmem_chunk(mem, pa);
	return chunk ? chunk + (pa & (PHYSMEM_CHUNK - 1)) : NULL;
}

static void *mmu_phys_to_host(void *opaque, uint64_t pa)
{
	struct mmu_ctx *ctx = opaque;
	return host_at(ctx->mem, pa);
}

void kernel_bug(const char *function, const char *condition, int line)
{
	kernel_trap.bug = true;
	kernel_trap.function = function;
	kernel_trap.condition = condition;
	kernel_trap.line = line;
	if (kernel_trap.armed)
		longjmp(kernel_trap.env, 1);
	abort(); /* a BUG_ON outside a judged call: the harness itself is wrong */
}

void kernel_warn(const char *function, const char *condition, int line)
{
	if (!kernel_trap.warnings++) {
		kernel_trap.function = function;
		kernel_trap.condition = condition;
		kernel_trap.line = line;
	}
}

/* The PA an update op's range is mapped to, from the intent: the whole range
 * must lie in one earlier map (update_mapping_prot's callers know it). */
static bool update_pa(const struct oracle_intent *intent, uint64_t va, uint64_t last, uint64_t *pa)
{
	for (size_t r = intent->count; r-- > 0;)
		if (va >= intent->records[r].va && last <= intent->records[r].last) {
			*pa = intent->records[r].pa + (va - intent->records[r].va);
			return true;
		}
	return false;
}

/* The level at which the kernel was asked for a block at va and left an
 * older entry there instead, or PGD_NO_LEVEL. That is how p?d_set_huge()
 * treats an unsafe change (K5 in kernel/kernel-findings.md): it writes
 * nothing, and the BUG_ON after it then compares the old entry with
 * itself. The op is the last one run over va; the block is the largest its
 * alignment, flags and range allow (pud blocks with 4K pages only), as
 * alloc_init_pud() and init_pmd() choose. */
static int ignored_block_level(struct oracle *oracle, const struct pgd_case *c,
			       const struct pgd_tree *tree, const bool *ran,
			       const struct oracle_intent *intent, uint64_t va)
{
	static struct oracle_piece pieces[ORACLE_MAX_PIECES];
	size_t count = oracle_flatten(intent, pieces);
	const struct oracle_piece *piece = NULL;
	for (size_t i = 0; i < count && !piece; i++)
		if (pieces[i].mapped && va >= pieces[i].va && va - pieces[i].va < pieces[i].size)
			piece = &pieces[i];
	const struct case_op *op = NULL;
	uint64_t op_va = 0, op_last = 0, op_pa;
	for (unsigned i = c->n_ops; i-- > 0 && !op;)
		if (ran[i] && op_in_contract(tree, &c->ops[i], &op_va, &op_last, &op_pa) &&
		    va >= op_va && va <= op_last)
			op = &c->ops[i];
	if (!piece || !op)
		return PGD_NO_LEVEL;
	unsigned flags = op->kind == CASE_OP_MAP ? op->flags : KERNEL_NO_CONT_MAPPINGS;
	if (flags & KERNEL_NO_BLOCK_MAPPINGS)
		return PGD_NO_LEVEL;
	uint64_t pa = piece->pa + (va - piece->va);
	int first = tree->geo.page_shift == 12 ? 1 : 2;
	for (int level = first > tree->geo.start_level ? first : tree->geo.start_level; level < 3;
	     level++) {
		uint64_t size = 1ULL << pgd_level_shift(&tree->geo, level);
		uint64_t chunk = va & ~(size - 1);
		if (chunk < op_va || chunk + (size - 1) > op_last ||
		    ((pa - (va - chunk)) & (size - 1)))
			continue;
		/* The block belongs at this level: what is there instead? */
		struct ref_regs regs = oracle_tree_regs(tree);
		struct ref_features features = oracle_features(&tree->geo);
		struct ref_mem mem = oracle_ref_mem(oracle->mem);
		struct ref_result walk;
		char why[96];
		if (ref_walk(&regs, &features, &mem, va, REF_TRANSLATE, &walk, why, sizeof(why)))
			return PGD_NO_LEVEL;
		for (unsigned s = 0; s < walk.nsteps; s++)
			if (walk.steps[s].level == level)
				return walk.steps[s].desc & 1 ? level : PGD_NO_LEVEL;
		return PGD_NO_LEVEL;
	}
	return PGD_NO_LEVEL;
}

static void judge_mmu(struct oracle *oracle, const struct pgd_case *c,
		      struct oracle_verdict *verdict)
{
	struct pgd_geometry geo;
	char geometry[48];
	if (!setup(oracle, c, &geo, geometry, sizeof(geometry)))
		return;
	const struct kernel_mmu *obj = kernel_find_mmu(&geo);
	if (obj && skipped(&obj->config))
		return;
	if (!obj) {
		oracle_detail(verdict, "no mmu.c object for geometry %s: not compared\n", geometry);
		return;
	}
	static struct pgd_page_alloc pages;
	static struct mmu_ctx ctx;
	pgd_page_alloc_init(&pages, oracle->mem, pgd_granule(&geo));
	pgd_page_alloc_limit(&pages, 1ULL << geo.pa_bits);
	ctx = (struct mmu_ctx){oracle->mem, &pages, pgd_page_alloc_ops(&pages)};
	kernel_mmu_env = (struct kernel_mmu_env){mmu_alloc, mmu_phys_to_host, &ctx};
	struct pgd_tree tree = {.geo = geo, .mem = oracle->mem, .upper = c->upper};
	tree.root_pa = mmu_alloc(&ctx, 0);
	if (!tree.root_pa)
		return;
	uint64_t *root = mmu_phys_to_host(&ctx, tree.root_pa);

	static struct oracle_intent intent;
	intent.count = 0;
	static bool ran[CASE_MAX_OPS];
	memset(ran, 0, sizeof(ran));
	uint64_t user_bits = 0;
	for (unsigned i = 0; i < c->n_ops; i++) {
		const struct case_op *op = &c->ops[i];
		uint64_t va, last, pa;
		if ((op->kind != CASE_OP_MAP && op->kind != CASE_OP_UPDATE) ||
		    !op_in_contract(&tree, op, &va, &last,
				    &pa) /* size 0 is an unchecked precondition */) {
			oracle_outcome(verdict, "op %u %s: not run (outside the callers' contract)",
				       i, case_op_name(op->kind));
			continue;
		}
		bool map = op->kind == CASE_OP_MAP;
		if (!map && !update_pa(&intent, va, last, &pa)) {
			oracle_outcome(verdict,
				       "op %u update: not run (the range is not mapped by "
				       "one earlier map)",
				       i);
			continue;
		}
		uint64_t prot = kernel_prot(&geo, op->prot);
		/* update_mapping_prot(): no allocator, no contiguous hints. */
		int flags = map ? (int)op->flags : KERNEL_NO_CONT_MAPPINGS;
		bool overlap = oracle_intent_overlaps(&intent, va, last);
		if (overlap && !physmem_copy(oracle->before, oracle->mem))
			overlap = false;
		ran[i] = true;
		kernel_trap.armed = true;
		kernel_trap.bug = false;
		kernel_trap.warnings = 0;
		if (setjmp(kernel_trap.env) == 0)
			obj->create_pgd_mapping(
			    root, map ? op->pa : pa | (op->va & (pgd_granule(&geo) - 1)), op->va,
			    op->size, prot, map, flags);
		kernel_trap.armed = false;
		verdict->ops_done++;
		oracle_outcome(verdict,
			       "op %u %s va=0x%llx size=0x%llx: __create_pgd_mapping_locked() "
			       "(%s) %s",
			       i, case_op_name(op->kind), (unsigned long long)op->va,
			       (unsigned long long)op->size,
			       map ? "a map" : "as update_mapping_prot()",
			       kernel_trap.bug	      ? "hit a BUG_ON (below)"
			       : kernel_trap.warnings ? "hit a WARN_ON (below)"
						      : "returned");
		if (kernel_trap.bug || kernel_trap.warnings) {
			char kind[96], check[48];
			condition_name(kernel_trap.condition, check, sizeof(check));
			snprintf(kind, sizeof(kind), "%s:%s:%s",
				 kernel_trap.bug ? "BUG_ON" : "WARN_ON", kernel_trap.function,
				 check);
			oracle_finding(verdict, MMU_HARNESS, kind, geometry, PGD_NO_LEVEL,
				       "arch/arm64/mm/mmu.c:%d: %s(): %s(%s) fired (Linux %s) in "
				       "op %u: %s va=0x%llx pa=0x%llx "
				       "size=0x%llx prot=0x%llx flags=0x%x",
				       kernel_trap.line, kernel_trap.function,
				       kernel_trap.bug ? "BUG_ON" : "WARN_ON",
				       kernel_trap.condition, kernel_version, i,
				       case_op_name(op->kind), (unsigned long long)op->va,
				       (unsigned long long)pa, (unsigned long long)op->size,
				       (unsigned long long)prot, flags);
			break;
		}
		if (overlap) {
			char who[96];
			snprintf(who, sizeof(who),
				 "arch/arm64/mm/mmu.c: __create_pgd_mapping_locked() (op %u)", i);
			oracle_check_bbm(oracle, &tree, MMU_HARNESS, geometry, who, verdict);
			if (verdict->finding)
				break;
		}
		/* An update is a remap to the same PA here. */
		record(&intent, ORACLE_RECORD_MAP, va, last, pa, prot & PGD_PROT_MASK);
		user_bits |= prot & PGD_PROT_MASK;
	}
	if (verdict->finding) {
		keep_tables(oracle, &tree);
		return;
	}
	oracle_judge_tables(oracle, &tree, &intent, user_bits, MMU_HARNESS, geometry, verdict);
	if (verdict->finding)
		oracle_detail(verdict,
			      "(tables built by arch/arm64/mm/mmu.c: "
			      "__create_pgd_mapping_locked(), Linux %s)\n",
			      kernel_version);
	int level = verdict->located
			? ignored_block_level(oracle, c, &tree, ran, &intent, verdict->where)
			: PGD_NO_LEVEL;
	if (level != PGD_NO_LEVEL) {
		/* Rename the divergence after its cause (K5): the signature then
		 * says what happened, and the allowlist can name it exactly. */
		char detail[sizeof(verdict->detail)];
		snprintf(detail, sizeof(detail), "%s", verdict->detail);
		verdict->finding = false;
		verdict->detail[0] = 0;
		oracle_finding(verdict, MMU_HARNESS, "block-not-written", geometry, level,
			       "a level %d block was due at VA 0x%016llx and the entry kept its "
			       "old value: p?d_set_huge() refused an unsafe change without "
			       "BUG_ON\n%s",
			       level, (unsigned long long)verdict->where, detail);
	}
	report_differential(oracle, c, &tree, ran, ~0u, MMU_HARNESS, geometry, verdict);
}

/* ---- Entry points ----------------------------------------------------------- */

/* ---- trans_pgd_idmap_page ----------------------------------------------------- */

#define TRANS_HARNESS	"kernel-trans"
#define TRANS_MAX_PAGES 8 /* the routine builds at most 4 levels */

struct trans_ctx {
	struct physmem *mem;
	struct pgd_mm_ops mm;
	uint64_t granule;
	unsigned count;
	struct {
		const uint8_t *host;
		uint64_t pa;
	} pages[TRANS_MAX_PAGES + 1]; /* the tables, then the page mapped */
};

static void *trans_alloc_page(void *opaque)
{
	struct trans_ctx *ctx = opaque;
	uint64_t pa;
	if (ctx->count == TRANS_MAX_PAGES || ctx->mm.alloc(ctx->mm.ctx, 0, &pa) ||
	    !physmem_zero(ctx->mem, pa, ctx->granule))
		return NULL;
	uint8_t *host = host_at(ctx->mem, pa);
	ctx->pages[ctx->count].host = host;
	ctx->pages[ctx->count++].pa = pa;
	return host;
}

/* virt_to_phys() of a page the harness handed out. */
static uint64_t trans_host_to_phys(void *opaque, const void *host)
{
	struct trans_ctx *ctx = opaque;
	const uint8_t *at = host;
	for (unsigned i = 0; i <= TRANS_MAX_PAGES; i++)
		if ((i < ctx->count || i == TRANS_MAX_PAGES) && at >= ctx->pages[i].host &&
		    at < ctx->pages[i].host + ctx->granule)
			return ctx->pages[i].pa + (uint64_t)(at - ctx->pages[i].host);
	kernel_bug("virt_to_phys", "a pointer the harness did not hand out", __LINE__);
}

/* The page kexec's relocation code runs from, identity mapped by the
 * kernel's trans_pgd_idmap_page(): with the TTBR0 and T0SZ it returns, the
 * page must translate to itself, read-only and executable at EL1, in tables
 * that lint clean. One call per idmap range of the case (its first page). */
static void judge_trans(struct oracle *oracle, const struct pgd_case *c,
			struct oracle_verdict *verdict)
{
	struct pgd_geometry base;
	char geometry[48];
	if (!setup(oracle, c, &base, geometry, sizeof(geometry)))
		return;
	const struct kernel_trans *obj = kernel_find_trans(&base);
	if (obj && skipped(&obj->config))
		return;
	if (!obj) {
		oracle_detail(verdict, "no trans_pgd.c object for geometry %s: not compared\n",
			      geometry);
		return;
	}
	const uint64_t granule = pgd_granule(&base);
	for (unsigned i = 0; i < c->n_ops && !verdict->finding; i++) {
		const struct case_op *op = &c->ops[i];
		uint64_t pa = op->pa & ~(granule - 1);
		if (op->kind != CASE_OP_IDMAP || (pa >> base.pa_bits) ||
		    !physmem_is_ram(oracle->mem, pa, granule) || !physmem_chunk(oracle->mem, pa))
			continue;
		static struct pgd_page_alloc pages;
		static struct trans_ctx ctx;
		pgd_page_alloc_init(&pages, oracle->mem, granule);
		pgd_page_alloc_limit(&pages, 1ULL << base.pa_bits);
		pgd_page_alloc_reserve(&pages, pa, granule);
		ctx =
		    (struct trans_ctx){oracle->mem, pgd_page_alloc_ops(&pages), granule, 0, {{0}}};
		ctx.pages[TRANS_MAX_PAGES].host = host_at(oracle->mem, pa);
		ctx.pages[TRANS_MAX_PAGES].pa = pa;
		kernel_trans_env =
		    (struct kernel_trans_env){trans_alloc_page, trans_host_to_phys, &ctx};
		uint64_t ttbr0 = 0;
		unsigned long t0sz = 0;
		kernel_trap = (struct kernel_trap){.armed = true};
		if (setjmp(kernel_trap.env)) {
			kernel_trap.armed = false;
			oracle_finding(verdict, TRANS_HARNESS, "BUG_ON", obj->config.name,
				       PGD_NO_LEVEL, "%s: BUG_ON(%s) at line %d",
				       kernel_trap.function, kernel_trap.condition,
				       kernel_trap.line);
			return;
		}
		int ret = obj->idmap_page(&ttbr0, &t0sz, (void *)ctx.pages[TRANS_MAX_PAGES].host);
		kernel_trap.armed = false;
		if (ret)
			continue; /* -ENOMEM: the case's RAM ran out */
		verdict->ops_done++;

		/* The regime kexec installs: TTBR0 and T0SZ from the kernel,
		 * the rest as the running kernel has them (TCR.DS with LPA2). */
		struct pgd_config walk_config = {.granule = (unsigned)granule,
						 .va_bits = 64 - (unsigned)t0sz,
						 .pa_bits = base.pa_bits,
						 .lpa2 = base.lpa2};
		struct pgd_geometry walk_geo;
		struct pgd_error perr;
		if (t0sz < 12 || t0sz > 39 || pgd_geometry_init(&walk_geo, &walk_config, &perr)) {
			oracle_finding(
			    verdict, TRANS_HARNESS, "bad-t0sz", obj->config.name, PGD_NO_LEVEL,
			    "trans_pgd_idmap_page() returned T0SZ %lu for PA 0x%llx, which "
			    "%s pages with %u-bit PAs cannot use",
			    t0sz, (unsigned long long)pa, obj->config.name, base.pa_bits);
			return;
		}
		struct ref_regs regs = {.tcr = pgd_tcr(&walk_geo, NULL),
					.ttbr0 = ttbr0,
					.sctlr = PGD_SCTLR_MMU_ON,
					.mair = PGD_MAIR_DEFAULT};
		struct ref_features features = oracle_features(&walk_geo);
		struct ref_mem mem = oracle_ref_mem(oracle->mem);
		struct ref_regime regime;
		char why[160];
		if (ref_regime_init(&regime, &regs, &features, &mem, why, sizeof(why))) {
			oracle_finding(verdict, TRANS_HARNESS, "bad-regs", obj->config.name,
				       PGD_NO_LEVEL, "TTBR0 0x%llx, T0SZ %lu: %s",
				       (unsigned long long)ttbr0, t0sz, why);
			return;
		}
		oracle->regs = regs;
		oracle->features = features;
		oracle->have_tables = true;
		struct ref_result read, write;
		ref_walk_regime(&regime, pa, REF_EL1_EXEC, &read);
		ref_walk_regime(&regime, pa, REF_EL1_WRITE, &write);
		const char *kind = read.fault				 ? "unmapped"
				   : read.pa != pa			 ? "wrong-pa"
				   : write.fault != REF_FAULT_PERMISSION ? "writable"
									 : NULL;
		/* Fewer tables than the walk from this T0SZ needs: it starts in
		 * a table built for a lower level, and where the walk then fails
		 * depends only on which indices of the PA collide. Name the
		 * cause, at the level the kernel never built. */
		int level = read.level;
		if (kind && ctx.count < walk_geo.levels) {
			kind = "too-few-levels";
			level = walk_geo.start_level;
		}
		if (kind) {
			oracle_finding(verdict, TRANS_HARNESS, kind, obj->config.name, level,
				       "trans_pgd_idmap_page() for PA 0x%llx returned TTBR0 0x%llx "
				       "and T0SZ %lu (%u-bit input addresses, %d levels from level "
				       "%d); executing at VA 0x%llx: %s%s",
				       (unsigned long long)pa, (unsigned long long)ttbr0, t0sz,
				       walk_geo.ia_bits, walk_geo.levels, walk_geo.start_level,
				       (unsigned long long)pa,
				       read.fault      ? ref_fault_name(read.fault)
				       : read.pa != pa ? "reaches another PA"
						       : "works, but so does writing",
				       read.fault ? " fault" : "");
			oracle_detail_chain(verdict, &read);
			oracle_detail(verdict, "tables built (PA, bottom-up from level 3):");
			for (unsigned t = 0; t < ctx.count; t++)
				oracle_detail(verdict, " 0x%llx",
					      (unsigned long long)ctx.pages[t].pa);
			oracle_detail(verdict, "\n");
			return;
		}
		if (!oracle_check_lint(oracle, &regime, 0, TRANS_HARNESS, obj->config.name,
				       verdict))
			return;
	}
	oracle_detail(verdict,
		      "arch/arm64/mm/trans_pgd.c (Linux %s, %s): trans_pgd_idmap_page "
		      "maps every page asked for\n",
		      kernel_version, obj->config.name);
}

/* ---- relocate_kernel.S ------------------------------------------------------ */

#define RELOC_HARNESS "kernel-reloc"

/* One linear-strategy run (the layout Linux 5.14+ builds) of routine, NULL
 * for pgdfuzz's own. Returns 0 if it ran, 1 if the layout cannot be run
 * (not a case, or beyond the emulator), -1 if the harness failed (message
 * in err). */
static int reloc_run(struct oracle *oracle, struct emu *emu, const struct pgd_case *c,
		     const struct pgd_geometry *geo, const struct emu_reloc_input *in,
		     struct emu_reloc_plan *plan, struct emu_reloc_report *rep,
		     struct emu_error *err)
{
	oracle_reloc_memory(oracle, c, geo);
	if (emu_reloc_prepare(plan, oracle->mem, in, err))
		return 1;
	int ret = emu_reloc_run(emu, oracle->mem, plan, rep, err);
	if (ret)
		emu_reloc_release(plan);
	return ret && err->unsupported ? 1 : ret;
}

/* The kernel's arm64_relocate_new_kernel on the kimage Linux would hand it,
 * and pgdfuzz's own routine on the same layout: the kernel's must enter the
 * new image with every destination byte in place; where only one of the
 * two succeeds, the finding says which. */
static void judge_reloc(struct oracle *oracle, const struct pgd_case *c,
			struct oracle_verdict *verdict)
{
	struct pgd_config config;
	struct pgd_geometry geo;
	struct emu_segment segments[CASE_MAX_SEGMENTS];
	if (!oracle_reloc_request(c, &config, &geo, segments))
		return;
	char geometry[48];
	pgd_geometry_class(&geo, geometry, sizeof(geometry));
	const struct kernel_reloc *obj = kernel_find_reloc(geo.page_shift);
	if (obj && skipped(&obj->config))
		return;
	if (!obj) {
		oracle_detail(verdict, "no relocate_kernel.S object for geometry %s: not run\n",
			      geometry);
		return;
	}
	struct emu *emu = oracle_engine(oracle, verdict);
	if (!emu)
		return;
	const struct emu_routine routine = {
	    .name = "relocate_kernel.S",
	    .code = obj->code,
	    .len = obj->len,
	    .kimage = {KIMAGE_SIZE, KIMAGE_HEAD, KIMAGE_START, KIMAGE_ARCH_DTB_MEM,
		       KIMAGE_ARCH_EL2_VECTORS, KIMAGE_ARCH_ZERO_PAGE, KIMAGE_ARCH_TTBR1,
		       KIMAGE_ARCH_PHYS_OFFSET},
	};
	struct emu_reloc_input in = {
	    .strategy = EMU_RELOC_LINEAR,
	    .config = config,
	    .segments = segments,
	    .nsegments = c->kexec.n_segments,
	    .entry = c->kexec.entry,
	    .dtb = c->kexec.dtb,
	};
	struct emu_reloc_plan plan;
	struct emu_reloc_report own, kern;
	struct emu_error err;
	int ret = reloc_run(oracle, emu, c, &geo, &in, &plan, &own, &err);
	if (ret == 0)
		emu_reloc_release(&plan);
	if (ret) {
		if (ret < 0)
			oracle_finding(verdict, RELOC_HARNESS, "harness", geometry, PGD_NO_LEVEL,
				       "pgdfuzz's routine could not be run: %s", err.message);
		return;
	}
	in.routine = &routine;
	ret = reloc_run(oracle, emu, c, &geo, &in, &plan, &kern, &err);
	if (ret) {
		/* The kernel's layout needs one page more (the kimage). */
		if (ret < 0 || !err.unsupported)
			oracle_finding(verdict, RELOC_HARNESS, "harness", geometry, PGD_NO_LEVEL,
				       "relocate_kernel.S could not be run where pgdfuzz's routine "
				       "was: %s",
				       err.message);
		return;
	}
	verdict->ops_done++;
	if (!kern.ok)
		oracle_reloc_finding(oracle, verdict, RELOC_HARNESS, "linear", geometry, &geo,
				     &plan, &kern);
	else if (!own.ok)
		oracle_finding(verdict, RELOC_HARNESS, "differs-from-own", geometry, PGD_NO_LEVEL,
			       "relocate_kernel.S relocates this kimage but pgdfuzz's own routine "
			       "does not: %s",
			       own.summary);
	oracle_detail(verdict,
		      "arch/arm64/kernel/relocate_kernel.S (Linux %s, %s pages), "
		      "arm64_relocate_new_kernel: %s\npgdfuzz's routine on the same layout: %s\n",
		      kernel_version, obj->config.name, kern.summary, own.summary);
	emu_reloc_release(&plan);
}

void oracle_run_kernel(struct oracle *oracle, const char *backend, const struct pgd_case *c,
		       struct oracle_verdict *verdict)
{
	memset(verdict, 0, sizeof(*verdict));
	verdict->quiet = oracle->quiet;
	oracle->have_tables = false;
	if (!strcmp(backend, "map_range"))
		judge_map_range(oracle, c, verdict);
	else if (!strcmp(backend, "mmu"))
		judge_mmu(oracle, c, verdict);
	else if (!strcmp(backend, "reloc"))
		judge_reloc(oracle, c, verdict);
	else if (!strcmp(backend, "trans"))
		judge_trans(oracle, c, verdict);
	else
		oracle_detail(verdict,
			      "unknown kernel backend \"%s\" (map_range, mmu, trans, reloc)\n",
			      backend);
}

/* The environment of a kernel fuzz target, read once per process:
 * PGDFUZZ_NO_ABORT=1 prints every verdict and never aborts;
 * PGDFUZZ_KERNEL_KNOWN=FILE names the allowlist of written-up findings;
 * PGDFUZZ_KERNEL_CONFIG=NAME (e.g. "16k-48") judges only cases whose
 * geometry selects that kernel object and skips the rest, so a campaign can
 * spend its time on one configuration. Skipping never changes the verdict
 * of a case that is judged, so a finding reproduces without it.
 * PGDFUZZ_KERNEL_SEEN=FILE also appends each known signature's first
 * sighting to FILE (libFuzzer's fork mode discards its jobs' output). */
struct fuzz_env {
	bool report_only;
	const char *known;
	const char *only_config;
	const char *seen_log;
};

static const struct fuzz_env *fuzz_env(void)
{
	static struct fuzz_env env;
	static bool loaded;
	if (!loaded) {
		loaded = true;
		const char *no_abort = getenv("PGDFUZZ_NO_ABORT");
		env.report_only = no_abort && no_abort[0] == '1';
		env.known = getenv("PGDFUZZ_KERNEL_KNOWN");
		if (env.known && !env.known[0])
			env.known = NULL;
		env.only_config = getenv("PGDFUZZ_KERNEL_CONFIG");
		if (env.only_config && !env.only_config[0])
			env.only_config = NULL;
		env.seen_log = getenv("PGDFUZZ_KERNEL_SEEN");
	}
	return &env;
}

/* Known findings are printed the first time each signature is seen, so a
 * long campaign's log lists what it hit without one line per input. */
static bool first_sighting(const char *signature)
{
	static char seen[256][sizeof(((struct oracle_verdict *)0)->signature)];
	static unsigned count;
	for (unsigned i = 0; i < count; i++)
		if (!strcmp(seen[i], signature))
			return false;
	if (count < sizeof(seen) / sizeof(seen[0]))
		snprintf(seen[count++], sizeof(seen[0]), "%s", signature);
	return true;
}

int oracle_fuzz_kernel_one(const char *backend, const uint8_t *data, size_t size)
{
	static struct oracle *oracle;
	static struct pgd_case c;
	static struct oracle_verdict verdict;
	const struct fuzz_env *env = fuzz_env();
	if (!oracle && !(oracle = oracle_new()))
		abort();		    /* out of host memory before any input */
	oracle_set_outcomes(oracle, false); /* this report does not print them */
	case_decode(data, size, &c);
	c.harness = harness_of(backend);
	only_config = env->only_config;
	oracle_run_kernel(oracle, backend, &c, &verdict);
	only_config = NULL;
	if (env->report_only) {
		/* As oracle_fuzz_one(): the verdict, then the case and what the
		 * judge saw, on stdout. */
		printf("pgdfuzz: VERDICT %s\n--- case ---\n",
		       verdict.finding ? verdict.signature : "clean");
		case_print_text(stdout, &c);
		printf("--- divergence ---\n%s", verdict.detail);
		fflush(stdout);
		return 0;
	}
	if (!verdict.finding)
		return 0;
	/* Listed (known) findings are reported but do not stop the run. */
	if (env->known && kernel_known_finding(env->known, verdict.signature)) {
		if (first_sighting(verdict.signature)) {
			printf("pgdfuzz: KNOWN %s\n", verdict.signature);
			FILE *log = env->seen_log ? fopen(env->seen_log, "a") : NULL;
			if (log) {
				fprintf(log, "%s\n", verdict.signature);
				fclose(log);
			}
		}
		return 0;
	}
	fprintf(stderr, "pgdfuzz: FINDING %s\n--- case ---\n", verdict.signature);
	case_print_text(stderr, &c);
	fprintf(stderr, "--- divergence ---\n%s", verdict.detail);
	fflush(stderr);
	abort();
}
