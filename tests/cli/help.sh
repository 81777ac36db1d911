#!/usr/bin/env bash
# help.sh — the manual pages and the programs' --help say the same thing:
# every command of `kaspi-pos --help` has its entry in kaspi-pos.1 (SYNOPSIS
# and COMMANDS) and the other way round; the options of each
# `kaspi-pos COMMAND --help` are exactly those of its man page entry and
# SYNOPSIS line; the global options of `kaspi-pos --help` are exactly the
# OPTIONS section's; kaspi-sandbox --help and kaspi-sandbox.1 name the same
# flags. Every subcommand answers --help and -h alike on standard output
# with exit 0. Both pages render without a groff or man warning. The help
# and a usage error come in Russian and Kazakh with LANG=ru_RU.UTF-8 /
# kk_KZ.UTF-8 (installed or not: i18n falls back to C.UTF-8), with the
# same option names. Prints "N passed, N failed"; exits non-zero on a
# failure.
#
#   tests/cli/help.sh        (KP_POS, KP_SANDBOX: the binaries to test)
set -u
cd "$(dirname "$0")/../.." || exit 1
root=$(pwd)
POS=${KP_POS:-$root/${KP_BUILD:-build}/kaspi-pos}
SBX=${KP_SANDBOX:-$root/${KP_BUILD:-build}/kaspi-sandbox}
POS_MAN=data/kaspi-pos.1
SBX_MAN=data/kaspi-sandbox.1
for b in "$POS" "$SBX"; do
	[ -x "$b" ] || { echo "no $b: run make first"; echo "0 passed, 1 failed"; exit 1; }
done
command -v groff >/dev/null || { echo "needs groff (make deps: groff-base)"; echo "0 passed, 1 failed"; exit 1; }

export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset LANGUAGE LC_MESSAGES
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export KASPI_POS_HOME=$work/home XDG_CONFIG_HOME=$work/cfg # --help must not need them

passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() {
	failed=$((failed + 1))
	echo "FAIL $1"
	shift
	local l
	for l in "$@"; do printf '%s\n' "$l" | sed 's/^/     | /'; done
}

# render PAGE: the page as plain text, one line per paragraph
render() { groff -t -man -Tascii -P-cbou -rLL=1000n "$1" 2>/dev/null; }
# section NAME: the lines of one section of a rendered page (stdin)
section() { awk -v s="$1" '/^[A-Z][A-Z ]*$/ { on = ($0 == s); next } on'; }
# options: every --flag named in the text (stdin), one a line, sorted
options() { grep -oE -- '--[a-z][a-z0-9-]*' | sort -u; }
# same_set NAME WHAT-A A WHAT-B B: the two newline lists hold the same items
same_set() {
	local name=$1 wa=$2 a=$3 wb=$4 b=$5 only_a only_b
	only_a=$(comm -23 <(sort -u <<<"$a") <(sort -u <<<"$b") | grep .)
	only_b=$(comm -13 <(sort -u <<<"$a") <(sort -u <<<"$b") | grep .)
	if [ -z "$only_a$only_b" ]; then ok "$name"; else
		bad "$name" ${only_a:+"in $wa, not in $wb: $(tr '\n' ' ' <<<"$only_a")"} \
			${only_b:+"in $wb, not in $wa: $(tr '\n' ' ' <<<"$only_b")"}
	fi
}
# run CMD...: out, err, rc
run() {
	"$@" >"$work/out" 2>"$work/err"
	rc=$?
	out=$(cat "$work/out") err=$(cat "$work/err")
}

page=$(render "$POS_MAN")
synopsis=$(section SYNOPSIS <<<"$page")
commands_part=$(section COMMANDS <<<"$page")
options_part=$(section OPTIONS <<<"$page")

# ---- the command list ---------------------------------------------------------
run "$POS" --help
top=$out
[ "$rc" = 0 ] && [ -n "$top" ] && [ -z "$err" ] && ok "kaspi-pos --help: exit 0, on standard output" ||
	bad "kaspi-pos --help: exit $rc" "$err"
run "$POS" -h
[ "$rc" = 0 ] && [ "$out" = "$top" ] && ok "kaspi-pos -h is kaspi-pos --help" || bad "kaspi-pos -h differs (exit $rc)"

