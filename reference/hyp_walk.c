/* Hypervisor regimes: decode and the per-IA walk (DDI0487 AArch64.S1Translate
 * for EL2 without VHE, AArch64.S2Translate for stage 2). */
#include "hyp_internal.h"

#include <string.h>

/* ---- Decode ------------------------------------------------------------ */

static unsigned ps_bits(unsigned ps)
{
	static const unsigned bits[8] = {32, 36, 40, 42, 44, 48, 52, 52};

	return bits[ps & 7];
}

static unsigned tg0_granule(unsigned tg)
{
	/* TG0: 00 4K, 01 64K, 10 16K, 11 reserved (64K, as stage 1 chooses) */
	return tg == 0 ? 12 : tg == 2 ? 14 : 16;
}

int ref_s2_sl_level(unsigned granule_shift, unsigned sl0, bool sl2)
{
	/* AArch64.S2StartLevel; SL2 exists for 4K only. */
	if (granule_shift == 12) {
		if (sl2)
			return sl0 == 0 ? -1 : -2;
		static const int level4k[4] = {2, 1, 0, 3};
		return level4k[sl0 & 3];
	}
	if (granule_shift == 14)
		return 3 - (int)(sl0 & 3);
	return (sl0 & 3) == 3 ? -2 : 3 - (int)(sl0 & 3);
}

/* AArch64.S2InvalidSL: encodings the granule, PA size or features forbid. */
static bool s2_invalid_sl(const struct ref_hyp_regime *regime, unsigned sl0, bool sl2)
{
	unsigned pa = regime->pa_max;

	switch (regime->granule_shift) {
	case 12:
		if (sl2)
			return sl0 != 0 || pa < 52;
		if (sl0 == 2)
			return pa < 44;
		if (sl0 == 3)
			return !regime->features.base.ttst;
		return false;
	case 14:
		if (sl0 == 3)
			return !regime->ds || pa < 52;
		if (sl0 == 2)
			return pa < 42;
		return false;
	default:
		if (sl0 == 3)
			return true;
		if (sl0 == 2)
			return pa < 44;
		return false;
	}
}

/* AArch64.S2InconsistentSL: the start level must resolve at least one and
 * at most stride + 4 IA bits (up to 16 concatenated tables). */
static bool s2_inconsistent_sl(const struct ref_hyp_regime *regime)
{
	unsigned stride = regime->granule_shift - 3;
	unsigned levels = (unsigned)(3 - regime->start_level);
	unsigned min_ia = levels * stride + regime->granule_shift + 1;
	unsigned max_ia = min_ia + (stride - 1) + 4;

	return regime->ia_bits < min_ia || regime->ia_bits > max_ia;
}

/* The base from TTBR0_EL2 / VTTBR_EL2: BADDR[47:x] (x = log2 of the root's
 * bytes, treated as zero below), plus [51:48] in [5:2] for 52-bit forms. */
static void decode_base(struct ref_hyp_regime *regime, uint64_t ttbr, unsigned ps)
{
	unsigned x = (unsigned)__builtin_ctz(regime->root_entries) + 3;

	regime->ttbr52 = regime->ds || (regime->lpa_form && ps == 6);
	if (regime->ttbr52 && x < 6)
		x = 6;
	regime->root_pa = ttbr & GENMASK(47, x);
	regime->ttbr_res0 = x > 1 ? ttbr & GENMASK(x - 1, 1) : 0;
	if (regime->ttbr52) {
		regime->root_pa |= ((ttbr >> 2) & 15) << 48;
		regime->ttbr_res0 &= ~GENMASK(5, 2);
	}
	regime->root_oor = regime->root_pa >> regime->oa_bits != 0;
}

static unsigned oa_size(const struct ref_hyp_regime *regime, unsigned ps)
{
	unsigned bits = ps_bits(ps);

	if (bits > regime->pa_max)
		bits = regime->pa_max;
	if (bits > 48 && !regime->ds && !regime->lpa_form)
		bits = 48;
	return bits;
}

