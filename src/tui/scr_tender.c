/* scr_tender.c — the tender screen: the basket's total paid in up to four
 * parts, cash (the amount given, quick keys for the exact sum and the next
 * banknotes, the change shown large), card (the shop's own terminal,
 * recorded with its approval code if typed), Kaspi QR and Kaspi phone
 * (the payment screen, for the rest or a typed part). The rules of the
 * amounts are core/tender.h's.
 *
 * The journal first, as everywhere: a Kaspi part runs at once (a split
 * sale is opened for it, the part an order of its own); cash and card are
 * parts taken on the screen and written only when the parts cover the
 * total, in the one transaction that completes the sale — so change is
 * never given before Kaspi said paid. A Kaspi part that ends unpaid brings
 * the screen back with the paid parts kept. Esc gives the sale up: with a
 * Kaspi part paid the cashier chooses with one key (dlg_choice) to refund
 * it now (a manager's PIN, the payflow's refund: journaled first, then
 * sent) or to keep it to settle later (the sale screen's alert, Ctrl-E).
 *
 * While a split sale is open the screen holds its lock (app/sale.h), so
 * that reconcile in another process leaves it alone. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "app/fiscal.h"
#include "app/i18n.h"
#include "app/printq.h"
#include "app/sale.h"
#include "app/slip.h"
#include "core/money.h"
#include "core/tender.h"
#include "tui/draw.h"
#include "tui/field.h"
#include "tui/tui_int.h"

enum {
	ACT_CASH = ACT_SCREEN,
	ACT_CARD,
	ACT_QR,
	ACT_PHONE,
	ACT_EXACT,
	ACT_QUICK_1,
	ACT_QUICK_2,
	ACT_QUICK_3,
	ACT_APPROVAL,
};

enum {
	ASK_WHOLE = 1, /* a Kaspi payment of the whole basket (scr_pay) */
	ASK_PART,      /* a Kaspi part of a split sale (scr_pay) */
	ASK_PHONE,
	ASK_APPROVAL,
	ASK_GIVE_UP,      /* what becomes of the paid parts (dlg_choice) */
	ASK_REFUND_PIN,   /* a manager approves their refund */
};

enum { CHOICE_REFUND = 1, CHOICE_KEEP };

#define QUICK_KEYS 3 /* banknote amounts on F3, F4, F5 */

static const struct keybind keys[] = {
	{KC(KEY_F(1)), ACT_HELP, "F1", N_("Help: this screen"), N_("Help")},
	{KC(KEY_F(2)), ACT_EXACT, "F2", N_("The exact rest"), N_("Exact")},
	{KC(KEY_F(3)), ACT_QUICK_1, "F3", N_("Cash: the first banknote amount shown"), NULL},
	{KC(KEY_F(4)), ACT_QUICK_2, "F4", N_("Cash: the second banknote amount shown"), NULL},
	{KC(KEY_F(5)), ACT_QUICK_3, "F5", N_("Cash: the third banknote amount shown"), NULL},
	{KC(KEY_F(6)), ACT_CASH, "F6", N_("This part in cash"), N_("Cash")},
	{KC(KEY_F(7)), ACT_CARD, "F7", N_("This part by card on the shop's terminal"), N_("Card")},
	{KC(KEY_F(8)), ACT_APPROVAL, "F8", N_("Card: the terminal's approval code (optional)"), N_("Code")},
	{KC(KEY_F(10)), ACT_QR, "F10", N_("This part by Kaspi QR"), N_("QR")},
	{KC(KEY_F(11)), ACT_PHONE, "F11", N_("This part by a request to the buyer's phone"), N_("Phone")},
	{KEYS_ENTER, ACT_OK, "Enter", N_("Take this part (the amount typed, or the rest)"), N_("Take")},
	{KEYS_ESC, ACT_BACK, "Esc", N_("Back to the basket: the sale is given up (a paid Kaspi part: refunded or kept, asked first)"), N_("Back")},
	KEYS_END,
};

static const struct keybind keys_done[] = {
	{KEYS_ENTER, ACT_OK, "Enter", N_("The next sale"), N_("Next")},
	{KEYS_ESC, ACT_OK, "Esc", NULL, NULL},
	KEYS_END,
};

