/* hash.c — SHA-256 and tokens for the hub (hash.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "hub/hash.h"

static void hub_hex(const unsigned char *b, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 0x0f];
	}
	out[2 * n] = '\0';
}

/* SHA-256 of n pieces one after the other, as hex. */
static bool hub_sha256_parts(const void *const *parts, const size_t *lens, int n,
                             char out[HUB_HASH_HEX + 1])
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;
	for (int i = 0; ok && i < n; i++)
		ok = EVP_DigestUpdate(ctx, parts[i], lens[i]) == 1;
	ok = ok && EVP_DigestFinal_ex(ctx, d, &dlen) == 1 && dlen == 32;
	EVP_MD_CTX_free(ctx);
	if (ok)
		hub_hex(d, 32, out);
	return ok;
}

bool hub_sha256_hex(const char *s, size_t len, char out[HUB_HASH_HEX + 1])
{
	const void *parts[] = {s};
	return hub_sha256_parts(parts, &len, 1, out);
}

bool hub_chain_hash(const char *prev_hash, int64_t seq, const char *tbl, const char *op,
                    const char *payload, char out[HUB_HASH_HEX + 1])
{
	char num[24];
	int k = snprintf(num, sizeof num, "%" PRId64, seq);
	if (k <= 0 || (size_t)k >= sizeof num)
		return false;
	const void *parts[] = {prev_hash, num, tbl, op, payload};
	size_t lens[] = {strlen(prev_hash), (size_t)k, strlen(tbl), strlen(op), strlen(payload)};
	return hub_sha256_parts(parts, lens, 5, out);
}

bool hub_token_new(char out[HUB_TOKEN_SIZE])
{
	unsigned char r[32];
	if (RAND_bytes(r, sizeof r) != 1)
		return false;
	memcpy(out, HUB_TOKEN_PREFIX, sizeof HUB_TOKEN_PREFIX - 1);
	hub_hex(r, sizeof r, out + sizeof HUB_TOKEN_PREFIX - 1);
	return true;
}
