/* fuzz_text.c — libFuzzer target for kp_text_safe (core/text.h): any bytes,
 * NULs included, into buffers of every size. Beyond the sanitizers it
 * checks the promises, with a checker of its own: the output is
 * NUL-terminated within its buffer and as long as said; it holds no C0
 * control, DEL or C1 control and is valid UTF-8 (no overlong form,
 * surrogate or value past U+10FFFF); every printable ASCII byte of the
 * input is kept and each TAB/LF/VT/FF/CR becomes a space; safe text
 * comes out as it went in; a cut output is the full output's prefix,
 * cut only where the next character would not fit.
 *
 *   make fuzz   (or by hand: see the Makefile's fuzz target)
 *   build-fuzz/fuzz_text -dict=tests/fuzz/fuzz_text.dict tests/fuzz/seeds/fuzz_text */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Valid UTF-8 without a control character, by Unicode's table 3-7. */
static int checked_safe(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i], need, lo = 0x80, hi = 0xbf;
		if (c < 0x20 || c == 0x7f)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 1;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
		else
			return 0;
		for (unsigned k = 1; k <= need; k++) {
			if (i + k >= n)
				return 0;
			unsigned b = s[i + k];
			if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xbf))
				return 0;
		}
		if (c == 0xc2 && s[i + 1] <= 0x9f)
			return 0; /* C1 */
		i += need + 1;
	}
	return 1;
}

/* Printable ASCII bytes (0x20–0x7e) of s[0..n). */
static size_t ascii_count(const unsigned char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += s[i] >= 0x20 && s[i] < 0x7f;
	return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a heap copy of exactly `size` bytes: ASan sees any overread */
	char *in = malloc(size ? size : 1);
	size_t full_size = KP_TEXT_SAFE_SIZE(size);
	char *full = malloc(full_size);
	char *again = malloc(full_size);
	if (!in || !full || !again)
		abort();
	memcpy(in, data, size);

	size_t n = kp_text_safe_len(full, full_size, in, size);
	if (n >= full_size || full[n] != '\0' || memchr(full, '\0', n))
		abort();
	if (!checked_safe((const unsigned char *)full, n) || !kp_text_is_safe(full))
		abort();
	size_t spaces = 0;
	for (size_t i = 0; i < size; i++)
		spaces += data[i] >= 0x09 && data[i] <= 0x0d;
	if (ascii_count((const unsigned char *)full, n) != ascii_count(data, size) + spaces)
		abort();
	/* safe text is a fixed point; and input that was safe is unchanged */
	size_t n2 = kp_text_safe_len(again, full_size, full, n);
	if (n2 != n || memcmp(again, full, n) != 0)
		abort();
	if (!memchr(in, '\0', size) && checked_safe(data, size) && (n != size || memcmp(full, in, n)))
		abort();

	/* every smaller buffer: a prefix, cut before a piece (≤ 4 bytes) that does not fit */
	size_t step = size > 64 ? size / 16 + 1 : 1;
	for (size_t cap = 0; cap < full_size; cap += step) {
		char *cut = malloc(cap ? cap : 1);
		if (!cut)
			abort();
		cut[0] = 'x';
		size_t m = kp_text_safe_len(cut, cap, in, size);
		if (cap == 0) {
			if (m != 0 || cut[0] != 'x')
				abort();
		} else {
			if (m >= cap || cut[m] != '\0' || memcmp(cut, full, m) != 0)
				abort();
			if (m < n && m + 4 < cap)
				abort(); /* stopped although the next character would have fitted */
			if (!checked_safe((const unsigned char *)cut, m))
				abort();
		}
		free(cut);
	}
	free(in);
	free(full);
	free(again);
	return 0;
}
