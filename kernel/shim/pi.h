/* pgdfuzz kernel shim: the declarations map_range.c takes from its "pi.h". */
#ifndef PGDFUZZ_SHIM_PI_H
#define PGDFUZZ_SHIM_PI_H
#include <asm/pgtable.h>

#include "kernel.h"

/* map_range() uses __pte_to_phys() only to descend into a table: check the
 * descriptor and the table against the harness's pool first (kernel.h). */
#undef __pte_to_phys
#define __pte_to_phys(pte) kernel_map_range_descend(&pte_val(pte), __pte_to_phys_val(pte_val(pte)))
void map_range(u64 *pgd, u64 start, u64 end, u64 pa, pgprot_t prot, int level, pte_t *tbl,
	       bool may_use_cont, u64 va_offset);
asmlinkage u64 create_init_idmap(pgd_t *pgd, pteval_t clrmask);
#endif
