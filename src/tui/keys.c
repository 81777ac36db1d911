/* keys.c — the key tables and what is drawn from them. */
#include "tui/keys.h"

#include <curses.h>
#include <string.h>

#include "app/i18n.h"
#include "tui/draw.h"

const struct keybind keys_sale[] = {
	{KC(KEY_F(1)), ACT_HELP, "F1", N_("Help: this screen"), N_("Help")},
	{KC(KEY_F(2)), ACT_SEARCH, "F2", N_("Search the catalog by name or code"), N_("Find")},
	{KC(KEY_F(3)), ACT_QUANTITY, "F3", N_("Set the quantity of the selected line"), N_("Qty")},
	/* xgettext:no-c-format */
	{KC(KEY_F(4)), ACT_DISCOUNT, "F4", N_("Discount on the selected line (10% or tenge)"), N_("Disc")},
	{KC(KEY_F(5)), ACT_HOLD, "F5", N_("Hold the basket; on an empty basket, recall one"), N_("Hold")},
	{KC(KEY_F(6)), ACT_LOGOUT, "F6", N_("Log out (the basket must be empty or held)"), NULL},
	{KC(KEY_F(7)), ACT_SETTLE, "F7", N_("Settle a late payment as a completed sale"), NULL},
	{KC(KEY_F(8)), ACT_VOID, "F8", N_("Void the selected line"), N_("Void")},
	{KC(KEY_F(9)), ACT_JOURNAL, "F9", N_("Journal of payments"), N_("Jrnl")},
	{KC(KEY_F(10)), ACT_PAY_QR, "F10", N_("Pay by Kaspi QR"), N_("QR")},
	{KC(KEY_F(11)), ACT_PAY_PHONE, "F11", N_("Pay by a request to the buyer's phone"), N_("Phone")},
	{KC(KEY_F(12)), ACT_REPORTS, "F12", N_("X and Z reports"), N_("Rep")},
	{KC(KEY_DC), ACT_DELETE, "Del", N_("Remove the selected line"), NULL},
	{'+', ACT_PLUS, "+", N_("One more of the selected line"), NULL},
	{'-', ACT_MINUS, "-", N_("One less of the selected line"), NULL},
	{KC(KEY_UP), ACT_UP, "\xe2\x86\x91", N_("Select the line above"), NULL},
	{KC(KEY_DOWN), ACT_DOWN, "\xe2\x86\x93", N_("Select the line below"), NULL},
	{KC(KEY_PPAGE), ACT_PAGE_UP, "PgUp", N_("A page up"), NULL},
	{KC(KEY_NPAGE), ACT_PAGE_DOWN, "PgDn", N_("A page down"), NULL},
	{KC(KEY_HOME), ACT_HOME, "Home", NULL, NULL},
	{KC(KEY_END), ACT_END, "End", NULL, NULL},
	{KEYS_ENTER, ACT_ENTER, "Enter", N_("Add the barcode or SKU typed (3*CODE adds 3)"), NULL},
	{KC(KEY_ENTER), ACT_ENTER, "Enter", NULL, NULL},
	{'\r', ACT_ENTER, "Enter", NULL, NULL},
	{0, ACT_NONE, NULL, NULL, NULL},
};

const struct keybind keys_login[] = {
	{KC(KEY_F(1)), ACT_HELP, "F1", N_("Help: this screen"), N_("Help")},
	{KC(KEY_UP), ACT_UP, "\xe2\x86\x91", N_("Previous user"), NULL},
	{KC(KEY_DOWN), ACT_DOWN, "\xe2\x86\x93", N_("Next user"), NULL},
	{KEYS_ENTER, ACT_ENTER, "Enter", N_("Log in with the PIN typed"), NULL},
	{KC(KEY_ENTER), ACT_ENTER, "Enter", NULL, NULL},
	{'\r', ACT_ENTER, "Enter", NULL, NULL},
	{KC(KEY_F(10)), ACT_QUIT, "F10", N_("Quit"), N_("Quit")},
	{0, ACT_NONE, NULL, NULL, NULL},
};

const struct keybind keys_dialog[] = {
	{KEYS_ENTER, ACT_ENTER, "Enter", N_("OK"), N_("OK")},
	{KC(KEY_ENTER), ACT_ENTER, "Enter", NULL, NULL},
	{'\r', ACT_ENTER, "Enter", NULL, NULL},
	{KEYS_ESC, ACT_BACK, "Esc", N_("Cancel"), N_("Cancel")},
	{0, ACT_NONE, NULL, NULL, NULL},
};

