/* pgdfuzz kernel shim: descriptor types, geometry and output-address
 * encoding for one compile-time configuration, as the arm64 kernel code
 * expects them. Values follow the Arm architecture (VMSAv8-64) and Linux's
 * documented layout; configuration comes from the command line:
 *   -DPAGE_SHIFT=12|14|16 -DVA_BITS=N, and -DSHIM_PA_52 for 52-bit output
 *   addresses (LPA2 descriptors for 4K/16K, LPA for 64K). */
#ifndef PGDFUZZ_SHIM_ASM_PGTABLE_H
#define PGDFUZZ_SHIM_ASM_PGTABLE_H

#include <asm/memory.h>
#include <linux/types.h>

typedef u64 pteval_t;
typedef u64 pmdval_t;
typedef u64 pudval_t;
typedef u64 p4dval_t;
typedef u64 pgdval_t;
typedef struct {
	pteval_t pte;
} pte_t;
typedef struct {
	pmdval_t pmd;
} pmd_t;
typedef struct {
	pudval_t pud;
} pud_t;
typedef struct {
	p4dval_t p4d;
} p4d_t;
typedef struct {
	pgdval_t pgd;
} pgd_t;
typedef struct {
	pteval_t pgprot;
} pgprot_t;

#define pte_val(x)    ((x).pte)
#define pmd_val(x)    ((x).pmd)
#define pud_val(x)    ((x).pud)
#define p4d_val(x)    ((x).p4d)
#define pgd_val(x)    ((x).pgd)
#define pgprot_val(x) ((x).pgprot)
#define __pte(x)      ((pte_t){(x)})
#define __pmd(x)      ((pmd_t){(x)})
#define __pud(x)      ((pud_t){(x)})
#define __p4d(x)      ((p4d_t){(x)})
#define __pgd(x)      ((pgd_t){(x)})
#define __pgprot(x)   ((pgprot_t){(x)})

/* ---- Geometry: ARM64_HW_PGTABLE_LEVELS and friends ---------------------- */
#define CONFIG_PGTABLE_LEVELS (((VA_BITS)-4) / (PAGE_SHIFT - 3))
#define PTRS_PER_PTE	      (1 << (PAGE_SHIFT - 3))
#define LEVEL_SHIFT(n)	      ((PAGE_SHIFT - 3) * (4 - (n)) + 3)

#if PAGE_SHIFT == 12
#define CONT_PTE_SHIFT (4 + PAGE_SHIFT)
#define CONT_PMD_SHIFT (4 + 21)
#elif PAGE_SHIFT == 14
#define CONT_PTE_SHIFT (7 + PAGE_SHIFT)
#define CONT_PMD_SHIFT (5 + 25)
#elif PAGE_SHIFT == 16
#define CONT_PTE_SHIFT (5 + PAGE_SHIFT)
#define CONT_PMD_SHIFT (5 + 29)
#else
#error "PAGE_SHIFT must be 12, 14 or 16"
#endif
#define CONT_PTES     (1 << (CONT_PTE_SHIFT - PAGE_SHIFT))
#define CONT_PTE_SIZE (CONT_PTES * PAGE_SIZE)
#define CONT_PTE_MASK (~(CONT_PTE_SIZE - 1))

/* The 6.12 ID map is always 48 bits (booting.rst header flag bit 3). */
#define IDMAP_VA_BITS	 48
#define IDMAP_LEVELS	 ((IDMAP_VA_BITS - 4) / (PAGE_SHIFT - 3))
#define IDMAP_ROOT_LEVEL (4 - IDMAP_LEVELS)

/* ---- Descriptor bits ----------------------------------------------------- */
#define PTE_VALID	  BIT(0)
#define PTE_TYPE_MASK	  (3UL << 0)
#define PTE_TYPE_PAGE	  (3UL << 0)
#define PTE_TABLE_BIT	  BIT(1)
#define PTE_USER	  BIT(6)
#define PTE_RDONLY	  BIT(7)
#define PTE_SHARED	  (3UL << 8)
#define PTE_AF		  BIT(10)
#define PTE_NG		  BIT(11)
#define PTE_GP		  BIT(50)
#define PTE_DBM		  BIT(51)
#define PTE_WRITE	  PTE_DBM
#define PTE_CONT	  BIT(52)
#define PTE_PXN		  BIT(53)
#define PTE_UXN		  BIT(54)
#define PTE_SWBITS_MASK	  ((BIT(63) | GENMASK(58, 55)))
#define PTE_ATTRINDX(t)	  ((t) << 2)
#define PTE_ATTRINDX_MASK (7UL << 2)
#define MT_NORMAL	  0
#define MT_NORMAL_TAGGED  1
#define MT_NORMAL_NC	  2
#define MT_DEVICE_nGnRnE  3
#define MT_DEVICE_nGnRE	  4

