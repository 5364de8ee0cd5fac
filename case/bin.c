/* case: the binary form, for fuzzers.
 *
 * Layout: [magic] harness, five geometry bytes, then records until the input
 * runs out. A record is a tag byte (folded modulo the record count) and its
 * fields. A 64-bit field is a selector byte and a payload: selector 0 means
 * "8 literal bytes follow" (all the encoder writes), any other selector picks
 * a generator of interesting values for that field, fed by further bytes.
 * Everything ends in case_fold(), so any bytes give an in-bounds case, and a
 * literal in-bounds case comes back unchanged.
 */
#include <string.h>

#include "case.h"
#include "internal.h"

/* ---- Data producer ----------------------------------------------------- */

void case_data_init(struct case_data *d, const uint8_t *data, size_t size)
{
	d->data = data;
	d->size = data ? size : 0;
	d->pos = 0;
}

bool case_data_empty(const struct case_data *d)
{
	return d->pos >= d->size;
}

uint8_t case_data_u8(struct case_data *d)
{
	return d->pos < d->size ? d->data[d->pos++] : 0;
}

static uint64_t read_le(struct case_data *d, unsigned bytes)
{
	uint64_t value = 0;

	for (unsigned i = 0; i < bytes; i++)
		value |= (uint64_t)case_data_u8(d) << (8 * i);
	return value;
}

uint64_t case_data_u64(struct case_data *d)
{
	return read_le(d, 8);
}

uint64_t case_data_range(struct case_data *d, uint64_t lo, uint64_t hi)
{
	uint64_t span, value;
	unsigned bytes = 0;

	if (hi <= lo)
		return lo;
	span = hi - lo;
	for (uint64_t rest = span; rest; rest >>= 8)
		bytes++;
	value = read_le(d, bytes);
	if (span != UINT64_MAX && value > span)
		value %= span + 1;
	return lo + value;
}

/* ---- Encoding ---------------------------------------------------------- */

enum record {
	REC_RAM,
	REC_MAP,
	REC_UPDATE,
	REC_IDMAP,
	REC_COPY,
	REC_ALLOC,
	REC_KEXEC,
	REC_SEGMENT,
	REC_REGS,
	REC_FEATURES,
	REC_WRITE,
	REC_PROBE,
	REC_COUNT
};

struct writer {
	uint8_t *buf;
	size_t cap, len;
};

static void put_u8(struct writer *w, uint8_t byte)
{
	if (w->len < w->cap)
		w->buf[w->len] = byte;
	w->len++;
}

static void put_le(struct writer *w, uint64_t value, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		put_u8(w, (uint8_t)(value >> (8 * i)));
}

static void put_value(struct writer *w, uint64_t value)
{
	put_u8(w, 0); /* selector: literal */
	put_le(w, value, 8);
}

static unsigned pa_bits_index(unsigned pa_bits)
{
	for (unsigned i = 0; i < CASE_PA_BITS_CHOICES; i++)
		if (case_pa_bits_table[i] == pa_bits)
			return i;
	return 0;
}

static unsigned log2_or_zero(uint64_t value)
{
	unsigned log = 0;

	while (value > 1) {
		value >>= 1;
		log++;
	}
	return log;
}