static void decode_el2(struct ref_hyp_regime *regime)
{
	const struct ref_features *feat = &regime->features.base;
	uint64_t tcr = regime->regs.tcr;
	unsigned txsz = tcr & 63, ps = (tcr >> 16) & 7;
	unsigned min_txsz, max_txsz;

	regime->granule_shift = tg0_granule((tcr >> 14) & 3);
	regime->ds = feat->lpa2 && regime->granule_shift != 16 && (tcr & BIT(32));
	regime->lpa_form = feat->lpa && regime->granule_shift == 16;
	regime->sh = (tcr >> 12) & 3;
	regime->tbi = tcr & BIT(20);
	regime->ha = feat->hafdbs && (tcr & BIT(21));
	regime->hd = regime->ha && (tcr & BIT(22));
	regime->hpd = feat->hpds && (tcr & BIT(24));
	regime->oa_bits = oa_size(regime, ps);
	regime->enabled = regime->regs.sctlr & BIT(0);
	regime->wxn = regime->regs.sctlr & BIT(19);

	min_txsz = (regime->ds || (regime->granule_shift == 16 && feat->lva)) ? 12 : 16;
	max_txsz = feat->ttst ? (regime->granule_shift == 16 ? 47 : 48) : 39;
	if (txsz < min_txsz || txsz > max_txsz) {
		if (feat->txsz_policy == REF_TXSZ_FAULT)
			regime->config_fault = true;
		txsz = txsz < min_txsz ? min_txsz : max_txsz;
	}
	regime->ia_bits = 64 - txsz;
	regime->start_level = ref_start_level(regime->granule_shift, regime->ia_bits);
	regime->root_entries = ref_root_entries(regime->granule_shift, regime->ia_bits);
	regime->concat = 1;
	decode_base(regime, regime->regs.ttbr, ps);
}

static void decode_stage2(struct ref_hyp_regime *regime)
{
	const struct ref_hyp_features *feat = &regime->features;
	uint64_t vtcr = regime->regs.vtcr;
	unsigned txsz = vtcr & 63, ps = (vtcr >> 16) & 7, sl0 = (vtcr >> 6) & 3;
	unsigned min_txsz, max_txsz, ipa_cap;
	bool sl2;

	regime->granule_shift = tg0_granule((vtcr >> 14) & 3);
	regime->ds = feat->base.lpa2 && regime->granule_shift != 16 && (vtcr & BIT(32));
	regime->lpa_form = feat->base.lpa && regime->granule_shift == 16;
	sl2 = regime->ds && regime->granule_shift == 12 && (vtcr & BIT(33));
	regime->sh = (vtcr >> 12) & 3;
	regime->ha = feat->base.hafdbs && (vtcr & BIT(21));
	regime->hd = regime->ha && (vtcr & BIT(22));
	regime->oa_bits = oa_size(regime, ps);
	regime->enabled = regime->regs.hcr & BIT(0);
	regime->fwb = feat->s2fwb && (regime->regs.hcr & BIT(46));

	/* AArch64.S2MinTxSZ: the IPA space is no wider than PAMax (48 bits
	 * without a 52-bit form). */
	ipa_cap = regime->ds || regime->lpa_form ? 52 : 48;
	min_txsz = 64 - (regime->pa_max < ipa_cap ? regime->pa_max : ipa_cap);
	max_txsz = feat->base.ttst ? (regime->granule_shift == 16 ? 47 : 48) : 39;
	if (txsz < min_txsz || txsz > max_txsz) {
		if (feat->base.txsz_policy == REF_TXSZ_FAULT)
			regime->config_fault = true;
		txsz = txsz < min_txsz ? min_txsz : max_txsz;
	}
	regime->ia_bits = 64 - txsz;

	int level = ref_s2_sl_level(regime->granule_shift, sl0, sl2);
	if (level == -2 || s2_invalid_sl(regime, sl0, sl2)) {
		/* Keep a usable geometry for dumps; every walk faults. */
		regime->config_fault = true;
		level = ref_start_level(regime->granule_shift, regime->ia_bits);
	}
	regime->start_level = level;
	if (s2_inconsistent_sl(regime)) {
		regime->config_fault = true;
		regime->start_level = ref_start_level(regime->granule_shift, regime->ia_bits);
	}
	regime->root_entries =
	    1u << (regime->ia_bits - hyp_level_shift(regime, regime->start_level));
	regime->concat = regime->root_entries >> (regime->granule_shift - 3);
	if (!regime->concat)
		regime->concat = 1;
	decode_base(regime, regime->regs.vttbr, ps);
}

