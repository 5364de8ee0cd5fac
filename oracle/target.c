/* The one judge for every target (target/target.h): core/, the Linux
 * backends, the examples and a user's --target. It decodes a case, gives the
 * target its geometry, simulated RAM and allocator, passes it the requests
 * its declaration's contract admits, and judges what it leaves:
 *
 *   - the declared contract: EINVAL exactly for invalid requests (targets
 *     that take every request), nothing written on a refusal (when promised);
 *   - a fatal assertion (fatal), a warning (warn) or the adapter's own stop
 *     as a finding with its own signature;
 *   - break-before-make on every accepted change over a live mapping;
 *   - lint, then translation equal to the intent over the whole input range;
 *   - blocks or contiguous ranges from a target that declares none;
 *   - a differential against core on the same requests.
 *
 * What is specific to a target is in its declaration or its explain hook,
 * never here. */
#include "builtin.h"
#include "internal.h"

#include <fnmatch.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define TRAPPED (-1) /* the target's call unwound through fatal or stop */

/* One target's run over one case. */
struct run {
	struct pgdfuzz_env env;
	struct pgdfuzz_geometry geo;
	const struct pgdfuzz_target *target;
	struct physmem *mem;
	struct pgd_page_alloc pages;
	struct pgd_failing_alloc failing;
	struct pgd_mm_ops mm;
	uint64_t granule;
	bool physmem_writer; /* writes through physmem (counted), not host pointers */

	jmp_buf trap;
	bool armed;
	/* What unwound the call: fatal (function, what, line) or stop (kind). */
	bool fatal;
	const char *function, *what;
	int line;
	const char *stop_kind;
	int stop_level;
	char stop_detail[1024];
	unsigned warnings;
	const char *warn_function, *warn_what;
	int warn_line;
	int reason_level;
	char reason[192];

	/* The fixed table pool, if the declaration asks for one. */
	uint8_t *pool;
	bool *pool_synced;
};

static struct run *run_of(struct pgdfuzz_env *env)
{
	return env->pgdfuzz_ctx;
}

struct physmem *pgdfuzz_env_physmem(struct pgdfuzz_env *env)
{
	struct run *r = run_of(env);
	r->physmem_writer = true;
	return r->mem;
}

static void *env_phys_to_host(struct pgdfuzz_env *env, uint64_t pa, size_t len)
{
	struct run *r = run_of(env);
	if (!len)
		len = 1;
	if ((pa & (PHYSMEM_CHUNK - 1)) + len > PHYSMEM_CHUNK || !physmem_is_ram(r->mem, pa, len))
		return NULL;
	uint8_t *chunk = physmem_chunk(r->mem, pa);
	return chunk ? chunk + (pa & (PHYSMEM_CHUNK - 1)) : NULL;
}

static int env_alloc_table(struct pgdfuzz_env *env, int level, uint64_t *pa)
{
	struct run *r = run_of(env);
	if (r->mm.alloc(r->mm.ctx, level, pa))
		return 1;
	if (r->target->zeroes_tables)
		return oracle_poison_page(r->mem, *pa, r->granule) ? 0 : 1;
	return physmem_zero(r->mem, *pa, r->granule) ? 0 : 1;
}

static void env_free_table(struct pgdfuzz_env *env, int level, uint64_t pa)
{
	(void)env, (void)level, (void)pa; /* pages are not reused within a case */
}

__attribute__((noreturn)) static void unwind(struct run *r)
{
	if (r->armed)
		longjmp(r->trap, 1);
	abort(); /* outside a judged call: the harness itself is wrong */
}

__attribute__((noreturn)) static void env_fatal(struct pgdfuzz_env *env, const char *function,
						const char *what, int line)
{
	struct run *r = run_of(env);
	r->fatal = true;
	r->function = function ? function : "?";
	r->what = what ? what : "";
	r->line = line;
	unwind(r);
}

__attribute__((noreturn)) static void env_stop(struct pgdfuzz_env *env, const char *kind, int level,
					       const char *detail)
{
	struct run *r = run_of(env);
	r->stop_kind = kind ? kind : "stop";
	r->stop_level = level;
	snprintf(r->stop_detail, sizeof(r->stop_detail), "%s", detail ? detail : "");
	unwind(r);
}

static void env_warn(struct pgdfuzz_env *env, const char *function, const char *what, int line)
{
	struct run *r = run_of(env);
	if (!r->warnings++) {
		r->warn_function = function ? function : "?";
		r->warn_what = what ? what : "";
		r->warn_line = line;
	}
}

static void env_reason(struct pgdfuzz_env *env, int level, const char *message)
{
	struct run *r = run_of(env);
	r->reason_level = level;
	snprintf(r->reason, sizeof(r->reason), "%s", message ? message : "");
}

static struct pgdfuzz_geometry target_geometry(const struct pgd_geometry *geo, bool upper)
{
	return (struct pgdfuzz_geometry){.regime = PGDFUZZ_STAGE1_EL1,
					 .granule = 1u << geo->page_shift,
					 .page_shift = geo->page_shift,
					 .va_bits = geo->va_bits,
					 .ia_bits = geo->ia_bits,
					 .start_level = geo->start_level,
					 .levels = geo->levels,
					 .root_entries = geo->root_entries,
					 .pa_bits = geo->pa_bits,
					 .lpa = geo->lpa,
					 .lpa2 = geo->lpa2,
					 .upper = upper};
}

/* A run over mem (reset, with the case's banks) for geo; false if the
 * banks overlap. fail_at as the case's "alloc fail_at" (0: never). */
static bool run_init(struct run *r, const struct pgdfuzz_target *t, struct physmem *mem,
		     const struct pgd_case *c, const struct pgd_geometry *geo, bool upper,
		     uint32_t fail_at)
{
	memset(r, 0, sizeof(*r));
	r->target = t;
	r->mem = mem;
	r->geo = target_geometry(geo, upper);
	r->granule = pgd_granule(geo);
	physmem_reset(mem);
	for (unsigned i = 0; i < c->n_banks; i++)
		if (physmem_add_bank(mem, c->banks[i].base, c->banks[i].size, NULL))
			return false;
	pgd_page_alloc_init(&r->pages, mem, r->granule);
	pgd_page_alloc_limit(&r->pages, 1ULL << geo->pa_bits);
	r->mm = pgd_page_alloc_ops(&r->pages);
	if (fail_at)
		r->mm = pgd_failing_ops(&r->failing, r->mm, fail_at - 1);
	r->env = (struct pgdfuzz_env){.geo = &r->geo,
				      .phys_to_host = env_phys_to_host,
				      .alloc_table = env_alloc_table,
				      .free_table = env_free_table,
				      .fatal = env_fatal,
				      .warn = env_warn,
				      .stop = env_stop,
				      .reason = env_reason,
				      .pgdfuzz_ctx = r};
	return true;
}

/* ---- guarded calls --------------------------------------------------------- */

enum call_kind { CALL_INIT, CALL_MAP, CALL_PROTECT, CALL_COPY, CALL_IDMAP };

