/* fuzz_kernel_trans: idmap cases through trans_pgd_idmap_page() extracted
 * from the user's arch/arm64/mm/trans_pgd.c, the one-page identity map kexec
 * relocates from, judged by the reference walker. */
#include "oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return oracle_fuzz_kernel_one("trans", data, size);
}
