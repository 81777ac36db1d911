#!/usr/bin/env bash
# kassa_robustness.sh — bad requests never crash or hang kassa-sandbox: a
# body over 64 KiB (declared or chunked), a body that never finishes, a
# body that is no JSON object, every field of a check with the wrong type
# or an absurd value (each an error 9, or 3/6 for the gate's fields, and no
# receipt), deep nesting, odd numbers, bad UTF-8, garbage on the socket,
# slow clients (the per-address limit and the whole-request deadline, as
# kaspi-sandbox's), many clients at once; it still answers and exits
# cleanly. Then its command line: --help names the same flags as its
# manual page, bad options are one line and exit 2, a taken port exit 1,
# and the WEBKASSA_* environment.
. "$(dirname "$0")/kassa_lib.bash"

ksx_start --request-deadline-ms 1000
host=${HOSTPORT%:*} port=${HOSTPORT##*:}
authorize
auth=(-H "x-api-key: $WK_KEY")

# ---- sizes and bodies that never finish ---------------------------------------
head -c 70000 /dev/zero | tr '\0' ' ' >"$TMP/big"
post /api/v4/check "@$TMP/big"
expect "a body over 64 KiB: 413 in the Errors form" "$STATUS $(wk_code)" "413 413"
STATUS=$(curl -s -o "$TMP/body" -w '%{http_code}' "${auth[@]}" -H 'Transfer-Encoding: chunked' --data-binary "@$TMP/big" "$BASE/api/v4/check")
expect "a chunked body over 64 KiB: 413" "$STATUS" 413
pad=$(head -c 60000 /dev/zero | tr '\0' ' ')
post /api/v4/check "$(check_body 2 "$(ecn)" "$(item 1 100 - 0)" "$(pay 1 100)")$pad"
expect_wk "a check padded to 60 KiB is still read" ok
exec 3<>"/dev/tcp/$host/$port"
printf 'POST /api/v4/check HTTP/1.1\r\nHost: x\r\nx-api-key: %s\r\nContent-Length: 500\r\n\r\n{"Token":' "$WK_KEY" >&3
post /api/v4/XReport "{$(gate)}"
expect_wk "served while a body stays unfinished" ok
t0=$(date +%s%N)
reply=$(timeout 5 cat <&3)
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
exec 3>&-
expect "the unfinished body is cut at the deadline, unanswered" "$reply:$(( ms < 4000 ))" ":1"

# ---- bodies that are no JSON object, on every path --------------------------------
for path in /api/v4/Authorize /api/v4/check /api/v4/Ticket/PrintFormat /api/v4/MoneyOperation \
	/api/v4/XReport /api/v4/ZReport /sandbox/ofd /sandbox/clock /sandbox/cashbox; do
	codes=""
	for b in '' '[]' '{' 'null' '"x"' '{"a":1}}' $'\xff\xfe{}' '{"a":1} x'; do
		kcall POST "$path" "$b"
		codes="$codes $STATUS/$(wk_code)"
	done
	expect "$path: no JSON object is error 9, each time" "$codes" "$(printf ' 200/9%.0s' 1 2 3 4 5 6 7 8)"
done
deep=$(printf '{"a":%.0s' $(seq 3000))
post /api/v4/check "$deep"
expect_wk "3000 nested objects: error 9" 9

# ---- every field of a check, wrongly typed or absurd ------------------------------
"$PY" - "$TOKEN" "$ZNK" >"$TMP/mutants" <<'PYEOF'
import json, sys
token, znk = sys.argv[1], sys.argv[2]
base = {"Token": token, "CashboxUniqueNumber": znk, "OperationType": 2,
        "Positions": [{"Count": 2, "Price": 549.9, "TaxPercent": 16, "Tax": 151.7, "TaxType": 100,
                       "PositionName": "Молоко", "PositionCode": "GR-0001", "Discount": 0, "Markup": 0,
                       "SectionCode": "1", "UnitCode": 796, "PositionType": 0, "GTIN": "4870000001002"}],
        "Payments": [{"Sum": 600, "PaymentType": 0}, {"Sum": 500, "PaymentType": 4}],
        "Change": 0.2, "RoundType": 2, "ExternalCheckNumber": "X", "ExternalOrderNumber": "T01"}
bad = ['"1"', '{}', '[]', 'true', '-1', '1e400', '-1e400', '0.0000000001', '99999999999999999999', '"\\u0000"', '"\\ud800"']
n = 0
def emit(mutated_text, what):
    global n
    n += 1
    print("%s\t%s" % (what, mutated_text.replace("\"X\"", "\"mut-%d\"" % n, 1)))
for key in [k for k in base if k != "ExternalCheckNumber"]:
    for v in bad:
        d = dict(base); d[key] = "@@"
        emit(json.dumps(d, ensure_ascii=False).replace('"@@"', v), key + "=" + v)
for key in base["Positions"][0]:
    for v in bad:
        d = json.loads(json.dumps(base)); d["Positions"][0][key] = "@@"
        emit(json.dumps(d, ensure_ascii=False).replace('"@@"', v), "Positions[0]." + key + "=" + v)
for key in ("Sum", "PaymentType"):
    for v in bad:
        d = json.loads(json.dumps(base)); d["Payments"][1][key] = "@@"
        emit(json.dumps(d, ensure_ascii=False).replace('"@@"', v), "Payments[1]." + key + "=" + v)
PYEOF
# all of them through one curl (--next), each body and answer in a file
before=$(checks_count)
n=0
: >"$TMP/mutants.cfg"
while IFS=$'\t' read -r what body; do
	n=$((n + 1))
	printf '%s\n' "$what" >"$TMP/mut.$n.what"
	printf '%s' "$body" >"$TMP/mut.$n.req"
	printf 'next\nurl = "%s/api/v4/check"\nheader = "x-api-key: %s"\ndata-binary = "@%s"\noutput = "%s"\n' \
		"$BASE" "$WK_KEY" "$TMP/mut.$n.req" "$TMP/mut.$n.out" >>"$TMP/mutants.cfg"
done <"$TMP/mutants"
sed -i '1d' "$TMP/mutants.cfg"  # no "next" before the first
curl -s -K "$TMP/mutants.cfg"
verdict=$("$PY" - "$TMP" "$n" <<'PYEOF'
import json, sys
tmp, n = sys.argv[1], int(sys.argv[2])
unexpected, registered = [], []
for i in range(1, n + 1):
    what = open("%s/mut.%d.what" % (tmp, i)).read().strip()
    try:
        d = json.loads(open("%s/mut.%d.out" % (tmp, i), "rb").read().decode())
    except Exception:
        unexpected.append("%s: no JSON answer" % what); continue
    code = d["Errors"][0]["Code"] if "Errors" in d else "ok"
    want = {"Token": 3, "CashboxUniqueNumber": 6}.get(what.split("=")[0], 9)
    if "\\ud800" in what:
        want = 9  # a lone surrogate: the body is no JSON, whichever field holds it
    if code == "ok":
        registered.append(what)
    elif code != want:
        unexpected.append("%s: %s" % (what, code))
print("unexpected: " + (" | ".join(unexpected) or "none"))
print("registered: " + " ".join(registered))
PYEOF
)
expect "$n mutated checks: each an error of the contract, none a crash" "$(sed -n 1p <<<"$verdict")" "unexpected: none"
expect "... the ones registered are only those still valid" "$(sed -n 2p <<<"$verdict")" \
	'registered: ExternalOrderNumber="1" Positions[0].PositionName="1" Positions[0].PositionCode="1" Positions[0].SectionCode="1" Positions[0].GTIN="1"'
expect "... and nothing else was registered" "$(( $(checks_count) - before ))" 5
post /api/v4/check "$(check_body 2 "$(ecn)" "$(item 01 100 - 0)" "$(pay 1 100)")"
expect_wk "a number with a leading zero is no JSON number: error 9" 9 'Count is not a JSON number'
post /api/v4/check "$(check_body 2 "$(ecn)" "$(item 2E0 5e1 - 0)" "$(pay 1 1E2)")"
expect_wk "exponents are read exactly: 2E0 × 5e1 = 1E2" ok
post /api/v4/check "$(check_body 2 "$(ecn)" "$(item 1 100 - 0 '"PositionName":"a\u0000b"' | sed 's/"PositionName":"Товар",//')" "$(pay 1 100)")"
expect "a \\u0000 in a name is an answer, not a crash" "$STATUS" 200
post /api/v4/check "$(check_body 2 "$(ecn)" "$(item 1 100 - 0)" "$(pay 1 100)" | sed 's/Товар/\xd0/')"
expect_wk "a name that is not UTF-8: error 9" 9 'PositionName is not valid UTF-8'

# ---- garbage on the socket ---------------------------------------------------------
exec 6<>"/dev/tcp/$host/$port"
printf 'GARBAGE\r\n\r\n' >&6
reply=$(timeout 3 head -c 12 <&6)
exec 6>&-
expect_match "garbage gets a 400 or a close" "${reply:-closed}" "^(HTTP/1\.[01] 400|closed)"
exec 6<>"/dev/tcp/$host/$port"
head -c 3000 /dev/urandom >&6 2>/dev/null
exec 6>&-
printf 'POST /api/v4/XReport HTTP/1.0\r\nx-api-key: %s\r\nContent-Length: 2\r\n\r\n{}' "$WK_KEY" >"$TMP/req10"
exec 6<>"/dev/tcp/$host/$port"
cat "$TMP/req10" >&6
reply=$(timeout 3 cat <&6)
exec 6>&-
expect_match "HTTP/1.0 without a Host is answered" "$reply" '^HTTP/1\.[01] 200'

# ---- many clients at once -----------------------------------------------------------
jobs_=()
for i in $(seq 60); do
	case $((i % 3)) in
	0) b=$(check_body 2 "par-$$-$i" "$(item 1 100 - 0)" "$(pay 1 100)") p=/api/v4/check ;;
	1) b="{$(gate)}" p=/api/v4/XReport ;;
	2) b='garbage' p=/api/v4/MoneyOperation ;;
	esac
	curl -s -o /dev/null -w '%{http_code}\n' "${auth[@]}" --data-binary "$b" "$BASE$p" >"$TMP/par.$i" &
	jobs_+=($!)
