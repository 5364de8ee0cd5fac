#!/usr/bin/env bash
# Verdict identity across two revisions of the judge: builds bench/verdicts.c
# (this checkout's copy) against the oracle of BASE and of the work tree, runs
# both over the shipped corpus, the regressions and N random byte strings per
# harness, and diffs the lines (harness, input, signature, ops, detail hash).
#   bench/verdicts.sh [--sanitize] [BASE_REV] [N]   (default: merge-base with main, 10000)
# VERDICTS_DIRS="DIR..." adds more inputs (a corpus a campaign grew: bigger
# cases than the seeds and random bytes give).
# Both judge the same inputs one harness at a time, base first, and the CPU
# time (user + sys) of each is printed beside the other: the same work, so
# the ratio is the speed-up of the judge, engine left out. --sanitize builds
# both with clang and ASan+UBSan (the fuzz preset's flags) instead of
# Release. Exit 0 when identical, 1 when they differ (the first differences
# printed).
set -eu
cd "$(dirname "$0")/.."
root=$PWD
flavour=release
cmake_flags=(-DCMAKE_BUILD_TYPE=Release)
if [ "${1:-}" = --sanitize ]; then
	flavour=sanitize
	cmake_flags=(-DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo
		"-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -g" -DPGDFUZZ_SANITIZE=ON)
	shift
fi
base=${1:-$(git merge-base HEAD main)}
random=${2:-10000}
out=$root/build/verdicts
mkdir -p "$out"
export CMAKE_C_COMPILER_LAUNCHER=${CMAKE_C_COMPILER_LAUNCHER:-$(command -v ccache || true)}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}

build() { # source dir, build dir
	cmake -S "$1" -B "$2" "${cmake_flags[@]}" -DPGDFUZZ_TESTS=OFF >/dev/null
	cmake --build "$2" -j"$(nproc)" --target verdicts corpus_bin >/dev/null
}

# The base revision's files (git archive: no work tree to register), with
# this checkout's tool added (older revisions do not have it; it uses only
# oracle.h and case.h).
rm -rf "$out/base-src" && mkdir -p "$out/base-src"
git archive "$base" | tar -x -C "$out/base-src"
cp bench/verdicts.c "$out/base-src/bench/verdicts.c"
grep -q 'add_executable(verdicts' "$out/base-src/bench/CMakeLists.txt" ||
	printf '\nif(TARGET pgdfuzz_oracle)\n  add_executable(verdicts verdicts.c)\n  target_link_libraries(verdicts PRIVATE pgdfuzz_oracle)\nendif()\n' \
		>>"$out/base-src/bench/CMakeLists.txt"
build "$out/base-src" "$out/base-$flavour"
build "$root" "$out/head-$flavour"

# Both read the work tree's encoded corpus, so the inputs are the same bytes.
dirs=()
for d in builder idmap reloc walker regressions; do dirs+=("corpus-bin/$d"); done
rm -rf "$out/corpus-bin" && cp -r "$out/head-$flavour/corpus" "$out/corpus-bin"
n=0
for d in ${VERDICTS_DIRS:-}; do
	n=$((n + 1))
	cp -r "$d" "$out/corpus-bin/extra$n"
	dirs+=("corpus-bin/extra$n")
done
cd "$out"
: >base.txt
: >head.txt
cpu() { # binary harness output -> CPU seconds (user + sys) of one run
	local TIMEFORMAT=%U+%S t
	t=$({ time "$1" --harness "$2" --random "$random" "${dirs[@]}" >>"$3" 2>>stderr.txt; } 2>&1)
	awk -v t="$t" 'BEGIN { split(t, p, "+"); printf "%.2f", p[1] + p[2] }'
}
table=$(printf '%-8s %12s %12s %9s' harness "base CPU s" "now CPU s" speed-up)
for h in builder idmap reloc walker; do
	b=$(cpu "$out/base-$flavour/bench/verdicts" "$h" base.txt)
	n=$(cpu "$out/head-$flavour/bench/verdicts" "$h" head.txt)
	table+=$'\n'$(awk -v h="$h" -v b="$b" -v n="$n" \
		'BEGIN { printf "%-8s %12.2f %12.2f %8.2fx", h, b, n, (n > 0 ? b / n : 0) }')
done
echo "$flavour build, $(find "${dirs[@]}" -type f | wc -l) corpus files and $random random inputs per harness:"
echo "$table"
lines=$(wc -l <head.txt)
findings=$(grep -vc ' clean ops=' head.txt || true)
if cmp -s base.txt head.txt; then
	echo "verdicts: identical ($lines verdicts, $findings findings) at $(git -C "$root" rev-parse --short "$base") and the work tree"
	exit 0
fi
echo "verdicts: DIFFER between $(git -C "$root" rev-parse --short "$base") and the work tree ($out/base.txt, $out/head.txt):"
diff base.txt head.txt | head -20
exit 1
