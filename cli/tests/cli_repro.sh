#!/usr/bin/env bash
# What repro, show, triage and the writers promise, with the replay drivers
# of any preset (seconds): the input formats (only the magic makes a file
# binary; crash files are fuzzer inputs), repro with the binary that found a
# finding and commands that work when pasted, each operation's outcome,
# readable findings, outputs that never replace what they should not,
# --help everywhere, two-level grouping.
# usage: cli_repro.sh PGDFUZZ PGDFUZZ_CANARY FUZZ_DIR SOURCE_DIR WORK_DIR
set -u
pgdfuzz=$1 canary_cli=$2 fuzz_dir=$3 src=$4 work=$5
. "$(dirname "$0")/check.sh"
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
planted=$src/cli/tests/planted.txt
canary=$fuzz_dir/fuzz_builder_canary

# ---- item 2: input formats ---------------------------------------------------
# A valid case plus one stray byte is a broken text case, not a binary one.
{ cat "$planted"; printf '\0junk'; } > stray.txt
"$pgdfuzz" show stray.txt > out.txt 2> err.txt; rc=$?
check "text + NUL byte exits 2" test $rc -eq 2
check "text + NUL byte is a file:line error" grep -q '^stray.txt:8: byte 0x00' err.txt
check "text + NUL byte prints no case" test ! -s out.txt
: > empty.bin
"$pgdfuzz" decode empty.bin > out.txt 2> err.txt; rc=$?
check "an empty file is refused (exit 2)" test $rc -eq 2
check "an empty file is named" grep -q '^empty.bin: empty file' err.txt
# Exactly 1 MiB with the magic is a binary case; one byte more is refused.
{ printf '\xc5\x00'; head -c $((1048576 - 2)) /dev/zero; } > mib.bin
"$pgdfuzz" show mib.bin > out.txt 2> err.txt; rc=$?
check "a 1 MiB binary case is accepted" test $rc -eq 0
{ cat mib.bin; printf 'x'; } > over.bin
"$pgdfuzz" show over.bin > out.txt 2> err.txt; rc=$?
check "1 MiB + 1 byte is refused" test $rc -eq 2
# A crash file as libFuzzer writes it: any bytes, here the planted case's
# encoding without the magic byte. It is a fuzzer input: decoded as the
# harness decodes it, never as text.
"$pgdfuzz" encode "$planted" -o planted.bin
tail -c +2 planted.bin > crash-nomagic
"$pgdfuzz" repro crash-nomagic > out.txt 2> err.txt; rc=$?
check "a crash file needs its harness (exit 2)" test $rc -eq 2
check "a crash file: the message says how" grep -q -- '--harness builder|idmap|reloc|walker' err.txt
"$canary_cli" repro --harness builder crash-nomagic > out.txt 2> err.txt; rc=$?
check "a crash file decodes as its harness does (finding, exit 1)" test $rc -eq 1
check "a crash file: the planted signature" grep -q '^signature: builder:lint-cont-missing:4k-48:L3' out.txt
cp crash-nomagic nomagic.dat
"$canary_cli" repro --harness builder --raw-input nomagic.dat > out.txt 2> err.txt; rc=$?
check "--raw-input decodes any name as a fuzzer input" test $rc -eq 1

# ---- item 3: repro judges with the build that found it -----------------------
"$pgdfuzz" repro "$planted" > out.txt 2> err.txt; rc=$?
check "in-process repro says which code judged" \
	grep -q "^judge: the core (core/) linked into $(readlink -f "$pgdfuzz")" out.txt
