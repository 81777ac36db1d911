#!/usr/bin/env bash
# robustness.sh — many clients at once (one 201 among concurrent identical
# creates), keep-alive, HEAD, slow and vanishing clients, raw garbage on the
# socket; the sandbox keeps answering and still exits cleanly.
. "$(dirname "$0")/lib.bash"

sbx_start --pay-after 0
hostport=${BASE#http://}; hostport=${hostport%%/*}
host=${hostport%:*}; port=${hostport##*:}
auth=(-H "Authorization: Bearer $KEY" -H "X-Merchant-ID: $MERCHANT")

# 40 different creates at once: all 201, all different payments
# (wait for the curls by pid: a bare wait would wait for the sandbox too)
jobs_=()
for i in $(seq 40); do
	curl -s -o "$TMP/par.$i" -w '%{http_code}\n' "${auth[@]}" -H 'Content-Type: application/json' \
		--data-binary "$(order "P-$$-$i" 1000)" "$BASE/payment/orders" >"$TMP/par.$i.code" &
	jobs_+=($!)
done
wait "${jobs_[@]}"
expect "40 concurrent creates: all 201" "$(cat "$TMP"/par.*.code | sort | uniq -c | awk '{print $1 " " $2}')" "40 201"
expect "40 concurrent creates: 40 payments" "$(cat "$TMP"/par.[0-9]* | grep -o 'pay_[0-9a-f]*' | sort -u | wc -l)" 40

# 30 identical creates at once: exactly one creates, the others replay it
body=$(order "SAME-$$" 1000)
jobs_=()
for i in $(seq 30); do
	curl -s -o "$TMP/same.$i" -w '%{http_code}\n' "${auth[@]}" --data-binary "$body" \
		"$BASE/payment/orders" >"$TMP/same.$i.code" &
	jobs_+=($!)
done
wait "${jobs_[@]}"
expect "30 identical creates at once: one 201, 29 replays" "$(cat "$TMP"/same.*.code | sort | uniq -c | awk '{printf "%s×%s ", $1, $2}')" "29×200 1×201 "
expect "30 identical creates at once: one payment" "$(cat "$TMP"/same.[0-9]* | grep -o '"payment_id":"pay_[0-9a-f]*"' | sort -u | wc -l)" 1

# keep-alive: two requests on one connection
out=$(curl -sv "${auth[@]}" "$BASE/health" "$BASE/health" 2>&1 >/dev/null)
expect_match "keep-alive: the second request reuses the connection" "$out" "(Re-using|Reusing) existing connection"
call HEAD /health '' -I
expect "HEAD on a GET path" "$STATUS" 200

# a client that connects and says nothing, one that stops mid-headers, one
# that promises a body and vanishes: the others are served meanwhile
exec 3<>"/dev/tcp/$host/$port"
exec 4<>"/dev/tcp/$host/$port"
printf 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\nAuthoriz' >&4
exec 5<>"/dev/tcp/$host/$port"
printf 'POST /api/v1/payment/orders HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{"merchant' >&5
call GET /health
expect "served while three clients stall" "$STATUS" 200
exec 5>&- 4>&-
sleep 0.1
call GET /health
expect "served after two clients vanished" "$STATUS" 200

# garbage on the socket
exec 6<>"/dev/tcp/$host/$port"
printf 'GARBAGE\r\n\r\n' >&6
reply=$(timeout 2 head -c 12 <&6)
exec 6>&-
expect_match "garbage gets a 400 or a close" "${reply:-closed}" "^(HTTP/1\.[01] 400|closed)"
exec 6<>"/dev/tcp/$host/$port"
head -c 3000 /dev/urandom >&6 2>/dev/null
exec 6>&-
call POST /payment/orders $'{"merchant_order_id":"\xff\xfe","amount":1,"payment_method":"qr"}'
expect_error "invalid UTF-8 in an id" 422 invalid_merchant_order_id
call POST /payment/orders '{"merchant_order_id":"N-1","amount":1,"payment_method":"qr","description":"a\u0000b"}'
expect "a \\u0000 in a string is accepted or refused, not a crash" "$( [ "$STATUS" = 201 ] || [ "$STATUS" = 422 ] && echo fine)" fine
deep=$(printf '[%.0s' $(seq 5000))
call POST /payment/orders "$deep"
expect_error "deeply nested JSON" 400 malformed_json
call GET /health
expect "still alive after the garbage" "$STATUS" 200

exec 3>&-
sbx_stop
expect "clean exit with an idle connection open" "$SBX_RC" 0
finish
