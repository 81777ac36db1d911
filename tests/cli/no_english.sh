#!/usr/bin/env bash
# no_english.sh — the command line speaks the user's language: with
# LANG=ru_RU.UTF-8 and LANG=kk_KZ.UTF-8 (installed or not: i18n falls back
# to C.UTF-8), against kaspi-sandbox, what `health` (an answer, and a
# rejected key), `charge` (paid, declined by the buyer, refused by the
# server's daily limit), `status`, `journal`, `reconcile`, `refund` (refused
# by the server), `user`, `catalog`, `report x` and a config diagnostic
# print has no English word: tests/tools/english_words.py lists the Latin
# words left once ids, option and command names, file names, quoted names
# and the allowed names (Kaspi, QR, PIN, BIN, KZT...) are taken out. The
# filter itself must find the English of a message put back.
#
# Prints "ok NAME" / "FAIL NAME" per check and "N passed, N failed"; exits
# non-zero on a failure.
#
#   tests/cli/no_english.sh        (KP_POS, KP_SANDBOX: the binaries to test)
set -u
cd "$(dirname "$0")/../.." || exit 1
root=$(pwd)
POS=${KP_POS:-$root/${KP_BUILD:-build}/kaspi-pos}
SBX=${KP_SANDBOX:-$root/${KP_BUILD:-build}/kaspi-sandbox}
WORDS="python3 $root/tests/tools/english_words.py"
for b in "$POS" "$SBX"; do
	[ -x "$b" ] || { echo "no $b: run make first"; echo "0 passed, 1 failed"; exit 1; }
done
command -v curl >/dev/null && command -v python3 >/dev/null ||
	{ echo "needs curl and python3"; echo "0 passed, 1 failed"; exit 1; }

unset LC_ALL LC_MESSAGES LANGUAGE KASPI_WEBHOOK_SECRET KASPI_BASE_URL NO_COLOR
KEY=xdev_n0eng1ish0test0key01 # xdev_ + 20 of [a-z0-9]
BADKEY=xdev_n0eng1ish0test0key02
MERCHANT=123456789012
PIN=2468

work=$(mktemp -d)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() {
	failed=$((failed + 1))
	echo "FAIL $1"
	shift
	local l
	for l in "$@"; do printf '%s\n' "$l" | sed 's/^/     | /'; done
}
is() { # NAME GOT WANT [DETAIL...]
	local name=$1 got=$2 want=$3
	shift 3
	if [ "$got" = "$want" ]; then ok "$name"; else bad "$name: got \"$got\", wanted \"$want\"" "$@"; fi
}

# sandbox NAME ARGS...: starts kaspi-sandbox on a free port; sets URL_NAME.
sandbox() {
	local name=$1 url=
	shift
	"$SBX" --port 0 --key "$KEY" --merchant "$MERCHANT" "$@" >"$work/sbx-$name.out" 2>"$work/sbx-$name.err" &
	pids+=($!)
	for _ in $(seq 100); do
		url=$(sed -En 's#^listening on (http://[^ ]+/api/v1)$#\1#p' "$work/sbx-$name.out")
		[ -n "$url" ] && break
		sleep 0.05
	done
	[ -n "$url" ] || { bad "sandbox $name did not start" "$(cat "$work/sbx-$name.err")"; return 1; }
	printf -v "URL_$name" %s "$url"
}

# run CMD...: out (stdout and stderr), rc. Standard input from $IN (default none).
run() {
	out=$("$POS" "$@" <"${IN:-/dev/null}" 2>&1)
	rc=$?
}

# english NAME [ALLOWED...]: $out holds no English word.
english() {
	local name=$1 words
	shift
	if words=$(printf '%s\n' "$out" | $WORDS "$@"); then
		ok "$L: $name: no English"
	else
		bad "$L: $name: English words left" "$words" "--- the output:" "$out"
	fi
}

# ---- the filter finds English ------------------------------------------------
words=$(printf '%s\n' "сервер: Payment service refused the request (422)" | $WORDS)
is "the filter lists the words of an English message" "$(cut -f1 <<<"$words" | tr '\n' ' ')" \
	"Payment service refused the request "
printf '%s\n' "заказ T01-20261126-000042 pay_7Hq2 --role manager kaspi-pos user add «timeout» Kaspi QR" |
	$WORDS >/dev/null && ok "the filter keeps ids, options, commands, quoted names and brands" ||
	bad "the filter flags an id, an option or an allowed name"

# ---- the sandboxes -------------------------------------------------------------
sandbox main --pay-after 1 || { echo "$passed passed, $((failed + 1)) failed"; exit 1; }
sandbox limit --daily-limit 1000 --pay-after 0 || { echo "$passed passed, $((failed + 1)) failed"; exit 1; }

