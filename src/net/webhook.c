/* webhook.c — X-Kaspi-Hmac signing and the receiver's checks (API.md,
 * "Webhooks"): signature over the raw bytes, then JSON, then the time
 * window, then the replay guard. */
#include "net/webhook.h"

#include "core/timeutil.h"
#include "core/validate.h"

#include <cjson/cJSON.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <string.h>

#define MAC_LEN 32 /* SHA-256 */

/* HMAC-SHA256 of body under secret into mac; false if OpenSSL fails. */
static bool mac_compute(const char *secret, const void *body, size_t len,
                        unsigned char mac[MAC_LEN])
{
	static const unsigned char empty[1];
	unsigned int mac_len = 0;
	size_t key_len = secret ? strlen(secret) : 0;

	if (key_len > (size_t)INT32_MAX)
		return false;
	if (!HMAC(EVP_sha256(), secret ? secret : "", (int)key_len,
	          body ? body : empty, body ? len : 0, mac, &mac_len))
		return false;
	return mac_len == MAC_LEN;
}

void webhook_sign(const char *secret, const void *body, size_t len,
                  char hex[WEBHOOK_SIG_HEX_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char mac[MAC_LEN];

	if (!mac_compute(secret, body, len, mac)) {
		hex[0] = '\0'; /* matches no header: verification then fails */
		return;
	}
	for (size_t i = 0; i < MAC_LEN; i++) {
		hex[2 * i] = digits[mac[i] >> 4];
		hex[2 * i + 1] = digits[mac[i] & 0x0f];
	}
	hex[WEBHOOK_SIG_HEX_LEN] = '\0';
	OPENSSL_cleanse(mac, sizeof mac);
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes exactly 64 hex digits, with optional blanks around them, into
 * 32 bytes. Upper case is accepted: the contract's senders write lower
 * case, but case carries no information and some proxies and tools
 * upper-case hex; comparing decoded bytes makes the case irrelevant.
 * The header is the sender's own text, so decoding it with branches
 * leaks nothing about the secret. */
static bool header_decode(const char *header, unsigned char mac[MAC_LEN])
{
	const char *p = header;
	size_t n;

	while (*p == ' ' || *p == '\t')
		p++;
	n = strlen(p);
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (n != WEBHOOK_SIG_HEX_LEN)
		return false;
	for (size_t i = 0; i < MAC_LEN; i++) {
		int hi = hex_value(p[2 * i]), lo = hex_value(p[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		mac[i] = (unsigned char)(hi << 4 | lo);
	}
	return true;
}

bool webhook_check_signature(const char *secret, const void *body, size_t len,
                             const char *header)
{
	unsigned char want[MAC_LEN], got[MAC_LEN];
	bool ok;

	/* with no secret anyone could sign: refuse everything */
	if (!secret || !*secret || !header)
		return false;
	if (!header_decode(header, got) || !mac_compute(secret, body, len, want))
		return false;
	ok = CRYPTO_memcmp(want, got, MAC_LEN) == 0;
	OPENSSL_cleanse(want, sizeof want);
	return ok;
}

void webhook_guard_init(struct webhook_guard *guard)
{
	memset(guard, 0, sizeof *guard);
}

/* Copies a JSON string member of at most max bytes that passes ok (NULL:
 * printable ASCII, not empty) into out. */
static bool take_string(const cJSON *obj, const char *name, char *out, size_t max,
                        bool (*ok)(const char *))
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);
	const char *s = cJSON_IsString(item) ? item->valuestring : NULL;

	if (!s)
		return false;
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return false;
	if (ok) {
		if (!ok(s))
			return false;
	} else {
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
				return false;
	}
	memcpy(out, s, n + 1);
	return true;
}

/* Integer tiyn, 0 … 2^53: beyond that a JSON number read as a double is no
 * longer exact. The contract's upper bound is not enforced here: the
 * payment the event names was created within it, and the journal compares. */
static bool take_amount(const cJSON *obj, int64_t *out)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, "amount");

	if (!cJSON_IsNumber(item))
		return false;
	double d = item->valuedouble;
	if (!(d >= 0 && d <= 9007199254740992.0))
		return false;
	int64_t v = (int64_t)d;
	if ((double)v != d)
		return false;
	*out = v;
	return true;
}

