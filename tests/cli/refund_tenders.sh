#!/usr/bin/env bash
# refund_tenders.sh — `kaspi-pos refund` back to the sale's tenders against
# kaspi-sandbox: a cash sale refunded in cash (no request; the drawer's
# ESC p in the printer file), a card sale to the card, a split QR + cash
# sale to its tenders (the Kaspi part through the API, the rest from the
# drawer) and another in cash instead (--to cash: nothing sent, and its
# Kaspi part can no longer be refunded through Kaspi), a return without a
# receipt (--no-receipt, --vat); the X report's refunds per tender and the
# journal's JSON against independent SQL over the rows; bad input (a tender
# other than cash, amounts, rates, no reason, a wrong PIN) refused with one
# line, in Russian too, and nothing written.
#
#   tests/cli/refund_tenders.sh        (KP_POS, KP_SANDBOX: the binaries to test)
set -u
cd "$(dirname "$0")/../.." || exit 1
root=$(pwd)
POS=${KP_POS:-$root/${KP_BUILD:-build}/kaspi-pos}
SBX=${KP_SANDBOX:-$root/${KP_BUILD:-build}/kaspi-sandbox}
for b in "$POS" "$SBX"; do
	[ -x "$b" ] || { echo "no $b: run make first"; echo "0 passed, 1 failed"; exit 1; }
done
command -v sqlite3 >/dev/null && command -v python3 >/dev/null && command -v curl >/dev/null ||
	{ echo "needs sqlite3, python3 and curl"; echo "0 passed, 1 failed"; exit 1; }

