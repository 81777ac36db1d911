/* dlg_refund.c — a refund of one order: an amount, or units of its lines
 * (voided lines are not offered; what came back already is shown and
 * cannot be given twice), and a reason (typed, or one of the ready ones).
 *
 * A line sold by weight goes back by weight: + on it asks how much
 * ("0,200" or "200 г", at most what is left), - takes it back; its
 * amount is store/refunds.h's (grams × the price per kg, rounded half
 * up, in the discount's proportion).
 *
 * It goes back to the sale's own tenders (the tenders it would take are
 * shown as the amount changes), or all in cash with F6. Enter asks a
 * manager's PIN, then the payflow journals it: the cash and card parts
 * are given back at once (the drawer opens for cash, their slips print),
 * the Kaspi parts are sent. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "app/i18n.h"
#include "app/item.h"
#include "core/measure.h"
#include "core/money.h"
#include "tui/draw.h"
#include "tui/field.h"
#include "tui/listview.h"
#include "tui/tui_int.h"

#define LINES_MAX 64          /* lines the dialog offers to give back */

enum {
	ACT_NEXT_FIELD = ACT_SCREEN,
	ACT_PREV_FIELD,
	ACT_PREV_REASON,
	ACT_NEXT_REASON,
	ACT_GIVE_MORE,
	ACT_GIVE_LESS,
	ACT_TO_CASH,
};

enum { ASK_APPROVAL = 1, ASK_WEIGHT };

/* Where the typing goes: Tab moves amount → reason → lines. */
enum focus { FOCUS_AMOUNT, FOCUS_REASON, FOCUS_LINES, FOCUS_COUNT };

#define COMMON_ROWS                                                                         \
	{KEYS_TAB, ACT_NEXT_FIELD, "Tab", N_("Next: amount, reason, lines"), NULL},            \
	{KC(KEY_BTAB), ACT_PREV_FIELD, "S-Tab", NULL, NULL},                                    \
	{KEYS_ENTER, ACT_OK, "Enter", N_("Refund: a manager approves"), N_("OK")},             \
	{KC(KEY_F(6)), ACT_TO_CASH, "F6", N_("All in cash from the drawer instead of the sale's tenders (again: back to them)"), N_("Cash")}, \
	{KEYS_ESC, ACT_BACK, "Esc", N_("Cancel"), N_("Cancel")}

static const struct keybind keys_amount[] = {
	COMMON_ROWS,
	KEYS_END,
};

static const struct keybind keys_reason[] = {
	{KC(KEY_LEFT), ACT_PREV_REASON, "\xe2\x86\x90 \xe2\x86\x92", N_("The ready reasons"), N_("Reason")},
	{KC(KEY_RIGHT), ACT_NEXT_REASON, "\xe2\x86\x92", NULL, NULL},
	COMMON_ROWS,
	KEYS_END,
};

static const struct keybind keys_lines[] = {
	{'+', ACT_GIVE_MORE, "+ \xe2\x86\x92", N_("One more unit of the line back (a weighed line: type the weight)"), N_("More")},
	{KC(KEY_RIGHT), ACT_GIVE_MORE, "\xe2\x86\x92", NULL, NULL},
	{'-', ACT_GIVE_LESS, "- \xe2\x86\x90", N_("One unit less (a weighed line: none of it)"), N_("Less")},
	{KC(KEY_LEFT), ACT_GIVE_LESS, "\xe2\x86\x90", NULL, NULL},
	KEYS_LIST_ROWS(N_("Choose the line")),
	COMMON_ROWS,
	KEYS_END,
};

/* Ready reasons (← →); the text stays editable. */
static const char *const reasons[] = {
	N_("The buyer returned the goods"),
	N_("The buyer changed their mind"),
	N_("Charged by mistake"),
	N_("Damaged goods"),
	N_("Goods not delivered"),
};
#define N_REASONS ((int)(sizeof reasons / sizeof *reasons))

/* A line the dialog offers. Its units are pieces, or the thousandths
 * of a line sold by weight (grams of a kg). */
struct offer {
	const struct journal_line *line;
	int64_t back;             /* units already refunded or on their way */
	int64_t pick;             /* units to give back now */
};

/* The units a line has: its pieces, or its weight's thousandths. */
static int64_t units_of(const struct journal_line *l)
{
	return l->weight > 0 ? l->weight : l->quantity;
}

