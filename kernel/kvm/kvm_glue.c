/* Compiled once per configuration with the tree's headers (see
 * CMakeLists.txt): the tree's arch/arm64/kvm/hyp/pgtable.c itself, plus the
 * mm_ops and the entry points of kvm_backend.h. Nothing of pgtable.c is
 * copied; it is included from the tree. */
#include "pgtable.c"

#include "kvm_backend.h"

static struct kvm_pgtable glue_pgt;
static struct kvm_s2_mmu glue_mmu;
static struct kvm_arch glue_arch;
/* pgtable.c refuses to allocate without a memcache; pages come from kvm_env. */
static struct kvm_mmu_memory_cache glue_mc;

static void *glue_zalloc_page(void *arg)
{
	(void)arg; /* the memcache: pages come from kvm_env instead */
	return kvm_env.zalloc_page(kvm_env.ctx);
}

static void *glue_zalloc_pages_exact(size_t size)
{
	return kvm_env.zalloc_pages_exact(kvm_env.ctx, size);
}

static void glue_free_pages_exact(void *addr, size_t size)
{
	kvm_env.free_pages_exact(kvm_env.ctx, addr, size);
}

static void glue_get_page(void *addr)
{
	kvm_env.get_page(kvm_env.ctx, addr);
}

static void glue_put_page(void *addr)
{
	kvm_env.put_page(kvm_env.ctx, addr);
}

static int glue_page_count(void *addr)
{
	return kvm_env.page_count(kvm_env.ctx, addr);
}

static void *glue_phys_to_virt(phys_addr_t phys)
{
	return kvm_env.phys_to_virt(kvm_env.ctx, phys);
}

static phys_addr_t glue_virt_to_phys(void *addr)
{
	return kvm_env.virt_to_phys(kvm_env.ctx, addr);
}

static void glue_cmo(void *addr, size_t size)
{
	(void)addr;
	(void)size;
}

static struct kvm_pgtable_mm_ops glue_mm_ops;

#if KVM_TREE_VERSION >= 606
static void glue_free_unlinked(void *addr, s8 level)
{
	kvm_pgtable_stage2_free_unlinked(&glue_mm_ops, addr, level);
}
#endif

static struct kvm_pgtable_mm_ops glue_mm_ops = {
    .zalloc_page = glue_zalloc_page,
    .zalloc_pages_exact = glue_zalloc_pages_exact,
    .free_pages_exact = glue_free_pages_exact,
#if KVM_TREE_VERSION >= 606
    .free_unlinked_table = glue_free_unlinked,
#endif
    .get_page = glue_get_page,
    .put_page = glue_put_page,
    .page_count = glue_page_count,
    .phys_to_virt = glue_phys_to_virt,
    .virt_to_phys = glue_virt_to_phys,
    .dcache_clean_inval_poc = glue_cmo,
    .icache_inval_pou = glue_cmo,
};

static int call_hyp_init(unsigned va_bits, unsigned long long *root_pa, unsigned *ia_bits,
			 int *start_level)
{
	int ret = kvm_pgtable_hyp_init(&glue_pgt, va_bits, &glue_mm_ops);

	if (!ret) {
		*root_pa = glue_virt_to_phys(glue_pgt.pgd);
		*ia_bits = glue_pgt.ia_bits;
		*start_level = glue_pgt.start_level;
	}
	return ret;
}

static int call_hyp_map(unsigned long long addr, unsigned long long size, unsigned long long phys,
			unsigned long long prot)
{
	return kvm_pgtable_hyp_map(&glue_pgt, addr, size, phys, (enum kvm_pgtable_prot)prot);
}

static unsigned long long call_hyp_unmap(unsigned long long addr, unsigned long long size)
{
	return kvm_pgtable_hyp_unmap(&glue_pgt, addr, size);
}

static void call_hyp_destroy(void)
{
	kvm_pgtable_hyp_destroy(&glue_pgt);
}

static unsigned long long call_get_vtcr(unsigned long long mmfr0, unsigned long long mmfr1,
					unsigned phys_shift)
{
	return kvm_get_vtcr(mmfr0, mmfr1, phys_shift);
}

static unsigned long call_s2_pgd_size(unsigned long long vtcr)
{
#if KVM_TREE_VERSION >= 605
	return kvm_pgtable_stage2_pgd_size(vtcr);
#else
	(void)vtcr;
	return 0; /* not in this tree */
#endif
}

static int call_s2_init(unsigned long long vtcr, unsigned flags, unsigned long long *pgd_pa,
			unsigned *ia_bits, int *start_level)
{
	int ret;

	glue_arch.vtcr = vtcr;
	glue_mmu.vtcr = vtcr;
	glue_mmu.arch = &glue_arch;
	glue_mmu.pgt = &glue_pgt;
	ret = __kvm_pgtable_stage2_init(&glue_pgt, &glue_mmu, &glue_mm_ops,
					(enum kvm_pgtable_stage2_flags)flags, NULL);
	if (!ret) {
		*pgd_pa = glue_virt_to_phys(glue_pgt.pgd);
		*ia_bits = glue_pgt.ia_bits;
		*start_level = glue_pgt.start_level;
	}
	return ret;
}

