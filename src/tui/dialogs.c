/* dialogs.c — the boxes over the sale screen: search, quantity,
 * discount, recall a held basket, and a manager's approval. One trio for
 * all (dialog_open / dialog_key / dialog_draw), switched on t->dialog. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "app/i18n.h"
#include "app/pin.h"
#include "core/money.h"
#include "core/timeutil.h"
#include "core/validate.h"
#include "store/events.h"
#include "store/held.h"
#include "tui/draw.h"
#include "tui/tui_int.h"

/* ---- search ------------------------------------------------------------- */

static void search_run(struct tui *t)
{
	store_err err;
	t->n_results = 0;
	t->res_sel = t->res_top = 0;
	if (!t->dlg_input[0])
		return;
	if (catalog_find(t->db, t->dlg_input, t->results, TUI_SEARCH_MAX, &t->n_results, &err) !=
	    STORE_OK) {
		t->n_results = 0;
		tui_message(t, ROLE_ERROR, "%s", err.message);
	}
}

static int search_key(struct tui *t, int key)
{
	switch (keys_lookup(keys_list_dialog, key)) {
	case ACT_BACK:
		t->dialog = DIALOG_NONE;
		return TUI_REDRAW;
	case ACT_UP:
		if (t->res_sel > 0)
			t->res_sel--;
		return TUI_REDRAW;
	case ACT_DOWN:
		if (t->res_sel + 1 < t->n_results)
			t->res_sel++;
		return TUI_REDRAW;
	case ACT_PAGE_UP:
		t->res_sel = t->res_sel > 10 ? t->res_sel - 10 : 0;
		return TUI_REDRAW;
	case ACT_PAGE_DOWN:
		t->res_sel = t->res_sel + 10 < t->n_results ? t->res_sel + 10 : t->n_results - 1;
		if (t->res_sel < 0)
			t->res_sel = 0;
		return TUI_REDRAW;
	case ACT_ENTER: {
		if (t->n_results == 0)
			return TUI_HANDLED;
		const struct kp_product *p = &t->results[t->res_sel];
		const char *code = p->barcode[0] ? p->barcode : p->sku;
		t->dialog = DIALOG_NONE;
		return tui_add_code(t, code, t->search_qty > 0 ? t->search_qty : 1);
	}
	default:
		break;
	}
	if (keys_is_backspace(key)) {
		draw_field_backspace(t->dlg_input);
		search_run(t);
		return TUI_REDRAW;
	}
	if (keys_is_text(key)) {
		draw_field_append(t->dlg_input, sizeof t->dlg_input, key);
		search_run(t);
		return TUI_REDRAW;
	}
	return TUI_HANDLED;
}

static void search_draw(struct tui *t)
{
	int h = LINES - 5, w = COLS - 8, y = 2, x = 4;
	char price[48];

	draw_box(y, x, h, w, ROLE_DIALOG_TITLE, ROLE_DIALOG, _("Search"));
	draw_textf(y + 1, x + 2, w - 4, ROLE_INPUT, -1, true, "%s %s_", _("Name or code:"), t->dlg_input);
	int rows = h - 4;
	if (t->res_sel < t->res_top)
		t->res_top = t->res_sel;
	if (t->res_sel >= t->res_top + rows)
		t->res_top = t->res_sel - rows + 1;
	if (t->n_results == 0)
		draw_text(y + 3, x + 2, w - 4, ROLE_DIM, -1, true,
		          t->dlg_input[0] ? _("Nothing found") : _("Type the start of a name"));
	for (int r = 0; r < rows && t->res_top + r < t->n_results; r++) {
		const struct kp_product *p = &t->results[t->res_top + r];
		enum theme_role role = t->res_top + r == t->res_sel ? ROLE_SELECTED : ROLE_DIALOG;
		money_format_plain(price, sizeof price, p->price);
		draw_text(y + 2 + r, x + 1, 14, role, -1, true, p->barcode[0] ? p->barcode : p->sku);
		draw_text(y + 2 + r, x + 15, w - 32, role, -1, true, tui_product_name(t, p->name_ru, p->name_kk));
		draw_text(y + 2 + r, x + w - 17, 12, role, 1, true, price);
		draw_textf(y + 2 + r, x + w - 5, 4, role, 1, true, "%d%%", p->tax_rate);
	}
	draw_text(y + h - 1, x + 2, w - 4, ROLE_DIALOG_TITLE, -1, false,
	          _(" ↑↓ choose · Enter add · Esc close "));
}

