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

/* Milliseconds from now until the next status request.
 * age_ms: since the create was answered; to_expiry_ms: until expires_at
 * (negative once past); errors: failed requests in a row (0 after a good
 * answer); retry_after_s: the last Retry-After (0 when none). */
int64_t poll_delay_ms(int64_t age_ms, int64_t to_expiry_ms, int errors, long retry_after_s);

/* Status requests a payment that nobody pays costs until expires_at when
 * nothing fails: the request budget the README documents. */
long poll_budget(int64_t ttl_ms);

#endif
