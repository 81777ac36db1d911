/* scr_pay.c — the payment screen: the QR of the payment (or the phone it
 * went to), the amount, the order id, a live mm:ss countdown to
 * expires_at and the state, while the worker polls; then the outcome.
 * Esc gives up (the payflow cancels and keeps watching). Late payments of
 * abandoned orders raise an alert on the sale screen until the cashier
 * settles them (F7). */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "app/i18n.h"
#include "app/print.h"
#include "app/slip.h"
#include "core/money.h"
#include "tui/draw.h"
#include "tui/tui_int.h"

bool tui_print(struct tui *t, const char *text, const char *what)
{
	if (!text) {
		tui_message(t, ROLE_ERROR, "%s", _("Out of memory"));
		return false;
	}
	if (t->cfg->printer.mode == CONFIG_PRINTER_NONE) {
		tui_message(t, ROLE_ERROR, "%s", _("No printer is set: [printer] mode in the config"));
		return false;
	}
	/* the printing thread answers through tui_printed */
	if (!t->printq || !printq_submit(t->printq, text, what)) {
		tui_message(t, ROLE_ERROR, _("%s not printed: %s"), what, _("Out of memory"));
		return false;
	}
	tui_message(t, ROLE_INFO, _("%s: printing…"), what);
	return true;
}

void tui_printed(struct tui *t, const struct printq_result *r)
{
	switch (r->status) {
	case PRINT_OK:
		tui_message(t, ROLE_INFO, _("%s printed"), r->what);
		break;
	case PRINT_NOT_CONFIGURED:
		tui_message(t, ROLE_ERROR, "%s", _("No printer is set: [printer] mode in the config"));
		break;
	case PRINT_FAILED:
	default:
		tui_message(t, ROLE_ERROR, _("%s not printed: %s (it can be printed again)"), r->what, r->err);
		tui_bell(t, 2);
		break;
	}
}

/* The slip of the order on the payment screen. */
static void print_slip(struct tui *t)
{
	struct journal_line *lines = NULL;
	size_t n = 0;
	store_err err;
	if (journal_lines(t->db, t->pay.id, &lines, &n, &err) != STORE_OK) {
		tui_message(t, ROLE_ERROR, "%s", err.message);
		return;
	}
	char *slip = slip_payment(t->cfg, &t->pay, lines, n);
	tui_print(t, slip, _("The slip"));
	free(slip);
	free(lines);
}

void pay_load_alerts(struct tui *t)
{
	store_err err;
	free(t->alerts);
	t->alerts = NULL;
	t->n_alerts = 0;
	if (journal_alerts(t->db, &t->alerts, &t->n_alerts, &err) != STORE_OK)
		tui_message(t, ROLE_ERROR, "%s", err.message);
	t->dirty = true;
}

static void refresh_order(struct tui *t)
{
	store_err err;
	if (t->pay_order && journal_get(t->db, t->pay_order, &t->pay, &err) != STORE_OK)
		tui_message(t, ROLE_ERROR, "%s", err.message);
}

void pay_begin(struct tui *t, enum journal_method method, const char *phone)
{
	char message[PAYFLOW_MESSAGE_SIZE];
	int64_t id;

	if (!payflow_start(&t->pf, &t->basket, method, phone, t->user.id, t->shift.id, &id, message,
	                   sizeof message)) {
		tui_message(t, ROLE_ERROR, "%s", message);
		tui_bell(t, 1);
		return;
	}
	t->pay_order = id;
	t->pay_outcome = PAY_LIVE;
	t->msg.text[0] = '\0';
	t->pay_note[0] = '\0';
	refresh_order(t);
	t->screen = SCREEN_PAY;
	t->dialog = DIALOG_NONE;
	t->dirty = true;
}

/* The payment on screen ended: say how, ring, and clear or keep the basket. */
static void outcome(struct tui *t, enum journal_state state, const char *why)
{
	char sum[48];
	money_format(sum, sizeof sum, t->pay.amount);
	switch (state) {
	case JOURNAL_SUCCEEDED:
		t->pay_outcome = PAY_PAID;
		snprintf(t->pay_note, sizeof t->pay_note, _("Paid: %s"), sum);
		basket_clear(&t->basket);
		t->sel = t->top = 0;
		tui_bell(t, 1);
		if (t->cfg->printer.mode != CONFIG_PRINTER_NONE)
			print_slip(t);
		return;
	case JOURNAL_CANCELLED:
		snprintf(t->pay_note, sizeof t->pay_note, "%s", _("The buyer declined the payment"));
		break;
	case JOURNAL_EXPIRED:
		snprintf(t->pay_note, sizeof t->pay_note, "%s", _("The QR expired: nobody paid"));
		break;
	case JOURNAL_FAILED:
	default:
		snprintf(t->pay_note, sizeof t->pay_note, "%s",
		         why && *why ? why : _("The payment failed"));
		break;
	}
	t->pay_outcome = PAY_NOT_PAID;
	tui_bell(t, 2);
}