struct part {
	struct tender_part p;
	char approval[JOURNAL_APPROVAL_SIZE];
	bool kaspi_paid;                /* a Kaspi part: its order paid */
};

static struct {
	int asked;
	int64_t total;
	struct part parts[TENDER_PARTS_MAX];
	size_t n;
	enum tender_kind kind;          /* of the part being typed */
	struct field amount;
	char approval[JOURNAL_APPROVAL_SIZE];
	int64_t pending_amount;         /* a phone part waiting for its number */
	int64_t sale_id;                /* the split sale, once a Kaspi part needed one */
	char sale_moid[JOURNAL_ORDER_ID_SIZE];
	struct sale_lock lock;          /* the split sale's while it is paid (app/sale.h) */
	bool done;                      /* the sale is complete */
	char done_moid[JOURNAL_ORDER_ID_SIZE];
	int64_t change;
} S = {.lock = {.fd = -1}};

/* What the Kaspi parts taken have paid. */
static int64_t kaspi_paid(void)
{
	int64_t paid = 0;
	for (size_t i = 0; i < S.n; i++)
		if (S.parts[i].kaspi_paid)
			paid += S.parts[i].p.amount;
	return paid;
}

static int64_t rest(void)
{
	int64_t paid = 0;
	for (size_t i = 0; i < S.n; i++)
		paid += S.parts[i].p.amount;
	return S.total - paid > 0 ? S.total - paid : 0;
}

/* An amount as a cashier types it: 2129 or 2129,50. */
static void amount_text(char *buf, size_t size, int64_t tiyn)
{
	if (tiyn % 100)
		snprintf(buf, size, "%lld,%02lld", (long long)(tiyn / 100), (long long)(tiyn % 100));
	else
		snprintf(buf, size, "%lld", (long long)(tiyn / 100));
}

/* The amount field opens on the rest, replaced by the first key. */
static void offer_rest(void)
{
	char text[48];
	amount_text(text, sizeof text, rest());
	field_set(&S.amount, text, true);
}

static void enter(struct tui *t, const void *arg)
{
	const struct scr_tender_arg *a = arg;
	sale_lock_release(&S.lock, false); /* none held: leave() let it go */
	memset(&S, 0, sizeof S);
	S.lock = SALE_LOCK_NONE;
	S.asked = a->asked;
	S.kind = (enum tender_kind)a->kind;
	S.total = basket_total(&t->basket);
	field_init(&S.amount, FIELD_AMOUNT, 14);
	offer_rest();
}

/* Closed: a split sale still pending (the till quitting under it) keeps
 * its row for reconcile, and its lock goes. */
static void leave(struct tui *t)
{
	(void)t;
	sale_lock_release(&S.lock, false);
}

static int refuse(struct tui *t, const char *why)
{
	tui_message(t, ROLE_ERROR, "%s", why);
	tui_bell(t, 1);
	return TUI_REDRAW;
}

static const char *kind_label(enum tender_kind k)
{
	return _(journal_method_label(sale_method_of(k)));
}

/* ---- completing ------------------------------------------------------------ */

static void print_and_open(struct tui *t, int64_t id, bool cash)
{
	struct journal_order o;
	struct journal_line *lines = NULL;
	struct journal_tender *tenders = NULL;
	size_t n_lines = 0, n_tenders = 0;
	store_err err;

	if (cash && t->cfg->drawer.mode != CONFIG_DRAWER_NONE &&
	    (!t->printq || !printq_drawer(t->printq, _("The cash drawer"))))
		tui_message(t, ROLE_ERROR, "%s", _("The cash drawer did not open: open it by hand"));
	/* with a register, the fiscal receipt is the paper (app/fiscal_bg.h) */
	if (t->cfg->printer.mode == CONFIG_PRINTER_NONE || fiscal_enabled(t->cfg))
		return;
	if (journal_get(t->db, id, &o, &err) != STORE_OK ||
	    journal_lines(t->db, id, &lines, &n_lines, &err) != STORE_OK ||
	    journal_tenders(t->db, id, &tenders, &n_tenders, &err) != STORE_OK) {
		tui_message(t, ROLE_ERROR, "%s", kp_msg_text(&err.msg));
	} else {
		char *slip = slip_sale(t->cfg, &o, lines, n_lines, tenders, n_tenders);
		tui_print(t, slip, _("The slip"));
		free(slip);
	}
	free(lines);
	free(tenders);
}

