/* scr_login.c — the cashier's login: pick a user, type the PIN (masked).
 * Five wrong PINs lock that user for 60 s (the store counts and logs).
 * Quitting the till has its own key here, Ctrl-Q, that no other screen
 * binds to anything.
 *
 * The login opens the shift when none is open, and while the open shift
 * has no float yet it asks for its opening float (dlg_cash) before the
 * sale: Enter with nothing typed is a float of zero, which anybody may
 * state; an amount is a manager's — a manager logging in has just typed
 * the PIN, a cashier's amount asks a manager's PIN there and then. Why
 * not the cashier's word alone: the float is what the Z compares the
 * counted cash with, and the money is the manager's to hand over, so an
 * amount nobody approved could hide a shortage (a float stated low) or
 * make one (stated high). A cashier who starts with an empty drawer says
 * so with one key; when the manager brings the float later, the manager
 * records it from the reports screen (F12, F10). Esc leaves the login
 * undone: the float is asked again at the next login. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "app/i18n.h"
#include "app/pin.h"
#include "store/cash.h"
#include "store/events.h"
#include "tui/draw.h"
#include "tui/field.h"
#include "tui/listview.h"
#include "tui/tui_int.h"

enum {
	ACT_QUIT = ACT_SCREEN,
	ACT_CLEAR,      /* Esc: the PIN typed, or the Esc-digit prefix */
};

static const struct keybind keys[] = {
	{KC(KEY_F(1)), ACT_HELP, "F1", N_("Help: this screen"), N_("Help")},
	KEYS_LIST_ROWS(N_("Choose who is at the till")),
	{KEYS_ENTER, ACT_OK, "Enter", N_("Log in with the PIN typed"), NULL},
	{KEYS_ESC, ACT_CLEAR, "Esc", N_("Clear the PIN typed"), NULL},
	{KEYS_CTRL('q'), ACT_QUIT, "Ctrl-Q", N_("Quit the till"), N_("Quit")},
	KEYS_END,
};

enum { ASK_FLOAT = 1 };

static struct {
	struct user *users;             /* from users_list */
	struct listview list;
	struct field pin;
	struct user who;                /* logged in, waiting for the opening float */
	struct shift shift;             /* the shift the float is asked for */
	bool opened;                    /* this login opened it */
} S;

/* Rows of the user list in the box. */
static int list_rows(void)
{
	int h = (int)S.list.count + 8;
	if (h > LINES - 4)
		h = LINES - 4;
	return h - 6;
}

static void load_users(struct tui *t)
{
	store_err err;
	int n = 0;
	free(S.users);
	S.users = NULL;
	if (users_list(t->db, &S.users, &n, &err) != STORE_OK)
		tui_message(t, ROLE_ERROR, "%s", kp_msg_text(&err.msg));
	else if (n == 0)
		tui_message(t, ROLE_ERROR, "%s",
		            _("No users yet: add one with kaspi-pos user add NAME --role manager"));
	listview_set_count(&S.list, (size_t)n);
}

static void enter(struct tui *t, const void *arg)
{
	(void)arg;
	memset(&t->user, 0, sizeof t->user);
	field_init(&S.pin, FIELD_DIGITS, USERS_PIN_MAX);
	S.pin.secret = true;
	load_users(t);
}

static void leave(struct tui *t)
{
	(void)t;
	free(S.users);
	S.users = NULL;
	field_clear(&S.pin);
}

/* On to the sale as who, in shift (opened by this login or not). */
static void to_sale(struct tui *t, const struct user *u, struct shift shift, bool opened)
{
	struct user who = *u; /* the switch frees the list u is in */
	tui_switch(t, &scr_sale, NULL);
	t->user = who;
	t->shift = shift;
	if (shift.stale)
		tui_message(t, ROLE_ERROR, _("Shift %lld has been open for over 24 hours: close it with a Z report"),
		            (long long)shift.id);
	else if (opened)
		tui_message(t, ROLE_INFO, _("Shift %lld opened. Hello, %s!"), (long long)shift.id, who.name);
	else
		tui_message(t, ROLE_INFO, _("Hello, %s!"), who.name);
}

/* The PIN was right: open the shift if none is; ask its opening float
 * if it has none; then the sale. */
static void logged_in(struct tui *t, const struct user *u)
{
	store_err err;
	struct cash_figures fig;

	S.opened = false;
	if (shifts_ensure_open(t->db, u->id, &S.shift, &S.opened, &err) != STORE_OK ||
	    cash_figures_shift(t->db, S.shift.id, &fig, &err) != STORE_OK) {
		tui_message(t, ROLE_ERROR, "%s", kp_msg_text(&err.msg));
		return;
	}
	if (fig.float_set) {
		to_sale(t, u, S.shift, S.opened);
		return;
	}
	S.who = *u;
	t->user = *u; /* the float is recorded as theirs, in this shift */
	t->shift = S.shift;
	struct dlg_cash_arg arg = {.asked = ASK_FLOAT, .kind = CASH_FLOAT, .opening = true,
	                           .approver = u->role == USER_MANAGER ? u->id : 0};
	tui_open(t, &dlg_cash, &arg);
}

