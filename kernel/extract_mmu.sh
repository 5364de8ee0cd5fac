#!/bin/sh
# extract_mmu.sh MMU_C OUT: write OUT (in the build directory) with the
# NO_*_MAPPINGS defines and the __create_pgd_mapping family taken by name
# from the user's arch/arm64/mm/mmu.c, after an include of the shim. Exits 1
# naming the required functions the tree lacks.
set -eu
mmu=$1 out=$2
required="pgattr_change_is_safe init_pte alloc_init_cont_pte init_pmd alloc_init_cont_pmd alloc_init_pud __create_pgd_mapping_locked pud_set_huge pmd_set_huge"
optional="alloc_init_p4d init_clear_pgtable"
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
' "$mmu" > "$out.body"
missing=
for f in $required; do
	grep -q "^/\* found: $f \*/" "$out.body" || missing="$missing $f"
done
if [ -n "$missing" ]; then
	echo "$mmu lacks:$missing" >&2
	rm -f "$out.body"
	exit 1
fi
{ echo '#include "mmu_shim.h"'; cat "$out.body"; } > "$out"
rm -f "$out.body"
