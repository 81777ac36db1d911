/* faults.h — fault injection for tests (API.md, "The local sandbox's own
 * additions"). One seeded generator under a lock draws a plan for every
 * faultable request in arrival order, so a run with the same --seed and the
 * same request sequence repeats the same faults.
 *
 * The rates are shares of one roll, so at most one fault hits a request:
 *   fail    a 500 internal_error. For a POST, half of them (a second draw)
 *           come AFTER the request was applied — the order exists, the
 *           client only sees a 500 — and half before, with nothing done.
 *           GETs change nothing, so for them it makes no difference.
 *   drop    the request is applied, then the connection is closed with
 *           no answer (the client's "did my create arrive?" case).
 *   garble  the request is applied and a 2xx answer keeps its status but
 *           loses its body: half truncated JSON, half an HTML page. Errors
 *           are left alone (only 2xx bodies are garbled).
 *   hang    the request is applied, then the answer is held back for
 *           FAULTS_HANG_MS (or until shutdown) and sent late.
 * With split_all (kassa-sandbox) drop and hang are split like fail: half
 * of them (the same second draw) hit before the request is applied, so
 * that nothing is done — a dropped connection, or the answer held back and
 * then a 500 — and half after, as above.
 * Latency (fixed + uniform jitter) is slept before the request is applied. */
#ifndef KP_SANDBOX_FAULTS_H
#define KP_SANDBOX_FAULTS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "sandbox/rng.h"

#define FAULTS_HANG_MS 30000

struct faults_config {
	unsigned latency_ms;  /* added to every faultable request */
	unsigned jitter_ms;   /* plus uniform 0..jitter_ms */
	double fail_rate;     /* shares in [0, 1], summing to at most 1 */
	double drop_rate;
	double garble_rate;
	double hang_rate;
	bool split_all;       /* drop and hang half before the request is applied too */
	uint64_t seed;
};

enum fault_kind {
	FAULT_NONE,
	FAULT_FAIL_BEFORE,     /* 500, request not applied */
	FAULT_FAIL_AFTER,      /* 500, request applied */
	FAULT_DROP,            /* applied, connection closed unanswered */
	FAULT_DROP_BEFORE,     /* not applied, connection closed unanswered (split_all) */
	FAULT_GARBLE_TRUNCATE, /* applied, 2xx body cut in half */
	FAULT_GARBLE_TEXT,     /* applied, 2xx body replaced by HTML */
	FAULT_HANG,            /* applied, answer held back */
	FAULT_HANG_BEFORE      /* held back, then a 500, not applied (split_all) */
};

struct fault_plan {
	enum fault_kind kind;
	unsigned delay_ms;     /* latency to sleep before applying */
};

struct faults {
	pthread_mutex_t lock;
	struct rng rng;               /* the one seeded generator */
	struct faults_config cfg;
	bool active;                  /* any fault or latency configured */
};

void faults_init(struct faults *f, const struct faults_config *cfg);
void faults_destroy(struct faults *f);
/* Draws the plan of one request; is_post selects the before/after split. */
void faults_plan(struct faults *f, bool is_post, struct fault_plan *out);

#endif
