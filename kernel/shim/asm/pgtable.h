/* pgdfuzz kernel shim: <asm/pgtable.h>. The tree's own header needs most of
 * the kernel, so its definitions come in by name instead: everything here
 * is the tree's, compiled (asm/pgtable-prot.h, which brings
 * asm/pgtable-hwdef.h, asm/pgtable-types.h and the generic folding headers)
 * or extracted by kernel/extract-defs.sh (into tree/gen/, from the tree's
 * asm/pgtable.h, linux/pgtable.h and asm/kernel-pgtable.h), under the
 * configuration's CONFIG_* values (generated/autoconf.h, from the tree's
 * Kconfig). Only the running environment is the shim's (env.h). */
#ifndef PGDFUZZ_SHIM_ASM_PGTABLE_H
#define PGDFUZZ_SHIM_ASM_PGTABLE_H

#include <asm/memory.h>
#include <asm/pgtable-prot.h>

#include "env.h"

/* The linker's page-table symbols the tree's helpers compare against
 * (in_swapper_pgdir()) and create_init_idmap() reads; the harness never
 * calls the latter. */
__attribute__((weak)) pgd_t swapper_pg_dir[1];
extern char _stext[], __initdata_begin[], _end[];

#include "gen/pgtable.h"
#include "gen/linux-pgtable.h"
#include "gen/kernel-pgtable.h"
#include "gen/pgalloc.h"

#endif
