/* pollsched.h — when to ask the server about a payment next (DESIGN.md,
 * "Payment screen and polling"). Pure arithmetic, so the schedule and its
 * request budget can be tested and documented exactly.
 *
 *   first minute after the create: every 1 s
 *   then until 3 minutes:          every 2 s
 *   then until expires_at:         every 5 s
 *   after a network error:         1, 2, 4, 8 s …, capped at 15 s
 *   a Retry-After from the server: never sooner than it asks
 *   past expires_at:               one more look after POLL_EXPIRY_GRACE_MS,
 *                                  then every POLL_SLOW_MS until the server
 *                                  says the payment is final
 *   a payment the server does not  every POLL_UNKNOWN_MS (404
 *   know:                          payment_not_found: it may come back)
 *   with a live push stream from   every POLL_PUSHED_MS (10 s), a safety
 *   the hub (app/push.h):          net: a pushed event asks at once
 *
 * Requests that are sent again rather than polled (a create, a refund,
 * each with its stored bytes) back off with poll_backoff_ms: the same
 * capped doubling and Retry-After. Both are the one rule of retrying.
 */
#ifndef KP_CORE_POLLSCHED_H
#define KP_CORE_POLLSCHED_H

#include <stdint.h>

#define POLL_FAST_MS 1000
#define POLL_FAST_UNTIL_MS 60000
#define POLL_MEDIUM_MS 2000
#define POLL_MEDIUM_UNTIL_MS 180000
#define POLL_SLOW_MS 5000
#define POLL_ERROR_BASE_MS 1000
#define POLL_ERROR_CAP_MS 15000
#define POLL_EXPIRY_GRACE_MS 2000
#define POLL_UNKNOWN_MS 60000
#define POLL_PUSHED_MS 10000

/* How the till learns of a payment's change. */
enum poll_mode {
	POLL_MODE_POLL,   /* polling alone: the schedule above */
	POLL_MODE_PUSHED, /* a live push stream says "look now": polls every POLL_PUSHED_MS */
};

/* Milliseconds from now until the next status request.
 * age_ms: since the create was answered; to_expiry_ms: until expires_at
 * (negative once past); errors: failed requests in a row (0 after a good
 * answer); retry_after_s: the last Retry-After (0 when none). */
int64_t poll_delay_ms(int64_t age_ms, int64_t to_expiry_ms, int errors, long retry_after_s);

/* The same in mode: POLL_MODE_PUSHED asks every POLL_PUSHED_MS while
 * nothing fails (errors back off and Retry-After holds as in polling;
 * the look that confirms expiry is kept). */
int64_t poll_delay_mode_ms(enum poll_mode mode, int64_t age_ms, int64_t to_expiry_ms, int errors,
                           long retry_after_s);

/* Milliseconds until a failed request is sent again: 1, 2, 4, 8 s for
 * errors 1, 2, 3, 4 failures in a row, then POLL_ERROR_CAP_MS (15 s);
 * never sooner than retry_after_s (the last 429's Retry-After, 0: none).
 * errors ≤ 0 counts as 1. */
int64_t poll_backoff_ms(int errors, long retry_after_s);

/* Status requests a payment that nobody pays costs until expires_at when
 * nothing fails: the request budget the README documents. */
long poll_budget(int64_t ttl_ms);

#endif
