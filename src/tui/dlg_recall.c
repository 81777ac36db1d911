/* dlg_recall.c — the held baskets (they survive a restart); Enter
 * answers with the one chosen, which the sale screen takes back. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "app/i18n.h"
#include "core/timeutil.h"
#include "store/held.h"
#include "tui/draw.h"
#include "tui/listview.h"
#include "tui/tui_int.h"

static const struct keybind keys[] = {
	KEYS_LIST_ROWS(N_("Choose a held basket")),
	{KEYS_ENTER, ACT_OK, "Enter", N_("Recall the chosen basket"), N_("Recall")},
	{KEYS_ESC, ACT_BACK, "Esc", N_("Close"), N_("Close")},
	KEYS_END,
};

static struct {
	int asked;
	struct held_basket *held;
	struct listview list;
} S;

static int rows(void)
{
	return LINES - 6 - 3;
}

static void enter(struct tui *t, const void *arg)
{
	store_err err;
	int n = 0;
	S.asked = *(const int *)arg;
	free(S.held);
	S.held = NULL;
	if (held_list(t->db, &S.held, &n, &err) != STORE_OK)
		tui_message(t, ROLE_ERROR, "%s", kp_msg_text(&err.msg));
	S.list = (struct listview){0};
	listview_set_count(&S.list, (size_t)n);
}

static void leave(struct tui *t)
{
	(void)t;
	free(S.held);
	S.held = NULL;
}

static int key(struct tui *t, int key)
{
	int a = keys_lookup(keys, key);
	struct tui_result r = {.asked = S.asked};

	if (listview_key(&S.list, a, rows()))
		return TUI_REDRAW;
	switch (a) {
	case ACT_BACK:
		r.kind = RESULT_CANCELLED;
		tui_close(t, &r);
		return TUI_REDRAW;
	case ACT_OK:
		if (S.list.count == 0)
			return TUI_HANDLED;
		r.kind = RESULT_OK;
		r.number = S.held[S.list.sel].id;
		tui_close(t, &r);
		return TUI_REDRAW;
	default:
		return TUI_HANDLED;
	}
}

static void draw(const struct tui *t)
{
	int h = LINES - 6, w = COLS - 10, y = 3, x = 5;
	char when[32];
	(void)t;

	draw_box(y, x, h, w, ROLE_DIALOG_TITLE, ROLE_DIALOG, _("Held baskets"));
	if (S.list.count == 0)
		draw_text(y + 2, x + 2, w - 4, ROLE_DIM, -1, true, _("No held baskets"));
	size_t top = listview_first(&S.list, rows());
	for (int r = 0; r < rows() && top + (size_t)r < S.list.count; r++) {
		size_t i = top + (size_t)r;
		const struct held_basket *hb = &S.held[i];
		kp_almaty_strftime(when, sizeof when, "%d.%m %H:%M", hb->held_at);
		draw_textf(y + 1 + r, x + 1, w - 2, i == S.list.sel ? ROLE_SELECTED : ROLE_DIALOG, -1, true,
		           " #%-4lld %s  %s", (long long)hb->id, when, hb->label);
	}
	draw_text(y + h - 1, x + 2, w - 4, ROLE_DIALOG_TITLE, -1, false, _(" Enter recall · Esc close "));
}

const struct screen dlg_recall = {
	.name = "recall",
	.flags = SCREEN_DIALOG,
	.enter = enter,
	.leave = leave,
	.key = key,
	.draw = draw,
	.keytable = keys,
};
