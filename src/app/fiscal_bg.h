/* fiscal_bg.h — the till's fiscal receipts sent in the background: a
 * child process, `kaspi-pos fiscal send` (its own SQLite connection and
 * its own HTTP client), started once a second at most while receipts
 * wait and none runs, so the UI thread never waits for the register.
 * The child prints each receipt as it is registered. After a run that
 * left receipts waiting the next one waits longer (2 s doubling to 60 s);
 * a new receipt starts one at once. */
#ifndef KP_APP_FISCAL_BG_H
#define KP_APP_FISCAL_BG_H

#include "core/check.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "app/config.h"
#include "store/db.h"
#include "store/receipts.h"

struct fiscal_bg {
	pid_t pid;          /* the child running, or 0 */
	pid_t z_pid;        /* `kaspi-pos fiscal z` running, or 0 */
	int64_t next_ms;    /* monotonic ms before which none is started */
	long delay_ms;      /* the wait after a run that left receipts waiting */
	long waiting;       /* receipts new or pending, as last counted */
	time_t oldest;      /* the oldest one's created_at, 0 when none */
	int code;           /* the register's last refusal of one that waits (FISCAL.md), or 0 */
	char why[512];      /* its message, in the till's language */
	struct fiscal_register reg; /* the register's shift and link, as last read */
};

/* Counts the waiting receipts, reaps a child that ended, and starts one
 * when receipts wait (nothing when [fiscal] names no register). */
void fiscal_bg_tick(struct fiscal_bg *b, store_db *db, const struct kp_config *cfg);

/* After the till's Z: `kaspi-pos fiscal z` closes the register's shift
 * and prints its totals beside the journal's. False when it cannot start. */
bool fiscal_bg_z(struct fiscal_bg *b, const struct kp_config *cfg) KP_MUST_CHECK;

/* The child is left to end on its own (it stops within its budget). */
void fiscal_bg_forget(struct fiscal_bg *b);

#endif
