#!/usr/bin/env bash
# bench/kvm_mutants/run.sh: seeded bugs in KVM's pgtable.c, and how fast
# fuzz_kernel_kvm finds them.
#
#   bench/kvm_mutants/run.sh --kernel-src LINUX [--cap SECONDS] [--trials N]
#                            [--work DIR] [ID...]
#
# The tree is mirrored (symlinks) into DIR/tree (default
# build/kvm-mutants/<tree name>), and a fuzz-preset build (clang, libFuzzer,
# ASan+UBSan) of it is made in DIR/build. Then, for the unmutated tree (the
# control, which must find nothing) and for every mutant of mutants.py that
# applies to the tree (or the IDs named): pgtable.c is replaced by the
# mutated copy, fuzz_kernel_kvm rebuilt, the shipped kvm seeds replayed, and
# the fuzzer run TRIALS times (default 2, -seed=1..N) from the seeds for at
# most CAP seconds each (default 60): wall time and executions to the first
# finding, and its signature. The findings of kernel/known-findings.txt do
# not count (the fuzzer goes on), so a mutant is found only by what it adds. Prints a Markdown table (also DIR/results.md).
# Not a test: minutes per mutant. Exit status 1 when the control finds
# something or a build fails, 2 for bad arguments.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here=$root/bench/kvm_mutants
cap=60 trials=2 work= tree=
ids=()
while [ $# -gt 0 ]; do
	case $1 in
	--kernel-src) tree=$2 && shift 2 ;;
	--cap) cap=$2 && shift 2 ;;
	--trials) trials=$2 && shift 2 ;;
	--work) work=$2 && shift 2 ;;
	-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' && exit 0 ;;
	-*) echo "run.sh: unknown option $1" >&2 && exit 2 ;;
	*) ids+=("$1") && shift ;;
	esac
done
[ -n "$tree" ] || { echo "run.sh: --kernel-src LINUX is required" >&2 && exit 2; }
case "$cap$trials" in *[!0-9]*) echo "run.sh: --cap and --trials take whole numbers" >&2 && exit 2 ;; esac
tree=$(realpath "$tree")
rel=arch/arm64/kvm/hyp/pgtable.c
[ -f "$tree/$rel" ] || { echo "run.sh: $tree/$rel: no such file" >&2 && exit 2; }
work=${work:-$root/build/kvm-mutants/$(basename "$tree")}
mkdir -p "$work/logs"
work=$(realpath "$work")

# The mirror: every file a symlink into the tree, pgtable.c a copy replaced
# per run.
if [ ! -d "$work/tree" ]; then
	cp -rs "$tree" "$work/tree.tmp" && mv "$work/tree.tmp" "$work/tree"
fi
# A fresh copy, not the symlink: its new mtime makes the build recompile
# (an object built from a mutant is newer than the tree's own file).
restore() { rm -f "$work/tree/$rel" && cp "$tree/$rel" "$work/tree/$rel"; }
trap restore EXIT
restore
if [ ${#ids[@]} -eq 0 ]; then
	mapfile -t ids < <(python3 "$here/mutants.py" list "$tree/$rel" | cut -f1)
fi
[ ${#ids[@]} -gt 0 ] || { echo "run.sh: no mutant applies to $tree/$rel" >&2 && exit 1; }

if [ ! -f "$work/build/CMakeCache.txt" ]; then
	(cd "$root" && cmake --preset fuzz -B "$work/build" -DPGDFUZZ_KERNEL_SRC="$work/tree") \
		>"$work/logs/configure.log" 2>&1 || {
		echo "run.sh: configuring failed; see $work/logs/configure.log" >&2
		exit 1
	}
fi
fuzzer=$work/build/kernel/fuzz_kernel_kvm
export PGDFUZZ_KERNEL_KNOWN=$root/kernel/known-findings.txt
build() { # log
	cmake --build "$work/build" --target fuzz_kernel_kvm -j"$(nproc)" >"$1" 2>&1
}

# One row: replay of the seeds, then the trials.
rows=$work/rows.tsv
: >"$rows"
measure() { # id description
	local id=$1 what=$2 replay sig t start end execs found times=() sigs=()
	if ! build "$work/logs/$id.build.log"; then
		echo "run.sh: $id does not build; see $work/logs/$id.build.log" >&2
		return 1
	fi
	if "$fuzzer" -runs=0 "$root/kernel/kvm/seeds" >"$work/logs/$id.replay.log" 2>&1; then
		replay=clean
	else
		replay="killed: $(sed -n 's/^pgdfuzz: FINDING //p' "$work/logs/$id.replay.log" | head -1)"
	fi
	for t in $(seq 1 "$trials"); do
		rm -rf "$work/corpus" "$work/artifacts" && mkdir -p "$work/corpus" "$work/artifacts"
		cp "$root"/kernel/kvm/seeds/* "$work/corpus/"
		start=$(date +%s.%N)
		"$fuzzer" -seed="$t" -max_total_time="$cap" -print_final_stats=1 \
			-artifact_prefix="$work/artifacts/" "$work/corpus" >"$work/logs/$id.trial$t.log" 2>&1 || true
		end=$(date +%s.%N)
		sig=$(sed -n 's/^pgdfuzz: FINDING //p' "$work/logs/$id.trial$t.log" | head -1)
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/logs/$id.trial$t.log" | tail -1)
		if [ -n "$sig" ]; then
			times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f s", b - a }') (${execs:-?} execs)")
			sigs+=("$sig")
		else
			times+=("not in ${cap} s (${execs:-?} execs)")
		fi
	done
	found=$(printf '%s\n' "${sigs[@]:-}" | sort -u | sed '/^$/d' | paste -sd ' ' -)
	printf '%s\t%s\t%s\t%s\t%s\n' "$id" "$what" "$replay" "$(IFS=';'; echo "${times[*]}")" "${found:--}" >>"$rows"
}

echo "run.sh: control (the tree as it is)" >&2
measure control "none (the tree as it is)" || exit 1
control_found=$(cut -f5 "$rows" | tail -1)
for id in "${ids[@]}"; do
	what=$(python3 "$here/mutants.py" list "$tree/$rel" | awk -F'\t' -v id="$id" '$1 == id { print $2 }')
	[ -n "$what" ] || { echo "run.sh: $id does not apply to $tree/$rel" >&2 && continue; }
	echo "run.sh: $id: $what" >&2
	python3 "$here/mutants.py" apply "$id" "$tree/$rel" "$work/mutated.c"
	rm -f "$work/tree/$rel" && cp "$work/mutated.c" "$work/tree/$rel"
	measure "$id" "$what" || { restore; exit 1; }
	restore
done
build "$work/logs/restore.build.log" || true

{
	echo "KVM pgtable.c mutants, $(basename "$tree"), $(date -u +%Y-%m-%d), $trials trial(s) of at most $cap s each, fuzz_kernel_kvm (ASan+UBSan), $(nproc) cores"
	echo
	echo "| mutant | seeded bug | replay of the seeds | trials: time to the first finding | signatures |"
	echo "|---|---|---|---|---|"
	while IFS=$'\t' read -r id what replay times found; do
		printf '| %s | %s | %s | %s | %s |\n' "$id" "$what" "$replay" "${times//;/; }" "${found//kernel-kvm:/\`kernel-kvm:}"
	done <"$rows" | sed 's/\(`kernel-kvm:[^ |]*\)/\1`/g'
} | tee "$work/results.md"
[ "$control_found" = "-" ] || { echo "run.sh: the control run found something" >&2 && exit 1; }
