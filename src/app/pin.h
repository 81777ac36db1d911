/* pin.h — a user's PIN: its rule (USERS_PIN_MIN–USERS_PIN_MAX digits),
 * its hash, and the checks against what store/users.h keeps.
 *
 * A PIN is stored as PBKDF2-HMAC-SHA256 of the PIN with a 16-byte random
 * salt per user (RAND_bytes), PIN_ITERATIONS rounds, the count stored per
 * user so that it can grow later; compared in constant time
 * (CRYPTO_memcmp). 100 000 rounds take 20–35 ms on the development
 * machine (AMD EPYC, OpenSSL 3.0; a whole pin_verify with its commit
 * averaged 26 ms): slow enough to make a copied database's PINs cost a
 * search, quick enough for a login. A 4–8 digit PIN cannot withstand an
 * offline search for long, whatever the count: the database file is kept
 * mode 0600 in a 0700 folder, and the lockout (users.h: five wrong PINs
 * lock the user for 60 s, kept in the users table) is the defence at the
 * till.
 *
 * The store computes nothing: pin_verify and pin_is hand it a comparison
 * (users_pin_fn) that it calls inside its transaction, so that the count
 * and the lock change together with the check. */
#ifndef KP_APP_PIN_H
#define KP_APP_PIN_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/users.h"

#define PIN_ITERATIONS 100000     /* PBKDF2 rounds of a new PIN */

/* True when pin is USERS_PIN_MIN–USERS_PIN_MAX ASCII digits. */
bool pin_valid(const char *pin);

/* A new salt and the hash of pin into *out. False when pin is not valid
 * or OpenSSL fails (no random bytes); *out is then zeroed. */
bool pin_make(const char *pin, struct users_pin *out) KP_MUST_CHECK;

/* Whether pin hashes to stored, compared in constant time. False for a
 * PIN that is not valid. */
bool pin_matches(const char *pin, const struct users_pin *stored);

/* users_add with pin hashed: STORE_ERR_INPUT for a PIN that is not
 * valid, STORE_ERR_INTERNAL when OpenSSL fails, else as users_add. */
store_status pin_add_user(store_db *db, const char *name, enum user_role role, const char *pin,
                          int64_t *id, store_err *err) KP_MUST_CHECK;

/* users_matches with pin: is it the PIN of name? No count, no event. */
store_status pin_is(store_db *db, const char *name, const char *pin, bool *match,
                    store_err *err) KP_MUST_CHECK;

/* users_verify with pin: the login check, counting wrong PINs and
 * locking, logged; the verdict in *out. */
store_status pin_verify(store_db *db, const char *name, const char *pin, struct users_check *out,
                        store_err *err) KP_MUST_CHECK;

/* Wipes a PIN (or a hash) from memory in a way the compiler keeps. */
void pin_wipe(void *buf, size_t size);

#endif
