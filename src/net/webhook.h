/* webhook.h — signing and verifying the contract's webhooks
 * (X-Kaspi-Hmac = lowercase hex HMAC-SHA256 over the raw body). */
#ifndef KP_NET_WEBHOOK_H
#define KP_NET_WEBHOOK_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define WEBHOOK_SIG_HEX_LEN 64

/* Writes the lowercase hex HMAC-SHA256 of body under secret into hex
 * (WEBHOOK_SIG_HEX_LEN + 1 bytes, NUL-terminated). */
void webhook_sign(const char *secret, const void *body, size_t len,
                  char hex[WEBHOOK_SIG_HEX_LEN + 1]);

/* A timestamp further than this from now, either way, is refused: older
 * is a replay, newer cannot come from an honest clock. */
#define WEBHOOK_WINDOW_SECONDS 300

#define WEBHOOK_EVENT_MAX  32  /* bytes of "payment.completed" etc. */
#define WEBHOOK_ID_MAX     64  /* bytes of payment_id / merchant_order_id */
#define WEBHOOK_STATUS_MAX 16
#define WEBHOOK_GUARD_SIZE 512 /* (payment_id, event) pairs remembered */

enum webhook_verdict {
	WEBHOOK_OK,            /* new, signed, fresh: act on it */
	WEBHOOK_BAD_SIGNATURE, /* missing, malformed or wrong X-Kaspi-Hmac */
	WEBHOOK_MALFORMED,     /* signed, but not the contract's JSON */
	WEBHOOK_STALE,         /* timestamp outside the window around now */
	WEBHOOK_DUPLICATE,     /* this (payment_id, event) was already accepted */
};

struct webhook_event {
	char event[WEBHOOK_EVENT_MAX + 1];        /* "payment.completed", ... */
	char payment_id[WEBHOOK_ID_MAX + 1];
	char merchant_order_id[WEBHOOK_ID_MAX + 1];
	int64_t amount;                           /* tiyn */
	char status[WEBHOOK_STATUS_MAX + 1];      /* "succeeded", ... */
	time_t timestamp;                         /* when the event happened */
};

/* One remembered pair. It can be forgotten once its event is stale,
 * since a replay of it would then be refused as stale anyway. */
struct webhook_seen {
	char payment_id[WEBHOOK_ID_MAX + 1];
	char event[WEBHOOK_EVENT_MAX + 1];
	time_t forget_at;                         /* 0 = free slot */
};

/* The replay guard: a ring of the pairs accepted lately. When more than
 * WEBHOOK_GUARD_SIZE pairs are accepted within one window the oldest is
 * overwritten early. Not locked: use one per thread or lock around
 * webhook_verify. */
struct webhook_guard {
	struct webhook_seen seen[WEBHOOK_GUARD_SIZE];
	size_t next;                              /* ring slot written next */
};

void webhook_guard_init(struct webhook_guard *guard);

/* True when header is the HMAC-SHA256 of body under secret: 64 hex digits,
 * either case, blanks around allowed; compared in constant time. An empty
 * or NULL secret verifies nothing. */
bool webhook_check_signature(const char *secret, const void *body, size_t len,
                             const char *header) KP_MUST_CHECK;

/* Checks one delivery, in this order: the signature over the raw bytes
 * (nothing is parsed before it passes), the JSON body, the timestamp
 * against now, then the guard. Only WEBHOOK_OK records the pair in guard
 * (guard may be NULL to skip that step). *out (may be NULL) is filled for
 * WEBHOOK_OK, WEBHOOK_STALE and WEBHOOK_DUPLICATE and zeroed otherwise.
 * A body field "hmac" is ignored, as the contract says. */
enum webhook_verdict webhook_verify(const char *secret, const void *body, size_t len,
                                    const char *header, time_t now,
                                    struct webhook_guard *guard, struct webhook_event *out);

/* "ok", "bad signature", "malformed", "stale", "duplicate". */
const char *webhook_verdict_name(enum webhook_verdict verdict);

#endif
