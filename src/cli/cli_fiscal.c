/* cli_fiscal.c — see cli_fiscal.h. */
#include "cli/cli_fiscal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/fiscal.h"
#include "app/i18n.h"
#include "app/print.h"
#include "cli/cli_store.h"
#include "core/money.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "store/journal.h"

const char *cli_receipt_kind_label(enum receipt_kind k)
{
	switch (k) {
	case RECEIPT_RETURN:
		return _("return");
	case RECEIPT_CASH_IN:
		return _("cash in");
	case RECEIPT_CASH_OUT:
		return _("cash out");
	case RECEIPT_SALE:
	default:
		return _("sale");
	}
}

const char *cli_receipt_state_label(enum receipt_state s)
{
	switch (s) {
	case RECEIPT_REGISTERED:
		return _("registered");
	case RECEIPT_REFUSED:
		return _("refused by the register");
	case RECEIPT_SKIPPED:
		return _("not made: the sale has no fiscal receipt");
	case RECEIPT_NEW:
	case RECEIPT_PENDING:
	default:
		return _("waiting for the register");
	}
}

/* One registered receipt: its line, and the paper when a printer is set. */
static void say_registered(struct cli_ctx *ctx, store_db *db, const struct receipt *r)
{
	char sum[48], url[RECEIPT_URL_SIZE], sign[RECEIPT_NUMBER_SIZE * 3], err[PRINT_ERR_MAX];
	money_format(sum, sizeof sum, r->amount);
	kp_text_safe(url, sizeof url, r->ticket_url);
	kp_text_safe(sign, sizeof sign, r->check_number);
	if (r->kind == RECEIPT_SALE || r->kind == RECEIPT_RETURN)
		printf(_("fiscal receipt: %s %s, fiscal sign %s%s, %s\n"), cli_receipt_kind_label(r->kind), sum,
		       sign, r->offline ? _(" (offline)") : "", url);
	else
		printf(_("fiscal receipt: %s %s registered\n"), cli_receipt_kind_label(r->kind), sum);
	if (ctx->cfg.printer.mode == CONFIG_PRINTER_NONE)
		return;
	char *text = fiscal_receipt_text(db, &ctx->cfg, r, false);
	if (text && print_text(&ctx->cfg, text, err, sizeof err) != PRINT_OK)
		fprintf(stderr, "kaspi-pos: %s\n", err);
	free(text);
}

int cli_fiscal_send(struct cli_ctx *ctx, store_db *db, long budget_ms)
{
	if (!fiscal_enabled(&ctx->cfg))
		return 0;
	struct receipt *before = NULL;
	size_t n = 0;
	store_err err;
	struct fiscal_run run;
	char message[512];
	if (receipts_open(db, 1000, &before, &n, &err) != STORE_OK) {
		fprintf(stderr, "kaspi-pos: %s\n", kp_msg_text(&err.msg));
		return EXIT_STORE;
	}
	if (n == 0) {
		free(before);
		return 0;
	}
	if (!fiscal_send_pending(db, &ctx->cfg, NULL, budget_ms, &run, message, sizeof message)) {
		fprintf(stderr, "kaspi-pos: %s\n", message);
		free(before);
		return EXIT_STORE;
	}
	for (size_t i = 0; i < n; i++) {
		struct receipt r;
		if (receipts_get(db, before[i].id, &r, &err) != STORE_OK)
			continue;
		if (r.state == RECEIPT_REGISTERED)
			say_registered(ctx, db, &r);
		else if (r.state == RECEIPT_REFUSED) {
			char why[KP_TEXT_SAFE_SIZE(RECEIPT_TEXT_SIZE)];
			kp_text_safe(why, sizeof why, r.last_error);
			printf(_("fiscal receipt: %s refused by the register: %s\n"), cli_receipt_kind_label(r.kind), why);
		}
	}
	free(before);
	if (run.pending > 0) {
		const char *why = run.why.id ? kp_msg_text(&run.why) : _("no answer from the register");
		fprintf(stderr, _("kaspi-pos: %ld fiscal receipts wait for the register (%s); kaspi-pos "
		                  "reconcile sends them\n"),
		        run.pending, why);
		return EXIT_API;
	}
	return 0;
}

int cli_fiscal_z(struct cli_ctx *ctx, store_db *db)
{
	if (!fiscal_enabled(&ctx->cfg))
		return 0;
	struct kp_msg why;
	char *text = fiscal_z_report(db, &ctx->cfg, &why);
	if (!text) {
		fprintf(stderr, _("kaspi-pos: the register's Z report: %s\n"), kp_msg_text(&why));
		return EXIT_API;
	}
	fputs(text, stdout);
	char err[PRINT_ERR_MAX];
	if (ctx->cfg.printer.mode != CONFIG_PRINTER_NONE &&
	    print_text(&ctx->cfg, text, err, sizeof err) != PRINT_OK)
		fprintf(stderr, "kaspi-pos: %s\n", err);
	free(text);
	/* what the register refused for the shift's 24 h goes into the new one */
	long for_z = 0;
	store_err serr;
	if (receipts_waiting_on(db, WK_CODE_SHIFT_24H, &for_z, &serr) == STORE_OK && for_z > 0)
		(void)cli_fiscal_send(ctx, db, CLI_FISCAL_BUDGET_MS);
	return 0;
}

