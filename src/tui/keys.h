/* keys.h — key bindings are data: each screen has a table of {key,
 * action, label} rows, from which its function-key bar and the help
 * screen are drawn, so that neither can say what the keys do not do.
 *
 * Keys are ints: a character is its Unicode code point, a curses key code
 * (KEY_F(1), KEY_UP, ...) carries KEYS_CODE so that the two never mix.
 * keys_normalize folds the spellings terminals use for one key (three
 * Enters, three Backspaces) into one, so a table names each key once.
 *
 * Actions are ints. The few that mean the same on every screen — moving
 * in a list, OK, back, help — are below ACT_SCREEN; each screen numbers
 * its own actions from ACT_SCREEN up in its own file, named for what
 * they do there (ACT_SCREEN + n never means two things on one table). */
#ifndef KP_TUI_KEYS_H
#define KP_TUI_KEYS_H

#include <stdbool.h>

#define KEYS_CODE 0x40000000
#define KC(k) ((k) | KEYS_CODE)   /* a curses key code as a key */
#define KEYS_ESC 27
#define KEYS_ENTER '\n'
#define KEYS_TAB '\t'
#define KEYS_CTRL(c) ((c) & 0x1f)

enum {
	ACT_NONE = 0,
	ACT_HELP,       /* the help of the screen in front */
	ACT_UP,         /* list moves (listview.h) */
	ACT_DOWN,
	ACT_PAGE_UP,
	ACT_PAGE_DOWN,
	ACT_HOME,
	ACT_END,
	ACT_OK,         /* Enter: what the screen offers to confirm */
	ACT_BACK,       /* Esc: leave the dialog or screen */
	ACT_SCREEN = 100, /* the first of a screen's own actions */
};

struct keybind {
	int key;              /* as above, after keys_normalize */
	int action;
	const char *name;     /* how the key is written: "F1", "Del", "+" */
	const char *label;    /* N_() text for the help; NULL: no entry there */
	const char *bar;      /* N_() short text for the function-key bar (at
	                         80 columns eleven must fit); NULL: not in it */
};

/* The rows every list has: ↑ ↓ PgUp PgDn Home End, one help entry. */
#define KEYS_LIST_ROWS(label)                                                         \
	{KC(KEY_UP), ACT_UP, "\xe2\x86\x91 \xe2\x86\x93 PgUp PgDn", (label), NULL},     \
	{KC(KEY_DOWN), ACT_DOWN, "\xe2\x86\x93", NULL, NULL},                           \
	{KC(KEY_PPAGE), ACT_PAGE_UP, "PgUp", NULL, NULL},                               \
	{KC(KEY_NPAGE), ACT_PAGE_DOWN, "PgDn", NULL, NULL},                             \
	{KC(KEY_HOME), ACT_HOME, "Home", NULL, NULL},                                   \
	{KC(KEY_END), ACT_END, "End", NULL, NULL}

/* The end of every table. */
#define KEYS_END {0, ACT_NONE, NULL, NULL, NULL}

/* One spelling per key: KEY_ENTER and CR become KEYS_ENTER; DEL and ^H
 * become KC(KEY_BACKSPACE). */
int keys_normalize(int key);

/* A printable character (not a curses key code, not a control). */
bool keys_is_text(int key);

/* The action bound to key in table, or ACT_NONE. */
int keys_lookup(const struct keybind *table, int key);

/* Esc then a digit stands for a function key where a terminal lacks
 * them: 1–9 → F1–F9, 0 → F10, '-' → F11, '=' → F12. Returns the function
 * key, or 0 when c is none of those. */
int keys_esc_digit(int c);

/* Draws the bar of table's bar entries on row y, `width` columns. */
void keys_draw_bar(const struct keybind *table, int y, int width);

/* The help entries of table (rows with a label), in order: at most max
 * of them into out[]. Returns how many there are. */
int keys_help_entries(const struct keybind *table, const struct keybind **out, int max);

/* The widest key name among table's help entries, in columns. */
int keys_name_width(const struct keybind *table);

#endif
