/* msg.c — see msg.h. */
#include "core/msg.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

void kp_msg_clear(struct kp_msg *m)
{
	m->id = NULL;
	m->n = 0;
}

/* Copies s into dst (size bytes), cut at a character boundary. */
static void copy_arg(char *dst, size_t size, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	if (n)
		memcpy(dst, s, n);
	dst[n] = '\0';
}

/* Skips a conversion's flags, width, precision and position at *p;
 * returns its length modifier (0, 'l' for l, 'L' for ll, 'z', 'h'). */
static char skip_spec(const char **p)
{
	const char *q = *p;
	while (*q >= '0' && *q <= '9')
		q++;
	if (*q == '$')
		q++;
	else
		q = *p;
	while (*q && strchr("-+ #0'", *q))
		q++;
	while ((*q >= '0' && *q <= '9') || *q == '.')
		q++;
	char mod = 0;
	if (q[0] == 'l' && q[1] == 'l')
		mod = 'L', q += 2;
	else if (*q == 'l' || *q == 'z' || *q == 'h' || *q == 'j' || *q == 't')
		mod = *q++;
	*p = q;
	return mod;
}

void kp_msg_set(struct kp_msg *m, const char *fmt, ...)
{
	va_list ap;
	m->id = fmt;
	m->n = 0;
	va_start(ap, fmt);
	for (const char *p = fmt; p && *p; p++) {
		if (*p != '%')
			continue;
		p++;
		if (*p == '%')
			continue;
		char mod = skip_spec(&p);
		char text[KP_MSG_ARG_SIZE];
		switch (*p) {
		case 'd':
		case 'i':
			if (mod == 'L')
				snprintf(text, sizeof text, "%lld", va_arg(ap, long long));
			else if (mod == 'l')
				snprintf(text, sizeof text, "%ld", va_arg(ap, long));
			else if (mod == 'z')
				snprintf(text, sizeof text, "%zd", va_arg(ap, ssize_t));
			else
				snprintf(text, sizeof text, "%d", va_arg(ap, int));
			break;
		case 'u':
			if (mod == 'L')
				snprintf(text, sizeof text, "%llu", va_arg(ap, unsigned long long));
			else if (mod == 'l')
				snprintf(text, sizeof text, "%lu", va_arg(ap, unsigned long));
			else if (mod == 'z')
				snprintf(text, sizeof text, "%zu", va_arg(ap, size_t));
			else
				snprintf(text, sizeof text, "%u", va_arg(ap, unsigned));
			break;
		case 'c':
			snprintf(text, sizeof text, "%c", (char)va_arg(ap, int));
			break;
		case 's':
			copy_arg(text, sizeof text, va_arg(ap, const char *));
			break;
		default:
			text[0] = '\0'; /* not a conversion messages use */
			break;
		}
		if (*p == '\0')
			break;
		if (m->n < KP_MSG_ARGS)
			copy_arg(m->arg[m->n++], KP_MSG_ARG_SIZE, text);
	}
	va_end(ap);
}

char *kp_msg_format(const struct kp_msg *m, const char *text, char *buf, size_t size)
{
	size_t o = 0;
	int next = 0;
	if (size == 0)
		return buf;
	for (const char *p = text ? text : ""; *p && o + 1 < size; p++) {
		if (*p != '%') {
			buf[o++] = *p;
			continue;
		}
		if (p[1] == '%') {
			buf[o++] = '%';
			p++;
			continue;
		}
		const char *spec = p + 1;
		int pos = -1;
		if (*spec >= '1' && *spec <= '9') {
			const char *q = spec;
			int v = 0;
			while (*q >= '0' && *q <= '9')
				v = v * 10 + (*q++ - '0');
			if (*q == '$')
				pos = v - 1;
		}
		skip_spec(&spec);
		if (!*spec)
			break;
		int i = pos >= 0 ? pos : next++;
		if (i >= 0 && i < m->n)
			for (const char *a = m->arg[i]; *a && o + 1 < size; a++)
				buf[o++] = *a;
		p = spec;
	}
	/* cut short: never end in the middle of a character */
	if (o + 1 >= size && o > 0) {
		size_t lead = o;
		while (lead > 0 && ((unsigned char)buf[lead - 1] & 0xc0) == 0x80)
			lead--;
		if (lead > 0) {
			unsigned char c = (unsigned char)buf[lead - 1];
			size_t want = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
			if (o - (lead - 1) < want)
				o = lead - 1;
		}
	}
	buf[o] = '\0';
	return buf;
}

bool kp_msg_pack(const struct kp_msg *m, char *buf, size_t size)
{
	size_t o = 0, n;
	if (size == 0)
		return false;
	buf[0] = '\0';
	if (kp_msg_empty(m))
		return true;
	n = strlen(m->id);
	if (n + 1 > size)
		return false;
	memcpy(buf, m->id, n);
	o = n;
	for (int i = 0; i < m->n; i++) {
		n = strlen(m->arg[i]);
		if (o + 1 + n + 1 > size)
			return false;
		buf[o++] = KP_MSG_SEP;
		memcpy(buf + o, m->arg[i], n);
		o += n;
	}
	buf[o] = '\0';
	return true;
}

void kp_msg_unpack(char *packed, struct kp_msg *m)
{
	kp_msg_clear(m);
	if (!packed)
		return;
	char *sep = strchr(packed, KP_MSG_SEP);
	m->id = packed;
	while (sep) {
		*sep = '\0';
		char *arg = sep + 1;
		sep = strchr(arg, KP_MSG_SEP);
		if (m->n < KP_MSG_ARGS) {
			size_t n = sep ? (size_t)(sep - arg) : strlen(arg);
			char tmp[KP_MSG_ARG_SIZE];
			snprintf(tmp, sizeof tmp, "%.*s", (int)(n < sizeof tmp ? n : sizeof tmp - 1), arg);
			copy_arg(m->arg[m->n++], KP_MSG_ARG_SIZE, tmp);
		}
	}
}
