/* dlg_confirm.c — a yes-or-no question before something that cannot be
 * taken back lightly: voiding a line, closing the shift. */
#include <curses.h>
#include <string.h>

#include "app/i18n.h"
#include "tui/draw.h"
#include "tui/tui_int.h"

static const struct keybind keys[] = {
	{KEYS_ENTER, ACT_OK, "Enter", N_("Yes"), N_("Yes")},
	{KEYS_ESC, ACT_BACK, "Esc", N_("No"), N_("No")},
	KEYS_END,
};

static struct {
	int asked;
	char title[128];
	char question[512];
} S;

static void enter(struct tui *t, const void *arg)
{
	const struct dlg_confirm_arg *a = arg;
	(void)t;
	S.asked = a->asked;
	snprintf(S.title, sizeof S.title, "%s", a->title);
	snprintf(S.question, sizeof S.question, "%s", a->question);
}

static int key(struct tui *t, int key)
{
	struct tui_result r = {.asked = S.asked};
	switch (keys_lookup(keys, key)) {
	case ACT_OK:
		r.kind = RESULT_OK;
		tui_close(t, &r);
		return TUI_REDRAW;
	case ACT_BACK:
		r.kind = RESULT_CANCELLED;
		tui_close(t, &r);
		return TUI_REDRAW;
	default:
		return TUI_HANDLED;
	}
}

static void draw(const struct tui *t)
{
	int w = 64, h = 7, y = (LINES - h) / 2, x = (COLS - w) / 2;
	(void)t;
	draw_box(y, x, h, w, ROLE_DIALOG_TITLE, ROLE_DIALOG, S.title);
	draw_text(y + 2, x + 2, w - 4, ROLE_DIALOG, -1, true, S.question);
	draw_text(y + h - 1, x + 2, w - 4, ROLE_DIALOG_TITLE, -1, false, _(" Enter yes · Esc no "));
}

const struct screen dlg_confirm = {
	.name = "confirm",
	.flags = SCREEN_DIALOG,
	.enter = enter,
	.key = key,
	.draw = draw,
	.keytable = keys,
};
