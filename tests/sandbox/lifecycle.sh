#!/usr/bin/env bash
# lifecycle.sh — a payment's life: the simulated buyer and the magic amounts
# (13 declines, 66 fails, 99 expires), expiry at expires_at, the control
# endpoints, cancel, partial and repeated refunds, the events list, the QR
# token and image.
. "$(dirname "$0")/lib.bash"

events() { jval '",".join(e["type"] for e in d["events"])'; }

# ---- simulated buyer: scans after 2 s, pays after 4 s; QR valid 8 s ------
# (each check a second or more from the step it watches: a busy machine
# delays the script, not the sandbox's clock)
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
at() {  # at MS — sleep until MS after t0
	local left=$(( t0 + $1 - $(now_ms) ))
	[ "$left" -gt 0 ] && sleep "$(printf '%d.%03d' $((left / 1000)) $((left % 1000)))"
}
sbx_start --pay-after 4 --qr-ttl 8
t0=$(now_ms)
create 150000; normal=$PAY
create 150013; declines=$PAY
create 150066; fails=$PAY
create 150099; never=$PAY; never_oid=$OID
never_expires=$(jval 'tsec(d["expires_at"])')
at 3000
call GET "/payments/$normal"
expect "halfway: scanned, still pending" "$(jval 'd["status"]') $(events)" "pending created,scanned"
call GET "/payments/$never"
expect "99: not even scanned" "$(events)" created
at 5200
call GET "/payments/$normal"
expect "normal amount: succeeded" "$(jval 'd["status"]')" succeeded
expect "events: created, scanned, completed" "$(events)" created,scanned,completed
call GET "/payments/$declines"
expect "13: the buyer declines" "$(jval 'd["status"]') $(events)" "cancelled created,scanned,cancelled"
call GET "/payments/$fails"
expect "66: failed" "$(jval 'd["status"]') $(events)" "failed created,scanned,failed"
call GET "/payments/$never"
expect "99 before expires_at: pending" "$(jval 'd["status"]')" pending
at $(( never_expires * 1000 - t0 + 300 ))
call GET "/payments/$never"
expect "99 after expires_at: expired" "$(jval 'd["status"]') $(events)" "expired created,expired"
expect "the expired event is at expires_at" "$(jval 'd["events"][-1]["at"] == d["expires_at"]')" true
expect "payment object has every field" "$(jval 'sorted(d)')" '["amount", "created_at", "events", "expires_at", "merchant_order_id", "payment_id", "payment_method", "refunded_amount", "status"]'
call POST /payment/orders "$(order "$never_oid" 150099)"
expect "a replay shows expired" "$(jval 'd["status"]')" expired
sbx_stop

# ---- nobody pays (--pay-after 0): tests drive every step ---------------
sbx_start --pay-after 0 --qr-ttl 900
create 5000; p=$PAY
sleep 0.3
call GET "/payments/$p"
expect "--pay-after 0: stays pending" "$(jval 'd["status"]')" pending
expect_match "expires_at is created_at + 15 min" "$(jval 'd["expires_at"]')" "^[0-9-]{10}T[0-9:]{8}Z$"
expect "qr-ttl 900" "$(jval 'str(tsec(d["expires_at"]) - tsec(d["created_at"]))')" 900
expect "create answers pending" "$(jval 'd["status"]')" pending
create 5000
expect "deeplink is the qr_token" "$(jval 'd["deeplink"] == d["qr_token"]')" true
tok=$(jval 'd["qr_token"]')
expect_match "qr_token is kaspi://pay?token=<jwt>" "$tok" '^kaspi://pay\?token=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$'
expect "qr_token is 150-250 characters" "$(( ${#tok} >= 150 && ${#tok} <= 250 ))" 1
img=$(jval 'd["qr_image"]')
expect "qr_image points at this sandbox" "$img" "$BASE/qr/$PAY.svg"
STATUS=$(curl -s -o "$TMP/qr.svg" -D "$TMP/qrh" -w '%{http_code}' "$img")
expect "QR image served without a key" "$STATUS" 200
expect "QR image is SVG" "$(sed -n 's/^Content-Type: *//Ip' "$TMP/qrh" | tr -d '\r')" image/svg+xml
expect_match "QR image draws modules" "$(head -c 600 "$TMP/qr.svg")" '<svg .*<path fill="#000" d="M4 4h7'
expect "QR of an unknown payment is 404" "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/qr/pay_000000000000.svg")" 404

