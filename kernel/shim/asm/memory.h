/* pgdfuzz kernel shim: <asm/memory.h>. The tree's memory.h needs the
 * kernel's whole memory layout; the page size and VA_BITS the code under
 * test uses come from the tree (asm/page-def.h compiled, VA_BITS extracted
 * from asm/memory.h), with the configuration's CONFIG_* values from
 * generated/autoconf.h (evaluated from the tree's Kconfig). */
#ifndef PGDFUZZ_SHIM_ASM_MEMORY_H
#define PGDFUZZ_SHIM_ASM_MEMORY_H
#include <linux/kconfig.h>
#include <linux/sizes.h>
#include <linux/types.h>

#include <asm/page-def.h>

#include "gen/memory.h"
#include "gen/align.h"
#include "gen/mm.h"
#include "gen/pfn.h"
#include "gen/memory_model.h"
#endif
