#!/usr/bin/env bash
# Malformed inputs and arguments, each run through pgdfuzz: exit status 2, a
# message naming the problem (file:line for case files), no crash, nothing
# half-written. Writes the README's bad-input table from what it saw
# (WORK/bad-inputs.md) and fails if README.md's copy differs; regenerate it
# with PGDFUZZ_UPDATE_README=1.
# usage: cli_bad_input.sh PGDFUZZ SOURCE_DIR WORK_DIR
set -u
pgdfuzz=$1 src=$2 work=$3
. "$(dirname "$0")/check.sh"
rm -rf "$work" && mkdir -p "$work/in" && cd "$work" || exit 1
case_head='harness builder
geometry granule=4k va_bits=48
ram base=0x40000000 size=64M'
# t NAME LINES...: a text case file in/NAME from the header and LINES.
t() {
	local name=$1
	shift
	{ echo "$case_head"; printf '%s\n' "$@"; } > "in/$name"
}

# ---- the inputs --------------------------------------------------------------
: > in/empty.txt
printf '# only a comment\n\n' > in/comments.txt
{ cat "$src/cli/tests/planted.txt"; printf '\0junk'; } > in/stray-nul.txt
printf 'harness builder\n\001\002\003garbage\n' > in/control.txt
printf '\x7fELF\x02\x01\x01\x00\x00\x00' > in/random.bin
t directive.txt 'mapp va=0 pa=0 size=4K'
printf 'harness kernel\n' > in/harness.txt
printf 'harness builder\nharness idmap\n' > in/harness-twice.txt
printf 'harness builder\ngeometry granule=5k va_bits=39\n' > in/granule.txt
printf 'harness builder\ngeometry granule=4k va_bits=60\n' > in/va-bits.txt
printf 'harness builder\ngeometry granule=4k va_bits=48 pa_bits=47\n' > in/pa-bits.txt
printf 'harness builder\ngeometry granule=4k va_bits=48 root_entries=3\n' > in/root-entries.txt
printf 'harness builder\nram base=0x40000000 size=0\n' > in/ram-size.txt
printf 'harness builder\nram base=0x40000100 size=64M\n' > in/ram-align.txt
printf 'harness builder\nram base=0x40000000 size=64M\nram base=0x41000000 size=64M\n' > in/ram-overlap.txt
{ echo 'harness builder'; for i in $(seq 0 8); do printf 'ram base=0x%x size=4K\n' $((0x40000000 + i * 0x100000)); done; } > in/ram-banks.txt
printf 'harness builder\nram base=0xfffffff000000 size=1G\n' > in/ram-beyond.txt
t number.txt 'map va=0x0 pa=0x40000000 size=12Q prot=kernel'
t overflow.txt 'map va=0x1ffffffffffffffffff pa=0x40000000 size=4K prot=kernel'
t prot.txt 'map va=0 pa=0x40000000 size=4K prot=weird'
t flags.txt 'map va=0 pa=0x40000000 size=4K prot=kernel flags=no_tlb'
t missing-key.txt 'map pa=0x40000000 size=4K prot=kernel'
t duplicate-key.txt 'map va=0 va=0 pa=0x40000000 size=4K'
t unknown-key.txt 'map va=0 pa=0x40000000 size=4K colour=blue'
t no-value.txt 'map va= pa=0x40000000 size=4K'
{ echo "$case_head"; for i in $(seq 0 32); do echo "map va=0x$((i))000 pa=0x40000000 size=4K"; done; } > in/ops.txt
t budget.txt 'map va=0xffff000000000000 pa=0x40000000 size=1T flags=no_block'
{ echo "$case_head"; printf 'map va=0 pa=0 size=4K # %*s\n' 1100 x; } > in/long-line.txt
t segment.txt 'segment src=0x40000000 dst=0x40100000 size=4K'
{ printf 'harness reloc\nram base=0x40000000 size=64M\nkexec strategy=all\n'; for i in $(seq 0 16); do printf 'segment src=0x%x dst=0x%x size=4K\n' $((0x40000000 + i * 0x1000)) $((0x41000000 + i * 0x1000)); done; } > in/segments.txt
printf 'harness reloc\nram base=0x40000000 size=64M\nkexec strategy=all\nsegment src=0x40000000 dst=0x41000000 size=1M\n' > in/kexec-pages.txt
printf 'harness reloc\nram base=0x40000000 size=64M\nkexec strategy=sideways\n' > in/strategy.txt
printf 'harness walker\nram base=0x40000000 size=64M\nwrite pa=0x40000004 value=1\n' > in/write.txt
{ printf 'harness walker\nram base=0x40000000 size=64M\n'; for i in $(seq 0 32); do echo "probe va=0x$i"; done; } > in/probes.txt
head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' '#' > in/too-large.txt
mkdir -p in/a-directory
printf 'crash bytes' > in/crash-0123456789abcdef
"$pgdfuzz" encode "$src/cli/tests/planted.txt" -o in/case.bin
: > in/regular-file

