#!/usr/bin/env bash
# tls.sh — kaspi-hub over HTTPS, on a throwaway PostgreSQL cluster: a
# self-signed certificate for 127.0.0.1 (openssl), served with --tls-cert
# and --tls-key; the hub says https://; curl with the certificate as its
# CA is answered, plain HTTP and an unverified client are not; a till
# without [hub] ca_file refuses the unverified hub in one line and keeps
# its rows; with ca_file it ships them all, takes the hub's catalog, and
# its push stream is open over TLS: a webhook signed as Kaspi signs it
# makes a QR paid seen at once while the till polls every 10 s. Half a
# pair (--tls-cert alone) is usage; a key that is not the certificate's
# is refused in one line.
#
#   tests/hub/tls.sh     (KP_POS, KP_HUB, KP_SANDBOX, KP_PG_BIN: the programs)
. "$(dirname "$0")/lib.sh"
need sqlite3 curl openssl

KEY=xdev_hub0test0tls00000001
MERCHANT=123456789012
SECRET=whsec_tls_test_0123456789

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
	-keyout "$WORK/key.pem" -out "$WORK/cert.pem" >/dev/null 2>&1 || { bad "openssl makes a certificate"; finish; }
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=other \
	-keyout "$WORK/other.key" -out "$WORK/other.pem" >/dev/null 2>&1

pg_start
"$HUB" init >/dev/null 2>&1 || bad "init"
token=$("$HUB" till add S1 T01 2>/dev/null)

# ---- the options ---------------------------------------------------------------
out=$("$HUB" --listen 127.0.0.1:0 --tls-cert "$WORK/cert.pem" 2>&1); rc=$?
is "--tls-cert without --tls-key: usage" "$rc|$out" "2|kaspi-hub: --tls-cert and --tls-key go together"
out=$(timeout 10 "$HUB" --listen 127.0.0.1:0 --tls-cert "$WORK/cert.pem" --tls-key "$WORK/none.pem" 2>&1); rc=$?
is "a key file that is not there: exit 1, one line" "$rc|$(printf '%s\n' "$out" | wc -l)" "1|1" "$out"
has "... naming the file" "$out" 'none\.pem'
out=$(timeout 10 "$HUB" --listen 127.0.0.1:0 --tls-cert "$WORK/cert.pem" --tls-key "$WORK/other.key" 2>&1); rc=$?
is "a key that is not the certificate's: exit 1, one line" "$rc|$(printf '%s\n' "$out" | wc -l)" "1|1" "$out"
has "... saying so" "$out" 'certificate and key'
out=$("$HUB" --listen 127.0.0.1:0 --threads 0 2>&1); rc=$?
is "--threads 0: usage" "$rc|$out" "2|kaspi-hub: --threads takes 1 to 64"

# ---- the hub on HTTPS ------------------------------------------------------------
hub_start --tls-cert "$WORK/cert.pem" --tls-key "$WORK/key.pem" --threads 3 --webhook-secret "$SECRET"
has "the hub says https://" "$HUB_URL" '^https://127\.0\.0\.1:[0-9]+$'
is "curl, the certificate as its CA: health 200" \
	"$(curl -s -o /dev/null -w '%{http_code}' -m 5 --cacert "$WORK/cert.pem" "$HUB_URL/api/v1/health")" 200
curl -s -o /dev/null -m 5 "$HUB_URL/api/v1/health"; rc=$?
is "curl without it: the certificate is not trusted (60)" "$rc" 60
code=$(curl -s -o /dev/null -w '%{http_code}' -m 5 "${HUB_URL/https:/http:}/api/v1/health"); rc=$?
[ "$rc" != 0 ] || [ "$code" != 200 ] && ok "plain HTTP on the TLS port gets no answer ($rc, $code)" ||
	bad "plain HTTP on the TLS port gets no answer" "curl $rc, HTTP $code"

