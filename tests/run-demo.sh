#!/usr/bin/env bash
# make run: starts kaspi-sandbox on a free loopback port with the demo key
# and a simulated buyer, and kassa-sandbox, the fiscal register, points the
# till at both, opens the till, and stops them when the till exits.
set -eu
pos_bin=${1:-build/kaspi-pos}
sbx=${2:-build/kaspi-sandbox}
ksx=${3:-$(dirname "$sbx")/kassa-sandbox}
here=$(cd "$(dirname "$0")/.." && pwd)
pos() { "$pos_bin" --config "$here/data/demo.ini" "$@"; }

set -a
. "$here/data/demo.env"
set +a
export KASPI_POS_HOME=${KASPI_POS_HOME:-$here/build/demo-home}
mkdir -p "$KASPI_POS_HOME"

fifo=$(mktemp -u)
mkfifo "$fifo"
"$sbx" --port 0 --pay-after 8 --key "$KASPI_XDEV_KEY" --merchant "$KASPI_MERCHANT_ID" \
	>"$fifo" 2>"$KASPI_POS_HOME/sandbox.log" &
sbx_pid=$!
ksx_pid=
trap 'kill $sbx_pid $ksx_pid 2>/dev/null; wait $sbx_pid $ksx_pid 2>/dev/null; rm -f "$fifo" "$fifo.k"' EXIT
exec 3<"$fifo" # held open, so the sandbox never writes into a closed pipe
read -r -t 10 line <&3 || { echo "kaspi-sandbox did not start: see $KASPI_POS_HOME/sandbox.log"; exit 1; }
case "$line" in
"listening on "*) KASPI_BASE_URL=${line#listening on } ;;
*) echo "kaspi-sandbox said: $line"; exit 1 ;;
esac
export KASPI_BASE_URL
echo "kaspi-sandbox: $KASPI_BASE_URL (log: $KASPI_POS_HOME/sandbox.log)"

mkfifo "$fifo.k"
"$ksx" --port 0 --api-key "$WEBKASSA_API_KEY" --login "$WEBKASSA_LOGIN" --password "$WEBKASSA_PASSWORD" \
	--cashbox "$WEBKASSA_CASHBOX" >"$fifo.k" 2>"$KASPI_POS_HOME/kassa.log" &
ksx_pid=$!
exec 4<"$fifo.k"
read -r -t 10 line <&4 || { echo "kassa-sandbox did not start: see $KASPI_POS_HOME/kassa.log"; exit 1; }
case "$line" in
"listening on "*) WEBKASSA_URL=${line#listening on } ;;
*) echo "kassa-sandbox said: $line"; exit 1 ;;
esac
export WEBKASSA_URL
echo "kassa-sandbox: $WEBKASSA_URL (log: $KASPI_POS_HOME/kassa.log); receipts print to $KASPI_POS_HOME/paper.bin"

# The demo store: the catalog and the two users the README names.
pos catalog import "$here/data/catalog.csv" >/dev/null
if ! pos user list 2>/dev/null | grep -q 'Айгерим'; then
	printf '1111\n1111\n' | pos user add 'Айгерим' --role cashier >/dev/null
fi
if ! pos user list 2>/dev/null | grep -q 'Manager'; then
	printf '9999\n9999\n' | pos user add 'Manager' --role manager >/dev/null
fi
pos health || true
echo "Log in as Айгерим (PIN 1111) or Manager (PIN 9999)."
echo "The customer display: open the address the till writes to $KASPI_POS_HOME/display.url (Ctrl-D on the sale screen shows it as a QR)."
sleep 1
pos
