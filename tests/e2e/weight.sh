#!/usr/bin/env bash
# weight.sh — goods sold by weight through tmux, with the demo's [scale]
# rules (22: a weight in grams, 23: a price in tenge, PLUs of 5 digits):
# 0,350*CODE typed for a kg product, a kg product scanned bare asks its
# weight and takes 0,350 typed, a scale label of a weight scanned at
# scanner speed, a price label; the lines and the total on the screen,
# then paid by Kaspi QR and read back from the journal (weight, price
# per kg, the line's gross) and from the create request Kaspi got
# (quantity 1, the line's amount, the weight in the name); the order's
# detail with its weights, and 100 g of a line refunded by weight. Then in
# Russian, each bad input gets its one line and changes nothing: a
# fraction for a piece product, 0 kg, 101 kg, an unknown PLU, a label
# for a piece product, a label above the check limit, a wrong check
# digit, 0 and 101 kg in the weight dialog, F3 on a label's line.
. "$(dirname "$0")/lib.sh"
e2e_setup
DB=$KASPI_POS_HOME/kaspi-pos.db
# the demo's store and scale, without its printer file and register (make run's own)
sed '/^\[printer\]/,/^$/d; /^\[fiscal\]/,/^$/d' "$E2E_ROOT/data/demo.ini" >"$XDG_CONFIG_HOME/kaspi-pos/config.ini"
# the demo catalog, and one piece product (the sugar, GR-0025) a scale
# was wrongly given a PLU for
sed 's/^\(GR-0025,.*\),$/\1,25/' "$E2E_ROOT/data/catalog.csv" >"$E2E_TMP/catalog.csv"
pos catalog import "$E2E_TMP/catalog.csv" >/dev/null || exit 1

# An EAN-13 scale label: prefix, PLU (5 digits), value (5 digits), check digit.
label() {
	python3 -c 'import sys
p = "%02d%05d%05d" % tuple(map(int, sys.argv[1:4]))
s = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(p))
print(p + str((10 - s % 10) % 10))' "$@"
}
last_payment() { sqlite3 "$DB" "SELECT payment_id FROM orders ORDER BY id DESC LIMIT 1"; }
last_state() { sqlite3 "$DB" "SELECT state FROM orders ORDER BY id DESC LIMIT 1"; }
control() {
	curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $KASPI_XDEV_KEY" \
		-H "X-Merchant-ID: $KASPI_MERCHANT_ID" "$KASPI_BASE_URL/sandbox/payments/$(last_payment)/$1"
}
sql() { sqlite3 -separator ' ' "$DB" "$1"; }

TILL_COLS=100 TILL_ROWS=30 till_start
login 1 1111
check "logged in" expect_screen 'Hello, Айгерим'

# 0,350 kg of cheese (GR-0010, 4 290,00 ₸/кг) typed at the input line
type_human '0,350*4600000010007'; keys Enter
check "0,350*CODE: a line of 0,350 kg × 4 290,00 ₸/kg" \
	expect_screen '1 Сыр Российский весовой +0,350 kg × 4 290,00 ₸/kg +1 501,50 +16%'
check "its total is 1 501,50, not 350 kg" expect_screen 'TOTAL: 1.501,50 ₸'

# the Dutch cheese scanned bare: the weight dialog opens on 1,000; 0,350 typed
keys 4872000011005 Enter
check "a kg product scanned bare asks its weight" expect_screen 'New weight: 1,000_'
type_human '0,350'; keys Enter
check "the weight typed in the dialog" \
	expect_screen '2 Сыр Голландский весовой +0,350 kg × 4 590,00 ₸/kg +1 606,50'

# a weight label of казы (PLU 111, 11 990,00 ₸/кг): 0,250 kg, at scanner speed
weigh=$(label 22 111 250)
type_fast "$weigh"; keys Enter
check "a scanned weight label adds its product with its weight" \
	expect_screen '3 Казы конская варёно-копчёная +0,250 kg × 11 990,00 ₸/kg +2 997,50'
# a price label of the Russian cheese (PLU 10): 1 500 ₸, whatever it weighed
priced=$(label 23 10 1500)
type_fast "$priced"; keys Enter
check "a price label is a line of the price printed" \
	expect_screen '4 Сыр Российский весовой +1 +1 500,00 +1 500,00'
check "the total of the four lines" expect_screen 'TOTAL: 7.605,50 ₸'
check "a label's line cannot change" eval 'keys F3; expect_screen "from a scale label and cannot change"'

# paid by Kaspi QR
keys F10
check "F10: the payment of the basket" expect_screen 'Payment by Kaspi QR'
for _ in $(seq 50); do [ "$(last_state)" = pending ] && break; sleep 0.1; done
control pay >/dev/null
check "paid" expect_screen 'Paid: 7.605,50 ₸'
keys Enter