int ref_hyp_regime_init(struct ref_hyp_regime *regime, enum ref_hyp_kind kind,
			const struct ref_hyp_regs *regs, const struct ref_hyp_features *features,
			const struct ref_mem *mem, char *why, size_t why_len)
{
	static const struct ref_hyp_features none;
	unsigned pa_max;

	memset(regime, 0, sizeof(*regime));
	if (!regs || !mem || !mem->read64 || (kind != REF_HYP_EL2 && kind != REF_HYP_STAGE2)) {
		if (why && why_len)
			snprintf(why, why_len,
				 "a regime kind, registers and a memory reader are "
				 "required");
		return -1;
	}
	if (!features)
		features = &none;
	pa_max = features->base.pa_bits ? features->base.pa_bits : 48;
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
				 features->base.pa_bits);
		return -1;
	}
	regime->kind = kind;
	regime->regs = *regs;
	regime->features = *features;
	regime->mem = *mem;
	regime->pa_max = pa_max;
	regime->big_endian = regs->sctlr & BIT(25);
	if (kind == REF_HYP_EL2)
		decode_el2(regime);
	else
		decode_stage2(regime);
	return 0;
}

/* ---- Descriptors ------------------------------------------------------- */

bool hyp_read_desc(const struct ref_hyp_regime *regime, const struct ref_mem *mem, uint64_t pa,
		   uint64_t *desc)
{
	if (!mem->read64(mem->ctx, pa, desc))
		return false;
	if (regime->big_endian)
		*desc = __builtin_bswap64(*desc);
	return true;
}

/* Not instrumented for coverage, and out of line so that it stays so:
 * skipping zeros has no edge worth feeding back, and under the fuzzer's
 * trace-cmp every compare of the scan was a callback. */
#if defined(__clang__)
__attribute__((no_sanitize("coverage")))
#endif
unsigned
hyp_skip_zeros(const uint64_t *descs, unsigned i, unsigned n)
{
	while (i < n && !descs[i])
		i++;
	return i;
}

void hyp_read_table(const struct ref_hyp_regime *regime, uint64_t pa, unsigned entries,
		    uint64_t *descs)
{
	const struct ref_mem *mem = &regime->mem;
	const uint8_t *bytes = mem->table ? mem->table(mem->ctx, pa, (size_t)entries * 8) : NULL;

	if (!bytes) {
		for (unsigned i = 0; i < entries; i++)
			if (!hyp_read_desc(regime, mem, pa + (uint64_t)i * 8, &descs[i]))
				descs[i] = 0;
		return;
	}
	memcpy(descs, bytes, (size_t)entries * 8);
	/* Stored little-endian; SCTLR_EL2.EE=1 means the walker reads
	 * big-endian. */
	bool swap = regime->big_endian != (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__);
	if (swap)
		for (unsigned i = 0; i < entries; i++)
			descs[i] = __builtin_bswap64(descs[i]);
}

/* The same per granule at both stages: 4K L1/L2 (L0 with DS), 16K L2 (L1
 * with DS), 64K L2 (L1 with 52-bit PA). */
bool hyp_block_allowed(const struct ref_hyp_regime *regime, int level)
{
	switch (regime->granule_shift) {
	case 12:
		return level == 1 || level == 2 || (level == 0 && regime->ds);
	case 14:
		return level == 2 || (level == 1 && regime->ds);
	default:
		return level == 2 || (level == 1 && regime->pa_max >= 52);
	}
}

enum desc_kind hyp_desc_kind(const struct ref_hyp_regime *regime, uint64_t desc, int level)
{
	if (!(desc & DESC_VALID))
		return DESC_INVALID;
	if (level == 3)
		return desc & DESC_TABLE ? DESC_IS_LEAF : DESC_INVALID;
	if (desc & DESC_TABLE)
		return DESC_IS_TABLE;
	return hyp_block_allowed(regime, level) ? DESC_IS_LEAF : DESC_INVALID;
}

