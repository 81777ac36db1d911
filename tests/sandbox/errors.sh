#!/usr/bin/env bash
# errors.sh — every code of API.md's error table that a request alone can
# cause, the error body's shape, and the precedence order: 401 before 400
# before the 422s in the table's order (429 and 402 in limits.sh, 5xx in
# faults.sh).
. "$(dirname "$0")/lib.bash"

sbx_start --pay-after 0

# ---- the error body -------------------------------------------------------
call POST /payment/orders 'not json'
expect_error "malformed_json: not JSON" 400 malformed_json
expect "error body has exactly error.code and error.message" \
	"$(jval 'sorted(d) == ["error"] and sorted(d["error"]) == ["code", "message"] and len(d["error"]["message"]) > 0')" true

# ---- 400 ------------------------------------------------------------------
call POST /payment/orders '[1,2]'
expect_error "malformed_json: an array" 400 malformed_json
call POST /payment/orders '{"merchant_order_id":"A-1","amount":1,"payment_method":"qr"} x'
expect_error "malformed_json: trailing garbage" 400 malformed_json
call POST /payment/orders ''
expect_error "malformed_json: empty body" 400 malformed_json
call POST /payment/orders '{"merchant_order_id":"A-1","amount":1,'
expect_error "malformed_json: truncated" 400 malformed_json
call POST /payment/orders '{"merchant_order_id":"A-1","payment_method":"qr"}'
expect_error "invalid_request: amount missing" 400 invalid_request
call POST /payment/orders '{"merchant_order_id":"A-1","amount":"100","payment_method":"qr"}'
expect_error "invalid_request: amount a string" 400 invalid_request
call POST /payment/orders '{"merchant_order_id":"A-1","amount":100.5,"payment_method":"qr"}'
expect_error "invalid_request: fractional amount" 400 invalid_request
call POST /payment/orders '{"merchant_order_id":12345,"amount":100,"payment_method":"qr"}'
expect_error "invalid_request: order id a number" 400 invalid_request
call POST /payment/orders '{"amount":100,"payment_method":"qr"}'
expect_error "invalid_request: order id missing" 400 invalid_request
call POST /payment/orders '{"merchant_order_id":"A-1","amount":100}'
expect_error "invalid_request: method missing" 400 invalid_request
call POST /payment/orders "$(order A-1 100 qr '"products":{"name":"x"}')"
expect_error "invalid_request: products not an array" 400 invalid_request
call POST /payment/orders "$(order A-1 100 qr '"products":[{"name":"x","quantity":1,"price":100}]')"
expect_error "invalid_request: product without tax_rate" 400 invalid_request
call POST /payment/orders "$(order A-1 100 qr '"description":5')"
expect_error "invalid_request: description a number" 400 invalid_request
call POST /refunds '{"payment_id":"pay_000000000000","amount":1}'
expect_error "invalid_request: refund without reason" 400 invalid_request

# ---- 401 ------------------------------------------------------------------
NOAUTH=1 call GET /health
expect_error "unauthorized: no headers" 401 unauthorized
NOAUTH=1 call GET /health '' -H "X-Merchant-ID: $MERCHANT"
expect_error "unauthorized: no Authorization" 401 unauthorized
NOAUTH=1 call GET /health '' -H "Authorization: Bearer xdev_short" -H "X-Merchant-ID: $MERCHANT"
expect_error "unauthorized: malformed key" 401 unauthorized
NOAUTH=1 call GET /health '' -H "Authorization: Bearer xdev_0000000000unknown000" -H "X-Merchant-ID: $MERCHANT"
expect_error "unauthorized: unknown key" 401 unauthorized
NOAUTH=1 call GET /health '' -H "Authorization: Basic $KEY" -H "X-Merchant-ID: $MERCHANT"
expect_error "unauthorized: not Bearer" 401 unauthorized
NOAUTH=1 call GET /health '' -H "Authorization: Bearer $KEY"
expect_error "unauthorized: no X-Merchant-ID" 401 unauthorized
NOAUTH=1 call GET /health '' -H "Authorization: Bearer $KEY" -H "X-Merchant-ID: 000000000000"
expect_error "unauthorized: another merchant" 401 unauthorized
NOAUTH=1 call POST /sandbox/payments/pay_000000000000/pay
expect_error "unauthorized: control endpoints need the key" 401 unauthorized