/* Units of a line as read: "3", or "0,350" of a weighed one. */
static void units_text(char *buf, size_t size, const struct journal_line *l, int64_t units)
{
	if (l->weight > 0)
		kp_measure_format(buf, size, units);
	else
		snprintf(buf, size, "%lld", (long long)units);
}

static struct {
	struct journal_order order;
	struct journal_line *lines;
	struct offer offers[LINES_MAX];
	size_t n_offers;
	struct listview list;     /* over offers */
	struct field amount, reason;
	int preset;
	enum focus focus;
	int64_t value;            /* the checked amount, tiyn */
	struct refund_pick picks[LINES_MAX];
	size_t weighing;          /* the offer whose weight the weight dialog asks */
	bool to_cash;             /* F6: all in cash instead of the sale's tenders */
	struct refund_quote plan; /* where the refund as it stands would go */
	bool planned;             /* plan holds it (the amount and lines are allowed) */
} S;

static void replan(struct tui *t);

static int list_rows(void)
{
	int shown = (int)S.n_offers < LINES - 20 ? (int)S.n_offers : LINES - 20;
	return shown > 0 ? shown : 1;
}

/* Units of each line refunded or pending, from the order's refunds. */
static void count_back(struct tui *t)
{
	struct refund *refunds = NULL;
	size_t n = 0;
	store_err err;
	if (refunds_of_order(t->db, S.order.id, &refunds, &n, &err) != STORE_OK) {
		tui_message(t, ROLE_ERROR, "%s", kp_msg_text(&err.msg));
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (refunds[i].state == REFUND_FAILED)
			continue;
		struct refund_part *parts = NULL;
		size_t np = 0;
		if (refunds_parts(t->db, refunds[i].id, &parts, &np, &err) != STORE_OK)
			continue;
		for (size_t p = 0; p < np; p++)
			for (size_t k = 0; k < S.n_offers; k++)
				if (parts[p].line_no && parts[p].line_no == S.offers[k].line->line_no)
					S.offers[k].back += parts[p].quantity;
		free(parts);
	}
	free(refunds);
}

static void enter(struct tui *t, const void *arg)
{
	store_err err;
	size_t n = 0;
	free(S.lines);
	memset(&S, 0, sizeof S);
	if (journal_get(t->db, *(const int64_t *)arg, &S.order, &err) != STORE_OK ||
	    journal_lines(t->db, S.order.id, &S.lines, &n, &err) != STORE_OK)
		tui_message(t, ROLE_ERROR, "%s", kp_msg_text(&err.msg));
	for (size_t i = 0; i < n && S.n_offers < LINES_MAX; i++)
		if (!S.lines[i].voided)
			S.offers[S.n_offers++].line = &S.lines[i];
	count_back(t);
	listview_set_count(&S.list, S.n_offers);
	field_init(&S.amount, FIELD_AMOUNT, 16);
	char left[48];
	money_format_plain(left, sizeof left, S.order.amount - S.order.refunded_amount);
	field_set(&S.amount, left, true);
	field_init(&S.reason, FIELD_TEXT, REFUNDS_REASON_CHARS);
	field_set(&S.reason, _(reasons[0]), false);
	S.focus = FOCUS_AMOUNT;
	replan(t);
}

static void leave(struct tui *t)
{
	(void)t;
	free(S.lines);
	S.lines = NULL;
	S.n_offers = 0;
}

static bool by_lines(void)
{
	for (size_t i = 0; i < S.n_offers; i++)
		if (S.offers[i].pick > 0)
			return true;
	return false;
}

/* The request the dialog stands for: by lines when any line has units
 * to give back, else by the amount. */
static struct payflow_refund_req request(const struct tui *t, int64_t amount, int64_t approver)
{
	size_t n = 0;
	for (size_t i = 0; i < S.n_offers; i++)
		if (S.offers[i].pick > 0)
			S.picks[n++] = (struct refund_pick){.line_no = S.offers[i].line->line_no,
			                                    .quantity = S.offers[i].pick};
	return (struct payflow_refund_req){
		.order_id = S.order.id,
		.amount = n ? 0 : amount,
		.lines = n ? S.picks : NULL,
		.n_lines = n,
		.reason = S.reason.text,
		.user_id = t->user.id,
		.approver_id = approver,
		.shift_id = t->shift.id,
		.to_cash = S.to_cash,
	};
}

