/* dlg_return.c — a return without a receipt (refunds.h): goods brought
 * back without their slip, given back in cash from the drawer. The
 * amount, the VAT rate of the goods (← →: the rates a shop sells at) and
 * a reason; Enter asks a manager's PIN, then the store writes it (no
 * order, refunded at once), the drawer opens and its slip prints. Bad
 * input is said on the message line and nothing is written. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "app/i18n.h"
#include "core/money.h"
#include "tui/draw.h"
#include "tui/field.h"
#include "tui/tui_int.h"

enum {
	ACT_NEXT_FIELD = ACT_SCREEN,
	ACT_PREV_FIELD,
	ACT_RATE_DOWN,
	ACT_RATE_UP,
};

enum { ASK_APPROVAL = 1 };

/* Where the typing goes: Tab moves amount → VAT → reason. */
enum focus { FOCUS_AMOUNT, FOCUS_RATE, FOCUS_REASON, FOCUS_COUNT };

#define COMMON_ROWS                                                                         \
	{KEYS_TAB, ACT_NEXT_FIELD, "Tab", N_("Next: amount, VAT rate, reason"), NULL},          \
	{KC(KEY_BTAB), ACT_PREV_FIELD, "S-Tab", NULL, NULL},                                    \
	{KEYS_ENTER, ACT_OK, "Enter", N_("Give it back in cash: a manager approves"), N_("OK")}, \
	{KEYS_ESC, ACT_BACK, "Esc", N_("Cancel"), N_("Cancel")}

static const struct keybind keys_fields[] = {
	COMMON_ROWS,
	KEYS_END,
};

static const struct keybind keys_rate[] = {
	{KC(KEY_LEFT), ACT_RATE_DOWN, "\xe2\x86\x90 \xe2\x86\x92", N_("The VAT rate of the goods"), N_("VAT")},
	{KC(KEY_RIGHT), ACT_RATE_UP, "\xe2\x86\x92", NULL, NULL},
	COMMON_ROWS,
	KEYS_END,
};

/* The rates a shop in Kazakhstan sells at: the standard one first. */
static const int rates[] = {PAYFLOW_DEFAULT_TAX_RATE, 12, 10, 5, 0};
#define N_RATES ((int)(sizeof rates / sizeof *rates))

static struct {
	struct field amount, reason;
	int rate;                 /* index in rates */
	enum focus focus;
	int64_t value;            /* the checked amount, tiyn */
} S;

static void enter(struct tui *t, const void *arg)
{
	(void)t, (void)arg;
	memset(&S, 0, sizeof S);
	field_init(&S.amount, FIELD_AMOUNT, 16);
	field_init(&S.reason, FIELD_TEXT, REFUNDS_REASON_CHARS);
	field_set(&S.reason, _("The buyer returned the goods without a receipt"), true);
	S.focus = FOCUS_AMOUNT;
}

/* The return as typed (shift, manager: filled when written). */
static struct refund_bare typed(const struct tui *t, int64_t amount)
{
	return (struct refund_bare){.till_id = t->cfg->till.id, .shift_id = t->shift.id,
	                            .amount = amount, .tax_rate = rates[S.rate],
	                            .reason = S.reason.text, .user_id = t->user.id};
}

static int ask_approval(struct tui *t)
{
	char sum[48], what[160];
	int64_t amount = 0;
	store_err err;
	if (!money_parse_tenge(S.amount.text, &amount) || amount <= 0) {
		tui_message(t, ROLE_ERROR, "%s", _("Type the amount to give back in tenge, like 500 or 500,50"));
		tui_bell(t, 1);
		return TUI_REDRAW;
	}
	struct refund_bare b = typed(t, amount);
	if (refunds_no_receipt_check(&b, &err) != STORE_OK) {
		tui_message(t, ROLE_ERROR, "%s", kp_msg_text(&err.msg));
		tui_bell(t, 1);
		return TUI_REDRAW;
	}
	S.value = amount;
	money_format(sum, sizeof sum, amount);
	snprintf(what, sizeof what, _("Return without a receipt: %s in cash"), sum);
	struct dlg_approve_arg arg = {.asked = ASK_APPROVAL, .what = what};
	tui_open(t, &dlg_approve, &arg);
	return TUI_REDRAW;
}

