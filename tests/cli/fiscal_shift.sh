#!/usr/bin/env bash
# fiscal_shift.sh — the register's 24 h shift and 72 h offline rules on the
# real till against kassa-sandbox, its clock moved by /sandbox/clock: a
# sale at 23 h of the shift warns and goes on; past 24 h the register
# refuses the receipt (11) and the till refuses the next sale, nothing
# journaled; the till's Z closes the register's shift too, the receipt
# refused goes into the new shift, and sales go on. Offline: receipts carry
# the mark and `fiscal status` says for how long; after 72 h offline the
# register refuses (18) and so does the till, until the register is back
# online and takes the receipt that waited.
#
#   tests/cli/fiscal_shift.sh        (KP_POS, KP_KASSA: the binaries to test)
set -u
cd "$(dirname "$0")/../.." || exit 1
root=$(pwd)
POS=${KP_POS:-$root/${KP_BUILD:-build}/kaspi-pos}
KASSA=${KP_KASSA:-$root/${KP_BUILD:-build}/kassa-sandbox}
for b in "$POS" "$KASSA"; do
	[ -x "$b" ] || { echo "no $b: run make first"; echo "0 passed, 1 failed"; exit 1; }
done
for t in sqlite3 curl python3; do
	command -v $t >/dev/null || { echo "needs $t"; echo "0 passed, 1 failed"; exit 1; }
done

