#!/usr/bin/env bash
# kassa_api.sh — kassa-sandbox's protocol over HTTP (FISCAL.md): start-up,
# Authorize and the token's life, the register's gate, a sale and its
# answer field by field, validation as error 9 naming the field, returns
# checked against their sale, PrintFormat at 80 and 58 mm with the QR
# line, MoneyOperation and the cash in the register, Z with no shift, the
# 24 h shift and 72 h offline rules through the sandbox clock, every error
# code of the contract and the order in which they answer, the controls,
# the server's own refusals, and a clean exit on SIGTERM and SIGINT.
. "$(dirname "$0")/kassa_lib.bash"

# ---- start-up -------------------------------------------------------------------
ksx_start
expect_match "prints listening on http://ADDR:PORT once ready" "$(cat "$SBX_OUT")" '^listening on http://127\.0\.0\.1:[0-9]+$'
expect_match "--port 0 picked a free port" "${HOSTPORT##*:}" '^[1-9][0-9]*$'

# ---- Authorize ------------------------------------------------------------------
authorize
expect_match "Authorize gives a token" "$TOKEN" '^[0-9a-f]{32}$'
first_token=$TOKEN
authorize
expect "each Authorize gives a new token" "$( [ "$TOKEN" != "$first_token" ] && echo new)" new
post /api/v4/Authorize "{\"Login\":\"$WK_LOGIN\",\"Password\":\"nope\"}"
expect_wk "a wrong password is error 1" 1
post /api/v4/Authorize "{\"Login\":\"someone@else\",\"Password\":\"$WK_PASSWORD\"}"
expect_wk "a wrong login is error 1" 1
post /api/v4/Authorize "{\"Password\":\"$WK_PASSWORD\"}"
expect_wk "Authorize without Login is error 9 naming it" 9 '^Login is required$'
NOAUTH=1 post /api/v4/Authorize "{\"Login\":\"$WK_LOGIN\",\"Password\":\"$WK_PASSWORD\"}"
expect "no x-api-key: HTTP 401" "$STATUS" 401
expect "no x-api-key: error 3" "$(wk_code)" 3
NOAUTH=1 post /api/v4/Authorize "{\"Login\":\"$WK_LOGIN\",\"Password\":\"$WK_PASSWORD\"}" -H "x-api-key: WKD-wrong"
expect "an unknown x-api-key: HTTP 401 with error 3" "$STATUS $(wk_code)" "401 3"
NOAUTH=1 post /api/v4/Authorize "{\"Login\":\"$WK_LOGIN\",\"Password\":\"$WK_PASSWORD\"}" -H "X-API-KEY: $WK_KEY"
expect_wk "the header's name is case-insensitive" ok
NOAUTH=1 kcall GET /sandbox/checks
expect "a control call needs the key too" "$STATUS $(wk_code)" "401 3"

# ---- the token and the register -------------------------------------------------------
post /api/v4/XReport "{\"CashboxUniqueNumber\":\"$ZNK\"}"
expect_wk "no Token is error 3" 3
post /api/v4/XReport "{$(gate 0123456789abcdef0123456789abcdef)}"
expect_wk "an unknown Token is error 3" 3
post /api/v4/XReport "{\"Token\":12,\"CashboxUniqueNumber\":\"$ZNK\"}"
expect_wk "a Token that is no string is error 3" 3
post /api/v4/XReport "{$(gate "$TOKEN" SWK99999999)}"
expect_wk "an unknown cash register is error 6" 6 'SWK99999999'
post /api/v4/XReport "{\"Token\":\"$TOKEN\"}"
expect_wk "no CashboxUniqueNumber is error 6" 6
post /sandbox/cashbox '{"blocked":true}'
expect "the register blocked" "$STATUS $RESP" '200 {"blocked":true}'
post /api/v4/XReport "{$(gate)}"
expect_wk "a blocked register is error 7" 7
sell "$(ecn)"
expect_wk "a blocked register registers no receipt (7)" 7
post /sandbox/cashbox '{"blocked":false}'
post /api/v4/XReport "{$(gate)}"
expect_wk "unblocked, it answers again" ok

