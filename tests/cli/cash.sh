#!/usr/bin/env bash
# cash.sh — the cash in the drawer through `kaspi-pos cash` and `report z
# --counted`, against kaspi-sandbox: the opening float (a cashier's PIN
# refused, a manager's taken), cash in, cash out with the manager's PIN (a
# wrong PIN, a cashier's PIN, a cashier named, no PIN, more than the drawer
# holds: each refused with one line, nothing written, the drawer shut),
# a change of the float; cash sales with change, a split sale QR + cash and a
# card sale; the drawer's ESC p each time money moves; the X report's drawer
# against SQL over the journal; a Z refused without --counted (before any
# PIN) and with a bad count, then closed with the count, its text, CSV and
# stored JSON showing the float, cash sales, in, out, expected, counted and
# the difference, checked against SQL; an empty new shift takes no cash out
# and opens nothing. Exit codes as refund's: 0 done, 1 refused by the rules,
# 2 bad input, a wrong PIN or not a manager.
#
#   tests/cli/cash.sh        (KP_POS, KP_SANDBOX: the binaries to test)
set -u
cd "$(dirname "$0")/../.." || exit 1
root=$(pwd)
POS=${KP_POS:-$root/${KP_BUILD:-build}/kaspi-pos}
SBX=${KP_SANDBOX:-$root/${KP_BUILD:-build}/kaspi-sandbox}
for b in "$POS" "$SBX"; do
	[ -x "$b" ] || { echo "no $b: run make first"; echo "0 passed, 1 failed"; exit 1; }
done
command -v sqlite3 >/dev/null && command -v python3 >/dev/null ||
	{ echo "needs sqlite3 and python3"; echo "0 passed, 1 failed"; exit 1; }

