#!/usr/bin/env bash
# push.sh — bench: the buyer pays → "Paid" on the till's screen through
# the push path (kaspi-sandbox's signed webhook → kaspi-hub's
# /webhooks/kaspi → the till's push stream → one status request), on a
# throwaway PostgreSQL cluster (tests/hub/lib.sh), the till on a
# pseudo-terminal (bench_pay --paid-only: the same measure as the polling
# figure, a random 0–3 s after the QR). Prints key value lines.
#
#   tests/bench/push.sh BUILD [N]     (N payments, default $BENCH_PUSH_N or 50)
build=${1:-build}
n=${2:-${BENCH_PUSH_N:-50}}
. "$(dirname "$0")/../hub/lib.sh"
case $build in /*) BENCH=$build/bench/bench_pay ;; *) BENCH=$ROOT/$build/bench/bench_pay ;; esac
KEY=xdev_bench000000000000000
MERCHANT=123456789012
SECRET=whsec_bench_push_000000000

pg_start
"$HUB" init >/dev/null 2>&1 || { echo "kaspi-hub init failed"; exit 1; }
token=$("$HUB" till add S1 T01 2>/dev/null)
hub_start --webhook-secret "$SECRET"
"$SBX" --port 0 --pay-after 0 --key "$KEY" --merchant "$MERCHANT" --webhook-secret "$SECRET" \
	>"$WORK/sbx.out" 2>"$WORK/sbx.err" &
SBX_PID=$!
for _ in $(seq 50); do grep -q 'listening on' "$WORK/sbx.out" && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$WORK/sbx.out")
[ -n "$url" ] || { echo "kaspi-sandbox did not start"; exit 1; }
export KASPI_XDEV_KEY=$KEY KASPI_MERCHANT_ID=$MERCHANT
export KASPI_HUB_URL=$HUB_URL KASPI_HUB_TOKEN=$token KASPI_CALLBACK_URL=$HUB_URL/webhooks/kaspi
mkdir -p "$WORK/home" "$WORK/config"
export XDG_CONFIG_HOME=$WORK/config
KASPI_POS_HOME=$WORK/home "$POS" catalog import data/catalog.csv >/dev/null &&
	printf '1111\n1111\n' | KASPI_POS_HOME=$WORK/home "$POS" user add 'Айгерим' --role cashier >/dev/null ||
	{ echo "till home setup failed"; exit 1; }
BENCH_PAY_PAID=$n "$BENCH" --paid-only "$POS" "$url" "$WORK/home" >"$WORK/pay" 2>"$WORK/pay.err" ||
	{ echo "bench_pay --paid-only failed"; cat "$WORK/pay.err"; exit 1; }
cat "$WORK/pay"
echo "pushes $(grep -c 'T01 pushed to 1 stream' "$WORK/hub.err")"
echo "webhooks_held $(psql_q "SELECT count(*) FROM webhook_events")"
