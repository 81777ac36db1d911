/* dlg_display.c — pairing a tablet with the customer display: the
 * display's address (its token in it) as a QR for the tablet's camera,
 * and as text to type. The QR takes the left of the screen, from the top
 * row, so that at 80×24 the code of a LAN address fits; the words go to
 * its right. Esc or Enter closes it. */
#include <curses.h>
#include <string.h>

#include "app/i18n.h"
#include "tui/draw.h"
#include "tui/qr.h"
#include "tui/tui_int.h"

static const struct keybind keys[] = {
	{KEYS_ESC, ACT_BACK, "Esc", N_("Close"), N_("Close")},
	{KEYS_ENTER, ACT_BACK, "Enter", NULL, NULL},
	KEYS_END,
};

static struct {
	struct qr_image qr;
	char err[160];
} S;

static void enter(struct tui *t, const void *arg)
{
	(void)arg;
	qr_free(&S.qr);
	S.err[0] = '\0';
	if (!qr_render(display_url(t->display), t->utf8, &S.qr, S.err, sizeof S.err))
		qr_free(&S.qr);
}

static void leave(struct tui *t)
{
	(void)t;
	qr_free(&S.qr);
}

static int key(struct tui *t, int key)
{
	if (keys_lookup(keys, key) != ACT_BACK)
		return TUI_HANDLED;
	tui_close(t, NULL);
	return TUI_REDRAW;
}

/* The URL in rows of width columns (it has no spaces to break at). */
static int draw_url(int y, int x, int width, int rows, const char *url)
{
	size_t n = strlen(url), at = 0;
	int used = 0;
	while (at < n && used < rows && width > 0) {
		char part[256];
		size_t len = n - at < (size_t)width ? n - at : (size_t)width;
		snprintf(part, sizeof part, "%.*s", (int)len, url + at);
		draw_text(y + used++, x, width, ROLE_TOTAL, -1, true, part);
		at += len;
	}
	return used;
}

/* text in rows of width columns, broken at spaces; returns the rows. */
static int draw_words(int y, int x, int width, const char *text)
{
	char row[512];
	int rows = 0;
	const char *p = text;
	while (*p && y + rows < LINES - 2) {
		size_t best = 0, n = strlen(p);
		for (size_t i = 1; i <= n && i < sizeof row; i++) {
			if (p[i] != ' ' && p[i] != '\0')
				continue;
			snprintf(row, sizeof row, "%.*s", (int)i, p);
			if (draw_width(row) > width)
				break;
			best = i;
		}
		if (best == 0) /* a word wider than the row: cut where it must */
			best = n < (size_t)width ? n : (size_t)width;
		snprintf(row, sizeof row, "%.*s", (int)best, p);
		draw_text(y + rows++, x, width, ROLE_DIALOG, -1, true, row);
		p += best;
		while (*p == ' ')
			p++;
	}
	return rows;
}

static void draw(const struct tui *t)
{
	bool fits = qr_fits(&S.qr, LINES - 1, COLS - 30);
	int x = fits ? S.qr.cols + 2 : 2, w = COLS - x - 1, y = 1;

	draw_fill(0, 0, LINES - 1, COLS, ROLE_DIALOG);
	if (fits) {
		attrset(COLOR_PAIR(THEME_QR_PAIR));
		for (int r = 0; r < S.qr.rows; r++)
			mvaddstr(r, 0, S.qr.lines[r]);
		attrset(A_NORMAL);
	}
	draw_text(y++, x, w, ROLE_DIALOG_TITLE, -1, true, _("Customer display"));
	y++;
	y += draw_url(y, x, w, 4, display_url(t->display));
	y++;
	y += draw_words(y, x, w, _("Scan the code with the tablet's camera and open the page: the tablet must be on the shop's network. Without a camera, type the address."));
	y++;
	if (!fits && S.qr.lines)
		draw_textf(y++, x, w, ROLE_STATUS_WARN, -1, true, _("Enlarge the terminal to %d×%d to show the QR"),
		           S.qr.cols + 30, S.qr.rows + 1);
	else if (!S.qr.lines && S.err[0])
		draw_text(y++, x, w, ROLE_ERROR, -1, true, S.err);
	tui_draw_keys(t, keys);
}

const struct screen dlg_display = {
	.name = "display",
	.flags = SCREEN_DIALOG,
	.enter = enter,
	.leave = leave,
	.key = key,
	.draw = draw,
	.keytable = keys,
};
