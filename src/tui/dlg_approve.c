/* dlg_approve.c — a manager's approval: choose the manager (↑ ↓), type
 * the PIN. Answers with who approved; a wrong PIN counts against that
 * manager (five lock them, as at the login). */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "app/i18n.h"
#include "app/pin.h"
#include "tui/draw.h"
#include "tui/field.h"
#include "tui/tui_int.h"

enum {
	ACT_PREV_MANAGER = ACT_SCREEN,
	ACT_NEXT_MANAGER,
};

static const struct keybind keys[] = {
	{KC(KEY_UP), ACT_PREV_MANAGER, "\xe2\x86\x91 \xe2\x86\x93", N_("Choose the manager"), NULL},
	{KC(KEY_DOWN), ACT_NEXT_MANAGER, "\xe2\x86\x93", NULL, NULL},
	{KEYS_ENTER, ACT_OK, "Enter", N_("Approve with the PIN typed"), N_("Approve")},
	{KEYS_ESC, ACT_BACK, "Esc", N_("Cancel"), N_("Cancel")},
	KEYS_END,
};

static struct {
	int asked;
	char what[256];
	struct user *users;
	int n_users;
	int sel;                  /* the manager, in users[]; -1: none */
	struct field pin;
} S;

static int next_manager(int from, int dir)
{
	for (int i = from + dir; i >= 0 && i < S.n_users; i += dir)
		if (S.users[i].role == USER_MANAGER)
			return i;
	return from;
}

static void enter(struct tui *t, const void *arg)
{
	const struct dlg_approve_arg *a = arg;
	store_err err;
	S.asked = a->asked;
	snprintf(S.what, sizeof S.what, "%s", a->what ? a->what : "");
	free(S.users);
	S.users = NULL;
	S.n_users = 0;
	if (users_list(t->db, &S.users, &S.n_users, &err) != STORE_OK)
		tui_message(t, ROLE_ERROR, "%s", kp_msg_text(&err.msg));
	S.sel = next_manager(-1, 1);
	field_init(&S.pin, FIELD_DIGITS, USERS_PIN_MAX);
	S.pin.secret = true;
}

static void leave(struct tui *t)
{
	(void)t;
	free(S.users);
	S.users = NULL;
	field_clear(&S.pin);
}

static bool have_manager(void)
{
	return S.sel >= 0 && S.sel < S.n_users && S.users[S.sel].role == USER_MANAGER;
}

static int try_pin(struct tui *t)
{
	struct users_check check;
	store_err err;
	if (!have_manager() || field_empty(&S.pin))
		return TUI_HANDLED;
	const struct user *m = &S.users[S.sel];
	store_status st = pin_verify(t->db, m->name, S.pin.text, &check, &err);
	field_clear(&S.pin);
	if (st != STORE_OK) {
		tui_message(t, ROLE_ERROR, "%s", kp_msg_text(&err.msg));
		return TUI_REDRAW;
	}
	if (check.verdict == USERS_PIN_OK && check.role == USER_MANAGER) {
		struct tui_result r = {.kind = RESULT_OK, .asked = S.asked, .user_id = check.user_id};
		snprintf(r.user_name, sizeof r.user_name, "%s", m->name);
		tui_close(t, &r);
	} else if (check.verdict == USERS_LOCKED) {
		tui_message(t, ROLE_ERROR, _("%s is locked for %ld s more"), m->name, check.locked_for);
		tui_bell(t, 1);
	} else {
		tui_message(t, ROLE_ERROR, _("Wrong PIN: %d tries left"), check.tries_left);
		tui_bell(t, 1);
	}
	return TUI_REDRAW;
}

static int key(struct tui *t, int key)
{
	switch (keys_lookup(keys, key)) {
	case ACT_BACK: {
		struct tui_result r = {.kind = RESULT_CANCELLED, .asked = S.asked};
		tui_close(t, &r);
		return TUI_REDRAW;
	}
	case ACT_PREV_MANAGER:
	case ACT_NEXT_MANAGER:
		S.sel = next_manager(S.sel, keys_lookup(keys, key) == ACT_PREV_MANAGER ? -1 : 1);
		field_clear(&S.pin);
		return TUI_REDRAW;
	case ACT_OK:
		return try_pin(t);
	default:
		break;
	}
	return tui_field_key(t, &S.pin, key, NULL);
}

static void draw(const struct tui *t)
{
	int w = 56, h = 10, y = (LINES - h) / 2, x = (COLS - w) / 2;
	(void)t;

	draw_box(y, x, h, w, ROLE_DIALOG_TITLE, ROLE_DIALOG, _("Manager's approval"));
	draw_text(y + 1, x + 2, w - 4, ROLE_DIALOG, -1, true, S.what);
	draw_text(y + 2, x + 2, w - 4, ROLE_DIALOG, -1, true, _("A manager types the PIN (↑↓ to choose):"));
	if (have_manager())
		draw_textf(y + 4, x + 2, w - 4, ROLE_SELECTED, -1, true, "▶ %s", S.users[S.sel].name);
	else
		draw_text(y + 4, x + 2, w - 4, ROLE_ERROR, -1, true, _("No manager: add one with kaspi-pos user add"));
	int px = x + 2 + draw_text(y + 6, x + 2, w - 4, ROLE_DIALOG, -1, false, _("PIN:")) + 1;
	field_draw(&S.pin, y + 6, px, x + w - 2 - px, ROLE_DIALOG, true);
	draw_text(y + h - 1, x + 2, w - 4, ROLE_DIALOG_TITLE, -1, false, _(" Enter approve · Esc cancel "));
}

const struct screen dlg_approve = {
	.name = "approve",
	.flags = SCREEN_DIALOG,
	.enter = enter,
	.leave = leave,
	.key = key,
	.draw = draw,
	.keytable = keys,
};