/* Where the refund as it stands goes, for the dialog's line (nothing said:
 * Enter says what is wrong). */
static void replan(struct tui *t)
{
	char message[PAYFLOW_MESSAGE_SIZE];
	int64_t amount = 0;
	S.planned = false;
	if (!by_lines() && (!money_parse_tenge(S.amount.text, &amount) || amount <= 0))
		return;
	struct payflow_refund_req req = request(t, amount, 0);
	S.planned = payflow_refund_check(&t->pf, &req, &S.plan, message, sizeof message);
}

/* "1 000,00 ₸ through Kaspi QR, 200,00 ₸ to the card": the tenders of q. */
static void describe(const struct refund_quote *q, char *out, size_t size)
{
	char sum[48];
	size_t n = 0;
	out[0] = '\0';
	for (size_t i = 0; i < q->n_alloc && n < size; i++) {
		money_format(sum, sizeof sum, q->alloc[i].amount);
		int w = snprintf(out + n, size - n, "%s%s %s", i ? ", " : "", sum,
		                 _(refunds_tender_label(q->alloc[i].tender)));
		n += w > 0 ? (size_t)w : 0;
	}
}

/* After a line's units changed: the amount shows what they come to. */
static void requote(struct tui *t)
{
	char message[PAYFLOW_MESSAGE_SIZE], sum[48];
	struct refund_quote q;
	if (!by_lines())
		return;
	struct payflow_refund_req req = request(t, 0, 0);
	if (payflow_refund_check(&t->pf, &req, &q, message, sizeof message)) {
		money_format_plain(sum, sizeof sum, q.amount);
		field_set(&S.amount, sum, false);
	} else {
		tui_message(t, ROLE_ERROR, "%s", message);
	}
	replan(t);
}

static int ask_approval(struct tui *t)
{
	char message[PAYFLOW_MESSAGE_SIZE], sum[48], what[160];
	struct refund_quote q;
	int64_t amount = 0;
	if (!by_lines() && (!money_parse_tenge(S.amount.text, &amount) || amount <= 0)) {
		tui_message(t, ROLE_ERROR, "%s", _("Type the amount to give back in tenge, like 500 or 500,50"));
		tui_bell(t, 1);
		return TUI_REDRAW;
	}
	struct payflow_refund_req req = request(t, amount, 0);
	if (!payflow_refund_check(&t->pf, &req, &q, message, sizeof message)) {
		tui_message(t, ROLE_ERROR, "%s", message);
		tui_bell(t, 1);
		return TUI_REDRAW;
	}
	S.value = q.amount;
	money_format(sum, sizeof sum, q.amount);
	snprintf(what, sizeof what, _("Refund of %s"), sum);
	struct dlg_approve_arg arg = {.asked = ASK_APPROVAL, .what = what};
	tui_open(t, &dlg_approve, &arg);
	return TUI_REDRAW;
}

/* The weight dialog's text: thousandths of the line's unit, at most what
 * is left of it. */
static bool check_weight(const char *text, struct tui_result *r, char *why, size_t size)
{
	const struct offer *o = &S.offers[S.weighing];
	enum kp_measure m = kp_measure_of(o->line->unit);
	int64_t v, left = o->line->weight - o->back;
	enum kp_qty_status st = kp_qty_parse(text, m, &v);
	if (st != KP_QTY_OK) {
		snprintf(why, size, "%s", _(kp_qty_status_message(st, m)));
		return false;
	}
	if (v > left) {
		char l[32];
		kp_measure_format(l, sizeof l, left);
		snprintf(why, size, _("At most %s %s of this line can go back"), l,
		         item_unit_shown(o->line->unit));
		return false;
	}
	r->number = v;
	return true;
}

/* + on a weighed line: how much of it goes back, typed. */
static int ask_weight(struct tui *t, size_t offer)
{
	const struct offer *o = &S.offers[offer];
	char now[32], title[96];
	S.weighing = offer;
	kp_measure_format(now, sizeof now, o->pick ? o->pick : o->line->weight - o->back);
	snprintf(title, sizeof title, "%s, %s", _("Weight to give back"), item_unit_shown(o->line->unit));
	struct dlg_field_arg arg = {
		.asked = ASK_WEIGHT, .title = title, .prompt = _("Weight:"),
		.hint = _(kp_qty_status_message(KP_QTY_SYNTAX, kp_measure_of(o->line->unit))),
		.kind = FIELD_TEXT, .max_chars = 12, .text = now, .fresh = true, .check = check_weight,
	};
	tui_open(t, &dlg_field, &arg);
	return TUI_REDRAW;
}

