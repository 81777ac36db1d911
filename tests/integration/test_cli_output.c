/* test_cli_output.c — the real kaspi-pos binary ($KP_POS, or
 * build/kaspi-pos) against a hostile server: a raw responder whose every
 * text is full of what a terminal obeys (ESC sequences that clear, move,
 * recolour and retitle, BEL, backspace, CR, DEL, C1 controls as UTF-8 and
 * as bare bytes, bytes that are not UTF-8). `health`, `charge` (its QR
 * token line), `status` (journal and server) and the error lines must
 * print none of it: no byte below 0x20 but the newline, no DEL, no C1
 * control, nothing that is not UTF-8 — while the QR still encodes the
 * server's token exactly (the journal keeps it byte for byte). */
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "../support/raw_server.h"

#define KEY "xdev_h0st1le0server0key12"
#define BIN "123456789012"
#define OUT_MAX 65536

/* The hostile text, as JSON string content: OSC retitle ended by BEL,
 * clear screen and home, SGR, CSI as one C1 character (U+009B, escaped and
 * raw), a bare 0x9B byte, backspace, CR, DEL, an invalid byte, a lone
 * continuation byte. */
#define EVIL "\\u001b]0;owned\\u0007\\u001b[2J\\u001b[H\\u001b[31m\\u009b5m\xc2\x9b" "1m\x9b" \
             "7m\\b\\r\x7f\xff\x80" "end"

/* The same in valid UTF-8 alone: C1 controls as characters (CSI U+009B,
 * OSC U+009D, ST U+009C) that a cleaner looking only at bytes below 0x20
 * or at broken UTF-8 lets through. */
#define EVIL_C1 "\\u009b2J\\u009d0;owned\\u009c\\u009b31mend"

static const char HEALTH_EVIL_STATUS[] = "200 OK";
static const char HEALTH_EVIL[] =
	"{\"status\":\"" EVIL "\",\"version\":\"9" EVIL "\"}";

static const char CREATED_EVIL_STATUS[] = "201 Created";
static const char CREATED_EVIL[] =
	"{\"payment_id\":\"pay_evil1\",\"qr_token\":\"kaspi://pay?token=" EVIL "\","
	"\"status\":\"pending\",\"expires_at\":\"2099-01-01T00:00:00Z\"}";

static const char PAYMENT_EVIL_STATUS[] = "200 OK";
static const char PAYMENT_EVIL[] =
	"{\"payment_id\":\"pay_evil1\",\"merchant_order_id\":\"T01-x\",\"status\":\"" EVIL "\","
	"\"amount\":150000,\"refunded_amount\":0,\"payment_method\":\"qr" EVIL "\","
	"\"created_at\":\"2026-05-10T16:35:00Z\",\"expires_at\":\"2099-01-01T00:00:00Z\"}";

static const char ERROR_EVIL_STATUS[] = "422 Unprocessable Entity";
static const char ERROR_EVIL[] =
	"{\"error\":{\"code\":\"invalid_field\",\"message\":\"" EVIL_C1 "\"}}";

static const char REFUSED_EVIL_STATUS[] = "400 Bad Request";
static const char REFUSED_EVIL[] =
	"{\"error\":{\"code\":\"x" EVIL "\",\"message\":\"" EVIL_C1 "\"}}";

/* One test: a raw responder, a home folder, what the last run printed. */
typedef struct world {
	raw_server raw;
	bool raw_up;
	char answer[8192];
	char dir[64];          /* the run's home: config, journal */
	char url[64];
	char out[OUT_MAX];     /* standard output of the last run */
	char err[OUT_MAX];     /* standard error of the last run */
	int rc;
} world;

static const char *pos_binary(void)
{
	const char *env = getenv("KP_POS");
	return env && env[0] ? env : "build/kaspi-pos";
}

/* Starts the responder answering every request with status and body. */
static void serve(world *w, const char *status, const char *body)
{
	snprintf(w->answer, sizeof w->answer,
	         "HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
	         status, strlen(body), body);
	if (w->raw_up)
		raw_server_stop(&w->raw);
	assert_true(raw_server_start(&w->raw, w->answer, strlen(w->answer), RAW_KEEP_ALIVE));
	w->raw_up = true;
	snprintf(w->url, sizeof w->url, "http://127.0.0.1:%d/api/v1", w->raw.port);
}

