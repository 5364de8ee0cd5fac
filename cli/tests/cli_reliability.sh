#!/usr/bin/env bash
# What a campaign leaves behind when it is killed or starved (libFuzzer
# builds, real fuzzers with the planted bug in fuzz_builder):
#   kill -9 of pgdfuzz run mid-campaign, then --resume;
#   SIGTERM; a fuzzer that dies on its own; a full disk (tmpfs); an
#   unwritable out dir (read-only tmpfs).
# The tmpfs parts need mount(2) (root); without it they are skipped, and the
# script exits 77 (ctest's SKIP) if nothing else failed.
# usage: cli_reliability.sh PGDFUZZ FUZZ_DIR CANARY_FUZZER SOURCE_DIR WORK_DIR
set -u
pgdfuzz=$1 fuzz_dir=$2 canary=$3 src=$4 work=$5
. "$(dirname "$0")/check.sh"
mounts=()
cleanup() {
	for m in "${mounts[@]}"; do umount -l "$m" 2>/dev/null; done
	pkill -9 -f "$work/fuzzers/" 2>/dev/null
}
trap cleanup EXIT
cleanup
rm -rf "$work" && mkdir -p "$work/fuzzers" && cd "$work" || exit 1
for f in "$fuzz_dir"/fuzz_*; do ln -s "$f" fuzzers/; done
ln -sf "$canary" fuzzers/fuzz_builder
ln -s "$fuzz_dir/../corpus" corpus
skipped=0

# Waits up to $2 seconds for the command $1 to succeed.
wait_for() {
	local i
	for ((i = 0; i < $2; i++)); do
		eval "$1" && return 0
		sleep 1
	done
	return 1
}
digest() { find "$@" -type f -print0 2>/dev/null | sort -z | xargs -0r sha256sum; }

# ---- kill -9 mid-campaign, then resume ---------------------------------
"$pgdfuzz" run --time 120 --jobs 1 --fuzzers "$work/fuzzers" --out k9 builder > k9.txt 2>&1 &
pid=$!
check "the canary writes a crash file within 90 s" \
	wait_for 'ls k9/builder/artifacts/crash-* >/dev/null 2>&1' 90
check "the campaign writes corpus entries within 60 s" \
	wait_for 'test -n "$(ls k9/builder/corpus)"' 60
digest k9/builder/artifacts k9/builder/corpus > before.sha
check "the builder fuzzer runs before the kill" pgrep -f "$work/fuzzers/fuzz_builder"
kill -9 $pid
wait $pid 2>/dev/null
check "no fuzzer outlives a kill -9 of its campaign (5 s)" \
	wait_for '! pgrep -f "$work/fuzzers/fuzz_builder" >/dev/null' 5
pkill -9 -f "$work/fuzzers/" 2>/dev/null
sleep 1
digest k9/builder/artifacts k9/builder/corpus > after.sha
# Every crash file and corpus entry written before the kill is still there,
# byte for byte.
check "every crash file written before the kill is intact" \
	test -z "$(grep /artifacts/ before.sha | grep -vxFf after.sha)"
check "every corpus entry written before the kill is intact" \
	test -z "$(grep /corpus/ before.sha | grep -vxFf after.sha)"
"$pgdfuzz" run --time 5 --minimize-time 0 --jobs 1 --fuzzers "$work/fuzzers" --out k9 --resume builder \
	> k9-resume.txt 2>&1
rc=$?
check "the resumed campaign reports the finding (exit 1)" test $rc -eq 1
check "the resumed report lists the killed run's finding" grep -q '### `builder:lint-' k9/report.md

# ---- SIGTERM ------------------------------------------------------------
"$pgdfuzz" run --time 120 --jobs 1 --fuzzers "$work/fuzzers" --out term walker > term.txt 2>&1 &
pid=$!
sleep 6
check "the walker fuzzer runs before SIGTERM" pgrep -f "$work/fuzzers/fuzz_walker"
kill -TERM $pid
wait $pid
rc=$?
check "SIGTERM: exit status 130 (interrupted)" test $rc -eq 130
check "SIGTERM: the report is written and says interrupted" grep -q '(interrupted)' term/report.md
check "SIGTERM: no fuzzer outlives the campaign" \
	wait_for '! pgrep -f "$work/fuzzers/fuzz_walker" >/dev/null' 5

# ---- a fuzzer that dies on its own ----------------------------------------
"$pgdfuzz" run --time 25 --minimize-time 0 --jobs 1 --fuzzers "$work/fuzzers" --out died walker \
	> died.txt 2>&1 &
pid=$!
check "the walker fuzzer starts" wait_for 'pgrep -f "$work/fuzzers/fuzz_walker" >/dev/null' 10
sleep 3
pkill -9 -f "$work/fuzzers/fuzz_walker"
wait $pid
rc=$?
check "a fuzzer killed under the campaign is not a clean run (exit != 0)" test $rc -ne 0
check "the report says the fuzzer died" grep -qiE 'died|killed|signal 9' died/report.md

# ---- a full disk and an unwritable out dir (tmpfs) ------------------------
mkdir -p full ro
if mount -t tmpfs -o size=8m tmpfs full 2>/dev/null; then
	mounts+=("$PWD/full")
	"$pgdfuzz" run --time 3 --minimize-time 0 --jobs 1 --fuzzers "$work/fuzzers" --out full/camp walker \
		> full1.txt 2>&1
	check "a campaign on the small file system runs (exit 0)" test $? -eq 0
	cp full/camp/report.md report.before
	# Fill the file system to the last block.
	dd if=/dev/zero of=full/filler bs=64k 2>/dev/null
	dd if=/dev/zero of=full/filler2 bs=1 2>/dev/null
	"$pgdfuzz" run --time 3 --minimize-time 0 --jobs 1 --fuzzers "$work/fuzzers" --out full/camp --resume \
		walker > full2.txt 2>&1
	rc=$?
	check "a full disk: exit status is not 0" test $rc -ne 0
	check "a full disk: the message says why" grep -qiE 'no space|could not write' full2.txt
	check "a full disk: the old report is intact" cmp -s report.before full/camp/report.md
	check "a full disk: no temporary file is left" test -z "$(find full/camp -name '*.tmp*')"
else
	echo "skip: no mount(2) here; full-disk checks not run"
	skipped=1
fi
if mount -t tmpfs -o ro,size=1m tmpfs ro 2>/dev/null; then
	mounts+=("$PWD/ro")
	"$pgdfuzz" run --time 3 --jobs 1 --fuzzers "$work/fuzzers" --out ro/camp walker > ro.txt 2>&1
	rc=$?
	check "an unwritable out dir: exit status 2" test $rc -eq 2
	check "an unwritable out dir: the message names it" grep -q 'ro/camp' ro.txt
else
	echo "skip: no mount(2) here; read-only checks not run"
	skipped=1
fi

[ $fail -eq 0 ] && [ $skipped -eq 1 ] && exit 77
exit $fail
