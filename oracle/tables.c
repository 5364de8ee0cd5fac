/* The table checks every target's judge (target.c) shares: the contract
 * range of an op, the intent as flat pieces, copies, break-before-make and
 * the final lint and intent check. */
#include "internal.h"

#include <string.h>

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
		struct oracle_piece piece = {.va = va, .size = last - va + 1, .op = -1};
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
			piece.op = rec->op;
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
void oracle_check_copy(struct oracle *oracle, const struct pgd_tree *src,
		       const struct pgd_tree *dst, const char *harness, const char *geometry,
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
		oracle_finding(verdict, harness, "copy-differs", geometry, PGD_NO_LEVEL,
			       "the copy translates VA 0x%016llx differently from the original",
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
	const struct ref_regime *after;
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
	oracle_detail(ctx->verdict,
		      "  what it means: a live translation changed in a way the architecture "
		      "allows only through an invalid entry and a TLB invalidation (Arm ARM "
		      "D8.16.1); the CPU may use the old or the new entry, or see a TLB "
		      "conflict\n");
	struct ref_result walk;
	ref_walk_regime(ctx->after, f->va, REF_TRANSLATE, &walk);
	oracle_detail(ctx->verdict, "  what the walk gives after the change:\n");
	oracle_detail_chain(ctx->verdict, &walk);
	ctx->verdict->focused = true;
	ctx->verdict->focus = f->va;
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
	struct bbm_ctx ctx = {harness, geometry, who, verdict, &regime};
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
	static struct oracle_piece pieces[ORACLE_MAX_PIECES];
	size_t count = oracle_flatten(intent, pieces);
	if (!oracle_check_lint(oracle, &regime, user_bits, harness, geometry, verdict)) {
		/* What the ops asked for where lint objects. */
		const struct oracle_piece *at = NULL;
		for (size_t i = 0; i < count && verdict->focused; i++)
			if (pieces[i].va <= verdict->focus &&
			    verdict->focus - pieces[i].va < pieces[i].size)
				at = &pieces[i];
		if (at)
			oracle_detail(verdict,
				      "  intended: VA 0x%016llx-0x%016llx -> PA 0x%013llx prot "
				      "0x%016llx (op %d; the accepted ops, last map wins)\n",
				      (unsigned long long)at->va,
				      (unsigned long long)(at->va + (at->size - 1)),
				      (unsigned long long)at->pa, (unsigned long long)at->prot,
				      at->op);
		else if (verdict->focused) {
			oracle_detail(verdict, "  intended: VA 0x%016llx is not mapped by any op\n",
				      (unsigned long long)verdict->focus);
			/* What the ops map next to it (within 2 MiB). */
			const uint64_t near = 2ULL << 20;
			for (size_t i = 0; i < count; i++) {
				uint64_t first = pieces[i].va, last = first + (pieces[i].size - 1);
				if (last + near < verdict->focus || first > verdict->focus + near)
					continue;
				oracle_detail(verdict,
					      "  intended nearby: VA 0x%016llx-0x%016llx -> PA "
					      "0x%013llx prot 0x%016llx (op %d)\n",
					      (unsigned long long)first, (unsigned long long)last,
					      (unsigned long long)pieces[i].pa,
					      (unsigned long long)pieces[i].prot, pieces[i].op);
			}
		}
		return;
	}
	uint64_t lo, hi;
	pgd_tree_va_range(tree, &lo, &hi);
	oracle_check_intent(oracle, &regime, pieces, count, lo, hi, oracle_compare_mask(&tree->geo),
			    harness, geometry, verdict);
}
