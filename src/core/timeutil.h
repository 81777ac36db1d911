/* timeutil.h — RFC 3339 times as the contract writes and reads them. */
#ifndef KP_CORE_TIMEUTIL_H
#define KP_CORE_TIMEUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define KP_TIME_LEN 21  /* "YYYY-MM-DDTHH:MM:SSZ" + NUL */

/* Parses any RFC 3339 date-time: "2026-05-10T16:35:00Z",
 * "2026-05-10T16:35:00.123Z", "2026-05-10T21:35:00+05:00", 't'/'z' too.
 * Fractions are dropped. Returns false for anything that is not one. */
bool kp_time_parse(const char *s, time_t *out);

/* Writes "YYYY-MM-DDTHH:MM:SSZ" (UTC) into buf (at least KP_TIME_LEN). */
void kp_time_format(time_t t, char *buf, size_t size);

/* Almaty civil date (UTC+5) of t as YYYYMMDD, e.g. 20261126: the day that
 * the daily limit and order ids count in. */
int kp_almaty_yyyymmdd(time_t t);

#endif
