#!/usr/bin/env bash
# catalog.sh — the real kaspi-pos binary on a fresh KASPI_POS_HOME:
# `catalog import` of data/catalog.csv, `catalog find` by a Cyrillic and a
# Kazakh prefix, by barcode and SKU; a bad CSV reports its lines and exits
# 2 with nothing imported; `user add` with the PIN on standard input and
# `user list`. Prints "N passed, N failed"; exits non-zero on a failure.
#
#   tests/cli/catalog.sh [build/kaspi-pos]
set -u
cd "$(dirname "$0")/../.." || exit 1
pos=${1:-${KP_BUILD:-build}/kaspi-pos}
[ -x "$pos" ] || { echo "no $pos: run make first"; echo "0 passed, 1 failed"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export KASPI_POS_HOME="$work/home/kaspi-pos"
export XDG_CONFIG_HOME="$work/config" # no config file: the defaults
unset KASPI_XDEV_KEY KASPI_MERCHANT_ID KASPI_BASE_URL KASPI_WEBHOOK_SECRET
export LANG=C.UTF-8 LC_ALL=C.UTF-8 # the messages checked below are the English ones
unset LANGUAGE

passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; shift; for l in "$@"; do echo "     $l"; done; }

# run NAME WANT_RC CMD... : runs CMD, keeps stdout/stderr in $out/$err
run() {
	local name=$1 want=$2
	shift 2
	"$@" >"$work/out" 2>"$work/err"
	rc=$?
	out=$(cat "$work/out") err=$(cat "$work/err")
	if [ "$rc" -eq "$want" ]; then ok "$name (exit $rc)"; else
		bad "$name: exit $rc, wanted $want" "stdout: $out" "stderr: $err"; fi
}
# has NAME TEXT HAYSTACK
has() {
	if printf '%s' "$3" | grep -qF -- "$2"; then ok "$1"; else bad "$1: no \"$2\" in" "$3"; fi
}
hasnt() {
	if printf '%s' "$3" | grep -qF -- "$2"; then bad "$1: \"$2\" should not be in" "$3"; else ok "$1"; fi
}

# --- import the demo catalog
run "import data/catalog.csv" 0 "$pos" catalog import data/catalog.csv
has "import says how many" "imported 240 products" "$out"
[ -d "$KASPI_POS_HOME" ] && [ "$(stat -c %a "$KASPI_POS_HOME")" = 700 ] &&
	ok "data folder created with mode 700" || bad "data folder missing or not mode 700"

# --- find: Cyrillic prefix, Kazakh prefix, barcode, SKU
run "find by a Russian prefix" 0 "$pos" catalog find мол
has "Russian prefix finds milk" "Молоко Food Master 2,5% 1 л" "$out"
run "find by an upper-case Russian prefix" 0 "$pos" catalog find САХАР
has "upper case finds Сахар" "GR-0025" "$out"
run "find by a Kazakh prefix" 0 "$pos" catalog find қан
has "Kazakh prefix finds Қант" "Қант 1 кг" "$out"
run "find by an upper-case Kazakh prefix" 0 "$pos" catalog find СҮТ
has "СҮТ finds Сүт" "Сүт Food Master" "$out"
run "find two words" 0 "$pos" catalog find рахат шок
has "two prefixes narrow down" "GR-0088" "$out"
hasnt "two prefixes leave out the sweets" "GR-0091" "$out"
run "find by barcode" 0 "$pos" catalog find 8806000184007
has "barcode finds the phone first" "EL-0001" "$(echo "$out" | head -n 1)"
has "price formatted with money_format (U+202F between thousands)" "$(printf '79\xe2\x80\xaf990,00 \xe2\x82\xb8')" "$out"
run "find by SKU" 0 "$pos" catalog find el-0001
has "SKU match first" "EL-0001" "$(echo "$out" | head -n 1)"
run "FTS syntax is plain text" 1 "$pos" catalog find '"*' AND 'NEAR('
hasnt "no SQL error shown" "SQL" "$err$out"
run "nothing found exits 1" 1 "$pos" catalog find zzzzzz
has "says nothing matches" "nothing in the catalog matches" "$err"
run "find without text is a usage error" 2 "$pos" catalog find

# --- a bad CSV: every problem with its line, exit 2, nothing imported
cat >"$work/bad.csv" <<'CSV'
sku,barcode,name_ru,name_kk,unit,price,tax_rate
NEW-1,4870000000005,Новый товар,Жаңа тауар,шт,100,16
NEW-2,4870000000001,Сахар,Қант,шт,500,10
NEW-3,,Хлеб,Нан,шт,abc,10
NEW-4,,Соль,Тұз,шт,100,101
NEW-1,,"Дубль, с запятой",,шт,1,16
CSV
run "bad CSV exits 2" 2 "$pos" catalog import "$work/bad.csv"
has "bad check digit on line 3" "bad.csv:3: bad EAN-13 check digit in \"4870000000001\" (expected 5)" "$err"
has "bad price on line 4" "bad.csv:4: bad price \"abc\"" "$err"
has "bad rate on line 5" "bad.csv:5: bad tax_rate \"101\"" "$err"
has "duplicate on line 6" "bad.csv:6: duplicate sku \"NEW-1\" (also on line 2)" "$err"
has "summary line" "the catalog file has problems (4): nothing imported" "$err"
run "the old catalog is still there" 0 "$pos" catalog find GR-0001
run "nothing of the bad file was imported" 1 "$pos" catalog find NEW-1
run "a missing file exits 2" 2 "$pos" catalog import "$work/missing.csv"
has "says it cannot open it" "cannot open" "$err"

# --- users: PIN from standard input, twice
run "user add manager" 0 sh -c "printf '2468\n2468\n' | '$pos' user add 'Айгүл Серікова' --role manager"
has "user add confirms" "added Айгүл Серікова (manager)" "$out"
run "user add cashier" 0 sh -c "printf '1357\n1357\n' | '$pos' user add Ерлан --role=cashier"
run "PINs that differ exit 2" 2 sh -c "printf '1111\n2222\n' | '$pos' user add Bob --role cashier"
has "says they differ" "the two PINs differ" "$err"
run "a short PIN exits 2" 2 sh -c "printf '12\n12\n' | '$pos' user add Bob --role cashier"
run "a bad role exits 2" 2 sh -c "printf '1234\n1234\n' | '$pos' user add Bob --role boss"
run "a taken name exits 2" 2 sh -c "printf '1234\n1234\n' | '$pos' user add Ерлан --role cashier"
has "says it exists" "already exists" "$err"
run "user list" 0 "$pos" user list
has "list shows the manager" "Айгүл Серікова" "$out"
has "list shows the role" "manager" "$out"
has "list shows the cashier" "Ерлан" "$out"
has "list shows the lock state" "ok" "$out"
hasnt "Bob was never added" "Bob" "$out"
hasnt "no PIN in the output" "2468" "$out$err"

# --- a damaged database file: one clear line
echo "this is not a database, just text padded to a page" >"$work/junk"
head -c 4096 /dev/zero | tr '\0' 'x' >>"$work/junk"
mkdir -p "$work/home2" && cp "$work/junk" "$work/home2/kaspi-pos.db"
run "a non-database file exits 1" 1 env KASPI_POS_HOME="$work/home2" "$pos" user list
has "says it is not a database" "is not a kaspi-pos database or is damaged" "$err"
[ "$(echo "$err" | wc -l)" -eq 1 ] && ok "the error is one line" || bad "the error is not one line" "$err"

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