# ---- 404 ------------------------------------------------------------------
call GET /payments/pay_000000000000
expect_error "payment_not_found: GET" 404 payment_not_found
call GET /payments/whatever
expect_error "payment_not_found: not an id at all" 404 payment_not_found
call POST /payments/pay_000000000000/cancel
expect_error "payment_not_found: cancel" 404 payment_not_found
call POST /refunds '{"payment_id":"pay_000000000000","amount":1,"reason":"r"}'
expect_error "payment_not_found: refund" 404 payment_not_found
call POST /sandbox/payments/pay_000000000000/scan
expect_error "payment_not_found: control" 404 payment_not_found
call GET /nope
expect_error "not_found: unknown path" 404 not_found
call GET /payments/pay_000000000000/extra
expect_error "not_found: extra segment" 404 not_found
call GET /health/
expect_error "not_found: trailing slash" 404 not_found
STATUS=$(curl -s -o "$TMP/body" -w '%{http_code}' "${BASE%/api/v1}/api/v2/health"); RESP=$(cat "$TMP/body")
expect_error "not_found: outside /api/v1" 404 not_found
NOAUTH=1 call GET /nope
expect_error "not_found needs no key" 404 not_found

# ---- 405 ------------------------------------------------------------------
call GET /payment/orders
expect_error "method_not_allowed: GET a POST path" 405 method_not_allowed
expect "405 names the allowed method" "$(header Allow)" POST
call POST /health '{}'
expect_error "method_not_allowed: POST /health" 405 method_not_allowed
expect "Allow for a GET path" "$(header Allow)" "GET, HEAD"
call DELETE /payments/pay_000000000000
expect_error "method_not_allowed: DELETE" 405 method_not_allowed
call GET /payments/pay_000000000000/cancel
expect_error "method_not_allowed: GET cancel" 405 method_not_allowed

# ---- 413 ------------------------------------------------------------------
big=$(head -c 70000 /dev/zero | tr '\0' 'a')
call POST /payment/orders "{\"description\":\"$big\"}"
expect_error "payload_too_large: 70 KB with Content-Length" 413 payload_too_large
call POST /payment/orders "{\"description\":\"$big\"}" -H 'Transfer-Encoding: chunked'
expect_error "payload_too_large: 70 KB chunked" 413 payload_too_large
fill=$(head -c 65000 /dev/zero | tr '\0' 'b')
call POST /payment/orders "{\"merchant_order_id\":\"A-1\",\"amount\":0,\"payment_method\":\"qr\",\"x\":\"$fill\"}"
expect_error "a body just under 64 KiB is read" 422 amount_out_of_range

