#!/usr/bin/env bash
# make bench: figures for the README.
#  1. Client: create-order round trips against kaspi-sandbox on loopback,
#     through the xpay client (one kept-alive connection, as the till's
#     worker runs it) and through the curl command-line tool sending the
#     same requests (a new process per request, and one process reusing
#     its connection with --next).
#  2. Sandbox: requests per second and latency percentiles from wrk on
#     GET /health and POST /payment/orders, 1 and 8 connections; and on
#     /health while 1000 slow connections are held from another address,
#     without the connection limits and with them.
#  3. kassa-sandbox: receipts per second on POST /api/v4/check, 1 and 8
#     connections (tests/bench/kassa.sh); a sale to its fiscal receipt
#     registered and printed (bench_fiscal).
#  4. The customer display (at the end): a publish to its event on an SSE
#     client (bench_display), the till's keys with 20 displays connected
#     or none (bench_pay --keys-only), and in headless Chromium a key on
#     the till to the page's event, F10 to the page's QR
#     (display_browser.sh).
#  5. kaspi-hub (tests/bench/hub.sh): ingest beside PostgreSQL's COPY, the
#     backlog of 7 days × 2 000 sales, a chain day report over 10 000 000
#     orders.
set -eu
pos=${1:-build/kaspi-pos}
sbx=${2:-build/kaspi-sandbox}
# $3: kassa-sandbox (build/kassa-sandbox)
build=$(dirname "$pos")
N=${BENCH_N:-2000}          # client round trips
NCURL=${BENCH_NCURL:-300}   # curl processes (each pays a process start)
DUR=${BENCH_DURATION:-10}   # seconds per wrk run

export KASPI_XDEV_KEY=xdev_bench000000000000000 KASPI_MERCHANT_ID=123456789012
work=$(mktemp -d)
trap 'kill $sbx_pid 2>/dev/null; wait $sbx_pid 2>/dev/null; rm -rf "$work"' EXIT

# The production rate limit (10 000/min) would answer most of a load test
# with 429, so the sandbox runs without one (--rate-limit 0).
"$sbx" --port 0 --pay-after 0 --key "$KASPI_XDEV_KEY" --merchant "$KASPI_MERCHANT_ID" \
	--rate-limit 0 --daily-limit 1000000000000 >"$work/out" 2>"$work/err" &
sbx_pid=$!
for _ in $(seq 50); do grep -q '^listening on' "$work/out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$work/out")
[ -n "$url" ] || { echo "kaspi-sandbox did not start"; cat "$work/err"; exit 1; }

# median and p99 (ms) of a column of numbers
stats() { sort -n | awk '{v[NR]=$1} END {m=v[int((NR+1)/2)]; p=v[int(NR*0.99)>0?int(NR*0.99):1]; printf "%.3f %.3f\n", m, p}'; }

body() { # $1: merchant_order_id
	printf '{"merchant_order_id":"%s","amount":150000,"description":"bench","payment_method":"qr","products":[{"name":"Bench item","quantity":1,"price":150000,"tax_rate":16}]}' "$1"
}
hdr=(-H "Authorization: Bearer $KASPI_XDEV_KEY" -H "X-Merchant-ID: $KASPI_MERCHANT_ID"
	-H "Content-Type: application/json")

echo "## Client: create order, round trip on loopback"
echo
echo "| sender | requests | median ms | p99 ms |"
echo "|---|---:|---:|---:|"
read -r n med p99 conns < <("$build/bench/bench_client" "$url" "$N")
echo "| kaspi-pos xpay client, keep-alive ($conns connection) | $n | $med | $p99 |"

stamp=$(date +%s)
for i in $(seq "$NCURL"); do
	t0=$(date +%s%N)
	curl -s -o /dev/null -w '%{time_total}\n' "${hdr[@]}" -H "X-Idempotency-Key: P$stamp-$i" \
		--data-binary "$(body "P$stamp-$i")" "$url/payment/orders" >>"$work/curl_inner"
	echo $(( ($(date +%s%N) - t0) / 1000 )) >>"$work/curl_wall"
done
read -r med p99 < <(awk '{print $1*1000}' "$work/curl_inner" | stats)
echo "| curl CLI, a process per request: curl's own time_total | $NCURL | $med | $p99 |"
read -r med p99 < <(awk '{print $1/1000}' "$work/curl_wall" | stats)
echo "| curl CLI, a process per request: wall time with process start | $NCURL | $med | $p99 |"

