#!/usr/bin/env bash
# slow_clients.sh — slow and greedy clients cannot lock the sandbox: a
# client address holds at most --max-conn-per-ip connections (one more from
# it is closed, other addresses are served, and it is served again once its
# connections close), 1000 trickling connections from 127.0.0.1 leave
# 127.0.0.2 served, and a request not all in within --request-deadline-ms
# (headers trickled, body trickled, the next request on a kept-alive
# connection trickled) is cut, while idle kept-alive connections, slow
# answers and ordinary requests are not; 0 turns either limit off.
. "$(dirname "$0")/lib.bash"

SLOW=$ROOT/tests/sandbox/slowloris.py
auth=(-H "Authorization: Bearer $KEY" -H "X-Merchant-ID: $MERCHANT")

# slow_start NAME [slowloris args...] — slow clients on the sandbox, their
# status in $TMP/NAME.status; sets SLOW_PID
slow_start() {
	local name=$1
	shift
	rm -f "$TMP/$name.status"
	"$PY" "$SLOW" "$host" "$port" --status "$TMP/$name.status" "$@" &
	SLOW_PID=$!
	PIDS+=("$SLOW_PID")
}

# slow_stat NAME FIELD — a field of the slow clients' last status line
slow_stat() {
	sed -n "s/.*\\b$2=\\([^ ]*\\).*/\\1/p" "$TMP/$1.status" 2>/dev/null
}

# slow_wait NAME SHELL-CONDITION — polls (at most 60 s) until the condition,
# which may read $(slow_stat NAME FIELD), holds; false if it never did
slow_wait() {
	local i
	for i in $(seq 600); do
		[ -s "$TMP/$1.status" ] && eval "$2" && return 0
		sleep 0.1
	done
	return 1
}

# slow_ticks NAME N — waits until the slow clients have looked at their
# sockets N more times (what the server did by now, they have seen)
slow_ticks() {
	local t0
	t0=$(slow_stat "$1" tick)
	slow_wait "$1" "[ \"\$(slow_stat $1 tick)\" -ge $((${t0:-0} + $2)) ]"
}