check "in-process repro with the real core is clean" test $rc -eq 0
"$pgdfuzz" repro --fuzzer "$canary" "$planted" > out.txt 2> err.txt; rc=$?
check "repro --fuzzer CANARY of a text case finds it (exit 1)" test $rc -eq 1
check "repro --fuzzer names the binary" grep -q "^judge: the fuzzer binary $(readlink -f "$canary") (builder harness)" out.txt
check "repro --fuzzer prints the signature" grep -q '^signature: builder:lint-cont-missing:4k-48:L3' out.txt
check "repro --fuzzer prints the binary's explanation" grep -q '^--- what each step did ---' out.txt
check "repro --fuzzer prints all tables" grep -q '^--- tables (VA range' out.txt
"$pgdfuzz" repro --fuzzer "$canary" crash-nomagic > out.txt 2> err.txt; rc=$?
check "repro --fuzzer of a crash file (exit 1)" test $rc -eq 1
"$pgdfuzz" repro --fuzzer "$fuzz_dir/fuzz_builder" "$planted" > out.txt 2> err.txt; rc=$?
check "repro --fuzzer with the real builder is clean (exit 0)" test $rc -eq 0
"$pgdfuzz" repro --fuzzer "$fuzz_dir/fuzz_idmap" "$planted" > out.txt 2> err.txt; rc=$?
check "a builder case given to fuzz_idmap is refused" test $rc -eq 2
check "the harness mismatch is named" grep -q 'is a builder case; .* is the idmap harness' err.txt
# scripts/pgdfuzz runs the checkout's pgdfuzz from any directory (when this
# build is one of the checkout's presets).
preset_dir=$(cd "$fuzz_dir/.." && pwd -P)
if [ "$(dirname "$preset_dir")" = "$(cd "$src" && pwd -P)/build" ]; then
	ln -s "$src/scripts/pgdfuzz" wrapper
	(cd / && PGDFUZZ_PRESET=$(basename "$preset_dir") "$work/wrapper" repro "$planted") > out.txt 2>&1; rc=$?
	check "scripts/pgdfuzz through a symlink, from /, runs the checkout's pgdfuzz" \
		grep -q "^judge: the core (core/) linked into $preset_dir/cli/pgdfuzz" out.txt
fi
PGDFUZZ_PRESET=no-such-preset "$src/scripts/pgdfuzz" --help > out.txt 2> err.txt; rc=$?
check "scripts/pgdfuzz without a build says so (exit 2)" test $rc -eq 2
check "scripts/pgdfuzz without a build says how to build" grep -q 'not built yet' err.txt

# triage prints commands that work when pasted from anywhere.
mkdir -p fuzzers crashes
for f in "$fuzz_dir"/fuzz_*; do ln -s "$f" fuzzers/; done
ln -sf "$canary" fuzzers/fuzz_builder
ln -s "$fuzz_dir/../corpus" corpus
# A crash file without the magic: its harness from the campaign layout
# (.../builder/crash-*), or nothing to go on in a flat directory.
mkdir -p crashes/builder flat
cp crash-nomagic crashes/builder/crash-aaaa
cp planted.bin crashes/crash-bbbb
cp crash-nomagic flat/crash-cccc
# An output directory whose name needs quoting in a shell.
"$pgdfuzz" triage --minimize-time 0 --fuzzers fuzzers --out "find 'ings" crashes flat > triage.txt 2>&1; rc=$?
ln -s "find 'ings" findings
check "triage of the planted crash files exits 1" test $rc -eq 1
check "triage files both under the planted signature" grep -q 'builder:lint-cont-missing:4k-48:L3 *x2 ' triage.txt
check "triage names a crash file whose harness it cannot tell" grep -q 'flat/crash-cccc: cannot tell the harness; use --harness' triage.txt
cmd=$(sed -n 's/^- reproduce: `\(.*\)`$/\1/p' findings/findings.md | head -1)
check "findings.md gives a reproduce command" test -n "$cmd"
check "the command names absolute paths" test "${cmd:0:1}" = /
(cd / && eval "$cmd") > pasted.txt 2>&1; rc=$?
check "the pasted command reproduces the finding from / (exit 1)" test $rc -eq 1
check "the pasted command judges with the canary binary" grep -q "^judge: the fuzzer binary $(readlink -f "$canary")" pasted.txt
check "the minimized case's text form is written" test -s "findings/builder_lint-cont-missing_4k-48_L3.txt"

# ---- item 8: root causes and their variants -------------------------------------
# The planted bug in three geometries: one root cause, three variants.
mkdir -p variants
cp "$planted" variants/v48.txt
sed 's/va_bits=48/va_bits=39/; s/0xffff000000010000/0xffffff8000010000/' "$planted" > variants/v39.txt
sed 's/va_bits=48/va_bits=42/; s/0xffff000000010000/0xfffffc0000010000/' "$planted" > variants/v42.txt
cp variants/v39.txt variants/v39-again.txt
"$pgdfuzz" triage --minimize-time 0 --fuzzers fuzzers --out variant-findings variants > triage-v.txt 2>&1; rc=$?
check "triage of three geometries exits 1" test $rc -eq 1
check "one root cause, three variants" grep -q '4 files -> 1 root cause, 3 distinct findings' triage-v.txt
check "the root cause drops the geometry, with counts" grep -q '^  builder:lint-cont-missing:L3 *3 variants, 4 files$' triage-v.txt
check "each variant is listed under it" test "$(grep -c '^    builder:lint-cont-missing:4k-[0-9]*:L3 ' triage-v.txt)" -eq 3
check "findings.md has the root cause heading" grep -q '^## Root cause `builder:lint-cont-missing:L3`: 3 variants, 4 files$' variant-findings/findings.md
check "findings.md has each variant" test "$(grep -c '^### `builder:lint-cont-missing:4k-' variant-findings/findings.md)" -eq 3

