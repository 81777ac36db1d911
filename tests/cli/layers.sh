#!/usr/bin/env bash
# layers.sh — the store layer knows SQLite only (DESIGN.md, "Layers"): no
# file of src/store includes cJSON, OpenSSL, curl, curses or libintl, calls
# gettext, or includes a header of a layer above it (net, app, tui, cli).
# One exception: src/store/outbox.c hashes the outbox's chain with
# OpenSSL's EVP SHA-256 (its file comment says so); no other file may.
#
# Prints "ok NAME" / "FAIL NAME" per check and "N passed, N failed"; exits
# non-zero on a failure.
#
#   tests/cli/layers.sh
set -u
cd "$(dirname "$0")/../.." || exit 1

passed=0 failed=0
check() { # NAME PATTERN: no line of src/store matches the extended regex
	local hits
	hits=$(grep -nE "$2" src/store/*.c src/store/*.h | grep -v "^src/store/outbox\.c:[0-9]*:#include <openssl/evp\.h>$")
	if [ -z "$hits" ]; then
		echo "ok   $1"
		passed=$((passed + 1))
	else
		echo "FAIL $1"
		printf '%s\n' "$hits" | sed 's/^/     | /'
		failed=$((failed + 1))
	fi
}

check "store includes no cJSON" '#[[:space:]]*include[[:space:]]*[<"]cjson/'
check "store includes no OpenSSL" '#[[:space:]]*include[[:space:]]*[<"]openssl/'
check "store includes no curl" '#[[:space:]]*include[[:space:]]*[<"]curl/'
check "store includes no curses" '#[[:space:]]*include[[:space:]]*[<"]n?cursesw?(/|\.h)'
check "store includes no libintl and calls no gettext" '#[[:space:]]*include[[:space:]]*<libintl\.h>|[^_[:alnum:]](d|dc|n)?gettext[[:space:]]*\(|[^N[:alnum:]_]_\("'
check "store includes no header of net, app, tui or cli" '#[[:space:]]*include[[:space:]]*"(net|app|tui|cli)/'

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