/* The slip of refund row, once it is done (or again, from the journal). */
void print_refund_slip(struct tui *t, int64_t row)
{
	struct refund r;
	struct journal_order o;
	store_err err;
	if (refunds_get(t->db, row, &r, &err) != STORE_OK ||
	    journal_get(t->db, r.order_id, &o, &err) != STORE_OK) {
		tui_message(t, ROLE_ERROR, "%s", err.message);
		return;
	}
	char *slip = slip_refund(t->cfg, &o, &r);
	tui_print(t, slip, _("The refund slip"));
	free(slip);
}

void pay_changes(struct tui *t, const struct payflow_changes *ch)
{
	for (size_t i = 0; i < ch->n; i++) {
		const struct payflow_change *c = &ch->c[i];
		if (c->refund_row) {
			if (c->refund_to == REFUND_REFUNDED) {
				tui_message(t, ROLE_INFO, "%s", _("Refund done: the money goes back to the buyer"));
				tui_bell(t, 1);
				if (t->cfg->printer.mode != CONFIG_PRINTER_NONE)
					print_refund_slip(t, c->refund_row);
			} else if (c->refund_to == REFUND_FAILED) {
				tui_message(t, ROLE_ERROR, _("Refund refused: %s"), c->message);
				tui_bell(t, 2);
			} else if (c->message[0]) {
				tui_message(t, ROLE_ERROR, _("Refund: retrying (%s)"), c->message);
			}
			journal_refresh_detail(t);
			pay_load_alerts(t); /* a refunded late payment is settled */
			continue;
		}
		bool on_screen = t->screen == SCREEN_PAY && c->order_id == t->pay_order &&
		                 t->pay_outcome == PAY_LIVE;
		if (on_screen) {
			refresh_order(t);
			if (c->moved && journal_state_final(c->to))
				outcome(t, c->to, c->message);
		}
		if (c->moved && c->to == JOURNAL_LATE_PAID) {
			tui_bell(t, 2);
			pay_load_alerts(t);
		}
		t->dirty = true;
	}
}

int pay_complete_alert(struct tui *t)
{
	char message[PAYFLOW_MESSAGE_SIZE], sum[48];
	if (t->n_alerts == 0)
		return TUI_HANDLED;
	const struct journal_order *a = &t->alerts[0];
	money_format(sum, sizeof sum, a->amount);
	if (payflow_complete_late(&t->pf, a->id, t->user.id, message, sizeof message))
		tui_message(t, ROLE_INFO, _("Order %s (%s) recorded as a completed sale"), a->merchant_order_id, sum);
	else
		tui_message(t, ROLE_ERROR, "%s", message);
	pay_load_alerts(t);
	return TUI_REDRAW;
}

int pay_key(struct tui *t, int key)
{
	enum action a = keys_lookup(keys_pay, key);

	if (t->pay_outcome != PAY_LIVE) {
		a = keys_lookup(keys_pay_done, key);
		if (a == ACT_HOLD && t->pay_outcome == PAY_PAID) {
			print_slip(t);
			return TUI_REDRAW;
		}
		if (a == ACT_BACK || a == ACT_ENTER) {
			/* paid: the next sale; not paid: the basket is back as it was */
			sale_enter(t);
			if (t->pay_outcome == PAY_NOT_PAID)
				tui_message(t, ROLE_ERROR, _("%s: try again (F10, F11) or change the basket"), t->pay_note);
			else
				tui_message(t, ROLE_INFO, "%s", t->pay_note);
			t->pay_order = 0;
		}
		return TUI_REDRAW;
	}
	if (a == ACT_BACK) {
		struct payflow_changes ch;
		bool sent = t->pay.payment_id[0] != '\0';
		if (payflow_abandon(&t->pf, t->pay_order, t->user.id, &ch)) {
			sale_enter(t);
			if (sent)
				tui_message(t, ROLE_INFO, _("Payment %s given up: it is cancelled and watched until it expires"),
				            t->pay.merchant_order_id);
			else
				tui_message(t, ROLE_INFO, _("Payment %s given up before the server answered: it is settled in the background"),
				            t->pay.merchant_order_id);
			t->pay_order = 0;
		}
		return TUI_REDRAW;
	}
	return TUI_HANDLED;
}

/* ---- drawing ------------------------------------------------------------ */

static const char *state_text(const struct tui *t, const struct payflow_watch *o)
{
	switch (t->pay.state) {
	case JOURNAL_CREATING:
		return _("creating…");
	case JOURNAL_PENDING:
		if (o && o->scanned)
			return _("scanned: the buyer is confirming");
		return t->pay.method == JOURNAL_PHONE ? _("waiting: the request is in the buyer's app")
		                                      : _("waiting for the buyer to scan");
	case JOURNAL_SUCCEEDED:
		return _("PAID");
	case JOURNAL_CANCELLED:
		return _("declined");
	case JOURNAL_FAILED:
		return _("failed");
	case JOURNAL_EXPIRED:
		return _("expired");
	default:
		return journal_state_name(t->pay.state);
	}
}

