/* escpos.c — UTF-8 text ⇄ ESC/POS bytes in CP866 or KZ-1048.
 *
 * Each page is one table of what its upper half (0x80–0xFF) means; the
 * lower half is ASCII on both. Encoding looks a character up in that
 * table (a linear search of 128 entries: receipts are a few kilobytes, so
 * a reverse index would buy nothing), then in the fallback table, else
 * prints '?'. The tables follow IBM's CP866 and STRK 1048-2002 as glibc
 * ships them (IBM866, RK1048); tests/unit/test_escpos.c checks every byte
 * of both against iconv(3). */
#include "core/escpos.h"

#include <qrencode.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ESC 0x1b
#define GS  0x1d

/* CP866, 0x80–0xFF. */
static const uint16_t cp866_high[128] = {
	/* 80 */ 0x0410, 0x0411, 0x0412, 0x0413, 0x0414, 0x0415, 0x0416, 0x0417,
	         0x0418, 0x0419, 0x041A, 0x041B, 0x041C, 0x041D, 0x041E, 0x041F,
	/* 90 */ 0x0420, 0x0421, 0x0422, 0x0423, 0x0424, 0x0425, 0x0426, 0x0427,
	         0x0428, 0x0429, 0x042A, 0x042B, 0x042C, 0x042D, 0x042E, 0x042F,
	/* A0 */ 0x0430, 0x0431, 0x0432, 0x0433, 0x0434, 0x0435, 0x0436, 0x0437,
	         0x0438, 0x0439, 0x043A, 0x043B, 0x043C, 0x043D, 0x043E, 0x043F,
	/* B0 */ 0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556,
	         0x2555, 0x2563, 0x2551, 0x2557, 0x255D, 0x255C, 0x255B, 0x2510,
	/* C0 */ 0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x255E, 0x255F,
	         0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x2567,
	/* D0 */ 0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256B,
	         0x256A, 0x2518, 0x250C, 0x2588, 0x2584, 0x258C, 0x2590, 0x2580,
	/* E0 */ 0x0440, 0x0441, 0x0442, 0x0443, 0x0444, 0x0445, 0x0446, 0x0447,
	         0x0448, 0x0449, 0x044A, 0x044B, 0x044C, 0x044D, 0x044E, 0x044F,
	/* F0    Ё       ё       Є       є       Ї       ї       Ў       ў */
	         0x0401, 0x0451, 0x0404, 0x0454, 0x0407, 0x0457, 0x040E, 0x045E,
	/*       °       ∙       ·       √       №       ¤       ■       NBSP */
	         0x00B0, 0x2219, 0x00B7, 0x221A, 0x2116, 0x00A4, 0x25A0, 0x00A0,
};

/* KZ-1048 (STRK 1048-2002), 0x80–0xFF; 0 = undefined (0x98 only). The
 * Kazakh letters: Қ 8D, Һ 8E, қ 9D, һ 9E, Ұ A1, ұ A2, Ә A3, Ө A5, Ғ AA,
 * Ү AF, І B2, і B3, ө B4, ғ BA, ә BC, Ң BD, ң BE, ү BF. */
