#!/usr/bin/env bash
# ClusterFuzz's reproducibility rule: every finding a campaign (or triage)
# reports is run again in fresh processes, A, B, A', B', on the sanitizer
# build; one that does not give the same verdict and signature every time is
# flaky (with the reason), listed but not a confirmed finding. The target is
# cli/tests/flaky-target (fwpt with a real planted bug and one that fires in
# a reproduction only the first time), built as `run --target` builds it.
# usage: cli_flaky.sh PGDFUZZ SOURCE_DIR WORK_DIR
set -u
pgdfuzz=$1 src=$2 work=$3
. "$(dirname "$0")/check.sh"
rm -rf "$work" && mkdir -p "$work/tmp" "$work/tmp2" && cd "$work" || exit 1
target=$src/cli/tests/flaky-target

# The flaky target's reproductions count in $TMPDIR: a fresh one per run.
TMPDIR=$work/tmp "$pgdfuzz" run --target "$target" --time 20 --jobs 2 --minimize-time 10 \
	--out camp > run.txt 2>&1; rc=$?
check "the campaign with a reproducible finding exits 1" test $rc -eq 1
check "it found the flaky bug (its first reproduction confirmed it)" \
	grep -q 'rerunning finding.*(A, B, A., B.*flaky:flaky-bug:4k-48' run.txt
check "the flaky finding is said to be flaky" grep -q '1 finding did not reproduce the same way' run.txt
check "the real bug is a confirmed finding" grep -q '^    flaky:real-bug:4k-48:L-1 ' run.txt
check "the flaky bug is no confirmed finding" test -z "$(grep '^    flaky:flaky-bug' run.txt)"
check "report.md lists it flaky with the reason" \
	grep -q '^- `.*` (flaky:flaky-bug:4k-48:L-1: run 2 of 3: clean' camp/report.md
check "report.md has no finding section for it" test -z "$(grep '^#### `flaky:flaky-bug' camp/report.md)"
check "report.md has the real one" grep -q '^#### `flaky:real-bug:4k-48:L-1`' camp/report.md
check "report.html lists it flaky with the reason" \
	grep -q '(flaky:flaky-bug:4k-48:L-1: run 2 of 3: clean' camp/report.html
check "findings.json: the real bug is reproducible" \
	grep -q '{"signature": "flaky:real-bug:4k-48:L-1", .*"reproducible": true}' camp/findings.json
check "findings.json: the flaky bug is not, with the reason" \
	grep -q '"signature": "flaky:flaky-bug:4k-48:L-1", "reason": "flaky:flaky-bug:4k-48:L-1: run 2 of 3: clean", "reproducible": false}' \
	camp/findings.json
check "findings.json: no confirmed flaky-bug" \
	test -z "$(sed -n '/"findings"/,/"flaky"/p' camp/findings.json | grep flaky-bug)"

# triage applies the same rule to the campaign's crash files.
TMPDIR=$work/tmp2 "$pgdfuzz" triage --target "$target" --minimize-time 0 --out tri camp/flaky/artifacts \
	> tri.txt 2>&1; rc=$?
check "triage of the crash files exits 1 (the real bug)" test $rc -eq 1
check "triage prints the flaky finding with the reason" \
	grep -q '^  flaky: .* (flaky:flaky-bug:4k-48:L-1: run 2 of 3: clean)' tri.txt
check "triage keeps the real one" grep -q '^    flaky:real-bug:4k-48:L-1 ' tri.txt
check "triage: findings.md lists it flaky" grep -q 'flaky:flaky-bug:4k-48:L-1: run 2 of 3: clean' tri/findings.md
check "triage: findings.json says so" \
	grep -q '"signature": "flaky:flaky-bug:4k-48:L-1", "reason": ".*run 2 of 3: clean", "reproducible": false}' \
	tri/findings.json
exit $fail
