/* dlg_cash.c — a movement of the cash in the drawer (store/cash.h): cash
 * in, cash out, the float (a change of it from the reports screen, or the
 * shift's opening float at the login). An amount and a reason (the
 * opening float has none: Enter on an empty amount is a float of zero).
 * Enter checks the rules first (a refusal is one line and writes
 * nothing), then asks a manager's PIN where one is needed (cash out, a
 * float above zero, a change of the float; at the login a manager who
 * logged in has approved already), then writes it, opens the drawer when
 * money moved, and answers the opener with RESULT_OK (number: the
 * amount). Esc answers RESULT_CANCELLED, nothing written. */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "app/i18n.h"
#include "core/money.h"
#include "store/cash.h"
#include "tui/draw.h"
#include "tui/field.h"
#include "tui/tui_int.h"

enum {
	ACT_NEXT_FIELD = ACT_SCREEN,
	ACT_PREV_FIELD,
};

enum { ASK_MANAGER = 1 };

static const struct keybind keys[] = {
	{KEYS_TAB, ACT_NEXT_FIELD, "Tab", N_("Next: amount, reason"), NULL},
	{KC(KEY_BTAB), ACT_PREV_FIELD, "S-Tab", NULL, NULL},
	{KEYS_ENTER, ACT_OK, "Enter", N_("Record it (a manager approves where needed)"), N_("OK")},
	{KEYS_ESC, ACT_BACK, "Esc", N_("Cancel"), N_("Cancel")},
	KEYS_END,
};

static struct {
	int asked;
	enum cash_kind kind;
	bool opening;             /* the opening float at the login: no reason, no drawer shown */
	int64_t approver;         /* a manager who has approved already; 0: ask */
	struct cash_figures fig;  /* the drawer when the dialog opened */
	struct field amount, reason;
	bool on_reason;           /* the typing goes to the reason */
	struct cash_new m;        /* checked, waiting for the manager's PIN */
} S;

static const char *title(void)
{
	if (S.opening)
		return _("The opening float");
	switch (S.kind) {
	case CASH_IN:
		return _("Cash into the drawer");
	case CASH_OUT:
		return _("Cash out of the drawer");
	case CASH_FLOAT:
	default:
		return _("The float");
	}
}

static void enter(struct tui *t, const void *arg)
{
	const struct dlg_cash_arg *a = arg;
	store_err err;
	memset(&S, 0, sizeof S);
	S.asked = a->asked;
	S.kind = (enum cash_kind)a->kind;
	S.opening = a->opening;
	S.approver = a->approver;
	if (cash_figures_shift(t->db, t->shift.id, &S.fig, &err) != STORE_OK)
		tui_message(t, ROLE_ERROR, "%s", kp_msg_text(&err.msg));
	field_init(&S.amount, FIELD_AMOUNT, 16);
	field_init(&S.reason, FIELD_TEXT, CASH_REASON_CHARS);
	if (S.kind == CASH_FLOAT && S.fig.float_set) { /* a change opens on the float */
		char v[48];
		money_format_plain(v, sizeof v, S.fig.float_amount);
		field_set(&S.amount, v, true);
	}
}

static void leave(struct tui *t)
{
	(void)t;
	field_clear(&S.amount);
	field_clear(&S.reason);
}

/* What the manager approves, one line. */
static void approval_text(char *buf, size_t size, int64_t amount)
{
	char sum[48];
	money_format(sum, sizeof sum, amount);
	if (S.kind == CASH_OUT)
		snprintf(buf, size, _("Cash out of %s"), sum);
	else
		snprintf(buf, size, _("The float of %s"), sum);
}

/* Writes S.m approved by approver (0: none), opens the drawer when money
 * moved, and answers the opener. */
static void record(struct tui *t, int64_t approver, const char *manager)
{
	store_err err;
	struct cash_figures now;
	char sum[48], held[48];
	bool moved = S.kind != CASH_FLOAT || S.m.amount > 0 || S.fig.float_set;

	S.m.approved_by = approver;
	if (cash_record(t->db, t->shift.id, &S.m, NULL, NULL, &err) != STORE_OK) {
		tui_message(t, ROLE_ERROR, "%s", kp_msg_text(&err.msg));
		tui_bell(t, 1);
		return;
	}
	if (moved && t->cfg->drawer.mode != CONFIG_DRAWER_NONE &&
	    (!t->printq || !printq_drawer(t->printq, _("The cash drawer"))))
		tui_message(t, ROLE_ERROR, "%s", _("The cash drawer did not open: open it by hand"));
	money_format(sum, sizeof sum, S.m.amount);
	if (cash_figures_shift(t->db, t->shift.id, &now, &err) != STORE_OK)
		now.expected = S.fig.expected;
	money_format(held, sizeof held, now.expected);
	struct tui_result r = {.kind = RESULT_OK, .asked = S.asked, .number = S.m.amount,
	                       .user_id = approver};
	snprintf(r.user_name, sizeof r.user_name, "%s", manager ? manager : "");
	bool opening = S.opening;
	enum cash_kind kind = S.kind;
	tui_close(t, &r); /* its fields are wiped: the copies above say what was done */
	if (opening)
		return; /* the login goes on to the sale, which says hello */
	if (kind == CASH_IN)
		tui_message(t, ROLE_INFO, _("Cash in of %s recorded: the drawer should hold %s"), sum, held);
	else if (kind == CASH_OUT)
		tui_message(t, ROLE_INFO, _("Cash out of %s recorded (approved by %s): the drawer should hold %s"),
		            sum, manager ? manager : "", held);
	else
		tui_message(t, ROLE_INFO, _("The float is %s now: the drawer should hold %s"), sum, held);
}

