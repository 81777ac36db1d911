#!/usr/bin/env bash
# report.sh — the chain's report equals the sum of the tills' own: three
# tills of two stores sell (cash with change, card, Kaspi QR on
# kaspi-sandbox, a split QR + cash, a declined Kaspi sale), refund (to
# Kaspi, in cash), move cash in and out, one closes its Z with the cash
# counted; `kaspi-pos sync` ships them; `kaspi-hub report day --format
# json` equals, figure for figure to the tiyn, the sum of each till's
# `kaspi-pos report day --format json` (sales and refunds per tender, net,
# VAT per rate, commission at the hub's rates per store equal to the
# tills' [commission], payout, the drawer, declined orders); --store and
# --till equal that store's and till's; --by till gives each till its own
# report's figures; the Z with its manager and cash difference; a range
# of one day is the day; CSV and text carry the totals; usage errors; GET
# /api/v1/report with an owner's token (stored hashed) answers the same
# JSON, without one 401; the hub's typed tables agree with journal_latest.
#
#   tests/hub/report.sh     (KP_POS, KP_HUB, KP_SANDBOX, KP_PG_BIN: the programs)
. "$(dirname "$0")/lib.sh"
need sqlite3 curl python3

KEY=xdev_hub0test0report00001
MERCHANT=123456789012

pg_start
"$HUB" init >/dev/null 2>&1 || bad "init"
declare -A TOKEN STORE=([T01]=S1 [T02]=S1 [T03]=S2)
for t in T01 T02 T03; do TOKEN[$t]=$("$HUB" till add "${STORE[$t]}" "$t" 2>/dev/null); done
out=$("$HUB" commission S1 qr=0.95 phone=0.95 card=1.5 2>&1)
has "commission: set for S1" "$out" 'S1 card 1\.50%'
"$HUB" commission S2 qr=1 card=2.25 >/dev/null 2>&1 || bad "commission S2"
out=$("$HUB" commission S3 qr=x 2>&1); rc=$?
is "commission: a bad percent is usage" "$rc" 2 "$out"

"$SBX" --port 0 --key "$KEY" --merchant "$MERCHANT" --pay-after 1 >"$WORK/sbx.out" 2>"$WORK/sbx.err" &
SBX_PID=$!
for _ in $(seq 50); do grep -q 'listening on' "$WORK/sbx.out" && break; sleep 0.1; done
export KASPI_BASE_URL=$(sed -n 's/^listening on //p' "$WORK/sbx.out")
export KASPI_XDEV_KEY=$KEY KASPI_MERCHANT_ID=$MERCHANT
hub_start
for t in T01 T02 T03; do
	till_setup "$t" "${TOKEN[$t]}"
	# T02's fiscal register cannot be reached: its receipts wait
	[ "$t" = T02 ] && printf '[fiscal]\nprovider = webkassa\nbase_url = http://127.0.0.1:9\napi_key = x\nlogin = a@b.kz\npassword = demo\ncashbox = SWK00000001\ntimeout = 1\n' \
		>>"$WORK/till-$t/cfg/kaspi-pos/config.ini"
	if [ "${STORE[$t]}" = S1 ]; then rates='qr = 0.95\nphone = 0.95\ncard = 1.5'; else rates='qr = 1\ncard = 2.25'; fi
	printf "[commission]\n$rates\n" >>"$WORK/till-$t/cfg/kaspi-pos/config.ini"
	till "$t" catalog import data/catalog.csv >/dev/null || bad "$t: the catalog imports"
	printf '9999\n9999\n' | till "$t" user add boss --role manager >/dev/null 2>&1 || bad "$t: the manager"
