#!/usr/bin/env bash
# Harness throughput, one table per run: per harness, the exec/s of one
# libFuzzer process fuzzing from a copy of the shipped seeds with ASan+UBSan
# (fuzz preset) and without sanitizers (fuzz-fast preset), then the exec/s a
# `pgdfuzz run --jobs N` campaign gets per harness (from its stats.jsonl) and
# the campaign's rate per core it gave the harness, as a fraction of the
# single process's rate.
#
#   bench/throughput.sh [--single SECONDS] [--time DURATION] [--jobs N]
#                       [--baseline DIR] [HARNESS...]
#
# --baseline DIR adds "before" columns: DIR/fuzz/fuzz_<h> and
# DIR/fuzz-fast/fuzz_<h> (binaries of an older revision, copied from its
# build/fuzz/fuzz and build/fuzz-fast/fuzz) run from the same seeds, each
# right before the current binary, so both see about the same machine load.
# Defaults: 30 s per single-process cell, a 5m campaign, --jobs = cores. The
# builds are made (ccache if present) when missing. Nothing is timed as a
# test: the table is the result. Measurements are noisy on a shared machine:
# compare rows of one run.
set -eu
cd "$(dirname "$0")/.."
single=30
campaign=5m
jobs=$(nproc)
harnesses=()
baseline=
while [ $# -gt 0 ]; do
	case $1 in
	--single) single=$2 && shift 2 ;;
	--time) campaign=$2 && shift 2 ;;
	--jobs) jobs=$2 && shift 2 ;;
	--baseline) baseline=$2 && shift 2 ;;
	-h | --help) sed -n '2,19p' "$0" && exit 0 ;;
	-*) echo "throughput.sh: unknown option $1" >&2 && exit 2 ;;
	*) harnesses+=("$1") && shift ;;
	esac
done
[ ${#harnesses[@]} -gt 0 ] || harnesses=(builder idmap reloc walker)

export CMAKE_C_COMPILER_LAUNCHER=${CMAKE_C_COMPILER_LAUNCHER:-$(command -v ccache || true)}
for preset in fuzz fuzz-fast release; do
	if [ ! -f build/$preset/CMakeCache.txt ]; then
		cmake --preset $preset >/dev/null
	fi
	cmake --build build/$preset -j"$(nproc)" >/dev/null
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

single_rate() { # binary harness -> average exec/s from a scratch copy of the seeds
	rm -rf "$work/seeds" && cp -r "build/fuzz/corpus/$2" "$work/seeds"
	"$1" -max_total_time="$single" -print_final_stats=1 -rss_limit_mb=2560 -timeout=10 \
		-artifact_prefix="$work/" "$work/seeds" 2>&1 |
		sed -n 's/^stat::average_exec_per_sec: *//p' | tail -1
}

declare -A asan fast asan_before fast_before
for h in "${harnesses[@]}"; do
	if [ -n "$baseline" ]; then
		asan_before[$h]=$(single_rate "$baseline/fuzz/fuzz_$h" "$h")
	fi
	asan[$h]=$(single_rate build/fuzz/fuzz/fuzz_$h "$h")
	if [ -n "$baseline" ]; then
		fast_before[$h]=$(single_rate "$baseline/fuzz-fast/fuzz_$h" "$h")
	fi
	fast[$h]=$(single_rate build/fuzz-fast/fuzz/fuzz_$h "$h")
done

# The campaign as a user starts it; only its stats.jsonl is read.
build/release/cli/pgdfuzz run --fuzzers build/fuzz/fuzz --time "$campaign" --jobs "$jobs" \
	--out "$work/campaign" "${harnesses[@]}" >"$work/campaign.log" 2>&1 || true
stats=$work/campaign/stats.jsonl
if [ ! -s "$stats" ]; then
	echo "throughput.sh: the campaign wrote no $stats; its output:" >&2
	tail -20 "$work/campaign.log" >&2
	exit 1
fi

# Per target: execs over the wall time of its last sample while running.
campaign_rate() {
	awk -v want="$1" '
	function field(name,   m) {
		if (match($0, "\"" name "\": *[^,}]*")) {
			m = substr($0, RSTART, RLENGTH); sub(/^[^:]*: */, "", m); gsub(/"/, "", m)
			return m
		}
		return ""
	}
	field("target") == want {
		t = field("time") + 0; e = field("execs") + 0
		if (field("running") == "true" || !seen_running) { best_t = t; best_e = e }
		if (field("running") == "true") seen_running = 1
	}
	END { if (best_t > 0) printf "%.0f", best_e / best_t; else print "-" }' "$stats"
}

ratio() { # campaign rate, single rate, cores per harness
	awk -v c="$1" -v s="$2" -v k="$3" 'BEGIN {
		if (c == "-" || s == "" || s + 0 == 0) print "-"; else printf "%.2f", c / (s * k) }'
}

cores=$(awk -v j="$jobs" -v n=${#harnesses[@]} 'BEGIN { printf "%.2f", (j < n ? j : n) / n }')
printf '\n%s, %s cores, %s; single process %s s per cell, campaign `pgdfuzz run --jobs %s --time %s` (%s cores per harness)\n\n' \
	"$(date -u '+%Y-%m-%d %H:%M UTC')" "$(nproc)" "$(git describe --always --dirty)" \
	"$single" "$jobs" "$campaign" "$cores"
if [ -n "$baseline" ]; then
	printf 'Before: the binaries in %s, run right before the current ones.\n\n' "$baseline"
	printf '| harness | ASan+UBSan before | ASan+UBSan now | -O2 before | -O2 now | campaign exec/s | campaign / ASan per core | campaign / -O2 per core |\n'
	printf '|---|---:|---:|---:|---:|---:|---:|---:|\n'
else
	printf '| harness | single ASan+UBSan exec/s | single -O2 exec/s | campaign exec/s | campaign / ASan per core | campaign / -O2 per core |\n'
	printf '|---|---:|---:|---:|---:|---:|\n'
fi
for h in "${harnesses[@]}"; do
	c=$(campaign_rate "$h")
	if [ -n "$baseline" ]; then
		printf '| %s | %s | %s | %s | %s ' "$h" "${asan_before[$h]:--}" "${asan[$h]:--}" \
			"${fast_before[$h]:--}" "${fast[$h]:--}"
	else
		printf '| %s | %s | %s ' "$h" "${asan[$h]:--}" "${fast[$h]:--}"
	fi
	printf '| %s | %s | %s |\n' "$c" "$(ratio "$c" "${asan[$h]}" "$cores")" \
		"$(ratio "$c" "${fast[$h]}" "$cores")"
done