struct call {
	enum call_kind kind;
	uint64_t root_pa;
	uint64_t *root_out;
	const struct pgdfuzz_map *req;
	const struct pgdfuzz_range *ranges;
	size_t nranges;
	pgdfuzz_prot prot;
	unsigned flags;
	struct pgdfuzz_regs *regs;
};

/* One call into the target with the trap armed: its status, or TRAPPED if
 * it unwound through fatal or stop. setjmp lives here alone, so no caller
 * variable is live across it. */
static int guarded(struct run *r, const struct call *call)
{
	const struct pgdfuzz_ops *ops = &r->target->ops;
	struct pgdfuzz_env *env = &r->env;
	r->reason_level = PGD_NO_LEVEL;
	r->reason[0] = 0;
	r->armed = true;
	if (setjmp(r->trap)) {
		r->armed = false;
		return TRAPPED;
	}
	int ret;
	switch (call->kind) {
	case CALL_INIT:
		ret = ops->init(env, call->root_out);
		break;
	case CALL_MAP:
		ret = ops->map(env, call->root_pa, call->req);
		break;
	case CALL_PROTECT:
		ret = ops->protect(env, call->root_pa, call->req);
		break;
	case CALL_COPY:
		ret = ops->copy(env, call->root_pa, call->root_out);
		break;
	default:
		ret = ops->idmap(env, call->ranges, call->nranges, call->prot, call->flags,
				 call->root_out, call->regs);
		break;
	}
	r->armed = false;
	return ret;
}

static void run_fini(struct run *r)
{
	if (r->target->ops.fini)
		r->target->ops.fini(&r->env);
}

/* "!pgtable_alloc" -> "not-pgtable_alloc": a condition as a signature word. */
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

/* A trapped call or a warning as a finding; what names the call. */
static bool trap_finding(struct run *r, const char *prefix, const char *geometry, const char *what,
			 struct oracle_verdict *verdict)
{
	const struct pgdfuzz_target *t = r->target;
	if (r->stop_kind) {
		oracle_finding(verdict, prefix, r->stop_kind, geometry, r->stop_level, "%s: %s",
			       t->description, r->stop_detail);
		oracle_detail(verdict, "(in %s)\n", what);
		return true;
	}
	if (!r->fatal && !r->warnings)
		return false;
	char kind[128], check[64];
	const char *function = r->fatal ? r->function : r->warn_function;
	const char *cond = r->fatal ? r->what : r->warn_what;
	condition_name(cond, check, sizeof(check));
	snprintf(kind, sizeof(kind), "%s:%s:%s", r->fatal ? "BUG_ON" : "WARN_ON", function, check);
	oracle_finding(verdict, prefix, kind, geometry, PGD_NO_LEVEL,
		       "%s: %s(): %s(%s) fired at line %d in %s", t->description, function,
		       r->fatal ? "BUG_ON" : "WARN_ON", cond, r->fatal ? r->line : r->warn_line,
		       what);
	return true;
}

/* ---- the fixed table pool -------------------------------------------------- */

#define POOL_MAX (64ULL << 20)

/* A PA range for the pool, outside every case bank and within pa_bits; 0 if
 * none fits. */
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

/* Host bytes for the pool: one reservation for the process (untouched
 * pages cost nothing), a guard page after it, cleared as far as the last
 * case used it. */