static int call_s2_map(unsigned long long addr, unsigned long long size, unsigned long long phys,
		       unsigned long long prot)
{
#if KVM_TREE_VERSION >= 603
	return kvm_pgtable_stage2_map(&glue_pgt, addr, size, phys, (enum kvm_pgtable_prot)prot,
				      &glue_mc, 0);
#else
	return kvm_pgtable_stage2_map(&glue_pgt, addr, size, phys, (enum kvm_pgtable_prot)prot,
				      &glue_mc);
#endif
}

static int call_s2_unmap(unsigned long long addr, unsigned long long size)
{
	return kvm_pgtable_stage2_unmap(&glue_pgt, addr, size);
}

static int call_s2_set_owner(unsigned long long addr, unsigned long long size, unsigned char owner)
{
	return kvm_pgtable_stage2_set_owner(&glue_pgt, addr, size, &glue_mc, owner);
}

static int call_s2_wrprotect(unsigned long long addr, unsigned long long size)
{
	return kvm_pgtable_stage2_wrprotect(&glue_pgt, addr, size);
}

static int call_s2_relax_perms(unsigned long long addr, unsigned long long prot)
{
	return kvm_pgtable_stage2_relax_perms(&glue_pgt, addr, (enum kvm_pgtable_prot)prot);
}

static unsigned long long call_s2_mkyoung(unsigned long long addr)
{
	return kvm_pgtable_stage2_mkyoung(&glue_pgt, addr);
}

static int call_s2_test_clear_young(unsigned long long addr, unsigned long long size, int mkold)
{
#ifdef KVM_HAS_TEST_CLEAR_YOUNG
	return kvm_pgtable_stage2_test_clear_young(&glue_pgt, addr, size, mkold);
#else
	/* Before it (Linux 6.5): mkold and is_young, one leaf per call. */
	bool young = false;

	for (u64 a = addr; a < addr + size; a += PAGE_SIZE)
		young |=
		    mkold ? !!(kvm_pgtable_stage2_mkold(&glue_pgt, a) & KVM_PTE_LEAF_ATTR_LO_S2_AF)
			  : kvm_pgtable_stage2_is_young(&glue_pgt, a);
	return young;
#endif
}

#ifdef KVM_HAS_SPLIT
static int call_s2_split(unsigned long long addr, unsigned long long size)
{
	/* Capacity for every table the split may need (it is best effort
	 * below that); pages come from kvm_env. */
	glue_mmu.split_page_cache.nobjs = 1 << 20;
	return kvm_pgtable_stage2_split(&glue_pgt, addr, size, &glue_mmu.split_page_cache);
}
#endif

static void call_s2_destroy(void)
{
	kvm_pgtable_stage2_destroy(&glue_pgt);
}

const struct kvm_backend KVM_OBJ = {
    .name = KVM_OBJ_NAME,
    .page_shift = PAGE_SHIFT,
#ifdef CONFIG_ARM64_PA_BITS_52
    .pa52 = 1,
#endif
#ifdef __KVM_NVHE_HYPERVISOR__
    .nvhe = 1,
#endif
#ifdef ARM64_HAS_LPA2
    .cap_lpa2 = ARM64_HAS_LPA2,
#else
    .cap_lpa2 = -1,
#endif
    .cap_fwb = ARM64_HAS_STAGE2_FWB,
    .cap_tlb_range = ARM64_HAS_TLB_RANGE,
    .cap_ttl = ARM64_HAS_ARMv8_4_TTL,
#ifdef ARM64_KVM_HVHE
    .cap_hvhe = ARM64_KVM_HVHE,
#else
    .cap_hvhe = -1,
#endif
    .mair = MAIR_EL1_SET,
    .mt_normal = MT_NORMAL,
    .mt_normal_nc = MT_NORMAL_NC,
    .mt_device_ngnre = MT_DEVICE_nGnRE,
    .prot_r = KVM_PGTABLE_PROT_R,
    .prot_w = KVM_PGTABLE_PROT_W,
    .prot_x = KVM_PGTABLE_PROT_X,
    .prot_device = KVM_PGTABLE_PROT_DEVICE,
#if KVM_TREE_VERSION >= 610
    .prot_normal_nc = KVM_PGTABLE_PROT_NORMAL_NC,
#endif
    .hyp_init = call_hyp_init,
    .hyp_map = call_hyp_map,
    .hyp_unmap = call_hyp_unmap,
    .hyp_destroy = call_hyp_destroy,
    .get_vtcr = call_get_vtcr,
    .s2_pgd_size = call_s2_pgd_size,
    .s2_init = call_s2_init,
    .s2_map = call_s2_map,
    .s2_unmap = call_s2_unmap,
    .s2_set_owner = call_s2_set_owner,
    .s2_wrprotect = call_s2_wrprotect,
    .s2_relax_perms = call_s2_relax_perms,
    .s2_mkyoung = call_s2_mkyoung,
    .s2_test_clear_young = call_s2_test_clear_young,
#ifdef KVM_HAS_SPLIT
    .s2_split = call_s2_split,
#endif
    .s2_destroy = call_s2_destroy,
};
