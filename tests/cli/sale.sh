#!/usr/bin/env bash
# sale.sh — `kaspi-pos sale` against kaspi-sandbox: a cash sale with change,
# a card sale with its approval code, a whole Kaspi QR sale with its lines, a
# split sale QR + cash (the Kaspi part an order of its own without products,
# cash written last), a split sale whose Kaspi part is declined (given up,
# no cash written), a split sale killed while its Kaspi part waits (reconcile
# settles the part; nothing doubled), cash and card with the network down,
# the drawer's ESC p on cash only, the X report per tender (split sales once
# in the total, once in each tender), and bad tenders refused with nothing
# written.
#
#   tests/cli/sale.sh        (KP_POS, KP_SANDBOX: the binaries to test)
set -u
cd "$(dirname "$0")/../.." || exit 1
root=$(pwd)
POS=${KP_POS:-$root/${KP_BUILD:-build}/kaspi-pos}
SBX=${KP_SANDBOX:-$root/${KP_BUILD:-build}/kaspi-sandbox}
for b in "$POS" "$SBX"; do
	[ -x "$b" ] || { echo "no $b: run make first"; echo "0 passed, 1 failed"; exit 1; }
done
command -v sqlite3 >/dev/null || { echo "needs sqlite3"; echo "0 passed, 1 failed"; exit 1; }

export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset LANGUAGE KASPI_WEBHOOK_SECRET NO_COLOR
KEY=xdev_s4le0test0sh0key0001
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
id = T05
[printer]
mode = file
file = $work/paper.bin
[drawer]
mode = printer
EOF
"$POS" catalog import data/catalog.csv >/dev/null || bad "the catalog imports"
DB=$KASPI_POS_HOME/kaspi-pos.db
q() { sqlite3 "$DB" "$1"; }
kicks() { [ -f "$work/paper.bin" ] && grep -c $'\x1bp' "$work/paper.bin" || echo 0; }

# GR-0027 costs 790,00 ₸; GR-0025 549,00 ₸
# ---- cash with change ------------------------------------------------------
out=$("$POS" sale 2*GR-0027 4870000025008 --tender cash:5000 2>&1); rc=$?
is "cash: exit 0" "$rc" 0 "$out"
has "cash: the total" "$out" 'total 2 129,00 ₸'
has "cash: the change" "$out" 'cash 2 129,00 ₸  given 5 000,00 ₸  change 2 871,00 ₸'
is "cash: one sale, final, no request" "$(q "SELECT method, state, request_body, payment_id IS NULL FROM orders")" "cash|succeeded||1"
is "cash: its tender" "$(q "SELECT kind, amount, given, change FROM tenders")" "cash|212900|500000|287100"
is "cash: the drawer opened once" "$(kicks)" 1

# ---- card with its approval code ---------------------------------------------
out=$("$POS" sale GR-0027 --tender card::A1B2C3 2>&1); rc=$?
is "card: exit 0" "$rc" 0 "$out"
is "card: its tender" "$(q "SELECT t.kind, t.amount, t.approval FROM tenders t JOIN orders o ON o.id = t.order_id WHERE o.method = 'card'")" "card|79000|A1B2C3"
is "card: the drawer stays shut" "$(kicks)" 1