static bool pool_setup(struct run *r, const struct pgd_case *c, const struct pgd_geometry *geo,
		       uint64_t size, struct oracle_verdict *verdict)
{
	static uint8_t *host;
	static bool synced[POOL_MAX / 4096];
	static uint64_t dirty;
	if (!host) {
		void *map = mmap(NULL, POOL_MAX + 65536, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (map == MAP_FAILED)
			abort(); /* no host memory: nothing can be judged */
		mprotect((uint8_t *)map + POOL_MAX, 65536, PROT_NONE);
		host = map;
	}
	memset(host, 0, dirty);
	memset(synced, 0, sizeof(synced));
	dirty = size;
	uint64_t pa = pool_place(c, geo, size);
	if (!pa || physmem_add_bank(r->mem, pa, size, NULL)) {
		oracle_detail(verdict, "no room for the table pool: not compared\n");
		return false;
	}
	r->pool = host;
	r->pool_synced = synced;
	r->env.pool_host = host;
	r->env.pool_pa = pa;
	r->env.pool_size = size;
	return true;
}

/* Copy the pool into simulated RAM: every page that holds something or
 * did before. */
static void pool_sync(struct run *r)
{
	static const uint8_t zero[4096];
	if (!r->pool)
		return;
	for (uint64_t off = 0; off < r->env.pool_size; off += 4096) {
		bool used = memcmp(r->pool + off, zero, 4096) != 0;
		if (used || r->pool_synced[off / 4096])
			physmem_write(r->mem, r->env.pool_pa + off, r->pool + off, 4096);
		r->pool_synced[off / 4096] |= used;
	}
}

/* ---- declaration checks ---------------------------------------------------- */

static bool takes_geometry(const struct pgdfuzz_target *t, const struct pgd_geometry *geo,
			   const struct pgdfuzz_geometry *tgeo)
{
	const struct pgdfuzz_geometries *g = &t->geometries;
	if (g->regimes && !(g->regimes & (1u << PGDFUZZ_STAGE1_EL1)))
		return false;
	if (g->granules && !(g->granules & tgeo->granule))
		return false;
	if ((g->va_bits_min && geo->va_bits < g->va_bits_min) ||
	    (g->va_bits_max && geo->va_bits > g->va_bits_max))
		return false;
	if ((g->lower || g->upper) && !(tgeo->upper ? g->upper : g->lower))
		return false;
	if (!g->pa52 && (geo->lpa || geo->lpa2))
		return false;
	if (!g->extra_levels) {
		struct pgd_config plain = {.granule = tgeo->granule,
					   .va_bits = geo->va_bits,
					   .pa_bits = geo->pa_bits,
					   .lpa2 = geo->lpa2};
		struct pgd_geometry derived;
		struct pgd_error err;
		if (pgd_geometry_init(&derived, &plain, &err) ||
		    derived.start_level != geo->start_level || derived.ia_bits != geo->ia_bits)
			return false;
	}
	return !g->accepts || g->accepts(tgeo);
}

static unsigned honoured_flags(const struct pgdfuzz_target *t)
{
	return t->contract.flags ? t->contract.flags
				 : PGDFUZZ_NO_BLOCK | PGDFUZZ_NO_CONT | PGDFUZZ_NO_EXEC;
}

struct shape_ctx {
	const struct pgdfuzz_target *target;
	const char *prefix, *geometry;
	struct oracle_verdict *verdict;
};

/* Leaves the declaration rules out: blocks, contiguous ranges. */
static int shape_interval(void *opaque, const struct ref_interval *got)
{
	struct shape_ctx *ctx = opaque;
	if (!got->has_leaf)
		return 0;
	const char *kind = NULL;
	if (!ctx->target->may_block && got->level < 3)
		kind = "undeclared-block";
	else if (!ctx->target->may_cont && got->attrs.contiguous)
		kind = "undeclared-cont";
	if (!kind)
		return 0;
	bool block = !strcmp(kind, "undeclared-block");
	oracle_finding(ctx->verdict, ctx->prefix, kind, ctx->geometry, got->level,
		       "%s declares no %s, but VA 0x%016llx is mapped by a level %d %s",
		       ctx->target->name, block ? "blocks" : "contiguous ranges",
		       (unsigned long long)got->va, got->level,
		       block ? "block" : "leaf with the contiguous bit");
	ctx->verdict->located = true;
	ctx->verdict->where = got->va;
	ctx->verdict->focused = true;
	ctx->verdict->focus = got->va;
	return 1;
}

static void check_shape(const struct pgdfuzz_target *t, const struct ref_regime *regime,
			uint64_t lo, uint64_t hi, const char *prefix, const char *geometry,
			struct oracle_verdict *verdict)
{
	if ((t->may_block && t->may_cont) || verdict->finding)
		return;
	struct shape_ctx ctx = {t, prefix, geometry, verdict};
	ref_range_walk(regime, lo, hi, shape_interval, &ctx);
}

/* ---- the explain hook ------------------------------------------------------ */

/* What a builder case asked, for the hook: the intent, and per record the
 * request it came from. */
struct divergence_context {
	const struct oracle_intent *intent;
	const struct pgdfuzz_map *reqs;
	const bool *protects;
};

/* Hand a divergence the intent check found to the target's hook; the
 * finding is renamed after its cause if the hook names one. */
static void explain(struct run *r, const struct ref_regime *regime,
		    const struct divergence_context *ctx, const char *prefix, const char *geometry,
		    struct oracle_verdict *verdict)
{
	if (!r->target->explain || !verdict->finding || !verdict->located)
		return;
	struct pgdfuzz_divergence d = {.va = verdict->where};
	/* The judge's kind is the signature's second field. */
	char kind[64] = "";
	const char *colon = strchr(verdict->signature, ':');
	if (colon) {
		size_t n = strcspn(colon + 1, ":");
		snprintf(kind, sizeof(kind), "%.*s", (int)n, colon + 1);
	}
	/* Lint findings keep their kind: the hook explains divergences of
	 * the translation from the intent (K6 is a lint finding inside K5). */
	if (!strncmp(kind, "lint-", 5))
		return;
	d.kind = kind;
	struct ref_result walk;
	ref_walk_regime(regime, d.va, REF_TRANSLATE, &walk);
	d.level = walk.level;
	for (unsigned i = 0; i < walk.nsteps && i < 6; i++) {
		d.step_level[i] = walk.steps[i].level;
		d.step_desc[i] = walk.steps[i].desc;
		d.nsteps = i + 1;
	}
	if (ctx && ctx->intent) {
		static struct oracle_piece pieces[ORACLE_MAX_PIECES];
		size_t count = oracle_flatten(ctx->intent, pieces);
		for (size_t i = 0; i < count; i++)
			if (pieces[i].mapped && d.va >= pieces[i].va &&
			    d.va - pieces[i].va < pieces[i].size) {
				d.intended_mapped = true;
				d.intended_pa = pieces[i].pa + (d.va - pieces[i].va);
				break;
			}
		for (size_t i = ctx->intent->count; i-- > 0;) {
			const struct oracle_record *rec = &ctx->intent->records[i];
			if (d.va >= rec->va && d.va <= rec->last) {
				d.req_valid = true;
				d.req_protect = ctx->protects[i];
				d.req_va = rec->va;
				d.req_last = rec->last;
				d.req_flags = ctx->reqs[i].flags;
				break;
			}
		}
	}
	const char *renamed = r->target->explain(&r->env, &d);
	if (!renamed)
		return;
	char detail[sizeof(verdict->detail)];
	snprintf(detail, sizeof(detail), "%s", verdict->detail);
	verdict->finding = false;
	verdict->detail[0] = 0;
	oracle_finding(verdict, prefix, renamed, geometry, d.level,
		       "%s (%s's explanation of a %s "
		       "at VA 0x%016llx)\n%s",
		       d.note, r->target->name, kind, (unsigned long long)verdict->where, detail);
}

/* ---- the differential against core ----------------------------------------- */

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

static enum diff_class classify(const struct pgd_tree *a_tree, struct physmem *a_mem,
				const struct pgd_tree *b_tree, struct physmem *b_mem,
				uint64_t *where, char *note, size_t note_len)
{
	struct ref_features features = oracle_features(&a_tree->geo);
	struct ref_regs regs_a = oracle_tree_regs(a_tree), regs_b = oracle_tree_regs(b_tree);
	struct ref_mem mem_a = oracle_ref_mem(a_mem), mem_b = oracle_ref_mem(b_mem);
	struct ref_regime ra, rb;
	char why[128];
	bool overflow;
	uint64_t lo, hi, at = 0;
	pgd_tree_va_range(a_tree, &lo, &hi);
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

/* The requests a target accepted, to replay through core. */
struct request_log {
	struct pgdfuzz_map reqs[CASE_MAX_OPS];
	bool protect[CASE_MAX_OPS];
	unsigned op[CASE_MAX_OPS];
	size_t count;
};

static enum diff_class differential(const struct pgd_case *c, const struct pgd_tree *tree,
				    struct physmem *mem, const struct request_log *log,
				    uint64_t *where, char *note, size_t note_len)
{
	static struct physmem *core_mem;
	static struct run core;
	const struct pgdfuzz_target *t = &pgdfuzz_core_target;
	if (!core_mem && !(core_mem = physmem_new()))
		return DIFF_NOT_RUN;
	if (!run_init(&core, t, core_mem, c, &tree->geo, tree->upper, 0))
		return DIFF_NOT_RUN;
	uint64_t root = 0;
	struct call call = {.kind = CALL_INIT, .root_out = &root};
	int ret = guarded(&core, &call);
	enum diff_class class = DIFF_NOT_RUN;
	if (ret != PGDFUZZ_OK) {
		snprintf(note, note_len, "core: %s", core.reason);
		goto out;
	}
	for (size_t i = 0; i < log->count; i++) {
		call = (struct call){.kind = log->protect[i] ? CALL_PROTECT : CALL_MAP,
				     .root_pa = root,
				     .req = &log->reqs[i]};
		if (guarded(&core, &call) != PGDFUZZ_OK) {
			snprintf(note, note_len, "core refused op %u: %s", log->op[i], core.reason);
			goto out;
		}
	}
	struct pgd_tree core_tree = {
	    .geo = tree->geo, .mem = core_mem, .root_pa = root, .upper = tree->upper};
	class = classify(tree, mem, &core_tree, core_mem, where, note, note_len);
out:
	run_fini(&core);
	return class;
}

static void report_differential(const struct pgd_case *c, const struct pgd_tree *tree,
				struct physmem *mem, const struct request_log *log,
				const char *prefix, const char *geometry,
				struct oracle_verdict *verdict)
{
	uint64_t where = 0;
	char note[256] = "";
	enum diff_class class = differential(c, tree, mem, log, &where, note, sizeof(note));
	if (class == DIFF_TRANSLATION && !verdict->finding)
		/* The target met the intent, so core (or the judge) disagrees. */
		oracle_finding(verdict, prefix, "differs-from-core", geometry, PGD_NO_LEVEL,
			       "the target and core translate VA 0x%016llx differently although "
			       "the target's tables match the intent",
			       (unsigned long long)where);
	oracle_detail(verdict, "differential against core: %s%s%s\n", diff_class_name(class),
		      note[0] ? "; " : "", note);
}

static const char *status_name(int ret)
{
	static const char *const names[] = {"ok",     "invalid",    "no-memory",
					    "unsafe", "not-mapped", "bad-memory"};
	return ret >= 0 && ret <= PGDFUZZ_EINTERNAL ? names[ret] : "unknown";
}

/* ---- builder cases: map, protect, copy ---------------------------------------- */

/* The PA [va, last] is mapped to by one earlier map (update_mapping_prot's
 * callers know it): the latest record holding the whole range. */
static bool mapped_pa(const struct oracle_intent *intent, uint64_t va, uint64_t last, uint64_t *pa)
{
	for (size_t r = intent->count; r-- > 0;)
		if (va >= intent->records[r].va && last <= intent->records[r].last) {
			*pa = intent->records[r].pa + (va - intent->records[r].va);
			return true;
		}
	return false;
}

/* May op reach the target at all? *req is what it gets. */
static bool admitted(const struct pgdfuzz_target *t, const struct pgd_tree *tree,
		     const struct case_op *op, bool valid, struct pgdfuzz_map *req)
{
	bool map = op->kind == CASE_OP_MAP;
	if ((map && !t->ops.map) || (!map && !t->ops.protect))
		return false;
	if (!op->size && !t->contract.size_zero)
		return false;
	if (!valid && !t->contract.invalid_args)
		return false;
	uint64_t page = pgd_granule(&tree->geo);
	if (!t->contract.unaligned && ((op->va | op->size | (map ? op->pa : 0)) & (page - 1)))
		return false;
	unsigned flags = op->flags & honoured_flags(t);
	if ((op->flags & PGDFUZZ_NO_BLOCK) && !(flags & PGDFUZZ_NO_BLOCK))
		return false; /* pages only cannot be faked */
	*req = (struct pgdfuzz_map){.va = op->va,
				    .pa = map ? op->pa : 0,
				    .size = op->size,
				    .prot = op->prot & PGD_PROT_MASK,
				    .flags = map ? flags : 0};
	return true;
}

/* The attribute bits of a request that count for "empty prot unmaps": SH
 * is an address field under LPA2. */
static uint64_t attribute_bits(const struct pgd_geometry *geo, uint64_t prot)
{
	prot &= PGD_PROT_MASK;
	return geo->lpa2 ? prot & ~PGD_SH_MASK : prot;
}

static const char *status_name(int ret);

/* "op 2 map va=0x... pa=0x... size=0x... prot=0x...": which op, as asked. */
static void describe_op(const struct case_op *op, unsigned index, char *buf, size_t len)
{
	if (op->kind == CASE_OP_COPY)
		snprintf(buf, len, "op %u copy", index);
	else if (op->kind == CASE_OP_UPDATE)
		snprintf(buf, len, "op %u update va=0x%llx size=0x%llx prot=0x%llx", index,
			 (unsigned long long)op->va, (unsigned long long)op->size,
			 (unsigned long long)op->prot);
	else
		snprintf(buf, len, "op %u %s va=0x%llx pa=0x%llx size=0x%llx prot=0x%llx%s", index,
			 case_op_name(op->kind), (unsigned long long)op->va,
			 (unsigned long long)op->pa, (unsigned long long)op->size,
			 (unsigned long long)op->prot, op->flags ? " (flags)" : "");
}

/* A table's PXNTable is the no_exec flag of the map that created it: the
 * first accepted map whose range reaches into the table's VAs (later maps
 * reuse the table, and blocks are never replaced by tables). */
static bool created_no_exec(void *ctx, uint64_t first, uint64_t last)
{
	const struct oracle_intent *intent = ctx;
	for (size_t i = 0; i < intent->count; i++) {
		const struct oracle_record *r = &intent->records[i];
		if (r->kind == ORACLE_RECORD_MAP && r->va <= last && first <= r->last)
			return r->flags & PGDFUZZ_NO_EXEC;
	}
	return false;
}

static void judge_builder(struct oracle *oracle, const struct pgdfuzz_target *t, const char *prefix,
			  const struct pgd_case *c, struct oracle_verdict *verdict)
{
	static struct run r;
	struct pgd_geometry geo;
	struct pgd_error err;
	char geometry[48], what[192];
	if (pgd_geometry_init(&geo, &c->geometry, &err)) {
		oracle_outcome(verdict, "not judged: the geometry is invalid (%s): %s",
			       err.rule ? err.rule : pgd_status_name(err.status), err.message);
		return;
	}
	if (!run_init(&r, t, oracle->mem, c, &geo, c->upper, c->fail_alloc_at)) {
		oracle_outcome(verdict, "not judged: the RAM banks overlap");
		return; /* overlapping banks: not a layout to judge */
	}
	pgd_geometry_class(&geo, geometry, sizeof(geometry));
	if (!takes_geometry(t, &geo, &r.geo)) {
		oracle_detail(verdict, "%s takes no geometry %s: not run\n", t->name, geometry);
		oracle_outcome(verdict, "not run: %s takes no geometry %s", t->name, geometry);
		return;
	}
	oracle_outcome(verdict, "geometry %s: %u levels from level %d, %u root entries", geometry,
		       geo.levels, geo.start_level, geo.root_entries);
	struct pgd_tree tree = {.geo = geo, .mem = oracle->mem, .upper = c->upper};
	const bool live = t->unsafe != PGDFUZZ_UNSAFE_NOT_LIVE;

	/* Which ops reach the target is decided as they run (a protect needs
	 * an earlier map); the pool is sized for every map the case might
	 * pass. */
	if (t->pool_tables) {
		uint64_t tables = 1;
		for (unsigned i = 0; i < c->n_ops; i++) {
			const struct case_op *op = &c->ops[i];
			uint64_t va, last, pa;
			struct pgdfuzz_map req;
			bool valid = op->size && oracle_op_range(&tree, op, true, &va, &last, &pa);
			if (op->kind == CASE_OP_MAP && admitted(t, &tree, op, valid, &req))
				tables += t->pool_tables(&r.geo, &req);
		}
		if (tables > POOL_MAX / r.granule) {
			oracle_detail(verdict, "needs up to %llu tables: not compared\n",
				      (unsigned long long)tables);
			return;
		}
		if (!pool_setup(&r, c, &geo, tables * r.granule, verdict))
			return;
	}

	struct call call = {.kind = CALL_INIT, .root_out = &tree.root_pa};
	int ret = guarded(&r, &call);
	if (r.env.variant) /* init named its variant */
		snprintf(geometry, sizeof(geometry), "%s", r.env.variant);
	if (ret == TRAPPED || r.warnings) {
		pool_sync(&r);
		trap_finding(&r, prefix, geometry, "init", verdict);
		run_fini(&r);
		return;
	}
	if (ret != PGDFUZZ_OK) {
		oracle_outcome(verdict, "not judged: %s's init failed (%s): %s", t->name,
			       status_name(ret), r.reason);
		run_fini(&r);
		return; /* no root: nothing built to judge */
	}
	if (!oracle_check_geometry(oracle, &c->geometry, &tree, prefix, geometry, verdict)) {
		run_fini(&r);
		return;
	}

	static struct oracle_intent intent;
	static struct request_log log;
	static struct pgdfuzz_map record_req[CASE_MAX_OPS];
	static bool record_protect[CASE_MAX_OPS];
	memset(&intent, 0, sizeof(intent));
	log.count = 0;
	uint64_t user_bits = 0;
	bool unmaps = false;
	bool snapshot_each = t->refusal_writes_nothing && !r.physmem_writer;
	unsigned i = 0;
	for (; i < c->n_ops && !verdict->finding && !intent.failed; i++) {
		const struct case_op *op = &c->ops[i];
		/* Formatted only when outcomes are recorded (not while fuzzing). */
		if (!verdict->quiet)
			describe_op(op, i, what, sizeof(what));
		else
			snprintf(what, sizeof(what), "%s", case_op_name(op->kind));
		if (op->kind == CASE_OP_COPY) {
			if (!t->ops.copy) {
				oracle_outcome(verdict, "%s: not run (%s has no copy)", what,
					       t->name);
				continue;
			}
			uint64_t dst = 0;
			call = (struct call){
			    .kind = CALL_COPY, .root_pa = tree.root_pa, .root_out = &dst};
			ret = guarded(&r, &call);
			pool_sync(&r);
			if (ret == TRAPPED || r.warnings) {
				trap_finding(&r, prefix, geometry, "copy", verdict);
				i++;
				break;
			}
			if (ret != PGDFUZZ_OK) {
				oracle_outcome(verdict, "%s: failed (%s): %s", what,
					       status_name(ret), r.reason);
				if (ret != PGDFUZZ_ENOMEM)
					oracle_finding(verdict, prefix, "copy-error", geometry,
						       r.reason_level, "the copy failed: %s",
						       r.reason);
				i++;
				break; /* out of memory: nothing more to build on */
			}
			struct pgd_tree copy = tree;
			copy.root_pa = dst;
			oracle_check_copy(oracle, &tree, &copy, prefix, geometry, verdict);
			oracle_outcome(verdict,
				       "%s: ok, the copy's root is at PA 0x%llx and later ops "
				       "build on it",
				       what, (unsigned long long)dst);
			tree = copy;
			verdict->ops_done++;
			continue;
		}
		if (op->kind != CASE_OP_MAP && op->kind != CASE_OP_UPDATE) {
			oracle_outcome(verdict,
				       "%s: ignored (idmap ranges belong to the idmap harness)",
				       what);
			continue; /* idmap ranges belong to identity-map cases */
		}
		bool map = op->kind == CASE_OP_MAP;
		uint64_t va = 0, last = 0, pa = 0;
		/* Targets that take every request are held to core's documented
		 * contract; the others get only requests inside it. */
		bool with_pa = map || !t->contract.invalid_args;
		bool valid = op->size == 0 || oracle_op_range(&tree, op, with_pa, &va, &last, &pa);
		struct pgdfuzz_map req;
		if (!admitted(t, &tree, op, valid && (op->size || t->contract.size_zero), &req)) {
			oracle_outcome(verdict,
				       "%s: not passed to %s (outside its declared contract)", what,
				       t->name);
			continue;
		}
		if (!map && t->contract.protect_mapped_only) {
			if (!mapped_pa(&intent, va, last, &pa)) {
				oracle_outcome(verdict,
					       "%s: not passed to %s (it changes only inside one "
					       "earlier map)",
					       what, t->name);
				continue;
			}
			req.pa = pa | (op->va & (r.granule - 1));
		}
		bool overlap = valid && op->size && oracle_intent_overlaps(&intent, va, last);
		bool snapshot = (overlap && live) || snapshot_each;
		if (snapshot && !physmem_copy(oracle->before, oracle->mem)) {
			snapshot = false;
			overlap = false;
		}
		uint64_t writes = physmem_write_count(oracle->mem);
		call = (struct call){
		    .kind = map ? CALL_MAP : CALL_PROTECT, .root_pa = tree.root_pa, .req = &req};
		ret = guarded(&r, &call);
		pool_sync(&r);
		verdict->ops_done++;
		uint64_t written = physmem_write_count(oracle->mem) - writes;
		if (ret == TRAPPED)
			oracle_outcome(verdict, "%s: stopped the target (see the finding)", what);
		else if (ret == PGDFUZZ_OK && op->size == 0)
			oracle_outcome(verdict, "%s: ok, size 0 maps nothing", what);
		else if (ret == PGDFUZZ_OK)
			oracle_outcome(verdict, "%s: ok, %llu write%s to table memory", what,
				       (unsigned long long)written, written == 1 ? "" : "s");
		else if (ret == PGDFUZZ_ENOMEM)
			oracle_outcome(verdict,
				       "%s: out of memory (the case fails allocation %u on): %s; "
				       "later ops are not run",
				       what, c->fail_alloc_at, r.reason);
		else
			oracle_outcome(verdict, "%s: refused (%s%s): %s", what, status_name(ret),
				       valid ? ""
					     : "; outside the documented contract, as expected",
				       r.reason);
		snprintf(what, sizeof(what),
			 "op %u: %s va=0x%llx pa=0x%llx size=0x%llx prot=0x%llx "
			 "flags=0x%x",
			 i, case_op_name(op->kind), (unsigned long long)req.va,
			 (unsigned long long)req.pa, (unsigned long long)req.size,
			 (unsigned long long)req.prot, req.flags);
		if (ret == TRAPPED || r.warnings) {
			trap_finding(&r, prefix, geometry, what, verdict);
			i++;
			break;
		}
		bool refused = ret != PGDFUZZ_OK && ret != PGDFUZZ_ENOMEM;
		uint64_t changed_at = 0;
		bool wrote =
		    refused && t->refusal_writes_nothing &&
		    (physmem_write_count(oracle->mem) != writes ||
		     (snapshot && physmem_differs(oracle->before, oracle->mem, &changed_at)));
		char where_changed[48] = "";
		if (changed_at)
			snprintf(where_changed, sizeof(where_changed), " (first at PA 0x%llx)",
				 (unsigned long long)changed_at);
		if (ret == PGDFUZZ_OK && !valid)
			oracle_finding(
			    verdict, prefix, "accepted-invalid", geometry, PGD_NO_LEVEL,
			    "op %u (%s va=0x%llx pa=0x%llx size=0x%llx) breaks the documented "
			    "contract but was accepted",
			    i, case_op_name(op->kind), (unsigned long long)op->va,
			    (unsigned long long)op->pa, (unsigned long long)op->size);
		else if (ret == PGDFUZZ_EINVAL && valid)
			oracle_finding(verdict, prefix, "rejected-valid", geometry, r.reason_level,
				       "op %u (%s) is valid by the documented contract but was "
				       "rejected: %s",
				       i, case_op_name(op->kind), r.reason);
		else if (wrote)
			oracle_finding(verdict, prefix, "wrote-on-reject", geometry, r.reason_level,
				       "op %u (%s) was refused (%s%s%s) but changed memory%s", i,
				       case_op_name(op->kind), status_name(ret),
				       r.reason[0] ? ": " : "", r.reason, where_changed);
		else if (ret == PGDFUZZ_EINTERNAL)
			oracle_finding(verdict, prefix, "internal", geometry, r.reason_level,
				       "op %u: %s", i, r.reason);
		if (!verdict->finding && ret == PGDFUZZ_EUNSAFE && !map && valid && op->size &&
		    t->unsafe == PGDFUZZ_UNSAFE_REFUSES)
			oracle_check_refusal(oracle, &tree, op, va, last, r.reason_level, r.reason,
					     prefix, geometry, verdict);
		if (verdict->finding) {
			i++;
			break;
		}
		if (refused) {
			verdict->ops_rejected++;
			continue;
		}
		if (op->size == 0)
			continue;
		if (ret == PGDFUZZ_OK && overlap && live)
			oracle_check_bbm(oracle, &tree, prefix, geometry, what, verdict);
		if (map || ret == PGDFUZZ_OK) {
			bool unmap =
			    map && t->contract.empty_prot_unmaps && !attribute_bits(&geo, op->prot);
			bool remap = !map && t->contract.protect_mapped_only;
			struct oracle_record *rec = &intent.records[intent.count];
			rec->kind = unmap	   ? ORACLE_RECORD_UNMAP
				    : map || remap ? ORACLE_RECORD_MAP
						   : ORACLE_RECORD_UPDATE;
			rec->va = va;
			rec->last = last;
			rec->pa = pa;
			rec->prot = op->prot & PGD_PROT_MASK;
			rec->flags = req.flags;
			rec->op = (int)i;
			record_req[intent.count] = req;
			record_protect[intent.count] = !map;
			intent.count++;
			user_bits |= op->prot & PGD_PROT_MASK;
			unmaps |= unmap;
		}
		if (ret == PGDFUZZ_OK && log.count < CASE_MAX_OPS) {
			log.reqs[log.count] = req;
			log.protect[log.count] = !map;
			log.op[log.count++] = i;
		}
		intent.failed = ret == PGDFUZZ_ENOMEM;
	}
	for (; i < c->n_ops && !verdict->quiet; i++) {
		describe_op(&c->ops[i], i, what, sizeof(what));
		oracle_outcome(verdict, "%s: not run (%s)", what,
			       verdict->finding ? "the finding above stopped the case"
						: "an allocation failed before it");
	}
	pool_sync(&r);
	if (verdict->finding) {
		/* What the target built before it stopped, for repro. */
		oracle->regs = oracle_tree_regs(&tree);
		oracle->features = oracle_features(&tree.geo);
		oracle->have_tables = true;
		run_fini(&r);
		return;
	}

	oracle_judge_tables(oracle, &tree, &intent, user_bits, prefix, geometry, verdict);
	struct ref_mem mem = oracle_ref_mem(oracle->mem);
	struct ref_regime regime;
	char why[128];
	uint64_t lo, hi;
	pgd_tree_va_range(&tree, &lo, &hi);
	if (!ref_regime_init(&regime, &oracle->regs, &oracle->features, &mem, why, sizeof(why))) {
		struct divergence_context ctx = {&intent, record_req, record_protect};
		explain(&r, &regime, &ctx, prefix, geometry, verdict);
		check_shape(t, &regime, lo, hi, prefix, geometry, verdict);
		if (!verdict->finding && t->contract.table_xn_by_flag)
			oracle_check_table_attrs(&regime, created_no_exec, &intent, prefix,
						 geometry, verdict);
	}
	oracle_outcome(verdict,
		       "judged: lint, then the walk of VA 0x%016llx-0x%016llx (%s) against the "
		       "intent of the accepted ops: %s",
		       (unsigned long long)lo, (unsigned long long)hi, c->upper ? "TTBR1" : "TTBR0",
		       verdict->finding ? "FINDING (below)" : "as intended");
	if (verdict->finding && !t->differential)
		oracle_detail(verdict, "(tables built by %s)\n", t->description);
	if (t->differential) {
		if (verdict->finding)
			oracle_detail(verdict, "(tables built by %s)\n", t->description);
		if (unmaps)
			oracle_detail(verdict,
				      "differential against core: not compared (unmap op)\n");
		else if (intent.failed)
			/* The failed op may have mapped part of its range. */
			oracle_detail(verdict, "differential against core: not compared (an "
					       "allocation failed)\n");
		else
			report_differential(c, &tree, oracle->mem, &log, prefix, geometry, verdict);
	}
	run_fini(&r);
}

/* ---- identity-map cases ------------------------------------------------------ */

static unsigned bits_for(uint64_t last)
{
	unsigned bits = 1;
	while (bits < 64 && (last >> bits))
		bits++;
	return bits;
}

/* The geometry registers give: the base's granule and PA form, the walk's
 * input size and start level. */
static struct pgd_geometry walk_geometry(const struct pgd_geometry *base, const struct ref_half *h)
{
	struct pgd_geometry geo = *base;
	unsigned per_level = base->page_shift - 3;
	unsigned root_shift = base->page_shift + per_level * (unsigned)(3 - h->start_level);
	geo.ia_bits = h->ia_bits;
	geo.start_level = h->start_level;
	geo.levels = (unsigned)(4 - h->start_level);
	geo.root_entries = h->ia_bits > root_shift ? 1u << (h->ia_bits - root_shift) : 1;
	return geo;
}

/* One identity map: call, then registers, start level, lint and intent.
 * Returns false if the case ends here (a finding, or nothing to judge). */
static bool idmap_no_exec(void *ctx, uint64_t first, uint64_t last)
{
	(void)first, (void)last;
	return *(const unsigned *)ctx & PGDFUZZ_NO_EXEC;
}

static bool judge_one_idmap(struct oracle *oracle, struct run *r, const char *prefix,
			    const struct pgd_geometry *base, const struct pgdfuzz_range *ranges,
			    size_t nranges, uint64_t prot, unsigned flags, bool valid,
			    uint64_t highest, struct oracle_verdict *verdict)
{
	const struct pgdfuzz_target *t = r->target;
	const bool one_page = t->idmap.one_page_prot != 0;
	char geometry[48];
	snprintf(geometry, sizeof(geometry), "%uk-%u", (unsigned)(r->granule >> 10), base->va_bits);
	struct call call = {.kind = CALL_INIT};
	int ret = guarded(r, &call);
	if (r->env.variant)
		snprintf(geometry, sizeof(geometry), "%s", r->env.variant);
	if (ret == TRAPPED || r->warnings) {
		trap_finding(r, prefix, geometry, "init", verdict);
		return false;
	}
	if (ret != PGDFUZZ_OK)
		return false;
	uint64_t root = 0;
	struct pgdfuzz_regs regs = {0, 0};
	call = (struct call){.kind = CALL_IDMAP,
			     .ranges = ranges,
			     .nranges = nranges,
			     .prot = prot,
			     .flags = flags,
			     .root_out = &root,
			     .regs = &regs};
	ret = guarded(r, &call);
	if (ret == TRAPPED || r->warnings) {
		trap_finding(r, prefix, geometry, "idmap", verdict);
		return false;
	}
	if (ret == PGDFUZZ_OK)
		oracle_outcome(verdict, "idmap: ok: TTBR0 0x%016llx TCR 0x%016llx",
			       (unsigned long long)regs.ttbr, (unsigned long long)regs.tcr);
	else
		oracle_outcome(verdict, "idmap: refused (%s): %s%s", status_name(ret), r->reason,
			       valid ? "" : " (the ranges break the contract: expected)");
	if (ret == PGDFUZZ_OK && !valid) {
		oracle_finding(verdict, prefix, "accepted-invalid", geometry, PGD_NO_LEVEL,
			       "the identity map accepted ranges reaching PA 0x%llx beyond %u PA "
			       "bits",
			       (unsigned long long)highest, base->pa_bits);
		return false;
	}
	if (ret == PGDFUZZ_ENOMEM)
		return one_page; /* the case's RAM ran out: the next page may fit */
	if (ret == PGDFUZZ_EINVAL && !valid)
		return false;
	if (ret != PGDFUZZ_OK) {
		oracle_finding(verdict, prefix, "rejected-valid", geometry, r->reason_level,
			       "the identity map failed (%s): %s", status_name(ret), r->reason);
		return false;
	}
	verdict->ops_done += one_page ? 1 : (unsigned)nranges;

	struct ref_regs ref_regs = {regs.tcr, regs.ttbr, 0, PGD_SCTLR_MMU_ON, PGD_MAIR_DEFAULT};
	struct ref_features features = oracle_features(base);
	struct ref_mem mem = oracle_ref_mem(oracle->mem);
	struct ref_regime regime;
	char why[128];
	oracle->regs = ref_regs;
	oracle->features = features;
	oracle->have_tables = true;
	if (ref_regime_init(&regime, &ref_regs, &features, &mem, why, sizeof(why))) {
		oracle_finding(verdict, prefix, "bad-registers", geometry, PGD_NO_LEVEL,
			       "the reference walker rejects the returned registers: %s", why);
		return false;
	}
	const struct ref_half *half = &regime.half[0];
	struct pgd_geometry geo = walk_geometry(base, half);
	if (!r->env.variant)
		pgd_geometry_class(&geo, geometry, sizeof(geometry));
	if (t->idmap.minimal_ia) {
		/* The walk must start where the architecture puts it for the
		 * smallest input size that reaches the highest PA. */
		unsigned ia_bits = bits_for(highest);
		if (ia_bits < base->ia_bits)
			ia_bits = base->ia_bits;
		int start = ref_start_level(base->page_shift, ia_bits);
		if (half->disabled || half->txsz_fault || half->start_level != start ||
		    half->ia_bits != ia_bits) {
			oracle_finding(
			    verdict, prefix, "wrong-start-level", geometry, half->start_level,
			    "TCR 0x%016llx gives a %u-bit walk from level %d; PA 0x%llx "
			    "needs %u bits from level %d",
			    (unsigned long long)regs.tcr, half->ia_bits, half->start_level,
			    (unsigned long long)highest, ia_bits, start);
			return false;
		}
	}
	/* Intent: the union of the page-widened ranges, identity mapped. */
	static struct oracle_piece pieces[CASE_MAX_OPS];
	size_t count = 0;
	for (size_t i = 0; i < nranges; i++) {
		if (!ranges[i].size)
			continue;
		uint64_t first = ranges[i].base & ~(r->granule - 1);
		uint64_t last = (ranges[i].base + ranges[i].size - 1) | (r->granule - 1);
		size_t at = count;
		while (at > 0 && pieces[at - 1].va > first) {
			pieces[at] = pieces[at - 1];
			at--;
		}
		pieces[at] = (struct oracle_piece){.op = -1,
						   .va = first,
						   .size = last - first + 1,
						   .pa = first,
						   .prot = prot,
						   .mapped = true};
		count++;
	}
	size_t merged = 0;
	for (size_t i = 0; i < count; i++) {
		struct oracle_piece *prev = merged ? &pieces[merged - 1] : NULL;
		uint64_t last = pieces[i].va + (pieces[i].size - 1);
		if (prev && pieces[i].va - 1 <= prev->va + (prev->size - 1)) {
			uint64_t prev_last = prev->va + (prev->size - 1);
			if (last > prev_last)
				prev->size = last - prev->va + 1;
			continue;
		}
		pieces[merged++] = pieces[i];
	}
	uint64_t mask = oracle_compare_mask(&geo);
	struct pgd_tree tree = {.geo = geo, .mem = oracle->mem, .root_pa = root};
	uint64_t lo, hi;
	pgd_tree_va_range(&tree, &lo, &hi);
	/* A one-page map is judged on its page first (what it is for), then
	 * lint; a full map lint first, as every builder case. */
	if (!one_page && !oracle_check_lint(oracle, &regime, prot, prefix, geometry, verdict))
		return false;
	oracle_check_intent(oracle, &regime, pieces, merged, lo, hi, mask, prefix, geometry,
			    verdict);
	explain(r, &regime, NULL, prefix, geometry, verdict);
	if (!verdict->finding && one_page)
		oracle_check_lint(oracle, &regime, 0, prefix, geometry, verdict);
	check_shape(t, &regime, lo, hi, prefix, geometry, verdict);
	/* An identity map is one map: every table it makes has its no_exec. */
	if (!verdict->finding && t->contract.table_xn_by_flag)
		oracle_check_table_attrs(&regime, idmap_no_exec, &flags, prefix, geometry, verdict);
	if (verdict->finding)
		oracle_detail(verdict, "(tables built by %s)\n", t->description);
	return !verdict->finding;
}

static void judge_idmap(struct oracle *oracle, const struct pgdfuzz_target *t, const char *prefix,
			const struct pgd_case *c, struct oracle_verdict *verdict)
{
	static struct run r;
	struct pgd_geometry base;
	struct pgd_error err;
	if (!t->ops.idmap) {
		oracle_outcome(verdict, "not run: %s has no identity map", t->name);
		return;
	}
	if (pgd_geometry_init(&base, &c->geometry, &err)) {
		oracle_outcome(verdict, "not judged: the geometry is invalid (%s): %s",
			       err.rule ? err.rule : pgd_status_name(err.status), err.message);
		return;
	}
	if (!run_init(&r, t, oracle->mem, c, &base, false, c->fail_alloc_at)) {
		oracle_outcome(verdict, "not judged: the RAM banks overlap");
		return;
	}
	if (!takes_geometry(t, &base, &r.geo)) {
		char geometry[48];
		pgd_geometry_class(&base, geometry, sizeof(geometry));
		oracle_detail(verdict, "%s takes no geometry %s: not run\n", t->name, geometry);
		oracle_outcome(verdict, "not run: %s takes no geometry %s", t->name, geometry);
		return;
	}
	const uint64_t page = r.granule;
	if (t->idmap.one_page_prot) {
		/* One call per range, for its first page, on fresh tables. */
		unsigned mapped = 0;
		for (unsigned i = 0; i < c->n_ops && !verdict->finding; i++) {
			const struct case_op *op = &c->ops[i];
			uint64_t pa = op->pa & ~(page - 1);
			if (op->kind != CASE_OP_IDMAP || (pa >> base.pa_bits) ||
			    !physmem_is_ram(oracle->mem, pa, page)) {
				oracle_outcome(verdict, "op %u %s: not passed to %s (%s)", i,
					       case_op_name(op->kind), t->name,
					       op->kind != CASE_OP_IDMAP
						   ? "not an idmap range"
						   : "its first page is not RAM "
						     "within pa_bits");
				continue;
			}
			oracle_outcome(verdict,
				       "op %u idmap pa=0x%llx: its first page, on fresh tables", i,
				       (unsigned long long)pa);
			run_init(&r, t, oracle->mem, c, &base, false, c->fail_alloc_at);
			pgd_page_alloc_reserve(&r.pages, pa, page);
			struct pgdfuzz_range range = {pa, page};
			bool more = judge_one_idmap(oracle, &r, prefix, &base, &range, 1,
						    t->idmap.one_page_prot, 0, true, pa + page - 1,
						    verdict);
			run_fini(&r);
			if (!more)
				break;
			mapped++;
		}
		if (mapped && !verdict->finding)
			oracle_detail(verdict, "%s maps every page asked for\n", t->description);
		return;
	}

	static struct pgdfuzz_range ranges[CASE_MAX_OPS];
	size_t nranges = 0;
	uint64_t prot = PGD_PROT_KERNEL_EXEC, highest = 0;
	unsigned flags = 0;
	bool valid = true;
	for (unsigned i = 0; i < c->n_ops; i++) {
		const struct case_op *op = &c->ops[i];
		if (op->kind != CASE_OP_IDMAP) {
			oracle_outcome(verdict,
				       "op %u %s: ignored (the idmap harness takes idmap ranges)",
				       i, case_op_name(op->kind));
			continue;
		}
		oracle_outcome(verdict,
			       "op %u idmap pa=0x%llx size=0x%llx: range %zu of the idmap%s", i,
			       (unsigned long long)op->pa, (unsigned long long)op->size, nranges,
			       nranges ? " (prot and flags: those of the first range)" : "");
		/* One prot for the whole map: the first range's. Flags are the
		 * ones every range allows, so no range costs more descriptors
		 * than the case's work budget assumed for it. */
		if (nranges == 0) {
			prot = op->prot & PGD_PROT_MASK;
			flags = op->flags;
		}
		flags &= op->flags;
		ranges[nranges++] = (struct pgdfuzz_range){op->pa, op->size};
		if (!op->size)
			continue;
		if (op->size - 1 > UINT64_MAX - op->pa) {
			valid = false;
			continue;
		}
		uint64_t last = (op->pa + op->size - 1) | (page - 1);
		highest = last > highest ? last : highest;
	}
	if (!nranges) {
		oracle_outcome(verdict, "not judged: no idmap ranges");
		return;
	}
	if (highest >> base.pa_bits)
		valid = false;
	if (!valid && !t->contract.invalid_args) {
		oracle_outcome(
		    verdict,
		    "not passed to %s: the ranges reach PA 0x%llx beyond %u PA bits (outside "
		    "its declared contract)",
		    t->name, (unsigned long long)highest, base.pa_bits);
		return;
	}
	judge_one_idmap(oracle, &r, prefix, &base, ranges, nranges, prot, flags & honoured_flags(t),
			valid, highest, verdict);
	run_fini(&r);
}

/* ---- a manifest's geometries -------------------------------------------------- */

static struct {
	struct pgdfuzz_target target;
	bool (*accepts)(const struct pgdfuzz_geometry *geo);
	char list[512];
} only;

static bool only_accepts(const struct pgdfuzz_geometry *g)
{
	struct pgd_geometry geo = pgdfuzz_pgd_geometry(g);
	char name[48], pattern[64];
	pgd_geometry_class(&geo, name, sizeof(name));
	bool listed = false;
	for (const char *at = only.list; *at && !listed;) {
		size_t n = strcspn(at, " ,\t");
		if (n && n < sizeof(pattern)) {
			memcpy(pattern, at, n);
			pattern[n] = 0;
			listed = !fnmatch(pattern, name, 0);
		}
		at += n;
		at += strspn(at, " ,\t");
	}
	return listed && (!only.accepts || only.accepts(g));
}

const struct pgdfuzz_target *oracle_target_only(const struct pgdfuzz_target *target,
						const char *list)
{
	if (!list || !list[0])
		return target;
	only.target = *target;
	only.accepts = target->geometries.accepts;
	snprintf(only.list, sizeof(only.list), "%s", list);
	only.target.geometries.accepts = only_accepts;
	return &only.target;
}

/* ---- entry ------------------------------------------------------------------- */

void oracle_run_target(struct oracle *oracle, const struct pgdfuzz_target *target,
		       const char *prefix, const struct pgd_case *c, struct oracle_verdict *verdict)
{
	memset(verdict, 0, sizeof(*verdict));
	verdict->quiet = oracle->quiet;
	oracle->have_tables = false;
	if (!target || target->abi != PGDFUZZ_TARGET_ABI || !target->ops.init) {
		oracle_detail(verdict, "target %s: ABI %u, pgdfuzz has %u (or no init): not run\n",
			      target && target->name ? target->name : "?", target ? target->abi : 0,
			      PGDFUZZ_TARGET_ABI);
		return;
	}
	if (!prefix)
		prefix = target->name;
	const struct pgdfuzz_ops *ops = &target->ops;
	if (c->harness == CASE_HARNESS_BUILDER && (ops->map || ops->protect || ops->copy))
		judge_builder(oracle, target, prefix, c, verdict);
	else if (c->harness == CASE_HARNESS_IDMAP)
		judge_idmap(oracle, target, prefix, c, verdict);
}
