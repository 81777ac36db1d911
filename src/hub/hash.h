/* hash.h — the hub's SHA-256 (OpenSSL EVP): the journal chain's hash,
 * which must equal the till's (store/outbox.h: SHA-256 hex of prev_hash
 * || seq || table || op || payload), and the tills' tokens, kept only as
 * their hash. */
#ifndef KP_HUB_HASH_H
#define KP_HUB_HASH_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HUB_HASH_HEX 64
#define HUB_TOKEN_PREFIX "kh_"
#define HUB_TOKEN_SIZE (sizeof HUB_TOKEN_PREFIX - 1 + 64 + 1) /* prefix, 32 random bytes hex, NUL */

/* SHA-256 of the text s as lower-case hex. */
bool hub_sha256_hex(const char *s, size_t len, char out[HUB_HASH_HEX + 1]) KP_MUST_CHECK;

/* The chain's hash of one row, as the till computes it. */
bool hub_chain_hash(const char *prev_hash, int64_t seq, const char *tbl, const char *op,
                    const char *payload, char out[HUB_HASH_HEX + 1]) KP_MUST_CHECK;

/* A new till token: "kh_" and 64 hex digits from OpenSSL's RAND_bytes. */
bool hub_token_new(char out[HUB_TOKEN_SIZE]) KP_MUST_CHECK;

#endif
