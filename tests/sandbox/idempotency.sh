#!/usr/bin/env bash
# idempotency.sh — replays of creates and refunds: the same id and the same
# JSON value (any key order, any white space) answer 200 with
# Idempotent-Replayed and the current status; a different body is a
# duplicate; X-Idempotency-Key must match; replays never count twice toward
# the daily limit; ids are free again after 30 days.
. "$(dirname "$0")/lib.bash"

sbx_start --pay-after 0 --daily-limit 1000   # 100000 tiyn a day

id=$(next_id I)
body1="{\"merchant_order_id\":\"$id\",\"amount\":60000,\"payment_method\":\"qr\",\"products\":[{\"name\":\"Чай\",\"quantity\":2,\"price\":30000,\"tax_rate\":12}]}"
body2="{ \"products\" : [ { \"tax_rate\":12, \"price\":30000, \"quantity\":2, \"name\":\"Чай\" } ],
  \"payment_method\":\"qr\", \"amount\":60000, \"merchant_order_id\":\"$id\" }"
call POST /payment/orders "$body1" -H "X-Idempotency-Key: $id"
expect "first create is 201" "$STATUS" 201
expect "first create is not marked replayed" "$(header Idempotent-Replayed)" ""
first=$RESP
pay=$(jval 'd["payment_id"]')
expect_match "payment_id is pay_ + 12 hex" "$pay" "^pay_[0-9a-f]{12}$"

call POST /payment/orders "$body1" -H "X-Idempotency-Key: $id"
expect "byte-identical replay is 200" "$STATUS" 200
expect "replay header" "$(header Idempotent-Replayed)" true
expect "replay returns the same payment" "$RESP" "$first"

call POST /payment/orders "$body2"
expect "reordered, re-spaced replay is 200" "$STATUS" 200
expect "reordered replay: same payment" "$(jval 'd["payment_id"]')" "$pay"

call POST /payment/orders "${body1/60000,/60001,}"
expect_error "same id, other amount" 422 duplicate_merchant_order_id
call POST /payment/orders "${body1/\"qr\"/\"qr\",\"description\":\"extra\"}"
expect_error "same id, one more field" 422 duplicate_merchant_order_id
call POST /payment/orders "$body1" -H "X-Idempotency-Key: not-$id"
expect_error "replay with a differing X-Idempotency-Key" 422 idempotency_key_mismatch

# the replay shows the current status
call POST "/sandbox/payments/$pay/pay"
call POST /payment/orders "$body1"
expect "replay after payment: current status" "$(jval 'd["status"]')" succeeded
expect "replay after payment: 200" "$STATUS" 200

# daily limit: 60000 used of 100000; replays do not count again
id2=$(next_id I)
call POST /payment/orders "$(order "$id2" 40000)"
expect "fills the day exactly" "$STATUS" 201
call POST /payment/orders "$(order "$id2" 40000)"
expect "replay of a create at the limit is 200, not 402" "$STATUS" 200
call POST /payment/orders "$body1"
expect "replay of the first at the limit is 200, not 402" "$STATUS" 200
call POST /payment/orders "$(order "$(next_id I)" 1)"
expect_error "one tiyn more is 402" 402 daily_limit_exceeded

# refunds
ref='{"payment_id":"'$pay'","amount":1000,"reason":"Возврат","merchant_refund_id":"RF-'$$'"}'
call POST /refunds "$ref" -H "X-Idempotency-Key: RF-$$"
expect "refund 201" "$STATUS" 201
rfirst=$RESP
expect_match "refund_id is ref_ + 12 hex" "$(jval 'd["refund_id"]')" "^ref_[0-9a-f]{12}$"
call POST /refunds '{"reason":"Возврат","amount":1000,"merchant_refund_id":"RF-'$$'","payment_id":"'$pay'"}'
expect "refund replay 200" "$STATUS" 200
expect "refund replay header" "$(header Idempotent-Replayed)" true
expect "refund replay: the original refund" "$RESP" "$rfirst"
call GET "/payments/$pay"
expect "a replayed refund is counted once" "$(jval 'd["refunded_amount"]')" 1000
call POST /refunds "${ref/1000/2000}"
expect_error "refund id with another amount" 422 duplicate_merchant_refund_id

# a full refund's replay is still a replay, not refund_exceeds_available
full='{"payment_id":"'$pay'","amount":59000,"reason":"all","merchant_refund_id":"RF2-'$$'"}'
call POST /refunds "$full"
expect "refund of the rest 201" "$STATUS" 201
call POST /refunds "$full"
expect "replay of a full refund is 200" "$STATUS" 200

# X-Idempotency-Key alone is the refund's id
call POST "/sandbox/payments/$(call POST /payment/orders "$(order "$id2" 40000)"; jval 'd["payment_id"]')/pay"
p2=$(jval 'd["payment_id"]')
call POST /refunds '{"payment_id":"'$p2'","amount":100,"reason":"r"}' -H "X-Idempotency-Key: HK-$$"
expect "refund with only the header: 201" "$STATUS" 201
expect "the header became merchant_refund_id" "$(jval 'd["merchant_refund_id"]')" "HK-$$"
call POST /refunds '{"payment_id":"'$p2'","amount":100,"reason":"r"}' -H "X-Idempotency-Key: HK-$$"
expect "same header and body: replay" "$STATUS" 200
call POST /refunds '{"payment_id":"'$p2'","amount":100,"reason":"r"}'
expect "no id at all: a new refund every time" "$STATUS" 201
call GET "/payments/$p2"
expect "two refunds counted" "$(jval 'd["refunded_amount"]')" 200

# 30 days on, the id is free again; before that it is not
call POST "/sandbox/payments/$pay/backdate" '{"days":29}'
call POST /payment/orders "${body1/60000,/60001,}"
expect_error "29 days old: still a duplicate" 422 duplicate_merchant_order_id
call POST "/sandbox/payments/$pay/backdate" '{"days":2}'
call POST /payment/orders "$(order "$id" 500)"
expect "31 days old: the id makes a new payment" "$STATUS" 201
expect "the new payment has a new id" "$( [ "$(jval 'd["payment_id"]')" != "$pay" ] && echo yes)" yes

sbx_stop
finish
