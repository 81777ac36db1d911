/* hash.c — SHA-256 and tokens for the hub (hash.h). */
#include <string.h>

#include <openssl/rand.h>

#include "hub/hash.h"
#include "store/outbox.h"

/* The till's own functions (store/outbox.h): the hub's chain is the
 * till's by construction, and one SHA-256 serves both. */
bool hub_sha256_hex(const char *s, size_t len, char out[HUB_HASH_HEX + 1])
{
	return outbox_sha256_hex(s, len, out);
}

bool hub_chain_hash(const char *prev_hash, int64_t seq, const char *tbl, const char *op,
                    const char *payload, char out[HUB_HASH_HEX + 1])
{
	return outbox_hash(prev_hash, seq, tbl, op, payload, out);
}

bool hub_token_new(char out[HUB_TOKEN_SIZE])
{
	unsigned char r[32];
	if (RAND_bytes(r, sizeof r) != 1)
		return false;
	static const char hex[] = "0123456789abcdef";
	char *p = out + sizeof HUB_TOKEN_PREFIX - 1;
	memcpy(out, HUB_TOKEN_PREFIX, sizeof HUB_TOKEN_PREFIX - 1);
	for (size_t i = 0; i < sizeof r; i++) {
		p[2 * i] = hex[r[i] >> 4];
		p[2 * i + 1] = hex[r[i] & 0x0f];
	}
	p[2 * sizeof r] = '\0';
	return true;
}
