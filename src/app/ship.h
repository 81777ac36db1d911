/* ship.h — the till's journal shipped to the chain's hub (kaspi-hub,
 * [hub] url and token): the outbox's rows (store/outbox.h) in batches
 * of [hub] batch, in order, to POST /api/v1/ingest, with the discipline
 * of the payments: an answer that may or may not have been taken (a
 * time-out, a lost connection, a 5xx) sends the same batch again, which
 * the hub takes once (it keeps rows by till and seq and skips a row it
 * holds with the same hash); the hub's answer, the highest seq it holds,
 * is recorded as acknowledged; nothing is deleted. A hub that lacks rows
 * the till thought it held (409 gap, a hub restored from a backup) is
 * sent them again from the seq it names. A refusal that sending again
 * cannot cure (the token, a chain the hub holds otherwise) stops the
 * pass with a line saying so.
 *
 * Two ways to run it: ship_pass from the command line (kaspi-pos sync),
 * and a thread (ship_thread_*) that the TUI starts when [hub] url is set:
 * its own SQLite connection and its own curl handle, never curses, all
 * signals blocked; every 2 s it ships what waits, and after a failure it
 * waits longer (2 s doubling to 60 s). The cashier never waits for it. */
#ifndef KP_APP_SHIP_H
#define KP_APP_SHIP_H

#include "core/check.h"

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "app/config.h"
#include "net/http.h"
#include "store/db.h"

#define SHIP_WHY_SIZE 512

enum ship_outcome {
	SHIP_DONE,      /* nothing waits: the hub holds every row */
	SHIP_RETRY,     /* the network or the hub failed: try again later (the same batch) */
	SHIP_REFUSED,   /* the hub refuses what sending again cannot cure */
	SHIP_LOCAL,     /* the journal could not be read or written */
};

/* What a pass did. */
struct ship_result {
	enum ship_outcome outcome;
	int64_t sent;          /* rows sent in batches the hub answered */
	int64_t stored;        /* of them, rows new to the hub */
	int batches;           /* batches the hub answered */
	int64_t acked;         /* the highest seq the hub holds, as it last said */
	char why[SHIP_WHY_SIZE]; /* not DONE: one line in the reader's language */
};

typedef struct shipper shipper;

/* A shipper for cfg's [hub] (its own HTTP client). False, with why, when
 * [hub] url is not set or the client cannot be made. */
bool ship_open(const struct kp_config *cfg, shipper **out, char *why, size_t why_size) KP_MUST_CHECK;
void ship_close(shipper *s);

/* The HTTP client to cfg's hub, with its bearer token, as the shipper
 * and app/hubfetch.h use it. False, with why, as ship_open. */
bool ship_client_new(const struct kp_config *cfg, http_client **out, char *why,
                     size_t why_size) KP_MUST_CHECK;

/* Sends batches until nothing waits or one fails (max_batches: 0 = no
 * limit). An unknown outcome is left for the next pass, which sends the
 * same batch again. */
enum ship_outcome ship_pass(shipper *s, store_db *db, int max_batches, struct ship_result *out);

/* The thread's view for the screen, copied under its lock. */
struct ship_view {
	enum ship_outcome outcome;   /* of the last pass */
	bool ran;                    /* a pass has ended */
	time_t last_ok;              /* when a pass last ended DONE; 0: never */
	char why[SHIP_WHY_SIZE];
};

typedef struct ship_thread ship_thread;

/* Starts the shipping thread for cfg (copied) on the journal in
 * cfg->home; NULL when [hub] url is not set or it cannot start. */
ship_thread *ship_thread_start(const struct kp_config *cfg);

/* Asks it to ship now (after a sale): it wakes from its wait. */
void ship_thread_wake(ship_thread *t);

void ship_thread_view(ship_thread *t, struct ship_view *out);

/* Asks it to stop and waits up to wait_ms for it; a thread still in a
 * request is left to end with the process. NULL is fine. */
void ship_thread_stop(ship_thread *t, long wait_ms);

#endif
