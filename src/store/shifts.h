/* shifts.h — the till's work shifts. The first login with no shift open
 * opens one (shifts_ensure_open); a shift stays open until its Z report
 * closes it (reports_close_z, reports.h, which calls shifts_close in its
 * transaction), and one open for more than 24 hours is flagged so that
 * the till can ask for a Z report. At most one shift is open at a time
 * (a unique index guarantees it); a closed shift never changes, and a
 * shift closes only together with its Z report (the schema's triggers). */
#ifndef KP_STORE_SHIFTS_H
#define KP_STORE_SHIFTS_H

#include "core/check.h"

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "store/db.h"

#define SHIFTS_STALE_SECONDS (24L * 60 * 60)

struct shift {
	int64_t id;
	time_t opened_at;
	int64_t opened_by;        /* user id; 0: opened by a headless command */
	time_t closed_at;         /* 0 while open */
	int64_t z_number;         /* 0 until closed */
	long age;                 /* seconds since opened_at (at the time of reading) */
	bool stale;               /* open for more than SHIFTS_STALE_SECONDS */
};

/* The open shift: STORE_OK, or STORE_NOT_FOUND when none is open. */
store_status shifts_get_open(store_db *db, struct shift *out, store_err *err) KP_MUST_CHECK;

/* The open shift, opening one for user_id (0: no user) when none is open.
 * *opened (may be NULL) tells whether this call opened it. Logs
 * shift_open. */
store_status shifts_ensure_open(store_db *db, int64_t user_id, struct shift *out, bool *opened,
                                store_err *err) KP_MUST_CHECK;

/* Closes the open shift shift_id at closed_at with Z report number
 * z_number, inside the caller's transaction, after the Z report's row is
 * written (the schema refuses a close without it). STORE_ERR_STATE when
 * shift_id is not open (closed already, or no such shift). */
store_status shifts_close(store_db *db, int64_t shift_id, time_t closed_at, int64_t z_number,
                          store_err *err) KP_MUST_CHECK;

/* Shift id, open or closed: STORE_OK or STORE_NOT_FOUND. */
store_status shifts_get(store_db *db, int64_t id, struct shift *out, store_err *err) KP_MUST_CHECK;

#endif
