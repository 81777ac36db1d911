/* server.h — the HTTP side both sandboxes share: libmicrohttpd with a
 * thread per connection (so a hanging or slow request holds only its own
 * connection), keep-alive, a 30 s idle time-out, bodies up to 64 KiB, at
 * most 1000 connections and max_conn_per_ip of them from one client
 * address (a new one over it is closed at once), and a whole-request
 * deadline (deadline.h) so that slow clients cannot keep those slots for
 * ever.
 *
 * What is a program's own comes in through struct server_service. For
 * every request whose body is all in, in order:
 *   the route, found in the service's table under its prefix — refuse
 *     SERVER_NO_PATH (404) or SERVER_BAD_METHOD (405, with Allow);
 *   the size — refuse SERVER_TOO_LARGE (413; also before the body is read
 *     when Content-Length says so);
 *   admit, for every route but ROUTE_PUBLIC — the service's rate limit and
 *     key; false sends what it filled;
 *   for ROUTE_API, the fault plan (faults.h) and its latency; a fault
 *     before the request is applied: refuse SERVER_FAULT_BEFORE (500), or
 *     the connection dropped;
 *   handle — the route's handler through the service;
 *   a fault after it: refuse SERVER_FAULT_AFTER (500) in place of the
 *     answer, the connection dropped, the answer held back or garbled;
 *   render — the body's bytes (a reply with raw bytes is sent as it is).
 * The hooks run on the connection's thread, several at once: the service
 * locks what it shares. */
#ifndef KP_SANDBOX_SERVER_H
#define KP_SANDBOX_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "sandbox/faults.h"
#include "sandbox/reply.h"
#include "sandbox/route.h"

#define SERVER_BODY_MAX (64 * 1024)
#define SERVER_IDLE_TIMEOUT_S 30
#define SERVER_CONNECTIONS_MAX 1000
#define SERVER_CONN_PER_IP_DEFAULT 64
#define SERVER_DEADLINE_MS_DEFAULT 10000

/* Why the server answers instead of the route's handler. */
enum server_refusal {
	SERVER_NO_PATH,       /* 404 */
	SERVER_BAD_METHOD,    /* 405 */
	SERVER_TOO_LARGE,     /* 413 */
	SERVER_FAULT_BEFORE,  /* 500, nothing was done */
	SERVER_FAULT_AFTER    /* 500, the request was applied */
};

/* One request as the service's hooks see it. */
struct server_request {
	void *conn;                 /* the connection, for server_header() */
	const char *url;            /* the whole path as sent */
	const char *path;           /* below the service's prefix; NULL outside it */
	const char *method;
	const struct route *route;  /* its row; NULL in a refusal before routing */
	char id[ROUTE_ID_MAX];      /* the path's {id}, or "" */
	const char *allow;          /* SERVER_BAD_METHOD: the methods the path takes */
	const char *body;           /* NUL-terminated, possibly empty */
	size_t body_len;
	const char *base_url;       /* "http://" + the Host the client used + prefix */
	int64_t now_ms;             /* the emulated clock (ticks.h) as it is applied */
};

/* A request header, or NULL. */
const char *server_header(const struct server_request *rq, const char *name);

/* What a program plugs into the server (the call protocol is above). */
struct server_service {
	const char *name;            /* "kaspi-sandbox": start-up messages */
	const char *prefix;          /* "/api/v1": its paths' common start, "" none;
	                                also the tail of server_base_url */
	const struct route *routes;  /* the table (route.h), paths below prefix */
	size_t nroutes;
	bool nocase;                 /* paths match without regard to case */
	void *ctx;                   /* handed to every hook */
	bool (*admit)(void *ctx, const struct server_request *rq, struct reply *out);
	void (*handle)(void *ctx, const struct server_request *rq, struct reply *out);
	void (*refuse)(void *ctx, enum server_refusal why, const struct server_request *rq,
	               struct reply *out);
	/* The body of a reply without raw bytes (malloc'd, *len set); NULL
	 * when out of memory. */
	char *(*render)(void *ctx, const struct reply *r, size_t *len);
};

struct server_config {
	const char *bind_addr;   /* numeric IPv4 or IPv6 address */
	unsigned port;           /* 0: the kernel picks a free one */
	unsigned max_conn_per_ip;      /* connections from one address; 0 no limit */
	unsigned request_deadline_ms;  /* a whole request must be in by then; 0 none */
};

struct server;

/* Starts serving svc (which must outlive the server); NULL with a
 * one-line reason in err on failure. */
struct server *server_start(const struct server_config *cfg, const struct server_service *svc,
                            struct faults *faults, char *err, size_t err_size);
/* "http://ADDR:PORT" + the service's prefix, with the port actually bound. */
const char *server_base_url(const struct server *s);
/* Wakes hanging requests, stops the daemon and joins its threads. */
void server_stop(struct server *s);

#endif
