/* scr_journal.c — the journal screen (F9): today's orders newest first,
 * filtered by state and method, searched by order id, payment id, amount
 * or time; Enter opens an order's detail: its lines, VAT per rate, the
 * timeline of its events and its refunds. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/i18n.h"
#include "app/slip.h"
#include "core/money.h"
#include "core/timeutil.h"
#include "core/vat.h"
#include "tui/draw.h"
#include "tui/tui_int.h"

/* A state as the cashier reads it (the journal's names are identifiers). */
const char *state_label(enum journal_state s)
{
	switch (s) {
	case JOURNAL_CREATING: return _("creating");
	case JOURNAL_PENDING: return _("waiting");
	case JOURNAL_SUCCEEDED: return _("paid");
	case JOURNAL_CANCELLED: return _("declined");
	case JOURNAL_FAILED: return _("failed");
	case JOURNAL_EXPIRED: return _("expired");
	case JOURNAL_ABANDONED: return _("given up");
	case JOURNAL_LATE_PAID: return _("paid late!");
	case JOURNAL_PARTIALLY_REFUNDED: return _("part refunded");
	case JOURNAL_REFUNDED: return _("refunded");
	default: return journal_state_name(s);
	}
}

static const char *method_label(enum journal_method m)
{
	return m == JOURNAL_PHONE ? _("phone") : _("QR");
}

void journal_reload(struct tui *t)
{
	store_err err;
	struct journal_filter f = {
		.from = kp_almaty_midnight(time(NULL)),
		.state = t->jr_state,
		.method = t->jr_method,
		.search = t->jr_search,
		.limit = 1000,
	};
	free(t->jr_list);
	t->jr_list = NULL;
	t->jr_n = 0;
	if (journal_list(t->db, &f, &t->jr_list, &t->jr_n, &err) != STORE_OK)
		tui_message(t, ROLE_ERROR, "%s", err.message);
	if (t->jr_sel >= t->jr_n)
		t->jr_sel = t->jr_n ? t->jr_n - 1 : 0;
	t->dirty = true;
}

void journal_enter(struct tui *t)
{
	t->back_to = t->screen;
	t->screen = SCREEN_JOURNAL;
	t->dialog = DIALOG_NONE;
	t->jr_detail = false;
	t->jr_sel = t->jr_top = 0;
	journal_reload(t);
}

static void open_detail_of(struct tui *t, int64_t id)
{
	store_err err;
	t->jr_order.id = id;
	free(t->jr_lines);
	free(t->jr_events);
	t->jr_lines = NULL;
	t->jr_events = NULL;
	t->jr_nlines = t->jr_nevents = 0;
	free(t->jr_refunds);
	t->jr_refunds = NULL;
	t->jr_nrefunds = 0;
	if (journal_get(t->db, t->jr_order.id, &t->jr_order, &err) != STORE_OK ||
	    journal_lines(t->db, t->jr_order.id, &t->jr_lines, &t->jr_nlines, &err) != STORE_OK ||
	    journal_events(t->db, t->jr_order.id, &t->jr_events, &t->jr_nevents, &err) != STORE_OK ||
	    refunds_of_order(t->db, t->jr_order.id, &t->jr_refunds, &t->jr_nrefunds, &err) != STORE_OK)
		tui_message(t, ROLE_ERROR, "%s", err.message);
	t->jr_detail = true;
	t->jr_scroll = 0;
	t->dirty = true;
}

static void open_detail(struct tui *t)
{
	if (t->jr_n)
		open_detail_of(t, t->jr_list[t->jr_sel].id);
}

/* F3: the next state to filter by (all, then each state). */
static void next_state(struct tui *t)
{
	t->jr_state = t->jr_state + 1 >= JOURNAL_STATE_COUNT ? -1 : t->jr_state + 1;
	journal_reload(t);
}

