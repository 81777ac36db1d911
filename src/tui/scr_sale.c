/* scr_sale.c — the screen a cashier lives in: the basket, its totals with
 * VAT per rate, the input line for codes and the function-key bar. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "app/i18n.h"
#include "core/money.h"
#include "store/events.h"
#include "store/held.h"
#include "tui/draw.h"
#include "tui/tui_int.h"

void sale_enter(struct tui *t)
{
	t->screen = SCREEN_SALE;
	t->dialog = DIALOG_NONE;
	t->input[0] = '\0';
	t->msg.text[0] = '\0';
	t->dirty = true;
}

/* Rows of basket lines that fit: all but header, titles, the totals
 * (a rule and three rows), message, input and key bar. */
static int list_rows(const struct tui *t)
{
	return LINES - 9 - (t->n_alerts ? 1 : 0);
}

static void keep_selection_visible(struct tui *t)
{
	size_t rows = (size_t)list_rows(t);
	if (t->basket.count == 0) {
		t->sel = t->top = 0;
		return;
	}
	if (t->sel >= t->basket.count)
		t->sel = t->basket.count - 1;
	if (t->sel < t->top)
		t->top = t->sel;
	if (t->sel >= t->top + rows)
		t->top = t->sel - rows + 1;
}

static bool basket_empty(const struct tui *t)
{
	return basket_item_count(&t->basket) == 0;
}

static bool is_code(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      *s == '-' || *s == '_' || *s == '.' || *s == '/'))
			return false;
	return true;
}

/* Enter on the input line: "CODE", "N*CODE", or text to search for. */
static int submit_input(struct tui *t)
{
	char line[TUI_INPUT_MAX];
	int64_t qty = 1;
	char *code = line;

	snprintf(line, sizeof line, "%s", t->input);
	t->input[0] = '\0';
	char *star = strchr(line, '*');
	if (star) {
		char *end;
		*star = '\0';
		long q = strtol(line, &end, 10);
		if (end == line || *end || q < 1 || q > BASKET_QTY_MAX) {
			tui_message(t, ROLE_ERROR, _("Quantity must be 1…%d, as in 3*CODE"), BASKET_QTY_MAX);
			tui_bell(t, 1);
			return TUI_REDRAW;
		}
		qty = q;
		code = star + 1;
	}
	while (*code == ' ')
		code++;
	if (!*code)
		return TUI_REDRAW;
	if (is_code(code)) {
		struct kp_product p;
		store_err err;
		bool digits = strspn(code, "0123456789") == strlen(code);
		/* all digits: a barcode or SKU, and nothing else */
		if (digits || catalog_by_sku(t->db, code, &p, &err) == STORE_OK ||
		    catalog_by_barcode(t->db, code, &p, &err) == STORE_OK)
			return tui_add_code(t, code, qty);
	}
	/* text: the search dialog, with the quantity to add */
	snprintf(t->dlg_input, sizeof t->dlg_input, "%s", code);
	t->search_qty = qty;
	dialog_open(t, DIALOG_SEARCH);
	return TUI_REDRAW;
}

static int report_basket(struct tui *t, enum basket_status st)
{
	if (st != BASKET_OK) {
		tui_message(t, ROLE_ERROR, "%s", _(basket_status_message(st)));
		tui_bell(t, 1);
	}
	return TUI_REDRAW;
}

static int change_quantity(struct tui *t, int delta)
{
	if (basket_empty(t))
		return TUI_HANDLED;
	const struct basket_line *l = &t->basket.lines[t->sel];
	if (l->voided)
		return report_basket(t, BASKET_ERR_VOIDED);
	if (l->quantity + delta < 1) {
		tui_message(t, ROLE_ERROR, "%s", _("Use F8 or Del to remove the line"));
		return TUI_REDRAW;
	}
	enum basket_status st = basket_set_quantity(&t->basket, t->sel, l->quantity + delta, false);
	if (st == BASKET_NEEDS_APPROVAL) {
		tui_message(t, ROLE_ERROR, "%s", _("The discount on this line needs a manager: set it again with F4"));
		return TUI_REDRAW;
	}
	return report_basket(t, st);
}

