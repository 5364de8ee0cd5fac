/* pgdfuzz kvm shim: what <asm/kvm_pgtable.h> and pgtable.c take from
 * <linux/kvm_host.h>. The architectural definitions come from the tree
 * (kvm_arm.h for VTCR_EL2, pgtable-hwdef.h for the geometry, pgtable-prot.h
 * and memory.h for the memory types, sysreg.h and its generated
 * sysreg-defs.h for the ID registers, the TLBI macros extracted from
 * tlbflush.h into kvm_tlbi.h). Only the environment is stubbed: CPU
 * capabilities, TLB and cache maintenance, barriers and atomics (one CPU,
 * no live walker), and the two KVM structures pgtable.c dereferences,
 * reduced to the fields it reads. */
#ifndef PGDFUZZ_KVM_SHIM_KVM_HOST_H
#define PGDFUZZ_KVM_SHIM_KVM_HOST_H

#include <linux/errno.h>
#include <linux/bitfield.h>
#include <linux/limits.h>
#include <asm/kvm_arm.h>
#include <asm/pgtable-hwdef.h>
#include <asm/pgtable-prot.h>

#include "kvm_tlbi.h" /* generated from the tree's asm/tlbflush.h */
#include "kvm_env.h"

typedef u64 kvm_pfn_t;

struct kvm_pgtable;
struct kvm_mmu_memory_cache {
	int nobjs;
};
struct kvm_arch {
	u64 vtcr; /* Linux 6.1 reads VTCR_EL2 here */
};
struct kvm_s2_mmu {
	struct kvm_arch *arch;
	u64 vtcr;
	struct kvm_pgtable *pgt;
	struct kvm_mmu_memory_cache split_page_cache;
};

/* CPU capabilities and features: the harness's choice per run. */
#undef cpus_have_final_cap
#define cpus_have_final_cap(cap) kvm_env_cap(cap)
#undef cpus_have_const_cap
#define cpus_have_const_cap(cap) kvm_env_cap(cap) /* Linux 6.1 */
#ifdef ARM64_HAS_LPA2
#define system_supports_lpa2() kvm_env_cap(ARM64_HAS_LPA2)
#endif
#define system_supports_tlb_range()  kvm_env_cap(ARM64_HAS_TLB_RANGE)
#define system_supports_bti_kernel() false
#define get_vmid_bits(mmfr1)	     16

/* Maintenance is recorded, not performed (no TLB, caches are coherent). */
/* TLBI instructions: the operand the tree's __tlbi_level built (address
 * and TTL hint, kvm_tlbi.h) goes to the harness. An operation not listed
 * here fails to compile, naming itself. */
#undef __tlbi
#define __tlbi(op, arg)			  kvm_env_tlbi(SHIM_TLBI_KIND_##op, (arg), 0)
#define SHIM_TLBI_KIND_vae2is		  KVM_ENV_TLBI_HYP_VA
#define SHIM_TLBI_KIND_vale2is		  KVM_ENV_TLBI_HYP_VA
#define SHIM_TLBI_KIND_ipas2e1is	  KVM_ENV_TLBI_IPA
#define SHIM_TLBI_KIND_ipas2e1		  KVM_ENV_TLBI_IPA
#define alternative_has_cap_unlikely(cap) kvm_env_cap(cap)
#define kvm_call_hyp(f, ...)		  f(__VA_ARGS__)
/* The hyp calls as the tree's hyp/nvhe/tlb.c makes them: the IPA shifted
 * into the operand, the caller's level through __tlbi_level. */
#define __kvm_tlb_flush_vmid_ipa(mmu, ipa, level)     __tlbi_level(ipas2e1is, (ipa) >> 12, level)
#define __kvm_tlb_flush_vmid_ipa_nsh(mmu, ipa, level) __tlbi_level(ipas2e1, (ipa) >> 12, level)
#define __kvm_tlb_flush_vmid(mmu)		      kvm_env_tlbi(KVM_ENV_TLBI_VMID, 0, 0)
#define __kvm_tlb_flush_vmid_range(mmu, addr, pages)                                               \
	kvm_env_tlbi(KVM_ENV_TLBI_RANGE, (addr), (pages))
#define __tlbi_sync_s1ish_hyp() ((void)0)
#undef dsb
#define dsb(opt) ((void)0)
#undef isb
#define isb() ((void)0)
/* Descriptor stores are reported to the harness before they land, so it
 * can judge each one (break-before-make); other sizes are not descriptors. */
static inline void shim_report_store(void *addr, const void *value, unsigned long size)
{
	unsigned long long v = 0;

	if (size != 8)
		return;
	__builtin_memcpy(&v, value, 8);
	kvm_env_write64(addr, v);
}
#undef cmpxchg
#define cmpxchg(ptr, old, new)                                                                     \
	({                                                                                         \
		__typeof__(*(ptr)) cmpxchg_old_ = (old), cmpxchg_new_ = (new);                     \
		if (*(ptr) == cmpxchg_old_)                                                        \
			shim_report_store((ptr), &cmpxchg_new_, sizeof(cmpxchg_new_));             \
		__atomic_compare_exchange_n((ptr), &cmpxchg_old_, cmpxchg_new_, false,             \
					    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);                   \
		cmpxchg_old_;                                                                      \
	})
#undef smp_store_release
#define smp_store_release(p, v)                                                                    \
	do {                                                                                       \
		__typeof__(*(p)) ssr_v_ = (v);                                                     \
		shim_report_store((p), &ssr_v_, sizeof(ssr_v_));                                   \
		__atomic_store_n((p), ssr_v_, __ATOMIC_RELEASE);                                   \
	} while (0)
#undef WRITE_ONCE
#define WRITE_ONCE(x, val)                                                                         \
	do {                                                                                       \
		__typeof__(x) wo_v_ = (val);                                                       \
		shim_report_store(&(x), &wo_v_, sizeof(wo_v_));                                    \
		*(volatile __typeof__(x) *)&(x) = wo_v_;                                           \
	} while (0)

/* Host builds (not __KVM_NVHE_HYPERVISOR__) walk under RCU: one CPU and
 * no concurrent walker, so only the nesting is kept, for the judge. */
#ifndef __KVM_NVHE_HYPERVISOR__
#define rcu_read_lock()		    ((void)kvm_env.rcu_depth++)
#define rcu_read_unlock()	    ((void)kvm_env.rcu_depth--)
#define rcu_read_lock_held()	    (kvm_env.rcu_depth > 0)
#define rcu_dereference_check(p, c) (p)
#endif

#ifndef PAGE_ALIGN
#define PAGE_ALIGN(addr) ALIGN(addr, PAGE_SIZE)
#endif

#endif