int journal_key(struct tui *t, int key)
{
	enum action a = keys_lookup(t->jr_detail ? keys_journal_detail : keys_journal, key);

	if (t->jr_detail) {
		switch (a) {
		case ACT_HOLD: /* F5: refund */
			if (t->jr_order.state != JOURNAL_SUCCEEDED && t->jr_order.state != JOURNAL_PARTIALLY_REFUNDED &&
			    t->jr_order.state != JOURNAL_LATE_PAID) {
				tui_message(t, ROLE_ERROR, "%s", _("Only a paid order can be refunded"));
				tui_bell(t, 1);
				return TUI_REDRAW;
			}
			dialog_open(t, DIALOG_REFUND);
			return TUI_REDRAW;
		case ACT_LOGOUT: { /* F6: the slips again */
			enum journal_state st = t->jr_order.state;
			if (st != JOURNAL_SUCCEEDED && st != JOURNAL_PARTIALLY_REFUNDED &&
			    st != JOURNAL_REFUNDED && st != JOURNAL_LATE_PAID) {
				tui_message(t, ROLE_ERROR, "%s", _("Only a paid order has a slip"));
				tui_bell(t, 1);
				return TUI_REDRAW;
			}
			char *slip = slip_payment(t->cfg, &t->jr_order, t->jr_lines, t->jr_nlines);
			bool ok = tui_print(t, slip, _("The slip"));
			free(slip);
			for (size_t i = 0; ok && i < t->jr_nrefunds; i++)
				if (t->jr_refunds[i].state == REFUND_REFUNDED)
					print_refund_slip(t, t->jr_refunds[i].id);
			return TUI_REDRAW;
		}
		case ACT_BACK:
			t->jr_detail = false;
			journal_reload(t);
			return TUI_REDRAW;
		case ACT_UP:
			if (t->jr_scroll > 0)
				t->jr_scroll--;
			return TUI_REDRAW;
		case ACT_DOWN:
			t->jr_scroll++;
			return TUI_REDRAW;
		case ACT_PAGE_UP:
			t->jr_scroll = t->jr_scroll > 10 ? t->jr_scroll - 10 : 0;
			return TUI_REDRAW;
		case ACT_PAGE_DOWN:
			t->jr_scroll += 10;
			return TUI_REDRAW;
		default:
			return TUI_HANDLED;
		}
	}
	switch (a) {
	case ACT_BACK:
		if (t->jr_search[0]) { /* Esc first clears the search */
			t->jr_search[0] = '\0';
			journal_reload(t);
			return TUI_REDRAW;
		}
		t->screen = t->back_to;
		return TUI_REDRAW;
	case ACT_UP:
		if (t->jr_sel > 0)
			t->jr_sel--;
		return TUI_REDRAW;
	case ACT_DOWN:
		if (t->jr_sel + 1 < t->jr_n)
			t->jr_sel++;
		return TUI_REDRAW;
	case ACT_PAGE_UP:
		t->jr_sel = t->jr_sel > 10 ? t->jr_sel - 10 : 0;
		return TUI_REDRAW;
	case ACT_PAGE_DOWN:
		t->jr_sel = t->jr_sel + 10 < t->jr_n ? t->jr_sel + 10 : (t->jr_n ? t->jr_n - 1 : 0);
		return TUI_REDRAW;
	case ACT_ENTER:
		open_detail(t);
		return TUI_REDRAW;
	case ACT_QUANTITY: /* F3 */
		next_state(t);
		return TUI_REDRAW;
	case ACT_DISCOUNT: /* F4 */
		t->jr_method = t->jr_method == -1 ? JOURNAL_QR : t->jr_method == JOURNAL_QR ? JOURNAL_PHONE : -1;
		journal_reload(t);
		return TUI_REDRAW;
	default:
		break;
	}
	size_t len = strlen(t->jr_search);
	if (keys_is_backspace(key) && len) {
		draw_field_backspace(t->jr_search);
		journal_reload(t);
		return TUI_REDRAW;
	}
	if (!(key & KEYS_CODE) && key > 0x20 && key < 0x7f && len + 1 < sizeof t->jr_search) {
		t->jr_search[len] = (char)key;
		t->jr_search[len + 1] = '\0';
		journal_reload(t);
		return TUI_REDRAW;
	}
	return TUI_HANDLED;
}

