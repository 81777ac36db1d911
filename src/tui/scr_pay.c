/* scr_pay.c — the payment screen: the QR of the payment (or the phone it
 * went to), the amount, the order id, a live mm:ss countdown to
 * expires_at and the state, while the worker polls; then the outcome.
 * Esc gives up (the payflow cancels and keeps watching). It answers the
 * sale screen with the outcome when it closes. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "app/fiscal.h"
#include "app/i18n.h"
#include "app/slip.h"
#include "core/clock.h"
#include "core/money.h"
#include "tui/draw.h"
#include "tui/qr.h"
#include "tui/tui_int.h"

enum {
	ACT_GIVE_UP = ACT_SCREEN,
	ACT_PRINT_SLIP,
};

static const struct keybind keys_live[] = {
	{KEYS_ESC, ACT_GIVE_UP, "Esc", N_("Give up: cancel the payment (it is still watched)"), N_("Cancel")},
	KEYS_END,
};

/* Once the outcome is known: nothing left to cancel. */
static const struct keybind keys_done[] = {
	{KEYS_ENTER, ACT_OK, "Enter", N_("Back to the sale"), N_("Back")},
	{KC(KEY_F(5)), ACT_PRINT_SLIP, "F5", N_("Print the slip (again)"), N_("Slip")},
	{KEYS_ESC, ACT_OK, "Esc", NULL, NULL},
	KEYS_END,
};

enum outcome {
	PAY_LIVE,         /* creating or waiting */
	PAY_PAID,
	PAY_NOT_PAID,     /* declined, failed, expired, refused: the basket is back */
};

static struct {
	int asked;
	bool part;                      /* a part of a split sale: the tender screen goes on */
	int64_t order;                  /* the order's row */
	struct journal_order pay;       /* its journal row as last read */
	enum outcome outcome;
	char note[PAYFLOW_MESSAGE_SIZE]; /* the outcome's words */
	struct qr_image qr;             /* the QR of qr_of, rendered once */
	char qr_of[JOURNAL_QR_SIZE];    /* the token the QR encodes */
	int64_t deadline_ms;            /* kp_mono_ms() at expires_at, for the buyer's
	                                   countdown; 0: not known yet */
} S;

/* The slip of the order on the screen. */
static void print_slip(struct tui *t)
{
	struct journal_line *lines = NULL;
	size_t n = 0;
	store_err err;
	if (journal_lines(t->db, S.pay.id, &lines, &n, &err) != STORE_OK) {
		tui_message(t, ROLE_ERROR, "%s", kp_msg_text(&err.msg));
		return;
	}
	char *slip = slip_payment(t->cfg, &S.pay, lines, n);
	tui_print(t, slip, _("The slip"));
	free(slip);
	free(lines);
}

/* Renders the QR when the token is new (the token of a payment never
 * changes; a screen never shows a QR that is not the order's). */
static void prepare_qr(struct tui *t)
{
	char err[160];
	if (S.qr.lines && strcmp(S.qr_of, S.pay.qr_token) == 0)
		return;
	qr_free(&S.qr);
	S.qr_of[0] = '\0';
	if (!S.pay.qr_token[0] || S.pay.method != JOURNAL_QR)
		return;
	if (qr_render(S.pay.qr_token, t->utf8, &S.qr, err, sizeof err))
		snprintf(S.qr_of, sizeof S.qr_of, "%s", S.pay.qr_token);
	else
		tui_message(t, ROLE_ERROR, "%s", err);
}

/* The payment ended: say how, ring, and clear or keep the basket. */
static void outcome(struct tui *t, enum journal_state state, const char *why)
{
	char sum[48];
	money_format(sum, sizeof sum, S.pay.amount);
	qr_free(&S.qr); /* a QR is never shown after its payment ended */
	S.qr_of[0] = '\0';
	switch (state) {
	case JOURNAL_SUCCEEDED:
		S.outcome = PAY_PAID;
		tui_bell(t, 1);
		if (S.part) { /* the sale goes on: its other parts, its slip */
			snprintf(S.note, sizeof S.note, _("Part paid: %s"), sum);
			return;
		}
		snprintf(S.note, sizeof S.note, _("Paid: %s"), sum);
		basket_clear(&t->basket);
		/* with a register, the fiscal receipt is the paper (app/fiscal_bg.h) */
		if (t->cfg->printer.mode != CONFIG_PRINTER_NONE && !fiscal_enabled(t->cfg))
			print_slip(t);
		return;
	case JOURNAL_CANCELLED:
		snprintf(S.note, sizeof S.note, "%s", _("The buyer declined the payment"));
		break;
	case JOURNAL_EXPIRED:
		snprintf(S.note, sizeof S.note, "%s", _("The QR expired: nobody paid"));
		break;
	case JOURNAL_FAILED:
	default:
		snprintf(S.note, sizeof S.note, "%s", why && *why ? why : _("The payment failed"));
		break;
	}
	S.outcome = PAY_NOT_PAID;
	tui_bell(t, 2);
}

