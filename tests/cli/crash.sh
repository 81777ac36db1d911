#!/usr/bin/env bash
# crash.sh — crash safety of the journal: 50 `kaspi-pos charge --no-wait` killed with SIGKILL at random points, then `reconcile`: the database intact, no order lost, none doubled, every order in the state the sandbox reports.
#
# One kaspi-sandbox (--pay-after 1, --qr-ttl 4, --latency-ms 150) on a free port; amounts cycle
# through a plain one and the magic tiyn 13, 66 and 99, so the orders end
# succeeded, cancelled, failed and expired. The kill points come from $RANDOM
# seeded with 42, so a run repeats. Prints "ok NAME" / "FAIL NAME" per check
# and "N passed, N failed"; exits non-zero on a failure.
#
#   tests/cli/crash.sh        (KP_POS, KP_SANDBOX: the binaries to test)
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

RUNS=${CRASH_RUNS:-50}
export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset LANGUAGE KASPI_WEBHOOK_SECRET NO_COLOR
KEY=xdev_cr4sh0test0sh0key001 # xdev_ + 20 of [a-z0-9]
MERCHANT=123456789012
T0=$(date +%s%N)

work=$(mktemp -d)
SBX_PID='' POS_PID=''
cleanup() {
	[ -n "$POS_PID" ] && { kill -KILL "$POS_PID"; wait "$POS_PID"; } 2>/dev/null
	[ -n "$SBX_PID" ] && { kill -KILL "$SBX_PID"; wait "$SBX_PID"; } 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export KASPI_POS_HOME=$work/home XDG_CONFIG_HOME=$work/config
export KASPI_XDEV_KEY=$KEY KASPI_MERCHANT_ID=$MERCHANT
mkdir -p "$KASPI_POS_HOME" "$XDG_CONFIG_HOME/kaspi-pos"
printf '[till]\nid = T31\n' >"$XDG_CONFIG_HOME/kaspi-pos/config.ini"
DB=$KASPI_POS_HOME/kaspi-pos.db

passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() {
	failed=$((failed + 1))
	echo "FAIL $1"
	shift
	local l
	for l in "$@"; do printf '%s\n' "$l" | sed 's/^/     | /'; done
}
info() { echo "info $*"; }
is() { # NAME GOT WANT [DETAIL...]
	local name=$1 got=$2 want=$3
	shift 3
	if [ "$got" = "$want" ]; then ok "$name"; else bad "$name: got \"$got\", wanted \"$want\"" "$@"; fi
}
db() { sqlite3 -batch "$DB" "$@" 2>&1; }
api() { # PATH → $body, $code (the HTTP status)
	local r
	r=$(curl -s -m 5 -w '\n%{http_code}' -H "Authorization: Bearer $KEY" -H "X-Merchant-ID: $MERCHANT" "$URL$1")
	code=${r##*$'\n'}
	body=${r%$'\n'*}
}
field() { sed -En "s/.*\"$2\":([0-9]+).*/\\1/p" <<<"$1"; }
sfield() { sed -En "s/.*\"$2\":\"([^\"]*)\".*/\\1/p" <<<"$1"; }
finish() {
	info "wall time $(( ($(date +%s%N) - T0) / 1000000 )) ms"
	echo
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

# ---- the sandbox --------------------------------------------------------------
"$SBX" --port 0 --key "$KEY" --merchant "$MERCHANT" --pay-after 1 --qr-ttl 4 --latency-ms 150 \
	>"$work/sbx.out" 2>"$work/sbx.err" &
SBX_PID=$!
for _ in $(seq 100); do grep -q '^listening on' "$work/sbx.out" 2>/dev/null && break; sleep 0.05; done
URL=$(sed -En 's#^listening on (http://[^ ]+:[0-9]+/api/v1)$#\1#p' "$work/sbx.out")
[ -n "$URL" ] || { bad "the sandbox did not start" "$(cat "$work/sbx.err")"; finish; }
export KASPI_BASE_URL=$URL

# ---- 50 charges, each killed with SIGKILL at a random point -----------------
# Every 7th is killed at once, before it can have got far (no journal yet,
# most often); the others after 0-250 ms: in the journal, the create in
# flight, the answer stored or not. The sandbox's --latency-ms 150 keeps
# each create in flight long enough that many kills land while it is.
RANDOM=42
amounts=(150 "1500,13" "2500,66" "3500,99" "777,77")
orders_seen() { [ -f "$DB" ] && sqlite3 -batch "$DB" "SELECT count(*) FROM orders" 2>/dev/null || echo 0; }
early=0 exited=0
for ((i = 1; i <= RUNS; i++)); do
	amount=${amounts[$((i % ${#amounts[@]}))]}
	ms=$((RANDOM % 251))
	((i % 7 == 0)) && ms=0
	"$POS" charge "$amount" --no-wait >"$work/c.out" 2>"$work/c.err" &
	POS_PID=$!
	[ "$ms" -gt 0 ] && sleep "$(printf '0.%03d' "$ms")"
	kill -KILL "$POS_PID" 2>/dev/null
	wait "$POS_PID" 2>/dev/null
	rc=$?
	POS_PID=
	[ "$rc" = 137 ] || exited=$((exited + 1)) # it finished before the kill
	[ "$ms" = 0 ] && early=$((early + 1))
done
orders=$(orders_seen)
info "$RUNS charges started, $early killed at once, $exited finished before their kill"
info "$orders orders journaled; $((RUNS - orders)) killed before their order reached the journal"
info "after the kills: $(db "SELECT group_concat(state || ' ' || n, ', ') FROM
	(SELECT state, count(*) n FROM orders GROUP BY state ORDER BY state)")"
[ "$orders" -gt 0 ] && ok "some orders reached the journal ($orders of $RUNS)" ||
	bad "no order reached the journal: the kills came too early to test anything"
[ "$orders" -lt "$RUNS" ] && ok "some charges were killed before their order was journaled ($((RUNS - orders)))" ||
	info "every charge journaled its order before the kill"
creating=$(db "SELECT count(*) FROM orders WHERE state = 'creating'")
[ "$creating" -gt 0 ] && ok "some orders were left creating by the kills ($creating)" ||
	info "no order was left creating"

# ---- reconcile, twice (more while anything is unfinished) -------------------
unfinished() { db "SELECT count(*) FROM orders WHERE state IN ('creating', 'pending')"; }
for round in 1 2 3 4 5; do
	t=$(date +%s%N)
	"$POS" reconcile >"$work/rec$round.out" 2>"$work/rec$round.err"
	rc=$?
	t=$(( ($(date +%s%N) - t) / 1000000 ))
	is "reconcile $round exits 0" "$rc" 0 "$(cat "$work/rec$round.out" "$work/rec$round.err")"
	info "reconcile $round in $t ms, $(grep -c '→' "$work/rec$round.out") moves: $(tail -n 1 "$work/rec$round.out")"
	[ "$round" -ge 2 ] && [ "$(unfinished)" = 0 ] && break
	sleep 2
done
is "every order settled (none creating or pending)" "$(unfinished)" 0 \
	"$(db "SELECT merchant_order_id, state, payment_id, attempts, last_error FROM orders WHERE state IN ('creating', 'pending')")"

# ---- the checks -----------------------------------------------------------------
is "PRAGMA integrity_check" "$(db "PRAGMA integrity_check")" ok
is "PRAGMA foreign_key_check finds nothing" "$(db "PRAGMA foreign_key_check")" ""
orders=$(db "SELECT count(*) FROM orders")
is "every order has a payment_id" "$(db "SELECT count(*) FROM orders WHERE payment_id IS NULL")" 0 \
	"$(db "SELECT merchant_order_id, state, attempts, last_error FROM orders WHERE payment_id IS NULL")"
is "no two orders share a payment_id" "$(db "SELECT count(DISTINCT payment_id) FROM orders")" "$orders"
is "no duplicate merchant_order_id" "$(db "SELECT count(DISTINCT merchant_order_id) FROM orders")" "$orders"
is "no duplicate (till, day, day_seq)" "$(db "SELECT count(*) FROM (SELECT DISTINCT till_id, day, day_seq FROM orders)")" "$orders"
gaps=$(db "SELECT max(day_seq) - min(day_seq) + 1 - count(*) FROM orders GROUP BY till_id, day")
info "merchant_order_id $(db "SELECT min(merchant_order_id) || ' … ' || max(merchant_order_id) FROM orders"), ${gaps:-0} gaps in the sequence"

# each order against the server: it is there, it is this order, same state
mismatch=() missing=() magic=()
while IFS='|' read -r mid pid state amount; do
	[ -n "$pid" ] || continue
	api "/payments/$pid"
	if [ "$code" != 200 ]; then missing+=("$mid $pid: HTTP $code $body"); continue; fi
	sstate=$(sfield "$body" status)
	smid=$(sfield "$body" merchant_order_id)
	samount=$(field "$body" amount)
	[ "$smid" = "$mid" ] && [ "$samount" = "$amount" ] || mismatch+=("$mid $pid: the server's is $smid, amount $samount (journal $amount)")
	[ "$sstate" = "$state" ] || mismatch+=("$mid $pid: journal $state, server $sstate")
	case $((amount % 100)) in
	13) want=cancelled ;; 66) want=failed ;; 99) want=expired ;; *) want=succeeded ;;
	esac
	[ "$state" = "$want" ] || magic+=("$mid amount $amount: $state, its magic says $want")
done < <(db "SELECT merchant_order_id, ifnull(payment_id, ''), state, amount FROM orders ORDER BY id")
is "none lost: every journal order's payment exists on the server" "${#missing[@]}" 0 "${missing[@]}"
is "every order ends in the state the sandbox reports (and is that order)" "${#mismatch[@]}" 0 "${mismatch[@]}"
is "every outcome is its amount's (plain → succeeded, 13 cancelled, 66 failed, 99 expired)" "${#magic[@]}" 0 "${magic[@]}"
info "final states: $(db "SELECT group_concat(state || ' ' || n, ', ') FROM
	(SELECT state, count(*) n FROM orders GROUP BY state ORDER BY state)")"

api /sandbox/stats
stats=$body
created=$(field "$stats" payments_created)
is "none doubled: payments_created == journal orders ($orders)" "$created" "$orders" "$stats"
is "the server stores no payment the journal lacks (payments_stored)" "$(field "$stats" payments_stored)" "$orders" "$stats"
info "$(field "$stats" creates_replayed) creates replayed, $(db "SELECT total(attempts) FROM orders" | cut -d. -f1) create sends in all; stats $stats"

finish
