/* The fidelity test's view of one configuration: the definitions the kernel
 * code under test uses, evaluated once as the backends see them (the shim
 * stack: kernel/shim plus the tree) and once from the tree alone with the
 * test's own minimal machine model (fidelity_env/). Every remaining shim
 * definition that has a tree counterpart, and every tree definition a shim
 * could shadow, appears here. */
#ifndef PGDFUZZ_KERNEL_FIDELITY_H
#define PGDFUZZ_KERNEL_FIDELITY_H
#include <stdint.h>

enum fid_const {
	FID_PAGE_SHIFT,
	FID_PGTABLE_LEVELS,
	FID_PGDIR_SHIFT,
	FID_PUD_SHIFT,
	FID_PMD_SHIFT,
	FID_PTRS_PER_PGD,
	FID_CONT_PTE_SHIFT,
	FID_CONT_PMD_SHIFT,
	FID_CONT_PTE_MASK,
	FID_CONT_PMD_MASK,
	FID_PAGE_KERNEL,
	FID_PAGE_KERNEL_RO,
	FID_PAGE_KERNEL_ROX,
	FID_PAGE_KERNEL_EXEC,
	FID_PROT_DEVICE,
	FID_PMD_TABLE_UXN,
	FID_PMD_TABLE_PXN,
	FID_PUD_TABLE_PXN,
	FID_P4D_TABLE_PXN,
	FID_PTE_CONT,
	FID_PTE_SWBITS,
	FID_TCR_T0SZ_48,
	FID_PMD_SECT_KERNEL,
	FID_PTE_MAYBE_SHARED,
	FID_LPA2_ENABLED,
	FID_PA_BITS,
	FID_BITS_PER_LONG,
	FID_NCONST
};

struct fid_view {
	const char *name;
	void (*values)(uint64_t value[FID_NCONST]); /* run time: prots read CPU state */
	uint64_t (*phys_to_pte)(uint64_t pa);
	uint64_t (*pte_to_phys)(uint64_t desc);
	uint64_t (*pmd_to_phys)(uint64_t desc);
	uint64_t (*pud_to_phys)(uint64_t desc);
	uint64_t (*pfn_pte)(uint64_t pa); /* pfn_pte(pa >> PAGE_SHIFT, PAGE_KERNEL) */
	uint64_t (*phys_to_ttbr)(uint64_t pa);
	uint64_t (*pgd_index)(uint64_t va);
	uint64_t (*pmd_addr_end)(uint64_t addr, uint64_t end);
	uint64_t (*pte_cont_addr_end)(uint64_t addr, uint64_t end);
};

/* The relocation routine's shims (kernel/shim/reloc) and the tree's. */
struct fid_reloc {
	uint64_t ind_destination, ind_indirection, ind_done, ind_source;
	uint64_t hvc_soft_restart, init_sctlr_el1_mmu_off;
};

#endif
