/* ledger.h — the emulated cash register behind one mutex: its tokens, its
 * receipts and cash operations, its shifts and reports, the operator's
 * reachability and the register's own state (FISCAL.md).
 *
 * Every call takes what the body said (read by check.h; rd holds the
 * first rule it broke) and the emulated time, and fills a reply. The
 * rules are applied in the contract's order of precedence, under the lock,
 * so that the first one that fails answers and a refused request changes
 * nothing: the Token (3 missing or unknown, 2 expired), the register (6
 * unknown, 7 blocked), a repeated ExternalCheckNumber (14), validation (9,
 * the body's and then the return's sale), the 24 h shift (11), the 72 h
 * offline limit (18, receipts only), the cash for a cash-out (8). The
 * check for 14 and the registration are one step, so that of any number
 * of requests with one ExternalCheckNumber, concurrent or not, exactly
 * one registers. */
#ifndef KP_SANDBOX_KASSA_LEDGER_H
#define KP_SANDBOX_KASSA_LEDGER_H

#include <stdbool.h>
#include <stdint.h>

#include "sandbox/kassa/check.h"
#include "sandbox/kassa/receipt.h"
#include "sandbox/reply.h"

#define LEDGER_SHIFT_MS (24 * 3600 * INT64_C(1000))    /* a shift's longest life */
#define LEDGER_OFFLINE_MS (72 * 3600 * INT64_C(1000))  /* the longest time offline */
#define LEDGER_TOKENS_MAX 100000  /* tokens kept; past it the oldest is forgotten */

struct ledger_config {
	const char *login, *password;  /* the one account */
	int64_t token_ttl_ms;          /* a token is expired once older than this */
	struct cashbox cashbox;        /* the one register; strings outlive the ledger */
};

/* What every call but Authorize names itself by. */
struct ledger_gate {
	const char *token;    /* Token, NULL when absent or not a string */
	const char *cashbox;  /* CashboxUniqueNumber, likewise */
};

struct ledger;

/* NULL when out of memory. */
struct ledger *ledger_new(const struct ledger_config *cfg);
void ledger_free(struct ledger *L);

/* POST /api/v4/Authorize: a new token, or 1. login, password NULL when
 * absent (rd's failure, if any, is a 9 first). */
void ledger_authorize(struct ledger *L, const struct reader *rd, const char *login,
                      const char *password, int64_t now_ms, struct reply *out);
/* POST /api/v4/check. */
void ledger_check(struct ledger *L, const struct ledger_gate *g, const struct check_doc *doc,
                  const struct reader *rd, int64_t now_ms, struct reply *out);
/* POST /api/v4/MoneyOperation. */
void ledger_money(struct ledger *L, const struct ledger_gate *g, const struct money_doc *doc,
                  const struct reader *rd, int64_t now_ms, struct reply *out);
/* POST /api/v4/XReport (close false) and /ZReport (close true). */
void ledger_report(struct ledger *L, const struct ledger_gate *g, bool close, int64_t now_ms,
                   struct reply *out);
/* POST /api/v4/Ticket/PrintFormat. */
void ledger_print(struct ledger *L, const struct ledger_gate *g, const struct print_doc *doc,
                  const struct reader *rd, int64_t now_ms, struct reply *out);

/* The sandbox's controls. The operator unreachable from now, or back. */
void ledger_set_online(struct ledger *L, bool online, int64_t now_ms, struct reply *out);
/* The register blocked (7 to every call), or not. */
void ledger_set_blocked(struct ledger *L, bool blocked, struct reply *out);
/* GET /sandbox/checks: every receipt and cash operation registered. */
void ledger_list(struct ledger *L, struct reply *out);

#endif