static uint64_t high_oa(const struct ref_hyp_regime *regime, uint64_t desc)
{
	if (regime->lpa_form)
		return ((desc >> 12) & 15) << 48;
	if (regime->ds)
		return (desc & GENMASK(49, 48)) | ((desc >> 8) & 3) << 50;
	return 0;
}

uint64_t hyp_table_addr(const struct ref_hyp_regime *regime, uint64_t desc)
{
	return (desc & GENMASK(47, regime->granule_shift)) | high_oa(regime, desc);
}

uint64_t hyp_leaf_oa(const struct ref_hyp_regime *regime, uint64_t desc, unsigned shift)
{
	return (desc & GENMASK(47, shift)) | high_oa(regime, desc);
}

void hyp_table_accumulate(const struct ref_hyp_regime *regime, struct table_acc *acc, uint64_t desc)
{
	if (regime->kind != REF_HYP_EL2 || regime->hpd)
		return;
	acc->ap |= (desc >> DESC_APTABLE_SHIFT) & 2; /* APTable[0] is RES0 */
	acc->uxn |= !!(desc & DESC_UXNTABLE);	     /* XNTable */
}

/* Stage 2 MemAttr to a MAIR-style byte (see ref_hyp.h). */
static uint8_t s2_mair(bool fwb, unsigned memattr)
{
	static const uint8_t nibble[4] = {0, 0x4, 0xb, 0xf}; /* -, NC, WT, WB */
	unsigned outer = memattr >> 2, inner = memattr & 3;

	if (fwb) {
		/* MemAttr[2]=0: Device, [1:0] its type; 0b101 NC, 0b110
		 * WB, 0b111 stage 1 attributes; 0b100 reserved. */
		if (!(memattr & 4))
			return (uint8_t)(inner << 2);
		switch (inner) {
		case 1:
			return 0x44;
		case 2:
			return 0xff;
		case 3:
			return REF_HYP_MAIR_S1;
		default:
			return 0x01;
		}
	}
	if (outer == 0)
		return (uint8_t)(inner << 2); /* Device nGnRnE, nGnRE, nGRE, GRE */
	if (inner == 0)
		return 0x01; /* Normal with inner 0b00: reserved */
	return (uint8_t)(nibble[outer] << 4 | nibble[inner]);
}

void hyp_leaf_attrs(const struct ref_hyp_regime *regime, uint64_t desc, int level,
		    const struct table_acc *acc, struct ref_hyp_attrs *attrs)
{
	unsigned ap = (desc >> 6) & 3;
	bool r, w, x, x0;

	memset(attrs, 0, sizeof(*attrs));
	attrs->sh = regime->ds ? regime->sh : (desc >> 8) & 3;
	attrs->af = desc & DESC_AF;
	attrs->dbm = desc & DESC_DBM;
	attrs->contiguous = (desc & DESC_CONT) && ref_cont_entries(regime->granule_shift, level);
	attrs->ap = (uint8_t)ap;

	if (regime->kind == REF_HYP_EL2) {
		attrs->memattr = (desc >> 2) & 7;
		attrs->mair_attr = (uint8_t)(regime->regs.mair >> (8 * attrs->memattr));
		attrs->memtype = ref_mair_decode(attrs->mair_attr);
		attrs->xn = !!(desc & HYP_XN);
		attrs->table_ap = acc->ap;
		attrs->table_xn = acc->uxn;
		/* AP[2] alone decides writes (AP[1] is RES1: no EL0); with
		 * DBM under HD a read-only entry is writable-clean. */
		w = !((ap & 2) && !(regime->hd && attrs->dbm)) && !(acc->ap & 2);
		x = !attrs->xn && !acc->uxn && !(regime->wxn && w);
		attrs->perms = REF_HYP_PERM_R | (w ? REF_HYP_PERM_W : 0) | (x ? REF_HYP_PERM_X : 0);
		return;
	}

	attrs->memattr = (desc >> 2) & 15;
	attrs->mair_attr = s2_mair(regime->fwb, attrs->memattr & (regime->fwb ? 7 : 15));
	attrs->memtype = attrs->mair_attr == REF_HYP_MAIR_S1 ? REF_MEM_NORMAL
							     : ref_mair_decode(attrs->mair_attr);
	/* XN[1:0]: 00 both execute, 01 EL0 only, 10 none, 11 EL1 only;
	 * without FEAT_XNX XN[0] is RES0 and ignored. */
	attrs->xn = (uint8_t)(((desc >> 53) & 3) & (regime->features.xnx ? 3 : 2));
	r = ap & 1;
	/* S2AP[1] clear with DBM under HD: writable-clean. */
	w = (ap & 2) || (regime->hd && attrs->dbm);
	switch (attrs->xn) {
	case 0:
		x = x0 = true;
		break;
	case 1:
		x = false, x0 = true;
		break;
	case 3:
		x = true, x0 = false;
		break;
	default:
		x = x0 = false;
		break;
	}
	attrs->perms = (r ? REF_HYP_PERM_R : 0) | (w ? REF_HYP_PERM_W : 0) |
		       (x ? REF_HYP_PERM_X : 0) | (x0 ? REF_HYP_PERM_X0 : 0);
}

