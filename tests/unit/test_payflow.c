/* test_payflow.c — the payflow on a fake clock: the status poll schedule
 * and its request count against a real kaspi-sandbox (through the real
 * worker), the capped backoff of a create the server keeps failing,
 * Retry-After, one request in flight per payment, a refund sent again
 * with the same bytes, and an order the server does not know (a new
 * sandbox that forgot it): marked, asked slowly, never moved, closed only
 * by a manager. Where the network is not the point a stand-in takes the
 * jobs and the test writes the answers. No test sleeps: time moves only
 * by kp_fake_advance. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "app/config.h"
#include "app/i18n.h"
#include "app/payflow.h"
#include "app/pin.h"
#include "app/worker.h"
#include "core/clock.h"
#include "core/pollsched.h"
#include "net/xpay.h"
#include "store/db.h"
#include "store/journal.h"
#include "store/refunds.h"
#include "store/shifts.h"
#include "store/users.h"
#include "../support/sandbox_proc.h"

#define KEY "xdev_ab12cd34ef56gh78ij90"
#define BIN "123456789012"
#define READY_MS 5000
#define JOBS_MAX 512

/* A job as the sender saw it. */
struct sent {
	enum worker_job_kind kind;
	int64_t tag;
	char payment_id[XPAY_ID_SIZE];
	char *body;
	size_t len;
	int64_t at_ms;                /* the fake clock when it was sent */
};

struct fixture {
	char dir[64];
	store_db *db;
	struct shift shift;
	struct kp_config cfg;
	struct kp_fake_time ft;
	struct kp_clock clock;
	struct payflow pf;
	struct sent jobs[JOBS_MAX];
	size_t n_jobs;
	struct worker *worker;        /* NULL: the stand-in only records */
	sandbox_proc sp, sp2;
	bool sp_up, sp2_up;
};

/* The sender: records every job and hands it on to the worker, if any. */
static bool record(void *arg, const struct worker_job *job)
{
	struct fixture *f = arg;
	if (f->worker && !worker_submit(f->worker, job))
		return false;
	assert_true(f->n_jobs < JOBS_MAX);
	struct sent *s = &f->jobs[f->n_jobs++];
	s->kind = job->kind;
	s->tag = job->tag;
	snprintf(s->payment_id, sizeof s->payment_id, "%s", job->payment_id);
	s->len = job->body ? job->len : 0;
	s->body = NULL;
	if (job->body) {
		s->body = malloc(job->len + 1);
		assert_non_null(s->body);
		memcpy(s->body, job->body, job->len);
	}
	s->at_ms = f->ft.mono_ms;
	return true;
}

