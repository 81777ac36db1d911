#!/usr/bin/env bash
# kassa_faults.sh — kassa-sandbox's fault flags (FISCAL.md, "kassa-sandbox's
# own additions"): --fail-rate answers 500, --drop-rate closes the
# connection, --hang-rate holds the answer past the client's time-out,
# each for half of the cases AFTER the receipt was registered and for the
# other half before (nothing registered); sending the same body again then
# settles every case (14 for the registered ones, a receipt for the
# others) with exactly one receipt each. --garble-rate spoils a registered
# receipt's answer; --latency-ms delays; the same --seed gives the same
# faults; the controls are never faulted; hanging requests do not hold up
# a clean exit.
. "$(dirname "$0")/kassa_lib.bash"

# authorize_retry — a TOKEN, however many faults it takes
authorize_retry() {
	local i
	for i in $(seq 60); do
		post /api/v4/Authorize "{\"Login\":\"$WK_LOGIN\",\"Password\":\"$WK_PASSWORD\"}" --max-time 1
		TOKEN=$(printf '%s' "$RESP" | sed -n 's/^{"Data":{"Token":"\([0-9a-f]*\)"}}$/\1/p')
		[ -n "$TOKEN" ] && return 0
	done
	bad "no token in 60 tries"
}
# outcome — the last call as ok / fail / drop / hang / garble / code N
outcome() {
	if [ "$CURL_RC" = 52 ]; then echo drop
	elif [ "$CURL_RC" = 28 ]; then echo hang
	elif [ "$STATUS" = 500 ]; then echo fail
	elif [ "$STATUS" = 200 ] && [[ $RESP == '{"Data":{'*'}}' ]]; then echo ok
	elif [ "$STATUS" = 200 ] && [[ $RESP == '{"Errors":'*'}' ]]; then echo "code$(wk_code)"
	elif [ "$STATUS" = 200 ]; then echo garble
	else echo "other:$CURL_RC:$STATUS"
	fi
}
# registered ECN — 1 when GET /sandbox/checks holds it, else 0
registered() {
	kcall GET /sandbox/checks
	grep -o "\"ExternalCheckNumber\":\"$1\"" <<<"$RESP" | wc -l
}

# settle KIND N [curl args] — N distinct checks sent once each; of those
# that hit KIND, some must be registered and some not; sending each again
# until it is answered gives 14 for the first kind and a receipt for the
# second; in the end one receipt per check
settle() {
	local kind=$1 n=$2 i e before=0 after=0 other="" again14=0 again_ok=0 wrong=""
	shift 2
	local ecns=()
	for i in $(seq "$n"); do
		e=$(ecn)-$i
		ecns+=("$e")
		post /api/v4/check "$(check_body 2 "$e" "$(item 1 100 - 0)" "$(pay 1 100)")" "$@"
		o=$(outcome)
		if [ "$o" = "$kind" ]; then
			if [ "$(registered "$e")" = 1 ]; then
				after=$((after + 1))
				state[$i]=after
			else
				before=$((before + 1))
				state[$i]=before
			fi
		elif [ "$o" = ok ]; then
			state[$i]=ok
		else
			other="$other $o"
			state[$i]=other
		fi
	done
	expect "--$kind-rate: the fault comes after the receipt was registered, sometimes" "$( [ "$after" -gt 0 ] && echo yes)" yes
	expect "--$kind-rate: and before, with nothing registered, sometimes" "$( [ "$before" -gt 0 ] && echo yes)" yes
	echo "   ($kind: $after after, $before before, of $n)"
	expect "--$kind-rate: no other outcome" "${other:-none}" none
	for i in $(seq "$n"); do
		[ "${state[$i]}" = ok ] && continue
		e=${ecns[$((i - 1))]}
		local try was
		for try in $(seq 30); do
			was=$(registered "$e")
			post /api/v4/check "$(check_body 2 "$e" "$(item 1 100 - 0)" "$(pay 1 100)")" "$@"
			o=$(outcome)
			[ "$o" = ok ] || [ "$o" = code14 ] && break
		done
		if [ "$was" = 1 ] && [ "$o" = code14 ]; then again14=$((again14 + 1))
		elif [ "$was" = 0 ] && [ "$o" = ok ]; then again_ok=$((again_ok + 1))
		else wrong="$wrong $i:${state[$i]}:registered=$was:$o"
		fi
	done
	expect "--$kind-rate: sent again, some were 14 (registered already)" "$( [ "$again14" -gt 0 ] && echo yes)" yes
	expect "--$kind-rate: sent again, some registered then" "$( [ "$again_ok" -gt 0 ] && echo yes)" yes
	expect "--$kind-rate: sent again, 14 when it was registered, a receipt when not" "${wrong:-all}" all
	kcall GET /sandbox/checks
	local counts
	counts=$(jval "sorted(set([sum(1 for c in d['checks'] if c['ExternalCheckNumber'] == e) for e in '${ecns[*]}'.split()]))")
	expect "--$kind-rate: in the end exactly one receipt per check" "$counts" "[1]"
}