/* The buyer's deadline on the monotonic clock, moved only when the
 * server's expiry (skew corrected) says more than a second else, so the
 * view does not change with every reading of the clocks. */
static void set_deadline(const struct tui *t)
{
	long left = payflow_seconds_left(&t->pf, &S.pay, time(NULL));
	if (left < 0)
		return;
	int64_t at = kp_mono_ms() + (int64_t)left * 1000;
	if (S.deadline_ms == 0 || at - S.deadline_ms > 1500 || S.deadline_ms - at > 1500)
		S.deadline_ms = at;
}

static void reload(struct tui *t)
{
	store_err err;
	if (journal_get(t->db, S.order, &S.pay, &err) != STORE_OK)
		tui_message(t, ROLE_ERROR, "%s", kp_msg_text(&err.msg));
	if (S.outcome == PAY_LIVE)
		prepare_qr(t);
	set_deadline(t);
}

static void enter(struct tui *t, const void *arg)
{
	const struct scr_pay_arg *a = arg;
	qr_free(&S.qr);
	memset(&S, 0, sizeof S);
	S.asked = a->asked;
	S.part = a->part;
	S.order = a->order_id;
	S.outcome = PAY_LIVE;
	reload(t);
}

static void leave(struct tui *t)
{
	(void)t;
	qr_free(&S.qr);
}

static void changed(struct tui *t, const struct payflow_changes *ch)
{
	for (size_t i = 0; i < ch->n; i++) {
		const struct payflow_change *c = &ch->c[i];
		if (c->refund_row || c->order_id != S.order || S.outcome != PAY_LIVE)
			continue;
		reload(t);
		if (c->moved && journal_state_final(c->to))
			outcome(t, c->to, c->message);
	}
}

/* Back to the sale with the outcome, or with a scan: the next
 * customer's first item. */
static void done(struct tui *t, const char *scanned)
{
	struct tui_result r = {.kind = scanned ? RESULT_SCAN : RESULT_OK, .asked = S.asked,
	                       .number = S.outcome == PAY_PAID};
	snprintf(r.text, sizeof r.text, "%s", scanned ? scanned : S.note);
	tui_close(t, &r);
}

static int key(struct tui *t, int key)
{
	if (S.outcome != PAY_LIVE) {
		switch (keys_lookup(keys_done, key)) {
		case ACT_PRINT_SLIP:
			if (S.outcome == PAY_PAID && !S.part)
				print_slip(t);
			return TUI_REDRAW;
		case ACT_OK:
			done(t, NULL);
			return TUI_REDRAW;
		default:
			return TUI_HANDLED;
		}
	}
	if (keys_lookup(keys_live, key) == ACT_GIVE_UP) {
		struct payflow_changes ch;
		bool sent = S.pay.payment_id[0] != '\0';
		char id[JOURNAL_ORDER_ID_SIZE];
		snprintf(id, sizeof id, "%s", S.pay.merchant_order_id);
		if (payflow_abandon(&t->pf, S.order, t->user.id, &ch)) {
			tui_close(t, NULL);
			if (sent)
				tui_message(t, ROLE_INFO, _("Payment %s given up: it is cancelled and watched until it expires"), id);
			else
				tui_message(t, ROLE_INFO, _("Payment %s given up before the server answered: it is settled in the background"), id);
		}
		return TUI_REDRAW;
	}
	return TUI_HANDLED;
}

/* A scan on the outcome is the next customer's first item. */
static int scan(struct tui *t, const char *code)
{
	if (S.outcome == PAY_LIVE) {
		tui_message(t, ROLE_ERROR, _("Scanned %s: open the sale screen first"), code);
		tui_bell(t, 1);
		return TUI_REDRAW;
	}
	done(t, code);
	return TUI_REDRAW;
}

/* ---- the buyer's display --------------------------------------------------- */

