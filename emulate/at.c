/* The AT probe: Unicorn's own walker as a second opinion on the tables, and
 * the one table of its known deviations from the architecture.
 *
 * Why AT is issued from the host and not from a guest loop: a guest loop
 * must fetch its own instructions through the regime being probed, and
 * arbitrary tables need not map it. Moving the loop to EL2/EL3 (where it
 * could run with its own MMU off) does not work in 2.0.1: a PSTATE write
 * changes env->pstate but not the cached hflags, so the code keeps running
 * at EL1 (probed: CurrentEL stays 4). A CP_REG write of the AT encoding runs
 * the same ats_write64() handler a guest `at` would, on the same CPU state,
 * without the TLB (measured identical to guest AT, and faster).
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

#include "physmem.h"

const char *emu_fault_kind_name(enum emu_fault_kind kind)
{
	static const char *const names[] = {
	    [EMU_FAULT_NONE] = "none",
	    [EMU_FAULT_ADDRESS_SIZE] = "address-size",
	    [EMU_FAULT_TRANSLATION] = "translation",
	    [EMU_FAULT_ACCESS_FLAG] = "access-flag",
	    [EMU_FAULT_PERMISSION] = "permission",
	    [EMU_FAULT_EXTERNAL] = "external-abort",
	    [EMU_FAULT_OTHER] = "other",
	};
	return (unsigned)kind <= EMU_FAULT_OTHER ? names[kind] : "?";
}

const char *emu_at_op_name(enum emu_at_op op)
{
	static const char *const names[] = {"s1e1r", "s1e1w", "s1e0r"};
	return (unsigned)op <= EMU_AT_S1E0R ? names[op] : "?";
}

void emu_decode_par(uint64_t va, uint64_t par, struct emu_at_result *res)
{
	memset(res, 0, sizeof(*res));
	res->va = va;
	res->par = par;
	res->fault = par & 1;
	if (!res->fault) {
		res->pa = (par & 0x000ffffffffff000ULL) | (va & 0xfff);
		res->sh = (par >> 7) & 3;
		res->attr = (uint8_t)(par >> 56);
		return;
	}
	unsigned fst = (par >> 1) & 0x3f;
	res->fst = fst;
	res->level = fst & 3;
	switch (fst >> 2) {
	case 0x0:
		res->kind = EMU_FAULT_ADDRESS_SIZE;
		return;
	case 0x1:
		res->kind = EMU_FAULT_TRANSLATION;
		return;
	case 0x2:
		res->kind = EMU_FAULT_ACCESS_FLAG;
		return;
	case 0x3:
		res->kind = EMU_FAULT_PERMISSION;
		return;
	case 0x5:
		res->kind = EMU_FAULT_EXTERNAL;
		return;
	}
	/* Level -1 encodings (FEAT_LPA2). */
	res->level = -1;
	if (fst == 0x29)
		res->kind = EMU_FAULT_ADDRESS_SIZE;
	else if (fst == 0x2b)
		res->kind = EMU_FAULT_TRANSLATION;
	else if (fst == 0x13)
		res->kind = EMU_FAULT_EXTERNAL;
	else {
		res->kind = EMU_FAULT_OTHER;
		res->level = 0;
	}
}

static int install_regs_from_host(struct emu *emu, const struct pgd_regs *regs)
{
	/* Raw writes: fine for AT, which walks without the TLB. */
	return emu_sysreg_write(emu, 3, 0, 10, 2, 0, regs->mair) ||
	       emu_sysreg_write(emu, 3, 0, 2, 0, 2, regs->tcr) ||
	       emu_sysreg_write(emu, 3, 0, 2, 0, 0, regs->ttbr0) ||
	       emu_sysreg_write(emu, 3, 0, 2, 0, 1, regs->ttbr1) ||
	       emu_sysreg_write(emu, 3, 0, 1, 0, 0, regs->sctlr);
}

