/* pgdfuzz kernel shim: the declarations map_range.c takes from its "pi.h". */
#ifndef PGDFUZZ_SHIM_PI_H
#define PGDFUZZ_SHIM_PI_H
#include <asm/pgtable.h>

#include "kernel.h"

/* map_range() uses __pte_to_phys() only to descend into a table: check the
 * descriptor and the table against the harness's pool first (kernel.h).
 * The address itself is the tree's __pte_to_phys() (a function or a macro
 * depending on the configuration), reached through this wrapper. */
static inline u64 shim_tree_pte_to_phys(pte_t pte)
{
	return __pte_to_phys(pte);
}
#undef __pte_to_phys
#define __pte_to_phys(pte) kernel_map_range_descend(&pte_val(pte), shim_tree_pte_to_phys(pte))
void map_range(u64 *pgd, u64 start, u64 end, u64 pa, pgprot_t prot, int level, pte_t *tbl,
	       bool may_use_cont, u64 va_offset);
asmlinkage u64 create_init_idmap(pgd_t *pgd, pteval_t clrmask);
#endif