static const uint16_t kz1048_high[128] = {
	/* 80    Ђ       Ѓ       ‚       ѓ       „       …       †       ‡ */
	         0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021,
	/*       €       ‰       Љ       ‹       Њ       Қ       Һ       Џ */
	         0x20AC, 0x2030, 0x0409, 0x2039, 0x040A, 0x049A, 0x04BA, 0x040F,
	/* 90    ђ       ‘       ’       “       ”       •       –       — */
	         0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	/*       (none)  ™       љ       ›       њ       қ       һ       џ */
	         0x0000, 0x2122, 0x0459, 0x203A, 0x045A, 0x049B, 0x04BB, 0x045F,
	/* A0    NBSP    Ұ       ұ       Ә       ¤       Ө       ¦       § */
	         0x00A0, 0x04B0, 0x04B1, 0x04D8, 0x00A4, 0x04E8, 0x00A6, 0x00A7,
	/*       Ё       ©       Ғ       «       ¬       SHY     ®       Ү */
	         0x0401, 0x00A9, 0x0492, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x04AE,
	/* B0    °       ±       І       і       ө       µ       ¶       · */
	         0x00B0, 0x00B1, 0x0406, 0x0456, 0x04E9, 0x00B5, 0x00B6, 0x00B7,
	/*       ё       №       ғ       »       ә       Ң       ң       ү */
	         0x0451, 0x2116, 0x0493, 0x00BB, 0x04D9, 0x04A2, 0x04A3, 0x04AF,
	/* C0 */ 0x0410, 0x0411, 0x0412, 0x0413, 0x0414, 0x0415, 0x0416, 0x0417,
	         0x0418, 0x0419, 0x041A, 0x041B, 0x041C, 0x041D, 0x041E, 0x041F,
	/* D0 */ 0x0420, 0x0421, 0x0422, 0x0423, 0x0424, 0x0425, 0x0426, 0x0427,
	         0x0428, 0x0429, 0x042A, 0x042B, 0x042C, 0x042D, 0x042E, 0x042F,
	/* E0 */ 0x0430, 0x0431, 0x0432, 0x0433, 0x0434, 0x0435, 0x0436, 0x0437,
	         0x0438, 0x0439, 0x043A, 0x043B, 0x043C, 0x043D, 0x043E, 0x043F,
	/* F0 */ 0x0440, 0x0441, 0x0442, 0x0443, 0x0444, 0x0445, 0x0446, 0x0447,
	         0x0448, 0x0449, 0x044A, 0x044B, 0x044C, 0x044D, 0x044E, 0x044F,
};

/* What to print for a character the page lacks: UTF-8 text whose every
 * character is on both pages (so a fallback never needs a fallback), and
 * never more characters than the replaced one has UTF-8 bytes (so that
 * ESCPOS_OVERHEAD bounds a job). Used only when the page has no byte for
 * the character itself: on KZ-1048 the Kazakh rows never apply. */
static const struct fallback {
	uint32_t from;
	const char *to;
} fallbacks[] = {
	/* Kazakh letters → the nearest Russian letter (CP866) */
	{0x04D8, "А"}, {0x04D9, "а"},   /* Ә ә */
	{0x0492, "Г"}, {0x0493, "г"},   /* Ғ ғ */
	{0x049A, "К"}, {0x049B, "к"},   /* Қ қ */
	{0x04A2, "Н"}, {0x04A3, "н"},   /* Ң ң */
	{0x04E8, "О"}, {0x04E9, "о"},   /* Ө ө */
	{0x04B0, "У"}, {0x04B1, "у"},   /* Ұ ұ */
	{0x04AE, "У"}, {0x04AF, "у"},   /* Ү ү */
	{0x04BA, "Х"}, {0x04BB, "х"},   /* Һ һ */
	{0x0406, "И"}, {0x0456, "и"},   /* І і */

	{0x20B8, "тг"},                 /* ₸ */
	{0x20AC, "EUR"},                /* € */

	/* spaces money_format and typesetters use */
	{0x2002, " "}, {0x2003, " "}, {0x2007, " "}, {0x2008, " "},
	{0x2009, " "}, {0x200A, " "}, {0x202F, " "}, {0x205F, " "},
	{0x200B, ""}, {0xFEFF, ""},     /* zero width space, BOM: nothing */

	/* dashes and the minus sign */
	{0x2010, "-"}, {0x2011, "-"}, {0x2012, "-"}, {0x2013, "-"},
	{0x2014, "-"}, {0x2015, "-"}, {0x2212, "-"},

	/* quotes */
	{0x00AB, "\""}, {0x00BB, "\""}, {0x201C, "\""}, {0x201D, "\""}, {0x201E, "\""},
	{0x2018, "'"}, {0x2019, "'"}, {0x201A, "'"},

	{0x2026, "..."},                /* … */
	{0x2022, "*"},                  /* • */
	{0x00D7, "x"},                  /* × */
	{0x2500, "-"}, {0x2502, "|"}, {0x2550, "="},   /* ─ │ ═ */
};

