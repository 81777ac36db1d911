/* cmd_sale.c — `kaspi-pos sale ITEM... [--tender ...]...`: a whole sale
 * without the till, by the till's rules (core/tender.h for the parts,
 * the journal first, the same payflow for the Kaspi parts). A sale in one
 * tender is one journal row: a cash or card sale written final, or a
 * Kaspi order with the lines. A sale in several is a split sale (pending
 * with its lines), its Kaspi parts taken first, each an order of its own,
 * and its cash and card parts written last with the completion, so that
 * change is never given before Kaspi said paid.
 *
 * --else cash|card: a Kaspi part that ends unpaid (declined, failed,
 * expired: its order final and not paid) is taken in that tender instead,
 * as the tender screen does when the cashier switches tender: the unpaid
 * order stays in the journal as the sale's failed try, and the part is
 * written with the other cash and card parts at the completion. A sale in
 * one Kaspi tender is then a cash or card sale of its own, the unpaid
 * order beside it. A part given up (Ctrl-C) or left open is never taken
 * again: it may still be paid. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/i18n.h"
#include "app/item.h"
#include "app/payflow.h"
#include "app/print.h"
#include "app/sale.h"
#include "app/worker.h"
#include "cli/cli.h"
#include "cli/cli_fiscal.h"
#include "cli/cli_pay.h"
#include "cli/cli_store.h"
#include "core/basket.h"
#include "core/money.h"
#include "core/tender.h"
#include "core/validate.h"
#include "store/catalog.h"
#include "store/journal.h"
#include "store/shifts.h"

struct tender_arg {
	struct tender_req req;
	char phone[KP_PHONE_SIZE];   /* phone: +77XXXXXXXXX */
	char approval[JOURNAL_APPROVAL_SIZE];
};

static const char *const kind_words[TENDER_KIND_COUNT] = {
	[TENDER_QR] = "qr", [TENDER_PHONE] = "phone", [TENDER_CASH] = "cash", [TENDER_CARD] = "card",
};

/* What a cashier reads for a tender. */
static const char *kind_label(enum tender_kind k)
{
	switch (k) {
	case TENDER_PHONE:
		return _("Kaspi by phone");
	case TENDER_CASH:
		return _("cash");
	case TENDER_CARD:
		return _("card");
	case TENDER_QR:
	default:
		return _("Kaspi QR");
	}
}

/* cash[:AMOUNT] | card[:AMOUNT[:CODE]] | qr[:AMOUNT] | phone:PHONE[:AMOUNT] */
static bool parse_tender(const char *text, struct tender_arg *t)
{
	char buf[128];
	snprintf(buf, sizeof buf, "%s", text);
	char *rest = strchr(buf, ':');
	if (rest)
		*rest++ = '\0';
	memset(t, 0, sizeof *t);
	int k = -1;
	for (int i = 0; i < TENDER_KIND_COUNT; i++)
		if (strcmp(buf, kind_words[i]) == 0)
			k = i;
	if (k < 0)
		return false;
	t->req.kind = (enum tender_kind)k;
	t->req.amount = TENDER_REST;
	if (t->req.kind == TENDER_PHONE) {
		char *amount = rest ? strchr(rest, ':') : NULL;
		if (amount)
			*amount++ = '\0';
		if (!rest || !kp_phone_normalize(rest, t->phone, sizeof t->phone))
			return false;
		rest = amount;
	}
	char *code = NULL;
	if (rest && t->req.kind == TENDER_CARD && (code = strchr(rest, ':')))
		*code++ = '\0';
	if (rest && *rest && (!money_parse_tenge(rest, &t->req.amount) || t->req.amount <= 0))
		return false;
	if (code) {
		if (strlen(code) >= sizeof t->approval || !*code)
			return false;
		for (const char *p = code; *p; p++)
			if (*p < 0x21 || *p > 0x7e)
				return false;
		snprintf(t->approval, sizeof t->approval, "%s", code);
	}
	return true;
}

