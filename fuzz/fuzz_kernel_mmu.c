/* fuzz_kernel_mmu: builder cases through __create_pgd_mapping_locked() and
 * its helpers extracted from the user's arch/arm64/mm/mmu.c. */
#include "oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return oracle_fuzz_kernel_one("mmu", data, size);
}