static const uint16_t *high_table(enum escpos_codepage codepage)
{
	return codepage == ESCPOS_KZ1048 ? kz1048_high : cp866_high;
}

const char *escpos_codepage_name(enum escpos_codepage codepage)
{
	return codepage == ESCPOS_KZ1048 ? "KZ-1048" : "CP866";
}

unsigned escpos_byte_to_unicode(enum escpos_codepage codepage, unsigned char byte)
{
	return byte < 0x80 ? byte : high_table(codepage)[byte - 0x80];
}

struct escpos_job escpos_job_default(enum escpos_codepage codepage)
{
	struct escpos_job job = {
		.codepage = codepage,
		.table = codepage == ESCPOS_KZ1048 ? ESCPOS_TABLE_EPSON_KZ1048
		                                   : ESCPOS_TABLE_EPSON_PC866,
		.feed = ESCPOS_FEED_DEFAULT,
		.cut = ESCPOS_CUT_FEED_PARTIAL,
		.qr = ESCPOS_QR_NATIVE,
		.qr_size = ESCPOS_QR_SIZE_DEFAULT,
		.qr_level = ESCPOS_QR_LEVEL_M,
		.dots = ESCPOS_DOTS_DEFAULT,
	};
	return job;
}

/* ---- UTF-8 --------------------------------------------------------------- */

#define BAD_UTF8 0xFFFFFFFFu

/* Reads one character of s[0..n) (n ≥ 1) into *cp. Returns the bytes it
 * took: a whole character, or 1 with *cp = BAD_UTF8 for a byte that does
 * not start a valid one (overlong, surrogate, past U+10FFFF, truncated). */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c = s[0], min;
	size_t extra;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xe0) == 0xc0)
		extra = 1, min = 0x80, c &= 0x1f;
	else if ((c & 0xf0) == 0xe0)
		extra = 2, min = 0x800, c &= 0x0f;
	else if ((c & 0xf8) == 0xf0)
		extra = 3, min = 0x10000, c &= 0x07;
	else
		goto bad;
	if (extra >= n)
		goto bad;
	for (size_t i = 1; i <= extra; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto bad;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		goto bad;
	*cp = c;
	return extra + 1;
bad:
	*cp = BAD_UTF8;
	return 1;
}

/* ---- output with snprintf semantics -------------------------------------- */

struct sink {
	unsigned char *out;
	size_t size;   /* bytes out may hold */
	size_t len;    /* bytes produced so far, written or not */
};

static void put(struct sink *s, unsigned char byte)
{
	if (s->len < s->size)
		s->out[s->len] = byte;
	s->len++;
}

static void put_utf8(struct sink *s, uint32_t c)
{
	if (c < 0x80) {
		put(s, (unsigned char)c);
	} else if (c < 0x800) {
		put(s, (unsigned char)(0xc0 | (c >> 6)));
		put(s, (unsigned char)(0x80 | (c & 0x3f)));
	} else if (c < 0x10000) {
		put(s, (unsigned char)(0xe0 | (c >> 12)));
		put(s, (unsigned char)(0x80 | ((c >> 6) & 0x3f)));
		put(s, (unsigned char)(0x80 | (c & 0x3f)));
	} else {
		put(s, (unsigned char)(0xf0 | (c >> 18)));
		put(s, (unsigned char)(0x80 | ((c >> 12) & 0x3f)));
		put(s, (unsigned char)(0x80 | ((c >> 6) & 0x3f)));
		put(s, (unsigned char)(0x80 | (c & 0x3f)));
	}
}

/* ---- encoding ------------------------------------------------------------ */

/* The page's byte for code point c (c ≥ 0x80), or -1 when it has none. */
static int page_byte(enum escpos_codepage codepage, uint32_t c)
{
	const uint16_t *table = high_table(codepage);

	for (int i = 0; i < 128; i++)
		if (table[i] == c && c != 0)
			return 0x80 + i;
	return -1;
}