/* ---- quantity ----------------------------------------------------------- */

static int quantity_key(struct tui *t, int key)
{
	switch (keys_lookup(keys_dialog, key)) {
	case ACT_BACK:
		t->dialog = DIALOG_NONE;
		return TUI_REDRAW;
	case ACT_ENTER: {
		char *end;
		long q = strtol(t->dlg_input, &end, 10);
		if (end == t->dlg_input || *end || q < 1 || q > BASKET_QTY_MAX) {
			tui_message(t, ROLE_ERROR, _("Quantity must be 1…%d"), BASKET_QTY_MAX);
			tui_bell(t, 1);
			return TUI_REDRAW;
		}
		enum basket_status st = basket_set_quantity(&t->basket, t->sel, q, false);
		if (st == BASKET_NEEDS_APPROVAL) {
			tui_message(t, ROLE_ERROR, "%s", _("The discount on this line needs a manager: set it again with F4"));
			return TUI_REDRAW;
		}
		if (st != BASKET_OK) {
			tui_message(t, ROLE_ERROR, "%s", _(basket_status_message(st)));
			tui_bell(t, 1);
			return TUI_REDRAW;
		}
		t->dialog = DIALOG_NONE;
		tui_message(t, ROLE_INFO, _("Quantity set to %ld"), q);
		return TUI_REDRAW;
	}
	default:
		break;
	}
	size_t len = strlen(t->dlg_input);
	if (key >= '0' && key <= '9' && len < 4) {
		t->dlg_input[len] = (char)key;
		t->dlg_input[len + 1] = '\0';
	} else if (keys_is_backspace(key) && len) {
		t->dlg_input[len - 1] = '\0';
	}
	return TUI_REDRAW;
}

/* ---- discount ----------------------------------------------------------- */

/* Applies t->pending (approved or not); reports and returns the status. */
static enum basket_status apply_discount(struct tui *t, bool approved)
{
	const struct tui_pending_discount *p = &t->pending;
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
		          approved ? t->approve_name : "");
		tui_message(t, ROLE_INFO, _("Discount %s on %s"), what, tui_product_name(t, l->name, l->name_kk));
	}
	return st;
}

static int discount_key(struct tui *t, int key)
{
	switch (keys_lookup(keys_dialog, key)) {
	case ACT_BACK:
		t->dialog = DIALOG_NONE;
		return TUI_REDRAW;
	case ACT_ENTER: {
		char text[TUI_INPUT_MAX * 2];
		snprintf(text, sizeof text, "%s", t->dlg_input);
		size_t len = strlen(text);
		t->pending.line = t->sel;
		t->pending.percent = len > 0 && text[len - 1] == '%';
		int64_t v;
		if (t->pending.percent)
			text[len - 1] = '\0';
		/* both read as tenge: "12,5" percent is 12.50 → 1250 hundredths */
		if (!money_parse_tenge(text, &v) || v < 0) {
			/* xgettext:no-c-format */
			tui_message(t, ROLE_ERROR, "%s", _("Type 10% for a percent or 500 for tenge off the line"));
			tui_bell(t, 1);
			return TUI_REDRAW;
		}
		t->pending.value = v;
		enum basket_status st = apply_discount(t, false);
		if (st == BASKET_NEEDS_APPROVAL) {
			dialog_approve(t, APPROVE_DISCOUNT);
			tui_message(t, ROLE_ERROR, "%s", _("Above the cashier's limit: a manager's PIN is needed"));
			return TUI_REDRAW;
		}
		if (st != BASKET_OK) {
			tui_message(t, ROLE_ERROR, "%s", _(basket_status_message(st)));
			tui_bell(t, 1);
			return TUI_REDRAW;
		}
		t->dialog = DIALOG_NONE;
		return TUI_REDRAW;
	}
	default:
		break;
	}
	size_t len = strlen(t->dlg_input);
	if (((key >= '0' && key <= '9') || key == '%' || key == ',' || key == '.') && len < 12) {
		t->dlg_input[len] = (char)key;
		t->dlg_input[len + 1] = '\0';
	} else if (keys_is_backspace(key) && len) {
		t->dlg_input[len - 1] = '\0';
	}
	return TUI_REDRAW;
}

