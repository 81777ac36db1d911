#!/usr/bin/env bash
# sale_kill.sh — a split sale SIGKILLed at random points settles by
# `reconcile` with no money lost and no tender doubled: ~20 runs of
# `kaspi-pos sale GR-0027 GR-0025 --tender qr:X --tender cash` (some X
# declined by the sandbox's magic amount, some with --else cash) against
# kaspi-sandbox whose buyer pays after a second, each killed with SIGKILL
# after a seeded random delay of 0–3 s (before its create, while its part
# waits, after it is paid, after the sale is complete), then `reconcile`.
# Once the sandbox has settled every payment and a last reconcile has run,
# the invariants over the journal's JSON, the X report's JSON, reconcile's
# output and the sandbox's own view of every payment:
#   - no split sale is left pending;
#   - a completed sale's paid tenders add up to its total, each paid Kaspi
#     part succeeded, any other Kaspi try of it final and unpaid;
#   - a given-up (abandoned) sale has each paid part named by reconcile,
#     and none of its parts is a tender of another sale;
#   - a cancelled sale has no paid part;
#   - every payment the sandbox holds is one journal order, each the sandbox
#     says is paid exactly one succeeded part order, the till's succeeded
#     orders all paid on the sandbox;
#   - the X report's total is the sum of the complete sales, once each.
# The seed is printed: KP_KILL_SEED=N replays a run.
#
#   tests/cli/sale_kill.sh        (KP_POS, KP_SANDBOX: the binaries to test)
set -u
cd "$(dirname "$0")/../.." || exit 1
root=$(pwd)
POS=${KP_POS:-$root/${KP_BUILD:-build}/kaspi-pos}
SBX=${KP_SANDBOX:-$root/${KP_BUILD:-build}/kaspi-sandbox}
for b in "$POS" "$SBX"; do
	[ -x "$b" ] || { echo "no $b: run make first"; echo "0 passed, 1 failed"; exit 1; }
done
for t in sqlite3 python3; do
	command -v $t >/dev/null || { echo "needs $t"; echo "0 passed, 1 failed"; exit 1; }
done

SEED=${KP_KILL_SEED:-20261204}
RUNS=${KP_KILL_RUNS:-20}
echo "info seed $SEED, $RUNS runs (KP_KILL_SEED=$SEED replays them)"
RANDOM=$SEED

export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset LANGUAGE KASPI_WEBHOOK_SECRET NO_COLOR
KEY=xdev_s4le0kill0sh0key0001
MERCHANT=123456789012
work=$(mktemp -d)
SBX_PID=
cleanup() {
	[ -n "$SBX_PID" ] && kill "$SBX_PID" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

passed=0 failed=0
ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() {
	echo "FAIL $1"
	failed=$((failed + 1))
	shift
	local l
	for l in "$@"; do printf '%s\n' "$l" | sed 's/^/     | /'; done
}

"$SBX" --port 0 --key "$KEY" --merchant "$MERCHANT" --pay-after 1 >"$work/sbx.out" 2>"$work/sbx.err" &
SBX_PID=$!
for _ in $(seq 50); do grep -q 'listening on' "$work/sbx.out" && break; sleep 0.1; done
URL=$(sed -n 's/^listening on //p' "$work/sbx.out")
[ -n "$URL" ] || { bad "the sandbox starts" "$(cat "$work/sbx.err")"; echo "$passed passed, $failed failed"; exit 1; }

export KASPI_POS_HOME=$work/home XDG_CONFIG_HOME=$work/cfg KASPI_XDEV_KEY=$KEY KASPI_MERCHANT_ID=$MERCHANT
export KASPI_BASE_URL=$URL
mkdir -p "$work/cfg/kaspi-pos"
printf '[till]\nid = T09\n' >"$work/cfg/kaspi-pos/config.ini"
"$POS" catalog import data/catalog.csv >/dev/null || bad "the catalog imports"
DB=$KASPI_POS_HOME/kaspi-pos.db
q() { sqlite3 "$DB" "$1"; }
: >"$work/reconcile.log"

# GR-0027 790,00 ₸ + GR-0025 549,00 ₸ = 1 339,00 ₸
for run in $(seq "$RUNS"); do
	x=$((100 + RANDOM % 1200))
	if [ $((RANDOM % 4)) = 0 ]; then
		tiyn=13 # a quarter declined by the buyer (the sandbox's magic amount)
	else
		tiyn=$((RANDOM % 100))
		case $tiyn in 13 | 66 | 99) tiyn=0 ;; esac
	fi
	amount=$(printf '%d.%02d' "$x" "$tiyn")
	args=(GR-0027 GR-0025 --tender "qr:$amount" --tender cash)
	[ $((RANDOM % 4)) = 0 ] && args+=(--else cash)
	ms=$((RANDOM % 3001))
	delay=$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))
	"$POS" sale "${args[@]}" >"$work/sale.out" 2>&1 &
	pid=$!
	sleep "$delay"
	if kill -KILL "$pid" 2>/dev/null; then how=killed; else how=finished; fi
	wait "$pid" 2>/dev/null
	echo "info run $run: ${args[*]:2}, SIGKILL at $delay s: $how before it"
	"$POS" reconcile >>"$work/reconcile.log" 2>&1
done

# the sandbox's buyer pays or declines every part a second after its create:
# then one last reconcile settles the parts and the sales that waited on them
sleep 1.5
for _ in 1 2 3; do
	"$POS" reconcile >>"$work/reconcile.log" 2>&1
	[ "$(q "SELECT count(*) FROM orders WHERE method = 'split' AND state = 'pending'")" = 0 ] && break
	sleep 1
done

