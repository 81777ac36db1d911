/* scr_login.c — the cashier's login: pick a user, type the PIN (masked).
 * Five wrong PINs lock that user for 60 s (the store counts and logs). */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "app/i18n.h"
#include "app/pin.h"
#include "store/events.h"
#include "tui/draw.h"
#include "tui/tui_int.h"

void login_enter(struct tui *t)
{
	store_err err;

	free(t->users);
	t->users = NULL;
	t->n_users = 0;
	if (users_list(t->db, &t->users, &t->n_users, &err) != STORE_OK)
		tui_message(t, ROLE_ERROR, "%s", err.message);
	else if (t->n_users == 0)
		tui_message(t, ROLE_ERROR, "%s",
		            _("No users yet: add one with kaspi-pos user add NAME --role manager"));
	if (t->login_sel >= t->n_users)
		t->login_sel = 0;
	explicit_bzero(t->pin, sizeof t->pin);
	t->screen = SCREEN_LOGIN;
	t->dialog = DIALOG_NONE;
	t->dirty = true;
}

/* The PIN was right: open the shift if none is, and go to the sale. */
static void logged_in(struct tui *t, const struct user *u)
{
	store_err err;
	bool opened = false;

	t->user = *u;
	if (shifts_ensure_open(t->db, u->id, &t->shift, &opened, &err) != STORE_OK) {
		tui_message(t, ROLE_ERROR, "%s", err.message);
		return;
	}
	sale_enter(t);
	if (t->shift.stale)
		tui_message(t, ROLE_ERROR, _("Shift %lld has been open for over 24 hours: close it with a Z report"),
		            (long long)t->shift.id);
	else if (opened)
		tui_message(t, ROLE_INFO, _("Shift %lld opened. Hello, %s!"), (long long)t->shift.id, u->name);
	else
		tui_message(t, ROLE_INFO, _("Hello, %s!"), u->name);
}

static int try_pin(struct tui *t)
{
	struct users_check check;
	store_err err;

	if (t->n_users == 0)
		return TUI_REDRAW;
	const struct user chosen = t->users[t->login_sel]; /* login_enter frees the list */
	const struct user *u = &chosen;
	store_status st = pin_verify(t->db, u->name, t->pin, &check, &err);
	explicit_bzero(t->pin, sizeof t->pin);
	if (st != STORE_OK) {
		tui_message(t, ROLE_ERROR, "%s", err.message);
		return TUI_REDRAW;
	}
	switch (check.verdict) {
	case USERS_PIN_OK: {
		struct user copy = chosen;
		copy.role = check.role;
		logged_in(t, &copy);
		break;
	}
	case USERS_PIN_WRONG:
		login_enter(t); /* the list shows the lock, if this try set it */
		tui_bell(t, 1);
		if (check.tries_left > 0)
			tui_message(t, ROLE_ERROR, _("Wrong PIN: %d tries left"), check.tries_left);
		else
			tui_message(t, ROLE_ERROR, _("Wrong PIN: %s is locked for %ld s"), u->name,
			            check.locked_for);
		break;
	case USERS_LOCKED:
		login_enter(t);
		tui_bell(t, 1);
		tui_message(t, ROLE_ERROR, _("%s is locked for %ld s more"), u->name, check.locked_for);
		break;
	case USERS_NO_SUCH_USER:
		tui_message(t, ROLE_ERROR, "%s", _("No such user"));
		login_enter(t);
		break;
	}
	return TUI_REDRAW;
}

int login_key(struct tui *t, int key)
{
	size_t len = strlen(t->pin);

	switch (keys_lookup(keys_login, key)) {
	case ACT_HELP:
		info_enter(t, SCREEN_HELP);
		return TUI_REDRAW;
	case ACT_UP:
		if (t->login_sel > 0)
			t->login_sel--;
		explicit_bzero(t->pin, sizeof t->pin);
		return TUI_REDRAW;
	case ACT_DOWN:
		if (t->login_sel + 1 < t->n_users)
			t->login_sel++;
		explicit_bzero(t->pin, sizeof t->pin);
		return TUI_REDRAW;
	case ACT_ENTER:
		return len ? try_pin(t) : TUI_HANDLED;
	case ACT_QUIT:
		return TUI_QUIT;
	default:
		break;
	}
	if (key >= '0' && key <= '9' && len < USERS_PIN_MAX) {
		t->pin[len] = (char)key;
		t->pin[len + 1] = '\0';
		t->msg.text[0] = '\0';
		return TUI_REDRAW;
	}
	if (keys_is_backspace(key) && len > 0) {
		t->pin[len - 1] = '\0';
		return TUI_REDRAW;
	}
	return TUI_HANDLED;
}

void login_draw(struct tui *t)
{
	int w = 50, h = t->n_users + 8;
	if (h > LINES - 4)
		h = LINES - 4;
	int y = (LINES - h) / 2, x = (COLS - w) / 2;
	time_t now = time(NULL);

	tui_draw_header(t);
	draw_box(y, x, h, w, ROLE_DIALOG_TITLE, ROLE_DIALOG, _("Log in"));
	draw_text(y + 1, x + 2, w - 4, ROLE_DIALOG, -1, true, _("Who is at the till? (↑ ↓)"));
	int shown = h - 6;
	int first = t->login_sel >= shown ? t->login_sel - shown + 1 : 0;
	for (int i = 0; i < shown && first + i < t->n_users; i++) {
		const struct user *u = &t->users[first + i];
		bool sel = first + i == t->login_sel;
		long locked = users_locked_for(u, now);
		char role[64];
		snprintf(role, sizeof role, "%s%s",
		         u->role == USER_MANAGER ? _("manager") : _("cashier"),
		         locked > 0 ? _(", locked") : "");
		draw_text(y + 2 + i, x + 2, w - 4, sel ? ROLE_SELECTED : ROLE_DIALOG, -1, true, "");
		draw_textf(y + 2 + i, x + 2, 28, sel ? ROLE_SELECTED : ROLE_DIALOG, -1, true, "%s %s",
		           sel ? "▶" : " ", u->name);
		draw_text(y + 2 + i, x + 30, w - 32, sel ? ROLE_SELECTED : ROLE_DIALOG, -1, true, role);
	}
	char mask[32] = "";
	size_t m = 0;
	for (size_t i = 0; i < strlen(t->pin) && i < USERS_PIN_MAX; i++)
		m += (size_t)snprintf(mask + m, sizeof mask - m, "●");
	draw_textf(y + h - 3, x + 2, w - 4, ROLE_DIALOG, -1, true, "%s %s_", _("PIN:"), mask);
	draw_text(y + h - 2, x + 2, w - 4, ROLE_DIM, -1, true, _("Type the PIN and press Enter"));

	if (t->msg.text[0])
		draw_text(LINES - 2, 0, COLS, t->msg.role, -1, true, t->msg.text);
	keys_draw_bar(keys_login, LINES - 1, COLS);
}