help_cmds=$(sed -En 's/^  kaspi-pos ([a-z]+).*/\1/p' <<<"$top" | sort -u)
syn_cmds=$(sed -En 's/^ +kaspi-pos \[options\] ([a-z]+).*/\1/p' <<<"$synopsis" | sort -u)
man_cmds=$(sed -En 's/^   kaspi-pos ([a-z]+).*/\1/p' <<<"$commands_part" | sort -u)
[ "$(grep -c . <<<"$help_cmds")" -ge 10 ] && ok "kaspi-pos --help lists $(grep -c . <<<"$help_cmds") commands" ||
	bad "kaspi-pos --help lists too few commands" "$help_cmds"
same_set "every command of kaspi-pos --help is in the man page's SYNOPSIS, and back" \
	"kaspi-pos --help" "$help_cmds" "SYNOPSIS" "$syn_cmds"
same_set "every command of kaspi-pos --help has its entry in COMMANDS, and back" \
	"kaspi-pos --help" "$help_cmds" "COMMANDS" "$man_cmds"

# ---- global options -------------------------------------------------------------
help_global=$(sed -n '/^options:$/,/^$/p' <<<"$top" | options)
man_global=$(options <<<"$options_part")
same_set "the global options of kaspi-pos --help are the man page's OPTIONS" \
	"kaspi-pos --help" "$help_global" "OPTIONS" "$man_global"
syn_global=$(grep -E '^ +kaspi-pos \[?--' <<<"$synopsis" | options)
same_set "the global options in SYNOPSIS are those of kaspi-pos --help" \
	"SYNOPSIS" "$syn_global" "kaspi-pos --help" "$help_global"
everything=$(options <<<"$page")
missing=$(comm -23 <(options <<<"$top") <(cat <<<"$everything"))
[ -z "$missing" ] && ok "every option in kaspi-pos --help is named in the man page" ||
	bad "options of kaspi-pos --help not in the man page: $(tr '\n' ' ' <<<"$missing")"

# ---- each command ------------------------------------------------------------------
all_help=$(options <<<"$top")
for c in $help_cmds; do
	run "$POS" "$c" --help
	help=$out
	if [ "$rc" = 0 ] && [ -n "$help" ] && [ -z "$err" ] && grep -q "kaspi-pos $c" <<<"$help"; then
		ok "kaspi-pos $c --help: exit 0, its usage on standard output"
	else bad "kaspi-pos $c --help: exit $rc" "stdout: $help" "stderr: $err"; fi
	run "$POS" "$c" -h
	[ "$rc" = 0 ] && [ "$out" = "$help" ] && ok "kaspi-pos $c -h is kaspi-pos $c --help" ||
		bad "kaspi-pos $c -h differs from --help (exit $rc)" "$out"
	all_help+=$'\n'$(options <<<"$help")
	help_opts=$(options <<<"$help" | grep -vx -- --help)
	# in --help, the usage lines and the option list name the same options
	usage_opts=$(sed '/^$/q' <<<"$help" | options)
	list_opts=$(sed -n '/^  --/p' <<<"$help" | options | grep -vx -- --help)
	same_set "kaspi-pos $c --help: its usage and its option list name the same options" \
		"the usage" "$usage_opts" "the option list" "$list_opts"
	entry=$(awk -v c="$c" '/^   [^ ]/ { on = ($1 == "kaspi-pos" && $2 == c) } on' <<<"$commands_part")
	[ -n "$entry" ] || bad "the man page has no COMMANDS entry for $c"
	same_set "kaspi-pos $c: the options of its --help are those of its COMMANDS entry" \
		"kaspi-pos $c --help" "$help_opts" "COMMANDS" "$(options <<<"$entry")"
	same_set "kaspi-pos $c: the options of its --help are those of its SYNOPSIS lines" \
		"kaspi-pos $c --help" "$help_opts" "SYNOPSIS" \
		"$(grep -E "^ +kaspi-pos \[options\] $c( |$)" <<<"$synopsis" | options)"
done
missing=$(comm -23 <(options <<<"$synopsis") <(sort -u <<<"$all_help"))
[ -z "$missing" ] && ok "every option in the man page's SYNOPSIS is named by a --help" ||
	bad "SYNOPSIS options no --help names: $(tr '\n' ' ' <<<"$missing")"