/* Writes what the screen took: a sale in one cash or card tender, or the
 * split sale completed with its cash and card parts. */
static void complete(struct tui *t)
{
	struct journal_tender planned[TENDER_PARTS_MAX];
	size_t n = 0;
	bool cash = false;
	store_err err;
	char moid[JOURNAL_ORDER_ID_SIZE] = "", message[256];
	int64_t id = S.sale_id;

	for (size_t i = 0; i < S.n; i++) {
		const struct part *p = &S.parts[i];
		if (tender_is_kaspi(p->p.kind))
			continue;
		planned[n++] = sale_tender_of(&p->p, p->approval);
		cash |= p->p.kind == TENDER_CASH;
	}
	if (id == 0 && n == 1) {
		if (!sale_record(t->db, t->cfg, &t->basket, t->user.id, t->shift.id, &planned[0], &id,
		                 moid, message, sizeof message)) {
			refuse(t, message);
			return;
		}
	} else {
		if (id == 0) {
			if (!sale_open_split(t->db, t->cfg, &t->basket, t->user.id, t->shift.id, &id,
			                     S.sale_moid, &S.lock, message, sizeof message)) {
				refuse(t, message);
				return;
			}
			S.sale_id = id;
		}
		if (journal_complete_split(t->db, id, planned, n, t->user.id, &err) != STORE_OK) {
			refuse(t, kp_msg_text(&err.msg));
			return;
		}
		sale_lock_release(&S.lock, true);
		snprintf(moid, sizeof moid, "%s", S.sale_moid);
	}
	S.done = true;
	S.change = 0;
	for (size_t i = 0; i < S.n; i++)
		S.change += S.parts[i].p.change;
	snprintf(S.done_moid, sizeof S.done_moid, "%s", moid);
	print_and_open(t, id, cash);
	basket_clear(&t->basket);
	tui_bell(t, 1);
}

/* ---- taking a part ------------------------------------------------------- */

static void start_kaspi(struct tui *t, int64_t amount, const char *phone)
{
	char message[PAYFLOW_MESSAGE_SIZE];
	int64_t order_id;
	enum journal_method m = sale_method_of(S.kind);

	if (S.n == 0 && amount == S.total) { /* the whole basket: one order with its lines */
		if (!payflow_start(&t->pf, &t->basket, m, phone, t->user.id, t->shift.id, &order_id,
		                   message, sizeof message)) {
			refuse(t, message);
			return;
		}
		struct scr_pay_arg arg = {.asked = ASK_WHOLE, .order_id = order_id};
		tui_open(t, &scr_pay, &arg);
		return;
	}
	if (S.sale_id == 0 && !sale_open_split(t->db, t->cfg, &t->basket, t->user.id, t->shift.id,
	                                       &S.sale_id, S.sale_moid, &S.lock, message,
	                                       sizeof message)) {
		refuse(t, message);
		return;
	}
	/* the parts the screen holds, this one, and the rest if any */
	int parts = (int)S.n + 1 + (amount < rest() ? 1 : 0);
	struct payflow_part part = {.sale_id = S.sale_id, .sale_moid = S.sale_moid, .amount = amount,
	                            .method = m, .phone = phone, .part_no = (int)S.n + 1,
	                            .parts = parts};
	if (!payflow_start_part(&t->pf, &part, t->user.id, t->shift.id, &order_id, message,
	                        sizeof message)) {
		refuse(t, message);
		return;
	}
	S.pending_amount = amount;
	offer_rest(); /* however the payment screen closes, the rest is offered again */
	struct scr_pay_arg arg = {.asked = ASK_PART, .order_id = order_id, .part = true};
	tui_open(t, &scr_pay, &arg);
}

/* Enter: the amount typed (or the rest) as a part of the current kind,
 * checked by core/tender.h's rules with the parts already taken. */
