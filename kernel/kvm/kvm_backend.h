/* One build of the tree's arch/arm64/kvm/hyp/pgtable.c for one granule (and
 * 52-bit PA for 64K), behind plain C types. Every entry point runs the
 * tree's function on one static kvm_pgtable per object with mm_ops that call
 * kvm_env. Returns are the tree's (0 or -errno). */
#ifndef PGDFUZZ_KVM_BACKEND_H
#define PGDFUZZ_KVM_BACKEND_H

#include "kvm_env.h"

struct kvm_backend {
	const char *name; /* "4k", "16k", "64k", "64k-pa52" */
	unsigned page_shift;
	int pa52;
	/* Built as the host kernel builds it (RCU, shared walks allowed), or
	 * as nVHE hyp code (pKVM; shared walks refused with -EPERM). */
	int nvhe;
	/* The tree's capability numbers the harness may set in kvm_env.caps. */
	int cap_lpa2, cap_fwb, cap_tlb_range, cap_hvhe, cap_ttl;
	/* MAIR_EL1 as the tree's proc.S builds it (hyp shares it); its MT_*
	 * indices for normal, normal-NC and device-nGnRE memory. */
	unsigned long long mair;
	int mt_normal, mt_normal_nc, mt_device_ngnre;
	/* The tree's KVM_PGTABLE_PROT_* bits. */
	unsigned long long prot_r, prot_w, prot_x, prot_device, prot_normal_nc;

	int (*hyp_init)(unsigned va_bits, unsigned long long *root_pa, unsigned *ia_bits,
			int *start_level);
	int (*hyp_map)(unsigned long long addr, unsigned long long size, unsigned long long phys,
		       unsigned long long prot);
	unsigned long long (*hyp_unmap)(unsigned long long addr, unsigned long long size);
	void (*hyp_destroy)(void);

	unsigned long long (*get_vtcr)(unsigned long long mmfr0, unsigned long long mmfr1,
				       unsigned phys_shift);
	unsigned long (*s2_pgd_size)(unsigned long long vtcr);
	int (*s2_init)(unsigned long long vtcr, unsigned flags, unsigned long long *pgd_pa,
		       unsigned *ia_bits, int *start_level);
	int (*s2_map)(unsigned long long addr, unsigned long long size, unsigned long long phys,
		      unsigned long long prot);
	int (*s2_unmap)(unsigned long long addr, unsigned long long size);
	int (*s2_set_owner)(unsigned long long addr, unsigned long long size, unsigned char owner);
	int (*s2_wrprotect)(unsigned long long addr, unsigned long long size);
	int (*s2_relax_perms)(unsigned long long addr, unsigned long long prot);
	/* The access flag of the leaf at addr; of every leaf in a range (true
	 * if any was set, cleared with mkold). */
	unsigned long long (*s2_mkyoung)(unsigned long long addr);
	int (*s2_test_clear_young)(unsigned long long addr, unsigned long long size, int mkold);
	/* Blocks in the range to page mappings; NULL before the tree had it. */
	int (*s2_split)(unsigned long long addr, unsigned long long size);
	void (*s2_destroy)(void);
};

extern const struct kvm_backend *const kvm_backends[];
extern const unsigned kvm_backend_count;

#endif
