/* scr_reports.c — the reports screen (F12): the X report of the open
 * shift, the day report, the last Z report again, printing, and closing
 * the shift with a Z report (a manager's PIN, then "close the shift?").
 * The text is the one the printer gets, at the printer's width. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "app/i18n.h"
#include "app/report_fmt.h"
#include "core/timeutil.h"
#include "tui/draw.h"
#include "tui/listview.h"
#include "tui/tui_int.h"

enum {
	ACT_SHOW_X = ACT_SCREEN,
	ACT_SHOW_DAY,
	ACT_PRINT,
	ACT_LAST_Z,
	ACT_CLOSE_SHIFT,
};

enum { ASK_MANAGER = 1, ASK_CLOSE };

static const struct keybind keys[] = {
	{KC(KEY_F(3)), ACT_SHOW_X, "F3", N_("X report: the open shift so far"), N_("X")},
	{KC(KEY_F(4)), ACT_SHOW_DAY, "F4", N_("Day report: today over all shifts"), N_("Day")},
	{KC(KEY_F(5)), ACT_PRINT, "F5", N_("Print what is shown"), N_("Print")},
	{KC(KEY_F(6)), ACT_LAST_Z, "F6", N_("The last Z report again"), N_("Last Z")},
	{KC(KEY_F(8)), ACT_CLOSE_SHIFT, "F8", N_("Z report: close the shift (a manager's PIN)"), N_("Z")},
	KEYS_LIST_ROWS(N_("Scroll")),
	{KEYS_ESC, ACT_BACK, "Esc", N_("Back"), N_("Back")},
	KEYS_END,
};

static struct {
	char *text;               /* the report as drawn (and printed) */
	char title[96];
	struct listview view;     /* scroll mode, over the text's lines */
	int64_t manager_id;       /* who approved the Z being asked about */
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
}

/* Prints what is on the screen; a failure leaves it there to print again. */
static void print_shown(struct tui *t)
{
	if (S.text)
		tui_print(t, S.text, _("The report"));
}

static void close_shift(struct tui *t)
{
	struct report r;
	store_err err;
	char title[96];
	struct report_params p = params(t);
	if (report_z_close(t->db, &p, S.manager_id, NULL, &r, &err) != STORE_OK) {
		tui_message(t, ROLE_ERROR, "%s", kp_msg_text(&err.msg));
		tui_bell(t, 2);
		return;
	}
	snprintf(title, sizeof title, _("Z report %lld: the shift is closed"), (long long)r.z_number);
	show(t, &r, title);
	tui_bell(t, 1);
	if (t->cfg->printer.mode != CONFIG_PRINTER_NONE)
		print_shown(t);
	/* the next sale opens a new shift */
	if (shifts_ensure_open(t->db, t->user.id, &t->shift, NULL, &err) != STORE_OK)
		tui_message(t, ROLE_ERROR, "%s", kp_msg_text(&err.msg));
}

static void result(struct tui *t, const struct tui_result *r)
{
	if (r->kind != RESULT_OK) {
		tui_message(t, ROLE_INFO, "%s", _("The shift stays open"));
		return;
	}
	if (r->asked == ASK_MANAGER) {
		char question[160];
		S.manager_id = r->user_id;
		snprintf(question, sizeof question, _("Close shift %lld with a Z report? It cannot be undone."),
		         (long long)t->shift.id);
		struct dlg_confirm_arg arg = {.asked = ASK_CLOSE, .title = _("Z report"), .question = question};
		tui_open(t, &dlg_confirm, &arg);
	} else if (r->asked == ASK_CLOSE) {
		close_shift(t);
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
