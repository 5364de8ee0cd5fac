/* The CPU each configuration means: LPA2 configurations run with
 * TCR_EL1.DS = 1; no KPTI (global mappings). */
#include <linux/types.h>
#ifdef CONFIG_ARM64_LPA2
#define read_tcr() TCR_DS
#else
#define read_tcr() 0
#endif
static bool arm64_use_ng_mappings;
