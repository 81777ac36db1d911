#!/usr/bin/env bash
# pay.sh — taking payments in the till, as a cashier does, against the
# sandbox driven by its control endpoints: F10 shows a QR that zbarimg
# decodes to the sandbox's qr_token, a countdown and the state (waiting,
# scanned, paid); declined, failed and expired bring the basket back; Esc
# gives up and a late payment raises an alert that Ctrl-E settles; F11 pays by
# phone (a bad number is refused); at 80×24 the QR asks for a bigger
# terminal while the payment goes on, 80 columns and the rows that really
# fit, where it is drawn above the information and scans; a till killed
# during a payment settles it after a restart; `charge` in a terminal too
# small for its QR says so and prints the link.
. "$(dirname "$0")/lib.sh"
e2e_setup
PANE2PBM=$E2E_ROOT/tests/tools/pane2pbm.py
DB=$KASPI_POS_HOME/kaspi-pos.db

last_payment() { sqlite3 "$DB" "SELECT payment_id FROM orders ORDER BY id DESC LIMIT 1"; }
last_state() { sqlite3 "$DB" "SELECT state FROM orders ORDER BY id DESC LIMIT 1"; }
control() { # STEP [PAYMENT_ID]
	curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $KASPI_XDEV_KEY" \
		-H "X-Merchant-ID: $KASPI_MERCHANT_ID" "$KASPI_BASE_URL/sandbox/payments/${2:-$(last_payment)}/$1"
}
state_is() { # waits up to 5 s for the last order's journal state
	for _ in $(seq 50); do [ "$(last_state)" = "$1" ] && return 0; sleep 0.1; done
	echo "journal state: $(last_state), expected $1"
	return 1
}
qr_decodes_to_token() {
	local token
	token=$(sqlite3 "$DB" "SELECT qr_token FROM orders ORDER BY id DESC LIMIT 1")
	screen | python3 "$PANE2PBM" -o "$E2E_TMP/qr.pbm" || return 1
	[ "$(zbarimg --raw -q -Sdisable -Sqrcode.enable "$E2E_TMP/qr.pbm" 2>/dev/null)" = "$token" ] &&
		[ -n "$token" ]
}

TILL_COLS=100 TILL_ROWS=45 till_start
login 1 1111
check "logged in" expect_screen 'Hello, Айгерим'

# Paid by QR.
keys 4870000025008 Enter
keys F10
check "F10 shows the payment screen" expect_screen 'Payment by Kaspi QR'
check "it waits for the buyer" expect_screen 'waiting for the buyer to scan'
check "a live countdown from 15 minutes" expect_screen 'Time left 1[45]:[0-5][0-9]'
check "the order id is shown" expect_screen 'Order T01-[0-9]{8}-000001'
check "the QR on screen decodes to the sandbox's qr_token" qr_decodes_to_token
check "the journal has it pending" state_is pending
a=$(screen | grep -o 'Time left [0-9:]*'); sleep 2.2; b=$(screen | grep -o 'Time left [0-9:]*')
check "the countdown runs" test "$a" != "$b"
control scan >/dev/null
check "the buyer scanned" expect_screen 'scanned: the buyer is confirming'
control pay >/dev/null
check "paid: the success screen" expect_screen 'Paid: 549,00 ₸'
check "the journal says succeeded" state_is succeeded
keys Enter
check "Enter: an empty basket for the next sale" expect_screen 'TOTAL: 0,00 ₸'

# Declined, failed, expired: the basket comes back.
for step in decline fail expire; do
	case $step in
	decline) words='The buyer declined the payment' state=cancelled ;;
	fail) words='The payment failed' state=failed ;;
	expire) words='The QR expired: nobody paid' state=expired ;;
	esac
	keys 4870000004003 Enter
	check "$step: a basket to pay" expect_screen 'TOTAL: 610,00 ₸'
	keys F10
	check "$step: the payment waits" expect_screen 'waiting for the buyer to scan'
	for _ in $(seq 30); do [ -n "$(last_payment)" ] && [ "$(last_state)" = pending ] && break; sleep 0.1; done
	control $step >/dev/null
	check "$step: the screen says so" expect_screen "$words"
	check "$step: the journal says $state" state_is $state
	keys Enter
	check "$step: the basket is back to try again" expect_screen "TOTAL: 610,00 ₸"
	check "$step: with the reason on the message line" expect_screen "$words: try again"
	keys F8 Enter # void it for the next round
done

# Esc gives up; the buyer pays anyway: an alert until Ctrl-E settles it.
keys 4870000025008 Enter F10
check "another payment waits" expect_screen 'waiting for the buyer to scan'
for _ in $(seq 30); do [ "$(last_state)" = pending ] && break; sleep 0.1; done
keys Escape
check "Esc gives up and says the payment is watched" expect_screen 'given up: it is cancelled and watched'
check "the journal has it cancelled (the sandbox cancels)" state_is cancelled
keys F8 Enter
# By phone.
keys 4870000025008 Enter F11
check "F11 asks for the buyer's phone" expect_screen "Buyer's phone: \\+7_"
type_human 7051234; sleep 0.1; keys Enter
check "a short number is refused" expect_screen 'The phone must be a Kazakh mobile number'
keys C-u; type_human '8 (705) 123-45-67'
check "a number typed as people write it is taken" expect_screen "Buyer's phone: 8 \(705\) 123-45-67_"
sleep 0.1; keys Enter
check "the payment goes to the phone, normalised" expect_screen 'Phone \+77051234567'
check "it waits in the buyer's app" expect_screen "waiting: the request is in the buyer's app"
for _ in $(seq 30); do [ "$(last_state)" = pending ] && break; sleep 0.1; done
control pay >/dev/null
check "paid by phone" expect_screen 'Paid: 549,00 ₸'
# the next customer's first scan while "Paid" is still shown
keys 4870000004003 Enter
check "a scan on the paid screen starts the next sale" expect_screen '1 Кефир Food Master 2,5% 1 л +1 +610,00'
keys F8 Enter

