/* sandbox_proc.h — runs a kaspi-sandbox for a test: fork/exec on a free
 * loopback port, wait for its "listening on http://ADDR:PORT/api/v1" line,
 * SIGTERM (then SIGKILL) and reap at the end. Linked into every test
 * binary; the binary is $KP_SANDBOX, or build/kaspi-sandbox (a
 * kassa-sandbox likewise: sandbox_start_bin with kassa_binary()). */
#ifndef KP_TESTS_SANDBOX_PROC_H
#define KP_TESTS_SANDBOX_PROC_H

#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>

#define SANDBOX_URL_SIZE 128

typedef struct sandbox_proc {
	pid_t pid;                       /* the sandbox, 0 when not running */
	int out_fd;                      /* read end of its standard output */
	pthread_t drain;                 /* reads its output after the ready line */
	bool draining;                   /* drain was started */
	char base_url[SANDBOX_URL_SIZE]; /* "http://127.0.0.1:PORT/api/v1" */
	int port;                        /* the port it chose */
} sandbox_proc;

/* The sandbox binary: $KP_SANDBOX or "build/kaspi-sandbox". */
const char *sandbox_binary(void);

/* True when sandbox_binary() exists and is executable. */
bool sandbox_available(void);

/* Starts the sandbox with `--bind 127.0.0.1 --port 0` and the NULL-terminated
 * extra args, and waits up to timeout_ms for it to say it is listening.
 * Its standard error goes to ours when $KP_SANDBOX_LOG is set, else nowhere.
 * Returns true when ready; on failure it has been stopped again and a line
 * went to stderr. */
bool sandbox_start(sandbox_proc *sp, const char *const *args, int timeout_ms);

/* kassa-sandbox's binary: $KP_KASSA or "build/kassa-sandbox". */
const char *kassa_binary(void);

/* sandbox_start for another binary, e.g. kassa_binary() (whose ready line
 * is "listening on http://ADDR:PORT", base_url then without a path). */
bool sandbox_start_bin(sandbox_proc *sp, const char *binary, const char *const *args,
                       int timeout_ms);

/* SIGTERM, up to 3 s to exit, then SIGKILL; reaps it. Safe to call twice. */
void sandbox_stop(sandbox_proc *sp);

/* A loopback TCP port that nothing listens on right now. */
int sandbox_free_port(void);

#endif
