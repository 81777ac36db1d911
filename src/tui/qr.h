/* qr.h — the payment QR code as lines of text, for the payment screen
 * (curses) and for `kaspi-pos charge` (a plain stream). No curses here:
 * the screen draws the lines in its fixed pair THEME_QR_PAIR, the CLI
 * prints them with qr_print().
 *
 * Two drawings of the same module matrix, each with a quiet zone of
 * QR_QUIET light modules on every side:
 *   UTF-8  one column per module, two module rows per text row:
 *          '█' both dark, '▀' top dark, '▄' bottom dark, ' ' both light.
 *          A symbol side is always odd (4·version + 17), so the last text
 *          row's bottom half lies below the image and is drawn light.
 *   ASCII  two columns per module ("##" dark, "  " light), one text row
 *          per module row: square modules where the locale has no blocks.
 * "Dark" is the foreground: draw the lines dark (black) on light (white),
 * never in the terminal's default colours, which may be light on dark
 * and would invert the code. */
#ifndef KP_TUI_QR_H
#define KP_TUI_QR_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define QR_QUIET 4 /* light modules around the symbol, each side */

struct qr_image {
	int version;  /* QR version 1…40; 0 for a matrix drawn by qr_draw_matrix */
	int modules;  /* side of the symbol in modules, without the quiet zone */
	int rows;     /* text rows in lines */
	int cols;     /* screen columns of every line (all the same) */
	bool utf8;    /* half blocks (true) or "##" pairs */
	char **lines; /* rows strings, NUL-terminated, UTF-8; NULL when empty */
};

/* Encodes text exactly — every byte, in 8-bit mode, error correction M,
 * the smallest version that holds it — and draws it. On failure returns
 * false, leaves *out empty and puts a message for the cashier in err. */
bool qr_render(const char *text, bool utf8, struct qr_image *out, char *err, size_t errsize) KP_MUST_CHECK;

/* Draws any square module matrix of side `side` (bit 0 of each byte is
 * dark, row by row, as libqrencode gives it) with the quiet zone. What
 * qr_render does after encoding; public so that tests can draw even sides
 * too. Returns false (out empty, message in err) when memory runs out or
 * side is not within 1…1000. */
bool qr_draw_matrix(const unsigned char *data, int side, bool utf8, struct qr_image *out,
                    char *err, size_t errsize) KP_MUST_CHECK;

/* Frees the lines; *img is empty afterwards. NULL or empty is fine. */
void qr_free(struct qr_image *img);

/* True when the whole image, quiet zone included, fits in an area of
 * screen_rows × screen_cols cells. An empty image fits nowhere. */
bool qr_fits(const struct qr_image *img, int screen_rows, int screen_cols);

/* When qr_print colours the code black on white. */
enum qr_colour {
	QR_COLOUR_AUTO,   /* when f is a terminal (and TERM is not "dumb") */
	QR_COLOUR_ALWAYS,
	QR_COLOUR_NEVER,  /* plain characters: '█' is dark, for files and pipes */
};

/* Prints the image to f, one line each, for the CLI. With colour every
 * line is wrapped in black-on-white SGR and a reset, even when NO_COLOR is
 * set: these colours carry the code's polarity, they are not decoration
 * (see qr.c). Returns false on a write error. */
bool qr_print(FILE *f, const struct qr_image *img, enum qr_colour colour) KP_MUST_CHECK;

#endif
