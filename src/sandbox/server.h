/* server.h — the HTTP side: libmicrohttpd with a thread per connection
 * (so a hanging or slow request holds only its own connection), keep-alive,
 * a 30 s idle time-out, bodies up to 64 KiB, at most 1000 connections and
 * max_conn_per_ip of them from one client address (a new one over it is
 * closed at once), and a whole-request deadline (deadline.h) so that slow
 * clients cannot keep those slots for ever. For every request, in order:
 * route (404/405), size (413), rate limit (429), key (401), fault plan and
 * latency, the handler, the planned fault, the answer. */
#ifndef KP_SANDBOX_SERVER_H
#define KP_SANDBOX_SERVER_H

#include <stdbool.h>

#include "sandbox/faults.h"
#include "sandbox/ratelimit.h"
#include "sandbox/state.h"

#define SERVER_BODY_MAX (64 * 1024)
#define SERVER_IDLE_TIMEOUT_S 30
#define SERVER_CONNECTIONS_MAX 1000
#define SERVER_CONN_PER_IP_DEFAULT 64
#define SERVER_DEADLINE_MS_DEFAULT 10000

struct server_config {
	const char *bind_addr;   /* numeric IPv4 or IPv6 address */
	unsigned port;           /* 0: the kernel picks a free one */
	const char *key;         /* the one valid xdev_ key */
	const char *merchant;    /* its merchant's BIN */
	unsigned max_conn_per_ip;      /* connections from one address; 0 no limit */
	unsigned request_deadline_ms;  /* a whole request must be in by then; 0 none */
};

struct server;

/* Starts serving; NULL with a one-line reason in err on failure. */
struct server *server_start(const struct server_config *cfg, struct state *st,
                            struct ratelimit *rl, struct faults *faults, char *err,
                            size_t err_size);
/* "http://ADDR:PORT/api/v1" with the port actually bound. */
const char *server_base_url(const struct server *s);
/* Wakes hanging requests, stops the daemon and joins its threads. */
void server_stop(struct server *s);

#endif
