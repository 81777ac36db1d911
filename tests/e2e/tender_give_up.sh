#!/usr/bin/env bash
# tender_give_up.sh — giving up a split sale whose Kaspi part is paid, on
# the tender screen: Esc asks with one key what becomes of the part; Esc
# there goes back to the payment; 1 refunds it now after a manager's PIN
# (the journal's refund row written refund_pending, then refunded through
# the API: the part refunded, the sale given up, no alert left), a wrong or
# cancelled PIN gives nothing up; 2 keeps it: the sale given up, the part
# paid on the sale screen's alert until Ctrl-E refunds it (the refund
# dialog, a manager's PIN). While the tender screen pays a split sale,
# `kaspi-pos reconcile` leaves the sale alone (the screen holds its lock).
. "$(dirname "$0")/lib.sh"
e2e_setup
# money's narrow no-break spaces read as spaces in the patterns below
screen() { tm capture-pane -p -t till | sed 's/\xe2\x80\xaf/ /g'; }
DB=$KASPI_POS_HOME/kaspi-pos.db
q() { sqlite3 "$DB" "$1"; }
last_payment() { q "SELECT payment_id FROM orders WHERE payment_id IS NOT NULL ORDER BY id DESC LIMIT 1"; }
control() { # STEP
	curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $KASPI_XDEV_KEY" \
		-H "X-Merchant-ID: $KASPI_MERCHANT_ID" "$KASPI_BASE_URL/sandbox/payments/$(last_payment)/$1"
}
wait_sql() { # SQL WANT: up to 5 s for the query to answer WANT
	for _ in $(seq 50); do [ "$(q "$1")" = "$2" ] && return 0; sleep 0.1; done
	echo "     got: $(q "$1"), wanted: $2"
	return 1
}
last_sale() { q "SELECT id FROM orders WHERE method = 'split' ORDER BY id DESC LIMIT 1"; }
part_of() { q "SELECT id FROM orders WHERE part_of = $1 ORDER BY id DESC LIMIT 1"; }
approve() { type_fast "$1"; keys Enter; } # the dialog's first manager is Manager

# A basket of 549,00 ₸ (scanned first with "scan", else the one given up
# before) on the tender screen with a Kaspi QR part of 100,00 paid: the
# screen shows the rest.
paid_part() {
	[ "${1:-}" = scan ] && keys 4870000025008 Enter
	keys F6
	keys 1 0 0 F10 Enter
	wait_pending
	control pay >/dev/null
	expect_screen 'Part paid: 100,00 ₸' 5 || return 1
	keys Enter
	expect_screen 'To pay: 449,00 ₸'
}

TILL_COLS=100 TILL_ROWS=32 till_start
login 1 1111
check "logged in" expect_screen 'Hello, Айгерим'

# ---- a paid part on the tender screen: reconcile leaves the sale to the till ----
check "a Kaspi part paid, the rest to pay" paid_part scan
sale=$(last_sale)
out=$(pos reconcile 2>&1)
check "reconcile leaves the sale to the till that pays it" \
	grep -q "being paid on another till process" <<<"$out"
check "the sale still pending" test "$(q "SELECT state FROM orders WHERE id = $sale")" = pending

# ---- Esc: one key chooses; Esc there goes back -------------------------------------
keys Escape
check "Esc asks what becomes of the paid part" expect_screen 'Give the sale up\?'
check "the paid sum named" expect_screen 'Kaspi has paid 100,00 ₸ of this sale'
check "1: refund it now" expect_screen '1  Refund it to the buyer now'
check "2: keep it" expect_screen '2  Keep it to settle later'
keys Escape
check "Esc: back to the payment, nothing given up" expect_screen 'To pay: 449,00 ₸'
check "the sale still pending after Esc" test "$(q "SELECT state FROM orders WHERE id = $sale")" = pending