/* One ITEM: CODE, N*CODE, 0,350*CODE or a scale label, read and added
 * as the till's input line does (app/item.h). */
static bool add_item(store_db *db, const struct kp_config *cfg, struct basket *b, const char *text,
                     char *msg, size_t size)
{
	struct kp_scale_rules rules;
	struct item it;
	char why[ITEM_MESSAGE_SIZE];

	config_scale_rules(cfg, &rules);
	enum item_status st = item_resolve(db, &rules, text, &it, why, sizeof why);
	if (st == ITEM_NOT_FOUND || st == ITEM_EMPTY) {
		snprintf(msg, size, _("%s: no such barcode or SKU in the catalog"), text);
		return false;
	}
	if (st != ITEM_OK) {
		snprintf(msg, size, "%s", why);
		return false;
	}
	if (item_add(b, &it, NULL, why, sizeof why) != BASKET_OK) {
		snprintf(msg, size, "%s: %s", text, why);
		return false;
	}
	return true;
}

static void print_lines(const struct basket *b)
{
	char price[48], sum[48], how[160];
	for (size_t i = 0; i < b->count; i++) {
		const struct basket_line *l = &b->lines[i];
		int64_t total = 0;
		if (l->voided || basket_line_sums(l, NULL, NULL, &total) != BASKET_OK)
			continue;
		money_format(sum, sizeof sum, total);
		if (l->weight > 0) { /* "0,350 кг × 4 290,00 ₸/кг" */
			item_weight_text(how, sizeof how, l->weight, item_unit_shown(l->unit), l->unit_price,
			                 true);
			printf("%s  %s  %s\n", l->name, how, sum);
			continue;
		}
		money_format(price, sizeof price, l->unit_price);
		printf("%s  %lld × %s  %s\n", l->name, (long long)l->quantity, price, sum);
	}
}

static void print_part(const struct tender_part *p)
{
	char sum[48], given[48], change[48];
	money_format(sum, sizeof sum, p->amount);
	if (p->kind == TENDER_CASH && p->change > 0) {
		money_format(given, sizeof given, p->given);
		money_format(change, sizeof change, p->change);
		printf("%s %s  %s %s  %s %s\n", kind_label(p->kind), sum, _("given"), given, _("change"),
		       change);
	} else {
		printf("%s %s\n", kind_label(p->kind), sum);
	}
}

/* The drawer opens on a cash tender, and only then. */
static void open_drawer(const struct kp_config *cfg, const struct tender_part *parts, size_t n)
{
	bool cash = false;
	for (size_t i = 0; i < n; i++)
		cash |= parts[i].kind == TENDER_CASH;
	if (!cash || cfg->drawer.mode == CONFIG_DRAWER_NONE)
		return;
	char err[PRINT_ERR_MAX];
	if (print_drawer_kick(cfg, 0, err, sizeof err) != PRINT_OK)
		fprintf(stderr, "kaspi-pos: %s\n", err);
}

struct sale_run {
	struct cli_ctx *ctx;
	store_db *db;
	struct worker *w;
	struct payflow pf;
	struct basket b;
	int64_t shift_id;
	struct tender_arg args[TENDER_PARTS_MAX];
	struct tender_part parts[TENDER_PARTS_MAX];
	size_t n;
	bool no_wait;
	struct sale_lock lock;           /* the split sale's, while it is paid (app/sale.h) */
	bool has_else;                   /* --else given */
	enum tender_kind else_kind;      /* --else: cash or card */
};

/* Whether Kaspi order order_id ended unpaid for sure (declined, failed,
 * expired), so that its amount can be taken another way: never after
 * Ctrl-C, never while the order may still be paid. */