/* ---- a manager's approval ----------------------------------------------- */

static int next_manager(const struct tui *t, int from, int dir)
{
	for (int i = from + dir; i >= 0 && i < t->n_users; i += dir)
		if (t->users[i].role == USER_MANAGER)
			return i;
	return from;
}

static int approve_key(struct tui *t, int key)
{
	size_t len = strlen(t->pin);

	switch (keys_lookup(keys_list_dialog, key)) {
	case ACT_BACK:
		explicit_bzero(t->pin, sizeof t->pin);
		t->dialog = DIALOG_NONE;
		tui_message(t, ROLE_INFO, "%s",
		            t->approve_for == APPROVE_DISCOUNT ? _("Discount not given")
		            : t->approve_for == APPROVE_REFUND ? _("No refund made")
		                                               : _("The shift stays open"));
		return TUI_REDRAW;
	case ACT_UP:
		t->approve_sel = next_manager(t, t->approve_sel, -1);
		return TUI_REDRAW;
	case ACT_DOWN:
		t->approve_sel = next_manager(t, t->approve_sel, 1);
		return TUI_REDRAW;
	case ACT_ENTER: {
		struct users_check check;
		store_err err;
		if (t->approve_sel < 0 || t->approve_sel >= t->n_users || !len)
			return TUI_HANDLED;
		const struct user *m = &t->users[t->approve_sel];
		store_status st = pin_verify(t->db, m->name, t->pin, &check, &err);
		explicit_bzero(t->pin, sizeof t->pin);
		if (st != STORE_OK) {
			tui_message(t, ROLE_ERROR, "%s", err.message);
			return TUI_REDRAW;
		}
		if (check.verdict == USERS_PIN_OK && check.role == USER_MANAGER) {
			snprintf(t->approve_name, sizeof t->approve_name, "%s", m->name);
			t->approve_id = check.user_id;
			t->dialog = DIALOG_NONE;
			if (t->approve_for == APPROVE_REFUND)
				return refund_approved(t);
			if (t->approve_for == APPROVE_Z)
				return reports_close(t);
			enum basket_status bs = apply_discount(t, true);
			if (bs != BASKET_OK) {
				tui_message(t, ROLE_ERROR, "%s", _(basket_status_message(bs)));
				tui_bell(t, 1);
			}
		} else if (check.verdict == USERS_LOCKED) {
			tui_message(t, ROLE_ERROR, _("%s is locked for %ld s more"), m->name, check.locked_for);
			tui_bell(t, 1);
		} else {
			tui_message(t, ROLE_ERROR, _("Wrong PIN: %d tries left"), check.tries_left);
			tui_bell(t, 1);
		}
		return TUI_REDRAW;
	}
	default:
		break;
	}
	if (key >= '0' && key <= '9' && len < USERS_PIN_MAX) {
		t->pin[len] = (char)key;
		t->pin[len + 1] = '\0';
	} else if (keys_is_backspace(key) && len) {
		t->pin[len - 1] = '\0';
	}
	return TUI_REDRAW;
}

