#!/usr/bin/env bash
# Harness exec/s under each engine, side by side in one run:
#   libFuzzer + ASan/UBSan   (build/fuzz, the fuzz preset)
#   libFuzzer, no sanitizer  (build/bench-lf)
#   AFL++ + ASan/UBSan       (build/bench-afl, afl-clang-fast, persistent driver)
# usage: bench/bench_fuzz.sh [SECONDS]   (default 20 per harness and engine)
set -eu
cd "$(dirname "$0")/.."
seconds=${1:-20}
jobs=$(nproc)
cmake --preset fuzz >/dev/null && cmake --build build/fuzz -j"$jobs" >/dev/null
cmake -S . -B build/bench-lf -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo -DPGDFUZZ_ENGINE=libfuzzer -DPGDFUZZ_TESTS=OFF >/dev/null
cmake --build build/bench-lf -j"$jobs" >/dev/null
cmake -S . -B build/bench-afl -DCMAKE_C_COMPILER=afl-clang-fast -DCMAKE_CXX_COMPILER=afl-clang-fast++ \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo -DPGDFUZZ_ENGINE=afl -DPGDFUZZ_SANITIZE=ON \
	-DPGDFUZZ_TESTS=OFF >/dev/null
AFL_QUIET=1 cmake --build build/bench-afl -j"$jobs" >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
libfuzzer_rate() { # binary seeds
	rm -rf "$work/c" && mkdir -p "$work/c" && cp "$2"/* "$work/c/"
	"$1" -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=2560 \
		-artifact_prefix="$work/" "$work/c" 2>&1 |
		sed -n 's/^stat::average_exec_per_sec: *//p'
}
afl_rate() { # binary seeds
	rm -rf "$work/o"
	AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
		AFL_ALLOW_TMP=1 timeout $((seconds + 30)) afl-fuzz -i "$2" -o "$work/o" -V "$seconds" \
		-- "$1" >/dev/null 2>&1 || true
	sed -n 's/^execs_per_sec *: *//p' "$work/o/default/fuzzer_stats" 2>/dev/null || echo "-"
}
printf '%-8s %18s %18s %18s\n' harness "libFuzzer+ASan" "libFuzzer" "AFL+++ASan"
for h in builder idmap reloc walker; do
	seeds=build/fuzz/corpus/$h
	printf '%-8s %18s %18s %18s\n' "$h" \
		"$(libfuzzer_rate build/fuzz/fuzz/fuzz_$h "$seeds")" \
		"$(libfuzzer_rate build/bench-lf/fuzz/fuzz_$h "$seeds")" \
		"$(afl_rate build/bench-afl/fuzz/fuzz_$h "$seeds")"
done