create 5000; manual=$PAY
call POST "/sandbox/payments/$manual/scan"
expect "scan: 200 with the payment" "$STATUS $(jval 'd["status"]')" "200 pending"
call POST "/sandbox/payments/$manual/scan"
expect "second scan of a pending payment: 200, one scanned event" "$STATUS $(events)" "200 created,scanned"
call POST "/sandbox/payments/$manual/pay"
expect "pay after scan" "$(jval 'd["status"]') $(events)" "succeeded created,scanned,completed"

declare -A outcome=([pay]=succeeded [decline]=cancelled [fail]=failed [expire]=expired)
for step in pay decline fail expire; do
	create 5013
	call POST "/sandbox/payments/$PAY/$step"
	want=${outcome[$step]}
	expect "control $step whatever the magic: $want" "$STATUS $(jval 'd["status"]')" "200 $want"
	call POST "/sandbox/payments/$PAY/scan"
	expect_error "control scan after $step" 422 payment_not_pending
	call POST "/sandbox/payments/$PAY/$step"
	expect_error "control $step twice" 422 payment_not_pending
done

# cancel
create 7000; c=$PAY
call POST "/payments/$c/cancel"
expect "cancel a pending payment: 200 cancelled" "$STATUS $(jval 'd["status"]')" "200 cancelled"
expect "cancel adds a cancelled event" "$(events)" created,cancelled
call POST "/payments/$c/cancel"
expect_error "cancel twice" 422 payment_not_cancellable
expect "the 422 carries the payment" "$(jval 'd["payment"]["status"]')" cancelled
call POST "/sandbox/payments/$c/pay"
expect_error "pay after cancel" 422 payment_not_pending

# refunds: partial, several, never beyond the amount
create 10000; r=$PAY
call POST "/sandbox/payments/$r/pay"
call POST /refunds "{\"payment_id\":\"$r\",\"amount\":3000,\"reason\":\"one item back\"}"
expect "partial refund 201" "$STATUS" 201
expect "refund answer" "$(jval 'd["payment_id"] + " " + str(d["amount"]) + " " + d["status"]')" "$r 3000 succeeded"
call POST /refunds "{\"payment_id\":\"$r\",\"amount\":3000,\"reason\":\"another\"}"
expect "second partial refund 201" "$STATUS" 201
call POST /refunds "{\"payment_id\":\"$r\",\"amount\":4001,\"reason\":\"too much\"}"
expect_error "refund past what is left" 422 refund_exceeds_available
call GET "/payments/$r"
expect "refunded_amount after two" "$(jval 'd["refunded_amount"]')" 6000
expect "a refunded payment stays succeeded" "$(jval 'd["status"]')" succeeded
call POST /refunds "{\"payment_id\":\"$r\",\"amount\":4000,\"reason\":\"the rest\"}"
expect "refund of exactly the rest 201" "$STATUS" 201
call GET "/payments/$r"
expect "full refund: refunded_amount = amount" "$(jval 'd["refunded_amount"] == d["amount"]')" true
expect "one refunded event per refund" "$(events)" created,completed,refunded,refunded,refunded
call POST /refunds "{\"payment_id\":\"$r\",\"amount\":1,\"reason\":\"more\"}"
expect_error "nothing left to refund" 422 refund_exceeds_available

# refund window: 89 days fine, 91 days closed
create 10000; w=$PAY
call POST "/sandbox/payments/$w/pay"
call POST "/sandbox/payments/$w/backdate" '{"days":89}'
call POST /refunds "{\"payment_id\":\"$w\",\"amount\":1,\"reason\":\"late\"}"
expect "refund 89 days after success" "$STATUS" 201
call POST "/sandbox/payments/$w/backdate" '{"days":2}'
call POST /refunds "{\"payment_id\":\"$w\",\"amount\":1,\"reason\":\"later\"}"
expect_error "refund 91 days after success" 422 refund_window_closed
call POST "/sandbox/payments/$w/backdate" '{"weeks":1}'
expect_error "backdate needs seconds or days" 400 invalid_request
sbx_stop

# ---- expiry without anyone asking: expires_at passes, the ticker acts ----
sbx_start --pay-after 0 --qr-ttl 1
create 100; e=$PAY
sleep 1.2
call POST "/sandbox/payments/$e/pay"
expect_error "expired at expires_at: too late to pay" 422 payment_not_pending
call GET "/payments/$e"
expect "status expired" "$(jval 'd["status"]')" expired
sbx_stop

finish