/* `fiscal status`: the register's shift and link, as its answers said. */
static int say_register(struct cli_ctx *ctx, store_db *db)
{
	struct fiscal_gate g;
	char message[256];
	if (!fiscal_enabled(&ctx->cfg))
		return 0;
	if (!fiscal_gate(db, &ctx->cfg, time(NULL), &g, message, sizeof message)) {
		fprintf(stderr, "kaspi-pos: %s\n", message);
		return EXIT_STORE;
	}
	if (g.shift_age_s >= 0)
		printf(_("the register's shift is open for %ld h %ld min\n"), g.shift_age_s / 3600,
		       g.shift_age_s % 3600 / 60);
	else
		printf("%s\n", _("the register's shift is closed: the next receipt opens one"));
	if (g.offline_s >= 0)
		printf(_("the register is offline for %ld h %ld min\n"), g.offline_s / 3600,
		       g.offline_s % 3600 / 60);
	if (g.kind != FISCAL_GATE_OPEN)
		printf("%s\n", kp_msg_text(&g.msg));
	return g.kind == FISCAL_GATE_SHUT ? EXIT_API : 0;
}

/* `fiscal z`: sends what waits, then closes the register's shift unless
 * receipts it could take still wait (those it refused for the shift's
 * 24 h go into the next one: cli_fiscal_z sends them after the Z). */
static int fiscal_z(struct cli_ctx *ctx, store_db *db)
{
	long waiting = 0, for_z = 0;
	time_t oldest = 0;
	store_err err;
	int rc = cli_fiscal_send(ctx, db, CLI_FISCAL_BUDGET_MS);
	if (receipts_unsent(db, &waiting, &oldest, &err) != STORE_OK ||
	    receipts_waiting_on(db, WK_CODE_SHIFT_24H, &for_z, &err) != STORE_OK) {
		fprintf(stderr, "kaspi-pos: %s\n", kp_msg_text(&err.msg));
		return EXIT_STORE;
	}
	if (rc != 0 && waiting > for_z)
		return rc;
	return cli_fiscal_z(ctx, db);
}

int cli_fiscal_gate(struct cli_ctx *ctx, store_db *db)
{
	struct fiscal_gate g;
	char message[256];
	if (!fiscal_gate(db, &ctx->cfg, time(NULL), &g, message, sizeof message)) {
		fprintf(stderr, "kaspi-pos: %s\n", message);
		return EXIT_STORE;
	}
	if (g.kind != FISCAL_GATE_OPEN)
		fprintf(stderr, "kaspi-pos: %s\n", kp_msg_text(&g.msg));
	return g.kind == FISCAL_GATE_SHUT ? EXIT_API : 0;
}

/* `kaspi-pos fiscal send | status`: send what waits now (the till runs
 * it in the background after each sale, return and cash movement), or
 * say how many receipts wait and since when. */
int cmd_fiscal(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc != 1 || (strcmp(argv[0], "send") != 0 && strcmp(argv[0], "status") != 0 &&
	                  strcmp(argv[0], "z") != 0))
		return cli_usage("fiscal");
	int rc;
	store_db *db = cli_store_open(ctx, &rc);
	if (!db)
		return rc;
	if (strcmp(argv[0], "send") == 0) {
		rc = cli_fiscal_send(ctx, db, CLI_FISCAL_BUDGET_MS);
	} else if (strcmp(argv[0], "z") == 0) {
		rc = fiscal_z(ctx, db);
	} else {
		long n = 0;
		time_t oldest = 0;
		store_err err;
		if (receipts_unsent(db, &n, &oldest, &err) != STORE_OK) {
			fprintf(stderr, "kaspi-pos: %s\n", kp_msg_text(&err.msg));
			rc = EXIT_STORE;
		} else if (n == 0) {
			printf("%s\n", fiscal_enabled(&ctx->cfg) ? _("every fiscal receipt is registered")
			                                         : _("no register is set: [fiscal] provider = none"));
		} else {
			char since[32];
			kp_almaty_strftime(since, sizeof since, "%Y-%m-%d %H:%M", oldest);
			printf(_("%ld fiscal receipts wait for the register, the oldest since %s\n"), n, since);
			rc = EXIT_API;
		}
		if (rc != EXIT_STORE && say_register(ctx, db) != 0)
			rc = EXIT_API;
	}
	db_close(db);
	return rc;
}