/* Opens the manager's approval for what. */
void dialog_approve(struct tui *t, enum approve_for what)
{
	t->approve_for = what;
	dialog_open(t, DIALOG_APPROVE);
}

static void approve_draw(struct tui *t)
{
	int w = 50, h = 10, y = (LINES - h) / 2, x = (COLS - w) / 2;
	char mask[32] = "";
	size_t m = 0;

	draw_box(y, x, h, w, ROLE_DIALOG_TITLE, ROLE_DIALOG, _("Manager's approval"));
	draw_text(y + 1, x + 2, w - 4, ROLE_DIALOG, -1, true, _("A manager types the PIN (↑↓ to choose):"));
	if (t->approve_sel >= 0 && t->approve_sel < t->n_users &&
	    t->users[t->approve_sel].role == USER_MANAGER)
		draw_textf(y + 3, x + 2, w - 4, ROLE_SELECTED, -1, true, "▶ %s", t->users[t->approve_sel].name);
	else
		draw_text(y + 3, x + 2, w - 4, ROLE_ERROR, -1, true, _("No manager: add one with kaspi-pos user add"));
	for (size_t i = 0; i < strlen(t->pin) && i < USERS_PIN_MAX; i++)
		m += (size_t)snprintf(mask + m, sizeof mask - m, "●");
	draw_textf(y + 5, x + 2, w - 4, ROLE_DIALOG, -1, true, "%s %s_", _("PIN:"), mask);
	draw_text(y + h - 1, x + 2, w - 4, ROLE_DIALOG_TITLE, -1, false, _(" Enter approve · Esc cancel "));
}

/* ---- recall ------------------------------------------------------------- */

static void recall_load(struct tui *t)
{
	store_err err;
	free(t->held);
	t->held = NULL;
	t->n_held = 0;
	t->res_sel = t->res_top = 0;
	if (held_list(t->db, &t->held, &t->n_held, &err) != STORE_OK)
		tui_message(t, ROLE_ERROR, "%s", err.message);
}

static int recall_key(struct tui *t, int key)
{
	switch (keys_lookup(keys_list_dialog, key)) {
	case ACT_BACK:
		t->dialog = DIALOG_NONE;
		return TUI_REDRAW;
	case ACT_UP:
		if (t->res_sel > 0)
			t->res_sel--;
		return TUI_REDRAW;
	case ACT_DOWN:
		if (t->res_sel + 1 < t->n_held)
			t->res_sel++;
		return TUI_REDRAW;
	case ACT_ENTER: {
		store_err err;
		char *text = NULL;
		if (t->n_held == 0)
			return TUI_HANDLED;
		int64_t id = t->held[t->res_sel].id;
		/* read the text and check it before the row is gone */
		if (held_recall(t->db, id, t->user.id, &text, NULL, &err) != STORE_OK) {
			tui_message(t, ROLE_ERROR, "%s", err.message);
			recall_load(t);
			return TUI_REDRAW;
		}
		enum basket_status st = basket_from_text(&t->basket, text, strlen(text));
		if (st != BASKET_OK) {
			/* damaged: put it back rather than lose it */
			held_put(t->db, t->user.id, t->held[t->res_sel].label, text, NULL, &err);
			tui_message(t, ROLE_ERROR, "%s", _(basket_status_message(st)));
			tui_bell(t, 1);
		} else {
			t->sel = 0;
			tui_message(t, ROLE_INFO, _("Recalled basket #%lld"), (long long)id);
		}
		free(text);
		t->dialog = DIALOG_NONE;
		return TUI_REDRAW;
	}
	default:
		return TUI_HANDLED;
	}
}

