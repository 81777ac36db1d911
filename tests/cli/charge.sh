#!/usr/bin/env bash
# charge.sh — `kaspi-pos charge` (and `status`, `reconcile`) against kaspi-sandbox: paid, declined, failed, expired, --no-wait, usage errors, a rejected key, and exactly one payment per order through dropped, hung, failed, garbled and rate-limited requests, a sandbox restarted mid-create, and a dead sandbox with Ctrl-C.
#
# Every scenario runs in its own process group with its own sandbox (--port 0),
# KASPI_POS_HOME, XDG_CONFIG_HOME and till id, in parallel; the slow 429 storm
# starts first and is checked last. Prints "ok NAME" / "FAIL NAME" per check
# and "N passed, N failed"; exits non-zero on a failure.
#
#   tests/cli/charge.sh        (KP_POS, KP_SANDBOX: the binaries to test)
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/tools/port.sh # quiet_port
root=$(pwd)
POS=${KP_POS:-$root/${KP_BUILD:-build}/kaspi-pos}
SBX=${KP_SANDBOX:-$root/${KP_BUILD:-build}/kaspi-sandbox}
for b in "$POS" "$SBX"; do
	[ -x "$b" ] || { echo "no $b: run make first"; echo "0 passed, 1 failed"; exit 1; }
done
command -v sqlite3 >/dev/null && command -v curl >/dev/null ||
	{ echo "needs sqlite3 and curl"; echo "0 passed, 1 failed"; exit 1; }

export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset LANGUAGE KASPI_WEBHOOK_SECRET NO_COLOR
KEY=xdev_ch4rge0test0sh0key01 # xdev_ + 20 of [a-z0-9]
BADKEY=xdev_ch4rge0test0sh0key02 # the same form, a value the sandbox does not know
MERCHANT=123456789012
T0=$(date +%s.%N)

