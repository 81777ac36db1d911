#!/usr/bin/env bash
# tender.sh — every tender on the till, as a cashier takes it: a 10-item
# cash sale with change in three keys after the last scan (F6, F3, Enter)
# and the drawer's ESC p; the exact sum in two; card with the terminal's
# approval code; split QR + cash (the Kaspi part first, the change only
# after Kaspi said paid); a Kaspi part declined brings the tender screen
# back with the card part kept, then cash pays the rest; Esc with a paid
# Kaspi part gives the sale up after a question (the part kept: 2; the
# choices are e2e/tender_give_up.sh's); bad amounts refused; with
# the network down a cash sale is paid at once and a waiting Kaspi part
# is given up and switched to cash.
. "$(dirname "$0")/lib.sh"
e2e_setup
# money's narrow no-break spaces read as spaces in the patterns below
screen() { tm capture-pane -p -t till | sed 's/\xe2\x80\xaf/ /g'; }
DB=$KASPI_POS_HOME/kaspi-pos.db
PAPER=$E2E_TMP/paper.bin
cat >"$XDG_CONFIG_HOME/kaspi-pos/config.ini" <<EOF
[printer]
mode = file
file = $PAPER
[drawer]
mode = printer
EOF

q() { sqlite3 "$DB" "$1"; }
last_payment() { q "SELECT payment_id FROM orders WHERE payment_id IS NOT NULL ORDER BY id DESC LIMIT 1"; }
control() { # STEP
	curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $KASPI_XDEV_KEY" \
		-H "X-Merchant-ID: $KASPI_MERCHANT_ID" "$KASPI_BASE_URL/sandbox/payments/$(last_payment)/$1"
}
kicks() { [ -f "$PAPER" ] && grep -c $'\x1bp' "$PAPER" || echo 0; }
last_sale() { q "SELECT id FROM orders WHERE part_of IS NULL ORDER BY id DESC LIMIT 1"; }
tenders_of() { q "SELECT group_concat(kind || ':' || amount || ':' || given || ':' || change || ':' || approval, ' ') FROM (SELECT * FROM tenders WHERE order_id = $1 ORDER BY part_no)"; }

TILL_COLS=100 TILL_ROWS=40 till_start
login 1 1111
check "logged in" expect_screen 'Hello, Айгерим'

# ---- ten items, then three keys: F6, F3 (the next banknotes), Enter ----------
# 4870000025008 is 549,00 ₸: ten of them, 5 490,00 ₸
for _ in $(seq 10); do keys 4870000025008 Enter; done
check "ten items" expect_screen 'TOTAL: 5 490,00 ₸'
keys F6
check "F6: the tender screen on the total" expect_screen 'Payment of 5 490,00 ₸'
check "the quick amounts: exact and the next banknotes" expect_screen 'F2 exact 5 490,00 ₸  F3 6 000,00 ₸  F4 10 000,00 ₸  F5 20 000,00 ₸'
keys F3
check "F3 fills 6 000 and shows the change" expect_screen 'CHANGE  510,00 ₸'
keys Enter
check "Enter: paid, the change large" expect_screen 'CHANGE  510,00 ₸'
check "paid, with its order" expect_screen 'Paid: T01-[0-9]+-000001'
s=$(last_sale)
check "the journal: a cash sale, final" test "$(q "SELECT method || ' ' || state FROM orders WHERE id = $s")" = "cash succeeded"
check "its tender: 5 490 of 6 000, change 510" test "$(tenders_of "$s")" = "cash:549000:600000:51000:"
check "the drawer opened once" test "$(kicks)" = 1
keys Enter
check "Enter: the next sale" expect_screen 'TOTAL: 0,00 ₸'

# ---- the exact sum: F6, Enter -------------------------------------------------
keys 4870000025008 Enter F6
check "the tender screen again" expect_screen 'Payment of 549,00 ₸'
keys Enter
check "exact: paid without change" expect_screen 'CHANGE  0,00 ₸'
keys Enter

# ---- card with its approval code ---------------------------------------------
keys 4870000025008 Enter F7
check "F7: the tender screen on card" expect_screen 'Approval code \(F8\): —'
keys F8
check "F8 asks for the code" expect_screen 'Approval code:'
type_fast 'AB12CD'; keys Enter
check "the code is shown" expect_screen 'Approval code \(F8\): AB12CD'
keys Enter
check "card: paid" expect_screen 'Paid: T01-'
s=$(last_sale)
check "its tender: card with the code" test "$(tenders_of "$s")" = "card:54900:0:0:AB12CD"
check "no drawer for a card" test "$(kicks)" = 2
keys Enter