static void recall_draw(struct tui *t)
{
	int h = LINES - 6, w = COLS - 10, y = 3, x = 5;
	char when[32];

	draw_box(y, x, h, w, ROLE_DIALOG_TITLE, ROLE_DIALOG, _("Held baskets"));
	if (t->n_held == 0)
		draw_text(y + 2, x + 2, w - 4, ROLE_DIM, -1, true, _("No held baskets"));
	for (int r = 0; r < h - 3 && r < t->n_held; r++) {
		const struct held_basket *hb = &t->held[r];
		kp_almaty_strftime(when, sizeof when, "%d.%m %H:%M", hb->held_at);
		draw_textf(y + 1 + r, x + 1, w - 2, r == t->res_sel ? ROLE_SELECTED : ROLE_DIALOG, -1, true,
		           " #%-4lld %s  %s", (long long)hb->id, when, hb->label);
	}
	draw_text(y + h - 1, x + 2, w - 4, ROLE_DIALOG_TITLE, -1, false, _(" Enter recall · Esc close "));
}

/* ---- the buyer's phone -------------------------------------------------- */

static int phone_key(struct tui *t, int key)
{
	size_t len = strlen(t->dlg_input);
	switch (keys_lookup(keys_dialog, key)) {
	case ACT_BACK:
		t->dialog = DIALOG_NONE;
		return TUI_REDRAW;
	case ACT_ENTER: {
		if (!kp_valid_phone(t->dlg_input)) {
			tui_message(t, ROLE_ERROR, "%s", _("The phone must be +77 and 9 digits, e.g. +77051234567"));
			tui_bell(t, 1);
			return TUI_REDRAW;
		}
		char phone[16]; /* valid: "+77" and 9 digits */
		memcpy(phone, t->dlg_input, 13);
		t->dialog = DIALOG_NONE;
		pay_begin(t, JOURNAL_PHONE, phone);
		return TUI_REDRAW;
	}
	default:
		break;
	}
	if (key >= '0' && key <= '9' && len < 12) {
		t->dlg_input[len] = (char)key;
		t->dlg_input[len + 1] = '\0';
	} else if (keys_is_backspace(key) && len > 2) { /* "+7" stays */
		t->dlg_input[len - 1] = '\0';
	}
	return TUI_REDRAW;
}

/* ---- a refund ----------------------------------------------------------- */

/* Ready reasons (←→); the text stays editable. */
static const char *const refund_reasons[] = {
	N_("The buyer returned the goods"),
	N_("The buyer changed their mind"),
	N_("Charged by mistake"),
	N_("Damaged goods"),
	N_("Goods not delivered"),
};
#define N_REASONS (sizeof refund_reasons / sizeof *refund_reasons)

/* The request the dialog stands for: by lines when any line has a
 * quantity to give back, else by the amount (0: all that is left). */
static struct payflow_refund_req refund_req(struct tui *t, int64_t amount)
{
	size_t n = 0;
	for (size_t i = 0; i < t->jr_nlines && i < RF_LINES_MAX; i++)
		if (t->rf_qty[i] > 0)
			t->rf_picks[n++] = (struct refund_pick){.line_no = t->jr_lines[i].line_no,
			                                       .quantity = t->rf_qty[i]};
	return (struct payflow_refund_req){
		.order_id = t->jr_order.id,
		.amount = n ? 0 : amount,
		.lines = n ? t->rf_picks : NULL,
		.n_lines = n,
		.reason = t->rf_reason,
		.user_id = t->user.id,
		.approver_id = t->approve_id,
		.shift_id = t->shift.id,
	};
}

static bool refund_by_lines(const struct tui *t)
{
	for (size_t i = 0; i < t->jr_nlines && i < RF_LINES_MAX; i++)
		if (t->rf_qty[i] > 0)
			return true;
	return false;
}

/* After a line's quantity changed: the amount field shows what it comes to. */
static void refund_requote(struct tui *t)
{
	char message[PAYFLOW_MESSAGE_SIZE];
	struct refund_quote q;
	if (!refund_by_lines(t))
		return;
	struct payflow_refund_req req = refund_req(t, 0);
	if (payflow_refund_check(&t->pf, &req, &q, message, sizeof message))
		money_format_plain(t->rf_amount, sizeof t->rf_amount, q.amount);
	else
		tui_message(t, ROLE_ERROR, "%s", message);
}

