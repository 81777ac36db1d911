/* printq.h — printing off the UI thread. A printer may take up to its
 * time-out (10 s) to fail; the till keeps answering keys meanwhile. The
 * same protocol as the network worker: submit, poll printq_fd for
 * POLLIN, take results until none is left. Jobs print in order. */
#ifndef KP_APP_PRINTQ_H
#define KP_APP_PRINTQ_H

#include "core/check.h"

#include <stdbool.h>

#include "app/config.h"
#include "app/print.h"

#define PRINTQ_WHAT_SIZE 96

struct printq_result {
	enum print_status status;
	char what[PRINTQ_WHAT_SIZE];  /* "The slip", "The X report": for the message */
	char err[PRINT_ERR_MAX];      /* why it failed; "" */
	bool drawer;                  /* a drawer's opening (printq_drawer), not a print */
};

struct printq;

/* Starts the printing thread (cfg is copied). NULL when no thread can be had. */
struct printq *printq_start(const struct kp_config *cfg);

/* Queues text (copied) to print; what names it in the result. */
bool printq_submit(struct printq *q, const char *text, const char *what) KP_MUST_CHECK;

/* Queues the opening of the cash drawer (print_drawer_kick), in order
 * with the printing: the drawer opens before the slip prints. */
bool printq_drawer(struct printq *q, const char *what) KP_MUST_CHECK;

/* The fd to poll: readable while results wait. */
int printq_fd(const struct printq *q);

/* Takes the oldest result; false when none waits. */
bool printq_take(struct printq *q, struct printq_result *out);

/* Stops the thread after the job in hand (queued jobs are dropped). */
void printq_stop(struct printq *q);

#endif