export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset LANGUAGE KASPI_WEBHOOK_SECRET NO_COLOR
KEY=xdev_r3fund0tendr0sh00001
MERCHANT=123456789012
work=$(mktemp -d)
SBX_PID=
cleanup() {
	[ -n "$SBX_PID" ] && kill "$SBX_PID" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

. tests/cli/lib.sh # ok, bad, is, has

"$SBX" --port 0 --key "$KEY" --merchant "$MERCHANT" --pay-after 1 >"$work/sbx.out" 2>"$work/sbx.err" &
SBX_PID=$!
for _ in $(seq 50); do grep -q 'listening on' "$work/sbx.out" && break; sleep 0.1; done
URL=$(sed -n 's/^listening on //p' "$work/sbx.out")
[ -n "$URL" ] || { bad "the sandbox starts" "$(cat "$work/sbx.err")"; echo "$passed passed, $failed failed"; exit 1; }

export KASPI_POS_HOME=$work/home XDG_CONFIG_HOME=$work/cfg KASPI_XDEV_KEY=$KEY KASPI_MERCHANT_ID=$MERCHANT
export KASPI_BASE_URL=$URL
mkdir -p "$work/cfg/kaspi-pos"
cat >"$work/cfg/kaspi-pos/config.ini" <<EOF
[till]
id = T07
[printer]
mode = file
file = $work/paper.bin
[drawer]
mode = printer
EOF
"$POS" catalog import data/catalog.csv >/dev/null || bad "the catalog imports"
printf '9999\n9999\n' | "$POS" user add boss --role manager >/dev/null 2>&1 || bad "the manager is added"
DB=$KASPI_POS_HOME/kaspi-pos.db
q() { sqlite3 "$DB" "$1"; }
kicks() { [ -f "$work/paper.bin" ] && grep -c $'\x1bp' "$work/paper.bin" || echo 0; }
requests() {
	curl -s -m 5 -H "Authorization: Bearer $KEY" -H "X-Merchant-ID: $MERCHANT" "$URL/sandbox/stats" |
		sed -En 's/.*"api_requests":([0-9]+).*/\1/p'
}
newest() { q "SELECT merchant_order_id FROM orders WHERE part_of IS NULL ORDER BY id DESC LIMIT 1"; }
# refund PIN ARGS...: out, err, rc
refund() {
	local pin=$1
	shift
	printf '%s\n' "$pin" | timeout 60 "$POS" refund "$@" >"$work/r.out" 2>"$work/r.err"
	rc=$?
	out=$(cat "$work/r.out") err=$(cat "$work/r.err")
}
# written: the rows a refund writes to, and what the orders took
written() {
	q "SELECT (SELECT count(*) FROM refunds) || '/' || (SELECT count(*) FROM refund_tenders) || '/' ||
	   (SELECT count(*) FROM refund_lines) || '/' || (SELECT count(*) FROM order_events) || '/' ||
	   (SELECT total(refunded_amount) FROM orders)"
}

# GR-0027 costs 790,00 ₸
# ---- a cash sale in cash ----------------------------------------------------------
"$POS" sale 2*GR-0027 --tender cash:2000 >/dev/null 2>&1 || bad "the cash sale"
cash_order=$(newest)
k0=$(kicks) r0=$(requests)
refund 9999 "$cash_order" 500 --reason "Вернули товар"
is "cash sale: refund exit 0" "$rc" 0 "$out" "$err"
has "cash sale: its line says in cash" "$out" "^refund T07-R-[0-9]+-[0-9]+  500,00 ₸  of order $cash_order  in cash$"
has "cash sale: given back at once" "$out" '^refunded in cash T07-R-'
has "cash sale: the order part refunded" "$out" "^order $cash_order part refunded$"
is "cash sale: refunded, no request, to cash" \
	"$(q "SELECT f.state, f.request_body, f.refund_id IS NULL, t.tender FROM refunds f JOIN refund_tenders t ON t.refund_row = f.id ORDER BY f.id DESC LIMIT 1")" \
	"refunded||1|cash"
is "cash sale: the order moved" "$(q "SELECT state, refunded_amount FROM orders WHERE merchant_order_id = '$cash_order'")" "partially_refunded|50000"
is "cash sale: the drawer opened (ESC p in the printer file)" "$(kicks)" $((k0 + 1))
is "cash sale: nothing sent to the server" "$(requests)" "$r0"

# ---- a card sale to the card --------------------------------------------------------
"$POS" sale GR-0027 --tender card::A1B2C3 >/dev/null 2>&1 || bad "the card sale"
card_order=$(newest)
k0=$(kicks)
refund 9999 "$card_order" --reason "Вернули товар"
is "card sale: refund exit 0" "$rc" 0 "$out" "$err"
has "card sale: to the card" "$out" "of order $card_order  to the card$"
is "card sale: refunded to the card" "$(q "SELECT f.state, t.tender FROM refunds f JOIN refund_tenders t ON t.refund_row = f.id ORDER BY f.id DESC LIMIT 1")" "refunded|card"
is "card sale: the order refunded" "$(q "SELECT state FROM orders WHERE merchant_order_id = '$card_order'")" "refunded"
is "card sale: the drawer stays shut" "$(kicks)" "$k0"

# ---- a split QR + cash sale to its tenders ----------------------------------------
"$POS" sale 3*GR-0027 --tender qr:1000 --tender cash:1370 >/dev/null 2>&1 || bad "the split sale"
split1=$(newest)
part1=$(q "SELECT p.merchant_order_id FROM orders p JOIN orders s ON s.id = p.part_of WHERE s.merchant_order_id = '$split1'")
k0=$(kicks)
refund 9999 "$split1" 1200 --reason "Вернули товар"
is "split: refund exit 0" "$rc" 0 "$out" "$err"
has "split: Kaspi first, all of it" "$out" "1 000,00 ₸  of order $split1  through Kaspi QR"
has "split: the rest from the drawer" "$out" "200,00 ₸  of order $split1  in cash"
has "split: Kaspi answered" "$out" '^refunded ref_'
is "split: a row per tender, each refunded" \
	"$(q "SELECT group_concat(t.tender || ':' || f.amount || ':' || f.state, ' ') FROM (SELECT * FROM refunds ORDER BY id) f JOIN refund_tenders t ON t.refund_row = f.id JOIN orders o ON o.id = f.order_id WHERE o.merchant_order_id = '$split1'")" \
	"qr:100000:refunded cash:20000:refunded"
is "split: the Kaspi row asked for the part's payment" \
	"$(q "SELECT f.request_body LIKE '%' || p.payment_id || '%' FROM refunds f JOIN refund_tenders t ON t.refund_row = f.id AND t.tender = 'qr' JOIN orders s ON s.id = f.order_id JOIN orders p ON p.part_of = s.id WHERE s.merchant_order_id = '$split1'")" 1
srv=$("$POS" status "$part1" 2>/dev/null | awk '/^server/{s=1} s && $1=="refunded"{$1=""; print}' | tr -cd '0-9')
is "split: the server refunded the part's 1 000,00" "$srv" 100000
is "split: the sale and its part moved" "$(q "SELECT state || ':' || refunded_amount FROM orders WHERE merchant_order_id IN ('$split1', '$part1') ORDER BY id")" "$(printf 'partially_refunded:120000\nrefunded:100000')"
is "split: the drawer opened for the cash" "$(kicks)" $((k0 + 1))

# ---- a split QR + cash sale in cash instead ---------------------------------------
"$POS" sale 3*GR-0027 --tender qr:1000 --tender cash:1370 >/dev/null 2>&1 || bad "the second split sale"
split2=$(newest)
part2=$(q "SELECT p.merchant_order_id FROM orders p JOIN orders s ON s.id = p.part_of WHERE s.merchant_order_id = '$split2'")
r0=$(requests)
refund 9999 "$split2" --to cash --reason "Вернули товар"
is "to cash: refund exit 0" "$rc" 0 "$out" "$err"
is "to cash: two rows, both cash, the cash part first" \
	"$(q "SELECT group_concat(t.part_no || ':' || t.tender || ':' || f.amount, ' ') FROM (SELECT * FROM refunds ORDER BY id) f JOIN refund_tenders t ON t.refund_row = f.id JOIN orders o ON o.id = f.order_id WHERE o.merchant_order_id = '$split2'")" \
	"2:cash:137000 1:cash:100000"
is "to cash: nothing sent to the server" "$(requests)" "$r0"
is "to cash: the sale refunded" "$(q "SELECT state FROM orders WHERE merchant_order_id = '$split2'")" "refunded"
refund 9999 "$part2" --reason "again"
is "to cash: its Kaspi part is not refunded twice (exit 1)" "$rc" 1 "$out" "$err"
is "to cash: one line why" "$(printf '%s\n' "$err" | grep -c .)" 1 "$err"

# ---- a return without a receipt ----------------------------------------------------
k0=$(kicks)
refund 9999 --no-receipt 450,50 --vat 12 --reason "Без чека"
is "no receipt: exit 0" "$rc" 0 "$out" "$err"
has "no receipt: its line" "$out" '^return without a receipt T07-R-[0-9-]+  450,50 ₸  VAT 12%$'
is "no receipt: cash of no order, its VAT part" \
	"$(q "SELECT f.order_id IS NULL, f.state, t.tender, l.tax_rate, l.amount FROM refunds f JOIN refund_tenders t ON t.refund_row = f.id JOIN refund_lines l ON l.refund_row = f.id ORDER BY f.id DESC LIMIT 1")" \
	"1|refunded|cash|12|45050"
is "no receipt: the drawer opened" "$(kicks)" $((k0 + 1))
is "no receipt: its event, by the manager" "$(q "SELECT count(*) FROM events e JOIN users u ON u.id = e.user_id WHERE e.kind = 'return_no_receipt' AND u.name = 'boss'")" 1

# ---- the X report's refunds per tender against the rows -------------------------------
json=$("$POS" report x --format json)
jq_() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)" <<<"$json"; }
sql_refunds() { q "SELECT coalesce(sum(f.amount), 0) FROM refunds f JOIN refund_tenders t ON t.refund_row = f.id WHERE f.state = 'refunded' AND t.tender = '$1'"; }
for m in qr card cash; do
	is "X: $m refunds = the rows refunded to $m" "$(jq_ "d['refunds']['$m']['amount']")" "$(sql_refunds "$m")"
