#!/usr/bin/env bash
# Runs every test program given (cmocka binaries or shell scripts), each
# even when an earlier one failed, then prints one closing line for the
# whole run: "N passed, N failed". Exits non-zero if anything failed.
#
# KP_TEST_JOBS programs run at once (default 3: most wait on a sandbox
# or a tmux screen, so three keep 2 cores busy): they share no port
# (every sandbox takes a free one: --port 0, or tools/port.sh's for
# one restarted on its port), no tmux socket and no
# folder (each makes its own under mktemp). Each program's output is kept
# apart and printed whole, in the order given, as soon as it and the ones
# before it are done, with how long it took.
set -u
max_jobs=${KP_TEST_JOBS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Runs test $2 into $work/$1.log; its exit status into $work/$1.rc and its
# seconds into $work/$1.s.
run_one() {
	local i=$1 t=$2 start=$SECONDS rc
	case "$t" in
	*.sh) timeout 300 bash "$t" >"$work/$i.log" 2>&1 ;;
	*) timeout 300 "$t" >"$work/$i.log" 2>&1 ;;
	esac
	rc=$?
	echo $((SECONDS - start)) >"$work/$i.s"
	echo "$rc" >"$work/$i.rc"
}

passed=0 failed=0 broken=()
# Counts and prints test $1 ($2 its name) once it is done.
report() {
	local i=$1 t=$2 log=$work/$1.log rc p f line
	rc=$(cat "$work/$i.rc")
	echo "== $t ($(cat "$work/$i.s") s)"
	cat "$log"
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
}

tests=("$@")
next=0 shown=0 running=0
while [ "$shown" -lt ${#tests[@]} ]; do
	# start as many as may run
	while [ "$running" -lt "$max_jobs" ] && [ "$next" -lt ${#tests[@]} ]; do
		run_one "$next" "${tests[next]}" &
		next=$((next + 1)) running=$((running + 1))
	done
	# print, in order, those that are done
	while [ "$shown" -lt "$next" ] && [ -f "$work/$shown.rc" ]; do
		report "$shown" "${tests[shown]}"
		shown=$((shown + 1))
	done
	if [ "$running" -gt 0 ] && [ "$shown" -lt ${#tests[@]} ]; then
		wait -n 2>/dev/null || true
		running=$(jobs -rp | wc -l)
	fi
done
wait

echo
[ ${#broken[@]} -eq 0 ] || printf 'failing: %s\n' "${broken[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
