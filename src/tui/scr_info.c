/* scr_info.c — the help screen (drawn from the key table of the screen
 * it was opened from) and the journal, reports and payment screens,
 * which the journal and report issues fill. */
#include <curses.h>

#include "app/i18n.h"
#include "tui/draw.h"
#include "tui/tui_int.h"

void info_enter(struct tui *t, enum tui_screen screen)
{
	t->back_to = t->screen;
	t->screen = screen;
	t->dialog = DIALOG_NONE;
	t->dirty = true;
}

int info_key(struct tui *t, int key)
{
	if (keys_lookup(keys_info, key) == ACT_BACK) {
		t->screen = t->back_to;
		t->dirty = true;
		return TUI_REDRAW;
	}
	return TUI_HANDLED;
}

void info_draw(struct tui *t)
{
	int y = 2, x = 2, h = LINES - 4, w = COLS - 4;

	tui_draw_header(t);
	switch (t->screen) {
	case SCREEN_HELP:
		draw_box(y, x, h, w, ROLE_DIALOG_TITLE, ROLE_DIALOG, _("Help: keys"));
		keys_draw_help(t->back_to == SCREEN_LOGIN ? keys_login : keys_sale, y + 1, x + 1, h - 2, w - 2);
		break;
	default:
		break;
	}
	keys_draw_bar(keys_info, LINES - 1, COLS);
}
