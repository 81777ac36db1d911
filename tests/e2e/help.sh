#!/usr/bin/env bash
# help.sh — the help screen fits at 80×24 and at 120×40 in English,
# Russian and Kazakh: no entry is cut ("…"), the pages scroll with PgDn
# when the entries are more than the rows, and the Esc-digit line is there.
. "$(dirname "$0")/lib.sh"
e2e_setup

# The help box's rows (between its frame lines) of the pane.
box() { screen | sed -n '4,$p' | grep '│' | sed 's/^ *│//; s/│ *$//'; }

# Every page of the help, PgDn after PgDn until the last entry shows.
all_pages() {
	local out="" page last=""
	for _ in $(seq 10); do
		page=$(box)
		[ "$page" = "$last" ] && break
		out+=$page$'\n'
		last=$page
		keys NPage
		sleep 0.2
	done
	printf '%s' "$out"
}

for lang in en ru kk; do
	case $lang in
	en) env=LANG=C.UTF-8 esc='Esc then 1…9' title='Help: keys' pay='Pay by Kaspi QR'
	    enter='Add the barcode or SKU typed \(3\*CODE adds 3\)' ;;
	ru) env=LANG=ru_RU.UTF-8 esc='Esc, затем 1…9' title='Справка: клавиши' pay='Оплата Kaspi QR'
	    enter='Добавить введённый штрихкод или( *| .*\n.*)артикул( *| .*\n.*)\(3\*КОД — 3 шт\.\)' ;;
	kk) env=LANG=kk_KZ.UTF-8 esc='Esc, сосын 1…9' title='Анықтама: пернелер' pay='Kaspi QR арқылы төлем'
	    enter='Терілген штрихкодты не( *| .*\n.*)артикулды( *| .*\n.*)қосу' ;;
	esac
	for size in 80x24 120x40; do
		TILL_COLS=${size%x*} TILL_ROWS=${size#*x} till_start "$env"
		login 1 1111
		wait_screen '│' 3
		sleep 0.3
		keys F1
		check "$lang $size: the help opens" expect_screen "$title"
		pages=$(all_pages)
		# a cut entry ends in "…"; the texts' own "1…9", "F1…F12" do not
		check "$lang $size: no entry is cut" eval '! grep -Eq "…([^0-9=F]|$)" <<<"$pages"'
		check "$lang $size: the pay key is explained" eval 'grep -q "F10 .*$pay" <<<"$pages"'
		check "$lang $size: the Enter entry is there whole" eval 'grep -Pzq "Enter +$enter" <<<"$pages"'
		check "$lang $size: the Esc-digit line is there" eval 'grep -q -- "$esc" <<<"$pages"'
		keys Escape
	done
done

e2e_finish
