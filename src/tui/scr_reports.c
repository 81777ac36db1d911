/* scr_reports.c — the reports screen (F12): the X report of the open
 * shift, the day report, the last Z report again, printing, and closing
 * the shift with a Z report (a manager's PIN). The text is the one the
 * printer gets, at the printer's width. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "app/i18n.h"
#include "core/timeutil.h"
#include "app/report_fmt.h"
#include "tui/draw.h"
#include "tui/tui_int.h"

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
	free(t->rp_text);
	t->rp_text = report_text(r, t->cfg->printer.width, tr);
	report_free(r);
	snprintf(t->rp_title, sizeof t->rp_title, "%s", title);
	t->rp_scroll = 0;
	if (!t->rp_text)
		tui_message(t, ROLE_ERROR, "%s", _("Out of memory"));
	t->dirty = true;
}

static void show_x(struct tui *t)
{
	struct report r;
	store_err err;
	struct report_params p = params(t);
	if (reports_x(t->db, &p, &r, &err) != STORE_OK) {
		tui_message(t, ROLE_ERROR, "%s", err.message);
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
		tui_message(t, ROLE_ERROR, "%s", err.message);
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
		tui_message(t, ROLE_ERROR, "%s", n == 0 ? _("No Z report yet") : err.message);
		return;
	}
	if (report_z_load(t->db, n, &r, &snapshot, &err) != STORE_OK) {
		tui_message(t, ROLE_ERROR, "%s", err.message);
		return;
	}
	free(snapshot);
	snprintf(title, sizeof title, _("Z report %lld (again)"), (long long)n);
	show(t, &r, title);
}

/* Prints what is on the screen; a failure leaves it there to print again. */
static void print_shown(struct tui *t)
{
	if (t->rp_text)
		tui_print(t, t->rp_text, _("The report"));
}

int reports_close(struct tui *t)
{
	struct report r;
	store_err err;
	char title[96];
	struct report_params p = params(t);
	if (report_z_close(t->db, &p, t->approve_id, &r, &err) != STORE_OK) {
		tui_message(t, ROLE_ERROR, "%s", err.message);
		tui_bell(t, 2);
		return TUI_REDRAW;
	}
	snprintf(title, sizeof title, _("Z report %lld: the shift is closed"), (long long)r.z_number);
	show(t, &r, title);
	tui_bell(t, 1);
	if (t->cfg->printer.mode != CONFIG_PRINTER_NONE)
		print_shown(t);
	/* the next sale opens a new shift */
	store_err e2;
	shifts_ensure_open(t->db, t->user.id, &t->shift, NULL, &e2);
	return TUI_REDRAW;
}

void reports_enter(struct tui *t)
{
	t->back_to = t->screen;
	t->screen = SCREEN_REPORTS;
	t->dialog = DIALOG_NONE;
	show_x(t);
}

int reports_key(struct tui *t, int key)
{
	switch (keys_lookup(keys_reports, key)) {
	case ACT_BACK:
		t->screen = t->back_to;
		t->msg.text[0] = '\0';
		return TUI_REDRAW;
	case ACT_QUANTITY: /* F3 */
		show_x(t);
		return TUI_REDRAW;
	case ACT_DISCOUNT: /* F4 */
		show_day(t);
		return TUI_REDRAW;
	case ACT_HOLD: /* F5 */
		print_shown(t);
		return TUI_REDRAW;
	case ACT_LOGOUT: /* F6 */
		show_last_z(t);
		return TUI_REDRAW;
	case ACT_VOID: /* F8 */
		dialog_approve(t, APPROVE_Z);
		return TUI_REDRAW;
	case ACT_UP:
		if (t->rp_scroll > 0)
			t->rp_scroll--;
		return TUI_REDRAW;
	case ACT_DOWN:
		t->rp_scroll++;
		return TUI_REDRAW;
	case ACT_PAGE_UP:
		t->rp_scroll = t->rp_scroll > 10 ? t->rp_scroll - 10 : 0;
		return TUI_REDRAW;
	case ACT_PAGE_DOWN:
		t->rp_scroll += 10;
		return TUI_REDRAW;
	default:
		return TUI_HANDLED;
	}
}

void reports_draw(struct tui *t)
{
	int w = t->cfg->printer.width + 4;
	int x = (COLS - w) / 2, y = 2, h = LINES - 5;

	tui_draw_header(t);
	draw_box(y - 1, x, h + 2, w, ROLE_DIALOG_TITLE, ROLE_DIALOG, t->rp_title);
	if (t->rp_text) {
		/* the lines of the text, from rp_scroll */
		const char *p = t->rp_text;
		size_t line = 0;
		int row = 0;
		while (*p && row < h) {
			const char *nl = strchr(p, '\n');
			size_t len = nl ? (size_t)(nl - p) : strlen(p);
			if (line >= t->rp_scroll) {
				char buf[512];
				snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf ? len : sizeof buf - 1), p);
				draw_text(y + row, x + 2, w - 4, ROLE_DIALOG, -1, true, buf);
				row++;
			}
			line++;
			p = nl ? nl + 1 : p + len;
		}
		size_t total = 0;
		for (const char *q = t->rp_text; *q; q++)
			total += *q == '\n';
		size_t most = total > (size_t)h ? total - (size_t)h : 0;
		if (t->rp_scroll > most)
			t->rp_scroll = most;
	}
	if (t->msg.text[0])
		draw_text(LINES - 2, 0, COLS, t->msg.role, -1, true, t->msg.text);
	keys_draw_bar(keys_reports, LINES - 1, COLS);
}
