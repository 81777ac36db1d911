#!/usr/bin/env bash
# cash.sh — the cash in the drawer on the till, as a shop runs it: the
# opening float asked at the shift's first login (a letter refused, a
# cashier's amount approved by the manager's PIN after a wrong one, the
# drawer opened); a cash sale with change on the till and one by `kaspi-pos
# sale` from the same KASPI_POS_HOME; the X report's drawer; cash in (a
# missing reason refused) and cash out (beyond the drawer refused, a wrong
# PIN, then the manager's) from the reports screen; the Z report with the
# cash counted (an empty count refused) showing the shortage on the screen
# and keeping it in its snapshot, checked against SQL; the next shift's
# float typed by a manager who logged in (no second PIN), and Esc on the
# float leaving the login undone.
. "$(dirname "$0")/lib.sh"
e2e_setup
# money's narrow no-break spaces read as spaces in the patterns below
screen() { tm capture-pane -p -t till | sed 's/\xe2\x80\xaf/ /g'; }
DB=$KASPI_POS_HOME/kaspi-pos.db
PAPER=$E2E_TMP/paper.bin
cat >"$XDG_CONFIG_HOME/kaspi-pos/config.ini" <<EOF
[printer]
mode = file
file = $PAPER
[drawer]
mode = printer
EOF
q() { sqlite3 "$DB" "$1"; }
kicks() { [ -f "$PAPER" ] && grep -c $'\x1bp' "$PAPER" || echo 0; }
moves() { q "SELECT count(*) FROM cash_moves"; }
is() { [ "$1" = "$2" ] || { echo "got \"$1\", wanted \"$2\""; return 1; }; }
# money TIYN as the reports write it: "12 290,00"
money() { printf '%s,%02d' "$(sed ':a;s/\B[0-9]\{3\}\>/ &/;ta' <<<$(($1 / 100)))" $(($1 % 100)); }

TILL_COLS=100 TILL_ROWS=62 till_start

# ---- the opening float at the first login --------------------------------------
E2E_FLOAT=keep login 1 1111
check "the first login asks the opening float" expect_screen 'The opening float'
check "Enter alone is no float, an amount a manager's" expect_screen "Enter alone: no float; an amount needs a manager's PIN"
check "the shift is open behind it" eval 'is "$(q "SELECT count(*) FROM shifts WHERE closed_at IS NULL")" 1'
type_human 1o
check "a letter is refused" expect_screen 'Only digits and one comma here'
keys C-u
type_human 10000; keys Enter
check "a cashier's amount asks the manager" expect_screen "Manager's approval"
check "what is approved" expect_screen 'The float of 10 000,00 ₸'
type_fast 0000; keys Enter
check "a wrong PIN" expect_screen 'Wrong PIN: 4 tries left'
check "a wrong PIN writes nothing" eval 'is "$(moves)" 0'
type_fast 9999; keys Enter
check "then the sale" expect_screen 'Shift 1 opened. Hello, Айгерим!'
check "the float is journaled: the cashier's, approved by the manager" \
	eval 'is "$(q "SELECT m.amount, m.user_id = c.id, m.approved_by = a.id FROM cash_moves m, users c, users a WHERE c.name = '"'Айгерим'"' AND a.name = '"'Manager'"'")" "1000000|1|1"'
check "the drawer opened for the float" eval 'is "$(kicks)" 1'

# ---- a cash sale on the till, one headless --------------------------------------
keys 2*4870000025008 Enter
check "two items" expect_screen 'TOTAL: 1 098,00 ₸'
keys F6
check "the tender screen" expect_screen 'Payment of 1 098,00 ₸'
keys F3 Enter
check "paid with change" expect_screen 'CHANGE  902,00 ₸'
keys Enter
out=$(pos sale GR-0027 --tender cash:1000 2>&1)
check "a headless cash sale in the same shift" eval 'grep -q "change 210,00" <<<"$(sed "s/\xe2\x80\xaf/ /g" <<<"$out")"'
check "both in the open shift" eval 'is "$(q "SELECT count(*) FROM orders o JOIN shifts s ON s.id = o.shift_id WHERE s.closed_at IS NULL AND o.method = '"'cash'"'")" 2'

# ---- the X report and the drawer --------------------------------------------------
keys F12
check "the X report has the drawer" expect_screen 'CASH IN THE DRAWER'
check "the float" expect_screen 'Float +10 000,00'
check "the cash sales: 1 098 + 790" expect_screen 'Cash sales \(2\) +1 888,00'
check "expected" expect_screen 'Expected +11 888,00'

