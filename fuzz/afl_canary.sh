#!/usr/bin/env bash
# afl_canary.sh FUZZER WORKDIR SECONDS SEEDS: run afl-fuzz (persistent mode,
# AFL++'s libFuzzer-compatible driver) on the planted-bug builder and require
# at least one saved crash within SECONDS.
set -u
fuzzer=$1 work=$2 seconds=$3 seeds=$4
rm -rf "$work" && mkdir -p "$work"
AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
	AFL_ALLOW_TMP=1 AFL_BENCH_UNTIL_CRASH=1 timeout $((seconds + 60)) \
	afl-fuzz -i "$seeds" -o "$work/out" -V "$seconds" -- "$fuzzer" > "$work/afl.log" 2>&1
crashes=$(ls "$work"/out/default/crashes/id:* 2>/dev/null | wc -l)
grep -E "execs_per_sec|execs_done" "$work/out/default/fuzzer_stats" 2>/dev/null
echo "afl canary: $crashes crash file(s)"
if [ "$crashes" -eq 0 ]; then
	tail -20 "$work/afl.log"
	exit 1
fi
# The crash must be the planted finding, not some other failure.
PGDFUZZ_NO_ABORT=1 "$fuzzer" "$(ls "$work"/out/default/crashes/id:* | head -1)" 2>&1 |
	grep -m1 "pgdfuzz: VERDICT builder:"