static void draw_qr(struct tui *t, int y, int x)
{
	attrset(COLOR_PAIR(THEME_QR_PAIR));
	for (int r = 0; r < t->qr.rows; r++)
		mvaddstr(y + r, x, t->qr.lines[r]);
	attrset(A_NORMAL);
}

/* Renders the QR once per payment (the token never changes). */
static void prepare_qr(struct tui *t)
{
	char err[160];
	if (strcmp(t->qr_for, t->pay.payment_id) == 0 && t->qr.lines)
		return;
	qr_free(&t->qr);
	t->qr_for[0] = '\0';
	if (!t->pay.qr_token[0])
		return;
	if (qr_render(t->pay.qr_token, t->utf8, &t->qr, err, sizeof err))
		snprintf(t->qr_for, sizeof t->qr_for, "%s", t->pay.payment_id);
	else
		tui_message(t, ROLE_ERROR, "%s", err);
}

void pay_draw(struct tui *t)
{
	const struct payflow_watch *o = payflow_find(&t->pf, t->pay_order);
	char sum[48], line[256];
	bool qr_method = t->pay.method == JOURNAL_QR;
	int info_w = 34, qx = 1, qy = 2;

	tui_draw_header(t);
	if (qr_method && t->pay_outcome == PAY_LIVE)
		prepare_qr(t);
	/* rows 2 … LINES-4: the hint, the message and the key bar stay clear of
	 * the quiet zone */
	bool show_qr = qr_method && t->pay_outcome == PAY_LIVE && t->qr.lines &&
	               qr_fits(&t->qr, LINES - 5, COLS - info_w - 2);
	int ix = show_qr ? qx + t->qr.cols + 2 : 2;
	int iw = COLS - ix - 1;
	int y = 2;

	if (show_qr)
		draw_qr(t, qy, qx);

	money_format(sum, sizeof sum, t->pay.amount);
	draw_text(y++, ix, iw, ROLE_COLUMN_TITLE, -1, true,
	          qr_method ? _("Payment by Kaspi QR") : _("Payment by phone"));
	y++;
	draw_text(y++, ix, iw, ROLE_TOTAL, -1, true, sum);
	draw_textf(y++, ix, iw, ROLE_NORMAL, -1, true, _("Order %s"), t->pay.merchant_order_id);
	if (!qr_method)
		draw_textf(y++, ix, iw, ROLE_NORMAL, -1, true, _("Phone %s"), t->pay.payer_phone);
	y++;

	if (t->pay_outcome == PAY_LIVE) {
		long left = payflow_seconds_left(&t->pf, &t->pay, time(NULL));
		enum theme_role role = t->pay.state == JOURNAL_CREATING ? ROLE_STATUS_WARN : ROLE_INFO;
		draw_text(y++, ix, iw, role, -1, true, state_text(t, o));
		if (left >= 0)
			draw_textf(y++, ix, iw, left < 60 ? ROLE_ERROR : ROLE_TOTAL, -1, true, _("Time left %02ld:%02ld"),
			           left / 60, left % 60);
		if (o && o->message[0])
			draw_textf(y++, ix, iw, ROLE_DIM, -1, true, _("retrying: %s"), o->message);
		if (qr_method && !show_qr) {
			y++;
			if (t->qr.lines)
				snprintf(line, sizeof line, _("Enlarge the terminal to %d×%d to show the QR"),
				         t->qr.cols + info_w + 3, t->qr.rows + 5);
			else
				snprintf(line, sizeof line, "%s", _("The QR appears when the server answers"));
			draw_text(y++, ix, iw, ROLE_STATUS_WARN, -1, true, line);
		}
		draw_text(LINES - 2, 0, COLS, ROLE_DIM, -1, true,
		          _("Esc gives up: the payment is cancelled and watched until it expires"));
	} else {
		enum theme_role role = t->pay_outcome == PAY_PAID ? ROLE_STATUS_OK : ROLE_STATUS_BAD;
		draw_textf(y++, ix, iw, role, -1, true, " %s ", t->pay_note);
		y++;
		draw_text(y++, ix, iw, ROLE_NORMAL, -1, true,
		          t->pay_outcome == PAY_PAID ? _("Enter: the next sale")
		                                     : _("Enter: back to the basket, to try again"));
	}
	if (t->msg.text[0])
		draw_text(LINES - 3, 0, COLS, t->msg.role, -1, true, t->msg.text);
	keys_draw_bar(t->pay_outcome == PAY_LIVE ? keys_pay : keys_pay_done, LINES - 1, COLS);
}
