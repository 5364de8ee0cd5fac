/* The tree's pgtable.c, every configuration built: hyp stage 1 and stage 2
 * (every IPA size kvm_get_vtcr accepts here, with and without FWB) under
 * random operation sequences, judged by kvm_judge.c. Prints one line per
 * backend and fails on any finding, except those the allowlist given as
 * argv[1] (kernel/known-findings.txt) lists. */
#include "fuzz_env.h"
#include "kvm_judge.h"

#include <stdio.h>

#define SEEDS 4
#define OPS   40

int main(int argc, char **argv)
{
	unsigned failures = 0, runs = 0;
	const char *known = argc > 1 ? argv[1] : NULL;

	for (unsigned i = 0; i < kvm_backend_count; i++) {
		const struct kvm_backend *b = kvm_backends[i];
		unsigned checks = 0, mapped = 0, bad = 0, listed = 0, n = 0;
		static const unsigned ipa[] = {32, 36, 40, 42, 44, 48, 52};

		for (unsigned seed = 0; seed < SEEDS; seed++) {
			struct kvm_run_config cfg = {
			    .kind = KVM_RUN_HYP, .seed = 0x1234 + seed, .ops = OPS, .va_bits = 48};
			struct kvm_run_result res;

			for (unsigned k = 0; k < 1 + sizeof(ipa) / sizeof(ipa[0]); k++) {
				if (k) {
					if (ipa[k - 1] > (b->pa52 ? 52u : 48u))
						continue;
					cfg.kind = KVM_RUN_STAGE2;
					cfg.ipa_bits = ipa[k - 1];
					cfg.fwb = seed & 1;
				}
				if (kvm_run(b, &cfg, &res)) {
					fprintf(stderr, "%s: the harness could not run\n", b->name);
					return 2;
				}
				n++;
				checks += res.checks;
				mapped += res.mapped;
				if (res.failures && known &&
				    kernel_known_finding(known, res.signature)) {
					if (!listed++)
						printf("%s seed %u: known %s\n", b->name, seed,
						       res.signature);
				} else if (res.failures) {
					if (!bad++)
						fprintf(stderr, "%s seed %u: %s\n  %s\n", b->name,
							seed, res.signature, res.first_failure);
				}
			}
		}
		printf("kvm %s: %u runs, %u maps, %u checks, %u runs with findings, %u with known "
		       "ones\n",
		       b->name, n, mapped, checks, bad, listed);
		runs += n;
		failures += bad;
		if (!mapped || !checks) {
			fprintf(stderr, "%s: nothing ran\n", b->name);
			return 1;
		}
	}
	if (!runs) {
		fprintf(stderr, "no kvm backend built\n");
		return 1;
	}
	return failures ? 1 : 0;
}