static int take(struct tui *t)
{
	int64_t amount, left = rest();
	if (field_empty(&S.amount))
		amount = left;
	else if (!money_parse_tenge(S.amount.text, &amount))
		return refuse(t, _("Type the amount in tenge, like 5000 or 1 500,50"));
	if (amount == 0)
		return refuse(t, _(tender_status_message(TENDER_ERR_NEGATIVE)));
	struct tender_req req[TENDER_PARTS_MAX + 1];
	struct tender_part out[TENDER_PARTS_MAX + 1];
	size_t bad = 0;
	for (size_t i = 0; i < S.n; i++)
		req[i] = (struct tender_req){.kind = S.parts[i].p.kind, .amount = S.parts[i].p.amount};
	req[S.n] = (struct tender_req){.kind = S.kind, .amount = amount};
	enum tender_status st = tender_resolve(S.total, req, S.n + 1, out, &bad);
	/* short of the total is fine while a part may still follow */
	if (st == TENDER_ERR_SHORT && S.n + 1 < TENDER_PARTS_MAX)
		st = TENDER_OK;
	else if (st == TENDER_ERR_SHORT)
		return refuse(t, _("The fourth payment must cover the rest"));
	if (st != TENDER_OK)
		return refuse(t, _(tender_status_message(st)));
	if (tender_is_kaspi(S.kind)) {
		if (S.kind == TENDER_PHONE) {
			S.pending_amount = amount;
			struct dlg_field_arg arg = {
				.asked = ASK_PHONE, .title = _("Payment by phone"), .prompt = _("Buyer's phone:"),
				.hint = _("+7 705 123 45 67 or 8 705 123 45 67: the request goes to the buyer's Kaspi app"),
				.kind = FIELD_PHONE, .max_chars = 20, .text = "+7", .fresh = true,
				.check = tui_check_phone,
			};
			tui_open(t, &dlg_field, &arg);
			return TUI_REDRAW;
		}
		start_kaspi(t, amount, NULL);
		return TUI_REDRAW;
	}
	struct part *p = &S.parts[S.n++];
	memset(p, 0, sizeof *p);
	p->p = out[S.n - 1];
	if (S.kind == TENDER_CARD)
		snprintf(p->approval, sizeof p->approval, "%s", S.approval);
	S.approval[0] = '\0';
	if (left - p->p.amount == 0) {
		complete(t);
		if (!S.done) /* refused: the part is not taken */
			S.n--;
		return TUI_REDRAW;
	}
	S.kind = TENDER_CASH; /* what is left is most often cash */
	offer_rest();
	return TUI_REDRAW;
}

/* The paid Kaspi parts of a sale given up go back to the buyer, approved
 * by the manager of approval: each a refund of all of it through the
 * payflow (journaled refund_pending, then sent). One that is refused stays
 * kept, on the sale screen's alert. */
static void refund_parts(struct tui *t, const struct sale_paid_part *parts, size_t n,
                         const struct tui_result *approval)
{
	char message[PAYFLOW_MESSAGE_SIZE], sum[48];
	int64_t back = 0;
	for (size_t i = 0; i < n; i++) {
		struct payflow_refund_req req = {
			.order_id = parts[i].order_id, .amount = REFUNDS_ALL_LEFT,
			.reason = _("The sale was given up"), .user_id = t->user.id,
			.approver_id = approval->user_id, .shift_id = t->shift.id,
		};
		struct refund_quote made;
		enum refunds_rule rule;
		int64_t row;
		if (!payflow_refund(&t->pf, &req, &row, &made, &rule, message, sizeof message)) {
			tui_message(t, ROLE_ERROR, _("Sale given up; the refund of Kaspi part %s was refused: %s"),
			            parts[i].merchant_order_id, message);
			tui_bell(t, 2);
			tui_load_alerts(t);
			return;
		}
		tui_give_back(t, &made, payflow_refund_cash(&made));
		back += made.amount;
	}
	money_format(sum, sizeof sum, back);
	tui_message(t, ROLE_INFO, _("Sale given up: %s goes back to the buyer through Kaspi, approved by %s"),
	            sum, approval->user_name);
}

/* Gives the sale up (back to the basket). Its paid Kaspi parts, if any,
 * are refunded now when approval (a manager's) is given, else kept for
 * the cashier to settle: the sale screen's alert shows them (Ctrl-E). */
