/* pgdfuzz kernel shim for trans_pgd_idmap_page(), extracted from
 * arch/arm64/mm/trans_pgd.c (Linux 5.13+; checked on 6.1 and 6.12). The
 * descriptor encoding, levels, PAGE_KERNEL_ROX, TCR_T0SZ, phys_to_ttbr and
 * struct trans_pgd_info are the tree's; pages come from kernel_trans_env,
 * and a page's "kernel virtual address" is its host address, translated
 * back with the harness's host_to_phys() (the kernel's linear map). */
#ifndef PGDFUZZ_SHIM_TRANS_H
#define PGDFUZZ_SHIM_TRANS_H

#include <errno.h>

#include "mmu_shim.h"

#include "gen/trans_pgd.h"

static inline phys_addr_t shim_virt_to_phys(const void *host)
{
	return kernel_trans_env.host_to_phys(kernel_trans_env.ctx, host);
}
#define virt_to_phys(p) shim_virt_to_phys(p)
#define __pa(p)		shim_virt_to_phys(p)
#define virt_to_pfn(p)	(shim_virt_to_phys(p) >> PAGE_SHIFT)

#endif
