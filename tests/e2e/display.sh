#!/usr/bin/env bash
# display.sh — the customer display in a real browser while the real till
# sells: headless Chromium (driven over DevTools by tests/tools/cdp.py)
# opens the address the till wrote to display.url; the idle screen with
# the shop's name; two products scanned on the till → the page's lines and
# total equal the till's; F10 → the page's QR (a screenshot) decodes with
# zbarimg to the journal's qr_token, the countdown runs, scanned and paid
# follow; thanks, then idle for the next sale; a declined payment's QR
# gone at once; a cash sale's change thanked for; Ctrl-D shows the address as
# a QR on the till that decodes to display.url; without the token: 403;
# the till quits → the URL file is gone and the page says "нет связи"
# with no QR. Screenshots in $KP_DISPLAY_SHOTS when set.
. "$(dirname "$0")/lib.sh"
command -v chromium >/dev/null || { echo "chromium is missing: make deps"; exit 1; }
e2e_setup
CDP="python3 $E2E_ROOT/tests/tools/cdp.py"
PANE2PBM=$E2E_ROOT/tests/tools/pane2pbm.py
DB=$KASPI_POS_HOME/kaspi-pos.db
SHOTS=${KP_DISPLAY_SHOTS:-$E2E_TMP/shots}
mkdir -p "$SHOTS"
# the till's money: U+202F between thousands (written out below)
CHROME_PID=
stop_chrome() {
	[ -n "$CHROME_PID" ] || return 0
	kill -- -"$CHROME_PID" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$CHROME_PID" 2>/dev/null || break; sleep 0.1; done
	CHROME_PID=
}
trap 'stop_chrome; e2e_cleanup' EXIT

cat >"$XDG_CONFIG_HOME/kaspi-pos/config.ini" <<'EOF'
[store]
name = Магазин «Береке»
[display]
listen = 127.0.0.1:0
EOF