int emu_at_probe(struct emu *emu, struct physmem *mem, const struct pgd_regs *regs,
		 enum emu_at_op op, const uint64_t *vas, size_t n, struct emu_at_result *out,
		 struct emu_error *err)
{
	if (!emu || !mem || !regs || (n && (!vas || !out)) || (unsigned)op > EMU_AT_S1E0R) {
		emu_error_set(err, "emu_at_probe: bad argument");
		return -1;
	}
	if (emu_begin(emu, err) || emu_map_memory(emu, mem, false, 0, err))
		return -1;
	if (install_regs_from_host(emu, regs)) {
		emu_error_set(err, "cannot install the translation registers");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t par;
		if (emu_host_at(emu, op, vas[i], &par)) {
			emu_error_set(err, "AT %s at 0x%llx failed in Unicorn", emu_at_op_name(op),
				      (unsigned long long)vas[i]);
			return -1;
		}
		emu_decode_par(vas[i], par, &out[i]);
	}
	return 0;
}

/* ---- Known deviations --------------------------------------------------- */

/* THE table of Unicorn 2.0.1 walker deviations (QEMU 5.0.1 helper.c
 * get_phys_addr_lpae), each probed; see shared/reference/unicorn-2.0.1.md. */
static const struct emu_deviation_info deviations[EMU_DEV_COUNT] = {
    {EMU_DEV_NONE, "none", "no deviation"},
    {EMU_DEV_BLOCK_ANY_LEVEL, "block-any-level",
     "a block descriptor is accepted at every level below 3 (4K L0, 16K L1, 64K L1); the "
     "architecture gives a Translation fault (QEMU fixed this in 8.2)"},
    {EMU_DEV_NO_ADDRESS_SIZE, "no-address-size-fault",
     "IPS and PARange are ignored and desc[51:48] is masked, so an output or table address "
     "beyond the PA size translates instead of giving an Address size fault (QEMU 7.0)"},
    {EMU_DEV_TNSZ_CLAMPED, "tnsz-clamped",
     "TnSZ is silently clamped to 16..39 instead of faulting or being treated as the "
     "implementation defines (QEMU 7.0)"},
    {EMU_DEV_NO_LPA, "no-lpa-lpa2",
     "FEAT_LPA (64K, 52-bit PA) and FEAT_LPA2 (TCR.DS, level -1) are absent: the 52-bit "
     "descriptor encodings are not decoded (QEMU 7.0)"},
    {EMU_DEV_RAW_SH_ATTR, "raw-sh-attr",
     "PAR_EL1.SH is the descriptor's raw SH and ATTR the raw MAIR byte; the architecture "
     "reports SH=10 for Device and Normal Non-cacheable memory"},
    {EMU_DEV_HPD_HONOURED, "hpd-honoured",
     "TCR.HPDn is honoured on A72, which lacks FEAT_HPDS, so table APTable/XNTable bits are "
     "ignored where the architecture treats HPD as RES0 and applies them"},
    {EMU_DEV_UNMAPPED_DESCRIPTOR, "descriptor-outside-ram",
     "a descriptor read from a PA with no memory behind it returns 0, giving a Translation "
     "fault at that level instead of an Address size fault or external abort"},
    {EMU_DEV_CONTIGUOUS_IGNORED, "contiguous-ignored",
     "the Contiguous bit is ignored and each entry used alone; misprogrammed groups may "
     "translate differently on hardware"},
    {EMU_DEV_LEAF_OA_RES0, "leaf-oa-res0-bits",
     "output-address bits below a block's (or a 16K/64K page's) size are RES0; 2.0.1 keeps "
     "them and ORs in the VA offset, the architecture takes OA[47:size] only (reference/ "
     "lints such descriptors)"},
    {EMU_DEV_RESERVED_GRANULE, "reserved-granule",
     "a reserved TGn encoding selects an IMPLEMENTATION DEFINED granule: 2.0.1 walks with 4K, "
     "the reference (as KVM) with 64K; found by fuzz_walker"},
};

const struct emu_deviation_info *emu_deviation_get(enum emu_deviation id)
{
	return (unsigned)id < EMU_DEV_COUNT ? &deviations[id] : NULL;
}

/* Geometry of one TTBR half as 2.0.1 derives it from TCR_EL1. */
struct half {
	unsigned tnsz, page_shift, ia_bits, pa_bits;
	bool disabled, hpd;
	uint64_t ttbr;
};

static unsigned ips_bits(unsigned ips)
{
	static const unsigned bits[8] = {32, 36, 40, 42, 44, 48, 52, 52};
	return bits[ips & 7];
}

static bool block_allowed(unsigned page_shift, int level)
{
	/* Without LPA/LPA2: 4K blocks at L1/L2, 16K and 64K at L2 only. */
	return page_shift == 12 ? level == 1 || level == 2 : level == 2;
}