static void result(struct tui *t, const struct tui_result *r)
{
	char message[PAYFLOW_MESSAGE_SIZE], sum[48];
	int64_t row;
	enum refunds_rule rule;

	if (r->asked == ASK_WEIGHT) {
		if (r->kind == RESULT_OK && S.weighing < S.n_offers) {
			S.offers[S.weighing].pick = r->number;
			requote(t);
		}
		return;
	}
	if (r->asked != ASK_APPROVAL)
		return;
	if (r->kind != RESULT_OK) {
		tui_message(t, ROLE_INFO, "%s", _("No refund made"));
		return;
	}
	struct payflow_refund_req req = request(t, S.value, r->user_id);
	struct refund_quote made;
	char where[256];
	if (!payflow_refund(&t->pf, &req, &row, &made, &rule, message, sizeof message)) {
		tui_message(t, ROLE_ERROR, "%s", message);
		tui_bell(t, 2);
		return;
	}
	money_format(sum, sizeof sum, S.value);
	describe(&made, where, sizeof where);
	struct tui_result done = {.kind = RESULT_OK, .number = row};
	tui_close(t, &done);
	tui_give_back(t, &made, payflow_refund_cash(&made));
	tui_message(t, ROLE_INFO, _("Refund of %s approved by %s: %s"), sum, r->user_name, where);
}

static const struct keybind *table(const struct tui *t)
{
	(void)t;
	return S.focus == FOCUS_REASON ? keys_reason : S.focus == FOCUS_LINES ? keys_lines : keys_amount;
}

static int key(struct tui *t, int key)
{
	int a = keys_lookup(table(t), key);

	if (S.focus == FOCUS_LINES && listview_key(&S.list, a, list_rows()))
		return TUI_REDRAW;
	switch (a) {
	case ACT_BACK:
		tui_close(t, NULL);
		return TUI_REDRAW;
	case ACT_OK:
		return ask_approval(t);
	case ACT_TO_CASH:
		S.to_cash = !S.to_cash;
		replan(t);
		return TUI_REDRAW;
	case ACT_NEXT_FIELD:
	case ACT_PREV_FIELD:
		S.focus = (enum focus)((S.focus + (a == ACT_NEXT_FIELD ? 1 : FOCUS_COUNT - 1)) % FOCUS_COUNT);
		return TUI_REDRAW;
	case ACT_PREV_REASON:
	case ACT_NEXT_REASON:
		S.preset = (S.preset + (a == ACT_PREV_REASON ? N_REASONS - 1 : 1)) % N_REASONS;
		field_set(&S.reason, _(reasons[S.preset]), false);
		return TUI_REDRAW;
	case ACT_GIVE_MORE:
	case ACT_GIVE_LESS: {
		if (S.n_offers == 0)
			return TUI_HANDLED;
		struct offer *o = &S.offers[S.list.sel];
		int64_t left = units_of(o->line) - o->back;
		if (o->line->weight > 0 && a == ACT_GIVE_MORE && left > 0)
			return ask_weight(t, S.list.sel);
		if (o->line->weight > 0 && a == ACT_GIVE_LESS) {
			if (o->pick == 0)
				return TUI_HANDLED;
			o->pick = 0;
			if (by_lines())
				requote(t);
			else
				field_set(&S.amount, "", false);
			return TUI_REDRAW;
		}
		if (a == ACT_GIVE_MORE && o->pick >= left) {
			tui_message(t, ROLE_ERROR, "%s", _("All units of this line are back already or picked"));
			return TUI_REDRAW;
		}
		if (a == ACT_GIVE_LESS && o->pick == 0)
			return TUI_HANDLED;
		o->pick += a == ACT_GIVE_MORE ? 1 : -1;
		if (by_lines())
			requote(t);
		return TUI_REDRAW;
	}
	default:
		break;
	}
	if (S.focus == FOCUS_LINES)
		return TUI_HANDLED;
	if (S.focus == FOCUS_AMOUNT && by_lines()) {
		tui_message(t, ROLE_ERROR, "%s", _("The amount follows the lines picked: take them back with -"));
		return TUI_REDRAW;
	}
	struct field *f = S.focus == FOCUS_REASON ? &S.reason : &S.amount;
	bool changed;
	int flags = tui_field_key(t, f, key, &changed);
	if (changed && f == &S.amount)
		replan(t);
	return flags;
}

