#!/usr/bin/env bash
# screen.sh — the till's shipping thread seen from the sale screen, with
# a real hub on a throwaway PostgreSQL cluster: after login the header
# says the hub holds everything ("hub: shipped"); with the hub frozen
# (SIGSTOP: its requests hang) a cash sale is still paid at once, and the
# header says how many rows wait and for how long; once the hub goes on
# the thread ships them by itself and the header says shipped again, the
# hub holding every row of the outbox once.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/lib.sh"
trap 'kill -CONT "$HUB_PID" 2>/dev/null; e2e_cleanup; cleanup' EXIT
need tmux sqlite3

pg_start
"$HUB" init >/dev/null || { echo "init failed"; echo "0 passed, 1 failed"; exit 1; }
hub_start
token=$("$HUB" till add S1 T01 2>/dev/null)
e2e_setup
cat >"$XDG_CONFIG_HOME/kaspi-pos/config.ini" <<EOC
[till]
id = T01
[printer]
mode = none
[hub]
url = $HUB_URL
token = $token
timeout = 20
EOC
chmod 600 "$XDG_CONFIG_HOME/kaspi-pos/config.ini"
DB=$KASPI_POS_HOME/kaspi-pos.db
held() { psql_q "SELECT count(*) FROM journal_rows WHERE till_id = 'T01'"; }
rows() { sqlite3 "$DB" "SELECT count(*) FROM outbox"; }
eventually() { local i; for i in $(seq 100); do "$@" && return 0; sleep 0.1; done; "$@"; }
all_held() { [ "$(psql_q "SELECT count(DISTINCT seq) || '|' || max(seq) FROM journal_rows")" = "$(rows)|$(rows)" ]; }

TILL_COLS=120 till_start
login 1 1111
check "logged in" expect_screen 'Hello, Айгерим'
check "the header: the hub holds everything" expect_screen 'hub: shipped' 6
check "the hub holds every row" eventually all_held

kill -STOP "$HUB_PID"
keys 4870000025008 Enter F6
check "the tender screen" expect_screen 'Payment of 549,00 ₸'
keys Enter
check "paid at once with the hub hanging" expect_screen 'Paid: T01-[0-9]+-000001' 2
check "the header: rows wait, and since when" expect_screen 'hub: [0-9]+ waiting, oldest [0-9]+ s' 4
h=$(held) r=$(rows)
check "the hub has not got them ($h of $r)" test "$h" -lt "$r"

kill -CONT "$HUB_PID"
check "shipped by itself once the hub goes on" expect_screen 'hub: shipped' 30
check "the hub holds every row once" eventually all_held
echo "info $(held) rows held, $(rows) in the outbox"
keys F10
e2e_finish
