#!/usr/bin/env bash
# pgdfuzz run's arguments, exit codes and report, against stub fuzzers (a
# script speaking enough of libFuzzer's command line): seconds, not minutes.
# usage: cli_run.sh PGDFUZZ SOURCE_DIR WORK_DIR
set -u
pgdfuzz=$1 src=$2 work=$3
. "$(dirname "$0")/check.sh"
rm -rf "$work" && mkdir -p "$work/stubs" && cd "$work" || exit 1
# STUB_MIN: what -minimize_crash=1 writes to -exact_artifact_path.
# STUB_MODE: idle (exit at once, nothing executed), sleep (fuzz until
# signalled), timeout (leave a timeout artifact that does not reproduce,
# then fuzz until -max_total_time), find (write a crash file and stop, as
# libFuzzer does at a finding). STUB_REPRO says what a reproduction (a run
# without -max_total_time) gives: clean (default), finding, or hang (6 s,
# then clean). Each fuzzing process logs how many were running when it
# started (running.log) and its call (calls.<name> beside it).
cat > stubs/stub <<'STUB'
#!/usr/bin/env bash
prefix="" fuzzing=0 seconds=0 minimize=0 exact="" input=""
for a in "$@"; do
	case "$a" in
	-merge=1) exit 0 ;;
	-minimize_crash=1) minimize=1 ;;
	-exact_artifact_path=*) exact=${a#-exact_artifact_path=} ;;
	-artifact_prefix=*) prefix=${a#-artifact_prefix=} ;;
	-max_total_time=*) fuzzing=1 seconds=${a#-max_total_time=} ;;
	-*) ;;
	*) input=$a ;;
	esac
done
# -minimize_crash=1: "minimizes" the input to STUB_MIN's text.
if [ $minimize = 1 ]; then
	[ -n "${STUB_MIN:-}" ] && [ -n "$exact" ] && printf '%s' "$STUB_MIN" > "$exact"
	exit 0
fi
here=$(cd "$(dirname "$0")" && pwd) top=$(cd "$(dirname "$0")/.." && pwd)
if [ $fuzzing = 0 ]; then
	case "${STUB_REPRO:-clean}" in
	finding) echo "pgdfuzz: VERDICT walker:stub-finding:L0"; exit 1 ;;
	# The signature names the file's first byte: another one, another finding.
	content) echo "pgdfuzz: VERDICT walker:stub-$(head -c1 "$input"):L0"; exit 1 ;;
	hang) sleep 6 ;;
	esac
	echo "pgdfuzz: VERDICT clean"; exit 0
fi
echo "run $*" >> "$here/calls.$(basename "$0")"
mkdir -p "$top/running"
touch "$top/running/$$"
echo "$(ls "$top/running" | wc -l)" >> "$top/running.log"
trap 'rm -f "$top/running/$$"' EXIT
case "${STUB_MODE:-idle}" in
idle) exit 0 ;;
sleep) echo "#100	pulse  cov: 5 ft: 6 corp: 3/10b exec/s: 50 rss: 30Mb"; sleep 60 & wait ;;
timeout) echo "#1000	pulse  cov: 5 ft: 6 corp: 3/10b exec/s: 500 rss: 30Mb"
	echo x > "${prefix}timeout-stub"; sleep "$seconds" ;;
find) echo "#500	pulse  cov: 5 ft: 6 corp: 3/10b exec/s: 500 rss: 30Mb"
	echo y > "${prefix}crash-$(basename "$0")-$$"; exit 1 ;;
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
STUB_MODE=timeout "$pgdfuzz" run --time 3 --minimize-time 0 --jobs 1 --fuzzers stubs --out twice walker walker \
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
STUB_MODE=timeout "$pgdfuzz" run --time 3 --minimize-time 0 --jobs 1 --fuzzers stubs --out opts \
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
# ...and the timeout file the first run left is an earlier run's: counted
# apart, not as this run's crash file, and the report says so.
last=$(grep '"target": "walker"' opts/stats.jsonl | tail -1)
check "resume: no crash file of this run" grep -q '"crash_files": 0,' <<< "$last"
check "resume: the earlier file is counted as earlier" grep -q '"earlier_files": 1}' <<< "$last"
check "resume: the run says it found an earlier file" \
	grep -q -- '--resume: 1 crash file from earlier runs in opts' out.txt
check "resume: report.md says it is an earlier run's" \
	grep -q 'earlier runs (--resume): 1 crash file were already in `opts`' opts/report.md
check "resume: its flaky entry says earlier run" grep -q 'timeout-stub` (timeout: ran clean.*; from an earlier run)' opts/report.md

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
# An empty directory among the paths (a fast build's artifacts that wrote
# nothing): nothing judged, exit 2, and no undefined behaviour on the way.
mkdir -p empty-dir
"$pgdfuzz" triage --harness walker --fuzzers stubs --out tri-empty empty-dir > tri-empty.txt 2>&1; rc=$?
check "triage of an empty directory exits 2" test $rc -eq 2
check "triage of an empty directory says nothing was judged" grep -q 'nothing was judged: 0 files' tri-empty.txt
check "triage of an empty directory is no runtime error" test -z "$(grep 'runtime error' tri-empty.txt)"


