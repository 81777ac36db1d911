#!/usr/bin/env bash
# sale_order_scan.sh — the slip's order-id QR scanned on the SALE screen:
# a 2D scanner types the order id and Enter into the sale's input line,
# which opens that order's screen (its lines, F5 a refund) instead of the
# search; a return starts there and is journaled; Esc goes back to the
# sale, a basket in progress kept; an id the journal does not have is said
# so; a product code and N*CODE still add to the basket.
. "$(dirname "$0")/lib.sh"
e2e_setup
# money's narrow no-break spaces read as spaces in the patterns below
screen() { tm capture-pane -p -t till | sed 's/\xe2\x80\xaf/ /g'; }
DB=$KASPI_POS_HOME/kaspi-pos.db
q() { sqlite3 "$DB" "$1"; }
scan() { type_fast "$1"; keys Enter; } # a scanner: the text at once, then Enter

# a sale of yesterday's kind, made by the command line: its slip is brought back
pos sale 2*GR-0027 --tender cash >/dev/null || echo "FAIL the sale to return"
moid=$(q "SELECT merchant_order_id FROM orders ORDER BY id DESC LIMIT 1")
sale=$(q "SELECT id FROM orders ORDER BY id DESC LIMIT 1")

TILL_COLS=100 TILL_ROWS=32 till_start
login 1 1111
check "logged in" expect_screen 'Hello, Айгерим'

# ---- the slip's QR on an empty sale: the order's screen -----------------------------
scan "$moid"
check "the order's screen opens" expect_screen "^ *$moid  paid"
check "with its lines" expect_screen 'Lines:'
check "not the search, not the catalog" expect_no_screen 'catalog|Search'
keys F5
check "F5 starts the return" expect_screen "Refund"
check "of that order, all of it" expect_screen "$moid  1 580,00 ₸"
keys Enter
check "a manager approves it" expect_screen 'Refund of 1 580,00 ₸'
type_fast 9999; keys Enter
check "the return is made" expect_screen 'Refund of 1 580,00 ₸ approved by Manager'
check "the journal has it, in cash from the drawer" \
	test "$(q "SELECT f.amount || ' ' || f.state || ' ' || t.tender FROM refunds f JOIN refund_tenders t ON t.refund_row = f.id WHERE f.order_id = $sale")" = "158000 refunded cash"
check "the order refunded" test "$(q "SELECT state FROM orders WHERE id = $sale")" = refunded
keys Escape
check "Esc: back to the sale" expect_screen 'TOTAL: 0,00 ₸'

# ---- a basket in progress: the order's screen over it, the basket kept ----------------
scan 4870000025008
check "a product scanned" expect_screen 'TOTAL: 549,00 ₸'
scan "$moid"
check "the order's screen over the basket" expect_screen "^ *$moid  refunded"
keys Escape
check "Esc: the basket as it was" expect_screen 'TOTAL: 549,00 ₸'
check "the input line empty" expect_screen '^> _? *$'

# ---- an order id the journal does not have; codes still add -----------------------
scan T01-20200101-000099
check "an unknown order id is said so" expect_screen 'No order T01-20200101-000099 in the journal'
check "and opens nothing" expect_screen 'TOTAL: 549,00 ₸'
scan 2*GR-0027
check "N*CODE still adds" expect_screen 'TOTAL: 2 129,00 ₸'
scan "2*$moid"
check "an order id with a quantity is not an order" expect_no_screen "^ *$moid  refunded"
keys Escape

e2e_finish
