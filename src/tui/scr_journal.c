/* scr_journal.c — the journal screen (F9): one Almaty day's orders (today
 * first; F5 types a date, F6 and F7 step a day back and forth, for returns
 * of any day within the 90 days), newest first, filtered by state and
 * method, searched by order id, payment id, amount or time as it is
 * typed; a whole order or payment id typed, or scanned from a slip's QR,
 * finds that order whatever its day, and Enter opens it (scr_order.c).
 * The scanner's characters are typed into the search like any key
 * (SCREEN_TYPED_SCANS): a slip's QR reads as "T01-20261126-000042" and
 * Enter. F8 is a return without a receipt (dlg_return.c). */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/i18n.h"
#include "core/money.h"
#include "core/timeutil.h"
#include "store/reports.h"
#include "tui/draw.h"
#include "tui/field.h"
#include "tui/listview.h"
#include "tui/tui_int.h"

enum {
	ACT_FILTER_STATE = ACT_SCREEN,
	ACT_FILTER_METHOD,
	ACT_OPEN,
	ACT_LEAVE,      /* Esc: clears the search first */
	ACT_DATE,
	ACT_DAY_BACK,
	ACT_DAY_ON,
	ACT_NO_RECEIPT,
};

/* What a dialog was opened for. */
enum { ASK_DATE = 1 };

static const struct keybind keys[] = {
	{KC(KEY_F(3)), ACT_FILTER_STATE, "F3", N_("Filter by state (all, then each)"), N_("State")},
	{KC(KEY_F(4)), ACT_FILTER_METHOD, "F4", N_("Filter by method (all, QR, phone)"), N_("Method")},
	{KC(KEY_F(5)), ACT_DATE, "F5", N_("The orders of another day: type its date"), N_("Date")},
	{KC(KEY_F(6)), ACT_DAY_BACK, "F6", N_("The day before"), N_("Day -")},
	{KC(KEY_F(7)), ACT_DAY_ON, "F7", N_("The day after"), N_("Day +")},
	{KC(KEY_F(8)), ACT_NO_RECEIPT, "F8", N_("A return without a receipt: cash, a manager's PIN"), N_("No receipt")},
	{KEYS_ENTER, ACT_OPEN, "Enter", N_("The order's lines, VAT, timeline and refunds (the order whose id is typed or scanned)"), N_("Open")},
	KEYS_LIST_ROWS(N_("Move in the list")),
	{KEYS_ESC, ACT_LEAVE, "Esc", N_("Back (first clears the search)"), N_("Back")},
	KEYS_END,
};

static struct {
	struct journal_order *orders;   /* the day's, as filtered; or the one found by its id */
	struct listview list;
	int state;                      /* filter: a journal state, or -1 */
	int method;                     /* filter: a method, or -1 */
	struct field search;            /* id, amount or time typed, or a scanned slip */
	int day;                        /* the Almaty date shown, YYYYMMDD */
	bool by_id;                     /* the search is an order's or payment's whole id */
} S;

static int rows(void)
{
	return LINES - 6;
}

static int today(void)
{
	return kp_almaty_yyyymmdd(time(NULL));
}

/* The order whose whole id (merchant order id or payment id) is text. */
static bool find_by_id(struct tui *t, const char *text, struct journal_order *out)
{
	store_err err;
	if (strlen(text) < 8) /* an amount or a time, not an id */
		return false;
	return journal_get_by_order_id(t->db, text, out, &err) == STORE_OK ||
	       journal_get_by_payment_id(t->db, text, out, &err) == STORE_OK;
}

static void reload(struct tui *t)
{
	store_err err;
	size_t n = 0;
	time_t from = kp_almaty_day_start(S.day);
	struct journal_filter f = {
		.from = from,
		.to = from + KP_DAY_S,
		.state = S.state,
		.method = S.method,
		.search = S.search.text,
		.limit = 1000,
	};
	struct journal_order found;
	free(S.orders);
	S.orders = NULL;
	S.by_id = find_by_id(t, S.search.text, &found);
	if (S.by_id) { /* any day's: a slip brought back */
		S.orders = malloc(sizeof *S.orders);
		if (S.orders) {
			*S.orders = found;
			n = 1;
		}
	} else if (journal_list(t->db, &f, &S.orders, &n, &err) != STORE_OK) {
		tui_message(t, ROLE_ERROR, "%s", kp_msg_text(&err.msg));
	}
	listview_set_count(&S.list, n);
	t->dirty = true;
}

/* Shows day (YYYYMMDD), saying so when its orders can no longer be
 * refunded. */
static void show_day(struct tui *t, int day)
{
	char when[16];
	S.day = day;
	field_clear(&S.search);
	S.list = (struct listview){0};
	reload(t);
	if (time(NULL) - (kp_almaty_day_start(day) + KP_DAY_S) > REFUNDS_WINDOW_SECONDS) {
		report_format_date(when, sizeof when, day);
		tui_message(t, ROLE_INFO, _("%s is over 90 days ago: its orders can no longer be refunded"),
		            when);
	}
}

