/* The regime decode and the per-VA walk (Arm ARM AArch64.S1Translate). */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- Geometry ---------------------------------------------------------- */

unsigned ref_level_shift(unsigned granule_shift, int level)
{
	return granule_shift + (granule_shift - 3) * (3 - level);
}

/* SL = 3 - floor((IA - 1 - G) / S): the level whose index holds the top VA
 * bit. */
int ref_start_level(unsigned granule_shift, unsigned ia_bits)
{
	unsigned stride = granule_shift - 3;

	return 3 - (int)((ia_bits - 1 - granule_shift) / stride);
}

unsigned ref_root_entries(unsigned granule_shift, unsigned ia_bits)
{
	int start = ref_start_level(granule_shift, ia_bits);

	return 1u << (ia_bits - ref_level_shift(granule_shift, start));
}

bool ref_block_allowed(const struct ref_regime *regime, const struct ref_half *half, int level)
{
	switch (half->granule_shift) {
	case 12:
		return level == 1 || level == 2 || (level == 0 && half->ds);
	case 14:
		return level == 2 || (level == 1 && half->ds);
	default:
		return level == 2 || (level == 1 && regime->pa_max >= 52);
	}
}

unsigned ref_cont_entries(unsigned granule_shift, int level)
{
	if (level < 1 || level > 3)
		return 0;
	switch (granule_shift) {
	case 12:
		return 16;
	case 14:
		return level == 1 ? 0 : level == 2 ? 32 : 128;
	default:
		return level == 1 ? 0 : 32;
	}
}

/* ---- Memory attributes ------------------------------------------------- */

enum ref_memtype ref_mair_decode(uint8_t attr)
{
	unsigned outer = attr >> 4, inner = attr & 15;

	if (outer == 0) {
		switch (inner) {
		case 0x0:
			return REF_MEM_DEVICE_nGnRnE;
		case 0x4:
			return REF_MEM_DEVICE_nGnRE;
		case 0x8:
			return REF_MEM_DEVICE_nGRE;
		case 0xc:
			return REF_MEM_DEVICE_GRE;
		default:
			return REF_MEM_RESERVED;
		}
	}
	if (attr == 0xf0)
		return REF_MEM_NORMAL_TAGGED;
	/* Normal needs a non-zero inner nibble; every non-zero nibble is a
	 * defined cacheability (WT/WB transient or not, or NC). */
	return inner ? REF_MEM_NORMAL : REF_MEM_RESERVED;
}

const char *ref_memtype_name(uint8_t attr)
{
	switch (ref_mair_decode(attr)) {
	case REF_MEM_DEVICE_nGnRnE:
		return "DEVICE/nGnRnE";
	case REF_MEM_DEVICE_nGnRE:
		return "DEVICE/nGnRE";
	case REF_MEM_DEVICE_nGRE:
		return "DEVICE/nGRE";
	case REF_MEM_DEVICE_GRE:
		return "DEVICE/GRE";
	case REF_MEM_NORMAL_TAGGED:
		return "MEM/NORMAL-TAGGED";
	case REF_MEM_NORMAL:
		if (attr == 0x44)
			return "MEM/NORMAL-NC";
		if (attr == 0xff)
			return "MEM/NORMAL";
		if (attr == 0xbb)
			return "MEM/NORMAL-WT";
		return "MEM/NORMAL-OTHER";
	default:
		return "MEM/RESERVED";
	}
}

const char *ref_fault_name(enum ref_fault fault)
{
	switch (fault) {
	case REF_FAULT_NONE:
		return "none";
	case REF_FAULT_TRANSLATION:
		return "translation";
	case REF_FAULT_ADDRESS_SIZE:
		return "address-size";
	case REF_FAULT_ACCESS_FLAG:
		return "access-flag";
	case REF_FAULT_PERMISSION:
		return "permission";
	case REF_FAULT_EXTERNAL_ABORT:
		return "external-abort";
	}
	return "?";
}

unsigned ref_fault_status(enum ref_fault fault, int level)
{
	unsigned ll = level < 0 ? 0 : (unsigned)level & 3;

	switch (fault) {
	case REF_FAULT_ADDRESS_SIZE:
		return level < 0 ? 0x29 : 0x00 | ll;
	case REF_FAULT_TRANSLATION:
		return level < 0 ? 0x2b : 0x04 | ll;
	case REF_FAULT_ACCESS_FLAG:
		return 0x08 | ll;
	case REF_FAULT_PERMISSION:
		return 0x0c | ll;
	case REF_FAULT_EXTERNAL_ABORT:
		return level < 0 ? 0x13 : 0x14 | ll;
	default:
		return 0;
	}
}

