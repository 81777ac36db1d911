#!/usr/bin/env bash
# push.sh — payments pushed, the whole path real: kaspi-sandbox signs its
# webhooks and sends them to the order's callback_url, which the till sets
# to the hub's POST /webhooks/kaspi; the hub verifies, holds each
# (payment_id, event) once and pushes it on the till's GET /api/v1/push
# stream; the till then asks the sandbox for the status at once. Checked:
# the push stream refuses no token and a wrong one; a QR paid while the
# till polls every 10 s (its stream live) is seen paid within 1.5 s, so the
# push did it, and the webhook is held once, pushed to one stream; a forged
# (bad HMAC), a stale (timestamp 6 minutes old) and a replayed webhook
# change nothing and push nothing; one for a till the hub does not know is
# held and pushed nowhere; the hub SIGKILLed while a till waits: the till
# polls at the normal pace again and sees the payment; the hub down from
# the start: the till polls and loses nothing; back up, the sandbox's
# retried webhook is held once.
#
#   tests/hub/push.sh     (KP_POS, KP_HUB, KP_SANDBOX, KP_PG_BIN: the programs)
. "$(dirname "$0")/lib.sh"
. tests/tools/port.sh # quiet_port
need sqlite3 curl python3 openssl

KEY=xdev_hub0test0push0000001
MERCHANT=123456789012
SECRET=whsec_push_test_0123456789

pg_start
"$HUB" init >/dev/null 2>&1 || bad "init"
token=$("$HUB" till add S1 T01 2>/dev/null)
hub_start --webhook-secret "$SECRET" --listen "127.0.0.1:$(quiet_port)" # back on it below

"$SBX" --port 0 --key "$KEY" --merchant "$MERCHANT" --pay-after 0 --webhook-secret "$SECRET" \
	>"$WORK/sbx.out" 2>"$WORK/sbx.err" &
SBX_PID=$!
for _ in $(seq 50); do grep -q 'listening on' "$WORK/sbx.out" && break; sleep 0.1; done
SBX_URL=$(sed -n 's/^listening on //p' "$WORK/sbx.out")
export KASPI_BASE_URL=$SBX_URL KASPI_XDEV_KEY=$KEY KASPI_MERCHANT_ID=$MERCHANT
till_setup T01 "$token"
export KASPI_CALLBACK_URL=$HUB_URL/webhooks/kaspi

ms() { date +%s%3N; }
# sbx_do PAYMENT ACTION: the sandbox's buyer does it now
sbx_do() {
	curl -s -m 5 -X POST -H "Authorization: Bearer $KEY" -H "X-Merchant-ID: $MERCHANT" \
		"$SBX_URL/sandbox/payments/$1/$2" >/dev/null
}
# hook BODY [SIGNATURE]: POSTs a webhook to the hub (signed with SECRET
# unless a signature is given); prints the status and the body
hook() {
	local sig=${2-$(printf '%s' "$1" | openssl dgst -sha256 -hmac "$SECRET" -r | cut -d' ' -f1)}
	curl -s -m 5 -w ' %{http_code}' -H 'Content-Type: application/json' -H "X-Kaspi-Hmac: $sig" \
		--data-binary "$1" "$HUB_URL/webhooks/kaspi"
}
stamp() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
# wait_for FILE REGEX [TRIES of 50 ms]
wait_for() {
	for _ in $(seq "${3:-200}"); do grep -qE -- "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
	return 1
}
pushes() { grep -c 'T01 pushed to' "$WORK/hub.err"; }
streams_opened() { grep -c 'T01 push stream open' "$WORK/hub.err"; }
# a charge in the background: CHARGE_PID, its output in $WORK/charge.N.*
n_charge=0
charge_bg() {
	n_charge=$((n_charge + 1))
	till T01 charge "$1" >"$WORK/charge.$n_charge.out" 2>"$WORK/charge.$n_charge.err" &
	CHARGE_PID=$!
}
pending_payment() {
	for _ in $(seq 100); do
		pay=$(till_q T01 "SELECT payment_id FROM orders WHERE state = 'pending' ORDER BY id DESC LIMIT 1" 2>/dev/null)
		[ -n "$pay" ] && return 0
		sleep 0.05
	done
	return 1
}

# ---- the stream's door -------------------------------------------------------
is "push: no token is 401" "$(curl -s -o /dev/null -w '%{http_code}' -m 5 "$HUB_URL/api/v1/push")" 401
is "push: a wrong token is 401" "$(curl -s -o /dev/null -w '%{http_code}' -m 5 \
	-H 'Authorization: Bearer kh_0000' "$HUB_URL/api/v1/push")" 401
out=$(curl -s -N -m 1 -H "Authorization: Bearer $token" "$HUB_URL/api/v1/push")
has "push: the till's token opens its stream, ready first" "$out" '^retry: 2000'
has "push: the ready event names the till" "$out" 'event: ready.*|data: \{"till":"T01"\}'

# ---- a paid QR, pushed ----------------------------------------------------------
opened=$(streams_opened)
charge_bg 1500
pending_payment || bad "the charge's payment is pending" "$(cat "$WORK/charge.1.err")"
wait_for "$WORK/hub.err" "T01 push stream open" || bad "the till opens its push stream"
[ "$(streams_opened)" -gt "$opened" ] && ok "the charge opens the till's push stream" ||
	bad "the charge opens the till's push stream" "$(cat "$WORK/hub.err")"
is "the create carried the hub's callback_url" \
	"$(till_q T01 "SELECT instr(request_body, '\"callback_url\":\"$HUB_URL/webhooks/kaspi\"') > 0 FROM orders WHERE payment_id = '$pay'")" 1
sleep 2 # the stream's first look is behind: the next poll is 10 s away

