/* Geometry: everything per level is computed from the granule and the
 * input-address size by the architecture's start-level rule. */
#include "pgd.h"
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>

int pgd_fail(struct pgd_error *err, enum pgd_status status, uint64_t va, int level,
	     const char *rule, const char *fmt, ...)
{
	if (err) {
		err->status = status;
		err->va = va;
		err->level = level;
		err->rule = rule;
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->message, sizeof(err->message), fmt, ap);
		va_end(ap);
	}
	return (int)status;
}

static unsigned log2_exact(uint64_t value)
{
	unsigned bits = 0;
	while (value > 1) {
		value >>= 1;
		bits++;
	}
	return bits;
}

static bool is_power_of_two(uint64_t value)
{
	return value && !(value & (value - 1));
}

/* SL = 3 - floor((IA - 1 - G) / S), with S = G - 3 bits resolved per level. */
static int arch_start_level(unsigned page_shift, unsigned ia_bits)
{
	return 3 - (int)((ia_bits - 1 - page_shift) / (page_shift - 3));
}

unsigned pgd_level_shift(const struct pgd_geometry *geo, int level)
{
	return geo->page_shift + (geo->page_shift - 3) * (unsigned)(3 - level);
}

unsigned pgd_level_entries(const struct pgd_geometry *geo, int level)
{
	return level == geo->start_level ? geo->root_entries : 1u << (geo->page_shift - 3);
}

uint64_t pgd_granule(const struct pgd_geometry *geo)
{
	return 1ULL << geo->page_shift;
}

bool pgd_block_allowed(const struct pgd_geometry *geo, int level)
{
	switch (geo->page_shift) {
	case 12:
		return level == 1 || level == 2 || (level == 0 && geo->lpa2);
	case 14:
		return level == 2 || (level == 1 && geo->lpa2);
	default:
		return level == 2 || (level == 1 && geo->pa_bits == 52);
	}
}

unsigned pgd_cont_entries(const struct pgd_geometry *geo, int level)
{
	if (level == 3)
		return geo->page_shift == 12 ? 16 : geo->page_shift == 14 ? 128 : 32;
	if (level == 2)
		return geo->page_shift == 12 ? 16 : 32;
	/* 4K L1 blocks have 16-entry groups; the bit is ignored elsewhere. */
	if (level == 1 && geo->page_shift == 12)
		return 16;
	return 0;
}

uint64_t pgd_pa_to_desc(const struct pgd_geometry *geo, uint64_t pa)
{
	uint64_t low_mask = ((1ULL << 48) - 1) & ~(pgd_granule(geo) - 1);
	if (geo->lpa2)
		return (pa & (((1ULL << 50) - 1) & ~(pgd_granule(geo) - 1))) | ((pa >> 50) & 3)
										   << 8;
	if (geo->lpa)
		return (pa & low_mask) | ((pa >> 48) & 0xf) << 12;
	return pa & low_mask;
}

uint64_t pgd_desc_to_pa(const struct pgd_geometry *geo, uint64_t desc)
{
	uint64_t low_mask = ((1ULL << 48) - 1) & ~(pgd_granule(geo) - 1);
	if (geo->lpa2)
		return (desc & (((1ULL << 50) - 1) & ~(pgd_granule(geo) - 1))) | ((desc >> 8) & 3)
										     << 50;
	if (geo->lpa)
		return (desc & low_mask) | ((desc >> 12) & 0xf) << 48;
	return desc & low_mask;
}

static bool legal_pa_bits(unsigned pa_bits)
{
	static const unsigned ips[] = {32, 36, 40, 42, 44, 48, 52};
	for (size_t i = 0; i < sizeof(ips) / sizeof(ips[0]); i++)
		if (ips[i] == pa_bits)
			return true;
	return false;
}