static int void_line(struct tui *t)
{
	if (basket_empty(t))
		return TUI_HANDLED;
	struct basket_line *l = &t->basket.lines[t->sel];
	enum basket_status st = basket_void_line(&t->basket, t->sel);
	if (st == BASKET_OK) {
		int64_t total;
		char sum[48];
		basket_line_sums(l, NULL, NULL, &total);
		money_format_plain(sum, sizeof sum, total);
		tui_event(t, "void_line", "%s × %lld = %s", l->sku, (long long)l->quantity, sum);
		tui_message(t, ROLE_INFO, _("Voided: %s"), tui_product_name(t, l->name, l->name_kk));
		/* move to the nearest live line */
		for (size_t i = t->sel + 1; i < t->basket.count; i++)
			if (!t->basket.lines[i].voided) {
				t->sel = i;
				return TUI_REDRAW;
			}
		for (size_t i = t->sel; i-- > 0;)
			if (!t->basket.lines[i].voided) {
				t->sel = i;
				break;
			}
	}
	return report_basket(t, st);
}

/* F5: hold a basket that has items; recall one when the basket is empty. */
static int hold_or_recall(struct tui *t)
{
	store_err err;

	if (basket_empty(t)) {
		dialog_open(t, DIALOG_RECALL);
		return TUI_REDRAW;
	}
	char *text = NULL;
	enum basket_status bs = basket_to_text(&t->basket, &text);
	if (bs != BASKET_OK)
		return report_basket(t, bs);
	char label[HELD_LABEL_SIZE + 256], sum[48];
	money_format(sum, sizeof sum, basket_total(&t->basket));
	snprintf(label, sizeof label, "%s · %lld · %s", t->user.name,
	         (long long)basket_item_count(&t->basket), sum);
	int64_t id;
	store_status st = held_put(t->db, t->user.id, label, text, &id, &err);
	free(text);
	if (st != STORE_OK) {
		tui_message(t, ROLE_ERROR, "%s", err.message);
		tui_bell(t, 1);
		return TUI_REDRAW;
	}
	basket_clear(&t->basket);
	t->sel = t->top = 0;
	tui_message(t, ROLE_INFO, _("Basket held as #%lld (%s): F5 on an empty basket recalls it"),
	            (long long)id, sum);
	return TUI_REDRAW;
}

/* F10 and F11: a basket that cannot be paid is refused before any request. */
static int pay(struct tui *t, enum action a)
{
	enum basket_status st = basket_check_payable(&t->basket);
	if (st != BASKET_OK)
		return report_basket(t, st);
	if (a == ACT_PAY_PHONE)
		dialog_open(t, DIALOG_PHONE);
	else
		pay_begin(t, JOURNAL_QR, NULL);
	return TUI_REDRAW;
}

static void move_sel(struct tui *t, long delta)
{
	if (t->basket.count == 0)
		return;
	long s = (long)t->sel + delta;
	if (s < 0)
		s = 0;
	if (s >= (long)t->basket.count)
		s = (long)t->basket.count - 1;
	t->sel = (size_t)s;
}

