#!/usr/bin/env bash
# kassa.sh — part of make bench (tests/bench/run.sh), or alone:
#   tests/bench/kassa.sh [build/kassa-sandbox]
# Receipts per second that kassa-sandbox registers: wrk on POST
# /api/v4/check (the sample sale of FISCAL.md, a new ExternalCheckNumber
# each time), 1 and 8 connections, a fresh sandbox per row; then every
# receipt counted in GET /sandbox/checks against wrk's requests.
set -eu
ksx=${1:-build/kassa-sandbox}
DUR=${BENCH_DURATION:-10}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
ksx_pid=
trap '[ -n "$ksx_pid" ] && kill $ksx_pid 2>/dev/null; rm -rf "$work"' EXIT
export KEY=WKD-00000000-0000-0000-0000-000000000000
ms() { # wrk's "1.23ms" / "456.00us" / "1.20s" → ms
	awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.3f", v}'
}

echo "## kassa-sandbox: wrk on POST /api/v4/check, ${DUR} s per row, 2 cores shared by wrk and the sandbox"
echo
echo "| connections | receipts/s | receipts/min | p50 ms | p99 ms | refused | receipts listed / in X | RSS after, MiB |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
for c in 1 8; do
	"$ksx" --port 0 --token-ttl 86400 >"$work/out" 2>"$work/err" &
	ksx_pid=$!
	for _ in $(seq 50); do grep -q '^listening on' "$work/out" 2>/dev/null && break; sleep 0.1; done
	url=$(sed -n 's/^listening on //p' "$work/out")
	[ -n "$url" ] || { echo "kassa-sandbox did not start"; cat "$work/err"; exit 1; }
	TOKEN=$(curl -s -H "x-api-key: $KEY" -d '{"Login":"demo@kaspi-pos.kz","Password":"demo"}' "$url/api/v4/Authorize" |
		sed -n 's/.*"Token":"\([0-9a-f]*\)".*/\1/p')
	export TOKEN
	t=$(( c < 2 ? 1 : 2 ))
	wrk -t$t -c$c -d${DUR}s --latency -s "$here/kassa_check.lua" "$url/api/v4/check" >"$work/wrk" 2>&1
	rps=$(awk '/^Requests\/sec/ {printf "%.0f", $2}' "$work/wrk")
	total=$(awk '/requests in/ {print $1}' "$work/wrk")
	p50=$(awk '$1=="50%" {print $2}' "$work/wrk" | ms)
	p99=$(awk '$1=="99%" {print $2}' "$work/wrk" | ms)
	refused=$(awk '$1 == "refused" {print $2}' "$work/wrk")
	rss=$(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$ksx_pid/status")
	listed=$(curl -s -H "x-api-key: $KEY" "$url/sandbox/checks" | grep -o '"CheckNumber"' | wc -l)
	count=$(curl -s -H "x-api-key: $KEY" -d "{\"Token\":\"$TOKEN\",\"CashboxUniqueNumber\":\"SWK00000001\"}" \
		"$url/api/v4/XReport" | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["Data"]["Sell"]["Count"])')
	kill "$ksx_pid"; wait "$ksx_pid" 2>/dev/null || true; ksx_pid=
	echo "| $c | $rps | $((rps * 60)) | $p50 | $p99 | ${refused:-?} | $listed / ${count:-?} (wrk read $total) | $rss |"
done
echo
echo "refused: answers that were no {\"Data\": ...} (a refusal is HTTP 200 too). Listed: the receipts in"
echo "GET /sandbox/checks, and Sell.Count of an X report, against the answers wrk read (a request"
echo "still in flight when wrk stops is registered but not read). RSS: the sandbox's resident"
echo "memory after the run, every receipt kept."
