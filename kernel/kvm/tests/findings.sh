#!/usr/bin/env bash
# findings.sh FUZZER DIR: every input listed in DIR/expected.txt gives its
# signature when fuzz_kernel_kvm judges it in report mode, twice.
set -u
fuzzer=$1 dir=$2 fail=0 n=0
while read -r file want; do
	case $file in '#'* | '') continue ;; esac
	n=$((n + 1))
	for run in 1 2; do
		got=$(PGDFUZZ_NO_ABORT=1 "$fuzzer" "$dir/$file" 2>/dev/null | sed -n 's/^pgdfuzz: VERDICT //p' | head -1)
		if [ "$got" = "$want" ]; then
			echo "ok: $file (run $run): $got"
		else
			echo "FAIL: $file (run $run): expected $want, got '${got:-no verdict}'"
			fail=1
		fi
	done
done <"$dir/expected.txt"
[ "$n" -gt 0 ] || { echo "FAIL: no input in $dir/expected.txt" && fail=1; }
exit $fail
