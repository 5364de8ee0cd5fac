#!/bin/sh
# kconfig.sh SYMBOL "TRUE_SYMBOLS" KCONFIG...: print the value Kconfig gives
# the int or def_bool symbol SYMBOL in the files KCONFIG (e.g. the tree's
# arch/arm64/Kconfig and arch/Kconfig) when exactly the bool symbols in
# TRUE_SYMBOLS are y: the first "default V [if EXPR]" whose EXPR holds (for
# def_bool: its value if every "depends on" holds, else n; for a bool
# without defaults, such as a choice's options: y if its "depends on" hold).
# EXPR may use
# symbols, !, &&, || and parentheses. This is how the build takes
# CONFIG_PGTABLE_LEVELS, the CONT_* shifts and the page shift from the tree
# instead of restating them. Exits 1 naming SYMBOL if no file defines it or
# no default applies.
set -eu
sym=$1 truth=$2
shift 2
awk -v sym="$sym" -v truth="$truth" '
BEGIN { n = split(truth, t, " "); for (i = 1; i <= n; i++) on[t[i]] = 1 }
# Tiny recursive-descent evaluator over the tokens of one expression.
function tokenize(s,   i, c, w) {
	split("", tok)
	ntok = 0; pos = 1
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (c ~ /[ \t]/) continue
		if (c == "(" || c == ")" || c == "!") { tok[++ntok] = c; continue }
		if (substr(s, i, 2) == "&&" || substr(s, i, 2) == "||") { tok[++ntok] = substr(s, i, 2); i++; continue }
		w = ""
		while (i <= length(s) && substr(s, i, 1) ~ /[A-Za-z0-9_]/) { w = w substr(s, i, 1); i++ }
		i--
		if (w == "") { bad = 1; return }
		tok[++ntok] = w
	}
}
function primary(   v) {
	if (tok[pos] == "!") { pos++; return !primary() }
	if (tok[pos] == "(") { pos++; v = orexpr(); if (tok[pos] != ")") bad = 1; pos++; return v }
	v = (tok[pos] in on) || tok[pos] == "y"; pos++; return v
}
function andexpr(   v) { v = primary(); while (tok[pos] == "&&") { pos++; v = primary() && v } return v }
function orexpr(   v) { v = andexpr(); while (tok[pos] == "||") { pos++; v = andexpr() || v } return v }
function holds(s) { tokenize(s); v = orexpr(); if (pos <= ntok) bad = 1; return v }
/^(menu)?config[ \t]/ { inside = ($2 == sym); if (inside) defined = 1; next }
/^(choice|endchoice|menu|endmenu|if|endif|source|comment)([ \t]|$)/ { inside = 0; next }
!inside || done { next }
$1 == "def_bool" { defbool = $2; next }
$1 == "bool" { isbool = 1; next }
$1 == "depends" && $2 == "on" { line = $0; sub(/^[ \t]*depends[ \t]+on[ \t]+/, "", line); if (!holds(line)) failed = 1; next }
$1 == "default" {
	value = $2; line = $0
	if (sub(/^[ \t]*default[ \t]+[^ \t]+[ \t]+if[ \t]+/, "", line)) { if (!holds(line)) next }
	print value; done = 1
}
END {
	if (bad) { print "kconfig.sh: cannot parse a condition of " sym > "/dev/stderr"; exit 1 }
	if (!done && defbool != "") { print (failed ? "n" : defbool); done = 1 }
	if (!done && isbool) { print (failed ? "n" : "y"); done = 1 }
	if (!defined) { print "kconfig.sh: no Kconfig file defines " sym > "/dev/stderr"; exit 1 }
	if (!done) { print "kconfig.sh: no default of " sym " applies" > "/dev/stderr"; exit 1 }
}
' "$@"
