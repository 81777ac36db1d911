/* fiscal.h — the receipt flow (FISCAL.md; DESIGN.md, "Sales, tenders and
 * receipts"): every complete sale, every return of a sale and every cash
 * movement has a receipt row in the journal, written by the schema in
 * the same transaction (store/receipts.h). This module writes each row's
 * request once from the journal (the lines, the tenders, a return's
 * basis from its sale's receipt), sends it to the register
 * (net/webkassa.h), sends the same body again after an unknown outcome,
 * settles error 14 by fetching the receipt (PrintFormat) and error 19
 * after it by sending again, and keeps the register's answer for the
 * printed receipt and its copies.
 *
 * The headless commands send in the foreground (fiscal_send_pending,
 * within a time budget); whatever is left pending goes with the next
 * command or `reconcile`. */
#ifndef KP_APP_FISCAL_H
#define KP_APP_FISCAL_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>

#include "app/config.h"
#include "core/msg.h"
#include "net/webkassa.h"
#include "store/db.h"
#include "store/receipts.h"

/* What a run of fiscal_send_pending did. */
struct fiscal_run {
	long registered;            /* receipts registered by this run */
	long skipped;               /* returns of sales without a receipt */
	long refused;               /* cash outs the register refused */
	long pending;               /* left new or pending */
	int code;                   /* the register's code that stopped the run, or 0 */
	bool stopped;               /* the register cannot take receipts now (1, 3, 6, 7, 11, 18,
	                               or no connection) */
	struct kp_msg why;          /* why it stopped, for the cashier; empty if it did not */
};

/* True for the register's codes after which it takes no receipt until a
 * person acts (FISCAL.md: 1, 3, 6, 7 the settings or the register; 11 a
 * Z report; 18 the operator back online). */
bool fiscal_stops(int code);

/* True when [fiscal] names a register. */
bool fiscal_enabled(const struct kp_config *cfg);

/* Writes the register in use into the journal (from then on the journal
 * writes receipt rows, or stops writing them for provider none). */
bool fiscal_setup(store_db *db, const struct kp_config *cfg, char *message, size_t size) KP_MUST_CHECK;

/* A client for [fiscal]; NULL with res filled when it cannot be made. */
wk_client *fiscal_client_new(const struct kp_config *cfg, wk_result *res);

/* Writes the request of every new receipt; sends each pending one, oldest
 * first, until all are registered, budget_ms passes, or the register
 * stops taking them. c may be NULL (fiscal_client_new is called). out may
 * be NULL. False only when the journal fails (message). */
bool fiscal_send_pending(store_db *db, const struct kp_config *cfg, wk_client *c, long budget_ms,
                         struct fiscal_run *out, char *message, size_t size) KP_MUST_CHECK;

/* The printed receipt of registered receipt r (a sale or a return), from
 * the journal and the register's answer; copy marks a reprint. NULL when
 * it is not registered or out of memory. */
char *fiscal_receipt_text(store_db *db, const struct kp_config *cfg, const struct receipt *r,
                          bool copy);

/* Closes the register's shift (ZReport) and returns a malloc'd text of
 * its totals per payment type beside the journal's receipts of that
 * shift, each difference marked Δ; NULL with why when the register
 * refused (12: no shift open) or could not be reached. Call it once the
 * till's Z is written (report_z_close waits for every receipt). */
char *fiscal_z_report(store_db *db, const struct kp_config *cfg, struct kp_msg *why);

/* ---- before a sale: the 24 h shift and the 72 h offline rules ------------------ */

#define FISCAL_SHIFT_WARN_S (23L * 3600) /* from then on every sale warns */
#define FISCAL_SHIFT_MAX_S (24L * 3600)  /* past it the register refuses (11) */

enum fiscal_gate_kind {
	FISCAL_GATE_OPEN,           /* sell */
	FISCAL_GATE_WARN,           /* sell, and say msg (the shift is 23 h old) */
	FISCAL_GATE_SHUT,           /* no sale: msg says why and what to do */
};

struct fiscal_gate {
	enum fiscal_gate_kind kind;
	long shift_age_s;           /* the register's shift, by its clock; -1: none open */
	long offline_s;             /* offline for so long, by its clock; -1: online */
	struct kp_msg msg;          /* WARN, SHUT: for the cashier */
};

/* What the register allows now (the till's clock: now) from what its
 * answers said (receipts_register_state): shut after a refusal 18 until
 * a receipt is taken online, and after 24 h of shift (or a refusal 11)
 * until a Z; a warning from 23 h. Open with no register set. */
void fiscal_gate_of(const struct fiscal_register *r, time_t now, struct fiscal_gate *g);

/* The same, read from the journal. False when the journal fails (message). */
bool fiscal_gate(store_db *db, const struct kp_config *cfg, time_t now, struct fiscal_gate *g,
                 char *message, size_t size) KP_MUST_CHECK;

/* The register's answer kept with a receipt, as JSON, and back. */
char *fiscal_ticket_json(const wk_ticket *t);
bool fiscal_ticket_parse(const char *json, wk_ticket *t) KP_MUST_CHECK;

#endif
