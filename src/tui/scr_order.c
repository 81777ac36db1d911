/* scr_order.c — one order of the journal: its lines, VAT per rate, the
 * timeline of its events and its refunds, as lines of text built when it
 * is (re)loaded and scrolled with ↑ ↓; F5 refunds it (a manager's PIN),
 * F6 prints its slips again. */
#include <curses.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "app/i18n.h"
#include "app/item.h"
#include "app/slip.h"
#include "core/money.h"
#include "core/timeutil.h"
#include "core/vat.h"
#include "tui/draw.h"
#include "tui/field.h"
#include "tui/listview.h"
#include "tui/tui_int.h"

#define TEXT_LINES 512
#define TEXT_WIDTH 320

enum {
	ACT_REFUND = ACT_SCREEN,
	ACT_REPRINT,
	ACT_CLOSE_UNKNOWN,
};

/* What a dialog was opened for. */
enum { ASK_CLOSE_REASON = 1, ASK_CLOSE_APPROVAL };

static const struct keybind keys[] = {
	{KC(KEY_F(5)), ACT_REFUND, "F5", N_("Refund this order (a manager's PIN)"), N_("Refund")},
	{KC(KEY_F(6)), ACT_REPRINT, "F6", N_("Print the order's slip and its refunds' slips"), N_("Slip")},
	{KC(KEY_F(8)), ACT_CLOSE_UNKNOWN, "F8", N_("Close an order unknown to the server as failed (a manager's PIN and a reason)"), N_("Close")},
	KEYS_LIST_ROWS(N_("Scroll")),
	{KEYS_ESC, ACT_BACK, "Esc", N_("Back to the list"), N_("Back")},
	KEYS_END,
};

static struct {
	struct journal_order order;
	struct journal_line *lines;
	size_t n_lines;
	struct refund *refunds;
	size_t n_refunds;
	char text[TEXT_LINES][TEXT_WIDTH]; /* what is drawn, built once per load */
	int n_text;
	struct listview view;              /* scroll mode over text */
	char close_reason[TUI_RESULT_TEXT]; /* why a manager closes it */
} S;

static int rows(void)
{
	return LINES - 5;
}