static void draw(const struct tui *t)
{
	int shown = list_rows();
	int w = 74, h = 12 + shown, y = (LINES - h) / 2, x = (COLS - w) / 2;
	char paid[48], left[48], sum[48], name[256], back[64];
	const struct journal_order *o = &S.order;
	(void)t;

	money_format(paid, sizeof paid, o->amount);
	money_format(left, sizeof left, o->amount - o->refunded_amount);
	draw_box(y, x, h, w, ROLE_DIALOG_TITLE, ROLE_DIALOG, _("Refund"));
	draw_textf(y + 1, x + 2, w - 4, ROLE_DIALOG, -1, true, "%s  %s", o->merchant_order_id, paid);
	draw_textf(y + 2, x + 2, w - 4, ROLE_DIM, -1, true, _("At most %s can go back"), left);
	if (S.planned) {
		char where[256];
		describe(&S.plan, where, sizeof where);
		draw_textf(y + 3, x + 2, w - 4, S.to_cash ? ROLE_ERROR : ROLE_DIALOG, -1, true,
		           S.to_cash ? _("In cash instead (F6): %s") : _("Back to: %s"), where);
	}

	enum theme_role role = S.focus == FOCUS_AMOUNT ? ROLE_SELECTED : ROLE_DIALOG;
	int cx = x + 2 + draw_text(y + 4, x + 2, w - 4, role, -1, false, _("Amount, tenge:")) + 1;
	cx += field_draw(&S.amount, y + 4, cx, 20, role, S.focus == FOCUS_AMOUNT);
	if (by_lines())
		draw_text(y + 4, cx, x + w - 2 - cx, ROLE_DIALOG, -1, false, _(" (by the lines below)"));

	role = S.focus == FOCUS_REASON ? ROLE_SELECTED : ROLE_DIALOG;
	cx = x + 2 + draw_text(y + 6, x + 2, w - 4, role, -1, false, _("Reason:")) + 1;
	field_draw(&S.reason, y + 6, cx, x + w - 2 - cx, role, S.focus == FOCUS_REASON);

	draw_text(y + 8, x + 2, w - 4, ROLE_DIALOG, -1, true, _("Lines to give back (+ −), picked / left:"));
	size_t first = listview_first(&S.list, shown);
	for (int r = 0; r < shown && first + (size_t)r < S.n_offers; r++) {
		size_t i = first + (size_t)r;
		const struct offer *of = &S.offers[i];
		bool sel = S.focus == FOCUS_LINES && i == S.list.sel;
		money_format_plain(sum, sizeof sum, of->line->total);
		back[0] = '\0';
		char pick[32], rest[48];
		units_text(pick, sizeof pick, of->line, of->pick);
		units_text(rest, sizeof rest, of->line, units_of(of->line) - of->back);
		if (of->line->weight > 0) { /* "0,200 / 0,350 кг" */
			size_t n = strlen(rest);
			snprintf(rest + n, sizeof rest - n, " %s", item_unit_shown(of->line->unit));
		}
		if (of->back) {
			char b[32];
			units_text(b, sizeof b, of->line, of->back);
			snprintf(back, sizeof back, _("%s back"), b);
		}
		char rest_col[64];
		draw_textf(y + 9 + r, x + 2, w - 4, sel ? ROLE_SELECTED : ROLE_DIALOG, -1, true,
		           "%5s / %s %s %12s %s", pick, draw_pad(rest_col, sizeof rest_col, rest, 8),
		           draw_pad(name, sizeof name, journal_line_name(of->line, i18n_language()), w - 50), sum, back);
	}
	draw_text(y + h - 2, x + 2, w - 4, ROLE_DIM, -1, true,
	          _("Tab: amount, reason, lines · ←→ ready reasons · Enter: a manager approves"));
	draw_text(y + h - 1, x + 2, w - 4, ROLE_DIALOG_TITLE, -1, false, _(" Enter OK · Esc cancel "));
}

const struct screen dlg_refund = {
	.name = "refund",
	.flags = SCREEN_DIALOG,
	.enter = enter,
	.leave = leave,
	.key = key,
	.draw = draw,
	.keys = table,
	.result = result,
};
