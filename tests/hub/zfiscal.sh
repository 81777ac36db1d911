#!/usr/bin/env bash
# zfiscal.sh — the chain's Z reports carry their fiscal numbers: a till
# with a register (kassa-sandbox) sells, closes its Z (which closes the
# register's shift, ZReport) and ships; `kaspi-hub report day` lists the
# till's Z with the register's shift and the register's own Z number, in
# JSON and in text, and the register's Z is not taken for an approval.
. "$(dirname "$0")/lib.sh"
need curl python3
KASSA=${KP_KASSA:-$ROOT/build/kassa-sandbox}
K_PID=
trap '[ -n "$K_PID" ] && kill "$K_PID" 2>/dev/null; cleanup' EXIT

pg_start
"$HUB" init >/dev/null 2>&1 || { bad "init"; finish; }
hub_start
token=$("$HUB" till add almaty T01 2>/dev/null)
"$KASSA" --port 0 >"$WORK/k.out" 2>"$WORK/k.err" &
K_PID=$!
for _ in $(seq 50); do grep -q 'listening on' "$WORK/k.out" && break; sleep 0.1; done
kurl=$(sed -n 's/^listening on //p' "$WORK/k.out")
[ -n "$kurl" ] || { bad "kassa-sandbox starts" "$(cat "$WORK/k.err")"; finish; }
till_setup T01 "$token"
cat >>"$WORK/till-T01/cfg/kaspi-pos/config.ini" <<EOF
[fiscal]
provider = webkassa
base_url = $kurl
api_key = WKD-00000000-0000-0000-0000-000000000000
login = demo@kaspi-pos.kz
password = demo
cashbox = SWK00000001
timeout = 2
EOF
till T01 catalog import data/catalog.csv >/dev/null
printf '9999\n9999\n' | till T01 user add boss --role manager >/dev/null 2>&1
till T01 sale GR-0025 --tender cash >/dev/null 2>&1
is "a sale, its receipt registered" "$(till_q T01 "SELECT state FROM receipts")" registered
printf '9999\n' | till T01 report z --counted 549 >"$WORK/z.out" 2>"$WORK/z.err"
is "the till's Z: exit 0" "$?" 0 "$(cat "$WORK/z.err")"
has "... and the register's, No. 1 of shift 1" "$(cat "$WORK/z.out")" "Z report of the register: No. 1, shift 1"
is "the journal keeps the register's Z" "$(till_q T01 "SELECT detail FROM events WHERE kind = 'register_z'")" "No. 1, shift 1"
till T01 sync >/dev/null 2>&1
is "shipped" "$?" 0
"$HUB" report day --format json >"$WORK/r.json" 2>"$WORK/r.err"
is "the chain's day: exit 0" "$?" 0 "$(cat "$WORK/r.err")"
z=$(python3 -c 'import json,sys; z=json.load(open(sys.argv[1]))["z_reports"]; print(len(z), z[0]["till_id"], z[0]["fiscal_shifts"], z[0]["fiscal_reports"])' "$WORK/r.json")
is "the hub lists the till's Z with the register's shift and Z number" "$z" "1 T01 [1] [1]"
is "the register's Z is not an approval" "$(python3 -c 'import json,sys; print(sum(1 for a in json.load(open(sys.argv[1]))["approvals"] if a["kind"] == "register_z"))' "$WORK/r.json")" 0
has "the text says it" "$("$HUB" report day 2>&1)" "register shifts 1, register Z 1"
finish