/* ---- drawing ------------------------------------------------------------ */

/* Almaty time of t (as the journal's days): with_date adds the date. */
static void local_time(time_t t, bool with_date, char *buf, size_t size)
{
	kp_almaty_strftime(buf, size, with_date ? "%d.%m.%Y %H:%M:%S" : "%H:%M:%S", t);
}

static void draw_list(struct tui *t)
{
	char when[16], sum[48], ref[48];
	int rows = LINES - 6;

	draw_textf(1, 0, COLS, ROLE_INPUT, -1, true, "%s %s_   %s %s   %s %s", _("Search:"), t->jr_search,
	           _("F3 state:"), t->jr_state < 0 ? _("all") : state_label((enum journal_state)t->jr_state),
	           _("F4 method:"), t->jr_method < 0 ? _("all") : method_label((enum journal_method)t->jr_method));
	int hx = 0;
	hx += draw_text(2, hx, 9, ROLE_COLUMN_TITLE, -1, true, _("Time"));
	hx += draw_text(2, hx, 22, ROLE_COLUMN_TITLE, -1, true, _("Order"));
	hx += draw_text(2, hx, 7, ROLE_COLUMN_TITLE, -1, true, _("Method"));
	hx += draw_text(2, hx, 20, ROLE_COLUMN_TITLE, -1, true, _("State"));
	hx += draw_text(2, hx, 14, ROLE_COLUMN_TITLE, 1, true, _("Amount"));
	hx += draw_text(2, hx, 14, ROLE_COLUMN_TITLE, 1, true, _("Refunded"));
	draw_text(2, hx, COLS - hx, ROLE_COLUMN_TITLE, -1, true, "");
	if (t->jr_n == 0)
		draw_text(4, 0, COLS, ROLE_DIM, 0, false, _("No orders today match"));
	if (t->jr_sel < t->jr_top)
		t->jr_top = t->jr_sel;
	if (t->jr_sel >= t->jr_top + (size_t)rows)
		t->jr_top = t->jr_sel - (size_t)rows + 1;
	for (int r = 0; r < rows && t->jr_top + (size_t)r < t->jr_n; r++) {
		const struct journal_order *o = &t->jr_list[t->jr_top + (size_t)r];
		enum theme_role role = t->jr_top + (size_t)r == t->jr_sel ? ROLE_SELECTED : ROLE_NORMAL;
		local_time(o->created_at, false, when, sizeof when);
		money_format_plain(sum, sizeof sum, o->amount);
		money_format_plain(ref, sizeof ref, o->refunded_amount);
		int x = 0;
		x += draw_text(3 + r, x, 9, role, -1, true, when);
		x += draw_text(3 + r, x, 22, role, -1, true, o->merchant_order_id);
		x += draw_text(3 + r, x, 7, role, -1, true, method_label(o->method));
		x += draw_text(3 + r, x, 20, o->alert ? ROLE_ERROR : role, -1, true, state_label(o->state));
		x += draw_text(3 + r, x, 14, role, 1, true, sum);
		x += draw_text(3 + r, x, 14, role, 1, true, o->refunded_amount ? ref : "");
		draw_text(3 + r, x, COLS - x, role, -1, true, "");
	}
	draw_textf(LINES - 3, 0, COLS, ROLE_DIM, -1, true, _("%zu orders · type to search by id, amount or time (14:05)"),
	           t->jr_n);
}

