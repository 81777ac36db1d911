/* cmd_refund.c — `kaspi-pos refund ORDER_OR_PAYMENT_ID [AMOUNT] --reason
 * TEXT [--user NAME]`: a refund through the payflow, approved by a
 * manager's PIN.
 *
 * Order of work: the rules first (refunds_check: a refund they refuse
 * asks for no PIN and sends nothing), then the PIN, then the refund is
 * journaled and sent, and the command waits for the server's answer.
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
#include "app/worker.h"
#include "cli/cli.h"
#include "core/clock.h"
#include "cli/cli_approve.h"
#include "cli/cli_store.h"
#include "core/money.h"
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

struct waiting {
	int64_t refund_row;
	char code[XPAY_CODE_SIZE];    /* the last error code the server gave for it */
	bool stalled;                 /* a failure no repeat mends now */
	bool tty;
};

/* Polls the worker until the next send is due (at most max_ms), then
 * applies every result and notes what happened to our refund. */
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
		if (payflow_apply(pf, r, &ch) && r->kind == JOB_REFUND && r->tag == -wt->refund_row) {
			snprintf(wt->code, sizeof wt->code, "%s", r->res.code);
			const struct payflow_watch *f = payflow_find_refund(pf, wt->refund_row);
			wt->stalled = f && f->stalled;
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

/* Waits for refund row's outcome and prints it. Returns the exit code. */
static int wait_outcome(struct payflow *pf, struct worker *w, store_db *db, int64_t row)
{
	struct waiting wt = {.refund_row = row, .tty = isatty(STDERR_FILENO)};
	int64_t started = kp_mono_ms();
	const char *why = NULL;

	signal(SIGINT, on_interrupt);
	signal(SIGTERM, on_interrupt);
	while (payflow_find_refund(pf, row)) {
		if (wt.stalled || interrupted || kp_mono_ms() - started > REFUND_GIVE_UP_MS) {
			const struct payflow_watch *f = payflow_find_refund(pf, row);
			why = f && f->message[0] ? f->message : _("no answer from the server");
			break;
		}
		wait_and_apply(pf, w, 250, &wt);
	}

	struct refund f;
	struct journal_order o;
	store_err err;
	if (refunds_get(db, row, &f, &err) != STORE_OK || journal_get(db, f.order_id, &o, &err) != STORE_OK) {
		fprintf(stderr, "kaspi-pos: %s\n", kp_msg_text(&err.msg));
		return EXIT_STORE;
	}
	switch (f.state) {
	case REFUND_REFUNDED:
		printf("%s %s\n", _("refunded"), f.refund_id);
		printf("%s %s %s\n", _("order"), o.merchant_order_id, _(journal_order_label(&o)));
		return 0;
	case REFUND_FAILED:
		fprintf(stderr, "kaspi-pos: %s: %s\n", _("the server refused the refund"),
		        kp_msg_text_packed(f.last_error));
		printf("%s %s %s\n", _("order"), o.merchant_order_id, _(journal_order_label(&o)));
		return refused_by_rule(wt.code) ? EXIT_DECLINED : EXIT_API;
	default:
		fprintf(stderr, "kaspi-pos: %s (%s): %s\n", why ? why : _("no answer from the server"),
		        f.merchant_refund_id,
		        _("the refund stays pending; kaspi-pos reconcile settles it"));
		return EXIT_API;
	}
}

/* ---- the command ----------------------------------------------------------------- */

int cmd_refund(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *target = NULL, *amount_text = NULL, *reason = NULL, *user = NULL;
	int64_t amount = REFUNDS_ALL_LEFT;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--reason") == 0 && i + 1 < argc)
			reason = argv[++i];
		else if (strncmp(argv[i], "--reason=", 9) == 0)
			reason = argv[i] + 9;
		else if (strcmp(argv[i], "--user") == 0 && i + 1 < argc)
			user = argv[++i];
		else if (strncmp(argv[i], "--user=", 7) == 0)
			user = argv[i] + 7;
		else if (argv[i][0] == '-' && !(argv[i][1] >= '0' && argv[i][1] <= '9'))
			return refund_usage();
		else if (!target)
			target = argv[i];
		else if (!amount_text)
			amount_text = argv[i];
		else
			return refund_usage();
	}
	if (!target || !reason)
		return refund_usage();
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
	struct payflow_refund_req req = {.order_id = o.id, .amount = amount, .reason = reason};
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
	if (!payflow_refund(&pf, &req, &row, &rule, message, sizeof message)) {
		fprintf(stderr, "kaspi-pos: %s\n", message);
		rc = rule != REFUNDS_RULE_OK ? rule_exit(rule) : EXIT_STORE;
	} else {
		struct refund f;
		if (refunds_get(db, row, &f, &err) == STORE_OK) {
			money_format(sum, sizeof sum, f.amount);
			printf("%s %s  %s  %s %s\n", _("refund"), f.merchant_refund_id, sum, _("of order"),
			       o.merchant_order_id);
			fflush(stdout);
		}
		rc = wait_outcome(&pf, w, db, row);
	}
out:
	worker_stop(w, 500);
	payflow_free(&pf);
	db_close(db);
	return rc;
}
