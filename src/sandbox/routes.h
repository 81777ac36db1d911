/* routes.h — the API's paths (relative to /api/v1), what each takes, and
 * the handlers that check a request's body and hand it to the state.
 * The table is data: adding a path touches routes.c's table only. */
#ifndef KP_SANDBOX_ROUTES_H
#define KP_SANDBOX_ROUTES_H

#include <stddef.h>
#include <stdint.h>

#include "sandbox/reply.h"
#include "sandbox/state.h"

#define ROUTE_ID_MAX 65  /* a path's {id} segment, NUL included */

/* What the server does before a handler runs. */
enum route_access {
	ROUTE_API,      /* rate limit, auth, fault injection */
	ROUTE_CONTROL,  /* auth only: the sandbox's test controls stay reliable
	                   and uncounted whatever faults or limits a test set */
	ROUTE_PUBLIC    /* nothing: the QR image, so an <img> or a phone can load it */
};

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

struct route {
	const char *method;           /* "GET" or "POST"; GET routes answer HEAD too */
	const char *pattern;          /* segments; "{id}" or "{id}.svg" capture one */
	enum route_access access;
	void (*handle)(const struct route *rt, const struct route_request *rq, struct reply *out);
	int step;                     /* enum control_step of a control route */
};

enum route_result { ROUTE_FOUND, ROUTE_NO_PATH, ROUTE_BAD_METHOD };

/* Finds the route of path and method. On ROUTE_FOUND sets *rt and id; on
 * ROUTE_BAD_METHOD writes the methods the path takes into allow. */
enum route_result routes_find(const char *path, const char *method, const struct route **rt,
                              char id[ROUTE_ID_MAX], char *allow, size_t allow_size);

#endif