size_t case_encode(const struct pgd_case *c, uint8_t *buf, size_t cap)
{
	struct writer w = {.buf = buf, .cap = buf ? cap : 0};
	const struct pgd_config *g = &c->geometry;
	const struct pgd_regs *regs = &c->walker.regs;
	unsigned granule_code = g->granule == 16384 ? 1 : g->granule == 65536 ? 2 : 0;

	put_u8(&w, CASE_BIN_MAGIC);
	put_u8(&w, (uint8_t)c->harness);
	put_u8(&w, (uint8_t)(granule_code | (c->upper ? 4 : 0) | (g->lpa2 ? 8 : 0)));
	put_u8(&w, (uint8_t)g->va_bits);
	put_u8(&w, (uint8_t)g->levels);
	put_u8(&w, (uint8_t)(g->root_entries ? log2_or_zero(g->root_entries) + 1 : 0));
	put_u8(&w, (uint8_t)pa_bits_index(g->pa_bits));
	for (unsigned i = 0; i < c->n_banks; i++) {
		put_u8(&w, REC_RAM);
		put_value(&w, c->banks[i].base);
		put_value(&w, c->banks[i].size);
	}
	for (unsigned i = 0; i < c->n_ops; i++) {
		const struct case_op *op = &c->ops[i];

		switch (op->kind) {
		case CASE_OP_MAP:
			put_u8(&w, REC_MAP);
			put_value(&w, op->va);
			put_value(&w, op->pa);
			put_value(&w, op->size);
			put_value(&w, op->prot);
			put_u8(&w, (uint8_t)op->flags);
			break;
		case CASE_OP_UPDATE:
			put_u8(&w, REC_UPDATE);
			put_value(&w, op->va);
			put_value(&w, op->size);
			put_value(&w, op->prot);
			break;
		case CASE_OP_IDMAP:
			put_u8(&w, REC_IDMAP);
			put_value(&w, op->pa);
			put_value(&w, op->size);
			put_value(&w, op->prot);
			put_u8(&w, (uint8_t)op->flags);
			break;
		default:
			put_u8(&w, REC_COPY);
			break;
		}
	}
	if (c->fail_alloc_at) {
		put_u8(&w, REC_ALLOC);
		put_le(&w, c->fail_alloc_at, 4);
	}
	if (c->kexec.present) {
		put_u8(&w, REC_KEXEC);
		put_u8(&w, (uint8_t)c->kexec.strategy);
		put_value(&w, c->kexec.entry);
		put_value(&w, c->kexec.dtb);
	}
	for (unsigned i = 0; i < c->kexec.n_segments; i++) {
		put_u8(&w, REC_SEGMENT);
		put_value(&w, c->kexec.segments[i].src);
		put_value(&w, c->kexec.segments[i].dst);
		put_value(&w, c->kexec.segments[i].size);
	}
	if (regs->tcr || regs->ttbr0 || regs->ttbr1 || regs->mair || regs->sctlr) {
		put_u8(&w, REC_REGS);
		put_value(&w, regs->tcr);
		put_value(&w, regs->ttbr0);
		put_value(&w, regs->ttbr1);
		put_value(&w, regs->mair);
		put_value(&w, regs->sctlr);
	}
	if (c->walker.features.pa_bits || c->walker.features.lpa || c->walker.features.lpa2 ||
	    c->walker.features.hpds || c->walker.features.hafdbs) {
		put_u8(&w, REC_FEATURES);
		put_u8(&w, (uint8_t)(pa_bits_index(c->walker.features.pa_bits) |
				     (c->walker.features.lpa ? 0x08 : 0) |
				     (c->walker.features.lpa2 ? 0x10 : 0) |
				     (c->walker.features.hpds ? 0x20 : 0) |
				     (c->walker.features.hafdbs ? 0x40 : 0)));
	}
	for (unsigned i = 0; i < c->walker.n_writes; i++) {
		put_u8(&w, REC_WRITE);
		put_value(&w, c->walker.writes[i].pa);
		put_value(&w, c->walker.writes[i].value);
	}
	for (unsigned i = 0; i < c->walker.n_probes; i++) {
		put_u8(&w, REC_PROBE);
		put_value(&w, c->walker.probes[i]);
	}
	return w.len;
}

enum case_harness case_detect_harness(const uint8_t *data, size_t size)
{
	if (size < 2 || data[0] != CASE_BIN_MAGIC)
		return CASE_HARNESS_COUNT;
	return (enum case_harness)(data[1] % CASE_HARNESS_COUNT);
}

/* ---- Decoding: generators of interesting values ------------------------ */

