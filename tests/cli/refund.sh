#!/usr/bin/env bash
# refund.sh — `kaspi-pos refund` against kaspi-sandbox: a part, then the rest, with a manager's PIN on standard input; a refund over what is left refused locally with nothing sent; wrong PINs, a cashier's PIN, unknown users and usage errors refused with exit 2 (and counted toward the lockout); a declined order not refundable; under --drop-rate 0.3 every refund ends refunded exactly once; a server that stops answering leaves the refund pending (exit 3), and so does a refund killed mid-request, until reconcile settles it once.
#
# Each scenario runs in its own process group with its own sandbox (--port 0),
# KASPI_POS_HOME and XDG_CONFIG_HOME, in parallel. Prints "ok NAME" / "FAIL
# NAME" per check and "N passed, N failed"; exits non-zero on a failure.
#
#   tests/cli/refund.sh        (KP_POS, KP_SANDBOX: the binaries to test)
set -u
cd "$(dirname "$0")/../.." || exit 1
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
KEY=xdev_r3fund0test0sh0key01 # xdev_ + 20 of [a-z0-9]
MERCHANT=123456789012
T0=$(date +%s.%N)

work=$(mktemp -d)
groups=()
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

# scenario NAME TILL: a fresh home and config, the users boss and zara
# (managers, PINs 1234 and 4321) and anna (cashier, 5678)
scenario() {
	S=$1
	D=$work/$S
	R=$work/$S.res
	mkdir -p "$D/home" "$D/cfg/kaspi-pos"
	: >"$R"
	export KASPI_POS_HOME=$D/home XDG_CONFIG_HOME=$D/cfg KASPI_XDEV_KEY=$KEY KASPI_MERCHANT_ID=$MERCHANT
	printf '[till]\nid = %s\n' "$2" >"$D/cfg/kaspi-pos/config.ini"
	printf '1234\n1234\n' | "$POS" user add boss --role manager >/dev/null 2>&1 &&
		printf '4321\n4321\n' | "$POS" user add zara --role manager >/dev/null 2>&1 &&
		printf '5678\n5678\n' | "$POS" user add anna --role cashier >/dev/null 2>&1 ||
		bad "$S: could not add the users"
}
api_timeout() { printf '[api]\ntimeout = %s\nconnect_timeout = %s\n' "$1" "$1" >>"$D/cfg/kaspi-pos/config.ini"; }

# sbx [ARGS...]: starts a sandbox on a free port; sets SBX_PID and URL.
sbx() {
	local try
	for try in 1 2 3 4 5; do
		"$SBX" --port 0 --key "$KEY" --merchant "$MERCHANT" "$@" >"$D/sbx.out" 2>"$D/sbx.err" &
		SBX_PID=$!
		for _ in $(seq 100); do
			grep -q '^listening on' "$D/sbx.out" 2>/dev/null && break
			kill -0 "$SBX_PID" 2>/dev/null || break
			sleep 0.05
		done
		URL=$(sed -En 's#^listening on (http://[^ ]+/api/v1)$#\1#p' "$D/sbx.out")
		if [ -n "$URL" ]; then
			export KASPI_BASE_URL=$URL
			return 0
		fi
		{ kill -KILL "$SBX_PID"; wait "$SBX_PID"; } 2>/dev/null
		sleep 0.3
	done
	bad "$S: the sandbox did not start" "$(cat "$D/sbx.err")"
	return 1
}
sbx_kill() { { kill -"${1:-TERM}" "$SBX_PID"; wait "$SBX_PID"; } 2>/dev/null; }
stats() {
	curl -s -m 5 -H "Authorization: Bearer $KEY" -H "X-Merchant-ID: $MERCHANT" "$URL/sandbox/stats"
}
field() { sed -En "s/.*\"$2\":([0-9]+).*/\\1/p" <<<"$1"; }
requests() { field "$(stats)" api_requests; }
db() { sqlite3 -batch "$KASPI_POS_HOME/kaspi-pos.db" "$@" 2>&1; }
jstate() { db "SELECT state FROM orders WHERE merchant_order_id = '$1'"; }
failed_count() { db "SELECT failed_count FROM users WHERE name = '$1'"; }

# charge AMOUNT: a payment; sets order (the journal's newest order) and rc
charge() {
	timeout 60 "$POS" charge "$1" >"$D/charge.out" 2>"$D/charge.err"
	rc=$?
	order=$(db "SELECT merchant_order_id FROM orders ORDER BY id DESC LIMIT 1")
}

