/* dlg_field.c — a box with one edited field: a quantity, a discount, the
 * buyer's phone, a reason. The opener says what the field takes (its
 * kind and length) and how its text becomes the answer (check); a text
 * check refuses keeps the box open with the reason on the message line. */
#include <curses.h>
#include <string.h>

#include "app/i18n.h"
#include "tui/draw.h"
#include "tui/field.h"
#include "tui/tui_int.h"

static const struct keybind keys[] = {
	{KEYS_ENTER, ACT_OK, "Enter", N_("OK"), N_("OK")},
	{KEYS_ESC, ACT_BACK, "Esc", N_("Cancel"), N_("Cancel")},
	KEYS_END,
};

static struct {
	int asked;
	char title[128], prompt[128], hint[256];
	bool (*check)(const char *text, struct tui_result *r, char *why, size_t size);
	struct field field;
} S;

static void enter(struct tui *t, const void *arg)
{
	const struct dlg_field_arg *a = arg;
	(void)t;
	S.asked = a->asked;
	snprintf(S.title, sizeof S.title, "%s", a->title);
	snprintf(S.prompt, sizeof S.prompt, "%s", a->prompt);
	snprintf(S.hint, sizeof S.hint, "%s", a->hint ? a->hint : "");
	S.check = a->check;
	field_init(&S.field, (enum field_kind)a->kind, a->max_chars);
	field_set(&S.field, a->text ? a->text : "", a->fresh);
}

static void leave(struct tui *t)
{
	(void)t;
	field_clear(&S.field);
}

static int key(struct tui *t, int key)
{
	char why[256];
	struct tui_result r = {.kind = RESULT_OK, .asked = S.asked};

	switch (keys_lookup(keys, key)) {
	case ACT_BACK:
		r.kind = RESULT_CANCELLED;
		tui_close(t, &r);
		return TUI_REDRAW;
	case ACT_OK:
		why[0] = '\0';
		if (S.check && !S.check(S.field.text, &r, why, sizeof why)) {
			tui_message(t, ROLE_ERROR, "%s", why);
			tui_bell(t, 1);
			return TUI_REDRAW;
		}
		if (!S.check)
			snprintf(r.text, sizeof r.text, "%s", S.field.text);
		tui_close(t, &r);
		return TUI_REDRAW;
	default:
		break;
	}
	return tui_field_key(t, &S.field, key, NULL);
}

static void draw(const struct tui *t)
{
	int w = 60, h = 7, y = (LINES - h) / 2, x = (COLS - w) / 2;
	(void)t;
	draw_box(y, x, h, w, ROLE_DIALOG_TITLE, ROLE_DIALOG, S.title);
	int px = x + 2 + draw_text(y + 2, x + 2, w - 4, ROLE_DIALOG, -1, false, S.prompt) + 1;
	field_draw(&S.field, y + 2, px, x + w - 2 - px, ROLE_DIALOG, true);
	draw_text(y + 4, x + 2, w - 4, ROLE_DIM, -1, true, S.hint);
	draw_text(y + h - 1, x + 2, w - 4, ROLE_DIALOG_TITLE, -1, false, _(" Enter OK · Esc cancel "));
}

const struct screen dlg_field = {
	.name = "field",
	.flags = SCREEN_DIALOG,
	.enter = enter,
	.leave = leave,
	.key = key,
	.draw = draw,
	.keytable = keys,
};
