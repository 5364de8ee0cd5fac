#ifndef PGDFUZZ_SHIM_PAGE_H
#define PGDFUZZ_SHIM_PAGE_H
/* Shim for relocate_kernel.S: the granule from the tree's asm/page-def.h
 * under the configuration's generated/autoconf.h. */
#include <linux/kconfig.h>

#include <asm/page-def.h>
#endif
