#!/usr/bin/env bash
# report.sh — `kaspi-pos report` and `kaspi-pos journal` on the real binary after real payments against kaspi-sandbox: X report at 32 columns (every line within them) matching the journal, CSV and JSON that parse, a Z with the manager's PIN on standard input (a wrong PIN refused, nothing closed), a second Z saying no shift is open, the reprint by number equal to the original, --print to a file printer, in the till's [ui] language while standard output keeps LANG's, and without a printer, the day report, `journal --format csv|json|text` and --status.
#
# One sandbox (--pay-after 1) on a free port, one till home. Prints "ok NAME"
# / "FAIL NAME" per check and "N passed, N failed"; exits non-zero on a
# failure.
#
#   tests/cli/report.sh        (KP_POS, KP_SANDBOX: the binaries to test)
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
KEY=xdev_r3port0test0sh0key01 # xdev_ + 20 of [a-z0-9]
MERCHANT=123456789012

work=$(mktemp -d)
SBX_PID=
cleanup() {
	[ -n "$SBX_PID" ] && { kill "$SBX_PID"; wait "$SBX_PID"; } 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

. tests/cli/lib.sh # ok, bad, is, has
db() { sqlite3 -batch "$KASPI_POS_HOME/kaspi-pos.db" "$@" 2>&1; }

# the till: a long Kazakh store name, a file printer, boss (manager) and anna
D=$work
mkdir -p "$D/home" "$D/cfg/kaspi-pos"
export KASPI_POS_HOME=$D/home XDG_CONFIG_HOME=$D/cfg KASPI_XDEV_KEY=$KEY KASPI_MERCHANT_ID=$MERCHANT
cat >"$D/cfg/kaspi-pos/config.ini" <<EOF
[store]
name = ЖШС «Әйгерім-Қазына Өнімдері» азық-түлік дүкені ₸
bin = 123456789012
address = Алматы қ., Абай даңғылы 150, 12-кеңсе
[till]
id = T41
[printer]
mode = file
file = $D/printer.bin
width = 42
EOF
printf '1234\n1234\n' | "$POS" user add boss --role manager >/dev/null 2>&1 &&
	printf '5678\n5678\n' | "$POS" user add anna --role cashier >/dev/null 2>&1 ||
	bad "the users could not be added"

"$SBX" --port 0 --pay-after 1 --key "$KEY" --merchant "$MERCHANT" >"$D/sbx.out" 2>"$D/sbx.err" &
SBX_PID=$!
for _ in $(seq 100); do
	grep -q '^listening on' "$D/sbx.out" 2>/dev/null && break
	sleep 0.05
done
URL=$(sed -En 's#^listening on (http://[^ ]+/api/v1)$#\1#p' "$D/sbx.out")
[ -n "$URL" ] || { bad "the sandbox did not start" "$(cat "$D/sbx.err")"; echo "$passed passed, $failed failed"; exit 1; }
export KASPI_BASE_URL=$URL

# ---- payments: two paid (QR, phone), a decline, a failure, one left pending, a refund
charge() { timeout 60 "$POS" charge "$@" >"$D/charge.out" 2>"$D/charge.err"; }
charge 1500
is "charge 1500: paid" "$?" 0 "$(cat "$D/charge.err")"
first=$(db "SELECT merchant_order_id FROM orders ORDER BY id DESC LIMIT 1")
charge 900 --method phone --phone +77011234567
is "charge 900 by phone: paid" "$?" 0 "$(cat "$D/charge.err")"
charge 700.13
is "charge 700.13: declined (exit 1)" "$?" 1
charge 250.66
is "charge 250.66: failed (exit 1)" "$?" 1
charge 300.99 --no-wait
is "charge 300.99 --no-wait: exit 0, left pending" "$?" 0 "$(cat "$D/charge.err")"
pending=$(db "SELECT merchant_order_id FROM orders ORDER BY id DESC LIMIT 1")
printf '1234\n' | timeout 60 "$POS" refund "$first" 500 --reason "returned" >"$D/r.out" 2>"$D/r.err"
is "refund 500 of the first order: exit 0" "$?" 0 "$(cat "$D/r.out" "$D/r.err")"

# ---- X report ----------------------------------------------------------------
"$POS" report x --width 32 >"$D/x.txt" 2>"$D/x.err"
is "report x --width 32: exit 0" "$?" 0 "$(cat "$D/x.err")"
widest=$(python3 -c 'import sys; print(max(len(l) for l in open(sys.argv[1], encoding="utf-8").read().split("\n")))' "$D/x.txt")
[ "$widest" -le 32 ] && ok "report x --width 32: no line wider than 32 characters (widest $widest)" ||
	bad "report x --width 32: a line of $widest characters" "$(cat "$D/x.txt")"
grep -q "X REPORT" "$D/x.txt" && ok "report x: titled X REPORT" || bad "report x: no title" "$(cat "$D/x.txt")"
grep -qE '^NET +1 900,00$' "$D/x.txt" && ok "report x: NET 1 900,00, right-aligned" ||
	bad "report x: net" "$(cat "$D/x.txt")"
grep -qF "$pending" "$D/x.txt" && ok "report x: the pending order is listed as unfinished" ||
	bad "report x: $pending not listed" "$(cat "$D/x.txt")"
grep -q "Әйгерім" "$D/x.txt" && ok "report x: the store's name" || bad "report x: store name" "$(cat "$D/x.txt")"
"$POS" report x >"$D/x42.txt" 2>/dev/null
widest=$(python3 -c 'import sys; print(max(len(l) for l in open(sys.argv[1], encoding="utf-8").read().split("\n")))' "$D/x42.txt")
is "report x: the config's printer width (42) by default" "$widest" 42

"$POS" report x --format csv >"$D/x.csv" 2>"$D/x.err"
is "report x --format csv: exit 0" "$?" 0 "$(cat "$D/x.err")"
csv=$(python3 - "$D/x.csv" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
assert rows[0] == ["section", "key", "item", "value"], rows[0]
assert all(len(r) == 4 for r in rows)
v = {(r[0], r[1], r[2]): r[3] for r in rows[1:]}
print(v[("sales", "amount", "total")], v[("sales", "count", "total")], v[("refunds", "amount", "total")],
      v[("net", "amount", "")], v[("orders", "cancelled", "")], v[("orders", "failed", "")],
      sum(1 for r in rows if r[0] == "unfinished_order"))
EOF
)
is "report x csv: sales 2400.00 (2), refunds 500.00, net 1900.00, 1 cancelled, 1 failed, 1 unfinished" \
	"$csv" "2400.00 2 500.00 1900.00 1 1 1" "$(cat "$D/x.csv")"

"$POS" report x --format json >"$D/x.json" 2>"$D/x.err"
is "report x --format json: exit 0" "$?" 0 "$(cat "$D/x.err")"
json=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(r["sales"]["qr"]["amount"], r["sales"]["phone"]["amount"], r["refunds"]["total"]["amount"], r["net"],
      r["commission"]["qr"]["amount"], r["payout"], len(r["unfinished"]), r["kind"])' "$D/x.json" 2>&1)
# commission: QR (1500 − 500) × 0.5 % = 5,00; phone 900 × 0.7 % = 6,30
is "report x json: integer tiyn, commission and payout" "$json" "150000 90000 50000 190000 500 188870 1 x" \
	"$(cat "$D/x.json")"
is "report x json: the sales are the journal's" \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sales"]["total"]["amount"])' "$D/x.json")" \
	"$(db "SELECT sum(amount) FROM orders WHERE state IN ('succeeded','late_paid','partially_refunded','refunded')")"

# ---- Z report ----------------------------------------------------------------
printf '9999\n' | "$POS" report z >"$D/z.txt" 2>"$D/z.err"
is "report z with a wrong PIN: exit 2" "$?" 2 "$(cat "$D/z.err")"
is "report z with a wrong PIN: the shift stays open" "$(db "SELECT count(*) FROM shifts WHERE closed_at IS NULL")" 1
printf '5678\n' | "$POS" report z --user anna >"$D/z.txt" 2>"$D/z.err"
is "report z with a cashier named: exit 2" "$?" 2 "$(cat "$D/z.err")"
printf '1234\n' | "$POS" report z --width 32 >"$D/z.txt" 2>"$D/z.err"
is "report z with the manager's PIN on stdin: exit 0" "$?" 0 "$(cat "$D/z.err")"
grep -q "Z REPORT No. 1" "$D/z.txt" && ok "report z: Z REPORT No. 1" || bad "report z: title" "$(cat "$D/z.txt")"
grep -qE '^Closed by +boss$' "$D/z.txt" && ok "report z: closed by boss" || bad "report z: closed by" "$(cat "$D/z.txt")"
is "report z: the shift is closed with Z 1" "$(db "SELECT count(*), max(z_number) FROM shifts WHERE closed_at IS NOT NULL")" "1|1"
is "report z: the snapshot is stored" "$(db "SELECT number, json_extract(snapshot, '$.net') FROM z_reports")" "1|190000"
db "UPDATE z_reports SET snapshot = '{}'" | grep -q "never changes" && ok "report z: the snapshot refuses an UPDATE" ||
	bad "report z: the snapshot was not protected"

"$POS" report z </dev/null >"$D/z2.txt" 2>"$D/z2.err"
is "a second report z: exit 1" "$?" 1
grep -q "no shift is open" "$D/z2.err" && ok "a second report z: says no shift is open" || bad "a second z: message" "$(cat "$D/z2.err")"
"$POS" report x >/dev/null 2>"$D/x2.err"
is "report x with no shift open: exit 1" "$?" 1
"$POS" report z --number 1 --width 32 >"$D/z1.txt" 2>"$D/z1.err"
is "report z --number 1: exit 0" "$?" 0 "$(cat "$D/z1.err")"
cmp -s "$D/z.txt" "$D/z1.txt" && ok "report z --number 1: the reprint equals the original" ||
	bad "report z --number 1: the reprint differs" "$(diff "$D/z.txt" "$D/z1.txt")"
"$POS" report z --number 1 --format json >"$D/z1.json" 2>/dev/null
is "report z --number 1 --format json: the stored snapshot" "$(cat "$D/z1.json")" "$(db "SELECT snapshot FROM z_reports WHERE number = 1")"
"$POS" report z --number 2 >/dev/null 2>"$D/z3.err"
is "report z --number 2 (none): exit 2" "$?" 2 "$(cat "$D/z3.err")"

# ---- printing ------------------------------------------------------------------
"$POS" report z --number 1 --print >/dev/null 2>"$D/p.err"
is "report z --number 1 --print (file printer): exit 0" "$?" 0 "$(cat "$D/p.err")"
[ -s "$D/printer.bin" ] && ok "--print: the printer file got the job" || bad "--print: the printer file is empty"
# the paper speaks the till's language ([ui] language = kk), standard
# output LANG's (C.UTF-8: English), as the till prints it
sed -e 's/^mode = file$/mode = command/' -e "s#^file = .*#command = cat > '$D/paper.txt'#" \
	"$D/cfg/kaspi-pos/config.ini" >"$D/kk.ini"
printf '[ui]\nlanguage = kk\n' >>"$D/kk.ini"
"$POS" --config "$D/kk.ini" report z --number 1 --print >"$D/kk.out" 2>"$D/kk.err"
is "report z --number 1 --print with [ui] language = kk: exit 0" "$?" 0 "$(cat "$D/kk.err")"
grep -q "Z-ЕСЕП № 1" "$D/paper.txt" 2>/dev/null && ! grep -q "Z REPORT" "$D/paper.txt" &&
	ok "--print: the paper is in the till's language (Z-ЕСЕП № 1)" ||
	bad "--print: the paper is not in Kazakh" "$(cat "$D/paper.txt" 2>&1)"
grep -q "Z REPORT No. 1" "$D/kk.out" && ok "--print: standard output stays in LANG's language" ||
	bad "--print: standard output" "$(cat "$D/kk.out")"
sed -i 's/^mode = file$/mode = none/' "$D/cfg/kaspi-pos/config.ini"
"$POS" report day --print >/dev/null 2>"$D/p.err"
is "--print with no printer: exit 1" "$?" 1
grep -q "printing is not configured" "$D/p.err" && ok "--print with no printer: says printing is not configured" ||
	bad "--print with no printer: message" "$(cat "$D/p.err")"

# ---- day report --------------------------------------------------------------
"$POS" report day --format json >"$D/day.json" 2>"$D/day.err"
is "report day --format json: exit 0" "$?" 0 "$(cat "$D/day.err")"
today=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["date"])' "$D/day.json")
days=$(db "SELECT count(DISTINCT day) FROM orders")
if [ "$days" = 1 ]; then
	is "report day: the day's net equals the shift's" \
		"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["net"])' "$D/day.json")" 190000
