#!/usr/bin/env bash
# owner.sh — the owner's page in headless Chromium (tests/tools/cdp.py)
# against the real hub and tills: 403 without the owner's token or with a
# till's; the page shows today's chain, per store and per till; a cash
# sale on T01, shipped by kaspi-pos sync, appears on the page by itself
# (the hub's "changed" event, no reload), its net the till's own; T02's
# receipt that waits for an unreachable register is in red; the hub
# stopped: the page says no connection.
. "$(dirname "$0")/lib.sh"
need curl sqlite3 python3 chromium
CDP="python3 $ROOT/tests/tools/cdp.py"
CHROME_PID=
stop_chrome() { [ -n "$CHROME_PID" ] && kill -- -"$CHROME_PID" 2>/dev/null; CHROME_PID=; }
trap 'stop_chrome; cleanup' EXIT

pg_start
"$HUB" init >/dev/null 2>&1 || { bad "init"; finish; }
hub_start
t1=$("$HUB" till add almaty T01 2>/dev/null)
t2=$("$HUB" till add astana T02 2>/dev/null)
owner=$("$HUB" owner add boss 2>/dev/null)
is "owner add prints a token" "$([ -n "$owner" ] && echo yes)" yes
for id in T01 T02; do
	tok=$t1; [ $id = T02 ] && tok=$t2
	till_setup $id "$tok"
	till $id catalog import data/catalog.csv >/dev/null
done
# T02's register cannot be reached: its receipts wait
cat >>"$WORK/till-T02/cfg/kaspi-pos/config.ini" <<EOF
[fiscal]
provider = webkassa
base_url = http://127.0.0.1:9
api_key = WKD-00000000-0000-0000-0000-000000000000
login = demo@kaspi-pos.kz
password = demo
cashbox = SWK00000001
timeout = 1
EOF

code() { curl -s -o /dev/null -w '%{http_code}' "$1"; }
is "the page without a token: 403" "$(code "$HUB_URL/owner")" 403
is "with a till's token: 403" "$(code "$HUB_URL/owner?token=$t1")" 403
is "its events without one: 403" "$(code "$HUB_URL/owner/events")" 403
is "with the owner's: 200" "$(code "$HUB_URL/owner?token=$owner")" 200

read -r PORT CHROME_PID < <($CDP start "$WORK") || { bad "chromium starts"; finish; }
$CDP "$PORT" open "$HUB_URL/owner?token=$owner"
page_is() { $CDP "$PORT" wait "$1" "${2:-10}"; }
page() { $CDP "$PORT" eval "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin))'; }
page_is "document.body.dataset.loaded === 'yes' && document.body.dataset.online === 'yes'" &&
	ok "the page loads today's chain, on line" || bad "the page loads"
is "today, Almaty" "$(page "document.getElementById('day').textContent")" "$(TZ=Asia/Almaty date +%F)"
v=$(page "document.body.dataset.version")

till T01 sale GR-0025 --tender cash >/dev/null 2>&1
till T01 sync >/dev/null 2>&1
page_is "Number(document.body.dataset.version) > $v && !!document.querySelector('#tills tr[data-name=\"T01\"]')" &&
	ok "T01's sale appears by itself once shipped" || bad "T01's sale appears"
till_net=$(till T01 report day --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["net"])')
page_net=$(page "document.querySelector('#tills tr[data-name=\"T01\"] td.net').textContent" | sed 's/\xe2\x80\xaf/ /g')
is "T01's net on the page is the till's own" "$page_net" "$(python3 -c "n=$till_net; i,f=divmod(n,100); print(f'{i:,}'.replace(',', ' ') + ',%02d ₸' % f)")"
has "the store almaty too" "$(page "document.querySelector('#stores').textContent")" "almaty"

till T02 sale GR-0025 --tender cash >/dev/null 2>&1
till T02 sync >/dev/null 2>&1
page_is "!!document.querySelector('#tills tr[data-name=\"T02\"] td.receipts.bad')" &&
	ok "T02's receipt waiting for the register is in red" || bad "T02's waiting receipt in red"
is "... one of them" "$(page "document.querySelector('#tills tr[data-name=\"T02\"] td.receipts').textContent")" 1
page_is "document.querySelectorAll('#open tr.bad').length >= 1" && ok "and listed among the unfinished" ||
	bad "listed among the unfinished"
is "T01 has none in red" "$(page "document.querySelectorAll('#tills tr[data-name=\"T01\"] td.bad').length")" 0
$CDP "$PORT" shot "$WORK/owner.png" >/dev/null 2>&1 && [ -s "$WORK/owner.png" ] && ok "a screenshot" || bad "a screenshot"
[ -n "${KP_OWNER_SHOT:-}" ] && cp "$WORK/owner.png" "$KP_OWNER_SHOT"

hub_stop
page_is "document.body.dataset.online === 'no'" && ok "the hub stopped: the page says no connection" ||
	bad "the page says no connection"
finish
