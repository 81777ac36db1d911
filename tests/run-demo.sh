#!/usr/bin/env bash
# make run: starts kaspi-sandbox on a free loopback port with the demo key
# and a simulated buyer, points the till at it, opens the till, and stops
# the sandbox when the till exits.
set -eu
pos=${1:-build/kaspi-pos}
sbx=${2:-build/kaspi-sandbox}
here=$(cd "$(dirname "$0")/.." && pwd)

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
trap 'kill $sbx_pid 2>/dev/null; wait $sbx_pid 2>/dev/null; rm -f "$fifo"' EXIT
exec 3<"$fifo" # held open, so the sandbox never writes into a closed pipe
read -r -t 10 line <&3 || { echo "kaspi-sandbox did not start: see $KASPI_POS_HOME/sandbox.log"; exit 1; }
case "$line" in
"listening on "*) KASPI_BASE_URL=${line#listening on } ;;
*) echo "kaspi-sandbox said: $line"; exit 1 ;;
esac
export KASPI_BASE_URL
echo "kaspi-sandbox: $KASPI_BASE_URL (log: $KASPI_POS_HOME/sandbox.log)"

"$pos" health || true
if "$pos" --help 2>&1 | grep -q '^  kaspi-pos  *open the till'; then
	"$pos"
else
	# The till screen is not built yet: a shell with the demo environment,
	# so every command that exists can be tried against the sandbox.
	echo
	echo "Demo shell: kaspi-pos and kaspi-sandbox are on PATH, the environment points"
	echo "at the sandbox above. Try: kaspi-pos health, kaspi-pos version. 'exit' stops it."
	PATH="$(cd "$(dirname "$pos")" && pwd):$PATH" PS1='kaspi-demo$ ' bash --norc -i
fi