# refund PIN ARGS...: `kaspi-pos refund ARGS` with PIN as the line on stdin
# ("-": no input at all); sets rc, out, err, mrid (the refund id printed),
# ostate (the order's state printed last: its label, English here).
refund() {
	local pin=$1
	shift
	if [ "$pin" = - ]; then
		timeout 60 "$POS" refund "$@" </dev/null >"$D/r.out" 2>"$D/r.err"
	else
		printf '%s\n' "$pin" | timeout 60 "$POS" refund "$@" >"$D/r.out" 2>"$D/r.err"
	fi
	rc=$?
	out=$(cat "$D/r.out") err=$(cat "$D/r.err")
	mrid=$(sed -n 's/^refund \([^ ]*\) .*/\1/p' "$D/r.out" | head -n 1)
	ostate=$(sed -n 's/^order [^ ]* \([a-z ]*\)$/\1/p' "$D/r.out" | tail -n 1)
}

# server_refunded ORDER: the server's refunded_amount as `kaspi-pos status`
# shows it ("1 500,00 ₸"), as tiyn: its digits only
server_refunded() {
	"$POS" status "$1" 2>/dev/null | awk '/^server/{s=1} s && $1=="refunded"{$1=""; print}' | tr -cd '0-9'
}

# ---- the scenarios -----------------------------------------------------------