# ---- item 4: outputs -------------------------------------------------------------
"$pgdfuzz" encode "$planted" -o target.bin
ln -s target.bin link.bin
"$pgdfuzz" encode "$planted" -o link.bin; rc=$?
check "encode -o SYMLINK exits 0" test $rc -eq 0
check "the symlink stays a symlink" test -L link.bin
check "its target is written" cmp -s target.bin planted.bin
ln -s missing-target.bin dangling.bin
"$pgdfuzz" encode "$planted" -o dangling.bin
check "a dangling symlink's target is created" cmp -s missing-target.bin planted.bin
printf 'old' > regular.bin
ino=$(stat -c %i regular.bin)
"$pgdfuzz" encode "$planted" -o regular.bin
check "a regular file is replaced by rename (new inode)" test "$(stat -c %i regular.bin)" != "$ino"
check "the replaced file holds the encoding" cmp -s regular.bin planted.bin
if mknod full c 1 7 2> /dev/null; then
	"$pgdfuzz" encode "$planted" -o full 2> err.txt; rc=$?
	check "a full device gives exit 2" test $rc -eq 2
	check "the device stays a device" test -c full
fi
mkfifo fifo
timeout 10 cat fifo > from-fifo.bin &
timeout 10 "$pgdfuzz" encode "$planted" -o fifo; rc=$?
wait
check "a FIFO is written through" cmp -s from-fifo.bin planted.bin
check "the FIFO stays a FIFO" test -p fifo
check "no temporary file is left" test -z "$(ls | grep '\.tmp\.')"

