#!/usr/bin/env bash
# display_term.sh — the customer display on a second terminal and on a
# pole while the real till sells: `kaspi-pos display` in its own tmux
# session reads the till's feed (display.url) and draws the idle screen,
# the basket's line and total equal to the till's, the payment's QR in
# half blocks (pane2pbm + zbarimg decode it to the journal's qr_token),
# the state, the thanks; a terminal too small says so instead of a cut
# code; a wrong token is refused (403) and it says to pair again; when
# the till quits it says "нет связи" and the QR is gone. The
# pole display ([display] vfd, a file here) gets ESC @ ESC t 17 and the
# frames: the first ones byte for byte as tests/golden/vfd_start.bin,
# then the payment, the thanks.
. "$(dirname "$0")/lib.sh"
e2e_setup
PANE2PBM=$E2E_ROOT/tests/tools/pane2pbm.py
DB=$KASPI_POS_HOME/kaspi-pos.db
POLE=$E2E_TMP/pole.bin
GOLDEN=$E2E_ROOT/tests/golden/vfd_start.bin
cat >"$XDG_CONFIG_HOME/kaspi-pos/config.ini" <<EOF
[store]
name = Береке
[display]
listen = 127.0.0.1:0
vfd = $POLE
EOF
control() { # STEP: the sandbox's buyer does it to the last payment
	local id
	id=$(sqlite3 "$DB" "SELECT payment_id FROM orders ORDER BY id DESC LIMIT 1")
	curl -s -o /dev/null -X POST -H "Authorization: Bearer $KASPI_XDEV_KEY" \
		-H "X-Merchant-ID: $KASPI_MERCHANT_ID" "$KASPI_BASE_URL/sandbox/payments/$id/$1"
}
buyer() { tm capture-pane -p -t buyer | sed 's/\xe2\x80\xaf/ /g'; }
buyer_shows() { # REGEX [SECONDS]
	local i
	for ((i = 0; i < ${2:-5} * 10; i++)); do buyer | grep -Eq -- "$1" && return 0; sleep 0.1; done
	echo "---- the buyer's terminal:"; buyer | sed 's/^/    | /'
	return 1
}
buyer_qr_is_token() {
	local token i
	token=$(sqlite3 "$DB" "SELECT qr_token FROM orders ORDER BY id DESC LIMIT 1")
	for i in $(seq 30); do
		buyer | python3 "$PANE2PBM" -o "$E2E_TMP/bqr.pbm" 2>/dev/null &&
			[ "$(zbarimg --raw -q -Sdisable -Sqrcode.enable "$E2E_TMP/bqr.pbm" 2>/dev/null)" = "$token" ] &&
			[ -n "$token" ] && return 0
		sleep 0.1
	done
	echo "the buyer's QR does not decode to $token"
	return 1
}
# the pole's rows as it shows them now: the last frame, CP866 decoded
pole_rows() {
	python3 - "$POLE" <<'PY'
import sys
b = open(sys.argv[1], "rb").read()
rows = {}
i = 0
while True:
    i = b.find(b"\x1f$", i)
    if i < 0 or i + 24 > len(b):
        break
    rows[b[i + 3]] = b[i + 4:i + 24].decode("cp866")
    i += 24
print(rows.get(1, "") + "|" + rows.get(2, ""))
PY
}
pole_shows() { # REGEX
	local i
	for i in $(seq 50); do pole_rows | grep -Eq -- "$1" && return 0; sleep 0.1; done
	echo "the pole shows: $(pole_rows)"
	return 1
}

TILL_COLS=100 TILL_ROWS=40 till_start
check "the till serves the display" eval '[ -s "$KASPI_POS_HOME/display.url" ]'
tm new-session -d -s buyer -x 100 -y 50 "'$POS' display 2>'$E2E_TMP/buyer.err'; echo DISPLAY-EXITED \$?; cat '$E2E_TMP/buyer.err'; sleep 600"
check "the buyer's terminal: the shop and the welcome" buyer_shows 'Береке'
check "... in Kazakh and Russian" buyer_shows 'Қош келдіңіз! / Добро пожаловать!'
check "the pole: the shop and the welcome" pole_shows '^Береке +\|Добро пожаловать! *$'

login 1 1111
keys 4870000025008 Enter
check "a product on the till" expect_screen 'TOTAL: 549,00 ₸'
check "the buyer's terminal: the line, in Kazakh and Russian" buyer_shows 'Қант 1 кг / Сахар-песок 1 кг'
check "... and the till's total" buyer_shows 'ЖИЫНЫ / ИТОГО: 549,00 ₸'
check "the pole: the line and the total" pole_shows '^Сахар-песок 1 +549,00\|ИТОГО +549,00$'
check "the pole's first frames are the golden bytes" eval 'cmp -n "$(stat -c %s "$GOLDEN")" "$GOLDEN" "$POLE"'

keys F10
check "the till shows the QR payment" expect_screen 'waiting for the buyer to scan'
check "the till's own screen says the QR is on the customer display" expect_screen 'QR on the customer display'
check "... and draws none of its own" eval '! screen | grep -q "▀▀▀▀▀▀▀"'
check "the buyer's terminal draws the QR, which scans as the journal's qr_token" buyer_qr_is_token
check "... with the state and the countdown" buyer_shows 'Отсканируйте QR-код'
check "... the countdown" buyer_shows 'Қалды / Осталось 1[45]:[0-9]{2}'
check "the pole: Kaspi, the amount, scan and the seconds left" pole_shows '^Kaspi +549,00\|Сканируйте QR +1[45]:[0-9]{2}$'

tm resize-window -t buyer -x 60 -y 20
check "a terminal too small for the QR says so, no cut code" buyer_shows 'QR не помещается'
check "... and draws none" eval '! buyer | grep -q "▀▀▀▀▀▀▀"'
tm resize-window -t buyer -x 100 -y 50

for _ in $(seq 30); do [ "$(sqlite3 "$DB" "SELECT state FROM orders ORDER BY id DESC LIMIT 1")" = pending ] && break; sleep 0.1; done
control pay
check "paid on the till" expect_screen 'Paid: 549,00 ₸'
check "the buyer's terminal thanks" buyer_shows 'Рақмет! / Спасибо!'
check "... and the QR is gone" eval '! buyer | grep -q "▀▀▀▀▀▀▀"'
check "the pole thanks" pole_shows '^Спасибо! +\|Оплачено +549,00$'

URL=$(cat "$KASPI_POS_HOME/display.url")
tm new-session -d -s wrong -x 100 -y 20 "'$POS' display --url '${URL%%token=*}token=00000000000000000000000000000000'; sleep 600"
wrong_says() { local i; for i in $(seq 50); do tm capture-pane -p -t wrong | grep -q "$1" && return 0; sleep 0.1; done; tm capture-pane -p -t wrong; return 1; }
check "a wrong token: the till refuses it, and it says to pair again" wrong_says 'refuses this address (HTTP 403): pair the display again'
check "... and shows nothing of the sale" eval '! tm capture-pane -p -t wrong | grep -q "549,00"'
tm kill-session -t wrong
keys Enter
keys 4870000025008 Enter F10
check "another QR payment" expect_screen 'waiting for the buyer to scan'
check "its QR on the buyer's terminal" buyer_qr_is_token
tm kill-session -t till
check "the till gone: the buyer's terminal says no connection" buyer_shows 'байланыс жоқ / нет связи'
check "... and shows no QR" eval '! buyer | grep -q "▀▀▀▀▀▀▀"'
tm send-keys -t buyer q
check "q quits it: exit 0" buyer_shows 'DISPLAY-EXITED 0'

e2e_finish
