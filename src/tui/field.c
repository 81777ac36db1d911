/* field.c — see field.h. */
#include "tui/field.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "app/i18n.h"
#include "core/text.h"
#include "tui/draw.h"
#include "tui/keys.h"

void field_init(struct field *f, enum field_kind kind, int max_chars)
{
	explicit_bzero(f, sizeof *f);
	f->kind = kind;
	f->max_chars = max_chars;
}

void field_clear(struct field *f)
{
	explicit_bzero(f->text, sizeof f->text);
	f->len = f->cursor = 0;
	f->fresh = false;
}

/* Length of the UTF-8 character starting at s[0] (1 for a stray byte). */
static size_t char_len(const char *s, size_t left)
{
	unsigned char c = (unsigned char)s[0];
	size_t n = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
	return n <= left ? n : 1;
}

int field_chars(const struct field *f)
{
	int n = 0;
	for (size_t i = 0; i < f->len; i += char_len(f->text + i, f->len - i))
		n++;
	return n;
}

void field_set(struct field *f, const char *text, bool fresh)
{
	field_clear(f);
	size_t n = strlen(text);
	int chars = 0;
	size_t i = 0;
	while (i < n && i < sizeof f->text - 1) {
		size_t c = char_len(text + i, n - i);
		if (i + c > sizeof f->text - 1 || (f->max_chars && chars == f->max_chars))
			break;
		i += c;
		chars++;
	}
	memcpy(f->text, text, i);
	f->text[i] = '\0';
	f->len = f->cursor = i;
	f->fresh = fresh && i > 0;
}

/* The start of the character before byte offset at. */
static size_t prev_char(const struct field *f, size_t at)
{
	while (at > 0) {
		at--;
		if (((unsigned char)f->text[at] & 0xc0) != 0x80)
			break;
	}
	return at;
}

/* Whether the kind takes character c at the cursor; else sets *why. */
static bool kind_takes(const struct field *f, int c, const char **why)
{
	bool digit = c >= '0' && c <= '9';
	switch (f->kind) {
	case FIELD_TEXT:
		return true;
	case FIELD_DIGITS:
		*why = N_("Only digits here");
		return digit;
	case FIELD_AMOUNT:
		*why = N_("Only digits and one comma here, like 500 or 500,50");
		if (digit || c == ' ')
			return true;
		return (c == ',' || c == '.') && !memchr(f->text, ',', f->len) && !memchr(f->text, '.', f->len);
	case FIELD_DISCOUNT: {
		/* xgettext:no-c-format */
		*why = N_("Only digits, one comma and % at the end: 10% or 500");
		bool has_percent = memchr(f->text, '%', f->len) != NULL;
		if (has_percent && f->cursor == f->len)
			return false; /* nothing after the % */
		if (c == '%')
			return !has_percent && f->cursor == f->len && f->len > 0;
		if (digit)
			return true;
		return (c == ',' || c == '.') && !memchr(f->text, ',', f->len) && !memchr(f->text, '.', f->len);
	}
	case FIELD_PHONE:
		*why = N_("Only digits, +, spaces, brackets and dashes in a phone");
		return digit || c == '+' || c == ' ' || c == '(' || c == ')' || c == '-';
	}
	return false;
}

/* Inserts code point c at the cursor. */
static enum field_outcome insert(struct field *f, int c, char *why, size_t size)
{
	const char *reason = NULL;
	char bytes[8];

	if (f->fresh) {
		field_clear(f); /* the first character replaces the value shown */
	}
	if (!kind_takes(f, c, &reason)) {
		snprintf(why, size, "%s", _(reason));
		return FIELD_REFUSED;
	}
	size_t n = c < 0 ? 0 : kp_utf8_encode((unsigned)c, bytes);
	if (n == 0) {
		snprintf(why, size, "%s", _("This character cannot be typed here"));
		return FIELD_REFUSED;
	}
	if ((f->max_chars && field_chars(f) >= f->max_chars) || f->len + n >= sizeof f->text) {
		int most = f->max_chars ? f->max_chars : field_chars(f);
		if (f->kind == FIELD_DIGITS)
			snprintf(why, size, ngettext("At most %d digit here", "At most %d digits here", most), most);
		else
			snprintf(why, size, ngettext("At most %d character here", "At most %d characters here", most),
			         most);
		return FIELD_REFUSED;
	}
	memmove(f->text + f->cursor + n, f->text + f->cursor, f->len - f->cursor + 1);
	memcpy(f->text + f->cursor, bytes, n);
	f->len += n;
	f->cursor += n;
	return FIELD_CHANGED;
}

