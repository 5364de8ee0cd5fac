#!/usr/bin/env bash
# Verdict identity across two revisions of the judge: builds bench/verdicts.c
# (this checkout's copy) against the oracle of BASE and of the work tree, runs
# both over the shipped corpus, the regressions and N random byte strings per
# harness, and diffs the lines (harness, input, signature, ops, detail hash).
#   bench/verdicts.sh [BASE_REV] [N]    (default: merge-base with main, 10000)
# Exit 0 when identical, 1 when they differ (the first differences printed).
set -eu
cd "$(dirname "$0")/.."
root=$PWD
base=${1:-$(git merge-base HEAD main)}
random=${2:-10000}
out=$root/build/verdicts
mkdir -p "$out"
export CMAKE_C_COMPILER_LAUNCHER=${CMAKE_C_COMPILER_LAUNCHER:-$(command -v ccache || true)}

build() { # source dir, build dir
	cmake -S "$1" -B "$2" -DCMAKE_BUILD_TYPE=Release -DPGDFUZZ_TESTS=OFF >/dev/null
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
build "$out/base-src" "$out/base-build"
build "$root" "$out/head-build"

# Both read the work tree's encoded corpus, so the inputs are the same bytes.
dirs=()
for d in builder idmap reloc walker regressions; do dirs+=("corpus-bin/$d"); done
rm -rf "$out/corpus-bin" && cp -r "$out/head-build/corpus" "$out/corpus-bin"
cd "$out"
"$out/base-build/bench/verdicts" --random "$random" "${dirs[@]}" >base.txt
"$out/head-build/bench/verdicts" --random "$random" "${dirs[@]}" >head.txt
lines=$(wc -l <head.txt)
findings=$(grep -vc ' clean ops=' head.txt || true)
if cmp -s base.txt head.txt; then
	echo "verdicts: identical ($lines verdicts, $findings findings) at $(git -C "$root" rev-parse --short "$base") and the work tree"
	exit 0
fi
echo "verdicts: DIFFER between $(git -C "$root" rev-parse --short "$base") and the work tree ($out/base.txt, $out/head.txt):"
diff base.txt head.txt | head -20
exit 1
