#!/usr/bin/env bash
# pgdfuzz run's arguments, exit codes and report, against stub fuzzers (a
# script speaking enough of libFuzzer's command line): seconds, not minutes.
# usage: cli_run.sh PGDFUZZ SOURCE_DIR WORK_DIR
set -u
pgdfuzz=$1 src=$2 work=$3
. "$(dirname "$0")/check.sh"
rm -rf "$work" && mkdir -p "$work/stubs" && cd "$work" || exit 1
# STUB_MODE: idle (exit at once, nothing executed), sleep (fuzz until
# signalled), timeout (leave a timeout artifact that does not reproduce).
cat > stubs/stub <<'STUB'
#!/usr/bin/env bash
prefix="" fuzzing=0
for a in "$@"; do
	case "$a" in
	-merge=1|-minimize_crash=1) exit 0 ;;
	-artifact_prefix=*) prefix=${a#-artifact_prefix=} ;;
	-max_total_time=*) fuzzing=1 ;;
	esac
done
if [ $fuzzing = 0 ]; then echo "pgdfuzz: VERDICT clean"; exit 0; fi
echo "run $*" >> "$(dirname "$0")/calls.$(basename "$0")"
case "${STUB_MODE:-idle}" in
idle) exit 0 ;;
sleep) echo "#100	pulse  cov: 5 ft: 6 corp: 3/10b exec/s: 50 rss: 30Mb"; exec sleep 60 ;;
timeout) echo "#1000	pulse  cov: 5 ft: 6 corp: 3/10b exec/s: 500 rss: 30Mb"
	echo x > "${prefix}timeout-stub"; sleep 2; exit 0 ;;
esac
STUB
chmod +x stubs/stub
for h in builder idmap reloc walker; do ln -s stub "stubs/fuzz_$h"; done

STUB_MODE=timeout "$pgdfuzz" run --time 2 --minimize-time 0 --fuzzers stubs --out jobs --jobs 2x walker \
	> out.txt 2> err.txt; rc=$?
check "--jobs 2x is refused (exit 2)" test $rc -eq 2
check "--jobs 2x is named" grep -q -- '--jobs 2x: expected 1..64' err.txt
"$pgdfuzz" run --help > help.txt 2>&1; rc=$?
check "run --help exits 0" test $rc -eq 0
check "run --help lists --minimize-time" grep -q -- '--minimize-time' help.txt
check "run --help documents the interrupted exit code" grep -q '130 interrupted' help.txt
"$pgdfuzz" run --fuzzers /nonexistent walker 2> err.txt; rc=$?
check "--fuzzers /nonexistent exits 2" test $rc -eq 2
check "--fuzzers /nonexistent is named" grep -q -- '--fuzzers /nonexistent: no fuzz_builder' err.txt
touch afile
"$pgdfuzz" run --time 2 --fuzzers stubs --out afile walker > out.txt 2> err.txt; rc=$?
check "--out naming a regular file exits 2" test $rc -eq 2

# A campaign that executed nothing is not clean.
STUB_MODE=idle "$pgdfuzz" run --time 3 --fuzzers stubs --out idle walker > out.txt 2> err.txt; rc=$?
check "nothing executed exits 2" test $rc -eq 2
check "nothing executed is said" grep -q 'walker executed no input' err.txt

# The same harness named twice runs once; a timeout that does not
# reproduce is listed as flaky with its kind, in report.md and report.html.
rm -f stubs/calls.*
STUB_MODE=timeout "$pgdfuzz" run --time 3 --minimize-time 0 --fuzzers stubs --out twice walker walker \
	> out.txt 2> err.txt; rc=$?
check "campaign with executions and no finding exits 0" test $rc -eq 0
check "a harness named twice runs once" test "$(cat stubs/calls.fuzz_walker | wc -l)" -eq 1
check "report.html lists the flaky file" grep -q 'Did not reproduce (flaky)' twice/report.html
check "report.html says it was a timeout" grep -q 'timeout-stub</code> (timeout: ran clean' twice/report.html
check "report.md says it was a timeout" grep -q 'timeout-stub` (timeout: ran clean' twice/report.md

# Engine options reach libFuzzer; regressions and --corpus are seeds; a
# stats line per sample lands in stats.jsonl.
mkdir -p corpus/walker corpus/regressions ext/walker
rm -f stubs/calls.*
STUB_MODE=timeout "$pgdfuzz" run --time 3 --minimize-time 0 --fuzzers stubs --out opts \
	--timeout 7 --rss-limit 1000 --seed 42 --corpus ext walker -- -dict=x.dict -max_len=99 \
	> out.txt 2> err.txt; rc=$?
check "run with engine options exits 0" test $rc -eq 0
call=$(cat stubs/calls.fuzz_walker 2>/dev/null)
for want in -timeout=7 -rss_limit_mb=1000 -seed=42 -dict=x.dict -max_len=99 \
	stubs/../corpus/walker stubs/../corpus/regressions ext/walker; do
	check "the fuzzer gets $want" grep -q -- "$want" <<< "$call"
done
"$pgdfuzz" run --corpus /nonexistent walker 2> err.txt; rc=$?
check "--corpus of a missing directory exits 2" test $rc -eq 2
"$pgdfuzz" run --timeout 0 walker 2> err.txt; rc=$?
check "--timeout 0 exits 2" test $rc -eq 2
check "stats.jsonl has a sample with the executions" \
	grep -q '"target": "walker", "execs": 1000,' opts/stats.jsonl

# Reusing --out is explicit (AFL++'s rule): refused unless --resume.
STUB_MODE=timeout "$pgdfuzz" run --time 2 --minimize-time 0 --fuzzers stubs --out opts walker \
	> out.txt 2> err.txt; rc=$?
check "a non-empty --out is refused (exit 2)" test $rc -eq 2
check "the refusal names --resume" grep -q 'opts is not empty: pass --resume' err.txt
STUB_MODE=timeout "$pgdfuzz" run --time 2 --minimize-time 0 --fuzzers stubs --out opts --resume \
	walker > out.txt 2> err.txt; rc=$?
check "--resume continues in it (exit 0)" test $rc -eq 0

# SIGINT: the report is written and the exit status says "interrupted".
STUB_MODE=sleep "$pgdfuzz" run --time 60 --fuzzers stubs --out int walker > int.txt 2>&1 &
pid=$!
sleep 3
kill -INT $pid
wait $pid; rc=$?
check "an interrupted campaign exits 130" test $rc -eq 130
check "the interrupted report is written" grep -q '(interrupted)' int/report.md

# The fuzzers are found next to the binary: <root>/build/<preset>/cli/pgdfuzz
# -> <root>/build/fuzz/fuzz, from any directory.
mkdir -p tree/build/release/cli tree/build/fuzz elsewhere
cp "$pgdfuzz" tree/build/release/cli/pgdfuzz
cp -r stubs tree/build/fuzz/fuzz
"$pgdfuzz" encode "$src/corpus/walker/$(ls "$src/corpus/walker" | head -1)" -o one.bin
(cd elsewhere && ../tree/build/release/cli/pgdfuzz triage --harness walker --out ../tri ../one.bin) \
	> tri.txt 2>&1; rc=$?
check "triage finds the fuzzers from the binary's location (exit 0)" test $rc -eq 0
check "triage says '1 file'" grep -q '1 file -> 0 root causes, 0 distinct findings, 1 flaky' tri.txt
exit $fail