int refund_approved(struct tui *t)
{
	char message[PAYFLOW_MESSAGE_SIZE], sum[48];
	int64_t row;
	enum refunds_rule rule;
	struct payflow_refund_req req = refund_req(t, t->rf_value);

	if (!payflow_refund(&t->pf, &req, &row, &rule, message, sizeof message)) {
		tui_message(t, ROLE_ERROR, "%s", message);
		tui_bell(t, 2);
		return TUI_REDRAW;
	}
	money_format(sum, sizeof sum, t->rf_value);
	tui_message(t, ROLE_INFO, _("Refund of %s sent (approved by %s)…"), sum, t->approve_name);
	return TUI_REDRAW;
}

/* The refund dialog's focus: Tab moves amount → reason → lines. */
enum { RF_AMOUNT, RF_REASON, RF_LINES };

static int refund_key(struct tui *t, int key)
{
	switch (keys_lookup(keys_dialog, key)) {
	case ACT_BACK:
		t->dialog = DIALOG_NONE;
		return TUI_REDRAW;
	case ACT_ENTER: {
		char message[PAYFLOW_MESSAGE_SIZE];
		struct refund_quote q;
		int64_t amount = 0;
		if (!refund_by_lines(t) && (!money_parse_tenge(t->rf_amount, &amount) || amount <= 0)) {
			tui_message(t, ROLE_ERROR, "%s", _("Type the amount to give back in tenge, like 500 or 500,50"));
			tui_bell(t, 1);
			return TUI_REDRAW;
		}
		struct payflow_refund_req req = refund_req(t, amount);
		if (!payflow_refund_check(&t->pf, &req, &q, message, sizeof message)) {
			tui_message(t, ROLE_ERROR, "%s", message);
			tui_bell(t, 1);
			return TUI_REDRAW;
		}
		t->rf_value = q.amount;
		dialog_approve(t, APPROVE_REFUND);
		return TUI_REDRAW;
	}
	default:
		break;
	}
	if (key == '\t' || key == KC(KEY_BTAB)) {
		t->rf_focus = (t->rf_focus + (key == '\t' ? 1 : 2)) % 3;
		return TUI_REDRAW;
	}
	if (t->rf_focus == RF_REASON && (key == KC(KEY_LEFT) || key == KC(KEY_RIGHT))) {
		int step = key == KC(KEY_LEFT) ? (int)N_REASONS - 1 : 1;
		t->rf_preset = (t->rf_preset + step) % (int)N_REASONS;
		snprintf(t->rf_reason, sizeof t->rf_reason, "%s", _(refund_reasons[t->rf_preset]));
		return TUI_REDRAW;
	}
	if (t->rf_focus == RF_LINES) {
		size_t n = t->jr_nlines < RF_LINES_MAX ? t->jr_nlines : RF_LINES_MAX;
		const struct journal_line *l = n ? &t->jr_lines[t->rf_line] : NULL;
		if (key == KC(KEY_UP) && t->rf_line > 0)
			t->rf_line--;
		else if (key == KC(KEY_DOWN) && t->rf_line + 1 < n)
			t->rf_line++;
		else if (l && !l->voided && (key == '+' || key == KC(KEY_RIGHT)) && t->rf_qty[t->rf_line] < l->quantity)
			t->rf_qty[t->rf_line]++, refund_requote(t);
		else if (l && (key == '-' || key == KC(KEY_LEFT)) && t->rf_qty[t->rf_line] > 0)
			t->rf_qty[t->rf_line]--, refund_requote(t);
		return TUI_REDRAW;
	}
	char *field = t->rf_focus == RF_REASON ? t->rf_reason : t->rf_amount;
	size_t size = t->rf_focus == RF_REASON ? sizeof t->rf_reason : sizeof t->rf_amount;
	if (t->rf_focus == RF_AMOUNT && refund_by_lines(t))
		return TUI_HANDLED; /* by lines: the amount follows them */
	if (keys_is_backspace(key)) {
		draw_field_backspace(field);
		return TUI_REDRAW;
	}
	if (keys_is_text(key)) {
		if (t->rf_focus == RF_AMOUNT && !((key >= '0' && key <= '9') || key == ',' || key == '.' || key == ' '))
			return TUI_HANDLED;
		draw_field_append(field, size, key);
	}
	return TUI_REDRAW;
}