bool ref_attrs_equal(const struct ref_attrs *a, const struct ref_attrs *b)
{
	return attrs_equal(a, b);
}

uint64_t ref_attrs_prot(const struct ref_attrs *attrs)
{
	return (uint64_t)attrs->attr_index << 2 | (uint64_t)attrs->ap << 6 |
	       (uint64_t)attrs->sh << 8 | (attrs->af ? DESC_AF : 0) | (attrs->ng ? DESC_NG : 0) |
	       (attrs->dbm ? DESC_DBM : 0) | (attrs->pxn ? DESC_PXN : 0) |
	       (attrs->uxn ? DESC_UXN : 0);
}

/* ---- Regime decode ----------------------------------------------------- */

static unsigned ips_bits(unsigned ips)
{
	static const unsigned bits[8] = {32, 36, 40, 42, 44, 48, 52, 52};

	return bits[ips & 7];
}

static void decode_half(struct ref_regime *regime, int upper)
{
	const struct ref_features *feat = &regime->features;
	uint64_t tcr = regime->regs.tcr;
	uint64_t ttbr = upper ? regime->regs.ttbr1 : regime->regs.ttbr0;
	struct ref_half *half = &regime->half[upper];
	unsigned tg = upper ? (tcr >> 30) & 3 : (tcr >> 14) & 3;
	unsigned txsz = upper ? (tcr >> 16) & 63 : tcr & 63;
	unsigned min_txsz, max_txsz;

	memset(half, 0, sizeof(*half));
	if (upper) /* TG1: 01 16K, 10 4K, 11 64K, 00 reserved */
		half->granule_shift = tg == 1 ? 14 : tg == 2 ? 12 : 16;
	else /* TG0: 00 4K, 01 64K, 10 16K, 11 reserved */
		half->granule_shift = tg == 0 ? 12 : tg == 2 ? 14 : 16;
	/* Reserved encodings fall to 64K above, as KVM chooses. */

	half->ds = feat->lpa2 && half->granule_shift != 16 && (tcr & BIT(59));
	half->lpa_form = feat->lpa && half->granule_shift == 16;
	half->disabled = tcr & (upper ? BIT(23) : BIT(7));
	half->e0pd = feat->e0pd && (tcr & (upper ? BIT(56) : BIT(55)));
	half->hpd = feat->hpds && (tcr & (upper ? BIT(42) : BIT(41)));
	half->tbi = tcr & (upper ? BIT(38) : BIT(37));
	half->tbid = tcr & (upper ? BIT(52) : BIT(51));
	half->sh = upper ? (tcr >> 28) & 3 : (tcr >> 12) & 3;

	/* OAsize = min(IPS, PAMax), capped at 48 without a 52-bit form. */
	half->oa_bits = ips_bits(tcr >> 32);
	if (half->oa_bits > regime->pa_max)
		half->oa_bits = regime->pa_max;
	if (half->oa_bits > 48 && !half->ds && !half->lpa_form)
		half->oa_bits = 48;

	min_txsz = (half->ds || (half->granule_shift == 16 && feat->lva)) ? 12 : 16;
	max_txsz = feat->ttst ? (half->granule_shift == 16 ? 47 : 48) : 39;
	if (txsz < min_txsz || txsz > max_txsz) {
		if (feat->txsz_policy == REF_TXSZ_FAULT)
			half->txsz_fault = true;
		txsz = txsz < min_txsz ? min_txsz : max_txsz;
	}
	half->ia_bits = 64 - txsz;
	half->start_level = ref_start_level(half->granule_shift, half->ia_bits);
	half->root_entries = ref_root_entries(half->granule_shift, half->ia_bits);

	/* Base = TTBR[47:x] with x = log2(table bytes); the low bits are
	 * treated as zero. The 52-bit forms add base[51:48] = TTBR[5:2] and
	 * require x >= 6. */
	unsigned x = __builtin_ctz(half->root_entries) + 3;
	half->ttbr52 = half->ds || (half->lpa_form && ((tcr >> 32) & 7) == 6);
	if (half->ttbr52 && x < 6)
		x = 6;
	half->root_pa = ttbr & GENMASK(47, x);
	half->ttbr_res0 = x > 1 ? ttbr & GENMASK(x - 1, 1) : 0;
	if (half->ttbr52) {
		half->root_pa |= ((ttbr >> 2) & 15) << 48;
		half->ttbr_res0 &= ~GENMASK(5, 2);
	}
	half->root_oor = half->root_pa >> half->oa_bits != 0;
}

