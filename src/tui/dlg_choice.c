/* dlg_choice.c — a question answered by one key among two or three
 * choices (1, 2, 3), or Esc for none: what to do with a paid part of a
 * sale given up. The choices are the opener's words; the keys are digits,
 * the same in every language. */
#include <curses.h>
#include <string.h>

#include "app/i18n.h"
#include "tui/draw.h"
#include "tui/tui_int.h"

enum {
	ACT_CHOICE_1 = ACT_SCREEN,
	ACT_CHOICE_2,
	ACT_CHOICE_3,
};

static const struct keybind keys[] = {
	{'1', ACT_CHOICE_1, "1 2 3", N_("The choice of that number"), NULL},
	{'2', ACT_CHOICE_2, "2", NULL, NULL},
	{'3', ACT_CHOICE_3, "3", NULL, NULL},
	{KEYS_ESC, ACT_BACK, "Esc", N_("None of them: back"), N_("Back")},
	KEYS_END,
};

#define QUESTION_LINES 3

static struct {
	int asked;
	char title[128];
	char question[QUESTION_LINES][256];
	char choices[DLG_CHOICES_MAX][256];
	int n;                    /* choices offered */
} S;

static void enter(struct tui *t, const void *arg)
{
	const struct dlg_choice_arg *a = arg;
	(void)t;
	memset(&S, 0, sizeof S);
	S.asked = a->asked;
	snprintf(S.title, sizeof S.title, "%s", a->title);
	const char *q = a->question;
	for (int i = 0; i < QUESTION_LINES && q && *q; i++) {
		const char *nl = strchr(q, '\n');
		size_t len = nl ? (size_t)(nl - q) : strlen(q);
		snprintf(S.question[i], sizeof S.question[i], "%.*s", (int)len, q);
		q = nl ? nl + 1 : NULL;
	}
	for (S.n = 0; S.n < DLG_CHOICES_MAX && a->choices[S.n]; S.n++)
		snprintf(S.choices[S.n], sizeof S.choices[S.n], "%s", a->choices[S.n]);
}

static int key(struct tui *t, int key)
{
	struct tui_result r = {.asked = S.asked};
	int a = keys_lookup(keys, key);
	if (a == ACT_BACK) {
		r.kind = RESULT_CANCELLED;
		tui_close(t, &r);
		return TUI_REDRAW;
	}
	if (a >= ACT_CHOICE_1 && a < ACT_CHOICE_1 + S.n) {
		r.kind = RESULT_OK;
		r.number = a - ACT_CHOICE_1 + 1;
		tui_close(t, &r);
		return TUI_REDRAW;
	}
	return TUI_HANDLED;
}

static void draw(const struct tui *t)
{
	int lines = 0;
	while (lines < QUESTION_LINES && S.question[lines][0])
		lines++;
	int w = 72, h = 5 + lines + S.n, y = (LINES - h) / 2, x = (COLS - w) / 2;
	(void)t;
	draw_box(y, x, h, w, ROLE_DIALOG_TITLE, ROLE_DIALOG, S.title);
	for (int i = 0; i < lines; i++)
		draw_text(y + 2 + i, x + 2, w - 4, ROLE_DIALOG, -1, true, S.question[i]);
	for (int i = 0; i < S.n; i++)
		draw_textf(y + 3 + lines + i, x + 2, w - 4, ROLE_DIALOG, -1, true, "%d  %s", i + 1,
		           S.choices[i]);
	draw_textf(y + h - 1, x + 2, w - 4, ROLE_DIALOG_TITLE, -1, false, _(" 1…%d choose · Esc back "),
	           S.n);
}

const struct screen dlg_choice = {
	.name = "choice",
	.flags = SCREEN_DIALOG,
	.enter = enter,
	.key = key,
	.draw = draw,
	.keytable = keys,
};