# ---- a sale -----------------------------------------------------------------------------
e1=$(ecn)
sell "$e1"
expect_wk "the sample sale of FISCAL.md is registered" ok
expect_match "CheckNumber is the fiscal sign, digits" "$CHECK" '^[0-9]{9,}$'
expect_match "DateTime is dd.MM.yyyy HH:mm:ss" "$WHEN" '^[0-3][0-9]\.[01][0-9]\.20[0-9]{2} [0-2][0-9]:[0-5][0-9]:[0-5][0-9]$'
expect "DateTimeUTC is DateTime with +05:00" "$(jval 'd["Data"]["DateTimeUTC"]')" "$WHEN +05:00"
now_almaty=$(TZ=Asia/Almaty date +%s)
expect "DateTime is Almaty time, now" "$("$PY" -c '
import calendar, sys, time
t = calendar.timegm(time.strptime(sys.argv[1], "%d.%m.%Y %H:%M:%S")) - 5 * 3600
print("now" if abs(t - int(sys.argv[2])) <= 5 else "%d s off" % (t - int(sys.argv[2])))' "$WHEN" "$now_almaty")" now
expect "OfflineMode false, CashboxOfflineMode false" "$(jval '[d["Data"]["OfflineMode"], d["Data"]["CashboxOfflineMode"]]')" "[false, false]"
expect "Cashbox names the register" "$(jval '[d["Data"]["Cashbox"][k] for k in ("UniqueNumber", "RegistrationNumber", "IdentityNumber")]')" "[\"$ZNK\", \"$RN\", \"2363\"]"
expect "Cashbox carries both addresses and the operator" "$(jval 'sorted(d["Data"]["Cashbox"].keys()) + sorted(d["Data"]["Cashbox"]["Ofd"].keys())')" \
	'["Address", "AddressKz", "IdentityNumber", "Ofd", "RegistrationNumber", "UniqueNumber", "Code", "Host", "Name", "NameKz"]'
expect "Organization: the taxpayer and its BIN" "$(jval 'd["Data"]["Organization"]["TaxPayerName"] + " " + d["Data"]["Organization"]["TaxPayerIN"]')" 'ТОО «Береке» 123456789012'
expect "the first receipt of the first shift" "$(jval '[d["Data"]["ShiftNumber"], d["Data"]["CheckOrderNumber"]]')" "[1, 1]"
expect "EmployeeName" "$(jval 'd["Data"]["EmployeeName"]')" "Айгерим"
url=$(jval 'd["Data"]["TicketUrl"]')
t_expect=$("$PY" -c 'import sys, time; print(time.strftime("%Y%m%dT%H%M%S", time.strptime(sys.argv[1], "%d.%m.%Y %H:%M:%S")))' "$WHEN")
expect "TicketUrl: http:// + Ofd.Host + i, f, s, t" "$url" "http://consumer.oofd.kz?i=$CHECK&f=$RN&s=1099.80&t=$t_expect"
sale1=$CHECK when1=$WHEN
sell "$(ecn)"
expect "the next receipt is number 2 of the shift" "$(jval 'd["Data"]["CheckOrderNumber"]')" 2
expect "fiscal signs are unique" "$( [ "$CHECK" != "$sale1" ] && echo differ)" differ