static int setup(void **state)
{
	world *w = calloc(1, sizeof *w);
	assert_non_null(w);
	snprintf(w->dir, sizeof w->dir, "/tmp/kp-cli-output-XXXXXX");
	assert_non_null(mkdtemp(w->dir));
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	world *w = *state;
	if (w->raw_up)
		raw_server_stop(&w->raw);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", w->dir);
	if (system(cmd) != 0)
		print_message("could not remove %s\n", w->dir);
	free(w);
	return 0;
}

/* Reads a whole file into buf (NUL-terminated; NULs inside stay). */
static size_t slurp(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(buf, 1, size - 1, f) : 0;
	if (f)
		fclose(f);
	buf[n] = '\0';
	return n;
}

/* Runs kaspi-pos with the NULL-terminated args against w->url (killed
 * after 30 s); fills out, err and rc. */
static void run_pos(world *w, ...)
{
	const char *argv[16] = {pos_binary()};
	size_t n = 1;
	va_list ap;
	va_start(ap, w);
	for (const char *a; (a = va_arg(ap, const char *)) != NULL && n < 15;)
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;

	char out_path[96], err_path[96];
	snprintf(out_path, sizeof out_path, "%s/out", w->dir);
	snprintf(err_path, sizeof err_path, "%s/err", w->dir);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char home[96], cfg[96], data[96];
		snprintf(home, sizeof home, "%s/home", w->dir);
		snprintf(cfg, sizeof cfg, "%s/cfg", w->dir);
		snprintf(data, sizeof data, "%s/data", w->dir);
		setenv("KASPI_POS_HOME", home, 1);
		setenv("XDG_CONFIG_HOME", cfg, 1);
		setenv("XDG_DATA_HOME", data, 1);
		setenv("KASPI_XDEV_KEY", KEY, 1);
		setenv("KASPI_MERCHANT_ID", BIN, 1);
		setenv("KASPI_BASE_URL", w->url, 1);
		setenv("LANG", "C.UTF-8", 1);
		setenv("LC_ALL", "C.UTF-8", 1);
		unsetenv("LANGUAGE");
		unsetenv("KASPI_WEBHOOK_SECRET");
		int o = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int e = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int z = open("/dev/null", O_RDONLY);
		if (o < 0 || e < 0 || z < 0)
			_exit(125);
		dup2(o, 1), dup2(e, 2), dup2(z, 0);
		alarm(30); /* survives exec: a hung run is killed */
		execv(argv[0], (char *const *)argv);
		_exit(126);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status))
		fail_msg("%s %s: killed by signal %d", argv[0], argv[1], WTERMSIG(status));
	w->rc = WEXITSTATUS(status);
	if (w->rc == 126)
		fail_msg("cannot run %s (set KP_POS)", argv[0]);
	slurp(out_path, w->out, sizeof w->out);
	slurp(err_path, w->err, sizeof w->err);
}

/* The first byte of s that a terminal would obey or that is not UTF-8,
 * or -1: every byte below 0x20 but '\n', DEL, C1 (C2 80..9F), and
 * whatever breaks UTF-8's byte patterns. Written here on its own, not
 * with the code under test. */
static long first_unsafe(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; p[i];) {
		unsigned c = p[i];
		size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3
		                     : (c & 0xf8) == 0xf0 ? 4 : 0;
		if (n == 0 || (c < 0x20 && c != '\n') || c == 0x7f || c == 0xc0 || c == 0xc1)
			return (long)i;
		for (size_t k = 1; k < n; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				return (long)i;
		if (c == 0xc2 && p[i + 1] <= 0x9f)
			return (long)i;
		i += n;
	}
	return -1;
}

/* Fails when out or err holds anything unsafe, showing where. */
#define expect_safe(w) \
	do { \
		long at_; \
		if ((at_ = first_unsafe((w)->out)) >= 0) \
			fail_msg("stdout byte %ld is 0x%02x: %.60s", at_, \
			         (unsigned char)(w)->out[at_], (w)->out + (at_ > 20 ? at_ - 20 : 0)); \
		if ((at_ = first_unsafe((w)->err)) >= 0) \
			fail_msg("stderr byte %ld is 0x%02x: %.60s", at_, \
			         (unsigned char)(w)->err[at_], (w)->err + (at_ > 20 ? at_ - 20 : 0)); \
	} while (0)

static void health_prints_a_hostile_status_and_version_safely(void **state)
{
	world *w = *state;
	serve(w, HEALTH_EVIL_STATUS, HEALTH_EVIL);
	run_pos(w, "health", NULL);
	assert_int_equal(w->rc, 3); /* the status is not "ok" */
	expect_safe(w);
	assert_non_null(strstr(w->out, "version:    9"));
	assert_non_null(strstr(w->out, "]0;owned")); /* the text is there, its ESC is not */
	assert_non_null(strstr(w->err, "end\": payments may fail"));
}

