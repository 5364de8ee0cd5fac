/* pgdfuzz kernel shim for the functions extracted from arch/arm64/mm/mmu.c
 * (__create_pgd_mapping_locked and everything under it), Linux 6.1 and 6.12.
 *
 * Folding follows the generic rule: a level that does not exist collapses
 * into its parent, so the parent entry's none/bad tests are constant 0, its
 * addr_end returns end and its set_fixmap_offset returns the parent pointer.
 * Tables are reached through kernel_mmu_env (simulated physical memory);
 * barriers, TLB maintenance and locks are no-ops (one CPU, no live walker).
 * BUG_ON longjmps to kernel_trap.env; WARN_ON is counted. */
#ifndef PGDFUZZ_SHIM_MMU_H
#define PGDFUZZ_SHIM_MMU_H

#include <asm/pgtable.h>
#include <string.h>

#include "kernel.h"

#define noinline __attribute__((noinline))
#define __ro_after_init
#define __meminit
#define SZ_4K 0x00001000

#define BUG_ON(cond)                                                                               \
	do {                                                                                       \
		if (cond)                                                                          \
			kernel_bug(__func__, #cond, __LINE__);                                     \
	} while (0)
#define WARN_ON(cond)                                                                              \
	({                                                                                         \
		bool warn_ = !!(cond);                                                             \
		if (warn_)                                                                         \
			kernel_warn(__func__, #cond, __LINE__);                                    \
		warn_;                                                                             \
	})
#define VM_BUG_ON(cond) ((void)sizeof(cond)) /* CONFIG_DEBUG_VM=n */

#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)                                                                           \
	do {                                                                                       \
		*(volatile __typeof__(x) *)&(x) = (v);                                             \
	} while (0)
#define dsb(opt) ((void)0)
#define isb()	 ((void)0)

static inline void *shim_phys_to_host(phys_addr_t pa)
{
	void *host = kernel_mmu_env.phys_to_host(kernel_mmu_env.ctx, pa);
	if (!host)
		kernel_bug("shim_phys_to_host", "table outside RAM", __LINE__);
	return host;
}
#define clear_page(p) memset((p), 0, PAGE_SIZE)

/* ---- Level geometry and folding ----------------------------------------- */
#define PGDIR_SHIFT	       LEVEL_SHIFT(4 - CONFIG_PGTABLE_LEVELS)
#define PGDIR_SIZE	       (1UL << PGDIR_SHIFT)
#define PGDIR_MASK	       (~(PGDIR_SIZE - 1))
#define PTRS_PER_PGD	       (1UL << (VA_BITS - PGDIR_SHIFT))
#define pgd_index(a)	       (((a) >> PGDIR_SHIFT) & (PTRS_PER_PGD - 1))
#define pgd_offset_pgd(pgd, a) ((pgd) + pgd_index(a))

#define SHIM_ADDR_END(addr, end, size)                                                             \
	({                                                                                         \
		unsigned long b_ = ((addr) + (size)) & ~((size)-1);                                \
		(b_ - 1 < (end)-1) ? b_ : (end);                                                   \
	})
#define pgd_addr_end(a, e)	SHIM_ADDR_END(a, e, PGDIR_SIZE)
#define pte_index(a)		(((a) >> PAGE_SHIFT) & (PTRS_PER_PTE - 1))
#define pte_cont_addr_end(a, e) SHIM_ADDR_END(a, e, CONT_PTE_SIZE)

#define SHIM_TABLE(v) (((v)&PMD_TYPE_MASK) == PMD_TYPE_TABLE)
#define SHIM_SECT(v)  (((v)&PMD_TYPE_MASK) == PMD_TYPE_SECT)

/* PMD tables exist with 3+ levels; the pud entry (pointing to them) is real. */
#if CONFIG_PGTABLE_LEVELS > 2
#define PMD_SHIFT     LEVEL_SHIFT(2)
#define PTRS_PER_PMD  PTRS_PER_PTE
#define pmd_index(a)  (((a) >> PMD_SHIFT) & (PTRS_PER_PMD - 1))
#define pud_none(pud) (!pud_val(pud))
#define pud_bad(pud)  (!SHIM_TABLE(pud_val(pud)))
#define pmd_set_fixmap_offset(pudp, a)                                                             \
	((pmd_t *)shim_phys_to_host(__pud_to_phys(READ_ONCE(*(pudp)))) + pmd_index(a))
#if PAGE_SHIFT == 16
#define pud_sect(pud) ((void)(pud), 0)
#else
#define pud_sect(pud) SHIM_SECT(pud_val(pud))
#endif
#else
#define PMD_SHIFT		       PGDIR_SHIFT
#define PTRS_PER_PMD		       1
#define pmd_index(a)		       0UL
#define pud_none(pud)		       ((void)(pud), 0)
#define pud_bad(pud)		       ((void)(pud), 0)
#define pud_sect(pud)		       ((void)(pud), 0)
#define pmd_set_fixmap_offset(pudp, a) ((pmd_t *)(pudp))
#endif
#define PMD_SIZE		(1UL << PMD_SHIFT)
#define PMD_MASK		(~(PMD_SIZE - 1))
#define CONT_PMDS		(1 << (CONT_PMD_SHIFT - PMD_SHIFT))
#define CONT_PMD_SIZE		(1UL << CONT_PMD_SHIFT)
#define CONT_PMD_MASK		(~(CONT_PMD_SIZE - 1))
#define pmd_addr_end(a, e)	SHIM_ADDR_END(a, e, PMD_SIZE)
#define pmd_cont_addr_end(a, e) SHIM_ADDR_END(a, e, CONT_PMD_SIZE)

/* PUD tables exist with 4+ levels. */
#if CONFIG_PGTABLE_LEVELS > 3
#define PUD_SHIFT     LEVEL_SHIFT(1)
#define pud_index(a)  (((a) >> PUD_SHIFT) & (PTRS_PER_PTE - 1))
#define p4d_none(p4d) (!p4d_val(p4d))
#define p4d_bad(p4d)  (!SHIM_TABLE(p4d_val(p4d)))
#define pud_set_fixmap_offset(p4dp, a)                                                             \
	((pud_t *)shim_phys_to_host(__p4d_to_phys(READ_ONCE(*(p4dp)))) + pud_index(a))
#define pud_addr_end(a, e) SHIM_ADDR_END(a, e, PUD_SIZE)
#else
#define PUD_SHIFT		       PGDIR_SHIFT
#define pud_index(a)		       0UL
#define p4d_none(p4d)		       ((void)(p4d), 0)
#define p4d_bad(p4d)		       ((void)(p4d), 0)
#define pud_set_fixmap_offset(p4dp, a) ((pud_t *)(p4dp))
#define pud_addr_end(a, e)	       (e)
#endif
#define PUD_SIZE	     (1UL << PUD_SHIFT)
#define PUD_MASK	     (~(PUD_SIZE - 1))
#define pud_sect_supported() (PAGE_SIZE == SZ_4K)

/* P4D tables exist with 5 levels (4K, 52-bit VA). */
#if CONFIG_PGTABLE_LEVELS > 4
#define P4D_SHIFT     LEVEL_SHIFT(0)
#define p4d_index(a)  (((a) >> P4D_SHIFT) & (PTRS_PER_PTE - 1))
#define pgd_none(pgd) (!pgd_val(pgd))
#define pgd_bad(pgd)  (!SHIM_TABLE(pgd_val(pgd)))
#define p4d_set_fixmap_offset(pgdp, a)                                                             \
	((p4d_t *)shim_phys_to_host(__pgd_to_phys(READ_ONCE(*(pgdp)))) + p4d_index(a))
#define p4d_addr_end(a, e) SHIM_ADDR_END(a, e, 1UL << P4D_SHIFT)
#else
#define P4D_SHIFT		       PGDIR_SHIFT
#define p4d_index(a)		       0UL
#define pgd_none(pgd)		       ((void)(pgd), 0)
#define pgd_bad(pgd)		       ((void)(pgd), 0)
#define p4d_set_fixmap_offset(pgdp, a) ((p4d_t *)(pgdp))
#define p4d_addr_end(a, e)	       (e)
#endif
#define p4d_offset(pgdp, a) p4d_set_fixmap_offset(pgdp, a) /* 6.1 */

#define pmd_none(pmd) (!pmd_val(pmd))
#define pmd_bad(pmd)  (!SHIM_TABLE(pmd_val(pmd)))
#define pmd_sect(pmd) SHIM_SECT(pmd_val(pmd))
#define pte_set_fixmap_offset(pmdp, a)                                                             \
	((pte_t *)shim_phys_to_host(__pmd_to_phys(READ_ONCE(*(pmdp)))) + pte_index(a))

/* The fixmap is the identity here: a table's host address. */
#define pte_set_fixmap(pa) ((pte_t *)shim_phys_to_host(pa))
#define pmd_set_fixmap(pa) ((pmd_t *)shim_phys_to_host(pa))
#define pud_set_fixmap(pa) ((pud_t *)shim_phys_to_host(pa))
#define p4d_set_fixmap(pa) ((p4d_t *)shim_phys_to_host(pa))
#define pte_clear_fixmap() ((void)0)
#define pmd_clear_fixmap() ((void)0)
#define pud_clear_fixmap() ((void)0)
#define p4d_clear_fixmap() ((void)0)

#define PGD_TYPE_TABLE P4D_TYPE_TABLE
#define PGD_TABLE_UXN  P4D_TABLE_UXN
#define PGD_TABLE_PXN  P4D_TABLE_PXN

/* ---- Entries ------------------------------------------------------------ */
#define __phys_to_pfn(p)	       ((p) >> PAGE_SHIFT)
#define pte_valid(pte)		       (!!(pte_val(pte) & PTE_VALID))
#define pte_pfn(pte)		       (__pte_to_phys(pte) >> PAGE_SHIFT)
#define pfn_pte(pfn, prot)	       __pte(__phys_to_pte_val((u64)(pfn) << PAGE_SHIFT) | pgprot_val(prot))
#define pfn_pmd(pfn, prot)	       __pmd(__phys_to_pte_val((u64)(pfn) << PAGE_SHIFT) | pgprot_val(prot))
#define pfn_pud(pfn, prot)	       __pud(__phys_to_pte_val((u64)(pfn) << PAGE_SHIFT) | pgprot_val(prot))
#define mk_pmd_sect_prot(prot)	       __pgprot((pgprot_val(prot) & ~PMD_TYPE_MASK) | PMD_TYPE_SECT)
#define mk_pud_sect_prot(prot)	       __pgprot((pgprot_val(prot) & ~PUD_TYPE_MASK) | PUD_TYPE_SECT)
#define __ptep_get(ptep)	       READ_ONCE(*(ptep))
#define __set_pte_nosync(ptep, pte)    WRITE_ONCE(*(ptep), (pte))
#define set_pte(ptep, pte)	       WRITE_ONCE(*(ptep), (pte))
#define set_pmd(pmdp, pmd)	       WRITE_ONCE(*(pmdp), (pmd))
#define set_pud(pudp, pud)	       WRITE_ONCE(*(pudp), (pud))
#define __pmd_populate(pmdp, pa, prot) set_pmd(pmdp, __pmd(__phys_to_pte_val(pa) | (prot)))
#define __pud_populate(pudp, pa, prot) set_pud(pudp, __pud(__phys_to_pte_val(pa) | (prot)))
#define __p4d_populate(p4dp, pa, prot) WRITE_ONCE(*(p4dp), __p4d(__phys_to_pte_val(pa) | (prot)))
#define __pgd_populate(pgdp, pa, prot) WRITE_ONCE(*(pgdp), __pgd(__phys_to_pte_val(pa) | (prot)))

int pud_set_huge(pud_t *pudp, phys_addr_t phys, pgprot_t prot);
int pmd_set_huge(pmd_t *pmdp, phys_addr_t phys, pgprot_t prot);

#endif
