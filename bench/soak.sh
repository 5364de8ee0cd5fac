#!/usr/bin/env bash
# Soak benchmark: each fuzz target runs in ONE libFuzzer process (ASan+UBSan,
# LeakSanitizer on) for a long time, as OSS-Fuzz runs it, while RSS and
# exec/s are logged every minute. Prints one row per target: executions,
# peak RSS, the RSS slope over the last half of the run, the slowest input,
# timeouts, leaks and crashes, and whether the row meets the goals
# (RSS < 1 GB, slope within noise, no leak, no input over 1 s).
#
#   bench/soak.sh [--minutes N] [--parallel P] [--build DIR] [--out DIR] [TARGET...]
#   bench/soak.sh --report [--minutes N] [--out DIR] [TARGET...]
#
# TARGET is a harness (builder idmap reloc walker parse) or a kernel backend
# (kernel_map_range kernel_mmu kernel_trans kernel_reloc kernel_kvm, when DIR was
# configured with -DPGDFUZZ_KERNEL_SRC); default: every one DIR has.
# Defaults: 60 minutes, 2 at a time, DIR build/fuzz, out build/soak.
# Per target OUT/<target>/ holds rss.csv (minute, rss_mb, execs), the
# libFuzzer log and any artifact. --report prints the table of a run
# already in DIR (default: every target with an rss.csv there; N is what
# the rows are held to). Not a test: it takes hours.
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=60 parallel=2 build=build/fuzz out=build/soak report=0
targets=()
while [ $# -gt 0 ]; do
	case "$1" in
	--minutes) minutes=$2 && shift 2 ;;
	--parallel) parallel=$2 && shift 2 ;;
	--build) build=$2 && shift 2 ;;
	--out) out=$2 && shift 2 ;;
	--report) report=1 && shift ;;
	-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' && exit 0 ;;
	-*) echo "soak.sh: unknown option '$1'" >&2 && exit 2 ;;
	*) targets+=("$1") && shift ;;
	esac
done
case "$minutes$parallel" in *[!0-9]*)
	echo "soak.sh: --minutes and --parallel take whole numbers" >&2
	exit 2
	;;
esac
[ "$minutes" -gt 0 ] && [ "$parallel" -gt 0 ] || {
	echo "soak.sh: --minutes and --parallel must be positive" >&2
	exit 2
}