export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset LANGUAGE NO_COLOR WEBKASSA_URL WEBKASSA_API_KEY WEBKASSA_LOGIN WEBKASSA_PASSWORD WEBKASSA_CASHBOX
APIKEY=WKD-00000000-0000-0000-0000-000000000000
work=$(mktemp -d)
K_PID=
cleanup() {
	[ -n "$K_PID" ] && kill "$K_PID" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

. tests/cli/lib.sh # ok, bad, is, has

"$KASSA" --port 0 >"$work/k.out" 2>"$work/k.err" &
K_PID=$!
for _ in $(seq 50); do grep -q 'listening on' "$work/k.out" && break; sleep 0.1; done
KURL=$(sed -n 's/^listening on //p' "$work/k.out")
[ -n "$KURL" ] || { bad "kassa-sandbox starts" "$(cat "$work/k.err")"; # ---- cash in and out are the register's money operations -----------------------
"$POS" cash in 5000 --reason "размен" >/dev/null 2>&1
is "cash in: exit 0" "$?" 0
printf '9999\n' | "$POS" cash out 1200,50 --reason "инкассация" >/dev/null 2>&1
is "cash out: exit 0" "$?" 0
money=$(curl -s -H "x-api-key: $APIKEY" "$KURL/sandbox/checks" | python3 -c 'import json,sys; print(" ".join("%d:%s" % (m["OperationType"], m["Sum"]) for m in json.load(sys.stdin)["money"]))')
is "the register holds both, as much as the drawer moved" "$money" "0:5000 1:1200.5"
is "... and the journal says they are registered" "$(q "SELECT group_concat(kind || ':' || amount || ':' || state, ' ') FROM receipts WHERE cash_move IS NOT NULL")" "cash_in:500000:registered cash_out:120050:registered"

echo "$passed passed, $failed failed"; exit 1; }

export KASPI_POS_HOME=$work/home XDG_CONFIG_HOME=$work/cfg
mkdir -p "$work/cfg/kaspi-pos"
cat >"$work/cfg/kaspi-pos/config.ini" <<EOF
[till]
id = T08
[ui]
language = en
[fiscal]
provider = webkassa
base_url = $KURL
api_key = $APIKEY
login = demo@kaspi-pos.kz
password = demo
cashbox = SWK00000001
timeout = 2
EOF
chmod 600 "$work/cfg/kaspi-pos/config.ini"
"$POS" catalog import data/catalog.csv >/dev/null || bad "the catalog imports"
printf '9999\n9999\n' | "$POS" user add boss --role manager >/dev/null 2>&1 || bad "the manager is added"
DB=$KASPI_POS_HOME/kaspi-pos.db
q() { sqlite3 "$DB" "$1"; }
ctl() { curl -s -H "x-api-key: $APIKEY" -H 'Content-Type: application/json' -d "$2" "$KURL/sandbox/$1" >/dev/null; }
sales() { q "SELECT count(*) FROM orders WHERE part_of IS NULL AND state = 'succeeded'"; }
sale() { "$POS" sale GR-0027 --tender cash >"$work/sale.out" 2>"$work/sale.err"; }

# ---- the 24 h shift -----------------------------------------------------------
sale
is "a sale: exit 0" "$?" 0 "$(cat "$work/sale.err")"
st=$("$POS" fiscal status 2>&1)
has "fiscal status: the register's shift just opened" "$st" "shift is open for 0 h [01] min"
ctl clock '{"advance_s": 82860}' # 23 h 1 min
sale
is "a sale at 23 h: exit 0 (its answer says the register's time)" "$?" 0 "$(cat "$work/sale.err")"
st=$("$POS" fiscal status 2>&1)
has "fiscal status: the shift open for 23 h" "$st" "shift is open for 23 h [01] min"
has "fiscal status: make the Z within the hour" "$st" "make the Z report within 5[89] min"
sale
rc=$?
is "the next sale goes on: exit 0" "$rc" 0 "$(cat "$work/sale.err")"
has "... and warns: the Z within the hour" "$(cat "$work/sale.err")" "open for 23 h [0-9]+ min: make the Z report within"
ctl clock '{"advance_s": 3600}' # 24 h 1 min: the register refuses
sale
has "a sale past 24 h by the register's clock: its receipt waits" "$(cat "$work/sale.err")" "fiscal receipts wait for the register"
is "... refused with 11" "$(q "SELECT last_code FROM receipts WHERE state = 'pending'")" 11
x=$("$POS" report x 2>&1)
has "the X report lists the receipt that waits" "$x" "fiscal receipt: sale"
has "... with its state" "$x" "waits for the register"
"$POS" report x --format json >"$work/x.json" 2>&1
is "... and its JSON as a receipt of a sale" "$(python3 -c 'import json,sys; print(" ".join(u["type"] + ":" + u["order_ref"] + ":" + u["state"] for u in json.load(open(sys.argv[1]))["unfinished"]))' "$work/x.json")" "receipt:sale:pending"
n=$(sales)
sale
rc=$?
is "then the till refuses sales: exit 3" "$rc" 3 "$(cat "$work/sale.err")"
has "... saying why and what to do" "$(cat "$work/sale.err")" "over 24 h: make the Z report before the next sale"
is "... nothing journaled" "$(sales)" "$n"
"$POS" charge 100 --no-wait >"$work/c.out" 2>"$work/c.err"
is "charge is refused too: exit 3" "$?" 3 "$(cat "$work/c.err")"

printf '9999\n' | "$POS" report z --counted 0 >"$work/z.out" 2>"$work/z.err"
rc=$?
is "the till's Z with only the receipt refused for the 24 h waiting: exit 0" "$rc" 0 "$(cat "$work/z.err")"
has "... and the register's Z beside it" "$(cat "$work/z.out")" "Z report of the register: No. 1, shift 1"
has "... its VAT of sales beside the receipts' own, no difference" "$(sed 's/\xe2\x80\xaf/ /g' "$work/z.out")" "^VAT of sales +[0-9 ]+,[0-9]{2} ₸ +[0-9 ]+,[0-9]{2} ₸$"
has "... the receipts' VAT per rate" "$(cat "$work/z.out")" "sales, VAT 1[0-9] %"
has "the till's Z lists the receipt that waited for the register's Z" "$(cat "$work/z.out")" "fiscal receipt: sale"
is "the receipt that waited is registered after the Z" "$(q "SELECT count(*) FROM receipts WHERE state <> 'registered'")" 0
is "... in the register's new shift" "$(q "SELECT fiscal_shift FROM receipts ORDER BY id DESC LIMIT 1")" 2
shift2=$(curl -s -H "x-api-key: $APIKEY" "$KURL/sandbox/checks" | python3 -c 'import json,sys; print(sum(1 for c in json.load(sys.stdin)["checks"] if c["ShiftNumber"] == 2))')
is "... as the register has it" "$shift2" 1
sale
is "sales go on after the Z: exit 0" "$?" 0 "$(cat "$work/sale.err")"
is "... without a warning" "$(grep -c 'Z report' "$work/sale.err")" 0

# ---- offline, then over 72 h --------------------------------------------------
printf '9999\n' | "$POS" report z --counted 0 >/dev/null 2>&1 # a fresh shift for the offline days
ctl ofd '{"online": false}'
sale
is "an offline sale: exit 0" "$?" 0 "$(cat "$work/sale.err")"
is "... its receipt carries the offline mark" "$(q "SELECT offline FROM receipts ORDER BY id DESC LIMIT 1")" 1
has "... printed on it" "$("$POS" receipt "$(q "SELECT merchant_order_id FROM orders ORDER BY id DESC LIMIT 1")" 2>&1)" "АВТОНОМ"
ctl clock '{"advance_s": 7380}' # 2 h 3 min
sale
st=$("$POS" fiscal status 2>&1)
has "fiscal status: offline for 2 h" "$st" "offline for 2 h [0-9] min"
"$POS" fiscal z >/dev/null 2>&1
is "the register's Z works offline" "$?" 0
ctl clock '{"advance_s": 252000}' # 70 h more: 72 h 3 min offline
sale
is "past 72 h offline the register refuses (18)" "$(q "SELECT last_code FROM receipts WHERE state = 'pending'")" 18
n=$(sales)
sale
rc=$?
is "then the till refuses sales: exit 3" "$rc" 3 "$(cat "$work/sale.err")"
has "... saying why" "$(cat "$work/sale.err")" "offline for over 72 h: no sale until"
is "... nothing journaled" "$(sales)" "$n"
ctl ofd '{"online": true}'
"$POS" fiscal send >/dev/null 2>&1
is "back online, the receipt that waited is registered" "$(q "SELECT count(*) FROM receipts WHERE state <> 'registered'")" 0
sale
is "and sales go on: exit 0" "$?" 0 "$(cat "$work/sale.err")"
st=$("$POS" fiscal status 2>&1)
is "fiscal status says nothing of offline any more" "$(printf '%s' "$st" | grep -c offline)" 0

# ---- cash in and out are the register's money operations -----------------------
"$POS" cash in 5000 --reason "размен" >/dev/null 2>&1
is "cash in: exit 0" "$?" 0
printf '9999\n' | "$POS" cash out 1200,50 --reason "инкассация" >/dev/null 2>&1
is "cash out: exit 0" "$?" 0
money=$(curl -s -H "x-api-key: $APIKEY" "$KURL/sandbox/checks" | python3 -c 'import json,sys; print(" ".join("%d:%s" % (m["OperationType"], m["Sum"]) for m in json.load(sys.stdin)["money"]))')
is "the register holds both, as much as the drawer moved" "$money" "0:5000 1:1200.5"
is "... and the journal says they are registered" "$(q "SELECT group_concat(kind || ':' || amount || ':' || state, ' ') FROM receipts WHERE cash_move IS NOT NULL")" "cash_in:500000:registered cash_out:120050:registered"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