# start [sandbox flags...] — sbx_start, and host and port for the slow clients
start() {
	sbx_start "$@"
	local hostport=${BASE#http://}
	hostport=${hostport%%/*}
	host=${hostport%:*}
	port=${hostport##*:}
}

# health_from ADDR — GET /health from that local address; sets STATUS, CURL_RC
health_from() {
	STATUS=$(curl -s -o /dev/null -w '%{http_code}' --max-time 20 --interface "$1" "${auth[@]}" "$BASE/health")
	CURL_RC=$?
}

# ---- 1000 trickling connections, the default limits -------------------------
start
slow_start flood --count 1000 --source 127.0.0.1 --every 0.5 --for 120
slow_wait flood '[ "$(slow_stat flood connected)" = 1000 ]' || bad "the 1000 slow connections did not connect: $(cat "$TMP/flood.status" 2>/dev/null)"
health_from 127.0.0.2
expect "1000 trickling connections from 127.0.0.1: 127.0.0.2 is answered" "$STATUS" 200
slow_ticks flood 2
# (the 10 s deadline may have cut some of the 64 by now: at most, not exactly)
held=$(slow_stat flood open) closed=$(slow_stat flood closed)
if [ "${held:-1000}" -le 64 ] && [ "${closed:-0}" -ge 936 ]; then
	ok "of the 1000, at most the default 64 are held, the others closed at once"
else
	bad "of the 1000, at most the default 64 are held, the others closed at once: $held held, $closed closed"
fi
kill "$SLOW_PID"; wait "$SLOW_PID" 2>/dev/null
sbx_stop

# ---- the per-address limit ------------------------------------------------
start --max-conn-per-ip 3 --request-deadline-ms 0
slow_start three --count 3 --source 127.0.0.1 --every 0.2 --for 120
slow_wait three '[ "$(slow_stat three connected)" = 3 ]'
health_from 127.0.0.1
expect "a 4th connection from the same address is closed unanswered" "$STATUS:$( [ "$CURL_RC" = 52 ] || [ "$CURL_RC" = 56 ] && echo closed)" "000:closed"
health_from 127.0.0.2
expect "another address is answered meanwhile" "$STATUS" 200
slow_ticks three 2
expect "the 3 slow connections are still held" "$(slow_stat three open)" 3
kill "$SLOW_PID"; wait "$SLOW_PID" 2>/dev/null
for i in $(seq 100); do
	health_from 127.0.0.1
	[ "$STATUS" = 200 ] && break
	sleep 0.1
done
expect "the address is answered again once its connections closed" "$STATUS" 200
sbx_stop

start --max-conn-per-ip 0 --request-deadline-ms 0
slow_start many --count 100 --source 127.0.0.1 --every 0.2 --for 120
slow_wait many '[ "$(slow_stat many connected)" = 100 ]'
health_from 127.0.0.1
expect "--max-conn-per-ip 0: a 101st connection from one address is answered" "$STATUS" 200
slow_ticks many 2
expect "--max-conn-per-ip 0: all 100 are held" "$(slow_stat many open)" 100
kill "$SLOW_PID"; wait "$SLOW_PID" 2>/dev/null
sbx_stop

# ---- the whole-request deadline ----------------------------------------------
# clients that send a byte every 100 ms: never idle, never done; they give up
# by themselves after 60 s, which only the old code would let them reach
start --request-deadline-ms 500
for mode in headers body keepalive; do
	slow_start "$mode" --mode "$mode" --every 0.1 --key "$KEY" --until-closed --for 60
	wait "$SLOW_PID"
done
expect "headers trickled past the deadline: the connection is cut" "$(slow_stat headers closed)" 1
expect "a body trickled past the deadline: the connection is cut" "$(slow_stat body closed)" 1
expect "a kept-alive connection's first request is answered" "$(slow_stat keepalive first)" "HTTP/1.1_200_OK"
expect "its second request trickled past the deadline: the connection is cut" "$(slow_stat keepalive closed)" 1
slow_start idle --mode idle --idle 2 --every 0.1 --key "$KEY" --for 60
slow_wait idle '[ "$(slow_stat idle second)" != - ] || [ "$(slow_stat idle closed)" = 1 ]'
expect "a kept-alive connection idle past the deadline serves its next request" "$(slow_stat idle second)" "HTTP/1.1_200_OK"
kill "$SLOW_PID"; wait "$SLOW_PID" 2>/dev/null
call GET /health
expect "an ordinary request is answered under the deadline" "$STATUS" 200
sbx_stop

start --request-deadline-ms 500 --latency-ms 1500 --pay-after 0
create 1000
expect "an answer slower than the deadline still comes: it counts only until the request is in" "$STATUS" 201
sbx_stop

start --request-deadline-ms 0
slow_start off --mode headers --every 0.1 --for 60
slow_wait off '[ "$(slow_stat off tick)" -ge 15 ]'
expect "--request-deadline-ms 0 is no deadline, not an instant one: a trickling request is not cut" "$(slow_stat off open)" 1
kill "$SLOW_PID"; wait "$SLOW_PID" 2>/dev/null
sbx_stop

# ---- the options -------------------------------------------------------------
help=$("$SBX" --help)
expect_match "--help documents --max-conn-per-ip, 0 and its default" "$(grep -e '--max-conn-per-ip N' <<<"$help")" "0 no limit \\(64\\)$"
expect_match "--help documents --request-deadline-ms, 0 and its default" "$(grep -e '--request-deadline-ms N' <<<"$help")" "0 none \\(10000\\)$"
"$SBX" --max-conn-per-ip -1 >/dev/null 2>"$TMP/e"
expect "--max-conn-per-ip -1 is a usage error" "$?" 2
"$SBX" --request-deadline-ms soon >/dev/null 2>"$TMP/e"
expect "--request-deadline-ms soon is a usage error" "$?" 2

finish
