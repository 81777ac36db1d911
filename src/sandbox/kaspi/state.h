/* state.h — the sandbox's payments and refunds, behind one mutex.
 *
 * Payments are found by id and by merchant_order_id, refunds by
 * merchant_refund_id, all through hash maps; pending payments sit in a
 * timer heap keyed by their next step (simulated scan, simulated outcome,
 * expiry). Every access first brings the payment up to date ("lazy"), and
 * a ticker thread does the same for due payments every STATE_TICK_MS, so
 * webhooks fire on time even when nobody asks.
 *
 * The route functions below take the body's verdict so far (an api_check
 * with the failures that depend on the body alone), add the failures that
 * depend on stored state, and fill a reply: the first failure in the
 * contract's precedence answers. */
#ifndef KP_SANDBOX_KASPI_STATE_H
#define KP_SANDBOX_KASPI_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "sandbox/kaspi/hooks.h"
#include "sandbox/kaspi/api.h"

#define STATE_TICK_MS 50
#define STATE_MAX_PAYMENTS 200000  /* beyond it the oldest payment is forgotten */
#define STATE_ID_SIZE 17            /* "pay_"/"ref_" + 12 hex + NUL */
#define STATE_ORDER_ID_SIZE 65      /* 64 characters + NUL */

struct state_config {
	unsigned pay_after_s;        /* simulated buyer: scans at half, pays at the end; 0 never */
	unsigned qr_ttl_s;           /* expires_at = created_at + qr_ttl_s */
	int64_t daily_limit_tiyn;    /* pending + succeeded per Almaty day */
	struct hooks *hooks;         /* webhook sender, or NULL for none */
};

/* A create, as the route parsed it. Fields that failed their type check
 * are NULL/absent and the check holds a 400 already. */
struct order_input {
	const char *merchant_order_id; /* valid per kp_valid_order_id, or NULL */
	int64_t amount;
	const char *payment_method;
	const char *callback_url;      /* NULL for none */
	const cJSON *body;             /* the parsed body, compared for replays */
	const char *raw;               /* the raw body, stored for later replays */
	const char *qr_base;           /* "http://host:port/api/v1", for qr_image */
};

/* A refund, as the route parsed it. */
struct refund_input {
	const char *payment_id;        /* NULL when missing or not a string */
	int64_t amount;
	bool amount_valid;             /* amount passed its type check */
	const char *merchant_refund_id; /* valid id from the body or the header, or NULL */
	const cJSON *body;
	const char *raw;
};

/* The sandbox's control steps (POST /sandbox/payments/{id}/STEP). */
enum control_step {
	CONTROL_SCAN,
	CONTROL_PAY,
	CONTROL_DECLINE,
	CONTROL_FAIL,
	CONTROL_EXPIRE
};

struct state;

/* Creates the store and starts its ticker thread; NULL on failure. */
struct state *state_new(const struct state_config *cfg);
/* Stops the ticker and frees everything. */
void state_free(struct state *st);

void state_create(struct state *st, const struct order_input *in, struct api_check *chk,
                  int64_t now_ms, struct reply *out);
void state_get(struct state *st, const char *payment_id, int64_t now_ms, struct reply *out);
void state_cancel(struct state *st, const char *payment_id, int64_t now_ms, struct reply *out);
void state_refund(struct state *st, const struct refund_input *in, struct api_check *chk,
                  int64_t now_ms, struct reply *out);
void state_control(struct state *st, const char *payment_id, enum control_step step,
                   int64_t now_ms, struct reply *out);
/* Moves every time of a payment (and its refunds) back by seconds, as if
 * it were that much older: for testing 30- and 90-day windows. */
void state_backdate(struct state *st, const char *payment_id, int64_t seconds, int64_t now_ms,
                    struct reply *out);
/* GET /sandbox/stats: payments created and creates replayed since the
 * start, so a test can prove that retries never made a second payment. */
void state_stats(struct state *st, struct reply *out);
/* Counts one request to an API path for the stats (status: a GET of a
 * payment, the polls a till makes). */
void state_count_request(struct state *st, bool status);
/* A malloc'd copy of the payment's qr_token, or NULL if unknown. */
char *state_qr_token(struct state *st, const char *payment_id);

#endif