/* Enter: the amount read, the rules checked, a PIN asked when needed. */
static int confirm(struct tui *t)
{
	store_err err;
	enum cash_rule rule;
	bool needs = false;

	memset(&S.m, 0, sizeof S.m);
	S.m.kind = S.kind;
	S.m.user_id = t->user.id;
	S.m.reason = S.opening ? "" : S.reason.text;
	if (field_empty(&S.amount) && S.opening) {
		S.m.amount = 0; /* Enter: no float */
	} else if (!money_parse_tenge(S.amount.text, &S.m.amount)) {
		tui_message(t, ROLE_ERROR, "%s", _("Type the amount in tenge, like 2000 or 2000,50"));
		tui_bell(t, 1);
		return TUI_REDRAW;
	}
	if (cash_check(t->db, t->shift.id, &S.m, &needs, &rule, &err) != STORE_OK) {
		tui_message(t, ROLE_ERROR, "%s", kp_msg_text(&err.msg));
		tui_bell(t, 1);
		if (rule == CASH_RULE_REASON || rule == CASH_RULE_AMOUNT || rule == CASH_RULE_DRAWER)
			S.on_reason = rule == CASH_RULE_REASON && !S.opening; /* to the field at fault */
		return TUI_REDRAW;
	}
	if (needs && !S.approver) {
		char what[160];
		approval_text(what, sizeof what, S.m.amount);
		struct dlg_approve_arg arg = {.asked = ASK_MANAGER, .what = what};
		tui_open(t, &dlg_approve, &arg);
		return TUI_REDRAW;
	}
	record(t, needs ? S.approver : 0, t->user.name);
	return TUI_REDRAW;
}

static void result(struct tui *t, const struct tui_result *r)
{
	if (r->asked != ASK_MANAGER)
		return;
	if (r->kind != RESULT_OK) {
		tui_message(t, ROLE_INFO, "%s", _("Nothing recorded: it needs a manager's PIN"));
		return;
	}
	char name[USERS_NAME_SIZE];
	snprintf(name, sizeof name, "%s", r->user_name);
	record(t, r->user_id, name);
}

static int key(struct tui *t, int key)
{
	switch (keys_lookup(keys, key)) {
	case ACT_BACK: {
		struct tui_result r = {.kind = RESULT_CANCELLED, .asked = S.asked};
		tui_close(t, &r);
		return TUI_REDRAW;
	}
	case ACT_OK:
		return confirm(t);
	case ACT_NEXT_FIELD:
	case ACT_PREV_FIELD:
		S.on_reason = !S.opening && !S.on_reason;
		return TUI_REDRAW;
	default:
		break;
	}
	return tui_field_key(t, S.on_reason ? &S.reason : &S.amount, key, NULL);
}

static void draw(const struct tui *t)
{
	int w = 64, h = S.opening ? 9 : 11, y = (LINES - h) / 2, x = (COLS - w) / 2;
	char held[48], fl[48];
	(void)t;

	draw_box(y, x, h, w, ROLE_DIALOG_TITLE, ROLE_DIALOG, title());
	if (S.opening) {
		draw_text(y + 1, x + 2, w - 4, ROLE_DIALOG, -1, true,
		          _("The cash in the drawer as the shift opens."));
		draw_text(y + 2, x + 2, w - 4, ROLE_DIM, -1, true,
		          _("Enter alone: no float; an amount needs a manager's PIN."));
	} else {
		const char *what = S.kind == CASH_IN    ? _("Cash put into the drawer, with a reason.")
		                   : S.kind == CASH_OUT ? _("Cash taken out, with a reason: a manager approves.")
		                                        : _("The float from now on: a manager approves.");
		draw_text(y + 1, x + 2, w - 4, ROLE_DIALOG, -1, true, what);
		money_format(held, sizeof held, S.fig.expected);
		money_format(fl, sizeof fl, S.fig.float_amount);
		draw_textf(y + 2, x + 2, w - 4, ROLE_DIM, -1, true, _("The drawer should hold %s (float %s)"),
		           held, fl);
	}
	enum theme_role role = !S.on_reason ? ROLE_SELECTED : ROLE_DIALOG;
	int cx = x + 2 + draw_text(y + 4, x + 2, w - 4, role, -1, false, _("Amount, tenge:")) + 1;
	field_draw(&S.amount, y + 4, cx, 20, role, !S.on_reason);
	if (!S.opening) {
		role = S.on_reason ? ROLE_SELECTED : ROLE_DIALOG;
		cx = x + 2 + draw_text(y + 6, x + 2, w - 4, role, -1, false, _("Reason:")) + 1;
		field_draw(&S.reason, y + 6, cx, x + w - 2 - cx, role, S.on_reason);
		draw_text(y + h - 2, x + 2, w - 4, ROLE_DIM, -1, true, _("Tab: amount, reason"));
	}
	draw_text(y + h - 1, x + 2, w - 4, ROLE_DIALOG_TITLE, -1, false, _(" Enter OK · Esc cancel "));
}

const struct screen dlg_cash = {
	.name = "cash",
	.flags = SCREEN_DIALOG,
	.enter = enter,
	.leave = leave,
	.key = key,
	.draw = draw,
	.keytable = keys,
	.result = result,
};
