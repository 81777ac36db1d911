/* text.h — the one way text from outside (a server's answer, a webhook, a
 * journal row written from one) is made safe to show on a terminal.
 *
 * A terminal obeys control characters: ESC starts CSI/OSC sequences that
 * move the cursor, clear the screen, recolour or retitle the window; BEL
 * rings, BS and CR overwrite what is on the line, and the C1 controls
 * U+0080–U+009F (CSI is U+009B) do the same as ESC sequences on many
 * terminals. Bytes that are not UTF-8 can swallow the characters after
 * them. kp_text_safe keeps every printable character and replaces the
 * rest, so that what it returns can only ever print as text:
 *
 *   TAB, LF, VT, FF, CR          one space each (the text stays readable)
 *   other C0 controls, NUL, DEL  U+FFFD
 *   C1 controls U+0080–U+009F    U+FFFD
 *   bytes that are not UTF-8     U+FFFD for each maximal bad subpart
 *                                (overlong forms, surrogates, past
 *                                U+10FFFF, a lead byte without its
 *                                continuation bytes, a lone continuation)
 *
 * Values that must stay exact (a QR token encoded byte for byte, an id
 * sent back to the server) are kept as they came and made safe only
 * where they are printed. Pure, libc only. */
#ifndef KP_CORE_TEXT_H
#define KP_CORE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* The replacement character U+FFFD in UTF-8. */
#define KP_TEXT_REPLACEMENT "\xef\xbf\xbd"

/* Bytes a buffer needs to hold the safe form of n bytes in full (each
 * byte becomes at most 3), with its NUL. */
#define KP_TEXT_SAFE_SIZE(n) (3 * (size_t)(n) + 1)

/* Writes the safe form of the len bytes at src (NUL bytes included) into
 * dst[size], NUL-terminated; cut at a character boundary when it does not
 * fit (KP_TEXT_SAFE_SIZE(len) always fits). dst and src must not overlap.
 * Returns the bytes written, without the NUL; size 0 writes nothing. */
size_t kp_text_safe_len(char *dst, size_t size, const char *src, size_t len);

/* kp_text_safe_len for a NUL-terminated src (NULL reads as ""). */
size_t kp_text_safe(char *dst, size_t size, const char *src);

/* True when s is already safe: valid UTF-8 without a control character
 * (C0, DEL, C1), so that kp_text_safe would leave it as it is. A space is
 * safe; TAB and LF are not. NULL is not. */
bool kp_text_is_safe(const char *s);

/* Code point cp as UTF-8 into out (room for 4 bytes): returns the bytes
 * written, 0 for a value that is no character (a surrogate, past
 * U+10FFFF). */
size_t kp_utf8_encode(unsigned cp, char *out);

#endif
