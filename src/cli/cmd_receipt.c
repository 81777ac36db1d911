/* cmd_receipt.c — `kaspi-pos receipt ORDER_ID [--format text|json]
 * [--print]`: the fiscal receipts of a sale (its own and those of its
 * returns; a refund's id names its return alone) shown again, each marked
 * as a copy, from the journal and the register's answer kept there. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/fiscal.h"
#include "app/i18n.h"
#include "app/print.h"
#include "cli/cli.h"
#include "cli/cli_fiscal.h"
#include "cli/cli_store.h"
#include "core/escpos.h"
#include "core/text.h"
#include "store/journal.h"
#include "store/refunds.h"

/* The receipt as JSON: the register's answer and what it registered. */
static cJSON *receipt_json(store_db *db, const struct receipt *r)
{
	cJSON *o = cJSON_CreateObject();
	wk_ticket t;
	char *ticket = NULL;
	store_err err;
	memset(&t, 0, sizeof t);
	if (r->state == RECEIPT_REGISTERED && receipts_ticket(db, r->id, &ticket, &err) == STORE_OK &&
	    !fiscal_ticket_parse(ticket, &t))
		memset(&t, 0, sizeof t);
	free(ticket);
	cJSON_AddStringToObject(o, "kind", receipts_kind_name(r->kind));
	cJSON_AddStringToObject(o, "state", receipts_state_name(r->state));
	cJSON_AddStringToObject(o, "external_check_number", r->ext_id);
	cJSON_AddNumberToObject(o, "amount", (double)r->amount);
	cJSON_AddNumberToObject(o, "attempts", r->attempts);
	if (r->state != RECEIPT_REGISTERED) {
		cJSON_AddNumberToObject(o, "last_code", r->last_code);
		cJSON_AddStringToObject(o, "last_error", r->last_error);
		return o;
	}
	cJSON_AddStringToObject(o, "fiscal_sign", r->check_number);
	cJSON_AddStringToObject(o, "registration_number", t.registration_number);
	cJSON_AddStringToObject(o, "ticket_url", r->ticket_url);
	cJSON_AddBoolToObject(o, "offline", r->offline);
	cJSON_AddNumberToObject(o, "shift_number", r->fiscal_shift);
	cJSON_AddNumberToObject(o, "check_order_number", t.check_order_number);
	cJSON_AddStringToObject(o, "date_time", t.date_time);
	cJSON_AddNumberToObject(o, "registered_at", (double)r->registered_at);
	return o;
}

/* One receipt as text on standard output, or to the printer. */
static int show_text(struct cli_ctx *ctx, store_db *db, const struct receipt *r, bool print)
{
	if (r->state != RECEIPT_REGISTERED) {
		char why[KP_TEXT_SAFE_SIZE(RECEIPT_TEXT_SIZE)];
		kp_text_safe(why, sizeof why, r->last_error);
		printf(_("the fiscal receipt of this %s is %s%s%s\n"), cli_receipt_kind_label(r->kind),
		       cli_receipt_state_label(r->state), why[0] ? ": " : "", why);
		return r->state == RECEIPT_SKIPPED ? 0 : EXIT_API;
	}
	char *text = fiscal_receipt_text(db, &ctx->cfg, r, true);
	if (!text) {
		fprintf(stderr, "kaspi-pos: %s\n", _("the receipt cannot be made: out of memory or a damaged journal"));
		return EXIT_STORE;
	}
	int rc = 0;
	if (print) {
		char err[PRINT_ERR_MAX];
		if (print_text(&ctx->cfg, text, err, sizeof err) != PRINT_OK) {
			fprintf(stderr, "kaspi-pos: %s\n", err);
			rc = EXIT_STORE;
		}
	} else {
		size_t n = strlen(text) + 1;
		char *shown = malloc(n);
		if (shown) {
			escpos_code_text(text, strlen(text), shown, n);
			fputs(shown, stdout);
			free(shown);
		}
	}
	free(text);
	return rc;
}

int cmd_receipt(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *target = NULL, *format = "text";
	bool print = false;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
			format = argv[++i];
		else if (strcmp(argv[i], "--print") == 0)
			print = true;
		else if (argv[i][0] != '-' && !target)
			target = argv[i];
		else
			return cli_usage("receipt");
	}
	bool json = strcmp(format, "json") == 0;
	if (!target || (!json && strcmp(format, "text") != 0))
		return cli_usage("receipt");

	int rc;
	store_db *db = cli_store_open(ctx, &rc);
	if (!db)
		return rc;
	struct journal_order o;
	struct refund f;
	store_err err;
	struct receipt *list = NULL;
	size_t n = 0;
	int64_t only_refund = 0;
	if (refunds_get_by_refund_id(db, target, &f, &err) == STORE_OK && f.order_id) {
		only_refund = f.id;
		if (journal_get(db, f.order_id, &o, &err) != STORE_OK ||
		    (o.part_of && journal_get(db, o.part_of, &o, &err) != STORE_OK)) {
			fprintf(stderr, "kaspi-pos: %s\n", kp_msg_text(&err.msg));
			db_close(db);
			return EXIT_STORE;
		}
	} else if (journal_find(db, target, &o, &err) != STORE_OK) {
		fprintf(stderr, "kaspi-pos: %s: %s\n", target, _("no such order or refund in the journal"));
		db_close(db);
		return EXIT_USAGE;
	}
	if (receipts_of_order(db, o.id, &list, &n, &err) != STORE_OK) {
		fprintf(stderr, "kaspi-pos: %s\n", kp_msg_text(&err.msg));
		db_close(db);
		return EXIT_STORE;
	}
	size_t shown = 0;
	cJSON *arr = json ? cJSON_CreateArray() : NULL;
	for (size_t i = 0; i < n; i++) {
		if (only_refund && list[i].refund_row != only_refund)
			continue;
		shown++;
		if (json) {
			cJSON_AddItemToArray(arr, receipt_json(db, &list[i]));
		} else {
			int one = show_text(ctx, db, &list[i], print);
			if (one && !rc)
				rc = one;
		}
	}
	if (json) {
		cJSON *top = cJSON_CreateObject();
		cJSON_AddStringToObject(top, "order", o.merchant_order_id);
		cJSON_AddItemToObject(top, "receipts", arr);
		char *text = cJSON_PrintUnformatted(top);
		if (text)
			puts(text);
		free(text);
		cJSON_Delete(top);
	}
	if (shown == 0) {
		fprintf(stderr, "kaspi-pos: %s: %s\n", o.merchant_order_id,
		        _("has no fiscal receipt (it was made without a register, or is not complete)"));
		rc = EXIT_USAGE;
	}
	free(list);
	db_close(db);
	return rc;
}
