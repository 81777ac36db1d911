#!/usr/bin/env bash
# limits.sh — the daily limit (402: pending and succeeded count, cancelled,
# failed and expired free their amount, 422s answer before 402) and the
# per-merchant rate limit (429 with Retry-After, before 401, not counting
# the sandbox's control calls).
. "$(dirname "$0")/lib.bash"

# ---- 402 ---------------------------------------------------------------------
sbx_start --pay-after 0 --daily-limit 1000        # 100000 tiyn
create 60000; a=$PAY
create 40000; b=$PAY
expect "orders up to the limit exactly" "$STATUS" 201
create 1
expect_error "one tiyn over: 402" 402 daily_limit_exceeded
call POST /payment/orders "$(order "$(next_id L)" 1 qr '"payer_phone":"bad"')"
expect_error "422 answers before 402" 422 invalid_payer_phone
call POST "/sandbox/payments/$a/pay"
create 1
expect_error "a succeeded payment still counts" 402 daily_limit_exceeded
call POST /refunds "{\"payment_id\":\"$a\",\"amount\":60000,\"reason\":\"r\"}"
create 1
expect_error "a refund does not free the amount" 402 daily_limit_exceeded
call POST "/payments/$b/cancel"
create 40000; c=$PAY
expect "a cancelled payment frees its amount" "$STATUS" 201
call POST "/sandbox/payments/$c/fail"
create 40000; d=$PAY
expect "a failed payment frees its amount" "$STATUS" 201
call POST "/sandbox/payments/$d/expire"
create 40000
expect "an expired payment frees its amount" "$STATUS" 201
call POST "/sandbox/payments/$a/backdate" '{"days":1}'
create 60000
expect "yesterday's payment does not count today" "$STATUS" 201
sbx_stop

# ---- 429 ---------------------------------------------------------------------
sbx_start --pay-after 0 --rate-limit 5
create 100; p=$PAY
for i in 1 2 3 4; do call GET "/payments/$p"; done
expect "the 5th request of the minute passes" "$STATUS" 200
call POST "/sandbox/payments/$p/scan"
expect "control calls are not rate limited" "$STATUS" 200
call GET "/payments/$p"
expect_error "the 6th is rate limited" 429 rate_limited
ra=$(header Retry-After)
expect_match "Retry-After is 1..60 seconds" "$ra" "^([1-9]|[1-5][0-9]|60)$"
NOAUTH=1 call GET /health '' -H "Authorization: Bearer xdev_0000000000unknown000" -H "X-Merchant-ID: $MERCHANT"
expect_error "429 before 401" 429 rate_limited
call POST /payment/orders 'not json'
expect_error "429 before 400" 429 rate_limited
NOAUTH=1 call GET /health '' -H "Authorization: Bearer $KEY" -H "X-Merchant-ID: 999999999999"
expect_error "another merchant's header: its own window, then 401" 401 unauthorized
call POST "/sandbox/payments/$p/pay"
expect "control calls still work when limited" "$STATUS" 200
STATUS=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/qr/$p.svg")
expect "the QR image is not limited" "$STATUS" 200
sbx_stop

finish