/* Removes the character that starts at byte offset at. */
static void erase_at(struct field *f, size_t at)
{
	size_t n = char_len(f->text + at, f->len - at);
	memmove(f->text + at, f->text + at + n, f->len - at - n + 1);
	f->len -= n;
	explicit_bzero(f->text + f->len, n);
}

enum field_outcome field_key(struct field *f, int key, char *why, size_t size)
{
	if (why && size)
		why[0] = '\0';
	if (key == KC(KEY_BACKSPACE)) {
		f->fresh = false;
		if (f->cursor == 0)
			return FIELD_IGNORED;
		f->cursor = prev_char(f, f->cursor);
		erase_at(f, f->cursor);
		return FIELD_CHANGED;
	}
	if (key == KC(KEY_DC)) {
		f->fresh = false;
		if (f->cursor >= f->len)
			return FIELD_IGNORED;
		erase_at(f, f->cursor);
		return FIELD_CHANGED;
	}
	if (key == KEYS_CTRL('u')) {
		field_clear(f);
		return FIELD_CHANGED;
	}
	if (key == KC(KEY_LEFT) || key == KC(KEY_HOME)) {
		f->fresh = false;
		f->cursor = key == KC(KEY_HOME) ? 0 : prev_char(f, f->cursor);
		return FIELD_CHANGED;
	}
	if (key == KC(KEY_RIGHT) || key == KC(KEY_END)) {
		f->fresh = false;
		if (key == KC(KEY_END))
			f->cursor = f->len;
		else if (f->cursor < f->len)
			f->cursor += char_len(f->text + f->cursor, f->len - f->cursor);
		return FIELD_CHANGED;
	}
	if (keys_is_text(key))
		return insert(f, key, why, size);
	return FIELD_IGNORED;
}

int field_draw(const struct field *f, int y, int x, int width, enum theme_role role, bool focused)
{
	char shown[FIELD_SIZE * 2];
	size_t o = 0, cursor_at = 0;

	/* what is shown: the text, or ● for each character of a secret */
	for (size_t i = 0; i <= f->len && o + 4 < sizeof shown; ) {
		if (i == f->cursor)
			cursor_at = o;
		if (i == f->len)
			break;
		size_t n = char_len(f->text + i, f->len - i);
		if (f->secret) {
			memcpy(shown + o, "\xe2\x97\x8f", 3);
			o += 3;
		} else {
			memcpy(shown + o, f->text + i, n);
			o += n;
		}
		i += n;
	}
	shown[o] = '\0';
	if (!focused)
		return draw_text(y, x, width, role, -1, false, shown);

	/* the part before the cursor, the cursor, the rest */
	char before[FIELD_SIZE * 2];
	snprintf(before, sizeof before, "%.*s", (int)cursor_at, shown);
	int cols = draw_text(y, x, width - 1, f->fresh ? ROLE_SELECTED : role, -1, false, before);
	if (cursor_at >= o) {
		cols += draw_text(y, x + cols, width - cols, role, -1, false, "_");
		return cols;
	}
	size_t n = char_len(shown + cursor_at, o - cursor_at);
	char under[8];
	snprintf(under, sizeof under, "%.*s", (int)n, shown + cursor_at);
	cols += draw_text(y, x + cols, width - cols, ROLE_SELECTED, -1, false, under);
	cols += draw_text(y, x + cols, width - cols, role, -1, false, shown + cursor_at + n);
	return cols;
}
