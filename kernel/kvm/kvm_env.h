/* The environment a pgtable.c object runs in, shared by the kernel-side
 * glue (compiled with the tree's headers) and the host-side harness, so it
 * uses only plain C types. One environment per process; the harness fills
 * it in before each call (the objects are not reentrant). */
#ifndef PGDFUZZ_KVM_ENV_H
#define PGDFUZZ_KVM_ENV_H

#define KVM_ENV_MAX_CAPS 256

/* Recorded TLB maintenance kinds. */
enum kvm_env_tlbi_kind {
	KVM_ENV_TLBI_HYP_VA = 0, /* TLBI VAE2IS/VALE2IS: the operand (VA[55:12], TTL) */
	KVM_ENV_TLBI_IPA = 1,	 /* TLBI IPAS2E1(IS): the operand (IPA[51:12], TTL) */
	KVM_ENV_TLBI_VMID = 2,	 /* __kvm_tlb_flush_vmid */
	KVM_ENV_TLBI_RANGE = 3,	 /* __kvm_tlb_flush_vmid_range: addr, pages */
};

struct kvm_env {
	void *ctx;
	void *(*zalloc_page)(void *ctx);
	void *(*zalloc_pages_exact)(void *ctx, unsigned long size);
	void (*free_pages_exact)(void *ctx, void *addr, unsigned long size);
	void (*get_page)(void *ctx, void *addr);
	void (*put_page)(void *ctx, void *addr);
	int (*page_count)(void *ctx, void *addr);
	void *(*phys_to_virt)(void *ctx, unsigned long long pa);
	unsigned long long (*virt_to_phys)(void *ctx, void *addr);
	void (*tlbi)(void *ctx, int kind, unsigned long long addr, unsigned long long arg);
	/* Every 8-byte store pgtable.c makes with WRITE_ONCE,
	 * smp_store_release or a successful cmpxchg, before it lands. */
	void (*write64)(void *ctx, void *addr, unsigned long long value);
	unsigned char caps[KVM_ENV_MAX_CAPS]; /* by the tree's ARM64_* capability number */
	int rcu_depth; /* host builds: rcu_read_lock() nesting, 0 between calls */
};

extern struct kvm_env kvm_env;

#define kvm_env_cap(cap) ((unsigned)(cap) < KVM_ENV_MAX_CAPS && kvm_env.caps[(cap)])
#define kvm_env_tlbi(kind, addr, arg)                                                              \
	(kvm_env.tlbi ? kvm_env.tlbi(kvm_env.ctx, (kind), (addr), (arg)) : (void)0)

#define kvm_env_write64(addr, value)                                                               \
	(kvm_env.write64 ? kvm_env.write64(kvm_env.ctx, (addr), (value)) : (void)0)

#endif
