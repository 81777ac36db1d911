# kassa_lib.bash — sourced by the kassa-sandbox tests (kassa_*.sh): start
# kassa-sandbox on a free port, call the Webkassa API with curl, read its
# answers, build check bodies. Not a test itself. The generic helpers (ok,
# bad, expect, expect_match, jval, finish, the clean-up) are lib.bash's.
. "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

KSX=${KP_KASSA:-$ROOT/build/kassa-sandbox}
WK_KEY=WKD-00000000-0000-0000-0000-000000000000   # kassa-sandbox's defaults
WK_LOGIN=demo@kaspi-pos.kz
WK_PASSWORD=demo
ZNK=SWK00000001
RN=032600010282
unset WEBKASSA_API_KEY WEBKASSA_LOGIN WEBKASSA_PASSWORD WEBKASSA_CASHBOX

if [ ! -x "$KSX" ]; then
	echo "kassa-sandbox not found at $KSX (build it, or set KP_KASSA)" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

# ksx_start [flags...] — sets BASE, HOSTPORT, SBX_PID, SBX_OUT, SBX_ERR
# (sbx_stop of lib.bash stops it)
ksx_start() {
	SBX_OUT=$(mktemp "$TMP/ksx.XXXXXX.out")
	SBX_ERR=${SBX_OUT%.out}.err
	"$KSX" --port 0 "$@" >"$SBX_OUT" 2>"$SBX_ERR" &
	SBX_PID=$!
	PIDS+=("$SBX_PID")
	local i
	for i in $(seq 200); do
		grep -q '^listening on ' "$SBX_OUT" 2>/dev/null && break
		kill -0 "$SBX_PID" 2>/dev/null || break
		sleep 0.025
	done
	BASE=$(sed -n 's/^listening on //p' "$SBX_OUT")
	if [ -z "$BASE" ]; then
		echo "kassa-sandbox did not start: $(cat "$SBX_ERR")" >&2
		echo "$PASS passed, $((FAIL + 1)) failed"
		exit 1
	fi
	HOSTPORT=${BASE#http://}
}

# kcall METHOD PATH [BODY [curl args...]] — with the x-api-key unless
# NOAUTH=1. Sets STATUS, RESP, CURL_RC; headers in $TMP/headers.
kcall() {
	local method=$1 path=$2 body=${3-}
	shift 2
	[ $# -gt 0 ] && shift
	local args=(-s -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' -X "$method")
	[ -n "${NOAUTH-}" ] || args+=(-H "x-api-key: $WK_KEY")
	[ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
	: >"$TMP/body"
	: >"$TMP/headers"
	STATUS=$(curl "${args[@]}" "$@" "$BASE$path")
	CURL_RC=$?
	RESP=$(cat "$TMP/body")
}

# post PATH BODY [curl args...]
post() { kcall POST "$@"; }

# wk_code — the Errors[0].Code of the last answer, "ok" for a Data answer, else "-"
wk_code() {
	local c
	c=$(printf '%s' "$RESP" | sed -n 's/^{"Errors":\[{"Code":\([0-9]*\),.*/\1/p')
	if [ -n "$c" ]; then echo "$c"
	elif [[ $RESP == '{"Data":'* ]]; then echo ok
	else echo -
	fi
}
# wk_text — the Errors[0].Text of the last answer
wk_text() { printf '%s' "$RESP" | sed -n 's/^{"Errors":\[{"Code":[0-9]*,"Text":"\(.*\)"}\]}$/\1/p'; }

# expect_wk NAME CODE [TEXT-REGEX] — the last answer is HTTP 200 with that
# error code (or "ok" for a success), its text matching the regex
expect_wk() {
	local code
	code=$(wk_code)
	if [ "$STATUS" = 200 ] && [ "$code" = "$2" ] && { [ -z "${3-}" ] || [[ $(wk_text) =~ $3 ]]; }; then
		ok "$1"
	else
		bad "$1: got $STATUS $code, want 200 $2${3:+ /$3/} (${RESP:0:300})"
	fi
}

# authorize — a fresh TOKEN
authorize() {
	post /api/v4/Authorize "{\"Login\":\"$WK_LOGIN\",\"Password\":\"$WK_PASSWORD\"}"
	TOKEN=$(printf '%s' "$RESP" | sed -n 's/^{"Data":{"Token":"\([0-9a-f]*\)"}}$/\1/p')
	[ -n "$TOKEN" ] || bad "authorize: $STATUS $RESP"
}

# gate — the "Token" and "CashboxUniqueNumber" fields of a body
gate() { printf '"Token":"%s","CashboxUniqueNumber":"%s"' "${1:-$TOKEN}" "${2:-$ZNK}"; }

# item COUNT PRICE RATE TAX [EXTRA] — one position (TaxType 100; 0 for rate
# "-"), in pieces or in $UNIT
item() {
	local tt=100 rate=$3
	[ "$rate" = - ] && tt=0 rate=0
	printf '{"Count":%s,"Price":%s,"TaxPercent":%s,"Tax":%s,"TaxType":%s,"PositionName":"Товар","UnitCode":%s,"PositionType":0%s}' \
		"$1" "$2" "$rate" "$4" "$tt" "${UNIT:-796}" "${5:+,$5}"
}

# check_body OP ECN POSITIONS PAYMENTS [CHANGE [EXTRA]] — a check body
check_body() {
	printf '{%s,"OperationType":%s,"Positions":[%s],"Payments":[%s],"Change":%s,"RoundType":2,"ExternalCheckNumber":"%s"%s}' \
		"$(gate)" "$1" "$3" "$4" "${5:-0}" "$2" "${6:+,$6}"
}

# pay TYPE SUM — one payment
pay() { printf '{"Sum":%s,"PaymentType":%s}' "$2" "$1"; }

# ecn — a fresh ExternalCheckNumber
ecn() { echo "ecn-$$-$(date +%s%N)"; }

# sell ECN — the sample sale of FISCAL.md (1099.80: 600 cash with 0.20
# change, 500 mobile); sets CHECK (its CheckNumber) and WHEN (its DateTime)
sell() {
	post /api/v4/check "$(check_body 2 "$1" "$(item 2 549.9 16 151.7)" "$(pay 0 600),$(pay 4 500)" 0.2)"
	CHECK=$(jval 'd["Data"]["CheckNumber"]')
	WHEN=$(jval 'd["Data"]["DateTime"]')
}

# basis CHECKNUMBER DATETIME TOTAL [OFFLINE] — ReturnBasisDetails of a sale
# answered with DateTime dd.MM.yyyy HH:mm:ss (Almaty): the UTC RFC 3339 time
basis() {
	local iso
	iso=$("$PY" -c '
import datetime, sys
t = datetime.datetime.strptime(sys.argv[1], "%d.%m.%Y %H:%M:%S") - datetime.timedelta(hours=5)
print(t.strftime("%Y-%m-%dT%H:%M:%SZ"))' "$2")
	printf '"ReturnBasisDetails":{"CheckNumber":"%s","DateTime":"%s","RegistrationNumber":"%s","Total":%s,"IsOffline":%s}' \
		"$1" "$iso" "$RN" "$3" "${4:-false}"
}

# clock SECONDS — moves the sandbox's clock forward
clock() {
	post /sandbox/clock "{\"advance_s\":$1}"
	[ "$STATUS" = 200 ] || bad "clock $1: $STATUS $RESP"
}

# checks_count — receipts in GET /sandbox/checks
checks_count() {
	kcall GET /sandbox/checks
	jval 'len(d["checks"])'
}
