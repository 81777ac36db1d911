#!/usr/bin/env bash
# refund_tenders.sh — returns on the till, as a manager makes them: a cash
# sale refunded from the journal in cash (no request: refunded at once, the
# drawer's ESC p and the refund's slip in the printer file); a sale of
# another day found by its date (F5, and F6/F7 day by day) and refunded;
# an order found by scanning its slip's QR (the code the printer file holds,
# typed as a scanner types it) and by its id typed, whatever its day; a
# return without a receipt (F8) at its VAT rate, a bad amount refused with
# nothing written.
. "$(dirname "$0")/lib.sh"
e2e_setup
# money's narrow no-break spaces read as spaces in the patterns below
screen() { tm capture-pane -p -t till | sed 's/\xe2\x80\xaf/ /g'; }
DB=$KASPI_POS_HOME/kaspi-pos.db
PAPER=$E2E_TMP/paper.bin
q() { sqlite3 "$DB" "$1"; }
# a row written by hand goes through the outbox's triggers: they need kp_sha256
qw() { python3 "$(dirname "$0")/../tools/journal_sql.py" "$DB" "$1"; }
kicks() { [ -f "$PAPER" ] && grep -c $'\x1bp' "$PAPER" || echo 0; }
# the characters of the last QR code in the printer file (GS ( k pL pH 49 80 48 DATA)
last_code() {
	python3 - "$PAPER" <<'EOF'
import sys
b = open(sys.argv[1], 'rb').read()
codes = []
i = b.find(b'\x1d(k')
while i >= 0:
    n = b[i + 3] + 256 * b[i + 4]
    if b[i + 5:i + 8] == b'1P0':
        codes.append(b[i + 8:i + 5 + n].decode('ascii'))
    i = b.find(b'\x1d(k', i + 5 + n)
print(codes[-1] if codes else '')
EOF
}
approve() { type_fast 9999; keys Enter; } # the dialog's first manager is Manager

# a shift, then a sale of yesterday as yesterday's till wrote it (this till
# has no clock to turn back): 2 × GR-0027 in cash
pos sale GR-0027 --tender cash >/dev/null 2>&1 || echo "the first sale failed"
cat >"$XDG_CONFIG_HOME/kaspi-pos/config.ini" <<EOF
[printer]
mode = file
file = $PAPER
[drawer]
mode = printer
EOF
t=$(($(date +%s) - 86400))
yday=$(date -u -d "@$((t + 5 * 3600))" +%Y%m%d)
ydots=$(date -u -d "@$((t + 5 * 3600))" +%d.%m.%Y)
old="T01-$yday-000001"
qw "INSERT INTO orders(merchant_order_id, till_id, day, day_seq, shift_id, method, amount, state,
     request_body, created_at, updated_at)
   VALUES ('$old', 'T01', $yday, 1, 1, 'cash', 158000, 'succeeded', '', $t, $t);
   INSERT INTO order_lines(order_id, line_no, sku, name, quantity, unit_price, tax_rate, total)
     SELECT id, 1, 'GR-0027', 'Мука', 2, 79000, 10, 158000 FROM orders WHERE merchant_order_id = '$old';
   INSERT INTO tenders(order_id, part_no, kind, amount, given, change, created_at)
     SELECT id, 1, 'cash', 158000, 158000, 0, $t FROM orders WHERE merchant_order_id = '$old';
   INSERT INTO order_events(order_id, at, kind, to_state, detail)
     SELECT id, $t, 'state', 'succeeded', '$old' FROM orders WHERE merchant_order_id = '$old';"

TILL_COLS=100 TILL_ROWS=40 till_start
login 1 1111
check "logged in" expect_screen 'Hello, Айгерим'

# ---- a cash sale on the till: its slip carries its order id as a QR -----------
keys 4870000025008 Enter F6
check "the tender screen" expect_screen 'Payment of 549,00 ₸'
keys Enter
check "paid in cash" expect_screen 'Paid: T01-[0-9]+-000002'
sale=$(q "SELECT merchant_order_id FROM orders WHERE method = 'cash' ORDER BY id DESC LIMIT 1")
sleep 0.5
check "the slip's QR holds the order id" test "$(last_code)" = "$sale"
check "the drawer opened for the sale" test "$(kicks)" = 1
keys Enter

