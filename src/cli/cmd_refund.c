/* cmd_refund.c — `kaspi-pos refund ORDER_OR_PAYMENT_ID [AMOUNT] --reason
 * TEXT [--user NAME] [--to cash]`: a refund through the payflow, back to
 * the sale's own tenders (or all in cash with --to cash), approved by a
 * manager's PIN; and `kaspi-pos refund --no-receipt AMOUNT --reason TEXT
 * [--vat RATE] [--user NAME]`: a return without a receipt, in cash.
 *
 * Order of work: the rules first (refunds_check: a refund they refuse
 * asks for no PIN and sends nothing), then the PIN, then the refund is
 * journaled: a row per tender it goes back to (refunds.h, "Tenders").
 * The cash and card rows are given back at once (the drawer opens for
 * cash); the Kaspi rows are sent, and the command waits for the server's
 * answer to each.
 *
 * The PIN (DESIGN.md): read from the terminal without echo, or one line
 * of standard input when that is not a terminal; that of the manager
 * named by --user, or of any manager (cli_approve.h says how each counts
 * toward the lockout).
 *
 * Exit: 0 refunded; 1 refused by the rules (here or by the server);
 * 2 usage, bad input, wrong PIN or not a manager; 3 network or API
 * error: the refund stays refund_pending and `kaspi-pos reconcile`
 * settles it. */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/i18n.h"
#include "app/payflow.h"
#include "app/print.h"
#include "app/worker.h"
#include "cli/cli.h"
#include "core/clock.h"
#include "cli/cli_approve.h"
#include "cli/cli_fiscal.h"
#include "cli/cli_store.h"
#include "core/money.h"
#include "core/vat.h"
#include "store/journal.h"
#include "store/refunds.h"
#include "store/shifts.h"

/* A refund the server cannot be reached for in this long is left to
 * reconcile. */
#define REFUND_GIVE_UP_MS 20000

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

static int refund_usage(void)
{
	return cli_usage("refund");
}

/* The exit code of a refusal by a rule: what was typed is bad input (2),
 * what the order allows is a refusal (1). */
static int rule_exit(enum refunds_rule rule)
{
	switch (rule) {
	case REFUNDS_RULE_REASON:
	case REFUNDS_RULE_AMOUNT:
	case REFUNDS_RULE_OK:
		return EXIT_USAGE;
	default:
		return EXIT_DECLINED;
	}
}

/* ---- waiting for the server ---------------------------------------------------- */

/* What the command waits for: the Kaspi rows of the refund. */
struct waiting {
	int64_t rows[REFUNDS_ALLOC_MAX];
	size_t n;
	char code[REFUNDS_ALLOC_MAX][XPAY_CODE_SIZE]; /* the last error code the server gave */
	bool stalled;                 /* a failure no repeat mends now */
	bool tty;
};

/* The index of refund row in wt, or -1. */
static int waited(const struct waiting *wt, int64_t row)
{
	for (size_t i = 0; i < wt->n; i++)
		if (wt->rows[i] == row)
			return (int)i;
	return -1;
}

/* Polls the worker until the next send is due (at most max_ms), then
 * applies every result and notes what happened to our refunds. */
static void wait_and_apply(struct payflow *pf, struct worker *w, long max_ms, struct waiting *wt)
{
	long due = payflow_tick(pf);
	long timeout = due >= 0 && due < max_ms ? due : max_ms;
	struct pollfd p = {.fd = worker_fd(w), .events = POLLIN};
	if (poll(&p, 1, (int)timeout) <= 0)
		return;
	struct worker_result *r;
	struct payflow_changes ch;
	while (worker_take(w, &r)) {
		int k = r->kind == JOB_REFUND ? waited(wt, -r->tag) : -1;
		if (payflow_apply(pf, r, &ch) && k >= 0) {
			snprintf(wt->code[k], sizeof wt->code[k], "%s", r->res.code);
			const struct payflow_watch *f = payflow_find_refund(pf, wt->rows[k]);
			wt->stalled = wt->stalled || (f && f->stalled);
			if (f && f->message[0] && !f->stalled)
				fprintf(stderr, "%s%s: %s\n", wt->tty ? "\r" : "", _("retrying"), f->message);
		}
		worker_result_free(r);
	}
}