else
	ok "report day: the orders straddle Almaty midnight, the totals are not compared"
fi
"$POS" report day --date 2020-01-01 --format csv >"$D/old.csv" 2>/dev/null
grep -q '^sales,amount,total,0.00' "$D/old.csv" && ok "report day --date 2020-01-01: nothing sold" ||
	bad "report day --date 2020-01-01" "$(cat "$D/old.csv")"
"$POS" report day --date 2026-02-30 >/dev/null 2>&1
is "report day --date 2026-02-30: exit 2" "$?" 2

# ---- journal -----------------------------------------------------------------
"$POS" journal --format csv >"$D/j.csv" 2>"$D/j.err"
is "journal --format csv: exit 0" "$?" 0 "$(cat "$D/j.err")"
if [ "$days" = 1 ]; then
	got=$(python3 - "$D/j.csv" "$first" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")))
first = [r for r in rows if r["merchant_order_id"] == sys.argv[2]][0]
print(len(rows), first["state"], first["amount"], first["refunded_amount"], first["refunds"])
EOF
	)
	is "journal csv: 5 orders; the first partially_refunded 1500.00, 500.00 back, 1 refund" \
		"$got" "5 partially_refunded 1500.00 500.00 1" "$(cat "$D/j.csv")"
fi
"$POS" journal --from 2020-01-01 --to 2099-12-31 --format json >"$D/j.json" 2>"$D/j.err"
is "journal --from --to --format json: exit 0" "$?" 0 "$(cat "$D/j.err")"
got=$(python3 - "$D/j.json" "$first" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
first = [o for o in j["orders"] if o["merchant_order_id"] == sys.argv[2]][0]
print(len(j["orders"]), first["amount"], first["refunded_amount"], len(first["refunds"]),
      first["refunds"][0]["amount"], first["refunds"][0]["state"], isinstance(first["lines"], list))
EOF
)
is "journal json: 5 orders, integer tiyn, the refund under its order" "$got" "5 150000 50000 1 50000 refunded True"
"$POS" journal --from 2020-01-01 --to 2099-12-31 --status cancelled --format csv >"$D/jc.csv" 2>/dev/null
is "journal --status cancelled: one order" "$(($(wc -l <"$D/jc.csv") - 1))" 1
"$POS" journal --from 2020-01-01 --to 2099-12-31 >"$D/j.txt" 2>/dev/null
grep -qF "$pending" "$D/j.txt" && grep -q "payment" "$D/j.txt" && ok "journal text: a table with the orders" ||
	bad "journal text" "$(cat "$D/j.txt")"
"$POS" journal --status paid >/dev/null 2>"$D/js.err"
is "journal --status paid (no such state): exit 2" "$?" 2
grep -q "succeeded" "$D/js.err" && ok "journal --status paid: lists the states" || bad "journal --status: message" "$(cat "$D/js.err")"
"$POS" journal --from 2026-11-27 --to 2026-11-26 >/dev/null 2>&1
is "journal --to before --from: exit 2" "$?" 2

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