# ---- 422, each alone ----------------------------------------------------
call POST /payment/orders "$(order ab 100)"
expect_error "invalid_merchant_order_id: 2 characters" 422 invalid_merchant_order_id
call POST /payment/orders "$(order 'has space' 100)"
expect_error "invalid_merchant_order_id: a space" 422 invalid_merchant_order_id
call POST /payment/orders "$(order "$(printf 'x%.0s' $(seq 65))" 100)"
expect_error "invalid_merchant_order_id: 65 characters" 422 invalid_merchant_order_id
call POST /payment/orders "$(order 'заказ-1' 100)"
expect_error "invalid_merchant_order_id: non-ASCII" 422 invalid_merchant_order_id
call POST /payment/orders "$(order "$(next_id T)" 0)"
expect_error "amount_out_of_range: 0" 422 amount_out_of_range
call POST /payment/orders "$(order "$(next_id T)" -5)"
expect_error "amount_out_of_range: negative" 422 amount_out_of_range
call POST /payment/orders "$(order "$(next_id T)" 100000001)"
expect_error "amount_out_of_range: over 1 000 000 KZT" 422 amount_out_of_range
call POST /payment/orders "$(order "$(next_id T)" 1e30)"
expect_error "amount_out_of_range: huge" 422 amount_out_of_range
call POST /payment/orders "$(order "$(next_id T)" 1000 qr '"products":[{"name":"a","quantity":2,"price":400,"tax_rate":12}]')"
expect_error "amount_mismatch" 422 amount_mismatch
call POST /payment/orders "$(order "$(next_id T)" 1000 cash)"
expect_error "invalid_payment_method" 422 invalid_payment_method
call POST /payment/orders "$(order "$(next_id T)" 1000 qr '"payer_phone":"+7705123456"')"
expect_error "invalid_payer_phone: 11 characters" 422 invalid_payer_phone
call POST /payment/orders "$(order "$(next_id T)" 1000 phone)"
expect_error "invalid_payer_phone: missing for phone" 422 invalid_payer_phone
long=$(printf 'д%.0s' $(seq 256))
call POST /payment/orders "$(order "$(next_id T)" 1000 qr "\"description\":\"$long\"")"
expect_error "invalid_field: description of 256 characters" 422 invalid_field
call POST /payment/orders "$(order "$(next_id T)" 1000 qr "\"description\":\"${long:1}\"")"
expect "a description of 255 Cyrillic characters is fine" "$STATUS" 201
call POST /payment/orders "$(order "$(next_id T)" 1000 qr '"products":[{"name":"a","quantity":1,"price":1000,"tax_rate":101}]')"
expect_error "invalid_field: tax_rate 101" 422 invalid_field
call POST /payment/orders "$(order "$(next_id T)" 1000 qr '"products":[{"name":"","quantity":1,"price":1000,"tax_rate":12}]')"
expect_error "invalid_field: empty product name" 422 invalid_field
call POST /payment/orders "$(order "$(next_id T)" 1000 qr '"callback_url":"ftp://x"')"
expect_error "invalid_field: callback_url not http" 422 invalid_field
call POST /payment/orders "$(order "$(next_id T)" 1000 qr '"products":[{"name":"a","quantity":1,"price":1000,"tax_rate":12}],"payer_phone":"+77051234567","description":"ok","return_url":"https://shop.example/ok"')"
expect "a full valid create is 201" "$STATUS" 201
call POST /payment/orders "$(order "$(next_id T)" 1000 phone '"payer_phone":"+77051234567"')"
expect "a phone create is 201" "$STATUS" 201
id=$(next_id K)
call POST /payment/orders "$(order "$id" 1000)" -H "X-Idempotency-Key: other-key"
expect_error "idempotency_key_mismatch: create" 422 idempotency_key_mismatch
call POST /payment/orders "$(order "$id" 1000)" -H "X-Idempotency-Key: $id"
expect "a matching X-Idempotency-Key is fine" "$STATUS" 201
call POST /payment/orders "$(order "$id" 1001)"
expect_error "duplicate_merchant_order_id" 422 duplicate_merchant_order_id

# payment states
create 1000; pending=$PAY
create 2000; paid=$PAY
call POST "/sandbox/payments/$paid/pay"
call POST /refunds "{\"payment_id\":\"$pending\",\"amount\":100,\"reason\":\"r\"}"
expect_error "payment_not_refundable: pending" 422 payment_not_refundable
call POST /refunds "{\"payment_id\":\"$paid\",\"amount\":2001,\"reason\":\"r\"}"
expect_error "refund_exceeds_available" 422 refund_exceeds_available
call POST /refunds "{\"payment_id\":\"$paid\",\"amount\":0,\"reason\":\"r\"}"
expect_error "amount_out_of_range: refund of 0" 422 amount_out_of_range
call POST /refunds "{\"payment_id\":\"$paid\",\"amount\":1,\"reason\":\"\"}"
expect_error "invalid_field: empty reason" 422 invalid_field
call POST /refunds "{\"payment_id\":\"$paid\",\"amount\":1,\"reason\":\"r\",\"merchant_refund_id\":\"x y\"}"
expect_error "invalid_merchant_refund_id" 422 invalid_merchant_refund_id
call POST /refunds "{\"payment_id\":\"$paid\",\"amount\":1,\"reason\":\"r\",\"merchant_refund_id\":\"R-$$\"}" -H "X-Idempotency-Key: R-other"
expect_error "idempotency_key_mismatch: refund" 422 idempotency_key_mismatch
call POST /refunds "{\"payment_id\":\"$paid\",\"amount\":1,\"reason\":\"r\",\"merchant_refund_id\":\"R-$$\"}"
expect "a refund is 201" "$STATUS" 201
call POST /refunds "{\"payment_id\":\"$paid\",\"amount\":2,\"reason\":\"r\",\"merchant_refund_id\":\"R-$$\"}"
expect_error "duplicate_merchant_refund_id" 422 duplicate_merchant_refund_id
call POST "/payments/$paid/cancel"
expect_error "payment_not_cancellable" 422 payment_not_cancellable
expect "payment_not_cancellable carries the payment" "$(jval 'd["payment"]["payment_id"] + " " + d["payment"]["status"]')" "$paid succeeded"
call POST "/sandbox/payments/$paid/fail"
expect_error "payment_not_pending" 422 payment_not_pending
call POST "/sandbox/payments/$pending/backdate" '{"days":1}'
call POST "/sandbox/payments/$paid/backdate" '{"days":91}'
call POST /refunds "{\"payment_id\":\"$paid\",\"amount\":1,\"reason\":\"r\"}"
expect_error "refund_window_closed: 91 days after success" 422 refund_window_closed

