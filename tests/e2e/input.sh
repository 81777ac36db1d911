#!/usr/bin/env bash
# input.sh — what the cashier types, through tmux: a number typed into a
# field replaces what was there; characters a field does not take and a
# fifth digit in a 4-digit field are refused with a message, never cut;
# Esc clears the typed input, and Esc then a digit acts only on an empty
# line; Ctrl-Q quits from the login and F10 there does not; the header
# clock is Almaty time whatever TZ says; the connection indicator turns
# at the first failed request, not at the next 30 s health check.
. "$(dirname "$0")/lib.sh"
e2e_setup
DB=$KASPI_POS_HOME/kaspi-pos.db
orders() { sqlite3 "$DB" "SELECT count(*) FROM orders"; }

# ---- the login ------------------------------------------------------------
till_start TZ=America/New_York
keys F10
check "F10 on the login screen does not quit" expect_no_screen 'TILL-EXITED' 0.5
check "the login is still there" expect_screen 'Log in'
check "the key bar names Ctrl-Q to quit" expect_screen 'Ctrl-QQuit'

# The header's clock: Almaty (UTC+5) although TZ is New York. Taken
# twice around the screen, so that a minute turning meanwhile cannot fail
# it; "before" reaches back 2 s, as the header is redrawn once a second and
# may still show 09:27:59 at 09:28:00.
before=$(TZ=Asia/Almaty date -d '2 seconds ago' +%d.%m.%Y\ %H:%M)
shot=$(screen | head -n 1)
after=$(TZ=Asia/Almaty date +%d.%m.%Y\ %H:%M)
almaty_clock() { grep -Eq -- "($before|$after)" <<<"$shot"; }
check "the header clock is Almaty time whatever TZ is" almaty_clock

type_fast 12; keys Escape
check "Esc clears a PIN typed" expect_screen 'PIN: _'
login 1 1111
check "logged in" expect_screen 'Hello, Айгерим'

# ---- fields ---------------------------------------------------------------
keys 4870000025008 Enter
check "a line to work on" expect_screen '1 Сахар-песок 1 кг +1 '
keys F3; type_human 3; keys Enter
check "quantity 3" expect_screen '1 Сахар-песок 1 кг +3 '
keys F3
check "the quantity dialog opens on 3" expect_screen 'New quantity: 3_'
type_human 5; keys Enter
check "5 typed over 3 is 5, not 35" expect_screen '1 Сахар-песок 1 кг +5 '
keys F3; type_human 1000; type_human 0
check "a fifth digit in the 4-digit field is refused with a message" expect_screen 'At most 4 digits here'
check "the field keeps its four digits" expect_screen 'New quantity: 1000_'
keys Escape
check "Esc leaves the quantity as it was" expect_screen '1 Сахар-песок 1 кг +5 '

keys F4; type_human '1o'
check "1o% is refused at the o" expect_screen 'Only digits, one comma and % at the end'
check "the o is not typed" expect_screen 'Discount: 1_'
keys Escape
keys F4; type_human '-5'
check "-5% is refused at the minus" expect_screen 'Only digits, one comma and % at the end'
check "the minus is not typed" expect_screen 'Discount: 5_'
keys Escape
check "no discount was given" expect_no_screen '\(−'

# ---- Esc on the input line -------------------------------------------------
type_human 487000
keys Escape
check "Esc clears the typed input" expect_screen '^> _'
type_human 12; keys Escape 0
check "Esc then 0 with text typed does not pay" expect_no_screen 'Payment by Kaspi QR' 0.5
check "no order was written" eval '[ "$(orders)" = 0 ]'
check "the Esc cleared the line and the 0 is typed" expect_screen '^> 0_'
keys Escape
keys Escape 1
check "Esc then 1 on an empty line opens the help" expect_screen 'Help: keys'
keys Escape

# ---- the connection indicator ---------------------------------------------
check "online" expect_screen 'online [0-9]+ ms' 5
kill "$SBX_PID"; wait "$SBX_PID" 2>/dev/null; SBX_PID=
keys F10
check "a failed create turns the indicator at once" expect_screen 'offline' 5
keys Escape

# ---- Ctrl-Q ---------------------------------------------------------------
keys F8; wait_screen 'Void line'; keys Enter
keys C-o
check "logged out" expect_screen 'Log in'
keys C-q
check "Ctrl-Q quits the till" expect_screen 'TILL-EXITED 0'

e2e_finish
