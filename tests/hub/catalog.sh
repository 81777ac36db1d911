#!/usr/bin/env bash
# catalog.sh — the catalog, prices and users going out from kaspi-hub to
# the tills, on a throwaway PostgreSQL cluster: a bad CSV is refused in
# one line and makes no version; an import makes version 1 for the chain,
# another for one store; `kaspi-pos sync` takes the newest of its store
# and says so, and `catalog find` shows the new price; a till of another
# store keeps the chain's; sync again takes nothing (the hub answers 304);
# the hub down, the till sells on the last version; users added on the
# hub replace the till's (PIN hashes, never a PIN); in the TUI (tmux) a
# hub user logs in with their PIN, a basket line scanned before a swap
# keeps its price and one scanned after has the new one, the cashier
# removed on the hub stays logged in through the swap and cannot log in
# after; the journal holds both prices.
#
#   tests/hub/catalog.sh     (KP_POS, KP_HUB, KP_SANDBOX, KP_PG_BIN: the programs)
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/lib.sh"
trap 'e2e_cleanup; cleanup' EXIT
need sqlite3 curl tmux

KEY=xdev_hub0test0catalog0001
MERCHANT=123456789012
eventually() { local i; for i in $(seq 300); do "$@" && return 0; sleep 0.1; done; "$@"; }
# a screen check counted with the others
scr() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name" "$(screen)"; fi; }
# the catalog with one product's price changed: $1 the SKU, $2 the new price
priced() { awk -F, -v OFS=, -v sku="$1" -v p="$2" '$1 == sku { $(NF-2) = p } { print }' data/catalog.csv; }

pg_start
"$HUB" init >/dev/null || { bad "init"; finish; }
t1=$("$HUB" till add S1 T01 2>/dev/null)
t2=$("$HUB" till add S2 T02 2>/dev/null)
t3=$("$HUB" till add S1 T03 2>/dev/null)

# ---- a bad file makes nothing ----------------------------------------------
printf 'sku,barcode,name_ru,name_kk,unit,price,tax_rate\nA-1,4870000000001,Хлеб,,шт,100,12\n' >"$WORK/bad.csv"
out=$("$HUB" catalog import "$WORK/bad.csv" 2>&1); rc=$?
is "a bad CSV: exit 1" "$rc" 1 "$out"
is "a bad CSV: one line" "$(printf '%s\n' "$out" | wc -l)" 1 "$out"
has "a bad CSV: the line and the problem" "$out" \
	'^kaspi-hub: .*bad\.csv:2: bad EAN-13 check digit in "4870000000001" \(expected 5\): no catalog version made$'
printf 'sku,name_ru,price\n' >"$WORK/bad2.csv"
out=$("$HUB" catalog import "$WORK/bad2.csv" 2>&1); rc=$?
is "a CSV without its columns: exit 1" "$rc" 1 "$out"
has "a CSV without its columns: each problem, then the total" "$out" 'has [0-9]+ problems: no catalog version made'
out=$("$HUB" catalog import "$WORK/none.csv" 2>&1); rc=$?
is "a missing file: exit 1, one line" "$rc|$(printf '%s\n' "$out" | wc -l)" "1|1" "$out"
is "no version made" "$(psql_q "SELECT count(*) FROM catalog_versions")" 0

# ---- versions for the chain and for a store -------------------------------
out=$("$HUB" catalog import data/catalog.csv 2>&1); rc=$?
is "import: exit 0" "$rc" 0 "$out"
has "import: version 1 for the chain" "$out" '^catalog version 1: 240 products for the whole chain$'
priced GR-0001 600 >"$WORK/s1.csv"
out=$("$HUB" catalog import "$WORK/s1.csv" --store S1 2>&1)
has "import --store: version 2 for S1" "$out" '^catalog version 2: 240 products for store S1$'
has "catalog list: newest first" "$("$HUB" catalog list)" '^2 +S1 .*240'

