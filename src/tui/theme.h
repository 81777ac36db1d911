/* theme.h — colours are a table: semantic roles, one attribute each.
 * Drawing code only ever says attrset(theme_attr(ROLE_X)); a theme file
 * (themes/NAME.theme) maps roles to colours, and switching theme swaps the
 * table. The QR code has its own fixed pair that no theme changes. */
#ifndef KP_TUI_THEME_H
#define KP_TUI_THEME_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>

enum theme_role {
	ROLE_NORMAL,          /* the basket area */
	ROLE_HEADER,          /* the top bar */
	ROLE_STATUS_OK,       /* connection ok */
	ROLE_STATUS_WARN,     /* connection unknown or slow */
	ROLE_STATUS_BAD,      /* offline, key rejected */
	ROLE_COLUMN_TITLE,    /* basket column headings */
	ROLE_SELECTED,        /* the selected basket line or list entry */
	ROLE_DISCOUNT,        /* a discount note under a line */
	ROLE_TOTAL,           /* the total */
	ROLE_VAT,             /* VAT per rate */
	ROLE_INPUT,           /* the input line */
	ROLE_INFO,            /* a message to the cashier */
	ROLE_ERROR,           /* an error message */
	ROLE_FKEY,            /* "F1" in the key bar */
	ROLE_FKEY_LABEL,      /* "Help" in the key bar */
	ROLE_DIALOG,          /* dialog body */
	ROLE_DIALOG_TITLE,    /* dialog frame and title */
	ROLE_DIM,             /* hints, secondary text */
	ROLE_COUNT
};

/* The colour pair of the QR code: black on white in every theme. */
#define THEME_QR_PAIR 63

/* Loads theme `name` (default, dark, high-contrast, mono) from the first
 * of the given folders that has NAME.theme and applies it. Must run after
 * initscr(). Colour-less terminals and NO_COLOR get the mono attributes.
 * A missing or broken file gives the built-in default and one line in
 * warning (else warning[0] == '\0'). */
void theme_load(const char *name, const char *const *dirs, char *warning, size_t size);

/* Applies theme text directly (what theme_load does after reading the
 * file); `origin` names it in warnings. Returns false if any line was bad
 * (the good lines still apply). */
bool theme_apply_text(const char *text, const char *origin, char *warning, size_t size) KP_MUST_CHECK;

/* One role as a theme line gives it. Pure data: tests parse themes
 * without a terminal. */
struct theme_spec {
	short fg, bg;         /* colours 0–15 (bright + 8), -1 the terminal's default */
	bool colour;          /* the line gave "FG on BG" */
	int attr;             /* A_BOLD, A_REVERSE ... */
};

/* Parses theme text into specs (the roles it names are overwritten).
 * False, with the first bad line in warning, when any line is bad. */
bool theme_parse(const char *text, const char *origin, struct theme_spec specs[ROLE_COUNT],
                 char *warning, size_t size) KP_MUST_CHECK;

/* The built-in theme under every file: the default, or mono. */
const char *theme_builtin(bool with_colour);

/* Whether a and b look different on the screen (what fills their cells),
 * normal giving the background of roles without colours. The selected
 * row must be distinct from the dialog and from normal in every theme. */
bool theme_spec_distinct(const struct theme_spec *a, const struct theme_spec *b,
                         const struct theme_spec *normal);

/* The curses attribute of a role. */
int theme_attr(enum theme_role role);

/* True when colours are in use (not mono, not NO_COLOR). */
bool theme_has_colour(void);

#endif