/* What the generators know while decoding. */
struct decoder {
	struct case_data data;
	struct pgd_case *c;
	unsigned page_shift;
	unsigned shifts[6]; /* page, cont pages, L2 block, cont L2, L1 block, L0 block */
	uint64_t last_va;   /* for PAs that share its block offset */
	bool literal;	    /* the last value() was a literal */
};

/* Walker soup tables live in a small pool of pages; descriptors and
 * registers point into it, so random inputs form real table trees. */
#define SOUP_POOL_BASE	0x40000000ULL
#define SOUP_POOL_PAGES 16

/* Leaves one op with a generated size may need (see CASE_MAX_LEAVES). */
#define CASE_GENERATED_LEAVES 1024

static uint64_t pa_limit(const struct decoder *dec)
{
	unsigned bits = dec->c->geometry.pa_bits ? dec->c->geometry.pa_bits : 48;

	return 1ULL << bits;
}

static void setup_shifts(struct decoder *dec)
{
	unsigned ps = dec->page_shift, stride = ps - 3;
	/* log2 of the contiguous group sizes at L3 and L2 (4K 16/16, 16K
	 * 128/32, 64K 32/32) */
	unsigned cont_pte = ps == 12 ? 4 : ps == 14 ? 7 : 5;
	unsigned cont_pmd = ps == 12 ? 4 : 5;

	dec->shifts[0] = ps;
	dec->shifts[1] = ps + cont_pte;
	dec->shifts[2] = ps + stride;
	dec->shifts[3] = ps + stride + cont_pmd;
	dec->shifts[4] = ps + 2 * stride;
	dec->shifts[5] = ps + 3 * stride;
}

static unsigned pick_shift(struct decoder *dec)
{
	unsigned shift = dec->shifts[case_data_u8(&dec->data) % 6];

	return shift > 51 ? 51 : shift;
}

/* Block/contiguous-aligned offset with a few "one page off" variants. */
static uint64_t aligned_offset(struct decoder *dec, unsigned variant)
{
	unsigned shift = pick_shift(dec);
	uint64_t index = case_data_range(&dec->data, 0, 0xffff);
	uint64_t page = 1ULL << dec->page_shift;
	uint64_t offset = index << shift;

	switch (variant % 4) {
	case 1:
		return offset - page; /* one page short of a boundary */
	case 2:
		return offset + page; /* one page past */
	default:
		return offset;
	}
}

static uint64_t gen_va(struct decoder *dec, unsigned selector)
{
	const struct pgd_config *g = &dec->c->geometry;
	uint64_t span = 1ULL << g->va_bits;
	uint64_t base = dec->c->upper ? ~(span - 1) : 0;
	uint64_t offset;

	switch (selector % 6) {
	case 0:
	case 1:
	case 2:
		offset = aligned_offset(dec, selector);
		break;
	case 3: /* a few pages in */
		offset = (uint64_t)case_data_u8(&dec->data) << dec->page_shift;
		break;
	case 4: /* just below the top of the half */
		offset = span - aligned_offset(dec, 0) - (1ULL << dec->page_shift);
		break;
	default: /* the same offset as a RAM bank: a linear-map alias */
		offset = dec->c->n_banks
			     ? dec->c->banks[case_data_u8(&dec->data) % dec->c->n_banks].base
			     : 0;
		break;
	}
	return base + (offset & (span - 1));
}

static uint64_t gen_pa(struct decoder *dec, unsigned selector)
{
	const struct pgd_case *c = dec->c;
	uint64_t limit = pa_limit(dec);

	switch (selector % 4) {
	case 0:
	case 1: /* inside a RAM bank, block aligned from its base */
		if (c->n_banks) {
			const struct case_range *bank =
			    &c->banks[case_data_u8(&dec->data) % c->n_banks];
			uint64_t pa = bank->base + aligned_offset(dec, selector / 4) % bank->size;
			/* keep the last VA's offset within the largest block, so
			 * blocks are possible (selector 0) or not (1) */
			uint64_t block = 1ULL << dec->shifts[dec->page_shift == 12 ? 4 : 2];

			if (selector % 4 == 0)
				pa = (pa & ~(block - 1)) | (dec->last_va & (block - 1));
			return pa;
		}
		return aligned_offset(dec, 0) & (limit - 1);
	case 2: /* anywhere in PA space, aligned */
		return aligned_offset(dec, selector / 4) & (limit - 1);
	default: /* at the top of PA space */
		return (limit - aligned_offset(dec, 0) - (1ULL << dec->page_shift)) & (limit - 1);
	}
}