control() { # STEP: the sandbox's buyer does it to the last payment
	local id
	id=$(sqlite3 "$DB" "SELECT payment_id FROM orders ORDER BY id DESC LIMIT 1")
	curl -s -o /dev/null -X POST -H "Authorization: Bearer $KASPI_XDEV_KEY" \
		-H "X-Merchant-ID: $KASPI_MERCHANT_ID" "$KASPI_BASE_URL/sandbox/payments/$id/$1"
}
page() { $CDP "$PORT" eval "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin))'; }
page_is() { $CDP "$PORT" wait "$1" "${2:-5}"; }
shot() { $CDP "$PORT" shot "$SHOTS/$1.png"; }
till_total() { screen | grep -o 'TOTAL: [^₸]*₸' | head -1 | sed 's/TOTAL: //'; }
decodes_to() { # PNG TEXT
	[ "$(zbarimg --raw -q -Sdisable -Sqrcode.enable "$1" 2>/dev/null)" = "$2" ] && [ -n "$2" ]
}
url_file_ok() {
	[ -f "$KASPI_POS_HOME/display.url" ] && [ "$(stat -c %a "$KASPI_POS_HOME/display.url")" = 600 ]
}

TILL_COLS=100 TILL_ROWS=40 till_start
check "the till writes display.url, mode 0600" url_file_ok
URL=$(cat "$KASPI_POS_HOME/display.url")
check "the URL is the display's, with a token" test -n "$(echo "$URL" | grep -E '^http://127\.0\.0\.1:[0-9]+/display\?token=[0-9a-f]{32}$')"
BASE=${URL%%/display*}
code() { curl -s -o /dev/null -w '%{http_code}' "$1"; }
check "without the token: 403" test "$(code "$BASE/display")" = 403
check "with a wrong token: 403" test "$(code "$BASE/display/state?token=0123456789abcdef0123456789abcdef")" = 403
check "with it: 200" test "$(code "${URL/\/display?/\/display\/state?}")" = 200

read -r PORT CHROME_PID < <($CDP start "$E2E_TMP") || { echo "chromium did not start"; exit 1; }
$CDP "$PORT" open "$URL"
check "the page shows the idle screen" page_is "document.body.dataset.screen === 'idle' && document.body.dataset.online === 'yes'"
check "with the shop's name" test "$(page "document.getElementById('idleshop').textContent")" = "Магазин «Береке»"
shot idle

login 1 1111
check "logged in" expect_screen 'Hello, Айгерим'
keys 4870000025008 Enter
check "the first product on the till" expect_screen 'TOTAL: 549,00 ₸'
keys 4870000004003 Enter
check "the second" expect_screen 'TOTAL: 1 159,00 ₸'
check "the page shows both lines" page_is "document.body.dataset.screen === 'basket' && document.querySelectorAll('#rows tr').length === 2"
check "the page's total is the till's" test "$(page "document.getElementById('total').textContent")" = "$(till_total)"
shot basket

keys F10
check "F10: the till waits for the buyer" expect_screen 'waiting for the buyer to scan'
check "the page shows the payment's QR" page_is "document.body.dataset.screen === 'payment' && !document.getElementById('qr').hidden && document.getElementById('qr').complete && document.getElementById('qr').naturalWidth > 0"
sleep 0.3 # the picture painted
shot payment
TOKEN=$(sqlite3 "$DB" "SELECT qr_token FROM orders ORDER BY id DESC LIMIT 1")
check "the page's QR decodes to the journal's qr_token" decodes_to "$SHOTS/payment.png" "$TOKEN"
check "the page's amount is the till's" test "$(page "document.getElementById('amount').textContent")" = "1 159,00 ₸"
check "the page says scan, in Kazakh and Russian" test "$(page "document.getElementById('state').textContent")" = "Сканерлеңіз / Отсканируйте"
check "a countdown from 15 minutes" page_is "/Қалды 1[45]:[0-5][0-9]/.test(document.getElementById('countdown').textContent)"
a=$(page "document.getElementById('countdown').textContent")
check "the countdown runs" page_is "document.getElementById('countdown').textContent !== '$a'" 3
control scan
check "scanned: the till" expect_screen 'scanned: the buyer is confirming'
check "scanned: the page" page_is "document.getElementById('state').textContent.indexOf('растаңыз') >= 0"
control pay
check "paid: the till" expect_screen 'Paid: 1 159,00 ₸'
check "paid: the page thanks the buyer, with no QR" page_is "document.body.dataset.screen === 'thanks' && document.getElementById('qr').hidden && !document.getElementById('qr').getAttribute('src')"
check "thanks in both languages" test "$(page "document.getElementById('thanks').textContent.indexOf('Рақмет!') >= 0 && document.getElementById('thanks').textContent.indexOf('Спасибо!') >= 0")" = True
check "the QR is gone from the server too" test "$(code "${URL/\/display?/\/display\/qr.svg?}")" = 404
shot thanks
keys Enter
check "the next sale: idle again" page_is "document.body.dataset.screen === 'idle'"

# declined: the QR goes at once, the basket comes back
keys 4870000025008 Enter F10
check "another payment's QR" page_is "document.body.dataset.screen === 'payment' && !document.getElementById('qr').hidden"
for _ in $(seq 30); do [ "$(sqlite3 "$DB" "SELECT state FROM orders ORDER BY id DESC LIMIT 1")" = pending ] && break; sleep 0.1; done
control decline
check "declined: the till" expect_screen 'The buyer declined the payment'
check "declined: the page says so, with no QR" page_is "document.getElementById('state').textContent === 'Қабылданбады / Отклонено' && document.getElementById('qr').hidden"
keys Enter
check "back to the basket" page_is "document.body.dataset.screen === 'basket'"

# cash with change: thanks and the change
keys F6
check "the tender screen" expect_screen 'Payment of 549,00 ₸'
keys F3
check "F3 gives 1 000" expect_screen 'CHANGE  451,00 ₸'
keys Enter
check "cash: paid on the till" expect_screen 'Paid: T01-'
check "the page thanks with the change" page_is "document.body.dataset.screen === 'thanks' && document.getElementById('changeline').textContent === 'Қайтарым 451,00 ₸ / Сдача'"
shot change
keys Enter
check "idle once more" page_is "document.body.dataset.screen === 'idle'"

keys C-d
check "Ctrl-D shows the pairing dialog" expect_screen 'Customer display'
check "its QR decodes to display.url" bash -c "tmux -L '$E2E_SOCK' capture-pane -p -t till | python3 '$PANE2PBM' -o '$E2E_TMP/pair.pbm' && [ \"\$(zbarimg --raw -q -Sdisable -Sqrcode.enable '$E2E_TMP/pair.pbm' 2>/dev/null)\" = '$URL' ]"
keys Escape
check "Esc closes it" expect_no_screen 'Scan the code with'

keys C-o
expect_screen 'Log in|Войти|Кіру' 3
keys C-q
check "the till quits" expect_screen 'TILL-EXITED 0'
check "display.url is removed" test ! -e "$KASPI_POS_HOME/display.url"
check "the page says no connection, and shows no QR" page_is "document.body.dataset.online === 'no' && document.getElementById('offline').textContent.indexOf('Нет связи') >= 0 && document.getElementById('qr').hidden"
shot offline
stop_chrome
e2e_finish
