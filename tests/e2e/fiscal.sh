#!/usr/bin/env bash
# fiscal.sh — a sale on the till gets its fiscal receipt from kassa-sandbox
# without the cashier waiting: a cash sale is paid on the screen, its
# receipt is registered in the background and printed (the QR as a raster
# picture, which zbarimg decodes to the register's TicketUrl exactly, the
# fiscal sign as the QR's i); with the register down the next sale goes on,
# the sale screen says a receipt waits, and once the register is back the
# till sends it by itself and the line goes. Past the register's 24 h the
# receipt is refused (11), the sale screen says to make the Z, and the
# payment keys refuse the next sale.
. "$(dirname "$0")/lib.sh"
. "$E2E_ROOT/tests/tools/port.sh" # quiet_port
e2e_setup
screen() { tm capture-pane -p -t till | sed 's/\xe2\x80\xaf/ /g'; }
DB=$KASPI_POS_HOME/kaspi-pos.db
PAPER=$E2E_TMP/paper.bin
KASSA=${KP_KASSA:-$E2E_ROOT/build/kassa-sandbox}
APIKEY=WKD-00000000-0000-0000-0000-000000000000
q() { sqlite3 "$DB" "$1"; }
is() { [ "$1" = "$2" ] || { echo "got \"$1\", wanted \"$2\""; return 1; }; }
K_PID=
kassa() { # PORT [OPTIONS...]
	"$KASSA" --port "$@" >"$E2E_TMP/k.out" 2>"$E2E_TMP/k.err" &
	K_PID=$!
	for _ in $(seq 50); do grep -q '^listening on' "$E2E_TMP/k.out" 2>/dev/null && break; sleep 0.1; done
	KURL=$(sed -n 's/^listening on //p' "$E2E_TMP/k.out")
}
trap 'kill $K_PID 2>/dev/null; e2e_cleanup' EXIT
kassa "$(quiet_port)" # restarted on it below
[ -n "$KURL" ] || { echo "kassa-sandbox did not start"; cat "$E2E_TMP/k.err"; exit 1; }
KPORT=${KURL##*:}
cat >"$XDG_CONFIG_HOME/kaspi-pos/config.ini" <<EOF
[printer]
mode = file
file = $PAPER
qr = raster
width = 48
[fiscal]
provider = webkassa
base_url = $KURL
api_key = $APIKEY
login = demo@kaspi-pos.kz
password = demo
cashbox = SWK00000001
timeout = 2
EOF
chmod 600 "$XDG_CONFIG_HOME/kaspi-pos/config.ini"
registered() { q "SELECT count(*) FROM receipts WHERE state = 'registered'"; }
wait_for() { # SQL WANT SECONDS
	local i
	for ((i = 0; i < $3 * 10; i++)); do [ "$(q "$1")" = "$2" ] && return 0; sleep 0.1; done
	echo "got \"$(q "$1")\", wanted \"$2\""
	return 1
}
# the QR pictures (GS v 0) of the paper, each decoded by zbarimg, one per line
decode_qrs() {
	python3 - "$PAPER" "$E2E_TMP" <<'PY'
import sys, subprocess
data = open(sys.argv[1], "rb").read()
i, n = 0, 0
while True:
    i = data.find(b"\x1dv0", i)
    if i < 0:
        break
    xl, xh, yl, yh = data[i + 4:i + 8]
    w, h = xl + 256 * xh, yl + 256 * yh
    bits = data[i + 8:i + 8 + w * h]
    path = f"{sys.argv[2]}/qr{n}.pbm"
    with open(path, "wb") as f:
        f.write(b"P4\n%d %d\n" % (w * 8, h) + bits)
    out = subprocess.run(["zbarimg", "--quiet", "--raw", path], capture_output=True, text=True)
    print(out.stdout.strip())
    i, n = i + 8 + w * h, n + 1
PY
}

TILL_COLS=100 TILL_ROWS=30 till_start
login 1 1111

# ---- a cash sale: paid at once, its receipt registered and printed ------------
keys 4870000025008 Enter
check "the item" expect_screen 'TOTAL: 549,00 ₸'
keys F6
check "the tender screen" expect_screen 'Payment of 549,00 ₸'
keys F2 Enter
check "paid on the screen" expect_screen 'Paid|CHANGE'
keys Enter
check "its receipt is registered in the background" wait_for "SELECT count(*) FROM receipts WHERE state = 'registered' AND kind = 'sale'" 1 10
url=$(q "SELECT ticket_url FROM receipts WHERE kind = 'sale'")
sign=$(q "SELECT check_number FROM receipts WHERE kind = 'sale'")
check "the register's TicketUrl names the fiscal sign" eval 'grep -q "i=$sign&" <<<"$url"'
for _ in $(seq 50); do [ -s "$PAPER" ] && grep -q $'\x1dv0' "$PAPER" && break; sleep 0.1; done
check "the printed QR decodes to the TicketUrl exactly" eval 'is "$(decode_qrs | head -1)" "$url"'
# НЕФИСКАЛЬНЫЙ in CP866: the title of the slip that is not a fiscal receipt
check "no non-fiscal slip went to the paper" eval '! LC_ALL=C grep -q "$(printf "\x8d\x85\x94\x88\x91\x8a\x80\x8b\x9c")" "$PAPER"'
check "the fiscal receipt's title did" eval 'LC_ALL=C grep -q "$(printf "\x94\x88\x91\x8a\x80\x8b\x9c\x8d\x9b\x89")" "$PAPER"'
check "the register holds one receipt" eval 'is "$(curl -s -H "x-api-key: $APIKEY" "$KURL/sandbox/checks" | python3 -c "import json,sys; print(len(json.load(sys.stdin)[\"checks\"]))")" 1'

# ---- the register down: the sale goes on, the receipt waits --------------------
kill "$K_PID"; wait "$K_PID" 2>/dev/null
keys 4870000025008 Enter
keys F6
check "the tender screen with the register down" expect_screen 'Payment of 549,00 ₸'
keys F2 Enter
check "paid, the register down" expect_screen 'Paid|CHANGE'
keys Enter
check "the header says a receipt waits" wait_screen 'fiscal receipts waiting: 1' 8
check "the sale is journaled" eval 'is "$(q "SELECT count(*) FROM orders WHERE method = '"'cash'"'")" 2'

# ---- the register refuses the till's password: the screen says why ---------------
kassa "$KPORT" --password not-the-till-s
check "the register is up with another password" eval '[ -n "$KURL" ]'
check "the sale screen says the register refuses, and why" wait_screen 'The register refuses receipts: .*(login|password)' 20
check "the receipt still waits" eval 'is "$(q "SELECT count(*) FROM receipts WHERE state = '"'pending'"' AND last_code = 1")" 1'
kill "$K_PID"; wait "$K_PID" 2>/dev/null

# ---- the register back: the till sends it by itself ------------------------------
kassa "$KPORT"
check "the register is back on its port" eval '[ -n "$KURL" ]'
check "the waiting receipt is sent by itself" wait_for "SELECT count(*) FROM receipts WHERE state = 'registered'" 2 40
gone() { local i; for i in $(seq 100); do screen | grep -qi 'fiscal receipts waiting' || return 0; sleep 0.05; done; return 1; }
check "the waiting line goes" gone

# ---- the register's shift past 24 h: the sale screen says so, sales wait -------
curl -s -H "x-api-key: $APIKEY" -d '{"advance_s": 86460}' "$KURL/sandbox/clock" >/dev/null
keys 4870000025008 Enter
keys F6
check "a sale's tender screen (the till does not know the hour yet)" expect_screen 'Payment of 549,00 ₸'
keys F2 Enter
check "paid on the screen" expect_screen 'Paid|CHANGE'
keys Enter
check "the register refuses its receipt: the shift is over 24 h" wait_for "SELECT count(*) FROM receipts WHERE state = 'pending' AND last_code = 11" 1 20
check "the sale screen says to make the Z report" wait_screen 'over 24 h.*Z report' 8
keys 4870000025008 Enter
keys F6
check "cash (F6) is refused with why" expect_screen 'over 24 h: make the Z report'
check "no tender screen opened" eval '! screen | grep -q "Payment of"'
keys F10
check "Kaspi QR (F10) is refused too, nothing journaled" eval 'is "$(q "SELECT count(*) FROM orders")" 3'

e2e_finish