/* The contract's body into ev. Unknown members, "hmac" among them, are
 * not looked at. */
static bool event_parse(const void *raw, size_t len, struct webhook_event *ev)
{
	const char *body = raw, *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(body, len, &end, false);
	char stamp[64];
	bool ok = false;

	if (!root)
		return false;
	/* cJSON stops after the first value: anything but blanks after it is
	 * not one JSON object */
	for (const char *p = end; p && p < body + len; p++)
		if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
			goto out;
	if (!cJSON_IsObject(root))
		goto out;
	if (!take_string(root, "event", ev->event, WEBHOOK_EVENT_MAX, NULL) ||
	    !take_string(root, "payment_id", ev->payment_id, WEBHOOK_ID_MAX, kp_valid_order_id) ||
	    !take_string(root, "merchant_order_id", ev->merchant_order_id, WEBHOOK_ID_MAX,
	                 kp_valid_order_id) ||
	    !take_string(root, "status", ev->status, WEBHOOK_STATUS_MAX, NULL) ||
	    !take_string(root, "timestamp", stamp, sizeof stamp - 1, NULL) ||
	    !take_amount(root, &ev->amount) || !kp_time_parse(stamp, &ev->timestamp))
		goto out;
	ok = true;
out:
	cJSON_Delete(root);
	return ok;
}

/* The slot holding (payment_id, event) and not yet forgotten, or NULL. */
static const struct webhook_seen *guard_find(const struct webhook_guard *guard,
                                             const struct webhook_event *ev, time_t now)
{
	/* a linear scan: 512 short compares per delivery is nothing next to
	 * the HMAC, and it keeps expiry trivially right */
	for (size_t i = 0; i < WEBHOOK_GUARD_SIZE; i++) {
		const struct webhook_seen *s = &guard->seen[i];
		if (s->forget_at != 0 && s->forget_at >= now &&
		    strcmp(s->payment_id, ev->payment_id) == 0 && strcmp(s->event, ev->event) == 0)
			return s;
	}
	return NULL;
}

static void guard_remember(struct webhook_guard *guard, const struct webhook_event *ev)
{
	struct webhook_seen *s = &guard->seen[guard->next];

	guard->next = (guard->next + 1) % WEBHOOK_GUARD_SIZE;
	snprintf(s->payment_id, sizeof s->payment_id, "%s", ev->payment_id);
	snprintf(s->event, sizeof s->event, "%s", ev->event);
	/* a replay after this is stale whatever the guard says; +1 keeps the
	 * boundary second covered, and 0 stays "free" */
	s->forget_at = ev->timestamp + WEBHOOK_WINDOW_SECONDS + 1;
	if (s->forget_at == 0)
		s->forget_at = 1;
}

enum webhook_verdict webhook_verify(const char *secret, const void *body, size_t len,
                                    const char *header, time_t now,
                                    struct webhook_guard *guard, struct webhook_event *out)
{
	struct webhook_event ev;

	memset(&ev, 0, sizeof ev);
	if (out)
		memset(out, 0, sizeof *out);
	if (!webhook_check_signature(secret, body, len, header))
		return WEBHOOK_BAD_SIGNATURE;
	if (!body || !event_parse(body, len, &ev))
		return WEBHOOK_MALFORMED;
	if (out)
		*out = ev;
	/* both ways: the timestamp is the event's time and is the same in
	 * every retry, so a future one could only come from a wrong clock,
	 * and accepting it would stretch the replay window */
	if (ev.timestamp < now - WEBHOOK_WINDOW_SECONDS ||
	    ev.timestamp > now + WEBHOOK_WINDOW_SECONDS)
		return WEBHOOK_STALE;
	if (guard) {
		if (guard_find(guard, &ev, now))
			return WEBHOOK_DUPLICATE;
		guard_remember(guard, &ev);
	}
	return WEBHOOK_OK;
}

const char *webhook_verdict_name(enum webhook_verdict verdict)
{
	switch (verdict) {
	case WEBHOOK_OK:
		return "ok";
	case WEBHOOK_BAD_SIGNATURE:
		return "bad signature";
	case WEBHOOK_MALFORMED:
		return "malformed";
	case WEBHOOK_STALE:
		return "stale";
	case WEBHOOK_DUPLICATE:
		return "duplicate";
	}
	return "unknown";
}