done
wait "${jobs_[@]}"
expect "60 mixed requests at once: all answered 200" "$(cat "$TMP"/par.* | sort | uniq -c | awk '{print $1 " " $2}')" "60 200"
kcall GET /sandbox/checks
expect "... the 20 checks among them registered once each" "$(grep -o "\"par-$$-[0-9]*\"" <<<"$RESP" | sort -u | wc -l)" 20
exec 3<>"/dev/tcp/$host/$port"
sbx_stop
exec 3>&-
expect "a clean exit with an idle connection open" "$SBX_RC" 0

# ---- slow clients: the shared server's limits ---------------------------------------
SLOW=$ROOT/tests/sandbox/slowloris.py
slow_stat() { sed -n "s/.*\\b$2=\\([^ ]*\\).*/\\1/p" "$TMP/$1.status" 2>/dev/null; }
slow_wait() {
	local i
	for i in $(seq 300); do
		[ -s "$TMP/$1.status" ] && eval "$2" && return 0
		sleep 0.1
	done
	return 1
}
ksx_start --max-conn-per-ip 3 --request-deadline-ms 0
host=${HOSTPORT%:*} port=${HOSTPORT##*:}
"$PY" "$SLOW" "$host" "$port" --count 3 --source 127.0.0.1 --every 0.2 --for 60 --status "$TMP/three.status" &
slow_pid=$!
PIDS+=("$slow_pid")
slow_wait three '[ "$(slow_stat three connected)" = 3 ]'
STATUS=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 --interface 127.0.0.1 "${auth[@]}" -d '{}' "$BASE/api/v4/XReport")
CURL_RC=$?
expect "--max-conn-per-ip 3: a 4th connection from the address is closed unanswered" "$STATUS:$( [ "$CURL_RC" = 52 ] || [ "$CURL_RC" = 56 ] && echo closed)" "000:closed"
STATUS=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 --interface 127.0.0.2 "${auth[@]}" -d '{}' "$BASE/api/v4/XReport")
expect "... another address is answered meanwhile" "$STATUS" 200
kill "$slow_pid"
wait "$slow_pid" 2>/dev/null
sbx_stop

