#!/usr/bin/env bash
# ingest.sh — kaspi-hub on a throwaway PostgreSQL cluster, and a till that
# ships its journal to it: init twice is harmless; till add prints a token
# once and keeps its hash only; a day of sales (cash, card, Kaspi QR on
# kaspi-sandbox, cash in, a refund, the Z report) shipped by `kaspi-pos
# sync` equals the till's outbox row for row, hash for hash, payload for
# payload, and the hub's chain checks out in SQL; sync again sends
# nothing; a hub that is down is said in one line and the rows wait;
# forged batches (a gap, a changed payload, a wrong prev_hash, a held row
# with another hash, another till's token, none, an unknown one) are
# refused with the seq and change nothing; the rows the hub holds refuse
# an UPDATE.
#
#   tests/hub/ingest.sh     (KP_POS, KP_HUB, KP_SANDBOX, KP_PG_BIN: the programs)
. "$(dirname "$0")/lib.sh"
need sqlite3 curl python3

KEY=xdev_hub0test0ingest00001
MERCHANT=123456789012

pg_start
out=$("$HUB" init 2>&1); rc=$?
is "init: exit 0" "$rc" 0 "$out"
has "init: the schema made" "$out" 'schema at version 2 \(was 0\)'
out=$("$HUB" init 2>&1); rc=$?
is "init again: exit 0" "$rc" 0 "$out"
has "init again: nothing to do" "$out" 'nothing to do'
is "init again: one version row" "$(psql_q "SELECT count(*), max(version) FROM hub_schema")" "1|2"

token=$("$HUB" till add S1 T01 2>"$WORK/add.err"); rc=$?
is "till add: exit 0" "$rc" 0 "$(cat "$WORK/add.err")"
has "till add: a token" "$token" '^kh_[0-9a-f]{64}$'
hash=$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)
is "till add: only its SHA-256 is kept" "$(psql_q "SELECT token_sha256 = '$hash', store_id FROM tills WHERE till_id = 'T01'")" "t|S1"
is "till add: the token itself nowhere in the database" \
	"$(as_pg "$PG_BIN/pg_dump" -h "$PG_DIR" -U postgres hub | grep -c "$token")" 0
out=$("$HUB" till add S1 T01 2>&1); rc=$?
is "till add again: exit 1" "$rc" 1 "$out"
has "till add again: it exists" "$out" 'T01 exists'
out=$("$HUB" till add 'S 1' T03 2>&1); rc=$?
is "till add: a bad id is usage" "$rc" 2 "$out"
token2=$("$HUB" till add S2 T02 2>/dev/null)

# ---- a till and its day --------------------------------------------------------
"$SBX" --port 0 --key "$KEY" --merchant "$MERCHANT" --pay-after 1 >"$WORK/sbx.out" 2>"$WORK/sbx.err" &
SBX_PID=$!
for _ in $(seq 50); do grep -q 'listening on' "$WORK/sbx.out" && break; sleep 0.1; done
export KASPI_BASE_URL=$(sed -n 's/^listening on //p' "$WORK/sbx.out")
export KASPI_XDEV_KEY=$KEY KASPI_MERCHANT_ID=$MERCHANT
HUB_URL=http://127.0.0.1:9 # nothing listens: the hub is down at first
till_setup T01 "$token"
till T01 catalog import data/catalog.csv >/dev/null || bad "the catalog imports"
printf '9999\n9999\n' | till T01 user add boss --role manager >/dev/null 2>&1 || bad "the manager is added"
till T01 sale 2*GR-0027 --tender cash:5000 >/dev/null 2>&1 || bad "a cash sale"
till T01 sale GR-0025 --tender card::A1B2C3 >/dev/null 2>&1 || bad "a card sale"
till T01 sale GR-0027 --tender qr >/dev/null 2>&1 || bad "a Kaspi QR sale"
till T01 cash in 100 --reason размен >/dev/null 2>&1 || bad "cash in"
first=$(till_q T01 "SELECT merchant_order_id FROM orders ORDER BY id LIMIT 1")
printf '9999\n' | till T01 refund "$first" 790 --reason брак >/dev/null 2>&1 || bad "a refund"
printf '9999\n' | till T01 report z --counted 100000 >/dev/null 2>&1 || bad "the Z report"
rows=$(till_q T01 "SELECT count(*) FROM outbox")
is "the outbox: numbered without a gap" "$(till_q T01 "SELECT max(seq) = count(*) FROM outbox")" 1
has "the outbox: every kind of the day" "$(till_q T01 "SELECT group_concat(DISTINCT tbl) FROM outbox")" \
	'orders.*order_lines|order_lines.*orders'
