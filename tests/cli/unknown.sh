#!/usr/bin/env bash
# unknown.sh — an order the server does not know: the sandbox restarts (a new process on the same port forgets every payment), a status poll answers 404 payment_not_found, and the order is named "unknown to the server" by reconcile (exit 3), status and journal (text, CSV, JSON), never settled silently; a manager closes it as failed with a reason (reconcile --close, PIN on standard input), an order the server knows is refused, and reconcile then exits 0.
#
#   tests/cli/unknown.sh        (KP_POS, KP_SANDBOX: the binaries to test)
set -u
cd "$(dirname "$0")/../.." || exit 1
root=$(pwd)
POS=${KP_POS:-$root/${KP_BUILD:-build}/kaspi-pos}
SBX=${KP_SANDBOX:-$root/${KP_BUILD:-build}/kaspi-sandbox}
for b in "$POS" "$SBX"; do
	[ -x "$b" ] || { echo "no $b: run make first"; echo "0 passed, 1 failed"; exit 1; }
done
command -v sqlite3 >/dev/null && command -v python3 >/dev/null ||
	{ echo "needs sqlite3 and python3"; echo "0 passed, 1 failed"; exit 1; }

export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset LANGUAGE KASPI_WEBHOOK_SECRET NO_COLOR
KEY=xdev_unkn0wn0test0sh0ke01 # xdev_ + 20 of [a-z0-9]
MERCHANT=123456789012
D=$(mktemp -d)
SBX_PID=
cleanup() {
	[ -n "$SBX_PID" ] && { kill -KILL "$SBX_PID"; wait "$SBX_PID"; } 2>/dev/null
	rm -rf "$D"
}
trap cleanup EXIT
. tests/cli/lib.sh # ok, bad, is, has
. tests/tools/port.sh # quiet_port
db() { sqlite3 -batch "$KASPI_POS_HOME/kaspi-pos.db" "$@" 2>&1; }
jstate() { db "SELECT state FROM orders WHERE merchant_order_id = '$1'"; }

# sbx [--port N]: a sandbox without a simulated buyer; sets SBX_PID, URL, PORT
sbx() {
	local i
	"$SBX" --key "$KEY" --merchant "$MERCHANT" --pay-after 0 "$@" >"$D/sbx.out" 2>"$D/sbx.err" &
	SBX_PID=$!
	for ((i = 0; i < 200; i++)); do
		grep -q '^listening on' "$D/sbx.out" 2>/dev/null && break
		kill -0 "$SBX_PID" 2>/dev/null || break
		sleep 0.05
	done
	URL=$(sed -En 's#^listening on (http://[^ ]+/api/v1)$#\1#p' "$D/sbx.out")
	PORT=$(sed -En 's#^http://.*:([0-9]+)/api/v1$#\1#p' <<<"$URL")
	[ -n "$URL" ]
}
sbx_stop() { { kill -TERM "$SBX_PID"; wait "$SBX_PID"; } 2>/dev/null; SBX_PID=; }

mkdir -p "$D/home" "$D/cfg/kaspi-pos"
export KASPI_POS_HOME=$D/home XDG_CONFIG_HOME=$D/cfg KASPI_XDEV_KEY=$KEY KASPI_MERCHANT_ID=$MERCHANT
printf '[till]\nid = T31\n[api]\ntimeout = 5\n' >"$D/cfg/kaspi-pos/config.ini"
printf '1234\n1234\n' | "$POS" user add boss --role manager >"$D/u.out" 2>&1 || bad "user add boss" "$(cat "$D/u.out")"

# on a port no --port 0 beside it can take, as it restarts on it below
for _ in 1 2 3; do sbx --port "$(quiet_port)" && break; done
[ -n "$URL" ] || { bad "the sandbox did not start" "$(cat "$D/sbx.err")"; echo "$passed passed, $failed failed"; exit 1; }
export KASPI_BASE_URL=$URL
"$POS" charge 1500 --no-wait >"$D/c.out" 2>"$D/c.err"
is "charge --no-wait: exit 0" "$?" 0 "$(cat "$D/c.out" "$D/c.err")"
order=$(sed -n 's/^order \([^ ]*\) .*/\1/p' "$D/c.out" | head -n 1)
is "the order is pending on the first sandbox" "$(jstate "$order")" pending

# the sandbox restarts on the same port: the new process has no payments
port=$PORT
sbx_stop
# (a port just closed can take a moment to be free again: a few tries)
for _ in 1 2 3 4 5; do sbx --port "$port" && break; sleep 0.5; done
[ -n "$URL" ] || { bad "the new sandbox did not start on port $port" "$(cat "$D/sbx.err")"; echo "$passed passed, $failed failed"; exit 1; }

"$POS" reconcile >"$D/r1.out" 2>"$D/r1.err"
is "reconcile after the restart: exit 3" "$?" 3 "$(cat "$D/r1.out" "$D/r1.err")"
grep -q "^$order: unknown to the server" "$D/r1.out" && ok "reconcile names $order unknown to the server" ||
	bad "reconcile does not name $order unknown to the server" "$(cat "$D/r1.out")"