args=()
for i in $(seq "$N"); do
	[ "$i" = 1 ] || args+=(--next)
	args+=(-s -o /dev/null -w '%{time_total}\n' "${hdr[@]}" -H "X-Idempotency-Key: K$stamp-$i"
		--data-binary "$(body "K$stamp-$i")" "$url/payment/orders")
done
curl "${args[@]}" >"$work/curl_next"
read -r med p99 < <(awk '{print $1*1000}' "$work/curl_next" | stats)
echo "| curl CLI, one process, keep-alive (--next) | $N | $med | $p99 |"

echo
echo "## Sandbox: wrk, ${DUR} s per row, 2 cores shared by wrk and the sandbox"
echo
echo "| endpoint | connections | req/s | req/min | p50 ms | p99 ms | non-2xx |"
echo "|---|---:|---:|---:|---:|---:|---:|"
export KEY=$KASPI_XDEV_KEY MERCHANT=$KASPI_MERCHANT_ID
here=$(dirname "$0")
ms() { # wrk's "1.23ms" / "456.00us" / "1.20s" → ms
	awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.3f", v}'
}
for ep in health create; do
	for c in 1 8; do
		t=$(( c < 2 ? 1 : 2 ))
		if [ $ep = health ]; then path=/health; script=health.lua; else path=/payment/orders; script=create.lua; fi
		wrk -t$t -c$c -d${DUR}s --latency -s "$here/$script" "$url$path" >"$work/wrk" 2>&1
		rps=$(awk '/^Requests\/sec/ {printf "%.0f", $2}' "$work/wrk")
		p50=$(awk '$1=="50%" {print $2}' "$work/wrk" | ms)
		p99=$(awk '$1=="99%" {print $2}' "$work/wrk" | ms)
		bad=$(awk '/Non-2xx/ {print $NF}' "$work/wrk"); bad=${bad:-0}
		echo "| $path | $c | $rps | $((rps * 60)) | $p50 | $p99 | $bad |"
	done
done
echo
echo "Production limit: 10 000 requests/minute per merchant (167 req/s)."