# forged, stale, and for another till: nothing changes, nothing is pushed
moid=$(till_q T01 "SELECT merchant_order_id FROM orders WHERE payment_id = '$pay'")
now=$(date +%s)
body="{\"event\":\"payment.completed\",\"payment_id\":\"$pay\",\"merchant_order_id\":\"$moid\",\"amount\":150000,\"status\":\"succeeded\",\"timestamp\":\"$(stamp "$now")\"}"
out=$(hook "$body" "$(printf '%s' "$body" | openssl dgst -sha256 -hmac "not-the-secret" -r | cut -d' ' -f1)")
has "a forged webhook (bad HMAC): 401" "$out" 'bad_signature.* 401$'
out=$(hook "$body" "")
has "a webhook without X-Kaspi-Hmac: 401" "$out" ' 401$'
stale="${body/$(stamp "$now")/$(stamp $((now - 360)))}"
out=$(hook "$stale")
has "a stale webhook (6 minutes old), signed: 400 stale" "$out" 'stale.* 400$'
other="{\"event\":\"payment.completed\",\"payment_id\":\"pay_elsewhere01\",\"merchant_order_id\":\"T09-20260510-000001\",\"amount\":100,\"status\":\"succeeded\",\"timestamp\":\"$(stamp "$now")\"}"
out=$(hook "$other")
has "a webhook for a till the hub does not know: 200, pushed nowhere" "$out" '"pushed":0.* 200$'
is "... held with no till" "$(psql_q "SELECT count(*) FROM webhook_events WHERE till_id IS NULL AND payment_id = 'pay_elsewhere01'")" 1
is "forged and stale: nothing held for the payment" "$(psql_q "SELECT count(*) FROM webhook_events WHERE payment_id = '$pay'")" 0
is "forged and stale: nothing pushed" "$(pushes)" 0
sleep 0.3
is "forged and stale: the order is still pending" "$(till_q T01 "SELECT state FROM orders WHERE payment_id = '$pay'")" pending
kill -0 "$CHARGE_PID" 2>/dev/null && ok "forged and stale: the charge still waits" || bad "forged and stale: the charge still waits"

t0=$(ms)
sbx_do "$pay" pay
wait "$CHARGE_PID"; rc=$?
t1=$(ms)
is "pushed: the charge exits paid" "$rc" 0 "$(cat "$WORK/charge.1.err")"
elapsed=$((t1 - t0))
[ "$elapsed" -lt 1500 ] && ok "pushed: paid seen in ${elapsed} ms, polling every 10 s (the push did it)" ||
	bad "pushed: paid seen within 1.5 s" "took $elapsed ms"
is "pushed: the journal says succeeded" "$(till_q T01 "SELECT state FROM orders WHERE payment_id = '$pay'")" succeeded
# (the first curl's stream above counts until the hub's keep-alive finds it gone)
is "pushed: the webhook is held once, for T01, pushed to the till's stream" \
	"$(psql_q "SELECT count(*), max(till_id), max(pushed) >= 1, max(event) FROM webhook_events WHERE payment_id = '$pay'")" \
	"1|T01|t|payment.completed"
is "pushed: one push" "$(pushes)" 1

# the replay: the very bytes the sandbox sent, signed again
raw=$(psql_q "SELECT body FROM webhook_events WHERE payment_id = '$pay'")
out=$(hook "$raw")
has "a replayed webhook: 200, a duplicate, handled before" "$out" '"status":"duplicate".* 200$'
is "the replay: still held once" "$(psql_q "SELECT count(*) FROM webhook_events WHERE payment_id = '$pay'")" 1
is "the replay: nothing pushed" "$(pushes)" 1
grep -q "$SECRET" "$WORK/hub.err" "$WORK/hub.out" && bad "the secret is in the hub's log" || ok "the secret is not in the hub's log"

# ---- the hub killed while a till waits: polling again -------------------------
opened=$(streams_opened)
charge_bg 1200
pending_payment || bad "the second payment is pending"
wait_for "$WORK/hub.err" "T01 push stream open" && [ "$(streams_opened)" -gt "$opened" ] ||
	bad "the second charge opens its stream"
sleep 0.5
hub_stop -KILL
sleep 0.5
t0=$(ms)
sbx_do "$pay" pay
wait "$CHARGE_PID"; rc=$?
t1=$(ms)
is "hub killed: the charge exits paid" "$rc" 0 "$(cat "$WORK/charge.2.err")"
elapsed=$((t1 - t0))
[ "$elapsed" -lt 3000 ] && ok "hub killed: paid seen by polling in ${elapsed} ms (the 1 s pace is back)" ||
	bad "hub killed: paid seen within 3 s" "took $elapsed ms"

# ---- the hub down from the start: nothing lost -----------------------------
charge_bg 990
pending_payment || bad "the third payment is pending"
sleep 0.3
sbx_do "$pay" pay
wait "$CHARGE_PID"; rc=$?
is "hub down: the charge exits paid" "$rc" 0 "$(cat "$WORK/charge.3.err")"
is "hub down: every order of the till is settled" \
	"$(till_q T01 "SELECT group_concat(state) FROM orders ORDER BY id")" "succeeded,succeeded,succeeded"
# the sandbox sends its webhooks again (1, 2, 4 … s): the hub back, each held once
hub_start --webhook-secret "$SECRET" --listen "${HUB_URL#http://}" # the callback_url's port
for _ in $(seq 200); do
	[ "$(psql_q "SELECT count(*) FROM webhook_events WHERE till_id = 'T01'")" -ge 3 ] && break
	sleep 0.1
done
is "hub back: the retried webhooks held, once each" \
	"$(psql_q "SELECT count(*), count(DISTINCT payment_id) FROM webhook_events WHERE till_id = 'T01'")" "3|3"

finish
