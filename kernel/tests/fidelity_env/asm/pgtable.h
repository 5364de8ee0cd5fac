/* The tree's definitions with the test's machine model: no fixmap or
 * barriers are needed by what fidelity_view.c evaluates. */
#include <asm/memory.h>
#include <asm/pgtable-prot.h>
#define READ_ONCE(x)	 (x)
#define WRITE_ONCE(x, v) ((x) = (v))
#define dsb(x)
#define isb()
#define BUG_ON(x)			  ((void)(x))
#define BUILD_BUG()			  ((void)0)
#define set_swapper_pgd(p, v)		  ((void)0)
#define set_fixmap_offset(idx, phys)	  ((unsigned long)(phys))
#define clear_fixmap(idx)		  ((void)0)
#define alternative_has_cap_likely(cap)	  true
#define alternative_has_cap_unlikely(cap) true
#define vabits_actual			  VA_BITS
static pgd_t swapper_pg_dir[1];
#include "gen/pgtable.h"
#include "gen/linux-pgtable.h"
#include "gen/pgalloc.h"