static void refund_draw(struct tui *t)
{
	size_t n = t->jr_nlines < RF_LINES_MAX ? t->jr_nlines : RF_LINES_MAX;
	int shown = (int)n < LINES - 20 ? (int)n : LINES - 20;
	int w = 72, h = 12 + shown, y = (LINES - h) / 2, x = (COLS - w) / 2;
	char paid[48], left[48], price[48];
	const struct journal_order *o = &t->jr_order;

	money_format(paid, sizeof paid, o->amount);
	money_format(left, sizeof left, o->amount - o->refunded_amount);
	draw_box(y, x, h, w, ROLE_DIALOG_TITLE, ROLE_DIALOG, _("Refund"));
	draw_textf(y + 1, x + 2, w - 4, ROLE_DIALOG, -1, true, "%s  %s", o->merchant_order_id, paid);
	draw_textf(y + 2, x + 2, w - 4, ROLE_DIM, -1, true, _("At most %s can go back"), left);
	draw_textf(y + 4, x + 2, w - 4, t->rf_focus == RF_AMOUNT ? ROLE_SELECTED : ROLE_DIALOG, -1, true,
	           "%s %s%s%s", _("Amount, tenge:"), t->rf_amount, t->rf_focus == RF_AMOUNT ? "_" : "",
	           refund_by_lines(t) ? _(" (by the lines below)") : "");
	draw_textf(y + 6, x + 2, w - 4, t->rf_focus == RF_REASON ? ROLE_SELECTED : ROLE_DIALOG, -1, true,
	           "%s %s%s", _("Reason:"), t->rf_reason, t->rf_focus == RF_REASON ? "_" : "");
	draw_text(y + 8, x + 2, w - 4, ROLE_DIALOG, -1, true, _("Lines to give back (+ −):"));
	int first = t->rf_line >= (size_t)shown ? (int)t->rf_line - shown + 1 : 0;
	for (int r = 0; r < shown; r++) {
		size_t i = (size_t)(first + r);
		const struct journal_line *l = &t->jr_lines[i];
		char name[256];
		bool sel = t->rf_focus == RF_LINES && i == t->rf_line;
		money_format_plain(price, sizeof price, l->total);
		draw_textf(y + 9 + r, x + 2, w - 4, sel ? ROLE_SELECTED : l->voided ? ROLE_DIM : ROLE_DIALOG, -1, true,
		           "%3lld / %-3lld %s %12s", (long long)t->rf_qty[i], (long long)l->quantity,
		           draw_pad(name, sizeof name, l->name, w - 30), price);
	}
	draw_text(y + h - 2, x + 2, w - 4, ROLE_DIM, -1, true,
	          _("Tab: amount, reason, lines · ←→ ready reasons · Enter: a manager approves"));
	draw_text(y + h - 1, x + 2, w - 4, ROLE_DIALOG_TITLE, -1, false, _(" Enter OK · Esc cancel "));
}

/* ---- the trio ----------------------------------------------------------- */

