#!/usr/bin/env bash
# Fixed-work speed of two builds of the fuzz harnesses: each binary runs
# every input of CORPUS/<harness> once (libFuzzer -runs=0), alternating A and
# B, ROUNDS times; prints the median CPU seconds (user + sys) of each and
# the ratio. Unlike bench/verdicts.sh this measures the real fuzz binaries,
# coverage instrumentation included, which is what a campaign runs.
#   bench/replay.sh A_DIR B_DIR CORPUS [ROUNDS] [HARNESS...]
# A_DIR and B_DIR hold fuzz_<harness> (e.g. build/fuzz/fuzz); CORPUS holds
# one directory per harness (a corpus a campaign grew is the honest input:
# bigger cases than the seeds).
set -euo pipefail
[ $# -ge 3 ] || { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
a=$1 b=$2 corpus=$3 rounds=${4:-3}
shift $(($# < 4 ? $# : 4))
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(builder idmap reloc walker)
cpu() { # binary dir -> CPU seconds of one pass
	local TIMEFORMAT=%U+%S t
	t=$({ time "$1" -runs=0 "$2" >/dev/null 2>&1; } 2>&1)
	awk -v t="$t" 'BEGIN { split(t, p, "+"); printf "%.3f\n", p[1] + p[2] }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
printf '| harness | inputs | A CPU s | B CPU s | A / B |\n|---|---:|---:|---:|---:|\n'
for h in "${harnesses[@]}"; do
	[ -d "$corpus/$h" ] && [ -x "$a/fuzz_$h" ] && [ -x "$b/fuzz_$h" ] || continue
	: >/tmp/replay.a.$$ && : >/tmp/replay.b.$$
	for _ in $(seq "$rounds"); do
		cpu "$a/fuzz_$h" "$corpus/$h" >>/tmp/replay.a.$$
		cpu "$b/fuzz_$h" "$corpus/$h" >>/tmp/replay.b.$$
	done
	ta=$(median </tmp/replay.a.$$) tb=$(median </tmp/replay.b.$$)
	awk -v h="$h" -v n="$(ls "$corpus/$h" | wc -l)" -v a="$ta" -v b="$tb" \
		'BEGIN { printf "| %s | %d | %.2f | %.2f | %.2f |\n", h, n, a, b, (b > 0 ? a / b : 0) }'
done
rm -f /tmp/replay.a.$$ /tmp/replay.b.$$
