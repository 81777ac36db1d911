/* options.h — a sandbox's command line as a table: each flag's name, what
 * it accepts, where in the program's options struct it goes, and its line
 * of --help. Both sandboxes parse through this one reader, so that their
 * flags behave alike ("--port 0" and "--port=0", one line per error, exit
 * 2), and the signals that stop them are taken the same way. */
#ifndef KP_SANDBOX_OPTIONS_H
#define KP_SANDBOX_OPTIONS_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define OPTIONS_EXIT_USAGE 2

enum opt_kind {
	OPT_TEXT,  /* const char *, the argument itself */
	OPT_INT,   /* long long in [min, max] */
	OPT_RATE,  /* double, a share from 0 to 1 */
	OPT_SEED   /* long long from 0 to INT64_MAX */
};

/* One flag: where it goes and what it accepts. */
struct opt {
	const char *name;
	enum opt_kind kind;
	size_t offset;           /* into the program's options struct */
	long long min, max;      /* OPT_INT's range */
	const char *arg;         /* for --help */
	const char *help;
};

/* The program the reader speaks for: its name, the table, and the text of
 * --help around the flag lines. */
struct opt_program {
	const char *name;        /* "kaspi-sandbox" */
	const struct opt *table;
	size_t count;
	const char *head;        /* before the flags, "usage: ..." */
	const char *tail;        /* after them */
};

/* Prints --help: head, one line per flag, --help and --version, tail. */
void options_usage(const struct opt_program *p, FILE *out);
/* Reads argv into opts. Returns -1 to go on, or the exit status: 0 after
 * --help or --version, OPTIONS_EXIT_USAGE after printing a one-line error. */
int options_parse(const struct opt_program *p, int argc, char **argv, void *opts);
/* Prints "NAME: MESSAGE (see --help)" on stderr; returns OPTIONS_EXIT_USAGE. */
int options_fail(const struct opt_program *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Whether addr is a numeric IPv4 or IPv6 address (--bind). */
bool options_bind_ok(const char *addr);
/* An environment variable, or NULL when unset or empty. */
const char *options_env(const char *name);

/* Blocks SIGINT and SIGTERM in the calling thread, before any other
 * thread exists so that every thread inherits the mask, and ignores
 * SIGPIPE; *stop is the set to wait for. */
void options_block_signals(sigset_t *stop);
/* Waits until SIGINT or SIGTERM arrives (no work in a signal handler). */
void options_wait_signal(const sigset_t *stop);

#endif
