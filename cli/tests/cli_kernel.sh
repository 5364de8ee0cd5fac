#!/usr/bin/env bash
# pgdfuzz run/repro --kernel-src end to end (kernel builds only).
# usage: cli_kernel.sh bad|repro|run PGDFUZZ KERNEL_TREE SOURCE_DIR WORK_DIR
set -u
mode=$1 pgdfuzz=$2 ksrc=$3 src=$4 work=$5
. "$(dirname "$0")/check.sh"
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
backends=$(cd "$(dirname "$pgdfuzz")/../kernel" && ls fuzz_kernel_* | sed 's/^fuzz_kernel_//')
case_k2=$src/kernel/tests/cases/map_range-block-as-table.txt

case $mode in
bad)
	# A tree that does not exist, and one that is not a Linux tree: exit 2
	# with a message, and no kernel build is started for either.
	for cmd in run repro; do
		"$pgdfuzz" $cmd --kernel-src "$work/nowhere" "$case_k2" > out.txt 2> err.txt; rc=$?
		check "$cmd: missing tree exits 2" test $rc -eq 2
		check "$cmd: missing tree is named" grep -q "nowhere: no such directory" err.txt
		mkdir -p empty-tree
		"$pgdfuzz" $cmd --kernel-src empty-tree "$case_k2" > out.txt 2> err.txt; rc=$?
		check "$cmd: empty tree exits 2" test $rc -eq 2
		check "$cmd: empty tree message names the missing files" \
			grep -q "not a Linux tree.*arch/arm64/mm/mmu.c" err.txt
		check "$cmd: no kernel build for an empty tree" test ! -e "$src/build/kernel-empty-tree"
	done
	"$pgdfuzz" repro --kernel-src "$ksrc" --backend frob "$case_k2" 2> err.txt; rc=$?
	check "repro: unknown backend exits 2" test $rc -eq 2
	"$pgdfuzz" run --kernel-config 4k-48 2> err.txt; rc=$?
	check "run: --kernel-config without --kernel-src exits 2" test $rc -eq 2
	"$pgdfuzz" run --kernel-src "$ksrc" --kernel-config 5k-99 --out camp 2> err.txt; rc=$?
	check "run: unknown --kernel-config exits 2" test $rc -eq 2
	check "run: unknown --kernel-config lists the valid ones" grep -q "4k-48" err.txt
	"$pgdfuzz" run --kernel-src "$ksrc" kernel-frob --out camp 2> err.txt; rc=$?
	check "run: unknown kernel target exits 2" test $rc -eq 2
	"$pgdfuzz" run kernel-mmu --out camp 2> err.txt; rc=$?
	check "run: a kernel target without --kernel-src exits 2" test $rc -eq 2
	;;