static const struct fallback *find_fallback(uint32_t c)
{
	for (size_t i = 0; i < sizeof fallbacks / sizeof fallbacks[0]; i++)
		if (fallbacks[i].from == c)
			return &fallbacks[i];
	return NULL;
}

static void encode_char(struct sink *s, enum escpos_codepage codepage, uint32_t c, int depth)
{
	const struct fallback *fb;
	int byte;

	if (c == '\n' || c == '\t') {
		put(s, (unsigned char)c);
		return;
	}
	if (c == '\r')
		return; /* CR LF → LF; a lone CR would overprint the line on some printers */
	if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == BAD_UTF8) {
		put(s, '?');
		return;
	}
	if (c < 0x80) {
		put(s, (unsigned char)c);
		return;
	}
	if ((byte = page_byte(codepage, c)) >= 0) {
		put(s, (unsigned char)byte);
		return;
	}
	if (depth == 0 && (fb = find_fallback(c)) != NULL) {
		const unsigned char *p = (const unsigned char *)fb->to;
		size_t n = strlen(fb->to);
		while (n > 0) {
			uint32_t sub;
			size_t used = utf8_next(p, n, &sub);
			encode_char(s, codepage, sub, depth + 1);
			p += used, n -= used;
		}
		return;
	}
	put(s, '?');
}

/* ---- codes ------------------------------------------------------------- */

/* A character a code of kind url (else an order id) may hold. */
static bool code_char(unsigned char c, bool url)
{
	if (url)
		return c >= 0x21 && c <= 0x7e;
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       c == '-';
}

/* A code line at p (the start of a line): its bytes, the mark and the LF
 * included, and where its characters are; 0 when it is not one. */
static size_t code_line(const unsigned char *p, size_t len, const unsigned char **data,
                        size_t *n)
{
	const size_t mark = sizeof ESCPOS_CODE_MARK - 1;
	bool url;
	size_t i = mark, max;

	if (len <= mark)
		return 0;
	if (memcmp(p, ESCPOS_CODE_MARK, mark) == 0)
		url = false, max = ESCPOS_CODE_MAX;
	else if (memcmp(p, ESCPOS_URL_MARK, mark) == 0)
		url = true, max = ESCPOS_URL_MAX;
	else
		return 0;
	while (i < len && i - mark < max + 1 && code_char(p[i], url))
		i++;
	if (i == mark || i - mark > max || (i < len && p[i] != '\n'))
		return 0;
	*data = p + mark;
	*n = i - mark;
	return i < len ? i + 1 : i;
}

size_t escpos_unmark(char *dst, size_t size, const char *src)
{
	const size_t mark = sizeof ESCPOS_CODE_MARK - 1;
	size_t n = 0;

	if (size == 0)
		return 0;
	for (const char *p = src ? src : ""; *p;) {
		bool is_mark = strncmp(p, ESCPOS_CODE_MARK, mark) == 0 ||
		               strncmp(p, ESCPOS_URL_MARK, mark) == 0;
		size_t step = is_mark ? mark : 1;
		if (!is_mark)
			while (((unsigned char)p[step] & 0xc0) == 0x80)
				step++; /* a whole character, so that a cut never splits one */
		size_t out = is_mark ? 1 : step;
		if (n + out + 1 > size)
			break;
		if (is_mark)
			dst[n] = '?';
		else
			memcpy(dst + n, p, step);
		n += out;
		p += step;
	}
	dst[n] = '\0';
	return n;
}

static void put_bytes(struct sink *s, const unsigned char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put(s, b[i]);
}

/* GS ( k pL pH cn fn ...: cn 49 is QR; pL + 256 pH counts the bytes from
 * cn on. Functions 165 (fn 65: model), 167 (fn 67: module size), 169
 * (fn 69: error correction), 180 (fn 80: store the data), 181 (fn 81:
 * print the stored symbol). */
