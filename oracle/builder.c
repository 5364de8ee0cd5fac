/* fuzz_builder's judge: run map/update/copy operations through core, then
 * check the tables against the intent, lint, break-before-make, the
 * documented accept/reject contract and allocator-failure safety. */
#include "internal.h"

#include <string.h>

#define HARNESS "builder"

bool oracle_op_range(const struct pgd_tree *tree, const struct case_op *op, bool with_pa,
		     uint64_t *va, uint64_t *last, uint64_t *pa)
{
	uint64_t page = pgd_granule(&tree->geo), lo, hi;
	if (with_pa && ((op->va ^ op->pa) & (page - 1)))
		return false;
	if (op->size - 1 > UINT64_MAX - op->va)
		return false;
	*va = op->va & ~(page - 1);
	*last = (op->va + (op->size - 1)) | (page - 1);
	*pa = op->pa & ~(page - 1);
	pgd_tree_va_range(tree, &lo, &hi);
	if (*va < lo || *last > hi)
		return false;
	uint64_t span = *last - *va;
	if (with_pa && (*pa >> tree->geo.pa_bits || span >> tree->geo.pa_bits ||
			(*pa + span) >> tree->geo.pa_bits))
		return false;
	return true;
}

bool oracle_intent_overlaps(const struct oracle_intent *intent, uint64_t va, uint64_t last)
{
	for (size_t i = 0; i < intent->count; i++)
		if (va <= intent->records[i].last && intent->records[i].va <= last)
			return true;
	return false;
}

/* The elementary pieces between all record boundaries are uniform. */
size_t oracle_flatten(const struct oracle_intent *intent, struct oracle_piece *pieces)
{
	size_t count = 0;
	/* Cut points: every record start and every record end + 1. */
	uint64_t cuts[4 * CASE_MAX_OPS];
	size_t ncuts = 0;
	for (size_t i = 0; i < intent->count; i++) {
		cuts[ncuts++] = intent->records[i].va;
		if (intent->records[i].last != UINT64_MAX)
			cuts[ncuts++] = intent->records[i].last + 1;
	}
	for (size_t i = 1; i < ncuts; i++)
		for (size_t j = i; j > 0 && cuts[j - 1] > cuts[j]; j--) {
			uint64_t t = cuts[j];
			cuts[j] = cuts[j - 1];
			cuts[j - 1] = t;
		}
	for (size_t i = 0; i < ncuts; i++) {
		if (i > 0 && cuts[i] == cuts[i - 1])
			continue;
		uint64_t va = cuts[i];
		uint64_t last = UINT64_MAX;
		for (size_t j = i + 1; j < ncuts; j++)
			if (cuts[j] > va) {
				last = cuts[j] - 1;
				break;
			}
		struct oracle_piece piece = {.va = va, .size = last - va + 1};
		for (size_t r = 0; r < intent->count; r++) {
			const struct oracle_record *rec = &intent->records[r];
			if (va < rec->va || va > rec->last)
				continue;
			bool failed_here = intent->failed && r == intent->count - 1;
			if (failed_here) {
				piece.prev_mapped = piece.mapped;
				piece.prev_pa = piece.pa;
				piece.prev_prot = piece.prot;
			}
			if (rec->kind == ORACLE_RECORD_UPDATE) {
				piece.prot = rec->prot;
				continue;
			}
			piece.mapped = rec->kind == ORACLE_RECORD_MAP;
			piece.pa = rec->pa + (va - rec->va);
			piece.prot = rec->prot;
			piece.either = piece.mapped && failed_here;
		}
		if (piece.mapped)
			pieces[count++] = piece;
	}
	return count;
}

struct copy_compare {
	struct ref_interval *list;
	size_t count, cap;
	size_t cursor;
	bool differs;
	uint64_t where;
};

static int collect(void *ctx, const struct ref_interval *interval)
{
	struct copy_compare *cmp = ctx;
	if (cmp->count == cmp->cap)
		return 1; /* too many to compare: treat as equal so far */
	cmp->list[cmp->count++] = *interval;
	return 0;
}

