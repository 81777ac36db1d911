/* validate.h — the contract's value rules, shared by the client (checked
 * before a request leaves) and the sandbox (checked on arrival). */
#ifndef KP_CORE_VALIDATE_H
#define KP_CORE_VALIDATE_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>

#define KP_KEY_PREFIX "xdev_"
#define KP_KEY_LEN 25          /* "xdev_" + 20 of [a-z0-9] */
#define KP_BIN_LEN 12

/* "xdev_" followed by exactly 20 characters of [a-z0-9]. */
bool kp_valid_key(const char *key);

/* 12 ASCII digits. */
bool kp_valid_bin(const char *bin);

/* merchant_order_id / merchant_refund_id: 3–64 characters, printable
 * ASCII (0x21–0x7e), no space. */
bool kp_valid_order_id(const char *id);

/* "+77" followed by 9 digits. */
bool kp_valid_phone(const char *phone);

/* The size kp_phone_normalize needs: "+77" + 9 digits + NUL. */
#define KP_PHONE_SIZE 13

/* A phone number as people type it, made the contract's "+77XXXXXXXXX":
 * spaces, '-', '.', '(' and ')' anywhere are dropped; what is left is 10
 * national digits starting with 7 ("7051234567"), the same after 8
 * ("87051234567"), after 7 ("77051234567") or after +7 ("+77051234567").
 * So "8 705 123 45 67", "8(705)1234567" and "+7 (705) 123-45-67" all give
 * "+77051234567". Returns false (out "") for anything else: other
 * characters, a '+' not in front or not before 7, too few or too many
 * digits, a national number not starting with 7, or out smaller than
 * KP_PHONE_SIZE. */
bool kp_phone_normalize(const char *in, char *out, size_t size) KP_MUST_CHECK;

/* "qr", "card" or "phone". */
bool kp_valid_method(const char *method);

/* Number of Unicode code points of a UTF-8 string, or -1 when the bytes
 * are not valid UTF-8. Length rules of the contract count characters. */
long kp_utf8_length(const char *s);

/* Bytes of the first max_chars characters of UTF-8 text s (all of s when
 * it is shorter): where to cut without splitting a character. */
size_t kp_utf8_prefix_len(const char *s, size_t max_chars);

#endif