static int give_up(struct tui *t, const struct tui_result *approval)
{
	if (!S.sale_id) {
		tui_close(t, NULL);
		return TUI_REDRAW;
	}
	struct sale_paid_part parts[TENDER_PARTS_MAX];
	size_t n = 0;
	char message[256];
	if (!sale_give_up_split(t->db, S.sale_id, t->user.id, parts, TENDER_PARTS_MAX, &n, message,
	                        sizeof message))
		return refuse(t, message);
	sale_lock_release(&S.lock, true);
	tui_close(t, NULL);
	if (n > 0 && approval) {
		refund_parts(t, parts, n, approval);
	} else if (n > 0) {
		char sum[48];
		money_format(sum, sizeof sum, parts[0].amount);
		tui_load_alerts(t);
		tui_message(t, ROLE_ERROR, _("Sale given up; Kaspi part %s (%s) kept: Ctrl-E refunds it"),
		            parts[0].merchant_order_id, sum);
	} else {
		tui_message(t, ROLE_INFO, "%s", _("Sale given up: the basket is back"));
	}
	return TUI_REDRAW;
}

/* Esc: back to the basket, giving up what was started. With a Kaspi part
 * paid the cashier chooses first, with one key: its money back now (a
 * manager's PIN, as every refund), or kept to settle later. */
static int ask_give_up(struct tui *t)
{
	int64_t paid = kaspi_paid();
	if (paid == 0)
		return give_up(t, NULL);
	char sum[48], question[256];
	money_format(sum, sizeof sum, paid);
	snprintf(question, sizeof question, _("Kaspi has paid %s of this sale.\nWhat becomes of it?"), sum);
	struct dlg_choice_arg arg = {
		.asked = ASK_GIVE_UP, .title = _("Give the sale up?"), .question = question,
		.choices = {_("Refund it to the buyer now (a manager's PIN)"),
		            _("Keep it to settle later (the sale screen's alert, Ctrl-E)")},
	};
	tui_open(t, &dlg_choice, &arg);
	return TUI_REDRAW;
}

/* A terminal's approval code: printable ASCII without spaces, or nothing. */
static bool check_approval(const char *text, struct tui_result *r, char *why, size_t size)
{
	size_t n = strlen(text);
	for (size_t i = 0; i < n; i++)
		if (text[i] < 0x21 || text[i] > 0x7e || n >= JOURNAL_APPROVAL_SIZE) {
			snprintf(why, size, "%s", _("The approval code is letters and digits, up to 32"));
			return false;
		}
	snprintf(r->text, sizeof r->text, "%s", text);
	return true;
}

static void quick(int i)
{
	int64_t q[TENDER_QUICK_MAX];
	size_t n = tender_quick_cash(rest(), q);
	if ((size_t)i >= n)
		return;
	char text[48];
	amount_text(text, sizeof text, q[i]);
	field_set(&S.amount, text, true);
}

static int key(struct tui *t, int key)
{
	if (S.done) {
		if (keys_lookup(keys_done, key) == ACT_OK) {
			struct tui_result r = {.kind = RESULT_OK, .asked = S.asked, .number = 1};
			snprintf(r.text, sizeof r.text, _("Paid: %s"), S.done_moid);
			tui_close(t, &r);
			return TUI_REDRAW;
		}
		return TUI_HANDLED;
	}
	int a = keys_lookup(keys, key);
	switch (a) {
	case ACT_HELP:
		tui_open(t, &scr_help, &scr_tender);
		return TUI_REDRAW;
	case ACT_CASH:
	case ACT_CARD:
	case ACT_QR:
	case ACT_PHONE:
		S.kind = a == ACT_CASH ? TENDER_CASH : a == ACT_CARD ? TENDER_CARD
		         : a == ACT_QR ? TENDER_QR : TENDER_PHONE;
		return TUI_REDRAW;
	case ACT_EXACT:
		offer_rest();
		return TUI_REDRAW;
	case ACT_QUICK_1:
	case ACT_QUICK_2:
	case ACT_QUICK_3:
		if (S.kind != TENDER_CASH)
			return refuse(t, _("Banknote amounts are for cash (F6)"));
		quick(1 + a - ACT_QUICK_1); /* 0 is the exact sum: F2 */
		return TUI_REDRAW;
	case ACT_APPROVAL: {
		if (S.kind != TENDER_CARD)
			return refuse(t, _("An approval code is for a card payment (F7)"));
		struct dlg_field_arg arg = {
			.asked = ASK_APPROVAL, .title = _("Card"), .prompt = _("Approval code:"),
			.hint = _("from the terminal's receipt; Enter with nothing leaves it out"),
			.kind = FIELD_TEXT, .max_chars = JOURNAL_APPROVAL_SIZE - 1, .text = S.approval,
			.check = check_approval,
		};
		tui_open(t, &dlg_field, &arg);
		return TUI_REDRAW;
	}
	case ACT_OK:
		return take(t);
	case ACT_BACK:
		return ask_give_up(t);
	default:
		break;
	}
	return tui_field_key(t, &S.amount, key, NULL);
}