/* dlg_field's check of a date typed: 26.11.2026, 26.11 (this year) or
 * 2026-11-26, not after today. r->number gets YYYYMMDD. */
static bool check_date(const char *text, struct tui_result *r, char *why, size_t size)
{
	int d = 0, m = 0, y = 0, n = 0, day = 0;
	char iso[40];
	while (*text == ' ')
		text++;
	if (sscanf(text, "%2d.%2d.%4d%n", &d, &m, &y, &n) == 3 && text[n] == '\0' && y >= 1000)
		snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, m, d);
	else if (sscanf(text, "%2d.%2d%n", &d, &m, &n) == 2 && text[n] == '\0')
		snprintf(iso, sizeof iso, "%04d-%02d-%02d", today() / 10000, m, d);
	else
		snprintf(iso, sizeof iso, "%.10s", text);
	if (!report_parse_date(iso, &day)) {
		snprintf(why, size, "%s", _("Type a date like 26.11.2026 (or 26.11 for this year)"));
		return false;
	}
	if (day > today()) {
		snprintf(why, size, "%s", _("That day has not come yet: type today's date or an earlier one"));
		return false;
	}
	r->number = day;
	return true;
}

/* d (YYYYMMDD) moved by delta days. */
static int day_moved(int d, int delta)
{
	return kp_almaty_yyyymmdd(kp_almaty_day_start(d) + delta * KP_DAY_S + KP_DAY_S / 2);
}

static void enter(struct tui *t, const void *arg)
{
	(void)arg;
	S.list = (struct listview){0};
	S.state = S.method = -1;
	S.day = today();
	field_init(&S.search, FIELD_TEXT, 38);
	reload(t);
}

static void leave(struct tui *t)
{
	(void)t;
	free(S.orders);
	S.orders = NULL;
}

static int key(struct tui *t, int key)
{
	int a = keys_lookup(keys, key);

	if (listview_key(&S.list, a, rows()))
		return TUI_REDRAW;
	switch (a) {
	case ACT_LEAVE:
		if (!field_empty(&S.search)) {
			field_clear(&S.search);
			reload(t);
			return TUI_REDRAW;
		}
		tui_close(t, NULL);
		return TUI_REDRAW;
	case ACT_OPEN:
		if (S.list.count) {
			int64_t id = S.orders[S.by_id ? 0 : S.list.sel].id;
			tui_open(t, &scr_order, &id);
		} else if (!field_empty(&S.search)) {
			tui_message(t, ROLE_ERROR, _("No order %s in the journal"), S.search.text);
			tui_bell(t, 1);
		}
		return TUI_REDRAW;
	case ACT_DATE: {
		char when[16];
		snprintf(when, sizeof when, "%02d.%02d.%04d", S.day % 100, S.day / 100 % 100, S.day / 10000);
		struct dlg_field_arg arg = {
			.asked = ASK_DATE, .title = _("The orders of a day"), .prompt = _("Date:"),
			.hint = _("26.11.2026, or 26.11 for this year: a return within 90 days of its sale"),
			.kind = FIELD_TEXT, .max_chars = 10, .text = when, .fresh = true, .check = check_date,
		};
		tui_open(t, &dlg_field, &arg);
		return TUI_REDRAW;
	}
	case ACT_DAY_BACK:
		show_day(t, day_moved(S.day, -1));
		return TUI_REDRAW;
	case ACT_DAY_ON:
		if (S.day >= today()) {
			tui_message(t, ROLE_ERROR, "%s", _("This is today: there is no day after it yet"));
			tui_bell(t, 1);
			return TUI_REDRAW;
		}
		show_day(t, day_moved(S.day, 1));
		return TUI_REDRAW;
	case ACT_NO_RECEIPT:
		tui_open(t, &dlg_return, NULL);
		return TUI_REDRAW;
	case ACT_FILTER_STATE:
		S.state = S.state + 1 >= JOURNAL_STATE_COUNT ? -1 : S.state + 1;
		reload(t);
		return TUI_REDRAW;
	case ACT_FILTER_METHOD:
		S.method = S.method + 1 > JOURNAL_SPLIT ? -1 : S.method + 1;
		reload(t);
		return TUI_REDRAW;
	default:
		break;
	}
	bool changed;
	int flags = tui_field_key(t, &S.search, key, &changed);
	if (changed)
		reload(t);
	return flags;
}

/* A date typed, back from an order or a return, or a payment or refund
 * moved: the list follows. */
static void result(struct tui *t, const struct tui_result *r)
{
	if (r && r->asked == ASK_DATE && r->kind == RESULT_OK) {
		show_day(t, (int)r->number);
		return;
	}
	reload(t);
}

static void changed(struct tui *t, const struct payflow_changes *ch)
{
	(void)ch;
	reload(t);
}

