/* scr_journal.c — the journal screen (F9): today's orders newest first,
 * filtered by state and method, searched by order id, payment id, amount
 * or time as it is typed; Enter opens an order (scr_order.c). */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/i18n.h"
#include "core/money.h"
#include "core/timeutil.h"
#include "tui/draw.h"
#include "tui/field.h"
#include "tui/listview.h"
#include "tui/tui_int.h"

enum {
	ACT_FILTER_STATE = ACT_SCREEN,
	ACT_FILTER_METHOD,
	ACT_OPEN,
	ACT_LEAVE,      /* Esc: clears the search first */
};

static const struct keybind keys[] = {
	{KC(KEY_F(3)), ACT_FILTER_STATE, "F3", N_("Filter by state (all, then each)"), N_("State")},
	{KC(KEY_F(4)), ACT_FILTER_METHOD, "F4", N_("Filter by method (all, QR, phone)"), N_("Method")},
	{KEYS_ENTER, ACT_OPEN, "Enter", N_("The order's lines, VAT, timeline and refunds"), N_("Open")},
	KEYS_LIST_ROWS(N_("Move in the list")),
	{KEYS_ESC, ACT_LEAVE, "Esc", N_("Back (first clears the search)"), N_("Back")},
	KEYS_END,
};

static struct {
	struct journal_order *orders;   /* today's, as filtered */
	struct listview list;
	int state;                      /* filter: a journal state, or -1 */
	int method;                     /* filter: a method, or -1 */
	struct field search;            /* id, amount or time typed */
} S;

static int rows(void)
{
	return LINES - 6;
}

static void reload(struct tui *t)
{
	store_err err;
	size_t n = 0;
	struct journal_filter f = {
		.from = kp_almaty_midnight(time(NULL)),
		.state = S.state,
		.method = S.method,
		.search = S.search.text,
		.limit = 1000,
	};
	free(S.orders);
	S.orders = NULL;
	if (journal_list(t->db, &f, &S.orders, &n, &err) != STORE_OK)
		tui_message(t, ROLE_ERROR, "%s", kp_msg_text(&err.msg));
	listview_set_count(&S.list, n);
	t->dirty = true;
}

static void enter(struct tui *t, const void *arg)
{
	(void)arg;
	S.list = (struct listview){0};
	S.state = S.method = -1;
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
			int64_t id = S.orders[S.list.sel].id;
			tui_open(t, &scr_order, &id);
		}
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

/* Back from an order, or a payment or refund moved: the list follows. */
static void result(struct tui *t, const struct tui_result *r)
{
	(void)r;
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
	draw_textf(1, x + 3, COLS - x - 3, ROLE_INPUT, -1, true, "%s %s   %s %s", _("F3 state:"),
	           S.state < 0 ? _("all") : tui_state_label((enum journal_state)S.state), _("F4 method:"),
	           S.method < 0 ? _("all") : tui_method_label((enum journal_method)S.method));
	int hx = 0;
	hx += draw_text(2, hx, 9, ROLE_COLUMN_TITLE, -1, true, _("Time"));
	hx += draw_text(2, hx, 22, ROLE_COLUMN_TITLE, -1, true, _("Order"));
	hx += draw_text(2, hx, mw, ROLE_COLUMN_TITLE, -1, true, _("Method"));
	hx += draw_text(2, hx, sw, ROLE_COLUMN_TITLE, -1, true, _("State"));
	hx += draw_text(2, hx, 13, ROLE_COLUMN_TITLE, 1, true, _("Amount"));
	hx += draw_text(2, hx, 13, ROLE_COLUMN_TITLE, 1, true, _("Refunded"));
	draw_text(2, hx, COLS - hx, ROLE_COLUMN_TITLE, -1, true, "");
	if (S.list.count == 0)
		draw_text(4, 0, COLS, ROLE_DIM, 0, false, _("No orders today match"));
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
	draw_textf(LINES - 3, 0, COLS, ROLE_DIM, -1, true,
	           _("%zu orders · type to search by id, amount or time (14:05)"), S.list.count);
	tui_draw_message(t, LINES - 2);
	tui_draw_keys(t, keys);
}

const struct screen scr_journal = {
	.name = "journal",
	.enter = enter,
	.leave = leave,
	.key = key,
	.draw = draw,
	.keytable = keys,
	.result = result,
	.changed = changed,
};
