/* timeutil.c — RFC 3339 parsing and formatting, UTC arithmetic without
 * touching the process time zone (timegm is a GNU/BSD extension, kept
 * out so that core stays plain C). */
#include "core/timeutil.h"

#include <stdio.h>
#include <string.h>

/* Days from 1970-01-01 to the given civil date (proleptic Gregorian). */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

static void civil_from_days(long long z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long yy = (long long)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yy + (*m <= 2));
}

/* Reads exactly n digits. */
static bool digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return true;
}

static bool expect(const char **p, char c)
{
	if (**p != c)
		return false;
	(*p)++;
	return true;
}

static bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

bool kp_time_parse(const char *s, time_t *out)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int Y, M, D, h, m, sec, oh = 0, om = 0, sign = 0;
	const char *p = s;

	if (!s)
		return false;
	if (!digits(&p, 4, &Y) || !expect(&p, '-') || !digits(&p, 2, &M) || !expect(&p, '-') ||
	    !digits(&p, 2, &D))
		return false;
	if (*p != 'T' && *p != 't' && *p != ' ')
		return false;
	p++;
	if (!digits(&p, 2, &h) || !expect(&p, ':') || !digits(&p, 2, &m) || !expect(&p, ':') ||
	    !digits(&p, 2, &sec))
		return false;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		p++;
		if (!digits(&p, 2, &oh) || !expect(&p, ':') || !digits(&p, 2, &om))
			return false;
		if (oh > 23 || om > 59)
			return false;
	} else {
		return false;
	}
	if (*p != '\0')
		return false;
	if (M < 1 || M > 12 || D < 1 || h > 23 || m > 59 || sec > 60)
		return false;
	int dim = mdays[M - 1] + (M == 2 && is_leap(Y));
	if (D > dim)
		return false;
	if (sec == 60) /* a leap second reads as the next one */
		sec = 59;

	long long t = days_from_civil(Y, (unsigned)M, (unsigned)D) * 86400LL + h * 3600 + m * 60 + sec;
	t -= (long long)sign * (oh * 3600 + om * 60);
	*out = (time_t)t;
	return true;
}

void kp_time_format(time_t t, char *buf, size_t size)
{
	long long s = (long long)t;
	long long days = s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
	long long rem = s - days * 86400;
	int y;
	unsigned m, d;

	civil_from_days(days, &y, &m, &d);
	snprintf(buf, size, "%04d-%02u-%02uT%02lld:%02lld:%02lldZ", y, m, d, rem / 3600,
	         rem / 60 % 60, rem % 60);
}

int kp_almaty_yyyymmdd(time_t t)
{
	long long s = (long long)t + KP_ALMATY_OFFSET_S;
	long long days = s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
	int y;
	unsigned m, d;

	civil_from_days(days, &y, &m, &d);
	return y * 10000 + (int)m * 100 + (int)d;
}

void kp_almaty_tm(time_t t, struct tm *out)
{
	time_t local = t + KP_ALMATY_OFFSET_S;
	gmtime_r(&local, out);
}

size_t kp_almaty_strftime(char *buf, size_t size, const char *fmt, time_t t)
{
	struct tm tm;
	kp_almaty_tm(t, &tm);
	if (size == 0)
		return 0;
	/* fmt is checked at the callers (the format attribute in timeutil.h) */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	size_t n = strftime(buf, size, fmt, &tm);
#pragma GCC diagnostic pop
	if (n == 0)
		buf[0] = '\0';
	return n;
}

time_t kp_almaty_day_start(int yyyymmdd)
{
	long long days = days_from_civil(yyyymmdd / 10000, (unsigned)(yyyymmdd / 100 % 100),
	                                 (unsigned)(yyyymmdd % 100));
	return (time_t)(days * KP_DAY_S - KP_ALMATY_OFFSET_S);
}

time_t kp_almaty_midnight(time_t t)
{
	return kp_almaty_day_start(kp_almaty_yyyymmdd(t));
}