/* An ended payment's state as the buyer reads it. */
static enum display_pay_state buyer_state(const struct tui *t)
{
	const struct payflow_watch *o = payflow_find(&t->pf, S.order);
	if (S.outcome == PAY_PAID)
		return DISPLAY_PAY_PAID;
	if (S.outcome == PAY_LIVE)
		return o && o->scanned ? DISPLAY_PAY_SCANNED : DISPLAY_PAY_WAITING;
	switch (S.pay.state) {
	case JOURNAL_EXPIRED:
		return DISPLAY_PAY_EXPIRED;
	case JOURNAL_ABANDONED:
		return DISPLAY_PAY_CANCELLED;
	default: /* cancelled by the buyer, failed */
		return DISPLAY_PAY_DECLINED;
	}
}

/* The payment (its QR only while it waits); a whole sale paid is the
 * thanks. The phone shows by its last four digits only. */
static void buyer(const struct tui *t, struct display_view *v)
{
	struct display_payment *p = &v->payment;
	size_t plen = strlen(S.pay.payer_phone);
	memset(p, 0, sizeof *p);
	v->screen = DISPLAY_PAYMENT;
	v->has_payment = true;
	p->phone = S.pay.method == JOURNAL_PHONE;
	p->amount = S.pay.amount;
	p->state = buyer_state(t);
	p->deadline_ms = S.deadline_ms;
	if (plen >= 4)
		snprintf(p->phone_tail, sizeof p->phone_tail, "%s", S.pay.payer_phone + plen - 4);
	snprintf(p->order, sizeof p->order, "%s", S.pay.merchant_order_id);
	if (!p->phone && S.outcome == PAY_LIVE && S.pay.state == JOURNAL_PENDING)
		snprintf(p->qr, sizeof p->qr, "%s", S.pay.qr_token);
	if (S.outcome == PAY_PAID && !S.part) {
		v->screen = DISPLAY_THANKS;
		v->has_thanks = true;
		v->paid = S.pay.amount;
		v->total = S.pay.amount;
	}
}

/* ---- drawing ------------------------------------------------------------ */

static const char *state_text(const struct payflow_watch *o)
{
	if (S.pay.server_unknown || (o && o->unknown))
		return _("unknown to the server: Esc, then a manager closes it from the journal (F9)");
	switch (S.pay.state) {
	case JOURNAL_CREATING:
		return _("creating…");
	case JOURNAL_PENDING:
		if (o && o->scanned)
			return _("scanned: the buyer is confirming");
		return S.pay.method == JOURNAL_PHONE ? _("waiting: the request is in the buyer's app")
		                                     : _("waiting for the buyer to scan");
	default:
		return tui_state_label(S.pay.state);
	}
}

static void draw_qr(int y, int x)
{
	attrset(COLOR_PAIR(THEME_QR_PAIR));
	for (int r = 0; r < S.qr.rows; r++)
		mvaddstr(y + r, x, S.qr.lines[r]);
	attrset(A_NORMAL);
}

/* Where the QR goes: beside the information (QR at column 1, the
 * information two columns right of it, INFO_W wide), or above it
 * (centred, the information's INFO_ROWS rows below), on rows 2 …
 * LINES - 4 either way: the hint, the message and the key bar stay clear
 * of the quiet zone. */
#define INFO_W 34
#define INFO_ROWS 9
enum qr_place { QR_NOWHERE, QR_BESIDE, QR_ABOVE };

static enum qr_place qr_place(const struct qr_image *qr)
{
	if (qr_fits(qr, LINES - 5, COLS - INFO_W - 2))
		return QR_BESIDE;
	if (qr_fits(qr, LINES - 5 - INFO_ROWS, COLS - 2))
		return QR_ABOVE;
	return QR_NOWHERE;
}

/* The "enlarge" line: the smallest terminal, grown from this one, where
 * the QR fits: above the information when these columns are enough for
 * it (only rows to add: a console's width is often all it has), beside
 * it when these rows are, else the one of the two that takes fewer
 * cells. */
static void enlarge_text(const struct qr_image *qr, char *line, size_t size)
{
	int bc = qr->cols + INFO_W + 2, br = qr->rows + 5;
	int ac = qr->cols + 2, ar = qr->rows + 5 + INFO_ROWS;
	bool above = COLS >= ac || (LINES < br && (long)ac * ar < (long)bc * br);
	bc = bc > COLS ? bc : COLS, br = br > LINES ? br : LINES;
	ac = ac > COLS ? ac : COLS, ar = ar > LINES ? ar : LINES;
	snprintf(line, size, _("Enlarge the terminal to %d×%d to show the QR"), above ? ac : bc,
	         above ? ar : br);
}