binary_of() { # target -> fuzzer path
	case "$1" in
	kernel_*) echo "$build/kernel/fuzz_$1" ;;
	*) echo "$build/fuzz/fuzz_$1" ;;
	esac
}
seeds_of() { # target -> seed directory (the one the kernel tests use)
	case "$1" in
	parse) echo "$build/corpus/parse" ;;
	kernel_reloc) echo "$build/corpus/reloc" ;;
	kernel_kvm) echo "kernel/kvm/seeds" ;;
	kernel_trans) echo "$build/corpus/idmap" ;;
	kernel_*) echo "$build/corpus/builder" ;;
	*) echo "$build/corpus/$1" ;;
	esac
}
if [ "$report" = 1 ] && [ ${#targets[@]} -eq 0 ]; then
	for f in "$out"/*/rss.csv; do
		[ -f "$f" ] && targets+=("$(basename "$(dirname "$f")")")
	done
fi
if [ ${#targets[@]} -eq 0 ]; then
	for t in builder idmap reloc walker parse kernel_map_range kernel_mmu kernel_trans kernel_reloc kernel_kvm; do
		[ -x "$(binary_of "$t")" ] && targets+=("$t")
	done
fi
[ ${#targets[@]} -gt 0 ] || {
	echo "soak.sh: no fuzz targets in $build (build the fuzz preset first)" >&2
	exit 2
}
for t in "${targets[@]}"; do
	if [ "$report" = 1 ]; then
		[ -f "$out/$t/rss.csv" ] || { echo "soak.sh: $out/$t/rss.csv: no such file" >&2 && exit 2; }
		continue
	fi
	[ -x "$(binary_of "$t")" ] || {
		echo "soak.sh: $(binary_of "$t"): no such fuzzer" >&2
		exit 2
	}
	[ -d "$(seeds_of "$t")" ] || {
		echo "soak.sh: $(seeds_of "$t"): no seeds" >&2
		exit 2
	}
done
[ "$report" = 1 ] || mkdir -p "$out"

# One target: the fuzzer in the background, a sample per minute.
soak_one() {
	local t=$1 dir=$out/$1 bin seeds pid minute=0 rss execs
	bin=$(binary_of "$t")
	seeds=$(seeds_of "$t")
	rm -rf "$dir"
	mkdir -p "$dir/corpus" "$dir/artifacts"
	cp "$seeds"/* "$dir/corpus/"
	echo "minute,rss_mb,execs" >"$dir/rss.csv"
	# OSS-Fuzz's 25 s timeout ends the process; inputs over the goal's 1 s
	# are reported (slow-unit-* artifacts) without ending it. Known kernel
	# findings (kernel/known-findings.txt) do not abort. The allocator
	# options are the ones OSS-Fuzz's base-runner image sets: ASan's
	# default 256 MB quarantine is otherwise most of the RSS measured.
	ASAN_OPTIONS=${SOAK_ASAN_OPTIONS-detect_leaks=1:quarantine_size_mb=10:allocator_release_to_os_interval_ms=500} \
		PGDFUZZ_KERNEL_KNOWN=$PWD/kernel/known-findings.txt \
		"$bin" -max_total_time=$((minutes * 60)) -print_final_stats=1 -rss_limit_mb=2560 \
		-timeout=25 -report_slow_units=1 -artifact_prefix="$dir/artifacts/" "$dir/corpus" \
		>"$dir/log" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 60 &
		wait $! || true
		minute=$((minute + 1))
		rss=$(awk '/^VmRSS/ {print int($2 / 1024)}' "/proc/$pid/status" 2>/dev/null || true)
		[ -n "$rss" ] || break
		execs=$(grep -aoE '^#[0-9]+' "$dir/log" | tail -1 | tr -d '#' || true)
		echo "$minute,$rss,${execs:-0}" >>"$dir/rss.csv"
	done
	wait "$pid" && echo 0 >"$dir/status" || echo $? >"$dir/status"
}

running=0
[ "$report" = 1 ] && targets_to_run=() || targets_to_run=("${targets[@]}")
for t in "${targets_to_run[@]}"; do
	echo "soak.sh: $t for $minutes min (log $out/$t/log)" >&2
	soak_one "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$parallel" ]; then
		wait -n || true
		running=$((running - 1))
	fi
done
wait || true

# The table. Slope: least squares over the samples of the run's second half,
# in MB per hour; "flat" means under 5 % of the peak per hour.
printf '| target | minutes | executions | peak RSS MB | RSS slope, 2nd half (MB/h) | slowest input (s) | inputs over 1 s | leaks | crashes | goal |\n'
printf '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n'
for t in "${targets[@]}"; do
	dir=$out/$t
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
	[ -n "$execs" ] || execs=$(tail -1 "$dir/rss.csv" | cut -d, -f3)
	slowest=$(sed -n 's/^stat::slowest_unit_time_sec: *//p' "$dir/log" | tail -1)
	timeouts=$(find "$dir/artifacts" \( -name 'timeout-*' -o -name 'slow-unit-*' \) | wc -l)
	leaks=$(find "$dir/artifacts" -name 'leak-*' | wc -l)
	crashes=$(find "$dir/artifacts" \( -name 'crash-*' -o -name 'oom-*' \) | wc -l)
	read -r ran peak slope < <(awk -F, 'NR > 1 { m[NR] = $1; r[NR] = $2; n = NR; if ($2 > peak) peak = $2 }
		END {
			h = int((n - 1) / 2) + 2; k = 0; sx = sy = sxy = sxx = 0
			for (i = h; i <= n; i++) { x = m[i] / 60; k++; sx += x; sy += r[i]; sxy += x * r[i]; sxx += x * x }
			s = (k > 1 && k * sxx - sx * sx > 0) ? (k * sxy - sx * sy) / (k * sxx - sx * sx) : 0
			printf "%d %d %.0f\n", m[n], peak, s
		}' "$dir/rss.csv")
	# Every goal the row misses, not only the last one.
	missed=()
	[ "$peak" -lt 1024 ] || missed+=("peak RSS")
	awk -v s="$slope" -v p="$peak" 'BEGIN { exit !(s > 0.05 * p) }' && missed+=("RSS grows")
	[ "$leaks" -eq 0 ] || missed+=("leak")
	[ "$timeouts" -eq 0 ] && awk -v s="${slowest:-0}" 'BEGIN { exit !(s < 1) }' ||
		missed+=("input over 1 s")
	[ "$crashes" -eq 0 ] || missed+=("crash")
	[ "$ran" -ge $((minutes - 1)) ] ||
		missed+=("stopped at minute $ran (exit $(cat "$dir/status" 2>/dev/null || echo '?'))")
	goal=yes
	[ ${#missed[@]} -eq 0 ] || goal="no: $(IFS=,; echo "${missed[*]}" | sed 's/,/, /g')"
	printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$t" "$ran" "${execs:-0}" "$peak" \
		"$slope" "${slowest:--}" "$timeouts" "$leaks" "$crashes" "$goal"
done
