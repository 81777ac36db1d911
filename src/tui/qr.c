/* qr.c — qr_token → libqrencode module matrix → lines of half blocks or
 * "##" pairs; and those lines printed to a stream for the CLI. */
#include "tui/qr.h"

#include <errno.h>
#include <qrencode.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/i18n.h"

/* Error correction M (about 15 % of the codewords recoverable), chosen
 * for a code read off a screen by a phone camera:
 * - L (7 %) leaves little margin for what a terminal adds: moiré and
 *   glare, fonts whose blocks leave thin seams between text rows, a
 *   cursor or a dialog edge over the code. M is also what Kaspi's own QR
 *   images and our sandbox's qr_image (src/sandbox/qrsvg.c) use.
 * - Q and H cost too much room: the longest token we expect, 300 bytes,
 *   needs version 13 at M, 69 modules + 8 of quiet zone = 77 columns,
 *   which still fits an 80-column terminal; at Q it needs version 16,
 *   89 columns, which does not. L would save only 4 modules (version 12).
 * Raise it only together with that arithmetic. */
#define QR_LEVEL QR_ECLEVEL_M

/* Bytes 8-bit mode holds at level M in version 40: longer fails. */
#define QR_MAX_BYTES_M 2331

/* Sets err to a formatted message when there is room for one. */
static void set_err(char *err, size_t errsize, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errsize, const char *fmt, ...)
{
	if (!err || errsize == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errsize, fmt, ap);
	va_end(ap);
}

/* Dark module at (y, x) of the image with its quiet zone; anything outside
 * the symbol (quiet zone, the padding row under an odd side) is light. */
static bool dark_at(const unsigned char *data, int side, int y, int x)
{
	y -= QR_QUIET;
	x -= QR_QUIET;
	if (y < 0 || x < 0 || y >= side || x >= side)
		return false;
	return data[(size_t)y * (size_t)side + (size_t)x] & 1;
}

bool qr_draw_matrix(const unsigned char *data, int side, bool utf8, struct qr_image *out,
                    char *err, size_t errsize)
{
	memset(out, 0, sizeof *out);
	if (!data || side <= 0 || side > 1000) {
		set_err(err, errsize, "%s", _("no QR code to draw"));
		return false;
	}
	int total = side + 2 * QR_QUIET; /* modules across, quiet zone included */
	int rows = utf8 ? (total + 1) / 2 : total;
	/* a cell is at most 3 bytes (U+2580…U+2588) in UTF-8, "##" in ASCII */
	size_t line_size = (size_t)total * (utf8 ? 3 : 2) + 1;

	out->lines = calloc((size_t)rows, sizeof *out->lines);
	if (!out->lines)
		goto nomem;
	out->modules = side;
	out->rows = rows;
	out->cols = utf8 ? total : 2 * total;
	out->utf8 = utf8;
	for (int r = 0; r < rows; r++) {
		char *line = malloc(line_size);
		if (!line)
			goto nomem;
		out->lines[r] = line;
		size_t n = 0;
		for (int x = 0; x < total; x++) {
			if (!utf8) {
				const char *cell = dark_at(data, side, r, x) ? "##" : "  ";
				memcpy(line + n, cell, 2);
				n += 2;
				continue;
			}
			bool top = dark_at(data, side, 2 * r, x);
			bool bottom = dark_at(data, side, 2 * r + 1, x);
			const char *cell = top && bottom ? "█" : top ? "▀" : bottom ? "▄" : " ";
			size_t len = strlen(cell);
			memcpy(line + n, cell, len);
			n += len;
		}
		line[n] = '\0';
	}
	return true;

nomem:
	qr_free(out);
	set_err(err, errsize, "%s", _("out of memory drawing the QR code"));
	return false;
}

bool qr_render(const char *text, bool utf8, struct qr_image *out, char *err, size_t errsize)
{
	memset(out, 0, sizeof *out);
	if (!text || !text[0]) {
		set_err(err, errsize, "%s", _("the payment has no QR code to show"));
		return false;
	}
	size_t len = strlen(text);
	if (len > QR_MAX_BYTES_M) {
		set_err(err, errsize, _("the payment code is too long for a QR code (%zu bytes, at most %d)"),
		        len, QR_MAX_BYTES_M);
		return false;
	}
	/* QRcode_encodeString(…, QR_MODE_8, …) would still split digit runs
	 * into numeric segments; this keeps every byte in 8-bit mode. */
	errno = 0;
	QRcode *qr = QRcode_encodeString8bit(text, 0, QR_LEVEL);
	if (!qr) {
		if (errno == ERANGE)
			set_err(err, errsize,
			        _("the payment code is too long for a QR code (%zu bytes, at most %d)"),
			        len, QR_MAX_BYTES_M);
		else if (errno == ENOMEM)
			set_err(err, errsize, "%s", _("out of memory drawing the QR code"));
		else
			set_err(err, errsize, _("could not make the QR code: %s"),
			        strerror(errno ? errno : EINVAL));
		return false;
	}
	bool ok = qr_draw_matrix(qr->data, qr->width, utf8, out, err, errsize);
	if (ok)
		out->version = qr->version;
	QRcode_free(qr);
	return ok;
}

void qr_free(struct qr_image *img)
{
	if (!img)
		return;
	if (img->lines)
		for (int r = 0; r < img->rows; r++)
			free(img->lines[r]);
	free(img->lines);
	memset(img, 0, sizeof *img);
}

bool qr_fits(const struct qr_image *img, int screen_rows, int screen_cols)
{
	if (!img || !img->lines || img->rows <= 0 || img->cols <= 0)
		return false;
	return img->rows <= screen_rows && img->cols <= screen_cols;
}

/* Colour for QR_COLOUR_AUTO: a terminal that can show it.
 *
 * NO_COLOR is deliberately not consulted. Without colours '█' is drawn in
 * the terminal's foreground, which on the usual dark-background terminal
 * is light: the code comes out inverted (light modules on a dark ground),
 * and zbar and many phone scanners read inverted codes poorly or not at
 * all. The black-on-white here is the code's polarity, not decoration,
 * and it is confined to the code's own lines: the rest of the output
 * keeps honouring NO_COLOR. */
static bool colour_wanted(FILE *f)
{
	const char *term = getenv("TERM");
	int fd = fileno(f);
	return fd >= 0 && isatty(fd) && term && term[0] && strcmp(term, "dumb") != 0;
}

bool qr_print(FILE *f, const struct qr_image *img, enum qr_colour colour)
{
	if (!f || !img || !img->lines)
		return false;
	bool sgr = colour == QR_COLOUR_ALWAYS || (colour == QR_COLOUR_AUTO && colour_wanted(f));
	/* SGR 30/47: black on white, the 8 base colours every colour terminal
	 * has. The reset comes before the newline, so that a scroll never
	 * fills the next line with white (background colour erase). */
	const char *on = sgr ? "\033[30;47m" : "";
	const char *off = sgr ? "\033[0m" : "";
	for (int r = 0; r < img->rows; r++)
		if (fprintf(f, "%s%s%s\n", on, img->lines[r], off) < 0)
			return false;
	return fflush(f) == 0 && !ferror(f);
}