int pgd_geometry_init(struct pgd_geometry *geo, const struct pgd_config *cfg, struct pgd_error *err)
{
	struct pgd_geometry out = {0};
	unsigned granule = cfg->granule;
	if (granule != 4096 && granule != 16384 && granule != 65536)
		return pgd_fail(err, PGD_EINVAL, 0, PGD_NO_LEVEL, "granule",
				"granule %u: must be 4K, 16K or 64K", granule);
	out.page_shift = log2_exact(granule);
	out.va_bits = cfg->va_bits;
	out.pa_bits = cfg->pa_bits ? cfg->pa_bits : 48;
	out.lpa2 = cfg->lpa2;
	out.lpa = out.page_shift == 16 && out.pa_bits == 52;

	if (cfg->va_bits < 25 || cfg->va_bits > 52)
		return pgd_fail(err, PGD_EINVAL, 0, PGD_NO_LEVEL, "va-bits",
				"va_bits=%u: must be 25..52 (TnSZ 12..39)", cfg->va_bits);
	if (!legal_pa_bits(out.pa_bits))
		return pgd_fail(err, PGD_EINVAL, 0, PGD_NO_LEVEL, "pa-bits",
				"pa_bits=%u: must be one of 32,36,40,42,44,48,52 (TCR.IPS)",
				out.pa_bits);
	if (out.lpa2 && out.page_shift == 16)
		return pgd_fail(err, PGD_EINVAL, 0, PGD_NO_LEVEL, "lpa2",
				"lpa2 applies to 4K and 16K granules only (64K uses LPA)");
	if (out.pa_bits == 52 && !out.lpa2 && !out.lpa)
		return pgd_fail(err, PGD_EINVAL, 0, PGD_NO_LEVEL, "pa-bits",
				"pa_bits=52 with a %uK granule needs lpa2", granule / 1024);

	unsigned per_level = out.page_shift - 3;
	int derived_start = arch_start_level(out.page_shift, cfg->va_bits);
	int start = cfg->levels ? 4 - (int)cfg->levels : derived_start;
	if (cfg->levels && (cfg->levels < 1 || cfg->levels > 5))
		return pgd_fail(err, PGD_EINVAL, 0, PGD_NO_LEVEL, "levels",
				"levels=%u: must be 1..5", cfg->levels);
	if (start > derived_start)
		return pgd_fail(err, PGD_EINVAL, 0, PGD_NO_LEVEL, "levels",
				"levels=%u cannot resolve %u VA bits with a %uK granule",
				cfg->levels, cfg->va_bits, granule / 1024);

	/* The root covers VA bits from its level shift up to ia_bits - 1. */
	unsigned root_shift = out.page_shift + per_level * (unsigned)(3 - start);
	unsigned ia_bits;
	if (cfg->root_entries) {
		if (!is_power_of_two(cfg->root_entries) || cfg->root_entries < 2 ||
		    cfg->root_entries > (1u << per_level))
			return pgd_fail(err, PGD_EINVAL, 0, PGD_NO_LEVEL, "root-entries",
					"root_entries=%u: must be a power of two in 2..%u",
					cfg->root_entries, 1u << per_level);
		ia_bits = root_shift + log2_exact(cfg->root_entries);
	} else if (start < derived_start) {
		/* Extra levels: the smallest root that needs them, i.e. two
		 * entries at the new start level. */
		ia_bits = root_shift + 1;
		if (ia_bits < cfg->va_bits)
			ia_bits = cfg->va_bits;
	} else {
		ia_bits = cfg->va_bits;
	}
	if (ia_bits < 25 || ia_bits > 52)
		return pgd_fail(err, PGD_EINVAL, 0, PGD_NO_LEVEL, "ia-bits",
				"the geometry needs a %u-bit input address: must be 25..52",
				ia_bits);
	if (ia_bits < cfg->va_bits)
		return pgd_fail(err, PGD_EINVAL, 0, PGD_NO_LEVEL, "root-entries",
				"root_entries=%u covers only %u of va_bits=%u", cfg->root_entries,
				ia_bits, cfg->va_bits);
	if (ia_bits > 48 && !out.lpa2 && !out.lpa)
		return pgd_fail(err, PGD_EINVAL, 0, PGD_NO_LEVEL, "ia-bits",
				"a %u-bit input address needs LVA (64K, pa_bits=52) or lpa2",
				ia_bits);
	if (arch_start_level(out.page_shift, ia_bits) != start)
		return pgd_fail(err, PGD_EINVAL, 0, PGD_NO_LEVEL, "start-level",
				"%u-bit input address starts at level %d, not %d: adjust "
				"levels/root_entries",
				ia_bits, arch_start_level(out.page_shift, ia_bits), start);
	if (start < 0 && !(out.page_shift == 12 && out.lpa2))
		return pgd_fail(err, PGD_EINVAL, 0, PGD_NO_LEVEL, "start-level",
				"level -1 exists only for 4K with lpa2");
	if (start < 1 && out.page_shift == 16)
		return pgd_fail(err, PGD_EINVAL, 0, PGD_NO_LEVEL, "start-level",
				"64K translation never starts at level 0");

	out.ia_bits = ia_bits;
	out.start_level = start;
	out.levels = (unsigned)(4 - start);
	out.root_entries = 1u << (ia_bits - root_shift);
	*geo = out;
	return PGD_OK;
}

void pgd_geometry_class(const struct pgd_geometry *geo, char *buf, size_t len)
{
	int base_levels = 4 - arch_start_level(geo->page_shift, geo->va_bits);
	int extra = (int)geo->levels - base_levels;
	char suffix[24] = "";
	if (extra > 0)
		snprintf(suffix, sizeof(suffix), "+%d", extra);
	else if (geo->ia_bits != geo->va_bits)
		snprintf(suffix, sizeof(suffix), "r%u", geo->root_entries);
	snprintf(buf, len, "%uk-%u%s%s", 1u << (geo->page_shift - 10), geo->va_bits, suffix,
		 geo->lpa2  ? "-lpa2"
		 : geo->lpa ? "-lpa"
			    : "");
}

const char *pgd_status_name(enum pgd_status status)
{
	switch (status) {
	case PGD_OK:
		return "ok";
	case PGD_EINVAL:
		return "invalid";
	case PGD_ENOMEM:
		return "no-memory";
	case PGD_EUNSAFE:
		return "unsafe";
	case PGD_ENOTMAPPED:
		return "not-mapped";
	case PGD_EMEM:
		return "bad-memory";
	}
	return "unknown";
}