/* The server's refusal codes that are a rule of the refund (exit 1). */
static bool refused_by_rule(const char *code)
{
	return strcmp(code, "refund_exceeds_available") == 0 ||
	       strcmp(code, "refund_window_closed") == 0 ||
	       strcmp(code, "payment_not_refundable") == 0;
}

/* Whether a refund of wt is still watched. */
static bool any_watched(struct payflow *pf, const struct waiting *wt)
{
	for (size_t i = 0; i < wt->n; i++)
		if (payflow_find_refund(pf, wt->rows[i]))
			return true;
	return false;
}

/* Says how each row of the refund made ended, waiting for the Kaspi ones;
 * then the order's state. Returns the exit code. */
static int wait_outcome(struct payflow *pf, struct worker *w, store_db *db,
                        const struct refund_quote *made)
{
	struct waiting wt = {.tty = isatty(STDERR_FILENO)};
	int64_t started = kp_mono_ms();
	const char *why = NULL;
	int rc = 0;

	for (size_t i = 0; i < made->n_alloc; i++)
		if (journal_method_is_kaspi(made->alloc[i].tender))
			wt.rows[wt.n++] = made->alloc[i].row;
	signal(SIGINT, on_interrupt);
	signal(SIGTERM, on_interrupt);
	while (any_watched(pf, &wt)) {
		if (wt.stalled || interrupted || kp_mono_ms() - started > REFUND_GIVE_UP_MS) {
			for (size_t i = 0; i < wt.n && !why; i++) {
				const struct payflow_watch *f = payflow_find_refund(pf, wt.rows[i]);
				if (f && f->message[0])
					why = f->message;
			}
			break;
		}
		wait_and_apply(pf, w, 250, &wt);
	}

	struct refund f;
	struct journal_order o;
	store_err err;
	for (size_t i = 0; i < made->n_alloc; i++) {
		if (refunds_get(db, made->alloc[i].row, &f, &err) != STORE_OK) {
			fprintf(stderr, "kaspi-pos: %s\n", kp_msg_text(&err.msg));
			return EXIT_STORE;
		}
		int k = waited(&wt, f.id);
		switch (f.state) {
		case REFUND_REFUNDED:
			if (journal_method_is_kaspi(f.tender))
				printf("%s %s\n", _("refunded"), f.refund_id);
			else
				printf("%s %s %s\n", _("refunded"), _(refunds_tender_label(f.tender)),
				       f.merchant_refund_id);
			break;
		case REFUND_FAILED:
			fprintf(stderr, "kaspi-pos: %s: %s\n", _("the server refused the refund"),
			        kp_msg_text_packed(f.last_error));
			if (rc == 0 || rc == EXIT_DECLINED)
				rc = k >= 0 && refused_by_rule(wt.code[k]) ? EXIT_DECLINED : EXIT_API;
			break;
		default:
			fprintf(stderr, "kaspi-pos: %s (%s): %s\n", why ? why : _("no answer from the server"),
			        f.merchant_refund_id,
			        _("the refund stays pending; kaspi-pos reconcile settles it"));
			rc = EXIT_API;
			break;
		}
	}
	if (made->n_alloc > 0 && refunds_get(db, made->alloc[0].row, &f, &err) == STORE_OK &&
	    journal_get(db, f.order_id, &o, &err) == STORE_OK)
		printf("%s %s %s\n", _("order"), o.merchant_order_id, _(journal_order_label(&o)));
	return rc;
}

/* Opens the drawer for cash given back (as the sale does: only for cash). */
static void open_drawer(const struct kp_config *cfg, int64_t cash)
{
	char err[PRINT_ERR_MAX];
	if (cash <= 0 || cfg->drawer.mode == CONFIG_DRAWER_NONE)
		return;
	if (print_drawer_kick(cfg, 0, err, sizeof err) != PRINT_OK)
		fprintf(stderr, "kaspi-pos: %s\n", err);
}