grep -q "still open on the server" "$D/r1.out" && grep -q ", 1 still open on the server" "$D/r1.out" &&
	bad "reconcile calls the unknown order still open on the server" "$(cat "$D/r1.out")" ||
	ok "reconcile does not call it still open on the server"
is "the order is not settled silently: still pending" "$(jstate "$order")" pending
is "the journal marks it (orders_unknown)" \
	"$(db "SELECT count(*) FROM orders_unknown u JOIN orders o ON o.id = u.order_id WHERE o.merchant_order_id = '$order'")" 1

"$POS" status "$order" >"$D/st.out" 2>"$D/st.err"
grep -q "unknown to the server" "$D/st.out" && ok "status shows unknown to the server" ||
	bad "status does not show unknown to the server" "$(cat "$D/st.out" "$D/st.err")"
"$POS" journal >"$D/j.txt" 2>&1
grep "$order" "$D/j.txt" | grep -q "unknown to the server" && ok "journal (text) shows it unknown to the server" ||
	bad "journal (text) does not show it" "$(cat "$D/j.txt")"
"$POS" journal --format csv >"$D/j.csv" 2>&1
got=$(python3 - "$D/j.csv" "$order" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")) if r["merchant_order_id"] == sys.argv[2]]
print(rows[0]["server_unknown"] if rows else "-")
PY
)
is "journal (CSV): server_unknown 1" "$got" 1 "$(cat "$D/j.csv")"
"$POS" journal --format json >"$D/j.json" 2>&1
got=$(python3 - "$D/j.json" "$order" <<'PY'
import json, sys
rows = [o for o in json.load(open(sys.argv[1]))["orders"] if o["merchant_order_id"] == sys.argv[2]]
print(rows[0]["server_unknown"] if rows else "-")
PY
)
is "journal (JSON): server_unknown true" "$got" True "$(cat "$D/j.json")"
LANG=ru_RU.UTF-8 LC_ALL=ru_RU.UTF-8 LANGUAGE=ru "$POS" reconcile >"$D/r1ru.out" 2>&1
grep -q "неизвестен серверу" "$D/r1ru.out" && ok "reconcile in Russian: неизвестен серверу" ||
	bad "reconcile in Russian does not say неизвестен серверу" "$(cat "$D/r1ru.out")"

# an order the new server knows: --close refuses it, asking no PIN
"$POS" charge 1700 --no-wait >"$D/c2.out" 2>"$D/c2.err"
known=$(sed -n 's/^order \([^ ]*\) .*/\1/p' "$D/c2.out" | head -n 1)
"$POS" reconcile --close "$known" --reason "why not" </dev/null >"$D/k.out" 2>"$D/k.err"
is "reconcile --close of an order the server knows: exit 1" "$?" 1 "$(cat "$D/k.out" "$D/k.err")"
is "... and it stays pending" "$(jstate "$known")" pending

# a wrong PIN closes nothing
printf '9999\n' | "$POS" reconcile --close "$order" --reason "sandbox restarted" --user boss >"$D/w.out" 2>"$D/w.err"
is "reconcile --close with a wrong PIN: exit 2" "$?" 2 "$(cat "$D/w.out" "$D/w.err")"
is "... and the order stays pending" "$(jstate "$order")" pending

# the manager closes it as failed, with the reason
printf '1234\n' | "$POS" reconcile --close "$order" --reason "sandbox restarted" --user boss >"$D/x.out" 2>"$D/x.err"
is "reconcile --close with the manager's PIN: exit 0" "$?" 0 "$(cat "$D/x.out" "$D/x.err")"
grep -qF "$order: waiting → failed" "$D/x.out" && ok "it says $order: waiting → failed" ||
	bad "reconcile --close output" "$(cat "$D/x.out")"
is "the order is failed" "$(jstate "$order")" failed
ev=$(db "SELECT e.detail || '|' || ifnull(u.name, '-') FROM order_events e JOIN orders o ON o.id = e.order_id LEFT JOIN users u ON u.id = e.user_id WHERE o.merchant_order_id = '$order' AND e.to_state = 'failed'")
case $ev in
*"sandbox restarted"*"|boss") ok "the timeline has the reason and the manager ($ev)" ;;
*) bad "the timeline's failed event: \"$ev\"" ;;
esac

# the known one settled by hand through the sandbox, then reconcile is clean
pay=$(db "SELECT payment_id FROM orders WHERE merchant_order_id = '$known'")
curl -s -m 5 -X POST -H "Authorization: Bearer $KEY" -H "X-Merchant-ID: $MERCHANT" \
	"$URL/sandbox/payments/$pay/pay" >/dev/null
"$POS" reconcile >"$D/r2.out" 2>"$D/r2.err"
is "reconcile after the close: exit 0" "$?" 0 "$(cat "$D/r2.out" "$D/r2.err")"
is "the known order is settled: succeeded" "$(jstate "$known")" succeeded
sbx_stop

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
