/* routes.h — kaspi-sandbox's paths (relative to /api/v1), what each takes,
 * and the handlers that check a request's body and hand it to the state.
 * The table is data (route.h): adding a path touches routes.c's table only. */
#ifndef KP_SANDBOX_KASPI_ROUTES_H
#define KP_SANDBOX_KASPI_ROUTES_H

#include <stddef.h>
#include <stdint.h>

#include "sandbox/kaspi/api.h"
#include "sandbox/kaspi/state.h"
#include "sandbox/route.h"

/* One request as a handler sees it. */
struct route_request {
	struct state *st;
	const char *id;               /* the path's {id}, or NULL */
	const char *body;             /* NUL-terminated, possibly empty */
	size_t body_len;
	const char *idempotency_key;  /* X-Idempotency-Key, or NULL */
	const char *base_url;         /* "http://host:port/api/v1", for qr_image */
	int64_t now_ms;               /* wall clock when the request is applied */
};

/* The table, for the server to look requests up in (route.h). */
extern const struct route kaspi_routes[];
extern const size_t kaspi_routes_count;

#endif