# ---- the network down: cash and card go on ----------------------------------
t0=$(date +%s%N)
out=$(KASPI_BASE_URL=http://127.0.0.1:9/api/v1 "$POS" sale GR-0027 --tender cash 2>&1); rc=$?
t1=$(date +%s%N)
is "offline cash: exit 0" "$rc" 0 "$out"
out=$(KASPI_BASE_URL=http://127.0.0.1:9/api/v1 "$POS" sale GR-0027 --tender card 2>&1); rc=$?
is "offline card: exit 0" "$rc" 0 "$out"
echo "info offline cash sale took $(((t1 - t0) / 1000000)) ms"

# ---- a whole Kaspi QR sale -------------------------------------------------
out=$("$POS" sale GR-0027 --tender qr 2>&1); rc=$?
is "qr: exit 0" "$rc" 0 "$out"
is "qr: one order with its line" "$(q "SELECT o.method, o.state, count(l.line_no) FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.method = 'qr' GROUP BY o.id")" "qr|succeeded|1"

# ---- split: QR 1 000 then cash the rest ------------------------------------
before=$(kicks)
out=$("$POS" sale 3*GR-0027 --tender qr:1000 --tender cash:2000 2>&1); rc=$?
is "split: exit 0" "$rc" 0 "$out"
# the Kaspi part's "paid" comes before the cash line with the change
has "split: the change after Kaspi said paid" "$(printf '%s' "$out" | tr '\n' '|')" 'paid\|cash 1 370,00 ₸  given 2 000,00 ₸  change 630,00 ₸\|paid'
sale=$(q "SELECT id FROM orders WHERE method = 'split' ORDER BY id DESC LIMIT 1")
is "split: the sale is paid" "$(q "SELECT state, amount FROM orders WHERE id = $sale")" "succeeded|237000"
is "split: its parts in order" "$(q "SELECT group_concat(kind || ':' || amount, ' ') FROM (SELECT kind, amount FROM tenders WHERE order_id = $sale ORDER BY part_no)")" "qr:100000 cash:137000"
part=$(q "SELECT part_order FROM tenders WHERE order_id = $sale AND kind = 'qr'")
is "split: the Kaspi part is an order of its own, paid" "$(q "SELECT state, part_of FROM orders WHERE id = $part")" "succeeded|$sale"
body=$(q "SELECT request_body FROM orders WHERE id = $part")
has "split: the part's create names the sale and the part" "$body" '"description":"Order T05-[0-9]+-[0-9]+, part 1 of 2"'
if printf '%s' "$body" | grep -q '"products"'; then bad "split: the part carries no products" "$body"; else ok "split: the part carries no products"; fi
is "split: the drawer opened for its cash" "$(kicks)" $((before + 1))

jj=$("$POS" journal --format json)
jt=$(python3 -c '
import json, sys
d = json.load(sys.stdin)
o = [x for x in d["orders"] if x["id"] == int(sys.argv[1])][0]
p = [x for x in d["orders"] if x["id"] == int(sys.argv[2])][0]
print(" ".join("%s:%d:%s:%s" % (t["kind"], t["amount"], t.get("given", "-"), t["paid"]) for t in o["tenders"]), p["part_of"], p["tenders"])
' "$sale" "$part" <<<"$jj")
is "split: the journal's JSON carries the tenders in tiyn, the part its sale" "$jt" "qr:100000:-:True cash:137000:200000:True $sale []"

# ---- split whose Kaspi part is declined (amount ending in 13) ----------------
n0=$(q "SELECT count(*) FROM tenders WHERE kind = 'cash'")
out=$("$POS" sale 3*GR-0027 --tender qr:10.13 --tender cash 2>&1); rc=$?
is "declined part: exit 1" "$rc" 1 "$out"
is "declined part: the sale is given up" "$(q "SELECT state FROM orders WHERE method = 'split' ORDER BY id DESC LIMIT 1")" "cancelled"
is "declined part: no cash written" "$(q "SELECT count(*) FROM tenders WHERE kind = 'cash'")" "$n0"

# ---- killed while its Kaspi part waits: reconcile settles the part ------------
"$POS" sale 2*GR-0027 --tender qr:500.99 --tender card >"$work/kill.out" 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q 'payment pay_' "$work/kill.out" && break; sleep 0.1; done
kill -KILL "$pid"; wait "$pid" 2>/dev/null
ksale=$(q "SELECT id FROM orders WHERE method = 'split' ORDER BY id DESC LIMIT 1")
is "killed: the sale waits" "$(q "SELECT state FROM orders WHERE id = $ksale")" "pending"
kpart=$(q "SELECT part_order FROM tenders WHERE order_id = $ksale")
pay=$(q "SELECT payment_id FROM orders WHERE id = $kpart")
curl -s -X POST -H "Authorization: Bearer $KEY" -H "X-Merchant-Id: $MERCHANT" \
	"${URL%/api/v1}/api/v1/sandbox/payments/$pay/pay" >/dev/null
out=$("$POS" reconcile 2>&1); rc=$?
is "killed: reconcile exits 0" "$rc" 0 "$out"
is "killed: the part is paid once" "$(q "SELECT state FROM orders WHERE id = $kpart")" "succeeded"
is "killed: the sale is given up, its card never recorded" "$(q "SELECT state, (SELECT count(*) FROM tenders WHERE order_id = $ksale) FROM orders WHERE id = $ksale")" "abandoned|1"
has "killed: reconcile names the paid part for a refund" "$out" "refund it with kaspi-pos refund T05-"

# ---- the X report per tender -----------------------------------------------
json=$("$POS" report x --format json)
cash_sum=$(q "SELECT sum(t.amount) FROM tenders t JOIN orders o ON o.id = t.order_id WHERE t.kind = 'cash' AND o.state = 'succeeded'")
card_sum=$(q "SELECT sum(t.amount) FROM tenders t JOIN orders o ON o.id = t.order_id WHERE t.kind = 'card' AND o.state = 'succeeded'")
qr_sum=$(q "SELECT sum(amount) FROM orders WHERE method = 'qr' AND state = 'succeeded' AND part_of IS NULL") 
qr_parts=$(q "SELECT sum(t.amount) FROM tenders t JOIN orders o ON o.id = t.order_id JOIN orders p ON p.id = t.part_order WHERE o.state = 'succeeded' AND p.state = 'succeeded'")
total=$(q "SELECT sum(amount) FROM orders WHERE part_of IS NULL AND state = 'succeeded'")
jq_() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)" <<<"$json"; }
is "X: cash = the cash tenders" "$(jq_ 'd["sales"]["cash"]["amount"]')" "$cash_sum"
is "X: card = the card tenders" "$(jq_ 'd["sales"]["card"]["amount"]')" "$card_sum"
is "X: QR = the QR sales and the paid QR parts" "$(jq_ 'd["sales"]["qr"]["amount"]')" "$((qr_sum + qr_parts))"
is "X: the total counts each sale once" "$(jq_ 'd["sales"]["total"]["amount"]')" "$total"
is "X: one split sale" "$(jq_ 'd["sales"]["split"]["count"]')" 1
is "X: no commission on cash" "$(jq_ '"cash" in d["commission"]')" False
text=$("$POS" report x)
has "X text: a cash row" "$text" 'In cash \([0-9]+\)'

# ---- bad tenders: one line, nothing written ---------------------------------
rows=$(q "SELECT count(*) FROM orders")
for args in "--tender cash:100" "--tender card:900 --tender cash" "--tender cash:3000 --tender card" \
	"--tender cash:0" "--tender cash:-5" "--tender bitcoin" "--tender phone" \
	"--tender cash:1 --tender cash:1 --tender cash:1 --tender cash:1 --tender cash" \
	"--tender card --tender cash:10"; do
	# shellcheck disable=SC2086
	out=$("$POS" sale GR-0027 $args 2>&1); rc=$?
	is "refused ($args): exit 2" "$rc" 2 "$out"
	is "refused ($args): one line" "$(printf '%s\n' "$out" | grep -c .)" 1 "$out"
done
out=$("$POS" sale 0000000000000 2>&1); rc=$?
is "an unknown barcode: exit 2" "$rc" 2 "$out"
has "an unknown barcode: said" "$out" 'no such barcode or SKU'
is "refused: nothing written" "$(q "SELECT count(*) FROM orders")" "$rows"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