/* Mostly small sizes: a random case should cost core microseconds, while
 * block multiples (and one page off them) still reach the boundaries. */
static uint64_t gen_size(struct decoder *dec, unsigned selector)
{
	uint64_t count = case_data_u8(&dec->data) % 4 + 1;
	uint64_t page = 1ULL << dec->page_shift;

	switch (selector % 8) {
	case 0:
	case 1:
	case 2:
		return (count * 8 - (count & 1) * 5) * page; /* 3, 16, 19, 32 pages */
	case 3:
		return page;
	case 4:
		return count << pick_shift(dec);
	case 5:
		return (count << pick_shift(dec)) - page;
	case 6:
		return (count << pick_shift(dec)) + page;
	default:
		return ((uint64_t)case_data_u8(&dec->data) + 1) * page;
	}
}

static uint64_t gen_ram_base(struct decoder *dec, unsigned selector)
{
	static const uint64_t classic[] = {0x40000000ULL,  0x80000000ULL,  0x8000000000ULL,
					   0x880000000ULL, 0x100000000ULL, 0x0ULL};
	uint64_t limit = pa_limit(dec);
	unsigned byte = case_data_u8(&dec->data);

	switch (selector % 5) {
	case 0: /* just above the VA range: the idmap needs an extra level */
		return ((1ULL << dec->c->geometry.va_bits) + ((uint64_t)byte << 30)) & (limit - 1);
	case 1:
		return classic[byte % 6];
	case 2: /* a power of two */
		return (1ULL << (30 + byte % 22)) & (limit - 1);
	case 3: /* near the top of PA space */
		return (limit - (((uint64_t)byte % 8 + 1) << 30)) & (limit - 1);
	default:
		return ((uint64_t)byte << pick_shift(dec)) & (limit - 1);
	}
}

static uint64_t gen_ram_size(struct decoder *dec, unsigned selector)
{
	static const unsigned shifts[] = {21, 24, 26, 28, 30, 32, 36, 40};
	uint64_t count = case_data_u8(&dec->data) % 4 + 1;

	return count << shifts[selector % 8];
}

static uint64_t gen_prot(struct decoder *dec, unsigned selector)
{
	static const uint64_t presets[] = {PGD_PROT_KERNEL, PGD_PROT_KERNEL_RO, PGD_PROT_KERNEL_ROX,
					   PGD_PROT_KERNEL_EXEC, PGD_PROT_DEVICE};
	uint64_t ng = selector & 0x80 ? PGD_NG : 0;
	unsigned which = (selector & 0x7f) % 7;

	if (which < 5)
		return presets[which] | ng;
	if (which == 5) /* a preset with a few bits flipped */
		return (presets[case_data_u8(&dec->data) % 5] ^ case_data_u64(&dec->data)) &
		       PGD_PROT_MASK;
	return case_data_u64(&dec->data) & PGD_PROT_MASK;
}

static uint64_t soup_page(struct decoder *dec)
{
	return SOUP_POOL_BASE +
	       ((uint64_t)(case_data_u8(&dec->data) % SOUP_POOL_PAGES) << dec->page_shift);
}