# ---- precedence ---------------------------------------------------------
NOAUTH=1 call POST /payment/orders 'not json' -H "Authorization: Bearer xdev_0000000000unknown000" -H "X-Merchant-ID: $MERCHANT"
expect_error "401 before 400" 401 unauthorized
call POST /payment/orders '{"merchant_order_id":"ab","amount":"x","payment_method":"cash"}'
expect_error "400 before 422" 400 invalid_request
call POST /payment/orders '{"merchant_order_id":"ab","amount":0,"payment_method":"cash"}'
expect_error "invalid_merchant_order_id before amount_out_of_range" 422 invalid_merchant_order_id
call POST /payment/orders "$(order "$id" 0 cash)"
expect_error "duplicate_merchant_order_id before amount_out_of_range" 422 duplicate_merchant_order_id
call POST /payment/orders "$(order "$(next_id T)" 0 cash '"products":[{"name":"a","quantity":1,"price":5,"tax_rate":12}]')"
expect_error "amount_out_of_range before amount_mismatch" 422 amount_out_of_range
call POST /payment/orders "$(order "$(next_id T)" 10 cash '"products":[{"name":"a","quantity":1,"price":5,"tax_rate":12}]')"
expect_error "amount_mismatch before invalid_payment_method" 422 amount_mismatch
call POST /payment/orders "$(order "$(next_id T)" 10 cash '"payer_phone":"123"')"
expect_error "invalid_payment_method before invalid_payer_phone" 422 invalid_payment_method
oid=$(next_id T)
call POST /payment/orders "$(order "$oid" 10 phone '"description":"'"$long"'"')" -H "X-Idempotency-Key: other"
expect_error "invalid_payer_phone before idempotency_key_mismatch" 422 invalid_payer_phone
call POST /payment/orders "$(order "$oid" 10 qr '"description":"'"$long"'"')" -H "X-Idempotency-Key: other"
expect_error "idempotency_key_mismatch before invalid_field" 422 idempotency_key_mismatch
call POST /refunds "{\"payment_id\":\"pay_000000000000\",\"amount\":1}"
expect_error "refund: 400 before 404" 400 invalid_request
call POST /refunds "{\"payment_id\":\"pay_000000000000\",\"amount\":0,\"reason\":\"r\"}"
expect_error "refund: 404 before 422" 404 payment_not_found
call POST /refunds "{\"payment_id\":\"$pending\",\"amount\":5000,\"reason\":\"r\"}"
expect_error "refund_exceeds_available before payment_not_refundable" 422 refund_exceeds_available
call POST /refunds "{\"payment_id\":\"$paid\",\"amount\":1,\"reason\":\"\",\"merchant_refund_id\":\"x y\"}"
expect_error "refund_window_closed before invalid_merchant_refund_id" 422 refund_window_closed
create 3000; p3=$PAY
call POST "/sandbox/payments/$p3/pay"
call POST /refunds "{\"payment_id\":\"$p3\",\"amount\":1,\"reason\":\"\",\"merchant_refund_id\":\"x y\"}"
expect_error "invalid_merchant_refund_id before invalid_field" 422 invalid_merchant_refund_id
call POST /refunds "{\"payment_id\":\"$p3\",\"amount\":1,\"reason\":\"r\",\"merchant_refund_id\":\"R2-$$\"}"
call POST /refunds "{\"payment_id\":\"$p3\",\"amount\":2,\"reason\":\"\",\"merchant_refund_id\":\"R2-$$\"}"
expect_error "duplicate_merchant_refund_id before invalid_field" 422 duplicate_merchant_refund_id

sbx_stop
finish