static void put_native_code(struct sink *s, const struct escpos_job *job,
                            const unsigned char *data, size_t n)
{
	static const unsigned char model[] = {GS, '(', 'k', 4, 0, 49, 65, 50, 0}; /* model 2 */
	static const unsigned char print[] = {GS, '(', 'k', 3, 0, 49, 81, 48};
	unsigned char size = job->qr_size < 1 ? 1 : job->qr_size > ESCPOS_QR_SIZE_MAX
	                                             ? ESCPOS_QR_SIZE_MAX : job->qr_size;
	unsigned char level = (unsigned char)(48 + (job->qr_level <= ESCPOS_QR_LEVEL_H
	                                              ? job->qr_level : ESCPOS_QR_LEVEL_M));
	const unsigned char size_cmd[] = {GS, '(', 'k', 3, 0, 49, 67, size};
	const unsigned char level_cmd[] = {GS, '(', 'k', 3, 0, 49, 69, level};

	put(s, ESC), put(s, 'a'), put(s, 1); /* centre */
	put_bytes(s, model, sizeof model);
	put_bytes(s, size_cmd, sizeof size_cmd);
	put_bytes(s, level_cmd, sizeof level_cmd);
	put(s, GS), put(s, '('), put(s, 'k');
	put(s, (unsigned char)((n + 3) & 0xff)), put(s, (unsigned char)((n + 3) >> 8));
	put(s, 49), put(s, 80), put(s, 48); /* store the data */
	put_bytes(s, data, n);
	put_bytes(s, print, sizeof print);
	put(s, ESC), put(s, 'a'), put(s, 0); /* left again */
	put(s, '\n');
}

/* The symbol of data[0 … n) from libqrencode, every byte in 8-bit mode;
 * NULL when it cannot be made. */
static QRcode *qr_symbol(const struct escpos_job *job, const unsigned char *data, size_t n)
{
	static const QRecLevel levels[] = {QR_ECLEVEL_L, QR_ECLEVEL_M, QR_ECLEVEL_Q, QR_ECLEVEL_H};
	char text[ESCPOS_URL_MAX + 1];

	if (n > ESCPOS_URL_MAX)
		return NULL;
	memcpy(text, data, n);
	text[n] = '\0';
	return QRcode_encodeString8bit(text, 0,
	                               levels[job->qr_level <= ESCPOS_QR_LEVEL_H ? job->qr_level
	                                                                         : ESCPOS_QR_LEVEL_M]);
}

#define QUIET 4 /* light modules around a raster symbol */

/* GS v 0 m xL xH yL yH d…: a raster image x bytes wide and y dots high,
 * m 0 (normal scale), each byte 8 dots across, bit 7 the leftmost, 1
 * black. The image spans the paper (job->dots rounded down to a byte),
 * the symbol in its middle. False when the symbol cannot be made. */
static bool put_raster_code(struct sink *s, const struct escpos_job *job,
                            const unsigned char *data, size_t n)
{
	int dots = job->dots < 8 ? 8 : job->dots > ESCPOS_DOTS_MAX ? ESCPOS_DOTS_MAX : job->dots;
	int bytes = dots / 8, scale = job->qr_size < 1 ? 1 : job->qr_size > ESCPOS_QR_SIZE_MAX
	                                                    ? ESCPOS_QR_SIZE_MAX : job->qr_size;
	QRcode *qr = qr_symbol(job, data, n);

	if (!qr)
		return false;
	int side = qr->width + 2 * QUIET;
	while (scale > 1 && side * scale > bytes * 8)
		scale--;
	if (side * scale > bytes * 8) {
		QRcode_free(qr);
		return false;
	}
	int height = side * scale, left = (bytes * 8 - height) / 2;
	put(s, GS), put(s, 'v'), put(s, '0'), put(s, 0);
	put(s, (unsigned char)(bytes & 0xff)), put(s, (unsigned char)(bytes >> 8));
	put(s, (unsigned char)(height & 0xff)), put(s, (unsigned char)(height >> 8));
	for (int y = 0; y < height; y++) {
		int my = y / scale - QUIET;
		for (int b = 0; b < bytes; b++) {
			unsigned char byte = 0;
			for (int bit = 0; bit < 8; bit++) {
				int x = b * 8 + bit - left, mx = x < 0 ? -1 : x / scale - QUIET;
				bool dark = x >= 0 && my >= 0 && my < qr->width && mx >= 0 &&
				            mx < qr->width && (qr->data[my * qr->width + mx] & 1);
				if (dark)
					byte |= (unsigned char)(0x80 >> bit);
			}
			put(s, byte);
		}
	}
	QRcode_free(qr);
	put(s, '\n');
	return true;
}