export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset LANGUAGE KASPI_WEBHOOK_SECRET NO_COLOR
KEY=xdev_c4sh0drawer0test0001 # xdev_ + 20 of [a-z0-9]
MERCHANT=123456789012
work=$(mktemp -d)
SBX_PID=
cleanup() {
	[ -n "$SBX_PID" ] && kill "$SBX_PID" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

. tests/cli/lib.sh # ok, bad, is, has

"$SBX" --port 0 --key "$KEY" --merchant "$MERCHANT" --pay-after 1 >"$work/sbx.out" 2>"$work/sbx.err" &
SBX_PID=$!
for _ in $(seq 50); do grep -q 'listening on' "$work/sbx.out" && break; sleep 0.1; done
URL=$(sed -n 's/^listening on //p' "$work/sbx.out")
[ -n "$URL" ] || { bad "the sandbox starts" "$(cat "$work/sbx.err")"; echo "$passed passed, $failed failed"; exit 1; }

export KASPI_POS_HOME=$work/home XDG_CONFIG_HOME=$work/cfg KASPI_XDEV_KEY=$KEY KASPI_MERCHANT_ID=$MERCHANT
export KASPI_BASE_URL=$URL
mkdir -p "$work/cfg/kaspi-pos"
cat >"$work/cfg/kaspi-pos/config.ini" <<EOF
[till]
id = T07
[printer]
mode = file
file = $work/paper.bin
[drawer]
mode = printer
EOF
"$POS" catalog import data/catalog.csv >/dev/null || bad "the catalog imports"
printf '1111\n1111\n' | "$POS" user add anna --role cashier >/dev/null || bad "anna is added"
printf '9999\n9999\n' | "$POS" user add boss --role manager >/dev/null || bad "boss is added"
DB=$KASPI_POS_HOME/kaspi-pos.db
q() { sqlite3 "$DB" "$1"; }
kicks() { [ -f "$work/paper.bin" ] && grep -c $'\x1bp' "$work/paper.bin" || echo 0; }
# money TIYN: as the text reports write it, "12 290,00"
money() { printf '%s,%02d' "$(sed ':a;s/\B[0-9]\{3\}\>/ &/;ta' <<<$(($1 / 100)))" $(($1 % 100)); }
moves() { q "SELECT count(*) FROM cash_moves"; }
# run [PIN] -- ARGS...: out (stdout and stderr), rc; the PIN on standard input
run() {
	local pin=$1
	shift 2
	out=$(printf '%s' "$pin" | "$POS" "$@" 2>&1)
	rc=$?
}
# refused NAME RC [PIN] -- ARGS...: exit RC, one line, nothing written, the drawer shut
refused() {
	local name=$1 want=$2 m k
	shift 2
	m=$(moves) k=$(kicks)
	run "$@"
	is "$name: exit $want" "$rc" "$want" "$out"
	is "$name: one line" "$(printf '%s\n' "$out" | grep -c .)" 1 "$out"
	is "$name: nothing written" "$(moves)" "$m"
	is "$name: the drawer stays shut" "$(kicks)" "$k"
}

# ---- the opening float ------------------------------------------------------
refused "a float of 10 000 with a cashier's PIN" 2 $'1111\n' -- cash float 10000
has "a cashier's PIN: said" "$out" "no manager's PIN"
refused "a float named for the cashier" 2 $'1111\n' -- cash float 10000 --user anna
refused "a negative float" 2 '' -- cash float -1
refused "a float above 100 000 000" 2 $'9999\n' -- cash float 100000000.01
refused "a float that is no amount" 2 '' -- cash float десять
is "no shift was opened by a refusal" "$(q "SELECT count(*) FROM shifts")" 0
run $'9999\n' -- cash float 10000
is "the float with boss's PIN: exit 0" "$rc" 0 "$out"
has "the float: said" "$out" 'float 10 000,00 ₸'
has "the float: the drawer" "$out" 'the drawer should hold 10 000,00 ₸'
is "the float is journaled with who approved" \
	"$(q "SELECT m.kind, m.amount, m.user_id IS NULL, u.name FROM cash_moves m JOIN users u ON u.id = m.approved_by")" \
	"float|1000000|1|boss"
is "the float opened the shift" "$(q "SELECT count(*) FROM shifts WHERE closed_at IS NULL")" 1
is "the drawer opened for the float" "$(kicks)" 1

# ---- cash in ------------------------------------------------------------------
run '' -- cash in 2000 --reason "Размен из сейфа"
is "cash in: exit 0, no PIN asked" "$rc" 0 "$out"
has "cash in: said with its reason" "$out" 'cash in 2 000,00 ₸: Размен из сейфа'
has "cash in: the drawer" "$out" 'the drawer should hold 12 000,00 ₸'
is "the drawer opened for cash in" "$(kicks)" 2
refused "cash in without a reason" 2 '' -- cash in 100
has "cash in without a reason: said" "$out" 'needs a reason'
refused "cash in of zero" 2 '' -- cash in 0 --reason x
refused "cash in of a negative amount" 2 '' -- cash in -100 --reason x
has "a negative amount: said" "$out" '0,01 to 100 000 000'
refused "cash in above 100 000 000" 2 '' -- cash in 100000001 --reason x
refused "cash in of two lines" 2 '' -- cash in 100 --reason $'две\nстроки'
refused "cash in with --user" 2 $'9999\n' -- cash in 100 --reason x --user boss
long=$(printf 'ж%.0s' $(seq 256))
refused "cash in with a reason of 256 characters" 2 '' -- cash in 100 --reason "$long"

# ---- cash out -----------------------------------------------------------------
refused "cash out with a wrong PIN" 2 $'0000\n' -- cash out 500 --reason "В сейф"
has "a wrong PIN: said" "$out" 'wrong PIN'
refused "cash out with a cashier's PIN" 2 $'1111\n' -- cash out 500 --reason "В сейф"
refused "cash out named for the cashier" 2 $'1111\n' -- cash out 500 --reason "В сейф" --user anna
has "a cashier named: said" "$out" 'anna is a cashier'
refused "cash out without a PIN" 2 '' -- cash out 500 --reason "В сейф"
refused "cash out without a reason" 2 $'9999\n' -- cash out 500
refused "cash out of zero" 2 $'9999\n' -- cash out 0 --reason x
refused "cash out beyond the drawer" 1 $'9999\n' -- cash out 12000.01 --reason "В сейф"
has "beyond the drawer: said" "$out" '12 000,01 ₸ is more than the 12 000,00 ₸ the drawer should hold'
refused "cash out for an unknown manager" 2 $'9999\n' -- cash out 500 --reason x --user nobody
# the wrong PINs counted toward boss's lockout: the right one still works
run $'9999\n' -- cash out 3000 --reason "В сейф" --user boss
is "cash out with boss's PIN: exit 0" "$rc" 0 "$out"
has "cash out: said" "$out" 'cash out 3 000,00 ₸: В сейф'
has "cash out: the drawer" "$out" 'the drawer should hold 9 000,00 ₸'
is "the drawer opened for cash out" "$(kicks)" 3
is "cash out: journaled, approved by boss" \
	"$(q "SELECT m.amount, m.reason, u.name FROM cash_moves m JOIN users u ON u.id = m.approved_by WHERE m.kind = 'out'")" \
	"300000|В сейф|boss"
is "every movement is in the events log" "$(q "SELECT group_concat(kind, ' ') FROM (SELECT kind FROM events WHERE kind LIKE 'cash_%' ORDER BY id)")" \
	"cash_float cash_in cash_out"

# ---- sales ------------------------------------------------------------------
k=$(kicks)
out=$("$POS" sale 2*GR-0027 4870000025008 --tender cash:5000 2>&1); rc=$?
is "a cash sale with change: exit 0" "$rc" 0 "$out"
out=$("$POS" sale 3*GR-0027 --tender qr:1000 --tender cash:2000 2>&1); rc=$?
is "a split sale QR + cash: exit 0" "$rc" 0 "$out"
out=$("$POS" sale GR-0025 --tender card 2>&1); rc=$?
is "a card sale: exit 0" "$rc" 0 "$out"
out=$("$POS" sale 3*GR-0027 --tender qr:10.13 --tender cash 2>&1); rc=$?
is "a split sale whose Kaspi part is declined: exit 1" "$rc" 1 "$out"
is "the drawer opened for the two cash sales only" "$(kicks)" $((k + 2))

# ---- a change of the float ----------------------------------------------------
refused "a change of the float without a PIN" 2 '' -- cash float 0
run $'9999\n' -- cash float 15000 --reason "Добавили мелочь"
is "a change of the float with boss's PIN: exit 0" "$rc" 0 "$out"
is "the shift's float is the last" "$(q "SELECT amount FROM cash_moves WHERE kind = 'float' ORDER BY id DESC LIMIT 1")" 1500000

# ---- the X report against SQL -----------------------------------------------
SALES="('succeeded', 'late_paid', 'partially_refunded', 'refunded')"
sid=$(q "SELECT id FROM shifts WHERE closed_at IS NULL")
f_sql=$(q "SELECT amount FROM cash_moves WHERE shift_id = $sid AND kind = 'float' ORDER BY id DESC LIMIT 1")
s_sql=$(q "SELECT total(t.given - t.change) FROM tenders t JOIN orders o ON o.id = t.order_id WHERE t.kind = 'cash' AND o.shift_id = $sid AND o.state IN $SALES")
s_sql=${s_sql%.0}
n_sql=$(q "SELECT count(DISTINCT o.id) FROM tenders t JOIN orders o ON o.id = t.order_id WHERE t.kind = 'cash' AND o.shift_id = $sid AND o.state IN $SALES")
i_sql=$(q "SELECT total(amount) FROM cash_moves WHERE shift_id = $sid AND kind = 'in'"); i_sql=${i_sql%.0}
o_sql=$(q "SELECT total(amount) FROM cash_moves WHERE shift_id = $sid AND kind = 'out'"); o_sql=${o_sql%.0}
e_sql=$((f_sql + s_sql + i_sql - o_sql))
is "the cash sales by SQL: 2 129 + 1 370" "$s_sql" 349900
json=$("$POS" report x --format json)
jq_() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)" <<<"$json"; }
is "X: the float" "$(jq_ 'd["cash"]["float"]')" "$f_sql"
is "X: the cash sales" "$(jq_ 'd["cash"]["sales"]["amount"]')" "$s_sql"
is "X: how many sales took cash" "$(jq_ 'd["cash"]["sales"]["count"]')" "$n_sql"
is "X: cash in" "$(jq_ 'd["cash"]["in"]["amount"]')" "$i_sql"
is "X: cash out" "$(jq_ 'd["cash"]["out"]["amount"]')" "$o_sql"
is "X: the cash expected = float + sales + in − out" "$(jq_ 'd["cash"]["expected"]')" "$e_sql"
is "X: nothing counted" "$(jq_ 'd["cash"]["counted"]')" None
text=$("$POS" report x --width 32)
has "X text: the drawer" "$text" 'CASH IN THE DRAWER'
has "X text: expected" "$text" "^Expected +$(money "$e_sql")$"
if grep -q '^Counted' <<<"$text"; then bad "X text: no count" "$text"; else ok "X text: no count"; fi