# ---- the runs ------------------------------------------------------------------
table=bad-inputs.md
: > "$table"
n=0
# bad DESCRIPTION EXPECTED_MESSAGE_PART COMMAND...: runs COMMAND in a
# scratch copy of the work dir state and checks exit 2, the message,
# no signal, no file left behind.
bad() {
	local what=$1 expect=$2
	shift 2
	n=$((n + 1))
	local before after rc
	before=$(find . -path ./bad-inputs.md -prune -o -path ./err.txt -prune -o -path ./out.txt -prune -o -print | sort)
	"$@" > out.txt 2> err.txt
	rc=$?
	after=$(find . -path ./bad-inputs.md -prune -o -path ./err.txt -prune -o -path ./out.txt -prune -o -print | sort)
	local first
	first=$(grep -v '^$' err.txt | head -1)
	check "$n: $what: exit 2 (got $rc)" test "$rc" -eq 2
	check "$n: $what: says '$expect'" grep -qF -- "$expect" err.txt
	check "$n: $what: nothing written or left behind" test "$before" = "$after"
	# The table: the command as a user types it, paths relative to here.
	local shown=""
	for a in "$@"; do
		[ "$a" = "$pgdfuzz" ] && a=pgdfuzz
		a=${a#"$src"/} # the repository's files relative to its root
		case "$a" in *" "*) a="'$a'" ;; esac
		shown="$shown $a"
	done
	first=${first//"$src"\//}
	first=${first//|/\\|}
	printf '| %d | %s | `%s` | %d | `%s` |\n' "$n" "$what" "${shown# }" "$rc" "$first" >> "$table"
	rm -f out.txt
}
P=$pgdfuzz
bad "empty file" "empty file" $P show in/empty.txt
bad "only comments" "no directives" $P show in/comments.txt
bad "a valid case plus a NUL byte" "in/stray-nul.txt:8: byte 0x00" $P show in/stray-nul.txt
bad "control bytes in text" "in/control.txt:2: byte 0x01" $P show in/control.txt
bad "binary without the 0xc5 magic" "in/random.bin:1: byte 0x7f" $P show in/random.bin
bad "unknown directive" "in/directive.txt:4: unknown directive 'mapp'" $P show in/directive.txt
bad "unknown harness" "in/harness.txt:1: harness: unknown harness 'kernel'" $P show in/harness.txt
bad "harness line twice" "in/harness-twice.txt:2: duplicate 'harness' line" $P show in/harness-twice.txt
bad "granule 5k" "in/granule.txt:2: granule: must be 4k, 16k or 64k" $P show in/granule.txt
bad "va_bits 60" "in/va-bits.txt:2: va_bits: 60 is out of range" $P show in/va-bits.txt
bad "pa_bits 47" "in/pa-bits.txt:2: pa_bits: 47 is not one of" $P show in/pa-bits.txt
bad "root_entries 3" "in/root-entries.txt:2: root_entries: 3 is not a power of two" $P show in/root-entries.txt
bad "RAM bank of size 0" "in/ram-size.txt:2: ram: size must not be 0" $P show in/ram-size.txt
bad "unaligned RAM base" "in/ram-align.txt:2: ram: base and size must be 4K aligned" $P show in/ram-align.txt
bad "overlapping RAM banks" "in/ram-overlap.txt:3: ram: bank overlaps bank 0" $P show in/ram-overlap.txt
bad "9 RAM banks (max 8)" "in/ram-banks.txt:10: too many ram banks (max 8)" $P show in/ram-banks.txt
bad "RAM beyond 2^52" "in/ram-beyond.txt:2: ram: bank must end at or below 2^52" $P show in/ram-beyond.txt
bad "bad number suffix" "in/number.txt:4: size: " $P show in/number.txt
bad "number over 64 bits" "in/overflow.txt:4: va: " $P show in/overflow.txt
bad "unknown prot" "in/prot.txt:4: prot: unknown 'weird'" $P show in/prot.txt
bad "unknown flag" "in/flags.txt:4: flags: unknown flag 'no_tlb'" $P show in/flags.txt
bad "map without va" "in/missing-key.txt:4: map: missing va=" $P show in/missing-key.txt
bad "key given twice" "in/duplicate-key.txt:4: map: duplicate key 'va'" $P show in/duplicate-key.txt
bad "unknown key" "in/unknown-key.txt:4: map: unknown key 'colour'" $P show in/unknown-key.txt
bad "key without value" "in/no-value.txt:4: map: 'va' needs a value" $P show in/no-value.txt
bad "33 operations (max 32)" "in/ops.txt:36: too many operations (max 32)" $P show in/ops.txt
bad "over the leaf budget" "in/budget.txt:4: map needs over 16384 leaf descriptors" $P show in/budget.txt
bad "line of 1100 characters" "in/long-line.txt:4: line too long (max 1023 characters)" $P show in/long-line.txt
bad "segment without kexec" "in/segment.txt:4: segment without a 'kexec' line" $P show in/segment.txt
bad "17 segments (max 16)" "in/segments.txt:20: too many segments (max 16)" $P show in/segments.txt
bad "kexec over 64 pages" "in/kexec-pages.txt:4: kexec segments copy more than 64 pages" $P show in/kexec-pages.txt
bad "unknown strategy" "in/strategy.txt:3: strategy: unknown strategy" $P show in/strategy.txt
bad "unaligned walker write" "in/write.txt:3: write: pa must be 8-byte aligned" $P show in/write.txt
bad "33 probes (max 32)" "in/probes.txt:35: too many probes (max 32)" $P show in/probes.txt
bad "file over 1 MiB" "in/too-large.txt: larger than 1048576 bytes" $P show in/too-large.txt
bad "a directory as the case" "in/a-directory: is a directory" $P show in/a-directory
bad "missing file" "in/missing.txt: No such file or directory" $P repro in/missing.txt
bad "crash file without a harness" "--harness builder|idmap|reloc|walker" $P repro in/crash-0123456789abcdef
bad "--raw-input without a harness" "--raw-input needs the harness" $P show --raw-input in/case.bin
bad "unknown command" "usage: pgdfuzz <command>" $P frobnicate
bad "repro without a file" "no input file" $P repro
bad "repro with two files" "one input file only" $P repro in/case.bin in/case.bin
bad "unknown harness option" "--harness banana: unknown harness" $P repro --harness banana in/case.bin
bad "--harness without a value" "--harness needs a value" $P repro --harness
bad "unknown option" "unknown option --frobnicate" $P repro --frobnicate in/case.bin
bad "--fuzzer that does not exist" "--fuzzer in/nonexistent: No such file" $P repro --fuzzer in/nonexistent in/case.bin
bad "--fuzzer not named fuzz_<harness>" "not named fuzz_<harness>" $P repro --fuzzer /bin/true in/case.bin
bad "encode without -o" "no -o BIN" $P encode "$src/cli/tests/planted.txt"
bad "encode -o a directory" "in/a-directory: is a directory" $P encode "$src/cli/tests/planted.txt" -o in/a-directory
# A private /dev/full (c 1 7) when we may create one, so a build that
# replaces devices cannot damage the real one.
full=/dev/full
mknod in/full c 1 7 2> /dev/null && full=in/full
bad "encode -o /dev/full" "$full: write failed: No space left on device" $P encode "$src/cli/tests/planted.txt" -o $full
check "$full is still a character device" test -c $full
bad "encode a binary case" "not a text case (already binary" $P encode in/case.bin -o in/again.bin
bad "encode a malformed case" "in/granule.txt:2: granule" $P encode in/granule.txt -o in/granule.bin
bad "decode a malformed case" "in/stray-nul.txt:8: byte 0x00" $P decode in/stray-nul.txt
bad "run --time banana" "--time banana" $P run --time banana
bad "run --jobs 2x" "--jobs 2x: expected 1..64" $P run --jobs 2x
bad "run --jobs 0" "--jobs 0: expected 1..64" $P run --jobs 0
bad "run --engine honggfuzz" "honggfuzz" $P run --engine honggfuzz
bad "run --minimize-time -5" "--minimize-time -5" $P run --minimize-time -5
bad "run --fuzzers /nonexistent" "--fuzzers /nonexistent: no fuzz_builder" $P run --fuzzers /nonexistent walker
bad "triage without a path" "no input directory or file" $P triage
bad "triage of a missing path" "in/missing: no such file or directory" $P triage in/missing
bad "triage --engine bogus" "--engine bogus: expected libfuzzer or afl" $P triage --engine bogus in
bad "triage --minimize-time soon" "--minimize-time soon: expected a duration" $P triage --minimize-time soon in
bad "minimize without a file" "no FILE" $P minimize --harness builder
bad "minimize --time 0" "--time 0: expected seconds" $P minimize --time 0 in/case.bin
bad "merge with one directory" "need OUT_DIR and at least one corpus DIR" $P merge --harness builder in
bad "merge of a file" "in/regular-file: not a directory" $P merge --harness builder out in/regular-file
bad "--kernel-src that does not exist" "--kernel-src in/none: no such directory" $P repro --kernel-src in/none in/case.bin
bad "--kernel-src not a Linux tree" "not a Linux tree" $P repro --kernel-src in in/case.bin
bad "--backend unknown" "--backend bogus: expected map_range, mmu, reloc, trans or kvm" $P repro --kernel-src in --backend bogus in/case.bin
check "at least 40 bad inputs ran" test "$n" -ge 40

# The README's table is this run's.
readme=$src/README.md
begin='<!-- bad-input table: generated by cli/tests/cli_bad_input.sh -->'
end='<!-- end of bad-input table -->'
{
	echo "$begin"
	echo "| # | input | command | exit | message (first line of stderr) |"
	echo "|---:|---|---|---:|---|"
	cat "$table"
	echo "$end"
} > table-section.md
if [ "${PGDFUZZ_UPDATE_README:-0}" = 1 ]; then
	awk -v b="$begin" -v e="$end" -v f="$work/table-section.md" '
		$0 == b { while ((getline line < f) > 0) print line; skip = 1; next }
		$0 == e { skip = 0; next }
		!skip' "$readme" > readme.new && cat readme.new > "$readme"
fi
sed -n "\|^$begin\$|,\|^$end\$|p" "$readme" > readme-section.md
check "README's bad-input table matches this run (PGDFUZZ_UPDATE_README=1 regenerates it)" \
	cmp -s table-section.md readme-section.md
exit $fail
