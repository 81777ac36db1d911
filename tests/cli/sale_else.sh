#!/usr/bin/env bash
# sale_else.sh — `kaspi-pos sale ... --else cash|card` against kaspi-sandbox
# (its buyer never pays by himself: each Kaspi part is settled by the
# sandbox's control calls): a split sale QR + cash whose Kaspi part the
# buyer declines (POST /sandbox/payments/{id}/decline) is paid by cash in
# the same sale, the declined part's order kept as the failed try; a failed
# part is taken by card; a sale in one Kaspi tender that expires becomes a
# cash sale of its own; a part given up with Ctrl-C is never taken again;
# the journal's JSON shows each sale complete with its tenders in tiyn and
# the X report counts each sale once, the unpaid tries nowhere; bad --else
# refused with one line and nothing written.
#
#   tests/cli/sale_else.sh        (KP_POS, KP_SANDBOX: the binaries to test)
set -u
cd "$(dirname "$0")/../.." || exit 1
root=$(pwd)
POS=${KP_POS:-$root/${KP_BUILD:-build}/kaspi-pos}
SBX=${KP_SANDBOX:-$root/${KP_BUILD:-build}/kaspi-sandbox}
for b in "$POS" "$SBX"; do
	[ -x "$b" ] || { echo "no $b: run make first"; echo "0 passed, 1 failed"; exit 1; }
done
for t in sqlite3 python3 curl; do
	command -v $t >/dev/null || { echo "needs $t"; echo "0 passed, 1 failed"; exit 1; }
done

export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset LANGUAGE KASPI_WEBHOOK_SECRET NO_COLOR
KEY=xdev_s4le0else0sh0key0001
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

"$SBX" --port 0 --key "$KEY" --merchant "$MERCHANT" --pay-after 0 >"$work/sbx.out" 2>"$work/sbx.err" &
SBX_PID=$!
for _ in $(seq 50); do grep -q 'listening on' "$work/sbx.out" && break; sleep 0.1; done
URL=$(sed -n 's/^listening on //p' "$work/sbx.out")
[ -n "$URL" ] || { bad "the sandbox starts" "$(cat "$work/sbx.err")"; echo "$passed passed, $failed failed"; exit 1; }

export KASPI_POS_HOME=$work/home XDG_CONFIG_HOME=$work/cfg KASPI_XDEV_KEY=$KEY KASPI_MERCHANT_ID=$MERCHANT
export KASPI_BASE_URL=$URL
mkdir -p "$work/cfg/kaspi-pos"
printf '[till]\nid = T07\n' >"$work/cfg/kaspi-pos/config.ini"
"$POS" catalog import data/catalog.csv >/dev/null || bad "the catalog imports"
DB=$KASPI_POS_HOME/kaspi-pos.db
q() { sqlite3 "$DB" "$1"; }
control() { # PAYMENT STEP → the HTTP status
	curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $KEY" \
		-H "X-Merchant-Id: $MERCHANT" "$URL/sandbox/payments/$1/$2"
}
# The newest Kaspi order's payment once it is pending (its create answered).
pending_payment() {
	local p
	for _ in $(seq 100); do
		p=$(q "SELECT payment_id FROM orders WHERE method IN ('qr', 'phone') AND state = 'pending'
		       ORDER BY id DESC LIMIT 1")
		[ -n "$p" ] && { echo "$p"; return 0; }
		sleep 0.05
	done
	return 1
}
# Runs `kaspi-pos sale ARGS...` in the background into $work/out, settles
# its Kaspi payment with STEP once it waits, and waits for it: $rc, $out.
sale_then() { # STEP ARGS...
	local step=$1 pid pay
	shift
	"$POS" sale "$@" >"$work/out" 2>&1 &
	pid=$!
	if pay=$(pending_payment); then
		code=$(control "$pay" "$step")
	else
		code=none
	fi
	wait "$pid"
	rc=$?
	out=$(cat "$work/out")
}
# The journal's JSON into $work/j.json; jq_ prints a python expression over
# it, o being its orders by id.
jj() { "$POS" journal --format json >"$work/j.json"; }
jq_() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); o={x['id']: x for x in d['orders']}; print($1)" "$work/j.json"; }

# GR-0027 costs 790,00 ₸: three of them 2 370,00 ₸
# ---- declined, then paid by cash in the same sale ----------------------------
sale_then decline 3*GR-0027 --tender qr:500 --tender cash --else cash
is "declined: the control call declined the part" "$code" 200
is "declined: exit 0, paid" "$rc" 0 "$out"
has "declined: says the part goes to cash" "$out" 'not paid by Kaspi: cash instead'
has "declined: the cash for the part, then the rest" "$(printf '%s' "$out" | tr '\n' '|')" \
	'declined\|not paid by Kaspi: cash instead\|cash 500,00 ₸\|cash 1 870,00 ₸\|paid'
