#!/bin/sh
# minimize.sh FUZZER INPUT SIGNATURE SECONDS OUT: shrink INPUT, a reproducer
# of the kernel finding SIGNATURE, with libFuzzer's -minimize_crash while
# every other written-up finding stays allowed (kernel/known-findings.txt
# without the patterns that match SIGNATURE), so the result still shows
# SIGNATURE rather than drifting to another finding. OUT gets the binary
# case; its text form is printed.
set -eu
[ $# -eq 5 ] || {
	echo "usage: $0 FUZZER INPUT SIGNATURE SECONDS OUT" >&2
	exit 2
}
fuzzer=$1 input=$2 signature=$3 seconds=$4 out=$5
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Keep the patterns that do not match SIGNATURE (case patterns in sh).
while read -r pattern rest; do
	case $pattern in '' | '#'*) continue ;; esac
	# shellcheck disable=SC2254
	case $signature in $pattern) continue ;; esac
	echo "$pattern"
done <"$here/known-findings.txt" >"$work/others.txt"
PGDFUZZ_KERNEL_KNOWN=$work/others.txt "$fuzzer" -minimize_crash=1 \
	-max_total_time="$seconds" -exact_artifact_path="$work/min" "$input" \
	>"$work/log" 2>&1 || true
[ -f "$work/min" ] || cp "$input" "$work/min"
got=$(PGDFUZZ_NO_ABORT=1 "$fuzzer" "$work/min" 2>/dev/null | sed -n 's/^pgdfuzz: VERDICT //p' | head -1)
if [ "$got" != "$signature" ]; then
	echo "$0: the minimized case gives $got, not $signature; keeping INPUT" >&2
	cp "$input" "$work/min"
fi
cp "$work/min" "$out"
# libFuzzer may run a file more than once: print the first case only.
PGDFUZZ_NO_ABORT=1 "$fuzzer" "$out" 2>/dev/null |
	awk '/^--- case ---$/ { on = 1; next } /^--- divergence ---$/ { if (on) exit } on'
