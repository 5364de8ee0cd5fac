#!/bin/sh
# examples.sh FUZZER DIR...: judge every input in DIR... with a kernel fuzz
# target (PGDFUZZ_NO_ABORT=1, so nothing stops early) and print, per
# verdict signature, how many inputs got it and the smallest one. Used to
# pick a reproducer for each written-up kernel finding from a campaign's
# corpus. PGDFUZZ_KERNEL_CONFIG, if set, still applies.
set -eu
[ $# -ge 2 ] || {
	echo "usage: $0 FUZZER DIR..." >&2
	exit 2
}
fuzzer=$1
shift
list=$(mktemp)
trap 'rm -f "$list"' EXIT
for dir in "$@"; do
	find "$dir" -type f
done | while read -r file; do
	sig=$(PGDFUZZ_NO_ABORT=1 "$fuzzer" "$file" 2>/dev/null | sed -n 's/^pgdfuzz: VERDICT //p' | head -1)
	echo "${sig:-none} $(wc -c <"$file") $file"
done >"$list"
# signature, count, smallest file
sort -k1,1 -k2,2n "$list" | awk '
$1 != sig { if (sig != "") print sig, count, best; sig = $1; count = 0; best = $3 }
{ count++ }
END { if (sig != "") print sig, count, best }'
