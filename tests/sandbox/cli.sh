#!/usr/bin/env bash
# cli.sh — kaspi-sandbox's command line: --help, --version, bad flags exit 2
# with one line, the listening line, the generated and the environment key,
# the Date and Content-Type headers, and a clean exit on SIGTERM and SIGINT.
. "$(dirname "$0")/lib.bash"

out=$("$SBX" --help); rc=$?
expect "--help exits 0" "$rc" 0
expect_match "--help lists every flag" "$out" "--bind.*--port.*--key.*--merchant.*--webhook-secret.*--pay-after.*--qr-ttl.*--daily-limit.*--rate-limit.*--latency-ms.*--jitter-ms.*--fail-rate.*--drop-rate.*--garble-rate.*--hang-rate.*--seed"
out=$("$SBX" --version); rc=$?
expect "--version exits 0" "$rc" 0
expect_match "--version names the program" "$out" "^kaspi-sandbox [0-9]"

bad_flag() {  # NAME ARGS... — must exit 2 with exactly one line on stderr
	local name=$1 err rc
	shift
	err=$("$SBX" "$@" 2>&1 >/dev/null </dev/null); rc=$?
	if [ "$rc" = 2 ] && [ "$(printf '%s\n' "$err" | wc -l)" = 1 ]; then
		ok "bad flag: $name"
	else
		bad "bad flag: $name: exit $rc, stderr '$err'"
	fi
}
bad_flag "unknown option" --frobnicate
bad_flag "missing value" --port
bad_flag "port out of range" --port 70000
bad_flag "port not a number" --port 80a
bad_flag "negative pay-after" --pay-after -1
bad_flag "qr-ttl zero" --qr-ttl 0
bad_flag "rate above 1" --fail-rate 1.5
bad_flag "rate not a number" --drop-rate lots
bad_flag "rates add up past 1" --fail-rate 0.6 --drop-rate 0.6
bad_flag "malformed key" --key xdev_SHORT
bad_flag "malformed merchant" --merchant 12345
bad_flag "stray argument" serve
bad_flag "bad bind address" --bind not-an-address --port 0
err=$(KASPI_XDEV_KEY=bogus "$SBX" --port 0 2>&1 >/dev/null); rc=$?
expect "malformed KASPI_XDEV_KEY exits 2" "$rc" 2

# --port 0: the listening line names the port actually bound
sbx_start --pay-after 0
expect_match "listening line" "$(cat "$SBX_OUT")" "^listening on http://127\.0\.0\.1:[1-9][0-9]*/api/v1$"
call GET /health
expect "health answers 200" "$STATUS" 200
expect "health status ok" "$(jval 'd["status"]')" ok
expect_match "health timestamp" "$(jval 'd["timestamp"]')" "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"
expect_match "Date header on a success" "$(header Date)" "^[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} GMT$"
expect "JSON content type" "$(header Content-Type)" "application/json; charset=utf-8"
NOAUTH=1 call GET /health
expect_match "Date header on an error" "$(header Date)" "GMT$"
expect "JSON content type on an error" "$(header Content-Type)" "application/json; charset=utf-8"
expect "--key=value form accepted" "$("$SBX" --port=0 --key="$KEY" --help >/dev/null; echo $?)" 0

# the same port twice: the second cannot listen and says so
port=${BASE##*:}; port=${port%%/*}
err=$("$SBX" --port "$port" --key "$KEY" 2>&1 >/dev/null); rc=$?
expect "port in use exits 1" "$rc" 1
expect_match "port in use says so" "$err" "cannot listen"

t0=$(date +%s%N)
sbx_stop
t1=$(date +%s%N)
expect "SIGTERM exits 0" "$SBX_RC" 0
expect "SIGTERM exits at once" "$(( (t1 - t0) < 2000000000 ))" 1

# no key anywhere: a random one is made, printed on stderr, and works
: >"$TMP/gen.out"
"$SBX" --port 0 >"$TMP/gen.out" 2>"$TMP/gen.err" &
gen=$!
PIDS+=("$gen")
for i in $(seq 100); do grep -q listening "$TMP/gen.out" && break; sleep 0.025; done
genkey=$(sed -n 's/^sandbox key: //p' "$TMP/gen.err")
expect_match "generated key printed on stderr" "$genkey" "^xdev_[a-z0-9]{20}$"
BASE=$(sed -n 's/^listening on //p' "$TMP/gen.out")
expect_match "default merchant accepted" "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $genkey" -H "X-Merchant-ID: 123456789012" "$BASE/health")" "^200$"
kill -INT "$gen"; wait "$gen"; rc=$?
expect "SIGINT exits 0" "$rc" 0

# KASPI_XDEV_KEY and KASPI_MERCHANT_ID are used when no flag is given
: >"$TMP/env.out"
KASPI_XDEV_KEY=xdev_envk3y00000000000001 KASPI_MERCHANT_ID=999999999999 "$SBX" --port 0 >"$TMP/env.out" 2>"$TMP/env.err" &
envp=$!
PIDS+=("$envp")
for i in $(seq 100); do grep -q listening "$TMP/env.out" && break; sleep 0.025; done
BASE=$(sed -n 's/^listening on //p' "$TMP/env.out")
expect "env key: nothing printed" "$(grep -c 'sandbox key' "$TMP/env.err")" 0
expect "env key and merchant accepted" "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer xdev_envk3y00000000000001" -H "X-Merchant-ID: 999999999999" "$BASE/health")" 200
kill -TERM "$envp"; wait "$envp"

finish