done
s() { till "$@" >/dev/null 2>&1 || bad "$1: sale ${*:2}"; }
s T01 sale 2*GR-0027 --tender cash:5000
s T01 sale GR-0025 --tender card::A1B2C3
s T01 sale GR-0027 --tender qr
s T01 sale 3*GR-0027 --tender qr:1000 --tender cash:2000
s T01 cash in 100 --reason размен
first=$(till_q T01 "SELECT merchant_order_id FROM orders WHERE method = 'qr' ORDER BY id LIMIT 1")
printf '9999\n' | till T01 refund "$first" 790 --reason брак >/dev/null 2>&1 || bad "T01: a Kaspi refund"
# a discount the manager approved, as the sale screen logs it (tui_event)
boss=$(till_q T01 "SELECT id FROM users WHERE name = 'boss'")
python3 tests/tools/journal_sql.py "$WORK/till-T01/home/kaspi-pos.db" "INSERT INTO events (at, user_id, kind, detail)
	VALUES (strftime('%s', 'now'), $boss, 'discount', 'GR-0027 10.00% approved by boss'),
	       (strftime('%s', 'now'), $boss, 'void_line', 'GR-0025 × 1 = 549,00')"
s T02 sale GR-0027 GR-0025 --tender card
s T02 sale 4*GR-0025 --tender qr
s T02 sale GR-0027 --tender cash
cashsale=$(till_q T02 "SELECT merchant_order_id FROM orders WHERE method = 'cash' ORDER BY id LIMIT 1")
printf '9999\n' | till T02 refund "$cashsale" 790 --reason брак >/dev/null 2>&1 || bad "T02: a cash refund"
s T03 sale 5*GR-0027 --tender cash:10000
s T03 sale GR-0025 --tender qr
s T03 sale 2*GR-0025 --tender card
printf '9999\n' | till T03 cash out 50 --reason инкассация >/dev/null 2>&1 || bad "T03: cash out"
# a split sale whose Kaspi part is declined (the sandbox declines amounts ending in 13)
till T03 sale 3*GR-0027 --tender qr:10.13 --tender cash >/dev/null 2>&1
exp=$(till T03 report x --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["cash"]["expected"])')
counted=$(python3 -c "print('%.2f' % (($exp - 500) / 100))")
printf '9999\n' | till T03 report z --counted "$counted" >/dev/null 2>&1 || bad "T03: the Z report"
for t in T01 T02 T03; do
	out=$(till "$t" sync 2>&1) || bad "$t: sync" "$out"
	till "$t" report day --format json >"$WORK/$t.json" 2>"$WORK/$t.err" || bad "$t: report day" "$(cat "$WORK/$t.err")"
done

# ---- the hub's totals against the tills' sum -----------------------------------------
"$HUB" report day --format json >"$WORK/hub.json" 2>"$WORK/hub.err"; rc=$?
is "report day --format json: exit 0" "$rc" 0 "$(cat "$WORK/hub.err")"
# compare HUB-JSON-PATH-TO-OBJECT TILL-FILES...: the figures that differ, or "equal N"
cat >"$WORK/cmp.py" <<'PY'
import json, sys
hub = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    hub = hub[k] if not k.isdigit() else hub[int(k)]
tills = [json.load(open(f)) for f in sys.argv[3:]]
M = ["qr", "phone", "card", "cash"]
def figures(r):
    f = {}
    for m in M + ["total"]:
        for k in ("count", "amount"):
            f["sales.%s.%s" % (m, k)] = r["sales"][m][k]
            f["refunds.%s.%s" % (m, k)] = r["refunds"][m][k]
    for k in ("count", "amount"):
        f["sales.split." + k] = r["sales"]["split"][k]
        f["refunds.no_receipt." + k] = r["refunds"]["no_receipt"][k]
        f["vat.sales_without_lines." + k] = r["vat"]["sales_without_lines"][k]
        f["voided_lines." + k] = r["voided_lines"][k]
    f["net"] = r["net"]
    for m in M:
        f["net_per_tender." + m] = r["net_per_tender"][m]
    for w in ("sales", "refunds"):
        for g in r["vat"][w]:
            for k in ("gross", "vat"):
                key = "vat.%s.%d.%s" % (w, g["rate"], k)
                f[key] = f.get(key, 0) + g[k]
    for m in M[:3]:
        f["commission.%s" % m] = r["commission"][m]["amount"]
    f["commission.total"] = r["commission"]["total"]
    f["payout"] = r["payout"]
    for k in ("float", "expected"):
        f["cash." + k] = r["cash"][k]
    for k in ("sales", "in", "out", "refunds"):
        for j in ("count", "amount"):
            f["cash.%s.%s" % (k, j)] = r["cash"][k][j]
    for k in ("cancelled", "failed", "expired"):
        f["orders." + k] = r["orders"][k]
    return f