void emu_walk_facts(const struct physmem *mem, const struct pgd_regs *regs, enum emu_at_op op,
		    uint64_t va, struct emu_walk_facts *facts)
{
	(void)op;
	memset(facts, 0, sizeof(*facts));
	uint64_t tcr = regs->tcr;
	bool upper = (va >> 55) & 1;
	struct half h = {0};
	/* With TBIn the top byte is ignored: bit 55 extends over it. */
	if ((tcr >> (upper ? 38 : 37)) & 1)
		va = upper ? va | 0xff00000000000000ULL : va & 0x00ffffffffffffffULL;
	if (upper) {
		unsigned tg1 = (tcr >> 30) & 3;
		facts->reserved_granule = tg1 == 0;
		h.tnsz = (tcr >> 16) & 0x3f;
		h.page_shift = tg1 == 1 ? 14 : tg1 == 3 ? 16 : 12;
		h.disabled = (tcr >> 23) & 1;
		h.hpd = (tcr >> 42) & 1;
		h.ttbr = regs->ttbr1;
	} else {
		unsigned tg0 = (tcr >> 14) & 3;
		facts->reserved_granule = tg0 == 3;
		h.tnsz = tcr & 0x3f;
		h.page_shift = tg0 == 1 ? 16 : tg0 == 2 ? 14 : 12;
		h.disabled = (tcr >> 7) & 1;
		h.hpd = (tcr >> 41) & 1;
		h.ttbr = regs->ttbr0;
	}
	h.pa_bits = ips_bits((unsigned)(tcr >> 32));
	facts->tnsz_out_of_range = h.tnsz < 16 || h.tnsz > 39;
	facts->wants_lpa = ((tcr >> 59) & 1) || (h.page_shift == 16 && h.pa_bits == 52);
	if (h.pa_bits > 48)
		h.pa_bits = 48;
	unsigned tnsz = h.tnsz < 16 ? 16 : h.tnsz > 39 ? 39 : h.tnsz;
	h.ia_bits = 64 - tnsz;
	if (h.disabled)
		return;
	/* Out-of-range VAs fault before any descriptor is read. */
	uint64_t top = h.ia_bits >= 64 ? 0 : va >> h.ia_bits;
	uint64_t want = upper ? (~0ULL >> h.ia_bits) : 0;
	if (top != want)
		return;

	unsigned stride = h.page_shift - 3;
	unsigned levels = (h.ia_bits - h.page_shift + stride - 1) / stride;
	int level = 4 - (int)levels;
	uint64_t oa_mask = ((1ULL << 48) - 1) & ~((1ULL << h.page_shift) - 1);
	/* TTBR bits below the root table's size are treated as zero (a
	 * misaligned base is CONSTRAINED UNPREDICTABLE; QEMU and the reference
	 * both align it). */
	unsigned root_shift = h.page_shift + stride * (unsigned)(3 - level);
	uint64_t root_bytes = 8ULL << (h.ia_bits - root_shift);
	uint64_t table = h.ttbr & ((1ULL << 48) - 1) & ~(root_bytes - 1) & ~1ULL;
	if (table >> h.pa_bits)
		facts->oa_out_of_range = true;
	for (;; level++) {
		unsigned shift = h.page_shift + stride * (unsigned)(3 - level);
		unsigned index_bits = level == 4 - (int)levels ? h.ia_bits - shift : stride;
		uint64_t index = (va >> shift) & ((1ULL << index_bits) - 1);
		uint64_t desc_pa = table + index * 8;
		uint64_t desc;
		if (!physmem_is_ram(mem, desc_pa, 8) || !physmem_read64(mem, desc_pa, &desc)) {
			facts->descriptor_outside_ram = true;
			return;
		}
		if ((regs->sctlr >> 25) & 1) /* SCTLR.EE: big-endian descriptors */
			desc = __builtin_bswap64(desc);
		if (!(desc & 1))
			return;
		bool leaf = level == 3 || !(desc & 2);
		if (level == 3 && !(desc & 2))
			return; /* reserved encoding: Translation fault for both */
		if ((desc >> 48) & 0xf)
			facts->oa_out_of_range = true;
		if ((desc & oa_mask) >> h.pa_bits)
			facts->oa_out_of_range = true;
		if (!leaf) {
			if (h.hpd && ((desc >> 59) & 0xf))
				facts->hpd_with_table_attrs = true;
			table = desc & oa_mask;
			continue;
		}
		if (level < 3 && !block_allowed(h.page_shift, level))
			facts->block_at_bad_level = true;
		facts->contiguous = (desc >> 52) & 1;
		facts->leaf_oa_res0 =
		    (desc & ((1ULL << 48) - 1) & ~0xfffULL) & ((1ULL << shift) - 1);
		uint8_t mair_byte = (uint8_t)(regs->mair >> (8 * ((desc >> 2) & 7)));
		facts->device_or_nc = (mair_byte & 0xf0) == 0 || mair_byte == 0x44;
		return;
	}
}

