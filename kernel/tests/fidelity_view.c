/* One configuration's view (fidelity.h), compiled twice: FID_SIDE shim with
 * the backends' include path, FID_SIDE tree with the tree's headers and
 * fidelity_env/ only. FID_VIEW names the object. */
#include <asm/pgtable.h>

#include "fidelity.h"

static uint64_t phys_to_pte(uint64_t pa)
{
	return __phys_to_pte_val(pa);
}
static uint64_t pmd_to_phys(uint64_t d)
{
	return __pmd_to_phys(__pmd(d));
}
static uint64_t pud_to_phys(uint64_t d)
{
	return __pud_to_phys(__pud(d));
}
#ifdef FID_SHIM
/* map_range's descent decodes with pi.h's shim_tree_pte_to_phys(); pi.h
 * redefines __pte_to_phys, so it comes after the other decoders. */
#include "pi.h"
static uint64_t pte_to_phys(uint64_t d)
{
	return shim_tree_pte_to_phys(__pte(d));
}
#else
static uint64_t pte_to_phys(uint64_t d)
{
	return __pte_to_phys(__pte(d));
}
#endif
static uint64_t fid_pfn_pte(uint64_t pa)
{
	return pte_val(pfn_pte(pa >> PAGE_SHIFT, PAGE_KERNEL));
}
static uint64_t fid_phys_to_ttbr(uint64_t pa)
{
	return phys_to_ttbr(pa);
}
static uint64_t fid_pgd_index(uint64_t va)
{
	return pgd_index(va);
}
static uint64_t fid_pmd_addr_end(uint64_t a, uint64_t e)
{
	return pmd_addr_end(a, e);
}
static uint64_t fid_pte_cont_addr_end(uint64_t a, uint64_t e)
{
	return pte_cont_addr_end(a, e);
}

#ifndef PUD_TABLE_PXN
#define PUD_TABLE_PXN 0
#endif
#ifndef P4D_TABLE_PXN
#define P4D_TABLE_PXN 0
#endif

static void values(uint64_t v[FID_NCONST])
{
	v[FID_PAGE_SHIFT] = PAGE_SHIFT;
	v[FID_PGTABLE_LEVELS] = CONFIG_PGTABLE_LEVELS;
	v[FID_PGDIR_SHIFT] = PGDIR_SHIFT;
	v[FID_PUD_SHIFT] = PUD_SHIFT;
	v[FID_PMD_SHIFT] = PMD_SHIFT;
	v[FID_PTRS_PER_PGD] = PTRS_PER_PGD;
	v[FID_CONT_PTE_SHIFT] = CONT_PTE_SHIFT;
	v[FID_CONT_PMD_SHIFT] = CONT_PMD_SHIFT;
	v[FID_CONT_PTE_MASK] = CONT_PTE_MASK;
	v[FID_CONT_PMD_MASK] = CONT_PMD_MASK;
	v[FID_PAGE_KERNEL] = pgprot_val(PAGE_KERNEL);
	v[FID_PAGE_KERNEL_RO] = pgprot_val(PAGE_KERNEL_RO);
	v[FID_PAGE_KERNEL_ROX] = pgprot_val(PAGE_KERNEL_ROX);
	v[FID_PAGE_KERNEL_EXEC] = pgprot_val(PAGE_KERNEL_EXEC);
	v[FID_PROT_DEVICE] = PROT_DEVICE_nGnRE;
	v[FID_PMD_TABLE_UXN] = PMD_TABLE_UXN;
	v[FID_PMD_TABLE_PXN] = PMD_TABLE_PXN;
	v[FID_PUD_TABLE_PXN] = PUD_TABLE_PXN;
	v[FID_P4D_TABLE_PXN] = P4D_TABLE_PXN;
	v[FID_PTE_CONT] = PTE_CONT;
#ifdef PTE_SWBITS_MASK /* not in 6.1 */
	v[FID_PTE_SWBITS] = PTE_SWBITS_MASK;
#endif
	v[FID_TCR_T0SZ_48] = TCR_T0SZ(48);
	v[FID_PMD_SECT_KERNEL] = pgprot_val(mk_pmd_sect_prot(PAGE_KERNEL));
#ifdef PTE_MAYBE_SHARED /* LPA2 trees (6.9+) */
	v[FID_PTE_MAYBE_SHARED] = PTE_MAYBE_SHARED;
	v[FID_LPA2_ENABLED] = lpa2_is_enabled();
#endif
	v[FID_PA_BITS] = CONFIG_ARM64_PA_BITS;
	v[FID_BITS_PER_LONG] = __BITS_PER_LONG;
}

const struct fid_view FID_VIEW = {
    .name = KERNEL_OBJ_NAME,
    .values = values,
    .phys_to_pte = phys_to_pte,
    .pte_to_phys = pte_to_phys,
    .pmd_to_phys = pmd_to_phys,
    .pud_to_phys = pud_to_phys,
    .pfn_pte = fid_pfn_pte,
    .phys_to_ttbr = fid_phys_to_ttbr,
    .pgd_index = fid_pgd_index,
    .pmd_addr_end = fid_pmd_addr_end,
    .pte_cont_addr_end = fid_pte_cont_addr_end,
};
