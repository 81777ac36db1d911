#!/usr/bin/env bash
# hub.sh — make bench's figures of kaspi-hub (tests/bench/run.sh runs it),
# on a throwaway PostgreSQL cluster (tests/hub/lib.sh: fsync off, as in
# every hub test):
#  1. The backlog: a till offline for 7 days × BENCH_HUB_SALES (2 000)
#     sales a day (generated through the journal's triggers,
#     tests/tools/gen_sales.py), shipped by one `kaspi-pos sync` to the
#     hub on loopback: seconds and journal rows per second.
#  2. PostgreSQL's own COPY of the same rows into the same table (its
#     trigger and indexes too), the table emptied first: rows per second,
#     and the ingest's share of it.
#  3. A chain day report over BENCH_HUB_ORDERS (10 000 000) orders: the
#     orders, a line each and a tender for cash and card, generated with
#     generate_series straight into the hub's typed tables (40 tills of
#     20 stores, 365 days; its time said apart), then `kaspi-hub report
#     day --format json` BENCH_HUB_RUNS (11) times: median and slowest.
. "$(dirname "$0")/../hub/lib.sh"
need sqlite3 python3
SALES=${BENCH_HUB_SALES:-2000}
ORDERS=${BENCH_HUB_ORDERS:-10000000}
RUNS=${BENCH_HUB_RUNS:-11}
ms() { date +%s%N | cut -c1-13; }

pg_start
"$HUB" init >/dev/null || { echo "kaspi-hub init failed"; exit 1; }
hub_start
tok=$("$HUB" till add S1 T01 2>/dev/null)
TILL_BATCH=5000
till_setup T01 "$tok"
till T01 catalog import data/catalog.csv >/dev/null
till T01 sale GR-0027 --tender cash >/dev/null 2>&1
python3 tests/tools/gen_sales.py "$WORK/till-T01/home/kaspi-pos.db" T01 $((SALES * 7 - 1)) 7
rows=$(till_q T01 "SELECT count(*) FROM outbox")

echo "## Hub: ingest on loopback, beside PostgreSQL's COPY"
echo
t0=$(ms)
till T01 sync >"$WORK/sync.out" 2>&1 || { echo "sync failed"; cat "$WORK/sync.out"; exit 1; }
t1=$(ms)
held=$(psql_q "SELECT count(*) FROM journal_rows")
[ "$held" = "$rows" ] || { echo "the hub holds $held of $rows rows"; exit 1; }
ship_ms=$((t1 - t0))
psql_q "COPY (SELECT till_id, seq, tbl, op, row_key, payload, doc, prev_hash, hash FROM journal_rows ORDER BY seq) TO '$PG_DIR/rows.copy'"
psql_q "TRUNCATE journal_rows, hub_user, hub_order, hub_line, hub_tender, hub_abandoned, hub_event,
	hub_refund, hub_refund_line, hub_refund_tender, hub_cash_move, hub_z, hub_receipt"
t0=$(ms)
psql_q "COPY journal_rows (till_id, seq, tbl, op, row_key, payload, doc, prev_hash, hash) FROM '$PG_DIR/rows.copy'"
t1=$(ms)
copy_ms=$((t1 - t0))
[ "$(psql_q "SELECT count(*) FROM hub_order")" = $((SALES * 7)) ] || echo "(the COPY's trigger did not fill hub_order)"
echo "| path | rows | seconds | rows/s |"
echo "|---|---:|---:|---:|"
awk -v r="$rows" -v s="$ship_ms" 'BEGIN { printf "| kaspi-pos sync → kaspi-hub (HTTP, chain check, batches of 5 000) | %d | %.2f | %.0f |\n", r, s / 1000, r * 1000 / s }'
awk -v r="$rows" -v s="$copy_ms" 'BEGIN { printf "| PostgreSQL COPY FROM a file, same table and trigger | %d | %.2f | %.0f |\n", r, s / 1000, r * 1000 / s }'
echo
awk -v a="$ship_ms" -v b="$copy_ms" -v n="$SALES" 'BEGIN { printf "Ingest is %.2f× COPY. The backlog of 7 days × %d sales shipped in %.1f s (goal < 60 s).\n", b / a, n, a / 1000 }'
echo

echo "## Hub: a chain day report over $ORDERS orders"
echo
t0=$(ms)
psql_q "
INSERT INTO tills (till_id, store_id, token_sha256)
  SELECT 'B' || lpad(i::text, 2, '0'), 'BS' || lpad((i % 20)::text, 2, '0'),
    encode(sha256(('bench ' || i)::bytea), 'hex')
  FROM generate_series(1, 40) i;
SET maintenance_work_mem = '512MB';
CREATE TEMP TABLE gen AS SELECT g AS n, 'B' || lpad((g % 40 + 1)::text, 2, '0') AS till_id,
  g / 40 AS id, 1796326800 - 364 * 86400 + (g::bigint * 31536000 / $ORDERS) AS at,
  (ARRAY['cash', 'card', 'qr'])[g % 3 + 1] AS method, 10000 + (g * 7919) % 500000 AS amount
  FROM generate_series(0::bigint, $ORDERS - 1) g;
INSERT INTO hub_order (till_id, id, merchant_order_id, day, shift_id, user_id, method, state,
  amount, part_of, created_at, seq)
  SELECT till_id, id, till_id || '-' || id, hub_day(at), 1, 1, method,
    CASE WHEN n % 50 = 0 THEN 'cancelled' ELSE 'succeeded' END, amount, NULL, at, id FROM gen;
INSERT INTO hub_line (till_id, order_id, line_no, tax_rate, total, discount, voided, day)
  SELECT till_id, id, 1, CASE WHEN n % 4 = 0 THEN 0 ELSE 12 END, amount, 0, n % 97 = 0, hub_day(at)
  FROM gen;
INSERT INTO hub_tender (till_id, order_id, part_no, kind, amount, part_order, day)
  SELECT till_id, id, 1, method, amount, NULL, hub_day(at) FROM gen WHERE method <> 'qr';
ANALYZE hub_order; ANALYZE hub_line; ANALYZE hub_tender;" >/dev/null
t1=$(ms)
day=$(psql_q "SELECT day FROM hub_order ORDER BY day DESC LIMIT 1 OFFSET 100000")
d=$(printf '%s' "$day" | sed 's/\(....\)\(..\)\(..\)/\1-\2-\3/')
n_day=$(psql_q "SELECT count(*) FROM hub_order WHERE day = $day")
for i in $(seq "$RUNS"); do
	a=$(ms)
	"$HUB" report day --date "$d" --format json >"$WORK/rep.json" || { echo "report failed"; exit 1; }
	b=$(ms)
	echo $((b - a))
done >"$WORK/times"
read -r med worst < <(sort -n "$WORK/times" | awk '{v[NR]=$1} END {print v[int((NR+1)/2)], v[NR]}')
sales=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"]["sales"]["total"]["count"])' "$WORK/rep.json")
echo "| orders held | the day's orders | its sales | runs | median ms | slowest ms |"
echo "|---:|---:|---:|---:|---:|---:|"
echo "| $(psql_q "SELECT count(*) FROM hub_order") | $n_day | $sales | $RUNS | $med | $worst |"
echo
awk -v g="$((t1 - t0))" 'BEGIN { printf "Generating them (generate_series into hub_order, hub_line, hub_tender, with their indexes) took %.0f s, outside the timing; each run is the whole command: connecting, every query, the JSON (goal: median < 300 ms).\n", g / 1000 }'
