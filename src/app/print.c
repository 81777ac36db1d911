/* print.c — the printer modes of print.h: a command through /bin/sh, a raw
 * ESC/POS device, a file. Everything that can block is bounded by a
 * deadline on the monotonic clock: fixed for a command, moved on by every
 * byte a device takes. */
#include "app/print.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app/i18n.h"
#include "core/clock.h"

#include "core/escpos.h"

#define SLICE_MS   50    /* longest single poll(): how soon a command's exit is seen */
#define SAID_MAX   160   /* bytes of the command's last output line quoted in err (print.h) */
#define TAIL_MAX   512   /* bytes of the command's output kept to find that line */

const char *print_status_name(enum print_status status)
{
	switch (status) {
	case PRINT_OK: return "ok";
	case PRINT_NOT_CONFIGURED: return "not configured";
	case PRINT_FAILED: return "failed";
	}
	return "?";
}

/* ---- helpers ------------------------------------------------------------- */

static long long now_ms(const struct kp_clock *clock)
{
	return (long long)kp_clock_ms(clock);
}

/* Milliseconds left until deadline, 0 when it has passed. */
static int left_ms(const struct kp_clock *clock, long long deadline)
{
	long long left = deadline - now_ms(clock);
	return left > 0 ? (int)left : 0;
}

/* "10 s", "0.3 s". */
static void format_seconds(char *buf, size_t size, int ms)
{
	if (ms % 1000 == 0)
		snprintf(buf, size, _("%d s"), ms / 1000);
	else
		snprintf(buf, size, _("%d.%d s"), ms / 1000, ms % 1000 / 100);
}

static void set_err(char *err, size_t errsize, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errsize, const char *fmt, ...)
{
	va_list ap;
	if (!err || errsize == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsize, fmt, ap);
	va_end(ap);
}

/* strerror without a shared buffer: printing may run off the UI thread. */
static const char *errno_text(int e, char *buf, size_t size)
{
	return strerror_r(e, buf, size); /* GNU form (-D_GNU_SOURCE) */
}

_Static_assert((int)CONFIG_QR_LEVEL_L == (int)ESCPOS_QR_LEVEL_L && (int)CONFIG_QR_LEVEL_H == (int)ESCPOS_QR_LEVEL_H,
               "[printer] qr_level names the levels in escpos order");

static struct escpos_job job_for(const struct kp_config *cfg)
{
	struct escpos_job job = escpos_job_default(
		cfg->printer.codepage == CONFIG_CODEPAGE_KZ1048 ? ESCPOS_KZ1048 : ESCPOS_CP866);
	/* vendors number their tables differently: the self-test page says */
	if (cfg->printer.codetable > 0)
		job.table = (unsigned char)cfg->printer.codetable;
	job.qr = cfg->printer.qr == CONFIG_QR_RASTER ? ESCPOS_QR_RASTER : ESCPOS_QR_NATIVE;
	job.qr_size = (unsigned char)(cfg->printer.qr_size >= 1 && cfg->printer.qr_size <= ESCPOS_QR_SIZE_MAX
	                                  ? cfg->printer.qr_size : ESCPOS_QR_SIZE_DEFAULT);
	job.qr_level = (enum escpos_qr_level)cfg->printer.qr_level;
	/* a column is 12 dots (font A): 32 columns on a 384-dot 58 mm head, 48 on 576 */
	job.dots = (unsigned short)((cfg->printer.width > 0 ? cfg->printer.width : 32) * 12);
	return job;
}

/* ---- SIGPIPE ------------------------------------------------------------- */

/* Writing to a command that has stopped reading raises SIGPIPE, which
 * kills a program that has not ignored it (kaspi-pos ignores it, a test
 * runner may not). While printing, the signal is blocked in this thread;
 * one raised meanwhile is taken off the pending set before unblocking, so
 * EPIPE is all that is left of it. */
struct pipe_guard {
	sigset_t old;        /* the thread's mask before */
	bool was_pending;    /* a SIGPIPE was pending already: not ours to eat */
};

static void pipe_guard_enter(struct pipe_guard *g)
{
	sigset_t pipe_set, pending;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigpending(&pending);
	g->was_pending = sigismember(&pending, SIGPIPE) == 1;
	pthread_sigmask(SIG_BLOCK, &pipe_set, &g->old);
}

