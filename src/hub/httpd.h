/* httpd.h — the hub's HTTP or HTTPS side (libmicrohttpd): a pool of
 * threads, each answering over a database connection of its own, so a
 * long report leaves the other threads to ingest. Two batches of a till
 * never interleave: ingest holds the till's row lock (FOR UPDATE) for
 * its transaction, which keeps two threads, or two hubs on one
 * database, apart.
 *
 *   POST /api/v1/ingest   Authorization: Bearer TOKEN; a till's batch
 *                         (ingest.h): 200 {"acked":N}, 400, 401, 403,
 *                         409 {"error":"gap"|"chain","seq":N}, 413, 503
 *   GET  /api/v1/health   200 {"status":"ok","schema":N}
 *   POST /webhooks/kaspi  Kaspi's webhook, X-Kaspi-Hmac (API.md): 200
 *                         {"status":"ok"|"duplicate","pushed":N}, 401
 *                         bad_signature, 400 stale|malformed, 413, 503
 *                         (no secret set, or the database failed)
 *   GET  /api/v1/push     Authorization: Bearer TOKEN; the till's event
 *                         stream (push.h): 200 text/event-stream, 401, 503
 *   GET  /api/v1/catalog?since=V, /api/v1/users?since=V   the newest
 *                         version for the till's store, or 304 (dist.h)
 *   GET  /api/v1/report   Authorization: Bearer OWNER-TOKEN; ?day=YYYY-MM-DD or
 *                         from=&to=, store, till, by: the chain's report as JSON
 *                         (report.h): 200, 400, 401, 503
 *
 * Bodies up to HTTPD_BODY_MAX; idle connections close after 30 s. */
#ifndef KP_HUB_HTTPD_H
#define KP_HUB_HTTPD_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hub/pgdb.h"

#define HTTPD_BODY_MAX (32u * 1024 * 1024)

typedef struct hub_httpd hub_httpd;

/* Test faults: with probability drop_rate (0 … 1, seeded by seed) the
 * answer to a batch the hub has stored is not sent, the connection
 * closed instead: the till cannot tell whether it was taken. */
struct hub_faults {
	double drop_rate;
	unsigned seed;
};

#define HTTPD_THREADS_MAX 64

struct hub_httpd_config {
	const char *addr;            /* IPv4 */
	uint16_t port;               /* 0: a free one */
	const char *db;              /* PostgreSQL URL or conninfo, for each thread */
	int threads;                 /* 1 … HTTPD_THREADS_MAX */
	const struct hub_faults *faults; /* NULL: none */
	const char *webhook_secret;  /* copied; NULL or "": webhooks are refused */
	const char *tls_cert;        /* PEM text of the certificate (chain) and its key; */
	const char *tls_key;         /* both NULL: plain HTTP. Kept, not copied */
};

/* Starts listening as cfg says. The base URL it listens on
 * (http:// or https://) goes to url. Each batch is logged on standard
 * error, one line: the till, the seqs, what came of it. */
bool hub_httpd_start(const struct hub_httpd_config *cfg, hub_httpd **out, char *url,
                     size_t url_size, char *err, size_t err_size) KP_MUST_CHECK;

/* Stops answering (a request being answered finishes) and frees it. */
void hub_httpd_stop(hub_httpd *h);

#endif