static void result(struct tui *t, const struct tui_result *r)
{
	switch (r->asked) {
	case ASK_WHOLE: /* scr_pay cleared the basket and printed the slip when paid */
		if (r->kind == RESULT_OK && r->number) {
			struct tui_result out = *r;
			out.asked = S.asked;
			tui_close(t, &out);
		} else if (r->kind == RESULT_OK) {
			tui_message(t, ROLE_ERROR, _("%s: take the payment another way, or Esc"), r->text);
		}
		return;
	case ASK_PART:
		if (r->kind == RESULT_OK && r->number) {
			struct part *p = &S.parts[S.n++];
			memset(p, 0, sizeof *p);
			p->p = (struct tender_part){.kind = S.kind, .amount = S.pending_amount,
			                            .given = S.pending_amount};
			p->kaspi_paid = true;
			if (rest() == 0) {
				complete(t);
				return;
			}
			S.kind = TENDER_CASH;
			offer_rest();
			tui_message(t, ROLE_INFO, "%s", r->text);
		} else if (r->kind == RESULT_OK) {
			tui_message(t, ROLE_ERROR, _("%s: the parts paid are kept; take the rest another way"),
			            r->text);
		} else if (r->kind == RESULT_SCAN) {
			tui_message(t, ROLE_ERROR, _("Scanned %s: finish the payment first"), r->text);
		}
		return;
	case ASK_PHONE:
		if (r->kind == RESULT_OK)
			start_kaspi(t, S.pending_amount, r->text);
		return;
	case ASK_APPROVAL:
		if (r->kind == RESULT_OK)
			memcpy(S.approval, r->text, strnlen(r->text, sizeof S.approval - 1) + 1);
		return;
	case ASK_GIVE_UP:
		if (r->kind == RESULT_OK && r->number == CHOICE_KEEP) {
			give_up(t, NULL);
		} else if (r->kind == RESULT_OK && r->number == CHOICE_REFUND) {
			char sum[48], what[160];
			money_format(sum, sizeof sum, kaspi_paid());
			snprintf(what, sizeof what, _("Refund of %s: the sale is given up"), sum);
			struct dlg_approve_arg arg = {.asked = ASK_REFUND_PIN, .what = what};
			tui_open(t, &dlg_approve, &arg);
		}
		return;
	case ASK_REFUND_PIN:
		if (r->kind == RESULT_OK)
			give_up(t, r);
		else
			tui_message(t, ROLE_INFO, "%s", _("No refund made: the sale goes on"));
		return;
	default:
		return;
	}
}

static int scan(struct tui *t, const char *code)
{
	if (S.done) { /* the next customer's first item */
		struct tui_result r = {.kind = RESULT_SCAN, .asked = S.asked};
		snprintf(r.text, sizeof r.text, "%s", code);
		tui_close(t, &r);
		return TUI_REDRAW;
	}
	tui_message(t, ROLE_ERROR, _("Scanned %s: finish the payment first"), code);
	tui_bell(t, 1);
	return TUI_REDRAW;
}

/* ---- drawing ------------------------------------------------------------ */