echo
echo "## Sandbox: wrk on /health while 1000 slow connections are held open from another address"
echo
# tests/sandbox/slowloris.py opens 1000 connections from 127.0.0.2, each a
# GET whose headers never end, a byte a second, and reopens any the sandbox
# closes; wrk (8 connections from 127.0.0.1) measures what is left for the
# others. Without limits the 1000 fill every connection slot the sandbox
# has; with them, 127.0.0.2 holds its 64 until the 10 s deadline cuts them.
echo "| sandbox limits | slow connections held at once, at most (of 1000) | req/s | p50 ms | p99 ms | non-2xx | socket errors |"
echo "|---|---:|---:|---:|---:|---:|---:|"
slow_row() { # $1: label, then the sandbox's flags
	local label=$1 spid lpid surl held
	shift
	"$sbx" --port 0 --pay-after 0 --key "$KASPI_XDEV_KEY" --merchant "$KASPI_MERCHANT_ID" \
		--rate-limit 0 "$@" >"$work/slow-sbx.out" 2>"$work/slow-sbx.err" &
	spid=$!
	for _ in $(seq 50); do grep -q '^listening on' "$work/slow-sbx.out" 2>/dev/null && break; sleep 0.1; done
	surl=$(sed -n 's/^listening on //p' "$work/slow-sbx.out")
	local hp=${surl#http://}; hp=${hp%%/*}
	rm -f "$work/slow.status"
	/usr/bin/python3 "$here/../sandbox/slowloris.py" "${hp%:*}" "${hp##*:}" --count 1000 --source 127.0.0.2 \
		--every 1 --reconnect --for $((DUR + 60)) --status "$work/slow.status" &
	lpid=$!
	for _ in $(seq 300); do grep -q 'connected=[0-9]\{4\}' "$work/slow.status" 2>/dev/null && break; sleep 0.1; done
	wrk -t2 -c8 -d${DUR}s --timeout 2s --latency -s "$here/health.lua" "$surl/health" >"$work/wrk" 2>&1
	held=$(sed -n 's/.* max_open=\([0-9]*\).*/\1/p' "$work/slow.status")
	kill "$lpid" 2>/dev/null; wait "$lpid" 2>/dev/null
	kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null
	local rps p50 p99 bad errs
	rps=$(awk '/^Requests\/sec/ {printf "%.0f", $2}' "$work/wrk")
	p50=$(awk '$1=="50%" {print $2}' "$work/wrk" | ms); p50=${p50:-—}
	p99=$(awk '$1=="99%" {print $2}' "$work/wrk" | ms); p99=${p99:-—}
	bad=$(awk '/Non-2xx/ {print $NF}' "$work/wrk"); bad=${bad:-0}
	errs=$(awk '/Socket errors/ {gsub(/,/, ""); print $4 + $6 + $8 + $10}' "$work/wrk"); errs=${errs:-0}
	[ "${rps:-0}" != 0 ] || { p50=—; p99=—; }
	echo "| $label | ${held:-?} | ${rps:-0} | $p50 | $p99 | $bad | $errs |"
}
slow_row "none (--max-conn-per-ip 0 --request-deadline-ms 0), before" --max-conn-per-ip 0 --request-deadline-ms 0
slow_row "defaults: 64 per address, 10 s whole-request deadline, after"
echo
echo "Held: the most slow connections open at once during the run, as the slow client saw them"
echo "(with the deadline they are cut after 10 s and reopened)."
echo "Socket errors: wrk's connections closed unanswered (the sandbox at its 1000 connections), and time-outs."

echo
"$here/kassa.sh" "${3:-$build/kassa-sandbox}"

echo
echo "## Till: a sale complete to its fiscal receipt registered and printed, kassa-sandbox on loopback"
echo
"${3:-$build/kassa-sandbox}" --port 0 >"$work/kf.out" 2>"$work/kf.err" &
kf_pid=$!
for _ in $(seq 50); do grep -q '^listening on' "$work/kf.out" 2>/dev/null && break; sleep 0.1; done
"$build/bench/bench_fiscal" "$work/fiscal-home" "$(sed -n 's/^listening on //p' "$work/kf.out")" \
	"${BENCH_RECEIPTS:=1000}" >"$work/fiscal" || echo "bench_fiscal failed"
kill "$kf_pid" 2>/dev/null; wait "$kf_pid" 2>/dev/null || true
fv() { awk -v k="$1" '$1==k {print $2}' "$work/fiscal"; }
echo "| measure | value | target |"
echo "|---|---:|---:|"
echo "| request from the journal + check + answer kept + receipt printed to a file, median of $(fv receipts) | $(fv receipt_median_ms) ms | — |"
echo "| the same, p99 | $(fv receipt_p99_ms) ms | < 50 ms |"

echo
echo "## Till: a catalog of ${BENCH_PRODUCTS:=100000} generated products"
echo
cat_home="$work/catalog-home"
"$build/bench/bench_catalog" "$cat_home" "$BENCH_PRODUCTS" >"$work/cat" || { echo "bench_catalog failed"; exit 1; }
KASPI_POS_HOME="$cat_home" LANG=C.UTF-8 TERM=xterm \
	"$build/bench/bench_startup" 20 "$(cd "$(dirname "$pos")" && pwd)/$(basename "$pos")" >>"$work/cat" ||
	{ echo "bench_startup failed"; exit 1; }
v() { awk -v k="$1" '$1==k {print $2}' "$work/cat"; }
echo "| measure | value | target |"
echo "|---|---:|---:|"
echo "| catalog import (CSV → SQLite + FTS5) | $(v import_ms) ms | — |"
echo "| start-up to the first drawn frame, median of 20 | $(v first_frame_median_ms) ms | < 100 ms |"
echo "| start-up to the first drawn frame, slowest of 20 | $(v first_frame_max_ms) ms | < 100 ms |"
echo "| peak resident memory (VmHWM) | $(( $(v peak_rss_kb) / 1024 )) MiB | < 20 MB |"
echo "| barcode lookup, median | $(v lookup_median_ms) ms | — |"
echo "| barcode lookup, p99 | $(v lookup_p99_ms) ms | < 1 ms |"
echo "| name prefix search, median | $(v search_median_ms) ms | — |"
echo "| name prefix search, p99 | $(v search_p99_ms) ms | < 10 ms |"

echo
echo "## Till: a scale label to its line in the basket, a catalog of ${BENCH_PRODUCTS} products"
echo
# every fifth product sold by the kg with a PLU; random weight labels of
# the demo's [scale] rules, each resolved (catalog barcode and SKU first,
# the label read, its PLU looked up) and added, as the input line does
scale_home="$work/scale-home"
"$build/bench/bench_scale" "$scale_home" "$BENCH_PRODUCTS" "${BENCH_LABELS:=10000}" >"$work/scale" ||
	{ echo "bench_scale failed"; exit 1; }
sv() { awk -v k="$1" '$1==k {print $2}' "$work/scale"; }
echo "| measure | value | target |"
echo "|---|---:|---:|"
echo "| scale label → line in the basket (parse + catalog lookups + add), median of $(sv labels) | $(sv label_median_ms) ms | — |"
echo "| scale label → line in the basket, p99 | $(sv label_p99_ms) ms | < 5 ms |"

echo
echo "## Till: paying, on a pseudo-terminal of 120×50 against kaspi-sandbox on loopback"
echo
# Two fresh sandboxes: one where nobody pays by himself (--pay-after 0:
# bench_pay says when), one where every API request hangs 30 s; each with
# its till home (demo catalog, one cashier), as tests/e2e/lib.sh sets up.
root=$(cd "$(dirname "$0")/../.." && pwd)
pay_sbx=
hang_sbx=
trap 'kill $sbx_pid $pay_sbx $hang_sbx 2>/dev/null; wait $sbx_pid $pay_sbx $hang_sbx 2>/dev/null; rm -rf "$work"' EXIT
"$sbx" --port 0 --pay-after 0 --key "$KASPI_XDEV_KEY" --merchant "$KASPI_MERCHANT_ID" \
	>"$work/pay-sbx.out" 2>"$work/pay-sbx.err" &
pay_sbx=$!
"$sbx" --port 0 --pay-after 0 --hang-rate 1 --key "$KASPI_XDEV_KEY" --merchant "$KASPI_MERCHANT_ID" \
	>"$work/hang-sbx.out" 2>"$work/hang-sbx.err" &
hang_sbx=$!
for _ in $(seq 50); do
	grep -q '^listening on' "$work/pay-sbx.out" 2>/dev/null &&
		grep -q '^listening on' "$work/hang-sbx.out" 2>/dev/null && break
	sleep 0.1
done
pay_url=$(sed -n 's/^listening on //p' "$work/pay-sbx.out")
hang_url=$(sed -n 's/^listening on //p' "$work/hang-sbx.out")
[ -n "$pay_url" ] && [ -n "$hang_url" ] || { echo "kaspi-sandbox did not start"; cat "$work"/*-sbx.err; exit 1; }
mkdir -p "$work/pay-config"
for h in pay-home hang-home qr-home; do
	mkdir -p "$work/$h"
	KASPI_POS_HOME="$work/$h" XDG_CONFIG_HOME="$work/pay-config" "$pos" catalog import "$root/data/catalog.csv" >/dev/null &&
		printf '1111\n1111\n' | KASPI_POS_HOME="$work/$h" XDG_CONFIG_HOME="$work/pay-config" \
			"$pos" user add 'Айгерим' --role cashier >/dev/null || { echo "till home setup failed"; exit 1; }
done
XDG_CONFIG_HOME="$work/pay-config" "$build/bench/bench_pay" "$(cd "$(dirname "$pos")" && pwd)/$(basename "$pos")" \
	"$pay_url" "$work/pay-home" "$hang_url" "$work/hang-home" >"$work/pay" 2>"$work/pay.err" ||
	{ echo "bench_pay failed"; cat "$work/pay.err"; exit 1; }
# the QR measure again, the pty read 64 bytes at a time: every frame comes
# in pieces, as it may by chance on a busy machine; the check must hold.
# A sandbox of its own: the new till's order ids are the first till's again.
"$sbx" --port 0 --pay-after 0 --key "$KASPI_XDEV_KEY" --merchant "$KASPI_MERCHANT_ID" \
	>"$work/qr-sbx.out" 2>"$work/qr-sbx.err" &
qr_sbx=$!
trap 'kill $sbx_pid $pay_sbx $hang_sbx $qr_sbx 2>/dev/null; wait $sbx_pid $pay_sbx $hang_sbx $qr_sbx 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do grep -q '^listening on' "$work/qr-sbx.out" 2>/dev/null && break; sleep 0.1; done
qr_url=$(sed -n 's/^listening on //p' "$work/qr-sbx.out")
[ -n "$qr_url" ] || { echo "kaspi-sandbox did not start"; cat "$work/qr-sbx.err"; exit 1; }
BENCH_PAY_READ_MAX=64 XDG_CONFIG_HOME="$work/pay-config" "$build/bench/bench_pay" --qr-only \
	"$(cd "$(dirname "$pos")" && pwd)/$(basename "$pos")" "$qr_url" "$work/qr-home" >"$work/qr64" 2>"$work/qr64.err" ||
	{ echo "bench_pay --qr-only failed"; cat "$work/qr64.err"; exit 1; }
q() { awk -v k="$1" '$1==k {print $2}' "$work/qr64"; }
p() { awk -v k="$1" '$1==k {print $2}' "$work/pay"; }
s() { awk -v k="$1" '$1==k {printf "%.2f", $2/1000}' "$work/pay"; }
keys() { echo "$(p "${1}_median_ms") / $(p "${1}_p99_ms") ms"; }
echo "| measure | value | target |"
echo "|---|---:|---:|"
echo "| F10 → whole QR and countdown drawn, median of $(p qr_n) | $(p qr_median_ms) ms | — |"
echo "| F10 → whole QR and countdown drawn, p99 of $(p qr_n) | $(p qr_p99_ms) ms | < 50 ms |"
echo "| drawn QRs not cell for cell the QR of the journal's qr_token (of them still wrong a frame later) | $(( $(p qr_mismatched) + $(p paid_qr_mismatched) )) of $(( $(p qr_n) + $(p paid_n) )) ($(( $(p qr_mismatched_later) + $(p paid_qr_mismatched_later) ))) | 0 |"
echo "| QR frames read mid-write (the last QR row cut off where a pty read ended), waited out | $(( $(p qr_torn) + $(p paid_qr_torn) )) of $(( $(p qr_n) + $(p paid_n) )) | — |"
echo "| the same with the pty read 64 bytes at a time (every frame in pieces): QRs not the token's / frames read mid-write, waited out | $(q qr_mismatched) / $(q qr_torn) of $(q qr_n) | 0 / — |"
echo "| buyer pays → \"Paid\" on the screen, median of $(p paid_n) | $(s paid_median_ms) s | ≤ 0.7 s |"
echo "| buyer pays → \"Paid\" on the screen, p99 of $(p paid_n) | $(s paid_p99_ms) s | ≤ 1.5 s |"
echo "| API requests per paid payment, median / max (of them status polls) | $(p req_median) / $(p req_max) ($(p status_req_median) / $(p status_req_max)) | — |"
echo "| QRs given up with Esc that ended cancelled in the journal | $(p qr_orders_cancelled) of $(p qr_n) | all |"
echo "| status polls of an unpaid 15-minute QR (budget, src/core/pollsched.h) | $(p poll_budget_15min) | — |"
echo "| every request hanging, a create in flight: digit → echoed, median / p99 of $(p hang_digit_n) | $(keys hang_digit) | < 50 ms |"
echo "| every request hanging: backspace → drawn, median / p99 | $(keys hang_backspace) | < 50 ms |"
echo "| every request hanging: F1 → help drawn, median / p99 | $(keys hang_help) | < 50 ms |"
echo "| every request hanging: Esc → back from the help, median / p99 (curses waits 25 ms after a lone Esc) | $(keys hang_esc) | < 50 ms |"
echo "| network healthy, for comparison: digit → echoed, median / p99 | $(keys idle_digit) | < 50 ms |"
echo "| network healthy: F1 → help drawn, median / p99 | $(keys idle_help) | < 50 ms |"
echo "| 10-item cash sale: keys from the last scan to \"Paid\" (F6, F3, Enter) | $(p tender_cash_keys) | ≤ 3 |"
echo "| 10-item cash sale: F6 → \"Paid\" with the change drawn, median / p99 of $(p tender_cash_n) | $(keys tender_cash) | — |"
echo "| split sale QR 200 ₸ + cash: keys from the last scan to \"Paid\" (F6, amount, F10, Enter; Enter, Enter) | $(p tender_split_keys) | — |"
echo
echo "Times are to the screen as a terminal emulator fed by the pty holds it: the QR counts when its"
echo "last row is there and the till's output has moved past it (a read may end mid-row). \"Paid\":"
echo "from just before POST /sandbox/payments/{id}/pay, sent a random"
echo "0–3 s after the QR (the oldest payment was $(p paid_oldest_s) s old), to \"Paid\" on the screen. Keys:"
if [ "$(p hang_during_create)" = 1 ]; then
	echo "$(p hang_window_s) s of them, all while the create hung at the sandbox (it reached it $(p hang_wait_create_s) s after F10, queued"
	echo "behind the start-up health check; the till's client gives up on a request after its 10 s time-out)."
else
	echo "$(p hang_window_s) s of them, NOT all while the same create hung at the sandbox (it reached it $(p hang_wait_create_s) s after F10)."
fi
echo "Requests per payment: from just before F10 to \"Paid\"; the 30 s health check may add one."

echo
echo "## Reports: a journal of ${BENCH_ORDERS:=1000000} orders in one shift"
echo
# bench_reports writes the journal straight into SQLite in one transaction
# (the schema's triggers keep the running totals the reports read), times
# the reports in-process, and leaves the file for the sqlite3 command-line
# tool to run the equivalent aggregate queries over the journal's own rows
# (and over the running totals), each a process started as a script would.
rep_home="$work/reports-home"
"$build/bench/bench_reports" "$rep_home" "$BENCH_ORDERS" >"$work/rep" || { echo "bench_reports failed"; exit 1; }
r() { awk -v k="$1" '$1==k {print $2}' "$work/rep"; }
rep_db=$(r db)
# median wall time (ms) of 5 runs of `sqlite3 FILE SQL`
sq() {
	local i t0
	for i in 1 2 3 4 5; do
		t0=$(date +%s%N)
		sqlite3 "$rep_db" "$1" >/dev/null
		echo $((($(date +%s%N) - t0) / 1000))
	done | sort -n | awk '{v[NR]=$1} END {printf "%.1f", v[3]/1000}'
}
sales="('succeeded', 'late_paid', 'partially_refunded', 'refunded')"
unfinished="('creating', 'pending', 'abandoned', 'late_paid')"
raw() { # $1: the orders' condition, $2: the refunds' condition
	echo "SELECT method, state, count(*), sum(amount), min(created_at), max(created_at) FROM orders o WHERE $1 GROUP BY 1, 2;
SELECT DISTINCT user_id FROM orders o WHERE $1;
SELECT l.tax_rate, l.voided, count(*), sum(l.total) FROM orders o JOIN order_lines l ON l.order_id = o.id
  WHERE $1 AND (l.voided = 1 OR o.state IN $sales) GROUP BY 1, 2;
SELECT count(*), sum(amount) FROM orders o WHERE $1 AND o.state IN $sales
  AND NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id);
SELECT id, merchant_order_id, state, amount FROM orders o WHERE $1 AND state IN $unfinished;
SELECT o.method, count(*), sum(f.amount) FROM refunds f JOIN orders o ON o.id = f.order_id
  WHERE $2 AND f.state = 'refunded' GROUP BY 1;
SELECT l.tax_rate, sum(l.amount) FROM refunds f JOIN refund_lines l ON l.refund_row = f.id
  WHERE $2 AND f.state = 'refunded' GROUP BY 1;
SELECT f.id, f.amount FROM refunds f WHERE $2 AND f.state = 'refund_pending';"
}
totals() { # $1: the running totals' condition, $2: the orders', $3: the refunds'
	echo "SELECT method, state, sum(orders), sum(amount), sum(itemised), sum(itemised_amount) FROM report_orders WHERE $1 GROUP BY 1, 2;
SELECT state, tax_rate, voided, sum(lines), sum(total) FROM report_lines WHERE $1 GROUP BY 1, 2, 3;
SELECT method, sum(refunds), sum(amount) FROM report_refunds WHERE $1 AND state = 'refunded' GROUP BY 1;
SELECT tax_rate, sum(amount) FROM report_refund_lines WHERE $1 AND state = 'refunded' GROUP BY 1;
SELECT id, merchant_order_id, state, amount FROM orders o WHERE state IN $unfinished AND +$2;
SELECT f.id, f.amount FROM refunds f JOIN orders o ON o.id = f.order_id
  WHERE f.state = 'refund_pending' AND +$3;"
}
day0=$(( $(date -u -d 2026-11-26 +%s) - 5 * 3600 ))
x_raw=$(sq "$(raw "o.shift_id = 1" "f.shift_id = 1")")
day_raw=$(sq "$(raw "o.created_at BETWEEN $day0 AND $((day0 + 86399))" "f.day = 20261126")")
x_totals=$(sq "$(totals "shift_id = 1" "o.shift_id = 1" "f.shift_id = 1")")
day_totals=$(sq "$(totals "day = 20261126" "o.day = 20261126" "f.day = 20261126")")
empty=$(sq "SELECT 1")
echo "$(r orders) orders ($(r day_orders) on the day, the rest after Almaty midnight), $(r line_rows) lines, $(r refunds) refunds;"
echo "$(r x_sales) sales; $(r x_unfinished) unfinished orders and pending refunds listed. Written in $(r generate_ms) ms."
echo
echo "| measure | kaspi-pos (in-process) | sqlite3 CLI: the same sums from the journal rows | sqlite3 CLI: the queries kaspi-pos runs | target |"
echo "|---|---:|---:|---:|---:|"
echo "| X report (open shift), median of 7 | $(r x_median_ms) ms | $x_raw ms | $x_totals ms | < 300 ms |"
echo "| Z report (computed, numbered, stored, shift closed; on a copy), median of 3 | $(r z_median_ms) ms | — | — | < 300 ms |"
echo "| day report (Almaty day, every shift), median of 7 | $(r day_median_ms) ms | $day_raw ms | $day_totals ms | < 300 ms |"
echo "| text + CSV + JSON of the X report | $(r formats_median_ms) ms | — | — | — |"
echo "| reports_verify: the shift's totals recomputed from the rows | $(r verify_ms) ms | — | — | — |"
echo "| sqlite3 CLI start with \`SELECT 1\`, for scale | — | $empty ms | $empty ms | — |"
echo
echo "kaspi-pos reads the sums from the running totals the schema's triggers keep, and the unfinished"
echo "orders and pending refunds by their state indexes; the sqlite3 CLI column pays its process start."
echo "The Z report also writes: its snapshot, the shift's close and an event, one synchronous commit."
echo
echo "| journal_move commit, synchronous=FULL, WAL | median | p99 |"
echo "|---|---:|---:|"
echo "| on the $(r orders)-order file, with the running totals' triggers | $(r move_median_ms) ms | $(r move_p99_ms) ms |"
echo "| the same file without the triggers (their cost) | $(r move_bare_median_ms) ms | $(r move_bare_p99_ms) ms |"

echo
echo "## Customer display: a publish to its event on a stream, and the till's keys with 20 displays"
echo
# bench_display: the server in-process on loopback, a 12-line basket
# published 200 times, each event waited for on one stream (alone, then
# with 20 more streams connected and read by another thread); what each
# display_publish cost the caller meanwhile.
"$build/bench/bench_display" "${BENCH_DISPLAY_N:=200}" 20 >"$work/disp" || echo "bench_display failed"
dv() { awk -v k="$1" '$1==k {print $2}' "$work/disp"; }
echo "| measure, $(dv samples) publishes | median | p99 | target |"
echo "|---|---:|---:|---:|"
echo "| publish → the event read whole on one SSE client | $(dv alone_event_median_ms) ms | $(dv alone_event_p99_ms) ms | < 50 ms |"
echo "| the same with $(dv others) more streams connected and reading | $(dv crowd_event_median_ms) ms | $(dv crowd_event_p99_ms) ms | < 50 ms |"
echo "| display_publish on the UI thread, one stream | $(dv alone_publish_median_ms) ms | $(dv alone_publish_p99_ms) ms | — |"
echo "| display_publish on the UI thread, $(( $(dv others) + 1 )) streams | $(dv crowd_publish_median_ms) ms | $(dv crowd_publish_p99_ms) ms | — |"
echo
# the till on a pty (bench_pay --keys-only): the idle keys and "+" (which
# changes the basket, so the display publishes), without a display, then
# with [display] listen and 20 streams of it connected and read
"$sbx" --port 0 --pay-after 0 --key "$KASPI_XDEV_KEY" --merchant "$KASPI_MERCHANT_ID" \
	>"$work/disp-sbx.out" 2>"$work/disp-sbx.err" &
disp_sbx=$!
trap 'kill $sbx_pid $pay_sbx $hang_sbx $qr_sbx $disp_sbx 2>/dev/null; wait $sbx_pid $pay_sbx $hang_sbx $qr_sbx $disp_sbx 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do grep -q '^listening on' "$work/disp-sbx.out" 2>/dev/null && break; sleep 0.1; done
disp_url=$(sed -n 's/^listening on //p' "$work/disp-sbx.out")
mkdir -p "$work/nodisp-config/kaspi-pos" "$work/disp-config/kaspi-pos"
printf '[display]\nlisten = 127.0.0.1:0\n' >"$work/disp-config/kaspi-pos/config.ini"
for c in nodisp disp; do
	h="$work/$c-home"
	mkdir -p "$h"
	KASPI_POS_HOME="$h" XDG_CONFIG_HOME="$work/$c-config" "$pos" catalog import "$root/data/catalog.csv" >/dev/null &&
		printf '1111\n1111\n' | KASPI_POS_HOME="$h" XDG_CONFIG_HOME="$work/$c-config" \
			"$pos" user add 'Айгерим' --role cashier >/dev/null || { echo "till home setup failed"; exit 1; }
	displays=0
	[ $c = disp ] && displays=20
	BENCH_PAY_DISPLAYS=$displays XDG_CONFIG_HOME="$work/$c-config" "$build/bench/bench_pay" --keys-only \
		"$(cd "$(dirname "$pos")" && pwd)/$(basename "$pos")" "$disp_url" "$h" >"$work/$c" 2>"$work/$c.err" ||
		{ echo "bench_pay --keys-only failed"; cat "$work/$c.err"; exit 1; }
done
k() { awk -v k="$2" '$1==k {print $2}' "$work/$1"; }
echo "| key → drawn on the till (pty 120×50), median / p99 of $(k nodisp keys_digit_n) | no display | 20 displays connected | target |"
echo "|---|---:|---:|---:|"
for m in digit:"digit → echoed" backspace:"backspace → drawn" help:"F1 → help drawn" plus:"+ on a line → its total drawn (a publish)"; do
	n=${m%%:*}
	[ $n = plus ] && key=plus || key=keys_$n
	echo "| ${m#*:} | $(k nodisp ${key}_median_ms) / $(k nodisp ${key}_p99_ms) ms | $(k disp ${key}_median_ms) / $(k disp ${key}_p99_ms) ms | < 50 ms |"
done
echo
echo "The 20 streams read $(k disp display_bytes) bytes of events during the keys."
echo
# in the browser: the real till in tmux, its display in headless Chromium
echo "| measured in the page (headless Chromium), the till in tmux | median | p99 | target |"
echo "|---|---:|---:|---:|"
"$here/display_browser.sh" "${BENCH_DISPLAY_SCANS:=200}" "${BENCH_DISPLAY_QR:=50}" || echo "display_browser failed"
echo
echo "## Payments pushed: kaspi-sandbox's webhook → kaspi-hub → the till's push stream"
echo
# the same measure as "buyer pays → Paid" above, the till with [hub] url,
# token and [api] callback_url: polling slows to every 10 s, the push asks
if KP_POS="$pos" KP_SANDBOX="$sbx" "$here/push.sh" "$build" "${BENCH_PUSH_N:=100}" >"$work/push" 2>&1; then
	u() { awk -v k="$1" '$1==k {print $2}' "$work/push"; }
	echo "| buyer pays → \"Paid\" on the screen | push (hub) | polling (above) | target |"
	echo "|---|---:|---:|---:|"
	echo "| median of $(u paid_n) / $(p paid_n) | $(u paid_median_ms) ms | $(p paid_median_ms) ms | — |"
	echo "| p99 | $(u paid_p99_ms) ms | $(p paid_p99_ms) ms | < 100 ms (push) |"
	echo "| status requests per payment, median / max | $(u status_req_median) / $(u status_req_max) | $(p status_req_median) / $(p status_req_max) | — |"
	echo "| webhooks pushed to the till's stream / held | $(u pushes) / $(u webhooks_held) | — | all |"
else
	echo "tests/bench/push.sh failed (PostgreSQL's server needed: make deps):"
	tail -5 "$work/push"
fi
# the hub, on a throwaway PostgreSQL cluster of its own
KP_HUB=$(cd "$build" && pwd)/kaspi-hub KP_POS=$(cd "$build" && pwd)/kaspi-pos "$here/hub.sh" || echo "hub.sh failed"
