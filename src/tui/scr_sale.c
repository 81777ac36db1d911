/* scr_sale.c — the screen a cashier lives in: the basket, its totals with
 * VAT per rate, the input line for codes and the function-key bar. The
 * dialogs it opens (search, quantity, discount, a manager's approval,
 * held baskets, the buyer's phone, void and restore) answer through
 * result(); a dialog works on the line it was opened on, whatever a scan
 * adds meanwhile. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "app/fiscal.h"
#include "app/i18n.h"
#include "app/item.h"
#include "core/measure.h"
#include "core/money.h"
#include "core/text.h"
#include "core/tender.h"
#include "core/validate.h"
#include "store/events.h"
#include "store/held.h"
#include "tui/draw.h"
#include "tui/field.h"
#include "tui/listview.h"
#include "tui/tui_int.h"

#define INPUT_CHARS 60

enum {
	ACT_SEARCH = ACT_SCREEN,
	ACT_QUANTITY,
	ACT_DISCOUNT,
	ACT_HOLD_OR_RECALL,
	ACT_LOGOUT,
	ACT_SETTLE_LATE,
	ACT_VOID_OR_RESTORE,
	ACT_JOURNAL,
	ACT_PAY_QR,
	ACT_PAY_PHONE,
	ACT_PAY_CASH,
	ACT_PAY_CARD,
	ACT_REPORTS,
	ACT_DISPLAY,
	ACT_ONE_MORE,
	ACT_ONE_LESS,
	ACT_CLEAR,      /* Esc: what is typed, or the Esc-digit prefix */
};

/* What a dialog was opened for (struct tui_result.asked). */
enum {
	ASK_SEARCH = 1,
	ASK_QUANTITY,
	ASK_DISCOUNT,
	ASK_DISCOUNT_APPROVAL,
	ASK_RECALL,
	ASK_PHONE,
	ASK_VOID,
	ASK_RESTORE,
	ASK_PAY,        /* the payment screen's outcome */
	ASK_TENDER,     /* the tender screen's outcome */
	ASK_WEIGHT,     /* the weight of a line sold by measure */
};

static const struct keybind keys[] = {
	{KC(KEY_F(1)), ACT_HELP, "F1", N_("Help: this screen"), N_("Help")},
	/* not on the key bar: typing a name opens the search as well */
	{KC(KEY_F(2)), ACT_SEARCH, "F2", N_("Search the catalog by name or code"), NULL},
	{KC(KEY_F(3)), ACT_QUANTITY, "F3", N_("Set the quantity of the selected line (its weight, sold by weight)"), N_("Qty")},
	/* xgettext:no-c-format */
	{KC(KEY_F(4)), ACT_DISCOUNT, "F4", N_("Discount on the selected line (10% or tenge)"), N_("Disc")},
	{KC(KEY_F(5)), ACT_HOLD_OR_RECALL, "F5", N_("Hold the basket; on an empty basket, recall one"), N_("Hold")},
	{KC(KEY_F(6)), ACT_PAY_CASH, "F6", N_("Pay in cash: the amount given, the change"), N_("Cash")},
	{KC(KEY_F(7)), ACT_PAY_CARD, "F7", N_("Pay by card on the shop's terminal, or in several parts"), N_("Card")},
	{KC(KEY_F(8)), ACT_VOID_OR_RESTORE, "F8", N_("Void the selected line (asks first); on a voided line, restore it"), N_("Void")},
	{KC(KEY_F(9)), ACT_JOURNAL, "F9", N_("Journal of payments"), N_("Jrnl")},
	{KC(KEY_F(10)), ACT_PAY_QR, "F10", N_("Pay by Kaspi QR"), N_("QR")},
	{KC(KEY_F(11)), ACT_PAY_PHONE, "F11", N_("Pay by a request to the buyer's phone"), N_("Phone")},
	{KC(KEY_F(12)), ACT_REPORTS, "F12", N_("X and Z reports"), N_("Rep")},
	{KC(KEY_DC), ACT_VOID_OR_RESTORE, "Del", N_("The same as F8"), NULL},
	{KEYS_CTRL('e'), ACT_SETTLE_LATE, "Ctrl-E", N_("Settle the alert: a late payment as a completed sale; a paid part of a sale given up by a refund"), NULL},
	{KEYS_CTRL('o'), ACT_LOGOUT, "Ctrl-O", N_("Log out (the basket must be empty or held)"), NULL},
	/* every F-key is taken here: the display has a control key */
	{KEYS_CTRL('d'), ACT_DISPLAY, "Ctrl-D", N_("The customer display: its address as a QR, for a tablet to pair"), NULL},
	{'+', ACT_ONE_MORE, "+", N_("One more of the selected line"), NULL},
	{'-', ACT_ONE_LESS, "-", N_("One less of the selected line"), NULL},
	KEYS_LIST_ROWS(N_("Move in the basket")),
	{KEYS_ENTER, ACT_OK, "Enter", N_("Add the barcode or SKU typed (3*CODE adds 3); an order's id (its slip's QR) opens the order"), NULL},
	{KEYS_ESC, ACT_CLEAR, "Esc", N_("Clear what is typed"), NULL},
	KEYS_END,
};

