/* pgdfuzz kernel shim for trans_pgd_idmap_page(), extracted from
 * arch/arm64/mm/trans_pgd.c (Linux 5.13+; checked on 6.1 and 6.12). Builds
 * on the mmu shim (same geometry and descriptor encoding); pages come from
 * kernel_trans_env, and a page's "kernel virtual address" is its host
 * address, translated back with the harness's host_to_phys(). */
#ifndef PGDFUZZ_SHIM_TRANS_H
#define PGDFUZZ_SHIM_TRANS_H

#include <errno.h>

#include "mmu_shim.h"

struct trans_pgd_info {
	void *(*trans_alloc_page)(void *arg);
	void *trans_alloc_arg;
};

#define pr_err(...) ((void)0)

static inline phys_addr_t shim_virt_to_phys(const void *host)
{
	return kernel_trans_env.host_to_phys(kernel_trans_env.ctx, host);
}
#define virt_to_phys(p)	   shim_virt_to_phys(p)
#define __pa(p)		   shim_virt_to_phys(p)
#define virt_to_pfn(p)	   (shim_virt_to_phys(p) >> PAGE_SHIFT)
#define __pfn_to_phys(pfn) ((phys_addr_t)(pfn) << PAGE_SHIFT)

#define ARM64_HW_PGTABLE_LEVEL_SHIFT(n) LEVEL_SHIFT(n)
#define TCR_T0SZ(x)			((64UL - (x)) << 0)

/* TTBR BADDR: with 52-bit PAs, PA[51:48] go in bits [5:2]. */
#ifdef SHIM_PA_52
#define phys_to_ttbr(pa) (((pa) | ((pa) >> 46)) & GENMASK_ULL(47, 2))
#else
#define phys_to_ttbr(pa) (pa)
#endif

#endif
