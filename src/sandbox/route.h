/* route.h — a sandbox's paths as a table: each row a method, a pattern of
 * segments ("/payments/{id}/cancel"; "{id}" or "{id}.svg" captures one
 * segment), who may call it, and its handler. Both sandboxes keep such a
 * table; this module finds a request's row in it.
 *
 * struct route_request, what a handler is given, is each program's own:
 * it is declared here and completed by the program (kaspi's routes.h,
 * kassa's routes.h), so the table's rows stay typed in each. */
#ifndef KP_SANDBOX_ROUTE_H
#define KP_SANDBOX_ROUTE_H

#include <stdbool.h>
#include <stddef.h>

#include "sandbox/reply.h"

#define ROUTE_ID_MAX 65  /* a path's {id} segment, NUL included */

/* What the server does before a handler runs. */
enum route_access {
	ROUTE_API,      /* the service's admission (rate limit, key), fault injection */
	ROUTE_CONTROL,  /* admission only: the sandbox's test controls stay reliable
	                   and uncounted whatever faults or limits a test set */
	ROUTE_PUBLIC    /* nothing: the QR image, so an <img> or a phone can load it */
};

struct route_request;  /* completed by each program */

struct route {
	const char *method;           /* "GET" or "POST"; GET routes answer HEAD too */
	const char *pattern;          /* segments; "{id}" or "{id}.svg" capture one */
	enum route_access access;
	void (*handle)(const struct route *rt, const struct route_request *rq, struct reply *out);
	int step;                     /* a handler's own number (a control step) */
};

enum route_result { ROUTE_FOUND, ROUTE_NO_PATH, ROUTE_BAD_METHOD };

/* Finds the row of path and method in table[0..n); nocase compares the
 * fixed segments without regard to case. On ROUTE_FOUND sets *rt and id; on
 * ROUTE_BAD_METHOD writes the methods the path takes into allow. */
enum route_result route_find(const struct route *table, size_t n, bool nocase, const char *path,
                             const char *method, const struct route **rt, char id[ROUTE_ID_MAX],
                             char *allow, size_t allow_size);

#endif