/* A discount waiting for a manager's PIN. */
struct pending_discount {
	size_t line;
	bool percent;          /* else an amount */
	int64_t value;         /* hundredths of a percent, or tiyn */
};

static struct {
	struct listview list;  /* over t->basket.lines */
	struct field input;    /* the input line */
	size_t target;         /* the line the open dialog works on */
	enum kp_measure target_measure; /* the unit the weight dialog reads */
	struct pending_discount pending;
	char search_qty[KP_ITEM_QTY_SIZE]; /* "0,350" of "0,350*сыр": for what the search finds */
} S;

/* Rows of basket lines that fit: all but header, titles, the totals
 * (a rule and three rows), message, input and key bar. */
static int list_rows(const struct tui *t)
{
	return LINES - 9 - (t->n_alerts ? 1 : 0);
}

static bool basket_empty(const struct tui *t)
{
	return basket_item_count(&t->basket) == 0;
}

/* After the basket changed under the list. */
static void follow_basket(struct tui *t)
{
	listview_set_count(&S.list, t->basket.count);
}

static int refuse(struct tui *t, const char *text)
{
	tui_message(t, ROLE_ERROR, "%s", text);
	tui_bell(t, 1);
	return TUI_REDRAW;
}

static int report_basket(struct tui *t, enum basket_status st)
{
	return st == BASKET_OK ? TUI_REDRAW : refuse(t, _(basket_status_message(st)));
}

/* Whether the register lets a sale begin (app/fiscal.h, "before a sale"):
 * refused with why past its 24 h shift or 72 h offline; from 23 h every
 * sale warns (the message stays while it is paid). */
static bool register_allows(struct tui *t)
{
	struct fiscal_gate g;
	if (!fiscal_enabled(t->cfg))
		return true;
	fiscal_gate_of(&t->fiscal.reg, time(NULL), &g);
	if (g.kind == FISCAL_GATE_SHUT) {
		refuse(t, kp_msg_text(&g.msg));
		return false;
	}
	return true;
}

/* A sale begins: the warning from 23 h, as the message of its screen. */
static void register_warn(struct tui *t)
{
	struct fiscal_gate g;
	if (!fiscal_enabled(t->cfg))
		return;
	fiscal_gate_of(&t->fiscal.reg, time(NULL), &g);
	if (g.kind == FISCAL_GATE_WARN) {
		tui_message(t, ROLE_ERROR, "%s", kp_msg_text(&g.msg));
		tui_bell(t, 1);
	}
}

static void open_weight(struct tui *t, size_t line);

/* Resolves an item (CODE, N*CODE, 0,350*CODE, a scale label: app/item.h)
 * and adds it: scans, typed codes and the search all end here. A product
 * sold by weight given no weight gets the weight dialog, when the sale
 * is in front (a scan under a dialog just adds its kilogram). */
