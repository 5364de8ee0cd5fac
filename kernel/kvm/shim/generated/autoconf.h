/* pgdfuzz kvm shim: the few Kconfig symbols pgtable.c and the headers it
 * reaches read, from -DKVM_PAGE_SHIFT=12|14|16 and -DKVM_PA_52 (64K with
 * 52-bit PA). Everything else is off. */
#define CONFIG_ARM64		1
#define CONFIG_64BIT		1
#define CONFIG_MMU		1
#define CONFIG_NR_CPUS		1
#define CONFIG_PAGE_SHIFT	KVM_PAGE_SHIFT
#define CONFIG_ARM64_PAGE_SHIFT KVM_PAGE_SHIFT
#if KVM_PAGE_SHIFT == 12
#define CONFIG_ARM64_4K_PAGES 1
#define CONFIG_PGTABLE_LEVELS 4
#elif KVM_PAGE_SHIFT == 14
#define CONFIG_ARM64_16K_PAGES 1
#define CONFIG_PGTABLE_LEVELS  4
#else
#define CONFIG_ARM64_64K_PAGES 1
#define CONFIG_PGTABLE_LEVELS  3
#endif
#define CONFIG_ARM64_VA_BITS 48
#ifdef KVM_PA_52
#define CONFIG_ARM64_PA_BITS	52
#define CONFIG_ARM64_PA_BITS_52 1
#else
#define CONFIG_ARM64_PA_BITS	48
#define CONFIG_ARM64_PA_BITS_48 1
#endif
