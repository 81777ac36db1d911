/* token.h — the qr_token a payment's QR encodes: a JWT-shaped
 * "kaspi://pay?token=<header>.<payload>.<signature>" (base64url, HS256 over
 * a per-run secret), about 170 characters like the real service's. The
 * sandbox never reads a token back; it only has to look and size right. */
#ifndef KP_SANDBOX_KASPI_TOKEN_H
#define KP_SANDBOX_KASPI_TOKEN_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define TOKEN_SECRET_LEN 32
#define TOKEN_MAX 256  /* buffer size that always fits a token */

/* Writes the token of payment_id into out (TOKEN_MAX bytes). Returns its
 * length, or 0 on failure. */
size_t token_make(const unsigned char secret[TOKEN_SECRET_LEN], const char *payment_id,
                  int64_t amount, time_t expires_at, char *out, size_t size);

#endif
