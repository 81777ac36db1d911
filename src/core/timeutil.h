/* timeutil.h — RFC 3339 times as the contract writes and reads them, and
 * Almaty time: everything a cashier, a slip or a report shows is UTC+5
 * (all of Kazakhstan, no summer time), derived from UTC whatever the
 * machine's TZ says. This is the one place that knows the offset. */
#ifndef KP_CORE_TIMEUTIL_H
#define KP_CORE_TIMEUTIL_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define KP_TIME_LEN 21  /* "YYYY-MM-DDTHH:MM:SSZ" + NUL */

/* Parses any RFC 3339 date-time: "2026-05-10T16:35:00Z",
 * "2026-05-10T16:35:00.123Z", "2026-05-10T21:35:00+05:00", 't'/'z' too.
 * Fractions are dropped. Returns false for anything that is not one. */
bool kp_time_parse(const char *s, time_t *out) KP_MUST_CHECK;

/* Writes "YYYY-MM-DDTHH:MM:SSZ" (UTC) into buf (at least KP_TIME_LEN). */
void kp_time_format(time_t t, char *buf, size_t size);

/* Almaty civil date (UTC+5) of t as YYYYMMDD, e.g. 20261126: the day that
 * the daily limit and order ids count in. */
int kp_almaty_yyyymmdd(time_t t);

#define KP_ALMATY_OFFSET_S (5 * 3600) /* UTC+5 all year */
#define KP_DAY_S 86400L

/* The broken-down Almaty time of t (as gmtime_r gives it for UTC+5). */
void kp_almaty_tm(time_t t, struct tm *out);

/* strftime of the Almaty time of t into buf; returns what strftime does. */
size_t kp_almaty_strftime(char *buf, size_t size, const char *fmt, time_t t)
	__attribute__((format(strftime, 3, 0)));

/* The Unix time of the Almaty midnight that starts day yyyymmdd. */
time_t kp_almaty_day_start(int yyyymmdd);

/* The Unix time of the Almaty midnight that starts t's day. */
time_t kp_almaty_midnight(time_t t);

#endif