# ---- validation (9): the body's own rules; a refusal uses nothing ------------------------
e9=$(ecn)
post /api/v4/check "$(check_body 2 "$e9" "$(item 2 549.9 16 151.69)" "$(pay 0 600),$(pay 4 500)" 0.2)"
expect_wk "a Tax one tiyn off is error 9 naming the field" 9 '^Positions\[0\]\.Tax is 151\.69; the VAT in 1099\.80 at 16% is 151\.70$'
post /api/v4/check "$(check_body 2 "$e9" "$(item 2 549.9 16 151.7)" "$(pay 0 600),$(pay 4 500)" 0.2)"
expect_wk "after a 9 the same ExternalCheckNumber registers" ok
post /api/v4/check "$(check_body 2 "$(ecn)" "$(item 1 549.899 16 75.85)" "$(pay 1 549.9)")"
expect_wk "three decimals of tenge are error 9" 9 'Price has more than 2 decimals'
post /api/v4/check "$(check_body 2 "$(ecn)" "$(item 1 549.89999999999998 16 75.85)" "$(pay 1 549.9)")"
expect_wk "a float printed in full is error 9, not rounded" 9 'Price has more than 2 decimals'
post /api/v4/check "$(check_body 2 "$(ecn)" "$(item 0.3335 100 - 0)" "$(pay 1 33.35)")"
expect_wk "four decimals of a quantity are error 9" 9 'Count has more than 3 decimals'
post /api/v4/check "$(check_body 2 "$(ecn)" "$(UNIT=166 item 0.333 549.9 16 25.26)" "$(pay 1 183.12)")"
expect_wk "0.333 kg at 549.90 is 183.12" ok
post /api/v4/check "$(check_body 2 "$(ecn)" "$(item 0.333 549.9 16 25.26)" "$(pay 1 183.11)")"
expect_wk "payments a tiyn short of the total are error 9" 9 '^Payments 183\.11 less Change 0\.00 is 183\.11; the positions add up to 183\.12$'
post /api/v4/check "$(check_body 2 "$(ecn)" "$(item 1 100 - 0)" "$(pay 1 100.2)" 0.2)"
expect_wk "change with no cash is error 9" 9 'Change 0\.20 is more than the cash payment 0\.00'
post /api/v4/check "$(check_body 0 "$(ecn)" "$(item 1 100 - 0)" "$(pay 1 100)")"
expect_wk "a purchase (OperationType 0) is error 9" 9 'purchase'
post /api/v4/check "$(check_body 1 "$(ecn)" "$(item 1 100 - 0)" "$(pay 1 100)")"
expect_wk "a return of a purchase (OperationType 1) is error 9" 9 'purchase'
post /api/v4/check "$(check_body '"2"' "$(ecn)" "$(item 1 100 - 0)" "$(pay 1 100)")"
expect_wk "an OperationType that is a string is error 9" 9 'OperationType must be a number'
post /api/v4/check "{$(gate),\"ExternalCheckNumber\":\"$(ecn)\",\"OperationType\":2,\"Positions\":{},\"Payments\":[]}"
expect_wk "Positions that are no array are error 9" 9 'Positions must be an array'
post /api/v4/check "$(check_body 2 "$(ecn)" "$(item 1 100 - 0)" "$(pay 1 100)" 0 '"RoundType":1' | sed 's/"RoundType":2,//')"
expect_wk "RoundType other than 2 is error 9" 9 'RoundType must be 2, not 1'
post /api/v4/check "$(check_body 2 "$(ecn)" "$(item 1 100 - 0)" "$(pay 3 100)")"
expect_wk "an unknown PaymentType is error 9" 9 'PaymentType must be 0, 1 or 4'
post /api/v4/check 'not json'
expect_wk "a body that is not JSON is error 9" 9 'not a JSON object'
post /api/v4/check "$(check_body 2 "" "$(item 1 100 - 0)" "$(pay 1 100)")"
expect_wk "an empty ExternalCheckNumber is error 9" 9 'ExternalCheckNumber must be 1-64'

