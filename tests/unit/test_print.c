/* test_print.c — print_text in every [printer] mode: a file gets the
 * device's ESC/POS bytes appended; a command gets the UTF-8 text on its
 * stdin, and its failures, silence and hangs come back as one-line
 * messages within the time-out; a device (a FIFO, a regular file) gets
 * every byte or a message with the errno text; mode none does nothing.
 * Also: nothing is lost — after a failure the same text prints on retry. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app/config.h"
#include "app/print.h"
#include "core/escpos.h"

static char tmpdir[256];      /* this run's scratch folder */
static struct kp_config cfg;  /* reset before each test */

static const char text[] =
	"ДҮКЕН «БЕРЕКЕ»\n"
	"Сүт 1 л          450,00\n"
	"БАРЛЫҒЫ     1\u202F080,00 \u20B8\n";

/* ---- helpers ------------------------------------------------------------- */

static int setup_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "%s/kp-print-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
	char cmd[512];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static int reset_cfg(void **state)
{
	(void)state;
	config_init(&cfg);
	return 0;
}

static void path_in_tmp(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", tmpdir, name);
	unlink(buf);
}

/* Whole file into a malloc'd buffer (NUL-terminated); *len its length. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("%s: %s", path, strerror(errno));
	char *buf = malloc(1 << 20);
	assert_non_null(buf);
	*len = fread(buf, 1, (1 << 20) - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

/* The bytes the device gets for s with the config's code page. */
static unsigned char *job_bytes(const char *s, enum escpos_codepage cp, size_t *len)
{
	struct escpos_job job = escpos_job_default(cp);
	*len = escpos_encode(&job, s, strlen(s), NULL, 0);
	unsigned char *buf = malloc(*len);
	assert_non_null(buf);
	escpos_encode(&job, s, strlen(s), buf, *len);
	return buf;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void use_command(const char *command)
{
	cfg.printer.mode = CONFIG_PRINTER_COMMAND;
	snprintf(cfg.printer.command, sizeof cfg.printer.command, "%s", command);
}

/* ---- mode none ----------------------------------------------------------- */

static void mode_none_is_not_configured(void **state)
{
	char err[PRINT_ERR_MAX];
	(void)state;
	cfg.printer.mode = CONFIG_PRINTER_NONE;
	assert_int_equal(print_text(&cfg, text, err, sizeof err), PRINT_NOT_CONFIGURED);
	assert_non_null(strstr(err, "no printer"));
}

static void a_mode_without_its_target_is_not_configured(void **state)
{
	char err[PRINT_ERR_MAX];
	(void)state;
	cfg.printer.mode = CONFIG_PRINTER_COMMAND;
	cfg.printer.command[0] = '\0';
	assert_int_equal(print_text(&cfg, text, err, sizeof err), PRINT_NOT_CONFIGURED);
	assert_non_null(strstr(err, "command"));
	cfg.printer.mode = CONFIG_PRINTER_DEVICE;
	cfg.printer.device[0] = '\0';
	assert_int_equal(print_text(&cfg, text, err, sizeof err), PRINT_NOT_CONFIGURED);
	cfg.printer.mode = CONFIG_PRINTER_FILE;
	cfg.printer.file[0] = '\0';
	assert_int_equal(print_text(&cfg, text, err, sizeof err), PRINT_NOT_CONFIGURED);
}

/* ---- mode file ----------------------------------------------------------- */

static void mode_file_creates_and_appends_the_device_bytes(void **state)
{
	char path[512], err[PRINT_ERR_MAX];
	size_t one_len, two_len, got_len;
	(void)state;

	path_in_tmp(path, sizeof path, "receipts.escpos");
	cfg.printer.mode = CONFIG_PRINTER_FILE;
	cfg.printer.codepage = CONFIG_CODEPAGE_CP866;
	snprintf(cfg.printer.file, sizeof cfg.printer.file, "%s", path);

	assert_int_equal(print_text(&cfg, text, err, sizeof err), PRINT_OK);
	assert_string_equal(err, "");
	assert_int_equal(print_text(&cfg, "second\n", err, sizeof err), PRINT_OK);

	unsigned char *one = job_bytes(text, ESCPOS_CP866, &one_len);
	unsigned char *two = job_bytes("second\n", ESCPOS_CP866, &two_len);
	char *got = slurp(path, &got_len);
	assert_int_equal(got_len, one_len + two_len);
	assert_memory_equal(got, one, one_len);
	assert_memory_equal(got + one_len, two, two_len);

	/* and it reads back as what the paper would show */
	char *shown = malloc(got_len * 2 + 1), preview[512];
	assert_non_null(shown);
	escpos_decode(ESCPOS_CP866, (unsigned char *)got, got_len, shown, got_len * 2 + 1);
	print_preview(&cfg, text, preview, sizeof preview);
	assert_non_null(strstr(shown, preview));
	assert_non_null(strstr(shown, "ДУКЕН \"БЕРЕКЕ\""));
	assert_non_null(strstr(shown, "1 080,00 тг"));
	free(shown);
	free(got);
	free(one);
	free(two);
}

static void mode_file_uses_the_kz1048_page_when_set(void **state)
{
	char path[512], err[PRINT_ERR_MAX];
	size_t want_len, got_len;
	(void)state;

	path_in_tmp(path, sizeof path, "kz.escpos");
	cfg.printer.mode = CONFIG_PRINTER_FILE;
	cfg.printer.codepage = CONFIG_CODEPAGE_KZ1048;
	snprintf(cfg.printer.file, sizeof cfg.printer.file, "%s", path);
	assert_int_equal(print_text(&cfg, text, err, sizeof err), PRINT_OK);

	unsigned char *want = job_bytes(text, ESCPOS_KZ1048, &want_len);
	char *got = slurp(path, &got_len);
	assert_int_equal(got_len, want_len);
	assert_memory_equal(got, want, want_len);
	assert_memory_equal(got, "\x1B\x40\x1B\x74\x35", 5); /* ESC t 53 */
	free(got);
	free(want);
}

static void mode_file_in_a_missing_folder_fails_with_the_errno_text(void **state)
{
	char err[PRINT_ERR_MAX];
	(void)state;
	cfg.printer.mode = CONFIG_PRINTER_FILE;
	snprintf(cfg.printer.file, sizeof cfg.printer.file, "%s/no/such/dir/r.bin", tmpdir);
	assert_int_equal(print_text(&cfg, text, err, sizeof err), PRINT_FAILED);
	assert_non_null(strstr(err, "printer file "));
	assert_non_null(strstr(err, ": No such file or directory"));
}

/* ---- mode command -------------------------------------------------------- */

static void mode_command_gets_the_utf8_text_on_stdin(void **state)
{
	char out[512], cmd[640], err[PRINT_ERR_MAX];
	size_t len;
	(void)state;

	path_in_tmp(out, sizeof out, "lp.out");
	snprintf(cmd, sizeof cmd, "cat > '%s'", out);
	use_command(cmd);
	assert_int_equal(print_text(&cfg, text, err, sizeof err), PRINT_OK);
	assert_string_equal(err, "");
	char *got = slurp(out, &len);
	assert_string_equal(got, text); /* UTF-8 as given: ₸, Kazakh, U+202F */
	free(got);

	char preview[512];
	assert_int_equal(print_preview(&cfg, text, preview, sizeof preview), strlen(text));
	assert_string_equal(preview, text);
}

static void mode_command_output_stays_out_of_the_terminal(void **state)
{
	char err[PRINT_ERR_MAX];
	int saved = dup(STDOUT_FILENO), pipefd[2];
	(void)state;

	/* our stdout is a pipe for the duration: the command must not reach it */
	assert_int_equal(pipe(pipefd), 0);
	fflush(stdout);
	dup2(pipefd[1], STDOUT_FILENO);
	use_command("cat >/dev/null; echo 'request id is receipt-42 (1 file(s))'; echo oops >&2");
	enum print_status st = print_text(&cfg, text, err, sizeof err);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(pipefd[1]);
	fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
	char buf[64];
	ssize_t n = read(pipefd[0], buf, sizeof buf);
	close(pipefd[0]);
	assert_int_equal(st, PRINT_OK);
	assert_true(n <= 0);
}

static void command_that_exits_1_fails_naming_it_and_quoting_it(void **state)
{
	char err[PRINT_ERR_MAX];
	(void)state;

	use_command("exit 1");
	assert_int_equal(print_text(&cfg, text, err, sizeof err), PRINT_FAILED);
	assert_string_equal(err, "printer command 'exit 1' failed (exit 1): check the printer, then reprint");

	use_command("cat >/dev/null; echo 'lp: The printer or class does not exist.' >&2; exit 1");
	assert_int_equal(print_text(&cfg, text, err, sizeof err), PRINT_FAILED);
	assert_non_null(strstr(err, "printer command 'cat >/dev/null; echo"));
	assert_non_null(strstr(err, "failed (exit 1: lp: The printer or class does not exist.)"));
	assert_null(strchr(err, '\n'));
}

static void command_not_found_says_so(void **state)
{
	char err[PRINT_ERR_MAX];
	(void)state;
	use_command("kp-no-such-printer-tool -d receipt");
	assert_int_equal(print_text(&cfg, text, err, sizeof err), PRINT_FAILED);
	assert_non_null(strstr(err, "(exit 127: "));
	assert_non_null(strstr(err, "not found"));
}

/* A monotonic clock that moves 1 s at every reading once the file gate
 * has something in it (the command is running): a printer's 10 s
 * time-out passes after ten of its waits (each at most 50 ms real). */
struct stepping {
	int64_t now;
	const char *gate;
};

static int64_t stepping_ms(void *arg)
{
	struct stepping *c = arg;
	struct stat st;
	if (stat(c->gate, &st) == 0 && st.st_size > 0)
		c->now += 1000;
	return c->now;
}

static time_t stepping_wall(void *arg)
{
	(void)arg;
	return time(NULL);
}

static void command_that_hangs_is_stopped_after_10_s(void **state)
{
	char err[PRINT_ERR_MAX], pidfile[512], cmd[700];
	struct stepping c = {.gate = pidfile};
	struct kp_clock stepping = {.mono_ms = stepping_ms, .wall = stepping_wall, .arg = &c};
	(void)state;

	path_in_tmp(pidfile, sizeof pidfile, "sleep.pid");
	unlink(pidfile);
	snprintf(cmd, sizeof cmd, "sleep 30 & echo $! > '%s'; wait", pidfile);
	use_command(cmd);
	/* time-out 0: the default, PRINT_TIMEOUT_MS, on the stepping clock */
	assert_int_equal(print_text_on(&cfg, text, 0, &stepping, err, sizeof err), PRINT_FAILED);
	assert_true(c.now >= PRINT_TIMEOUT_MS);
	assert_non_null(strstr(err, "did not finish within 10 s and was stopped"));

	/* the sleep the shell started is gone too (its whole process group) */
	size_t len;
	char *pid_text = slurp(pidfile, &len);
	pid_t pid = (pid_t)atol(pid_text);
	free(pid_text);
	assert_true(pid > 1);
	bool gone = false;
	for (int i = 0; i < 100 && !gone; i++) {
		char stat_path[64], stat[256] = "";
		snprintf(stat_path, sizeof stat_path, "/proc/%ld/stat", (long)pid);
		FILE *f = fopen(stat_path, "r");
		if (!f) {
			gone = true;
			break;
		}
		size_t n = fread(stat, 1, sizeof stat - 1, f);
		fclose(f);
		stat[n] = '\0';
		const char *close_paren = strrchr(stat, ')');
		gone = close_paren && (close_paren[2] == 'Z' || close_paren[2] == 'X');
		if (!gone)
			nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
	}
	assert_true(gone);
}

static void command_that_stops_reading_does_not_kill_the_caller(void **state)
{
	char err[PRINT_ERR_MAX];
	size_t big = 1 << 20; /* far past a pipe's buffer */
	char *long_text = malloc(big + 1);
	(void)state;
	assert_non_null(long_text);
	memset(long_text, 'x', big);
	long_text[big] = '\0';

	/* SIGPIPE is not left to kill us; the exit status decides */
	use_command("head -c 10 >/dev/null");
	assert_int_equal(print_text(&cfg, long_text, err, sizeof err), PRINT_OK);
	use_command("head -c 10 >/dev/null; exit 2");
	assert_int_equal(print_text(&cfg, long_text, err, sizeof err), PRINT_FAILED);
	assert_string_equal(err, "printer command 'head -c 10 >/dev/null; exit 2' failed (exit 2): "
	                         "check the printer, then reprint");
	free(long_text);
}

static void short_time_out_is_honoured_and_reported(void **state)
{
	char err[PRINT_ERR_MAX];
	struct timespec t0;
	(void)state;
	use_command("sleep 5");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(print_text_within(&cfg, text, 300, err, sizeof err), PRINT_FAILED);
	assert_true(seconds_since(&t0) < 2.0);
	assert_non_null(strstr(err, "within 0.3 s"));
}

/* ---- mode device --------------------------------------------------------- */

static void use_device(const char *path)
{
	cfg.printer.mode = CONFIG_PRINTER_DEVICE;
	cfg.printer.codepage = CONFIG_CODEPAGE_CP866;
	snprintf(cfg.printer.device, sizeof cfg.printer.device, "%s", path);
}

static void mode_device_writes_every_byte_to_a_fifo(void **state)
{
	char fifo[512], err[PRINT_ERR_MAX];
	unsigned char got[4096];
	size_t want_len, got_len = 0;
	(void)state;

	path_in_tmp(fifo, sizeof fifo, "lp0.fifo");
	assert_int_equal(mkfifo(fifo, 0600), 0);
	int rd = open(fifo, O_RDONLY | O_NONBLOCK); /* the "printer" end */
	assert_true(rd >= 0);
	use_device(fifo);
	assert_int_equal(print_text(&cfg, text, err, sizeof err), PRINT_OK);
	for (;;) {
		ssize_t n = read(rd, got + got_len, sizeof got - got_len);
		if (n <= 0)
			break;
		got_len += (size_t)n;
	}
	close(rd);
	unsigned char *want = job_bytes(text, ESCPOS_CP866, &want_len);
	assert_int_equal(got_len, want_len);
	assert_memory_equal(got, want, want_len);
	free(want);
}

static void mode_device_to_a_regular_file_path_writes_the_job(void **state)
{
	char path[512], err[PRINT_ERR_MAX];
	size_t want_len, got_len;
	(void)state;

	path_in_tmp(path, sizeof path, "lp0");
	FILE *f = fopen(path, "w"); /* devices exist before anyone prints */
	assert_non_null(f);
	fclose(f);
	use_device(path);
	assert_int_equal(print_text(&cfg, text, err, sizeof err), PRINT_OK);
	unsigned char *want = job_bytes(text, ESCPOS_CP866, &want_len);
	char *got = slurp(path, &got_len);
	assert_int_equal(got_len, want_len);
	assert_memory_equal(got, want, want_len);
	free(got);
	free(want);
}

static void missing_device_fails_with_the_errno_text_and_is_not_created(void **state)
{
	char path[512], err[PRINT_ERR_MAX], want[700];
	struct stat st;
	(void)state;

	path_in_tmp(path, sizeof path, "usb-lp0");
	use_device(path);
	assert_int_equal(print_text(&cfg, text, err, sizeof err), PRINT_FAILED);
	snprintf(want, sizeof want, "printer device %s: No such file or directory", path);
	assert_string_equal(err, want);
	assert_int_equal(stat(path, &st), -1);
}

static void fifo_without_a_reader_fails_at_once(void **state)
{
	char fifo[512], err[PRINT_ERR_MAX];
	struct timespec t0;
	(void)state;

	path_in_tmp(fifo, sizeof fifo, "nobody.fifo");
	assert_int_equal(mkfifo(fifo, 0600), 0);
	use_device(fifo);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(print_text(&cfg, text, err, sizeof err), PRINT_FAILED);
	assert_true(seconds_since(&t0) < 1.0);
	assert_non_null(strstr(err, ": No such device or address"));
}

static void device_that_stops_taking_bytes_times_out(void **state)
{
	char fifo[512], err[PRINT_ERR_MAX];
	struct timespec t0;
	size_t big = 1 << 20;
	char *long_text = malloc(big + 1);
	(void)state;

	assert_non_null(long_text);
	memset(long_text, 'x', big);
	long_text[big] = '\0';
	path_in_tmp(fifo, sizeof fifo, "stuck.fifo");
	assert_int_equal(mkfifo(fifo, 0600), 0);
	int rd = open(fifo, O_RDONLY | O_NONBLOCK); /* opened, never read: paper out */
	assert_true(rd >= 0);
	use_device(fifo);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(print_text_within(&cfg, long_text, 400, err, sizeof err), PRINT_FAILED);
	double took = seconds_since(&t0);
	close(rd);
	free(long_text);
	assert_true(took >= 0.35 && took < 2.0);
	assert_non_null(strstr(err, "took "));
	assert_non_null(strstr(err, " bytes, then nothing for 0.4 s: check paper, cover and power, "
	                            "then reprint"));
}

/* A printer that prints slowly: takes 32 KiB every 100 ms until EOF. */
struct slow_reader {
	int fd;
	size_t total;
};

/* A FIFO reads as EOF before its writer opens it too: EOF counts only
 * once bytes have come (the writer has been and gone). */
static void *read_slowly(void *arg)
{
	struct slow_reader *r = arg;
	static char buf[32 * 1024];
	for (int round = 0; round < 100; round++) {
		ssize_t n = read(r->fd, buf, sizeof buf);
		if (n == 0 && r->total > 0)
			break;
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			break;
		if (n > 0)
			r->total += (size_t)n;
		nanosleep(&(struct timespec){0, (n > 0 ? 100 : 10) * 1000 * 1000}, NULL);
	}
	return NULL;
}

static void slow_device_that_keeps_taking_bytes_is_waited_for(void **state)
{
	char fifo[512], err[PRINT_ERR_MAX];
	struct timespec t0;
	size_t big = 256 * 1024, want_len;
	char *long_text = malloc(big + 1);
	pthread_t th;
	(void)state;

	assert_non_null(long_text);
	memset(long_text, 'x', big);
	long_text[big] = '\0';
	path_in_tmp(fifo, sizeof fifo, "slow.fifo");
	assert_int_equal(mkfifo(fifo, 0600), 0);
	struct slow_reader r = {.fd = open(fifo, O_RDONLY | O_NONBLOCK), .total = 0};
	assert_true(r.fd >= 0);
	use_device(fifo);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(pthread_create(&th, NULL, read_slowly, &r), 0);
	enum print_status st = print_text_within(&cfg, long_text, 400, err, sizeof err);
	double took = seconds_since(&t0);
	pthread_join(th, NULL);
	close(r.fd);
	free(job_bytes(long_text, ESCPOS_CP866, &want_len));
	free(long_text);
	if (st != PRINT_OK)
		fail_msg("%s", err);
	assert_true(took > 0.4); /* longer than the time-out in all */
	assert_int_equal(r.total, want_len);
}

/* ---- nothing is lost ----------------------------------------------------- */

static void the_same_text_prints_on_retry_after_a_failure(void **state)
{
	char path[512], err[PRINT_ERR_MAX];
	size_t want_len, got_len;
	char copy[sizeof text];
	(void)state;

	memcpy(copy, text, sizeof text);
	path_in_tmp(path, sizeof path, "lp-later");
	use_device(path);
	assert_int_equal(print_text(&cfg, copy, err, sizeof err), PRINT_FAILED);
	assert_memory_equal(copy, text, sizeof text); /* the caller's text untouched */

	FILE *f = fopen(path, "w"); /* the cashier plugs the printer in */
	assert_non_null(f);
	fclose(f);
	assert_int_equal(print_text(&cfg, copy, err, sizeof err), PRINT_OK);
	unsigned char *want = job_bytes(text, ESCPOS_CP866, &want_len);
	char *got = slurp(path, &got_len);
	assert_int_equal(got_len, want_len);
	assert_memory_equal(got, want, want_len);
	free(got);
	free(want);
}

static void preview_shows_what_the_code_page_prints(void **state)
{
	char out[256];
	(void)state;
	cfg.printer.mode = CONFIG_PRINTER_DEVICE;
	cfg.printer.codepage = CONFIG_CODEPAGE_CP866;
	print_preview(&cfg, "Рақмет! 1\u202F500,00 \u20B8", out, sizeof out);
	assert_string_equal(out, "Ракмет! 1 500,00 тг");
	cfg.printer.codepage = CONFIG_CODEPAGE_KZ1048;
	print_preview(&cfg, "Рақмет! 1\u202F500,00 \u20B8", out, sizeof out);
	assert_string_equal(out, "Рақмет! 1 500,00 тг");
}

/* [printer] qr, qr_size, qr_level and width reach the file's job: the
 * printer's own QR (GS ( k, the size and level) or a raster picture
 * (GS v 0) as wide as the paper; the preview and a command printer show
 * the URL as its text. */
static void the_qr_settings_reach_the_job(void **state)
{
	char path[512], err[PRINT_ERR_MAX], out[256];
	size_t len;
	const char url_text[] = "Чек\n" ESCPOS_URL_MARK "http://consumer.oofd.kz?i=1&f=2\n";
	(void)state;

	path_in_tmp(path, sizeof path, "qr-native.bin");
	cfg.printer.mode = CONFIG_PRINTER_FILE;
	snprintf(cfg.printer.file, sizeof cfg.printer.file, "%s", path);
	cfg.printer.qr = CONFIG_QR_NATIVE;
	cfg.printer.qr_size = 9;
	cfg.printer.qr_level = CONFIG_QR_LEVEL_H;
	assert_int_equal(print_text(&cfg, url_text, err, sizeof err), PRINT_OK);
	char *got = slurp(path, &len);
	assert_non_null(memmem(got, len, "\x1d(k\x03\x00" "1C\x09", 8)); /* fn 167: 9 dots */
	assert_non_null(memmem(got, len, "\x1d(k\x03\x00" "1E3", 8));    /* fn 169: H */
	assert_non_null(memmem(got, len, "http://consumer.oofd.kz?i=1&f=2", 31));
	free(got);

	path_in_tmp(path, sizeof path, "qr-raster.bin");
	snprintf(cfg.printer.file, sizeof cfg.printer.file, "%s", path);
	cfg.printer.qr = CONFIG_QR_RASTER;
	cfg.printer.width = 48;
	assert_int_equal(print_text(&cfg, url_text, err, sizeof err), PRINT_OK);
	got = slurp(path, &len);
	unsigned char *v0 = memmem(got, len, "\x1dv0\x00", 4);
	assert_non_null(v0);
	assert_int_equal(v0[4] + 256 * v0[5], 576 / 8); /* 48 columns of 12 dots */
	assert_null(memmem(got, len, "\x1d(k", 3));
	free(got);

	print_preview(&cfg, url_text, out, sizeof out);
	assert_string_equal(out, "Чек\nhttp://consumer.oofd.kz?i=1&f=2\n");
	use_command("cat >/dev/null");
	print_preview(&cfg, url_text, out, sizeof out);
	assert_string_equal(out, "Чек\nhttp://consumer.oofd.kz?i=1&f=2\n");
}

#define T(f) cmocka_unit_test_setup(f, reset_cfg)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(mode_none_is_not_configured),
		T(a_mode_without_its_target_is_not_configured),
		T(mode_file_creates_and_appends_the_device_bytes),
		T(mode_file_uses_the_kz1048_page_when_set),
		T(mode_file_in_a_missing_folder_fails_with_the_errno_text),
		T(mode_command_gets_the_utf8_text_on_stdin),
		T(mode_command_output_stays_out_of_the_terminal),
		T(command_that_exits_1_fails_naming_it_and_quoting_it),
		T(command_not_found_says_so),
		T(command_that_hangs_is_stopped_after_10_s),
		T(command_that_stops_reading_does_not_kill_the_caller),
		T(short_time_out_is_honoured_and_reported),
		T(mode_device_writes_every_byte_to_a_fifo),
		T(mode_device_to_a_regular_file_path_writes_the_job),
		T(missing_device_fails_with_the_errno_text_and_is_not_created),
		T(fifo_without_a_reader_fails_at_once),
		T(device_that_stops_taking_bytes_times_out),
		T(slow_device_that_keeps_taking_bytes_is_waited_for),
		T(the_same_text_prints_on_retry_after_a_failure),
		T(preview_shows_what_the_code_page_prints),
		T(the_qr_settings_reach_the_job),
	};
	return cmocka_run_group_tests_name("print", tests, setup_dir, teardown_dir);
}
