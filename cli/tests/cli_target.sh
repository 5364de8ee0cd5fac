#!/usr/bin/env bash
# pgdfuzz run/repro/show --target DIR: what a bad target directory gets
# (the compiler's message or file:line, exit 2, nothing fuzzed), without
# building a target (these fail before the build).
# usage: cli_target.sh PGDFUZZ SOURCE_DIR WORK_DIR
set -u
pgdfuzz=$1 src=$2 work=$3
. "$(dirname "$0")/check.sh"
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1

# A broken adapter: the compiler's message, naming the file, and exit 2.
"$pgdfuzz" run --target "$src/cli/tests/broken-target" --time 1s --out out 2> err.txt; rc=$?
check "broken adapter exits 2" test $rc -eq 2
check "the compiler's message names adapter.c" grep -q 'adapter.c:[0-9]*:[0-9]*: error:' err.txt
check "the message names the bad member" grep -q 'sise' err.txt
check "nothing was fuzzed" test ! -e out
"$pgdfuzz" repro --target "$src/cli/tests/broken-target" x.txt 2> err.txt; rc=$?
check "repro with a broken adapter exits 2" test $rc -eq 2

# A bad manifest: file:line: message.
mkdir -p t1 && printf 'sources a.c\nfrobs x\n' > t1/pgdfuzz-target.txt && : > t1/a.c
"$pgdfuzz" run --target t1 --time 1s --out out 2> err.txt; rc=$?
check "unknown manifest key exits 2" test $rc -eq 2
check "unknown key names file:line" grep -q 't1/pgdfuzz-target.txt:2: unknown key' err.txt
printf 'sources a.c missing.c\n' > t1/pgdfuzz-target.txt
"$pgdfuzz" show --target t1 x.txt 2> err.txt; rc=$?
check "missing source exits 2" test $rc -eq 2
check "missing source is named" grep -q 'pgdfuzz-target.txt:1: no such source: missing.c' err.txt
mkdir -p t2
"$pgdfuzz" run --target t2 --time 1s 2> err.txt; rc=$?
check "no manifest exits 2" test $rc -eq 2
check "no manifest is said" grep -q "manifest" err.txt
"$pgdfuzz" run --target nowhere --time 1s 2> err.txt; rc=$?
check "no directory exits 2" test $rc -eq 2
exit $fail
