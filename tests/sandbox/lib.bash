# lib.bash — sourced by the sandbox tests: start kaspi-sandbox on a free port,
# call it with curl, read JSON, count passes and failures. Not a test itself.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SBX=${KP_SANDBOX:-$ROOT/build/kaspi-sandbox}
KEY=xdev_t3stk3ysandbox000001       # a demo key for tests only
MERCHANT=123456789012
PASS=0
FAIL=0
PIDS=()
TMP=$(mktemp -d "${TMPDIR:-/tmp}/kp-sandbox-test.XXXXXX")
# the system python when there is one: version-manager shims cost 100 ms a call
PY=$(command -v /usr/bin/python3 || command -v python3)
unset KASPI_XDEV_KEY KASPI_MERCHANT_ID KASPI_WEBHOOK_SECRET

cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$TMP"
}
trap cleanup EXIT

if [ ! -x "$SBX" ]; then
	echo "kaspi-sandbox not found at $SBX (build it, or set KP_SANDBOX)" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL - $1"; }

# expect NAME GOT WANT
expect() {
	if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: got '$2', want '$3'"; fi
}

# expect_match NAME TEXT EXTENDED-REGEX
expect_match() {
	if [[ $2 =~ $3 ]]; then ok "$1"; else bad "$1: '${2:0:300}' does not match /$3/"; fi
}

# sbx_start [sandbox flags...] — sets BASE, SBX_PID, SBX_OUT, SBX_ERR
sbx_start() {
	# fresh files made before the start: nothing stale can be read, even
	# when called in a subshell
	SBX_OUT=$(mktemp "$TMP/sbx.XXXXXX.out")
	SBX_ERR=${SBX_OUT%.out}.err
	"$SBX" --port 0 --key "$KEY" --merchant "$MERCHANT" "$@" >"$SBX_OUT" 2>"$SBX_ERR" &
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
		echo "kaspi-sandbox did not start: $(cat "$SBX_ERR")" >&2
		echo "$PASS passed, $((FAIL + 1)) failed"
		exit 1
	fi
}

# sbx_stop — SIGTERM and wait; sets SBX_RC. Checks the exit status and
# that stderr holds no sanitizer report (for ASan/UBSan builds).
sbx_stop() {
	kill -TERM "$SBX_PID" 2>/dev/null
	wait "$SBX_PID"
	SBX_RC=$?
	if grep -qE 'Sanitizer|runtime error:' "$SBX_ERR"; then
		bad "sanitizer report from the sandbox:"
		sed 's/^/    /' "$SBX_ERR" | head -n 40
	fi
	[ "$SBX_RC" = 0 ] || bad "the sandbox exited $SBX_RC on SIGTERM"
}

# call METHOD PATH [BODY [curl args...]] — the API with the test key.
# Sets STATUS, RESP, CURL_RC; headers in $TMP/headers. NOAUTH=1 leaves the
# auth headers out.
call() {
	local method=$1 path=$2 body=${3-}
	shift 2
	[ $# -gt 0 ] && shift
	local args=(-s -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' -X "$method")
	if [ -z "${NOAUTH-}" ]; then
		args+=(-H "Authorization: Bearer $KEY" -H "X-Merchant-ID: $MERCHANT")
	fi
	if [ -n "$body" ]; then
		args+=(-H 'Content-Type: application/json' --data-binary "$body")
	fi
	: >"$TMP/body"
	: >"$TMP/headers"
	STATUS=$(curl "${args[@]}" "$@" "$BASE$path")
	CURL_RC=$?
	RESP=$(cat "$TMP/body")
}

# header NAME — a header of the last call's answer
header() {
	sed -n "s/^$1: *//Ip" "$TMP/headers" | tr -d '\r' | head -n 1
}

# jval PYTHON-EXPR — evaluates EXPR on d = the last answer's JSON;
# tsec(text) turns an API time into epoch seconds
jval() {
	"$PY" -c '
import calendar, json, sys, time
def tsec(t):
    return calendar.timegm(time.strptime(t, "%Y-%m-%dT%H:%M:%SZ"))
try:
    d = json.loads(sys.argv[2])
    v = eval(sys.argv[1])
except Exception as e:
    print("<%s>" % type(e).__name__); sys.exit(0)
print(v if isinstance(v, str) else json.dumps(v))' "$1" "$RESP"
}

# err_code — the error code of the last answer, or "-"
err_code() {
	local c
	c=$(printf '%s' "$RESP" | sed -n 's/^{"error":{"code":"\([a-z_]*\)".*/\1/p')
	echo "${c:--}"
}

# expect_error NAME HTTP-STATUS CODE — checks the last answer
expect_error() {
	local code
	code=$(err_code)
	if [ "$STATUS" = "$2" ] && [ "$code" = "$3" ]; then
		ok "$1"
	else
		bad "$1: got $STATUS $code, want $2 $3 (${RESP:0:200})"
	fi
}

# next_id PREFIX — a fresh merchant_order_id (nanoseconds: unique even
# when called in a subshell, where a counter would not advance)
next_id() {
	echo "$1-$(date +%s%N)"
}

# order ID AMOUNT [METHOD [EXTRA-JSON-FIELDS]] — a create body
order() {
	printf '{"merchant_order_id":"%s","amount":%s,"payment_method":"%s"%s}' \
		"$1" "$2" "${3:-qr}" "${4:+,$4}"
}

# create AMOUNT [EXTRA-JSON-FIELDS] — a fresh order; sets PAY (its payment_id) and OID
create() {
	OID=$(next_id T)
	call POST /payment/orders "$(order "$OID" "$1" qr "${2-}")"
	PAY=$(jval 'd["payment_id"]')
}

finish() {
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
	exit $?
}