ksx_start --request-deadline-ms 500
host=${HOSTPORT%:*} port=${HOSTPORT##*:}
for mode in headers body; do
	"$PY" "$SLOW" "$host" "$port" --mode "$mode" --every 0.1 --until-closed --for 30 --status "$TMP/$mode.status" &
	slow_pid=$!
	PIDS+=("$slow_pid")
	wait "$slow_pid"
	expect "--request-deadline-ms 500: $mode trickled past it are cut" "$(slow_stat "$mode" closed)" 1
done
sbx_stop

# ---- the command line ------------------------------------------------------------------
help=$("$KSX" --help)
expect "--help exits 0" "$?" 0
man_flags=$(groff -t -man -Tascii -P-cbou -rLL=1000n "$ROOT/data/kassa-sandbox.1" 2>"$TMP/groff" | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)
help_flags=$(grep -oE -- '--[a-z][a-z0-9-]*' <<<"$help" | sort -u)
expect "the manual page names exactly the flags of --help" "$(comm -3 <(echo "$man_flags") <(echo "$help_flags") | tr -d '\t' | tr '\n' ' ')" ""
expect "the manual page renders without a warning" "$(cat "$TMP/groff")" ""
expect_match "--version" "$("$KSX" --version)" '^kassa-sandbox [0-9]+\.[0-9]+\.[0-9]+$'
for bad_args in "--nope" "--port 70000" "--port" "--bind localhost" "--token-ttl 0" "--cashbox a\ b" "--fail-rate 2" "--api-key ''" "extra"; do
	eval "\"\$KSX\" $bad_args" >"$TMP/o" 2>"$TMP/e"
	rc=$?
	expect "kassa-sandbox $bad_args: exit 2, one line on stderr" "$rc $(wc -l <"$TMP/e") $(wc -c <"$TMP/o")" "2 1 0"
done
ksx_start
port=${HOSTPORT##*:}
"$KSX" --port "$port" >/dev/null 2>"$TMP/e"
expect "a port taken: exit 1" "$?" 1
expect "... saying so" "$(grep -c "^kassa-sandbox: cannot listen on 127.0.0.1 port $port$" "$TMP/e")" 1
sbx_stop
WEBKASSA_API_KEY=my-key WEBKASSA_LOGIN=me WEBKASSA_PASSWORD=pw WEBKASSA_CASHBOX=SWK7 ksx_start
WK_KEY=my-key WK_LOGIN=me WK_PASSWORD=pw authorize
WK_KEY=my-key post /api/v4/XReport "{$(gate "$TOKEN" SWK7)}"
expect_wk "WEBKASSA_API_KEY, _LOGIN, _PASSWORD and _CASHBOX set the account" ok
expect "... whose report names the cashbox" "$(jval 'd["Data"]["CashboxSN"]')" SWK7
sbx_stop
finish