# ---- returns: checked against their sale -----------------------------------------------
sell "$(ecn)"
s_check=$CHECK s_when=$WHEN
ret() { # ECN TOTAL-AND-CARD-PAYMENT BASIS-FIELDS
	post /api/v4/check "$(check_body 3 "$1" "$(item 1 "$2" - 0)" "$(pay 1 "$2")" 0 "$3")"
}
ret "$(ecn)" 100 "$(basis "$s_check" "$s_when" 1099.8)"
expect_wk "a return against its sale is registered" ok
expect_match "a return's TicketUrl holds its own total" "$(jval 'd["Data"]["TicketUrl"]')" '&s=100\.00&t='
ret "$(ecn)" 100 "$(basis 999999999999 "$s_when" 1099.8)"
expect_wk "a return against an unknown receipt is error 9" 9 'ReturnBasisDetails.CheckNumber 999999999999 is no sale of this register'
ret "$(ecn)" 100 "$(basis "$s_check" "$s_when" 1099.7)"
expect_wk "a return naming another total is error 9" 9 'ReturnBasisDetails.Total 1099\.70 is not the total 1099\.80'
ret "$(ecn)" 100 "$(basis "$s_check" "$s_when" 1099.8 | sed "s/$RN/032600010283/")"
expect_wk "a return naming another register is error 9" 9 'RegistrationNumber'
ret "$(ecn)" 100 "$(basis "$s_check" "$s_when" 1099.8 | sed 's/:[0-5][0-9]Z"/:61Z"/')"
expect_wk "a return naming a time that is none is error 9" 9 'ReturnBasisDetails.DateTime'
other_time=$("$PY" -c 'import sys, time, calendar; t = calendar.timegm(time.strptime(sys.argv[1], "%d.%m.%Y %H:%M:%S")) + 1; print(time.strftime("%d.%m.%Y %H:%M:%S", time.gmtime(t)))' "$s_when")
ret "$(ecn)" 100 "$(basis "$s_check" "$other_time" 1099.8)"
expect_wk "a return naming the sale's time a second off is error 9" 9 'ReturnBasisDetails.DateTime is not the time of sale'
ret "$(ecn)" 100 "$(basis "$s_check" "$s_when" 1099.8 true)"
expect_wk "a return naming the sale offline when it was not is error 9" 9 'IsOffline'
ret "$(ecn)" 999.81 "$(basis "$s_check" "$s_when" 1099.8)"
expect_wk "returns past the sale's total are error 9" 9 'the return of 999\.81 is more than the 999\.80 of sale'
ret "$(ecn)" 999.8 "$(basis "$s_check" "$s_when" 1099.8)"
expect_wk "returns up to the sale's total exactly" ok
r_check=$(jval 'd["Data"]["CheckNumber"]') r_when=$(jval 'd["Data"]["DateTime"]')
ret "$(ecn)" 0.01 "$(basis "$s_check" "$s_when" 1099.8)"
expect_wk "not a tiyn more once it is all returned" 9 'is more than the 0\.00 of sale'
ret "$(ecn)" 1 "$(basis "$r_check" "$r_when" 999.8)"
expect_wk "a return against a return is error 9" 9 'is no sale'
post /api/v4/check "$(check_body 3 "$(ecn)" "$(item 1 100 - 0)" "$(pay 1 100)")"
expect_wk "a return without ReturnBasisDetails is error 9" 9 'ReturnBasisDetails is required'
post /api/v4/check "$(check_body 2 "$(ecn)" "$(item 1 100 - 0)" "$(pay 1 100)" 0 "$(basis "$s_check" "$s_when" 1099.8)")"
expect_wk "a sale with ReturnBasisDetails is error 9" 9 'belongs to a return'

