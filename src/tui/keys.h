/* keys.h — key bindings are data: one table of {key, action, label} per
 * screen, from which the function-key bar and the help screen are drawn.
 *
 * Keys are ints: a character is its Unicode code point, a curses key code
 * (KEY_F(1), KEY_UP, ...) carries KEYS_CODE so that the two never mix. */
#ifndef KP_TUI_KEYS_H
#define KP_TUI_KEYS_H

#include <stdbool.h>

#define KEYS_CODE 0x40000000
#define KC(k) ((k) | KEYS_CODE)   /* a curses key code as a key */
#define KEYS_ESC 27
#define KEYS_ENTER '\n'
#define KEYS_CTRL(c) ((c) & 0x1f)

enum action {
	ACT_NONE,
	ACT_HELP,
	ACT_SEARCH,
	ACT_QUANTITY,
	ACT_DISCOUNT,
	ACT_HOLD,       /* hold the basket, or recall one when it is empty */
	ACT_LOGOUT,
	ACT_SETTLE,     /* a late payment becomes a completed sale */
	ACT_VOID,
	ACT_JOURNAL,
	ACT_PAY_QR,
	ACT_PAY_PHONE,
	ACT_REPORTS,
	ACT_DELETE,     /* remove the selected line */
	ACT_PLUS,
	ACT_MINUS,
	ACT_UP,
	ACT_DOWN,
	ACT_PAGE_UP,
	ACT_PAGE_DOWN,
	ACT_HOME,
	ACT_END,
	ACT_ENTER,
	ACT_BACK,       /* Esc: leave a dialog or screen */
	ACT_QUIT,
};

struct keybind {
	int key;              /* as above */
	enum action action;
	const char *name;     /* how the key is written: "F1", "Del", "+" */
	const char *label;    /* N_() text for the help; NULL: no entry there */
	const char *bar;      /* N_() short text for the function-key bar (at
	                         80 columns eleven must fit); NULL: not in it */
};

/* Key tables; each ends with an entry whose key is 0. */
extern const struct keybind keys_sale[];
extern const struct keybind keys_login[];
extern const struct keybind keys_dialog[];
extern const struct keybind keys_list_dialog[];
extern const struct keybind keys_info[];
extern const struct keybind keys_pay[];
extern const struct keybind keys_pay_done[];
extern const struct keybind keys_journal[];
extern const struct keybind keys_journal_detail[];
extern const struct keybind keys_reports[];

/* Backspace as terminals send it (the curses key, DEL or ^H). */
bool keys_is_backspace(int key);

/* A printable character (not a curses key code, not a control). */
bool keys_is_text(int key);

/* The action bound to key in table, or ACT_NONE. */
enum action keys_lookup(const struct keybind *table, int key);

/* Esc then a digit stands for a function key where a terminal lacks
 * them: 1–9 → F1–F9, 0 → F10, '-' → F11, '=' → F12. Returns the function
 * key, or 0 when c is none of those. */
int keys_esc_digit(int c);

/* Draws the bar of table's bar entries on row y, `width` columns. */
void keys_draw_bar(const struct keybind *table, int y, int width);

/* Draws the help for table into the box (y, x, h, w), one line per
 * labelled key, in two columns when wide enough. */
void keys_draw_help(const struct keybind *table, int y, int x, int h, int w);

#endif