want = {}
for t in tills:
    for k, v in figures(t).items():
        want[k] = want.get(k, 0) + v
got = figures(hub)
diff = ["%s: hub %s, tills %s" % (k, got.get(k), want.get(k)) for k in sorted(set(want) | set(got)) if got.get(k, 0) != want.get(k, 0)]
nonzero = sum(1 for v in want.values() if v)
print("\n".join(diff) if diff else "equal %d" % nonzero)
PY
cmp() { python3 "$WORK/cmp.py" "$@" 2>&1; }
res=$(cmp "$WORK/hub.json" total "$WORK/T01.json" "$WORK/T02.json" "$WORK/T03.json")
has "the chain's day equals the sum of the three tills' day reports, to the tiyn" "$res" '^equal [0-9]+$'
echo "     ($res figures, not zero)"
is "the tills sold in every tender" "$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["total"]; print(all(r["sales"][m]["count"] > 0 for m in ("qr","card","cash","split")), r["refunds"]["total"]["count"], r["orders"]["cancelled"])' "$WORK/hub.json")" "True 2 1"

"$HUB" report day --store S1 --format json >"$WORK/s1.json" 2>&1
is "--store S1 equals T01 + T02" "$(cmp "$WORK/s1.json" total "$WORK/T01.json" "$WORK/T02.json" | sed 's/^equal.*/equal/')" equal
"$HUB" report day --till T03 --format json >"$WORK/t3.json" 2>&1
is "--till T03 equals T03's own" "$(cmp "$WORK/t3.json" total "$WORK/T03.json" | sed 's/^equal.*/equal/')" equal
"$HUB" report day --by till --format json >"$WORK/bytill.json" 2>&1
for i in 0 1 2; do
	t=T0$((i + 1))
	is "--by till: $t's group equals its own report" \
		"$(cmp "$WORK/bytill.json" "groups.$i" "$WORK/$t.json" | sed 's/^equal.*/equal/')" equal
done
"$HUB" report day --by store --format json >"$WORK/bystore.json" 2>&1
is "--by store: the groups" "$(python3 -c 'import json,sys; print(" ".join(g["store"] for g in json.load(open(sys.argv[1]))["groups"]))' "$WORK/bystore.json")" "S1 S2"
"$HUB" report day --by cashier --format json >"$WORK/bycashier.json" 2>&1
is "--by cashier: the sales add up to the total" \
	"$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(sum(g["sales"]["total"]["amount"] for g in r["groups"]) == r["total"]["sales"]["total"]["amount"])' "$WORK/bycashier.json")" True
"$HUB" report day --by hour --format json >"$WORK/byhour.json" 2>&1
is "--by hour: the hour is Almaty's" \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["groups"][-1]["hour"])' "$WORK/byhour.json")" \
	"$(TZ=Asia/Almaty date +%H -d @$(( $(date +%s) )) | sed 's/.*/&/')" "UTC+5; the sales were minutes ago"
today=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["from"])' "$WORK/hub.json")
"$HUB" report range --from "$today" --to "$today" --format json >"$WORK/range.json" 2>&1
is "a range of one day equals the day" "$(cmp "$WORK/range.json" total "$WORK/T01.json" "$WORK/T02.json" "$WORK/T03.json" | sed 's/^equal.*/equal/')" equal

# ---- the Z, the lists ------------------------------------------------------------------
is "the Z report: its till, number, manager and cash difference" \
	"$(python3 -c 'import json,sys; z=json.load(open(sys.argv[1]))["z_reports"]; print(len(z), z[0]["till_id"], z[0]["number"], z[0]["closed_by"], z[0]["difference"])' "$WORK/hub.json")" \
	"1 T03 1 boss -500"