int sale_key(struct tui *t, int key)
{
	bool typing = t->input[0] != '\0';

	switch (keys_lookup(keys_sale, key)) {
	case ACT_HELP:
		info_enter(t, SCREEN_HELP);
		return TUI_REDRAW;
	case ACT_SEARCH:
		snprintf(t->dlg_input, sizeof t->dlg_input, "%s", t->input);
		t->input[0] = '\0';
		t->search_qty = 1;
		dialog_open(t, DIALOG_SEARCH);
		return TUI_REDRAW;
	case ACT_QUANTITY:
		if (!basket_empty(t))
			dialog_open(t, DIALOG_QUANTITY);
		return TUI_REDRAW;
	case ACT_DISCOUNT:
		if (!basket_empty(t))
			dialog_open(t, DIALOG_DISCOUNT);
		return TUI_REDRAW;
	case ACT_HOLD:
		return hold_or_recall(t);
	case ACT_LOGOUT:
		if (!basket_empty(t)) {
			tui_message(t, ROLE_ERROR, "%s", _("Finish or hold (F5) the basket before logging out"));
			return TUI_REDRAW;
		}
		tui_event(t, "logout", "%s", t->user.name);
		memset(&t->user, 0, sizeof t->user);
		basket_clear(&t->basket);
		login_enter(t);
		return TUI_REDRAW;
	case ACT_VOID:
	case ACT_DELETE:
		return void_line(t);
	case ACT_JOURNAL:
		journal_enter(t);
		return TUI_REDRAW;
	case ACT_REPORTS:
		reports_enter(t);
		return TUI_REDRAW;
	case ACT_PAY_QR:
	case ACT_PAY_PHONE:
		return pay(t, keys_lookup(keys_sale, key));
	case ACT_SETTLE:
		return pay_complete_alert(t);
	case ACT_PLUS:
	case ACT_MINUS:
		if (!typing)
			return change_quantity(t, keys_lookup(keys_sale, key) == ACT_PLUS ? 1 : -1);
		break; /* part of what is typed ("GR-0001") */
	case ACT_UP:
		move_sel(t, -1);
		return TUI_REDRAW;
	case ACT_DOWN:
		move_sel(t, 1);
		return TUI_REDRAW;
	case ACT_PAGE_UP:
		move_sel(t, -list_rows(t));
		return TUI_REDRAW;
	case ACT_PAGE_DOWN:
		move_sel(t, list_rows(t));
		return TUI_REDRAW;
	case ACT_HOME:
		move_sel(t, -(long)t->basket.count);
		return TUI_REDRAW;
	case ACT_END:
		move_sel(t, (long)t->basket.count);
		return TUI_REDRAW;
	case ACT_ENTER:
		return typing ? submit_input(t) : TUI_HANDLED;
	default:
		break;
	}
	if (keys_is_backspace(key)) {
		draw_field_backspace(t->input);
		return TUI_REDRAW;
	}
	if (key == KEYS_CTRL('u')) {
		t->input[0] = '\0';
		return TUI_REDRAW;
	}
	if (keys_is_text(key)) {
		draw_field_append(t->input, sizeof t->input, key);
		return TUI_REDRAW;
	}
	return TUI_HANDLED;
}

/* ---- drawing ------------------------------------------------------------ */

/* Column layout from the screen width: number, name, qty, price, sum, VAT. */
struct cols {
	int no, name, qty, price, sum, rate;
};

static struct cols layout(void)
{
	struct cols c = {.no = 4, .qty = 6, .price = 13, .sum = 14, .rate = 5};
	c.name = COLS - c.no - c.qty - c.price - c.sum - c.rate - 1;
	return c;
}

static void draw_line(struct tui *t, int y, size_t i, const struct cols *c)
{
	const struct basket_line *l = &t->basket.lines[i];
	bool sel = i == t->sel;
	enum theme_role role = sel ? ROLE_SELECTED : l->voided ? ROLE_DIM : ROLE_NORMAL;
	char price[48], sum[48], name[KP_NAME_SIZE + 64];
	int64_t total, discount;
	int x = 0;

	basket_line_sums(l, NULL, &discount, &total);
	money_format_plain(price, sizeof price, l->unit_price);
	money_format_plain(sum, sizeof sum, total);
	const char *nm = tui_product_name(t, l->name, l->name_kk);
	/* the marker keeps its place; the name is what gets cut */
	char mark[64] = "";
	if (l->voided) {
		snprintf(name, sizeof name, "%s %s", _("[void]"), nm);
	} else {
		snprintf(name, sizeof name, "%s", nm);
		if (l->discount_kind == BASKET_DISCOUNT_PERCENT) {
			snprintf(mark, sizeof mark, " (−%d,%02d%%)", (int)(l->discount_value / 100),
			         (int)(l->discount_value % 100));
		} else if (l->discount_kind == BASKET_DISCOUNT_AMOUNT) {
			char d[48];
			money_format_plain(d, sizeof d, discount);
			snprintf(mark, sizeof mark, " (−%s)", d);
		}
	}
	int mw = draw_width(mark);

	x += draw_textf(y, x, c->no, role, 1, true, "%zu ", i + 1);
	x += draw_text(y, x, c->name - mw, role, -1, true, name);
	if (mw)
		x += draw_text(y, x, mw, sel ? role : ROLE_DISCOUNT, -1, true, mark);
	x += draw_textf(y, x, c->qty, role, 1, true, "%lld", (long long)l->quantity);
	x += draw_text(y, x, c->price, role, 1, true, price);
	x += draw_text(y, x, c->sum, role, 1, true, sum);
	x += draw_textf(y, x, c->rate, role, 1, true, "%d%%", l->tax_rate);
	draw_text(y, x, COLS - x, role, -1, true, "");
}