for L in ru kk; do
	case $L in
	ru) export LANG=ru_RU.UTF-8 ;;
	kk) export LANG=kk_KZ.UTF-8 ;;
	esac
	mkdir -p "$work/$L/home" "$work/$L/cfg/kaspi-pos"
	export KASPI_POS_HOME=$work/$L/home XDG_CONFIG_HOME=$work/$L/cfg
	export KASPI_XDEV_KEY=$KEY KASPI_MERCHANT_ID=$MERCHANT KASPI_BASE_URL=$URL_main
	printf '[till]\nid = T%s\n' "$([ $L = ru ] && echo 61 || echo 62)" >"$work/$L/cfg/kaspi-pos/config.ini"

	run health
	is "$L: health: exit 0" "$rc" 0 "$out"
	english "health" ok # the service's own word for its status

	KASPI_XDEV_KEY=$BADKEY run health
	is "$L: health with a rejected key: exit 3" "$rc" 3 "$out"
	english "health with a rejected key"

	printf '[api]\ntimeout = 9999\nunknown_key = 1\n' >"$work/$L/bad.ini"
	run --config "$work/$L/bad.ini" journal
	is "$L: a bad config: exit 2" "$rc" 2 "$out"
	english "config diagnostics"

	IN=<(printf '%s\n%s\n' $PIN $PIN) run user add Айгүл --role manager
	is "$L: user add: exit 0" "$rc" 0 "$out"
	english "user add"
	run user list
	english "user list"

	run charge 1500
	is "$L: charge paid: exit 0" "$rc" 0 "$out"
	paid=$(grep -oE '\bT6[12]-[0-9]{8}-[0-9]{6}\b' <<<"$out" | head -n 1)
	english "charge (paid)"

	run charge 1500.13
	is "$L: charge declined: exit 1" "$rc" 1 "$out"
	english "charge (declined)"

	KASPI_BASE_URL=$URL_limit run charge 1500
	is "$L: charge refused (daily limit): exit 3" "$rc" 3 "$out"
	english "charge (refused by the server)"

	run status "$paid"
	is "$L: status: exit 0" "$rc" 0 "$out"
	english "status"

	run journal
	is "$L: journal: exit 0" "$rc" 0 "$out"
	english "journal"

	# an order left open (--no-wait), paid through the sandbox's control:
	# reconcile prints its move
	run charge 1600 --no-wait
	open_pay=$(grep -oE '\bpay_[A-Za-z0-9]+' <<<"$out" | head -n 1)
	curl -s -m 5 -X POST -H "Authorization: Bearer $KEY" -H "X-Merchant-ID: $MERCHANT" \
		"$URL_main/sandbox/payments/$open_pay/pay" >/dev/null
	run reconcile
	is "$L: reconcile: exit 0" "$rc" 0 "$out"
	grep -q '→' <<<"$out" && ok "$L: reconcile prints the move" || bad "$L: reconcile printed no move" "$out"
	english "reconcile"

	# the server refunds the whole payment behind the till's back: the
	# till's rules let the refund go, the server refuses it
	pay=$(grep -oE '\bpay_[A-Za-z0-9]+' <<<"$("$POS" status "$paid" 2>/dev/null)" | head -n 1)
	curl -s -m 5 -H "Authorization: Bearer $KEY" -H "X-Merchant-ID: $MERCHANT" \
		-H "Content-Type: application/json" -H "X-Idempotency-Key: elsewhere-$L" \
		-d "{\"payment_id\":\"$pay\",\"amount\":150000,\"reason\":\"x\",\"merchant_refund_id\":\"elsewhere-$L\"}" \
		"$URL_main/refunds" >/dev/null
	IN=<(echo $PIN) run refund "$paid" 100 --reason "Сынған"
	is "$L: refund refused by the server: exit 1" "$rc" 1 "$out"
	english "refund (refused by the server)"

	run catalog find сыр
	english "catalog find (empty catalog)"

	run report x
	english "report x"

	# the drawer: a float, cash in, refusals, the Z with and without the count
	IN=<(echo $PIN) run cash float 5000
	is "$L: cash float: exit 0" "$rc" 0 "$out"
	english "cash float"
	run cash in 1000 --reason "Ұсақ ақша"
	is "$L: cash in: exit 0" "$rc" 0 "$out"
	english "cash in"
	run cash in 0 --reason "Ұсақ ақша"
	is "$L: cash in of zero: exit 2" "$rc" 2 "$out"
	english "cash in of zero"
	run cash in 100
	english "cash in without a reason"
	IN=<(echo $PIN) run cash out 999999 --reason "Сейф"
	is "$L: cash out beyond the drawer: exit 1" "$rc" 1 "$out"
	english "cash out beyond the drawer"
	IN=<(echo 0000) run cash out 100 --reason "Сейф"
	is "$L: cash out with a wrong PIN: exit 2" "$rc" 2 "$out"
	english "cash out with a wrong PIN"
	run report x
	english "report x with the drawer"
	IN=<(echo $PIN) run report z
	is "$L: report z without the count: exit 2" "$rc" 2 "$out"
	english "report z without the count"
	IN=<(echo $PIN) run report z --counted 5900
	is "$L: report z with the count: exit 0" "$rc" 0 "$out"
	english "report z with the count"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
