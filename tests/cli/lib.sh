# lib.sh — sourced by tests/cli/*.sh: the counters and the checks every
# command-line test prints with (its own binaries, sandboxes and folder
# stay in the test). Each check prints "ok   NAME" or "FAIL NAME" and the
# details indented; the test ends with "N passed, N failed".
passed=0 failed=0
ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() { # NAME [DETAIL...]
	echo "FAIL $1"
	failed=$((failed + 1))
	shift
	local l
	for l in "$@"; do printf '%s\n' "$l" | sed 's/^/     | /'; done
}
is() { # NAME GOT WANT [DETAIL...]
	local name=$1 got=$2 want=$3
	shift 3
	if [ "$got" = "$want" ]; then ok "$name"; else bad "$name: got \"$got\", wanted \"$want\"" "$@"; fi
}
has() { # NAME TEXT PATTERN (money's narrow no-break spaces read as spaces)
	local text
	text=$(printf '%s' "$2" | sed 's/\xe2\x80\xaf/ /g; s/\xc2\xa0/ /g')
	if printf '%s' "$text" | grep -Eq -- "$3"; then ok "$1"; else bad "$1: no /$3/" "$2"; fi
}