static uint64_t gen_tcr(struct decoder *dec)
{
	uint8_t t0 = case_data_u8(&dec->data), t1 = case_data_u8(&dec->data);
	uint8_t tg = case_data_u8(&dec->data), misc = case_data_u8(&dec->data);
	/* TG0 codes 00 4K, 10 16K, 01 64K; TG1 codes 10 4K, 01 16K, 11 64K */
	static const unsigned tg0_code[] = {0, 2, 1, 3};
	static const unsigned tg1_code[] = {2, 1, 3, 0};
	unsigned granule = dec->page_shift == 12 ? 0 : dec->page_shift == 14 ? 1 : 2;
	unsigned g0 = tg & 0x80 ? tg0_code[tg & 3] : tg0_code[granule];
	unsigned g1 = tg & 0x40 ? tg1_code[(tg >> 2) & 3] : tg1_code[granule];
	uint64_t tcr = 0;

	tcr |= (uint64_t)(8 + t0 % 48);	      /* T0SZ, some out of range */
	tcr |= (uint64_t)(8 + t1 % 48) << 16; /* T1SZ */
	tcr |= (uint64_t)g0 << 14 | (uint64_t)g1 << 30;
	tcr |= (uint64_t)(misc & 7) << 32;   /* IPS */
	tcr |= 0x3500ULL | 0x3500ULL << 16;  /* WBWA inner-shareable walks */
	tcr |= tg & 0x10 ? 1ULL << 7 : 0;    /* EPD0 */
	tcr |= tg & 0x20 ? 1ULL << 23 : 0;   /* EPD1 */
	tcr |= misc & 0x08 ? 3ULL << 41 : 0; /* HPD0, HPD1 */
	tcr |= misc & 0x10 ? 1ULL << 39 : 0; /* HA */
	tcr |= misc & 0x20 ? 1ULL << 40 : 0; /* HD */
	tcr |= misc & 0x40 ? 1ULL << 59 : 0; /* DS */
	tcr |= misc & 0x80 ? 3ULL << 37 : 0; /* TBI0, TBI1 */
	return tcr;
}

static uint64_t gen_desc(struct decoder *dec, unsigned selector)
{
	uint8_t attrs = case_data_u8(&dec->data), more = case_data_u8(&dec->data);
	uint64_t desc, out;

	switch (selector % 5) {
	case 0:
		return 0;
	case 1: /* table pointing into the pool */
		desc = soup_page(dec) | 3;
		desc |= (uint64_t)(more & 0xf) << 59; /* PXN/UXN/APTable */
		return desc;
	default:
		break;
	}
	/* block (selector 2) or page (3, 4), output block aligned */
	out = aligned_offset(dec, 0) & ((1ULL << 48) - 1);
	desc = out | (selector % 5 == 2 ? 1 : 3);
	desc |= (uint64_t)(attrs & 7) << 2;	   /* AttrIndx */
	desc |= (uint64_t)((attrs >> 3) & 3) << 6; /* AP */
	desc |= attrs & 0x20 ? 0 : 3ULL << 8;	   /* SH (or LPA2 OA bits) */
	desc |= attrs & 0x40 ? 0 : PGD_AF;	   /* AF=0 sometimes */
	desc |= attrs & 0x80 ? PGD_NG : 0;
	desc |= more & 0x01 ? PGD_CONT : 0;
	desc |= more & 0x02 ? PGD_PXN : 0;
	desc |= more & 0x04 ? PGD_UXN : 0;
	desc |= more & 0x08 ? PGD_DBM : 0;
	desc |= (uint64_t)((more >> 4) & 0xf) << 48; /* OA[51:48]: address size */
	return desc;
}

static uint64_t gen_write_pa(struct decoder *dec)
{
	static const uint64_t indexes[] = {0, 1, 2, 255, 256, 511};
	uint8_t pick = case_data_u8(&dec->data);
	uint64_t entries = 1ULL << (dec->page_shift - 3);
	uint64_t index =
	    pick & 0x80 ? case_data_range(&dec->data, 0, entries - 1) : indexes[pick % 6] % entries;

	return soup_page(dec) + index * 8;
}

static uint64_t gen_probe(struct decoder *dec, unsigned selector)
{
	uint64_t offset = aligned_offset(dec, selector / 2);

	return selector & 1 ? ~offset + 1 - (1ULL << dec->page_shift) : offset;
}