work=$(mktemp -d)
groups=() # process groups of the scenarios (each is started with job control on)
cleanup() {
	local g
	for g in "${groups[@]}"; do
		[ -n "$(ps -o pid= -g "$g" 2>/dev/null)" ] && kill -KILL -- "-$g" 2>/dev/null
	done
	wait 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- helpers used inside a scenario (each runs in its own subshell) --------
# A scenario writes its results to $R: "ok   NAME", "FAIL NAME" + indented
# detail lines, "info ..." lines.
ok() { echo "ok   $1" >>"$R"; }
bad() {
	echo "FAIL $1" >>"$R"
	shift
	local l
	for l in "$@"; do printf '%s\n' "$l" | sed 's/^/     | /' >>"$R"; done
}
info() { echo "info $*" >>"$R"; }
is() { # NAME GOT WANT [DETAIL...]
	local name=$1 got=$2 want=$3
	shift 3
	if [ "$got" = "$want" ]; then ok "$name"; else bad "$name: got \"$got\", wanted \"$want\"" "$@"; fi
}

# scenario NAME TILL: a fresh home, config (till id TILL) and result file
scenario() {
	S=$1
	D=$work/$S
	R=$work/$S.res
	mkdir -p "$D/home" "$D/cfg/kaspi-pos"
	: >"$R"
	export KASPI_POS_HOME=$D/home XDG_CONFIG_HOME=$D/cfg KASPI_XDEV_KEY=$KEY KASPI_MERCHANT_ID=$MERCHANT
	printf '[till]\nid = %s\n' "$2" >"$D/cfg/kaspi-pos/config.ini"
}
api_timeout() { printf '[api]\ntimeout = %s\n' "$1" >>"$D/cfg/kaspi-pos/config.ini"; }

# sbx NAME [ARGS...]: starts a sandbox (ARGS may hold --port N, else 0); sets
# SBX_PID_NAME, URL_NAME, PORT_NAME. Retries a few times if it does not come up.
sbx() {
	local name=$1 pid url port=0 a prev=
	shift
	for a in "$@"; do [ "$prev" = --port ] && port=$a; prev=$a; done
	for _ in 1 2 3 4 5; do
		if [ "$port" = 0 ]; then
			"$SBX" --port 0 --key "$KEY" --merchant "$MERCHANT" "$@" >"$D/sbx-$name.out" 2>"$D/sbx-$name.err" &
		else
			"$SBX" --key "$KEY" --merchant "$MERCHANT" "$@" >"$D/sbx-$name.out" 2>"$D/sbx-$name.err" &
		fi
		pid=$!
		for _ in $(seq 100); do
			grep -q '^listening on' "$D/sbx-$name.out" 2>/dev/null && break
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		url=$(sed -En 's#^listening on (http://[^ ]+:([0-9]+)/api/v1)$#\1#p' "$D/sbx-$name.out")
		if [ -n "$url" ]; then
			printf -v "SBX_PID_$name" %s "$pid"
			printf -v "URL_$name" %s "$url"
			printf -v "PORT_$name" %s "$(sed -En 's#^http://.*:([0-9]+)/api/v1$#\1#p' <<<"$url")"
			return 0
		fi
		{ kill -KILL "$pid"; wait "$pid"; } 2>/dev/null
		sleep 0.3
	done
	bad "$S: sandbox $name did not start" "$(cat "$D/sbx-$name.err")"
	return 1
}
sbx_kill() { # NAME [SIGNAL]
	local v=SBX_PID_$1
	{ kill "-${2:-TERM}" "${!v}"; wait "${!v}"; } 2>/dev/null
}
stats() { # URL → the JSON of GET /sandbox/stats
	curl -s -m 5 -H "Authorization: Bearer $KEY" -H "X-Merchant-ID: $MERCHANT" "$1/sandbox/stats"
}
field() { # JSON NAME → the integer value (empty if absent)
	sed -En "s/.*\"$2\":([0-9]+).*/\\1/p" <<<"$1"
}
db() { sqlite3 -batch "$KASPI_POS_HOME/kaspi-pos.db" "$@" 2>&1; }
jstate() { db "SELECT state FROM orders WHERE merchant_order_id = '$1'"; }

# charge TAG LIMIT ARGS...: runs `kaspi-pos charge ARGS` (killed after LIMIT s);
# rc, out, err, order (the merchant_order_id printed), secs (wall time).
charge() {
	local tag=$1 limit=$2 pid t0 i
	shift 2
	t0=$(date +%s%N)
	"$POS" charge "$@" >"$D/$tag.out" 2>"$D/$tag.err" &
	pid=$!
	for ((i = 0; i < limit * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
		echo "(killed by charge.sh after ${limit} s)" >>"$D/$tag.err"
	fi
	wait "$pid" 2>/dev/null
	rc=$?
	secs=$(( ($(date +%s%N) - t0) / 1000000 ))
	secs=$(printf '%d.%03d' $((secs / 1000)) $((secs % 1000)))
	out=$(cat "$D/$tag.out") err=$(cat "$D/$tag.err")
	order=$(sed -n 's/^order \([^ ]*\) .*/\1/p' "$D/$tag.out" | head -n 1)
}
last() { printf '%s\n' "$out" | tail -n 1; }

# ---- the scenarios -----------------------------------------------------------

sc_paid() {
	scenario paid T11
	sbx main --pay-after 2 || return
	export KASPI_BASE_URL=$URL_main
	charge c 30 1500 --description "charge.sh paid"
	is "paid: exit 0" "$rc" 0 "stdout: $out" "stderr: $err"
	is "paid: prints \"paid\" last" "$(last)" paid "$out"
	local token
	token=$(db "SELECT qr_token FROM orders WHERE merchant_order_id = '$order'")
	if [ -n "$token" ] && [[ $token == kaspi://pay\?token=* ]] && grep -qxF -- "$token" "$D/c.out"; then
		ok "paid: the QR's token line is printed (the journal's qr_token)"
	else bad "paid: no token line equal to the journal's qr_token \"$token\"" "$out"; fi
	grep -q '█' "$D/c.out" && ok "paid: the QR is drawn in half blocks" || bad "paid: no QR drawing" "$out"
	"$POS" status "$order" >"$D/st.out" 2>"$D/st.err"
	is "paid: status exits 0" "$?" 0 "$(cat "$D/st.out" "$D/st.err")"
	local js ss
	js=$(awk '/^journal/{s=1} /^server/{s=2} s==1 && $1=="state"{print $2}' "$D/st.out")
	ss=$(awk '/^journal/{s=1} /^server/{s=2} s==2 && $1=="status"{print $2}' "$D/st.out")
	is "paid: status shows the journal's state by its label, paid" "$js" paid "$(cat "$D/st.out")"
	is "paid: status shows the server's status by its label, paid" "$ss" paid "$(cat "$D/st.out")"
	info "paid: $order in ${secs} s"
	sbx_kill main
}

sc_outcome() { # NAME TILL AMOUNT WORD STATE [SANDBOX ARGS...]
	local name=$1 till=$2 amount=$3 word=$4 state=$5
	shift 5
	scenario "$name" "$till"
	sbx main "$@" || return
	export KASPI_BASE_URL=$URL_main
	charge c 30 "$amount"
	is "$name ($amount): exit 1" "$rc" 1 "stdout: $(last)" "stderr: $err"
	is "$name ($amount): prints \"$word\"" "$(last)" "$word" "$err"
	is "$name ($amount): journal state $state" "$(jstate "$order")" "$state"
	info "$name: $order in ${secs} s"
	sbx_kill main
}

sc_nowait() {
	scenario nowait T15
	sbx main --pay-after 0 || return # nobody pays until the test says so
	export KASPI_BASE_URL=$URL_main
	charge c 30 1500 --no-wait
	is "--no-wait: exit 0" "$rc" 0 "stdout: $out" "stderr: $err"
	grep -q '^kaspi://pay?token=' "$D/c.out" && ok "--no-wait: the QR's token line is printed" ||
		bad "--no-wait: no token line" "$out"
	grep -qx 'paid' "$D/c.out" && bad "--no-wait: says paid before anyone paid" "$out" ||
		ok "--no-wait: does not wait for the outcome"
	is "--no-wait: journal order pending" "$(jstate "$order")" pending
	local pay body
	pay=$(db "SELECT payment_id FROM orders WHERE merchant_order_id = '$order'")
	body=$(curl -s -m 5 -H "Authorization: Bearer $KEY" -H "X-Merchant-ID: $MERCHANT" "$URL_main/payments/$pay")
	is "--no-wait: returns with the payment still pending on the server" \
		"$(sed -En 's/.*"status":"([^"]*)".*/\1/p' <<<"$body")" pending "$body"
	# the buyer pays now (the sandbox's control endpoint), then reconcile
	curl -s -m 5 -X POST -H "Authorization: Bearer $KEY" -H "X-Merchant-ID: $MERCHANT" \
		"$URL_main/sandbox/payments/$pay/pay" >/dev/null
	"$POS" reconcile >"$D/rec.out" 2>"$D/rec.err"
	is "--no-wait: reconcile exits 0" "$?" 0 "$(cat "$D/rec.out" "$D/rec.err")"
	grep -qF "$order: waiting → paid" "$D/rec.out" && ok "--no-wait: reconcile reports waiting → paid (the states' labels)" ||
		bad "--no-wait: reconcile output" "$(cat "$D/rec.out" "$D/rec.err")"
	is "--no-wait: reconcile settles it: succeeded" "$(jstate "$order")" succeeded
	sbx_kill main
}

# --no-wait orders that end without a scan: one expires (,99: nobody pays;
# the control endpoint expires it now), one the buyer declines through the
# control endpoint; reconcile settles and reports both.
sc_nowait_unscanned() {
	scenario nowait2 T24
	sbx main --pay-after 0 || return
	export KASPI_BASE_URL=$URL_main
	local o1 o2 pay
	charge c1 30 1600,99 --no-wait
	is "--no-wait 1600,99: exit 0" "$rc" 0 "stderr: $err"
	o1=$order
	charge c2 30 1700 --no-wait
	is "--no-wait 1700: exit 0" "$rc" 0 "stderr: $err"
	o2=$order
	pay=$(db "SELECT payment_id FROM orders WHERE merchant_order_id = '$o2'")
	curl -s -m 5 -X POST -H "Authorization: Bearer $KEY" -H "X-Merchant-ID: $MERCHANT" \
		"$URL_main/sandbox/payments/$pay/decline" >/dev/null
	pay=$(db "SELECT payment_id FROM orders WHERE merchant_order_id = '$o1'")
	curl -s -m 5 -X POST -H "Authorization: Bearer $KEY" -H "X-Merchant-ID: $MERCHANT" \
		"$URL_main/sandbox/payments/$pay/expire" >/dev/null
	"$POS" reconcile >"$D/rec.out" 2>"$D/rec.err"
	is "--no-wait, unscanned: reconcile exits 0" "$?" 0 "$(cat "$D/rec.out" "$D/rec.err")"
	is "--no-wait, unscanned: the expired one is expired in the journal" "$(jstate "$o1")" expired
	is "--no-wait, unscanned: the declined one is cancelled in the journal" "$(jstate "$o2")" cancelled
	grep -qxF "$o1: waiting → expired" "$D/rec.out" &&
		ok "--no-wait, unscanned: reconcile reports $o1: waiting → expired" ||
		bad "--no-wait, unscanned: reconcile does not report \"$o1: waiting → expired\"" "$(cat "$D/rec.out")"
	grep -qxF "$o2: waiting → declined" "$D/rec.out" &&
		ok "--no-wait, unscanned: reconcile reports $o2: waiting → declined" ||
		bad "--no-wait, unscanned: reconcile does not report \"$o2: waiting → declined\"" "$(cat "$D/rec.out")"
	sbx_kill main
}

# Ctrl-C while the create hangs (nothing known yet): exit 1, the order
# abandoned; the sandbox restarted; reconcile replays the create to learn of
# the payment and, since the cashier gave up, cancels it.
sc_abandon_creating() {
	scenario abandon T25
	api_timeout 5
	sbx hang --port "$(quiet_port)" --pay-after 0 --hang-rate 1 || return # restarted on it
	export KASPI_BASE_URL=$URL_hang
	local port=$PORT_hang pid i s order pay body
	"$POS" charge 1500 --method phone --phone +77051234567 >"$D/c.out" 2>"$D/c.err" &
	pid=$!
	for _ in $(seq 40); do
		[ "$(field "$(stats "$URL_hang")" payments_created)" = 1 ] && break
		sleep 0.05
	done
	order=$(db "SELECT merchant_order_id FROM orders ORDER BY id DESC LIMIT 1")
	is "Ctrl-C mid-create: the order is creating before the Ctrl-C" "$(jstate "$order")" creating
	kill -INT "$pid"
	for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$pid" 2>/dev/null && { kill -KILL "$pid"; echo "(killed 10 s after SIGINT)" >>"$D/c.err"; }
	wait "$pid" 2>/dev/null
	is "Ctrl-C mid-create: exit 1" "$?" 1 "$(cat "$D/c.err")"
	is "Ctrl-C mid-create: journal order abandoned" "$(jstate "$order")" abandoned
	sbx_kill hang KILL
	sbx new --port "$port" --pay-after 0 || return
	"$POS" reconcile >"$D/rec.out" 2>"$D/rec.err"
	is "Ctrl-C mid-create: reconcile exits 0" "$?" 0 "$(cat "$D/rec.out" "$D/rec.err")"
	pay=$(db "SELECT ifnull(payment_id, '') FROM orders WHERE merchant_order_id = '$order'")
	[ -n "$pay" ] && ok "Ctrl-C mid-create: reconcile learnt the payment id ($pay)" ||
		bad "Ctrl-C mid-create: no payment id after reconcile" "$(cat "$D/rec.out" "$D/rec.err")"
	body=$(curl -s -m 5 -H "Authorization: Bearer $KEY" -H "X-Merchant-ID: $MERCHANT" "$URL_new/payments/$pay")
	is "Ctrl-C mid-create: after reconcile the abandoned order's payment is not left payable (server status)" \
		"$(sed -En 's/.*"status":"([^"]*)".*/\1/p' <<<"$body")" cancelled \
		"reconcile: $(cat "$D/rec.out")" "journal: $(jstate "$order")" "server: $body"
	s=$(stats "$URL_new")
	is "Ctrl-C mid-create: one payment on the new sandbox" "$(field "$s" payments_created)" 1 "$s"
	info "Ctrl-C mid-create: stderr: $(tail -n 1 "$D/c.err"); after reconcile the journal says $(jstate "$order")"
	sbx_kill new
}

sc_refused() {
	scenario refused T16
	sbx main --pay-after 2 || return
	export KASPI_BASE_URL=$URL_main
	local a
	for a in "12,345" "0" "0,00" "1000000,01" "1000001" "-5" "abc"; do
		charge u 10 "$a"
		is "usage: amount \"$a\" exits 2" "$rc" 2 "$err"
	done
	charge u 10 1500 --method phone
	is "usage: --method phone without --phone exits 2" "$rc" 2 "$err"
	for a in "+7705123456" "97051234567" "+87051234567" "8 605 123 45 67" "+77051234567x"; do
		charge u 10 1500 --method phone --phone "$a"
		is "usage: bad phone \"$a\" exits 2" "$rc" 2 "$err"
	done
	charge u 10 1500 --method card
	is "usage: --method card exits 2" "$rc" 2 "$err"
	charge u 10
	is "usage: no amount exits 2" "$rc" 2 "$err"
	local n
	n=0 # usage errors may be found before the journal is even opened
	[ -f "$KASPI_POS_HOME/kaspi-pos.db" ] && n=$(db "SELECT count(*) FROM orders" 2>/dev/null)
	is "usage: no order journaled by a usage error" "${n:-0}" 0

	KASPI_XDEV_KEY=$BADKEY charge k 30 1500
	is "rejected key: exit 3" "$rc" 3 "stdout: $out" "stderr: $err"
	if [ "$(printf '%s\n' "$err" | grep -c .)" = 1 ] && grep -q 401 <<<"$err"; then
		ok "rejected key: one line on stderr with 401 ($err)"
	else bad "rejected key: stderr is not one line with 401" "$err"; fi
	grep -q "$BADKEY" "$D/k.out" "$D/k.err" && bad "rejected key: the key is printed" || ok "rejected key: the key is not printed"
	order=$(db "SELECT merchant_order_id FROM orders ORDER BY id DESC LIMIT 1")
	is "rejected key: journal order failed" "$(jstate "$order")" failed
	is "rejected key: the order has no payment id" "$(db "SELECT ifnull(payment_id, '-') FROM orders WHERE merchant_order_id = '$order'")" -
	local s
	s=$(stats "$URL_main")
	is "rejected key: nothing created on the server" "$(field "$s" payments_created)" 0 "$s"

	# a phone as people type it is sent as the contract's +77XXXXXXXXX
	charge p 30 1500 --phone "8 (705) 123-45-67" --no-wait
	is "phone typed \"8 (705) 123-45-67\": exit 0" "$rc" 0 "$err"
	is "phone typed \"8 (705) 123-45-67\": journaled as +77051234567" \
		"$(db "SELECT payer_phone FROM orders WHERE merchant_order_id = '$order'")" +77051234567 "$out"
	sbx_kill main
}

# faults NAME TILL N TIMEOUT SANDBOX-ARGS...: N charges in a row each paid,
# exactly N payments on the server, and the retries did happen.
sc_faults() {
	local name=$1 till=$2 n=$3 to=$4 i paid=0 fails=()
	shift 4
	scenario "$name" "$till"
	[ "$to" = - ] || api_timeout "$to"
	sbx main --pay-after 1 "$@" || return
	export KASPI_BASE_URL=$URL_main
	for ((i = 1; i <= n; i++)); do
		charge "c$i" 45 "$((1000 + i))"
		if [ "$rc" = 0 ] && [ "$(last)" = paid ]; then paid=$((paid + 1)); else
			fails+=("charge $i ($order): exit $rc after ${secs} s; last line \"$(last)\"; stderr: $(tr '\n' ' ' <<<"$err")"); fi
	done
	is "$name ($*): $n charges in a row each end paid (exit 0)" "$paid" "$n" "${fails[@]}"
	local s orders ok_states ids sends
	s=$(stats "$URL_main")
	orders=$(db "SELECT count(*) FROM orders")
	ok_states=$(db "SELECT count(*) FROM orders WHERE state = 'succeeded'")
	ids=$(db "SELECT count(DISTINCT payment_id) FROM orders")
	sends=$(db "SELECT total(attempts) FROM orders")
	is "$name: the journal has $n orders, all succeeded" "$orders/$ok_states" "$n/$n" \
		"$(db "SELECT merchant_order_id, state, payment_id, attempts, last_error FROM orders")"
	is "$name: $n distinct payment ids in the journal" "$ids" "$n"
	is "$name: payments_created == $n (one payment per order)" "$(field "$s" payments_created)" "$n" "$s"
	local rep
	rep=$(field "$s" creates_replayed)
	if [ "${rep:-0}" -gt 0 ]; then ok "$name: creates_replayed = $rep > 0 (the retries happened)"
	else bad "$name: creates_replayed = ${rep:-?}: no replay, the faults did not hit a create" "$s"; fi
	info "$name: $n charges, ${sends%.*} create sends, stats $s"
	sbx_kill main KILL
}

sc_ratelimit() {
	scenario ratelimit T21
	sbx main --pay-after 12 --rate-limit 8 || return
	export KASPI_BASE_URL=$URL_main
	charge c 85 1500
	is "429 storm (--rate-limit 8, pay-after 12): exit 0" "$rc" 0 "stdout: $(last)" "stderr: $err"
	is "429 storm: prints \"paid\"" "$(last)" paid "$err"
	is "429 storm: journal state succeeded" "$(jstate "$order")" succeeded
	grep -q 429 "$D/c.err" && ok "429 storm: the 429s did come (stderr says so)" ||
		bad "429 storm: no 429 seen: the test did not test anything" "$err"
	local s req
	s=$(stats "$URL_main")
	is "429 storm: payments_created == 1" "$(field "$s" payments_created)" 1 "$s"
	req=$(field "$s" api_requests)
	if [ -z "$req" ]; then info "429 storm: the sandbox does not count api_requests"
	elif [ "$req" -le 20 ]; then ok "429 storm: Retry-After honoured ($req API requests in ${secs} s)"
	else bad "429 storm: $req API requests in ${secs} s: Retry-After not honoured" "$s"; fi
	info "429 storm: paid after ${secs} s; stats $s"
	sbx_kill main
}

sc_restart() {
	scenario restart T22
	api_timeout 2
	sbx hang --port "$(quiet_port)" --pay-after 1 --hang-rate 1 || return # restarted on it
	export KASPI_BASE_URL=$URL_hang
	local port=$PORT_hang pid s
	"$POS" charge 1500 >"$D/c.out" 2>"$D/c.err" &
	pid=$!
	# wait until the create reached the hanging sandbox (applied, no answer)
	for _ in $(seq 40); do
		[ "$(field "$(stats "$URL_hang")" payments_created)" = 1 ] && break
		sleep 0.05
	done
	s=$(stats "$URL_hang")
	if kill -0 "$pid" 2>/dev/null && [ "$(field "$s" payments_created)" = 1 ]; then
		ok "restart: the create is outstanding at the hanging sandbox"
	else bad "restart: the create is not outstanding" "$s"; fi
	sbx_kill hang KILL
	sbx new --port "$port" --pay-after 1 || { kill -KILL "$pid"; return; }
	local i
	for ((i = 0; i < 300; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$pid" 2>/dev/null && { kill -KILL "$pid"; echo "(killed after 30 s)" >>"$D/c.err"; }
	wait "$pid" 2>/dev/null
	rc=$?
	out=$(cat "$D/c.out") err=$(cat "$D/c.err")
	order=$(sed -n 's/^order \([^ ]*\) .*/\1/p' "$D/c.out")
	is "restart (SIGKILL mid-create, new sandbox on port $port): exit 0" "$rc" 0 "stdout: $(last)" "stderr: $err"
	is "restart: prints \"paid\"" "$(last)" paid "$err"
	is "restart: journal state succeeded" "$(jstate "$order")" succeeded
	s=$(stats "$URL_new")
	is "restart: the new sandbox's payments_created == 1" "$(field "$s" payments_created)" 1 "$s"
	info "restart: $(db "SELECT attempts FROM orders WHERE merchant_order_id = '$order'") create sends"
	sbx_kill new
}

sc_dead() {
	scenario dead T23
	api_timeout 2
	sbx main --pay-after 0 || return
	export KASPI_BASE_URL=$URL_main
	local pid i
	"$POS" charge 1500 >"$D/c.out" 2>"$D/c.err" &
	pid=$!
	for ((i = 0; i < 100; i++)); do grep -q '^kaspi://' "$D/c.out" 2>/dev/null && break; sleep 0.05; done
	order=$(sed -n 's/^order \([^ ]*\) .*/\1/p' "$D/c.out")
	is "dead sandbox: the payment is pending before the kill" "$(jstate "$order")" pending "$(cat "$D/c.out" "$D/c.err")"
	sbx_kill main KILL
	sleep 3
	if kill -0 "$pid" 2>/dev/null; then ok "dead sandbox: charge keeps waiting 3 s later (no crash, no exit)"
	else
		wait "$pid"
		bad "dead sandbox: charge exited with $? while the payment was pending" "$(cat "$D/c.err")"
		return
	fi
	local t0 t
	t0=$(date +%s%N)
	kill -INT "$pid"
	for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$pid" 2>/dev/null && { kill -KILL "$pid"; echo "(killed 10 s after SIGINT)" >>"$D/c.err"; }
	wait "$pid" 2>/dev/null
	rc=$?
	t=$(( ($(date +%s%N) - t0) / 1000000 ))
	is "dead sandbox: Ctrl-C (SIGINT) exits 1" "$rc" 1 "$(cat "$D/c.err")"
	local st
	st=$(jstate "$order")
	case $st in
	abandoned | pending) ok "dead sandbox: after Ctrl-C the journal order is $st (not lost, left to reconcile)" ;;
	*) bad "dead sandbox: after Ctrl-C the journal order is \"$st\"" ;;
	esac
	info "dead sandbox: SIGINT → exit $rc in $t ms, journal state $st; stderr: $(tail -n 1 "$D/c.err")"
}

# ---- run them ---------------------------------------------------------------
# Job control on: every scenario gets its own process group, which the
# trap kills whole (sandboxes and charges included) if anything is left.
set -m
start() { # NAME FUNCTION ARGS...
	local name=$1
	shift
	("$@") &
	groups+=($!)
	printf -v "JOB_$name" %s "$!"
}
# Seeds: the sandbox draws one fault roll per API request in arrival order, and
# the first request is always the first charge's create: with these seeds it is
# hit (for --fail-rate, a 500 after the create was applied), so a replay must
# follow whatever the timing of the later requests.
start ratelimit sc_ratelimit # the slow one first: it overlaps all the others
start paid sc_paid
start declined sc_outcome declined T12 1500,13 declined cancelled --pay-after 2
start failed sc_outcome failed T13 1500,66 failed failed --pay-after 2
start expired sc_outcome expired T14 1500,99 expired expired --pay-after 2 --qr-ttl 3
start nowait sc_nowait
start nowait2 sc_nowait_unscanned
start abandon sc_abandon_creating
start refused sc_refused
start restart sc_restart
start dead sc_dead
start drop sc_faults drop T17 10 - --drop-rate 0.3 --seed 7
start hang sc_faults hang T18 6 2 --hang-rate 0.3 --seed 11
start fail sc_faults fail T19 6 - --fail-rate 0.3 --seed 9
start garble sc_faults garble T20 6 - --garble-rate 0.3 --seed 7

show() {
	local v=JOB_$1
	wait "${!v}" 2>/dev/null
	echo "# $1"
	[ -s "$work/$1.res" ] || echo "FAIL $1: the scenario reported nothing" >"$work/$1.res"
	cat "$work/$1.res"
}
for s in paid declined failed expired nowait nowait2 refused restart dead abandon drop hang fail garble ratelimit; do
	show "$s"
done
set +m

passed=$(cat "$work"/*.res | grep -c '^ok ')
failed=$(cat "$work"/*.res | grep -c '^FAIL ')
echo "info wall time $(awk -v a="$T0" -v b="$(date +%s.%N)" "BEGIN{printf \"%.1f\", b-a}") s"
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