# ---- the tills take them -----------------------------------------------------
"$SBX" --port 0 --key "$KEY" --merchant "$MERCHANT" --pay-after 1 >"$WORK/sbx.out" 2>"$WORK/sbx.err" &
SBX_PID=$!
for _ in $(seq 50); do grep -q 'listening on' "$WORK/sbx.out" && break; sleep 0.1; done
export KASPI_BASE_URL=$(sed -n 's/^listening on //p' "$WORK/sbx.out")
export KASPI_XDEV_KEY=$KEY KASPI_MERCHANT_ID=$MERCHANT
hub_start
till_setup T01 "$t1"
till_setup T02 "$t2"
till T01 catalog import data/catalog.csv >/dev/null || bad "the till's own catalog imports"
printf '1111\n1111\n' | till T01 user add local --role manager >/dev/null 2>&1 || bad "a local user is added"
out=$(till T01 sync 2>&1); rc=$?
is "sync: exit 0" "$rc" 0 "$out"
has "sync: says the catalog version it took" "$out" '^catalog: took version 2 from the hub \(240 products\)$'
has "sync: the hub has no users yet" "$out" '^users: the hub has none for this till$'
has "catalog find: the store's new price" "$(till T01 catalog find GR-0001)" '^GR-0001 .* 600,00 ₸'
is "the stamp in the journal" "$(till_q T01 "SELECT kind, version FROM hub_versions")" "catalog|2"
has "the import is in the events log with its version" \
	"$(till_q T01 "SELECT detail FROM events WHERE kind = 'catalog_import' ORDER BY id DESC LIMIT 1")" "the hub's version 2"
out=$(till T02 sync 2>&1)
has "another store's till takes the chain's version" "$out" '^catalog: took version 1 from the hub'
has "... and its price" "$(till T02 catalog find GR-0001)" '549,90 ₸'
out=$(till T01 sync 2>&1)
has "sync again: the newest already" "$out" "^catalog: version 2, the hub's newest$"
is "the hub answers 304 to a till that has it" \
	"$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $t1" "$HUB_URL/api/v1/catalog?since=2")" 304
is "the hub answers 401 without a till's token" \
	"$(curl -s -o /dev/null -w '%{http_code}' "$HUB_URL/api/v1/catalog?since=0")" 401

# ---- users -------------------------------------------------------------------------
out=$(printf '4321\n4321\n' | "$HUB" user add Айгуль --role cashier 2>&1); rc=$?
is "user add: exit 0" "$rc" 0 "$out"
has "user add: a users version" "$out" '^added Айгуль \(cashier\) for the whole chain: users version 1$'
printf '5555\n5555\n' | "$HUB" user add Boss --role manager --store S1 >/dev/null 2>&1 || bad "a store's manager is added"
out=$(printf '1\n1\n' | "$HUB" user add Short --role cashier 2>&1); rc=$?
is "user add: a short PIN is usage" "$rc" 2 "$out"
out=$(printf '4321\n4321\n' | "$HUB" user add Айгуль --role cashier 2>&1); rc=$?
is "user add twice: exit 1" "$rc|$out" '1|kaspi-hub: a user named "Айгуль" exists already for the chain'
has "user list" "$("$HUB" user list)" 'manager +S1 .*Boss'
is "the hub holds no PIN, only its PBKDF2" "$(psql_q "SELECT count(*) FROM hub_users WHERE pin_hash ~ '^[0-9a-f]{64}$' AND pin_iterations = 100000")" 2
out=$(till T01 sync 2>&1)
has "sync: the users taken" "$out" '^users: took version 2 from the hub \(2 added, 0 updated, 1 disabled\)$'
is "the till's users are the hub's" "$(till T01 user list | awk '{print $NF}' | sort | tr '\n' ' ')" "Boss Айгуль "
is "the till's own user is kept, disabled" "$(till_q T01 "SELECT count(*) FROM users u JOIN users_disabled d ON d.user_id = u.id WHERE u.name = 'local'")" 1
is "the PIN hash is the hub's" "$(till_q T01 "SELECT lower(hex(pin_hash)) FROM users WHERE name = 'Boss'")" \
	"$(psql_q "SELECT pin_hash FROM hub_users WHERE name = 'Boss'")"
