/* Diff: an intent list against the range walk; the first divergence wins. */
#include "internal.h"

#include <inttypes.h>
#include <string.h>

struct diff_walk {
	const struct ref_regime *regime;
	const struct ref_expect *expect;
	size_t count, next; /* intents before `next` lie wholly below the cursor */
	bool strict;
	struct ref_diff *diff;
};

static uint64_t mask_of(const struct ref_expect *expect)
{
	return expect->prot_mask ? expect->prot_mask : REF_PROT_COMPARE_DEFAULT;
}

static int found(struct diff_walk *walk, enum ref_diff_kind kind, uint64_t va,
		 const struct ref_expect *expect)
{
	struct ref_diff *diff = walk->diff;

	diff->kind = kind;
	diff->va = va;
	diff->expect = expect;
	if (expect) {
		diff->expected_pa = expect->pa + (va - expect->va);
		diff->prot_mask = mask_of(expect);
		diff->expected_prot = expect->prot & diff->prot_mask;
	}
	ref_walk_regime(walk->regime, va, REF_TRANSLATE, &diff->actual);
	diff->actual_prot = diff->actual.has_leaf ? ref_attrs_prot(&diff->actual.attrs) : 0;
	return 1;
}

/* Check one interval against the intents it overlaps. */
static int check_interval(void *ctx, const struct ref_interval *iv)
{
	struct diff_walk *walk = ctx;
	uint64_t iv_last = iv->va + (iv->size - 1);
	uint64_t cursor = iv->va;

	while (walk->next < walk->count) {
		const struct ref_expect *e = &walk->expect[walk->next];
		uint64_t e_last = e->va + (e->size - 1);

		if (e->va > iv_last)
			break;
		if (e_last < cursor) {
			walk->next++;
			continue;
		}
		/* Uncovered part of the interval before this intent. */
		if (e->va > cursor && walk->strict && iv->fault == REF_FAULT_NONE)
			return found(walk, REF_DIFF_UNEXPECTED, cursor, NULL);
		uint64_t lo = e->va > cursor ? e->va : cursor;
		uint64_t hi = e_last < iv_last ? e_last : iv_last;

		if (iv->fault != REF_FAULT_NONE)
			return found(walk, REF_DIFF_NOT_MAPPED, lo, e);
		/* Both are linear across [lo, hi]: the offsets match at lo or
		 * nowhere. */
		if (iv->pa + (lo - iv->va) != e->pa + (lo - e->va))
			return found(walk, REF_DIFF_PA, lo, e);
		if ((ref_attrs_prot(&iv->attrs) ^ e->prot) & mask_of(e))
			return found(walk, REF_DIFF_ATTRS, lo, e);
		if (hi == iv_last)
			return 0;
		cursor = hi + 1;
		walk->next++;
	}
	if (walk->strict && iv->fault == REF_FAULT_NONE)
		return found(walk, REF_DIFF_UNEXPECTED, cursor, NULL);
	return 0;
}

int ref_diff(const struct ref_regime *regime, const struct ref_expect *expect, size_t count,
	     bool strict, struct ref_diff *diff, char *why, size_t why_len)
{
	struct diff_walk walk = {regime, expect, count, 0, strict, diff};

	memset(diff, 0, sizeof(*diff));
	for (size_t i = 0; i < count; i++) {
		const char *bad = NULL;

		if (!expect[i].size)
			bad = "is empty";
		else if (expect[i].va + (expect[i].size - 1) < expect[i].va)
			bad = "wraps";
		else if (i && expect[i].va <= expect[i - 1].va + (expect[i - 1].size - 1))
			bad = "overlaps or is out of order with the previous one";
		if (bad) {
			if (why && why_len)
				snprintf(why, why_len, "intent %zu (va 0x%" PRIx64 ") %s", i,
					 expect[i].va, bad);
			return -1;
		}
	}
	if (strict)
		ref_range_walk(regime, 0, ~0ULL, check_interval, &walk);
	else if (count)
		ref_range_walk(regime, expect[0].va,
			       expect[count - 1].va + (expect[count - 1].size - 1), check_interval,
			       &walk);
	return 0;
}

static const char *diff_kind_name(enum ref_diff_kind kind)
{
	switch (kind) {
	case REF_DIFF_NONE:
		return "no divergence";
	case REF_DIFF_NOT_MAPPED:
		return "not mapped";
	case REF_DIFF_PA:
		return "wrong physical address";
	case REF_DIFF_ATTRS:
		return "wrong attributes";
	case REF_DIFF_UNEXPECTED:
		return "mapped but not in the intent";
	}
	return "?";
}

#define APPEND(...)                                                                                \
	do {                                                                                       \
		int n_ = snprintf(buf + (used < len ? used : len), used < len ? len - used : 0,    \
				  __VA_ARGS__);                                                    \
		if (n_ > 0)                                                                        \
			used += (size_t)n_;                                                        \
	} while (0)

int ref_diff_format(const struct ref_diff *diff, char *buf, size_t len)
{
	const struct ref_result *act = &diff->actual;
	size_t used = 0;

	if (len)
		buf[0] = 0;
	APPEND("%s at VA 0x%016" PRIx64 "\n", diff_kind_name(diff->kind), diff->va);
	if (diff->kind == REF_DIFF_NONE)
		return (int)used;
	if (diff->expect)
		APPEND("  expected: PA 0x%" PRIx64 " prot 0x%016" PRIx64 " (mask 0x%016" PRIx64
		       ") from intent [0x%" PRIx64 ", +0x%" PRIx64 ")\n",
		       diff->expected_pa, diff->expected_prot, diff->prot_mask, diff->expect->va,
		       diff->expect->size);
	else
		APPEND("  expected: no mapping\n");
	if (act->fault != REF_FAULT_NONE)
		APPEND("  actual:   %s fault at level %d\n", ref_fault_name(act->fault),
		       act->level);
	else
		APPEND("  actual:   PA 0x%" PRIx64 " prot 0x%016" PRIx64
		       " level %d block 0x%llx %s\n",
		       act->pa, diff->actual_prot, act->level, 1ULL << act->block_shift,
		       ref_memtype_name(act->attrs.mair_attr));
	if (diff->expect && act->has_leaf) {
		uint64_t differ = (diff->actual_prot ^ diff->expected_prot) & diff->prot_mask;
		if (differ)
			APPEND("  differing prot bits: 0x%016" PRIx64 "\n", differ);
	}
	APPEND("  walk (%s):\n", act->upper ? "TTBR1" : "TTBR0");
	for (unsigned i = 0; i < act->nsteps; i++)
		APPEND("    L%d desc @ PA 0x%" PRIx64 " = 0x%016" PRIx64 "\n", act->steps[i].level,
		       act->steps[i].pa, act->steps[i].desc);
	if (!act->nsteps)
		APPEND("    (no descriptor read)\n");
	return (int)used;
}