uint64_t hyp_res0_bits(const struct ref_hyp_regime *regime, uint64_t desc, int level,
		       enum desc_kind kind)
{
	unsigned shift =
	    kind == DESC_IS_TABLE ? regime->granule_shift : hyp_level_shift(regime, level);
	uint64_t res0 = 0;

	if (shift > 12)
		res0 |= GENMASK(shift - 1, 12);
	if (regime->lpa_form)
		res0 &= ~GENMASK(15, 12);
	if (kind == DESC_IS_LEAF && level < 3 && regime->features.base.bbm_level)
		res0 &= ~BIT(16);
	if (kind == DESC_IS_TABLE) {
		res0 |= regime->ds ? GENMASK(51, 50) : GENMASK(51, 48);
		if (regime->kind == REF_HYP_STAGE2)
			res0 |= GENMASK(63, 59);
		else if (!regime->hpd)
			res0 |= BIT(59) | BIT(61); /* PXNTable, APTable[0] */
		return desc & res0;
	}
	if (!regime->ds)
		res0 |= GENMASK(49, 48);
	res0 |= DESC_NG; /* EL2: no ASIDs; stage 2: bit 11 RES0 (FnXS not modelled) */
	if (regime->kind == REF_HYP_EL2 || !regime->features.xnx)
		res0 |= HYP_S2_XN0; /* EL2 PXN; stage 2 XN[0] without XNX */
	if (regime->kind == REF_HYP_STAGE2 && regime->fwb)
		res0 |= BIT(5); /* MemAttr[3] */
	return desc & res0;
}

uint64_t hyp_res1_clear(const struct ref_hyp_regime *regime, uint64_t desc, enum desc_kind kind)
{
	if (regime->kind != REF_HYP_EL2 || kind != DESC_IS_LEAF)
		return 0;
	return ~desc & BIT(6);
}

bool ref_hyp_attrs_equal(const struct ref_hyp_attrs *a, const struct ref_hyp_attrs *b)
{
	return a->memattr == b->memattr && a->mair_attr == b->mair_attr &&
	       a->memtype == b->memtype && a->sh == b->sh && a->ap == b->ap && a->xn == b->xn &&
	       a->table_ap == b->table_ap && a->table_xn == b->table_xn && a->af == b->af &&
	       a->dbm == b->dbm && a->contiguous == b->contiguous && a->perms == b->perms;
}

/* ---- Per-IA walk ------------------------------------------------------- */

static void fault(struct ref_hyp_result *out, enum ref_fault type, int level)
{
	out->fault = type;
	out->level = level;
}

