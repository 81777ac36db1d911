/* pin.c — PIN hashing (PBKDF2-HMAC-SHA256, OpenSSL) and the checks that
 * give store/users.c the comparison. See pin.h. */
#include "app/pin.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

bool pin_valid(const char *pin)
{
	size_t n = 0;

	if (!pin)
		return false;
	for (; pin[n]; n++)
		if (pin[n] < '0' || pin[n] > '9' || n >= USERS_PIN_MAX)
			return false;
	return n >= USERS_PIN_MIN;
}

void pin_wipe(void *buf, size_t size)
{
	OPENSSL_cleanse(buf, size);
}

/* PBKDF2-HMAC-SHA256 of pin with salt into hash[USERS_HASH_LEN]. */
static bool pin_hash(const char *pin, const unsigned char *salt, int iterations,
                     unsigned char *hash)
{
	return PKCS5_PBKDF2_HMAC(pin, (int)strlen(pin), salt, USERS_SALT_LEN, iterations,
	                         EVP_sha256(), USERS_HASH_LEN, hash) == 1;
}

bool pin_make(const char *pin, struct users_pin *out)
{
	memset(out, 0, sizeof *out);
	if (!pin_valid(pin) || RAND_bytes(out->salt, sizeof out->salt) != 1 ||
	    !pin_hash(pin, out->salt, PIN_ITERATIONS, out->hash)) {
		pin_wipe(out, sizeof *out);
		return false;
	}
	out->iterations = PIN_ITERATIONS;
	return true;
}

bool pin_matches(const char *pin, const struct users_pin *stored)
{
	unsigned char got[USERS_HASH_LEN];

	if (!pin_valid(pin) || stored->iterations <= 0)
		return false;
	bool same = pin_hash(pin, stored->salt, stored->iterations, got) &&
	            CRYPTO_memcmp(got, stored->hash, USERS_HASH_LEN) == 0;
	pin_wipe(got, sizeof got);
	return same;
}

/* users_pin_fn: arg is the PIN typed. */
static bool matches_typed(void *arg, const struct users_pin *stored)
{
	return pin_matches(arg, stored);
}

store_status pin_add_user(store_db *db, const char *name, enum user_role role, const char *pin,
                          int64_t *id, store_err *err)
{
	struct users_pin p;

	store_err_clear(err);
	if (!users_name_valid(name, err))
		return STORE_ERR_INPUT;
	if (!pin_valid(pin))
		return store_set_err(err, STORE_ERR_INPUT, PIN_DIGITS, USERS_PIN_MIN, USERS_PIN_MAX);
	if (!pin_make(pin, &p))
		return store_set_err(err, STORE_ERR_INTERNAL, PIN_NO_RANDOM);
	store_status s = users_add(db, name, role, &p, id, err);
	pin_wipe(&p, sizeof p);
	return s;
}

store_status pin_is(store_db *db, const char *name, const char *pin, bool *match,
                    store_err *err)
{
	*match = false;
	if (!pin_valid(pin)) {
		store_err_clear(err);
		return STORE_OK; /* no one's PIN: nothing to hash */
	}
	return users_matches(db, name, matches_typed, (void *)pin, match, err);
}

store_status pin_verify(store_db *db, const char *name, const char *pin, struct users_check *out,
                        store_err *err)
{
	if (!pin) {
		memset(out, 0, sizeof *out);
		out->verdict = USERS_NO_SUCH_USER;
		store_err_clear(err);
		return store_set_err(err, STORE_ERR_INPUT, USER_NAME_AND_PIN);
	}
	return users_verify(db, name, matches_typed, (void *)pin, out, err);
}
