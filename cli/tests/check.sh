# Sourced by the cli test scripts: check DESCRIPTION COMMAND... runs the
# command, prints ok/FAIL, and on failure sets fail=1 (the script's exit).
fail=0
check() {
	if "${@:2}"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi
}