static bool ended_unpaid(struct sale_run *s, int64_t order_id)
{
	struct journal_order o;
	store_err err;
	if (!s->has_else || cli_pay_interrupted() ||
	    journal_get(s->db, order_id, &o, &err) != STORE_OK)
		return false;
	return journal_state_final(o.state) && !journal_state_is_sale(o.state);
}

/* Part p, whose Kaspi order ended unpaid, becomes the --else tender. */
static void take_instead(struct sale_run *s, size_t i)
{
	struct tender_part *p = &s->parts[i];
	int64_t amount = p->amount;
	*p = (struct tender_part){.kind = s->else_kind, .amount = amount};
	if (p->kind == TENDER_CASH)
		p->given = p->amount;
	s->args[i].approval[0] = '\0';
	printf(_("not paid by Kaspi: %s instead\n"), kind_label(p->kind));
}

/* A sale in one cash or card tender: one row, final. */
static int sale_single(struct sale_run *s)
{
	const struct tender_part *p = &s->parts[0];
	char moid[JOURNAL_ORDER_ID_SIZE], message[256];
	struct journal_tender t = sale_tender_of(p, s->args[0].approval);
	if (!sale_record(s->db, &s->ctx->cfg, &s->b, 0, s->shift_id, &t, NULL, moid, message,
	                 sizeof message)) {
		fprintf(stderr, "kaspi-pos: %s\n", message);
		return EXIT_USAGE;
	}
	printf("%s %s\n", _("order"), moid);
	print_part(p);
	open_drawer(&s->ctx->cfg, p, 1);
	printf("%s\n", _("paid"));
	return EXIT_PAID_OK;
}

/* A sale in one Kaspi tender: the order with its lines, as the till does. */
static int sale_kaspi(struct sale_run *s)
{
	int64_t order_id;
	char message[PAYFLOW_MESSAGE_SIZE];
	const struct tender_arg *a = &s->args[0];
	if (!payflow_start(&s->pf, &s->b, sale_method_of(a->req.kind), a->phone, 0, s->shift_id, &order_id,
	                   message, sizeof message)) {
		fprintf(stderr, "kaspi-pos: %s\n", message);
		return EXIT_USAGE;
	}
	int rc = cli_wait_payment(&s->pf, s->w, s->db, order_id, s->no_wait);
	if (rc == EXIT_PAID_OK || !ended_unpaid(s, order_id))
		return rc;
	take_instead(s, 0);
	return sale_single(s);
}

/* Gives up split sale id; each paid Kaspi part is named for a refund. */
static void give_up_split(struct sale_run *s, int64_t id, const char *moid)
{
	struct sale_paid_part paid[JOURNAL_PART_TRIES_MAX];
	size_t n = 0;
	char message[256];
	bool given_up = sale_give_up_split(s->db, id, 0, paid, JOURNAL_PART_TRIES_MAX, &n, message,
	                                   sizeof message);
	if (!given_up)
		fprintf(stderr, "kaspi-pos: %s\n", message);
	sale_lock_release(&s->lock, given_up); /* still pending: reconcile's, once a part settles */
	cli_say_paid_parts(moid, paid, n);
}

