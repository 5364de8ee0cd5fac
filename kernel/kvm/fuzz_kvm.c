/* fuzz_kernel_kvm: the tree's pgtable.c under operation sequences the input
 * chooses. Byte 0 picks the backend, byte 1 the run (hyp stage 1, or stage
 * 2 with one of the IPA sizes, FWB on or off); the rest feeds every random
 * choice of kvm_run (kvm_judge.h), which continues from a fixed generator
 * when the bytes run out, so every input is a valid run.
 *
 * The environment is the other kernel targets' (kernel/fuzz_env.h): a
 * finding prints "pgdfuzz: FINDING <signature>" and aborts unless it is
 * known or not the kept signature; PGDFUZZ_NO_ABORT=1 prints
 * "pgdfuzz: VERDICT <signature|clean>" and the operations instead;
 * PGDFUZZ_KERNEL_CONFIG=<backend> (4k, 16k-nvhe, 64k-pa52...) skips the
 * inputs of the other backends. */
#include "fuzz_env.h"
#include "kvm_judge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned ipa[] = {32, 36, 40, 42, 44, 48, 52};
	struct kvm_run_config cfg = {
	    .kind = KVM_RUN_HYP, .seed = 0x6b766d, .ops = 40, .va_bits = 48};
	static struct kvm_run_result result;
	const struct kernel_fuzz_env *env = kernel_fuzz_env();

	if (!kvm_backend_count)
		return 0;
	const struct kvm_backend *b = kvm_backends[(size > 0 ? data[0] : 0) % kvm_backend_count];
	if (env->only_config && strcmp(env->only_config, b->name))
		return 0;
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
	cfg.log = env->report_only;
	if (kvm_run(b, &cfg, &result)) {
		fprintf(stderr, "fuzz_kernel_kvm: out of memory\n");
		abort();
	}
	if (env->report_only) {
		char name[48];
		kvm_run_config_name(b, &cfg, name, sizeof(name));
		printf("pgdfuzz: VERDICT %s\n", result.failures ? result.signature : "clean");
		printf("--- run ---\nkvm %s (pgtable.c built for %s): %u checks, %u maps\n", name,
		       b->name, result.checks, result.mapped);
		printf("--- operations ---\n%s", result.log);
		if (result.failures)
			printf("--- first failure ---\n%s\n", result.first_failure);
		fflush(stdout);
		return 0;
	}
	if (!result.failures || !kernel_fuzz_must_abort(result.signature))
		return 0;
	fprintf(stderr,
		"pgdfuzz: FINDING %s\n--- first failure ---\n%s\n--- %u failed checks ---\n",
		result.signature, result.first_failure, result.failures);
	fflush(stderr);
	abort();
}
