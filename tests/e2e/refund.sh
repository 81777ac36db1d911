#!/usr/bin/env bash
# refund.sh — the manager's end of the day, through the till in tmux: a
# sale paid by QR prints its slip to the printer (a file, as ESC/POS in
# KZ-1048); the journal screen finds it; part of it is refunded with the
# manager's PIN (the refund slip prints, the order is partially refunded);
# a wrong PIN refunds nothing; the X report shows sales, refunds and net,
# and prints; the Z report closes the shift with the manager's PIN.
. "$(dirname "$0")/lib.sh"
e2e_setup
DB=$KASPI_POS_HOME/kaspi-pos.db
PRINTER=$E2E_TMP/printer.bin
cat >"$XDG_CONFIG_HOME/kaspi-pos/config.ini" <<INI
[store]
name = Магазин «Береке»
bin = 123456789012
[printer]
mode = file
file = $PRINTER
codepage = kz1048
width = 42
INI

last_state() { sqlite3 "$DB" "SELECT state FROM orders ORDER BY id DESC LIMIT 1"; }
control() {
	curl -s -o /dev/null -X POST -H "Authorization: Bearer $KASPI_XDEV_KEY" -H "X-Merchant-ID: $KASPI_MERCHANT_ID" \
		"$KASPI_BASE_URL/sandbox/payments/$(sqlite3 "$DB" "SELECT payment_id FROM orders ORDER BY id DESC LIMIT 1")/$1"
}
printed() { python3 -c "import sys; print(open(sys.argv[1],'rb').read().replace(b'\\0', b'').decode('kz1048','replace'))" "$PRINTER"; }
printed_has() { grep -q -- "$1" <<<"$(printed)"; }

TILL_COLS=100 TILL_ROWS=45 till_start
login 1 1111
keys 4870000025008 Enter 4870000004003 Enter F10
check "a sale of 1 159,00 waits" expect_screen 'waiting for the buyer to scan'
for _ in $(seq 50); do [ "$(last_state)" = pending ] && break; sleep 0.1; done
control pay
check "paid" expect_screen 'Paid: 1.159,00 ₸'
check "the slip went to the printer" expect_screen 'The slip printed'
check "the slip has the store, in KZ-1048" printed_has 'Магазин «Береке»'
check "the slip has the sale's total" printed_has 'TOTAL *1 159,00'
keys Enter

# The journal finds it; refund 500 with the manager's PIN.
keys F9
check "the journal lists the order" expect_screen 'T01-[0-9]{8}-000001 +QR +paid +1 159,00'
type_fast 1159
check "a search by amount finds it" expect_screen 'T01-[0-9]{8}-000001'
for form in '1159,00' '1159.00' '1 159,00'; do
	keys Escape; type_fast "$form"
	check "typed as $form it is found" eval 'wait_screen "Search: $form" && wait_screen "^1 orders"'
done
keys Escape; type_fast 1159
keys Enter
check "the detail has its lines" expect_screen 'Сахар-песок 1 кг'
check "and its timeline" expect_screen '→ paid'
keys F5
check "F5 opens the refund" expect_screen 'At most 1.159,00 ₸ can go back'
for _ in $(seq 10); do keys BSpace; done
type_human 500; keys Enter
check "a manager is asked" expect_screen "Manager's approval"
type_fast 0000; keys Enter
check "a wrong PIN refunds nothing" expect_screen 'Wrong PIN: 4 tries left'
check "nothing in the journal" eval '[ "$(sqlite3 "$DB" "SELECT count(*) FROM refunds")" = 0 ]'
type_fast 9999; keys Enter
check "the refund is done and its slip printed" expect_screen 'The refund slip printed' 5
check "the order is partially refunded" expect_screen 'part refunded'
check "the detail lists the refund" expect_screen 'T01-R-[0-9]{8}-000001 refunded +500,00 ₸'
check "the refund slip printed" printed_has 'RETURNED *500,00'
check "the journal says so" eval '[ "$(last_state)" = partially_refunded ]'

