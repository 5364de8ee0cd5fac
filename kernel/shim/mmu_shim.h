/* pgdfuzz kernel shim for the functions extracted from arch/arm64/mm/mmu.c
 * (__create_pgd_mapping_locked and everything under it), Linux 6.1 and 6.12.
 * Levels, folding, descriptor encodings and accessors are the tree's
 * (shim/asm/pgtable.h); tables are reached through the fixmap of env.h
 * (simulated physical memory, kernel_mmu_env). */
#ifndef PGDFUZZ_SHIM_MMU_H
#define PGDFUZZ_SHIM_MMU_H

#include <asm/pgtable.h>

/* mmu.c declares these in asm/pgtable.h (defined in mmu.c, extracted). */
int pud_set_huge(pud_t *pudp, phys_addr_t phys, pgprot_t prot);
int pmd_set_huge(pmd_t *pmdp, phys_addr_t phys, pgprot_t prot);

#endif