int ref_regime_init(struct ref_regime *regime, const struct ref_regs *regs,
		    const struct ref_features *features, const struct ref_mem *mem, char *why,
		    size_t why_len)
{
	static const struct ref_features none;
	unsigned pa_max;

	memset(regime, 0, sizeof(*regime));
	if (!regs || !mem || !mem->read64) {
		if (why && why_len)
			snprintf(why, why_len, "registers and a memory reader are required");
		return -1;
	}
	if (!features)
		features = &none;
	pa_max = features->pa_bits ? features->pa_bits : 48;
	switch (pa_max) {
	case 32:
	case 36:
	case 40:
	case 42:
	case 44:
	case 48:
	case 52:
		break;
	default:
		if (why && why_len)
			snprintf(why, why_len, "pa_bits %u is not an architectural PA size",
				 features->pa_bits);
		return -1;
	}
	regime->regs = *regs;
	regime->features = *features;
	regime->mem = *mem;
	regime->pa_max = pa_max;
	regime->mmu_on = regs->sctlr & BIT(0);
	regime->wxn = regs->sctlr & BIT(19);
	regime->big_endian = regs->sctlr & BIT(25);
	regime->ha = features->hafdbs && (regs->tcr & BIT(39));
	regime->hd = regime->ha && (regs->tcr & BIT(40));
	decode_half(regime, 0);
	decode_half(regime, 1);
	return 0;
}

/* ---- Descriptor decoding ----------------------------------------------- */

bool ref_read_desc(const struct ref_regime *regime, const struct ref_mem *mem, uint64_t pa,
		   uint64_t *desc)
{
	if (!mem->read64(mem->ctx, pa, desc))
		return false;
	if (regime->big_endian)
		*desc = __builtin_bswap64(*desc);
	return true;
}

/* OA bits above 47 per form: 64K LPA in desc[15:12], LPA2 in desc[9:8] and
 * desc[49:48]. */
static uint64_t high_oa(const struct ref_half *half, uint64_t desc)
{
	if (half->lpa_form)
		return ((desc >> 12) & 15) << 48;
	if (half->ds)
		return (desc & GENMASK(49, 48)) | ((desc >> 8) & 3) << 50;
	return 0;
}

uint64_t ref_table_addr(const struct ref_half *half, uint64_t desc)
{
	return (desc & GENMASK(47, half->granule_shift)) | high_oa(half, desc);
}

uint64_t ref_leaf_oa(const struct ref_half *half, uint64_t desc, unsigned shift)
{
	return (desc & GENMASK(47, shift)) | high_oa(half, desc);
}

void ref_table_accumulate(const struct ref_half *half, struct table_acc *acc, uint64_t desc)
{
	if (half->hpd)
		return;
	acc->ap |= (desc >> DESC_APTABLE_SHIFT) & 3;
	acc->pxn |= !!(desc & DESC_PXNTABLE);
	acc->uxn |= !!(desc & DESC_UXNTABLE);
}

void ref_leaf_attrs(const struct ref_regime *regime, const struct ref_half *half, uint64_t desc,
		    int level, const struct table_acc *acc, struct ref_attrs *attrs)
{
	unsigned ap = (desc >> 6) & 3;
	bool read_only, el0, el1_w, el0_w, el1_x, el0_x;

	attrs->attr_index = (desc >> 2) & 7;
	attrs->mair_attr = regime->regs.mair >> (8 * attrs->attr_index);
	attrs->memtype = ref_mair_decode(attrs->mair_attr);
	attrs->sh = half->ds ? half->sh : (desc >> 8) & 3;
	attrs->ap = ap;
	attrs->table_ap = acc->ap;
	attrs->table_pxn = acc->pxn;
	attrs->table_uxn = acc->uxn;
	attrs->ng = desc & DESC_NG;
	attrs->af = desc & DESC_AF;
	attrs->dbm = desc & DESC_DBM;
	/* The bit is ignored where no contiguous size exists (4K L0 etc.). */
	attrs->contiguous = (desc & DESC_CONT) && ref_cont_entries(half->granule_shift, level);
	attrs->pxn = desc & DESC_PXN;
	attrs->uxn = desc & DESC_UXN;

	/* AP[2] with DBM under HA+HD is writable-clean: a write sets it. */
	read_only = (ap & 2) && !(regime->hd && attrs->dbm);
	read_only |= acc->ap & 2; /* APTable[1]: no write at any EL */
	el0 = (ap & 1) && !(acc->ap & 1);
	el1_w = !read_only;
	el0_w = el0 && !read_only;
	el0_x = !(attrs->uxn || acc->uxn);
	el1_x = !(attrs->pxn || acc->pxn || el0_w);
	if (regime->wxn) {
		el1_x &= !el1_w;
		el0_x &= !el0_w;
	}
	attrs->perms = REF_PERM_EL1_R | (el1_w ? REF_PERM_EL1_W : 0) |
		       (el1_x ? REF_PERM_EL1_X : 0) | (el0 ? REF_PERM_EL0_R : 0) |
		       (el0_w ? REF_PERM_EL0_W : 0) | (el0_x ? REF_PERM_EL0_X : 0);
}