# ---- PrintFormat --------------------------------------------------------------------------
pe=$(ecn)
post /api/v4/check "$(check_body 2 "$pe" "$(item 2 549.9 16 139.31 '"Discount":99.8,"Markup":10,"PositionName":"Молоко ультрапастеризованное «Весёлый молочник» 2,5% жирности, 1 л"' | sed 's/"PositionName":"Товар",//'),$(UNIT=166 item 0.35 1200 12 45)" "$(pay 0 2000),$(pay 1 100)" 670)"
expect_wk "a receipt with a long name, a discount, a markup and two rates" ok
p_url=$(jval 'd["Data"]["TicketUrl"]') p_check=$(jval 'd["Data"]["CheckNumber"]')
# lines_check COLUMNS — the Lines of the last answer: each text line fits,
# Order counts from 1, one QR line; prints the text lines
lines_check() {
	"$PY" -c '
import json, sys
cols = int(sys.argv[1]); d = json.loads(sys.argv[2])["Data"]["Lines"]
bad = [l["Value"] for l in d if l["Type"] == 0 and len(l["Value"]) > cols]
orders = [l["Order"] for l in d] == list(range(1, len(d) + 1))
qr = [l["Value"] for l in d if l["Type"] == 2]
types = {l["Type"] for l in d} <= {0, 2}
print("fits" if not bad else "too wide: %r" % bad)
print("ordered" if orders else "Order is not 1..n")
print("types" if types else "a Type other than 0 and 2")
print("QR " + (qr[0] if len(qr) == 1 else "%d QR lines" % len(qr)))
for l in d:
    if l["Type"] == 0: print("|" + l["Value"])' "$1" "$RESP"
}
for paper in "0 48" "3 32"; do
	kind=${paper% *} cols=${paper#* }
	post /api/v4/Ticket/PrintFormat "{$(gate),\"ExternalCheckNumber\":\"$pe\",\"PaperKind\":$kind}"
	expect_wk "PrintFormat PaperKind $kind" ok
	out=$(lines_check "$cols")
	expect "PaperKind $kind: every text line within $cols columns" "$(sed -n 1p <<<"$out")" fits
	expect "PaperKind $kind: Order is 1..n" "$(sed -n 2p <<<"$out")" ordered
	expect "PaperKind $kind: text lines and the QR only" "$(sed -n 3p <<<"$out")" types
	expect "PaperKind $kind: one Type 2 line, the TicketUrl exactly" "$(sed -n 4p <<<"$out")" "QR $p_url"
	text=$(sed -n '5,$p' <<<"$out")
	missing=""
	for word in "ТОО «Береке»" "123456789012" "Ауысым/Смена" "Чек нөмірі/Номер чека" "Кассир/Кассир" "Айгерим" \
		"САТУ/ПРОДАЖА" "Молоко" "2 дана/шт x 549,90" "0,35 кг x 1 200,00" "Жеңілдік/Скидка" "-99,80" "Үстеме/Наценка" \
		"Құны/Стоимость" "1 010,00" "Қолма-қол/Наличные" "2 000,00" "Картамен/Картой" "Қайтарым/Сдача" "670,00" \
		"БАРЛЫҒЫ/ИТОГО" "1 430,00" "ҚҚС/НДС 12%" "45,00" "ҚҚС/НДС 16%" "139,31" "ФБ/ФП" "$p_check" "Уақыты/Время" \
		"Абай к-сі" "ул. Абая" "ФДО/ОФД" "Казахтелеком" "consumer.oofd.kz" "ФИСКАЛДЫҚ ЧЕК/ФИСКАЛЬНЫЙ ЧЕК" "ИНК" "2363" \
		"РНМ" "$RN" "ЗНМ" "$ZNK"; do
		grep -qF -- "$word" <<<"$text" || missing="$missing [$word]"
	done
	expect "PaperKind $kind: the receipt carries every element of FISCAL.md's list" "${missing:-none}" none
done
expect "the long name is wrapped on 58 mm, not cut" "$(grep -c 'жирности' <<<"$text")" 1
post /api/v4/Ticket/PrintFormat "{$(gate),\"ExternalCheckNumber\":\"$pe\"}"
expect "PaperKind absent is 80 mm" "$(lines_check 48 | sed -n 1p)" fits
post /api/v4/Ticket/PrintFormat "{$(gate),\"ExternalCheckNumber\":\"$pe\",\"PaperKind\":1}"
expect_wk "PaperKind 1 is error 9" 9 'PaperKind must be 0 or 3, not 1'
post /api/v4/Ticket/PrintFormat "{$(gate),\"ExternalCheckNumber\":\"never-sent\",\"PaperKind\":0}"
expect_wk "an ExternalCheckNumber never registered is error 19" 19
post /api/v4/Ticket/PrintFormat "{$(gate),\"PaperKind\":0}"
expect_wk "PrintFormat without ExternalCheckNumber is error 9" 9 'ExternalCheckNumber is required'

# ---- MoneyOperation and the cash in the register ------------------------------------------
kcall GET /sandbox/checks
cash=$(jval 'None')
post /api/v4/XReport "{$(gate)}"
cash=$(jval 'd["Data"]["SumInCashbox"]')
m1=$(ecn)
post /api/v4/MoneyOperation "{$(gate),\"OperationType\":0,\"Sum\":5000,\"ExternalCheckNumber\":\"$m1\"}"
expect_wk "a cash-in is registered" ok
after_in=$(jval 'd["Data"]["Sum"]')
expect "its Sum is the cash in the register after it" "$("$PY" -c 'import sys; from decimal import Decimal as D; print(D(sys.argv[1]) + 5000 == D(sys.argv[2]))' "$cash" "$after_in")" True
expect "the answer carries the shift, the time, the mode and the register" "$(jval 'sorted(d["Data"].keys())')" '["Cashbox", "CashboxOfflineMode", "DateTime", "OfflineMode", "ShiftNumber", "Sum"]'
post /api/v4/MoneyOperation "{$(gate),\"OperationType\":0,\"Sum\":1,\"ExternalCheckNumber\":\"$m1\"}"
expect_wk "a repeated ExternalCheckNumber is error 14" 14
post /api/v4/MoneyOperation "{$(gate),\"OperationType\":1,\"Sum\":1,\"ExternalCheckNumber\":\"$e1\"}"
expect_wk "an ExternalCheckNumber a receipt used is error 14 too" 14
over=$("$PY" -c 'import sys; from decimal import Decimal as D; print(D(sys.argv[1]) + D("0.01"))' "$after_in")
post /api/v4/MoneyOperation "{$(gate),\"OperationType\":1,\"Sum\":$over,\"ExternalCheckNumber\":\"$(ecn)\"}"
expect_wk "a cash-out a tiyn over the cash is error 8" 8
post /api/v4/MoneyOperation "{\"token\":\"$TOKEN\",\"cashboxUniqueNumber\":\"$ZNK\",\"operationType\":1,\"sum\":$after_in,\"externalCheckNumber\":\"$(ecn)\"}"
expect_wk "a cash-out of all of it, field names in lower camel case" ok
expect "the register is empty" "$(jval 'd["Data"]["Sum"]')" 0
post /api/v4/MoneyOperation "{$(gate),\"OperationType\":2,\"Sum\":1,\"ExternalCheckNumber\":\"$(ecn)\"}"
expect_wk "OperationType 2 is error 9" 9 'OperationType must be 0 or 1'
post /api/v4/MoneyOperation "{$(gate),\"OperationType\":0,\"Sum\":0,\"ExternalCheckNumber\":\"$(ecn)\"}"
expect_wk "a Sum of 0 is error 9" 9 'Sum must be more than 0'

# ---- Z, and Z with no shift ---------------------------------------------------------------
post /api/v4/ZReport "{$(gate)}"
expect_wk "Z closes shift 1" ok
expect "Z's report names the shift and its close" "$(jval '[d["Data"]["ShiftNumber"], d["Data"]["ReportNumber"], "CloseOn" in d["Data"]]')" "[1, 1, true]"
post /api/v4/ZReport "{$(gate)}"
expect_wk "Z with no open shift is error 12" 12
post /api/v4/XReport "{$(gate)}"
expect "X with no open shift shows the next one, empty" "$(jval '[d["Data"]["ShiftNumber"], d["Data"]["DocumentCount"], "CloseOn" in d["Data"]]')" "[2, 0, false]"
sell "$(ecn)"
expect "the next document opens shift 2 as its receipt 1" "$(jval '[d["Data"]["ShiftNumber"], d["Data"]["CheckOrderNumber"]]')" "[2, 1]"
sbx_stop

# ---- the token's life: --token-ttl and the clock ------------------------------------------
# (each boundary with a minute to spare: the test's own steps take time)
ksx_start --token-ttl 1000
authorize
clock 940
post /api/v4/XReport "{$(gate)}"
expect_wk "a token 940 s old of 1000 works" ok
clock 61
post /api/v4/XReport "{$(gate)}"
expect_wk "a token over its --token-ttl is error 2" 2
sell "$(ecn)"
expect_wk "an expired token registers no receipt (2)" 2
authorize
post /api/v4/XReport "{$(gate)}"
expect_wk "a new Authorize gives a working token" ok
sbx_stop
ksx_start
authorize
clock 86340
post /api/v4/XReport "{$(gate)}"
expect_wk "by default a token lives 24 h: at 23:59 it works" ok
clock 61
post /api/v4/XReport "{$(gate)}"
expect_wk "by default a token lives 24 h: past it, error 2" 2
sbx_stop

# ---- the 24 h shift -----------------------------------------------------------------------
ksx_start --token-ttl 31536000
authorize
sell "$(ecn)"
clock 86340
sell "$(ecn)"
expect_wk "a receipt 23:59 after the shift's first document" ok
clock 61
sell "$(ecn)"
expect_wk "a receipt in a shift open for over 24 h is error 11" 11
post /api/v4/MoneyOperation "{$(gate),\"OperationType\":0,\"Sum\":1,\"ExternalCheckNumber\":\"$(ecn)\"}"
expect_wk "a MoneyOperation then is error 11 too" 11
post /api/v4/XReport "{$(gate)}"
expect_wk "X still works" ok
expect "X shows the two receipts of the old shift" "$(jval 'd["Data"]["Sell"]["Count"]')" 2
post /api/v4/ZReport "{$(gate)}"
expect_wk "Z closes the old shift" ok
sell "$(ecn)"
expect_wk "after the Z, sales go on in shift 2" ok
expect "shift 2" "$(jval 'd["Data"]["ShiftNumber"]')" 2
sbx_stop

# ---- offline, and the 72 h limit ----------------------------------------------------------
ksx_start --token-ttl 31536000
authorize
post /sandbox/ofd '{"online":false}'
expect "the operator made unreachable" "$(jval 'd["online"]')" false
o1=$(ecn)
sell "$o1"
expect_wk "offline, receipts are still registered" ok
expect "... marked OfflineMode and CashboxOfflineMode" "$(jval '[d["Data"]["OfflineMode"], d["Data"]["CashboxOfflineMode"]]')" "[true, true]"
o_check=$CHECK o_when=$WHEN
post /api/v4/Ticket/PrintFormat "{$(gate),\"ExternalCheckNumber\":\"$o1\",\"PaperKind\":3}"
expect "the offline receipt prints АВТОНОМДЫ РЕЖИМ/АВТОНОМНЫЙ РЕЖИМ" "$(lines_check 32 | grep -c 'АВТОНОМДЫ РЕЖИМ/АВТОНОМНЫЙ РЕЖИМ')" 1
post /api/v4/MoneyOperation "{$(gate),\"OperationType\":0,\"Sum\":10,\"ExternalCheckNumber\":\"$(ecn)\"}"
expect "a MoneyOperation offline says so" "$(jval 'd["Data"]["OfflineMode"]')" true
post /api/v4/ZReport "{$(gate)}"
expect_wk "Z works offline" ok
expect "Z says it is offline" "$(jval 'd["Data"]["OfflineMode"]')" true
post /sandbox/ofd '{"online":false}'
clock 259140
sell "$(ecn)"
expect_wk "a second \"offline\" keeps the first time: 71:59 later, a receipt" ok
post /api/v4/ZReport "{$(gate)}"
clock 61
sell "$(ecn)"
expect_wk "over 72 h offline, a receipt is error 18" 18
post /api/v4/check "$(check_body 3 "$(ecn)" "$(item 1 100 - 0)" "$(pay 1 100)" 0 "$(basis "$o_check" "$o_when" 1099.8 true)")"
expect_wk "... a return too" 18
post /api/v4/MoneyOperation "{$(gate),\"OperationType\":1,\"Sum\":10,\"ExternalCheckNumber\":\"$(ecn)\"}"
expect_wk "a MoneyOperation is not a receipt: it goes on" ok
post /api/v4/ZReport "{$(gate)}"
expect_wk "Z works past 72 h offline" ok
post /sandbox/ofd '{"online":true}'
sell "$(ecn)"
expect_wk "back online, receipts again" ok
expect "... no longer offline" "$(jval 'd["Data"]["OfflineMode"]')" false
post /api/v4/check "$(check_body 3 "$(ecn)" "$(item 1 100 - 0)" "$(pay 1 100)" 0 "$(basis "$o_check" "$o_when" 1099.8 true)")"
expect_wk "a return against the offline sale names it IsOffline" ok
sbx_stop

# ---- which error answers when several rules fail --------------------------------------------
ksx_start --token-ttl 100
authorize
stale=$TOKEN
used=$(ecn)
sell "$used"
NOAUTH=1 post /api/v4/check "{\"CashboxUniqueNumber\":\"nope\"}"
expect "the x-api-key before everything (401, 3)" "$STATUS $(wk_code)" "401 3"
clock 101
post /api/v4/check "{$(gate "$stale" nope),\"ExternalCheckNumber\":\"$used\"}"
expect_wk "an expired token (2) before an unknown register (6)" 2
authorize
post /api/v4/check "{$(gate "$TOKEN" nope),\"ExternalCheckNumber\":\"$used\"}"
expect_wk "an unknown register (6) before a repeated ExternalCheckNumber (14)" 6
post /sandbox/cashbox '{"blocked":true}'
post /api/v4/check "{$(gate),\"ExternalCheckNumber\":\"$used\"}"
expect_wk "a blocked register (7) before a repeated ExternalCheckNumber (14)" 7
post /sandbox/cashbox '{"blocked":false}'
post /api/v4/check "{$(gate),\"ExternalCheckNumber\":\"$used\",\"OperationType\":\"junk\"}"
expect_wk "a repeated ExternalCheckNumber (14), whatever the body, before validation (9)" 14
post /sandbox/ofd '{"online":false}'
clock 86401
authorize
post /api/v4/check "$(check_body 2 "$(ecn)" "$(item 1 100 - 1)" "$(pay 1 100)")"
expect_wk "validation (9) before the 24 h shift (11)" 9
clock 259201
authorize
post /api/v4/check "$(check_body 2 "$(ecn)" "$(item 1 100 - 0)" "$(pay 1 100)")"
expect_wk "the 24 h shift (11) before the 72 h offline limit (18)" 11
post /api/v4/MoneyOperation "{$(gate),\"OperationType\":1,\"Sum\":100000,\"ExternalCheckNumber\":\"$(ecn)\"}"
expect_wk "the 24 h shift (11) before the cash (8)" 11
sbx_stop

# ---- controls and the server's own refusals ---------------------------------------------------
ksx_start
post /sandbox/ofd '{"online":"no"}'
expect_wk "/sandbox/ofd wants a boolean" 9 'online must be true or false'
post /sandbox/clock '{"advance_s":-1}'
expect_wk "/sandbox/clock moves forward only" 9 'advance_s must be at least 0'
post /sandbox/clock '{"advance_s":1.5}'
expect_wk "/sandbox/clock takes whole seconds" 9 'whole number'
post /sandbox/clock '{"advance_s":3600}'
expect "/sandbox/clock answers the new time and the total move" "$(jval 'd["advanced_s"]')" 3600
kcall GET /sandbox/checks
expect "GET /sandbox/checks: receipts and cash operations" "$RESP" '{"checks":[],"money":[]}'
kcall POST /sandbox/checks '{}'
expect "POST /sandbox/checks: 405 with Allow" "$STATUS $(header Allow)" "405 GET, HEAD"
kcall GET /api/v4/check
expect "GET /api/v4/check: 405" "$STATUS $(wk_code) $(header Allow)" "405 405 POST"
kcall POST /api/v4/nothing '{}'
expect "an unknown path: 404 in the Errors form" "$STATUS $(wk_code)" "404 404"
authorize
post /API/V4/CHECK "$(check_body 2 "$(ecn)" "$(item 1 100 - 0)" "$(pay 1 100)")"
expect_wk "paths match without regard to case" ok
sbx_stop
expect "SIGTERM: a clean exit" "$SBX_RC" 0
ksx_start
kill -INT "$SBX_PID"
wait "$SBX_PID"
expect "SIGINT: a clean exit" "$?" 0

finish
