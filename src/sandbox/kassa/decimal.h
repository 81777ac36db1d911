/* decimal.h — the contract's numbers (FISCAL.md, "Basics": tenge with at
 * most 2 decimals, quantities with at most 3) read from their JSON text
 * into exact integers, and written back, with no floating point anywhere.
 *
 * A number is read from its literal (json.h keeps it), digit by digit:
 * "549.9" at 2 decimals is 54990, "0.35" at 3 is 350, "5e2" at 2 is 50000.
 * It is the value that counts, not its spelling: "1.500" has 1 decimal.
 * A value with more decimals than allowed is refused (DEC_PRECISION), never
 * rounded, so 549.89999999999998, a float printed in full, is caught.
 * Pure C, no I/O. */
#ifndef KP_SANDBOX_KASSA_DECIMAL_H
#define KP_SANDBOX_KASSA_DECIMAL_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DEC_TEXT_MAX 32  /* a buffer that fits every formatted int64_t value */

enum dec_status {
	DEC_OK,
	DEC_SYNTAX,     /* not a JSON number ("01", "1.", "", "-") */
	DEC_PRECISION,  /* more decimals than allowed */
	DEC_RANGE       /* beyond int64_t once scaled */
};

/* Reads the JSON number text into *out = value × 10^decimals (decimals
 * 0–6). *out is untouched unless DEC_OK. */
enum dec_status dec_parse(const char *text, int decimals, int64_t *out) KP_MUST_CHECK;

/* Writes value / 10^decimals as the shortest JSON number: 54990 at 2 is
 * "549.9", 50000 is "500", -20 is "-0.2". Returns the length (snprintf's). */
int dec_format(char *buf, size_t size, int64_t value, int decimals);

/* Writes it with all its decimals: 54990 at 2 is "549.90". */
int dec_format_fixed(char *buf, size_t size, int64_t value, int decimals);

/* round half up of num / den for num ≥ 0, den > 0, without overflow. */
int64_t dec_div_round(int64_t num, int64_t den);

/* The cost of a line in tiyn: round half up (count × price) with count in
 * thousandths and price in tiyn (FISCAL.md: "0.333 kg at 549.90 costs
 * 183.12"). False when it would leave int64_t. count, price ≥ 0. */
bool dec_line_cost(int64_t count_milli, int64_t price_tiyn, int64_t *cost) KP_MUST_CHECK;

#endif