# ---- item 10: each operation's outcome ------------------------------------------
cat > wrap.txt <<'EOF'
harness builder
geometry granule=4k va_bits=48
ram base=0x40000000 size=64M
map va=0xfffffffffffff000 pa=0x40000000 size=8K prot=kernel
map va=0xffff000000000000 pa=0x40000000 size=4K prot=kernel
update va=0xffff000000000000 size=8K prot=ro
EOF
"$pgdfuzz" show wrap.txt > out.txt 2>&1; rc=$?
check "show of a refused map exits 0" test $rc -eq 0
check "a map wrapping past 2^64 is shown refused with its rule" grep -q '^op 0 map .*: refused (invalid.*): rule wrap' out.txt
check "an accepted map is shown ok" grep -q '^op 1 map .*: ok, ' out.txt
check "a refused update names its rule" grep -q '^op 2 update .*: refused (.*): rule ' out.txt
"$pgdfuzz" repro wrap.txt > out.txt 2>&1
check "repro prints the outcomes too" grep -q 'rule wrap' out.txt
"$pgdfuzz" show "$src/corpus/reloc/4k-39-all-ram-above-va.txt" > out.txt 2>&1
check "a relocation case shows each strategy's result" test "$(grep -cE '^(mmu-off|idmap|linear): ok after [0-9]+ instructions' out.txt)" -eq 3
check "a relocation case shows the tables it ran on" grep -q '^(the tables strategy linear ran on)' out.txt
walker_seed=$(ls "$src"/corpus/walker/*.txt | head -1)
"$pgdfuzz" show "$walker_seed" > out.txt 2>&1
check "a walker case shows each probe's translation" grep -q '^probe va=0x[0-9a-f]*: reference EL1 read: ' out.txt
check "a walker case shows Unicorn's agreement" grep -q '^AT s1e1r in Unicorn: [0-9]* probes' out.txt

# ---- item 9: a finding a kernel developer can read ------------------------------
"$canary_cli" repro "$planted" > out.txt 2>&1
check "the finding says what the rule means" grep -q '^  what it means: a contiguous group' out.txt
check "the finding gives the descriptor chain" grep -q '^    L3  desc at PA' out.txt
check "the finding lists the group's members" grep -q '\[15\] VA 0xffff00000001f000 desc 0x0000000000000000 invalid   <- reported' out.txt
check "the finding says what was intended" grep -q '^  intended: ' out.txt
check "the tables near the divergence are shown" grep -q '^--- tables near VA 0xffff00000001f000' out.txt
check "ptdump has an output-address column" grep -q 'PTE -> 0x0000040010000 ' out.txt
check "TBL-LIMITED is explained" grep -q 'TBL-LIMITED: a table descriptor on the walk restricts' out.txt

# ---- repro --kernel-src reuses a configured kernel build ----------------------------
# A stand-in Linux tree, cmake and kernel build: a build already configured
# for the tree is brought up to date with `cmake --build` only (which
# re-configures by itself when a file changed), never configured again.
mkdir -p faketree/arch/arm64/mm stubbin kbuilds/kernel-faketree/cli
: > faketree/arch/arm64/mm/mmu.c
printf '#!/bin/sh
echo "$*" >> %s/cmake-calls
' "$PWD" > stubbin/cmake
printf '#!/bin/sh
echo "kernel build ran: $*"
' > kbuilds/kernel-faketree/cli/pgdfuzz
chmod +x stubbin/cmake kbuilds/kernel-faketree/cli/pgdfuzz
printf 'PGDFUZZ_KERNEL_SRC:PATH=%s/faketree\nPGDFUZZ_KERNEL_BACKENDS:INTERNAL=mmu\n' "$PWD" \
	> kbuilds/kernel-faketree/CMakeCache.txt
PATH=$PWD/stubbin:$PATH PGDFUZZ_KERNEL_BUILDS=$PWD/kbuilds \
	"$pgdfuzz" repro --kernel-src faketree "$planted" > out.txt 2> err.txt; rc=$?
check "kernel repro with a configured build runs its pgdfuzz" grep -q '^kernel build ran: repro --kernel-src faketree' out.txt
check "a configured kernel build is not configured again" test "$(grep -c -- '--preset' cmake-calls)" -eq 0
check "a configured kernel build is brought up to date" test "$(grep -c -- '^--build ' cmake-calls)" -eq 1
# Built after the tree's files and this pgdfuzz: run as it is, no cmake.
mkdir -p kbuilds/kernel-faketree/kernel
cp stubbin/cmake kbuilds/kernel-faketree/kernel/fuzz_kernel_mmu
rm -f cmake-calls
PATH=$PWD/stubbin:$PATH PGDFUZZ_KERNEL_BUILDS=$PWD/kbuilds \
	"$pgdfuzz" repro --kernel-src faketree "$planted" > out.txt 2> err.txt; rc=$?
check "a fresh kernel build runs at once" grep -q '^kernel build ran: repro --kernel-src faketree' out.txt
check "a fresh kernel build calls no cmake" test ! -e cmake-calls
check "a fresh kernel build says so" grep -q 'is up to date (built after the tree' err.txt
# A tree file changed since: brought up to date again.
sleep 1
touch faketree/arch/arm64/mm/mmu.c
PATH=$PWD/stubbin:$PATH PGDFUZZ_KERNEL_BUILDS=$PWD/kbuilds \
	"$pgdfuzz" repro --kernel-src faketree "$planted" > out.txt 2> err.txt; rc=$?
check "a tree file newer than the kernel build brings it up to date" test "$(grep -c -- '^--build ' cmake-calls)" -eq 1
rm -f cmake-calls kbuilds/kernel-faketree/CMakeCache.txt
PATH=$PWD/stubbin:$PATH PGDFUZZ_KERNEL_BUILDS=$PWD/kbuilds \
	"$pgdfuzz" repro --kernel-src faketree "$planted" > out.txt 2> err.txt; rc=$?
check "an unconfigured kernel build is configured" grep -q -- '--preset fuzz' cmake-calls

# A harness binary's own finding report (what engines log) explains it too,
# though it records no outcomes while fuzzing.
sh -c '"$0" planted.bin; true' "$canary" > /dev/null 2> abort.txt
check "a harness's finding report has the FINDING line" grep -q '^pgdfuzz: FINDING builder:lint-cont-missing:4k-48:L3' abort.txt
check "a harness's finding report says what each op did" grep -q '^op 0 map va=0xffff000000010000 .*: ok' abort.txt
check "a harness's finding report lists the group" grep -q '<- reported' abort.txt

# ---- item 12: --help ---------------------------------------------------------------
for sub in repro show encode decode triage minimize merge; do
	"$pgdfuzz" $sub --help > out.txt 2>&1; rc=$?
	check "$sub --help exits 0" test $rc -eq 0
	check "$sub --help shows its usage" grep -q "^usage: pgdfuzz $sub" out.txt
done
"$pgdfuzz" repro --help > out.txt
check "repro --help lists --fuzzer and --raw-input" grep -q -- '--raw-input' out.txt
exit $fail
