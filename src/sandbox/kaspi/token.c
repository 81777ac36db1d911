/* token.c — JWT-like qr_tokens, signed with HMAC-SHA256. */
#include "sandbox/kaspi/token.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <string.h>

static const char token_prefix[] = "kaspi://pay?token=";

/* base64url without padding of in[0..len) appended at out; returns chars written. */
static size_t b64url(const unsigned char *in, size_t len, char *out)
{
	static const char abc[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t o = 0, i = 0;

	for (; i + 2 < len; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
		out[o++] = abc[v >> 18 & 63];
		out[o++] = abc[v >> 12 & 63];
		out[o++] = abc[v >> 6 & 63];
		out[o++] = abc[v & 63];
	}
	if (len - i == 1) {
		unsigned v = (unsigned)in[i] << 16;
		out[o++] = abc[v >> 18 & 63];
		out[o++] = abc[v >> 12 & 63];
	} else if (len - i == 2) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
		out[o++] = abc[v >> 18 & 63];
		out[o++] = abc[v >> 12 & 63];
		out[o++] = abc[v >> 6 & 63];
	}
	return o;
}

size_t token_make(const unsigned char secret[TOKEN_SECRET_LEN], const char *payment_id,
                  int64_t amount, time_t expires_at, char *out, size_t size)
{
	static const char header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
	char payload[96];
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned mac_len = 0;
	int n = snprintf(payload, sizeof payload, "{\"pid\":\"%s\",\"amt\":%lld,\"exp\":%lld}",
	                 payment_id, (long long)amount, (long long)expires_at);

	if (n < 0 || (size_t)n >= sizeof payload || size < TOKEN_MAX)
		return 0;
	/* prefix 18 + header 36 + 1 + payload ≤ 127 + 1 + MAC 43 + NUL < TOKEN_MAX */
	size_t o = sizeof token_prefix - 1;
	memcpy(out, token_prefix, o);
	size_t signed_from = o;
	o += b64url((const unsigned char *)header, sizeof header - 1, out + o);
	out[o++] = '.';
	o += b64url((const unsigned char *)payload, (size_t)n, out + o);
	if (!HMAC(EVP_sha256(), secret, TOKEN_SECRET_LEN, (const unsigned char *)out + signed_from,
	          o - signed_from, mac, &mac_len))
		return 0;
	out[o++] = '.';
	o += b64url(mac, mac_len, out + o);
	out[o] = '\0';
	return o;
}
