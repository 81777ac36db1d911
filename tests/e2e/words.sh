#!/usr/bin/env bash
# words.sh — every screen in Russian and in Kazakh, with no English word
# left: the login and its help, the sale with its dialogs (search,
# quantity, discount refused and approved, void, held baskets, phone),
# a refused code, the payment screen and its outcome, the tender screen
# (cash, card, its approval code, a refusal, the change), the journal, an
# order's detail with its timeline and refunds, the refund dialog, the
# reports, the opening float, cash in and out, the float, the Z question
# and the cash counted, the journal of another day, a return without a
# receipt, a cash refund with where it goes (and in cash instead), a
# split sale given up with its Kaspi part paid (the choice, the part kept
# on the alert, its refund). Each
# screen is read with capture-pane and
# tests/tools/english_words.py lists any Latin word that is not a name,
# a key, an id or a word of the catalog's product names.
#
#   tests/e2e/words.sh       Russian (WORDS_LANGS="ru kk": both in turn)
#   tests/e2e/words_kk.sh    Kazakh: the same screens, run beside it
. "$(dirname "$0")/lib.sh"
e2e_setup
DB=$KASPI_POS_HOME/kaspi-pos.db
WORDS=$E2E_ROOT/tests/tools/english_words.py
last_state() { sqlite3 "$DB" "SELECT state FROM orders ORDER BY id DESC LIMIT 1"; }
state_is() { # waits up to 5 s for the last order's state
	for _ in $(seq 50); do [ "$(last_state)" = "$1" ] && return 0; sleep 0.1; done
	echo "journal state: $(last_state), expected $1"
	return 1
}
control() {
	curl -s -o /dev/null -X POST -H "Authorization: Bearer $KASPI_XDEV_KEY" -H "X-Merchant-ID: $KASPI_MERCHANT_ID" \
		"$KASPI_BASE_URL/sandbox/payments/$(sqlite3 "$DB" "SELECT payment_id FROM orders ORDER BY id DESC LIMIT 1")/$1"
}

# NAME: the screen now has no English word (the words found are shown).
no_english() {
	local name=$1 out
	sleep 0.3
	out=$(screen | python3 "$WORDS" --catalog "$E2E_ROOT/data/catalog.csv")
	if [ -z "$out" ]; then
		E2E_PASSED=$((E2E_PASSED + 1))
		echo "ok   $LANGNAME: $name"
	else
		E2E_FAILED=$((E2E_FAILED + 1))
		echo "FAIL $LANGNAME: $name: English left:"
		sed 's/^/    | /' <<<"$out"
	fi
}