static void add(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One more line of the detail's text. */
static void add(const char *fmt, ...)
{
	va_list ap;
	if (S.n_text == TEXT_LINES)
		return;
	va_start(ap, fmt);
	vsnprintf(S.text[S.n_text++], TEXT_WIDTH, fmt, ap);
	va_end(ap);
}

static void build_text(const struct journal_event *events, size_t n_events)
{
	const struct journal_order *o = &S.order;
	char a[48], b[48], c[48], when[32], name[256];
	struct vat_table vat;

	S.n_text = 0;
	money_format(a, sizeof a, o->amount);
	money_format(b, sizeof b, o->refunded_amount);
	kp_almaty_strftime(when, sizeof when, "%d.%m.%Y %H:%M:%S", o->created_at);
	add("%s  %s  %s", o->merchant_order_id, tui_order_label(o), a);
	if (o->server_unknown && journal_state_server_open(o->state)) {
		kp_almaty_strftime(when, sizeof when, "%d.%m.%Y %H:%M", o->unknown_since);
		add(_("The server does not know this payment (since %s): a manager closes it as failed with F8"),
		    when);
	}
	add("%s %s   %s %s%s%s", _("payment"), o->payment_id[0] ? o->payment_id : "—", _("method"),
	    tui_method_label(o->method), o->payer_phone[0] ? " " : "", o->payer_phone);
	add("%s %s   %s %s", _("created"), when, _("refunded"), b);
	if (o->last_error[0])
		add("%s %s", _("last error:"), kp_msg_text_packed(o->last_error));
	add("%s", "");
	add("%s", _("Lines:"));
	vat_table_init(&vat);
	for (size_t i = 0; i < S.n_lines; i++) {
		const struct journal_line *l = &S.lines[i];
		money_format_plain(a, sizeof a, l->unit_price);
		money_format_plain(b, sizeof b, l->total);
		money_format_plain(c, sizeof c, l->discount);
		draw_pad(name, sizeof name, journal_line_name(l, i18n_language()), l->weight > 0 ? 30 : 38);
		if (l->weight > 0) { /* the weight takes what the name gives up */
			char how[160];
			item_weight_text(how, sizeof how, l->weight, item_unit_shown(l->unit),
			                 l->price_per_unit, true);
			add(" %2d %s %s = %s %d%%%s%s%s", l->line_no, name, how, b, l->tax_rate,
			    l->discount ? " −" : "", l->discount ? c : "", l->voided ? _(" [void]") : "");
		} else {
			add(" %2d %s %4lld × %11s = %12s %3d%%%s%s%s", l->line_no, name, (long long)l->quantity,
			    a, b, l->tax_rate, l->discount ? " −" : "", l->discount ? c : "",
			    l->voided ? _(" [void]") : "");
		}
		if (!l->voided)
			vat_table_add(&vat, l->tax_rate, l->total);
	}
	for (size_t g = 0; g < vat.count; g++) {
		money_format(a, sizeof a, vat.group[g].vat);
		add(_("    VAT %d%%: %s"), vat.group[g].rate, a);
	}
	add("%s", "");
	add("%s", _("Timeline:"));
	for (size_t i = 0; i < n_events; i++) {
		const struct journal_event *e = &events[i];
		kp_almaty_strftime(when, sizeof when, "%H:%M:%S", e->at);
		if (e->kind == JOURNAL_EVENT_STATE)
			add(" %s → %s  %s", when, tui_state_label(e->to), kp_msg_text_packed(e->detail));
		else
			add(" %s   %s", when, kp_msg_text_packed(e->detail));
	}
	if (S.n_refunds) {
		add("%s", "");
		add("%s", _("Refunds:"));
	}
	for (size_t i = 0; i < S.n_refunds; i++) {
		const struct refund *r = &S.refunds[i];
		kp_almaty_strftime(when, sizeof when, "%H:%M:%S", r->created_at);
		money_format(a, sizeof a, r->amount);
		add(" %s %s %s %s %s  %s", when, r->merchant_refund_id, _(refunds_state_label(r->state)), a,
		    _(refunds_tender_label(r->tender)), r->reason);
	}
}

static bool check_reason(const char *text, struct tui_result *r, char *why, size_t size)
{
	while (*text == ' ')
		text++;
	if (!*text) {
		snprintf(why, size, "%s", _("Type the reason"));
		return false;
	}
	snprintf(r->text, sizeof r->text, "%s", text);
	return true;
}

static void free_order(void)
{
	free(S.lines);
	free(S.refunds);
	S.lines = NULL;
	S.refunds = NULL;
	S.n_lines = S.n_refunds = 0;
}

/* Reads the order again (its refunds move) and rebuilds the text. */
static void load(struct tui *t, int64_t id)
{
	store_err err;
	struct journal_event *events = NULL;
	size_t n_events = 0;

	free_order();
	if (journal_get(t->db, id, &S.order, &err) != STORE_OK ||
	    journal_lines(t->db, id, &S.lines, &S.n_lines, &err) != STORE_OK ||
	    journal_events(t->db, id, &events, &n_events, &err) != STORE_OK ||
	    refunds_of_order(t->db, id, &S.refunds, &S.n_refunds, &err) != STORE_OK)
		tui_message(t, ROLE_ERROR, "%s", kp_msg_text(&err.msg));
	build_text(events, n_events);
	free(events);
	listview_set_count(&S.view, (size_t)S.n_text);
	t->dirty = true;
}

static void enter(struct tui *t, const void *arg)
{
	memset(&S.view, 0, sizeof S.view);
	S.view.scroll = true;
	load(t, *(const int64_t *)arg);
}

static void leave(struct tui *t)
{
	(void)t;
	free_order();
}

static void reprint(struct tui *t)
{
	if (!journal_state_is_sale(S.order.state)) {
		tui_message(t, ROLE_ERROR, "%s", _("Only a paid order has a slip"));
		tui_bell(t, 1);
		return;
	}
	struct journal_tender *tenders = NULL;
	size_t n_tenders = 0;
	store_err err;
	if (journal_tenders(t->db, S.order.id, &tenders, &n_tenders, &err) != STORE_OK)
		tui_message(t, ROLE_ERROR, "%s", kp_msg_text(&err.msg));
	char *slip = slip_sale(t->cfg, &S.order, S.lines, S.n_lines, tenders, n_tenders);
	free(tenders);
	bool ok = tui_print(t, slip, _("The slip"));
	free(slip);
	for (size_t i = 0; ok && i < S.n_refunds; i++)
		if (S.refunds[i].state == REFUND_REFUNDED)
			tui_print_refund_slip(t, S.refunds[i].id);
}

static int key(struct tui *t, int key)
{
	int a = keys_lookup(keys, key);
	if (listview_key(&S.view, a, rows()))
		return TUI_REDRAW;
	switch (a) {
	case ACT_REFUND: {
		if (!journal_state_refundable(S.order.state)) {
			tui_message(t, ROLE_ERROR, "%s", _("Only a paid order can be refunded"));
			tui_bell(t, 1);
			return TUI_REDRAW;
		}
		tui_open(t, &dlg_refund, &S.order.id);
		return TUI_REDRAW;
	}
	case ACT_REPRINT:
		reprint(t);
		return TUI_REDRAW;
	case ACT_CLOSE_UNKNOWN: {
		if (!S.order.server_unknown || !journal_state_server_open(S.order.state)) {
			tui_message(t, ROLE_ERROR, "%s", _("Only an order unknown to the server is closed by hand"));
			tui_bell(t, 1);
			return TUI_REDRAW;
		}
		struct dlg_field_arg arg = {
			.asked = ASK_CLOSE_REASON, .title = _("Close as failed"), .prompt = _("Reason:"),
			.hint = _("Why the order is closed: it goes into its timeline"),
			.kind = FIELD_TEXT, .max_chars = 200, .text = "", .check = check_reason,
		};
		tui_open(t, &dlg_field, &arg);
		return TUI_REDRAW;
	}
	case ACT_BACK: {
		struct tui_result r = {.kind = RESULT_OK};
		tui_close(t, &r);
		return TUI_REDRAW;
	}
	default:
		return TUI_HANDLED;
	}
}

/* A refund sent from the dialog; a reason, then a manager, to close an
 * order the server does not know. */
static void result(struct tui *t, const struct tui_result *r)
{
	char message[PAYFLOW_MESSAGE_SIZE];
	if (r->asked == ASK_CLOSE_REASON && r->kind == RESULT_OK) {
		snprintf(S.close_reason, sizeof S.close_reason, "%s", r->text);
		struct dlg_approve_arg arg = {.asked = ASK_CLOSE_APPROVAL,
		                              .what = _("Closing the order as failed")};
		tui_open(t, &dlg_approve, &arg);
		return;
	}
	if (r->asked == ASK_CLOSE_APPROVAL && r->kind == RESULT_OK) {
		struct payflow_changes ch;
		if (payflow_close_unknown(&t->pf, S.order.id, r->user_id, S.close_reason, &ch, message,
		                          sizeof message))
			tui_message(t, ROLE_INFO, _("Order %s closed as failed (by %s)"), S.order.merchant_order_id,
			            r->user_name);
		else
			tui_message(t, ROLE_ERROR, "%s", message);
	}
	load(t, S.order.id);
}

static void changed(struct tui *t, const struct payflow_changes *ch)
{
	for (size_t i = 0; i < ch->n; i++)
		if (ch->c[i].order_id == S.order.id) {
			load(t, S.order.id);
			return;
		}
}

static void draw(const struct tui *t)
{
	int n = rows();
	size_t first = listview_first(&S.view, n);

	tui_draw_header(t);
	for (int r = 0; r < n && first + (size_t)r < (size_t)S.n_text; r++) {
		size_t i = first + (size_t)r;
		draw_text(2 + r, 1, COLS - 2, i == 0 ? ROLE_TOTAL : ROLE_NORMAL, -1, true, S.text[i]);
	}
	tui_draw_message(t, LINES - 2);
	tui_draw_keys(t, keys);
}

const struct screen scr_order = {
	.name = "order",
	.enter = enter,
	.leave = leave,
	.key = key,
	.draw = draw,
	.keytable = keys,
	.result = result,
	.changed = changed,
};
