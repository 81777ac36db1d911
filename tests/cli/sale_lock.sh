#!/usr/bin/env bash
# sale_lock.sh — `reconcile` never gives up a split sale that another
# process is still paying (app/sale.h: the payer's flock on the sale's
# lock file beside the journal, dropped by the kernel when it dies), against
# kaspi-sandbox whose buyer never pays by himself: a live `kaspi-pos sale`
# waiting on its Kaspi part holds the lock; reconcile run then leaves the
# sale alone; stopped (SIGSTOP) after its part is paid, reconcile settles
# the part and still leaves the sale, which completes with its cash once
# the payer goes on; after a SIGKILL the lock is gone and reconcile gives
# the sale up, the paid part named, the lock file removed.
#
#   tests/cli/sale_lock.sh        (KP_POS, KP_SANDBOX: the binaries to test)
set -u
cd "$(dirname "$0")/../.." || exit 1
root=$(pwd)
POS=${KP_POS:-$root/${KP_BUILD:-build}/kaspi-pos}
SBX=${KP_SANDBOX:-$root/${KP_BUILD:-build}/kaspi-sandbox}
for b in "$POS" "$SBX"; do
	[ -x "$b" ] || { echo "no $b: run make first"; echo "0 passed, 1 failed"; exit 1; }
done
for t in sqlite3 curl flock; do
	command -v $t >/dev/null || { echo "needs $t"; echo "0 passed, 1 failed"; exit 1; }
done

