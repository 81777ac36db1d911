#!/usr/bin/env bash
# qr_scan.sh — a QR drawn in a terminal really scans: `test_qr --print`
# (the CLI's printer, src/tui/qr.c) draws Kaspi-like tokens of 50…300 bytes
# in a tmux pane, in half blocks (100×60) and in "##" pairs (100×60, or
# 160×80 where that is too small); capture-pane reads the screen back,
# tests/tools/pane2pbm.py makes it a picture and zbarimg (zbar-tools) must
# decode exactly the token. Also: the printed code is black on white even
# under NO_COLOR, and the block is found among other text on the screen.
. "$(dirname "$0")/lib.sh"

build=${KP_BUILD:-build}
case $build in /*) ;; *) build=$E2E_ROOT/$build ;; esac
TEST_QR=$build/tests/test_qr
PANE2PBM=$E2E_ROOT/tests/tools/pane2pbm.py

# Missing tools are failures, not skips: a skipped scan proves nothing.
if [ ! -x "$TEST_QR" ]; then
	echo "FAIL $TEST_QR is missing: run 'make $build/tests/test_qr'"
	E2E_FAILED=$((E2E_FAILED + 1))
	e2e_finish
	exit
fi
if ! command -v zbarimg >/dev/null; then
	echo "FAIL zbarimg is missing: apt-get install zbar-tools"
	E2E_FAILED=$((E2E_FAILED + 1))
	e2e_finish
	exit
fi
# only QR codes; --nodbus (zbar ≥ 0.23) keeps D-Bus complaints off stderr
ZBAR=(zbarimg --raw -q -Sdisable -Sqrcode.enable)
zbarimg --help 2>&1 | grep -q -- --nodbus && ZBAR+=(--nodbus)

# Shows `test_qr MODE TOKEN` in a fresh pane "till" of COLS×ROWS, with
# extra environment NAME=VALUE after; waits for it to finish.
show() {
	local mode=$1 token=$2 cols=$3 rows=$4
	shift 4
	printf '%s' "$token" >"$E2E_TMP/token"
	tm has-session -t keep 2>/dev/null || tm new-session -d -s keep -x 20 -y 5 "sleep 3600"
	tm kill-session -t till 2>/dev/null
	tm new-session -d -s till -x "$cols" -y "$rows" \
		"env $* '$TEST_QR' $mode \"\$(cat '$E2E_TMP/token')\"; echo QR-SHOWN \$?; sleep 600"
	wait_screen '^QR-SHOWN' 5
}

# Decodes the QR on the pane (pane2pbm OPTIONS, e.g. --ascii) to stdout.
decode_pane() {
	screen >"$E2E_TMP/pane.txt"
	decode_file "$E2E_TMP/pane.txt" "$@"
}

decode_file() { # FILE [pane2pbm options]
	local file=$1
	shift
	python3 "$PANE2PBM" "$@" -o "$E2E_TMP/qr.pbm" "$file" || return 1
	"${ZBAR[@]}" "$E2E_TMP/qr.pbm"
}

# The decoded text equals the token, byte for byte; says what it got if not.
scans_as() { # TOKEN, then the decoding command
	local want=$1 got
	shift
	got=$("$@")
	[ "$got" = "$want" ] && return 0
	echo "     want: $want"
	echo "     got:  $got"
	return 1
}

# "##" needs 2 columns per module and a row per module; a pane of 100×60
# holds up to version 6 (a 100-byte token), larger ones get 160×80.
ascii_pane() { # TOKEN → "COLS ROWS"
	"$TEST_QR" --print-ascii "$1" | awk '{ if (length($0) > w) w = length($0) }
		END { if (w <= 100 && NR < 60) print 100, 60; else print 160, 80 }'
}

for len in 50 100 150 200 250 300; do
	token=$("$TEST_QR" --token "$len")
	check "the test token is $len bytes" [ "${#token}" -eq "$len" ]

	show --print "$token" 100 60
	check "utf8: the $len-byte token's QR is printed" expect_screen '^QR-SHOWN 0$'
	check "utf8: the $len-byte token's QR scans as the token (100×60)" \
		scans_as "$token" decode_pane

	read -r cols rows < <(ascii_pane "$token")
	show --print-ascii "$token" "$cols" "$rows"
	check "ascii: the $len-byte token's QR is printed" expect_screen '^QR-SHOWN 0$'
	check "ascii: the $len-byte token's QR scans as the token (${cols}×${rows})" \
		scans_as "$token" decode_pane --ascii
done

# Colours: tmux keeps them; capture-pane -e writes them out again as SGR.
has_sgr() { # PARAMETER: an SGR sequence on the pane that sets it
	tm capture-pane -p -e -t till | grep -Eq $'\e\\[([0-9;]*;)?'"$1"'(;[0-9;]*)?m'
}
black_on_white() { has_sgr 30 && has_sgr 47; }
token=$("$TEST_QR" --token 150)
show --print "$token" 100 60
check "the QR is printed black on white (SGR 30, 47)" black_on_white
show --print "$token" 100 60 NO_COLOR=1
check "NO_COLOR: the QR is still black on white (its polarity, not decoration)" black_on_white
check "NO_COLOR: and it still scans" scans_as "$token" decode_pane
show --print "$token" 100 60 TERM=dumb
check "TERM=dumb: no colour" eval '! has_sgr 30 && ! has_sgr 47'
check "TERM=dumb: plain blocks scan too" scans_as "$token" decode_pane

# The block among other text, as on a payment screen: a '#' above, a total
# and a countdown around it, the code indented.
surrounded() { # MODE TOKEN
	printf 'Заказ #42 · Kaspi QR\nИТОГО: 1 500,00 ₸\n\n'
	"$TEST_QR" "$1" "$2" | sed 's/^/   │ /'
	printf 'Осталось 04:59 · Esc — отмена #\n'
}
surrounded --print "$token" >"$E2E_TMP/around.txt"
check "utf8: found and scanned among other text" \
	scans_as "$token" decode_file "$E2E_TMP/around.txt"
token=$("$TEST_QR" --token 100)
surrounded --print-ascii "$token" >"$E2E_TMP/around.txt"
check "ascii: found and scanned among other text (with '#' around)" \
	scans_as "$token" decode_file "$E2E_TMP/around.txt" --ascii

# The negative: a damaged code must not scan, or the checks above prove
# nothing. Blank its middle (columns 21–70 of rows 12–40, "##" mode, a
# 100-byte token: version 6, 98 columns), far beyond what level M repairs.
"$TEST_QR" --print-ascii "$token" |
	awk 'NR >= 12 && NR <= 40 { $0 = substr($0, 1, 20) sprintf("%50s", "") substr($0, 71) } 1' \
	>"$E2E_TMP/broken.txt"
check "a damaged code does not scan as the token" \
	eval '! scans_as "$token" decode_file "$E2E_TMP/broken.txt" --ascii >/dev/null 2>&1'

e2e_finish
