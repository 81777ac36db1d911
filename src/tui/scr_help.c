/* scr_help.c — the help of the screen it was opened from, drawn from that
 * screen's key table: one entry per labelled key, the label wrapped (never
 * cut) to the width there is, scrolled with ↑ ↓ PgUp PgDn when the
 * entries are more than the rows, and the Esc-digit line where the
 * screen takes Esc then a digit for a function key. */
#include <curses.h>
#include <string.h>

#include "app/i18n.h"
#include "tui/draw.h"
#include "tui/listview.h"
#include "tui/tui_int.h"

#define HELP_ENTRIES_MAX 64

static const struct keybind keys[] = {
	{KEYS_ESC, ACT_BACK, "Esc", N_("Back"), N_("Back")},
	{KC(KEY_F(1)), ACT_BACK, "F1", NULL, NULL},
	{KEYS_ENTER, ACT_BACK, "Enter", NULL, NULL},
	KEYS_LIST_ROWS(N_("Scroll")),
	KEYS_END,
};

static struct {
	const struct keybind *entries[HELP_ENTRIES_MAX];
	int n;
	bool esc_digits;          /* the Esc-digit line goes at the end */
	char display[DISPLAY_URL_SIZE + 64]; /* the sale's help: the customer display's
	                                         address (without its token), or "" */
	struct listview view;     /* scroll mode, in rows of text */
} S;

/* The box: rows 2 … LINES-3, columns 2 … COLS-3. */
static int box_rows(void)
{
	return LINES - 4 - 2;
}

static int text_width(void)
{
	return COLS - 4 - 4;
}

/* The bytes of s that fit in cols columns, broken at a space when the
 * rest does not fit (a word longer than the row is broken where it must). */
static size_t fit(const char *s, int cols, const char **rest)
{
	char buf[512];
	size_t n = strlen(s), best = 0;
	if (draw_width(s) <= cols) {
		*rest = s + n;
		return n;
	}
	for (size_t i = 1; i <= n && i < sizeof buf; i++) {
		if (s[i] != ' ' && s[i] != '\0')
			continue;
		snprintf(buf, sizeof buf, "%.*s", (int)i, s);
		if (draw_width(buf) > cols)
			break;
		best = i;
	}
	if (best == 0) { /* one long word: as many characters as fit */
		for (size_t i = 1; i <= n && i < sizeof buf; i++) {
			if (((unsigned char)s[i] & 0xc0) == 0x80)
				continue;
			snprintf(buf, sizeof buf, "%.*s", (int)i, s);
			if (draw_width(buf) > cols)
				break;
			best = i;
		}
	}
	*rest = s + best;
	while (**rest == ' ')
		(*rest)++;
	return best;
}

/* Walks the help's rows of text at width cols: draws those from first
 * (when y >= 0) in at most rows rows; returns how many rows there are. */
static int walk(int cols, size_t first, int y, int x, int rows)
{
	int name_w = 0;
	for (int i = 0; i < S.n; i++)
		if (draw_width(S.entries[i]->name) > name_w)
			name_w = draw_width(S.entries[i]->name);
	if (name_w > cols / 3)
		name_w = cols / 3;
	int label_w = cols - name_w - 2;
	int row = 0;

	for (int i = 0; i <= S.n + 1; i++) {
		const char *name, *label;
		if (i < S.n) {
			name = S.entries[i]->name;
			label = _(S.entries[i]->label);
		} else if (i == S.n && S.esc_digits) {
			name = "Esc 1…=";
			label = _("Esc then 1…9, 0, -, = : F1…F12");
		} else if (i == S.n + 1 && S.display[0]) {
			name = "";
			label = S.display;
		} else {
			continue;
		}
		const char *p = label;
		bool first_row = true;
		do {
			const char *rest;
			size_t len = fit(p, label_w, &rest);
			if (y >= 0 && (size_t)row >= first && row - (int)first < rows) {
				char part[512];
				int r = y + row - (int)first;
				snprintf(part, sizeof part, "%.*s", (int)len, p);
				if (first_row)
					draw_text(r, x, name_w, i < S.n ? ROLE_FKEY : ROLE_DIM, -1, true, name);
				draw_text(r, x + name_w + 2, label_w, i < S.n ? ROLE_DIALOG : ROLE_DIM, -1, true, part);
			}
			row++;
			first_row = false;
			if (len == 0)
				break;
			p = rest;
		} while (*p);
	}
	return row;
}

static void enter(struct tui *t, const void *arg)
{
	const struct screen *of = arg;
	S.n = keys_help_entries(tui_keys_of(t, of), S.entries, HELP_ENTRIES_MAX);
	if (S.n > HELP_ENTRIES_MAX)
		S.n = HELP_ENTRIES_MAX;
	S.esc_digits = of->flags & SCREEN_ESC_DIGITS;
	S.display[0] = '\0';
	if (of == &scr_sale && t->display) {
		char addr[DISPLAY_URL_SIZE]; /* the token stays off the screen here */
		const char *url = display_url(t->display);
		snprintf(addr, sizeof addr, "%.*s", (int)strcspn(url, "?"), url);
		snprintf(S.display, sizeof S.display, _("Customer display: %s (Ctrl-D pairs a tablet)"), addr);
	}
	memset(&S.view, 0, sizeof S.view);
	S.view.scroll = true;
}

static int key(struct tui *t, int key)
{
	int a = keys_lookup(keys, key);
	S.view.count = (size_t)walk(text_width(), 0, -1, 0, 0);
	if (listview_key(&S.view, a, box_rows()))
		return TUI_REDRAW;
	if (a == ACT_BACK) {
		tui_close(t, NULL);
		return TUI_REDRAW;
	}
	return TUI_HANDLED;
}

static void draw(const struct tui *t)
{
	int y = 2, x = 2, h = LINES - 4, w = COLS - 4;
	struct listview view = S.view;

	tui_draw_header(t);
	view.count = (size_t)walk(text_width(), 0, -1, 0, 0);
	size_t first = listview_first(&view, box_rows());
	draw_box(y, x, h, w, ROLE_DIALOG_TITLE, ROLE_DIALOG, _("Help: keys"));
	walk(text_width(), first, y + 1, x + 2, box_rows());
	if (view.count > (size_t)box_rows())
		draw_textf(y + h - 1, x + w - 16, 14, ROLE_DIALOG_TITLE, 1, false, " %zu–%zu/%zu ", first + 1,
		           first + (size_t)box_rows() < view.count ? first + (size_t)box_rows() : view.count,
		           view.count);
	tui_draw_keys(t, keys);
}

const struct screen scr_help = {
	.name = "help",
	.enter = enter,
	.key = key,
	.draw = draw,
	.keytable = keys,
};