"$SBX" --port 0 --key "$KEY" --merchant "$MERCHANT" --pay-after 600 >"$WORK/sbx.out" 2>"$WORK/sbx.err" &
SBX_PID=$!
for _ in $(seq 50); do grep -q 'listening on' "$WORK/sbx.out" && break; sleep 0.1; done
SBX_URL=$(sed -n 's/^listening on //p' "$WORK/sbx.out")
export KASPI_BASE_URL=$SBX_URL KASPI_XDEV_KEY=$KEY KASPI_MERCHANT_ID=$MERCHANT
till_setup T01 "$token"
cfg=$WORK/till-T01/cfg/kaspi-pos/config.ini
till T01 catalog import data/catalog.csv >/dev/null || bad "the catalog imports"
till T01 sale 2*GR-0027 --tender cash:5000 >/dev/null 2>&1 || bad "a cash sale"
till T01 sale GR-0025 --tender card::A1B2C3 >/dev/null 2>&1 || bad "a card sale"
rows=$(till_q T01 "SELECT count(*) FROM outbox")

out=$(till T01 sync 2>&1); rc=$?
is "sync, the hub's certificate unknown: exit 3" "$rc" 3 "$out"
is "... one line" "$(printf '%s\n' "$out" | wc -l)" 1 "$out"
has "... saying why" "$out" "^kaspi-pos: the hub's certificate is not trusted \\(see \\[hub\\] ca_file\\): the rows wait\$"
is "... nothing acknowledged" "$(till_q T01 "SELECT count(*) FROM outbox_acked")" 0
is "... nothing on the hub" "$(psql_q "SELECT count(*) FROM journal_rows")" 0
is "... every row still there" "$(till_q T01 "SELECT count(*) FROM outbox")" "$rows"

sed -i "/^\[hub\]/a ca_file = $WORK/cert.pem" "$cfg"
out=$(till T01 sync 2>&1); rc=$?
is "sync with [hub] ca_file: exit 0" "$rc" 0 "$out"
has "... every row went" "$out" "shipped $rows rows"
is "the hub holds them, chained" "$(psql_q "SELECT count(*), max(seq) FROM journal_rows WHERE till_id = 'T01'")" "$rows|$rows"

awk -F, -v OFS=, '$1 == "GR-0027" { $(NF-2) = 777 } { print }' data/catalog.csv >"$WORK/cat.csv"
"$HUB" catalog import "$WORK/cat.csv" >/dev/null 2>&1 || bad "a catalog version on the hub"
out=$(till T01 sync 2>&1); rc=$?
is "sync takes the hub's catalog over TLS: exit 0" "$rc" 0 "$out"
has "... the new price" "$(till T01 catalog find GR-0027 2>&1)" '^GR-0027 .* 777,00 ₸'

# ---- the push stream over TLS ----------------------------------------------------------
ms() { date +%s%3N; }
stamp() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
till T01 charge 1500 >"$WORK/charge.out" 2>"$WORK/charge.err" &
CHARGE_PID=$!
for _ in $(seq 200); do grep -q 'T01 push stream open' "$WORK/hub.err" && break; sleep 0.05; done
has "the charge opens its push stream over TLS" "$(cat "$WORK/hub.err")" 'T01 push stream open'
pay=$(till_q T01 "SELECT payment_id FROM orders WHERE state = 'pending' ORDER BY id DESC LIMIT 1")
moid=$(till_q T01 "SELECT merchant_order_id FROM orders WHERE payment_id = '$pay'")
sleep 2 # the stream's first look is behind: the next poll is 10 s away
t0=$(ms)
curl -s -m 5 -X POST -H "Authorization: Bearer $KEY" -H "X-Merchant-ID: $MERCHANT" \
	"$SBX_URL/sandbox/payments/$pay/pay" >/dev/null
body="{\"event\":\"payment.completed\",\"payment_id\":\"$pay\",\"merchant_order_id\":\"$moid\",\"amount\":150000,\"status\":\"succeeded\",\"timestamp\":\"$(stamp "$(date +%s)")\"}"
sig=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$SECRET" -r | cut -d' ' -f1)
out=$(curl -s -m 5 -w ' %{http_code}' --cacert "$WORK/cert.pem" -H 'Content-Type: application/json' \
	-H "X-Kaspi-Hmac: $sig" --data-binary "$body" "$HUB_URL/webhooks/kaspi")
has "the webhook over TLS: pushed to one stream" "$out" '"pushed":1.* 200$'
wait "$CHARGE_PID"; rc=$?
elapsed=$(($(ms) - t0))
is "the charge exits paid" "$rc" 0 "$(cat "$WORK/charge.err")"
[ "$elapsed" -lt 1500 ] && ok "paid seen in ${elapsed} ms through the TLS push, polling every 10 s" ||
	bad "paid seen within 1.5 s through the TLS push" "took $elapsed ms"

hub_stop
finish