static int add_item(struct tui *t, const char *text)
{
	struct kp_scale_rules rules;
	struct item it;
	char msg[ITEM_MESSAGE_SIZE];
	size_t index;

	config_scale_rules(t->cfg, &rules);
	enum item_status st = item_resolve(t->db, &rules, text, &it, msg, sizeof msg);
	if (st == ITEM_EMPTY)
		return TUI_REDRAW;
	if (st != ITEM_OK)
		return refuse(t, msg);
	if (item_add(&t->basket, &it, &index, msg, sizeof msg) != BASKET_OK)
		return refuse(t, msg);
	follow_basket(t);
	listview_select(&S.list, index);
	item_describe(&it, msg, sizeof msg);
	tui_message(t, ROLE_INFO, "%s", msg);
	if (it.kind == ITEM_KIND_WEIGHT && !it.typed && tui_front(t) == &scr_sale)
		open_weight(t, index);
	return TUI_REDRAW;
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

/* An order id scanned from a slip's QR (a 2D scanner types it and Enter
 * into the input line), or typed: that order's screen, where a return
 * starts (F5). False when line is no order id, or a product's code. */
static bool open_order(struct tui *t, const char *line)
{
	struct journal_order o;
	struct kp_product p;
	store_err err;
	if (!journal_order_id_syntax(line) || catalog_by_sku(t->db, line, &p, &err) == STORE_OK)
		return false;
	if (journal_get_by_order_id(t->db, line, &o, &err) != STORE_OK) {
		tui_message(t, ROLE_ERROR, _("No order %s in the journal"), line);
		tui_bell(t, 1);
		return true;
	}
	tui_open(t, &scr_order, &o.id);
	return true;
}

/* Enter on the input line: "CODE", "N*CODE", "0,350*CODE", a scale label,
 * an order's id (its screen), or text to search for (with its quantity,
 * for what is chosen). */
static int submit_input(struct tui *t)
{
	char line[FIELD_SIZE];
	struct kp_item_text parts;

	snprintf(line, sizeof line, "%s", S.input.text);
	field_clear(&S.input);
	if (open_order(t, line))
		return TUI_REDRAW;
	if (kp_item_split(line, &parts) != KP_ITEM_OK || !parts.code[0] ||
	    (is_code(parts.code) && strspn(parts.code, "0123456789") == strlen(parts.code)))
		return add_item(t, line); /* it says what is wrong, or adds; digits are only a code */
	if (is_code(parts.code)) {
		struct kp_product p;
		store_err err;
		if (catalog_by_sku(t->db, parts.code, &p, &err) == STORE_OK ||
		    catalog_by_barcode(t->db, parts.code, &p, &err) == STORE_OK)
			return add_item(t, line);
	}
	/* text: the search, with the quantity to add */
	snprintf(S.search_qty, sizeof S.search_qty, "%s", parts.qty);
	struct dlg_search_arg arg = {.asked = ASK_SEARCH, .text = parts.code, .quantity = 1};
	tui_open(t, &dlg_search, &arg);
	return TUI_REDRAW;
}

static int change_quantity(struct tui *t, size_t line, int64_t q)
{
	const struct basket_line *l = &t->basket.lines[line];
	if (l->voided)
		return report_basket(t, BASKET_ERR_VOIDED);
	if (q < 1 && l->weight == 0 && !l->from_label)
		return refuse(t, _("Use F8 or Del to void the line"));
	enum basket_status st = basket_set_quantity(&t->basket, line, q, false);
	if (st == BASKET_NEEDS_APPROVAL)
		return refuse(t, _("The discount on this line needs a manager: set it again with F4"));
	return report_basket(t, st);
}

/* ---- the dialogs' checks ---------------------------------------------------- */

static bool check_quantity(const char *text, struct tui_result *r, char *why, size_t size)
{
	char *end;
	long q = strtol(text, &end, 10);
	if (end == text || *end || q < 1 || q > BASKET_QTY_MAX) {
		snprintf(why, size, _("Quantity must be 1…%d"), BASKET_QTY_MAX);
		return false;
	}
	r->number = q;
	return true;
}

/* The weight dialog's text, read for the line's unit (S.target_measure). */
static bool check_weight(const char *text, struct tui_result *r, char *why, size_t size)
{
	int64_t v;
	enum kp_qty_status st = kp_qty_parse(text, S.target_measure, &v);
	if (st != KP_QTY_OK) {
		snprintf(why, size, "%s", _(kp_qty_status_message(st, S.target_measure)));
		return false;
	}
	r->number = v;
	return true;
}

static bool check_discount(const char *text, struct tui_result *r, char *why, size_t size)
{
	char v[64];
	int64_t value;
	snprintf(v, sizeof v, "%s", text);
	size_t len = strlen(v);
	r->percent = len > 0 && v[len - 1] == '%';
	if (r->percent)
		v[len - 1] = '\0';
	/* both read as tenge: "12,5" percent is 12.50 → 1250 hundredths */
	if (!money_parse_tenge(v, &value) || value < 0 || (r->percent && value > BASKET_PERCENT_FULL)) {
		/* xgettext:no-c-format */
		snprintf(why, size, "%s", _("Type 10% for a percent (at most 100%) or 500 for tenge off the line"));
		return false;
	}
	r->number = value;
	return true;
}

/* The buyer's number as typed (8 705 123 45 67, +7 (705) 123-45-67 ...),
 * answered as +77051234567. */

/* ---- what the keys do ------------------------------------------------------- */

/* Applies the pending discount (approved or not); says and returns the status. */
static enum basket_status apply_discount(struct tui *t, const char *approver)
{
	const struct pending_discount *p = &S.pending;
	bool approved = approver != NULL;
	enum basket_status st = p->percent
		? basket_discount_percent(&t->basket, p->line, (int)p->value, approved)
		: basket_discount_amount(&t->basket, p->line, p->value, approved);
	if (st == BASKET_OK) {
		const struct basket_line *l = &t->basket.lines[p->line];
		char what[64];
		if (p->percent)
			snprintf(what, sizeof what, "%d.%02d%%", (int)(p->value / 100), (int)(p->value % 100));
		else
			money_format_decimal(what, sizeof what, p->value);
		tui_event(t, "discount", "%s %s%s%s", l->sku, what, approved ? " approved by " : "",
		          approved ? approver : "");
		tui_message(t, ROLE_INFO, _("Discount %s on %s"), what, tui_product_name(l->name, l->name_kk));
	}
	return st;
}

static void open_field(struct tui *t, const struct dlg_field_arg *arg)
{
	S.target = S.list.sel;
	tui_open(t, &dlg_field, arg);
}

/* The weight dialog for line (sold by measure), on its weight now. */
static void open_weight(struct tui *t, size_t line)
{
	const struct basket_line *l = &t->basket.lines[line];
	char now[32], title[64];
	kp_measure_format(now, sizeof now, l->weight);
	S.target_measure = kp_measure_of(l->unit);
	snprintf(title, sizeof title, "%s, %s", _("Weight"), item_unit_shown(l->unit));
	struct dlg_field_arg arg = {
		.asked = ASK_WEIGHT, .title = title, .prompt = _("New weight:"),
		.hint = _(kp_qty_status_message(KP_QTY_SYNTAX, S.target_measure)),
		.kind = FIELD_TEXT, .max_chars = 12, .text = now, .fresh = true, .check = check_weight,
	};
	listview_select(&S.list, line);
	open_field(t, &arg);
}

static int ask_void_or_restore(struct tui *t)
{
	if (t->basket.count == 0)
		return TUI_HANDLED;
	const struct basket_line *l = &t->basket.lines[S.list.sel];
	char question[KP_NAME_SIZE + 96];
	bool voided = l->voided;
	snprintf(question, sizeof question, voided ? _("Restore line %zu, %s?") : _("Void line %zu, %s?"),
	         S.list.sel + 1, tui_product_name(l->name, l->name_kk));
	struct dlg_confirm_arg arg = {
		.asked = voided ? ASK_RESTORE : ASK_VOID,
		.title = voided ? _("Restore the line") : _("Void the line"),
		.question = question,
	};
	S.target = S.list.sel;
	tui_open(t, &dlg_confirm, &arg);
	return TUI_REDRAW;
}

static void void_or_restore(struct tui *t, bool restore)
{
	if (S.target >= t->basket.count)
		return;
	struct basket_line *l = &t->basket.lines[S.target];
	enum basket_status st = restore ? basket_restore_line(&t->basket, S.target)
	                                : basket_void_line(&t->basket, S.target);
	if (st != BASKET_OK) {
		report_basket(t, st);
		return;
	}
	int64_t total = 0;
	char sum[48];
	if (basket_line_sums(l, NULL, NULL, &total) != BASKET_OK)
		total = 0; /* a line of the basket always sums: the event then says 0 */
	money_format_plain(sum, sizeof sum, total);
	if (l->weight > 0) {
		char w[32];
		kp_measure_format(w, sizeof w, l->weight);
		tui_event(t, restore ? "restore_line" : "void_line", "%s %s %s = %s", l->sku, w,
		          kp_measure_ru(kp_measure_of(l->unit)), sum);
	} else {
		tui_event(t, restore ? "restore_line" : "void_line", "%s × %lld = %s", l->sku,
		          (long long)l->quantity, sum);
	}
	tui_message(t, ROLE_INFO, restore ? _("Restored: %s") : _("Voided: %s (F8 on it restores it)"),
	            tui_product_name(l->name, l->name_kk));
	if (restore)
		return;
	/* on to the nearest live line, so that F8 again voids the next */
	for (size_t i = S.target + 1; i < t->basket.count; i++)
		if (!t->basket.lines[i].voided) {
			listview_select(&S.list, i);
			return;
		}
	for (size_t i = S.target; i-- > 0;)
		if (!t->basket.lines[i].voided) {
			listview_select(&S.list, i);
			return;
		}
}

/* F5: hold a basket that has items; recall one when the basket is empty. */
static int hold_or_recall(struct tui *t)
{
	store_err err;

	if (basket_empty(t)) {
		static const int asked = ASK_RECALL;
		tui_open(t, &dlg_recall, &asked);
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
	if (st != STORE_OK)
		return refuse(t, kp_msg_text(&err.msg));
	basket_clear(&t->basket);
	follow_basket(t);
	tui_message(t, ROLE_INFO, _("Basket held as #%lld (%s): F5 on an empty basket recalls it"),
	            (long long)id, sum);
	return TUI_REDRAW;
}

static void recall(struct tui *t, int64_t id)
{
	store_err err;
	char *text = NULL;
	struct held_basket meta;
	/* read the text and check it before the row is gone */
	if (held_recall(t->db, id, t->user.id, &text, &meta, &err) != STORE_OK) {
		tui_message(t, ROLE_ERROR, "%s", kp_msg_text(&err.msg));
		return;
	}
	enum basket_status st = basket_from_text(&t->basket, text, strlen(text));
	if (st != BASKET_OK) {
		/* damaged: put it back rather than lose it */
		if (held_put(t->db, t->user.id, meta.label, text, NULL, &err) != STORE_OK) {
			tui_message(t, ROLE_ERROR, _("Held basket #%lld is damaged and could not be kept: %s"),
			            (long long)id, kp_msg_text(&err.msg));
			tui_bell(t, 2);
		} else {
			report_basket(t, st);
		}
	} else {
		follow_basket(t);
		listview_select(&S.list, 0);
		tui_message(t, ROLE_INFO, _("Recalled basket #%lld"), (long long)id);
	}
	free(text);
}

/* Journals the payment of the basket and opens the payment screen. */
static void pay(struct tui *t, enum journal_method method, const char *phone)
{
	char message[PAYFLOW_MESSAGE_SIZE];
	int64_t id;

	if (!payflow_start(&t->pf, &t->basket, method, phone, t->user.id, t->shift.id, &id, message,
	                   sizeof message)) {
		refuse(t, message);
		return;
	}
	t->msg.text[0] = '\0';
	register_warn(t);
	struct scr_pay_arg arg = {.asked = ASK_PAY, .order_id = id};
	tui_open(t, &scr_pay, &arg);
}

/* Ctrl-E: the oldest alert is settled. A late payment becomes a completed
 * sale; a Kaspi part of a split sale (paid late after being given up, or
 * kept when its sale was given up) cannot complete a sale that went on
 * without it, or was given up: its refund opens (a manager's PIN). */
static int settle_late(struct tui *t)
{
	char message[PAYFLOW_MESSAGE_SIZE], sum[48];
	if (t->n_alerts == 0)
		return TUI_HANDLED;
	const struct journal_order a = t->alerts[0];
	if (a.part_of) {
		tui_open(t, &dlg_refund, &a.id);
		return TUI_REDRAW;
	}
	money_format(sum, sizeof sum, a.amount);
	if (payflow_complete_late(&t->pf, a.id, t->user.id, message, sizeof message))
		tui_message(t, ROLE_INFO, _("Order %s (%s) recorded as a completed sale"), a.merchant_order_id, sum);
	else
		tui_message(t, ROLE_ERROR, "%s", message);
	tui_load_alerts(t);
	return TUI_REDRAW;
}

static int act(struct tui *t, int a)
{
	bool empty = basket_empty(t);

	switch (a) {
	case ACT_HELP:
		tui_open(t, &scr_help, &scr_sale);
		return TUI_REDRAW;
	case ACT_SEARCH: {
		S.search_qty[0] = '\0';
		struct dlg_search_arg arg = {.asked = ASK_SEARCH, .text = S.input.text, .quantity = 1};
		tui_open(t, &dlg_search, &arg);
		field_clear(&S.input);
		return TUI_REDRAW;
	}
	case ACT_QUANTITY: {
		if (empty)
			return TUI_HANDLED;
		const struct basket_line *l = &t->basket.lines[S.list.sel];
		if (l->voided)
			return report_basket(t, BASKET_ERR_VOIDED);
		if (l->from_label)
			return report_basket(t, BASKET_ERR_LABEL_FIXED);
		if (l->weight > 0) {
			open_weight(t, S.list.sel);
			return TUI_REDRAW;
		}
		char now[24];
		snprintf(now, sizeof now, "%lld", (long long)t->basket.lines[S.list.sel].quantity);
		char hint[96];
		snprintf(hint, sizeof hint, _("1…%d of the selected line"), BASKET_QTY_MAX);
		struct dlg_field_arg arg = {
			.asked = ASK_QUANTITY, .title = _("Quantity"), .prompt = _("New quantity:"), .hint = hint,
			.kind = FIELD_DIGITS, .max_chars = 4, .text = now, .fresh = true, .check = check_quantity,
		};
		open_field(t, &arg);
		return TUI_REDRAW;
	}
	case ACT_DISCOUNT: {
		if (empty)
			return TUI_HANDLED;
		struct dlg_field_arg arg = {
			.asked = ASK_DISCOUNT, .title = _("Discount"), .prompt = _("Discount:"),
			/* xgettext:no-c-format */
			.hint = _("10% for a percent, 500 for tenge off the line, 0 to clear"),
			.kind = FIELD_DISCOUNT, .max_chars = 12, .text = "", .check = check_discount,
		};
		open_field(t, &arg);
		return TUI_REDRAW;
	}
	case ACT_HOLD_OR_RECALL:
		return hold_or_recall(t);
	case ACT_LOGOUT:
		if (!empty)
			return refuse(t, _("Finish or hold (F5) the basket before logging out"));
		tui_event(t, "logout", "%s", t->user.name);
		basket_clear(&t->basket);
		tui_switch(t, &scr_login, NULL);
		return TUI_REDRAW;
	case ACT_SETTLE_LATE:
		return settle_late(t);
	case ACT_VOID_OR_RESTORE:
		return ask_void_or_restore(t);
	case ACT_JOURNAL:
		tui_open(t, &scr_journal, NULL);
		return TUI_REDRAW;
	case ACT_DISPLAY:
		if (!t->display)
			return refuse(t, _("The customer display is off: set [display] listen in the config"));
		tui_open(t, &dlg_display, NULL);
		return TUI_REDRAW;
	case ACT_REPORTS:
		tui_open(t, &scr_reports, NULL);
		return TUI_REDRAW;
	case ACT_PAY_CASH:
	case ACT_PAY_CARD: {
		enum basket_status st = basket_check_payable(&t->basket);
		if (st != BASKET_OK)
			return report_basket(t, st);
		if (!register_allows(t))
			return TUI_REDRAW;
		t->msg.text[0] = '\0';
		register_warn(t);
		struct scr_tender_arg arg = {.asked = ASK_TENDER,
		                             .kind = a == ACT_PAY_CASH ? TENDER_CASH : TENDER_CARD};
		tui_open(t, &scr_tender, &arg);
		return TUI_REDRAW;
	}
	case ACT_PAY_QR:
	case ACT_PAY_PHONE: {
		/* a basket that cannot be paid is refused before any request */
		enum basket_status st = basket_check_payable(&t->basket);
		if (st != BASKET_OK)
			return report_basket(t, st);
		if (!register_allows(t))
			return TUI_REDRAW;
		if (a == ACT_PAY_QR) {
			pay(t, JOURNAL_QR, NULL);
			return TUI_REDRAW;
		}
		struct dlg_field_arg arg = {
			.asked = ASK_PHONE, .title = _("Payment by phone"), .prompt = _("Buyer's phone:"),
			.hint = _("+7 705 123 45 67 or 8 705 123 45 67: the request goes to the buyer's Kaspi app"),
			.kind = FIELD_PHONE, .max_chars = 20, .text = "+7", .fresh = true, .check = tui_check_phone,
		};
		open_field(t, &arg);
		return TUI_REDRAW;
	}
	case ACT_ONE_MORE:
	case ACT_ONE_LESS:
		if (empty)
			return TUI_HANDLED;
		return change_quantity(t, S.list.sel,
		                       t->basket.lines[S.list.sel].quantity + (a == ACT_ONE_MORE ? 1 : -1));
	default:
		return TUI_HANDLED;
	}
}

static int key(struct tui *t, int key)
{
	bool typing = !field_empty(&S.input);
	int a = keys_lookup(keys, key);

	if (listview_key(&S.list, a, list_rows(t)))
		return TUI_REDRAW;
	if (a == ACT_OK)
		return typing ? submit_input(t) : TUI_HANDLED;
	if (a == ACT_CLEAR) {
		if (!typing)
			return TUI_ESC_PREFIX;
		field_clear(&S.input);
		return TUI_REDRAW;
	}
	/* + and - are part of what is typed ("GR-0001", "3*") */
	if (a != ACT_NONE && !(typing && (a == ACT_ONE_MORE || a == ACT_ONE_LESS)))
		return act(t, a);
	return tui_field_key(t, &S.input, key, NULL);
}

static void result(struct tui *t, const struct tui_result *r)
{
	if (r->kind == RESULT_SCAN) {
		add_item(t, r->text);
		return;
	}
	if (r->asked == ASK_TENDER) {
		/* paid: the basket is cleared; given up or Esc: it is back */
		follow_basket(t);
		if (r->kind == RESULT_OK && r->number)
			tui_message(t, ROLE_INFO, "%s", r->text);
		return;
	}
	if (r->asked == ASK_PAY) {
		/* paid: the next sale; not paid: the basket is back as it was */
		follow_basket(t);
		if (r->number)
			tui_message(t, ROLE_INFO, "%s", r->text);
		else
			tui_message(t, ROLE_ERROR, _("%s: try again (F10, F11) or change the basket"), r->text);
		return;
	}
	if (r->kind != RESULT_OK) {
		if (r->asked == ASK_DISCOUNT_APPROVAL)
			tui_message(t, ROLE_INFO, "%s", _("Discount not given"));
		return;
	}
	switch (r->asked) {
	case ASK_SEARCH: {
		/* the code chosen, with the quantity typed before the search */
		char item[KP_ITEM_QTY_SIZE + FIELD_SIZE + 2];
		if (S.search_qty[0])
			snprintf(item, sizeof item, "%s*%s", S.search_qty, r->text);
		else
			snprintf(item, sizeof item, "%s", r->text);
		S.search_qty[0] = '\0';
		add_item(t, item);
		break;
	}
	case ASK_WEIGHT: {
		if (S.target >= t->basket.count)
			break;
		enum basket_status st = basket_set_weight(&t->basket, S.target, r->number, false);
		if (st == BASKET_NEEDS_APPROVAL) {
			refuse(t, _("The discount on this line needs a manager: set it again with F4"));
		} else if (st != BASKET_OK) {
			report_basket(t, st);
		} else {
			char w[32];
			kp_measure_format(w, sizeof w, r->number);
			tui_message(t, ROLE_INFO, _("Weight set to %s %s"), w,
			            item_unit_shown(t->basket.lines[S.target].unit));
		}
		break;
	}
	case ASK_QUANTITY:
		if (S.target < t->basket.count && change_quantity(t, S.target, r->number) == TUI_REDRAW &&
		    t->basket.lines[S.target].quantity == r->number)
			tui_message(t, ROLE_INFO, _("Quantity set to %lld"), (long long)r->number);
		break;
	case ASK_DISCOUNT: {
		S.pending = (struct pending_discount){.line = S.target, .percent = r->percent, .value = r->number};
		enum basket_status st = apply_discount(t, NULL);
		if (st == BASKET_NEEDS_APPROVAL) {
			struct dlg_approve_arg arg = {
				.asked = ASK_DISCOUNT_APPROVAL,
				.what = _("Above the cashier's limit: a manager's PIN is needed"),
			};
			tui_open(t, &dlg_approve, &arg);
		} else {
			report_basket(t, st);
		}
		break;
	}
	case ASK_DISCOUNT_APPROVAL:
		report_basket(t, apply_discount(t, r->user_name));
		break;
	case ASK_RECALL:
		recall(t, r->number);
		break;
	case ASK_PHONE:
		pay(t, JOURNAL_PHONE, r->text);
		break;
	case ASK_VOID:
	case ASK_RESTORE:
		void_or_restore(t, r->asked == ASK_RESTORE);
		break;
	default:
		break;
	}
}

static int scan(struct tui *t, const char *code)
{
	return add_item(t, code);
}

static void enter(struct tui *t, const void *arg)
{
	(void)arg;
	field_init(&S.input, FIELD_TEXT, INPUT_CHARS);
	memset(&S.list, 0, sizeof S.list);
	follow_basket(t);
	t->msg.text[0] = '\0';
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

/* The cell of a weighed line over the qty and price columns, "0,350 кг ×
 * 4 290,00 ₸/кг" (without the ₸ when it would take more than a third of
 * the name's room); how far it reaches into the name column goes in
 * *into_name. */
static void weight_cell(const struct basket_line *l, const struct cols *c, char *buf, size_t size,
                        int *into_name)
{
	const char *unit = item_unit_shown(l->unit);
	int span = c->qty + c->price;
	item_weight_text(buf, size, l->weight, unit, l->unit_price, true);
	if (draw_width(buf) + 1 - span > c->name / 3)
		item_weight_text(buf, size, l->weight, unit, l->unit_price, false);
	int need = draw_width(buf) + 1 - span;
	*into_name = need > 0 ? (need < c->name / 2 ? need : c->name / 2) : 0;
}

static void draw_line(const struct tui *t, int y, size_t i, const struct cols *c)
{
	const struct basket_line *l = &t->basket.lines[i];
	bool sel = i == S.list.sel;
	enum theme_role role = sel ? ROLE_SELECTED : l->voided ? ROLE_DIM : ROLE_NORMAL;
	char price[48], sum[48], name[KP_NAME_SIZE + 64], how[160];
	int64_t total = 0, discount = 0;
	int x = 0, into_name = 0;

	if (basket_line_sums(l, NULL, &discount, &total) != BASKET_OK)
		total = discount = 0; /* a line of the basket always sums */
	money_format_plain(price, sizeof price, l->unit_price);
	money_format_plain(sum, sizeof sum, total);
	if (l->weight > 0)
		weight_cell(l, c, how, sizeof how, &into_name);
	const char *nm = tui_product_name(l->name, l->name_kk);
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
	x += draw_text(y, x, c->name - into_name - mw, role, -1, true, name);
	if (mw)
		x += draw_text(y, x, mw, sel ? role : ROLE_DISCOUNT, -1, true, mark);
	if (l->weight > 0) {
		/* one cell over qty and price (and into the name where it must) */
		x += draw_text(y, x, c->qty + c->price + into_name, role, 1, true, how);
	} else {
		x += draw_textf(y, x, c->qty, role, 1, true, "%lld", (long long)l->quantity);
		x += draw_text(y, x, c->price, role, 1, true, price);
	}
	x += draw_text(y, x, c->sum, role, 1, true, sum);
	x += draw_textf(y, x, c->rate, role, 1, true, "%d%%", l->tax_rate);
	draw_text(y, x, COLS - x, role, -1, true, "");
}

static void draw_totals(const struct tui *t, int y)
{
	struct basket_totals tot;
	struct vat_table vat;
	char buf[64], line[160];

	attrset(theme_attr(ROLE_DIM));
	mvhline(y, 0, ACS_HLINE, COLS);
	enum basket_status st = basket_totals(&t->basket, &tot);
	if (st == BASKET_OK)
		st = basket_vat(&t->basket, &vat);
	if (st != BASKET_OK) { /* over every limit: it cannot be paid, and says so */
		draw_text(y + 1, 0, COLS, ROLE_ERROR, -1, true, _(basket_status_message(st)));
		return;
	}

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

/* The register's 24 h shift and offline state (g) on the message line,
 * when nothing else is said there: true when drawn. */
static bool draw_register(const struct fiscal_gate *g)
{
	if (g->kind != FISCAL_GATE_OPEN) {
		draw_text(LINES - 3, 0, COLS, ROLE_ERROR, -1, true, kp_msg_text(&g->msg));
		return true;
	}
	if (g->offline_s < 0)
		return false;
	draw_textf(LINES - 3, 0, COLS, ROLE_ERROR, -1, true,
	           _("The register is offline for %ld h %ld min: its receipts carry the offline mark"),
	           g->offline_s / 3600, g->offline_s % 3600 / 60);
	return true;
}

/* The line above the input: the one thing the cashier should read now,
 * first of these: no sale until the register's Z or link is back; the
 * register refusing receipts and why; the message; the register's 23 h
 * warning or offline time; the connection's trouble; receipts waiting;
 * the hub refusing the journal. */
static void draw_status_line(const struct tui *t)
{
	int y = LINES - 3;
	bool urgent_msg = t->msg.text[0] && t->msg.role == ROLE_ERROR;
	bool fiscal = fiscal_enabled(t->cfg);
	struct fiscal_gate g;
	fiscal_gate_of(&t->fiscal.reg, time(NULL), &g);
	if (fiscal && g.kind == FISCAL_GATE_SHUT && !urgent_msg) {
		draw_register(&g);
		return;
	}
	if (t->fiscal.waiting > 0 && fiscal_stops(t->fiscal.code) && !urgent_msg) {
		char why[KP_TEXT_SAFE_SIZE(sizeof t->fiscal.why)];
		kp_text_safe(why, sizeof why, t->fiscal.why);
		draw_textf(y, 0, COLS, ROLE_ERROR, -1, true, _("The register refuses receipts: %s"), why);
		return;
	}
	if (t->msg.text[0]) {
		tui_draw_message(t, y);
		return;
	}
	if (fiscal && draw_register(&g))
		return;
	if (t->conn != CONN_ONLINE && t->conn != CONN_CHECKING && t->conn_detail[0]) {
		draw_text(y, 0, COLS, ROLE_DIM, -1, true, t->conn_detail);
	} else if (t->fiscal.waiting > 0) {
		draw_textf(y, 0, COLS, ROLE_ERROR, -1, true,
		           _("Fiscal receipts waiting for the register: %ld, the oldest for %ld min"),
		           t->fiscal.waiting,
		           (long)(t->fiscal.oldest ? (time(NULL) - t->fiscal.oldest) / 60 : 0));
	} else if (t->ship && t->hub.waiting > 0 && t->hub_view.ran &&
	           (t->hub_view.outcome == SHIP_REFUSED || t->hub_view.outcome == SHIP_LOCAL)) {
		/* the hub refuses the journal until a person fixes it: say why */
		char why[KP_TEXT_SAFE_SIZE(sizeof t->hub_view.why)];
		kp_text_safe(why, sizeof why, t->hub_view.why);
		draw_textf(y, 0, COLS, ROLE_ERROR, -1, true, _("The hub refuses the journal: %s"), why);
	}
}

static void draw(const struct tui *t)
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

	int rows = list_rows(t);
	int first_row = 2;
	if (t->n_alerts) {
		/* stays until the cashier settles it: Ctrl-E (refunds come with F9) */
		const struct journal_order *a = &t->alerts[0];
		char sum[48];
		money_format(sum, sizeof sum, a->amount - a->refunded_amount);
		draw_textf(2, 0, COLS, ROLE_ERROR, -1, true,
		           !a->part_of ? _(" ALERT: %s was paid after all (%s): Ctrl-E records the sale%s")
		           : a->state == JOURNAL_LATE_PAID
		               ? _(" ALERT: part %s paid after all (%s): Ctrl-E refunds it%s")
		               : _(" ALERT: %s (%s) of a sale given up: Ctrl-E refunds it%s"),
		           a->merchant_order_id, sum, t->n_alerts > 1 ? " (+)" : "");
		first_row = 3;
	}
	if (t->basket.count == 0)
		draw_text(first_row + 1, 0, COLS, ROLE_DIM, 0, false,
		          _("Scan a barcode, type a code and Enter, or type a name to search (F2)"));
	size_t top = listview_first(&S.list, rows);
	for (int r = 0; r < rows && top + (size_t)r < t->basket.count; r++)
		draw_line(t, first_row + r, top + (size_t)r, &c);

	draw_totals(t, LINES - 7);
	draw_status_line(t);
	int px = draw_text(LINES - 2, 0, COLS, ROLE_INPUT, -1, false, t->esc_prefix ? "Esc- " : "> ");
	draw_text(LINES - 2, px, COLS - px, ROLE_INPUT, -1, true, "");
	field_draw(&S.input, LINES - 2, px, COLS - px, ROLE_INPUT, true);
	tui_draw_keys(t, keys);
}

const struct screen scr_sale = {
	.name = "sale",
	.flags = SCREEN_TYPED_SCANS | SCREEN_ESC_DIGITS,
	.enter = enter,
	.key = key,
	.draw = draw,
	.keytable = keys,
	.result = result,
	.scan = scan,
};
