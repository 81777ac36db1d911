#!/usr/bin/env bash
# scale.sh — the issue's scale: 5 tills × 2 000 sales each (one real sale,
# then generated ones written through the journal's own triggers,
# tests/tools/gen_sales.py), one of them a till offline for 7 days (its
# sales spread over them), shipped while, at seeded random points, the
# hub or one till's sync is SIGKILLed, and the hub drops the answer to
# 20 % of the batches it stored (--fault-drop-rate 0.2). Then every row
# is on the hub exactly once, equal to the outbox payload for payload,
# the chains check out in SQL, the offline till's backlog went in order,
# and for each of the 7 days the chain's report equals the sum of the 5
# tills' own day reports, to the tiyn. The seed is printed
# (KP_SCALE_SEED replays).
#
#   tests/hub/scale.sh
. "$(dirname "$0")/lib.sh"
need sqlite3 python3
SEED=${KP_SCALE_SEED:-$(( $(date +%s) % 100000 ))}
RANDOM=$SEED
echo "info seed $SEED (KP_SCALE_SEED=$SEED replays)"
SALES=${KP_SCALE_SALES:-2000}
TILLS="T01 T02 T03 T04 T05"
t0=$(date +%s)

pg_start
"$HUB" init >/dev/null || bad "init"
for store in S1 S2; do "$HUB" commission $store qr=0.95 phone=0.95 card=1.5 >/dev/null || bad "commission"; done
FAULTS=(--fault-drop-rate 0.2 --fault-seed "$SEED")
hub_start "${FAULTS[@]}"
TILL_BATCH=500
for t in $TILLS; do
	store=S1; [ "$t" = T04 ] || [ "$t" = T05 ] && store=S2
	tok=$("$HUB" till add $store $t 2>/dev/null) || bad "till add $t"
	till_setup $t "$tok"
	printf '[commission]\nqr = 0.95\nphone = 0.95\ncard = 1.5\n' >>"$WORK/till-$t/cfg/kaspi-pos/config.ini"
	till $t catalog import data/catalog.csv >/dev/null
	till $t sale GR-0027 --tender cash >/dev/null 2>&1 || bad "a real sale on $t"
	days=1; [ "$t" = T05 ] && days=7
	python3 "$ROOT/tests/tools/gen_sales.py" "$WORK/till-$t/home/kaspi-pos.db" $t $((SALES - 1)) $days ||
		bad "$t: its sales generated"
done
is "5 tills × $SALES sales" "$(for t in $TILLS; do till_q $t "SELECT count(*) FROM orders"; done | sort -u)" "$SALES"
is "T05's sales span 7 Almaty days" "$(till_q T05 "SELECT count(DISTINCT day) FROM orders")" 7
total=0; for t in $TILLS; do total=$((total + $(till_q $t "SELECT count(*) FROM outbox"))); done
echo "info $total outbox rows to ship ($(( $(date +%s) - t0 )) s to make them)"

# sync till $1 until it says every row is held (at most 30 tries: 20 % of answers are lost)
settle() {
	local i
	for i in $(seq 30); do till "$1" sync >/dev/null 2>&1 && return 0; done
	return 1
}
t1=$(date +%s)
kills=0
for round in 1 2 3 4 5 6; do
	pids=()
	for t in $TILLS; do till $t sync >/dev/null 2>&1 & pids+=($!); done
	delay=$((RANDOM % 400))
	sleep "$(printf '0.%03d' "$delay")"
	if [ $((round % 2)) = 1 ]; then
		kill -9 "$HUB_PID" 2>/dev/null; wait "$HUB_PID" 2>/dev/null; HUB_PID=""
		what="the hub"
	else
		victim=${pids[$((RANDOM % 5))]}
		kill -9 "$victim" 2>/dev/null
		what="a till's sync"
	fi
	kills=$((kills + 1))
	for p in "${pids[@]}"; do wait "$p"; done
	echo "info round $round: $what SIGKILLed after $delay ms"
	[ -n "$HUB_PID" ] || hub_start "${FAULTS[@]}"
done
for t in $TILLS; do settle $t || bad "$t ships everything after $kills kills"; done
ship=$(( $(date +%s) - t1 ))
dropped=$(grep -c 'answer dropped (fault)' "$WORK/hub.err")
echo "info shipped in $ship s with $kills kills and $dropped answers dropped"
[ "$dropped" -gt 0 ] && ok "answers were dropped ($dropped)" || bad "no answer was dropped"

for t in $TILLS; do
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
done
is "T05's backlog went in order: no row stored before one with a lower seq" \
	"$(psql_q "SELECT count(*) FROM (SELECT received_at < lag(received_at) OVER (ORDER BY seq) AS back
		FROM journal_rows WHERE till_id = 'T05') r WHERE back")" 0
is "T05's batches on the hub's log: their first seqs only grow" \
	"$(sed -n 's/^kaspi-hub: T05 rows \([0-9]*\)-.*stored [1-9].*/\1/p' "$WORK/hub.err" | sort -c -n && echo sorted)" sorted

cat >"$WORK/sum.py" <<'PY'
import json, sys
hub = json.load(open(sys.argv[1]))["total"]
tills = [json.load(open(f)) for f in sys.argv[2:]]
def flat(o, p=""):
    if isinstance(o, dict):
        for k, v in o.items():
            yield from flat(v, p + "." + k)
    elif isinstance(o, list):
        for g in o:
            for k in ("gross", "vat"):
                yield "%s.%d.%s" % (p, g["rate"], k), g[k]
    elif isinstance(o, (int, float)) and not isinstance(o, bool):
        yield p, o
keys = ["sales", "refunds", "net", "net_per_tender", "vat", "commission", "payout", "orders", "voided_lines"]
want = {}
for t in tills:
    for k in keys:
        for p, v in flat(t[k], k):
            if p.endswith(".rate"):
                continue
            want[p] = want.get(p, 0) + v
got = {p: v for k in keys for p, v in flat(hub[k], k) if not p.endswith(".rate")}
for k in ("float", "expected"):
    want["cash." + k] = sum(t["cash"][k] for t in tills); got["cash." + k] = hub["cash"][k]
bad = [k for k in sorted(set(want) | set(got)) if want.get(k, 0) != got.get(k, 0)]
print(" ".join("%s:%s/%s" % (k, got.get(k), want.get(k)) for k in bad[:5]) if bad else "equal %d" % want["sales.total.count"])
PY
for back in 6 5 4 3 2 1 0; do
	d=$(python3 -c "import time; print(time.strftime('%Y-%m-%d', time.gmtime(time.time() + 18000 - $back * 86400)))")
	"$HUB" report day --date "$d" --format json >"$WORK/hub-$d.json" 2>&1
	files=()
	for t in $TILLS; do till $t report day --date "$d" --format json >"$WORK/$t-$d.json" 2>&1; files+=("$WORK/$t-$d.json"); done
	has "$d: the chain's report equals the sum of the 5 tills' own" "$(python3 "$WORK/sum.py" "$WORK/hub-$d.json" "${files[@]}" 2>&1)" '^equal [1-9]'
done
echo "info $(( $(date +%s) - t0 )) s in all"
finish
