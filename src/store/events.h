/* events.h — the append-only log of what happened at the till: logins,
 * wrong PINs, shifts, voided lines, discounts, refunds, Z reports...
 * A row is never changed or deleted (the schema's triggers refuse it).
 *
 * kind is a short lower-case word ("login", "pin_wrong"); the ones the
 * store writes itself are below, other modules add their own. detail is
 * free text for people reading the log: never a PIN or a secret. */
#ifndef KP_STORE_EVENTS_H
#define KP_STORE_EVENTS_H

#include "core/check.h"

#include <stdint.h>
#include <time.h>

#include "store/db.h"

#define EVENT_KIND_SIZE 32
#define EVENT_DETAIL_SIZE 256

/* Kinds the store writes. */
#define EVENT_LOGIN "login"                 /* right PIN */
#define EVENT_PIN_WRONG "pin_wrong"         /* wrong PIN; detail: tries left */
#define EVENT_USER_LOCKED "user_locked"     /* the wrong PIN that locked the user */
#define EVENT_LOGIN_LOCKED "login_locked"   /* a try while locked (PIN not checked) */
#define EVENT_LOGIN_UNKNOWN "login_unknown" /* a name that is no user; detail: the name */
#define EVENT_USER_ADD "user_add"
#define EVENT_SHIFT_OPEN "shift_open"
#define EVENT_CATALOG_IMPORT "catalog_import"
#define EVENT_BASKET_HOLD "basket_hold"
#define EVENT_BASKET_RECALL "basket_recall"

/* One row of the log. */
struct event {
	int64_t id;
	time_t at;
	int64_t user_id;                 /* 0: no user (a headless command, an unknown name) */
	char kind[EVENT_KIND_SIZE];
	char detail[EVENT_DETAIL_SIZE];  /* truncated to fit */
};

/* Appends one event at db_now(). user_id 0 means none; detail may be NULL.
 * Inside a caller's transaction it becomes part of it. */
store_status events_append(store_db *db, int64_t user_id, const char *kind, const char *detail,
                           store_err *err) KP_MUST_CHECK;

/* The newest events, newest first: fills up to max rows of out and sets
 * *count. kind NULL means every kind. */
store_status events_recent(store_db *db, const char *kind, struct event *out, int max, int *count,
                           store_err *err) KP_MUST_CHECK;

#endif
