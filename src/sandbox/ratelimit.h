/* ratelimit.h — the per-merchant limit of N requests per sliding minute.
 * A ring holds the times of the last N admitted requests: a request is
 * admitted when fewer than N came in the last 60 s, in O(1), and Retry-After
 * is exactly when the oldest of them leaves the window. Refused requests
 * are not counted, so a client that waits as told always gets through. */
#ifndef KP_SANDBOX_RATELIMIT_H
#define KP_SANDBOX_RATELIMIT_H

#include "core/check.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RATELIMIT_WINDOW_MS 60000
#define RATELIMIT_MAX 1000000  /* biggest N (the ring is 8 bytes per slot) */

struct ratelimit {
	pthread_mutex_t lock;
	int64_t *ring;   /* admission times in ms, oldest at head; NULL = no limit */
	size_t cap;      /* N */
	size_t head;     /* index of the oldest */
	size_t count;    /* slots in use */
};

/* per_minute 0 means unlimited. False when out of memory. */
bool ratelimit_init(struct ratelimit *rl, size_t per_minute) KP_MUST_CHECK;
void ratelimit_destroy(struct ratelimit *rl);
/* Admits (and counts) a request at now_ms, or refuses it and sets
 * *retry_after to the whole seconds to wait (at least 1). */
bool ratelimit_admit(struct ratelimit *rl, int64_t now_ms, unsigned *retry_after);

#endif