# ---- the Z report with the cash counted ------------------------------------------
refused_z() { # NAME RC ARGS...: nothing closed, nothing asked
	local name=$1 want=$2
	shift 2
	out=$(printf '9999\n' | "$POS" report z "$@" 2>&1); rc=$?
	is "$name: exit $want" "$rc" "$want" "$out"
	is "$name: one line" "$(printf '%s\n' "$out" | grep -c .)" 1 "$out"
	is "$name: nothing closed" "$(q "SELECT count(*) FROM z_reports")" 0
}
refused_z "a Z without the cash counted" 2
has "a Z without the count: said" "$out" 'count the drawer and give the sum with --counted'
# asked before the PIN: a wrong one is not even tried
wrong=$(q "SELECT count(*) FROM events WHERE kind = 'pin_wrong'")
out=$(printf '0000\n' | "$POS" report z 2>&1); rc=$?
is "a Z without the count, a wrong PIN given: exit 2" "$rc" 2 "$out"
has "a Z without the count, a wrong PIN given: the count is said" "$out" 'count the drawer'
is "a Z without the count: no PIN was tried" "$(q "SELECT count(*) FROM events WHERE kind = 'pin_wrong'")" "$wrong"
refused_z "a negative count" 2 --counted -1
refused_z "a count that is no amount" 2 --counted много
refused_z "a count above 100 000 000" 2 --counted 100000000.01
refused_z "a count approved by a cashier" 2 --counted 1 --user anna
refused_z "--counted with --number" 2 --counted 1 --number 1
out=$("$POS" report x --counted 1 2>&1); rc=$?
is "--counted on an X: exit 2" "$rc" 2 "$out"

