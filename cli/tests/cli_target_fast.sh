#!/usr/bin/env bash
# run --target DIR builds a fast variant of the target's fuzzer (fuzz-fast
# preset, no sanitizers) beside the sanitizer build: most slot time runs it,
# and every finding is judged on the sanitizer build, as for the built-in
# harnesses. Uses cli/tests/flaky-target (see cli_flaky.sh).
# usage: cli_target_fast.sh PGDFUZZ SOURCE_DIR WORK_DIR
set -u
pgdfuzz=$1 src=$2 work=$3
. "$(dirname "$0")/check.sh"
rm -rf "$work" && mkdir -p "$work/tmp" && cd "$work" || exit 1
target=$src/cli/tests/flaky-target

TMPDIR=$work/tmp "$pgdfuzz" run --target "$target" --time 10 --jobs 2 --minimize-time 0 \
	--out camp > run.txt 2>&1; rc=$?
check "the campaign ran (exit 1: the planted bug)" test $rc -eq 1
check "the fast variant is built" grep -q 'building its fast variant (no sanitizers) in ' run.txt
fast=$(sed -n 's/^pgdfuzz: fast build \(.*\) (no sanitizers) and sanitizer build \(.*\); every finding.*/\1/p' run.txt)
asan=$(sed -n 's/^pgdfuzz: fast build \(.*\) (no sanitizers) and sanitizer build \(.*\); every finding.*/\2/p' run.txt)
check "both builds are named" test -n "$fast" -a -n "$asan"
check "the fast build is the -fast build's fuzzer" grep -q -- '-fast/examples/fuzz_target_user$' <<< "$fast"
check "the fast fuzzer has no sanitizer" test -x "$fast" -a -z "$(grep -c __asan_init "$fast" | grep -v '^0$')"
check "the sanitizer fuzzer has ASan" grep -q __asan_init "$asan"
last=$(grep '"target": "flaky"' camp/stats.jsonl | tail -1)
check "the fast build executed inputs" grep -q '"fast_execs": [1-9]' <<< "$last"
check "the sanitizer build executed inputs" grep -q '"sanitizer_execs": [1-9]' <<< "$last"
check "fast-build processes ran" test -n "$(ls camp/flaky/logs/fast-*.log 2>/dev/null)"
check "findings were judged on the asan build" grep -q 'on the asan build' run.txt
check "the planted bug is confirmed" grep -q '^    flaky:real-bug:4k-48:L-1 ' run.txt
exit $fail