/* A sale in several parts. */
static int sale_split(struct sale_run *s)
{
	char moid[JOURNAL_ORDER_ID_SIZE], message[256];
	int64_t id = 0;
	store_err err;
	if (!sale_open_split(s->db, &s->ctx->cfg, &s->b, 0, s->shift_id, &id, moid, &s->lock, message,
	                     sizeof message)) {
		fprintf(stderr, "kaspi-pos: %s\n", message);
		return EXIT_USAGE;
	}
	printf("%s %s\n", _("order"), moid);

	/* the Kaspi parts first, one after the other */
	for (size_t i = 0; i < s->n; i++) {
		if (!tender_is_kaspi(s->parts[i].kind))
			continue;
		struct payflow_part part = {.sale_id = id, .sale_moid = moid,
		                            .amount = s->parts[i].amount,
		                            .method = sale_method_of(s->parts[i].kind),
		                            .phone = s->args[i].phone, .part_no = (int)i + 1,
		                            .parts = (int)s->n};
		int64_t order_id;
		print_part(&s->parts[i]);
		if (!payflow_start_part(&s->pf, &part, 0, s->shift_id, &order_id, message,
		                        sizeof message)) {
			fprintf(stderr, "kaspi-pos: %s\n", message);
			give_up_split(s, id, moid);
			return EXIT_USAGE;
		}
		int rc = cli_wait_payment(&s->pf, s->w, s->db, order_id, false);
		if (rc != EXIT_PAID_OK && ended_unpaid(s, order_id)) {
			take_instead(s, i);
		} else if (rc != EXIT_PAID_OK) {
			give_up_split(s, id, moid);
			return rc;
		}
	}
	/* then cash and card, written with the completion */
	struct journal_tender rest[TENDER_PARTS_MAX];
	size_t n_rest = 0;
	for (size_t i = 0; i < s->n; i++)
		if (!tender_is_kaspi(s->parts[i].kind))
			rest[n_rest++] = sale_tender_of(&s->parts[i], s->args[i].approval);
	if (journal_complete_split(s->db, id, rest, n_rest, 0, &err) != STORE_OK) {
		fprintf(stderr, "kaspi-pos: %s\n", kp_msg_text(&err.msg));
		give_up_split(s, id, moid);
		return cli_store_exit(err.status);
	}
	sale_lock_release(&s->lock, true);
	for (size_t i = 0; i < s->n; i++)
		if (!tender_is_kaspi(s->parts[i].kind))
			print_part(&s->parts[i]);
	open_drawer(&s->ctx->cfg, s->parts, s->n);
	printf("%s\n", _("paid"));
	return EXIT_PAID_OK;
}