# A refund by lines: the kefir, one unit.
keys F5
check "a second refund: at most the rest" expect_screen 'At most 659,00 ₸ can go back'
keys Tab Tab Down +
check "the kefir line picked" expect_screen '1 / 1 +Кефир Food Master'
check "the amount follows the line" expect_screen 'Amount, tenge: 610,00 \(by the lines below\)'
keys Enter
check "a manager is asked again" expect_screen "Manager's approval"
type_fast 9999; keys Enter
check "the refund by lines is done" expect_screen 'T01-R-[0-9]{8}-000002 refunded +610,00 ₸' 5
check "the journal has its line" eval '[ "$(sqlite3 "$DB" "SELECT line_no || \"x\" || quantity FROM refund_lines WHERE line_no IS NOT NULL")" = 2x1 ]'
keys Escape Escape Escape

# Reports.
keys F12
check "F12 shows the X report" expect_screen 'X REPORT'
check "sales in it" expect_screen 'Total \(1\) +1 159,00'
check "refunds in it" expect_screen 'Total \(2\) +1 110,00'
check "net in it" expect_screen 'NET +49,00'
keys F5
check "F5 prints the X report" expect_screen 'The report printed'
check "the printer got it" printed_has 'X REPORT'
# every printed line of text fits the 42 columns set (a column a character)
check "no printed line is wider than 42 columns" python3 "$E2E_ROOT/tests/tools/escpos_width.py" "$PRINTER" 42
keys F8
check "Z asks for a manager" expect_screen "Manager's approval"
type_fast 9999; keys Enter
check "after the PIN, Z asks to close the shift" expect_screen 'Close shift 1 with a Z report\?'
keys Escape
check "Esc keeps the shift open" expect_screen 'The shift stays open'
check "no Z was stored" eval '[ "$(sqlite3 "$DB" "SELECT count(*) FROM z_reports")" = 0 ]'
keys F8; wait_screen "Manager's approval"; type_fast 9999; keys Enter
wait_screen 'Close shift 1'; keys Enter
check "Z report 1 closes the shift" expect_screen 'Z report 1: the shift is closed'
check "the Z report printed" printed_has 'Z REPORT No. 1'
check "a new shift is open" expect_screen 'shift 2'
check "the Z is stored" eval '[ "$(sqlite3 "$DB" "SELECT count(*) FROM z_reports")" = 1 ]'
keys F6
check "F6 shows it again" expect_screen 'Z report 1 \(again\)'

# A printer that hangs never holds the till: the report prints on its own
# thread while the cashier goes on.
cat >"$XDG_CONFIG_HOME/kaspi-pos/config.ini" <<INI
[printer]
mode = command
command = sleep 20
INI
TILL_COLS=100 TILL_ROWS=45 till_start
login 1 1111
keys F12
check "the X report again" expect_screen 'X REPORT'
keys F5
check "printing starts" expect_screen 'The report: printing…'
keys Escape
check "Esc answers at once while the printer hangs" expect_screen 'TOTAL: 0,00 ₸' 1
keys 4870000025008 Enter
check "and a scan is added" expect_screen 'Сахар-песок 1 кг' 1

# The refund dialog offers no voided line, and shows what came back.
keys 2*4870000004003 Enter 4870000001002 Enter
check "two kefirs and a milk" expect_screen '3 Молоко Food Master'
keys F8; wait_screen 'Void line 3'; keys Enter
check "the milk is voided" expect_screen '3 \[void\] Молоко'
keys F10
check "the sale waits" expect_screen 'waiting for the buyer to scan'
for _ in $(seq 50); do [ "$(last_state)" = pending ] && break; sleep 0.1; done
control pay
check "paid" expect_screen 'Paid: 1.769,00 ₸'
keys Enter F9 Enter
check "the order is open" expect_screen 'T01-[0-9]{8}-000002 +paid'
keys F5
check "the refund dialog lists the kefirs" expect_screen '0 / 2 +Кефир'
check "and no voided line" expect_no_screen '[0-9]+ / [0-9]+ +Молоко'
keys Tab Tab Down + +
check "both kefirs picked" expect_screen '2 / 2 +Кефир'
keys +
check "a third is refused" expect_screen 'All units of this line are back already or picked'
keys -
keys Enter
check "a manager approves one kefir" expect_screen "Manager's approval"
type_fast 9999; keys Enter
check "one kefir is refunded" expect_screen 'T01-R-[0-9]{8}-000003 refunded +610,00 ₸' 5
keys F5
check "the dialog shows the kefir that came back" expect_screen '0 / 1 +Кефир.*1 back'
keys Escape

e2e_finish
