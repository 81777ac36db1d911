/* hooks.h — webhook delivery (API.md, "Webhooks"). Events are queued by the
 * state under its lock and never wait for the network: HOOKS_THREADS
 * background threads POST them with libcurl, signed with X-Kaspi-Hmac.
 * An attempt succeeds on a 2xx within 3 s; otherwise the next one follows
 * after 1, 2, 4, … 64 s, up to 8 attempts in all. hooks_stop() aborts
 * transfers in flight and drops what is still queued. */
#ifndef KP_SANDBOX_KASPI_HOOKS_H
#define KP_SANDBOX_KASPI_HOOKS_H

#include <stdint.h>
#include <time.h>

#define HOOKS_THREADS 2
#define HOOKS_ATTEMPTS 8
#define HOOKS_TIMEOUT_MS 3000
#define HOOKS_QUEUE_MAX 10000  /* deliveries waiting; more are dropped with a note */

struct hooks;

/* Starts the senders; NULL when out of resources. secret must be non-empty. */
struct hooks *hooks_start(const char *secret);
/* Queues one event: the body is compact JSON with the keys in the
 * contract's order, built and signed now so every retry is byte-identical. */
void hooks_send(struct hooks *h, const char *url, const char *event, const char *payment_id,
                const char *merchant_order_id, int64_t amount, const char *status, time_t at);
/* Stops the threads and frees everything; h may be NULL. */
void hooks_stop(struct hooks *h);

#endif