enum field {
	F_VA,
	F_PA,
	F_SIZE,
	F_RAM_BASE,
	F_RAM_SIZE,
	F_PROT,
	F_TCR,
	F_TTBR,
	F_MAIR,
	F_SCTLR,
	F_WRITE_PA,
	F_DESC,
	F_PROBE,
	F_RAW
};

/* A 64-bit field: selector 0 is a literal, others a generator. */
static uint64_t value(struct decoder *dec, enum field field)
{
	unsigned selector = case_data_u8(&dec->data);

	dec->literal = selector == 0;
	if (selector == 0)
		return case_data_u64(&dec->data);
	selector--;
	switch (field) {
	case F_VA:
		return gen_va(dec, selector);
	case F_PA:
		return gen_pa(dec, selector);
	case F_SIZE:
		return gen_size(dec, selector);
	case F_RAM_BASE:
		return gen_ram_base(dec, selector);
	case F_RAM_SIZE:
		return gen_ram_size(dec, selector);
	case F_PROT:
		return gen_prot(dec, selector);
	case F_TCR:
		return gen_tcr(dec);
	case F_TTBR:
		return soup_page(dec) | (selector & 1); /* CnP sometimes */
	case F_MAIR:
		return selector & 1 ? case_data_u64(&dec->data) : PGD_MAIR_DEFAULT;
	case F_SCTLR:
		switch (selector % 4) {
		case 0:
			return PGD_SCTLR_MMU_ON | 1ULL << 19; /* WXN */
		case 1:
			return PGD_SCTLR_MMU_ON & ~1ULL; /* MMU off */
		default:
			return PGD_SCTLR_MMU_ON;
		}
	case F_WRITE_PA:
		return gen_write_pa(dec);
	case F_DESC:
		return gen_desc(dec, selector);
	case F_PROBE:
		return gen_probe(dec, selector);
	default:
		return case_data_u64(&dec->data);
	}
}

static void decode_geometry(struct decoder *dec)
{
	static const unsigned granules[] = {4096, 16384, 65536, 4096};
	static const unsigned common_va_bits[] = {36, 39, 42, 47, 48, 52};
	struct pgd_config *g = &dec->c->geometry;
	uint8_t flags = case_data_u8(&dec->data);
	uint8_t va_bits = case_data_u8(&dec->data);
	uint8_t levels = case_data_u8(&dec->data);
	uint8_t root_log = case_data_u8(&dec->data);

	g->granule = granules[flags & 3];
	dec->c->upper = flags & 4;
	g->lpa2 = flags & 8;
	g->va_bits = va_bits >= 25 && va_bits <= 52 ? va_bits : common_va_bits[va_bits % 6];
	g->levels = levels <= 5 ? levels : 0;
	g->root_entries = root_log >= 1 && root_log <= 17 ? 1u << (root_log - 1) : 0;
	g->pa_bits = case_pa_bits_table[case_data_u8(&dec->data) % CASE_PA_BITS_CHOICES];
	dec->page_shift = case_page_shift(g->granule);
	setup_shifts(dec);
}

