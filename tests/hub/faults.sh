#!/usr/bin/env bash
# faults.sh — an answer lost after the hub stored the batch (the hub's
# --fault-drop-rate 0.3: the connection closed instead of the answer, a
# seeded choice) is the unknown outcome the till must not guess about: it
# sends the same batch again, which the hub takes as held (stored 0) and
# answers; `kaspi-pos sync`, run until it says so, leaves every row of a
# 600-row outbox on the hub once, equal to the outbox, acknowledged to the
# last. The seed is printed (KP_FAULT_SEED replays).
#
#   tests/hub/faults.sh
. "$(dirname "$0")/lib.sh"
need sqlite3 python3
SEED=${KP_FAULT_SEED:-$(( $(date +%s) % 100000 ))}
echo "info seed $SEED (KP_FAULT_SEED=$SEED replays)"

pg_start
"$HUB" init >/dev/null || bad "init"
hub_start --fault-drop-rate 0.3 --fault-seed "$SEED"
TILL_BATCH=25
tok=$("$HUB" till add S1 T01 2>/dev/null) || bad "till add"
till_setup T01 "$tok"
till T01 catalog import data/catalog.csv >/dev/null
for i in 1 2 3; do till T01 sale GR-0027 --tender cash >/dev/null 2>&1 || bad "a sale"; done
python3 "$ROOT/tests/tools/journal_sql.py" "$WORK/till-T01/home/kaspi-pos.db" \
	"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 600 - (SELECT count(*) FROM outbox))
	 INSERT INTO events (at, kind, detail) SELECT strftime('%s', 'now'), 'note', 'row ' || i FROM n;"
n=$(till_q T01 "SELECT count(*) FROM outbox")
is "600 rows wait" "$n" 600

runs=0
for runs in $(seq 40); do till T01 sync >/dev/null 2>&1 && break; done
is "sync ends saying the hub holds every row" "$(till T01 sync 2>&1 | head -n 1)" "nothing to ship: the hub holds every row, up to $n"
echo "info $runs runs of sync"
dropped=$(grep -c 'answer dropped' "$WORK/hub.err")
echo "info $dropped answers dropped"
[ "$dropped" -gt 0 ] && ok "some answers were lost" || bad "some answers were lost (seed $SEED)"
# after each lost answer the next batch is the same rows, all held already
is "each lost answer: the same batch again, stored 0" "$(python3 - "$WORK/hub.err" <<'PY'
import re, sys
lines = [l for l in open(sys.argv[1]) if re.match(r"kaspi-hub: T01 rows", l)]
bad = 0
for i, l in enumerate(lines):
    if "answer dropped" not in l:
        continue
    rng = re.search(r"rows (\d+-\d+)", l).group(1)
    nxt = lines[i + 1] if i + 1 < len(lines) else ""
    if f"rows {rng}:" not in nxt or "stored 0," not in nxt:
        bad += 1
        print(l.strip(), "->", nxt.strip())
print(bad)
PY
)" 0
is "every row once on the hub" "$(psql_q "SELECT count(*), count(DISTINCT seq), max(seq) FROM journal_rows")" "$n|$n|$n"
till_q T01 "SELECT seq, tbl, op, prev_hash, hash, payload FROM outbox ORDER BY seq" >"$WORK/till.rows"
psql_q "SELECT seq, tbl, op, prev_hash, hash, payload FROM journal_rows ORDER BY seq" >"$WORK/hub.rows"
cmp -s "$WORK/till.rows" "$WORK/hub.rows" && ok "the hub's rows equal the outbox" || bad "the hub's rows equal the outbox"
is "acknowledged to the last row" "$(till_q T01 "SELECT seq FROM outbox_acked")" "$n"
finish
