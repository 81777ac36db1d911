#!/usr/bin/env bash
# display_browser.sh — the customer display measured in the browser: the
# real till in tmux against kaspi-sandbox (as tests/e2e/lib.sh sets them
# up), its display open in headless Chromium; then
# tests/bench/display_browser.py times "+" on a basket line → the event's
# arrival in the page, and F10 → the QR loaded on the page. Prints the
# table rows for run.sh.
#   tests/bench/display_browser.sh [N_PLUS [N_QR]]
. "$(dirname "$0")/../e2e/lib.sh"
N_PLUS=${1:-200}
N_QR=${2:-50}
command -v chromium >/dev/null || { echo "| (chromium is missing: make deps) | — | — | — |"; exit 0; }
e2e_setup >/dev/null
CDP="python3 $E2E_ROOT/tests/tools/cdp.py"
CHROME_PID=
stop_chrome() {
	[ -n "$CHROME_PID" ] || return 0
	kill -- -"$CHROME_PID" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$CHROME_PID" 2>/dev/null || break; sleep 0.1; done
}
trap 'stop_chrome; e2e_cleanup' EXIT
printf '[display]\nlisten = 127.0.0.1:0\n' >"$XDG_CONFIG_HOME/kaspi-pos/config.ini"
TILL_COLS=100 TILL_ROWS=40 till_start
login 1 1111
expect_screen 'Hello, Айгерим' || { echo "display_browser: no sale screen"; exit 1; }
keys 4870000025008 Enter
expect_screen 'TOTAL: 549,00 ₸' || { echo "display_browser: no basket"; exit 1; }
read -r PORT CHROME_PID < <($CDP start "$E2E_TMP") || { echo "display_browser: chromium did not start"; exit 1; }
$CDP "$PORT" open "$(cat "$KASPI_POS_HOME/display.url")"
$CDP "$PORT" wait "document.body.dataset.screen === 'basket'" 10 || { echo "display_browser: the page did not load"; exit 1; }
python3 "$E2E_ROOT/tests/bench/display_browser.py" "$PORT" "$E2E_SOCK" "$N_PLUS" "$N_QR" >"$E2E_TMP/browser" ||
	{ echo "display_browser: the measure failed"; exit 1; }
b() { awk -v k="$1" '$1==k {print $2}' "$E2E_TMP/browser"; }
echo "| \"+\" on the till (tmux send-keys) → the event in the page, $(b plus_event_n) | $(b plus_event_median_ms) ms | $(b plus_event_p99_ms) ms | < 50 ms |"
echo "| F10 → the payment's QR loaded in the page, $(b f10_qr_n) | $(b f10_qr_median_ms) ms | $(b f10_qr_p99_ms) ms | < 100 ms |"
echo "| of which a tmux client's start (send-keys), alone | $(b tmux_client_median_ms) ms | $(b tmux_client_p99_ms) ms | — |"
