/* users.h — the till's users (cashiers and managers) and their PINs as
 * data: salt, hash and iteration count (struct users_pin), wrong tries
 * and locks. The store never sees a PIN and computes no hash: app/pin.h
 * makes the salt and hash (PBKDF2-HMAC-SHA256, OpenSSL) and compares,
 * through the users_pin_fn it gives the checks below, called inside
 * their transaction. A PIN is USERS_PIN_MIN–USERS_PIN_MAX digits.
 *
 * Lockout: USERS_LOCK_TRIES wrong PINs in a row lock the user for
 * USERS_LOCK_SECONDS; the count and the lock are columns of the users
 * table, so restarting the till changes nothing. Every check goes into
 * the events log (login, pin_wrong, user_locked, login_locked,
 * login_unknown). */
#ifndef KP_STORE_USERS_H
#define KP_STORE_USERS_H

#include "core/check.h"

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "store/db.h"

#define USERS_SALT_LEN 16         /* bytes of a PIN's salt (the schema checks it) */
#define USERS_HASH_LEN 32         /* bytes of a PIN's hash (the schema checks it) */
#define USERS_PIN_MIN 4           /* digits of a PIN */
#define USERS_PIN_MAX 8
#define USERS_LOCK_TRIES 5
#define USERS_LOCK_SECONDS 60
#define USERS_NAME_CHARS 32       /* longest name, in characters */
#define USERS_NAME_SIZE 128       /* bytes, NUL included */

enum user_role {
	USER_CASHIER,
	USER_MANAGER,             /* refunds, Z reports, big discounts */
};

/* One user as lists show it (no PIN material). */
struct user {
	int64_t id;
	char name[USERS_NAME_SIZE];
	enum user_role role;
	int failed_count;         /* wrong PINs since the last login or lock */
	time_t locked_until;      /* 0 or a past time: not locked */
	time_t created_at;
};

/* A PIN as the store keeps it (app/pin.h makes and compares it). */
struct users_pin {
	unsigned char salt[USERS_SALT_LEN];
	unsigned char hash[USERS_HASH_LEN];
	int iterations;           /* rounds of the hash, > 0; kept per user so they can grow */
};

/* Whether the PIN the caller holds (in arg) is the one stored: true on a
 * match. Called inside the check's transaction: it must not use the
 * database. */
typedef bool (*users_pin_fn)(void *arg, const struct users_pin *stored);

/* The outcome of a PIN check. */
enum users_verdict {
	USERS_PIN_OK,
	USERS_PIN_WRONG,          /* tries_left more before the lock; 0: this one locked it */
	USERS_LOCKED,             /* locked: locked_for seconds left; the PIN was not checked */
	USERS_NO_SUCH_USER,
};

struct users_check {
	enum users_verdict verdict;
	int64_t user_id;          /* 0 when there is no such user */
	enum user_role role;
	int tries_left;           /* USERS_PIN_WRONG: wrong PINs left before the lock */
	long locked_for;          /* seconds the user stays locked (0 if not locked) */
};

/* "cashier" / "manager". */
const char *users_role_name(enum user_role role);

/* Reads "cashier" or "manager"; false for anything else. */
bool users_role_parse(const char *text, enum user_role *role) KP_MUST_CHECK;

/* Checks a user name: 1–32 characters of UTF-8, no control characters,
 * no spaces at either end. Fills err (STORE_ERR_INPUT) when it is not. */
bool users_name_valid(const char *name, store_err *err);

/* Adds a user with the PIN pin (salt and hash: app/pin.h's pin_make);
 * *id (may be NULL) gets the new row's id. STORE_ERR_EXISTS when the name
 * is taken, STORE_ERR_INPUT for a bad name or no iterations. Logs
 * user_add. */
store_status users_add(store_db *db, const char *name, enum user_role role,
                       const struct users_pin *pin, int64_t *id, store_err *err) KP_MUST_CHECK;

/* Every user, sorted by name, in a malloc'd array the caller frees. */
store_status users_list(store_db *db, struct user **out, int *count, store_err *err) KP_MUST_CHECK;

/* One user by exact name: STORE_OK or STORE_NOT_FOUND. */
store_status users_get(store_db *db, const char *name, struct user *out, store_err *err) KP_MUST_CHECK;

/* Seconds u stays locked after now (0 when not locked). */
long users_locked_for(const struct user *u, time_t now);

/* Whether matches(arg, the stored PIN) of the user called name, and
 * nothing else: no count, no lock, no event (which manager typed a PIN,
 * before the real check of that one with users_verify). false for no
 * such user. */
store_status users_matches(store_db *db, const char *name, users_pin_fn matches, void *arg,
                           bool *match, store_err *err) KP_MUST_CHECK;

/* The login check of the user called name: unless locked, asks
 * matches(arg, the stored PIN), then updates the wrong-PIN count and the
 * lock and logs the attempt, in one transaction. The verdict is in *out;
 * the status says only whether the store worked. */
store_status users_verify(store_db *db, const char *name, users_pin_fn matches, void *arg,
                          struct users_check *out, store_err *err) KP_MUST_CHECK;

#endif