static void pipe_guard_leave(struct pipe_guard *g)
{
	sigset_t pipe_set, pending;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	if (!g->was_pending) {
		const struct timespec zero = {0, 0};
		sigpending(&pending);
		if (sigismember(&pending, SIGPIPE) == 1)
			sigtimedwait(&pipe_set, NULL, &zero);
	}
	pthread_sigmask(SIG_SETMASK, &g->old, NULL);
}

/* ---- mode command -------------------------------------------------------- */

/* The last non-empty line of what the command wrote, made printable and
 * cut (at a character boundary) to fit a message; "" when it said nothing. */
static void last_line(const char *tail, size_t n, char *out, size_t size)
{
	size_t end = n, start;

	while (end > 0 && (tail[end - 1] == '\n' || tail[end - 1] == '\r' || tail[end - 1] == ' '))
		end--;
	start = end;
	while (start > 0 && tail[start - 1] != '\n')
		start--;
	size_t len = end - start;
	if (len > size - 1)
		len = size - 1;
	while (len > 0 && len < end - start && ((unsigned char)tail[start + len] & 0xc0) == 0x80)
		len--; /* do not end inside a UTF-8 character */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)tail[start + i];
		out[i] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
	}
	out[len] = '\0';
}

/* Keeps the last TAIL_MAX bytes the command wrote. */
static void keep_tail(char *tail, size_t *n, const char *buf, size_t len)
{
	if (len >= TAIL_MAX) {
		memcpy(tail, buf + len - TAIL_MAX, TAIL_MAX);
		*n = TAIL_MAX;
		return;
	}
	if (*n + len > TAIL_MAX) {
		size_t drop = *n + len - TAIL_MAX;
		memmove(tail, tail + drop, *n - drop);
		*n -= drop;
	}
	memcpy(tail + *n, buf, len);
	*n += len;
}

/* Reads what is there without blocking. Returns false at end of file or on
 * an error (the pipe is done), true while more may come. */
static bool drain(int fd, char *tail, size_t *tail_len)
{
	char buf[4096];

	for (;;) {
		ssize_t r = read(fd, buf, sizeof buf);
		if (r > 0) {
			keep_tail(tail, tail_len, buf, (size_t)r);
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		return r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
	}
}

extern char **environ;

/* Starts /bin/sh -c command in its own process group with stdin from
 * in_fd and stdout+stderr to out_fd, signals at their defaults. Returns 0
 * or an errno value. */
static int spawn_shell(const char *command, int in_fd, int out_fd, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, defaults;
	char sh[] = "sh", dash_c[] = "-c";
	char *argv[] = {sh, dash_c, (char *)command, NULL};
	int rc;

	if ((rc = posix_spawn_file_actions_init(&fa)) != 0)
		return rc;
	if ((rc = posix_spawnattr_init(&attr)) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return rc;
	}
	sigemptyset(&none);
	sigemptyset(&defaults);
	/* ignored dispositions survive exec: kaspi-pos ignores SIGPIPE */
	sigaddset(&defaults, SIGPIPE);
	sigaddset(&defaults, SIGINT);
	sigaddset(&defaults, SIGQUIT);
	sigaddset(&defaults, SIGTERM);
	sigaddset(&defaults, SIGHUP);
	sigaddset(&defaults, SIGCHLD);
	if ((rc = posix_spawn_file_actions_adddup2(&fa, in_fd, STDIN_FILENO)) == 0 &&
	    (rc = posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO)) == 0 &&
	    (rc = posix_spawn_file_actions_adddup2(&fa, out_fd, STDERR_FILENO)) == 0 &&
	    (rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
	                                              POSIX_SPAWN_SETSIGDEF)) == 0 &&
	    (rc = posix_spawnattr_setpgroup(&attr, 0)) == 0 &&
	    (rc = posix_spawnattr_setsigmask(&attr, &none)) == 0 &&
	    (rc = posix_spawnattr_setsigdefault(&attr, &defaults)) == 0)
		rc = posix_spawn(pid, "/bin/sh", &fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	return rc;
}

