/* routes.h — kassa-sandbox's paths (FISCAL.md; matched without regard to
 * case, as the service does), who may call each, and the handlers that
 * read a body (check.h) and hand it to the ledger. The table is data:
 * adding a path touches routes.c's table only. */
#ifndef KP_SANDBOX_KASSA_ROUTES_H
#define KP_SANDBOX_KASSA_ROUTES_H

#include <stddef.h>
#include <stdint.h>

#include "sandbox/kassa/ledger.h"
#include "sandbox/route.h"

#define KASSA_CLOCK_MAX_S (10 * 366 * 86400LL)  /* one /sandbox/clock move, at most */

/* One request as a handler sees it. */
struct route_request {
	struct ledger *ledger;
	const char *body;       /* NUL-terminated, possibly empty */
	size_t body_len;
	int64_t now_ms;         /* the emulated clock as it is applied */
};

extern const struct route kassa_routes[];
extern const size_t kassa_routes_count;

/* The body as an object whose numbers keep their text (json.h); NULL with
 * the reason in rd when it is none. */
cJSON *kassa_body(const char *body, size_t len, struct reader *rd);

#endif