static size_t count_kind(const struct fixture *f, enum worker_job_kind kind)
{
	size_t n = 0;
	for (size_t i = 0; i < f->n_jobs; i++)
		n += f->jobs[i].kind == kind;
	return n;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	store_err err;
	char path[128];
	assert_non_null(f);
	snprintf(f->dir, sizeof f->dir, "/tmp/kp-payflow-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(path, sizeof path, "%s/kaspi-pos.db", f->dir);
	assert_int_equal(db_open(path, &f->db, &err), STORE_OK);
	assert_int_equal(shifts_ensure_open(f->db, 0, &f->shift, NULL, &err), STORE_OK);
	config_init(&f->cfg);
	snprintf(f->cfg.till.id, sizeof f->cfg.till.id, "T01");
	snprintf(f->cfg.api.key, sizeof f->cfg.api.key, "%s", KEY);
	snprintf(f->cfg.api.merchant_id, sizeof f->cfg.api.merchant_id, "%s", BIN);
	f->cfg.api.timeout = 5;
	f->cfg.api.connect_timeout = 2;
	f->ft = (struct kp_fake_time){.mono_ms = 1000000, .wall = time(NULL)};
	f->clock = kp_clock_fake(&f->ft);
	payflow_init(&f->pf, f->db, NULL, &f->cfg, &f->clock);
	f->pf.sender = (struct payflow_sender){.submit = record, .arg = f};
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	if (f->worker)
		worker_stop(f->worker, 1000);
	payflow_free(&f->pf);
	db_close(f->db);
	if (f->sp_up)
		sandbox_stop(&f->sp);
	if (f->sp2_up)
		sandbox_stop(&f->sp2);
	for (size_t i = 0; i < f->n_jobs; i++)
		free(f->jobs[i].body);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", f->dir);
	free(f);
	return 0;
}

/* Starts a sandbox without a simulated buyer (extra flags NULL-ended). */
static void sandbox_up(sandbox_proc *sp, bool *up, const char *extra)
{
	const char *args[12] = {"--key", KEY, "--merchant", BIN, "--pay-after", "0"};
	size_t n = 6;
	if (extra) {
		args[n++] = "--fail-rate";
		args[n++] = extra;
	}
	args[n] = NULL;
	if (!sandbox_start(sp, args, READY_MS))
		fail_msg("kaspi-sandbox did not start (%s)", sandbox_binary());
	*up = true;
}

/* The real worker, talking to url. */
static void worker_to(struct fixture *f, const char *url)
{
	if (f->worker)
		worker_stop(f->worker, 1000);
	snprintf(f->cfg.api.base_url, sizeof f->cfg.api.base_url, "%s", url);
	f->worker = worker_start(&f->cfg);
	assert_non_null(f->worker);
}

/* Whether a request of the payflow is at the worker. */
static bool any_in_flight(const struct fixture *f)
{
	for (size_t i = 0; i < f->pf.n; i++)
		if (f->pf.watch[i].in_flight)
			return true;
	return false;
}

/* Waits (really: the network) for the answers to every request at the
 * worker and applies them; the fake clock does not move meanwhile. The
 * changes of the last result go to *last (may be NULL). */
static void settle(struct fixture *f, struct payflow_changes *last)
{
	struct payflow_changes scratch;
	struct worker_result *r;
	while (any_in_flight(f)) {
		struct pollfd p = {.fd = worker_fd(f->worker), .events = POLLIN};
		if (poll(&p, 1, 10000) != 1)
			fail_msg("the worker gave no answer in 10 s");
		while (worker_take(f->worker, &r)) {
			payflow_apply(&f->pf, r, last ? last : &scratch);
			worker_result_free(r);
		}
	}
}

/* Runs the payflow against the worker for ms of fake time: every request
 * that falls due is sent and answered before the clock moves on to the
 * next one. */
static void run_for(struct fixture *f, int64_t ms)
{
	int64_t end = f->ft.mono_ms + ms;
	for (;;) {
		long due = payflow_tick(&f->pf);
		if (any_in_flight(f)) {
			settle(f, NULL);
			continue;
		}
		if (due < 0 || f->ft.mono_ms + due > end) {
			kp_fake_advance(&f->ft, end - f->ft.mono_ms);
			return;
		}
		kp_fake_advance(&f->ft, due);
	}
}

static int64_t start_order(struct fixture *f, int64_t amount)
{
	int64_t id = 0;
	char message[PAYFLOW_MESSAGE_SIZE];
	if (!payflow_start_amount(&f->pf, amount, "test_payflow", JOURNAL_QR, NULL, 0, f->shift.id,
	                          &id, message, sizeof message))
		fail_msg("payflow_start_amount: %s", message);
	return id;
}

static struct journal_order order_now(struct fixture *f, int64_t id)
{
	struct journal_order o;
	store_err err;
	assert_int_equal(journal_get(f->db, id, &o, &err), STORE_OK);
	return o;
}

/* A result for the stand-in's job i. */
static struct worker_result *result_for(struct fixture *f, size_t i, xpay_kind kind)
{
	struct worker_result *r = calloc(1, sizeof *r);
	assert_non_null(r);
	r->kind = f->jobs[i].kind;
	r->tag = f->jobs[i].tag;
	r->res.kind = kind;
	kp_msg_set(&r->res.msg, "%s", xpay_kind_name(kind));
	return r;
}

/* The stand-in's answer to a create: payment pay_<order id>, in status. */
static void answer_create(struct fixture *f, size_t i, xpay_state status)
{
	struct worker_result *r = result_for(f, i, XPAY_OK);
	struct payflow_changes ch;
	snprintf(r->u.created.payment_id, sizeof r->u.created.payment_id, "pay_t%lld",
	         (long long)f->jobs[i].tag);
	snprintf(r->u.created.qr_token, sizeof r->u.created.qr_token, "kaspi://pay?token=t");
	r->u.created.status = status;
	r->u.created.expires_at = f->ft.wall + 900;
	assert_true(payflow_apply(&f->pf, r, &ch));
	free(r);
}

/* The stand-in's answer to a status: the payment as the server has it. */
static void answer_status(struct fixture *f, size_t i, int64_t amount, xpay_state status,
                          struct payflow_changes *ch)
{
	struct worker_result *r = result_for(f, i, XPAY_OK);
	snprintf(r->u.payment.payment_id, sizeof r->u.payment.payment_id, "%s", f->jobs[i].payment_id);
	r->u.payment.amount = amount;
	r->u.payment.status = status;
	assert_true(payflow_apply(&f->pf, r, ch));
	free(r);
}

static void answer_http(struct fixture *f, size_t i, long http, const char *code,
                        struct payflow_changes *ch)
{
	struct worker_result *r = result_for(f, i, XPAY_ERR_HTTP);
	r->res.http_status = http;
	snprintf(r->res.code, sizeof r->res.code, "%s", code);
	assert_true(payflow_apply(&f->pf, r, ch));
	free(r);
}

/* ---- the poll schedule, against the sandbox ------------------------------- */

static void an_unpaid_payment_is_polled_every_second_then_every_two(void **state)
{
	struct fixture *f = *state;
	sandbox_up(&f->sp, &f->sp_up, NULL);
	worker_to(f, f->sp.base_url);
	int64_t id = start_order(f, 150000);
	run_for(f, 0);
	assert_int_equal(order_now(f, id).state, JOURNAL_PENDING);
	assert_int_equal(count_kind(f, JOB_CREATE), 1);

	run_for(f, 60000); /* ages 1 … 60 s: once a second */
	assert_int_equal(count_kind(f, JOB_STATUS), 60);
	run_for(f, 120000); /* ages 62 … 180 s: every 2 s */
	assert_int_equal(count_kind(f, JOB_STATUS), 120);
	for (size_t i = 1; i < f->n_jobs; i++)
		assert_true(f->jobs[i].at_ms - f->jobs[i - 1].at_ms <= POLL_MEDIUM_MS);

	/* the buyer pays: the next poll settles it, and the polling stops */
	struct journal_order o = order_now(f, id);
	xpay_options xo = {.base_url = f->sp.base_url, .key = KEY, .merchant_id = BIN,
	                   .timeout_ms = 5000, .connect_timeout_ms = 1000};
	xpay_result res;
	xpay_payment p;
	xpay_client *c = xpay_client_new(&xo, &res);
	assert_non_null(c);
	assert_int_equal(xpay_sandbox(c, o.payment_id, XPAY_SANDBOX_PAY, &p, &res), XPAY_OK);
	xpay_client_free(c);
	run_for(f, 10000);
	assert_int_equal(order_now(f, id).state, JOURNAL_SUCCEEDED);
	assert_null(payflow_find(&f->pf, id));
	size_t polls = count_kind(f, JOB_STATUS);
	assert_true(polls >= 121 && polls <= 126); /* the one that saw it paid (5 s pace at most) */
	run_for(f, 60000);
	assert_int_equal(count_kind(f, JOB_STATUS), polls);
	printf("info: 1 create + %zu status requests for a payment paid after 3 min\n", polls);
}

static void a_create_the_server_keeps_failing_backs_off_to_15_s(void **state)
{
	struct fixture *f = *state;
	sandbox_up(&f->sp, &f->sp_up, "1"); /* every request a 500 */
	worker_to(f, f->sp.base_url);
	int64_t id = start_order(f, 150000);
	run_for(f, 60000); /* sends at 0, 1, 3, 7, 15, 30, 45 and 60 s */
	assert_int_equal(count_kind(f, JOB_CREATE), 8);
	int64_t want[] = {1000, 2000, 4000, 8000, 15000, 15000, 15000};
	for (size_t i = 1; i < 8; i++)
		assert_int_equal(f->jobs[i].at_ms - f->jobs[i - 1].at_ms, want[i - 1]);
	assert_int_equal(order_now(f, id).state, JOURNAL_CREATING);
	assert_int_equal(order_now(f, id).attempts, 8);
}

/* ---- with a stand-in: the rules of sending ------------------------------ */

static void retry_after_is_honoured(void **state)
{
	struct fixture *f = *state;
	start_order(f, 150000);
	assert_int_equal(f->n_jobs, 1);
	struct worker_result *r = result_for(f, 0, XPAY_ERR_RATE_LIMITED);
	r->res.http_status = 429;
	r->res.retry_after_s = 7;
	struct payflow_changes ch;
	assert_true(payflow_apply(&f->pf, r, &ch));
	free(r);
	assert_int_equal(ch.link, PAYFLOW_LINK_UP); /* a 429 is an answer */
	kp_fake_advance(&f->ft, 6999);
	assert_int_equal(payflow_tick(&f->pf), 1);
	assert_int_equal(f->n_jobs, 1);
	kp_fake_advance(&f->ft, 1);
	payflow_tick(&f->pf);
	assert_int_equal(f->n_jobs, 2);
	assert_int_equal(f->jobs[1].kind, JOB_CREATE);
	assert_int_equal(f->jobs[1].len, f->jobs[0].len);
	assert_memory_equal(f->jobs[1].body, f->jobs[0].body, f->jobs[0].len);
}

static void one_request_in_flight_per_payment(void **state)
{
	struct fixture *f = *state;
	int64_t a = start_order(f, 150000), b = start_order(f, 250000);
	assert_int_equal(f->n_jobs, 2);
	for (int i = 0; i < 120; i++) {
		kp_fake_advance(&f->ft, 500);
		payflow_tick(&f->pf);
	}
	assert_int_equal(f->n_jobs, 2); /* no answer yet: nothing more goes out */
	answer_create(f, 0, XPAY_STATE_PENDING);
	assert_int_equal(order_now(f, a).state, JOURNAL_PENDING);
	for (int i = 0; i < 120; i++) {
		kp_fake_advance(&f->ft, 500);
		payflow_tick(&f->pf);
	}
	/* a got its one status request, still unanswered; b still waits */
	assert_int_equal(f->n_jobs, 3);
	assert_int_equal(f->jobs[2].kind, JOB_STATUS);
	assert_int_equal(f->jobs[2].tag, a);
	assert_int_equal(order_now(f, b).state, JOURNAL_CREATING);
}

static void a_network_error_is_a_link_down(void **state)
{
	struct fixture *f = *state;
	start_order(f, 150000);
	struct worker_result *r = result_for(f, 0, XPAY_ERR_TIMEOUT);
	struct payflow_changes ch;
	assert_true(payflow_apply(&f->pf, r, &ch));
	assert_int_equal(ch.link, PAYFLOW_LINK_DOWN);
	r->res.kind = XPAY_ERR_HTTP;
	r->res.http_status = 503;
	assert_int_equal(payflow_link(&r->res), PAYFLOW_LINK_DOWN);
	r->res.http_status = 404;
	assert_int_equal(payflow_link(&r->res), PAYFLOW_LINK_UP);
	r->res.kind = XPAY_ERR_CONFIG;
	assert_int_equal(payflow_link(&r->res), PAYFLOW_LINK_NONE);
	free(r);
}

static void a_refund_is_sent_again_with_the_same_bytes(void **state)
{
	struct fixture *f = *state;
	int64_t id = start_order(f, 150000);
	answer_create(f, 0, XPAY_STATE_SUCCEEDED);
	assert_int_equal(order_now(f, id).state, JOURNAL_SUCCEEDED);
	store_err err;
	int64_t manager = 0, row = 0;
	assert_int_equal(pin_add_user(f->db, "boss", USER_MANAGER, "4321", &manager, &err), STORE_OK);
	struct payflow_refund_req req = {.order_id = id, .amount = 50000, .reason = "test",
	                                 .approver_id = manager, .shift_id = f->shift.id};
	enum refunds_rule rule;
	char message[PAYFLOW_MESSAGE_SIZE];
	assert_true(payflow_refund(&f->pf, &req, &row, NULL, &rule, message, sizeof message));
	assert_int_equal(f->n_jobs, 2);
	assert_int_equal(f->jobs[1].kind, JOB_REFUND);
	assert_int_equal(f->jobs[1].tag, -row);

	/* no answer, twice: 1 s, then 2 s later the same bytes again */
	for (size_t k = 1; k <= 2; k++) {
		struct worker_result *r = result_for(f, f->n_jobs - 1, XPAY_ERR_TIMEOUT);
		struct payflow_changes ch;
		assert_true(payflow_apply(&f->pf, r, &ch));
		free(r);
		kp_fake_advance(&f->ft, poll_backoff_ms((int)k, 0) - 1);
		payflow_tick(&f->pf);
		assert_int_equal(f->n_jobs, 1 + k);
		kp_fake_advance(&f->ft, 1);
		payflow_tick(&f->pf);
		assert_int_equal(f->n_jobs, 2 + k);
	}
	/* and after a restart of the till, too */
	struct payflow again;
	payflow_init(&again, f->db, NULL, &f->cfg, &f->clock);
	again.sender = f->pf.sender;
	payflow_resume(&again, message, sizeof message);
	assert_int_equal(payflow_refunds_watching(&again), 1);
	payflow_tick(&again);
	payflow_free(&again);
	assert_int_equal(f->n_jobs, 5);
	for (size_t i = 2; i < 5; i++) {
		assert_int_equal(f->jobs[i].kind, JOB_REFUND);
		assert_int_equal(f->jobs[i].len, f->jobs[1].len);
		assert_memory_equal(f->jobs[i].body, f->jobs[1].body, f->jobs[1].len);
	}
}

/* ---- orders the server does not know --------------------------------------- */

static void an_order_a_new_sandbox_forgot_is_unknown_and_never_moves(void **state)
{
	struct fixture *f = *state;
	sandbox_up(&f->sp, &f->sp_up, NULL);
	worker_to(f, f->sp.base_url);
	int64_t id = start_order(f, 150000);
	run_for(f, 3000);
	assert_int_equal(order_now(f, id).state, JOURNAL_PENDING);
	assert_false(order_now(f, id).server_unknown);

	/* the sandbox restarts: a new one that never saw the payment */
	sandbox_stop(&f->sp);
	f->sp_up = false;
	sandbox_up(&f->sp2, &f->sp2_up, NULL);
	worker_to(f, f->sp2.base_url);
	size_t before = count_kind(f, JOB_STATUS);
	struct payflow_changes ch = {0};
	kp_fake_advance(&f->ft, POLL_FAST_MS);
	payflow_tick(&f->pf);
	settle(f, &ch);
	assert_int_equal(count_kind(f, JOB_STATUS), before + 1);
	assert_int_equal(ch.n, 1);
	assert_true(ch.c[0].unknown);
	assert_true(ch.c[0].unknown_changed);
	assert_false(ch.c[0].moved);
	assert_int_equal(ch.link, PAYFLOW_LINK_UP);
	struct journal_order o = order_now(f, id);
	assert_true(o.server_unknown);
	assert_true(o.unknown_since > 0);
	assert_int_equal(o.state, JOURNAL_PENDING);
	assert_true(payflow_find(&f->pf, id)->unknown);

	/* asked again once a minute, not every second; never moved, even past
	 * expires_at */
	run_for(f, 20 * 60 * 1000);
	size_t slow = count_kind(f, JOB_STATUS) - before - 1;
	assert_int_equal(slow, 20);
	for (size_t i = f->n_jobs - slow; i < f->n_jobs; i++)
		assert_int_equal(f->jobs[i].at_ms - f->jobs[i - 1].at_ms, POLL_UNKNOWN_MS);
	o = order_now(f, id);
	assert_int_equal(o.state, JOURNAL_PENDING);
	assert_true(o.server_unknown);
	printf("info: %zu status requests in 20 min for an order unknown to the server\n", slow);

	/* a manager closes it as failed, with the reason in the timeline */
	store_err err;
	int64_t manager = 0;
	char message[PAYFLOW_MESSAGE_SIZE];
	assert_int_equal(pin_add_user(f->db, "boss", USER_MANAGER, "4321", &manager, &err), STORE_OK);
	assert_true(payflow_close_unknown(&f->pf, id, manager, "sandbox restarted", &ch, message,
	                                  sizeof message));
	assert_int_equal(ch.n, 1);
	assert_true(ch.c[0].moved);
	assert_int_equal(ch.c[0].to, JOURNAL_FAILED);
	assert_int_equal(order_now(f, id).state, JOURNAL_FAILED);
	assert_null(payflow_find(&f->pf, id));
	struct journal_event *ev = NULL;
	size_t n = 0;
	assert_int_equal(journal_events(f->db, id, &ev, &n, &err), STORE_OK);
	assert_true(n > 0);
	assert_int_equal(ev[n - 1].kind, JOURNAL_EVENT_STATE);
	assert_int_equal(ev[n - 1].to, JOURNAL_FAILED);
	assert_int_equal(ev[n - 1].user_id, manager);
	assert_non_null(strstr(kp_msg_text_packed(ev[n - 1].detail), "sandbox restarted"));
	assert_non_null(strstr(kp_msg_text_packed(ev[n - 1].detail), "unknown to the server"));
	free(ev);
}

static void an_order_the_server_knows_cannot_be_closed_by_hand(void **state)
{
	struct fixture *f = *state;
	int64_t id = start_order(f, 150000);
	answer_create(f, 0, XPAY_STATE_PENDING);
	store_err err;
	int64_t manager = 0;
	char message[PAYFLOW_MESSAGE_SIZE];
	struct payflow_changes ch;
	assert_int_equal(pin_add_user(f->db, "boss", USER_MANAGER, "4321", &manager, &err), STORE_OK);
	assert_false(payflow_close_unknown(&f->pf, id, manager, "why not", &ch, message, sizeof message));
	assert_non_null(strstr(message, "not unknown to the server"));
	assert_int_equal(order_now(f, id).state, JOURNAL_PENDING);
	assert_non_null(payflow_find(&f->pf, id));
}

static void another_404_does_not_make_an_order_unknown(void **state)
{
	struct fixture *f = *state;
	int64_t id = start_order(f, 150000);
	answer_create(f, 0, XPAY_STATE_PENDING);
	kp_fake_advance(&f->ft, POLL_FAST_MS);
	payflow_tick(&f->pf);
	assert_int_equal(f->jobs[1].kind, JOB_STATUS);
	struct payflow_changes ch;
	answer_http(f, 1, 404, "not_found", &ch); /* a wrong path, not a missing payment */
	assert_false(order_now(f, id).server_unknown);
	assert_false(payflow_find(&f->pf, id)->unknown);
	/* an error: the poll backs off (1 s), not the slow minute */
	kp_fake_advance(&f->ft, POLL_ERROR_BASE_MS);
	payflow_tick(&f->pf);
	assert_int_equal(f->n_jobs, 3);
}

static void an_order_the_server_knows_again_loses_the_mark(void **state)
{
	struct fixture *f = *state;
	int64_t id = start_order(f, 150000);
	answer_create(f, 0, XPAY_STATE_PENDING);
	kp_fake_advance(&f->ft, POLL_FAST_MS);
	payflow_tick(&f->pf);
	struct payflow_changes ch;
	answer_http(f, 1, 404, "payment_not_found", &ch);
	assert_true(order_now(f, id).server_unknown);
	kp_fake_advance(&f->ft, POLL_UNKNOWN_MS);
	payflow_tick(&f->pf);
	assert_int_equal(f->n_jobs, 3);
	answer_status(f, 2, 150000, XPAY_STATE_PENDING, &ch);
	assert_int_equal(ch.n, 1);
	assert_false(ch.c[0].unknown);
	assert_true(ch.c[0].unknown_changed);
	assert_false(order_now(f, id).server_unknown);
	/* and the normal pace again */
	kp_fake_advance(&f->ft, POLL_MEDIUM_MS);
	payflow_tick(&f->pf);
	assert_int_equal(f->n_jobs, 4);
}

static void a_cancel_answered_payment_not_found_marks_it_unknown(void **state)
{
	struct fixture *f = *state;
	int64_t id = start_order(f, 150000);
	answer_create(f, 0, XPAY_STATE_PENDING);
	struct payflow_changes ch;
	assert_true(payflow_abandon(&f->pf, id, 0, &ch));
	payflow_tick(&f->pf);
	assert_int_equal(f->jobs[1].kind, JOB_CANCEL);
	answer_http(f, 1, 404, "payment_not_found", &ch);
	struct journal_order o = order_now(f, id);
	assert_true(o.server_unknown);
	assert_int_equal(o.state, JOURNAL_ABANDONED);
	/* no second cancel: a slow status look a minute later */
	kp_fake_advance(&f->ft, POLL_UNKNOWN_MS);
	payflow_tick(&f->pf);
	assert_int_equal(f->n_jobs, 3);
	assert_int_equal(f->jobs[2].kind, JOB_STATUS);
}

/* ---- with a stand-in: the hub's push ---------------------------------------- */

/* Ticks the fake clock in steps of step_ms for ms. */
static void tick_for(struct fixture *f, int64_t ms, int64_t step_ms)
{
	for (int64_t t = 0; t < ms; t += step_ms) {
		kp_fake_advance(&f->ft, step_ms);
		payflow_tick(&f->pf);
	}
}

static void with_a_live_push_a_payment_is_polled_every_ten_seconds(void **state)
{
	struct fixture *f = *state;
	payflow_set_push(&f->pf, true);
	int64_t a = start_order(f, 150000);
	answer_create(f, 0, XPAY_STATE_PENDING);
	tick_for(f, 9900, 100);
	assert_int_equal(f->n_jobs, 1); /* no status before 10 s */
	tick_for(f, 100, 100);
	assert_int_equal(f->n_jobs, 2);
	assert_int_equal(f->jobs[1].kind, JOB_STATUS);
	assert_int_equal(f->jobs[1].tag, a);
	struct payflow_changes ch;
	answer_status(f, 1, 150000, XPAY_STATE_PENDING, &ch);
	tick_for(f, 9900, 100);
	assert_int_equal(f->n_jobs, 2);
	tick_for(f, 100, 100);
	assert_int_equal(f->n_jobs, 3);
	assert_int_equal(f->jobs[2].at_ms - f->jobs[1].at_ms, POLL_PUSHED_MS);
}

static void a_push_asks_for_the_status_at_once(void **state)
{
	struct fixture *f = *state;
	payflow_set_push(&f->pf, true);
	int64_t a = start_order(f, 150000);
	answer_create(f, 0, XPAY_STATE_PENDING);
	tick_for(f, 3000, 100);
	assert_int_equal(f->n_jobs, 1);
	char pay[32];
	snprintf(pay, sizeof pay, "pay_t%lld", (long long)a);
	assert_true(payflow_poke(&f->pf, pay, NULL));
	assert_int_equal(payflow_tick(&f->pf), -1); /* sent now: nothing else is due */
	assert_int_equal(f->n_jobs, 2);
	assert_int_equal(f->jobs[1].kind, JOB_STATUS);
	assert_int_equal(f->jobs[1].at_ms, f->jobs[0].at_ms + 3000);
	struct payflow_changes ch;
	answer_status(f, 1, 150000, XPAY_STATE_SUCCEEDED, &ch);
	assert_int_equal(order_now(f, a).state, JOURNAL_SUCCEEDED);
	/* the push moves nothing itself, and a settled payment is not asked again */
	assert_false(payflow_poke(&f->pf, pay, NULL));
	tick_for(f, 20000, 500);
	assert_int_equal(f->n_jobs, 2);
}

static void a_push_by_order_id_finds_the_payment_too(void **state)
{
	struct fixture *f = *state;
	int64_t a = start_order(f, 150000);
	answer_create(f, 0, XPAY_STATE_PENDING);
	assert_false(payflow_poke(&f->pf, "pay_other", "T01-19990101-000001"));
	assert_true(payflow_poke(&f->pf, NULL, order_now(f, a).merchant_order_id));
	payflow_tick(&f->pf);
	assert_int_equal(f->n_jobs, 2);
	assert_int_equal(f->jobs[1].kind, JOB_STATUS);
}

static void a_push_during_a_request_asks_again_after_its_answer(void **state)
{
	struct fixture *f = *state;
	payflow_set_push(&f->pf, true);
	int64_t a = start_order(f, 150000);
	answer_create(f, 0, XPAY_STATE_PENDING);
	tick_for(f, 10000, 100);
	assert_int_equal(f->n_jobs, 2); /* the safety net's status, in flight */
	char pay[32];
	snprintf(pay, sizeof pay, "pay_t%lld", (long long)a);
	assert_true(payflow_poke(&f->pf, pay, NULL));
	payflow_tick(&f->pf);
	assert_int_equal(f->n_jobs, 2); /* one in flight at most */
	struct payflow_changes ch;
	answer_status(f, 1, 150000, XPAY_STATE_PENDING, &ch); /* sent before the buyer paid */
	payflow_tick(&f->pf);
	assert_int_equal(f->n_jobs, 3);
	assert_int_equal(f->jobs[2].at_ms, f->jobs[1].at_ms);
}

static void the_push_going_down_brings_back_the_polling_pace(void **state)
{
	struct fixture *f = *state;
	payflow_set_push(&f->pf, true);
	start_order(f, 150000);
	answer_create(f, 0, XPAY_STATE_PENDING);
	tick_for(f, 2000, 100);
	assert_int_equal(f->n_jobs, 1);
	payflow_set_push(&f->pf, false);
	tick_for(f, 1000, 100);
	assert_int_equal(f->n_jobs, 2); /* at the polling pace, not 8 s later */
	struct payflow_changes ch;
	answer_status(f, 1, 150000, XPAY_STATE_PENDING, &ch);
	tick_for(f, 1000, 100);
	assert_int_equal(f->n_jobs, 3);
	assert_int_equal(f->jobs[2].at_ms - f->jobs[1].at_ms, POLL_FAST_MS);
}

static void the_push_coming_up_looks_once_at_every_payment(void **state)
{
	struct fixture *f = *state;
	start_order(f, 150000);
	start_order(f, 250000);
	answer_create(f, 0, XPAY_STATE_PENDING);
	answer_create(f, 1, XPAY_STATE_PENDING);
	tick_for(f, 500, 100);
	assert_int_equal(f->n_jobs, 2);
	payflow_set_push(&f->pf, true); /* what came while there was no stream */
	payflow_tick(&f->pf);
	assert_int_equal(f->n_jobs, 4);
	assert_int_equal(f->jobs[2].kind, JOB_STATUS);
	assert_int_equal(f->jobs[3].kind, JOB_STATUS);
	struct payflow_changes ch;
	answer_status(f, 2, 150000, XPAY_STATE_PENDING, &ch);
	answer_status(f, 3, 250000, XPAY_STATE_PENDING, &ch);
	tick_for(f, 9900, 100);
	assert_int_equal(f->n_jobs, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(an_unpaid_payment_is_polled_every_second_then_every_two),
		T(a_create_the_server_keeps_failing_backs_off_to_15_s),
		T(retry_after_is_honoured),
		T(one_request_in_flight_per_payment),
		T(a_network_error_is_a_link_down),
		T(a_refund_is_sent_again_with_the_same_bytes),
		T(an_order_a_new_sandbox_forgot_is_unknown_and_never_moves),
		T(an_order_the_server_knows_cannot_be_closed_by_hand),
		T(another_404_does_not_make_an_order_unknown),
		T(an_order_the_server_knows_again_loses_the_mark),
		T(a_cancel_answered_payment_not_found_marks_it_unknown),
		T(with_a_live_push_a_payment_is_polled_every_ten_seconds),
		T(a_push_asks_for_the_status_at_once),
		T(a_push_by_order_id_finds_the_payment_too),
		T(a_push_during_a_request_asks_again_after_its_answer),
		T(the_push_going_down_brings_back_the_polling_pace),
		T(the_push_coming_up_looks_once_at_every_payment),
#undef T
	};
	return cmocka_run_group_tests_name("payflow", tests, NULL, NULL);
}
