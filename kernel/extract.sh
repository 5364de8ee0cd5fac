#!/bin/sh
# extract.sh SRC OUT SHIM "REQUIRED" "OPTIONAL": write OUT (in the build
# directory) with an include of the shim header SHIM, the NO_*_MAPPINGS
# defines, and the function definitions named in REQUIRED and OPTIONAL taken
# by name from the user's kernel file SRC (e.g. arch/arm64/mm/mmu.c). Each
# function keeps a #line pointing at SRC, so compiler messages and sanitizer
# reports name the kernel file. Exits 1 naming the required functions SRC
# lacks.
set -eu
src=$1 out=$2 shim=$3 required=$4 optional=$5
awk -v want="$required $optional" '
BEGIN { n = split(want, names, " "); for (i = 1; i <= n; i++) wanted[names[i]] = 1 }
/^#define NO_(BLOCK|CONT|EXEC)_MAPPINGS/ { print; next }
!grab && /^[A-Za-z_]/ {
	# A definition starts at column 0 with the name before "(".
	line = $0
	sub(/\(.*/, "", line)
	count = split(line, words, /[ *]+/)
	name = words[count]
	if (name in wanted) { grab = 1; buf = ""; found[name] = 1; current = name }
}
grab {
	buf = buf $0 "\n"
	if ($0 ~ /\);[ \t]*$/ && buf !~ /\{/) { grab = 0; delete found[current]; next }
	if ($0 ~ /^}/) { grab = 0; print "#line " NR - lines(buf) + 1 " \"" FILENAME "\""; printf "%s", buf; print "/* found: " current " */" }
}
function lines(s,   c) { c = gsub(/\n/, "\n", s); return c }
' "$src" > "$out.body"
missing=
for f in $required; do
	grep -q "^/\* found: $f \*/" "$out.body" || missing="$missing $f"
done
if [ -n "$missing" ]; then
	echo "$src lacks:$missing" >&2
	rm -f "$out.body"
	exit 1
fi
{ echo "#include \"$shim\""; cat "$out.body"; } > "$out"
rm -f "$out.body"
