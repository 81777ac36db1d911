/* buyer.c — what the buyer's display shows (app/display.h), from what
 * the till has: the basket, then each screen on the stack (bottom first)
 * through its buyer hook — the payment screen adds the payment, the
 * tender screen the thanks. Built after every draw, published only when
 * it differs from the last view published, so a second's clock tick
 * costs one build and a compare. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/i18n.h"
#include "core/clock.h"
#include "tui/tui_int.h"

void tui_display_start(struct tui *t)
{
	char path[CONFIG_PATH_MAX + 16], err[256];
	t->shown_last = -1;
	if (!t->cfg->display.listen[0] && !t->cfg->display.vfd[0])
		return;
	for (int i = 0; i < 2; i++) {
		t->shown_lines[i] = calloc(DISPLAY_LINES_MAX, sizeof *t->shown_lines[i]);
		if (!t->shown_lines[i]) {
			tui_message(t, ROLE_ERROR, "%s", _("The customer display is off: out of memory"));
			tui_display_stop(t);
			return;
		}
	}
	if (t->cfg->display.vfd[0] &&
	    !(t->vfd = vfd_start(t->cfg->display.vfd, (unsigned char)t->cfg->display.vfd_table, err,
	                         sizeof err)))
		tui_message(t, ROLE_ERROR, "%s", err);
	snprintf(path, sizeof path, "%s/display.url", t->cfg->home);
	if (t->cfg->display.listen[0]) {
		if (!display_start(t->cfg, path, &t->display, err, sizeof err))
			tui_message(t, ROLE_ERROR, "%s", err);
		else if (err[0])
			tui_message(t, ROLE_ERROR, "%s", err);
	}
	if (!t->display && !t->vfd)
		tui_display_stop(t);
}

void tui_display_stop(struct tui *t)
{
	display_stop(t->display);
	t->display = NULL;
	vfd_stop(t->vfd);
	t->vfd = NULL;
	for (int i = 0; i < 2; i++) {
		free(t->shown_lines[i]);
		t->shown_lines[i] = NULL;
	}
}

/* The basket's live lines and totals; idle when there are none. */
static void build(const struct tui *t, struct display_view *v, struct display_line *lines)
{
	memset(v, 0, sizeof *v);
	v->lines = lines;
	v->n_lines = display_basket_lines(&t->basket, lines, DISPLAY_LINES_MAX);
	int64_t total = basket_total(&t->basket);
	v->total = total > 0 ? total : 0;
	v->items = basket_item_count(&t->basket);
	v->screen = v->n_lines ? DISPLAY_BASKET : DISPLAY_IDLE;
	for (int i = 0; i < t->depth; i++)
		if (t->stack[i]->buyer)
			t->stack[i]->buyer(t, v);
}

void tui_display_update(struct tui *t)
{
	if (!t->display && !t->vfd)
		return;
	int k = t->shown_last == 0 ? 1 : 0; /* the buffer not published */
	build(t, &t->shown[k], t->shown_lines[k]);
	/* the pole's countdown ticks by the second: it compares its own rows */
	const char *shop = t->cfg->display.name[0] ? t->cfg->display.name : t->cfg->store.name;
	vfd_show_view(t->vfd, &t->shown[k], shop, t->cfg->display.vfd_language, kp_mono_ms());
	if (t->shown_last >= 0 && display_view_same(&t->shown[k], &t->shown[t->shown_last]))
		return;
	display_publish(t->display, &t->shown[k]);
	t->shown_last = k;
}