static bool allowed(const struct ref_hyp_regime *regime, enum ref_hyp_access access, uint8_t perms)
{
	switch (access) {
	case REF_HYP_TRANSLATE:
		return true;
	case REF_HYP_READ:
		return perms & REF_HYP_PERM_R;
	case REF_HYP_WRITE:
		return perms & REF_HYP_PERM_W;
	case REF_HYP_EXEC:
		return perms & REF_HYP_PERM_X;
	case REF_HYP_EXEC_EL0:
		return regime->kind == REF_HYP_STAGE2 && (perms & REF_HYP_PERM_X0);
	}
	return false;
}

void ref_hyp_walk(const struct ref_hyp_regime *regime, uint64_t ia, enum ref_hyp_access access,
		  struct ref_hyp_result *out)
{
	struct table_acc acc = {0, false, false};
	uint64_t in = ia;

	memset(out, 0, sizeof(*out));
	out->ia = ia;
	if (regime->kind == REF_HYP_EL2 && regime->tbi)
		in &= GENMASK(55, 0);

	if (!regime->enabled) {
		if (in >> regime->pa_max) {
			fault(out, REF_FAULT_ADDRESS_SIZE, 0);
			return;
		}
		out->has_leaf = true;
		out->pa = in;
		out->block_shift = 12;
		out->attrs.af = true;
		if (regime->kind == REF_HYP_EL2) {
			out->attrs.memtype = REF_MEM_DEVICE_nGnRnE;
			out->attrs.perms = REF_HYP_PERM_R | REF_HYP_PERM_W | REF_HYP_PERM_X;
		} else {
			/* No stage 2: stage 1's attributes pass unchanged. */
			out->attrs.memtype = REF_MEM_NORMAL;
			out->attrs.mair_attr = REF_HYP_MAIR_S1;
			out->attrs.perms = 0xf;
		}
		if (!allowed(regime, access, out->attrs.perms))
			fault(out, REF_FAULT_PERMISSION, 0);
		return;
	}
	if (regime->config_fault || in >> regime->ia_bits) {
		fault(out, REF_FAULT_TRANSLATION, 0);
		return;
	}
	if (regime->root_oor) {
		fault(out, REF_FAULT_ADDRESS_SIZE, 0);
		return;
	}

	uint64_t table = regime->root_pa;
	for (int level = regime->start_level;; level++) {
		unsigned shift = hyp_level_shift(regime, level);
		uint64_t entries = hyp_entries(regime, level);
		uint64_t desc_pa = table + ((in >> shift) & (entries - 1)) * 8;
		uint64_t desc;

		if (!hyp_read_desc(regime, &regime->mem, desc_pa, &desc)) {
			fault(out, REF_FAULT_EXTERNAL_ABORT, level);
			return;
		}
		out->steps[out->nsteps].level = level;
		out->steps[out->nsteps].pa = desc_pa;
		out->steps[out->nsteps].desc = desc;
		out->nsteps++;

		switch (hyp_desc_kind(regime, desc, level)) {
		case DESC_INVALID:
			fault(out, REF_FAULT_TRANSLATION, level);
			return;
		case DESC_IS_TABLE:
			table = hyp_table_addr(regime, desc);
			if (table >> regime->oa_bits) {
				fault(out, REF_FAULT_ADDRESS_SIZE, level);
				return;
			}
			hyp_table_accumulate(regime, &acc, desc);
			continue;
		case DESC_IS_LEAF:
			break;
		}

		/* The output address includes the offset within the block (a
		 * block can be larger than a small OAsize). */
		uint64_t pa = hyp_leaf_oa(regime, desc, shift) | (in & GENMASK(shift - 1, 0));
		out->level = level;
		if (pa >> regime->oa_bits) {
			fault(out, REF_FAULT_ADDRESS_SIZE, level);
			return;
		}
		out->has_leaf = true;
		out->block_shift = shift;
		out->pa = pa;
		hyp_leaf_attrs(regime, desc, level, &acc, &out->attrs);
		if (!out->attrs.af && !regime->ha) {
			fault(out, REF_FAULT_ACCESS_FLAG, level);
			return;
		}
		if (!allowed(regime, access, out->attrs.perms))
			fault(out, REF_FAULT_PERMISSION, level);
		return;
	}
}
