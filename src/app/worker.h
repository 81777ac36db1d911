/* worker.h — the network worker thread (DESIGN.md, "Threads").
 *
 * Protocol: the UI thread starts the worker, submits jobs, and polls the
 * wake-up fd (worker_fd) together with standard input. When the fd is
 * readable it calls worker_take() until it returns false, applies each
 * result (journal first, then the screen), and frees it with
 * worker_result_free(). The worker owns the xpay client and the curl
 * handle; it never touches SQLite or curses, and it blocks every signal so
 * that SIGWINCH and SIGINT reach the UI thread. Jobs run one at a time in
 * the order submitted, a payment's before any health check waiting. The
 * lists and the wake-up fd are an app/mailbox.h mailbox. */
#ifndef KP_APP_WORKER_H
#define KP_APP_WORKER_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/config.h"
#include "net/xpay.h"

enum worker_job_kind {
	JOB_HEALTH,  /* GET /health */
	JOB_CREATE,  /* POST /payment/orders with a stored body */
	JOB_STATUS,  /* GET /payments/{payment_id} */
	JOB_CANCEL,  /* POST /payments/{payment_id}/cancel */
	JOB_REFUND,  /* POST /refunds with a stored body */
};

struct worker_job {
	enum worker_job_kind kind;
	int64_t tag;                       /* the caller's id (an order row); echoed back */
	char payment_id[XPAY_ID_SIZE];     /* STATUS, CANCEL */
	const char *body;                  /* CREATE, REFUND: the journaled body (copied) */
	size_t len;
};

struct worker_result {
	enum worker_job_kind kind;
	int64_t tag;
	xpay_result res;
	union {
		xpay_health health;
		xpay_created created;
		xpay_payment payment;          /* STATUS, CANCEL */
		xpay_refunded refund;
	} u;
};

struct worker;

/* Starts the thread. The client is made inside it from cfg's [api]
 * settings; if they are unusable every job answers XPAY_ERR_CONFIG with
 * the reason. Returns NULL only when no thread or pipe can be had. */
struct worker *worker_start(const struct kp_config *cfg);

/* Queues a job (copied), with the room for its result: a job taken is
 * always answered by one result. False when out of memory or stopping
 * (nothing was queued: the caller tries again later). */
bool worker_submit(struct worker *w, const struct worker_job *job) KP_MUST_CHECK;

/* The fd to poll for POLLIN: readable while results wait. */
int worker_fd(const struct worker *w);

/* Takes the oldest result, or returns false when none waits. The caller
 * frees it with worker_result_free(). */
bool worker_take(struct worker *w, struct worker_result **out);
void worker_result_free(struct worker_result *r);

/* Jobs queued or running. */
size_t worker_pending(struct worker *w);

/* Stops the thread: queued jobs are dropped; a request in flight is given
 * up to grace_ms to end, then the thread is left to finish on its own
 * (the process is exiting). Frees everything it can. */
void worker_stop(struct worker *w, long grace_ms);

#endif
