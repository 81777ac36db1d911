#!/usr/bin/env bash
# faults.sh — fault injection: the same --seed gives the same faults for the
# same requests; 500s before and after a create is applied; dropped
# connections after it is applied (a replay then finds the order); garbled
# 2xx bodies; hanging requests that hold only their own connection and do
# not block shutdown; latency; control calls left alone.
. "$(dirname "$0")/lib.bash"

# classify — the last call as ok / fail / drop / garble / other
classify() {
	if [ "$CURL_RC" = 52 ]; then echo drop
	elif [ "$STATUS" = 500 ] && [ "$(err_code)" = internal_error ]; then echo fail
	elif [ "$STATUS" = 200 ] && [[ $RESP == '{"status":"ok"'*'}' ]]; then echo ok
	elif [ "$STATUS" = 200 ]; then echo garble
	else echo "other:$CURL_RC:$STATUS"
	fi
}
trace() {  # SEED — the fault sequence of 40 health checks
	local t=""
	sbx_start --pay-after 0 --seed "$1" --fail-rate 0.2 --drop-rate 0.2 --garble-rate 0.2
	for i in $(seq 40); do call GET /health; t="$t $(classify)"; done
	sbx_stop
	echo "$t"
}
a=$(trace 42)
b=$(trace 42)
c=$(trace 43)
expect "same seed, same faults" "$a" "$b"
expect "another seed, other faults" "$( [ "$a" != "$c" ] && echo differ)" differ
for kind in ok fail drop garble; do
	expect "seed 42 shows $kind" "$( [[ " $a " == *" $kind "* ]] && echo yes)" yes
done
expect "no other outcome" "$( [[ $a == *other* ]] && echo "$a" || echo none)" none
sbx_start --pay-after 0 --seed 5 --fail-rate 0.1
expect "the seed is printed" "$(grep -c '^sandbox seed: 5$' "$SBX_ERR")" 1
sbx_stop

# 500s on creates: some before (a retry creates: 201), some after (a retry replays: 200)
sbx_start --pay-after 0 --seed 7 --fail-rate 0.5
outcomes=""
for i in $(seq 16); do
	body=$(order "$(next_id F)" 1000)
	failed=0
	for try in $(seq 12); do
		call POST /payment/orders "$body"
		[ "$STATUS" = 500 ] || break
		failed=1
	done
	[ "$failed" = 1 ] && outcomes="$outcomes $STATUS"
done
expect "a 500 before the create: the retry creates it (201)" "$( [[ $outcomes == *201* ]] && echo seen)" seen
expect "a 500 after the create: the retry replays it (200)" "$( [[ $outcomes == *200* ]] && echo seen)" seen
sbx_stop

# dropped connections come after the create was applied
sbx_start --pay-after 0 --seed 11 --drop-rate 0.5
drops=0 replays=0
for i in $(seq 8); do
	body=$(order "$(next_id D)" 1000)
	dropped=0
	for try in $(seq 12); do
		call POST /payment/orders "$body"
		[ "$CURL_RC" = 52 ] || break
		dropped=1
	done
	if [ "$dropped" = 1 ]; then
		drops=$((drops + 1))
		[ "$STATUS" = 200 ] && [ "$(header Idempotent-Replayed)" = true ] && replays=$((replays + 1))
	fi
done
expect "some creates were dropped" "$( [ "$drops" -gt 0 ] && echo yes)" yes
expect "every dropped create is found by its replay" "$replays" "$drops"
sbx_stop

# garbled bodies keep their 2xx status
sbx_start --pay-after 0 --seed 3 --garble-rate 1
kinds=""
for i in $(seq 8); do
	call GET /health
	if [ "$STATUS" != 200 ]; then kinds="$kinds bad-status"
	elif [[ $RESP == '<html>'* ]]; then kinds="$kinds html"
	elif [[ $RESP == '{'* ]] && ! "$PY" -c 'import json,sys; json.loads(sys.argv[1])' "$RESP" 2>/dev/null; then kinds="$kinds truncated"
	else kinds="$kinds intact"
	fi
done
expect "garbled: some truncated JSON" "$( [[ $kinds == *truncated* ]] && echo yes)" yes
expect "garbled: some HTML" "$( [[ $kinds == *html* ]] && echo yes)" yes
expect "garbled: status stays 2xx, never intact" "$( [[ $kinds == *bad-status* || $kinds == *intact* ]] && echo "$kinds" || echo fine)" fine
call POST /payment/orders "$(order "$(next_id G)" 1000)"
expect "a garbled create is still 201" "$STATUS" 201
call GET /nope
expect_error "errors are not garbled" 404 not_found
sbx_stop

# latency, and control calls without it
sbx_start --pay-after 0 --latency-ms 300 --jitter-ms 100
create 1000
t=$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $KEY" -H "X-Merchant-ID: $MERCHANT" "$BASE/health")
expect "latency 300 + 0..100 ms" "$(awk -v t="$t" 'BEGIN { print (t >= 0.3 && t < 1.0) ? "yes" : t }')" yes
t=$(curl -s -o /dev/null -w '%{time_total}' -X POST -H "Authorization: Bearer $KEY" -H "X-Merchant-ID: $MERCHANT" "$BASE/sandbox/payments/$PAY/scan")
expect "control calls have no latency" "$(awk -v t="$t" 'BEGIN { print (t < 0.2) ? "yes" : t }')" yes
sbx_stop

# hangs: the client times out, others carry on, shutdown is not held up
sbx_start --pay-after 0 --seed 1 --hang-rate 1
call GET /health '' -m 1
expect "a hanging request times the client out" "$CURL_RC" 28
curl -s -m 20 -H "Authorization: Bearer $KEY" -H "X-Merchant-ID: $MERCHANT" "$BASE/health" >/dev/null &
hung=$!
sleep 0.2
NOAUTH=1 call GET /health
expect "others are answered meanwhile" "$STATUS" 401
t0=$(date +%s%N)
sbx_stop
t1=$(date +%s%N)
expect "SIGTERM with a request hanging: exit 0" "$SBX_RC" 0
expect "SIGTERM with a request hanging: at once" "$(( (t1 - t0) < 2000000000 ))" 1
wait "$hung"
expect "the hanging client gets no answer" "$?" 52

finish