# ---- kaspi-sandbox ---------------------------------------------------------------------
run "$SBX" --help
sbx_help=$out
[ "$rc" = 0 ] && [ -n "$sbx_help" ] && ok "kaspi-sandbox --help: exit 0" || bad "kaspi-sandbox --help: exit $rc" "$err"
run "$SBX" -h
[ "$rc" = 0 ] && [ "$out" = "$sbx_help" ] && ok "kaspi-sandbox -h is kaspi-sandbox --help" || bad "kaspi-sandbox -h differs"
sbx_page=$(render "$SBX_MAN")
same_set "kaspi-sandbox: the flags of --help are those of the man page's OPTIONS" \
	"kaspi-sandbox --help" "$(options <<<"$sbx_help")" "OPTIONS" "$(section OPTIONS <<<"$sbx_page" | options)"
same_set "kaspi-sandbox: the flags of the man page's SYNOPSIS are those of --help" \
	"SYNOPSIS" "$(section SYNOPSIS <<<"$sbx_page" | options)" "kaspi-sandbox --help" "$(options <<<"$sbx_help")"

# ---- the pages render cleanly -------------------------------------------------------------
for p in "$POS_MAN" "$SBX_MAN"; do
	w=$(groff -ww -man -z "$p" 2>&1)
	[ -z "$w" ] && ok "$p: groff -ww -man finds nothing to warn about" || bad "$p: groff warns" "$w"
	for s in NAME SYNOPSIS DESCRIPTION OPTIONS ENVIRONMENT FILES "EXIT STATUS" EXAMPLES "SEE ALSO"; do
		grep -qx "$s" <<<"$(render "$p")" || bad "$p: no $s section"
	done
	if command -v man >/dev/null; then
		w=$(MANWIDTH=80 man --warnings -l "$p" 2>&1 >/dev/null)
		[ -z "$w" ] && ok "$p: man --warnings -l shows it without a warning" || bad "$p: man warns" "$w"
	else
		bad "$p: no man to read it with (make deps installs man-db)"
	fi
done
grep -qx COMMANDS <<<"$page" && ok "$POS_MAN has a COMMANDS section" || bad "$POS_MAN: no COMMANDS section"

# ---- the user's language ---------------------------------------------------------------------
# lang LANG WORD...: the help, a command's help and a usage error in that language
lang() {
	local l=$1 name
	shift
	name=${l%%_*}
	run env -u LC_ALL LANG="$l" "$POS" --help
	local h=$out w
	for w in "$@"; do
		grep -qF -- "$w" <<<"$h" && ok "$name: kaspi-pos --help says \"$w\"" ||
			bad "$name: no \"$w\" in kaspi-pos --help" "$(head -n 8 <<<"$h")"
	done
	same_set "$name: kaspi-pos --help names the same options as in English" \
		"$name" "$(options <<<"$h")" "English" "$(options <<<"$top")"
	same_set "$name: kaspi-pos --help names the same commands as in English" \
		"$name" "$(sed -En 's/^  kaspi-pos ([a-z]+).*/\1/p' <<<"$h" | sort -u)" "English" "$help_cmds"
	run env -u LC_ALL LANG="$l" "$POS" charge --help
	[ "$rc" = 0 ] && ! grep -qF "the buyer's number" <<<"$out" && grep -q -- '--phone' <<<"$out" &&
		ok "$name: kaspi-pos charge --help is translated, --phone kept" ||
		bad "$name: kaspi-pos charge --help is not translated" "$(head -n 8 <<<"$out")"
	run env -u LC_ALL LANG="$l" "$POS" charge
	[ "$rc" = 2 ] && ! grep -q '^usage:' <<<"$err" && grep -q 'kaspi-pos charge' <<<"$err" &&
		ok "$name: a usage error is in $name (exit 2)" || bad "$name: usage error (exit $rc)" "$err"
	run env -u LC_ALL LANG="$l" "$POS" frobnicate
	[ "$rc" = 2 ] && ! grep -q 'unknown command' <<<"$err" && grep -q frobnicate <<<"$err" &&
		ok "$name: an unknown command is refused in $name (exit 2)" || bad "$name: unknown command (exit $rc)" "$err"
}
lang ru_RU.UTF-8 "использование:" "команды:" "открыть кассу" "один платёж"
lang kk_KZ.UTF-8 "қолданылуы:" "командалар:" "кассаны ашу" "бір төлем"

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