#define PMD_TYPE_MASK	(3UL << 0)
#define PMD_TYPE_TABLE	(3UL << 0)
#define PMD_TYPE_SECT	(1UL << 0)
#define PMD_TABLE_BIT	BIT(1)
#define PMD_SECT_VALID	BIT(0)
#define PMD_SECT_RDONLY BIT(7)
#define PMD_TABLE_PXN	BIT(59)
#define PMD_TABLE_UXN	BIT(60)
#define PUD_TYPE_TABLE	(3UL << 0)
#define PUD_TYPE_SECT	(1UL << 0)
#define PUD_TYPE_MASK	(3UL << 0)
#define PUD_TABLE_BIT	BIT(1)
#define PUD_TABLE_PXN	BIT(59)
#define PUD_TABLE_UXN	BIT(60)
#define P4D_TYPE_TABLE	(3UL << 0)
#define P4D_TYPE_SECT	(1UL << 0)
#define P4D_TABLE_PXN	BIT(59)
#define P4D_TABLE_UXN	BIT(60)

/* ---- Output-address encoding -------------------------------------------- */
#if defined(SHIM_PA_52) && PAGE_SHIFT == 16
/* FEAT_LPA: OA[51:48] in descriptor bits [15:12]. */
#define PTE_ADDR_LOW		GENMASK_ULL(47, PAGE_SHIFT)
#define PTE_ADDR_HIGH		GENMASK_ULL(15, 12)
#define __phys_to_pte_val(phys) (((u64)(phys)&PTE_ADDR_LOW) | (((u64)(phys) >> 36) & PTE_ADDR_HIGH))
#define __pte_to_phys_val(v)	(((v)&PTE_ADDR_LOW) | (((v)&PTE_ADDR_HIGH) << 36))
#elif defined(SHIM_PA_52)
/* FEAT_LPA2 (TCR.DS=1): OA[49:PAGE_SHIFT] in place, OA[51:50] in [9:8]; the
 * shareability field is then taken from TCR, so prots carry no SH bits. */
#define PTE_ADDR_LOW		GENMASK_ULL(49, PAGE_SHIFT)
#define PTE_ADDR_HIGH		GENMASK_ULL(9, 8)
#define __phys_to_pte_val(phys) (((u64)(phys)&PTE_ADDR_LOW) | (((u64)(phys) >> 42) & PTE_ADDR_HIGH))
#define __pte_to_phys_val(v)	(((v)&PTE_ADDR_LOW) | (((v)&PTE_ADDR_HIGH) << 42))
#define SHIM_LPA2		1
#else
#define PTE_ADDR_LOW		(GENMASK_ULL(47, PAGE_SHIFT))
#define __phys_to_pte_val(phys) ((u64)(phys))
#define __pte_to_phys_val(v)	((v)&PTE_ADDR_LOW)
#endif
#define __pte_to_phys(pte)	__pte_to_phys_val(pte_val(pte))
#define __pmd_to_phys(pmd)	__pte_to_phys_val(pmd_val(pmd))
#define __pud_to_phys(pud)	__pte_to_phys_val(pud_val(pud))
#define __p4d_to_phys(p4d)	__pte_to_phys_val(p4d_val(p4d))
#define __pgd_to_phys(pgd)	__pte_to_phys_val(pgd_val(pgd))
#define __phys_to_pmd_val(phys) __phys_to_pte_val(phys)
#define __phys_to_pud_val(phys) __phys_to_pte_val(phys)
#define __phys_to_p4d_val(phys) __phys_to_pte_val(phys)
#define __phys_to_pgd_val(phys) __phys_to_pte_val(phys)

/* ---- Protections: PROT_DEFAULT without runtime nG ----------------------- */
#ifdef SHIM_LPA2
#define PROT_DEFAULT (PTE_TYPE_PAGE | PTE_AF)
#else
#define PROT_DEFAULT (PTE_TYPE_PAGE | PTE_AF | PTE_SHARED)
#endif
#define PAGE_KERNEL                                                                                \
	__pgprot(PROT_DEFAULT | PTE_PXN | PTE_UXN | PTE_WRITE | PTE_ATTRINDX(MT_NORMAL) | BIT(55))
#define PAGE_KERNEL_ROX __pgprot(PROT_DEFAULT | PTE_UXN | PTE_RDONLY | PTE_ATTRINDX(MT_NORMAL))

#define pte_none(pte) (!pte_val(pte))

/* Linker symbols create_init_idmap() reads; the harness never calls it. */
extern char _stext[], __initdata_begin[], _end[];

#endif
