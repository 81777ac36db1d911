#!/usr/bin/env bash
# webhooks.sh — signed webhooks: compact JSON with the contract's key order,
# X-Kaspi-Hmac checked with openssl over the raw bytes, one per final status
# (completed, cancelled, failed, expired as payment.cancelled), none for
# scanned, retries after a 500 and after a reply slower than 3 s with
# byte-identical bodies, and none at all without a secret.
. "$(dirname "$0")/lib.bash"

SECRET='wh-s3cret with spaces'
HOOKS=$TMP/hooks
mkdir -p "$HOOKS"
"$PY" "$(dirname "$0")/webhook_receiver.py" "$HOOKS" >"$TMP/recv.port" &
PIDS+=("$!")
for i in $(seq 100); do [ -s "$TMP/recv.port" ] && break; sleep 0.05; done
RECV="http://127.0.0.1:$(cat "$TMP/recv.port")"

sbx_start --pay-after 1 --qr-ttl 2 --webhook-secret "$SECRET"
cb() { echo "\"callback_url\":\"$RECV$1\""; }
create 150000 "$(cb /ok)"; paid=$PAY; paid_oid=$OID
create 150013 "$(cb /ok)"; declined=$PAY
create 150066 "$(cb /ok)"; failed=$PAY
create 150099 "$(cb /ok)"; expired=$PAY
create 150000 "$(cb /fail1)"; flaky=$PAY
create 150000 "$(cb /slow1)"; slow=$PAY
create 150099 "$(cb /ok)"; cancelled=$PAY
call POST "/payments/$cancelled/cancel"
create 150000; silent=$PAY

# hooks_for PAYMENT — the numbers of the deliveries that name it
hooks_for() {
	grep -l "\"payment_id\":\"$1\"" "$HOOKS"/*.body 2>/dev/null | sed 's|.*/||; s|\.body$||' | sort -n
}
# wait for the 9 deliveries: 5 single, 2 × 2 retried (at most ~9 s)
for i in $(seq 90); do
	[ "$(ls "$HOOKS"/*.body 2>/dev/null | wc -l)" -ge 9 ] && break
	sleep 0.1
done
sleep 0.3

check_hook() {  # NAME PAYMENT EVENT STATUS — exactly one delivery, right and signed
	local name=$1 pay=$2 n body hmac want
	n=$(hooks_for "$pay")
	expect "$name: one delivery" "$(echo "$n" | grep -c .)" 1
	n=$(echo "$n" | head -n 1)
	[ -n "$n" ] || return
	body=$(cat "$HOOKS/$n.body")
	expect_match "$name: compact, keys in order" "$body" \
		"^\{\"event\":\"$3\",\"payment_id\":\"$pay\",\"merchant_order_id\":\"[^\"]+\",\"amount\":[0-9]+,\"status\":\"$4\",\"timestamp\":\"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\"\}$"
	hmac=$(cat "$HOOKS/$n.hmac")
	want=$(openssl dgst -sha256 -hmac "$SECRET" -r <"$HOOKS/$n.body" | cut -d' ' -f1)
	expect "$name: X-Kaspi-Hmac is HMAC-SHA256 of the raw body" "$hmac" "$want"
}
check_hook "completed" "$paid" payment.completed succeeded
check_hook "declined" "$declined" payment.cancelled cancelled
check_hook "failed" "$failed" payment.failed failed
check_hook "expired" "$expired" payment.cancelled expired
check_hook "cancelled by the merchant" "$cancelled" payment.cancelled cancelled
expect "no webhook without a callback_url" "$(grep -l "$silent" "$HOOKS"/*.body 2>/dev/null | wc -l)" 0

n=$(hooks_for "$paid")
RESP=$(cat "$HOOKS/$n.body")
expect "webhook names the order and amount" "$(jval 'd["merchant_order_id"] + " " + str(d["amount"])')" "$paid_oid 150000"
wts=$(jval 'd["timestamp"]')
call GET "/payments/$paid"
expect "timestamp is the completed event's time" "$(jval '[e["at"] for e in d["events"] if e["type"] == "completed"][0]')" "$wts"

# retried after a 500, 1 s later, byte for byte the same
ns=($(hooks_for "$flaky"))
expect "a 500 is retried once it fails" "${#ns[@]}" 2
if [ "${#ns[@]}" = 2 ]; then
	expect "the retry has the same body" "$(cmp -s "$HOOKS/${ns[0]}.body" "$HOOKS/${ns[1]}.body" && echo same)" same
	expect "the retry has the same signature" "$(cat "$HOOKS/${ns[1]}.hmac")" "$(cat "$HOOKS/${ns[0]}.hmac")"
	gap=$(awk -v a="$(cat "$HOOKS/${ns[0]}.time")" -v b="$(cat "$HOOKS/${ns[1]}.time")" 'BEGIN { print (b - a >= 0.9 && b - a < 2.5) ? "yes" : b - a }')
	expect "the retry comes about 1 s later" "$gap" yes
fi
ns=($(hooks_for "$slow"))
expect "an answer slower than 3 s is retried" "${#ns[@]}" 2
sbx_stop
expect "the sandbox stops cleanly with webhooks configured" "$SBX_RC" 0

# without a secret nothing is sent
before=$(ls "$HOOKS"/*.body | wc -l)
sbx_start --pay-after 0
create 150000 "$(cb /nosecret)"
call POST "/sandbox/payments/$PAY/pay"
sleep 1
expect "no webhooks without --webhook-secret" "$(ls "$HOOKS"/*.body | wc -l)" "$before"
sbx_stop

# a receiver that always fails does not hold up shutdown
sbx_start --pay-after 0 --webhook-secret "$SECRET"
create 150000 "$(cb /always500)"
call POST "/sandbox/payments/$PAY/pay"
sleep 1.2
t0=$(date +%s%N)
sbx_stop
t1=$(date +%s%N)
expect "shutdown with retries pending: exit 0" "$SBX_RC" 0
expect "shutdown with retries pending is quick" "$(( (t1 - t0) < 2000000000 ))" 1

finish
