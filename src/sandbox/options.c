/* options.c — the table-driven command line of both sandboxes. */
#include "sandbox/options.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void options_usage(const struct opt_program *p, FILE *out)
{
	fputs(p->head, out);
	for (size_t i = 0; i < p->count; i++) {
		char flag[40];
		snprintf(flag, sizeof flag, "--%s %s", p->table[i].name, p->table[i].arg);
		fprintf(out, "  %-26s %s\n", flag, p->table[i].help);
	}
	fprintf(out, "  %-26s %s\n  %-26s %s\n\n", "--help, -h", "this text", "--version", "the version");
	fputs(p->tail, out);
}

/* Parses a whole decimal integer in [min, max]. */
static bool parse_int(const char *text, long long min, long long max, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(text, &end, 10);
	if (errno || end == text || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* Sets one flag from its text; false with the reason in err. */
static bool opt_set(const struct opt *o, const char *value, void *opts, char *err, size_t err_size)
{
	char *field = (char *)opts + o->offset;

	switch (o->kind) {
	case OPT_TEXT:
		*(const char **)(void *)field = value;
		return true;
	case OPT_INT:
		if (parse_int(value, o->min, o->max, (long long *)(void *)field))
			return true;
		snprintf(err, err_size, "--%s needs a whole number from %lld to %lld, not '%s'",
		         o->name, o->min, o->max, value);
		return false;
	case OPT_RATE: {
		char *end;
		double p = strtod(value, &end);
		if (end != value && !*end && isfinite(p) && p >= 0 && p <= 1) {
			*(double *)(void *)field = p;
			return true;
		}
		snprintf(err, err_size, "--%s needs a share from 0 to 1, not '%s'", o->name, value);
		return false;
	}
	case OPT_SEED:
		if (parse_int(value, 0, INT64_MAX, (long long *)(void *)field))
			return true;
		snprintf(err, err_size, "--seed needs a whole number from 0 to %lld, not '%s'",
		         (long long)INT64_MAX, value);
		return false;
	}
	return false;
}

int options_fail(const struct opt_program *p, const char *fmt, ...)
{
	char msg[320];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s (see --help)\n", p->name, msg);
	return OPTIONS_EXIT_USAGE;
}

int options_parse(const struct opt_program *p, int argc, char **argv, void *opts)
{
	char err[256] = "";

	for (int i = 1; i < argc && !err[0]; i++) {
		const char *arg = argv[i];
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			options_usage(p, stdout);
			return 0;
		}
		if (strcmp(arg, "--version") == 0) {
			printf("%s %s\n", p->name, KP_VERSION);
			return 0;
		}
		if (strncmp(arg, "--", 2) != 0) {
			snprintf(err, sizeof err, "unexpected argument '%s'", arg);
			break;
		}
		const char *name = arg + 2, *eq = strchr(name, '=');
		size_t name_len = eq ? (size_t)(eq - name) : strlen(name);
		const struct opt *o = NULL;
		for (size_t k = 0; k < p->count; k++)
			if (strlen(p->table[k].name) == name_len &&
			    strncmp(p->table[k].name, name, name_len) == 0)
				o = &p->table[k];
		if (!o) {
			snprintf(err, sizeof err, "unknown option '%.*s'", (int)name_len + 2, arg);
			break;
		}
		const char *value = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
		if (!value)
			snprintf(err, sizeof err, "--%s needs a value (%s)", o->name, o->arg);
		else
			opt_set(o, value, opts, err, sizeof err);
	}
	if (err[0])
		return options_fail(p, "%s", err);
	return -1;
}

bool options_bind_ok(const char *addr)
{
	unsigned char buf[sizeof(struct in6_addr)];
	return inet_pton(AF_INET, addr, buf) == 1 || inet_pton(AF_INET6, addr, buf) == 1;
}

const char *options_env(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

void options_block_signals(sigset_t *stop)
{
	sigemptyset(stop);
	sigaddset(stop, SIGINT);
	sigaddset(stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, stop, NULL);
	signal(SIGPIPE, SIG_IGN);
}

void options_wait_signal(const sigset_t *stop)
{
	int sig = 0;
	while (sigwait(stop, &sig) != 0)
		;
}
