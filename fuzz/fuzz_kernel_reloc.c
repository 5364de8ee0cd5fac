/* fuzz_kernel_reloc: reloc cases through the user's
 * arch/arm64/kernel/relocate_kernel.S, run in Unicorn with the MMU on
 * beside pgdfuzz's own relocation routine. Guest blocks count as coverage,
 * so paths through the kernel's routine guide the fuzzer. */
#include "guest_coverage.h"
#include "oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pgdfuzz_guest_coverage_init();
	return oracle_fuzz_kernel_one("reloc", data, size);
}
