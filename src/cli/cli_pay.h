/* cli_pay.h — the headless commands' wait for one Kaspi payment: the QR
 * or the phone note printed once the server answers, the countdown on a
 * terminal, Ctrl-C gives up (a cancel goes out), a create that cannot get
 * through for two minutes is left to reconcile. */
#ifndef KP_CLI_CLI_PAY_H
#define KP_CLI_CLI_PAY_H

#include <stdbool.h>
#include <stdint.h>

#include "app/payflow.h"
#include "app/sale.h"
#include "app/worker.h"
#include "store/db.h"

/* Waits for order_id, journaled and handed to pf, to end; returns charge's
 * exit code (EXIT_PAID_OK, EXIT_DECLINED, EXIT_API). no_wait: return 0
 * once the payment is pending (its QR printed). */
int cli_wait_payment(struct payflow *pf, struct worker *w, store_db *db, int64_t order_id,
                     bool no_wait);

/* Says on standard error, for each of the n paid parts of split sale
 * moid that was given up, to refund it. */
void cli_say_paid_parts(const char *moid, const struct sale_paid_part *paid, size_t n);

/* Whether SIGINT or SIGTERM came during a wait. */
bool cli_pay_interrupted(void);

#endif