is "the chain's cash difference" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cash_difference"])' "$WORK/hub.json")" -500
is "the refunds' approver" "$(python3 -c 'import json,sys; print(sorted((a["till_id"], a["approved_by"]) for a in json.load(open(sys.argv[1]))["approvals"] if a["kind"] == "refund"))' "$WORK/hub.json")" \
	"[('T01', 'boss'), ('T02', 'boss')]"

is "the discount with its approver, the void" \
	"$(python3 -c 'import json,sys; print(sorted((a["kind"], a["till_id"], a["user"], a["approved_by"]) for a in json.load(open(sys.argv[1]))["approvals"] if a["kind"] != "refund"))' "$WORK/hub.json")" \
	"[('discount', 'T01', 'boss', 'boss'), ('void_line', 'T01', 'boss', None)]"
unf() { python3 -c 'import json,sys
out = []
for f in sys.argv[2:]:
    r = json.load(open(f))
    for u in r["unfinished"]:
        out.append((r.get("till_id") or u["till_id"], u["type"], u["ref"], u["order_ref"], u["state"], u["amount"]))
print(sorted(out) if sys.argv[1] == "list" else len(out))' "$@"; }
is "the open orders, refunds and fiscal receipts equal the tills' own" "$(unf list "$WORK/hub.json")" \
	"$(unf list "$WORK/T01.json" "$WORK/T02.json" "$WORK/T03.json")"
is "T02's fiscal receipts wait: the chain's count of them" \
	"$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["receipts_pending"], sum(u["type"] == "receipt" and u["till_id"] == "T02" for u in r["unfinished"]))' "$WORK/hub.json")" \
	"$(n=$(till_q T02 "SELECT count(*) FROM receipts WHERE state IN ('new', 'pending')"); echo "$n $n")"
[ "$(till_q T02 "SELECT count(*) FROM receipts")" -gt 0 ] && ok "T02 made fiscal receipts" || bad "T02 made fiscal receipts"

# ---- CSV, text, usage --------------------------------------------------------------------
csv=$("$HUB" report day --by till --format csv 2>&1)
is "CSV: a header, a row per till, the total" "$(printf '%s\n' "$csv" | cut -d, -f1 | tr '\n' ' ')" 'till "T01" "T02" "T03" "total" '
net=$(python3 -c 'import json,sys; print("%.2f" % (json.load(open(sys.argv[1]))["total"]["net"] / 100))' "$WORK/hub.json")
has "CSV: the net in tenge" "$(printf '%s\n' "$csv" | tail -1)" ",$net,"
text=$("$HUB" report day 2>&1)
has "text: the Z with its manager" "$text" 'T03  Z 1, shift 1, by boss, cash difference -5,00'
has "text: the net" "$(printf '%s' "$text" | sed 's/\xe2\x80\xaf/ /g')" "net +$(printf '%s' "$net" | python3 -c 'import sys; v=float(sys.stdin.read()); print(("{:,.2f}".format(v)).replace(",", " ").replace(".", ","))')"
out=$("$HUB" report day --date 2026-02-30 2>&1); rc=$?
is "a date that is not: usage" "$rc" 2 "$out"
out=$("$HUB" report range --from 2026-01-02 --to 2026-01-01 2>&1); rc=$?
is "a range backwards: usage" "$rc" 2 "$out"
out=$("$HUB" report day --by shelf 2>&1); rc=$?
is "--by shelf: usage" "$rc" 2 "$out"
out=$("$HUB" report day --date 2020-01-01 --format json 2>&1)
is "a day without sales: zeroes" "$(printf '%s' "$out" | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["total"]["sales"]["total"]["amount"], r["total"]["net"], len(r["z_reports"]))')" "0 0 0"

# ---- HTTP --------------------------------------------------------------------------------
owner=$("$HUB" owner add alma 2>"$WORK/owner.err"); rc=$?
is "owner add: exit 0" "$rc" 0 "$(cat "$WORK/owner.err")"
has "owner add: a token" "$owner" '^kh_[0-9a-f]{64}$'
is "owner add: only its hash kept" "$(psql_q "SELECT token_sha256 = encode(sha256('$owner'::bytea), 'hex') FROM hub_owner WHERE name = 'alma'")" t
out=$("$HUB" owner add alma 2>&1); rc=$?
is "owner add again: exit 1" "$rc" 1 "$out"
code=$(curl -s -o "$WORK/http.json" -w '%{http_code}' -H "Authorization: Bearer $owner" "$HUB_URL/api/v1/report?day=$today")
is "GET /api/v1/report: 200" "$code" 200
is "GET /api/v1/report: the same figures" "$(cmp "$WORK/http.json" total "$WORK/T01.json" "$WORK/T02.json" "$WORK/T03.json" | sed 's/^equal.*/equal/')" equal
code=$(curl -s -o "$WORK/http2.json" -w '%{http_code}' -H "Authorization: Bearer $owner" "$HUB_URL/api/v1/report?day=$today&by=till&store=S1")
is "GET /api/v1/report by till of S1" "$code $(python3 -c 'import json,sys; print(" ".join(g["till"] for g in json.load(open(sys.argv[1]))["groups"]))' "$WORK/http2.json")" "200 T01 T02"
is "GET /api/v1/report without a token: 401" "$(curl -s -w ' %{http_code}' "$HUB_URL/api/v1/report")" '{"error":"unauthorized"} 401'
is "GET /api/v1/report with a till's token: 401" "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer ${TOKEN[T01]}" "$HUB_URL/api/v1/report")" 401
is "GET /api/v1/report?day=bad: 400" "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $owner" "$HUB_URL/api/v1/report?day=2026-13-01")" 400
is "POST /api/v1/report: 405" "$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $owner" "$HUB_URL/api/v1/report")" 405
if grep -rq "$owner" "$WORK/hub.err" "$WORK/hub.out"; then bad "the owner's token is in the hub's output"; else ok "the owner's token is in none of the hub's output"; fi

