#!/usr/bin/env bash
# Runs every test program given (cmocka binaries or shell scripts), each
# even when an earlier one failed, then prints one closing line for the
# whole run: "N passed, N failed". Exits non-zero if anything failed.
set -u
passed=0 failed=0 broken=()
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for t in "$@"; do
	echo "== $t"
	case "$t" in
	*.sh) timeout 300 bash "$t" 2>&1 | tee "$log" ;;
	*) timeout 300 "$t" 2>&1 | tee "$log" ;;
	esac
	rc=${PIPESTATUS[0]}
	# cmocka: "[  PASSED  ] 5 test(s)." / "[  FAILED  ] 1 test(s), listed below:"
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s).*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
	# shell tests: their own "N passed, N failed" closing line
	if [ "$p" = 0 ] && [ "$f" = 0 ]; then
		line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
		if [ -n "$line" ]; then
			p=${line%% passed*}
			f=$(echo "$line" | sed 's/.* passed, \([0-9]*\) failed.*/\1/')
		fi
	fi
	if [ "$rc" -ne 0 ] && [ "$f" = 0 ]; then
		f=1 # crashed, timed out or failed without saying how many
		echo "!! $t exited with status $rc"
	fi
	passed=$((passed + p)) failed=$((failed + f))
	[ "$f" = 0 ] || broken+=("$t")
done

echo
[ ${#broken[@]} -eq 0 ] || printf 'failing: %s\n' "${broken[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
