# lib.sh — sourced by tests/hub/*.sh: a throwaway PostgreSQL cluster of
# the test's own (initdb in a temporary folder, the server on a Unix
# socket in that folder and no TCP port, so tests running at once share
# nothing), kaspi-hub on a free port, and the ok/bad counters. Everything
# is stopped and removed at exit.
#
#   . tests/hub/lib.sh; pg_start; hub_init; hub_start; ...; finish
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
ROOT=$PWD
POS=${KP_POS:-$ROOT/build/kaspi-pos}
HUB=${KP_HUB:-$ROOT/build/kaspi-hub}
SBX=${KP_SANDBOX:-$ROOT/build/kaspi-sandbox}
PG_BIN=${KP_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}

passed=0 failed=0
ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/     | /'; failed=$((failed + 1)); }
is() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "got: $2 | want: $3${4:+ | $4}"; fi; }
has() { if printf '%s' "$2" | grep -qE -- "$3"; then ok "$1"; else bad "$1" "no /$3/ in: $2"; fi; }
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit; }
need() { for t in "$@"; do command -v "$t" >/dev/null || { echo "needs $t"; echo "0 passed, 1 failed"; exit 1; }; done; }

WORK=$(mktemp -d /tmp/kp-hub-XXXXXX)
HUB_PID="" SBX_PID="" PG_DIR=""
cleanup() {
	[ -n "$HUB_PID" ] && kill "$HUB_PID" 2>/dev/null && wait "$HUB_PID" 2>/dev/null
	[ -n "$SBX_PID" ] && kill "$SBX_PID" 2>/dev/null && wait "$SBX_PID" 2>/dev/null
	[ -n "$PG_DIR" ] && [ -d "$PG_DIR/data" ] && as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1
	rm -rf "$WORK" "$PG_DIR"
}
trap cleanup EXIT

# PostgreSQL refuses to run as root: root runs it as postgres.
as_pg() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Starts the cluster and makes the database hub; HUB_DB is its URL.
pg_start() {
	[ -x "$PG_BIN/initdb" ] || { echo "needs PostgreSQL's server (make deps)"; echo "0 passed, 1 failed"; exit 1; }
	PG_DIR=$(mktemp -d /tmp/kp-pg-XXXXXX)
	[ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
	chmod 700 "$PG_DIR"
	as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres -E UTF8 --no-locale >"$PG_DIR/initdb.log" 2>&1 ||
		{ bad "initdb" "$(tail -5 "$PG_DIR/initdb.log")"; finish; }
	as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
		-o "-k $PG_DIR -c listen_addresses='' -c fsync=off" start >/dev/null 2>&1 ||
		{ bad "pg_ctl start" "$(tail -5 "$PG_DIR/server.log")"; finish; }
	as_pg "$PG_BIN/createdb" -h "$PG_DIR" -U postgres hub || { bad "createdb"; finish; }
	HUB_DB="postgresql:///hub?host=$PG_DIR&user=postgres"
	export KASPI_HUB_DB=$HUB_DB
}

# psql on the hub's database: one value per line, | between columns.
psql_q() { as_pg "$PG_BIN/psql" -h "$PG_DIR" -U postgres -d hub -XAtq -v ON_ERROR_STOP=1 -c "$1"; }

# Starts kaspi-hub on a free port (its options may follow); HUB_URL is its base URL.
hub_start() {
	"$HUB" --listen 127.0.0.1:0 "$@" >"$WORK/hub.out" 2>>"$WORK/hub.err" &
	HUB_PID=$!
	for _ in $(seq 100); do
		HUB_URL=$(sed -n 's/^listening on //p' "$WORK/hub.out")
		[ -n "$HUB_URL" ] && return 0
		kill -0 "$HUB_PID" 2>/dev/null || break
		sleep 0.05
	done
	bad "kaspi-hub starts" "$(cat "$WORK/hub.err")"
	finish
}

hub_stop() {
	[ -n "$HUB_PID" ] && kill "${1:--TERM}" "$HUB_PID" 2>/dev/null
	wait "$HUB_PID" 2>/dev/null
	HUB_PID=""
}

# A till's folder: $1 its id; config with the hub and its token ($2).
till_setup() {
	local id=$1 token=$2 dir=$WORK/till-$1
	mkdir -p "$dir/cfg/kaspi-pos" "$dir/home"
	cat >"$dir/cfg/kaspi-pos/config.ini" <<EOC
[till]
id = $id
[printer]
mode = none
[hub]
url = ${HUB_URL:-http://127.0.0.1:9}
token = $token
batch = ${TILL_BATCH:-500}
timeout = 10
EOC
	chmod 600 "$dir/cfg/kaspi-pos/config.ini"
}

# Runs kaspi-pos as till $1: till T01 sale ...
till() {
	local id=$1; shift
	KASPI_POS_HOME=$WORK/till-$id/home XDG_CONFIG_HOME=$WORK/till-$id/cfg KASPI_HUB_URL=$HUB_URL \
		"$POS" "$@"
}

# sqlite3 on till $1's journal.
till_q() { sqlite3 "$WORK/till-$1/home/kaspi-pos.db" "$2"; }
