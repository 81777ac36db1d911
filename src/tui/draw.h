/* draw.h — small drawing helpers that count columns, not bytes: Cyrillic
 * and Kazakh letters are two bytes and one column, ₸ three bytes and one
 * column. */
#ifndef KP_TUI_DRAW_H
#define KP_TUI_DRAW_H

#include <stdbool.h>

#include "tui/theme.h"

/* Columns that UTF-8 text takes on screen (unprintable bytes count 1). */
int draw_width(const char *s);

/* Writes s at (y, x) in role's attribute, at most `width` columns
 * (cut with "…" when longer), padded with spaces to `width` when pad.
 * align: -1 left, 0 centre, 1 right. Returns the columns written. */
int draw_text(int y, int x, int width, enum theme_role role, int align, bool pad, const char *s);

/* printf into draw_text. */
int draw_textf(int y, int x, int width, enum theme_role role, int align, bool pad,
               const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* Copies s into buf cut or padded with spaces to exactly `width` columns
 * (never splitting a character). Returns buf. */
char *draw_pad(char *buf, size_t size, const char *s, int width);

/* Fills a rectangle with spaces in role. */
void draw_fill(int y, int x, int h, int w, enum theme_role role);

/* A framed box with a title in its top border; the inside is filled. */
void draw_box(int y, int x, int h, int w, enum theme_role frame, enum theme_role inside,
              const char *title);

#endif