/* The commands that print n characters as a QR code, centred, the way
 * the job says; the characters as a text line when a raster symbol
 * cannot be made. */
static void put_code(struct sink *s, const struct escpos_job *job, const unsigned char *data,
                     size_t n)
{
	if (job->qr == ESCPOS_QR_RASTER) {
		if (put_raster_code(s, job, data, n))
			return;
		put_bytes(s, data, n); /* [0-9A-Za-z-] or printable ASCII: as it is on both pages */
		put(s, '\n');
		return;
	}
	put_native_code(s, job, data, n);
}

size_t escpos_code_text(const char *text, size_t len, char *out, size_t size)
{
	struct sink s = {.out = (unsigned char *)out, .size = out && size ? size - 1 : 0, .len = 0};
	const unsigned char *p = (const unsigned char *)text;
	bool bol = true;

	while (len > 0) {
		const unsigned char *data;
		size_t n, used = bol ? code_line(p, len, &data, &n) : 0;
		if (used) {
			for (size_t i = 0; i < n; i++)
				put(&s, data[i]);
			put(&s, '\n');
		} else {
			used = 1;
			put(&s, *p);
		}
		bol = p[used - 1] == '\n';
		p += used, len -= used;
	}
	if (out && size > 0)
		out[s.len < size ? s.len : size - 1] = '\0';
	return s.len;
}

size_t escpos_encode(const struct escpos_job *job, const char *text, size_t len,
                     unsigned char *out, size_t size)
{
	struct sink s = {.out = out, .size = out ? size : 0, .len = 0};
	const unsigned char *p = (const unsigned char *)text;
	bool bol = true;

	put(&s, ESC), put(&s, '@');
	put(&s, ESC), put(&s, 't'), put(&s, job->table);
	while (len > 0) {
		uint32_t c;
		const unsigned char *data;
		size_t n, used = bol ? code_line(p, len, &data, &n) : 0;
		if (used) {
			put_code(&s, job, data, n);
			bol = true;
		} else {
			used = utf8_next(p, len, &c);
			encode_char(&s, job->codepage, c, 0);
			bol = c == '\n';
		}
		p += used, len -= used;
	}
	if (job->feed > 0) {
		put(&s, ESC), put(&s, 'd'), put(&s, job->feed);
	}
	switch (job->cut) {
	case ESCPOS_CUT_FEED_PARTIAL:
		put(&s, GS), put(&s, 'V'), put(&s, 66), put(&s, 0);
		break;
	case ESCPOS_CUT_PARTIAL:
		put(&s, GS), put(&s, 'V'), put(&s, 1);
		break;
	case ESCPOS_CUT_NONE:
		break;
	}
	return s.len;
}

size_t escpos_encode_chars(enum escpos_codepage codepage, const char *text, size_t len,
                           unsigned char *out, size_t size)
{
	struct sink s = {.out = out, .size = out ? size : 0, .len = 0};
	const unsigned char *p = (const unsigned char *)text;
	while (len > 0) {
		uint32_t c;
		size_t used = utf8_next(p, len, &c);
		encode_char(&s, codepage, c == '\n' || c == '\t' ? ' ' : c, 0);
		p += used, len -= used;
	}
	return s.len;
}

/* ---- decoding ------------------------------------------------------------ */

/* Length of the ESC or GS command at b[0] (b[0] is ESC or GS), as far as
 * this decoder knows commands: the ones escpos_encode writes exactly, the
 * rest as "prefix, letter, one parameter". */