ksx_start --seed 7 --fail-rate 0.5
expect "the seed is printed" "$(grep -c '^sandbox seed: 7$' "$SBX_ERR")" 1
authorize_retry
settle fail 16
kcall GET /sandbox/checks
expect "the controls are never faulted" "$STATUS" 200
sbx_stop

ksx_start --seed 11 --drop-rate 0.5
authorize_retry
settle drop 16
sbx_stop

ksx_start --seed 5 --hang-rate 0.5
authorize_retry
t0=$(date +%s%N)
settle hang 24 --max-time 0.5
kcall GET /sandbox/checks '' --max-time 2
expect "a hanging request holds only its own connection: the controls answer" "$STATUS" 200
t1=$(date +%s%N)
sbx_stop
expect "hanging requests do not hold up the exit" "$(( ($(date +%s%N) - t1) / 1000000 < 3000 ))" 1
sbx_stop_rc=$SBX_RC
expect "... which is clean" "$sbx_stop_rc" 0
: "$t0"

ksx_start --seed 3 --garble-rate 0.5
authorize_retry
for i in $(seq 20); do
	e=$(ecn)
	post /api/v4/check "$(check_body 2 "$e" "$(item 1 100 - 0)" "$(pay 1 100)")"
	[ "$(outcome)" = garble ] && break
done
expect "--garble-rate: a 200 whose body is spoilt" "$(outcome)" garble
expect "--garble-rate: the receipt was registered" "$(registered "$e")" 1
for i in $(seq 20); do
	post /api/v4/check "$(check_body 2 "$e" "$(item 1 100 - 0)" "$(pay 1 100)")"
	[ "$(outcome)" = code14 ] && break
done
expect "--garble-rate: errors are never garbled: the repeat says 14" "$(outcome)" code14
sbx_stop

# the same seed, the same faults for the same requests
trace() {
	local t=""
	ksx_start --seed "$1" --fail-rate 0.3 --drop-rate 0.3 --hang-rate 0.2
	for i in $(seq 24); do
		post /api/v4/XReport '{}' --max-time 0.3
		t="$t $(outcome)"
	done
	sbx_stop
	echo "$t"
}
a=$(trace 42)
b=$(trace 42)
expect "the same seed gives the same faults" "$a" "$b"
for kind in code3 fail drop hang; do
	expect "seed 42 shows $kind" "$( [[ " $a " == *" $kind "* ]] && echo yes)" yes
done

ksx_start --latency-ms 400
t0=$(date +%s%N)
post /api/v4/XReport '{}'
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
expect "--latency-ms 400 delays an API call by 400 ms" "$(( ms >= 400 ))" 1
t0=$(date +%s%N)
kcall GET /sandbox/checks
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
expect "... and not a control call" "$(( ms < 300 ))" 1
sbx_stop

"$KSX" --fail-rate 0.6 --drop-rate 0.6 >/dev/null 2>"$TMP/e"
expect "rates adding up to more than 1: exit 2" "$?" 2
expect_match "... with one line saying so" "$(cat "$TMP/e")" '^kassa-sandbox: --fail-rate, --drop-rate, --garble-rate and --hang-rate add up to more than 1 \(see --help\)$'
finish