counted=$((e_sql - 12900)) # 129,00 short
out=$(printf '9999\n' | "$POS" report z --width 42 --counted "$((counted / 100)),$(printf %02d $((counted % 100)))" 2>&1); rc=$?
is "the Z with the count: exit 0" "$rc" 0 "$out"
has "Z text: the float" "$out" "^Float +$(money "$f_sql")$"
has "Z text: the cash sales" "$out" "^Cash sales \($n_sql\) +$(money "$s_sql")$"
has "Z text: cash in" "$out" "^Cash in \(1\) +$(money "$i_sql")$"
has "Z text: cash out" "$out" "^Cash out \(1\) +$(money "$o_sql")$"
has "Z text: expected" "$out" "^Expected +$(money "$e_sql")$"
has "Z text: counted" "$out" "^Counted +$(money "$counted")$"
has "Z text: short by 129,00" "$out" '^Short +-129,00$'
stored=$(q "SELECT snapshot FROM z_reports WHERE number = 1")
jq_() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)" <<<"$stored"; }
is "Z JSON: expected" "$(jq_ 'd["cash"]["expected"]')" "$e_sql"
is "Z JSON: counted" "$(jq_ 'd["cash"]["counted"]')" "$counted"
is "Z JSON: the difference" "$(jq_ 'd["cash"]["difference"]')" -12900
is "Z JSON: float, sales, in, out" "$(jq_ '" ".join(str(x) for x in (d["cash"]["float"], d["cash"]["sales"]["amount"], d["cash"]["in"]["amount"], d["cash"]["out"]["amount"]))')" \
	"$f_sql $s_sql $i_sql $o_sql"
is "report z --number 1 --format json: the stored snapshot" "$("$POS" report z --number 1 --format json)" "$stored"
csv=$("$POS" report z --number 1 --format csv)
has "Z CSV: expected" "$csv" "^cash,amount,expected,$((e_sql / 100))\.$(printf %02d $((e_sql % 100)))"
has "Z CSV: the difference" "$csv" '^cash,amount,difference,-129\.00'
is "the shift is closed" "$(q "SELECT count(*) FROM shifts WHERE closed_at IS NULL")" 0
refused "cash out with no shift open (an empty drawer)" 1 $'9999\n' -- cash out 1 --reason x
is "a refused movement opens no shift" "$(q "SELECT count(*) FROM shifts")" 1

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
