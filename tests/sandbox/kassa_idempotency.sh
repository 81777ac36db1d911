#!/usr/bin/env bash
# kassa_idempotency.sh — one receipt per ExternalCheckNumber (FISCAL.md):
# a repeat is error 14 whatever its body and registers nothing; 20 identical
# checks sent at once register exactly one receipt and 19 answer 14, and so
# do 20 different bodies with one ExternalCheckNumber, and 20 cash
# operations; 20 checks with different numbers at once are 20 receipts with
# 20 fiscal signs; after any refusal but 14 the number is free; after a 14
# PrintFormat settles the outcome with the first receipt's TicketUrl.
. "$(dirname "$0")/kassa_lib.bash"

ksx_start
authorize
auth=(-H "x-api-key: $WK_KEY" -H 'Content-Type: application/json')

# burst NAME N BODY-FUNCTION PATH — N curls at once, each body from
# BODY-FUNCTION I; answers in $TMP/NAME.I
burst() {
	local name=$1 n=$2 fn=$3 path=$4 i jobs_=()
	for i in $(seq "$n"); do
		"$fn" "$i" >"$TMP/$name.$i.req"
	done
	for i in $(seq "$n"); do
		curl -s -o "$TMP/$name.$i" "${auth[@]}" --data-binary "@$TMP/$name.$i.req" "$BASE$path" &
		jobs_+=($!)
	done
	wait "${jobs_[@]}"
}
# outcomes NAME — "K×ok M×14 ..." of a burst's answers
outcomes() {
	local f
	for f in "$TMP/$1".[0-9]*; do
		[[ $f == *.req ]] && continue
		RESP=$(cat "$f")
		wk_code
	done | sort | uniq -c | awk '{printf "%s×%s ", $1, $2}'
}
# receipts_of ECN — how many receipts GET /sandbox/checks holds for it
receipts_of() {
	kcall GET /sandbox/checks
	jval "len([c for c in d['checks'] if c['ExternalCheckNumber'] == '$1'])"
}

same=$(ecn)
same_body() { check_body 2 "$same" "$(item 2 549.9 16 151.7)" "$(pay 0 600),$(pay 4 500)" 0.2; }
burst same 20 same_body /api/v4/check
expect "20 identical checks at once: one registered, 19 error 14" "$(outcomes same)" "19×14 1×ok "
expect "... and exactly one receipt" "$(receipts_of "$same")" 1
first=$(grep -l '"Data"' "$TMP"/same.[0-9]* | grep -v req | head -n 1)
RESP=$(cat "$first")
url=$(jval 'd["Data"]["TicketUrl"]')
sign=$(jval 'd["Data"]["CheckNumber"]')

mixed=$(ecn)
mixed_body() { check_body 2 "$mixed" "$(item "$1" 100 - 0)" "$(pay 1 "$1"00)"; }
burst mixed 20 mixed_body /api/v4/check
expect "20 different bodies with one ExternalCheckNumber at once: one registered" "$(outcomes mixed)" "19×14 1×ok "
expect "... and exactly one receipt" "$(receipts_of "$mixed")" 1

money=$(ecn)
money_body() { printf '{%s,"OperationType":0,"Sum":%s,"ExternalCheckNumber":"%s"}' "$(gate)" "$1" "$money"; }
burst money 20 money_body /api/v4/MoneyOperation
expect "20 cash-ins with one ExternalCheckNumber at once: one registered" "$(outcomes money)" "19×14 1×ok "
kcall GET /sandbox/checks
expect "... and exactly one cash operation" "$(jval "len([m for m in d['money'] if m['ExternalCheckNumber'] == '$money'])")" 1

apart_base=$(ecn)
apart_body() { check_body 2 "$apart_base-$1" "$(item 1 100 - 0)" "$(pay 1 100)"; }
burst apart 20 apart_body /api/v4/check
expect "20 checks with different numbers at once: 20 registered" "$(outcomes apart)" "20×ok "
expect "... with 20 different fiscal signs" "$(cat "$TMP"/apart.[0-9]* | grep -o '"CheckNumber":"[0-9]*"' | sort -u | wc -l)" 20
expect "... numbered 3..22 in the shift (after the two above), no gap, no repeat" \
	"$(cat "$TMP"/apart.[0-9]* | grep -o '"CheckOrderNumber":[0-9]*' | cut -d: -f2 | sort -n | tr '\n' ' ')" \
	"$(seq 3 22 | tr '\n' ' ')"
post /api/v4/XReport "{$(gate)}"
expect "X counts the 22 sales" "$(jval 'd["Data"]["Sell"]["Count"]')" 22

# a repeat, one at a time, whatever its body
post /api/v4/check "$(same_body)"
expect_wk "the same body again: 14" 14 "$same"
post /api/v4/check "$(check_body 2 "$same" "$(item 1 1 - 0)" "$(pay 1 1)")"
expect_wk "another valid body: 14" 14
post /api/v4/check "{$(gate),\"ExternalCheckNumber\":\"$same\"}"
expect_wk "a body that would be error 9: 14" 14
post /api/v4/check "$(check_body 3 "$same" "$(item 1 1 - 0)" "$(pay 1 1)")"
expect_wk "a return with a sale's number: 14" 14
expect "still one receipt" "$(receipts_of "$same")" 1

# after 14, PrintFormat gives the first receipt back
post /api/v4/Ticket/PrintFormat "{$(gate),\"ExternalCheckNumber\":\"$same\",\"PaperKind\":0}"
expect "PrintFormat's QR line is the first answer's TicketUrl" "$(jval '[l["Value"] for l in d["Data"]["Lines"] if l["Type"] == 2][0]')" "$url"
expect_match "its i is the fiscal sign and f the registration number" "$url" "\\?i=$sign&f=$RN&"

# a refused request uses nothing up
free=$(ecn)
post /api/v4/check "$(check_body 2 "$free" "$(item 1 100 - 1)" "$(pay 1 100)")"
expect_wk "refused with 9" 9
post /api/v4/check "{\"Token\":\"0000\",\"CashboxUniqueNumber\":\"$ZNK\",\"ExternalCheckNumber\":\"$free\"}"
expect_wk "refused with 3" 3
post /sandbox/cashbox '{"blocked":true}'
post /api/v4/check "$(check_body 2 "$free" "$(item 1 100 - 0)" "$(pay 1 100)")"
expect_wk "refused with 7" 7
post /sandbox/cashbox '{"blocked":false}'
post /api/v4/MoneyOperation "{$(gate),\"OperationType\":1,\"Sum\":99999999,\"ExternalCheckNumber\":\"$free\"}"
expect_wk "refused with 8" 8
expect "no receipt for it yet" "$(receipts_of "$free")" 0
post /api/v4/check "$(check_body 2 "$free" "$(item 1 100 - 0)" "$(pay 1 100)")"
expect_wk "then it registers" ok
post /api/v4/check "$(check_body 2 "$free" "$(item 1 100 - 0)" "$(pay 1 100)")"
expect_wk "and only then is it used" 14
sbx_stop
finish
