/* keys.c — what is drawn and looked up from the key tables (each table
 * lives in its screen's file). */
#include "tui/keys.h"

#include <curses.h>
#include <string.h>

#include "app/i18n.h"
#include "tui/draw.h"

int keys_normalize(int key)
{
	if (key == KC(KEY_ENTER) || key == '\r')
		return KEYS_ENTER;
	if (key == 127 || key == 8)
		return KC(KEY_BACKSPACE);
	return key;
}

bool keys_is_text(int key)
{
	return !(key & KEYS_CODE) && key >= 0x20 && key != 0x7f && !(key >= 0x80 && key < 0xa0);
}

int keys_lookup(const struct keybind *table, int key)
{
	for (; table && table->key; table++)
		if (table->key == key)
			return table->action;
	return ACT_NONE;
}

int keys_esc_digit(int c)
{
	if (c >= '1' && c <= '9')
		return KC(KEY_F(c - '0'));
	if (c == '0')
		return KC(KEY_F(10));
	if (c == '-')
		return KC(KEY_F(11));
	if (c == '=')
		return KC(KEY_F(12));
	return 0;
}

void keys_draw_bar(const struct keybind *table, int y, int width)
{
	int x = 0;

	draw_fill(y, 0, 1, width, ROLE_FKEY_LABEL);
	for (; table && table->key && x < width; table++) {
		if (!table->bar)
			continue;
		const char *label = _(table->bar);
		int need = draw_width(table->name) + draw_width(label) + 1;
		if (x + need > width)
			break;
		x += draw_text(y, x, width - x, ROLE_FKEY, -1, false, table->name);
		x += draw_text(y, x, width - x, ROLE_FKEY_LABEL, -1, false, label);
		if (x < width)
			x += draw_text(y, x, 1, ROLE_FKEY_LABEL, -1, true, " ");
	}
}

int keys_help_entries(const struct keybind *table, const struct keybind **out, int max)
{
	int n = 0;
	for (; table && table->key; table++) {
		if (!table->label)
			continue;
		if (n < max)
			out[n] = table;
		n++;
	}
	return n;
}

int keys_name_width(const struct keybind *table)
{
	int w = 0;
	for (; table && table->key; table++)
		if (table->label && draw_width(table->name) > w)
			w = draw_width(table->name);
	return w;
}