static void draw(const struct tui *t)
{
	const struct payflow_watch *o = payflow_find(&t->pf, S.order);
	char sum[48], line[256];
	bool qr_method = S.pay.method == JOURNAL_QR;

	tui_draw_header(t);
	bool has_qr = S.outcome == PAY_LIVE && S.qr.lines && strcmp(S.qr_of, S.pay.qr_token) == 0;
	/* a display watching: the buyer scans there, the cashier reads the rest */
	bool on_display = qr_method && display_streams(t->display) > 0;
	enum qr_place place = qr_method && has_qr && !on_display ? qr_place(&S.qr) : QR_NOWHERE;
	bool show_qr = place != QR_NOWHERE;
	int ix = place == QR_BESIDE ? 1 + S.qr.cols + 2 : 2;
	int iw = COLS - ix - 1;
	int y = place == QR_ABOVE ? 2 + S.qr.rows : 2;

	if (place == QR_BESIDE)
		draw_qr(2, 1);
	else if (place == QR_ABOVE)
		draw_qr(2, (COLS - S.qr.cols) / 2);

	money_format(sum, sizeof sum, S.pay.amount);
	draw_text(y++, ix, iw, ROLE_COLUMN_TITLE, -1, true,
	          qr_method ? _("Payment by Kaspi QR") : _("Payment by phone"));
	y++;
	draw_text(y++, ix, iw, ROLE_TOTAL, -1, true, sum);
	draw_textf(y++, ix, iw, ROLE_NORMAL, -1, true, _("Order %s"), S.pay.merchant_order_id);
	if (!qr_method)
		draw_textf(y++, ix, iw, ROLE_NORMAL, -1, true, _("Phone %s"), S.pay.payer_phone);
	y++;

	if (S.outcome == PAY_LIVE) {
		long left = payflow_seconds_left(&t->pf, &S.pay, time(NULL));
		enum theme_role role = S.pay.server_unknown || (o && o->unknown) ? ROLE_ERROR
		                       : S.pay.state == JOURNAL_CREATING       ? ROLE_STATUS_WARN
		                                                               : ROLE_INFO;
		draw_text(y++, ix, iw, role, -1, true, state_text(o));
		if (left >= 0)
			draw_textf(y++, ix, iw, left < 60 ? ROLE_ERROR : ROLE_TOTAL, -1, true, _("Time left %02ld:%02ld"),
			           left / 60, left % 60);
		if (o && o->message[0])
			draw_textf(y++, ix, iw, ROLE_DIM, -1, true, _("retrying: %s"), o->message);
		if (on_display) {
			y++;
			draw_text(y++, ix, iw, ROLE_STATUS_OK, -1, true, _("QR on the customer display"));
		} else if (qr_method && !show_qr) {
			y++;
			if (has_qr)
				enlarge_text(&S.qr, line, sizeof line);
			else
				snprintf(line, sizeof line, "%s", _("The QR appears when the server answers"));
			draw_text(y++, ix, iw, ROLE_STATUS_WARN, -1, true, line);
		}
		draw_text(LINES - 2, 0, COLS, ROLE_DIM, -1, true,
		          _("Esc gives up: the payment is cancelled and watched until it expires"));
	} else {
		enum theme_role role = S.outcome == PAY_PAID ? ROLE_STATUS_OK : ROLE_STATUS_BAD;
		draw_textf(y++, ix, iw, role, -1, true, " %s ", S.note);
		y++;
		draw_text(y++, ix, iw, ROLE_NORMAL, -1, true,
		          S.part                 ? _("Enter: back to the payment, for the rest")
		          : S.outcome == PAY_PAID ? _("Enter: the next sale")
		                                  : _("Enter: back to the basket, to try again"));
	}
	tui_draw_message(t, LINES - 3);
	tui_draw_keys(t, S.outcome == PAY_LIVE ? keys_live : keys_done);
}

static const struct keybind *table(const struct tui *t)
{
	(void)t;
	return S.outcome == PAY_LIVE ? keys_live : keys_done;
}

const struct screen scr_pay = {
	.name = "pay",
	.enter = enter,
	.leave = leave,
	.key = key,
	.draw = draw,
	.keys = table,
	.changed = changed,
	.scan = scan,
	.buyer = buyer,
};
