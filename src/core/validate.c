/* validate.c — the contract's value rules (API.md), one place for both
 * the client and the sandbox. */
#include "core/validate.h"

#include <string.h>

static bool all_match(const char *s, size_t n, int (*ok)(int c))
{
	for (size_t i = 0; i < n; i++)
		if (!ok((unsigned char)s[i]))
			return false;
	return true;
}

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_key_char(int c) { return is_digit(c) || (c >= 'a' && c <= 'z'); }
static int is_id_char(int c) { return c > 0x20 && c < 0x7f; }

bool kp_valid_key(const char *key)
{
	if (!key || strlen(key) != KP_KEY_LEN)
		return false;
	if (strncmp(key, KP_KEY_PREFIX, strlen(KP_KEY_PREFIX)) != 0)
		return false;
	return all_match(key + 5, KP_KEY_LEN - 5, is_key_char);
}

bool kp_valid_bin(const char *bin)
{
	return bin && strlen(bin) == KP_BIN_LEN && all_match(bin, KP_BIN_LEN, is_digit);
}

bool kp_valid_order_id(const char *id)
{
	if (!id)
		return false;
	size_t n = strlen(id);
	return n >= 3 && n <= 64 && all_match(id, n, is_id_char);
}

bool kp_valid_phone(const char *phone)
{
	return phone && strlen(phone) == 12 && strncmp(phone, "+77", 3) == 0 &&
	       all_match(phone + 3, 9, is_digit);
}

bool kp_phone_normalize(const char *in, char *out, size_t size)
{
	char digits[16];
	size_t n = 0;
	bool plus = false;

	if (out && size)
		out[0] = '\0';
	if (!in || !out || size < KP_PHONE_SIZE)
		return false;
	for (const char *p = in; *p; p++) {
		if (is_digit((unsigned char)*p)) {
			if (n == sizeof digits)
				return false;
			digits[n++] = *p;
		} else if (*p == '+' && n == 0 && !plus) {
			plus = true;
		} else if (!strchr(" -.()", *p)) {
			return false;
		}
	}
	const char *national; /* the 10 digits after the trunk or country prefix */
	if (n == 11 && plus && digits[0] == '7')
		national = digits + 1;
	else if (n == 11 && !plus && (digits[0] == '8' || digits[0] == '7'))
		national = digits + 1;
	else if (n == 10 && !plus)
		national = digits;
	else
		return false;
	if (national[0] != '7')
		return false;
	memcpy(out, "+7", 2);
	memcpy(out + 2, national, 10);
	out[12] = '\0';
	return true;
}

bool kp_valid_method(const char *method)
{
	return method && (strcmp(method, "qr") == 0 || strcmp(method, "card") == 0 ||
	                  strcmp(method, "phone") == 0);
}

long kp_utf8_length(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	long count = 0;

	while (*p) {
		unsigned c = *p;
		int extra;
		unsigned min;
		if (c < 0x80) {
			extra = 0, min = 0;
		} else if ((c & 0xe0) == 0xc0) {
			extra = 1, min = 0x80, c &= 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			extra = 2, min = 0x800, c &= 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			extra = 3, min = 0x10000, c &= 0x07;
		} else {
			return -1;
		}
		p++;
		for (int i = 0; i < extra; i++, p++) {
			if ((*p & 0xc0) != 0x80)
				return -1;
			c = (c << 6) | (*p & 0x3f);
		}
		/* overlong forms, surrogates and values past U+10FFFF are not UTF-8 */
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return -1;
		count++;
	}
	return count;
}

size_t kp_utf8_prefix_len(const char *s, size_t max_chars)
{
	size_t chars = 0, i = 0;
	/* a lead byte starts a character; continuation bytes are 10xxxxxx */
	for (; s[i]; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 && chars++ == max_chars)
			break;
	return i;
}