static bool same_interval(const struct ref_interval *a, const struct ref_interval *b)
{
	return a->va == b->va && a->size == b->size && a->fault == b->fault &&
	       a->has_leaf == b->has_leaf &&
	       (!a->has_leaf ||
		(a->pa == b->pa && a->level == b->level && ref_attrs_equal(&a->attrs, &b->attrs)));
}

static int compare(void *ctx, const struct ref_interval *interval)
{
	struct copy_compare *cmp = ctx;
	if (cmp->cursor >= cmp->count || !same_interval(&cmp->list[cmp->cursor], interval)) {
		cmp->differs = true;
		cmp->where = interval->va;
		return 1;
	}
	cmp->cursor++;
	return 0;
}

/* A copy must translate every VA exactly as the original does. */
static void check_copy(struct oracle *oracle, const struct pgd_tree *src,
		       const struct pgd_tree *dst, const char *geometry,
		       struct oracle_verdict *verdict)
{
	static struct ref_interval list[4096];
	struct copy_compare cmp = {list, 0, 4096, 0, false, 0};
	struct ref_mem mem = oracle_ref_mem(oracle->mem);
	struct ref_features features = oracle_features(&src->geo);
	struct ref_regs regs_src = oracle_tree_regs(src), regs_dst = oracle_tree_regs(dst);
	struct ref_regime a, b;
	char why[128];
	uint64_t lo, hi;
	pgd_tree_va_range(src, &lo, &hi);
	if (ref_regime_init(&a, &regs_src, &features, &mem, why, sizeof(why)) ||
	    ref_regime_init(&b, &regs_dst, &features, &mem, why, sizeof(why)))
		return;
	if (ref_range_walk(&a, lo, hi, collect, &cmp))
		return;
	ref_range_walk(&b, lo, hi, compare, &cmp);
	if (cmp.differs || cmp.cursor != cmp.count) {
		struct ref_result walk;
		oracle_finding(verdict, HARNESS, "copy-differs", geometry, PGD_NO_LEVEL,
			       "pgd_copy translates VA 0x%016llx differently from the original",
			       (unsigned long long)cmp.where);
		ref_walk_regime(&a, cmp.where, REF_TRANSLATE, &walk);
		oracle_detail(verdict, "original:\n");
		oracle_detail_chain(verdict, &walk);
		ref_walk_regime(&b, cmp.where, REF_TRANSLATE, &walk);
		oracle_detail(verdict, "copy:\n");
		oracle_detail_chain(verdict, &walk);
	}
}

struct bbm_ctx {
	const char *harness, *geometry, *who;
	struct oracle_verdict *verdict;
};

static int bbm_finding(void *opaque, const struct ref_bbm_finding *f)
{
	struct bbm_ctx *ctx = opaque;
	char kind[48];
	snprintf(kind, sizeof(kind), "bbm-%s", f->rule);
	oracle_finding(ctx->verdict, ctx->harness, kind, ctx->geometry, f->level,
		       "%s accepted a change that needs break-before-make (%s) at VA 0x%016llx, "
		       "level %d:\n  before: desc at PA 0x%llx = 0x%016llx\n  after:  desc at PA "
		       "0x%llx = 0x%016llx",
		       ctx->who, f->rule, (unsigned long long)f->va, f->level,
		       (unsigned long long)f->before_pa, (unsigned long long)f->before_desc,
		       (unsigned long long)f->after_pa, (unsigned long long)f->after_desc);
	return 1;
}

void oracle_check_bbm(struct oracle *oracle, const struct pgd_tree *tree, const char *harness,
		      const char *geometry, const char *who, struct oracle_verdict *verdict)
{
	struct ref_mem before = oracle_ref_mem(oracle->before), after = oracle_ref_mem(oracle->mem);
	struct ref_features features = oracle_features(&tree->geo);
	struct ref_regs regs = oracle_tree_regs(tree);
	struct ref_regime regime;
	char why[128];
	if (ref_regime_init(&regime, &regs, &features, &after, why, sizeof(why)))
		return;
	struct bbm_ctx ctx = {harness, geometry, who, verdict};
	ref_bbm_check(&regime, &before, &after, bbm_finding, &ctx);
}