/* ---- drawing ------------------------------------------------------------ */

/* The widest of the labels of n values, in columns, plus a gap. */
static int column_width(const char *(*label)(int), int n, const char *title)
{
	int w = draw_width(title);
	for (int i = 0; i < n; i++)
		if (draw_width(label(i)) > w)
			w = draw_width(label(i));
	return w + 2;
}

static const char *state_at(int i)
{
	return tui_state_label((enum journal_state)i);
}

static const char *method_at(int i)
{
	return tui_method_label((enum journal_method)i);
}

static void draw(const struct tui *t)
{
	char when[16], sum[48], ref[48];
	int n = rows();
	int mw = column_width(method_at, JOURNAL_SPLIT + 1, _("Method"));
	int sw = column_width(state_at, JOURNAL_STATE_COUNT, _("State"));
	if (draw_width(_("unknown to the server")) + 2 > sw)
		sw = draw_width(_("unknown to the server")) + 2;

	tui_draw_header(t);
	int x = draw_text(1, 0, COLS, ROLE_INPUT, -1, false, _("Search:")) + 1;
	x += field_draw(&S.search, 1, x, 40, ROLE_INPUT, true);
	char day[16];
	snprintf(day, sizeof day, "%02d.%02d.%04d", S.day % 100, S.day / 100 % 100, S.day / 10000);
	draw_textf(1, x + 3, COLS - x - 3, ROLE_INPUT, -1, true, "%s %s   %s %s   %s %s", _("F3 state:"),
	           S.state < 0 ? _("all") : tui_state_label((enum journal_state)S.state), _("F4 method:"),
	           S.method < 0 ? _("all") : tui_method_label((enum journal_method)S.method),
	           _("F5 date:"), S.day == today() ? _("today") : day);
	int hx = 0;
	hx += draw_text(2, hx, 9, ROLE_COLUMN_TITLE, -1, true, _("Time"));
	hx += draw_text(2, hx, 22, ROLE_COLUMN_TITLE, -1, true, _("Order"));
	hx += draw_text(2, hx, mw, ROLE_COLUMN_TITLE, -1, true, _("Method"));
	hx += draw_text(2, hx, sw, ROLE_COLUMN_TITLE, -1, true, _("State"));
	hx += draw_text(2, hx, 13, ROLE_COLUMN_TITLE, 1, true, _("Amount"));
	hx += draw_text(2, hx, 13, ROLE_COLUMN_TITLE, 1, true, _("Refunded"));
	draw_text(2, hx, COLS - hx, ROLE_COLUMN_TITLE, -1, true, "");
	if (S.list.count == 0 && S.day == today())
		draw_text(4, 0, COLS, ROLE_DIM, 0, false, _("No orders today match"));
	else if (S.list.count == 0)
		draw_textf(4, 0, COLS, ROLE_DIM, 0, false, _("No orders of %s match"), day);
	size_t top = listview_first(&S.list, n);
	for (int r = 0; r < n && top + (size_t)r < S.list.count; r++) {
		size_t i = top + (size_t)r;
		const struct journal_order *o = &S.orders[i];
		enum theme_role role = i == S.list.sel ? ROLE_SELECTED : ROLE_NORMAL;
		kp_almaty_strftime(when, sizeof when, "%H:%M:%S", o->created_at);
		money_format_plain(sum, sizeof sum, o->amount);
		money_format_plain(ref, sizeof ref, o->refunded_amount);
		int cx = 0;
		cx += draw_text(3 + r, cx, 9, role, -1, true, when);
		cx += draw_text(3 + r, cx, 22, role, -1, true, o->merchant_order_id);
		cx += draw_text(3 + r, cx, mw, role, -1, true, tui_method_label(o->method));
		cx += draw_text(3 + r, cx, sw, o->alert || o->server_unknown ? ROLE_ERROR : role, -1, true,
		                tui_order_label(o));
		cx += draw_text(3 + r, cx, 13, role, 1, true, sum);
		cx += draw_text(3 + r, cx, 13, role, 1, true, o->refunded_amount ? ref : "");
		draw_text(3 + r, cx, COLS - cx, role, -1, true, "");
	}
	if (S.by_id)
		draw_textf(LINES - 3, 0, COLS, ROLE_DIM, -1, true, "%s",
		           _("Found by its id, whatever its day · Enter opens it"));
	else
		draw_textf(LINES - 3, 0, COLS, ROLE_DIM, -1, true,
		           _("%zu orders · type to search by id, amount or time (14:05), or scan the slip"),
		           S.list.count);
	tui_draw_message(t, LINES - 2);
	tui_draw_keys(t, keys);
}

const struct screen scr_journal = {
	.name = "journal",
	.flags = SCREEN_TYPED_SCANS,
	.enter = enter,
	.leave = leave,
	.key = key,
	.draw = draw,
	.keytable = keys,
	.result = result,
	.changed = changed,
};