"$POS" journal --format json >"$work/journal.json" || bad "the journal's JSON"
"$POS" report x --format json >"$work/x.json" || bad "the X report's JSON"
echo "info sales: $(q "SELECT group_concat(state || ' ' || n, ', ') FROM (SELECT state, count(*) AS n FROM orders WHERE method = 'split' GROUP BY state)")"

python3 - "$work/journal.json" "$work/x.json" "$work/reconcile.log" "$URL" "$KEY" "$MERCHANT" <<'EOF' >"$work/checks.txt"
import json, sys, urllib.request
journal, xrep, log, url, key, merchant = sys.argv[1:7]
d = json.load(open(journal))
x = json.load(open(xrep))
said = open(log, encoding="utf-8").read()
orders = {o["id"]: o for o in d["orders"]}
sales = [o for o in orders.values() if o["method"] == "split"]
checks = []
def check(name, ok, detail=""):
    checks.append(("ok  " if ok else "FAIL") + " " + name + ("" if ok or not detail else "\n     | " + str(detail)))

def server(pay):
    rq = urllib.request.Request(url + "/payments/" + pay, headers={
        "Authorization": "Bearer " + key, "X-Merchant-Id": merchant})
    with urllib.request.urlopen(rq, timeout=10) as r:
        return json.load(r)

pending = [s["merchant_order_id"] for s in sales if s["state"] == "pending"]
check("no split sale is left pending", not pending, pending)

owner = {}  # part order → the sales whose tenders name it
for s in sales:
    for t in s["tenders"]:
        if "part_order" in t:
            owner.setdefault(t["part_order"], []).append(s["id"])
doubled = {p: v for p, v in owner.items() if len(v) > 1}
check("no part order is a tender of two sales", not doubled, doubled)
strays = [o["merchant_order_id"] for o in orders.values() if o["part_of"] and o["id"] not in owner]
check("every part order is a tender of its sale", not strays, strays)

bad = []
for s in (s for s in sales if s["state"] == "succeeded"):
    paid = sum(t["amount"] for t in s["tenders"] if t["paid"])
    if paid != s["amount"]:
        bad.append("%s: paid %d of %d" % (s["merchant_order_id"], paid, s["amount"]))
    for t in s["tenders"]:
        if "part_order" not in t:
            continue
        if t["paid"] and t["part_state"] != "succeeded":
            bad.append("%s: a paid part %s" % (s["merchant_order_id"], t["part_state"]))
        if not t["paid"] and t["part_state"] not in ("cancelled", "failed", "expired"):
            bad.append("%s: an unpaid try %s" % (s["merchant_order_id"], t["part_state"]))
check("a completed sale's paid tenders add up to its total, its Kaspi parts paid or final", not bad, bad)

bad = []
for s in (s for s in sales if s["state"] == "abandoned"):
    for t in s["tenders"]:
        if t.get("part_order") and t["paid"]:
            part = orders[t["part_order"]]["merchant_order_id"]
            named = "sale %s was not finished: its Kaspi part %s paid" % (s["merchant_order_id"], part)
            if named not in said:
                bad.append("%s: part %s not named" % (s["merchant_order_id"], part))
    if not any(t["paid"] for t in s["tenders"]):
        bad.append("%s: given up with no paid part" % s["merchant_order_id"])
check("a given-up sale has each paid part named by reconcile", not bad, bad)

bad = [s["merchant_order_id"] for s in sales if s["state"] == "cancelled" and any(t["paid"] for t in s["tenders"])]
check("a cancelled sale has no paid part", not bad, bad)

# the sandbox's view: every payment it holds is one journal order
by_pay = {}
for o in orders.values():
    if o["payment_id"]:
        by_pay.setdefault(o["payment_id"], []).append(o)
rq = urllib.request.Request(url + "/sandbox/stats", headers={
    "Authorization": "Bearer " + key, "X-Merchant-Id": merchant})
with urllib.request.urlopen(rq, timeout=10) as r:
    stats = json.load(r)
check("every payment the sandbox created is in the journal (%d)" % stats["payments_created"],
      stats["payments_created"] == len(by_pay), (stats, len(by_pay)))
bad = []
paid_on_server = 0
for pay, os in by_pay.items():
    p = server(pay)
    if len(os) != 1:
        bad.append("%s: %d orders" % (pay, len(os)))
        continue
    o = os[0]
    if p["merchant_order_id"] != o["merchant_order_id"]:
        bad.append("%s: the server's order %s" % (pay, p["merchant_order_id"]))
    if p["status"] == "succeeded":
        paid_on_server += 1
        if o["state"] != "succeeded" or not o["part_of"] or len(owner.get(o["id"], [])) != 1:
            bad.append("%s paid: the journal's %s %s" % (pay, o["merchant_order_id"], o["state"]))
    elif o["state"] == "succeeded":
        bad.append("%s %s on the server, paid in the journal" % (pay, p["status"]))
check("every payment the sandbox says is paid is one succeeded part order (%d paid)" % paid_on_server,
      not bad, bad)

complete = [o for o in orders.values() if o["part_of"] is None and o["state"] == "succeeded"]
want = (len(complete), sum(o["amount"] for o in complete))
got = (x["sales"]["total"]["count"], x["sales"]["total"]["amount"])
check("the X report's total is the complete sales once each %s" % (want,), got == want, got)
print("\n".join(checks))
EOF
while IFS= read -r line; do
	case $line in
	"ok   "*) ok "${line#ok   }" ;;
	"FAIL "*) bad "${line#FAIL }" ;;
	*) printf '%s\n' "$line" ;;
	esac
done <"$work/checks.txt"
[ -s "$work/checks.txt" ] || bad "the checks ran"
if [ "$failed" -gt 0 ]; then
	echo "---- reconcile said:"
	sed 's/^/     | /' "$work/reconcile.log"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
