#!/usr/bin/env bash
# sale_weight.sh — `kaspi-pos sale` with goods sold by weight, read by the
# till's own rules (app/item.h) and the demo's [scale]: 0,350*CODE and
# 350 г*CODE typed, a weight label and a price label, paid in cash; the
# lines printed with their weight, the journal's weights and grams in
# `journal --format json`; a fraction for a piece product, 0 kg, 101 kg,
# an unknown PLU and a label for a piece product each refused with exit 2
# and one line, nothing written. No network: cash needs none.
#
#   tests/cli/sale_weight.sh        (KP_POS: the binary to test)
set -u
cd "$(dirname "$0")/../.." || exit 1
root=$(pwd)
POS=${KP_POS:-$root/${KP_BUILD:-build}/kaspi-pos}
[ -x "$POS" ] || { echo "no $POS: run make first"; echo "0 passed, 1 failed"; exit 1; }
command -v sqlite3 >/dev/null || { echo "needs sqlite3"; echo "0 passed, 1 failed"; exit 1; }

export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset LANGUAGE KASPI_WEBHOOK_SECRET NO_COLOR
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

. tests/cli/lib.sh # ok, bad, is, has

# no key, no server: a cash sale never asks one
export KASPI_POS_HOME=$work/home XDG_CONFIG_HOME=$work/cfg KASPI_BASE_URL=http://127.0.0.1:9/api/v1
unset KASPI_XDEV_KEY KASPI_MERCHANT_ID
mkdir -p "$work/cfg/kaspi-pos"
sed -n '/^\[scale\]/,$p' data/demo.ini >"$work/cfg/kaspi-pos/config.ini"
# the demo catalog, and the sugar (GR-0025, by the piece) wrongly given PLU 25
sed 's/^\(GR-0025,.*\),$/\1,25/' data/catalog.csv >"$work/catalog.csv"
"$POS" catalog import "$work/catalog.csv" >/dev/null || bad "the catalog imports"
DB=$KASPI_POS_HOME/kaspi-pos.db
q() { sqlite3 -separator ' ' "$DB" "$1"; }

# 0,350 of GR-0010 (4 290,00/кг) = 1 501,50; 350 г of GR-0011 (4 590,00) = 1 606,50;
# label 2200111002506: 0,250 of казы (11 990,00) = 2 997,50; 2300010015000: 1 500,00
out=$("$POS" sale 0,350*4600000010007 '350 г*GR-0011' 2200111002506 2300010015000 \
	--tender cash:10000 2>&1)
rc=$?
is "a cash sale of weighed goods: exit 0" "$rc" 0 "$out"
has "the typed weight printed" "$out" 'Сыр Российский весовой  0,350 kg × 4 290,00 ₸/kg  1 501,50 ₸'
has "grams typed are thousandths of a kg" "$out" 'Сыр Голландский весовой  0,350 kg × 4 590,00 ₸/kg  1 606,50 ₸'
has "the weight label's line" "$out" 'Казы конская варёно-копчёная  0,250 kg × 11 990,00 ₸/kg  2 997,50 ₸'
has "the price label's line" "$out" 'Сыр Российский весовой  1 × 1 500,00 ₸  1 500,00 ₸'
has "the total" "$out" 'total 7 605,50 ₸'
is "the journal: weights, prices per kg and grosses" \
	"$(q "SELECT coalesce(weight, '-'), coalesce(price_per_unit, '-'), unit_price FROM order_lines ORDER BY line_no" | tr '\n' '|')" \
	"350 429000 150150|350 459000 160650|250 1199000 299750|- - 150000|"
grams=$("$POS" journal --format json | python3 -c 'import json, sys
print(" ".join(str(l["weight_g"]) for o in json.load(sys.stdin)["orders"] for l in o["lines"]))')
is "journal --format json: weight_g" "$grams" "350 350 250 None"

rows=$(q "SELECT count(*) FROM orders")
refused() { # NAME ITEM PATTERN
	local out rc
	out=$("$POS" sale "$2" --tender cash 2>&1)
	rc=$?
	is "$1: exit 2" "$rc" 2 "$out"
	is "$1: one line" "$(printf '%s\n' "$out" | grep -c .)" 1 "$out"
	has "$1: it says why" "$out" "$3"
}
refused "a fraction for a piece product" '0,5*4870000025008' 'sold by the piece'
refused "0 kg" '0*GR-0010' 'A weight of 0'
refused "101 kg" '101*GR-0010' 'at most 100 kg'
refused "an unknown PLU" 2200999003503 'PLU 999'
refused "a label for a piece product" 2200025005006 'sold by the piece'
refused "a label above the check limit" 2200111990001 '1 000 000 KZT'
is "refused: nothing written" "$(q "SELECT count(*) FROM orders")" "$rows"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
