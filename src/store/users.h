/* users.h — the till's users (cashiers and managers) and their PINs.
 *
 * A PIN is 4–8 digits. It is stored as PBKDF2-HMAC-SHA256 of the PIN with
 * a 16-byte random salt per user (RAND_bytes), USERS_PIN_ITERATIONS
 * rounds, the count stored per user so that it can grow later; checked
 * in constant time (CRYPTO_memcmp). 100 000 rounds take 20–35 ms on the
 * development machine (AMD EPYC, OpenSSL 3.0; a whole users_verify_pin
 * with its commit averaged 26 ms): slow enough to make a copied
 * database's PINs cost a search, quick enough for a login. A 4-8
 * digit PIN cannot withstand an offline search for long, whatever the
 * count: the database file is kept mode 0600 in a 0700 folder, and the
 * lockout below is the defence at the till.
 *
 * Lockout: USERS_LOCK_TRIES wrong PINs in a row lock the user for
 * USERS_LOCK_SECONDS; the count and the lock are columns of the users
 * table, so restarting the till changes nothing. Every check goes into
 * the events log (login, pin_wrong, user_locked, login_locked,
 * login_unknown). */
#ifndef KP_STORE_USERS_H
#define KP_STORE_USERS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "store/db.h"

#define USERS_PIN_ITERATIONS 100000
#define USERS_SALT_LEN 16
#define USERS_HASH_LEN 32
#define USERS_PIN_MIN 4
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
bool users_role_parse(const char *text, enum user_role *role);

/* True when pin is 4–8 ASCII digits. */
bool users_pin_valid(const char *pin);

/* Checks a user name: 1–32 characters of UTF-8, no control characters,
 * no spaces at either end. Fills err (STORE_ERR_INPUT) when it is not. */
bool users_name_valid(const char *name, store_err *err);

/* Adds a user with a new salt and hash; *id (may be NULL) gets the new
 * row's id. STORE_ERR_EXISTS when the name is taken, STORE_ERR_INPUT for
 * a bad name or PIN. Logs user_add. */
store_status users_add(store_db *db, const char *name, enum user_role role, const char *pin,
                       int64_t *id, store_err *err);

/* Every user, sorted by name, in a malloc'd array the caller frees. */
store_status users_list(store_db *db, struct user **out, int *count, store_err *err);

/* One user by exact name: STORE_OK or STORE_NOT_FOUND. */
store_status users_get(store_db *db, const char *name, struct user *out, store_err *err);

/* Seconds u stays locked after now (0 when not locked). */
long users_locked_for(const struct user *u, time_t now);

/* Whether pin is the PIN of the user called name, and nothing else: no
 * count, no lock, no event (which manager typed a PIN, before the real
 * check of that one with users_verify_pin). false for no such user. */
store_status users_pin_is(store_db *db, const char *name, const char *pin, bool *match,
                          store_err *err);

/* The login check: the PIN of the user called name. Updates the wrong-PIN
 * count and the lock and logs the attempt, in one transaction. The
 * verdict is in *out; the status says only whether the store worked. */
store_status users_verify_pin(store_db *db, const char *name, const char *pin,
                              struct users_check *out, store_err *err);

#endif