# At 80×24 the QR does not fit: the payment goes on.
tm resize-window -t till -x 80 -y 24
keys 4870000025008 Enter F10
check "80×24: asks for a bigger terminal" expect_screen 'Enlarge the terminal to [0-9]+×[0-9]+ to show the QR'
check "80×24: the countdown still runs" expect_screen 'Time left 1[45]:'
asked=$(screen | grep -o 'Enlarge the terminal to [0-9]*×[0-9]*' | grep -o '[0-9]*×[0-9]*$')
check "80×24: it asks for no more columns: the QR goes above the information" eval '[ "${asked%×*}" = 80 ]'
tm resize-window -t till -x "${asked%×*}" -y "${asked#*×}"
qr_soon() { local i; for i in $(seq 30); do qr_decodes_to_token 2>/dev/null && return 0; sleep 0.1; done; qr_decodes_to_token; }
check "at the size asked ($asked) the QR is drawn, and scans as the token" qr_soon
check "... the information below it" expect_screen 'Time left 1[45]:'
tm resize-window -t till -x "${asked%×*}" -y "$(( ${asked#*×} - 1 ))"
check "a row less, it asks again" expect_screen "Enlarge the terminal to $asked to show the QR"
for _ in $(seq 30); do [ "$(last_state)" = pending ] && break; sleep 0.1; done
control pay >/dev/null
check "80×24: paid all the same" expect_screen 'Paid: 549,00 ₸'
keys Enter
tm resize-window -t till -x 100 -y 45

# Killed during a payment: the next start settles it.
keys 4870000025008 Enter F10
check "a payment in flight" expect_screen 'waiting for the buyer to scan'
for _ in $(seq 30); do [ "$(last_state)" = pending ] && break; sleep 0.1; done
tm kill-session -t till
control pay >/dev/null
TILL_COLS=100 TILL_ROWS=45 till_start
check "after a restart the journal catches up" state_is succeeded

# The network down: the order stays creating and is retried; Esc gives up.
TILL_COLS=100 TILL_ROWS=45 till_start KASPI_BASE_URL=http://127.0.0.1:9/api/v1
login 1 1111
keys 4870000025008 Enter F10
check "offline: creating…" expect_screen 'creating…'
check "offline: it says why and retries" expect_screen 'retrying: .*(reach|connect)' 5
check "offline: the journal keeps it creating" state_is creating
keys Escape
check "offline: Esc gives up" expect_screen 'given up'
check "offline: the journal says abandoned" state_is abandoned
check "offline: the basket is still there" expect_screen 'TOTAL: 549,00 ₸'
tm kill-session -t till
pos reconcile >"$E2E_TMP/reconcile.out" 2>&1
check "reconcile replays the create once the network is back" \
	eval '[ -n "$(last_payment)" ] && grep -q "reconcile: 1 unfinished" "$E2E_TMP/reconcile.out"'

# A late payment: against a sandbox whose API answers 700 ms late (its
# control endpoints answer at once), so the buyer's payment lands before
# the till's cancel does; the order is then paid after being abandoned.
"$SBX" --port 0 --pay-after 0 --latency-ms 700 --key "$KASPI_XDEV_KEY" --merchant "$KASPI_MERCHANT_ID" \
	>"$E2E_TMP/slow.out" 2>"$E2E_TMP/slow.err" &
SLOW_PID=$!
trap 'kill $SLOW_PID 2>/dev/null; e2e_cleanup' EXIT
for _ in $(seq 50); do grep -q '^listening on' "$E2E_TMP/slow.out" 2>/dev/null && break; sleep 0.1; done
KASPI_BASE_URL=$(sed -n 's/^listening on //p' "$E2E_TMP/slow.out")
TILL_COLS=100 TILL_ROWS=45 till_start KASPI_BASE_URL="$KASPI_BASE_URL"
login 1 1111
keys 4870000001002 Enter F10
check "a payment to be left" expect_screen 'waiting for the buyer to scan' 5
for _ in $(seq 50); do [ "$(last_state)" = pending ] && break; sleep 0.1; done
keys Escape
check "Esc gives up" expect_screen 'given up'
control pay >/dev/null
check "the journal says late_paid" state_is late_paid
check "a late payment raises the alert" expect_screen 'ALERT: T01-[0-9-]+ was paid after all \(549,90 ₸\): Ctrl-E records the sale' 5
keys C-e
check "Ctrl-E records the sale" expect_screen 'recorded as a completed sale'
check "the alert is gone" expect_no_screen 'ALERT:'
check "the journal says succeeded" state_is succeeded

# `kaspi-pos charge` in a terminal too small for its QR: says so, prints the link
tm new-session -d -s small -x 60 -y 20 "'$POS' charge 5 --no-wait; echo CHARGE-DONE \$?; sleep 600"
small() { tm capture-pane -p -t small -S -100; }
for _ in $(seq 50); do small | grep -q CHARGE-DONE && break; sleep 0.1; done
check "charge at 60×20: too small for the QR, it says so" eval 'small | grep -q "too small for the QR"'
check "... no half-drawn code" eval '! small | grep -q "▀"'
check "... and prints the link the QR would hold" eval 'small | grep -qF "$(sqlite3 "$DB" "SELECT substr(qr_token, 1, 40) FROM orders ORDER BY id DESC LIMIT 1")"'

e2e_finish