for k in orders order_lines tenders order_events events refunds refund_lines refund_tenders cash_moves shifts z_reports users; do
	[ "$(till_q T01 "SELECT count(*) FROM outbox WHERE tbl = '$k'")" -gt 0 ] || bad "the outbox has $k rows"
done

out=$(till T01 sync 2>&1); rc=$?
is "sync, the hub down: exit 3" "$rc" 3 "$out"
has "sync, the hub down: one clear line" "$out" '^kaspi-pos: the hub cannot be reached'
is "sync, the hub down: nothing acknowledged" "$(till_q T01 "SELECT count(*) FROM outbox_acked")" 0

hub_start
out=$(till T01 sync 2>&1); rc=$?
is "sync: exit 0" "$rc" 0 "$out"
has "sync: says what went" "$out" "shipped $rows rows in 1 batches \($rows new to the hub\); the hub holds every row, up to $rows"
till_q T01 "SELECT seq, tbl, op, prev_hash, hash, payload FROM outbox ORDER BY seq" >"$WORK/till.rows"
psql_q "SELECT seq, tbl, op, prev_hash, hash, payload FROM journal_rows WHERE till_id = 'T01' ORDER BY seq" \
	>"$WORK/hub.rows"
if cmp -s "$WORK/till.rows" "$WORK/hub.rows"; then ok "the hub's rows equal the outbox, payload for payload"
else bad "the hub's rows equal the outbox" "$(diff "$WORK/till.rows" "$WORK/hub.rows" | head -5)"; fi
is "the hub's chain checks out in SQL" "$(psql_q "SELECT count(*) FROM (SELECT seq, prev_hash, hash,
	payload, tbl, op, lag(hash, 1, repeat('0', 64)) OVER (ORDER BY seq) AS before
	FROM journal_rows WHERE till_id = 'T01') r
	WHERE prev_hash = before AND hash = encode(sha256(convert_to(prev_hash || seq || tbl || op || payload, 'UTF8')), 'hex')")" "$rows"
is "the till's head on the hub" "$(psql_q "SELECT last_seq FROM tills WHERE till_id = 'T01'")" "$rows"
is "acknowledged on the till" "$(till_q T01 "SELECT seq FROM outbox_acked")" "$rows"
is "kept on the till after the acknowledgement" "$(till_q T01 "SELECT count(*) FROM outbox")" "$rows"
is "the orders by kind, newest state" "$(psql_q "SELECT method || ':' || state FROM hub_orders WHERE till_id = 'T01' ORDER BY id")" \
	"$(till_q T01 "SELECT method || ':' || state FROM orders ORDER BY id")"
is "the refunds by kind" "$(psql_q "SELECT amount, state FROM hub_refunds")" "79000|refunded"
is "a user's PIN never left the till" "$(psql_q "SELECT count(*) FROM journal_rows WHERE payload LIKE '%pin%'")" 0

out=$(till T01 sync 2>&1); rc=$?
is "sync again: exit 0" "$rc" 0 "$out"
has "sync again: nothing to ship" "$out" "nothing to ship: the hub holds every row, up to $rows"
is "sync again: nothing new on the hub" "$(psql_q "SELECT count(*) FROM journal_rows")" "$rows"

