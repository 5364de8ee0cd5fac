#!/bin/bash -eu
# The one build script behind oss-fuzz/build.sh and .clusterfuzzlite/build.sh.
#
# Reads only what OSS-Fuzz's `compile` step provides: CC, CXX, CFLAGS,
# CXXFLAGS, LIB_FUZZING_ENGINE, SRC, WORK and OUT. Writes to $OUT, for every
# harness fuzz/fuzz_<name>.c:
#   fuzz_<name>                  linked by $CXX with $LIB_FUZZING_ENGINE,
#                                Unicorn from libunicorn.a (runners have no
#                                Debian/Ubuntu packages)
#   fuzz_<name>_seed_corpus.zip  corpus/<name>/*.txt and corpus/regressions/*.txt
#                                in the binary form the harness reads
#   fuzz_<name>.dict / .options  copied from fuzz/ when present
# scripts/check-oss-fuzz-build runs this without Docker.

# The source tree is the one holding this script ($SRC/pgdfuzz in the images).
source_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=$WORK/pgdfuzz-build

case " $CFLAGS " in
*-fsanitize=memory*)
	# Every value coming out of the uninstrumented libunicorn.a (and out of
	# the code its JIT generates) would be reported as uninitialised.
	echo "oss-fuzz-build: MemorySanitizer is unsupported: Unicorn is not MSan-instrumented" >&2
	exit 1
	;;
esac

# reloc.S is AArch64 assembly. OSS-Fuzz's own clang is built for the host
# target only (LLVM_TARGETS_TO_BUILD=X86), so pick the first clang on PATH
# that can assemble for AArch64 (the images add a distribution clang).
aarch64_clang=
for candidate in clang $(compgen -c | grep -E '^clang-[0-9]+$' | sort -t- -k2 -rn | uniq); do
	if echo nop | "$candidate" --target=aarch64-linux-gnu -x assembler -c - -o /dev/null \
		2>/dev/null; then
		aarch64_clang=$(command -v "$candidate")
		break
	fi
done
if [ -z "$aarch64_clang" ]; then
	echo "oss-fuzz-build: no clang on PATH can assemble AArch64 (needed for emulate/reloc.S)" >&2
	exit 1
fi

# A fresh tree every time: CMake caches CC and CFLAGS from its first run.
rm -rf "$build_dir"
# No CMAKE_BUILD_TYPE: the optimisation and debug flags are OSS-Fuzz's own.
cmake -S "$source_dir" -B "$build_dir" \
	-DCMAKE_BUILD_TYPE= \
	-DPGDFUZZ_ENGINE=ossfuzz \
	-DPGDFUZZ_TESTS=OFF \
	-DPGDFUZZ_STATIC_UNICORN=ON \
	-DPGDFUZZ_AARCH64_CLANG="$aarch64_clang"

# The harnesses this configuration builds, as fuzz/CMakeLists.txt lists them
# (the kernel-mode ones need a Linux tree and are not part of it).
read -r -a harnesses < <(sed -n 's/^PGDFUZZ_HARNESSES:INTERNAL=//p' "$build_dir/CMakeCache.txt" | tr ';' ' ') || true
if [ ${#harnesses[@]} -eq 0 ]; then
	echo "oss-fuzz-build: CMake configured no harnesses (is Unicorn 2 installed?)" >&2
	exit 1
fi

# The corpus is encoded by pgdfuzz-case, built here with the same flags; it
# runs fine under ASan, UBSan, coverage and AFL++ instrumentation.
targets=(corpus_bin corpus_parse fuzz_parse)
for h in "${harnesses[@]}"; do
	targets+=("fuzz_$h")
done
cmake --build "$build_dir" -j"$(nproc)" --target "${targets[@]}"

for h in "${harnesses[@]}"; do
	fuzzer=fuzz_$h
	cp "$build_dir/fuzz/$fuzzer" "$OUT/$fuzzer"
	rm -f "$OUT/${fuzzer}_seed_corpus.zip"
	# Regressions belong to one harness each, but every harness must keep
	# passing them, so every seed corpus carries them all.
	zip -q -j "$OUT/${fuzzer}_seed_corpus.zip" \
		"$build_dir/corpus/$h"/*.bin "$build_dir/corpus/regressions"/*.bin
	for extra in dict options; do
		if [ -f "$source_dir/fuzz/$fuzzer.$extra" ]; then
			cp "$source_dir/fuzz/$fuzzer.$extra" "$OUT/$fuzzer.$extra"
		fi
	done
done

# The text parser's target: seeds are the shipped text cases, with the
# format's keyword dictionary.
cp "$build_dir/fuzz/fuzz_parse" "$OUT/fuzz_parse"
rm -f "$OUT/fuzz_parse_seed_corpus.zip"
zip -q -j "$OUT/fuzz_parse_seed_corpus.zip" "$build_dir/corpus/parse"/*.txt
cp "$source_dir/fuzz/fuzz_parse.dict" "$OUT/fuzz_parse.dict"