repro)
	# A written-up finding of the first table builder the tree has: K2 in
	# map_range.c (6.9+), else K5 in mmu.c.
	if echo "$backends" | grep -qx map_range; then
		case_file=$case_k2 first=kernel-map_range
		sig='kernel-map_range:block-as-table:4k-48:L2' line='^map va=0xffff000000201000'
		detail='block descriptor at level 2'
	else
		case_file=$src/kernel/tests/cases/mmu-k5-block-over-table.txt first=kernel-mmu
		sig='kernel-mmu:block-not-written:4k-48:L2' line='^map va=0xffff000000200000 pa=0x40200000 size=2M'
		detail='refused an unsafe change without BUG_ON'
	fi
	"$pgdfuzz" repro --kernel-src "$ksrc" "$case_file" > repro.txt 2>&1; rc=$?
	check "finding case: exit 1" test $rc -eq 1
	check "finding case: signature" grep -q "^signature: $sig" repro.txt
	check "finding case: marked known" grep -q '^known: listed in .*known-findings.txt' repro.txt
	check "finding case: the case is printed" grep -q "$line" repro.txt
	check "finding case: the divergence names the kernel" grep -q "$detail" repro.txt
	check "finding case: tables" grep -q -- "--- tables ($first) ---" repro.txt
	check "finding case: each op's outcome" grep -q -- "^--- what each step did ($first) ---" repro.txt
	check "finding case: the ptdump has output addresses" grep -q ' -> 0x[0-9a-f]* ' repro.txt
	# Without --backend every backend taking builder cases judges it.
	for b in $backends; do
		case $b in reloc | trans | kvm) continue ;; esac # not builder cases
		check "finding case: judged by kernel-$b" grep -q "^backend: kernel-$b " repro.txt
	done
	if echo "$backends" | grep -qx mmu; then
		"$pgdfuzz" repro --kernel-src "$ksrc" --backend mmu "$case_k2" > mmu.txt 2>&1
		check "--backend mmu: only mmu" test "$(grep -c '^backend: ' mmu.txt)" -eq 1
		check "--backend mmu: its own signature" grep -q '^signature: kernel-mmu:' mmu.txt
		check "--backend mmu: no map_range verdict" test -z "$(grep kernel-map_range mmu.txt)"
	fi
	"$pgdfuzz" repro --kernel-src "$ksrc" --backend reloc "$case_k2" > wrong.txt 2>&1; rc=$?
	check "builder case with --backend reloc: exit 2" test $rc -eq 2
	if echo "$backends" | grep -qx kvm; then
		# KVM's pgtable.c: its inputs are not cases; its fuzz target judges
		# them in report mode. A seed of stage 2 (byte 1 odd) runs clean.
		seed=$src/kernel/kvm/seeds/seed-0-1
		"$pgdfuzz" repro --kernel-src "$ksrc" --backend kvm "$seed" > kvm.txt 2>&1; rc=$?
		cat kvm.txt | head -5
		check "--backend kvm: a seed is clean (exit 0)" test $rc -eq 0
		check "--backend kvm: verdict clean" grep -q '^verdict: clean' kvm.txt
		check "--backend kvm: judged by fuzz_kernel_kvm" grep -q '^judge: kernel-kvm .*fuzz_kernel_kvm' kvm.txt
		check "--backend kvm: the operations are listed" grep -q '^init stage2: 0' kvm.txt
		check "--backend kvm: maps were judged" grep -q '^map ia 0x' kvm.txt
		# Without --backend a case is never given to kvm.
		check "a builder case is not judged by kernel-kvm" test -z "$(grep '^backend: kernel-kvm' repro.txt)"
	fi
	;;
run)
	# A short campaign: every kernel target runs, the report names them,
	# nothing is left running. A crash file of a written-up finding (K2)
	# waiting in the artifacts is set aside as known, not reported; the
	# out dir is not empty, so the run is an explicit --resume.
	mkdir -p camp/kernel-map_range/artifacts
	"$pgdfuzz" encode "$case_k2" -o camp/kernel-map_range/artifacts/crash-planted-k2
	"$pgdfuzz" run --kernel-src "$ksrc" --time 20s --jobs 2 --resume --out "$work/camp" > run.txt 2>&1; rc=$?
	cat run.txt
	check "run exits 0 or 1" test $rc -eq 0 -o $rc -eq 1
	if echo "$backends" | grep -qx map_range; then
		check "the planted K2 file is listed as known" \
			grep -q '^- `kernel-map_range:block-as-table:4k-48:L2`' camp/report.md
		check "the planted K2 file is not a finding" \
			test -z "$(grep '^### `kernel-map_range:block-as-table' camp/report.md)"
	fi
	check "report.md written" test -s camp/report.md
	for b in $backends; do
		check "report lists kernel-$b" grep -q "^| kernel-$b |" camp/report.md
		check "progress lines for kernel-$b" grep -q "kernel-$b *execs=" run.txt
	done
	check "report names the tree" grep -q "kernel tree: \`$(realpath "$ksrc")\`" camp/report.md
	check "report has the known-findings section" grep -q '^## Known kernel findings seen' camp/report.md
	check "report points to kernel-findings.md" grep -q 'kernel/kernel-findings.md' camp/report.md
	check "no fuzzer outlives the campaign" test -z "$(pgrep -f "$work/camp")"

	# One target by name, without the allowlist.
	b=$(echo "$backends" | tail -1)
	"$pgdfuzz" run --kernel-src "$ksrc" --all-findings --time 3s --jobs 1 --out "$work/one" \
		"kernel-$b" > one.txt 2>&1; rc=$?
	check "one target: exits 0 or 1" test $rc -eq 0 -o $rc -eq 1
	check "one target: only kernel-$b runs" test "$(grep -c '^| kernel-[a-z_]* | [0-9]' one/report.md)" -eq 1
	check "one target: kernel-$b in the report" grep -q "^| kernel-$b |" one/report.md
	check "--all-findings: the report says the allowlist is off" grep -q 'Allowlist off' one/report.md
	check "no fuzzer outlives the second campaign" test -z "$(pgrep -f "$work/one")"
	;;
esac
exit $fail