done
is "X: the refunds' total = every refunded row" "$(jq_ "d['refunds']['total']['amount']")" "$(q "SELECT sum(amount) FROM refunds WHERE state = 'refunded'")"
is "X: the returns without a receipt, a line of their own" "$(jq_ "d['refunds']['no_receipt']['count'], d['refunds']['no_receipt']['amount']")" "1 45050"
is "X: cash refunds = 5,00 + 200,00 + 1 370,00 + 1 000,00 + 450,50" "$(jq_ "d['refunds']['cash']['amount']")" $((50000 + 20000 + 137000 + 100000 + 45050))
for m in qr card cash; do
	sold=$(q "SELECT coalesce(sum(t.amount), 0) FROM tenders t JOIN orders o ON o.id = t.order_id LEFT JOIN orders p ON p.id = t.part_order WHERE t.kind = '$m' AND o.state <> 'pending' AND (p.id IS NULL OR p.state <> 'failed')")
	[ "$m" = qr ] && sold=$((sold + $(q "SELECT coalesce(sum(amount), 0) FROM orders WHERE method = 'qr' AND part_of IS NULL")))
	is "X: the $m net = its sales less the refunds to it" "$(jq_ "d['net_per_tender']['$m']")" "$((sold - $(sql_refunds "$m")))"
