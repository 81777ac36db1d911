/* push.h — the hub's push stream on the till: a thread that keeps
 * GET [hub] url/api/v1/push open (server-sent events, net/sse.h, its own
 * curl handle, the till's bearer token) while [hub] url and token are
 * set, and hands what it hears to the UI thread (or a headless command's
 * loop) through a wake-up fd.
 *
 * A pushed payment only says "look now": push_apply pokes the payflow,
 * which sends one status request for that order at once; the status is
 * the truth (app/payflow.h, payflow_poke). While the stream is live the
 * payflow polls every 10 s as a safety net; when it drops the polling
 * pace comes back, and when it opens again every payment is looked at
 * once (the hub keeps nothing for a till that was not connected:
 * hub/push.h). A lost stream is opened again after 1 s, doubling to 30 s.
 *
 * Protocol: push_start; poll push_fd for POLLIN with the worker's fd;
 * when readable (or on every loop turn) push_apply(p, pf); push_stop at
 * the end. push_apply is the owner's alone; the thread never touches
 * SQLite, curses or the payflow, and blocks every signal. */
#ifndef KP_APP_PUSH_H
#define KP_APP_PUSH_H

#include <stdbool.h>

#include "app/config.h"
#include "app/payflow.h"

#define PUSH_QUEUE_MAX 64          /* events not yet taken; more: every payment is looked at */
#define PUSH_RETRY_FIRST_MS 1000
#define PUSH_RETRY_MAX_MS 30000

typedef struct push_thread push_thread;

/* Starts the thread for cfg's [hub] (copied); NULL when url or token is
 * not set, the URL would carry the token in clear to another machine
 * (http:// is for this machine only, as for shipping), or no thread can
 * be had. */
push_thread *push_start(const struct kp_config *cfg);

/* The fd to poll for POLLIN; −1 for NULL. */
int push_fd(const push_thread *p);

/* Whether the stream is open now (the hub said ready). */
bool push_live(push_thread *p);

/* Applies what came since the last call to pf: the stream's state
 * (payflow_set_push) and each pushed payment (payflow_poke). Returns
 * how many payments were poked. NULL p does nothing. */
int push_apply(push_thread *p, struct payflow *pf);

/* Stops the thread, waiting up to wait_ms; NULL is fine. */
void push_stop(push_thread *p, long wait_ms);

#endif
