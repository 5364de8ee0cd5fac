#!/usr/bin/env bash
# The fuzz harnesses' emulation budget (ORACLE_FUZZ_COPY_BUDGET): fuzz_reloc
# prepares and places a relocation that copies more than the budget but does
# not run it in Unicorn, and says so; pgdfuzz repro without --fuzzer runs it;
# a case within the budget runs in the harness.
#   reloc_budget.sh PGDFUZZ FUZZ_RELOC WORK_DIR
set -u
pgdfuzz=$1 fuzzer=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
fail=0
case_of() { # segment size -> a 64K/48 case with all three strategies
	printf '%s\n' 'harness reloc' 'geometry granule=64k va_bits=48' \
		'ram base=0x40000000 size=1G' \
		'kexec strategy=all entry=0x40200000 dtb=0x7f000000' \
		"segment src=0x60000000 dst=0x40200000 size=$1"
}
expect() { # file pattern why
	grep -qE "$2" "$1" || {
		echo "FAIL: $3: no /$2/ in $1:" && sed 's/^/  /' "$1" | head -20
		fail=1
	}
}
case_of 1M >big.txt
case_of 512K >small.txt
"$pgdfuzz" repro --fuzzer "$fuzzer" big.txt >big-fuzzer.out 2>&1
expect big-fuzzer.out 'idmap: not run: .*emulation budget of 1536 KiB' \
	"the harness runs a 3 MiB relocation"
expect big-fuzzer.out 'verdict: clean|VERDICT clean' "the harness's verdict"
"$pgdfuzz" repro big.txt >big-repro.out 2>&1
expect big-repro.out 'idmap: ok after [0-9]+ instructions' "repro does not run it"
if grep -q 'budget' big-repro.out; then
	echo "FAIL: repro applies the fuzz budget" && fail=1
fi
"$pgdfuzz" repro --fuzzer "$fuzzer" small.txt >small-fuzzer.out 2>&1
expect small-fuzzer.out 'linear: ok after [0-9]+ instructions' \
	"the harness does not run a case within the budget"
[ $fail = 0 ] && echo "reloc_budget: ok"
exit $fail