sale=$(q "SELECT id FROM orders WHERE method = 'split' ORDER BY id DESC LIMIT 1")
part=$(q "SELECT id FROM orders WHERE part_of = $sale")
jj
is "declined: the sale is complete in the journal's JSON" "$(jq_ "o[$sale]['state'], o[$sale]['amount']")" "succeeded 237000"
is "declined: its tenders, the declined try first, then cash for that part and the rest" \
	"$(jq_ "' '.join('%s:%d:%s:%s' % (t['kind'], t['amount'], t.get('part_state', t.get('given')), t['paid']) for t in o[$sale]['tenders'])")" \
	"qr:50000:cancelled:False cash:50000:50000:True cash:187000:187000:True"
is "declined: the paid tenders add up to the sale" \
	"$(jq_ "sum(t['amount'] for t in o[$sale]['tenders'] if t['paid'])")" 237000
is "declined: the part's order stays as the failed try of the sale" \
	"$(jq_ "o[$part]['state'], o[$part]['part_of'], o[$part]['amount']")" "cancelled $sale 50000"

# ---- failed, then taken by card ----------------------------------------------
sale_then fail 2*GR-0027 --tender phone:+77051234567:300 --tender cash --else card
is "failed: exit 0" "$rc" 0 "$out"
has "failed: says the part goes to card" "$out" 'not paid by Kaspi: card instead'
csale=$(q "SELECT id FROM orders WHERE method = 'split' ORDER BY id DESC LIMIT 1")
jj
is "failed: the sale complete, card for the failed part" \
	"$(jq_ "o[$csale]['state'], ' '.join('%s:%d:%s' % (t['kind'], t['amount'], t['paid']) for t in o[$csale]['tenders'])")" \
	"succeeded phone:30000:False card:30000:True cash:128000:True"

# ---- one Kaspi tender that expires: a cash sale of its own ------------------------
sale_then expire GR-0027 --tender qr --else cash
is "expired: exit 0" "$rc" 0 "$out"
qr=$(q "SELECT id FROM orders WHERE method = 'qr' ORDER BY id DESC LIMIT 1")
cash=$(q "SELECT id FROM orders WHERE method = 'cash' ORDER BY id DESC LIMIT 1")
is "expired: the QR order stays expired, with its line" "$(q "SELECT state, (SELECT count(*) FROM order_lines WHERE order_id = $qr) FROM orders WHERE id = $qr")" "expired|1"
is "expired: a cash sale of the basket beside it" "$(q "SELECT state, amount, (SELECT kind || ':' || amount FROM tenders WHERE order_id = $cash) FROM orders WHERE id = $cash AND id > $qr")" "succeeded|79000|cash:79000"

# ---- Ctrl-C: the part is given up, never taken again ---------------------------
"$POS" sale 2*GR-0027 --tender qr:400 --tender cash --else cash >"$work/out" 2>&1 &
pid=$!
pending_payment >/dev/null
kill -INT "$pid"
wait "$pid"
rc=$?
isale=$(q "SELECT id FROM orders WHERE method = 'split' ORDER BY id DESC LIMIT 1")
is "Ctrl-C: exit 1" "$rc" 1 "$(cat "$work/out")"
is "Ctrl-C: the sale is given up, no cash written" "$(q "SELECT state, (SELECT count(*) FROM tenders WHERE order_id = $isale AND kind = 'cash') FROM orders WHERE id = $isale")" "cancelled|0"

# ---- the X report counts each sale once -------------------------------------------
"$POS" report x --format json >"$work/x.json"
x() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$work/x.json"; }
total=$(q "SELECT count(*) || ' ' || sum(amount) FROM orders WHERE part_of IS NULL AND state = 'succeeded'")
is "X: the total is each complete sale once" "$(x 'd["sales"]["total"]["count"], d["sales"]["total"]["amount"]')" "$total"
is "X: the complete sales are these three" "$total" "3 $((237000 + 158000 + 79000))"
is "X: two split sales" "$(x 'd["sales"]["split"]["count"], d["sales"]["split"]["amount"]')" "2 395000"
is "X: cash counts the part taken in cash" "$(x 'd["sales"]["cash"]["amount"]')" $((50000 + 187000 + 128000 + 79000))
is "X: card counts the part taken by card" "$(x 'd["sales"]["card"]["amount"]')" 30000
is "X: the unpaid Kaspi tries count nowhere" "$(x 'd["sales"]["qr"]["amount"], d["sales"]["phone"]["amount"]')" "0 0"

# ---- bad --else: one line, nothing written --------------------------------------
rows=$(q "SELECT count(*) FROM orders")
for args in "--tender qr:100 --tender cash --else bitcoin" "--tender cash --else cash" \
	"--tender qr --else card --no-wait"; do
	# shellcheck disable=SC2086
	out=$("$POS" sale GR-0027 $args 2>&1); rc=$?
	is "refused ($args): exit 2" "$rc" 2 "$out"
	is "refused ($args): one line" "$(printf '%s\n' "$out" | grep -c .)" 1 "$out"
done
is "refused: nothing written" "$(q "SELECT count(*) FROM orders")" "$rows"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