sc_main() {
	scenario main T31
	sbx --pay-after 1 || return
	charge 1500
	is "charge 1500: paid (exit 0)" "$rc" 0 "$(cat "$D/charge.out" "$D/charge.err")"
	local pay req
	pay=$(db "SELECT payment_id FROM orders WHERE merchant_order_id = '$order'")

	refund 1234 "$order" 500 --reason "Client returned one item"
	is "refund 500 with a manager's PIN on stdin: exit 0" "$rc" 0 "$out" "$err"
	is "refund 500: the refund id is printed (T31-R-YYYYMMDD-000001)" \
		"$(sed -E 's/-[0-9]{8}-/-D-/' <<<"$mrid")" "T31-R-D-000001" "$out"
	grep -qE '^refunded ref_' "$D/r.out" && ok "refund 500: prints the server's refund id" ||
		bad "refund 500: no \"refunded ref_...\" line" "$out"
	is "refund 500: prints the order's new state" "$ostate" "part refunded" "$out"
	is "refund 500: journal order partially_refunded" "$(jstate "$order")" partially_refunded
	is "refund 500: journal refunded_amount 50000" \
		"$(db "SELECT refunded_amount FROM orders WHERE merchant_order_id = '$order'")" 50000
	is "refund 500: refund row refunded, 50000 tiyn, its parts add up" \
		"$(db "SELECT r.state, r.amount, (SELECT sum(amount) FROM refund_lines WHERE refund_row = r.id)
		       FROM refunds r WHERE merchant_refund_id = '$mrid'")" "refunded|50000|50000"
	is "refund 500: approved by boss (events: refund)" \
		"$(db "SELECT u.name FROM events e JOIN users u ON u.id = e.user_id WHERE e.kind = 'refund'")" boss

	# refused by the rules before any PIN: nothing sent
	req=$(requests)
	refund - "$order" 1000,01 --reason "too much"
	is "refund 1000,01 of the 1000,00 left: exit 1" "$rc" 1 "$out" "$err"
	[[ $err == *"000,00 ₸ left"* ]] && ok "refund over what is left: says what is left ($err)" ||
		bad "refund over what is left: message" "$err"
	is "refund over what is left: no request sent (api_requests)" "$(requests)" "$req"
	is "refund over what is left: nothing journaled" "$(db "SELECT count(*) FROM refunds")" 1

	# PINs
	refund 9999 "$order" 100 --reason "wrong PIN"
	is "a wrong PIN: exit 2" "$rc" 2 "$out" "$err"
	is "a wrong PIN (no --user): counts for boss" "$(failed_count boss)" 1
	is "a wrong PIN (no --user): counts for zara" "$(failed_count zara)" 1
	refund 0000 "$order" 100 --reason "wrong PIN" --user boss
	is "a wrong PIN for --user boss: exit 2" "$rc" 2 "$out" "$err"
	grep -q "tries left" <<<"$err" && ok "a wrong PIN for boss: says the tries left ($err)" ||
		bad "a wrong PIN for boss: message" "$err"
	is "a wrong PIN for --user boss: counts for boss only" "$(failed_count boss)/$(failed_count zara)" 2/1
	refund 5678 "$order" 100 --reason "cashier"
	is "a cashier's PIN: exit 2" "$rc" 2 "$out" "$err"
	refund 5678 "$order" 100 --reason "cashier" --user anna
	is "a cashier named with --user: exit 2" "$rc" 2 "$out" "$err"
	grep -q "cashier" <<<"$err" && ok "a cashier named with --user: says so ($err)" ||
		bad "a cashier named with --user: message" "$err"
	refund 1234 "$order" 100 --reason "nobody" --user nobody
	is "an unknown --user: exit 2" "$rc" 2 "$out" "$err"
	refund - "$order" 100 --reason "no PIN"
	is "no PIN on stdin: exit 2" "$rc" 2 "$out" "$err"
	is "refused PINs: no request sent (api_requests)" "$(requests)" "$req"
	is "refused PINs: nothing journaled" "$(db "SELECT count(*) FROM refunds")" 1
	local wrong
	wrong=$(db "SELECT count(*) FROM events WHERE kind = 'pin_wrong'")
	[ "$wrong" -ge 4 ] && ok "refused PINs: $wrong pin_wrong events logged" ||
		bad "refused PINs: $wrong pin_wrong events" "$(db "SELECT kind, detail FROM events")"

	# usage
	refund 1234 "$order" 100
	is "usage: no --reason exits 2" "$rc" 2 "$err"
	refund 1234 "$order" abc --reason x
	is "usage: amount \"abc\" exits 2" "$rc" 2 "$err"
	refund 1234 "$order" 0 --reason x
	is "usage: amount 0 exits 2" "$rc" 2 "$err"
	refund 1234 T31-20000101-000001 100 --reason x
	is "usage: an unknown order exits 2" "$rc" 2 "$err"
	refund 1234 "$order" 100 --reason "$(printf 'x%.0s' $(seq 256))"
	is "usage: a 256-character reason exits 2" "$rc" 2 "$err"
	refund 1234 "$order" 100 --reason ""
	is "usage: an empty reason exits 2" "$rc" 2 "$err"
	is "usage errors: no request sent" "$(requests)" "$req"

	# another manager named, by the payment id; then the rest
	refund 4321 "$pay" 200 --reason "Second item" --user zara
	is "refund 200 by payment id with --user zara: exit 0" "$rc" 0 "$out" "$err"
	is "refund 200: order still partially_refunded" "$ostate" "part refunded" "$out"
	is "zara's right PIN resets her count" "$(failed_count zara)" 0
	boss_before=$(failed_count boss)
	refund 4321 "$order" 100 --reason "Third item"
	is "zara's PIN without --user: exit 0" "$rc" 0 "$out" "$err"
	is "zara's PIN without --user counts nothing against boss" "$(failed_count boss)" "$boss_before"
	refund 1234 "$order" --reason "The rest"
	is "refund without AMOUNT (the rest): exit 0" "$rc" 0 "$out" "$err"
	is "refund of the rest: the order is refunded" "$ostate" refunded "$out"
	is "refund of the rest: 700,00 ₸" "$(db "SELECT amount FROM refunds WHERE merchant_refund_id = '$mrid'")" 70000
	is "journal: order refunded, refunded_amount 150000" \
		"$(db "SELECT state, refunded_amount FROM orders WHERE merchant_order_id = '$order'")" "refunded|150000"
	is "the server's refunded amount (kaspi-pos status) is the whole payment" \
		"$(server_refunded "$order")" 150000
	is "four refunds journaled, each refunded, ids in sequence" \
		"$(db "SELECT group_concat(state || ':' || substr(merchant_refund_id, -6), ' ') FROM refunds")" \
		"refunded:000001 refunded:000002 refunded:000003 refunded:000004"
	is "the refunds' approvals in the events log" \
		"$(db "SELECT group_concat(u.name, ' ') FROM events e JOIN users u ON u.id = e.user_id WHERE e.kind = 'refund'")" \
		"boss zara zara boss"
	req=$(requests)
	refund 1234 "$order" 1 --reason "more"
	is "a refunded order: exit 1" "$rc" 1 "$out" "$err"
	is "a refunded order: no request sent" "$(requests)" "$req"
	sbx_kill
}

sc_declined() {
	scenario declined T32
	sbx --pay-after 1 || return
	charge 1500,13
	is "charge 1500,13: declined (exit 1)" "$rc" 1 "$(cat "$D/charge.out" "$D/charge.err")"
	is "the declined order is cancelled in the journal" "$(jstate "$order")" cancelled
	local req
	req=$(requests)
	refund 1234 "$order" --reason "declined"
	is "refund of a declined order: exit 1" "$rc" 1 "$out" "$err"
	grep -q "was declined" <<<"$err" && ok "refund of a declined order: says it was declined ($err)" ||
		bad "refund of a declined order: message" "$err"
	is "refund of a declined order: no request sent" "$(requests)" "$req"
	is "refund of a declined order: nothing journaled" "$(db "SELECT count(*) FROM refunds")" 0
	sbx_kill
}