const struct keybind keys_list_dialog[] = {
	{KC(KEY_UP), ACT_UP, "\xe2\x86\x91", N_("Up"), NULL},
	{KC(KEY_DOWN), ACT_DOWN, "\xe2\x86\x93", N_("Down"), NULL},
	{KC(KEY_PPAGE), ACT_PAGE_UP, "PgUp", NULL, NULL},
	{KC(KEY_NPAGE), ACT_PAGE_DOWN, "PgDn", NULL, NULL},
	{KEYS_ENTER, ACT_ENTER, "Enter", N_("Choose"), N_("Choose")},
	{KC(KEY_ENTER), ACT_ENTER, "Enter", NULL, NULL},
	{'\r', ACT_ENTER, "Enter", NULL, NULL},
	{KC(KEY_DC), ACT_DELETE, "Del", NULL, NULL},
	{KEYS_ESC, ACT_BACK, "Esc", N_("Cancel"), N_("Cancel")},
	{0, ACT_NONE, NULL, NULL, NULL},
};

const struct keybind keys_info[] = {
	{KEYS_ESC, ACT_BACK, "Esc", N_("Back"), N_("Back")},
	{KC(KEY_F(1)), ACT_BACK, "F1", NULL, NULL},
	{KEYS_ENTER, ACT_BACK, "Enter", NULL, NULL},
	{KC(KEY_UP), ACT_UP, "\xe2\x86\x91", NULL, NULL},
	{KC(KEY_DOWN), ACT_DOWN, "\xe2\x86\x93", NULL, NULL},
	{0, ACT_NONE, NULL, NULL, NULL},
};

const struct keybind keys_pay[] = {
	{KEYS_ESC, ACT_BACK, "Esc", N_("Give up: cancel the payment (it is still watched)"), N_("Cancel")},
	{KEYS_ENTER, ACT_ENTER, "Enter", N_("After the outcome: back to the sale"), NULL},
	{KC(KEY_ENTER), ACT_ENTER, "Enter", NULL, NULL},
	{'\r', ACT_ENTER, "Enter", NULL, NULL},
	{0, ACT_NONE, NULL, NULL, NULL},
};

/* The payment screen once the outcome is known: nothing left to cancel. */
const struct keybind keys_pay_done[] = {
	{KEYS_ENTER, ACT_ENTER, "Enter", N_("Back to the sale"), N_("Back")},
	{KC(KEY_F(5)), ACT_HOLD, "F5", N_("Print the slip (again)"), N_("Slip")},
	{KC(KEY_ENTER), ACT_ENTER, "Enter", NULL, NULL},
	{'\r', ACT_ENTER, "Enter", NULL, NULL},
	{KEYS_ESC, ACT_BACK, "Esc", NULL, NULL},
	{0, ACT_NONE, NULL, NULL, NULL},
};

const struct keybind keys_journal_detail[] = {
	{KC(KEY_F(5)), ACT_HOLD, "F5", N_("Refund this order (a manager's PIN)"), N_("Refund")},
	{KC(KEY_F(6)), ACT_LOGOUT, "F6", N_("Print the order's slip and its refunds' slips"), N_("Slip")},
	{KC(KEY_UP), ACT_UP, "\xe2\x86\x91", N_("Scroll"), NULL},
	{KC(KEY_DOWN), ACT_DOWN, "\xe2\x86\x93", NULL, NULL},
	{KC(KEY_PPAGE), ACT_PAGE_UP, "PgUp", NULL, NULL},
	{KC(KEY_NPAGE), ACT_PAGE_DOWN, "PgDn", NULL, NULL},
	{KEYS_ESC, ACT_BACK, "Esc", N_("Back to the list"), N_("Back")},
	{0, ACT_NONE, NULL, NULL, NULL},
};

