/* pgdfuzz kernel shim: the running environment the tree's arm64
 * definitions and the code under test expect, and nothing architectural.
 * Each item says what it stands for; kernel/README.md lists them all.
 *
 * The machine: one CPU with every feature the configuration needs
 * (FEAT_LPA2 with TCR_EL1.DS = 1 for the LPA2 configurations, 52-bit VAs
 * where VA_BITS is 52), booted (alternatives applied), no live walker:
 * barriers and TLB maintenance have nothing to order. */
#ifndef PGDFUZZ_SHIM_ENV_H
#define PGDFUZZ_SHIM_ENV_H

#include <linux/types.h>
#include <string.h>

#include "kernel.h"

/* Compiler-level accessors (linux/compiler.h, asm/rwonce.h). */
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)                                                                           \
	do {                                                                                       \
		*(volatile __typeof__(x) *)&(x) = (v);                                             \
	} while (0)

/* Barriers (asm/barrier.h): one CPU, no concurrent walker. */
#define dsb(opt) ((void)0)
#define isb()	 ((void)0)

/* BUG_ON longjmps to kernel_trap.env (kernel.h) so that the harness
 * survives; WARN_ON is counted and the code continues, as on a machine. */
#define BUG_ON(cond)                                                                               \
	do {                                                                                       \
		if (cond)                                                                          \
			kernel_bug(__func__, #cond, __LINE__);                                     \
	} while (0)
#define BUG() kernel_bug(__func__, "BUG()", __LINE__)
#define WARN_ON(cond)                                                                              \
	({                                                                                         \
		bool warn_ = !!(cond);                                                             \
		if (warn_)                                                                         \
			kernel_warn(__func__, #cond, __LINE__);                                    \
		warn_;                                                                             \
	})
#define VM_BUG_ON(cond) ((void)sizeof(cond)) /* CONFIG_DEBUG_VM=n */
/* The kernel's BUILD_BUG() fails the link if a call survives optimization;
 * an unoptimized hosted build keeps dead calls, so it is a runtime BUG. */
#define BUILD_BUG() kernel_bug(__func__, "BUILD_BUG()", __LINE__)
#define pr_err(...) ((void)0)

/* CPU state the tree's definitions read at run time: TCR_EL1 (DS is set
 * exactly when the kernel enabled LPA2, lpa2_is_enabled()), the
 * capabilities alternatives patch in, vabits_actual. */
#ifdef CONFIG_ARM64_LPA2
#define read_tcr() (1UL << 59) /* TCR_EL1.DS */
#else
#define read_tcr() 0UL
#endif
#define system_supports_bti_kernel()	  false
#define alternative_has_cap_likely(cap)	  true
#define alternative_has_cap_unlikely(cap) (cap == ARM64_HAS_VA52)
#define ARM64_ALWAYS_BOOT		  1
#define ARM64_HAS_VA52			  2
#define vabits_actual			  ((u64)VA_BITS)
__attribute__((weak)) bool arm64_use_ng_mappings = false; /* no KPTI */

/* The fixmap (asm/fixmap.h): a table is mapped at its host address in
 * simulated physical memory (kernel_mmu_env), so set_fixmap_offset() is a
 * lookup and clear_fixmap() nothing. */
enum shim_fixed_addresses { FIX_PGD, FIX_P4D, FIX_PUD, FIX_PMD, FIX_PTE };
static inline void *shim_phys_to_host(phys_addr_t pa)
{
	void *host = kernel_mmu_env.phys_to_host(kernel_mmu_env.ctx, pa);
	if (!host)
		kernel_bug("shim_phys_to_host", "table outside RAM", __LINE__);
	return host;
}
#define set_fixmap_offset(idx, phys) ((unsigned long)shim_phys_to_host(phys))
#define clear_fixmap(idx)	     ((void)0)

/* The kernel's own swapper_pg_dir (the linker's; shim/asm/pgtable.h
 * defines it) is never one of the harness's tables, so set_swapper_pgd()
 * is unreachable; clear_page() is the page allocator's. */
#define set_swapper_pgd(pgdp, pgd) kernel_bug(__func__, "set_swapper_pgd", __LINE__)
#define clear_page(p)		   memset((p), 0, PAGE_SIZE)

#endif