# The server refuses what the till allowed (refunded elsewhere): refund_failed,
# the order as it was. A key the server rejects is no refusal of the refund:
# it stays pending (exit 3) and reconcile with the right key settles it.
sc_refused() {
	scenario refused T35
	sbx --pay-after 1 || return
	charge 1500
	is "refused: charge paid" "$rc" 0 "$(cat "$D/charge.err")"
	local pay
	pay=$(db "SELECT payment_id FROM orders WHERE merchant_order_id = '$order'")
	curl -s -m 5 -H "Authorization: Bearer $KEY" -H "X-Merchant-ID: $MERCHANT" \
		-H "Content-Type: application/json" \
		-d "{\"payment_id\":\"$pay\",\"amount\":150000,\"reason\":\"refunded elsewhere\"}" \
		"$URL/refunds" >"$D/curl.out"
	refund 1234 "$order" 100 --reason "too late"
	is "a refund the server refuses (refund_exceeds_available): exit 1" "$rc" 1 "$out" "$err"
	is "a refused refund: refund_failed with why (our words for refund_exceeds_available)" \
		"$(db "SELECT state, last_error LIKE '%more than is left%' FROM refunds")" "refund_failed|1"
	is "a refused refund: the order is as it was" \
		"$(db "SELECT state, refunded_amount FROM orders")" "succeeded|0"
	is "a refused refund: printed the order's state" "$ostate" paid "$out"
	is "a refused refund: logged" "$(db "SELECT count(*) FROM events WHERE kind = 'refund_failed'")" 1

	charge 2000
	KASPI_XDEV_KEY=xdev_r3fund0test0sh0key99 refund 1234 "$order" 100 --reason "wrong key"
	is "a rejected key (401): exit 3 at once, not a refusal" "$rc" 3 "$out" "$err"
	is "a rejected key: the refund stays refund_pending" \
		"$(db "SELECT state FROM refunds ORDER BY id DESC LIMIT 1")" refund_pending
	"$POS" reconcile >"$D/rec.out" 2>"$D/rec.err"
	is "a rejected key: reconcile with the right key exits 0" "$?" 0 "$(cat "$D/rec.out" "$D/rec.err")"
	is "a rejected key: reconcile settles the refund" \
		"$(db "SELECT state FROM refunds ORDER BY id DESC LIMIT 1")" refunded
	is "a rejected key: the server refunded 100,00 ₸" "$(server_refunded "$order")" 10000
	sbx_kill
}

# Connections dropped after the server acted: every refund is sent again
# with the same id and body and ends refunded once.
sc_drop() {
	scenario drop T33
	sbx --pay-after 1 --drop-rate 0.3 --seed 7 || return
	charge 1500
	is "drop: charge paid" "$rc" 0 "$(cat "$D/charge.err")"
	local i fails=() n=6
	for ((i = 1; i <= n; i++)); do
		refund 1234 "$order" 100 --reason "part $i"
		[ "$rc" = 0 ] || fails+=("refund $i: exit $rc; $(tr '\n' ' ' <<<"$err")")
	done
	refund 1234 "$order" --reason "the rest"
	[ "$rc" = 0 ] || fails+=("the rest: exit $rc; $(tr '\n' ' ' <<<"$err")")
	is "drop (--drop-rate 0.3): $((n + 1)) refunds in a row each exit 0" "${#fails[@]}" 0 "${fails[@]}"
	is "drop: every refund is refunded in the journal" \
		"$(db "SELECT count(*) FROM refunds WHERE state = 'refunded'")/$(db "SELECT count(*) FROM refunds")" \
		"$((n + 1))/$((n + 1))"
	is "drop: the journal's refunded_amount is the sum of the refunds" \
		"$(db "SELECT refunded_amount = (SELECT sum(amount) FROM refunds) FROM orders")" 1
	is "drop: the server refunded exactly the payment, once (kaspi-pos status)" \
		"$(server_refunded "$order")" 150000
	is "drop: the order is refunded" "$(jstate "$order")" refunded
	local sends
	sends=$(db "SELECT sum(attempts) FROM refunds")
	if [ "${sends:-0}" -gt $((n + 1)) ]; then ok "drop: $sends sends for $((n + 1)) refunds (the retries happened)"
	else bad "drop: $sends sends for $((n + 1)) refunds: no retry, the faults missed"; fi
	is "drop: the retries sent the stored bodies (one distinct body per refund)" \
		"$(db "SELECT count(DISTINCT request_body) FROM refunds")" "$((n + 1))"
	sbx_kill KILL
}

