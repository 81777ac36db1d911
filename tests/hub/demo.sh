#!/usr/bin/env bash
# demo.sh — `make hub-demo` works on this machine: tests/hub-demo.sh
# --smoke starts its own PostgreSQL cluster, kaspi-hub, the sandboxes and
# the two demo tills of two stores, makes a sale on each, ships it with
# kaspi-pos sync, and the hub holds both tills' rows; everything stops.
set -u
cd "$(dirname "$0")/../.." || exit 1
passed=0 failed=0
dir=$(mktemp -d /tmp/kp-hub-demo-XXXXXX)
chmod 755 "$dir"
trap 'rm -rf "$dir"' EXIT
out=$(KP_HUB_DEMO_DIR=$dir/demo timeout 120 tests/hub-demo.sh --smoke 2>&1)
rc=$?
check() { if eval "$2"; then echo "ok   $1"; passed=$((passed + 1)); else echo "FAIL $1"; printf '%s\n' "$out" | sed 's/^/     | /'; failed=$((failed + 1)); fi; }
check "hub-demo --smoke: exit 0" '[ "$rc" = 0 ]'
check "each till shipped its sale" '[ "$(printf "%s\n" "$out" | grep -c "the hub holds every row")" = 2 ]'
check "the hub holds the store almaty's till T01" 'printf "%s\n" "$out" | grep -Eq "^almaty\|T01\|[1-9][0-9]*$"'
check "and the store astana's till T02" 'printf "%s\n" "$out" | grep -Eq "^astana\|T02\|[1-9][0-9]*$"'
check "nothing left running" '! pgrep -f "$dir/demo" >/dev/null'
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
