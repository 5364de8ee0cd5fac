/* Compiled once per configuration: the user's map_range.c (copied into the
 * build directory by kernel/CMakeLists.txt) plus a descriptor of this object.
 * KERNEL_OBJ, KERNEL_OBJ_NAME and the symbol renames come from the command
 * line, so the objects link side by side. */
#include "map_range.c"

#include "kernel.h"

static void call_map_range(uint64_t *next_table_pa, uint64_t start, uint64_t end, uint64_t pa,
			   uint64_t prot, int level, uint64_t *table, bool may_use_cont,
			   uint64_t va_offset)
{
	map_range(next_table_pa, start, end, pa, __pgprot(prot), level, (pte_t *)table,
		  may_use_cont, va_offset);
}

const struct kernel_map_range KERNEL_OBJ = {
    .config = KERNEL_OBJ_CONFIG,
    .map_range = call_map_range,
};