const struct keybind keys_reports[] = {
	{KC(KEY_F(3)), ACT_QUANTITY, "F3", N_("X report: the open shift so far"), N_("X")},
	{KC(KEY_F(4)), ACT_DISCOUNT, "F4", N_("Day report: today over all shifts"), N_("Day")},
	{KC(KEY_F(5)), ACT_HOLD, "F5", N_("Print what is shown"), N_("Print")},
	{KC(KEY_F(6)), ACT_LOGOUT, "F6", N_("The last Z report again"), N_("Last Z")},
	{KC(KEY_F(8)), ACT_VOID, "F8", N_("Z report: close the shift (a manager's PIN)"), N_("Z")},
	{KC(KEY_UP), ACT_UP, "\xe2\x86\x91", NULL, NULL},
	{KC(KEY_DOWN), ACT_DOWN, "\xe2\x86\x93", NULL, NULL},
	{KC(KEY_PPAGE), ACT_PAGE_UP, "PgUp", NULL, NULL},
	{KC(KEY_NPAGE), ACT_PAGE_DOWN, "PgDn", NULL, NULL},
	{KEYS_ESC, ACT_BACK, "Esc", N_("Back"), N_("Back")},
	{0, ACT_NONE, NULL, NULL, NULL},
};

const struct keybind keys_journal[] = {
	{KC(KEY_F(3)), ACT_QUANTITY, "F3", N_("Filter by state (all, then each)"), N_("State")},
	{KC(KEY_F(4)), ACT_DISCOUNT, "F4", N_("Filter by method (all, QR, phone)"), N_("Method")},
	{KEYS_ENTER, ACT_ENTER, "Enter", N_("The order's lines, VAT, timeline and refunds"), N_("Open")},
	{KC(KEY_ENTER), ACT_ENTER, "Enter", NULL, NULL},
	{'\r', ACT_ENTER, "Enter", NULL, NULL},
	{KC(KEY_UP), ACT_UP, "\xe2\x86\x91", NULL, NULL},
	{KC(KEY_DOWN), ACT_DOWN, "\xe2\x86\x93", NULL, NULL},
	{KC(KEY_PPAGE), ACT_PAGE_UP, "PgUp", NULL, NULL},
	{KC(KEY_NPAGE), ACT_PAGE_DOWN, "PgDn", NULL, NULL},
	{KEYS_ESC, ACT_BACK, "Esc", N_("Back (first clears the search)"), N_("Back")},
	{0, ACT_NONE, NULL, NULL, NULL},
};

bool keys_is_backspace(int key)
{
	return key == KC(KEY_BACKSPACE) || key == 127 || key == 8;
}

bool keys_is_text(int key)
{
	return !(key & KEYS_CODE) && key >= 0x20 && key != 0x7f;
}

enum action keys_lookup(const struct keybind *table, int key)
{
	for (; table->key; table++)
		if (table->key == key)
			return table->action;
	return ACT_NONE;
}

int keys_esc_digit(int c)
{
	if (c >= '1' && c <= '9')
		return KC(KEY_F(c - '0'));
	if (c == '0')
		return KC(KEY_F(10));
	if (c == '-')
		return KC(KEY_F(11));
	if (c == '=')
		return KC(KEY_F(12));
	return 0;
}

void keys_draw_bar(const struct keybind *table, int y, int width)
{
	int x = 0;

	draw_fill(y, 0, 1, width, ROLE_FKEY_LABEL);
	for (; table->key && x < width; table++) {
		if (!table->bar)
			continue;
		const char *label = _(table->bar);
		int need = draw_width(table->name) + draw_width(label) + 1;
		if (x + need > width)
			break;
		x += draw_text(y, x, width - x, ROLE_FKEY, -1, false, table->name);
		x += draw_text(y, x, width - x, ROLE_FKEY_LABEL, -1, false, label);
		if (x < width)
			x += draw_text(y, x, 1, ROLE_FKEY_LABEL, -1, true, " ");
	}
}

void keys_draw_help(const struct keybind *table, int y, int x, int h, int w)
{
	int n = 0;
	int cols = w >= 76 ? 2 : 1;
	int colw = (w - 2) / cols;

	for (const struct keybind *k = table; k->key; k++) {
		if (!k->label)
			continue;
		int row = n % h, col = n / h;
		if (col >= cols)
			break;
		int cx = x + 1 + col * colw;
		draw_text(y + row, cx, 8, ROLE_FKEY, -1, true, k->name);
		draw_text(y + row, cx + 8, colw - 9, ROLE_DIALOG, -1, true, _(k->label));
		n++;
	}
	/* the keys that stand in for function keys where a terminal lacks them */
	if (n < h * cols && table == keys_sale) {
		int row = n % h, col = n / h;
		draw_text(y + row, x + 1 + col * colw, colw - 1, ROLE_DIM, -1, true,
		          _("Esc then 1…9, 0, -, = : F1…F12"));
	}
}
