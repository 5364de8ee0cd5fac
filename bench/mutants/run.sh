#!/usr/bin/env bash
# bench/mutants/run.sh: the mutation benchmark (Magma-style table).
#
#   bench/mutants/run.sh [--cap SECONDS] [--trials N] [--replay-only] [--no-control]
#                        [--own-harness] [--expect-killed] [--work DIR] [--out FILE] [ID...]
#   bench/mutants/run.sh --render ROWS [--cap SECONDS] [--trials N] [--out FILE]
#
# For every mutant of bench/mutants/mutate.py (or the IDs named): apply it to
# a scratch copy of the tree (DIR/src, default build/mutants/src), build the
# harnesses there with the fuzz preset (clang, libFuzzer, ASan+UBSan; ccache
# when installed), then
#   1. replay the shipped corpus (every harness's seeds and the regressions)
#      through fuzz_builder, fuzz_idmap and fuzz_reloc: killed or not;
#   2. unless --replay-only, fuzz the mutant's harness from its seeds and the
#      regressions, TRIALS times (default 3, seeds 1..N), each capped at CAP
#      seconds (default 60): time and executions to the first finding.
# A control run of the unmutated tree comes first (replay and one capped
# trial per harness) and must find nothing. The table goes to stdout and to
# FILE (default DIR/results.md); logs stay in DIR/logs. --own-harness builds
# and replays only each mutant's own harness (CI: fewer links). --render
# prints the table of an earlier run's DIR/rows.tsv (rows of several runs
# may be concatenated; ROWS.control holds the control line).
# Exit status: 0 when the benchmark ran (whatever the kill rate), 1 when the
# control run found something, a mutant no longer applies or does not build,
# or with --expect-killed a mutant survived the replay; 2 for bad arguments.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
here=$root/bench/mutants
cap=60 trials=3 replay_only=0 control=1 own=0 expect=0 work=$root/build/mutants out= render=
ids=()
while [ $# -gt 0 ]; do
	case $1 in
	--cap) cap=$2; shift 2 ;;
	--trials) trials=$2; shift 2 ;;
	--replay-only) replay_only=1; shift ;;
	--no-control) control=0; shift ;;
	--own-harness) own=1; shift ;;
	--render) render=$2; shift 2 ;;
	--expect-killed) expect=1; shift ;;
	--work) work=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	-h|--help) sed -n '2,27p' "$0"; exit 0 ;;
	-*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	*) ids+=("$1"); shift ;;
	esac