static void draw_totals(struct tui *t, int y)
{
	struct basket_totals tot;
	struct vat_table vat;
	char buf[64], line[160];

	basket_totals(&t->basket, &tot);
	basket_vat(&t->basket, &vat);
	attrset(theme_attr(ROLE_DIM));
	mvhline(y, 0, ACS_HLINE, COLS);

	/* VAT per rate group, up to six in two columns of three rows */
	for (size_t g = 0; g < vat.count && g < 6; g++) {
		money_format(buf, sizeof buf, vat.group[g].vat);
		snprintf(line, sizeof line, _("VAT %d%%: %s"), vat.group[g].rate, buf);
		draw_text(y + 1 + (int)(g % 3), (int)(g / 3) * 24, 24, ROLE_VAT, -1, true, line);
	}
	if (vat.count == 0)
		draw_text(y + 1, 0, 24, ROLE_DIM, -1, true, _("VAT: —"));

	snprintf(line, sizeof line, _("Items: %lld  Lines: %zu"), (long long)tot.items, tot.lines);
	draw_text(y + 1, 48, COLS - 48, ROLE_NORMAL, 1, true, line);
	if (tot.discount) {
		money_format(buf, sizeof buf, tot.discount);
		snprintf(line, sizeof line, _("Discount: %s"), buf);
		draw_text(y + 2, 48, COLS - 48, ROLE_DISCOUNT, 1, true, line);
	}
	money_format(buf, sizeof buf, tot.total);
	snprintf(line, sizeof line, _("TOTAL: %s"), buf);
	draw_text(y + 3, 48, COLS - 48, ROLE_TOTAL, 1, true, line);
}

void sale_draw(struct tui *t)
{
	struct cols c = layout();
	int x = 0;

	tui_draw_header(t);
	x += draw_text(1, x, c.no, ROLE_COLUMN_TITLE, 1, true, "# ");
	x += draw_text(1, x, c.name, ROLE_COLUMN_TITLE, -1, true, _("Product"));
	x += draw_text(1, x, c.qty, ROLE_COLUMN_TITLE, 1, true, _("Qty"));
	x += draw_text(1, x, c.price, ROLE_COLUMN_TITLE, 1, true, _("Price"));
	x += draw_text(1, x, c.sum, ROLE_COLUMN_TITLE, 1, true, _("Sum"));
	x += draw_text(1, x, c.rate, ROLE_COLUMN_TITLE, 1, true, _("VAT"));
	draw_text(1, x, COLS - x, ROLE_COLUMN_TITLE, -1, true, "");

	keep_selection_visible(t);
	int rows = list_rows(t);
	int first_row = 2;
	if (t->n_alerts) {
		/* stays until the cashier settles it: F7 (refunds come with F9) */
		char sum[48];
		money_format(sum, sizeof sum, t->alerts[0].amount);
		draw_textf(2, 0, COLS, ROLE_ERROR, -1, true,
		           _(" ALERT: %s was paid after all (%s): F7 records the sale%s"),
		           t->alerts[0].merchant_order_id, sum, t->n_alerts > 1 ? " (+)" : "");
		first_row = 3;
	}
	if (t->basket.count == 0)
		draw_text(first_row + 1, 0, COLS, ROLE_DIM, 0, false,
		          _("Scan a barcode, type a code and Enter, or type a name to search (F2)"));
	for (int r = 0; r < rows && t->top + (size_t)r < t->basket.count; r++)
		draw_line(t, first_row + r, t->top + (size_t)r, &c);

	draw_totals(t, LINES - 7);
	if (t->msg.text[0])
		draw_text(LINES - 3, 0, COLS, t->msg.role, -1, true, t->msg.text);
	else if (t->conn != CONN_ONLINE && t->conn != CONN_CHECKING && t->conn_detail[0])
		draw_text(LINES - 3, 0, COLS, ROLE_DIM, -1, true, t->conn_detail);
	draw_textf(LINES - 2, 0, COLS, ROLE_INPUT, -1, true, "%s %s_", t->esc_prefix ? "Esc-" : ">",
	           t->input);
	keys_draw_bar(keys_sale, LINES - 1, COLS);
}