# ---- forged batches ---------------------------------------------------------------
till T01 sale GR-0027 --tender cash >/dev/null 2>&1 || bad "one more sale"
sum() { psql_q "SELECT count(*), md5(string_agg(hash || payload, ',' ORDER BY seq)) FROM journal_rows"; }
before=$(sum)
# post TOKEN JQ-LIKE-PYTHON: a batch built from the outbox's rows after the hub's head
forge() { # TOKEN TILL PYTHON-EXPR-OVER-rows
	python3 - "$WORK/till-T01/home/kaspi-pos.db" "$2" "$3" "$rows" >"$WORK/forged.json" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = [dict(seq=s, table=t, op=o, payload=p, prev_hash=ph, hash=h) for s, t, o, p, ph, h in
        db.execute("SELECT seq, tbl, op, payload, prev_hash, hash FROM outbox WHERE seq > ? ORDER BY seq",
                   (int(sys.argv[4]),))]
held = [dict(seq=s, table=t, op=o, payload=p, prev_hash=ph, hash=h) for s, t, o, p, ph, h in
        db.execute("SELECT seq, tbl, op, payload, prev_hash, hash FROM outbox WHERE seq <= ? ORDER BY seq",
                   (int(sys.argv[4]),))]
rows = eval(sys.argv[3])
print(json.dumps({"till": sys.argv[2], "rows": rows}))
PY
	curl -s -o "$WORK/answer" -w '%{http_code}' -H "Authorization: Bearer $1" \
		-H 'Content-Type: application/json' --data-binary @"$WORK/forged.json" "$HUB_URL/api/v1/ingest"
	printf ' %s' "$(cat "$WORK/answer")"
}
next=$((rows + 1))
is "a gap: 409 naming the first missing seq" "$(forge "$token" T01 'rows[1:]')" \
	"409 {\"error\":\"gap\",\"seq\":$next}"
is "a changed payload: 409 chain" \
	"$(forge "$token" T01 '[dict(rows[0], payload=rows[0]["payload"][:-1] + ",\"x\":1}")] + rows[1:]')" \
	"409 {\"error\":\"chain\",\"seq\":$next}"
is "a wrong prev_hash: 409 chain" \
	"$(forge "$token" T01 '[dict(rows[0], prev_hash="0" * 64)] + rows[1:]')" \
	"409 {\"error\":\"chain\",\"seq\":$next}"
is "a held row with another hash: 409 chain, nothing held changes" \
	"$(forge "$token" T01 '[dict(held[2], hash="f" * 64)]')" "409 {\"error\":\"chain\",\"seq\":3}"
is "a held row, and new ones after a broken one: all refused" \
	"$(forge "$token" T01 'held[-2:] + [dict(rows[0], hash="a" * 64)] + rows[1:]')" \
	"409 {\"error\":\"chain\",\"seq\":$next}"
is "another till's token: 403" "$(forge "$token2" T01 'rows')" '403 {"error":"forbidden"}'
is "a token for a till the hub lacks: 403" "$(forge "$token" T09 'rows')" '403 {"error":"forbidden"}'
is "an unknown token: 401" "$(forge kh_nothing T01 'rows')" '401 {"error":"unauthorized"}'
is "no token: 401" "$(forge '' T01 'rows')" '401 {"error":"unauthorized"}'
has "not a batch: 400" "$(forge "$token" T01 '[{"seq": "x"}]')" '^400 \{"error":"bad_request"'
is "the forged batches changed nothing" "$(sum)" "$before"
is "a held row resent as it was: taken, nothing added" "$(forge "$token" T01 'held[-3:]')" \
	"200 {\"acked\":$rows,\"stored\":0}"
out=$(psql_q "UPDATE journal_rows SET payload = '{}' WHERE seq = 1" 2>&1); rc=$?
[ "$rc" -ne 0 ] && has "the hub's rows refuse an UPDATE" "$out" 'never changes' || bad "the hub's rows refuse an UPDATE" "$out"
out=$(psql_q "DELETE FROM journal_rows" 2>&1); rc=$?
[ "$rc" -ne 0 ] && ok "the hub's rows refuse a DELETE" || bad "the hub's rows refuse a DELETE" "$out"

out=$(till T01 sync 2>&1); rc=$?
is "the new sale ships after them: exit 0" "$rc" 0 "$out"
total=$(till_q T01 "SELECT count(*) FROM outbox")
is "the hub holds every row once" "$(psql_q "SELECT count(*), max(seq) FROM journal_rows")" "$total|$total"

