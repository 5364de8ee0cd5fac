#!/usr/bin/env bash
# smoke.sh FUZZER WORKDIR SECONDS SEEDS [LIBFUZZER_OPTION...]: fuzz for
# SECONDS from a scratch copy of SEEDS with libFuzzer; exits non-zero on any
# finding or crash.
set -eu
fuzzer=$1 work=$2 seconds=$3 seeds=$4
shift 4
rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
cp -r "$seeds"/. "$work/corpus/" 2>/dev/null || true
exec "$fuzzer" -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=2560 \
	-timeout=10 -artifact_prefix="$work/artifacts/" "$@" "$work/corpus"
