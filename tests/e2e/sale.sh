#!/usr/bin/env bash
# sale.sh — the sale screen as a cashier drives it, through tmux: log in,
# scan three barcodes at scanner speed, change a quantity, void a line,
# search by a Cyrillic and a Kazakh prefix, an unknown code, a discount
# above the limit approved by a manager, hold a basket, restart the till
# and recall it, resize to 60×20 and back, Esc-digit for F-keys, and the
# 1 000 000 KZT limit.
. "$(dirname "$0")/lib.sh"
e2e_setup
till_start

check "login screen lists the demo users" expect_screen 'Айгерим.*cashier'
login 1 0000
check "a wrong PIN is refused with tries left" expect_screen 'Wrong PIN: 4 tries left'
login 0 1111 # the list stays on Айгерим
check "the right PIN opens the sale screen and a shift" expect_screen 'Shift 1 opened. Hello, Айгерим'
check "the header names the cashier and the shift" expect_screen 'Айгерим │ shift 1'
check "the connection check reaches the sandbox" expect_screen 'online [0-9]+ ms' 5

# Three barcodes, each with its Enter, in one burst (a USB scanner).
keys 4870000001002 Enter 4870000025008 Enter 4871000016003 Enter
check "three scanned lines" expect_screen '3 Хлеб белый формовой 550 г +1 +180,00 +180,00 +10%'
check "milk at 549,90" expect_screen '1 Молоко Food Master 2,5% 1 л +1 +549,90 +549,90 +10%'
check "total of three scans" expect_screen 'TOTAL: 1.278,90 ₸'

# Quantity: the first line, + once, then F3 to 4.
keys Up Up +
check "+ adds one to the selected line" expect_screen '1 Молоко Food Master 2,5% 1 л +2 +549,90 +1.099,80'
keys F3; keys BSpace 4 Enter
check "F3 sets the quantity" expect_screen '1 Молоко Food Master 2,5% 1 л +4 +549,90 +2.199,60'
check "totals follow the quantity" expect_screen 'TOTAL: 2.928,60 ₸'

# Void the bread (line 3): asked first, Esc keeps it, Enter voids it, F8
# on the voided line restores it.
keys Down Down F8
check "F8 asks before voiding" expect_screen 'Void line 3, Хлеб белый формовой 550 г\?'
keys Escape
check "Esc on the question voids nothing" expect_no_screen '\[void\]'
check "the total is as it was" expect_screen 'TOTAL: 2.928,60 ₸'
keys F8; wait_screen 'Void line 3'; keys Enter
check "Enter voids the selected line" expect_screen '3 \[void\] Хлеб белый'
check "a voided line leaves the total" expect_screen 'TOTAL: 2.748,60 ₸'
check "the void is in the events table" eval '[ "$(sqlite3 "$KASPI_POS_HOME/kaspi-pos.db" "SELECT count(*) FROM events WHERE kind = \"void_line\"")" = 1 ]'
keys Down F8
check "F8 on a voided line offers to restore it" expect_screen 'Restore line 3, Хлеб белый формовой 550 г\?'
keys Enter
check "the restored line counts again" expect_screen 'TOTAL: 2.928,60 ₸'
check "and is no longer marked" expect_no_screen '\[void\]'
check "the restore is in the events table" eval '[ "$(sqlite3 "$KASPI_POS_HOME/kaspi-pos.db" "SELECT count(*) FROM events WHERE kind = \"restore_line\"")" = 1 ]'
keys F8; wait_screen 'Void line 3'; keys Enter
check "voided again" expect_screen 'TOTAL: 2.748,60 ₸'

# An unknown code: a message, nothing added.
keys 4600000000008 Enter
check "an unknown code is refused" expect_screen 'Unknown code 4600000000008: nothing added'
check "nothing was added for it" expect_screen 'TOTAL: 2.748,60 ₸'

# Search by a Russian prefix, then by a Kazakh one.
keys F2; type_fast 'кефир'
check "F2 searches by a Cyrillic prefix" expect_screen 'Кефир Food Master 2,5% 1 л'
keys Enter
check "Enter adds the found product" expect_screen '4 Кефир Food Master 2,5% 1 л +1 +610,00'
type_fast 'қант'; keys Enter
check "typed text opens the search with a Kazakh prefix" expect_screen 'Сахар-песок 1 кг +549,00'
keys Escape
check "Esc leaves the search" expect_no_screen 'Name or code:'

# VAT per rate group, each rounded on the group's total:
# 10 %: (2 199,60 + 549,00 + 610,00) × 10/110 = 305,327… → 305,33
# 16 %: 79 990,00 × 16/116 = 11 033,103… → 11 033,10
keys 8806000184007 Enter
check "VAT of the 10 % group" expect_screen 'VAT 10%: 305,33 ₸'
check "VAT of the 16 % group" expect_screen 'VAT 16%: 11.033,10 ₸'

# A discount above the cashier's 10 % needs a manager.
keys F4; type_fast '15%'; keys Enter
check "15 % asks for a manager" expect_screen "Manager's approval"
type_fast 9999; keys Enter
check "the manager's PIN applies the discount" expect_screen 'Смартфон Samsung Galaxy A1.*\(−15,00%\) +1 +79.990,00 +67.991,50'

# Esc then a digit stands for a function key.
keys Escape 1
check "Esc 1 opens the help" expect_screen 'Help: keys'
check "the help is drawn from the key table" expect_screen 'F10 +Pay by Kaspi QR'
keys Escape
check "Esc leaves the help" expect_screen 'TOTAL:'

# Resize below 80×24 and back.
tm resize-window -t till -x 60 -y 20
check "below 80×24 the till says the terminal is too small" expect_screen 'Terminal too small: 60×20, need 80×24'
tm resize-window -t till -x 80 -y 24
check "the sale comes back when the terminal grows" expect_screen 'Смартфон Samsung Galaxy A15'

# Hold, restart, recall.
before=$(screen | grep -o 'TOTAL: .*₸')
keys F5
check "F5 holds the basket" expect_screen 'Basket held as #1'
check "the basket is empty after holding" expect_screen 'Scan a barcode'
tm kill-session -t till
till_start
login 1 1111
check "after a restart the till opens again" expect_screen 'Hello, Айгерим'
keys F5
check "F5 on an empty basket lists held baskets" expect_screen '#1 .*Айгерим'
keys Enter
check "the recalled basket has its lines" expect_screen 'Смартфон Samsung Galaxy A1.*\(−15,00%\) +1 +79.990,00 +67.991,50'
check "the recalled basket has the same total" expect_screen "${before//./\\.}"

# Over 1 000 000 KZT: refused before any request.
for _ in 1 2 3 4 5 6; do keys F8; wait_screen 'Void line'; keys Enter; sleep 0.1; done
keys 3*8806000187008 Enter
check "three S24 are on the basket" expect_screen '1.349.970,00 ₸'
keys F10
check "a basket over 1 000 000 KZT is refused" expect_screen 'over 1.000.000|above 1.000.000|1 000 000|more than'

e2e_finish
