#!/usr/bin/env bash
# kill.sh — every row arrives exactly once whatever dies mid-ingest: two
# tills ship a growing journal (real sales, then events written through
# the outbox's triggers, 300 rows a round) in batches of 7 while, after a
# seeded random delay of 0-150 ms, the hub (odd rounds) or one till's
# sync (even rounds) is SIGKILLed; the hub is started again and each till
# syncs until it says the hub holds every row. Then, per till: the hub
# holds as many rows as the outbox, numbered 1..N once each, equal to
# the outbox payload for payload, and the chain checks out in SQL. The
# seed is printed (KP_KILL_SEED replays).
#
#   tests/hub/kill.sh
. "$(dirname "$0")/lib.sh"
need sqlite3 python3
SEED=${KP_KILL_SEED:-$(( $(date +%s) % 100000 ))}
RANDOM=$SEED
echo "info seed $SEED (KP_KILL_SEED=$SEED replays)"
ROUNDS=8

pg_start
"$HUB" init >/dev/null || bad "init"
hub_start
TILL_BATCH=7
for t in T01 T02; do
	tok=$("$HUB" till add S1 $t 2>/dev/null) || bad "till add $t"
	till_setup $t "$tok"
	till $t catalog import data/catalog.csv >/dev/null
	for i in 1 2 3; do till $t sale GR-0027 --tender cash >/dev/null 2>&1 || bad "a sale on $t"; done
done

# 300 rows more on till $1, through the triggers as the till writes them
grow() {
	python3 "$ROOT/tests/tools/journal_sql.py" "$WORK/till-$1/home/kaspi-pos.db" \
		"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
		 INSERT INTO events (at, kind, detail) SELECT strftime('%s', 'now'), 'note', 'round ' || i FROM n;"
}
# sync till $1 until it says every row is held (at most 6 tries)
settle() {
	local i
	for i in 1 2 3 4 5 6; do till "$1" sync >/dev/null 2>&1 && return 0; done
	return 1
}

mid=0
for round in $(seq $ROUNDS); do
	grow T01; grow T02
	till T01 sync >/dev/null 2>&1 & s1=$!
	till T02 sync >/dev/null 2>&1 & s2=$!
	delay=$((RANDOM % 150))
	sleep "$(printf '0.%03d' "$delay")"
	if [ $((round % 2)) = 1 ]; then
		kill -9 "$HUB_PID" 2>/dev/null; wait "$HUB_PID" 2>/dev/null; HUB_PID=""
		what="the hub"
	else
		victim=$s1; [ $((RANDOM % 2)) = 0 ] && victim=$s2
		kill -9 "$victim" 2>/dev/null
		what="a till's sync"
	fi
	wait "$s1"; r1=$?
	wait "$s2"; r2=$?
	[ "$r1" != 0 ] || [ "$r2" != 0 ] && mid=$((mid + 1))
	echo "info round $round: $what killed after $delay ms (sync exits $r1 $r2)"
	[ -n "$HUB_PID" ] || hub_start
	settle T01 || bad "round $round: T01 ships everything after the kill"
	settle T02 || bad "round $round: T02 ships everything after the kill"
done
echo "info $mid of $ROUNDS kills came while a sync was under way"

for t in T01 T02; do
	n=$(till_q $t "SELECT count(*) FROM outbox")
	is "$t: the hub holds every row once, 1..$n" \
		"$(psql_q "SELECT count(*), count(DISTINCT seq), min(seq), max(seq) FROM journal_rows WHERE till_id = '$t'")" "$n|$n|1|$n"
	till_q $t "SELECT seq, tbl, op, prev_hash, hash, payload FROM outbox ORDER BY seq" >"$WORK/$t.till"
	psql_q "SELECT seq, tbl, op, prev_hash, hash, payload FROM journal_rows WHERE till_id = '$t' ORDER BY seq" >"$WORK/$t.hub"
	cmp -s "$WORK/$t.till" "$WORK/$t.hub" && ok "$t: the hub's rows equal the outbox" ||
		bad "$t: the hub's rows equal the outbox" "$(diff "$WORK/$t.till" "$WORK/$t.hub" | head -3)"
	is "$t: the chain checks out in SQL" "$(psql_q "SELECT count(*) FROM (SELECT prev_hash, hash, payload, tbl, op, seq,
		lag(hash, 1, repeat('0', 64)) OVER (ORDER BY seq) AS before FROM journal_rows WHERE till_id = '$t') r
		WHERE prev_hash = before
		  AND hash = encode(sha256(convert_to(prev_hash || seq || tbl || op || payload, 'UTF8')), 'hex')")" "$n"
	is "$t: acknowledged to the last row" "$(till_q $t "SELECT seq FROM outbox_acked")" "$n"
done
[ "$mid" -gt 0 ] && ok "some kills came mid-ingest" || bad "some kills came mid-ingest (seed $SEED)"
finish