static void health_error_with_a_hostile_message_is_one_safe_line(void **state)
{
	world *w = *state;
	serve(w, REFUSED_EVIL_STATUS, REFUSED_EVIL);
	run_pos(w, "health", NULL);
	assert_int_equal(w->rc, 3);
	expect_safe(w);
	assert_non_null(strstr(w->err, "(400): "));
}

static void charge_prints_a_hostile_token_safely_and_journals_it_exactly(void **state)
{
	world *w = *state;
	serve(w, CREATED_EVIL_STATUS, CREATED_EVIL);
	run_pos(w, "charge", "1500", "--no-wait", NULL);
	if (w->rc != 0)
		fail_msg("charge exit %d: %s", w->rc, w->err);
	expect_safe(w);
	assert_non_null(strstr(w->out, "\nkaspi://pay?token="));
	assert_non_null(strstr(w->out, "]0;owned"));
	/* the journal keeps the token as sent: that is what the QR encodes */
	char cmd[256], token[512];
	snprintf(cmd, sizeof cmd, "sqlite3 -batch '%s/home/kaspi-pos.db' 'SELECT hex(qr_token) FROM orders' "
	         "> '%s/token'", w->dir, w->dir);
	if (system(cmd) == 0) {
		char path[96];
		snprintf(path, sizeof path, "%s/token", w->dir);
		slurp(path, token, sizeof token);
		/* ESC ] 0 ; = 1B5D303B, BEL 07, DEL 7F, FF FF, 80 */
		assert_non_null(strstr(token, "1B5D303B6F776E656407"));
		assert_non_null(strstr(token, "7FFF80656E64"));
	} else {
		print_message("no sqlite3: the journal's token is not checked\n");
	}
}

static void charge_refused_with_a_hostile_message_says_it_safely(void **state)
{
	world *w = *state;
	serve(w, ERROR_EVIL_STATUS, ERROR_EVIL);
	run_pos(w, "charge", "1500", NULL);
	assert_int_equal(w->rc, 3);
	expect_safe(w);
	assert_non_null(strstr(w->err, "(422)"));
}

static void status_prints_a_hostile_server_status_safely(void **state)
{
	world *w = *state;
	serve(w, PAYMENT_EVIL_STATUS, PAYMENT_EVIL);
	run_pos(w, "status", "pay_evil1", NULL);
	if (w->rc != 0)
		fail_msg("status exit %d: %s", w->rc, w->err);
	expect_safe(w);
	assert_non_null(strstr(w->out, "status"));
	assert_non_null(strstr(w->out, "]0;owned"));
}

static void status_of_a_journaled_order_prints_journal_and_server_safely(void **state)
{
	world *w = *state;
	serve(w, CREATED_EVIL_STATUS, CREATED_EVIL);
	run_pos(w, "charge", "1500", "--no-wait", NULL);
	assert_int_equal(w->rc, 0);
	const char *line = strstr(w->out, "order ");
	assert_non_null(line);
	char order[80];
	assert_int_equal(sscanf(line, "order %79s", order), 1);
	serve(w, PAYMENT_EVIL_STATUS, PAYMENT_EVIL);
	run_pos(w, "status", order, NULL);
	if (w->rc != 0)
		fail_msg("status exit %d: %s", w->rc, w->err);
	expect_safe(w);
	assert_non_null(strstr(w->out, "journal:"));
	assert_non_null(strstr(w->out, "server:"));
}

int main(void)
{
	if (access(pos_binary(), X_OK) != 0) {
		fprintf(stderr, "no %s: build it first (or set KP_POS)\n", pos_binary());
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(health_prints_a_hostile_status_and_version_safely, setup, teardown),
		cmocka_unit_test_setup_teardown(health_error_with_a_hostile_message_is_one_safe_line, setup, teardown),
		cmocka_unit_test_setup_teardown(charge_prints_a_hostile_token_safely_and_journals_it_exactly, setup, teardown),
		cmocka_unit_test_setup_teardown(charge_refused_with_a_hostile_message_says_it_safely, setup, teardown),
		cmocka_unit_test_setup_teardown(status_prints_a_hostile_server_status_safely, setup, teardown),
		cmocka_unit_test_setup_teardown(status_of_a_journaled_order_prints_journal_and_server_safely, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