static void result(struct tui *t, const struct tui_result *r)
{
	if (r->asked != ASK_FLOAT)
		return;
	if (r->kind == RESULT_OK) {
		struct user who = S.who;
		to_sale(t, &who, S.shift, S.opened);
		return;
	}
	memset(&t->user, 0, sizeof t->user);
	tui_message(t, ROLE_INFO, "%s",
	            _("Not logged in: the shift's opening float comes first (Enter for none)"));
}

static int try_pin(struct tui *t)
{
	struct users_check check;
	store_err err;

	if (S.list.count == 0)
		return TUI_REDRAW;
	struct user chosen = S.users[S.list.sel]; /* load_users frees the list */
	store_status st = pin_verify(t->db, chosen.name, S.pin.text, &check, &err);
	field_clear(&S.pin);
	if (st != STORE_OK) {
		tui_message(t, ROLE_ERROR, "%s", kp_msg_text(&err.msg));
		return TUI_REDRAW;
	}
	switch (check.verdict) {
	case USERS_PIN_OK:
		chosen.role = check.role;
		logged_in(t, &chosen);
		break;
	case USERS_PIN_WRONG:
		load_users(t); /* the list shows the lock, if this try set it */
		tui_bell(t, 1);
		if (check.tries_left > 0)
			tui_message(t, ROLE_ERROR, _("Wrong PIN: %d tries left"), check.tries_left);
		else
			tui_message(t, ROLE_ERROR, _("Wrong PIN: %s is locked for %ld s"), chosen.name,
			            check.locked_for);
		break;
	case USERS_LOCKED:
		load_users(t);
		tui_bell(t, 1);
		tui_message(t, ROLE_ERROR, _("%s is locked for %ld s more"), chosen.name, check.locked_for);
		break;
	case USERS_NO_SUCH_USER:
		tui_message(t, ROLE_ERROR, "%s", _("No such user"));
		load_users(t);
		break;
	}
	return TUI_REDRAW;
}

static int key(struct tui *t, int key)
{
	int a = keys_lookup(keys, key);

	if (listview_key(&S.list, a, list_rows())) {
		field_clear(&S.pin); /* a PIN is for the user it was typed for */
		return TUI_REDRAW;
	}
	switch (a) {
	case ACT_HELP:
		tui_open(t, &scr_help, &scr_login);
		return TUI_REDRAW;
	case ACT_OK:
		return field_empty(&S.pin) ? TUI_HANDLED : try_pin(t);
	case ACT_CLEAR:
		if (field_empty(&S.pin))
			return TUI_ESC_PREFIX;
		field_clear(&S.pin);
		return TUI_REDRAW;
	case ACT_QUIT:
		return TUI_QUIT;
	default:
		break;
	}
	bool changed;
	int flags = tui_field_key(t, &S.pin, key, &changed);
	if (changed)
		t->msg.text[0] = '\0';
	return flags;
}

static void draw(const struct tui *t)
{
	int w = 50, h = (int)S.list.count + 8;
	if (h > LINES - 4)
		h = LINES - 4;
	int y = (LINES - h) / 2, x = (COLS - w) / 2;
	int rows = h - 6;
	time_t now = time(NULL);

	tui_draw_header(t);
	draw_box(y, x, h, w, ROLE_DIALOG_TITLE, ROLE_DIALOG, _("Log in"));
	draw_text(y + 1, x + 2, w - 4, ROLE_DIALOG, -1, true, _("Who is at the till? (↑ ↓)"));
	size_t first = listview_first(&S.list, rows);
	for (int i = 0; i < rows && first + (size_t)i < S.list.count; i++) {
		size_t k = first + (size_t)i;
		const struct user *u = &S.users[k];
		bool sel = k == S.list.sel;
		enum theme_role role = sel ? ROLE_SELECTED : ROLE_DIALOG;
		char what[64];
		snprintf(what, sizeof what, "%s%s", u->role == USER_MANAGER ? _("manager") : _("cashier"),
		         users_locked_for(u, now) > 0 ? _(", locked") : "");
		draw_text(y + 2 + i, x + 2, w - 4, role, -1, true, "");
		draw_textf(y + 2 + i, x + 2, 28, role, -1, true, "%s %s", sel ? "▶" : " ", u->name);
		draw_text(y + 2 + i, x + 30, w - 32, role, -1, true, what);
	}
	int px = x + 2 + draw_text(y + h - 3, x + 2, w - 4, ROLE_DIALOG, -1, false, _("PIN:")) + 1;
	field_draw(&S.pin, y + h - 3, px, x + w - 2 - px, ROLE_DIALOG, true);
	draw_text(y + h - 2, x + 2, w - 4, ROLE_DIM, -1, true, _("Type the PIN and press Enter"));

	tui_draw_message(t, LINES - 2);
	tui_draw_keys(t, keys);
}

const struct screen scr_login = {
	.name = "login",
	.flags = SCREEN_TYPED_SCANS | SCREEN_ESC_DIGITS,
	.enter = enter,
	.leave = leave,
	.key = key,
	.draw = draw,
	.keytable = keys,
	.result = result,
};