uint64_t ref_res0_bits(const struct ref_regime *regime, const struct ref_half *half, uint64_t desc,
		       int level, enum desc_kind kind)
{
	unsigned shift =
	    kind == DESC_IS_TABLE ? half->granule_shift : half_level_shift(half, level);
	uint64_t res0 = 0;

	/* Between bit 12 and the address field: RES0 except 64K LPA's OA bits
	 * and a block's nT bit under FEAT_BBM. */
	if (shift > 12)
		res0 |= GENMASK(shift - 1, 12);
	if (half->lpa_form)
		res0 &= ~GENMASK(15, 12);
	if (kind == DESC_IS_LEAF && level < 3 && regime->features.bbm_level)
		res0 &= ~BIT(16);
	if (kind == DESC_IS_TABLE)
		res0 |= half->ds ? GENMASK(51, 50) : GENMASK(51, 48);
	else if (!half->ds)
		res0 |= GENMASK(49, 48);
	return desc & res0;
}

/* ---- Per-VA walk ------------------------------------------------------- */

static void fault(struct ref_result *out, enum ref_fault type, int level)
{
	out->fault = type;
	out->level = level;
}

static bool access_allowed(enum ref_access access, uint8_t perms)
{
	static const uint8_t need[] = {
	    [REF_TRANSLATE] = 0,
	    [REF_EL1_READ] = REF_PERM_EL1_R,
	    [REF_EL1_WRITE] = REF_PERM_EL1_W,
	    [REF_EL1_EXEC] = REF_PERM_EL1_X,
	    [REF_EL0_READ] = REF_PERM_EL0_R,
	    [REF_EL0_WRITE] = REF_PERM_EL0_W,
	    [REF_EL0_EXEC] = REF_PERM_EL0_X,
	};

	if ((unsigned)access >= sizeof(need))
		return false;
	return (perms & need[access]) == need[access];
}

void ref_walk_regime(const struct ref_regime *regime, uint64_t va, enum ref_access access,
		     struct ref_result *out)
{
	bool exec = access == REF_EL1_EXEC || access == REF_EL0_EXEC;
	bool el0 = access >= REF_EL0_READ;
	int upper = (va >> 55) & 1;
	const struct ref_half *half = &regime->half[upper];
	unsigned top = half->tbi && !(exec && half->tbid) ? 55 : 63;
	uint64_t untagged = top == 55 ? va & GENMASK(55, 0) : va;
	struct table_acc acc = {0, false, false};

	out->fault = REF_FAULT_NONE;
	out->level = 0;
	out->upper = upper;
	out->has_leaf = false;
	out->va = va;
	out->pa = 0;
	out->block_shift = 0;
	out->nsteps = 0;
	memset(&out->attrs, 0, sizeof(out->attrs));

	if (!regime->mmu_on) {
		if (untagged >> regime->pa_max) {
			fault(out, REF_FAULT_ADDRESS_SIZE, 0);
			return;
		}
		out->has_leaf = true;
		out->pa = untagged;
		out->block_shift = 12;
		out->attrs.memtype = REF_MEM_DEVICE_nGnRnE;
		out->attrs.perms = 0x3f;
		out->attrs.af = true;
		return;
	}
	if (half->txsz_fault) {
		fault(out, REF_FAULT_TRANSLATION, 0);
		return;
	}
	/* VA[top:IA] must all equal bit 55. */
	uint64_t hi = untagged >> half->ia_bits;
	uint64_t want = upper ? GENMASK(top - half->ia_bits, 0) : 0;
	if (hi != want) {
		fault(out, REF_FAULT_TRANSLATION, 0);
		return;
	}
	if (half->disabled || (el0 && half->e0pd)) {
		fault(out, REF_FAULT_TRANSLATION, 0);
		return;
	}
	if (half->root_oor) {
		fault(out, REF_FAULT_ADDRESS_SIZE, 0);
		return;
	}

