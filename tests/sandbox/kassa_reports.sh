#!/usr/bin/env bash
# kassa_reports.sh — X and Z of kassa-sandbox, every field FISCAL.md lists,
# against figures that tests/sandbox/kassa_figures.py computes on its own
# (Python's Decimal) from the seeded random receipts, returns and cash
# operations it sends with curl: two shifts, for three seeds.
. "$(dirname "$0")/kassa_lib.bash"

for seed in 1 2 3; do
	ksx_start
	"$PY" "$ROOT/tests/sandbox/kassa_figures.py" "$BASE" "$WK_KEY" "$seed" >"$TMP/figures" 2>&1
	rc=$?
	grep '^FAIL' "$TMP/figures"
	p=$(grep -c '^ok' "$TMP/figures") f=$(grep -c '^FAIL' "$TMP/figures")
	PASS=$((PASS + p)) FAIL=$((FAIL + f))
	echo "seed $seed: $p figures as computed, $f not"
	if [ "$rc" != 0 ] || [ "$p" -lt 100 ]; then
		bad "kassa_figures.py seed $seed ran to its end (exit $rc, $p checks)"
		tail -n 20 "$TMP/figures"
	fi
	sbx_stop
done
finish