static void decode_record(struct decoder *dec)
{
	struct pgd_case *c = dec->c;
	struct case_op op;
	bool size_literal = true;

	memset(&op, 0, sizeof(op));
	switch (case_data_u8(&dec->data) % REC_COUNT) {
	case REC_RAM: {
		struct case_range bank;

		bank.base = value(dec, F_RAM_BASE);
		bank.size = value(dec, F_RAM_SIZE);
		/* fold now, so later generators only see usable banks */
		if (c->n_banks < CASE_MAX_BANKS) {
			c->banks[c->n_banks++] = bank;
			case_fold_banks(c);
		}
		return;
	}
	case REC_MAP:
		op.kind = CASE_OP_MAP;
		op.va = value(dec, F_VA);
		dec->last_va = op.va;
		op.pa = value(dec, F_PA);
		op.size = value(dec, F_SIZE);
		size_literal = dec->literal;
		op.prot = value(dec, F_PROT);
		op.flags = case_data_u8(&dec->data);
		break;
	case REC_UPDATE:
		op.kind = CASE_OP_UPDATE;
		op.va = value(dec, F_VA);
		op.size = value(dec, F_SIZE);
		size_literal = dec->literal;
		op.prot = value(dec, F_PROT);
		break;
	case REC_IDMAP:
		op.kind = CASE_OP_IDMAP;
		op.pa = value(dec, F_PA);
		op.size = value(dec, F_SIZE);
		size_literal = dec->literal;
		op.prot = value(dec, F_PROT);
		op.flags = case_data_u8(&dec->data);
		break;
	case REC_COPY:
		op.kind = CASE_OP_COPY;
		break;
	case REC_ALLOC:
		c->fail_alloc_at = (uint32_t)read_le(&dec->data, 4);
		return;
	case REC_KEXEC:
		c->kexec.present = true;
		c->kexec.strategy =
		    (enum case_reloc_strategy)(case_data_u8(&dec->data) % CASE_RELOC_COUNT);
		c->kexec.entry = value(dec, F_PA);
		c->kexec.dtb = value(dec, F_PA);
		return;
	case REC_SEGMENT:
		if (c->kexec.n_segments < CASE_MAX_SEGMENTS) {
			struct case_segment *seg = &c->kexec.segments[c->kexec.n_segments++];

			seg->src = value(dec, F_PA);
			seg->dst = value(dec, F_PA);
			seg->size = value(dec, F_SIZE);
		}
		return;
	case REC_REGS:
		c->walker.regs.tcr = value(dec, F_TCR);
		c->walker.regs.ttbr0 = value(dec, F_TTBR);
		c->walker.regs.ttbr1 = value(dec, F_TTBR);
		c->walker.regs.mair = value(dec, F_MAIR);
		c->walker.regs.sctlr = value(dec, F_SCTLR);
		return;
	case REC_FEATURES: {
		uint8_t bits = case_data_u8(&dec->data);

		c->walker.features.pa_bits = case_pa_bits_table[bits & 7];
		c->walker.features.lpa = bits & 0x08;
		c->walker.features.lpa2 = bits & 0x10;
		c->walker.features.hpds = bits & 0x20;
		c->walker.features.hafdbs = bits & 0x40;
		return;
	}
	case REC_WRITE:
		if (c->walker.n_writes < CASE_MAX_WRITES) {
			struct case_write *write = &c->walker.writes[c->walker.n_writes++];

			write->pa = value(dec, F_WRITE_PA);
			write->value = value(dec, F_DESC);
		}
		return;
	default: /* REC_PROBE */
		if (c->walker.n_probes < CASE_MAX_PROBES)
			c->walker.probes[c->walker.n_probes++] = value(dec, F_PROBE);
		return;
	}
	/* A generated size stays cheap; a literal one is only cut by the case
	 * budget in case_fold, so encoded cases come back unchanged. */
	if (op.kind != CASE_OP_COPY && !size_literal)
		case_op_truncate(&c->geometry, &op, CASE_GENERATED_LEAVES);
	if (c->n_ops < CASE_MAX_OPS)
		c->ops[c->n_ops++] = op;
}

void case_decode(const uint8_t *data, size_t size, struct pgd_case *out)
{
	struct decoder dec = {.c = out};
	uint8_t first;

	memset(out, 0, sizeof(*out));
	case_data_init(&dec.data, data, size);
	first = case_data_u8(&dec.data);
	if (first == CASE_BIN_MAGIC)
		first = case_data_u8(&dec.data);
	out->harness = (enum case_harness)(first % CASE_HARNESS_COUNT);
	decode_geometry(&dec);
	while (!case_data_empty(&dec.data))
		decode_record(&dec);
	case_fold(out);
}
