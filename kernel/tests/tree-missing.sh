#!/bin/sh
# tree-missing.sh PROJECT TREE WORK: a tree that lacks a needed header, or
# whose header renamed a definition the shim takes from it, must configure
# with a warning naming the missing piece (and no kernel mode), never
# build against a stale or invented definition. TREE is copied (it is the
# small file set scripts/kernel-sources extracts) and changed in WORK.
set -eu
project=$1 tree=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
status=0
check() { # name, expected warning text (a fixed string)
	if cmake -S "$project" -B "$work/build-$1" -DPGDFUZZ_KERNEL_SRC="$work/$1" \
		-DPGDFUZZ_TESTS=OFF >"$work/$1.log" 2>&1 &&
		tr -s ' \n' '  ' <"$work/$1.log" | grep -qF "$2" &&
		! grep -q "pgdfuzz kernel mode: Linux.*backend" "$work/build-$1/CMakeCache.txt" &&
		[ ! -e "$work/build-$1/kernel/kernel_registry.c" ]; then
		echo "ok   $1: $2"
	else
		echo "FAIL $1: expected a warning containing: $2 (log: $work/$1.log)"
		status=1
	fi
}
cp -r "$tree" "$work/no-hwdef"
rm "$work/no-hwdef/arch/arm64/include/asm/pgtable-hwdef.h"
check no-hwdef "no-hwdef/arch/arm64/include/asm/pgtable-hwdef.h is missing"
cp -r "$tree" "$work/renamed"
sed 's/\b__phys_to_pte_val\b/__phys_to_pte_value/g' "$tree/arch/arm64/include/asm/pgtable.h" \
	>"$work/renamed/arch/arm64/include/asm/pgtable.h"
check renamed "pgtable.h does not define: __phys_to_pte_val"
exit $status
