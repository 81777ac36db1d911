#!/usr/bin/env bash
# make hub-demo: a chain in one command. Starts a PostgreSQL cluster of its
# own (build/hub-demo/pg, on a Unix socket there, no TCP port), kaspi-hub
# on a free loopback port, kaspi-sandbox (the buyer pays a few seconds
# after the QR) and a kassa-sandbox per till, and two tills of two shops
# (T01 of the store almaty, T02 of the store astana), each shipping its
# journal to the hub, in one tmux session: a window per till and one with
# the hub's log. Leaving tmux (Ctrl-b d, or both tills quit) stops it all.
#
#   tests/hub-demo.sh [--smoke]   --smoke: no tmux; a sale on each till,
#                                 shipped with kaspi-pos sync, then stop
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${KP_BUILD:-$here/build}
POS=$build/kaspi-pos HUB=$build/kaspi-hub SBX=$build/kaspi-sandbox KSX=$build/kassa-sandbox
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
smoke=false
[ "${1:-}" = --smoke ] && smoke=true
[ -x "$PG_BIN/initdb" ] || { echo "hub-demo needs PostgreSQL's server: make deps"; exit 1; }
command -v tmux >/dev/null || { echo "hub-demo needs tmux: make deps"; exit 1; }

set -a
. "$here/data/demo.env"
set +a
demo=${KP_HUB_DEMO_DIR:-$build/hub-demo}
session=kaspi-hub-demo
# a tmux server of its own: whatever tmux the user is in
tm() { env -u TMUX tmux -L "kaspi-hub-demo-$$" "$@"; }
pids=()
pg_dir=
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
stop_all() {
	tm kill-server 2>/dev/null || true
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	[ -n "$pg_dir" ] && as_pg "$PG_BIN/pg_ctl" -D "$pg_dir/data" -m fast stop >/dev/null 2>&1 || true
}
trap stop_all EXIT

rm -rf "$demo"
mkdir -p "$demo"
# PostgreSQL refuses to run as root: its folder is postgres's then
pg_dir=$demo/pg
mkdir -p "$pg_dir"
chmod 700 "$pg_dir"
[ "$(id -u)" = 0 ] && chown postgres "$pg_dir"
as_pg "$PG_BIN/initdb" -D "$pg_dir/data" -A trust -U postgres -E UTF8 --no-locale >"$demo/initdb.log" 2>&1 ||
	{ echo "initdb failed: see $demo/initdb.log"; exit 1; }
as_pg "$PG_BIN/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
	-o "-k $pg_dir -c listen_addresses=''" start >/dev/null
as_pg "$PG_BIN/createdb" -h "$pg_dir" -U postgres hub
export KASPI_HUB_DB="postgresql:///hub?host=$pg_dir&user=postgres"
"$HUB" init >/dev/null

# a program that prints "listening on URL" first: starts it, URL into $started
start() { # LOG PROGRAM ARGS...
	local log=$1
	shift
	"$@" >"$log.out" 2>"$log.err" &
	pids+=($!)
	for _ in $(seq 100); do
		started=$(sed -n 's/^listening on //p' "$log.out")
		[ -n "$started" ] && return 0
		sleep 0.05
	done
	echo "$1 did not start: see $log.err"
	exit 1
}
start "$demo/hub" "$HUB" --listen 127.0.0.1:0
hub_url=$started
start "$demo/sandbox" "$SBX" --port 0 --pay-after 6 --key "$KASPI_XDEV_KEY" --merchant "$KASPI_MERCHANT_ID"
export KASPI_BASE_URL=$started

# a till: its folder, its register, its config, the catalog and the users
till() { # ID STORE CITY
	local id=$1 store=$2 city=$3 dir=$demo/$1 token
	mkdir -p "$dir/home" "$dir/cfg/kaspi-pos"
	token=$("$HUB" till add "$store" "$id" 2>/dev/null)
	start "$dir/kassa" "$KSX" --port 0
	cat >"$dir/cfg/kaspi-pos/config.ini" <<EOF
[store]
name = Магазин «Береке», $city
[till]
id = $id
[printer]
mode = file
file = $dir/paper.bin
[fiscal]
provider = webkassa
base_url = $started
[hub]
url = $hub_url
token = $token
EOF
	chmod 600 "$dir/cfg/kaspi-pos/config.ini"
	local env="KASPI_POS_HOME=$dir/home XDG_CONFIG_HOME=$dir/cfg"
	env $env "$POS" catalog import "$here/data/catalog.csv" >/dev/null
	printf '1111\n1111\n' | env $env "$POS" user add 'Айгерим' --role cashier >/dev/null
	printf '9999\n9999\n' | env $env "$POS" user add 'Manager' --role manager >/dev/null
	eval "env_$id=\"\$env\""
}
till T01 almaty Алматы
till T02 astana Астана
echo "kaspi-hub: $hub_url (database: $KASPI_HUB_DB; log: $demo/hub.err)"

if $smoke; then
	for id in T01 T02; do
		eval "e=\$env_$id"
		env $e "$POS" sale GR-0025 --tender cash >/dev/null
		env $e "$POS" sync
	done
	echo "the hub holds, per till:"
	as_pg "$PG_BIN/psql" -h "$pg_dir" -U postgres -d hub -XAtq \
		-c "SELECT t.store_id, t.till_id, count(r.seq) FROM tills t LEFT JOIN journal_rows r USING (till_id) GROUP BY 1, 2 ORDER BY 2"
	exit 0
fi

eval "e1=\$env_T01; e2=\$env_T02"
tm new-session -d -s "$session" -n T01 -x 100 -y 30 "env $e1 '$POS'"
tm new-window -t "$session" -n T02 "env $e2 '$POS'"
tm new-window -t "$session" -n hub "tail -f '$demo/hub.err'"
tm select-window -t "$session:T01"
echo "Two tills in tmux: Ctrl-b n goes to the next window (T01, T02, the hub's log)."
echo "Log in as Айгерим (PIN 1111) or Manager (PIN 9999); each sale reaches the hub by itself."
echo "Ctrl-b d leaves and stops the demo."
sleep 1
tm attach -t "$session"
