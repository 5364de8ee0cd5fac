/* fuzz_kernel_map_range: builder cases through the user's
 * arch/arm64/kernel/pi/map_range.c, judged like fuzz_builder. */
#include "oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return oracle_fuzz_kernel_one("map_range", data, size);
}
