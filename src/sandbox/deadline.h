/* deadline.h — the whole-request deadline. A connection must deliver a
 * whole request (headers and body) within limit_ms of being opened, and a
 * kept-alive one within limit_ms of its next request line. The idle
 * time-out alone cannot do this: a client that sends a byte a second is
 * never idle, and a thousand of them hold a thread each for ever.
 *
 * The table holds every open connection with the time its request must be
 * in by; a thread shuts down the socket of one past it, and libmicrohttpd
 * then closes the connection as if the client had hung up. The socket is
 * only touched between deadlines_open and deadlines_close, under the
 * table's lock, and libmicrohttpd closes it only after its close
 * notification (deadlines_close), so a number reused by a new socket is
 * never hit.
 *
 * Call protocol, per connection, from libmicrohttpd's callbacks:
 *   deadlines_open (connection started) — the clock starts;
 *   deadlines_request_line (a request line is in) — due limit_ms from
 *     now at the latest;
 *   deadlines_request_in (the whole body is in) — no deadline while the
 *     request is applied and answered;
 *   deadlines_answered (the request completed) — waiting for the next one:
 *     a silent connection is the idle time-out's to close; one that only
 *     trickles is cut idle_ms + limit_ms after its answer;
 *   deadlines_close (connection closed) — forgotten.
 * deadlines_passed tells the access handler to refuse the rest. */
#ifndef KP_SANDBOX_DEADLINE_H
#define KP_SANDBOX_DEADLINE_H

#include <stdbool.h>

struct deadlines;
struct deadline_conn;

/* Starts the table and its thread; NULL when out of memory or threads. */
struct deadlines *deadlines_start(unsigned limit_ms, unsigned idle_ms);
/* A connection opened on socket fd; NULL when out of memory (then it has
 * no deadline, and the other calls take NULL and do nothing). */
struct deadline_conn *deadlines_open(struct deadlines *d, int fd);
void deadlines_request_line(struct deadlines *d, struct deadline_conn *c);
void deadlines_request_in(struct deadlines *d, struct deadline_conn *c);
void deadlines_answered(struct deadlines *d, struct deadline_conn *c);
/* True once c's request is overdue (or its socket was cut for it). */
bool deadlines_passed(struct deadlines *d, struct deadline_conn *c);
void deadlines_close(struct deadlines *d, struct deadline_conn *c);
/* Stops the thread and frees the table; every connection must be closed. */
void deadlines_stop(struct deadlines *d);

#endif
