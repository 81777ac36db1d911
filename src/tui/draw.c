/* draw.c — see draw.h. */
#include "tui/draw.h"

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* Decodes one UTF-8 character at s; returns its length (≥ 1). */
static int next_char(const char *s, wchar_t *wc)
{
	mbstate_t st;
	memset(&st, 0, sizeof st);
	size_t n = mbrtowc(wc, s, strlen(s), &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*wc = L'?';
		return 1;
	}
	return (int)n;
}

static int char_width(wchar_t wc)
{
	int w = wcwidth(wc);
	return w < 0 ? 1 : w;
}

int draw_width(const char *s)
{
	int cols = 0;
	wchar_t wc;
	while (*s) {
		s += next_char(s, &wc);
		cols += char_width(wc);
	}
	return cols;
}

int draw_text(int y, int x, int width, enum theme_role role, int align, bool pad, const char *s)
{
	int total = draw_width(s);
	int cols = 0, lead = 0;
	wchar_t wc;
	bool cut = total > width;

	if (width <= 0)
		return 0;
	if (!cut && align != -1)
		lead = align > 0 ? width - total : (width - total) / 2;
	attrset(theme_attr(role));
	move(y, x);
	if (pad)
		for (int i = 0; i < lead; i++)
			addch(' ');
	else
		move(y, x + lead);
	cols = lead;
	while (*s) {
		int n = next_char(s, &wc);
		int w = char_width(wc);
		if (cut && cols + w > width - 1)
			break;
		if (cols + w > width)
			break;
		/* a control character (C0, DEL, C1: ESC, CSI, OSC ...) from a
		 * server or a file must never reach the terminal */
		if (wc < 0x20 || (wc >= 0x7f && wc < 0xa0))
			wc = L'?';
		cchar_t cc;
		wchar_t str[2] = {wc, 0};
		setcchar(&cc, str, 0, 0, NULL);
		add_wch(&cc);
		cols += w;
		s += n;
	}
	if (cut) {
		addstr("\xe2\x80\xa6"); /* … */
		cols++;
	}
	if (pad)
		for (; cols < width; cols++)
			addch(' ');
	return cols;
}

int draw_textf(int y, int x, int width, enum theme_role role, int align, bool pad,
               const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return draw_text(y, x, width, role, align, pad, buf);
}

void draw_fill(int y, int x, int h, int w, enum theme_role role)
{
	attrset(theme_attr(role));
	for (int r = 0; r < h; r++) {
		move(y + r, x);
		for (int c = 0; c < w; c++)
			addch(' ');
	}
}

void draw_box(int y, int x, int h, int w, enum theme_role frame, enum theme_role inside,
              const char *title)
{
	draw_fill(y, x, h, w, inside);
	attrset(theme_attr(frame));
	mvhline(y, x + 1, ACS_HLINE, w - 2);
	mvhline(y + h - 1, x + 1, ACS_HLINE, w - 2);
	mvvline(y + 1, x, ACS_VLINE, h - 2);
	mvvline(y + 1, x + w - 1, ACS_VLINE, h - 2);
	mvaddch(y, x, ACS_ULCORNER);
	mvaddch(y, x + w - 1, ACS_URCORNER);
	mvaddch(y + h - 1, x, ACS_LLCORNER);
	mvaddch(y + h - 1, x + w - 1, ACS_LRCORNER);
	if (title && *title) {
		char t[256];
		snprintf(t, sizeof t, " %s ", title);
		draw_text(y, x + 2, w - 4, frame, -1, false, t);
	}
}

char *draw_pad(char *buf, size_t size, const char *s, int width)
{
	size_t o = 0;
	int cols = 0;
	wchar_t wc;

	while (*s && o + 8 < size) {
		int n = next_char(s, &wc);
		int w = char_width(wc);
		if (cols + w > width)
			break;
		memcpy(buf + o, s, (size_t)n);
		o += (size_t)n;
		s += n;
		cols += w;
	}
	for (; cols < width && o + 1 < size; cols++)
		buf[o++] = ' ';
	buf[o] = '\0';
	return buf;
}