# ---- cash in, cash out ---------------------------------------------------------------
k=$(kicks)
keys F7
check "F7: cash in" expect_screen 'Cash into the drawer'
check "it shows what the drawer should hold" expect_screen 'The drawer should hold 11 888,00 ₸ \(float 10 000,00 ₸\)'
type_human 2000; keys Enter
check "no reason: refused" expect_screen 'cash in or out needs a reason'
check "nothing written" eval 'is "$(moves)" 1'
type_human 'Размен'; keys Enter # the refusal took the typing to the reason
check "cash in recorded" expect_screen 'Cash in of 2 000,00 ₸ recorded: the drawer should hold 13 888,00 ₸'
check "the X report follows" expect_screen 'Cash in \(1\) +2 000,00'
check "the drawer opened for cash in" eval 'is "$(kicks)" $((k + 1))'
keys F9
check "F9: cash out" expect_screen 'Cash out of the drawer'
type_human 20000; keys Tab; type_human 'Инкассация'; keys Enter
check "beyond the drawer: refused" expect_screen '20 000,00 ₸ is more than the 13 888,00 ₸ the drawer should hold'
keys C-u; type_human 5000; keys Enter
check "cash out asks the manager" expect_screen 'Cash out of 5 000,00 ₸'
type_fast 1111; keys Enter
check "the cashier's PIN is no manager's" expect_screen 'Wrong PIN: 4 tries left'
type_fast 9999; keys Enter
check "cash out recorded" expect_screen 'Cash out of 5 000,00 ₸ recorded \(approved by Manager\): the drawer should hold 8 888,00 ₸'
check "the drawer opened for cash out" eval 'is "$(kicks)" $((k + 2))'
check "cash out is journaled with its reason and approver" \
	eval 'is "$(q "SELECT m.amount, m.reason, u.name FROM cash_moves m JOIN users u ON u.id = m.approved_by WHERE m.kind = '"'out'"'")" "500000|Инкассация|Manager"'

# ---- the Z with the cash counted ---------------------------------------------------------
sid=$(q "SELECT id FROM shifts WHERE closed_at IS NULL")
expected=$(q "SELECT (SELECT amount FROM cash_moves WHERE shift_id = $sid AND kind = 'float' ORDER BY id DESC LIMIT 1)
  + (SELECT total(t.given - t.change) FROM tenders t JOIN orders o ON o.id = t.order_id WHERE t.kind = 'cash' AND o.shift_id = $sid AND o.state = 'succeeded')
  + (SELECT total(amount) FROM cash_moves WHERE shift_id = $sid AND kind = 'in')
  - (SELECT total(amount) FROM cash_moves WHERE shift_id = $sid AND kind = 'out')")
expected=${expected%.0}
check "expected by SQL: 10 000 + 1 888 + 2 000 − 5 000" eval 'is "$expected" 888800'
keys F8
check "Z: the manager's PIN" expect_screen "Manager's approval"
type_fast 9999; keys Enter
check "Z: close the shift?" expect_screen 'Close shift 1 with a Z report\?'
keys Enter
check "Z: the cash counted is asked" expect_screen 'Cash counted, tenge:'
keys Enter
check "an empty count is refused" expect_screen 'Type the cash counted in tenge'
check "nothing closed yet" eval 'is "$(q "SELECT count(*) FROM z_reports")" 0'
counted=$((expected - 12900))
type_human "$((counted / 100))"; keys Enter
check "the Z says the shortage in its title" expect_screen 'Z 1: short by 129,00 ₸'
keys NPage NPage
check "the Z shows what was expected" expect_screen "Expected +$(money "$expected")"
check "what was counted" expect_screen "Counted +$(money "$counted")"
check "and the difference, signed" expect_screen 'Short +-129,00'
check "the snapshot keeps them" \
	eval 'is "$(q "SELECT json_extract(snapshot, '"'\$.cash.expected'"') || '"' '"' || json_extract(snapshot, '"'\$.cash.counted'"') || '"' '"' || json_extract(snapshot, '"'\$.cash.difference'"') FROM z_reports WHERE number = 1")" "$expected $counted -12900"'
check "the Z printed with the count" eval 'grep -qa "Short" "$PAPER"'

# ---- the next shift: a manager's float, and Esc --------------------------------------------
keys Escape C-o
check "logged out" expect_screen 'Log in'
E2E_FLOAT=keep login 1 1111
check "the next shift asks its float" expect_screen 'The opening float'
keys Escape
check "Esc: not logged in" expect_screen "Not logged in: the shift's opening float comes first"
check "Esc: the login stays" expect_screen 'Who is at the till\?'
check "Esc: nothing written" eval 'is "$(moves)" 3'
keys Up # the list stays on the cashier
E2E_FLOAT=keep login 0 9999
check "the manager is asked the float too" expect_screen 'The opening float'
type_human 5000; keys Enter
check "a manager's float needs no second PIN" expect_screen 'Hello, Manager!'
check "the manager's float, approved by the manager" \
	eval 'is "$(q "SELECT m.amount, m.approved_by = m.user_id FROM cash_moves m WHERE m.shift_id = (SELECT id FROM shifts WHERE closed_at IS NULL)")" "500000|1"'

e2e_finish
