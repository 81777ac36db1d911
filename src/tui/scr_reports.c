/* scr_reports.c — the reports screen (F12): the X report of the open
 * shift, the day report, the last Z report again, printing, the cash in
 * the drawer (cash in, cash out, the float: dlg_cash, a manager's PIN for
 * out and the float), and closing the shift with a Z report (a manager's
 * PIN, then "close the shift?", then, when the shift had any cash, the
 * cash the manager counted in the drawer). The text is the one the
 * printer gets, at the printer's width. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "app/i18n.h"
#include "app/report_fmt.h"
#include "core/money.h"
#include "core/timeutil.h"
#include "store/cash.h"
#include "tui/draw.h"
#include "tui/field.h"
#include "tui/listview.h"
#include "tui/tui_int.h"

enum {
	ACT_SHOW_X = ACT_SCREEN,
	ACT_SHOW_DAY,
	ACT_PRINT,
	ACT_LAST_Z,
	ACT_CLOSE_SHIFT,
	ACT_CASH_IN,
	ACT_CASH_OUT,
	ACT_FLOAT,
};

enum { ASK_MANAGER = 1, ASK_CLOSE, ASK_COUNT, ASK_CASH };

static const struct keybind keys[] = {
	{KC(KEY_F(3)), ACT_SHOW_X, "F3", N_("X report: the open shift so far"), N_("X")},
	{KC(KEY_F(4)), ACT_SHOW_DAY, "F4", N_("Day report: today over all shifts"), N_("Day")},
	{KC(KEY_F(5)), ACT_PRINT, "F5", N_("Print what is shown"), N_("Print")},
	{KC(KEY_F(6)), ACT_LAST_Z, "F6", N_("The last Z report again"), N_("Last Z")},
	{KC(KEY_F(7)), ACT_CASH_IN, "F7", N_("Cash in: cash put into the drawer, with a reason"), N_("In")},
	{KC(KEY_F(8)), ACT_CLOSE_SHIFT, "F8", N_("Z report: close the shift (a manager's PIN, the cash counted)"), N_("Z")},
	{KC(KEY_F(9)), ACT_CASH_OUT, "F9", N_("Cash out: cash taken out, with a reason (a manager's PIN)"), N_("Out")},
	{KC(KEY_F(10)), ACT_FLOAT, "F10", N_("The float: the shift's change money (a manager's PIN)"), N_("Float")},
	KEYS_LIST_ROWS(N_("Scroll")),
	{KEYS_ESC, ACT_BACK, "Esc", N_("Back"), N_("Back")},
	KEYS_END,
};

static struct {
	char *text;               /* the report as drawn (and printed) */
	char title[96];
	struct listview view;     /* scroll mode, over the text's lines */
	int64_t manager_id;       /* who approved the Z being asked about */
	bool x_shown;             /* the X report is on the screen: a cash movement rereads it */
} S;

static int rows(void)
{
	return LINES - 5;
}

static const char *tr(const char *msgid)
{
	return gettext(msgid);
}

static struct report_params params(const struct tui *t)
{
	struct report_params p = {
		.store_name = t->cfg->store.name,
		.store_bin = t->cfg->store.bin,
		.store_address = t->cfg->store.address,
		.till_id = t->cfg->till.id,
	};
	p.commission[REPORT_QR] = t->cfg->commission.qr;
	p.commission[REPORT_PHONE] = t->cfg->commission.phone;
	p.commission[REPORT_CARD] = t->cfg->commission.card;
	return p;
}

/* Keeps r's text as the screen's (and the printer's); frees r. */
static void show(struct tui *t, struct report *r, const char *title)
{
	free(S.text);
	S.text = report_text(r, t->cfg->printer.width, tr);
	report_free(r);
	snprintf(S.title, sizeof S.title, "%s", title);
	size_t n = 0;
	for (const char *q = S.text; q && *q; q++)
		n += *q == '\n';
	S.view = (struct listview){.scroll = true};
	listview_set_count(&S.view, n + 1);
	if (!S.text)
		tui_message(t, ROLE_ERROR, "%s", _("Out of memory"));
	t->dirty = true;
}

static void show_x(struct tui *t)
{
	struct report r;
	store_err err;
	struct report_params p = params(t);
	if (reports_x(t->db, &p, &r, &err) != STORE_OK) {
		tui_message(t, ROLE_ERROR, "%s", kp_msg_text(&err.msg));
		return;
	}
	show(t, &r, _("X report: the open shift"));
	S.x_shown = true;
}