# ---- 1, a PIN cancelled: nothing given up -------------------------------------------
keys Escape
expect_screen 'Give the sale up\?'
keys 1
check "1 asks a manager's PIN" expect_screen 'Refund of 100,00 ₸: the sale is given up'
keys Escape
check "the PIN cancelled: the sale goes on" expect_screen 'No refund made: the sale goes on'
check "nothing refunded, nothing given up" test "$(q "SELECT state, (SELECT count(*) FROM refunds) FROM orders WHERE id = $sale")" = "pending|0"

# ---- 1 and the PIN: the paid part refunded, the sale given up -----------------------
part=$(part_of "$sale")
keys Escape
expect_screen 'Give the sale up\?'
keys 1
expect_screen 'Refund of 100,00 ₸'
approve 9999
check "given up, the part on its way back" expect_screen 'Sale given up: 100,00 ₸ goes back to the buyer through Kaspi, approved by Manager|Refund done'
check "the basket is back" expect_screen 'TOTAL: 549,00 ₸'
check "the sale is given up" test "$(q "SELECT state FROM orders WHERE id = $sale")" = abandoned
check "one refund row of the part, all of it, the reason said" \
	test "$(q "SELECT count(*) || ' ' || sum(amount) || ' ' || min(reason) FROM refunds WHERE order_id = $part")" = "1 10000 The sale was given up"
check "the refund approved by the manager, journaled" \
	test "$(q "SELECT count(*) FROM events WHERE kind = 'refund' AND user_id = (SELECT id FROM users WHERE name = 'Manager')")" = 1
check "the refund settled through the API" wait_sql "SELECT state FROM refunds WHERE order_id = $part" refunded
check "the part refunded" wait_sql "SELECT state || ' ' || refunded_amount FROM orders WHERE id = $part" "refunded 10000"
check "the money back on the sandbox" test "$(curl -s -H "Authorization: Bearer $KASPI_XDEV_KEY" \
	-H "X-Merchant-ID: $KASPI_MERCHANT_ID" "$KASPI_BASE_URL/payments/$(q "SELECT payment_id FROM orders WHERE id = $part")" |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["refunded_amount"])')" = 10000
check "no alert is left for it" expect_no_screen 'ALERT:'
check "the lock file is gone" test ! -e "$DB-split-$(q "SELECT merchant_order_id FROM orders WHERE id = $sale").lock"

# ---- 2: kept; the alert until Ctrl-E refunds it ---------------------------------------
check "a second Kaspi part paid" paid_part
sale2=$(last_sale)
part2=$(part_of "$sale2")
moid2=$(q "SELECT merchant_order_id FROM orders WHERE id = $part2")
keys Escape
expect_screen 'Give the sale up\?'
keys 2
check "kept: said, Ctrl-E named" expect_screen "Sale given up; Kaspi part $moid2 \(100,00 ₸\) kept: Ctrl-E refunds it"
check "kept: the sale is given up, nothing refunded" \
	test "$(q "SELECT state, (SELECT count(*) FROM refunds WHERE order_id = $part2) FROM orders WHERE id = $sale2")" = "abandoned|0"
check "kept: the part stays paid" test "$(q "SELECT state FROM orders WHERE id = $part2")" = succeeded
check "kept: the alert names it on the sale screen" expect_screen "ALERT: $moid2 \(100,00 ₸\) of a sale given up: Ctrl-E refunds it"
keys C-e
check "Ctrl-E opens its refund" expect_screen "$moid2  100,00 ₸"
keys Enter
check "a manager approves it" expect_screen 'Refund of 100,00 ₸'
approve 9999
check "the refund is made" expect_screen 'Refund of 100,00 ₸ approved by Manager|Refund done'
check "the kept part refunded through the API" wait_sql "SELECT state || ' ' || refunded_amount FROM orders WHERE id = $part2" "refunded 10000"
check "its refund row settled" test "$(q "SELECT group_concat(state) FROM refunds WHERE order_id = $part2")" = refunded
check "the alert is gone" expect_no_screen 'ALERT:'
check "the sale stays given up" test "$(q "SELECT state FROM orders WHERE id = $sale2")" = abandoned

e2e_finish