# --jobs N is a limit on fuzzer processes at a time, and every harness gets
# its turn: 4 harnesses on 2 slots, each harness a process of its own.
rm -f stubs/calls.* running.log
STUB_MODE=timeout "$pgdfuzz" run --time 4 --minimize-time 0 --jobs 2 --fuzzers stubs --out limit \
	> limit.txt 2>&1; rc=$?
check "4 harnesses on --jobs 2 exit 0" test $rc -eq 0
check "never more than 2 fuzzer processes at a time" test "$(sort -n running.log | tail -1)" -le 2
for h in builder idmap reloc walker; do
	check "$h had its time slice" test -s "stubs/calls.fuzz_$h"
done
check "the status line names the running slices" grep -q 'slots 2/2: ' limit.txt

# Two builds: most slot time on the fast one, some on the sanitizer build,
# which judges every finding. A crash file the fast build writes but the
# sanitizer build runs clean is not a finding.
mkdir -p fast
for h in builder idmap reloc walker; do ln -sf ../stubs/stub "fast/fuzz_$h"; done
rm -f stubs/calls.* fast/calls.*
STUB_MODE=find "$pgdfuzz" run --time 3 --minimize-time 0 --jobs 2 --fuzzers stubs --fast-fuzzers fast \
	--out rejudge walker > rejudge.txt 2>&1; rc=$?
check "a fast-build crash clean on the sanitizer build: exit 0" test $rc -eq 0
check "both builds are named" grep -q 'fast build fast (no sanitizers) and sanitizer build stubs' rejudge.txt
check "the fast build fuzzed" test -s fast/calls.fuzz_walker
check "the sanitizer build fuzzed" test -s stubs/calls.fuzz_walker
check "the fast build's crash file is not a finding" grep -q '0 distinct finding' rejudge.txt
check "it is said not to reproduce on the sanitizer build" \
	grep -q 'of the fast build did not reproduce on the asan build' rejudge.txt
check "report.md says which build judged it" \
	grep -q 'crash-fuzz_walker-[0-9]*` (crash: ran clean.*written by the fast build, judged on the asan build' \
	rejudge/report.md
STUB_MODE=find STUB_REPRO=finding "$pgdfuzz" run --time 3 --minimize-time 0 --jobs 2 --fuzzers stubs \
	--fast-fuzzers fast --out rejudge2 walker > rejudge2.txt 2>&1; rc=$?
check "a fast-build crash the sanitizer build confirms is a finding (exit 1)" test $rc -eq 1
check "the confirmed finding is reported" grep -q 'walker:stub-finding:L0' rejudge2.txt
# A harness whose persistent processes keep stopping at findings goes on in
# libFuzzer fork mode (-ignore_crashes) instead of restarting into them.
rm -f stubs/calls.*
STUB_MODE=find "$pgdfuzz" run --time 12 --minimize-time 0 --jobs 1 --fuzzers stubs --out shallow walker \
	> shallow.txt 2>&1
check "persistent first" grep -q -- '-rss_limit_mb' <<< "$(head -1 stubs/calls.fuzz_walker | grep -v -- -fork=1)"
check "fork mode after two early stops" grep -q -- '-fork=1 -ignore_crashes=1' stubs/calls.fuzz_walker
"$pgdfuzz" run --fuzzers stubs --fast-fuzzers /nonexistent walker 2> err.txt; rc=$?
check "--fast-fuzzers /nonexistent exits 2" test $rc -eq 2
check "one build only is said" grep -q 'one build only (stubs)' limit.txt

# The monitor keeps sampling while a reproduction hangs (6 s here): the
# reproduction runs in the background.
STUB_MODE=find STUB_REPRO=hang "$pgdfuzz" run --time 5 --minimize-time 0 --jobs 1 --fuzzers stubs \
	--out hang walker > hang.txt 2>&1; rc=$?
check "a sample every second while the reproduction hangs" \
	test "$(grep -c '"time": [0-4]\.[0-9], "target": "walker"' hang/stats.jsonl)" -ge 4
check "the samples say a reproduction runs" \
	test "$(grep -c '"target": "walker".*"reproducing": 1' hang/stats.jsonl)" -ge 3
check "the wait for the last reproductions is shown" grep -q 'pgdfuzz: reproducing 1/' hang.txt

# AFL++: the numbers move over the run (plot_data is read at every sample,
# not fuzzer_stats once), and the columns say what they are.
mkdir -p afl/bin afl/fuzz afl/corpus/walker
echo seed > afl/corpus/walker/seed
ln -sf ../../stubs/stub afl/fuzz/fuzz_builder
ln -sf ../../stubs/stub afl/fuzz/fuzz_walker
cat > afl/bin/afl-fuzz <<'AFL'
#!/usr/bin/env bash
# Speaks enough of afl-fuzz: -M/-S NAME -o DIR -V SECONDS; writes
# fuzzer_stats once (as AFL++ does only every minute) and plot_data lines.
while [ $# -gt 0 ]; do
	case "$1" in -M|-S) name=$2; shift ;; -o) dir=$2; shift ;; -V) secs=$2; shift ;; --) break ;; esac
	shift