/* ---- a return without a receipt ------------------------------------------------- */

static int no_receipt(struct cli_ctx *ctx, const char *amount_text, const char *reason,
                      const char *vat_text, const char *user)
{
	int64_t amount = 0;
	long rate = PAYFLOW_DEFAULT_TAX_RATE;
	char *end = NULL, sum[48], mrid[REFUNDS_ID_SIZE];

	if (!money_parse_tenge(amount_text, &amount) || amount < KP_AMOUNT_MIN ||
	    amount > KP_AMOUNT_MAX) {
		fprintf(stderr, "kaspi-pos: %s: \"%s\"\n",
		        _("the amount must be tenge from 0,01 to 1 000 000, like 1500, 1500.50 or 1500,50"),
		        amount_text);
		return EXIT_USAGE;
	}
	if (vat_text) {
		rate = strtol(vat_text, &end, 10);
		if (!*vat_text || *end || rate < 0 || rate > VAT_RATE_MAX) {
			fprintf(stderr, "kaspi-pos: %s: \"%s\"\n",
			        _("the VAT rate is a whole percent from 0 to 100, like 12"), vat_text);
			return EXIT_USAGE;
		}
	}
	int rc;
	store_db *db = cli_store_open(ctx, &rc);
	if (!db)
		return rc;
	store_err err;
	struct shift shift;
	int64_t manager = 0, row = 0;
	/* the checks before the PIN: bad input asks for nothing */
	struct refund_bare b = {.till_id = ctx->cfg.till.id, .amount = amount, .tax_rate = (int)rate,
	                        .reason = reason};
	if (refunds_no_receipt_check(&b, &err) != STORE_OK) {
		fprintf(stderr, "kaspi-pos: %s\n", kp_msg_text(&err.msg));
		rc = EXIT_USAGE;
		goto out;
	}
	if ((rc = cli_approve_manager(db, user, _("nothing was refunded"), &manager)) != 0)
		goto out;
	store_status st = shifts_ensure_open(db, 0, &shift, NULL, &err);
	if (st == STORE_OK) {
		b.shift_id = shift.id;
		b.approved_by = manager;
		st = refunds_no_receipt(db, &b, &row, mrid, &err);
	}
	if (st != STORE_OK) {
		fprintf(stderr, "kaspi-pos: %s\n", kp_msg_text(&err.msg));
		rc = st == STORE_ERR_INPUT ? EXIT_USAGE : cli_store_exit(st);
		goto out;
	}
	money_format(sum, sizeof sum, amount);
	printf("%s %s  %s  %s %ld%%\n", _("return without a receipt"), mrid, sum, _("VAT"), rate);
	printf("%s %s %s\n", _("refunded"), _(refunds_tender_label(JOURNAL_CASH)), mrid);
	fflush(stdout);
	open_drawer(&ctx->cfg, amount);
	rc = 0;
out:
	db_close(db);
	return rc;
}

/* ---- the command ----------------------------------------------------------------- */

/* An option NAME VALUE or NAME=VALUE at argv[*i]: its value, or NULL. */
static const char *option(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);
	if (strcmp(argv[*i], name) == 0 && *i + 1 < argc)
		return argv[++*i];
	if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=')
		return argv[*i] + n + 1;
	return NULL;
}