void oracle_judge_tables(struct oracle *oracle, const struct pgd_tree *tree,
			 const struct oracle_intent *intent, uint64_t user_bits,
			 const char *harness, const char *geometry, struct oracle_verdict *verdict)
{
	struct ref_regs regs = oracle_tree_regs(tree);
	struct ref_features features = oracle_features(&tree->geo);
	struct ref_mem mem = oracle_ref_mem(oracle->mem);
	struct ref_regime regime;
	char why[128];
	oracle->regs = regs;
	oracle->features = features;
	oracle->have_tables = true;
	if (ref_regime_init(&regime, &regs, &features, &mem, why, sizeof(why))) {
		oracle_finding(verdict, harness, "bad-registers", geometry, PGD_NO_LEVEL,
			       "the reference walker rejects the registers of %s's tables: %s",
			       harness, why);
		return;
	}
	if (!oracle_check_lint(oracle, &regime, user_bits, harness, geometry, verdict))
		return;
	static struct oracle_piece pieces[ORACLE_MAX_PIECES];
	size_t count = oracle_flatten(intent, pieces);
	uint64_t lo, hi;
	pgd_tree_va_range(tree, &lo, &hi);
	oracle_check_intent(oracle, &regime, pieces, count, lo, hi, oracle_compare_mask(&tree->geo),
			    harness, geometry, verdict);
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
			return r->flags & PGD_NO_EXEC;
	}
	return false;
}

static void check_table_attrs(struct oracle *oracle, const struct pgd_tree *tree,
			      const struct oracle_intent *intent, const char *geometry,
			      struct oracle_verdict *verdict)
{
	struct ref_regs regs = oracle_tree_regs(tree);
	struct ref_features features = oracle_features(&tree->geo);
	struct ref_mem mem = oracle_ref_mem(oracle->mem);
	struct ref_regime regime;
	char why[128];
	if (!ref_regime_init(&regime, &regs, &features, &mem, why, sizeof(why)))
		oracle_check_table_attrs(&regime, created_no_exec, (void *)intent, HARNESS,
					 geometry, verdict);
}

void oracle_judge_builder(struct oracle *oracle, const struct pgd_case *c,
			  struct oracle_verdict *verdict)
{
	struct pgd_geometry geo;
	struct pgd_error err;
	char geometry[48];
	physmem_reset(oracle->mem);
	for (unsigned i = 0; i < c->n_banks; i++)
		if (physmem_add_bank(oracle->mem, c->banks[i].base, c->banks[i].size, NULL))
			return; /* overlapping banks: not a layout to judge */
	if (pgd_geometry_init(&geo, &c->geometry, &err))
		return;
	pgd_geometry_class(&geo, geometry, sizeof(geometry));

	oracle_poison_alloc_pages(oracle->mem, pgd_granule(&geo), 1ULL << geo.pa_bits);
	struct pgd_page_alloc pages;
	struct pgd_failing_alloc failing;
	pgd_page_alloc_init(&pages, oracle->mem, pgd_granule(&geo));
	pgd_page_alloc_limit(&pages, 1ULL << geo.pa_bits);
	struct pgd_mm_ops mm = pgd_page_alloc_ops(&pages);
	if (c->fail_alloc_at)
		mm = pgd_failing_ops(&failing, mm, c->fail_alloc_at - 1);
	struct pgd_tree tree, copy;
	if (pgd_tree_init(&tree, &geo, oracle->mem, mm, c->upper, &err) ||
	    !oracle_check_geometry(oracle, &c->geometry, &tree, HARNESS, geometry, verdict))
		return;

