#!/usr/bin/env bash
# unknown.sh — a payment the server forgets, through the till in tmux: the
# sandbox restarts on the same port while a QR waits, the next poll
# answers 404 payment_not_found, and the payment screen, the journal list
# and the order's detail name it "unknown to the server"; nothing settles
# it silently; a manager closes it as failed with a reason (F8 in the
# order's detail), and it is failed in the journal with the reason and
# the manager in its timeline.
. "$(dirname "$0")/lib.sh"
. "$E2E_ROOT/tests/tools/port.sh"
E2E_SBX_PORT=$(quiet_port) e2e_setup # restarted on it below
DB=$KASPI_POS_HOME/kaspi-pos.db
last_state() { sqlite3 "$DB" "SELECT state FROM orders ORDER BY id DESC LIMIT 1"; }

TILL_COLS=100 TILL_ROWS=45 till_start
login 1 1111
keys 4870000025008 Enter F10
check "a payment waits" expect_screen 'waiting for the buyer to scan'
for _ in $(seq 50); do [ "$(last_state)" = pending ] && break; sleep 0.1; done

# A new sandbox on the same port knows no payment.
port=$(sed -En 's#^http://.*:([0-9]+)/api/v1$#\1#p' <<<"$KASPI_BASE_URL")
kill "$SBX_PID"; wait "$SBX_PID" 2>/dev/null
"$SBX" --port "$port" --pay-after 0 --key "$KASPI_XDEV_KEY" --merchant "$KASPI_MERCHANT_ID" \
	>"$E2E_TMP/sbx2.out" 2>"$E2E_TMP/sbx2.err" &
SBX_PID=$!
for _ in $(seq 50); do grep -q '^listening on' "$E2E_TMP/sbx2.out" 2>/dev/null && break; sleep 0.1; done

check "the payment screen says the server does not know it" expect_screen 'unknown to the server' 10
check "the journal keeps it unfinished" eval '[ "$(last_state)" = pending ]'
keys Escape
check "Esc gives it up" expect_screen 'given up'
keys F9
check "the journal lists it as unknown to the server" expect_screen 'T01-[0-9]{8}-000001 +QR +unknown to the server'
keys Enter
check "the detail says so and how to close it" expect_screen 'The server does not know this payment'
keys F8
check "F8 asks for a reason" expect_screen 'Close as failed'
keys Enter
check "an empty reason is refused" expect_screen 'Type the reason'
type_fast 'Sandbox restarted'; keys Enter
check "a manager is asked" expect_screen "Manager's approval"
type_fast 9999; keys Enter
check "closed as failed by the manager" expect_screen 'closed as failed \(by Manager\)'
check "the journal says failed" eval '[ "$(last_state)" = failed ]'
check "the reason is in the timeline" eval 'sqlite3 "$DB" "SELECT detail FROM order_events" | grep -q "Sandbox restarted"'
check "the detail shows it failed" expect_screen 'T01-[0-9]{8}-000001 +failed'

e2e_finish
