/* push.h — the hub's push streams: GET /api/v1/push, a server-sent
 * events stream each till keeps open (its bearer token names it), on
 * which the hub says "look now" when Kaspi's webhook for one of its
 * payments arrives.
 *
 *   event: ready      data: {"till":"T01"}    once, when the stream opens
 *   event: payment    data: {"event":"payment.completed","payment_id":"…",
 *                            "merchant_order_id":"T01-…","status":"succeeded"}
 *   : keep-alive                              every PUSH_KEEPALIVE_S seconds
 *
 * The push is a hint, never the truth: the till asks Kaspi for the
 * status when it gets one. So nothing is kept for a till that is not
 * connected: a till whose stream (re)opens looks at each of its unpaid
 * orders once at once, and polls at the normal pace while it has no
 * stream (app/push.h).
 *
 * Threads: the streams are answered on libmicrohttpd's one polling
 * thread; a connection with nothing to say is suspended (the daemon
 * needs MHD_ALLOW_SUSPEND_RESUME) and resumed by hub_push_send or the
 * keep-alive thread. Every function here may be called from any thread. */
#ifndef KP_HUB_PUSH_H
#define KP_HUB_PUSH_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>

#include <microhttpd.h>

#define PUSH_KEEPALIVE_S 15
#define PUSH_BUFFER_MAX (256u * 1024) /* a stream that cannot take more is closed */

typedef struct hub_push hub_push;

/* The registry and its keep-alive thread; NULL when out of memory. */
hub_push *hub_push_new(void);

/* Ends every stream (before MHD_stop_daemon: none may stay suspended). */
void hub_push_close_all(hub_push *p);

/* Stops the keep-alive thread and frees p (after MHD_stop_daemon). */
void hub_push_free(hub_push *p);

/* Answers conn with till's stream (200 text/event-stream), the ready
 * event first. */
enum MHD_Result hub_push_open(hub_push *p, struct MHD_Connection *conn, const char *till);

/* Queues one event (name, one line of JSON data) on every stream of
 * till; returns how many streams took it. */
size_t hub_push_send(hub_push *p, const char *till, const char *name, const char *data);

/* Streams open now for till (NULL: all tills). */
size_t hub_push_count(hub_push *p, const char *till);

#endif