static enum print_status run_command(const char *command, const char *text, int timeout_ms,
                                     const struct kp_clock *clock,
                                     char *err, size_t errsize)
{
	int in[2] = {-1, -1}, out[2] = {-1, -1};
	char tail[TAIL_MAX], said[SAID_MAX], ebuf[128], secs[32];
	size_t tail_len = 0, off = 0, len = strlen(text);
	bool in_open = true, out_open = true, exited = false;
	long long deadline = now_ms(clock) + timeout_ms;
	int status = 0, rc;
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
		rc = errno;
		goto spawn_failed;
	}
	rc = spawn_shell(command, in[0], out[1], &pid);
	if (rc != 0)
		goto spawn_failed;
	close(in[0]);
	close(out[1]);
	fcntl(in[1], F_SETFL, fcntl(in[1], F_GETFL) | O_NONBLOCK);
	fcntl(out[0], F_SETFL, fcntl(out[0], F_GETFL) | O_NONBLOCK);

	/* Feed stdin, collect output, and look for the exit every SLICE_MS:
	 * a command may exit while a child it left behind holds the pipes. */
	while (!exited && left_ms(clock, deadline) > 0) {
		struct pollfd pfd[2];
		int nfd = 0, wait = left_ms(clock, deadline);

		if (in_open && off == len) {
			close(in[1]); /* end of the text: the command sees EOF */
			in_open = false;
		}
		if (in_open)
			pfd[nfd++] = (struct pollfd){.fd = in[1], .events = POLLOUT};
		if (out_open)
			pfd[nfd++] = (struct pollfd){.fd = out[0], .events = POLLIN};
		if (poll(pfd, (nfds_t)nfd, wait < SLICE_MS ? wait : SLICE_MS) > 0) {
			for (int i = 0; i < nfd; i++) {
				if (pfd[i].revents == 0)
					continue;
				if (pfd[i].fd == out[0]) {
					if (!drain(out[0], tail, &tail_len)) {
						close(out[0]);
						out_open = false;
					}
					continue;
				}
				ssize_t w = write(in[1], text + off, len - off);
				if (w > 0) {
					off += (size_t)w;
				} else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
				           errno != EINTR) {
					/* EPIPE: it stopped reading. Its exit status
					 * says whether that was a failure. */
					close(in[1]);
					in_open = false;
				}
			}
		}
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid || (r < 0 && errno == ECHILD))
			exited = true;
	}

	if (!exited) {
		kill(-pid, SIGKILL); /* the shell and whatever it started */
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	if (out_open) {
		drain(out[0], tail, &tail_len);
		close(out[0]);
	}
	if (in_open)
		close(in[1]);
	last_line(tail, tail_len, said, sizeof said);

	if (!exited) {
		format_seconds(secs, sizeof secs, timeout_ms);
		set_err(err, errsize,
		        _("printer command '%s' did not finish within %s and was stopped: "
		          "check the printer, then reprint"), command, secs);
		return PRINT_FAILED;
	}
	if (WIFSIGNALED(status)) {
		set_err(err, errsize,
		        _("printer command '%s' was killed by signal %d (%s): check the printer, then reprint"),
		        command, WTERMSIG(status), strsignal(WTERMSIG(status)));
		return PRINT_FAILED;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
		set_err(err, errsize, _("printer command '%s' failed (exit %d%s%s): check the printer, then reprint"),
		        command, WEXITSTATUS(status), said[0] ? ": " : "", said);
		return PRINT_FAILED;
	}
	return PRINT_OK;

spawn_failed:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (out[i] >= 0)
			close(out[i]);
	}
	set_err(err, errsize, _("printer command '%s' could not be started: %s"), command,
	        errno_text(rc, ebuf, sizeof ebuf));
	return PRINT_FAILED;
}

/* ---- modes device and file ----------------------------------------------- */

/* Writes every byte of buf to path, opened with extra flags besides
 * O_WRONLY | O_NOCTTY | O_NONBLOCK | O_APPEND | O_CLOEXEC, taking short
 * writes and EAGAIN in its stride. Gives up when the device has taken
 * nothing for timeout_ms: a printer takes a long report only as fast as
 * it prints (a slow one needs more than 10 s for a Z report), so the
 * limit is on silence, not on the whole job. what names the target in
 * messages, translated: "printer device", "printer file". */