done
mkdir -p "$dir/$name/crashes" "$dir/$name/queue"
printf 'execs_done        : 172\nexecs_per_sec     : 17200\nbitmap_cvg        : 1.00%%\n' > "$dir/$name/fuzzer_stats"
echo "# relative_time, cycles_done, cur_item, corpus_count, pending_total, pending_favs, map_size, saved_crashes, saved_hangs, max_depth, execs_per_sec, total_execs, edges_found" > "$dir/$name/plot_data"
for i in $(seq 1 "$secs"); do
	echo "$i, 0, 0, $((10 + i)), 0, 0, 1.50%, 0, 0, 1, 1000.00, $((i * 1000)), $((40 + i))" >> "$dir/$name/plot_data"
	sleep 1
done
AFL
chmod +x afl/bin/afl-fuzz
PATH="$work/afl/bin:$PATH" "$pgdfuzz" run --engine afl --time 4 --minimize-time 0 --jobs 1 \
	--fuzzers afl/fuzz --out aflrun walker > afl.txt 2>&1; rc=$?
check "the AFL++ campaign exits 0" test $rc -eq 0
check "AFL++ executions grow over the run" \
	test "$(grep '"target": "walker"' aflrun/stats.jsonl | tail -1 | sed 's/.*"execs": \([0-9]*\),.*/\1/')" -ge 2000
check "AFL++ bitmap coverage is read" grep -q '"bitmap_cvg": 1.50' aflrun/stats.jsonl
check "AFL++ edges come from edges_found" grep -q '"cov": 4[3-5],' aflrun/stats.jsonl
check "the AFL++ report labels bitmap %" grep -q '| edges | bitmap % |' aflrun/report.md
check "the AFL++ progress lines say edges and bitmap" grep -q 'edges=4[0-9] bitmap=1.50%' afl.txt
# AFL++ --resume: an earlier run's crashes/ moves aside (crashes.1), so
# afl-fuzz neither refuses it nor mixes it with this run's.
echo z > aflrun/walker/main0/crashes/id:000000,sig:06
PATH="$work/afl/bin:$PATH" "$pgdfuzz" run --engine afl --time 3 --minimize-time 0 --jobs 1 \
	--fuzzers afl/fuzz --out aflrun --resume walker > afl2.txt 2>&1; rc=$?
check "the resumed AFL++ campaign exits 0" test $rc -eq 0
check "AFL++ resume moved crashes/ aside" test -e aflrun/walker/main0/crashes.1/id:000000,sig:06
check "AFL++ resume: crashes/ holds this run's only" test ! -e aflrun/walker/main0/crashes/id:000000,sig:06
check "AFL++ resume says so" grep -q 'crashes moved to .*crashes.1' afl2.txt
check "AFL++ resume counts it as earlier" \
	grep -q '"crash_files": 0,.*"earlier_files": 1}' <<< "$(grep '"target": "walker"' aflrun/stats.jsonl | tail -1)"

# pgdfuzz minimize writes OUT only if the minimized file gives the input's
# signature: a minimizer that drifts to another finding leaves OUT alone.
printf 'abc' > min-in
STUB_REPRO=content STUB_MIN=ab "$pgdfuzz" minimize --fuzzer stubs/fuzz_walker --time 1 -o min-same \
	min-in > min.txt 2>&1; rc=$?
check "minimize: the same signature is written (exit 0)" test $rc -eq 0
check "minimize: OUT holds the minimized file" test "$(cat min-same 2>/dev/null)" = ab
STUB_REPRO=content STUB_MIN=xyz "$pgdfuzz" minimize --fuzzer stubs/fuzz_walker --time 1 -o min-other \
	min-in > min.txt 2>&1; rc=$?
check "minimize: another signature exits 1" test $rc -eq 1
check "minimize: OUT is not written" test ! -e min-other
check "minimize: the message names both signatures" \
	grep -q 'gives walker:stub-x:L0, not walker:stub-a:L0 as min-in does; min-other not written' min.txt
check "minimize: no temp file is left" test -z "$(ls min-other* 2>/dev/null)"
echo keep > min-kept
STUB_REPRO=content STUB_MIN=xyz "$pgdfuzz" minimize --fuzzer stubs/fuzz_walker --time 1 -o min-kept \
	min-in > min.txt 2>&1; rc=$?
check "minimize: an existing OUT is left untouched" test "$(cat min-kept)" = keep
STUB_REPRO=clean STUB_MIN=ab "$pgdfuzz" minimize --fuzzer stubs/fuzz_walker --time 1 -o min-clean \
	min-in > min.txt 2>&1; rc=$?
check "minimize: an input of no finding exits 1" test $rc -eq 1
check "minimize: and writes nothing" test ! -e min-clean
exit $fail