# ---- refunded from the journal, in cash ------------------------------------------------
keys F9
check "the journal: today's orders" expect_screen "$sale"
check "yesterday's sale is not today's" expect_no_screen "$old"
keys Enter
check "the order" expect_screen "$sale  paid  549,00 ₸"
keys F5
check "the refund dialog says where it goes" expect_screen 'Back to: 549,00 ₸ in cash'
type_human 200
check "as the amount changes" expect_screen 'Back to: 200,00 ₸ in cash'
keys Enter
check "a manager approves" expect_screen 'Refund of 200,00 ₸'
approve
check "given back at once" expect_screen "$sale  part refunded  549,00 ₸"
check "its row: refunded in cash, no request" \
	test "$(q "SELECT f.state || ':' || t.tender || ':' || length(f.request_body) || ':' || f.amount FROM refunds f JOIN refund_tenders t ON t.refund_row = f.id ORDER BY f.id DESC LIMIT 1")" = "refunded:cash:0:20000"
for _ in $(seq 20); do [ "$(kicks)" = 2 ] && break; sleep 0.1; done
check "the drawer's ESC p in the printer file" test "$(kicks)" = 2
check "the refund's slip printed" eval 'grep -aq "RETURNED" "$PAPER"'
check "the detail lists it in cash" expect_screen 'refunded 200,00 ₸ in cash'
keys Escape

# ---- a sale of another day, found by its date --------------------------------------------
keys F5
check "the date dialog" expect_screen 'Date:'
type_fast "$ydots"; keys Enter
check "F5: yesterday's orders" expect_screen "F5 date: $ydots"
check "yesterday's sale" expect_screen "$old"
check "and not today's" expect_no_screen "$sale"
keys F7
check "F7: the day after, today" expect_screen "$sale"
keys F6
check "F6: the day before, yesterday again" expect_screen "$old"
keys F5; type_fast "31.12.2099"; keys Enter
check "a day to come is refused" expect_screen 'has not come yet'
keys Escape
keys Enter
check "yesterday's order opens" expect_screen "$old  paid  1 580,00 ₸"
keys F5
check "it goes back in cash" expect_screen 'Back to: 1 580,00 ₸ in cash'
keys Enter; approve
check "yesterday's sale refunded" expect_screen "$old  refunded  1 580,00 ₸"
check "its refund is today's, in cash" \
	test "$(q "SELECT f.day = $(date -u -d "@$(($(date +%s) + 5 * 3600))" +%Y%m%d) AND f.state = 'refunded' FROM refunds f JOIN orders o ON o.id = f.order_id WHERE o.merchant_order_id = '$old'")" = 1
keys Escape

# ---- the slip scanned, whatever the day shown ----------------------------------------------
code=$(last_code)
type_fast "$code"; keys Enter
check "the slip's QR scanned opens its order" expect_screen "$code  part refunded  549,00 ₸"
keys Escape
check "the search keeps the id" expect_screen 'Found by its id'
keys Escape
check "Esc clears it" expect_screen "F5 date: $ydots"
keys F7
type_fast "$old"
check "yesterday's id typed on today's list" expect_screen "$old"
keys Enter
check "opens it" expect_screen "$old  refunded  1 580,00 ₸"
keys Escape Escape
type_fast "T01-20200101-000009"; keys Enter
check "an id the journal does not know is said" expect_screen 'No order T01-20200101-000009 in the journal'
keys Escape

# ---- a return without a receipt ---------------------------------------------------------------
n0=$(q "SELECT count(*) FROM refunds")
keys F8
check "the return dialog" expect_screen 'Goods brought back without their slip'
keys 0 Enter
check "a zero amount is refused" expect_screen 'Type the amount to give back'
check "nothing written" test "$(q "SELECT count(*) FROM refunds")" = "$n0"
keys BSpace
type_human 300
keys Tab Left
check "the VAT rate chosen" expect_screen '← 12% →'
keys Enter
check "a manager approves it" expect_screen 'Return without a receipt: 300,00 ₸ in cash'
approve
for _ in $(seq 20); do [ "$(q "SELECT count(*) FROM refunds")" = $((n0 + 1)) ] && break; sleep 0.1; done
check "its row: cash of no order at 12 %" \
	test "$(q "SELECT f.order_id IS NULL, f.state, t.tender, l.tax_rate, f.amount FROM refunds f JOIN refund_tenders t ON t.refund_row = f.id JOIN refund_lines l ON l.refund_row = f.id ORDER BY f.id DESC LIMIT 1")" = "1|refunded|cash|12|30000"
for _ in $(seq 20); do [ "$(kicks)" = 4 ] && break; sleep 0.1; done
check "the drawer opened for it" test "$(kicks)" = 4
x=$(pos report x)
check "the X report: its own line" eval 'grep -q "^without a receipt (1) *300,00$" <<<"$(sed "s/\xe2\x80\xaf/ /g" <<<"$x")"'

e2e_finish