# ---- the rounding functions against exact arithmetic --------------------------------------
is "hub_vat: half up of gross × rate / (100 + rate), either sign, 400 000 cases" \
	"$(psql_q "SELECT count(*) FROM generate_series(-100000, 100000, 1) g, unnest(ARRAY[0, 5, 12, 16]) r
		WHERE hub_vat(g * 7919, r) <> sign(g) * floor(abs(g * 7919)::numeric * r / (100 + r) + 0.5)")" 0
is "hub_percent: half away from zero of v × pct / 10000, 400 000 cases" \
	"$(psql_q "SELECT count(*) FROM generate_series(-100000, 100000, 1) g, unnest(ARRAY[0, 50, 95, 150]) p
		WHERE hub_percent(g * 7919, p) <> sign(g) * floor(abs(g * 7919)::numeric * p / 10000 + 0.5)")" 0

# ---- the typed tables agree with the journal's newest rows --------------------------------
is "hub_order: every order's newest state" \
	"$(psql_q "SELECT count(*) FROM hub_orders h JOIN hub_order o ON o.till_id = h.till_id AND o.id = h.id AND o.state = h.state AND o.amount = h.amount")" \
	"$(psql_q "SELECT count(*) FROM hub_orders")"
is "row_key as the hub computes it is hub_row_key's, for every row" \
	"$(psql_q "SELECT count(*) FROM journal_rows WHERE row_key IS DISTINCT FROM hub_row_key(tbl, doc)")" 0
is "the Z snapshot's escapes arrived as sent (COPY's backslashes)" \
	"$(psql_q "SELECT count(*) FROM journal_rows WHERE tbl = 'z_reports' AND payload LIKE '%\\\\\"%'")" 1
is "hub_refund: every refund's newest state" \
	"$(psql_q "SELECT count(*) FROM hub_refunds h JOIN hub_refund f ON f.till_id = h.till_id AND f.id = h.id AND f.state = h.state")" \
	"$(psql_q "SELECT count(*) FROM hub_refunds")"
finish