has "T02 (store S2) has the chain's user only" "$(till T02 sync 2>&1; till T02 user list)" 'Айгуль'
has "... not S1's manager" "$(till T02 user list | grep -c Boss)" '^0$'
till T01 cash in 100 --reason размен >/dev/null 2>&1 || bad "cash in"
out=$(printf '5555\n' | till T01 cash out 1 --reason test 2>&1); rc=$?
is "the hub's manager's PIN works on the till (cash out)" "$rc" 0 "$out"
out=$(printf '1111\n' | till T01 cash out 1 --reason test 2>&1); rc=$?
is "the disabled local manager's PIN does not" "$rc" 2 "$out"

# ---- the hub down: the last version sells ---------------------------------------
hub_stop
out=$(till T01 sync 2>&1); rc=$?
is "sync, the hub down: exit 3" "$rc" 3 "$out"
has "sync, the hub down: one clear line" "$out" '^kaspi-pos: the hub cannot be reached'
is "... only that line" "$(printf '%s\n' "$out" | grep -c .)" 1 "$out"
out=$(till T01 sale GR-0001 --tender cash 2>&1); rc=$?
is "the hub down: a sale goes through" "$rc" 0 "$out"
is "... at the last version's price" \
	"$(till_q T01 "SELECT unit_price FROM order_lines ORDER BY order_id DESC, line_no DESC LIMIT 1")" 60000
is "... the stamp unchanged" "$(till_q T01 "SELECT version FROM hub_versions WHERE kind = 'catalog'")" 2
hub_start

# ---- the TUI: a swap in the middle of a sale ------------------------------------------
kill "$SBX_PID" 2>/dev/null && wait "$SBX_PID" 2>/dev/null
SBX_PID=""
e2e_setup
cat >"$XDG_CONFIG_HOME/kaspi-pos/config.ini" <<EOC
[till]
id = T03
[printer]
mode = none
[hub]
url = $HUB_URL
token = $t3
timeout = 10
EOC
chmod 600 "$XDG_CONFIG_HOME/kaspi-pos/config.ini"
tdb() { sqlite3 "$KASPI_POS_HOME/kaspi-pos.db" "$1"; }
stamp_is() { [ "$(tdb "SELECT version FROM hub_versions WHERE kind = '$1'")" = "$2" ]; }
TILL_COLS=120 till_start
scr "the shipping thread takes the catalog by itself" eventually stamp_is catalog 2
scr "... and the users" eventually stamp_is users 2
till_start # the login screen reads the users anew
scr "the login screen lists the hub's users" expect_screen 'Айгуль'
scr "... not the till's own ones" expect_no_screen 'Айгерим'
login 1 4321
scr "a hub user logs in with their PIN" expect_screen 'Hello, Айгуль'
keys 4870000001002 Enter
scr "a line scanned before the swap: 600,00" expect_screen '600,00'
priced GR-0001 700 >"$WORK/s1b.csv"
out=$("$HUB" catalog import "$WORK/s1b.csv" --store S1 2>&1)
has "a new version on the hub" "$out" '^catalog version 3'
"$HUB" user remove Айгуль >/dev/null 2>&1 || bad "the cashier is removed on the hub"
scr "the thread swaps the catalog in mid-sale" eventually stamp_is catalog 3
scr "... and the users" eventually stamp_is users 3
has "the till's catalog has the new price" "$(pos catalog find GR-0001)" '700,00 ₸'
keys 4870000001002 Enter
scr "a line scanned after the swap: 700,00" expect_screen '700,00'
scr "the line before keeps 600,00" expect_screen '600,00'
scr "the total is both" expect_screen 'TOTAL: 1.{1,3}300,00'
keys F6
scr "the removed cashier is still logged in: the cash screen" expect_screen 'Payment of 1.{1,3}300,00'
keys Enter
scr "paid" expect_screen 'Paid: T03-[0-9]+-000001' 5
is "the journal: both prices" "$(tdb "SELECT group_concat(unit_price, ' ') FROM (SELECT unit_price FROM order_lines ORDER BY line_no)")" "60000 70000"
is "the journal: sold by the removed cashier" "$(tdb "SELECT u.name FROM orders o JOIN users u ON u.id = o.user_id")" "Айгуль"
keys Escape C-o
scr "logged out" expect_screen 'Log in|Войти|Кіру'
scr "the removed cashier is no longer on the login screen" expect_no_screen 'Айгуль' 1
is "the till's users: the hub's manager only" "$(pos user list | awk '{print $NF}')" "Boss"
keys F10 2>/dev/null
finish