done
is "X: card net and its commission" "$(jq_ "d['commission']['card']['amount']")" \
	"$(python3 -c "print(round(($(q "SELECT sum(t.amount) FROM tenders t WHERE t.kind = 'card'") - $(sql_refunds card)) * 0.015))")"
text=$("$POS" report x)
has "X text: the returns without a receipt, a line of their own" "$text" '^without a receipt \(1\) +450,50$'

# ---- the journal's JSON carries the tenders ----------------------------------------------
jj=$("$POS" journal --format json)
jt() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)" <<<"$jj"; }
is "journal: the split sale's refunds with their tenders and parts" \
	"$(jt "' '.join(r['tender'] + ':' + str(r['part_no']) + ':' + str(r['amount']) for o in d['orders'] if o['merchant_order_id'] == '$split1' for r in o['refunds'])")" \
	"qr:1:100000 cash:2:20000"
is "journal: the return without a receipt, in tiyn" "$(jt "[(r['tender'], r['amount'], r['tax_rate']) for r in d['returns']]")" "[('cash', 45050, 12)]"

# ---- bad input: one line, nothing written --------------------------------------------------
rows=$(written) k0=$(kicks)
for args in "$cash_order --to card --reason x" "--no-receipt 0 --reason x" \
	"--no-receipt abc --reason x" "--no-receipt 100 --vat 101 --reason x" \
	"--no-receipt 100 --vat 1.5 --reason x" "--no-receipt 2000000 --reason x" \
	"$cash_order 5000 --reason x"; do
	# shellcheck disable=SC2086
	refund 9999 $args
	[ "$rc" = 2 ] || [ "$rc" = 1 ] && ok "refused ($args): exit $rc" || bad "refused ($args): exit $rc" "$out" "$err"
	is "refused ($args): one line" "$(printf '%s\n' "$err" | grep -c .)" 1 "$err"
done
# the command line misused: its usage (exit 2)
for args in "$cash_order --to --reason x" "--no-receipt 100" "$cash_order --no-receipt 100 --reason x" \
	"--no-receipt 100 --to cash --reason x" "$cash_order --vat 12 --reason x"; do
	# shellcheck disable=SC2086
	refund 9999 $args
	is "usage ($args): exit 2" "$rc" 2 "$out" "$err"
	has "usage ($args): says how" "$err" '^usage: kaspi-pos refund'
done
refund 1234 --no-receipt 100 --reason "wrong PIN"
is "a wrong PIN: exit 2" "$rc" 2 "$err"
refund 9999 "$cash_order" 100 --reason "$(printf 'two\nlines')"
is "a reason of two lines: exit 2" "$rc" 2 "$err"
is "refused: nothing written" "$(written)" "$rows"
is "refused: the drawer stays shut" "$(kicks)" "$k0"
out=$(printf '9999\n' | env -u LC_ALL LANG=ru_RU.UTF-8 "$POS" refund --no-receipt 100 --vat 101 --reason x 2>&1); rc=$?
is "in Russian: exit 2" "$rc" 2 "$out"
is "in Russian: one line" "$(printf '%s\n' "$out" | grep -c .)" 1 "$out"
has "in Russian: said in Russian" "$out" 'НДС'
out=$(printf '9999\n' | env -u LC_ALL LANG=ru_RU.UTF-8 "$POS" refund "$cash_order" --to card --reason x 2>&1); rc=$?
is "in Russian, --to card: exit 2" "$rc" 2 "$out"
if printf '%s' "$out" | python3 tests/tools/english_words.py >/dev/null 2>&1; then
	ok "in Russian, --to card: no English words"
else
	bad "in Russian, --to card: English words" "$out"
fi
is "in Russian: nothing written" "$(written)" "$rows"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