# The server stops answering (SIGSTOP): the refund stays refund_pending and
# the command exits 3; reconcile settles it once the server is back.
sc_stopped() {
	scenario stopped T34
	api_timeout 1
	sbx --pay-after 1 || return
	charge 1500
	is "stopped: charge paid" "$rc" 0 "$(cat "$D/charge.err")"
	kill -STOP "$SBX_PID"
	local t0=$SECONDS
	refund 1234 "$order" 700 --reason "server asleep"
	kill -CONT "$SBX_PID"
	is "stopped server: refund exits 3" "$rc" 3 "$out" "$err"
	grep -q "reconcile" <<<"$err" && ok "stopped server: says reconcile settles it" || bad "stopped server: message" "$err"
	is "stopped server: the refund stays refund_pending" "$(db "SELECT state FROM refunds")" refund_pending
	is "stopped server: the order is unchanged" "$(jstate "$order")" succeeded
	info "stopped: refund gave up after $((SECONDS - t0)) s, $(db "SELECT attempts FROM refunds") sends"
	refund - "$order" 800,01 --reason "over, pending included"
	is "a pending refund counts against what is left: 800,01 refused (exit 1)" "$rc" 1 "$err"
	"$POS" reconcile >"$D/rec.out" 2>"$D/rec.err"
	is "reconcile exits 0" "$?" 0 "$(cat "$D/rec.out" "$D/rec.err")"
	local m
	m=$(db "SELECT merchant_refund_id FROM refunds")
	grep -qF "$m: waiting → refunded (order $order part refunded)" "$D/rec.out" &&
		ok "reconcile reports the refund it settled" || bad "reconcile output" "$(cat "$D/rec.out" "$D/rec.err")"
	is "reconcile: the refund is refunded" "$(db "SELECT state FROM refunds")" refunded
	is "reconcile: the order is partially_refunded, 700,00 ₸" \
		"$(db "SELECT state, refunded_amount FROM orders")" "partially_refunded|70000"
	is "reconcile: the server refunded 700,00 ₸ once" "$(server_refunded "$order")" 70000

	# killed while its request is out: the journal has it, reconcile sends it
	kill -STOP "$SBX_PID"
	local pid i
	printf '1234\n' | "$POS" refund "$order" 300 --reason "killed" >"$D/k.out" 2>"$D/k.err" &
	pid=$!
	for ((i = 0; i < 100; i++)); do
		[ "$(db "SELECT count(*) FROM refunds WHERE state = 'refund_pending'")" = 1 ] && break
		sleep 0.05
	done
	sleep 0.3
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	kill -CONT "$SBX_PID"
	is "SIGKILL mid-refund: the refund is in the journal, refund_pending" \
		"$(db "SELECT state, amount FROM refunds ORDER BY id DESC LIMIT 1")" "refund_pending|30000"
	"$POS" reconcile >"$D/rec2.out" 2>"$D/rec2.err"
	is "SIGKILL mid-refund: reconcile exits 0" "$?" 0 "$(cat "$D/rec2.out" "$D/rec2.err")"
	is "SIGKILL mid-refund: reconcile settles it: order partially_refunded, 1 000,00 ₸" \
		"$(db "SELECT state, refunded_amount FROM orders")" "partially_refunded|100000"
	is "SIGKILL mid-refund: the server refunded 1 000,00 ₸ in all" "$(server_refunded "$order")" 100000
	sbx_kill
}

# ---- run them ---------------------------------------------------------------
set -m
start() { # NAME FUNCTION
	("$2") &
	groups+=($!)
	printf -v "JOB_$1" %s "$!"
}
start stopped sc_stopped # the slow one first
start main sc_main
start declined sc_declined
start refused sc_refused
start drop sc_drop

show() {
	local v=JOB_$1
	wait "${!v}" 2>/dev/null
	echo "# $1"
	[ -s "$work/$1.res" ] || echo "FAIL $1: the scenario reported nothing" >"$work/$1.res"
	cat "$work/$1.res"
}
for s in main declined refused drop stopped; do
	show "$s"
done
set +m

passed=$(cat "$work"/*.res | grep -c '^ok ')
failed=$(cat "$work"/*.res | grep -c '^FAIL ')
echo "info wall time $(awk -v a="$T0" -v b="$(date +%s.%N)" "BEGIN{printf \"%.1f\", b-a}") s"
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
