#!/usr/bin/env bash
# screen.sh — what surrounds the sale: themes (a broken theme file gives a
# warning and the default; NO_COLOR and the mono theme draw no colour), the
# header's connection state for a rejected key, the lockout after five
# wrong PINs and its events, a scan arriving while a dialog is open, and a
# discount given in tenge.
. "$(dirname "$0")/lib.sh"
e2e_setup

sgr_colours() { # the pane's escape sequences: any foreground/background colour?
	tm capture-pane -p -e -t till | grep -Eq $'\e\\[([0-9;]*;)?(3[0-7]|4[0-7]|38;5|48;5)[;m]'
}

# A shop's own theme folder with a broken default.theme.
mkdir -p "$E2E_TMP/themes"
printf 'header = black on cyan\nnormal = purple on nowhere\n' >"$E2E_TMP/themes/default.theme"
till_start KASPI_POS_THEME_DIR="$E2E_TMP/themes"
check "a broken theme file is named in a warning" expect_screen 'default.theme:2: not a theme line'
check "and the default theme is drawn (in colour)" sgr_colours

till_start NO_COLOR=1
check "NO_COLOR: the login screen still draws" expect_screen 'Log in'
check "NO_COLOR: no colour at all" eval '! sgr_colours'

printf '[ui]\ntheme = mono\n' >"$XDG_CONFIG_HOME/kaspi-pos/config.ini"
till_start
check "theme = mono: no colour at all" eval '! sgr_colours'
printf '[ui]\ntheme = dark\n' >"$XDG_CONFIG_HOME/kaspi-pos/config.ini"
till_start
check "theme = dark: colours" sgr_colours
rm "$XDG_CONFIG_HOME/kaspi-pos/config.ini"

# A key the server does not know.
till_start KASPI_XDEV_KEY=xdev_wrongkey000000000000
check "a rejected key shows in the header" expect_screen 'key rejected' 5

# Five wrong PINs lock the user; the events table has every try.
till_start
for pin in 0001 0002 0003 0004; do login 0 "$pin"; sleep 0.1; done
check "four wrong PINs leave one try" expect_screen 'Wrong PIN: 1 tries left'
login 0 0005
check "the fifth locks the user for 60 s" expect_screen 'Wrong PIN: Manager is locked for 60 s'
login 0 9999
check "even the right PIN is refused while locked" expect_screen 'Manager is locked for [0-9]+ s more'
check "the login list marks the user locked" expect_screen 'manager, locked'
events() { sqlite3 "$KASPI_POS_HOME/kaspi-pos.db" "SELECT kind FROM events ORDER BY id" | sort | uniq -c; }
check "all five wrong PINs are in the events table" eval 'events | grep -Eq "^ +5 pin_wrong$"'
check "the lock and the try while locked are in the events table" eval 'events | grep -Eq "^ +1 user_locked$" && events | grep -Eq "^ +1 login_locked$"'

# A scan while the search dialog is open goes to the basket.
login 1 1111
check "the cashier logs in" expect_screen 'Hello, Айгерим'
check "the login is in the events table" eval 'events | grep -Eq "^ +1 login$"'
keys F2; type_fast 'кеф'
check "the search dialog is open" expect_screen 'Name or code: кеф_'
keys 4870000025008 Enter
check "the scanned product went to the basket" expect_screen 'Сахар-песок 1 кг × 1  549,00 ₸' 
check "the dialog stays open, its Enter untouched" expect_screen 'Name or code: кеф_'
check "the scan did not pick the search result" expect_no_screen '2 Кефир'
keys Escape
check "behind the dialog, the basket has it" expect_screen '1 Сахар-песок 1 кг +1 +549,00 +549,00 +10%'

# A discount in tenge.
keys F4; type_fast '49'; keys Enter
check "49 tenge off the line" expect_screen 'Сахар-песок 1 кг +\(−49,00\) +1 +549,00 +500,00'
check "the total follows the discount" expect_screen 'TOTAL: 500,00 ₸'

# A scan inside the quantity dialog goes to the basket; the dialog still
# sets the line it was opened on.
keys Up
keys F3
check "F3 opens on the sugar line" expect_screen 'New quantity: 1_'
keys 4870000004003 Enter
check "the scan is added meanwhile" expect_screen 'Кефир Food Master 2,5% 1 л × 1'
keys BSpace; type_human 3; keys Enter
check "the quantity went to the sugar, not the kefir" expect_screen '1 Сахар-песок 1 кг +\(−49,00\) +3 '
check "the kefir stays one" expect_screen '2 Кефир Food Master 2,5% 1 л +1 '

# A stray Esc long before a scan: the scan is a scan, not Esc-digit.
keys Escape
sleep 1.3
keys 4870000001002 Enter
check "a scan after a stray Esc adds the product" expect_screen 'Молоко Food Master 2,5% 1 л × 1'
check "and voids nothing" expect_no_screen '\[void\]'

e2e_finish