static size_t command_length(const unsigned char *b, size_t n)
{
	size_t want = 3;

	if (n < 2)
		return n;
	if (b[0] == ESC) {
		if (b[1] == '@' || b[1] == '2')   /* initialise, default line spacing */
			want = 2;
		else if (b[1] == 'p')             /* drawer kick: ESC p m t1 t2 */
			want = 5;
	} else if (b[1] == '(' && n >= 5 && b[2] == 'k') {
		want = 5 + (size_t)b[3] + 256 * (size_t)b[4]; /* GS ( k pL pH, then pL + 256 pH bytes */
	} else if (b[1] == 'v' && n >= 8 && b[2] == '0') {
		/* GS v 0 m xL xH yL yH, then (xL + 256 xH) × (yL + 256 yH) bytes */
		want = 8 + ((size_t)b[4] + 256 * (size_t)b[5]) * ((size_t)b[6] + 256 * (size_t)b[7]);
	} else if (b[1] == 'V') {
		/* GS V m: functions A (0, 1, 48, 49) take no n, B–D take one */
		if (n < 3)
			return n;
		want = (b[2] == 0 || b[2] == 1 || b[2] == 48 || b[2] == 49) ? 3 : 4;
	}
	return want < n ? want : n;
}

size_t escpos_decode(enum escpos_codepage codepage, const unsigned char *bytes, size_t len,
                     char *out, size_t size)
{
	struct sink s = {.out = (unsigned char *)out, .size = out && size ? size - 1 : 0, .len = 0};
	size_t i = 0;

	while (i < len) {
		unsigned char b = bytes[i];
		if (b == ESC || b == GS) {
			size_t used = command_length(bytes + i, len - i);
			/* a QR's stored data (GS ( k pL pH 49 80 48 d…): its characters */
			if (b == GS && used > 8 && bytes[i + 1] == '(' && bytes[i + 2] == 'k' &&
			    bytes[i + 5] == 49 && bytes[i + 6] == 80)
				for (size_t k = i + 8; k < i + used; k++)
					if (bytes[k] >= 0x21 && bytes[k] <= 0x7e)
						put(&s, bytes[k]);
			i += used;
			continue;
		}
		i++;
		if (b == '\n' || b == '\t') {
			put(&s, b);
		} else if (b < 0x20 || b == 0x7f) {
			continue; /* other control bytes print nothing */
		} else {
			uint32_t c = escpos_byte_to_unicode(codepage, b);
			put_utf8(&s, c ? c : 0xFFFD);
		}
	}
	if (out && size > 0)
		out[s.len < size ? s.len : size - 1] = '\0';
	return s.len;
}

size_t escpos_render(enum escpos_codepage codepage, const char *text, size_t len,
                     char *out, size_t size)
{
	struct sink s = {.out = (unsigned char *)out, .size = out && size ? size - 1 : 0, .len = 0};
	const unsigned char *p = (const unsigned char *)text;
	bool bol = true;

	while (len > 0) {
		unsigned char bytes[8]; /* one character's bytes: at most 3 (a fallback) */
		struct sink one = {.out = bytes, .size = sizeof bytes, .len = 0};
		uint32_t c;
		const unsigned char *data;
		size_t n, used = bol ? code_line(p, len, &data, &n) : 0;
		if (used) { /* its characters where the paper has the code */
			for (size_t i = 0; i < n; i++)
				put(&s, data[i]);
			put(&s, '\n');
			p += used, len -= used;
			continue;
		}
		used = utf8_next(p, len, &c);
		bol = c == '\n';

		encode_char(&one, codepage, c, 0);
		for (size_t i = 0; i < one.len && i < sizeof bytes; i++) {
			if (bytes[i] == '\n' || bytes[i] == '\t') {
				put(&s, bytes[i]);
			} else {
				uint32_t u = escpos_byte_to_unicode(codepage, bytes[i]);
				put_utf8(&s, u ? u : 0xFFFD);
			}
		}
		p += used, len -= used;
	}
	if (out && size > 0)
		out[s.len < size ? s.len : size - 1] = '\0';
	return s.len;
}
