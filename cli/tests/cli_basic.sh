#!/usr/bin/env bash
# pgdfuzz encode/decode/show/repro end to end, and its error handling.
# usage: cli_basic.sh PGDFUZZ SOURCE_DIR WORK_DIR
set -u
pgdfuzz=$1 src=$2 work=$3
. "$(dirname "$0")/check.sh"
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
seed=$src/corpus/builder/4k-39-three-levels-kernel-map.txt

# encode -> decode round-trips to the canonical text.
"$pgdfuzz" encode "$seed" -o case.bin; rc=$?
check "encode exits 0" test $rc -eq 0
"$pgdfuzz" decode case.bin > decoded.txt
"$pgdfuzz" encode decoded.txt -o again.bin
check "decode/encode round-trip" cmp -s case.bin again.bin

# Malformed text: file:line: message, exit 2, nothing written.
printf 'harness builder\ngeometry granule=5k va_bits=39\n' > bad.txt
"$pgdfuzz" encode bad.txt -o bad.bin 2> err.txt; rc=$?
check "malformed text exits 2" test $rc -eq 2
check "malformed text names file:line" grep -q '^bad.txt:2: ' err.txt
check "no half-written output" test ! -e bad.bin
"$pgdfuzz" repro missing.txt 2> err.txt; rc=$?
check "missing file exits 2" test $rc -eq 2
"$pgdfuzz" run --time banana 2> err.txt; rc=$?
check "bad duration exits 2" test $rc -eq 2
"$pgdfuzz" run --minimize-time -5 2> err.txt; rc=$?
check "bad minimize time exits 2" test $rc -eq 2
check "bad minimize time is named" grep -q -- "--minimize-time -5" err.txt
"$pgdfuzz" frobnicate 2> /dev/null; rc=$?
check "unknown command exits 2" test $rc -eq 2

# repro of a clean seed: exit 0, verdict, case and tables.
"$pgdfuzz" repro "$seed" > repro.txt; rc=$?
check "repro clean exits 0" test $rc -eq 0
check "repro prints the verdict" grep -q '^verdict: clean' repro.txt
check "repro prints ptdump" grep -q 'TTBR1_EL1 \]---' repro.txt
"$pgdfuzz" repro --harness idmap "$src/corpus/idmap/4k-39-ram-above-va-extra-level.txt" > r2.txt
check "repro --harness" grep -q 'idmap harness' r2.txt

# show --raw: registers, then tables; it parses back to the same
# descriptors: turn the dump into a walker case (registers + one write per
# descriptor) and dump that case again.
for raw_seed in 4k-48-four-levels-1g-block 64k-42-two-levels-512m-block 16k-48-four-levels-root-2; do
"$pgdfuzz" show --raw "$src/corpus/builder/$raw_seed.txt" > raw.txt; rc=$?
check "show --raw exits 0" test $rc -eq 0
check "raw starts with the registers" \
	test "$(head -5 raw.txt | cut -d' ' -f1 | tr '\n' ' ')" = "TCR_EL1 TTBR0_EL1 TTBR1_EL1 MAIR_EL1 SCTLR_EL1 "
{
	echo "harness walker"
	regs="" lo=0 hi=0 writes=()
	while read -r first second rest; do
		case "$first" in
		TCR_EL1) regs="tcr=$second" ;;
		TTBR0_EL1) regs="$regs ttbr0=$second" ;;
		TTBR1_EL1) regs="$regs ttbr1=$second" ;;
		MAIR_EL1) regs="$regs mair=$second" ;;
		SCTLR_EL1) regs="$regs sctlr=$second" ;;
		table)
			base=$((${second#pa=}))
			if [ $lo -eq 0 ] || [ $base -lt $lo ]; then lo=$base; fi
			if [ $base -gt $hi ]; then hi=$base; fi ;;
		*) writes+=("$(printf 'write pa=0x%x value=%s' $((base + 8 * first)) "$second")") ;;
		esac
	done < raw.txt
	printf 'ram base=0x%x size=0x%x\n' $lo $((hi - lo + 65536))
	echo "regs $regs"
	printf '%s\n' "${writes[@]}"
	echo "probe va=0xffffff8000000000"
} > rebuilt.txt
"$pgdfuzz" show --raw rebuilt.txt > raw2.txt
check "show --raw parses back to the same descriptors ($raw_seed)" cmp -s raw.txt raw2.txt
check "the dump has descriptors" test "$(grep -c '^  [0-9]' raw.txt)" -gt 3
done

exit $fail