static void show_day(struct tui *t)
{
	struct report r;
	store_err err;
	struct report_params p = params(t);
	if (reports_day(t->db, &p, kp_almaty_yyyymmdd(time(NULL)), &r, &err) != STORE_OK) {
		tui_message(t, ROLE_ERROR, "%s", kp_msg_text(&err.msg));
		return;
	}
	show(t, &r, _("Day report: today"));
	S.x_shown = false;
}

static void show_last_z(struct tui *t)
{
	struct report r;
	store_err err;
	int64_t n = 0;
	char *snapshot = NULL, title[96];
	if (reports_last_z(t->db, &n, &err) != STORE_OK || n == 0) {
		tui_message(t, ROLE_ERROR, "%s", n == 0 ? _("No Z report yet") : kp_msg_text(&err.msg));
		return;
	}
	if (report_z_load(t->db, n, &r, &snapshot, &err) != STORE_OK) {
		tui_message(t, ROLE_ERROR, "%s", kp_msg_text(&err.msg));
		return;
	}
	free(snapshot);
	snprintf(title, sizeof title, _("Z report %lld (again)"), (long long)n);
	show(t, &r, title);
	S.x_shown = false;
}

/* Prints what is on the screen; a failure leaves it there to print again. */
static void print_shown(struct tui *t)
{
	if (S.text)
		tui_print(t, S.text, _("The report"));
}

/* Closes the shift with counted (NULL: a shift without cash). */
static void close_shift(struct tui *t, const int64_t *counted)
{
	struct report r;
	store_err err;
	char title[96], diff[48], sum[48];
	struct report_params p = params(t);
	if (report_z_close(t->db, &p, S.manager_id, counted, &r, &err) != STORE_OK) {
		tui_message(t, ROLE_ERROR, "%s", kp_msg_text(&err.msg));
		tui_bell(t, 2);
		return;
	}
	/* the register's shift closes with it, in the background (its totals on paper) */
	if (!fiscal_bg_z(&t->fiscal, t->cfg))
		tui_message(t, ROLE_ERROR, "%s", _("the register's shift stays open: kaspi-pos fiscal z closes it"));
	snprintf(title, sizeof title, _("Z report %lld: the shift is closed"), (long long)r.z_number);
	if (r.counted_set) { /* the count's outcome in the title: the message gives way to the printer's */
		long long z = (long long)r.z_number;
		money_format(sum, sizeof sum, r.counted);
		money_format(diff, sizeof diff, r.difference < 0 ? -r.difference : r.difference);
		if (r.difference > 0) {
			tui_message(t, ROLE_ERROR, _("Counted %s: over by %s"), sum, diff);
			snprintf(title, sizeof title, _("Z %lld: over by %s"), z, diff);
		} else if (r.difference < 0) {
			tui_message(t, ROLE_ERROR, _("Counted %s: short by %s"), sum, diff);
			snprintf(title, sizeof title, _("Z %lld: short by %s"), z, diff);
		} else {
			tui_message(t, ROLE_INFO, _("Counted %s: the drawer is right"), sum);
			snprintf(title, sizeof title, _("Z %lld: the drawer is right"), z);
		}
	}
	show(t, &r, title);
	S.x_shown = false;
	tui_bell(t, 1);
	if (t->cfg->printer.mode != CONFIG_PRINTER_NONE)
		print_shown(t);
	/* the next sale opens a new shift */
	if (shifts_ensure_open(t->db, t->user.id, &t->shift, NULL, &err) != STORE_OK)
		tui_message(t, ROLE_ERROR, "%s", kp_msg_text(&err.msg));
}

/* dlg_field's check of the cash counted: tenge, 0 … 100 000 000. */
static bool check_counted(const char *text, struct tui_result *r, char *why, size_t size)
{
	int64_t v;
	if (!text[0] || !money_parse_tenge(text, &v)) {
		snprintf(why, size, "%s", _("Type the cash counted in tenge, like 15000 or 15000,50 (0 for an empty drawer)"));
		return false;
	}
	if (v < 0 || v > CASH_AMOUNT_MAX) {
		snprintf(why, size, "%s", _("The cash counted is 0 to 100 000 000 tenge"));
		return false;
	}
	r->number = v;
	return true;
}

