#!/usr/bin/env bash
# cli.sh — kaspi-hub's command line: --help and data/kaspi-hub.1 name the
# same options, the page renders without a warning; usage errors exit 2
# with one line (no database, an unknown option or command, a bad
# --listen, --port or fault rate, bad ids); a database that is not there
# exits 1 with one line; serving prints "listening on" and stops with 0 on
# SIGTERM; a port in use exits 1 with one line; a newer schema than the
# program's is refused.
#
#   tests/hub/cli.sh
. "$(dirname "$0")/lib.sh"
need groff
unset KASPI_HUB_DB

help=$("$HUB" --help); rc=$?
is "--help: exit 0" "$rc" 0
opts_help=$(printf '%s\n' "$help" | grep -oE -- '--[a-z][a-z-]+' | sort -u | tr '\n' ' ')
opts_man=$(grep -oE '^\.(B|BI|BR|RB) +\\-\\-[a-z\\-]+' data/kaspi-hub.1 | sed 's/.*\\-\\-/--/; s/\\-/-/g' | sort -u | tr '\n' ' ')
is "--help and the man page name the same options" "$opts_help" "$opts_man"
warn=$(groff -t -man -Tascii -ww -z data/kaspi-hub.1 2>&1)
is "the man page renders without a warning" "$warn" ""

one_line() { # NAME WANT-RC PATTERN COMMAND...
	local name=$1 want=$2 re=$3 out rc
	shift 3
	out=$("$@" 2>&1); rc=$?
	is "$name: exit $want" "$rc" "$want" "$out"
	is "$name: one line" "$(printf '%s\n' "$out" | wc -l)" 1
	has "$name: says what" "$out" "$re"
}
one_line "no database" 2 'no database: give --db' "$HUB" init
one_line "an unknown option" 2 'unknown option --nope' "$HUB" --db x --nope
one_line "an unknown command" 2 'unknown command' "$HUB" --db x frobnicate
one_line "a bad --listen" 2 'ADDR:PORT' "$HUB" --db x --listen 127.0.0.1
one_line "a bad --port" 2 '0 to 65535' "$HUB" --db x --port 70000
one_line "a bad fault rate" 2 '0 to 1' "$HUB" --db x --fault-drop-rate 2
one_line "a bad till id" 2 '1 to 32 letters' "$HUB" --db x till add S1 'T 01'
one_line "a database that is not there" 1 'cannot connect to the database' \
	"$HUB" --db "postgresql:///hub?host=$WORK/none" init
one_line "serving without a database" 1 'cannot connect to the database' \
	"$HUB" --db "postgresql:///hub?host=$WORK/none" --listen 127.0.0.1:0

pg_start
"$HUB" init >/dev/null || bad "init"
hub_start
has "serving: listening on" "$HUB_URL" '^http://127\.0\.0\.1:[0-9]+$'
is "health" "$(curl -s "$HUB_URL/api/v1/health")" '{"status":"ok","schema":2}'
is "an unknown path: 404" "$(curl -s -o /dev/null -w '%{http_code}' "$HUB_URL/api/v1/nope")" 404
is "GET on ingest: 405" "$(curl -s -o /dev/null -w '%{http_code}' "$HUB_URL/api/v1/ingest")" 405
one_line "a port in use" 1 'cannot listen on 127.0.0.1:' "$HUB" --listen "${HUB_URL#http://}"
hub_stop -TERM
is "SIGTERM: stopped, said once" "$(grep -c 'stopped (SIGTERM)' "$WORK/hub.err")" 1
psql_q "UPDATE hub_schema SET version = 99"
one_line "a newer schema" 1 'newer than this kaspi-hub' "$HUB" init
finish