static enum print_status write_bytes(const char *what, const char *path, int flags,
                                     const unsigned char *buf, size_t len, int timeout_ms,
                                     const struct kp_clock *clock,
                                     char *err, size_t errsize)
{
	char ebuf[128], secs[32];
	long long deadline = now_ms(clock) + timeout_ms;
	size_t off = 0;
	int fd, stuck = 0;

	fd = open(path, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_APPEND | O_CLOEXEC | flags, 0644);
	if (fd < 0) {
		set_err(err, errsize, "%s %s: %s", what, path, errno_text(errno, ebuf, sizeof ebuf));
		return PRINT_FAILED;
	}
	while (off < len) {
		ssize_t w = write(fd, buf + off, len - off);
		if (w > 0) {
			off += (size_t)w;
			stuck = 0;
			deadline = now_ms(clock) + timeout_ms; /* it is moving: a long report may take a while */
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			int e = errno;
			close(fd);
			if (off == 0)
				set_err(err, errsize, "%s %s: %s", what, path, errno_text(e, ebuf, sizeof ebuf));
			else
				set_err(err, errsize, _("%s %s: %s after %zu of %zu bytes: check the printer, then reprint"),
				        what, path, errno_text(e, ebuf, sizeof ebuf), off, len);
			return PRINT_FAILED;
		}
		/* full: wait until it takes more, or the deadline */
		int wait = left_ms(clock, deadline);
		if (wait == 0)
			break;
		struct pollfd pfd = {.fd = fd, .events = POLLOUT};
		int ready = poll(&pfd, 1, wait);
		/* A driver without poll() says "ready" at once for ever: do not spin. */
		if (ready > 0 && ++stuck > 1)
			poll(NULL, 0, wait < SLICE_MS ? wait : SLICE_MS);
	}
	if (off < len) {
		close(fd);
		format_seconds(secs, sizeof secs, timeout_ms);
		set_err(err, errsize,
		        _("%s %s took %zu of %zu bytes, then nothing for %s: "
		          "check paper, cover and power, then reprint"),
		        what, path, off, len, secs);
		return PRINT_FAILED;
	}
	if (close(fd) != 0 && errno != EINTR) {
		set_err(err, errsize, "%s %s: %s", what, path, errno_text(errno, ebuf, sizeof ebuf));
		return PRINT_FAILED;
	}
	return PRINT_OK;
}

static enum print_status send_escpos(const struct kp_config *cfg, const char *what,
                                     const char *path, int flags, const char *text,
                                     int timeout_ms, const struct kp_clock *clock, char *err,
                                     size_t errsize)
{
	struct escpos_job job = job_for(cfg);
	size_t len = strlen(text), need = escpos_encode(&job, text, len, NULL, 0);
	unsigned char *bytes = malloc(need);
	enum print_status st;

	if (!bytes) {
		set_err(err, errsize, _("%s %s: out of memory for %zu bytes"), what, path, need);
		return PRINT_FAILED;
	}
	escpos_encode(&job, text, len, bytes, need);
	st = write_bytes(what, path, flags, bytes, need, timeout_ms, clock, err, errsize);
	free(bytes);
	return st;
}

/* ---- entry points -------------------------------------------------------- */

enum print_status print_text_within(const struct kp_config *cfg, const char *utf8_text,
                                    int timeout_ms, char *err, size_t errsize)
{
	return print_text_on(cfg, utf8_text, timeout_ms, &kp_clock_system, err, errsize);
}