int cmd_refund(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *target = NULL, *amount_text = NULL, *reason = NULL, *user = NULL;
	const char *to = NULL, *bare = NULL, *vat = NULL, *v;
	int64_t amount = REFUNDS_ALL_LEFT;

	for (int i = 0; i < argc; i++) {
		if ((v = option(argc, argv, &i, "--reason")))
			reason = v;
		else if ((v = option(argc, argv, &i, "--user")))
			user = v;
		else if ((v = option(argc, argv, &i, "--to")))
			to = v;
		else if ((v = option(argc, argv, &i, "--no-receipt")))
			bare = v;
		else if ((v = option(argc, argv, &i, "--vat")))
			vat = v;
		else if (argv[i][0] == '-' && !(argv[i][1] >= '0' && argv[i][1] <= '9'))
			return refund_usage();
		else if (!target)
			target = argv[i];
		else if (!amount_text)
			amount_text = argv[i];
		else
			return refund_usage();
	}
	if (bare) {
		if (target || to || !reason)
			return refund_usage();
		return no_receipt(ctx, bare, reason, vat, user);
	}
	if (!target || !reason || vat)
		return refund_usage();
	if (to && strcmp(to, "cash") != 0) {
		fprintf(stderr, "kaspi-pos: %s: \"%s\"\n",
		        _("only --to cash is known: without it the refund goes back to the sale's own tenders"), to);
		return EXIT_USAGE;
	}
	if (amount_text && (!money_parse_tenge(amount_text, &amount) || amount < KP_AMOUNT_MIN ||
	                    amount > KP_AMOUNT_MAX)) {
		fprintf(stderr, "kaspi-pos: %s: \"%s\"\n",
		        _("the amount must be tenge from 0,01 to 1 000 000, like 1500, 1500.50 or 1500,50"),
		        amount_text);
		return EXIT_USAGE;
	}

	int rc;
	store_db *db = cli_store_open(ctx, &rc);
	if (!db)
		return rc;
	store_err err;
	struct journal_order o;
	store_status st = journal_find(db, target, &o, &err);
	if (st != STORE_OK) {
		fprintf(stderr, "kaspi-pos: %s\n", kp_msg_text(&err.msg));
		db_close(db);
		return cli_store_exit(st);
	}

	struct worker *w = worker_start(&ctx->cfg);
	if (!w) {
		fprintf(stderr, "kaspi-pos: %s\n", _("cannot start the network thread"));
		db_close(db);
		return EXIT_API;
	}
	struct payflow pf;
	char message[PAYFLOW_MESSAGE_SIZE], sum[48];
	struct payflow_refund_req req = {.order_id = o.id, .amount = amount, .reason = reason,
	                                 .to_cash = to != NULL};
	struct refund_quote q;
	struct shift shift;
	payflow_init(&pf, db, w, &ctx->cfg, &kp_clock_system);

	/* the rules before the PIN: a refund they refuse asks for nothing */
	if (!payflow_refund_check(&pf, &req, &q, message, sizeof message)) {
		fprintf(stderr, "kaspi-pos: %s\n", message);
		rc = q.rule != REFUNDS_RULE_OK ? rule_exit(q.rule) : EXIT_STORE;
		goto out;
	}
	if ((rc = cli_approve_manager(db, user, _("nothing was refunded"), &req.approver_id)) != 0)
		goto out;
	if ((st = shifts_ensure_open(db, 0, &shift, NULL, &err)) != STORE_OK) {
		fprintf(stderr, "kaspi-pos: %s\n", kp_msg_text(&err.msg));
		rc = cli_store_exit(st);
		goto out;
	}
	req.shift_id = shift.id;

	enum refunds_rule rule;
	int64_t row = 0;
	struct refund_quote made;
	if (!payflow_refund(&pf, &req, &row, &made, &rule, message, sizeof message)) {
		fprintf(stderr, "kaspi-pos: %s\n", message);
		rc = rule != REFUNDS_RULE_OK ? rule_exit(rule) : EXIT_STORE;
	} else {
		for (size_t i = 0; i < made.n_alloc; i++) {
			money_format(sum, sizeof sum, made.alloc[i].amount);
			printf("%s %s  %s  %s %s  %s\n", _("refund"), made.alloc[i].merchant_refund_id, sum,
			       _("of order"), o.merchant_order_id, _(refunds_tender_label(made.alloc[i].tender)));
		}
		fflush(stdout);
		open_drawer(&ctx->cfg, payflow_refund_cash(&made));
		rc = wait_outcome(&pf, w, db, &made);
		if (rc == 0)
			(void)cli_fiscal_send(ctx, db, CLI_FISCAL_BUDGET_MS);
	}
out:
	worker_stop(w, 500);
	payflow_free(&pf);
	db_close(db);
	return rc;
}