got=$(sql "SELECT line_no, quantity, unit_price, coalesce(weight, '-'), coalesce(price_per_unit, '-'),
           total, unit, barcode FROM order_lines ORDER BY line_no")
want="1 1 150150 350 429000 150150 кг 4600000010007
2 1 160650 350 459000 160650 кг 4872000011005
3 1 299750 250 1199000 299750 кг $weigh
4 1 150000 - - 150000 кг $priced"
check "the journal keeps each weight, price per kg and gross" test "$got" = "$want"
[ "$got" = "$want" ] || printf 'journal:\n%s\nwanted:\n%s\n' "$got" "$want"
check "the order is paid, 7 605,50 ₸" test "$(sql "SELECT state, amount FROM orders")" = "succeeded 760550"
products=$(sql "SELECT request_body FROM orders" | python3 -c 'import json, sys
for p in json.load(sys.stdin)["products"]:
    print("%s|%d|%d" % (p["name"], p["quantity"], p["price"]))')
want="Сыр Российский весовой 0,350 кг|1|150150
Сыр Голландский весовой 0,350 кг|1|160650
Казы конская варёно-копчёная 0,250 кг|1|299750
Сыр Российский весовой|1|150000"
check "Kaspi got quantity 1, the line's amount and the weight in the name" test "$products" = "$want"
[ "$products" = "$want" ] || printf 'products:\n%s\nwanted:\n%s\n' "$products" "$want"
json=$(pos journal --format json | python3 -c 'import json, sys
print(" ".join(str(l["weight_g"]) for l in json.load(sys.stdin)["orders"][0]["lines"]))')
check "journal --format json: the weights in grams" test "$json" = "350 350 250 None"
check "journal --lines: 0,350 кг × 4 290,00 ₸/кг under the order" \
	eval 'LANG=ru_RU.UTF-8 pos journal --lines | grep -q "Сыр Российский весовой  0,350 кг × 4 290,00 ₸/кг  1 501,50"'

# the order's detail shows the weights; 0,100 kg of the cheese goes back by weight
keys F9
check "the journal lists the order" expect_screen 'T01-[0-9]{8}-000001 +QR +paid +7.605,50'
keys Enter
check "the detail shows the weight" expect_screen 'Сыр Российский весовой +0,350 kg × 4 290,00 ₸/kg = +1 501,50'
keys F5
check "F5 opens the refund, the weighed lines by weight" expect_screen '0 / 0,350 kg +Сыр Российский весовой'
keys Tab Tab +
check "+ on a weighed line asks the weight to give back" expect_screen 'Weight: 0,350_'
type_human '0,400'; keys Enter
check "more than the line is refused" expect_screen 'At most 0,350 kg of this line can go back'
keys C-u; type_human '100 г'; keys Enter
check "0,100 picked" expect_screen '0,100 / 0,350 kg +Сыр Российский весовой'
check "its amount: 0,100 × 4 290,00" expect_screen 'Amount, tenge: 429,00 \(by the lines below\)'
keys Enter
check "a manager is asked" expect_screen "Manager's approval"
type_fast 9999; keys Enter
check "the refund by weight is done" expect_screen 'T01-R-[0-9]{8}-000001 refunded +429,00 ₸' 5
check "the journal keeps it as 100 g of line 1" \
	test "$(sql "SELECT line_no, quantity, amount FROM refund_lines")" = "1 100 42900"
keys F5
check "what is left of the line" expect_screen '0 / 0,250 kg +Сыр Российский весовой +1 501,50 0,100 back'
keys Escape Escape Escape

# ---- bad input, in Russian: one line each, nothing changes -----------------
keys C-o
check "logged out" expect_screen 'Log in'
keys C-q
tm kill-session -t till
TILL_COLS=100 TILL_ROWS=30 till_start LANG=ru_RU.UTF-8
login 1 1111
check "ru: logged in" expect_screen 'Айгерим │ смена 1'
keys 4870000025008 Enter
check "ru: a basket of one sugar" expect_screen 'ИТОГО: 549,00 ₸'
lines_now() { sql "SELECT count(*) FROM order_lines"; }
bad() { # NAME TYPED EXPECTED-WORDS
	local name=$1 typed=$2 words=$3
	type_human "$typed"; keys Enter
	check "ru: $name: one line says why" expect_screen "$words"
	check "ru: $name: the basket is as it was" eval 'screen | grep -Eq "ИТОГО: 549,00 ₸" &&
		! screen | grep -Eq "^ +2 "'
}
bad "a fraction for a piece product" '0,5*4870000025008' 'Этот товар продаётся поштучно'
bad "0 kg" '0*4600000010007' 'Нельзя продать вес 0'
bad "101 kg" '101*4600000010007' 'Вес одной позиции — не больше 100 кг'
bad "an unknown PLU" "$(label 22 999 350)" 'Нет товара с PLU 999'
bad "a label for a piece product" "$(label 22 25 500)" 'на штучный товар «Сахар-песок 1 кг»: ничего не добавлено'
bad "a label above the check limit (99 kg of казы)" "$(label 22 111 99000)" \
	'больше 1 000 000 ₸'
wrong=$(label 22 10 350); wrong=${wrong:0:12}$(((${wrong:12:1} + 1) % 10))
bad "a wrong check digit" "$wrong" 'Неверная контрольная цифра'
# the weight dialog refuses 0 and 101 and keeps the weight
type_human '0,350*4600000010007'; keys Enter
check "ru: a cheese line to weigh again" expect_screen '2 Сыр Российский весовой +0,350 кг × 4 290,00 ₸/кг'
keys F3
check "ru: F3 on it asks the weight" expect_screen 'Новый вес: 0,350_'
type_human 0; keys Enter
check "ru: 0 in the weight dialog is refused" expect_screen 'Нельзя продать вес 0'
keys C-u; type_human 101; keys Enter
check "ru: 101 in the weight dialog is refused" expect_screen 'не больше 100 кг'
keys Escape
check "ru: the weight is as it was" expect_screen '2 Сыр Российский весовой +0,350 кг × 4 290,00 ₸/кг +1 501,50'
check "ru: nothing of it reached the journal" test "$(lines_now)" = 4
check "ru: no English on the screen" eval '! screen | grep -Eq "\b(kg|the|weight|label)\b"'

e2e_finish
