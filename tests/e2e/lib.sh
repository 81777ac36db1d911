# lib.sh — shared by the end-to-end tests: a kaspi-sandbox on a free port,
# a fresh KASPI_POS_HOME with the demo catalog and users, and the real
# till in a tmux pane driven by send-keys and read by capture-pane.
# Each test script sources this, calls e2e_setup, then check/expect_screen,
# and ends with e2e_finish (prints "N passed, N failed").

set -u
E2E_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
POS=${KP_POS:-$E2E_ROOT/build/kaspi-pos}
SBX=${KP_SANDBOX:-$E2E_ROOT/build/kaspi-sandbox}
E2E_PASSED=0
E2E_FAILED=0
E2E_TMP=$(mktemp -d)
E2E_SOCK="kp-e2e-$$"
SBX_PID=

export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color
export KASPI_POS_HOME="$E2E_TMP/home"
export KASPI_XDEV_KEY=xdev_e2etest0000000000000 KASPI_MERCHANT_ID=123456789012
unset KASPI_WEBHOOK_SECRET NO_COLOR
export XDG_CONFIG_HOME="$E2E_TMP/config"

tm() { tmux -L "$E2E_SOCK" "$@"; }

e2e_cleanup() {
	tm kill-server 2>/dev/null
	[ -n "$SBX_PID" ] && kill "$SBX_PID" 2>/dev/null && wait "$SBX_PID" 2>/dev/null
	rm -rf "$E2E_TMP"
}
trap e2e_cleanup EXIT

pos() { "$POS" "$@"; }

# Starts the sandbox, imports the demo catalog, adds the demo users.
e2e_setup() {
	mkdir -p "$KASPI_POS_HOME" "$XDG_CONFIG_HOME/kaspi-pos"
	"$SBX" --port "${E2E_SBX_PORT:-0}" --pay-after 0 --key "$KASPI_XDEV_KEY" --merchant "$KASPI_MERCHANT_ID" \
		>"$E2E_TMP/sbx.out" 2>"$E2E_TMP/sbx.err" &
	SBX_PID=$!
	for _ in $(seq 50); do grep -q '^listening on' "$E2E_TMP/sbx.out" 2>/dev/null && break; sleep 0.1; done
	export KASPI_BASE_URL=$(sed -n 's/^listening on //p' "$E2E_TMP/sbx.out")
	[ -n "$KASPI_BASE_URL" ] || { echo "sandbox did not start"; cat "$E2E_TMP/sbx.err"; exit 1; }
	pos catalog import "$E2E_ROOT/data/catalog.csv" >/dev/null || exit 1
	printf '1111\n1111\n' | pos user add 'Айгерим' --role cashier >/dev/null || exit 1
	printf '9999\n9999\n' | pos user add 'Manager' --role manager >/dev/null || exit 1
}

# Starts the till in a tmux window of COLS×ROWS (default 80×24). Extra
# environment may be given as NAME=VALUE arguments.
till_start() {
	local cols=${TILL_COLS:-80} rows=${TILL_ROWS:-24}
	# a session that stays, so that the server outlives the till's
	tm has-session -t keep 2>/dev/null || tm new-session -d -s keep -x 20 -y 5 "sleep 3600"
	tm kill-session -t till 2>/dev/null
	tm new-session -d -s till -x "$cols" -y "$rows" \
		"env $* '$POS' 2>'$E2E_TMP/till.err'; echo TILL-EXITED \$?; sleep 600"
	wait_screen 'Log in|Войти|Кіру' 5
}

keys() { tm send-keys -t till "$@"; }
# Types text as a person does, a key every 60 ms: slower than a scanner,
# so six digits and Enter are not taken for a scan.
type_human() {
	local text=$1 i
	for ((i = 0; i < ${#text}; i++)); do
		tm send-keys -t till -l "${text:i:1}"
		sleep 0.06
	done
}
# Types text literally (no key names), as fast as tmux can: a scanner.
type_fast() { tm send-keys -t till -l "$1"; }
screen() { tm capture-pane -p -t till; }

# Waits up to $2 s (default 3) for the screen to match the regex $1.
wait_screen() {
	local re=$1 limit=${2:-3} i
	for i in $(seq $((limit * 20))); do
		screen | grep -Eq -- "$re" && return 0
		sleep 0.05
	done
	return 1
}

check() { # NAME, then a command that must succeed
	local name=$1
	shift
	if "$@"; then
		E2E_PASSED=$((E2E_PASSED + 1))
		echo "ok   $name"
	else
		E2E_FAILED=$((E2E_FAILED + 1))
		echo "FAIL $name"
		echo "---- screen:"
		screen | sed 's/^/    | /'
		[ -s "$E2E_TMP/till.err" ] && { echo "---- till stderr:"; sed 's/^/    | /' "$E2E_TMP/till.err"; }
	fi
}

expect_screen() { wait_screen "$1" "${2:-3}"; }
expect_no_screen() { sleep "${2:-0.3}"; ! screen | grep -Eq -- "$1"; }

# Up to 5 s for the journal's newest Kaspi payment to wait for the buyer
# (a sale split into parts is itself "pending" from the tender screen on:
# not that one).
wait_pending() {
	for _ in $(seq 50); do
		[ "$(sqlite3 "$KASPI_POS_HOME/kaspi-pos.db" "SELECT state FROM orders WHERE payment_id IS NOT NULL ORDER BY id DESC LIMIT 1" 2>/dev/null)" = pending ] && return 0
		sleep 0.1
	done
	return 1
}

# The shift's opening float, asked at a login while the open shift has
# none (the dialog's title in each language).
FLOAT_RE='The opening float|Размен на начало смены|Ауысым басындағы ұсақ ақша'
db_int() { sqlite3 "$KASPI_POS_HOME/kaspi-pos.db" "$1" 2>/dev/null || echo 0; }

# login NAME-POSITION (Down presses from the top) PIN: a right PIN into a
# shift without a float answers the opening float with Enter (none), so
# that the keys after login go to the sale; E2E_FLOAT=keep leaves the
# float dialog on the screen for the test. Whether the PIN was right is
# read from the events log (login, pin_wrong...), not guessed.
login() {
	local downs=$1 pin=$2 i ok0 bad0 need
	local bad="kind IN ('pin_wrong', 'user_locked', 'login_locked', 'login_unknown')"
	for i in $(seq "$downs"); do keys Down; done
	type_fast "$pin"
	ok0=$(db_int "SELECT count(*) FROM events WHERE kind = 'login'")
	bad0=$(db_int "SELECT count(*) FROM events WHERE $bad")
	need=$(db_int "SELECT NOT EXISTS (SELECT 1 FROM cash_moves m JOIN shifts s ON s.id = m.shift_id
	               WHERE s.closed_at IS NULL AND m.kind = 'float')")
	keys Enter
	[ "$need" = 1 ] && [ "${E2E_FLOAT:-}" != keep ] || return 0
	for i in $(seq 60); do
		[ "$(db_int "SELECT count(*) FROM events WHERE kind = 'login'")" != "$ok0" ] && break
		[ "$(db_int "SELECT count(*) FROM events WHERE $bad")" != "$bad0" ] && return 0
		sleep 0.05
	done
	wait_screen "$FLOAT_RE" 3 || return 0
	keys Enter
	for i in $(seq 60); do screen | grep -Eq -- "$FLOAT_RE" || return 0; sleep 0.05; done
}

e2e_finish() {
	echo "$E2E_PASSED passed, $E2E_FAILED failed"
	[ "$E2E_FAILED" -eq 0 ]
}