enum print_status print_text_on(const struct kp_config *cfg, const char *utf8_text, int timeout_ms,
                                const struct kp_clock *clock, char *err, size_t errsize)
{
	const char *text = utf8_text ? utf8_text : "";
	struct pipe_guard guard;
	enum print_status st;

	if (err && errsize > 0)
		err[0] = '\0';
	if (timeout_ms <= 0)
		timeout_ms = PRINT_TIMEOUT_MS;

	switch (cfg->printer.mode) {
	case CONFIG_PRINTER_COMMAND: {
		if (cfg->printer.command[0] == '\0')
			break;
		/* a command gets text: a code as its characters */
		size_t n = escpos_code_text(text, strlen(text), NULL, 0);
		char *plain = malloc(n + 1);
		if (!plain) {
			set_err(err, errsize, _("%s %s: out of memory for %zu bytes"), _("printer command"),
			        cfg->printer.command, n);
			return PRINT_FAILED;
		}
		escpos_code_text(text, strlen(text), plain, n + 1);
		pipe_guard_enter(&guard);
		st = run_command(cfg->printer.command, plain, timeout_ms, clock, err, errsize);
		pipe_guard_leave(&guard);
		free(plain);
		return st;
	}
	case CONFIG_PRINTER_DEVICE:
		if (cfg->printer.device[0] == '\0')
			break;
		pipe_guard_enter(&guard); /* a FIFO standing in for the device */
		st = send_escpos(cfg, _("printer device"), cfg->printer.device, 0, text, timeout_ms, clock,
		                 err, errsize);
		pipe_guard_leave(&guard);
		return st;
	case CONFIG_PRINTER_FILE:
		if (cfg->printer.file[0] == '\0')
			break;
		pipe_guard_enter(&guard);
		st = send_escpos(cfg, _("printer file"), cfg->printer.file, O_CREAT, text, timeout_ms, clock,
		                 err, errsize);
		pipe_guard_leave(&guard);
		return st;
	case CONFIG_PRINTER_NONE:
		set_err(err, errsize, "%s", _("no printer is set up: set [printer] mode in the config"));
		return PRINT_NOT_CONFIGURED;
	}
	set_err(err, errsize, _("no printer is set up: [printer] mode needs its %s"),
	        cfg->printer.mode == CONFIG_PRINTER_COMMAND ? "command"
	        : cfg->printer.mode == CONFIG_PRINTER_DEVICE ? "device" : "file");
	return PRINT_NOT_CONFIGURED;
}

enum print_status print_drawer_kick(const struct kp_config *cfg, int timeout_ms, char *err,
                                    size_t errsize)
{
	/* ESC p m t1 t2: pin 2 is m = 0, pin 5 is m = 1; t1, t2 in 2 ms units */
	const unsigned char pulse[] = {0x1b, 'p', cfg->drawer.pin == 5 ? 1 : 0, 25, 250};
	struct pipe_guard guard;
	enum print_status st = PRINT_NOT_CONFIGURED;

	if (err && errsize > 0)
		err[0] = '\0';
	if (timeout_ms <= 0)
		timeout_ms = PRINT_TIMEOUT_MS;
	switch (cfg->drawer.mode) {
	case CONFIG_DRAWER_NONE:
		set_err(err, errsize, "%s", _("no cash drawer is set up: open it by hand"));
		return PRINT_NOT_CONFIGURED;
	case CONFIG_DRAWER_COMMAND:
		if (!cfg->drawer.command[0])
			break;
		pipe_guard_enter(&guard);
		st = run_command(cfg->drawer.command, "", timeout_ms, &kp_clock_system, err, errsize);
		pipe_guard_leave(&guard);
		return st;
	case CONFIG_DRAWER_PRINTER:
		pipe_guard_enter(&guard);
		if (cfg->printer.mode == CONFIG_PRINTER_DEVICE && cfg->printer.device[0])
			st = write_bytes(_("printer device"), cfg->printer.device, 0, pulse, sizeof pulse,
			                 timeout_ms, &kp_clock_system, err, errsize);
		else if (cfg->printer.mode == CONFIG_PRINTER_FILE && cfg->printer.file[0])
			st = write_bytes(_("printer file"), cfg->printer.file, O_CREAT, pulse, sizeof pulse,
			                 timeout_ms, &kp_clock_system, err, errsize);
		pipe_guard_leave(&guard);
		if (st != PRINT_NOT_CONFIGURED)
			return st;
		set_err(err, errsize, "%s",
		        _("the cash drawer opens through the printer: set [printer] mode device or file"));
		return PRINT_NOT_CONFIGURED;
	}
	set_err(err, errsize, "%s", _("no cash drawer is set up: [drawer] mode command needs its command"));
	return PRINT_NOT_CONFIGURED;
}

enum print_status print_text(const struct kp_config *cfg, const char *utf8_text,
                             char *err, size_t errsize)
{
	return print_text_within(cfg, utf8_text, PRINT_TIMEOUT_MS, err, errsize);
}

size_t print_preview(const struct kp_config *cfg, const char *utf8_text, char *out, size_t size)
{
	const char *text = utf8_text ? utf8_text : "";

	if (cfg->printer.mode == CONFIG_PRINTER_COMMAND)
		return escpos_code_text(text, strlen(text), out, size);
	return escpos_render(job_for(cfg).codepage, text, strlen(text), out, size);
}
