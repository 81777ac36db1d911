/* text.c — see text.h. */
#include "core/text.h"

#include <string.h>

/* Decodes one character at s (len > 0 bytes left) by the well-formed
 * sequences of Unicode's table 3-7. Returns its byte count with *cp set;
 * or 0 when it is not UTF-8, with *bad the bytes of its maximal subpart
 * (at least 1), the part to replace by one U+FFFD. */
static size_t utf8_decode(const unsigned char *s, size_t len, unsigned *cp, size_t *bad)
{
	unsigned c = s[0];
	size_t need;
	unsigned lo = 0x80, hi = 0xbf; /* the allowed range of the second byte */

	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		need = 1, c &= 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 2, c &= 0x0f;
		if (c == 0x0)
			lo = 0xa0; /* E0 80..9F would be overlong */
		else if (c == 0xd)
			hi = 0x9f; /* ED A0..BF would be a surrogate */
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3, c &= 0x07;
		if (c == 0)
			lo = 0x90; /* F0 80..8F would be overlong */
		else if (c == 4)
			hi = 0x8f; /* F4 90.. would pass U+10FFFF */
	} else {
		*bad = 1; /* a continuation byte alone, C0, C1, F5..FF */
		return 0;
	}
	for (size_t i = 1; i <= need; i++) {
		unsigned b = i < len ? s[i] : 0;
		if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xbf)) {
			*bad = i;
			return 0;
		}
		c = (c << 6) | (b & 0x3f);
	}
	*cp = c;
	return need + 1;
}

/* A C0 control, DEL or a C1 control. */
static bool is_control(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

/* TAB, LF, VT, FF and CR: controls that stand for a space in text. */
static bool is_space_control(unsigned cp)
{
	return cp >= 0x09 && cp <= 0x0d;
}

size_t kp_text_safe_len(char *dst, size_t size, const char *src, size_t len)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t o = 0, i = 0;

	if (size == 0)
		return 0;
	while (i < len) {
		unsigned cp = 0;
		size_t bad = 0;
		size_t n = utf8_decode(s + i, len - i, &cp, &bad);
		const char *piece;
		size_t piece_len;
		if (n == 0) {
			piece = KP_TEXT_REPLACEMENT, piece_len = 3;
			n = bad;
		} else if (is_space_control(cp)) {
			piece = " ", piece_len = 1;
		} else if (is_control(cp)) {
			piece = KP_TEXT_REPLACEMENT, piece_len = 3;
		} else {
			piece = (const char *)s + i, piece_len = n;
		}
		if (piece_len > size - 1 - o)
			break; /* cut before a character that does not fit whole */
		memcpy(dst + o, piece, piece_len);
		o += piece_len;
		i += n;
	}
	dst[o] = '\0';
	return o;
}

size_t kp_text_safe(char *dst, size_t size, const char *src)
{
	return kp_text_safe_len(dst, size, src ? src : "", src ? strlen(src) : 0);
}

bool kp_text_is_safe(const char *s)
{
	if (!s)
		return false;
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s);
	for (size_t i = 0; i < len;) {
		unsigned cp = 0;
		size_t bad = 0;
		size_t n = utf8_decode(p + i, len - i, &cp, &bad);
		if (n == 0 || is_control(cp))
			return false;
		i += n;
	}
	return true;
}

size_t kp_utf8_encode(unsigned cp, char *out)
{
	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}