# ---- a hub that lost rows (restored from an older backup) gets them again ----------
till T01 sale GR-0025 --tender cash >/dev/null 2>&1
till T01 sync >/dev/null 2>&1
total=$(till_q T01 "SELECT count(*) FROM outbox")
psql_q "ALTER TABLE journal_rows DISABLE TRIGGER journal_rows_fixed; DELETE FROM journal_rows WHERE seq > $rows;
	ALTER TABLE journal_rows ENABLE TRIGGER journal_rows_fixed;
	UPDATE tills SET last_seq = $rows, last_hash = (SELECT hash FROM journal_rows WHERE seq = $rows) WHERE till_id = 'T01'" >/dev/null
till T01 sale GR-0027 --tender cash >/dev/null 2>&1
out=$(till T01 sync 2>&1); rc=$?
is "a hub behind the till: exit 0" "$rc" 0 "$out"
total=$(till_q T01 "SELECT count(*) FROM outbox")
is "a hub behind the till: sent again from its gap, every row once" \
	"$(psql_q "SELECT count(*), max(seq) FROM journal_rows")" "$total|$total"

# ---- a 200 that is not the hub's answer (a proxy's page): unknown, sent again ----------
python3 -c '
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200); self.send_header("Content-Length", "13"); self.end_headers()
        self.wfile.write(b"<html>hi</html>"[:13])
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()' >"$WORK/proxy.port" &
PROXY_PID=$!
for _ in $(seq 50); do [ -s "$WORK/proxy.port" ] && break; sleep 0.1; done
till T01 sale GR-0027 --tender cash >/dev/null 2>&1
acked=$(till_q T01 "SELECT seq FROM outbox_acked")
out=$(KASPI_POS_HOME=$WORK/till-T01/home XDG_CONFIG_HOME=$WORK/till-T01/cfg \
	KASPI_HUB_URL=http://127.0.0.1:$(cat "$WORK/proxy.port") "$POS" sync 2>&1); rc=$?
kill "$PROXY_PID" 2>/dev/null; wait "$PROXY_PID" 2>/dev/null
is "a 200 that is not the hub's: exit 3" "$rc" 3 "$out"
has "a 200 that is not the hub's: said" "$out" "answer is not one: the same rows will be sent again"
is "a 200 that is not the hub's: nothing acknowledged" "$(till_q T01 "SELECT seq FROM outbox_acked")" "$acked"
out=$(till T01 sync 2>&1); rc=$?
is "then the hub: exit 0" "$rc" 0 "$out"

# ---- PostgreSQL restarted under the hub: it connects again for the next batch ------------
as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w restart >/dev/null 2>&1 || bad "PostgreSQL restarts"
till T01 sale GR-0027 --tender cash >/dev/null 2>&1
out=$(till T01 sync 2>&1); rc=$?
is "PostgreSQL restarted: sync exit 0" "$rc" 0 "$out"
total=$(till_q T01 "SELECT count(*) FROM outbox")
is "PostgreSQL restarted: every row once" "$(psql_q "SELECT count(*), max(seq) FROM journal_rows")" "$total|$total"

# ---- a till whose token the hub refuses ------------------------------------------------
till_setup T01 "$token2"
till T01 sale GR-0027 --tender cash >/dev/null 2>&1
out=$(till T01 sync 2>&1); rc=$?
is "sync with another till's token: exit 1" "$rc" 1 "$out"
has "sync with another till's token: says so" "$out" "token is another till's, not T01"
out=$(env -u KASPI_HUB_URL KASPI_POS_HOME=$WORK/till-T01/home XDG_CONFIG_HOME=$WORK/none "$POS" sync 2>&1); rc=$?
is "sync without a hub: exit 2" "$rc" 2 "$out"
has "sync without a hub: says how to set one" "$out" '\[hub\] url'
if grep -rq "$token" "$WORK/hub.err" "$WORK/hub.out"; then bad "the token is in the hub's output"; else ok "the token is in none of the hub's output"; fi

hub_stop -INT
is "the hub stops on SIGINT: its exit" "$(grep -c 'stopped (SIGINT)' "$WORK/hub.err")" 1
finish
