#!/bin/sh
# Per-configuration fuzzing of the kernel backends: each named kernel
# object (e.g. map_range:4k-48, mmu:16k-52-lpa2, reloc:64k, trans:4k-52-lpa2)
# gets its own libFuzzer run of SECONDS, so
# every granule and VA size is fuzzed for a known time instead of whatever
# share a mixed campaign happens to give it.
#
#   kernel/campaign.sh BUILD_DIR SECONDS OUT_DIR BACKEND:CONFIG...
#   e.g. kernel/campaign.sh build/fuzz 600 /tmp/kc map_range:4k-48 mmu:64k-52
#
# BUILD_DIR is a libFuzzer build with -DPGDFUZZ_KERNEL_SRC. Runs are in fork
# mode with crashes ignored, so one finding does not end a configuration's
# time; crash files stay in OUT_DIR/<backend>-<config>/. Written-up findings
# (kernel/known-findings.txt) are listed once each in the log. Prints one
# markdown table row per run: executions, coverage, new crashes, and the
# distinct known signatures seen.
set -eu
[ $# -ge 4 ] || {
	echo "usage: $0 BUILD_DIR SECONDS OUT_DIR BACKEND:CONFIG..." >&2
	exit 2
}
build=$1 seconds=$2 out=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
known=$here/known-findings.txt
mkdir -p "$out"
echo "| backend | config | seconds | executions | cov | crashes | known signatures seen |"
echo "|---|---|---|---|---|---|---|"
for run in "$@"; do
	backend=${run%%:*} config=${run#*:}
	fuzzer=$build/kernel/fuzz_kernel_$backend
	[ -x "$fuzzer" ] || {
		echo "$0: $fuzzer: not built" >&2
		exit 2
	}
	case $backend in
	reloc) seeds=$build/corpus/reloc ;;
	trans) seeds=$build/corpus/idmap ;;
	kvm) seeds=$here/kvm/seeds ;; # its own inputs; CONFIG is a kvm backend (4k, 64k-pa52-nvhe, ...)
	*) seeds=$build/corpus/builder ;;
	esac
	dir=$out/$backend-$config
	mkdir -p "$dir/corpus"
	start=$(date +%s)
	PGDFUZZ_KERNEL_KNOWN=$known PGDFUZZ_KERNEL_CONFIG=$config \
		PGDFUZZ_KERNEL_SEEN=$dir/known-seen \
		"$fuzzer" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
		-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2560 \
		-artifact_prefix="$dir/" "$dir/corpus" "$seeds" >"$dir/log" 2>&1 || true
	took=$(($(date +%s) - start))
	last=$(grep -E '^#[0-9]+: cov:' "$dir/log" | tail -1)
	execs=$(echo "$last" | sed -n 's/^#\([0-9]*\):.*/\1/p')
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	crashes=$(find "$dir" -maxdepth 1 -name 'crash-*' | wc -l)
	seen=$(sort -u "$dir/known-seen" 2>/dev/null | tr '\n' ' ')
	echo "| $backend | $config | $took | ${execs:-?} | ${cov:-?} | $crashes | ${seen:-none} |"
done
