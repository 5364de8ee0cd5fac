/* fuzz_kernel_kvm: the tree's pgtable.c under operation sequences the input
 * chooses. Byte 0 picks the backend, byte 1 the run (hyp stage 1, or stage
 * 2 with one of the IPA sizes, FWB on or off); the rest feeds every random
 * choice of kvm_run (kvm_judge.h), which continues from a fixed generator
 * when the bytes run out, so every input is a valid run. A judge finding
 * prints "pgdfuzz: FINDING kvm:..." and aborts. */
#include "kvm_judge.h"

#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned ipa[] = {32, 36, 40, 42, 44, 48, 52};
	struct kvm_run_config cfg = {KVM_RUN_HYP, 0x6b766d, 40, 0, 48, false, NULL, 0};
	struct kvm_run_result result;

	if (!kvm_backend_count)
		return 0;
	const struct kvm_backend *b = kvm_backends[(size > 0 ? data[0] : 0) % kvm_backend_count];
	unsigned run = size > 1 ? data[1] : 0;
	if (run % 8) {
		cfg.kind = KVM_RUN_STAGE2;
		cfg.ipa_bits = ipa[(run % 8 - 1) % 7];
		if (cfg.ipa_bits > (b->pa52 ? 52u : 48u))
			cfg.ipa_bits = 48;
		cfg.fwb = run & 8;
	}
	if (size > 2) {
		cfg.data = data + 2;
		cfg.size = size - 2;
	}
	if (kvm_run(b, &cfg, &result)) {
		fprintf(stderr, "fuzz_kernel_kvm: out of memory\n");
		abort();
	}
	if (result.failures) {
		fprintf(stderr, "pgdfuzz: FINDING kvm:%s:%s: %s\n", b->name,
			cfg.kind == KVM_RUN_HYP ? "hyp" : "stage2", result.first_failure);
		abort();
	}
	return 0;
}
