#!/usr/bin/env bash
# The AFL++ paths of pgdfuzz minimize (afl-tmin) and merge (afl-cmin), with
# the afl preset's harness binaries. minimize writes OUT only if the
# minimized file gives the input's signature (afl-tmin also "minimizes"
# inputs that do not crash, and keeps any crash). Skips (77) when the afl
# build or AFL++ is missing; in CI it runs in the afl preset's build
# (`ctest --test-dir build/afl -L '^fuzz$'`, label fuzz).
# usage: cli_afl.sh PGDFUZZ AFL_BUILD_DIR SOURCE_DIR WORK_DIR
set -u
pgdfuzz=$1 afl=$2 src=$3 work=$4
. "$(dirname "$0")/check.sh"
fuzzers=$afl/fuzz corpus=$afl/corpus
if [ ! -x "$fuzzers/fuzz_builder_canary" ] || [ ! -x "$fuzzers/fuzz_idmap" ]; then
	echo "SKIP: no AFL++ harnesses in $fuzzers (build the afl preset: cmake --preset afl && cmake --build build/afl)"
	exit 77
fi
for tool in afl-tmin afl-cmin; do
	if ! command -v $tool > /dev/null; then
		echo "SKIP: $tool is not on PATH (install AFL++)"
		exit 77
	fi
done
echo "using the AFL++ harnesses in $fuzzers"
rm -rf "$work" && mkdir -p "$work/bin" && cd "$work" || exit 1
export AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1

# minimize --engine afl: afl-tmin shrinks the planted finding; the result
# still gives its signature.
"$pgdfuzz" encode "$src/cli/tests/planted.txt" -o crash-planted > /dev/null
"$pgdfuzz" minimize --engine afl --fuzzer "$fuzzers/fuzz_builder_canary" --time 30 -o min.bin \
	crash-planted > min.txt 2>&1; rc=$?
check "afl-tmin minimize exits 0" test $rc -eq 0
check "it says afl-tmin did it" grep -q '^pgdfuzz minimize: crash-planted: [0-9]* -> [0-9]* bytes in min.bin (afl-tmin)' min.txt
check "the minimized file is no larger" test "$(stat -c %s min.bin)" -le "$(stat -c %s crash-planted)"
check "the minimized file gives the same signature" \
	grep -q 'VERDICT builder:lint-cont-missing:4k-48:L3' <<< "$(PGDFUZZ_NO_ABORT=1 "$fuzzers/fuzz_builder_canary" min.bin 2>&1)"

# afl-tmin writes a "minimized" file for an input that does not crash too:
# that is no minimized finding, and nothing is written.
clean=$(ls "$corpus/builder" | head -1)
cp "$corpus/builder/$clean" clean.bin
"$pgdfuzz" minimize --engine afl --fuzzer "$fuzzers/fuzz_builder" --time 30 -o min-clean.bin \
	clean.bin > min2.txt 2>&1; rc=$?
check "minimizing an input of no finding exits 1" test $rc -eq 1
check "and writes nothing" test ! -e min-clean.bin
check "and says it does not reproduce" grep -q 'clean.bin does not reproduce' min2.txt

# An afl-tmin whose result no longer gives the signature (here: one that
# returns an input of no finding): OUT is left alone.
cat > bin/afl-tmin <<TMIN
#!/usr/bin/env bash
while [ \$# -gt 0 ]; do [ "\$1" = -o ] && out=\$2; shift; done
cp "$work/clean.bin" "\$out"
TMIN
chmod +x bin/afl-tmin
echo keep > min-drift.bin
PATH="$work/bin:$PATH" "$pgdfuzz" minimize --engine afl --fuzzer "$fuzzers/fuzz_builder_canary" --time 30 \
	-o min-drift.bin crash-planted > min3.txt 2>&1; rc=$?
check "a minimized file of another verdict exits 1" test $rc -eq 1
check "the message says what it gives instead" \
	grep -q 'gives no finding (clean), not builder:lint-cont-missing:4k-48:L3 as crash-planted does; min-drift.bin not written' min3.txt
check "OUT is left untouched" test "$(cat min-drift.bin)" = keep

# merge --engine afl: afl-cmin keeps a subset of the inputs, each one of them.
"$pgdfuzz" merge --engine afl --fuzzer "$fuzzers/fuzz_idmap" merged "$corpus/idmap" > merge.txt 2>&1; rc=$?
check "afl-cmin merge exits 0" test $rc -eq 0
n=$(ls merged | wc -l) given=$(ls "$corpus/idmap" | wc -l)
check "the merge keeps some inputs" test "$n" -ge 1
check "the merge keeps no more than it was given" test "$n" -le "$given"
check "it says what it did" grep -q "^pgdfuzz merge: $given inputs -> merged now holds $n (had 0)" merge.txt
same=1
for f in merged/*; do
	found=0
	for g in "$corpus/idmap"/*; do cmp -s "$f" "$g" && found=1 && break; done
	[ $found = 1 ] || same=0
done
check "every kept input is one of the inputs" test $same -eq 1
"$pgdfuzz" merge --engine afl --fuzzer "$fuzzers/fuzz_idmap" merged2 "$corpus/idmap" "$corpus/idmap" \
	> merge2.txt 2>&1; rc=$?
check "afl-cmin with two input directories exits 2" test $rc -eq 2
exit $fail
