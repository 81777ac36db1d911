/* money.h — amounts are int64_t tiyn (1 KZT = 100 tiyn) everywhere;
 * only this module turns them into text and back. Pure C, no I/O. */
#ifndef KP_CORE_MONEY_H
#define KP_CORE_MONEY_H

#include "core/check.h"

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* The contract's bounds for one check: 1 tiyn … 1 000 000 KZT. */
#define KP_AMOUNT_MIN 1
#define KP_AMOUNT_MAX INT64_C(100000000)

/* Parses tenge as a person types it: "1500", "1500.5", "1500,50",
 * "1 500,00" (spaces, NBSP or narrow NBSP between thousands), an optional
 * leading '-' and an optional trailing "₸", "тг" or "KZT".
 * At most two decimals. Returns true and sets *tiyn on success; false on
 * anything else (empty, letters, three decimals, overflow). */
bool money_parse_tenge(const char *text, int64_t *tiyn) KP_MUST_CHECK;

/* Formats for people: "1 500,00 ₸" with U+202F (narrow no-break space)
 * between thousands and a comma before the tiyn; negatives as "−"
 * (U+2212) first. Returns the length written (snprintf semantics). */
int money_format(char *buf, size_t size, int64_t tiyn);

/* Same without the currency sign and with an ASCII '-' and plain spaces:
 * "1 500,00", for receipts and narrow columns. */
int money_format_plain(char *buf, size_t size, int64_t tiyn);

/* Machine form, as CSV wants it: "1500.00", "-0.01". */
int money_format_decimal(char *buf, size_t size, int64_t tiyn);

#endif
