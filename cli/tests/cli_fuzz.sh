#!/usr/bin/env bash
# pgdfuzz run / triage / repro against a planted bug (libFuzzer builds).
# usage: cli_fuzz.sh PGDFUZZ PGDFUZZ_CANARY FUZZ_DIR CANARY_FUZZER SOURCE_DIR WORK_DIR
set -u
pgdfuzz=$1 canary_cli=$2 fuzz_dir=$3 canary=$4 src=$5 work=$6
. "$(dirname "$0")/check.sh"
rm -rf "$work" && mkdir -p "$work/fuzzers" && cd "$work" || exit 1
# A fuzzer directory whose builder harness carries the planted bug.
for f in "$fuzz_dir"/fuzz_*; do ln -s "$f" fuzzers/; done
ln -sf "$canary" fuzzers/fuzz_builder
ln -s "$fuzz_dir/../corpus" corpus

# run: the planted finding is reported, with a report and exit status 1.
"$pgdfuzz" run --time 20 --minimize-time 30 --jobs 2 --fuzzers fuzzers --out camp builder > run.txt 2>&1; rc=$?
check "run with a planted bug exits 1" test $rc -eq 1
check "run reports the finding" grep -q 'builder:lint-' run.txt
check "run lists the finding under its root cause" grep -q '^  builder:lint-[a-z-]*:L[0-3] *[0-9]* variants*, [0-9]* files*$' run.txt
check "report.md written" grep -q '^## Findings' camp/report.md
check "report.md groups by signature" grep -q '### `builder:lint-' camp/report.md
check "report.html has SVG plots" grep -q '<svg' camp/report.html
check "report.md groups findings by root cause" grep -q '^### Root cause `builder:lint-[a-z-]*:L[0-3]`: [0-9]* variants*, [0-9]* files*$' camp/report.md
check "report.html groups findings by root cause" grep -q '<h3>Root cause <code>builder:lint-' camp/report.html
check "report.html findings carry the descriptor chain" grep -q 'descriptor chain for VA' camp/report.html
check "report.html findings carry the tables near the divergence" grep -q -- '--- tables near VA' camp/report.html
repro_cmd=$(sed -n 's/^- reproduce: `\(.*\)`$/\1/p' camp/report.md | head -1)
(cd / && eval "$repro_cmd") > camp-repro.txt 2>&1; rc=$?
check "the report's reproduce command works when pasted (exit 1)" test $rc -eq 1
check "minimized reproducer written" test -n "$(ls camp/findings/*.bin 2>/dev/null)"
check "progress lines when not a terminal" grep -q 'execs=' run.txt

# Ctrl-C (SIGINT) stops a long campaign within seconds and still writes
# the report.
"$pgdfuzz" run --time 120 --jobs 2 --fuzzers fuzzers --out camp-int idmap > int.txt 2>&1 &
pid=$!
sleep 8
kill -INT $pid
start=$(date +%s)
wait $pid
took=$(( $(date +%s) - start ))
check "SIGINT stops the campaign within 20 s" test $took -le 20
check "the interrupted report is written" grep -q '(interrupted)' camp-int/report.md
check "no fuzzer outlives the campaign" test -z "$(pgrep -f "$work/fuzzers/fuzz_idmap")"

# triage: many copies and variants of one finding collapse to one group.
mkdir -p crashes
"$pgdfuzz" encode "$src/cli/tests/planted.txt" -o crashes/crash-0
for i in $(seq 1 12); do cp crashes/crash-0 "crashes/crash-$i"; done
for i in $(seq 1 5); do
	{ cat "$src/cli/tests/planted.txt"; echo "# variant $i"; echo "probe va=0x${i}000"; } > "crashes/crash-v$i.txt"
done
"$pgdfuzz" triage --fuzzers fuzzers --out findings crashes > triage.txt 2>&1; rc=$?
check "triage exits 1 with findings" test $rc -eq 1
check "triage collapses to one group" grep -q '18 files -> 1 root cause, 1 distinct finding,' triage.txt
check "every copy and variant is in the group" grep -q 'builder:lint-cont-missing:4k-48:L3 *x18 ' triage.txt
check "triage writes findings.md" grep -q 'builder:lint-cont-missing' findings/findings.md
check "triage writes the minimized case as text" test -n "$(ls findings/*.txt 2>/dev/null)"
# A file that does not reproduce is reported as flaky, not dropped.
"$pgdfuzz" encode "$src/corpus/builder/4k-39-three-levels-kernel-map.txt" -o crashes/crash-clean
"$pgdfuzz" triage --fuzzers fuzzers --out findings2 crashes > triage2.txt 2>&1
check "non-reproducing file reported flaky" grep -q 'flaky: crashes/crash-clean' triage2.txt

# minimize and merge: thin commands over libFuzzer's -minimize_crash and
# -merge.
cp crashes/crash-0 min-in
"$pgdfuzz" minimize --fuzzer fuzzers/fuzz_builder --time 5 -o min-out min-in > min.txt 2>&1; rc=$?
check "minimize exits 0" test $rc -eq 0
check "minimize says what it did" grep -q '^pgdfuzz minimize: min-in: [0-9]* -> [0-9]* bytes in min-out' min.txt
check "the minimized file is no larger" test "$(stat -c %s min-out)" -le "$(stat -c %s min-in)"
"$pgdfuzz" repro --fuzzer fuzzers/fuzz_builder --raw-input min-out > min-repro.txt 2>&1; rc=$?
check "the minimized file still gives the finding" grep -q '^signature: builder:lint-cont-missing:' min-repro.txt
"$pgdfuzz" minimize --fuzzer "$fuzz_dir/fuzz_builder" --time 3 -o none-out min-in > min2.txt 2>&1; rc=$?
check "minimizing a file that does not crash exits 1" test $rc -eq 1
check "and writes nothing" test ! -e none-out
mkdir -p merge-in
cp corpus/idmap/* merge-in/
"$pgdfuzz" merge --fuzzer "$fuzz_dir/fuzz_idmap" merged merge-in > merge.txt 2>&1; rc=$?
check "merge exits 0" test $rc -eq 0
check "merge keeps some of the inputs" test "$(ls merged | wc -l)" -ge 1
check "merge keeps no more than it was given" test "$(ls merged | wc -l)" -le "$(ls merge-in | wc -l)"
check "merge says what it did" grep -q '^pgdfuzz merge: [0-9]* inputs -> merged now holds' merge.txt

# repro with the planted core reproduces it; the real core does not.
"$canary_cli" repro "$src/cli/tests/planted.txt" > repro.txt; rc=$?
check "repro of the planted finding exits 1" test $rc -eq 1
check "repro prints the signature" grep -q '^signature: builder:lint-cont-missing:4k-48:L3' repro.txt
check "repro prints the descriptor" grep -q 'lint: cont-missing' repro.txt
"$pgdfuzz" repro "$src/cli/tests/planted.txt" > repro2.txt; rc=$?
check "the real core is clean on it" test $rc -eq 0
exit $fail
