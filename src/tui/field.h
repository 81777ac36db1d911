/* field.h — the one edited field of the TUI: the sale's input line, the
 * search, a quantity, a discount, an amount, a phone, a reason, a PIN.
 * UTF-8 text with a cursor; each kind takes only its own characters and
 * refuses the rest with a message (never cutting silently); a field
 * opened on a value (a quantity of 3) is `fresh`: the first character
 * typed replaces it, so 3 then 5 is 5, not 35.
 *
 * field_key is pure (no curses): the tests drive it directly. */
#ifndef KP_TUI_FIELD_H
#define KP_TUI_FIELD_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/theme.h"

#define FIELD_SIZE 256 /* bytes, NUL included */

enum field_kind {
	FIELD_TEXT,     /* any printable text */
	FIELD_DIGITS,   /* digits only: a quantity, a PIN */
	FIELD_AMOUNT,   /* tenge: digits, one ',' or '.', spaces between groups */
	FIELD_DISCOUNT, /* an amount in tenge, or a percent with '%' at the end */
	FIELD_PHONE,    /* digits, '+', spaces, brackets and dashes */
};

struct field {
	char text[FIELD_SIZE];
	size_t len;            /* bytes of text */
	size_t cursor;         /* byte offset of the cursor, at a character start */
	int max_chars;         /* at most this many characters (0: what fits) */
	enum field_kind kind;
	bool fresh;            /* the next character typed replaces the text */
	bool secret;           /* drawn as ●; wiped when cleared */
};

enum field_outcome {
	FIELD_IGNORED,         /* not a key for the field */
	FIELD_CHANGED,         /* the text or the cursor moved */
	FIELD_REFUSED,         /* a character the field does not take: *why says so */
};

/* An empty field of kind, at most max_chars characters (0: no limit but
 * the buffer's). */
void field_init(struct field *f, enum field_kind kind, int max_chars);

/* Puts text in the field (cut at the limit), the cursor at its end;
 * fresh: the first character typed replaces it. */
void field_set(struct field *f, const char *text, bool fresh);

/* Empties the field (wiping the bytes: a PIN leaves nothing behind). */
void field_clear(struct field *f);

static inline bool field_empty(const struct field *f)
{
	return f->len == 0;
}

/* Characters in the field. */
int field_chars(const struct field *f);

/* One key: a character (when the kind takes it), Backspace, Del, ← →,
 * Home, End, ^U (clears). FIELD_REFUSED puts a one-line reason in the
 * cashier's language into why (size bytes). */
enum field_outcome field_key(struct field *f, int key, char *why, size_t size);

/* Draws the field at (y, x) in width columns: its text (● for a secret),
 * then the cursor ('_' at the end, the character under it reversed
 * elsewhere) when focused. Returns the columns written. */
int field_draw(const struct field *f, int y, int x, int width, enum theme_role role, bool focused);

#endif