export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset LANGUAGE KASPI_WEBHOOK_SECRET NO_COLOR
KEY=xdev_s4le0lock0sh0key0001
MERCHANT=123456789012
work=$(mktemp -d)
SBX_PID=
PAYER=
cleanup() {
	[ -n "$PAYER" ] && kill -CONT "$PAYER" 2>/dev/null && kill -KILL "$PAYER" 2>/dev/null
	[ -n "$SBX_PID" ] && kill "$SBX_PID" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

. tests/cli/lib.sh # ok, bad, is, has

"$SBX" --port 0 --key "$KEY" --merchant "$MERCHANT" --pay-after 0 >"$work/sbx.out" 2>"$work/sbx.err" &
SBX_PID=$!
for _ in $(seq 50); do grep -q 'listening on' "$work/sbx.out" && break; sleep 0.1; done
URL=$(sed -n 's/^listening on //p' "$work/sbx.out")
[ -n "$URL" ] || { bad "the sandbox starts" "$(cat "$work/sbx.err")"; echo "$passed passed, $failed failed"; exit 1; }

export KASPI_POS_HOME=$work/home XDG_CONFIG_HOME=$work/cfg KASPI_XDEV_KEY=$KEY KASPI_MERCHANT_ID=$MERCHANT
export KASPI_BASE_URL=$URL
mkdir -p "$work/cfg/kaspi-pos"
printf '[till]\nid = T08\n' >"$work/cfg/kaspi-pos/config.ini"
"$POS" catalog import data/catalog.csv >/dev/null || bad "the catalog imports"
DB=$KASPI_POS_HOME/kaspi-pos.db
q() { sqlite3 "$DB" "$1"; }
control() { # PAYMENT STEP → the HTTP status
	curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $KEY" \
		-H "X-Merchant-Id: $MERCHANT" "$URL/sandbox/payments/$1/$2"
}
pending_payment() {
	local p
	for _ in $(seq 100); do
		p=$(q "SELECT payment_id FROM orders WHERE part_of IS NOT NULL AND state = 'pending'
		       ORDER BY id DESC LIMIT 1")
		[ -n "$p" ] && { echo "$p"; return 0; }
		sleep 0.05
	done
	return 1
}
# Whether some process holds lock file $1 (flock(1) cannot take it at once).
held() { ! flock -n -x "$1" true; }

# GR-0027 costs 790,00 ₸: three of them 2 370,00 ₸
# ---- a live sale holds its lock; reconcile leaves it ----------------------------
"$POS" sale 3*GR-0027 --tender qr:500 --tender cash >"$work/payer.out" 2>&1 &
PAYER=$!
pay=$(pending_payment)
sale=$(q "SELECT id FROM orders WHERE method = 'split' ORDER BY id DESC LIMIT 1")
moid=$(q "SELECT merchant_order_id FROM orders WHERE id = $sale")
lock="$DB-split-$moid.lock"
is "live: the lock file is beside the journal, named after the sale" "$([ -f "$lock" ] && echo yes)" yes
if held "$lock"; then ok "live: the payer holds it"; else bad "live: the payer holds it"; fi
out=$("$POS" reconcile 2>&1)
has "live: reconcile says the sale is being paid elsewhere" "$out" "$moid: being paid on another till process"
is "live: the sale still waits for its part" "$(q "SELECT state FROM orders WHERE id = $sale")" pending

# ---- paid while the payer is stopped: reconcile settles the part, not the sale ----
kill -STOP "$PAYER"
is "stopped: the part is paid on the server" "$(control "$pay" pay)" 200
out=$("$POS" reconcile 2>&1); rc=$?
is "stopped: reconcile exits 0" "$rc" 0 "$out"
part=$(q "SELECT id FROM orders WHERE part_of = $sale")
is "stopped: reconcile moved the part to paid" "$(q "SELECT state FROM orders WHERE id = $part")" succeeded
has "stopped: and left the sale to its payer" "$out" "$moid: being paid on another till process"
is "stopped: the sale is not given up" "$(q "SELECT state FROM orders WHERE id = $sale")" pending
kill -CONT "$PAYER"
wait "$PAYER"
rc=$?
PAYER=
is "stopped: the payer goes on and completes the sale (exit 0)" "$rc" 0 "$(cat "$work/payer.out")"
is "stopped: the sale is paid, QR then cash, nothing twice" \
	"$(q "SELECT o.state || ' ' || group_concat(t.kind || ':' || t.amount, ' ') FROM orders o JOIN tenders t ON t.order_id = o.id WHERE o.id = $sale")" \
	"succeeded qr:50000 cash:187000"
is "stopped: the lock file is removed with the sale settled" "$([ -e "$lock" ] && echo left || echo gone)" gone

# ---- SIGKILL: the kernel drops the lock; reconcile settles the sale --------------
"$POS" sale 2*GR-0027 --tender qr:300 --tender card >"$work/payer.out" 2>&1 &
PAYER=$!
pay=$(pending_payment)
ksale=$(q "SELECT id FROM orders WHERE method = 'split' ORDER BY id DESC LIMIT 1")
kmoid=$(q "SELECT merchant_order_id FROM orders WHERE id = $ksale")
klock="$DB-split-$kmoid.lock"
kill -KILL "$PAYER"
wait "$PAYER" 2>/dev/null
PAYER=
if held "$klock"; then bad "killed: nobody holds the lock"; else ok "killed: nobody holds the lock"; fi
is "killed: the part is paid on the server" "$(control "$pay" pay)" 200
out=$("$POS" reconcile 2>&1); rc=$?
is "killed: reconcile exits 0" "$rc" 0 "$out"
has "killed: reconcile gives the sale up" "$out" "$kmoid: the sale was not finished: given up"
has "killed: and names the paid part for a refund" "$out" "its Kaspi part T08-[0-9]+-[0-9]+ paid"
is "killed: the sale is given up, its card never written" \
	"$(q "SELECT state, (SELECT count(*) FROM tenders WHERE order_id = $ksale AND kind = 'card') FROM orders WHERE id = $ksale")" \
	"abandoned|0"
is "killed: the lock file is removed" "$([ -e "$klock" ] && echo left || echo gone)" gone
out=$("$POS" reconcile 2>&1)
if printf '%s' "$out" | grep -q "$kmoid"; then bad "killed: a second reconcile has nothing to do with it" "$out"; else ok "killed: a second reconcile has nothing to do with it"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
