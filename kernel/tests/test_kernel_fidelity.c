/* kernel.fidelity: for every configuration the build compiles, the
 * definitions the kernel code under test sees through kernel/shim must
 * equal the tree's own, evaluated from the tree's headers alone
 * (fidelity.h). Encodings are compared on boundary and random PAs over the
 * configuration's whole PA range (every bit up to 51 where PAs are 52-bit)
 * and on random descriptors; constants and prots exactly. Exits 1 naming
 * the first differences. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "fidelity.h"
#include "kernel_fidelity_list.h" /* generated: fid_shim_views[], fid_tree_views[] */

static const char *const const_names[FID_NCONST] = {"PAGE_SHIFT",
						    "CONFIG_PGTABLE_LEVELS",
						    "PGDIR_SHIFT",
						    "PUD_SHIFT",
						    "PMD_SHIFT",
						    "PTRS_PER_PGD",
						    "CONT_PTE_SHIFT",
						    "CONT_PMD_SHIFT",
						    "CONT_PTE_MASK",
						    "CONT_PMD_MASK",
						    "PAGE_KERNEL",
						    "PAGE_KERNEL_RO",
						    "PAGE_KERNEL_ROX",
						    "PAGE_KERNEL_EXEC",
						    "PROT_DEVICE_nGnRE",
						    "PMD_TABLE_UXN",
						    "PMD_TABLE_PXN",
						    "PUD_TABLE_PXN",
						    "P4D_TABLE_PXN",
						    "PTE_CONT",
						    "PTE_SWBITS_MASK",
						    "TCR_T0SZ(48)",
						    "mk_pmd_sect_prot(PAGE_KERNEL)",
						    "PTE_MAYBE_SHARED",
						    "lpa2_is_enabled()",
						    "CONFIG_ARM64_PA_BITS",
						    "__BITS_PER_LONG"};

static unsigned failures;
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next_random(void)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return rng;
}

static void differ(const char *cfg, const char *what, uint64_t in, uint64_t shim, uint64_t tree)
{
	if (++failures <= 20)
		printf("FAIL %s: %s(0x%" PRIx64 "): shim 0x%" PRIx64 ", tree 0x%" PRIx64 "\n", cfg,
		       what, in, shim, tree);
}

/* PAs over [0, 2^pa_bits): 0, every single bit, every combination of the
 * bits above 47, the range's ends, and random page-aligned values. */
static size_t pa_inputs(unsigned page_shift, unsigned pa_bits, uint64_t *out, size_t cap)
{
	size_t n = 0;
	uint64_t page = 1ull << page_shift, top = 1ull << pa_bits;
	out[n++] = 0;
	for (unsigned b = page_shift; b < pa_bits; b++)
		out[n++] = 1ull << b;
	for (uint64_t hi = 0; hi < 16 && pa_bits == 52; hi++)
		for (uint64_t lo = 0; lo < 4; lo++)
			out[n++] = (hi << 48) | (lo ? (1ull << (46 + lo)) : page);
	out[n++] = top - page;
	out[n++] = (1ull << 48) - page;
	while (n < cap)
		out[n++] = next_random() & (top - 1) & ~(page - 1);
	return n;
}

int main(void)
{
	static uint64_t pas[20000];
	size_t checked = 0;
	for (size_t i = 0; i < fid_view_count; i++) {
		const struct fid_view *s = fid_shim_views[i], *t = fid_tree_views[i];
		uint64_t sv[FID_NCONST] = {0}, tv[FID_NCONST] = {0};
		s->values(sv);
		t->values(tv);
		for (int c = 0; c < FID_NCONST; c++)
			if (sv[c] != tv[c])
				differ(s->name, const_names[c], 0, sv[c], tv[c]);
		size_t n = pa_inputs((unsigned)tv[FID_PAGE_SHIFT], (unsigned)tv[FID_PA_BITS], pas,
				     sizeof(pas) / sizeof(pas[0]));
		for (size_t k = 0; k < n; k++) {
			uint64_t pa = pas[k], desc = next_random();
#define CMP(fn, in)                                                                                \
	do {                                                                                       \
		uint64_t a_ = s->fn(in), b_ = t->fn(in);                                           \
		if (a_ != b_)                                                                      \
			differ(s->name, #fn, in, a_, b_);                                          \
	} while (0)
			CMP(phys_to_pte, pa);
			CMP(pfn_pte, pa);
			CMP(phys_to_ttbr, pa);
			CMP(pte_to_phys, desc);
			CMP(pmd_to_phys, desc);
			CMP(pud_to_phys, desc);
			uint64_t enc = t->phys_to_pte(pa) | 3;
			CMP(pte_to_phys, enc);
			CMP(pmd_to_phys, enc);
			CMP(pgd_index, desc);
			uint64_t end = desc + (next_random() >> (next_random() & 63));
			if (s->pmd_addr_end(desc, end) != t->pmd_addr_end(desc, end))
				differ(s->name, "pmd_addr_end", desc, s->pmd_addr_end(desc, end),
				       t->pmd_addr_end(desc, end));
			if (s->pte_cont_addr_end(desc, end) != t->pte_cont_addr_end(desc, end))
				differ(s->name, "pte_cont_addr_end", desc,
				       s->pte_cont_addr_end(desc, end),
				       t->pte_cont_addr_end(desc, end));
			checked++;
		}
	}
	const struct fid_reloc *rs = &fid_reloc_shim, *rt = &fid_reloc_tree;
	const uint64_t *a = &rs->ind_destination, *b = &rt->ind_destination;
	static const char *const reloc_names[] = {"IND_DESTINATION",  "IND_INDIRECTION",
						  "IND_DONE",	      "IND_SOURCE",
						  "HVC_SOFT_RESTART", "INIT_SCTLR_EL1_MMU_OFF"};
	for (int k = 0; k < 6; k++)
		if (a[k] != b[k])
			differ("reloc", reloc_names[k], 0, a[k], b[k]);
	printf("%zu configurations, %zu inputs each way, reloc constants: %u differences\n",
	       fid_view_count, checked, failures);
	return failures ? 1 : 0;
}