/* The detail as lines of text, scrolled with ↑↓. */
static void draw_detail(struct tui *t)
{
	const struct journal_order *o = &t->jr_order;
	char buf[2048], a[48], b[48], c[48], when[32];
	char *lines[256];
	int n = 0;
	struct vat_table vat;

#define ADD(...)                                                              \
	do {                                                                      \
		if (n < 256) {                                                        \
			snprintf(buf, sizeof buf, __VA_ARGS__);                           \
			lines[n++] = strdup(buf);                                         \
		}                                                                     \
	} while (0)

	money_format(a, sizeof a, o->amount);
	money_format(b, sizeof b, o->refunded_amount);
	local_time(o->created_at, true, when, sizeof when);
	ADD("%s  %s  %s", o->merchant_order_id, state_label(o->state), a);
	ADD("%s %s   %s %s%s%s", _("payment"), o->payment_id[0] ? o->payment_id : "—", _("method"),
	    method_label(o->method), o->payer_phone[0] ? " " : "", o->payer_phone);
	ADD("%s %s   %s %s", _("created"), when, _("refunded"), b);
	if (o->last_error[0])
		ADD("%s %s", _("last error:"), o->last_error);
	ADD("%s", "");
	ADD("%s", _("Lines:"));
	vat_table_init(&vat);
	for (size_t i = 0; i < t->jr_nlines; i++) {
		const struct journal_line *l = &t->jr_lines[i];
		money_format_plain(a, sizeof a, l->unit_price);
		money_format_plain(b, sizeof b, l->total);
		money_format_plain(c, sizeof c, l->discount);
		char name[256];
		draw_pad(name, sizeof name, l->name, 38);
		ADD(" %2d %s %4lld × %11s = %12s %3d%%%s%s%s", l->line_no, name, (long long)l->quantity,
		    a, b, l->tax_rate, l->discount ? " −" : "", l->discount ? c : "", l->voided ? _(" [void]") : "");
		if (!l->voided)
			vat_table_add(&vat, l->tax_rate, l->total);
	}
	for (size_t g = 0; g < vat.count; g++) {
		money_format(a, sizeof a, vat.group[g].vat);
		ADD(_("    VAT %d%%: %s"), vat.group[g].rate, a);
	}
	ADD("%s", "");
	ADD("%s", _("Timeline:"));
	for (size_t i = 0; i < t->jr_nevents; i++) {
		const struct journal_event *e = &t->jr_events[i];
		local_time(e->at, false, when, sizeof when);
		if (e->kind == JOURNAL_EVENT_STATE)
			ADD(" %s → %s  %s", when, state_label(e->to), e->detail);
		else
			ADD(" %s   %s", when, e->detail);
	}
	if (t->jr_nrefunds) {
		ADD("%s", "");
		ADD("%s", _("Refunds:"));
	}
	for (size_t i = 0; i < t->jr_nrefunds; i++) {
		const struct refund *r = &t->jr_refunds[i];
		local_time(r->created_at, false, when, sizeof when);
		money_format(a, sizeof a, r->amount);
		ADD(" %s %s %s %s  %s", when, r->merchant_refund_id, refunds_state_name(r->state), a, r->reason);
	}
#undef ADD
	int rows = LINES - 5;
	if (t->jr_scroll > (size_t)(n > rows ? n - rows : 0))
		t->jr_scroll = (size_t)(n > rows ? n - rows : 0);
	for (int r = 0; r < rows && (size_t)r + t->jr_scroll < (size_t)n; r++) {
		int i = r + (int)t->jr_scroll;
		draw_text(2 + r, 1, COLS - 2, i == 0 ? ROLE_TOTAL : ROLE_NORMAL, -1, true, lines[i]);
	}
	for (int i = 0; i < n; i++)
		free(lines[i]);
}

/* A refund of the order on screen moved: show it. */
void journal_refresh_detail(struct tui *t)
{
	if (t->screen == SCREEN_JOURNAL && t->jr_detail) {
		size_t scroll = t->jr_scroll;
		open_detail_of(t, t->jr_order.id);
		t->jr_scroll = scroll;
	}
}

void journal_draw(struct tui *t)
{
	tui_draw_header(t);
	if (t->jr_detail)
		draw_detail(t);
	else
		draw_list(t);
	if (t->msg.text[0])
		draw_text(LINES - 2, 0, COLS, t->msg.role, -1, true, t->msg.text);
	keys_draw_bar(t->jr_detail ? keys_journal_detail : keys_journal, LINES - 1, COLS);
}
