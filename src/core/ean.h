/* ean.h — EAN-13 and EAN-8 barcodes: the check digit the scanner's digits
 * end with. Pure C, no I/O. */
#ifndef KP_CORE_EAN_H
#define KP_CORE_EAN_H

#include <stdbool.h>
#include <stddef.h>

#define EAN13_LEN 13
#define EAN8_LEN 8

/* The check digit (0–9) for the first len digits of payload, where len is
 * 12 (EAN-13) or 7 (EAN-8). Returns -1 when len is neither or a character
 * is not an ASCII digit. payload need not be NUL-terminated. */
int ean_check_digit(const char *payload, size_t len);

/* True when code is exactly 13 or 8 ASCII digits (nothing before or after)
 * and its last digit is the check digit of the others. NULL is false. */
bool ean_valid(const char *code);

#endif