	static struct oracle_intent intent;
	memset(&intent, 0, sizeof(intent));
	uint64_t user_bits = 0;
	for (unsigned i = 0; i < c->n_ops && !verdict->finding && !intent.failed; i++) {
		const struct case_op *op = &c->ops[i];
		if (op->kind == CASE_OP_COPY) {
			if (pgd_tree_init(&copy, &geo, oracle->mem, mm, c->upper, &err) ||
			    pgd_copy(&tree, &copy, &err)) {
				if (err.status != PGD_ENOMEM)
					oracle_finding(verdict, HARNESS, "copy-error", geometry,
						       err.level, "pgd_copy failed: %s",
						       err.message);
				break; /* out of memory: nothing more to build on */
			}
			check_copy(oracle, &tree, &copy, geometry, verdict);
			tree = copy;
			verdict->ops_done++;
			continue;
		}
		if (op->kind != CASE_OP_MAP && op->kind != CASE_OP_UPDATE)
			continue; /* idmap ranges belong to fuzz_idmap */
		bool map = op->kind == CASE_OP_MAP;
		uint64_t va = 0, last = 0, pa = 0;
		bool valid = op->size == 0 || oracle_op_range(&tree, op, map, &va, &last, &pa);
		bool overlap = valid && op->size && oracle_intent_overlaps(&intent, va, last);
		if (overlap && !physmem_copy(oracle->before, oracle->mem))
			overlap = false;
		uint64_t writes = physmem_write_count(oracle->mem);
		int ret = map ? pgd_map(&tree, op->va, op->pa, op->size, op->prot, op->flags, &err)
			      : pgd_update(&tree, op->va, op->size, op->prot, &err);
		bool wrote = physmem_write_count(oracle->mem) != writes;
		verdict->ops_done++;
		if (ret == PGD_OK && !valid)
			oracle_finding(
			    verdict, HARNESS, "accepted-invalid", geometry, PGD_NO_LEVEL,
			    "op %u (%s va=0x%llx pa=0x%llx size=0x%llx) breaks the documented "
			    "contract but was accepted",
			    i, case_op_name(op->kind), (unsigned long long)op->va,
			    (unsigned long long)op->pa, (unsigned long long)op->size);
		else if (ret == PGD_EINVAL && valid)
			oracle_finding(verdict, HARNESS, "rejected-valid", geometry, err.level,
				       "op %u (%s) is valid by the documented contract but was "
				       "rejected: %s",
				       i, case_op_name(op->kind), err.message);
		else if (ret != PGD_OK && ret != PGD_ENOMEM && wrote)
			oracle_finding(verdict, HARNESS, "wrote-on-reject", geometry, err.level,
				       "op %u (%s) was refused (%s: %s) but changed memory", i,
				       case_op_name(op->kind), pgd_status_name(err.status),
				       err.message);
		else if (ret == PGD_EMEM)
			oracle_finding(verdict, HARNESS, "internal", geometry, err.level,
				       "op %u: %s", i, err.message);
		if (verdict->finding)
			break;
		if (ret == PGD_EUNSAFE && !map && valid && op->size &&
		    !oracle_check_refusal(oracle, &tree, op, va, last, &err, HARNESS, geometry,
					  verdict))
			break;
		if (ret != PGD_OK && ret != PGD_ENOMEM) {
			verdict->ops_rejected++;
			continue;
		}
		if (op->size == 0)
			continue;
		if (ret == PGD_OK && overlap)
			oracle_check_bbm(oracle, &tree, HARNESS, geometry, case_op_name(op->kind),
					 verdict);
		if (map || ret == PGD_OK) {
			intent.records[intent.count].kind =
			    map ? ORACLE_RECORD_MAP : ORACLE_RECORD_UPDATE;
			intent.records[intent.count].va = va;
			intent.records[intent.count].last = last;
			intent.records[intent.count].pa = pa;
			intent.records[intent.count].prot = op->prot & PGD_PROT_MASK;
			intent.records[intent.count].flags = op->flags;
			intent.count++;
			user_bits |= op->prot & PGD_PROT_MASK;
		}
		intent.failed = ret == PGD_ENOMEM;
	}
	if (verdict->finding)
		return;

	oracle_judge_tables(oracle, &tree, &intent, user_bits, HARNESS, geometry, verdict);
	if (!verdict->finding)
		check_table_attrs(oracle, &tree, &intent, geometry, verdict);
}