/* After "close the shift?": the count when the shift had cash, else the close. */
static void ask_count(struct tui *t)
{
	struct cash_figures c;
	store_err err;
	if (cash_figures_shift(t->db, t->shift.id, &c, &err) != STORE_OK) {
		tui_message(t, ROLE_ERROR, "%s", kp_msg_text(&err.msg));
		return;
	}
	if (!cash_figures_any(&c)) {
		close_shift(t, NULL);
		return;
	}
	struct dlg_field_arg arg = {
		.asked = ASK_COUNT,
		.title = _("The cash in the drawer"),
		.prompt = _("Cash counted, tenge:"),
		.hint = _("Count the banknotes and coins; the Z shows what is over or short"),
		.kind = FIELD_AMOUNT,
		.max_chars = 16,
		.check = check_counted,
	};
	tui_open(t, &dlg_field, &arg);
}

/* F7, F9, F10: a movement of the drawer's cash. */
static void open_cash(struct tui *t, enum cash_kind kind)
{
	struct dlg_cash_arg arg = {.asked = ASK_CASH, .kind = kind};
	tui_open(t, &dlg_cash, &arg);
}

static void result(struct tui *t, const struct tui_result *r)
{
	if (r->asked == ASK_CASH) {
		if (r->kind == RESULT_OK && S.x_shown)
			show_x(t); /* dlg_cash said what was done: keep its message */
		return;
	}
	if (r->kind != RESULT_OK) {
		tui_message(t, ROLE_INFO, "%s", _("The shift stays open"));
		return;
	}
	if (r->asked == ASK_COUNT) {
		close_shift(t, &r->number);
	} else if (r->asked == ASK_MANAGER) {
		char question[160];
		S.manager_id = r->user_id;
		snprintf(question, sizeof question, _("Close shift %lld with a Z report? It cannot be undone."),
		         (long long)t->shift.id);
		struct dlg_confirm_arg arg = {.asked = ASK_CLOSE, .title = _("Z report"), .question = question};
		tui_open(t, &dlg_confirm, &arg);
	} else if (r->asked == ASK_CLOSE) {
		ask_count(t);
	}
}

static void enter(struct tui *t, const void *arg)
{
	(void)arg;
	show_x(t);
}

static void leave(struct tui *t)
{
	(void)t;
	free(S.text);
	S.text = NULL;
}

static int key(struct tui *t, int key)
{
	int a = keys_lookup(keys, key);
	if (listview_key(&S.view, a, rows()))
		return TUI_REDRAW;
	switch (a) {
	case ACT_BACK:
		t->msg.text[0] = '\0';
		tui_close(t, NULL);
		return TUI_REDRAW;
	case ACT_SHOW_X:
		show_x(t);
		return TUI_REDRAW;
	case ACT_SHOW_DAY:
		show_day(t);
		return TUI_REDRAW;
	case ACT_PRINT:
		print_shown(t);
		return TUI_REDRAW;
	case ACT_LAST_Z:
		show_last_z(t);
		return TUI_REDRAW;
	case ACT_CASH_IN:
		open_cash(t, CASH_IN);
		return TUI_REDRAW;
	case ACT_CASH_OUT:
		open_cash(t, CASH_OUT);
		return TUI_REDRAW;
	case ACT_FLOAT:
		open_cash(t, CASH_FLOAT);
		return TUI_REDRAW;
	case ACT_CLOSE_SHIFT: {
		struct dlg_approve_arg arg = {.asked = ASK_MANAGER, .what = _("Closing the shift with a Z report")};
		tui_open(t, &dlg_approve, &arg);
		return TUI_REDRAW;
	}
	default:
		return TUI_HANDLED;
	}
}

static void draw(const struct tui *t)
{
	int w = t->cfg->printer.width + 4;
	int x = (COLS - w) / 2, y = 2, h = rows();

	tui_draw_header(t);
	draw_box(y - 1, x, h + 2, w, ROLE_DIALOG_TITLE, ROLE_DIALOG, S.title);
	size_t first = listview_first(&S.view, h), line = 0;
	int row = 0;
	for (const char *p = S.text; p && *p && row < h; line++) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (line >= first) {
			char buf[512];
			snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf ? len : sizeof buf - 1), p);
			draw_text(y + row, x + 2, w - 4, ROLE_DIALOG, -1, true, buf);
			row++;
		}
		p = nl ? nl + 1 : p + len;
	}
	tui_draw_message(t, LINES - 2);
	tui_draw_keys(t, keys);
}

const struct screen scr_reports = {
	.name = "reports",
	.enter = enter,
	.leave = leave,
	.key = key,
	.draw = draw,
	.keytable = keys,
	.result = result,
};