int cmd_sale(struct cli_ctx *ctx, int argc, char **argv)
{
	struct sale_run s = {.ctx = ctx, .lock = SALE_LOCK_NONE};
	const char *items[BASKET_LINES_MAX];
	size_t n_items = 0, n_args = 0;
	char msg[512], total_text[48];

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--tender") == 0 && i + 1 < argc) {
			if (n_args == TENDER_PARTS_MAX) {
				fprintf(stderr, "kaspi-pos: %s\n", _(tender_status_message(TENDER_ERR_TOO_MANY)));
				return EXIT_USAGE;
			}
			if (!parse_tender(argv[++i], &s.args[n_args])) {
				fprintf(stderr, "kaspi-pos: %s: \"%s\"\n",
				        _("a tender is cash[:AMOUNT], card[:AMOUNT[:CODE]], qr[:AMOUNT] or "
				          "phone:PHONE[:AMOUNT], AMOUNT in tenge"),
				        argv[i]);
				return EXIT_USAGE;
			}
			n_args++;
		} else if (strcmp(argv[i], "--no-wait") == 0) {
			s.no_wait = true;
		} else if (strcmp(argv[i], "--else") == 0 && i + 1 < argc) {
			const char *k = argv[++i];
			if (strcmp(k, "cash") != 0 && strcmp(k, "card") != 0) {
				fprintf(stderr, "kaspi-pos: %s: \"%s\"\n",
				        _("--else takes cash or card: the tender of a Kaspi part that ends unpaid"),
				        k);
				return EXIT_USAGE;
			}
			s.has_else = true;
			s.else_kind = strcmp(k, "cash") == 0 ? TENDER_CASH : TENDER_CARD;
		} else if (argv[i][0] == '-' || n_items == BASKET_LINES_MAX) {
			return cli_usage("sale");
		} else {
			items[n_items++] = argv[i];
		}
	}
	if (n_items == 0)
		return cli_usage("sale");
	if (n_args == 0) { /* cash, the exact sum */
		s.args[0].req = (struct tender_req){.kind = TENDER_CASH, .amount = TENDER_REST};
		n_args = 1;
	}
	if (s.no_wait && (n_args != 1 || !tender_is_kaspi(s.args[0].req.kind))) {
		fprintf(stderr, "kaspi-pos: %s\n", _("--no-wait is for a sale in one Kaspi tender"));
		return EXIT_USAGE;
	}
	bool any_kaspi = false;
	for (size_t i = 0; i < n_args; i++)
		any_kaspi |= tender_is_kaspi(s.args[i].req.kind);
	if (s.has_else && (!any_kaspi || s.no_wait)) {
		fprintf(stderr, "kaspi-pos: %s\n",
		        _("--else is for a sale with a Kaspi tender, waited for (not with --no-wait)"));
		return EXIT_USAGE;
	}

	int rc;
	s.db = cli_store_open(ctx, &rc);
	if (!s.db)
		return rc;
	basket_init(&s.b);
	rc = EXIT_USAGE;
	for (size_t i = 0; i < n_items; i++)
		if (!add_item(s.db, &ctx->cfg, &s.b, items[i], msg, sizeof msg)) {
			fprintf(stderr, "kaspi-pos: %s\n", msg);
			goto out_basket;
		}
	enum basket_status bs = basket_check_payable(&s.b);
	if (bs != BASKET_OK) {
		fprintf(stderr, "kaspi-pos: %s\n", _(basket_status_message(bs)));
		goto out_basket;
	}
	int64_t total = basket_total(&s.b);
	struct tender_req req[TENDER_PARTS_MAX];
	for (size_t i = 0; i < n_args; i++)
		req[i] = s.args[i].req;
	size_t bad = 0;
	enum tender_status ts = tender_resolve(total, req, n_args, s.parts, &bad);
	if (ts != TENDER_OK) {
		money_format(total_text, sizeof total_text, total);
		fprintf(stderr, "kaspi-pos: %s (%s %s)\n", _(tender_status_message(ts)), _("total"),
		        total_text);
		goto out_basket;
	}
	s.n = n_args;

	if ((rc = cli_fiscal_gate(ctx, s.db)) != 0)
		goto out_basket;
	rc = EXIT_USAGE;
	store_err err;
	struct shift shift;
	if (shifts_ensure_open(s.db, 0, &shift, NULL, &err) != STORE_OK) {
		fprintf(stderr, "kaspi-pos: %s\n", kp_msg_text(&err.msg));
		rc = cli_store_exit(err.status);
		goto out_basket;
	}
	s.shift_id = shift.id;
	print_lines(&s.b);
	money_format(total_text, sizeof total_text, total);
	printf("%s %s\n", _("total"), total_text);
	fflush(stdout);

	bool kaspi = false;
	for (size_t i = 0; i < s.n; i++)
		kaspi |= tender_is_kaspi(s.parts[i].kind);
	if (!kaspi && s.n == 1) {
		rc = sale_single(&s);
		if (rc == EXIT_PAID_OK)
			(void)cli_fiscal_send(ctx, s.db, CLI_FISCAL_BUDGET_MS);
		goto out_basket;
	}
	/* cash and card need no network: the worker only for Kaspi parts */
	if (kaspi && !(s.w = worker_start(&ctx->cfg))) {
		fprintf(stderr, "kaspi-pos: %s\n", _("cannot start the network thread"));
		rc = EXIT_API;
		goto out_basket;
	}
	payflow_init(&s.pf, s.db, s.w, &ctx->cfg, &kp_clock_system);
	rc = s.n == 1 ? sale_kaspi(&s) : sale_split(&s);
	if (rc == EXIT_PAID_OK && !s.no_wait)
		(void)cli_fiscal_send(ctx, s.db, CLI_FISCAL_BUDGET_MS);
	if (s.w)
		worker_stop(s.w, 500);
	payflow_free(&s.pf);
out_basket:
	basket_free(&s.b);
	db_close(s.db);
	return rc;
}
