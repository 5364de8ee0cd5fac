/* sbpt: a small recursive stage-1 builder for every granule, written for
 * pgdfuzz as the example with a seeded bug. Unlike core it recurses one
 * level per call, takes the geometry as plain numbers, uses blocks at
 * level 2 (and level 1 with 4K pages) and the contiguous hint on pages, and
 * has no update or copy. It refuses (SBPT_EBUSY) to change a live entry,
 * split a block or replace a table, after a check pass, so a refusal
 * writes nothing.
 *
 * The seeded bug (compile with -DSBPT_SEEDED_BUG=1): the contiguous hint is
 * chosen from the VA's alignment alone. The architecture wants the output
 * addresses of a contiguous group to form one aligned block too; with a PA
 * that is page- but not group-aligned, sbpt writes a group whose OAs are
 * not aligned, which a CPU may translate as if they were (wrong PA for
 * part of the range, or a TLB conflict). */
#ifndef SBPT_H
#define SBPT_H

#include <stdbool.h>
#include <stdint.h>

enum { SBPT_OK = 0, SBPT_EINVAL, SBPT_ENOMEM, SBPT_EBUSY };

struct sbpt {
	unsigned page_shift; /* 12, 14, 16 */
	unsigned ia_bits;    /* input-address bits of the half */
	int start_level;
	bool upper;
	uint64_t root_pa;
	/* Table PA to pointer; a zeroed table page. */
	uint64_t *(*table)(void *ctx, uint64_t pa);
	int (*new_table)(void *ctx, uint64_t *pa);
	void *ctx;
};

/* Map [va, va + size) to pa with leaf attrs; no_block: pages only,
 * no_cont: no contiguous hint. va, pa and size page-aligned. */
int sbpt_map(struct sbpt *t, uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs, bool no_block,
	     bool no_cont);

#endif