static bool results_agree(const struct emu_at_result *emu, const struct emu_arch_result *arch)
{
	if (emu->fault != arch->fault)
		return false;
	if (emu->fault)
		return emu->kind == arch->kind && emu->level == arch->level;
	return emu->pa == arch->pa && emu->sh == arch->sh && emu->attr == arch->attr;
}

enum emu_deviation emu_classify(const struct emu_at_result *emu, const struct emu_arch_result *arch,
				const struct emu_walk_facts *facts, bool *finding, char *why,
				size_t why_len)
{
	enum emu_deviation dev = EMU_DEV_NONE;
	*finding = false;
	if (why && why_len)
		why[0] = 0;
	if (results_agree(emu, arch))
		return EMU_DEV_NONE;

	/* Most specific cause first: geometry-wide deviations explain
	 * everything below them. */
	if (facts->reserved_granule)
		dev = EMU_DEV_RESERVED_GRANULE;
	else if (facts->wants_lpa)
		dev = EMU_DEV_NO_LPA;
	else if (facts->tnsz_out_of_range)
		dev = EMU_DEV_TNSZ_CLAMPED;
	else if (arch->fault && arch->kind == EMU_FAULT_ADDRESS_SIZE)
		dev = EMU_DEV_NO_ADDRESS_SIZE;
	else if (facts->descriptor_outside_ram && emu->fault && emu->kind == EMU_FAULT_TRANSLATION)
		dev = EMU_DEV_UNMAPPED_DESCRIPTOR;
	else if (facts->block_at_bad_level && arch->fault && arch->kind == EMU_FAULT_TRANSLATION)
		dev = EMU_DEV_BLOCK_ANY_LEVEL;
	else if (facts->hpd_with_table_attrs &&
		 ((emu->fault && emu->kind == EMU_FAULT_PERMISSION) ||
		  (arch->fault && arch->kind == EMU_FAULT_PERMISSION)))
		dev = EMU_DEV_HPD_HONOURED;
	else if (!emu->fault && !arch->fault && emu->pa == arch->pa && emu->attr == arch->attr &&
		 facts->device_or_nc)
		dev = EMU_DEV_RAW_SH_ATTR;
	else if (facts->leaf_oa_res0 && !emu->fault && !arch->fault)
		dev = EMU_DEV_LEAF_OA_RES0;
	else if (facts->contiguous)
		dev = EMU_DEV_CONTIGUOUS_IGNORED;

	if (why && why_len) {
		char e[96], a[96];
		if (emu->fault)
			snprintf(e, sizeof(e), "%s fault L%d", emu_fault_kind_name(emu->kind),
				 emu->level);
		else
			snprintf(e, sizeof(e), "pa 0x%llx sh %u attr 0x%02x",
				 (unsigned long long)emu->pa, emu->sh, emu->attr);
		if (arch->fault)
			snprintf(a, sizeof(a), "%s fault L%d", emu_fault_kind_name(arch->kind),
				 arch->level);
		else
			snprintf(a, sizeof(a), "pa 0x%llx sh %u attr 0x%02x",
				 (unsigned long long)arch->pa, arch->sh, arch->attr);
		snprintf(why, why_len, "%s at va 0x%llx: unicorn %s, architecture %s",
			 dev ? "divergence" : "finding", (unsigned long long)emu->va, e, a);
		if (dev) {
			size_t used = strlen(why);
			snprintf(why + used, why_len - used, " (known deviation %s)",
				 deviations[dev].name);
		}
	}
	*finding = dev == EMU_DEV_NONE;
	return dev;
}
