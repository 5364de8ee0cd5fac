/* fwpt: a small firmware-style translation-table library, written for
 * pgdfuzz as an example target. The shape is the one boot firmware tends to
 * have: 4K granule only, 39- or 48-bit VAs in either half (TTBR0 or TTBR1), a
 * fixed pool of FWPT_MAX_TABLES tables and no freeing, and an iterative
 * loop over the range that writes 2M blocks where it can and 4K pages
 * elsewhere (never 1G blocks, never the contiguous hint).
 *
 * fwpt_map() refuses (FWPT_EBUSY) to change a valid entry into anything
 * else, to split a block or to replace a table, and writes nothing when it
 * refuses: it checks the whole range before it writes. Running out of
 * tables (FWPT_ENOMEM) can leave part of the range mapped. */
#ifndef FWPT_H
#define FWPT_H

#include <stdbool.h>
#include <stdint.h>

#define FWPT_MAX_TABLES 16

enum { FWPT_OK = 0, FWPT_EINVAL, FWPT_ENOMEM, FWPT_EBUSY };

/* Where tables live: the platform maps a table's PA to a pointer, and
 * hands out zeroed 4K pages for new tables. */
struct fwpt_platform {
	uint64_t *(*table)(void *ctx, uint64_t pa);
	int (*new_table)(void *ctx, uint64_t *pa);
	void *ctx;
};

struct fwpt {
	struct fwpt_platform platform;
	unsigned va_bits;
	bool upper;	/* the TTBR1 half: VAs from 2^64 - 2^va_bits */
	int root_level; /* 0 for 48 bits, 1 for 39 */
	uint64_t root_pa;
	unsigned tables_used;
};

int fwpt_init(struct fwpt *pt, unsigned va_bits, bool upper, struct fwpt_platform platform);
/* Map [va, va + size) to pa with the leaf attribute bits attrs (AttrIndx,
 * AP, SH, AF, nG, PXN, UXN, ...). va, pa and size 4K aligned, size > 0;
 * pages_only: no 2M blocks. */
int fwpt_map(struct fwpt *pt, uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs,
	     bool pages_only);

#endif
