/* dlg_search.c — search the catalog by a name's prefix or a code as it is
 * typed; Enter answers with the product chosen (its code) and the
 * quantity the opener asked for. */
#include <curses.h>
#include <string.h>

#include "app/i18n.h"
#include "core/money.h"
#include "tui/draw.h"
#include "tui/field.h"
#include "tui/listview.h"
#include "tui/tui_int.h"

#define SEARCH_MAX 50 /* results shown */

static const struct keybind keys[] = {
	KEYS_LIST_ROWS(N_("Choose a product")),
	{KEYS_ENTER, ACT_OK, "Enter", N_("Add the chosen product"), N_("Add")},
	{KEYS_ESC, ACT_BACK, "Esc", N_("Close the search"), N_("Close")},
	KEYS_END,
};

static struct {
	int asked;
	int64_t quantity;
	struct field text;
	struct kp_product results[SEARCH_MAX];
	struct listview list;
} S;

static int rows(void)
{
	return LINES - 5 - 4;
}

static void run(struct tui *t)
{
	store_err err;
	int n = 0;
	if (S.text.len && catalog_find(t->db, S.text.text, S.results, SEARCH_MAX, &n, &err) != STORE_OK) {
		n = 0;
		tui_message(t, ROLE_ERROR, "%s", kp_msg_text(&err.msg));
	}
	S.list = (struct listview){0};
	listview_set_count(&S.list, (size_t)n);
}

static void enter(struct tui *t, const void *arg)
{
	const struct dlg_search_arg *a = arg;
	S.asked = a->asked;
	S.quantity = a->quantity > 0 ? a->quantity : 1;
	field_init(&S.text, FIELD_TEXT, 40);
	field_set(&S.text, a->text ? a->text : "", false);
	run(t);
}

static int key(struct tui *t, int key)
{
	int a = keys_lookup(keys, key);

	if (listview_key(&S.list, a, rows()))
		return TUI_REDRAW;
	if (a == ACT_BACK) {
		struct tui_result r = {.kind = RESULT_CANCELLED, .asked = S.asked};
		tui_close(t, &r);
		return TUI_REDRAW;
	}
	if (a == ACT_OK) {
		if (S.list.count == 0)
			return TUI_HANDLED;
		const struct kp_product *p = &S.results[S.list.sel];
		struct tui_result r = {.kind = RESULT_OK, .asked = S.asked, .number = S.quantity};
		snprintf(r.text, sizeof r.text, "%s", p->barcode[0] ? p->barcode : p->sku);
		tui_close(t, &r);
		return TUI_REDRAW;
	}
	bool changed;
	int flags = tui_field_key(t, &S.text, key, &changed);
	if (changed)
		run(t);
	return flags;
}

static void draw(const struct tui *t)
{
	int h = LINES - 5, w = COLS - 8, y = 2, x = 4;
	char price[48];

	draw_box(y, x, h, w, ROLE_DIALOG_TITLE, ROLE_DIALOG, _("Search"));
	int px = x + 2 + draw_text(y + 1, x + 2, w - 4, ROLE_INPUT, -1, false, _("Name or code:")) + 1;
	field_draw(&S.text, y + 1, px, x + w - 2 - px, ROLE_INPUT, true);
	int n = rows();
	if (S.list.count == 0)
		draw_text(y + 3, x + 2, w - 4, ROLE_DIM, -1, true,
		          S.text.len ? _("Nothing found") : _("Type the start of a name"));
	size_t top = listview_first(&S.list, n);
	for (int r = 0; r < n && top + (size_t)r < S.list.count; r++) {
		size_t i = top + (size_t)r;
		const struct kp_product *p = &S.results[i];
		enum theme_role role = i == S.list.sel ? ROLE_SELECTED : ROLE_DIALOG;
		money_format_plain(price, sizeof price, p->price);
		draw_text(y + 2 + r, x + 1, w - 2, role, -1, true, "");
		draw_text(y + 2 + r, x + 1, 14, role, -1, true, p->barcode[0] ? p->barcode : p->sku);
		draw_text(y + 2 + r, x + 15, w - 32, role, -1, true, tui_product_name(p->name_ru, p->name_kk));
		draw_text(y + 2 + r, x + w - 17, 12, role, 1, true, price);
		draw_textf(y + 2 + r, x + w - 5, 4, role, 1, true, "%d%%", p->tax_rate);
	}
	draw_text(y + h - 1, x + 2, w - 4, ROLE_DIALOG_TITLE, -1, false, _(" ↑↓ choose · Enter add · Esc close "));
	(void)t;
}

const struct screen dlg_search = {
	.name = "search",
	.flags = SCREEN_DIALOG,
	.enter = enter,
	.key = key,
	.draw = draw,
	.keytable = keys,
};
