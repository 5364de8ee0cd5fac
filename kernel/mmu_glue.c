/* Compiled once per configuration: the functions extract.sh took from
 * the user's mmu.c (gen_mmu.c, in the build directory) plus a descriptor of
 * this object. Non-static kernel symbols are renamed on the command line. */
#include "gen_mmu.c"

static phys_addr_t glue_alloc(int shift)
{
	uint64_t pa = kernel_mmu_env.alloc(kernel_mmu_env.ctx, shift);
	if (!pa)
		kernel_bug("pgtable_alloc", "!pa (the harness ran out of RAM for tables)",
			   __LINE__);
	return pa;
}

static void call_create(uint64_t *pgd, uint64_t phys, uint64_t virt, uint64_t size, uint64_t prot,
			bool with_alloc, int flags)
{
	__create_pgd_mapping_locked((pgd_t *)pgd, phys, virt, size, __pgprot(prot),
				    with_alloc ? glue_alloc : NULL, flags);
}

static bool call_safe(uint64_t old_desc, uint64_t new_desc)
{
	return pgattr_change_is_safe(old_desc, new_desc);
}

const struct kernel_mmu KERNEL_OBJ = {
    .config = KERNEL_OBJ_CONFIG,
    .create_pgd_mapping = call_create,
    .change_is_safe = call_safe,
};