for LANGNAME in ${WORDS_LANGS:-ru}; do
	rm -f "$DB"* 2>/dev/null
	pos catalog import "$E2E_ROOT/data/catalog.csv" >/dev/null
	printf '1111\n1111\n' | pos user add 'Айгерим' --role cashier >/dev/null
	printf '9999\n9999\n' | pos user add 'Manager' --role manager >/dev/null
	case $LANGNAME in ru) locale=ru_RU.UTF-8 till=T01 ;; kk) locale=kk_KZ.UTF-8 till=T02 ;; esac
	# a till of its own for each language: the sandbox remembers the order ids
	printf '[till]\nid = %s\n' "$till" >"$XDG_CONFIG_HOME/kaspi-pos/config.ini"
	TILL_COLS=100 TILL_ROWS=40 till_start LANG=$locale
	wait_screen '│' 3
	no_english "the login"
	keys F1; no_english "the login's help"; keys Escape
	login 0 0000; no_english "a wrong PIN"
	E2E_FLOAT=keep login 1 1111
	wait_screen "$FLOAT_RE" 3; no_english "the opening float"
	type_human 1o; no_english "a letter refused in the float"; keys C-u Enter
	wait_screen '1' 3; no_english "the empty sale"
	keys 4600000000008 Enter; no_english "an unknown code"
	keys 4870000025008 Enter 4870000004003 Enter; no_english "a basket"
	keys F1; no_english "the sale's help"; keys NPage; no_english "the sale's help, page 2"; keys Escape
	keys F2; type_fast 'кеф'; no_english "the search"; keys Escape
	keys F3; no_english "the quantity dialog"; type_human 12345; no_english "a fifth digit refused"; keys Escape
	keys F4; type_human 1o; no_english "a letter refused in a discount"; keys Escape
	keys F4; type_human '15%'; keys Enter; no_english "the manager's approval"; keys Escape
	no_english "the discount not given"
	keys F8; no_english "the void question"; keys Enter; no_english "a voided line"
	keys Down F8; wait_screen "Restore|Вернуть|қайтару" 3; no_english "the restore question"; keys Enter
	keys F5; no_english "a held basket"; keys F5; no_english "the held baskets"; keys Enter
	keys F11; no_english "the phone dialog"; type_human 123; keys Enter; no_english "a wrong phone"; keys Escape
	keys F10; check "$LANGNAME: a payment waits" wait_screen "Kaspi QR" 3; no_english "the payment screen"
	for _ in $(seq 50); do [ "$(last_state)" = pending ] && break; sleep 0.1; done
	control pay; check "$LANGNAME: paid" state_is succeeded; no_english "paid"
	keys Enter
	keys 4870000025008 Enter F10
	for _ in $(seq 50); do [ "$(last_state)" = pending ] && break; sleep 0.1; done
	control decline; sleep 1; no_english "declined"
	keys Enter; keys Escape; no_english "back to the basket"
	keys F10; sleep 1; keys Escape; no_english "given up"
	keys F9; no_english "the journal"
	keys F3 F3 F3; no_english "the journal filtered by a state"
	keys Enter; no_english "an order's detail and timeline"
	keys F5; no_english "the refund dialog"; keys Tab; no_english "the refund reason"
	keys Tab; no_english "the refund lines"
	keys Enter; type_fast 9999; keys Enter; sleep 1; no_english "a refund done"
	keys Escape Escape
	keys 4870000025008 Enter F6; no_english "the tender screen, cash"
	keys F7; no_english "the tender screen, card"; keys F8; no_english "the approval code"; keys Escape
	keys 0 Enter; no_english "a zero part refused"
	keys F6 Enter; no_english "paid in cash, the change"; keys Enter
	keys F9 F5; no_english "the journal's date"; type_fast 01.01.2026; keys Enter
	no_english "the orders of another day"
	keys F8; no_english "the return without a receipt"; keys Tab; no_english "its VAT rate"
	keys Enter; no_english "its amount refused"; keys Escape Escape
	keys F9; wait_screen '000' 3; keys Enter; keys F5; no_english "a cash sale's refund, where it goes"
	keys F6; no_english "in cash instead"
	keys Enter; type_fast 9999; keys Enter; sleep 0.5; no_english "a refund given back in cash"
	keys Escape Escape
	# a split sale given up with its Kaspi part paid: the choice, the part kept, its alert, its refund
	keys 4870000025008 Enter F6; keys 1 0 0 F10 Enter; state_is pending
	control pay; state_is succeeded; wait_screen '100,00' 3; keys Enter
	keys Escape; no_english "giving up a paid part: the choice"
	keys 2; no_english "the paid part kept, its alert"
	keys C-e; no_english "the kept part's refund"; keys Escape
	keys F8 Enter
	keys F12; no_english "the X report"; keys F4; no_english "the day report"
	keys F7; no_english "cash in"; type_human 100; keys Enter; no_english "cash in without a reason"
	keys Escape
	keys F9; no_english "cash out"; type_human 99999; keys Tab; type_human 'Сейф'; keys Enter
	no_english "cash out beyond the drawer"; keys C-u; type_human 100; keys Enter
	no_english "cash out asks the manager"; type_fast 9999; keys Enter; no_english "cash out recorded"
	keys F10; no_english "the float"; keys Escape
	keys F8; type_fast 9999; keys Enter; no_english "the Z question"; keys Enter
	no_english "the cash counted"; keys Enter; no_english "an empty count refused"; keys Escape
	keys Escape
done

e2e_finish