done
case $cap$trials in *[!0-9]*) echo "run.sh: --cap and --trials take whole numbers" >&2; exit 2 ;; esac
median() { sort -g | awk '{a[NR]=$1} END {if (NR) print (NR % 2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
status=0
date_utc=$(date -u '+%Y-%m-%d %H:%M UTC')
ctl=
if [ -n "$render" ]; then
	rows=$render
	[ -f "$rows" ] || { echo "run.sh: $rows: no such file" >&2; exit 2; }
	out=${out:-/dev/null}
	[ ! -f "$rows.control" ] || ctl=$(cat "$rows.control")
	control=$([ -n "$ctl" ] && echo 1 || echo 0)
	date_utc="$(date -u -r "$rows" '+%Y-%m-%d %H:%M UTC') (rendered from $rows)"
	read -r -a ids <<<"$(cut -f1 "$rows" | tr '\n' ' ')"
	if awk -F'\t' '$5 != "-" {f=1} END {exit !f}' "$rows"; then replay_only=0; else replay_only=1; fi
else
[ ${#ids[@]} -gt 0 ] || read -r -a ids <<<"$(python3 "$here/mutate.py" ids)"
for id in "${ids[@]}"; do python3 "$here/mutate.py" file "$id" >/dev/null || exit 2; done
mkdir -p "$work/logs"
work=$(cd "$work" && pwd)
out=${out:-$work/results.md}
src=$work/src build=$work/src/build/fuzz logs=$work/logs

if command -v ccache >/dev/null; then
	export CMAKE_C_COMPILER_LAUNCHER=ccache CMAKE_CXX_COMPILER_LAUNCHER=ccache
	export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root} CCACHE_NOHASHDIR=1
fi

# The scratch tree: tracked and new (not ignored) files of this tree.
files() {
	(cd "$root" && git ls-files -co --exclude-standard -z 2>/dev/null) ||
		(cd "$root" && find . -path ./build -prune -o -type f -print0)
}
files | python3 "$here/mutate.py" sync "$root" "$src"
if [ ! -f "$build/CMakeCache.txt" ]; then
	(cd "$src" && nice -n 10 cmake --preset fuzz -DPGDFUZZ_TESTS=OFF >"$logs/configure.log" 2>&1) ||
		{ echo "run.sh: configure failed, see $logs/configure.log" >&2; exit 1; }
fi
harnesses=(builder idmap reloc)
targets=(fuzz_builder fuzz_idmap fuzz_reloc)
corpora=()
for d in builder idmap reloc walker regressions; do corpora+=("$build/corpus/$d"); done

build_tree() { # log [harness]
	local t=("${targets[@]}")
	[ $# -lt 2 ] || t=("fuzz_$2")
	nice -n 10 cmake --build "$build" -j2 --target "${t[@]}" >"$1" 2>&1
}

# A finding's signature from a harness log, or nothing.
signature() {
	local log=$1 sig
	sig=$(grep -m1 -o 'pgdfuzz: FINDING [^ ]*' "$log" | sed 's/pgdfuzz: FINDING //') || true
	[ -n "$sig" ] || sig=$(grep -m1 -o 'SUMMARY: [A-Za-z]*Sanitizer: [a-z-]*' "$log" |
		sed 's/SUMMARY: \([A-Za-z]*\)Sanitizer: /\1:/') || true
	[ -n "$sig" ] || { grep -q 'runtime error:' "$log" && sig=ubsan:runtime-error; } || true
	[ -n "$sig" ] || { grep -q 'ERROR: libFuzzer: timeout' "$log" && sig=libfuzzer:timeout; } || true
	[ -n "$sig" ] || { grep -q 'ERROR: libFuzzer: out-of-memory' "$log" && sig=libfuzzer:oom; } || true
	[ -n "$sig" ] || { grep -q 'ERROR: libFuzzer: deadly signal' "$log" && sig=libfuzzer:crash; } || true
	printf '%s' "$sig"
}

# replay TAG FIRST_HARNESS: the corpus through every harness, the mutant's
# own first (only that one with --own-harness); prints the first signature
# (empty: survived).
replay() {
	local tag=$1 first=$2 h sig order=("$2")
	[ $own = 1 ] || for h in "${harnesses[@]}"; do [ "$h" = "$first" ] || order+=("$h"); done
	for h in "${order[@]}"; do
		local log=$logs/$tag.replay.$h.log
		mkdir -p "$work/replay"
		nice -n 10 "$build/fuzz/fuzz_$h" -runs=0 -timeout=10 -rss_limit_mb=2560 \
			-artifact_prefix="$work/replay/" "${corpora[@]}" >"$log" 2>&1 || true
		sig=$(signature "$log")
		if [ -n "$sig" ]; then printf '%s' "$sig"; return; fi
		grep -q 'Done [0-9]* runs' "$log" ||
			{ printf 'replay-did-not-finish(%s)' "$h"; return; }
	done
}

# trial TAG HARNESS SEED: prints "seconds execs signature" ("- - -" if none).
trial() {
	local tag=$1 h=$2 seed=$3 dir=$work/trial
	rm -rf "$dir"; mkdir -p "$dir/corpus" "$dir/artifacts"
	local log=$logs/$tag.fuzz.$h.$seed.log t0 t1 sig execs
	t0=$(date +%s.%N)
	nice -n 10 "$build/fuzz/fuzz_$h" -seed="$seed" -max_total_time="$cap" -timeout=10 \
		-rss_limit_mb=2560 -print_final_stats=1 -artifact_prefix="$dir/artifacts/" \
		"$dir/corpus" "$build/corpus/$h" "$build/corpus/regressions" >"$log" 2>&1 || true
	t1=$(date +%s.%N)
	sig=$(signature "$log")
	if [ -z "$sig" ]; then echo "- - -"; return; fi
	execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$') ||
		execs=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#') || execs='?'
	printf '%.1f %s %s\n' "$(echo "$t1 - $t0" | bc)" "${execs:-?}" "$sig"
}


rows=$work/rows.tsv
: >"$rows"

if [ $control = 1 ]; then
	echo "run.sh: control (unmutated) build" >&2
	build_tree "$logs/control.build.log" || { echo "run.sh: control build failed" >&2; exit 1; }
	sig=$(replay control builder)
	ctl="replay ${sig:-clean}"
	[ -z "$sig" ] || status=1
	if [ $replay_only = 0 ]; then
		for h in "${harnesses[@]}"; do
			read -r secs execs sig <<<"$(trial control "$h" 1)"
			ctl="$ctl; $h ${cap}s: $([ "$sig" = - ] && echo clean || echo "$sig")"
			[ "$sig" = - ] || status=1
		done
	fi
	echo "run.sh: control: $ctl" >&2
	echo "$ctl" >"$rows.control"
fi

for id in "${ids[@]}"; do
	file=$(python3 "$here/mutate.py" file "$id")
	h=$(python3 "$here/mutate.py" field "$id" harness)
	cat=$(python3 "$here/mutate.py" field "$id" category)
	eq=$(python3 "$here/mutate.py" field "$id" equivalent)
	if ! python3 "$here/mutate.py" apply "$id" "$src"; then
		printf '%s\t%s\t%s\tdoes-not-apply\t-\t-\t-\t-\t-\t%s\n' "$id" "$cat" "$h" "${eq:--}" >>"$rows"
		status=1
		continue
	fi
	echo "run.sh: $id ($file, $h)" >&2
	if ! build_tree "$logs/$id.build.log" $([ $own = 1 ] && echo "$h"); then
		printf '%s\t%s\t%s\tbuild-failed\t-\t-\t-\t-\t-\t%s\n' "$id" "$cat" "$h" "${eq:--}" >>"$rows"
		python3 "$here/mutate.py" sync "$root" "$src" "$file"
		status=1
		continue
	fi
	rsig=$(replay "$id" "$h")
	if [ $expect = 1 ] && [ -z "$rsig" ]; then
		echo "run.sh: $id survived the corpus replay" >&2
		status=1
	fi
	times=() execs_list=() fsig=- kills=0
	# Equivalent mutants are replayed (a kill would disprove the claim) but
	# not fuzzed: no time to detect exists.
	if [ $replay_only = 0 ] && [ -z "$eq" ]; then
		for t in $(seq 1 "$trials"); do
			read -r secs execs sig <<<"$(trial "$id" "$h" "$t")"
			if [ "$sig" != - ]; then
				kills=$((kills + 1)); times+=("$secs"); execs_list+=("$execs")
				[ "$fsig" != - ] || fsig=$sig
			else
				times+=(">$cap"); execs_list+=("-")
			fi
		done
	fi
	# Empty fields would collapse in `read` (tab is IFS whitespace): "-".
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$cat" "$h" \
		"$([ -n "$rsig" ] && echo yes || echo no)" "$([ $replay_only = 1 ] || [ -n "$eq" ] && echo - || echo "$kills/$trials")" \
		"$(IFS=/; echo "${times[*]:--}")" "$(IFS=/; echo "${execs_list[*]:--}")" \
		"${rsig:--}" "$fsig" "${eq:--}" >>"$rows"
	# Back to the original text (fresh mtime: the next build recompiles it).
	python3 "$here/mutate.py" sync "$root" "$src" "$file"
done

fi

# ---- the table --------------------------------------------------------------
{
	echo "Mutation benchmark, $date_utc: ${#ids[@]} mutants, fuzz preset (libFuzzer, ASan+UBSan),"
	if [ $replay_only = 1 ]; then echo "corpus replay only."; else
		echo "$trials trials of at most ${cap} s each per mutant (one process, the mutant's harness, from its seeds and the regressions)."; fi
	[ $control = 0 ] || echo "Control (unmutated): $ctl."
	echo
	echo "| mutant | kind | harness | killed by replay | fuzz kills | time to finding (s) per trial | executions per trial | signature |"
	echo "|---|---|---|---|---|---|---|---|"
	while IFS=$'\t' read -r id cat h rk fk tm ex rsig fsig eq; do
		sig=$rsig; [ "$sig" != - ] || sig=$fsig
		if [ -n "$eq" ] && [ "$eq" != - ]; then
			echo "| $id | $cat | $h | $rk | $fk | $tm | $ex | equivalent: $eq |"
		else
			echo "| $id | $cat | $h | $rk | $fk | $tm | $ex | \`$sig\` |"
		fi
	done <"$rows"
	echo
	awk -F'\t' -v replay_only=$replay_only -v trials="$trials" '
		($10 == "-" || $10 == "") { n++; if ($4 == "yes") r++; split($5, k, "/"); if (k[1] > 0) f++ }
		$10 != "-" && $10 != "" { e++ }
		END {
			printf "Non-equivalent mutants: %d (equivalent, not counted: %d). ", n, e
			printf "Killed by replaying the shipped corpus: %d/%d (%.0f%%). ", r, n, n ? 100 * r / n : 0
			if (!replay_only) printf "Killed by fuzzing in at least one trial: %d/%d (%.0f%%).", f, n, n ? 100 * f / n : 0
			printf "\n"
		}' "$rows"
	if [ $replay_only = 0 ]; then
		# Per mutant: the median of its trials that found something.
		med=$(awk -F'\t' '($10 == "-" || $10 == "") {print $6}' "$rows" | while read -r tm; do
			tr '/' '\n' <<<"$tm" | grep -v '>' | median; done | grep . | median)
		max=$(awk -F'\t' '($10 == "-" || $10 == "") {print $6}' "$rows" | tr '/' '\n' | grep -v '>' | grep . | sort -g | tail -1)
		echo "Time to detect (fuzzing): median ${med:-n/a} s over killed mutants (each its trials' median), maximum ${max:-n/a} s over all successful trials."
	fi
} | tee "$out"
exit $status