	uint64_t table = half->root_pa;
	unsigned stride = half_stride(half);
	for (int level = half->start_level;; level++) {
		unsigned shift = half_level_shift(half, level);
		uint64_t entries = level == half->start_level ? half->root_entries : 1u << stride;
		uint64_t desc_pa = table + ((va >> shift) & (entries - 1)) * 8;
		uint64_t desc;

		if (!ref_read_desc(regime, &regime->mem, desc_pa, &desc)) {
			fault(out, REF_FAULT_EXTERNAL_ABORT, level);
			return;
		}
		out->steps[out->nsteps].level = level;
		out->steps[out->nsteps].pa = desc_pa;
		out->steps[out->nsteps].desc = desc;
		out->nsteps++;

		switch (ref_desc_kind(regime, half, desc, level)) {
		case DESC_INVALID: {
			fault(out, REF_FAULT_TRANSLATION, level);
			return;
		}
		case DESC_IS_TABLE:
			table = ref_table_addr(half, desc);
			if (table >> half->oa_bits) {
				fault(out, REF_FAULT_ADDRESS_SIZE, level);
				return;
			}
			ref_table_accumulate(half, &acc, desc);
			continue;
		case DESC_IS_LEAF:
			break;
		}

		uint64_t oa = ref_leaf_oa(half, desc, shift);
		out->level = level;
		if (oa >> half->oa_bits) {
			fault(out, REF_FAULT_ADDRESS_SIZE, level);
			return;
		}
		out->has_leaf = true;
		out->block_shift = shift;
		out->pa = oa | (va & GENMASK(shift - 1, 0));
		ref_leaf_attrs(regime, half, desc, level, &acc, &out->attrs);
		if (!out->attrs.af && !regime->ha) {
			fault(out, REF_FAULT_ACCESS_FLAG, level);
			return;
		}
		if (!access_allowed(access, out->attrs.perms)) {
			fault(out, REF_FAULT_PERMISSION, level);
			return;
		}
		return;
	}
}

int ref_walk(const struct ref_regs *regs, const struct ref_features *features,
	     const struct ref_mem *mem, uint64_t va, enum ref_access access, struct ref_result *out,
	     char *why, size_t why_len)
{
	struct ref_regime regime;

	if (ref_regime_init(&regime, regs, features, mem, why, why_len)) {
		memset(out, 0, sizeof(*out));
		out->va = va;
		out->fault = REF_FAULT_TRANSLATION;
		return -1;
	}
	ref_walk_regime(&regime, va, access, out);
	return 0;
}

/* ---- Visited-table set ------------------------------------------------- */

static size_t slot_of(uint64_t key, size_t cap)
{
	key *= 0x9e3779b97f4a7c15ULL;
	return (size_t)(key >> 17) & (cap - 1);
}

int pa_set_add(struct pa_set *set, uint64_t pa)
{
	uint64_t key = pa + 1;

	if ((set->count + 1) * 2 > set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 64;
		uint64_t *slots = calloc(cap, sizeof(*slots));

		if (!slots)
			return -1;
		for (size_t i = 0; i < set->cap; i++) {
			if (!set->slots[i])
				continue;
			size_t s = slot_of(set->slots[i], cap);
			while (slots[s])
				s = (s + 1) & (cap - 1);
			slots[s] = set->slots[i];
		}
		free(set->slots);
		set->slots = slots;
		set->cap = cap;
	}
	size_t s = slot_of(key, set->cap);
	while (set->slots[s]) {
		if (set->slots[s] == key)
			return 0;
		s = (s + 1) & (set->cap - 1);
	}
	set->slots[s] = key;
	set->count++;
	return 1;
}

bool pa_set_has(const struct pa_set *set, uint64_t pa)
{
	uint64_t key = pa + 1;

	if (!set->cap)
		return false;
	for (size_t s = slot_of(key, set->cap); set->slots[s]; s = (s + 1) & (set->cap - 1))
		if (set->slots[s] == key)
			return true;
	return false;
}

void pa_set_free(struct pa_set *set)
{
	free(set->slots);
	set->slots = NULL;
	set->cap = set->count = 0;
}
