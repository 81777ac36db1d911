/* ratelimit.c — sliding one-minute window over a ring of admission times. */
#include "sandbox/ratelimit.h"

#include <stdlib.h>

bool ratelimit_init(struct ratelimit *rl, size_t per_minute)
{
	pthread_mutex_init(&rl->lock, NULL);
	rl->cap = per_minute;
	rl->head = rl->count = 0;
	rl->ring = NULL;
	if (per_minute) {
		rl->ring = malloc(per_minute * sizeof *rl->ring);
		if (!rl->ring)
			return false;
	}
	return true;
}

void ratelimit_destroy(struct ratelimit *rl)
{
	free(rl->ring);
	rl->ring = NULL;
	pthread_mutex_destroy(&rl->lock);
}

bool ratelimit_admit(struct ratelimit *rl, int64_t now_ms, unsigned *retry_after)
{
	bool ok = true;

	if (!rl->ring)
		return true;
	pthread_mutex_lock(&rl->lock);
	if (rl->count < rl->cap) {
		rl->ring[(rl->head + rl->count) % rl->cap] = now_ms;
		rl->count++;
	} else {
		int64_t oldest = rl->ring[rl->head];
		int64_t wait = oldest + RATELIMIT_WINDOW_MS - now_ms;
		if (wait > 0) {
			ok = false;
			*retry_after = (unsigned)((wait + 999) / 1000);
		} else {
			/* the oldest left the window: its slot takes this one */
			rl->ring[rl->head] = now_ms;
			rl->head = (rl->head + 1) % rl->cap;
		}
	}
	pthread_mutex_unlock(&rl->lock);
	return ok;
}