static void draw(const struct tui *t)
{
	char sum[48], line[256];
	int x = 2, w = COLS - 4, y = 2;

	tui_draw_header(t);
	money_format(sum, sizeof sum, S.total);
	draw_textf(y++, x, w, ROLE_COLUMN_TITLE, -1, true, _("Payment of %s"), sum);
	y++;
	for (size_t i = 0; i < S.n; i++) {
		const struct part *p = &S.parts[i];
		money_format(sum, sizeof sum, p->p.amount);
		if (p->p.kind == TENDER_CASH && p->p.change > 0) {
			char given[48];
			money_format(given, sizeof given, p->p.given);
			snprintf(line, sizeof line, _("%zu. %s %s (given %s)"), i + 1, kind_label(p->p.kind),
			         sum, given);
		} else {
			snprintf(line, sizeof line, "%zu. %s %s", i + 1, kind_label(p->p.kind), sum);
		}
		draw_text(y, x, w - 14, ROLE_NORMAL, -1, true, line);
		draw_text(y++, x + w - 14, 14, p->kaspi_paid || S.done ? ROLE_STATUS_OK : ROLE_DIM, 1,
		          true, p->kaspi_paid || S.done ? _("paid") : _("to take"));
	}
	if (S.done) {
		y++;
		money_format(sum, sizeof sum, S.change);
		draw_textf(y++, x, w, ROLE_STATUS_OK, -1, true, _(" Paid: %s "), S.done_moid);
		y++;
		draw_textf(y++, x, w, ROLE_TOTAL, -1, true, _("CHANGE  %s"), sum);
		draw_text(y + 1, x, w, ROLE_NORMAL, -1, true, _("Enter: the next sale"));
		tui_draw_message(t, LINES - 3);
		tui_draw_keys(t, keys_done);
		return;
	}
	money_format(sum, sizeof sum, rest());
	draw_textf(y++, x, w, ROLE_TOTAL, -1, true, _("To pay: %s"), sum);
	y++;
	/* the kinds, the current one marked */
	int cx = x;
	static const enum tender_kind order[] = {TENDER_CASH, TENDER_CARD, TENDER_QR, TENDER_PHONE};
	static const char *const fkeys[] = {"F6", "F7", "F10", "F11"};
	for (size_t i = 0; i < sizeof order / sizeof *order; i++) {
		snprintf(line, sizeof line, " %s %s ", fkeys[i], kind_label(order[i]));
		cx += draw_text(y, cx, COLS - cx - 1, order[i] == S.kind ? ROLE_SELECTED : ROLE_NORMAL, -1,
		                false, line) + 1;
	}
	y += 2;
	int lw = draw_text(y, x, w, ROLE_NORMAL, -1, false,
	                   S.kind == TENDER_CASH ? _("Cash given: ") : _("Amount: "));
	field_draw(&S.amount, y, x + lw, 20, ROLE_INPUT, true);
	y++;
	if (S.kind == TENDER_CASH) {
		int64_t q[TENDER_QUICK_MAX], given = 0;
		size_t n = tender_quick_cash(rest(), q);
		money_format(sum, sizeof sum, q[0]);
		int qx = x + draw_textf(y, x, w, ROLE_DIM, -1, false, _("F2 exact %s"), sum);
		for (size_t i = 1; i < n && i <= QUICK_KEYS; i++) {
			money_format(sum, sizeof sum, q[i]);
			qx += draw_textf(y, qx, COLS - qx - 1, ROLE_DIM, -1, false, "  F%zu %s", i + 2, sum);
		}
		y += 2;
		if (money_parse_tenge(S.amount.text, &given) && given > rest()) {
			money_format(sum, sizeof sum, given - rest());
			draw_textf(y++, x, w, ROLE_TOTAL, -1, true, _("CHANGE  %s"), sum);
		}
	} else if (S.kind == TENDER_CARD) {
		draw_textf(y++, x, w, ROLE_DIM, -1, true, _("Approval code (F8): %s"),
		           S.approval[0] ? S.approval : "—");
	} else {
		draw_text(y++, x, w, ROLE_DIM, -1, true,
		          _("Enter sends this part to Kaspi; the payment screen shows its QR or its phone"));
	}
	tui_draw_message(t, LINES - 3);
	tui_draw_keys(t, keys);
}

/* The buyer's display: thanks, and the change, once the sale is
 * complete; until then the basket (the payment screen over this one
 * shows a Kaspi part). */
static void buyer(const struct tui *t, struct display_view *v)
{
	(void)t;
	if (!S.done)
		return;
	v->screen = DISPLAY_THANKS;
	v->has_thanks = true;
	v->paid = S.total;
	v->total = S.total;
	v->change = S.change;
}

static const struct keybind *table(const struct tui *t)
{
	(void)t;
	return S.done ? keys_done : keys;
}

const struct screen scr_tender = {
	.name = "tender",
	.enter = enter,
	.leave = leave,
	.key = key,
	.draw = draw,
	.keys = table,
	.result = result,
	.scan = scan,
	.buyer = buyer,
};