# ---- bad amounts ----------------------------------------------------------------
keys 4870000025008 Enter F7
keys 0 Enter
check "zero refused" expect_screen 'A payment must be above zero'
keys 9 9 9 Enter
check "card above the rest refused" expect_screen 'This payment is more than is left to pay'
keys F4
check "banknotes are for cash" expect_screen 'Banknote amounts are for cash'
keys Escape
check "Esc: the basket is back" expect_screen 'TOTAL: 549,00 ₸'
check "nothing was written" test "$(q "SELECT count(*) FROM orders")" = 3

# ---- split: QR 200, then cash for the rest ------------------------------------
keys F6
check "the tender screen" expect_screen 'Payment of 549,00 ₸'
keys 2 0 0 F10
check "F10: this part by QR" expect_screen 'Enter sends this part to Kaspi'
keys Enter
check "the payment screen for the part" expect_screen 'Payment by Kaspi QR'
check "for 200,00" expect_screen '200,00 ₸'
wait_pending
check "no change before Kaspi said paid" test "$(kicks)" = 2
control pay >/dev/null
check "the part is paid" expect_screen 'Part paid: 200,00 ₸'
keys Enter
check "back to the tender screen with the rest" expect_screen 'To pay: 349,00 ₸'
check "the QR part listed as paid" expect_screen '1\. QR 200,00 ₸ +paid'
keys 5 0 0 Enter
check "split: paid, change 151" expect_screen 'CHANGE  151,00 ₸'
s=$(last_sale)
check "split: the sale in the journal" test "$(q "SELECT method || ' ' || state FROM orders WHERE id = $s")" = "split succeeded"
check "split: its parts" test "$(q "SELECT group_concat(kind || ':' || amount, ' ') FROM (SELECT * FROM tenders WHERE order_id = $s ORDER BY part_no)")" = "qr:20000 cash:34900"
check "split: the drawer for its cash" test "$(kicks)" = 3
keys Enter

# ---- a Kaspi part declined: the card part kept, cash pays the rest ---------------
keys 4870000025008 Enter F7
keys 1 0 0 Enter
check "a card part taken" expect_screen '1\. card 100,00 ₸ +to take'
keys F10 Enter
check "the QR for the rest" expect_screen 'Payment by Kaspi QR'
wait_pending
control decline >/dev/null
check "declined" expect_screen 'The buyer declined the payment'
keys Enter
check "back: the card part kept" expect_screen '1\. card 100,00 ₸'
check "the rest still to pay" expect_screen 'To pay: 449,00 ₸'
keys F6 Enter
check "cash pays the rest" expect_screen 'Paid: T01-'
s=$(last_sale)
check "declined part: card, the declined QR try, cash" test "$(q "SELECT group_concat(t.kind || ':' || coalesce(p.state, '-'), ' ') FROM (SELECT * FROM tenders WHERE order_id = $s ORDER BY part_no) t LEFT JOIN orders p ON p.id = t.part_order")" = "qr:cancelled card:- cash:-"
keys Enter

# ---- Esc with a paid Kaspi part: given up after a question (2: kept) ----------------
keys 4870000025008 Enter F6
keys 1 0 0 F10 Enter
wait_pending
control pay >/dev/null
check "a part paid" expect_screen 'Part paid: 100,00 ₸'
keys Enter Escape
check "Esc asks first" expect_screen 'Give the sale up\?'
keys 2
check "given up: the paid part named for a refund" expect_screen 'Sale given up; Kaspi part T01-[0-9-]+ \(100,00 ₸\) kept'
s=$(last_sale)
check "the sale is kept as given up" test "$(q "SELECT state FROM orders WHERE id = $s")" = abandoned

# ---- the network down: cash goes on; a Kaspi part waits and can be switched ----
kill "$SBX_PID"; wait "$SBX_PID" 2>/dev/null; SBX_PID=
keys 4870000025008 Enter F6 Enter
check "offline: a cash sale is paid at once" expect_screen 'Paid: T01-'
keys Enter
keys 4870000025008 Enter F6
keys 1 0 0 F10 Enter
check "offline: the Kaspi part waits" expect_screen 'creating…'
keys Escape
check "offline: Esc gives the part up, back on the tender screen" expect_screen 'To pay: 549,00 ₸'
keys F6 Enter
check "offline: the rest switched to cash" expect_screen 'Paid: T01-'
s=$(last_sale)
check "offline: the sale is paid in cash, the given-up try kept" test "$(q "SELECT o.state || ' ' || group_concat(t.kind || ':' || coalesce(p.state, 'written'), ' ') FROM orders o JOIN tenders t ON t.order_id = o.id LEFT JOIN orders p ON p.id = t.part_order WHERE o.id = $s")" = "succeeded qr:abandoned cash:written"
keys Enter

e2e_finish