static void result(struct tui *t, const struct tui_result *r)
{
	char sum[48], mrid[REFUNDS_ID_SIZE];
	int64_t row = 0;
	store_err err;

	if (r->asked != ASK_APPROVAL)
		return;
	if (r->kind != RESULT_OK) {
		tui_message(t, ROLE_INFO, "%s", _("No refund made"));
		return;
	}
	struct refund_bare b = typed(t, S.value);
	b.approved_by = r->user_id;
	if (refunds_no_receipt(t->db, &b, &row, mrid, &err) != STORE_OK) {
		tui_message(t, ROLE_ERROR, "%s", kp_msg_text(&err.msg));
		tui_bell(t, 2);
		return;
	}
	struct refund_quote made = {.amount = S.value, .n_alloc = 1};
	made.alloc[0] = (struct refund_alloc){.tender = JOURNAL_CASH, .amount = S.value, .row = row};
	money_format(sum, sizeof sum, S.value);
	struct tui_result done = {.kind = RESULT_OK, .number = row};
	tui_close(t, &done);
	tui_give_back(t, &made, S.value);
	tui_message(t, ROLE_INFO, _("Return without a receipt %s: %s in cash (approved by %s)"), mrid,
	            sum, r->user_name);
}

static const struct keybind *table(const struct tui *t)
{
	(void)t;
	return S.focus == FOCUS_RATE ? keys_rate : keys_fields;
}

static int key(struct tui *t, int key)
{
	int a = keys_lookup(table(t), key);
	switch (a) {
	case ACT_BACK:
		tui_close(t, NULL);
		return TUI_REDRAW;
	case ACT_OK:
		return ask_approval(t);
	case ACT_NEXT_FIELD:
	case ACT_PREV_FIELD:
		S.focus = (enum focus)((S.focus + (a == ACT_NEXT_FIELD ? 1 : FOCUS_COUNT - 1)) % FOCUS_COUNT);
		return TUI_REDRAW;
	case ACT_RATE_DOWN:
		S.rate = (S.rate + 1) % N_RATES;
		return TUI_REDRAW;
	case ACT_RATE_UP:
		S.rate = (S.rate + N_RATES - 1) % N_RATES;
		return TUI_REDRAW;
	default:
		break;
	}
	if (S.focus == FOCUS_RATE)
		return TUI_HANDLED;
	return tui_field_key(t, S.focus == FOCUS_REASON ? &S.reason : &S.amount, key, NULL);
}

static void draw(const struct tui *t)
{
	int w = 70, h = 12, y = (LINES - h) / 2, x = (COLS - w) / 2;
	(void)t;

	draw_box(y, x, h, w, ROLE_DIALOG_TITLE, ROLE_DIALOG, _("Return without a receipt"));
	draw_text(y + 1, x + 2, w - 4, ROLE_DIM, -1, true,
	          _("Goods brought back without their slip: cash from the drawer, no order"));

	enum theme_role role = S.focus == FOCUS_AMOUNT ? ROLE_SELECTED : ROLE_DIALOG;
	int cx = x + 2 + draw_text(y + 3, x + 2, w - 4, role, -1, false, _("Amount, tenge:")) + 1;
	field_draw(&S.amount, y + 3, cx, 20, role, S.focus == FOCUS_AMOUNT);

	role = S.focus == FOCUS_RATE ? ROLE_SELECTED : ROLE_DIALOG;
	cx = x + 2 + draw_text(y + 5, x + 2, w - 4, role, -1, false, _("VAT rate of the goods:")) + 1;
	draw_textf(y + 5, cx, x + w - 2 - cx, role, -1, true, "\xe2\x86\x90 %d%% \xe2\x86\x92", rates[S.rate]);

	role = S.focus == FOCUS_REASON ? ROLE_SELECTED : ROLE_DIALOG;
	cx = x + 2 + draw_text(y + 7, x + 2, w - 4, role, -1, false, _("Reason:")) + 1;
	field_draw(&S.reason, y + 7, cx, x + w - 2 - cx, role, S.focus == FOCUS_REASON);

	draw_text(y + h - 2, x + 2, w - 4, ROLE_DIM, -1, true,
	          _("Tab: amount, VAT rate, reason · Enter: a manager approves"));
	draw_text(y + h - 1, x + 2, w - 4, ROLE_DIALOG_TITLE, -1, false, _(" Enter OK · Esc cancel "));
}

const struct screen dlg_return = {
	.name = "return",
	.flags = SCREEN_DIALOG,
	.enter = enter,
	.key = key,
	.draw = draw,
	.keys = table,
	.result = result,
};