void dialog_open(struct tui *t, enum tui_dialog d)
{
	t->dialog = d;
	t->dirty = true;
	switch (d) {
	case DIALOG_SEARCH:
		search_run(t);
		break;
	case DIALOG_QUANTITY:
		snprintf(t->dlg_input, sizeof t->dlg_input, "%lld",
		         (long long)t->basket.lines[t->sel].quantity);
		break;
	case DIALOG_DISCOUNT:
		t->dlg_input[0] = '\0';
		break;
	case DIALOG_RECALL:
		recall_load(t);
		break;
	case DIALOG_APPROVE: {
		store_err err;
		free(t->users);
		t->users = NULL;
		t->n_users = 0;
		if (users_list(t->db, &t->users, &t->n_users, &err) != STORE_OK)
			tui_message(t, ROLE_ERROR, "%s", err.message);
		t->approve_sel = next_manager(t, -1, 1);
		explicit_bzero(t->pin, sizeof t->pin);
		break;
	}
	case DIALOG_PHONE:
		snprintf(t->dlg_input, sizeof t->dlg_input, "+7");
		break;
	case DIALOG_REFUND:
		money_format_plain(t->rf_amount, sizeof t->rf_amount,
		                   t->jr_order.amount - t->jr_order.refunded_amount);
		t->rf_preset = 0;
		snprintf(t->rf_reason, sizeof t->rf_reason, "%s", _(refund_reasons[0]));
		t->rf_focus = RF_AMOUNT;
		t->rf_line = 0;
		memset(t->rf_qty, 0, sizeof t->rf_qty);
		break;
	case DIALOG_NONE:
		break;
	}
}

int dialog_key(struct tui *t, int key)
{
	switch (t->dialog) {
	case DIALOG_SEARCH:
		return search_key(t, key);
	case DIALOG_QUANTITY:
		return quantity_key(t, key);
	case DIALOG_DISCOUNT:
		return discount_key(t, key);
	case DIALOG_RECALL:
		return recall_key(t, key);
	case DIALOG_APPROVE:
		return approve_key(t, key);
	case DIALOG_PHONE:
		return phone_key(t, key);
	case DIALOG_REFUND:
		return refund_key(t, key);
	case DIALOG_NONE:
		break;
	}
	return TUI_HANDLED;
}

/* A small box with one input field. */
static void field_draw(const char *title, const char *prompt, const char *value, const char *hint)
{
	int w = 56, h = 7, y = (LINES - h) / 2, x = (COLS - w) / 2;
	draw_box(y, x, h, w, ROLE_DIALOG_TITLE, ROLE_DIALOG, title);
	draw_textf(y + 2, x + 2, w - 4, ROLE_DIALOG, -1, true, "%s %s_", prompt, value);
	draw_text(y + 4, x + 2, w - 4, ROLE_DIM, -1, true, hint);
	draw_text(y + h - 1, x + 2, w - 4, ROLE_DIALOG_TITLE, -1, false, _(" Enter OK · Esc cancel "));
}

void dialog_draw(struct tui *t)
{
	switch (t->dialog) {
	case DIALOG_SEARCH:
		search_draw(t);
		break;
	case DIALOG_QUANTITY:
		field_draw(_("Quantity"), _("New quantity:"), t->dlg_input, _("1…9999 of the selected line"));
		break;
	case DIALOG_DISCOUNT:
		field_draw(_("Discount"), _("Discount:"), t->dlg_input,
		           /* xgettext:no-c-format */
		           _("10% for a percent, 500 for tenge off the line, 0 to clear"));
		break;
	case DIALOG_RECALL:
		recall_draw(t);
		break;
	case DIALOG_APPROVE:
		approve_draw(t);
		break;
	case DIALOG_REFUND:
		refund_draw(t);
		break;
	case DIALOG_PHONE:
		field_draw(_("Payment by phone"), _("Buyer's phone:"), t->dlg_input,
		           _("+77 and 9 digits: the request goes to the buyer's Kaspi app"));
		break;
	case DIALOG_NONE:
		break;
	}
	/* the message line stays visible under dialogs */
	if (t->msg.text[0])
		draw_text(LINES - 3, 0, COLS, t->msg.role, -1, true, t->msg.text);
}
