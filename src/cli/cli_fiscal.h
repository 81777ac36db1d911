/* cli_fiscal.h — the fiscal receipts of a headless command: sent in the
 * foreground once the command's sale, return or cash movement is written
 * (app/fiscal.h), each one registered named on standard output and
 * printed when a printer is set; what the register cannot take now waits
 * for the next command or `reconcile`. */
#ifndef KP_CLI_CLI_FISCAL_H
#define KP_CLI_CLI_FISCAL_H

#include "cli/cli.h"
#include "store/db.h"
#include "store/receipts.h"

/* A receipt's kind and state in the reader's language. */
const char *cli_receipt_kind_label(enum receipt_kind k);
const char *cli_receipt_state_label(enum receipt_state s);

/* How long a command waits for the register, at most. */
#define CLI_FISCAL_BUDGET_MS 20000L

/* Sends every receipt waiting (none when [fiscal] names no register) and
 * says what came of it. Returns 0, or EXIT_API when some are left
 * waiting because the register could not be reached or refused them for
 * now, EXIT_STORE when the journal failed — each said on standard error
 * already; a command whose sale is done may go on and exit 0 (the receipt
 * follows with the next command or reconcile). */
int cli_fiscal_send(struct cli_ctx *ctx, store_db *db, long budget_ms);

/* Closes the register's shift after the till's Z: prints (and sends to
 * the printer) its totals beside the journal's. 0, or EXIT_API. */
int cli_fiscal_z(struct cli_ctx *ctx, store_db *db);

/* Before a sale: 0 to go on (a warning from 23 h of the register's shift
 * said on standard error); EXIT_API with why when the register refuses
 * sales now (its shift over 24 h, or 72 h offline); EXIT_STORE. */
int cli_fiscal_gate(struct cli_ctx *ctx, store_db *db);

#endif
