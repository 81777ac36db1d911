/* payflow.c — see payflow.h. The rules of a payment live here once: the
 * TUI and the headless commands only feed it results and show changes.
 * Orders and refunds are one list (struct payflow_watch, with a kind):
 * one send, one backoff, one request in flight per entry. */
#include "app/payflow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/i18n.h"
#include "app/item.h"
#include "core/clock.h"
#include "core/grow.h"
#include "core/money.h"
#include "core/pollsched.h"
#include "core/text.h"
#include "core/validate.h"

/* The VAT rate of a bare amount (kaspi-pos charge): the standard rate. */
/* A job the worker could not take (out of memory, stopping) is offered
 * again this much later. */
#define PAYFLOW_SUBMIT_RETRY_MS 1000

static bool submit_to_worker(void *arg, const struct worker_job *job)
{
	return worker_submit(arg, job);
}

void payflow_init(struct payflow *pf, store_db *db, struct worker *worker,
                  const struct kp_config *cfg, const struct kp_clock *clock)
{
	memset(pf, 0, sizeof *pf);
	pf->db = db;
	pf->worker = worker;
	pf->cfg = cfg;
	pf->clock = clock ? clock : &kp_clock_system;
	pf->sender = (struct payflow_sender){.submit = submit_to_worker, .arg = worker};
}

void payflow_free(struct payflow *pf)
{
	free(pf->watch);
	pf->watch = NULL;
	pf->n = pf->cap = 0;
}

enum payflow_link payflow_link(const xpay_result *res)
{
	switch (res->kind) {
	case XPAY_OK:
	case XPAY_ERR_RATE_LIMITED:
	case XPAY_UNSUPPORTED:
		return PAYFLOW_LINK_UP;
	case XPAY_ERR_HTTP:
		return res->http_status >= 500 ? PAYFLOW_LINK_DOWN : PAYFLOW_LINK_UP;
	case XPAY_ERR_CONNECT:
	case XPAY_ERR_TIMEOUT:
	case XPAY_ERR_TLS:
	case XPAY_ERR_NETWORK:
	case XPAY_ERR_BAD_BODY:
		return PAYFLOW_LINK_DOWN;
	case XPAY_ERR_CONFIG:
	case XPAY_ERR_INVALID:
	case XPAY_ERR_NOMEM:
	default:
		return PAYFLOW_LINK_NONE;
	}
}

static int64_t now_ms(const struct payflow *pf)
{
	return kp_clock_ms(pf->clock);
}

static time_t wall(const struct payflow *pf)
{
	return kp_clock_now(pf->clock);
}

/* The entry's row id: the order's or the refund's. */
static int64_t row_of(const struct payflow_watch *w)
{
	return w->kind == PAYFLOW_ORDER ? w->j.id : w->r.id;
}

static struct payflow_watch *find(struct payflow *pf, enum payflow_kind kind, int64_t id)
{
	for (size_t i = 0; i < pf->n; i++)
		if (pf->watch[i].kind == kind && row_of(&pf->watch[i]) == id)
			return &pf->watch[i];
	return NULL;
}

const struct payflow_watch *payflow_find(const struct payflow *pf, int64_t order_id)
{
	return find((struct payflow *)pf, PAYFLOW_ORDER, order_id);
}

const struct payflow_watch *payflow_find_refund(const struct payflow *pf, int64_t refund_row)
{
	return find((struct payflow *)pf, PAYFLOW_REFUND, refund_row);
}

static size_t count_kind(const struct payflow *pf, enum payflow_kind kind)
{
	size_t n = 0;
	for (size_t i = 0; i < pf->n; i++)
		n += pf->watch[i].kind == kind;
	return n;
}

size_t payflow_watching(const struct payflow *pf)
{
	return count_kind(pf, PAYFLOW_ORDER);
}

size_t payflow_refunds_watching(const struct payflow *pf)
{
	return count_kind(pf, PAYFLOW_REFUND);
}

/* A new entry of kind for row id (or the one already watched). */
static struct payflow_watch *watch_add(struct payflow *pf, enum payflow_kind kind, int64_t id,
                                       bool *is_new)
{
	struct payflow_watch *w = find(pf, kind, id);
	*is_new = w == NULL;
	if (w)
		return w;
	if (!KP_GROW(pf->watch, pf->cap, pf->n + 1, 8))
		return NULL;
	w = &pf->watch[pf->n++];
	memset(w, 0, sizeof *w);
	w->kind = kind;
	return w;
}

/* Starts watching a journal row; the first request goes out at once. */
static struct payflow_watch *watch_order(struct payflow *pf, const struct journal_order *j)
{
	bool is_new;
	struct payflow_watch *w = watch_add(pf, PAYFLOW_ORDER, j->id, &is_new);
	if (!w)
		return NULL;
	w->j = *j;
	w->unknown = j->server_unknown;
	if (is_new && j->state != JOURNAL_CREATING && j->created_at > 0) {
		/* an order from before: its age decides the poll pace */
		long age_s = (long)(wall(pf) - j->created_at);
		w->created_ms = now_ms(pf) - (int64_t)(age_s > 0 ? age_s : 0) * 1000;
	}
	return w;
}

/* Starts watching a refund row; its request goes out at the next tick. */
static struct payflow_watch *watch_refund(struct payflow *pf, const struct refund *r)
{
	bool is_new;
	struct payflow_watch *w = watch_add(pf, PAYFLOW_REFUND, r->id, &is_new);
	if (w)
		w->r = *r;
	return w;
}

/* Whether the entry needs nothing more from the server. */
static bool settled(const struct payflow_watch *w)
{
	if (w->in_flight)
		return false;
	if (w->kind == PAYFLOW_REFUND)
		return w->r.state != REFUND_PENDING;
	return !journal_state_server_open(w->j.state);
}

/* Drops the entries that need nothing more from the server. */
static void unwatch_settled(struct payflow *pf)
{
	size_t k = 0;
	for (size_t i = 0; i < pf->n; i++)
		if (!settled(&pf->watch[i]))
			pf->watch[k++] = pf->watch[i];
	pf->n = k;
}

/* The change entry of w in out (made on first use: from = to = its
 * order's state now), or NULL when out is NULL or full. */
static struct payflow_change *change_for(struct payflow *pf, struct payflow_changes *out,
                                         const struct payflow_watch *w)
{
	if (!out)
		return NULL;
	for (size_t i = 0; i < out->n; i++) {
		const struct payflow_change *c = &out->c[i];
		if (w->kind == PAYFLOW_REFUND ? c->refund_row == w->r.id
		                              : c->refund_row == 0 && c->order_id == w->j.id)
			return &out->c[i];
	}
	if (out->n == PAYFLOW_CHANGES_MAX)
		return NULL;
	struct payflow_change *c = &out->c[out->n++];
	memset(c, 0, sizeof *c);
	if (w->kind == PAYFLOW_ORDER) {
		c->order_id = w->j.id;
		c->from = c->to = w->j.state;
		c->unknown = w->unknown;
	} else {
		struct journal_order o;
		store_err err;
		c->order_id = w->r.order_id;
		c->refund_row = w->r.id;
		c->refund_to = w->r.state;
		if (journal_get(pf->db, w->r.order_id, &o, &err) == STORE_OK)
			c->from = c->to = o.state;
	}
	return c;
}

/* Sets the entry's message, and its change's. */
static void say(struct payflow *pf, struct payflow_watch *w, struct payflow_changes *out,
                const char *text)
{
	kp_text_safe(w->message, sizeof w->message, text); /* cut at a character */
	struct payflow_change *c = change_for(pf, out, w);
	if (c)
		kp_text_safe(c->message, sizeof c->message, text);
}

/* Rereads the entry's row (after a move, or when another path moved it);
 * for a refund, its state and its order's go into the change. */
static void reload(struct payflow *pf, struct payflow_watch *w, struct payflow_changes *out)
{
	store_err err;
	if (w->kind == PAYFLOW_ORDER) {
		struct journal_order j;
		if (journal_get(pf->db, w->j.id, &j, &err) == STORE_OK)
			w->j = j;
		return;
	}
	struct refund r;
	struct journal_order o;
	if (refunds_get(pf->db, w->r.id, &r, &err) == STORE_OK)
		w->r = r;
	struct payflow_change *c = change_for(pf, out, w);
	if (!c)
		return;
	c->refund_to = w->r.state;
	if (journal_get(pf->db, w->r.order_id, &o, &err) == STORE_OK && o.state != c->from) {
		c->to = o.state;
		c->moved = true;
	}
}

/* Moves the order to `to` (recording the payment when given); a move that
 * another path made first is taken as it is. */
static void move(struct payflow *pf, struct payflow_watch *o, enum journal_state to,
                 const struct journal_payment *payment, const char *detail,
                 struct payflow_changes *out)
{
	store_err err;
	enum journal_state from = o->j.state;
	store_status st;

	if (from == to)
		return;
	if (!journal_move_allowed(from, to)) {
		/* e.g. a replay answering "succeeded" for an abandoned order: the
		 * caller maps states first; anything left is a server surprise */
		say(pf, o, out, detail ? kp_msg_text_packed(detail) : _(journal_state_label(to)));
		return;
	}
	st = payment ? journal_move_with_payment(pf->db, o->j.id, from, to, payment, 0, detail, &err)
	             : journal_move(pf->db, o->j.id, from, to, 0, detail, &err);
	if (st != STORE_OK && st != STORE_ERR_STATE) {
		say(pf, o, out, kp_msg_text(&err.msg));
		return;
	}
	/* the change is taken before the reload, so that it starts from `from` */
	struct payflow_change *c = change_for(pf, out, o);
	reload(pf, o, NULL);
	if (c && o->j.state != from) {
		c->to = o->j.state;
		c->moved = true;
	}
}

/* What the timeline says of a server's answer, per status: a packed
 * message of one msgid (journal.h), said in the reader's language when
 * the timeline is shown. */
static const char *const server_said[] = {
	[XPAY_STATE_UNKNOWN] = N_("server: a state this kaspi-pos does not know"),
	[XPAY_STATE_PENDING] = N_("server: waiting"),
	[XPAY_STATE_SUCCEEDED] = N_("server: paid"),
	[XPAY_STATE_CANCELLED] = N_("server: declined"),
	[XPAY_STATE_FAILED] = N_("server: failed"),
	[XPAY_STATE_EXPIRED] = N_("server: expired"),
};

/* The timeline's note for server status s. */
static const char *server_note(xpay_state s)
{
	if ((size_t)s < sizeof server_said / sizeof server_said[0] && server_said[s])
		return server_said[s];
	return server_said[XPAY_STATE_UNKNOWN];
}

/* The journal state a server status means for an order in `from`. */
static enum journal_state target_state(enum journal_state from, xpay_state server)
{
	bool gave_up = from == JOURNAL_ABANDONED;
	switch (server) {
	case XPAY_STATE_SUCCEEDED:
		return gave_up ? JOURNAL_LATE_PAID : JOURNAL_SUCCEEDED;
	case XPAY_STATE_CANCELLED:
		return JOURNAL_CANCELLED;
	case XPAY_STATE_FAILED:
		return JOURNAL_FAILED;
	case XPAY_STATE_EXPIRED:
		return JOURNAL_EXPIRED;
	case XPAY_STATE_PENDING:
	case XPAY_STATE_UNKNOWN:
	default:
		return gave_up ? JOURNAL_ABANDONED : JOURNAL_PENDING;
	}
}

/* ---- sending ------------------------------------------------------------- */

/* Fills job with the request the entry needs now. *body gets the stored
 * bytes to free (a create or a refund: the same bytes every time, the
 * idempotency key inside). False with the message when the store fails. */
static bool job_for(struct payflow *pf, struct payflow_watch *w, struct worker_job *job,
                    char **body)
{
	store_err err;
	size_t len = 0;
	store_status st = STORE_OK;

	memset(job, 0, sizeof *job);
	*body = NULL;
	if (w->kind == PAYFLOW_REFUND) {
		job->kind = JOB_REFUND;
		job->tag = -w->r.id;
		st = refunds_body(pf->db, w->r.id, body, &len, &err);
	} else if (w->j.payment_id[0] == '\0') {
		/* no answer to the create yet: send it again, the same bytes */
		job->kind = JOB_CREATE;
		job->tag = w->j.id;
		st = journal_body(pf->db, w->j.id, body, &len, &err);
	} else {
		job->tag = w->j.id;
		snprintf(job->payment_id, sizeof job->payment_id, "%s", w->j.payment_id);
		job->kind = w->j.state == JOURNAL_ABANDONED && !w->cancel_asked ? JOB_CANCEL : JOB_STATUS;
		return true;
	}
	if (st != STORE_OK) {
		snprintf(w->message, sizeof w->message, "%s", kp_msg_text(&err.msg));
		return false;
	}
	job->body = *body;
	job->len = len;
	return true;
}

/* Hands the entry's request to the worker: one in flight at most. */
static void send_now(struct payflow *pf, struct payflow_watch *w)
{
	struct worker_job job;
	char *body;

	if (w->in_flight)
		return;
	if (!job_for(pf, w, &job, &body)) {
		w->next_ms = now_ms(pf) + POLL_ERROR_CAP_MS;
		return;
	}
	if (pf->sender.submit(pf->sender.arg, &job))
		w->in_flight = true;
	else
		w->next_ms = now_ms(pf) + PAYFLOW_SUBMIT_RETRY_MS;
	free(body);
}

long payflow_tick(struct payflow *pf)
{
	int64_t now = now_ms(pf);
	long soonest = -1;
	for (size_t i = 0; i < pf->n; i++) {
		struct payflow_watch *w = &pf->watch[i];
		if (w->in_flight)
			continue;
		if (w->next_ms <= now)
			send_now(pf, w);
		if (w->in_flight)
			continue;
		long wait = (long)(w->next_ms - now);
		if (wait < 0)
			wait = 0;
		if (soonest < 0 || wait < soonest)
			soonest = wait;
	}
	return soonest;
}

/* ---- the schedule -------------------------------------------------------- */

static void take_skew(struct payflow *pf, const xpay_result *res)
{
	if (res->has_skew) {
		pf->skew_s = res->skew_s;
		pf->has_skew = true;
	}
}

long payflow_seconds_left(const struct payflow *pf, const struct journal_order *o, time_t now)
{
	if (o->expires_at <= 0)
		return -1;
	long left = (long)(o->expires_at - (now + (pf->has_skew ? pf->skew_s : 0)));
	return left < 0 ? 0 : left;
}

/* When to ask next about a payment the server has: the poll schedule,
 * or slowly while the server does not know it. */
static void schedule_poll(struct payflow *pf, struct payflow_watch *o)
{
	int64_t now = now_ms(pf);
	if (o->unknown && o->errors == 0) {
		o->next_ms = now + POLL_UNKNOWN_MS;
		return;
	}
	if (o->poked) { /* a push came while the request was out: look again now */
		o->poked = false;
		o->next_ms = now;
		return;
	}
	int64_t age = o->created_ms ? now - o->created_ms : 0;
	int64_t to_expiry = o->j.expires_at > 0
		? ((int64_t)o->j.expires_at - (int64_t)(wall(pf) + pf->skew_s)) * 1000
		: INT64_C(900000);
	o->next_ms = now + poll_delay_mode_ms(pf->push_live ? POLL_MODE_PUSHED : POLL_MODE_POLL, age,
	                                      to_expiry, o->errors, o->retry_after_s);
}

bool payflow_poke(struct payflow *pf, const char *payment_id, const char *merchant_order_id)
{
	bool found = false;
	for (size_t i = 0; i < pf->n; i++) {
		struct payflow_watch *w = &pf->watch[i];
		if (w->kind != PAYFLOW_ORDER || !w->j.payment_id[0])
			continue; /* no payment yet: its create is still the question */
		bool same = (payment_id && *payment_id && strcmp(w->j.payment_id, payment_id) == 0) ||
		            (merchant_order_id && *merchant_order_id &&
		             strcmp(w->j.merchant_order_id, merchant_order_id) == 0);
		if (!same)
			continue;
		found = true;
		if (w->in_flight)
			w->poked = true;
		else
			w->next_ms = now_ms(pf);
	}
	return found;
}

void payflow_set_push(struct payflow *pf, bool live)
{
	if (pf->push_live == live)
		return;
	pf->push_live = live;
	for (size_t i = 0; i < pf->n; i++) {
		struct payflow_watch *w = &pf->watch[i];
		if (w->kind != PAYFLOW_ORDER || !w->j.payment_id[0] || w->unknown || w->stalled)
			continue;
		if (live) {
			/* a webhook may have come while there was no stream */
			if (w->in_flight)
				w->poked = true;
			else
				w->next_ms = now_ms(pf);
		} else if (!w->in_flight) {
			int64_t was = w->next_ms;
			schedule_poll(pf, w);
			if (was < w->next_ms)
				w->next_ms = was;
		}
	}
}

/* A failed request that may be repeated: back off (a create or a refund
 * is sent again on poll_backoff_ms, a status on the poll schedule's),
 * and tell the screen why. */
static void retry_later(struct payflow *pf, struct payflow_watch *w, const xpay_result *res,
                        struct payflow_changes *out)
{
	w->errors++;
	w->retry_after_s = res->kind == XPAY_ERR_RATE_LIMITED ? res->retry_after_s : 0;
	bool resend = w->kind == PAYFLOW_REFUND || w->j.payment_id[0] == '\0';
	if (w->kind == PAYFLOW_ORDER && resend)
		w->maybe_sent = true;
	if (resend)
		w->next_ms = now_ms(pf) + poll_backoff_ms(w->errors, w->retry_after_s);
	else
		schedule_poll(pf, w);
	say(pf, w, out, kp_msg_text(&res->msg));
}

/* A failure a repeat cannot mend now: the entry waits PAYFLOW_STALL_MS. */
static void stall(struct payflow *pf, struct payflow_watch *w, const char *why,
                  struct payflow_changes *out)
{
	w->stalled = true;
	w->next_ms = now_ms(pf) + PAYFLOW_STALL_MS;
	say(pf, w, out, why);
}

/* A good answer: the errors and Retry-After are behind us. */
static void answered(struct payflow_watch *w)
{
	w->errors = 0;
	w->retry_after_s = 0;
	w->stalled = false;
	w->message[0] = '\0';
}

/* ---- orders the server does not know ---------------------------------------- */

/* Whether res is the server saying it has no such payment. Another 404
 * (an unknown path: a server without the extension, a wrong base URL's
 * page) proves nothing about the payment. */
static bool not_found(const xpay_result *res)
{
	return res->kind == XPAY_ERR_HTTP && res->http_status == 404 &&
	       strcmp(res->code, "payment_not_found") == 0;
}

/* Records whether the server knows the order (the journal's mark), and
 * tells the change when that changed. */
static void set_unknown(struct payflow *pf, struct payflow_watch *o, bool unknown, const char *what,
                        struct payflow_changes *out)
{
	store_err err;
	bool changed = false;
	if (o->unknown == unknown && o->j.server_unknown == unknown)
		return;
	if (journal_set_server_unknown(pf->db, o->j.id, unknown, what, &changed, &err) != STORE_OK) {
		say(pf, o, out, kp_msg_text(&err.msg));
		return;
	}
	o->unknown = unknown;
	reload(pf, o, NULL);
	struct payflow_change *c = change_for(pf, out, o);
	if (c) {
		c->unknown = unknown;
		c->unknown_changed = changed || c->unknown_changed;
	}
}

/* The server answered 404 payment_not_found for the order: mark it, ask
 * again slowly, never move it. */
static void unknown_to_server(struct payflow *pf, struct payflow_watch *o, const char *what,
                              struct payflow_changes *out)
{
	answered(o);
	set_unknown(pf, o, true, what, out);
	schedule_poll(pf, o);
	say(pf, o, out, _("unknown to the server"));
}

/* ---- results: orders ------------------------------------------------------ */

/* The server's word on a payment (a status, a cancel's answer, or the
 * payment inside a refused cancel). */
static void apply_payment(struct payflow *pf, struct payflow_watch *o, const xpay_payment *p,
                          struct payflow_changes *out)
{
	/* an answer about another payment (a proxy's or a server's mix-up)
	 * must never settle this order */
	if (strcmp(p->payment_id, o->j.payment_id) != 0 || p->amount != o->j.amount) {
		xpay_result wrong = {.kind = XPAY_ERR_BAD_BODY};
		kp_msg_set(&wrong.msg, N_("The server answered about another payment: asking again"));
		retry_later(pf, o, &wrong, out);
		return;
	}
	set_unknown(pf, o, false, NULL, out); /* it knows the payment (again) */
	bool scanned = false;
	for (size_t i = 0; i < p->n_events; i++)
		if (p->events[i].type == XPAY_EV_SCANNED)
			scanned = true;
	if (scanned && !o->scanned) {
		o->scanned = true;
		struct payflow_change *c = change_for(pf, out, o);
		if (c)
			c->scanned_now = true;
	}
	enum journal_state to = target_state(o->j.state, p->status);
	move(pf, o, to, NULL, server_note(p->status), out);
}

static void apply_create(struct payflow *pf, struct payflow_watch *o, const struct worker_result *r,
                         struct payflow_changes *out)
{
	store_err err;
	const xpay_result *res = &r->res;

	/* the count of sends and the last error are the timeline's; the answer
	 * itself is applied below whatever happens to the note */
	if (journal_note_attempt(pf->db, o->j.id, res->kind == XPAY_OK ? NULL : kp_msg_text(&res->msg),
	                         &err) != STORE_OK)
		say(pf, o, out, kp_msg_text(&err.msg));
	if (res->kind == XPAY_OK) {
		const xpay_created *c = &r->u.created;
		struct journal_payment pay = {.payment_id = c->payment_id, .qr_token = c->qr_token,
		                              .expires_at = c->expires_at};
		enum journal_state to = target_state(o->j.state, c->status);
		answered(o);
		if (!o->created_ms)
			o->created_ms = now_ms(pf);
		if (to == o->j.state) {
			/* an abandoned order whose replay found it still open */
			if (journal_set_payment(pf->db, o->j.id, &pay, &err) != STORE_OK)
				say(pf, o, out, kp_msg_text(&err.msg));
			reload(pf, o, NULL);
		} else {
			move(pf, o, to, &pay, res->replayed ? N_("created (replayed)") : N_("created"),
			     out);
		}
		schedule_poll(pf, o);
		return;
	}
	if (xpay_result_retryable(res)) {
		retry_later(pf, o, res, out);
		return;
	}
	/* Refused. 400, 402 and 422 answer this very body: even a replay of a
	 * payment that exists answers 200, so nothing exists there. Anything
	 * else (no key, a rejected key, a wrong path) proves nothing if an
	 * earlier send may have arrived: the order stays creating and is
	 * tried again slowly, for reconcile or a fixed setting to settle. */
	long http = res->kind == XPAY_ERR_HTTP ? res->http_status : 0;
	bool about_body = http == 400 || http == 402 || http == 422;
	if (o->maybe_sent && !about_body) {
		stall(pf, o, kp_msg_text(&res->msg), out);
		return;
	}
	o->next_ms = now_ms(pf) + PAYFLOW_STALL_MS; /* if the move below fails */
	move(pf, o, JOURNAL_FAILED, NULL, kp_msg_text(&res->msg), out);
	struct payflow_change *c = change_for(pf, out, o);
	if (c)
		c->refused = true;
	say(pf, o, out, kp_msg_text(&res->msg));
}

static void apply_status(struct payflow *pf, struct payflow_watch *o, const struct worker_result *r,
                         struct payflow_changes *out)
{
	if (r->res.kind == XPAY_OK) {
		answered(o);
		apply_payment(pf, o, &r->u.payment, out);
		if (o->errors == 0)
			schedule_poll(pf, o);
	} else if (not_found(&r->res)) {
		unknown_to_server(pf, o,
		                  N_("unknown to the server: a status request answered 404 "
		                     "payment_not_found"),
		                  out);
	} else {
		retry_later(pf, o, &r->res, out);
	}
}

static void apply_cancel(struct payflow *pf, struct payflow_watch *o, const struct worker_result *r,
                         struct payflow_changes *out)
{
	const xpay_result *res = &r->res;
	if (res->kind == XPAY_OK || (res->kind == XPAY_ERR_HTTP && res->has_payment)) {
		o->cancel_asked = true;
		answered(o);
		apply_payment(pf, o, &r->u.payment, out);
		if (o->errors == 0)
			schedule_poll(pf, o);
	} else if (not_found(res)) {
		/* nothing there to cancel: the order is unknown, not cancelled */
		o->cancel_asked = true;
		unknown_to_server(pf, o,
		                  N_("unknown to the server: the cancel answered 404 payment_not_found"),
		                  out);
	} else if (res->kind == XPAY_UNSUPPORTED || !xpay_result_retryable(res)) {
		/* no cancel here: watch it until it expires */
		o->cancel_asked = true;
		store_err err;
		if (journal_note(pf->db, o->j.id, 0, N_("cancel not supported: watched until it expires"),
		                 &err) != STORE_OK)
			say(pf, o, out, kp_msg_text(&err.msg));
		schedule_poll(pf, o);
	} else {
		retry_later(pf, o, res, out);
	}
}

/* ---- results: refunds ------------------------------------------------------- */

/* Whether the server's answer refuses the refund for good: it read the
 * request and said no (400, 422, or no such payment). A refused key, a
 * path the server lacks, 5xx or no answer leave it refund_pending: an
 * earlier send may have gone through, and the same bytes settle it later. */
static bool refund_refused(const xpay_result *res)
{
	if (res->kind != XPAY_ERR_HTTP)
		return false;
	return res->http_status == 400 || res->http_status == 422 || not_found(res);
}

/* The server refunded f: record it with its order. */
static void refund_done(struct payflow *pf, struct payflow_watch *f, const xpay_refunded *a,
                        struct payflow_changes *out)
{
	store_err err;
	char text[PAYFLOW_MESSAGE_SIZE];

	if (a->amount != f->r.amount ||
	    (a->merchant_refund_id[0] && strcmp(a->merchant_refund_id, f->r.merchant_refund_id) != 0)) {
		/* not the refund asked for: record nothing, keep asking slowly */
		snprintf(text, sizeof text, "%s %s",
		         _("The server answered for another refund than"), f->r.merchant_refund_id);
		stall(pf, f, text, out);
		return;
	}
	change_for(pf, out, f); /* the order's state before */
	store_status st = refunds_settle(pf->db, f->r.id, a->refund_id, NULL, &err);
	if (st != STORE_OK && st != STORE_ERR_STATE) {
		/* the disk, most likely: the same bytes get the same answer later */
		f->next_ms = now_ms(pf) + POLL_ERROR_CAP_MS;
		say(pf, f, out, kp_msg_text(&err.msg));
	}
	reload(pf, f, out);
}

static void apply_refund(struct payflow *pf, struct payflow_watch *f, const struct worker_result *r,
                         struct payflow_changes *out)
{
	store_err err;
	const xpay_result *res = &r->res;

	if (refunds_note_attempt(pf->db, f->r.id, res->kind == XPAY_OK ? NULL : kp_msg_text(&res->msg),
	                         &err) != STORE_OK)
		say(pf, f, out, kp_msg_text(&err.msg)); /* the answer below is applied all the same */
	if (res->kind == XPAY_OK) {
		answered(f);
		refund_done(pf, f, &r->u.refund, out);
	} else if (xpay_result_retryable(res)) {
		retry_later(pf, f, res, out);
	} else if (refund_refused(res)) {
		change_for(pf, out, f);
		if (refunds_fail(pf->db, f->r.id, kp_msg_text(&res->msg), &err) != STORE_OK)
			f->next_ms = now_ms(pf) + POLL_ERROR_CAP_MS;
		reload(pf, f, out);
		struct payflow_change *c = change_for(pf, out, f);
		if (c)
			c->refused = f->r.state == REFUND_FAILED;
		say(pf, f, out, kp_msg_text(&res->msg));
	} else {
		stall(pf, f, kp_msg_text(&res->msg), out);
	}
}

bool payflow_apply(struct payflow *pf, const struct worker_result *r, struct payflow_changes *out)
{
	if (out) {
		out->n = 0;
		out->link = payflow_link(&r->res);
	}
	if (r->kind == JOB_HEALTH)
		return false;
	struct payflow_watch *w = r->kind == JOB_REFUND
		? (r->tag < 0 ? find(pf, PAYFLOW_REFUND, -r->tag) : NULL)
		: find(pf, PAYFLOW_ORDER, r->tag);
	if (!w || !w->in_flight)
		return false;
	w->in_flight = false;
	take_skew(pf, &r->res);
	if (w->kind == PAYFLOW_ORDER && !journal_state_server_open(w->j.state)) {
		/* settled meanwhile (a manager closed it): the answer is late */
		unwatch_settled(pf);
		return true;
	}

	switch (r->kind) {
	case JOB_CREATE:
		apply_create(pf, w, r, out);
		break;
	case JOB_STATUS:
		apply_status(pf, w, r, out);
		break;
	case JOB_CANCEL:
		apply_cancel(pf, w, r, out);
		break;
	case JOB_REFUND:
		apply_refund(pf, w, r, out);
		break;
	case JOB_HEALTH:
		break;
	}
	unwatch_settled(pf);
	return true;
}

/* ---- the cashier's and the manager's moves ------------------------------------ */

bool payflow_abandon(struct payflow *pf, int64_t order_id, int64_t user_id,
                     struct payflow_changes *out)
{
	store_err err;
	struct payflow_watch *o = find(pf, PAYFLOW_ORDER, order_id);
	if (out)
		out->n = 0;
	if (!o || (o->j.state != JOURNAL_CREATING && o->j.state != JOURNAL_PENDING))
		return false;
	enum journal_state from = o->j.state;
	if (journal_move(pf->db, o->j.id, from, JOURNAL_ABANDONED, user_id, N_("the cashier gave up"),
	                 &err) != STORE_OK) {
		say(pf, o, out, kp_msg_text(&err.msg));
		reload(pf, o, NULL);
		return false;
	}
	reload(pf, o, NULL);
	struct payflow_change *c = change_for(pf, out, o);
	if (c) {
		c->from = from;
		c->to = o->j.state;
		c->moved = true;
	}
	/* the cancel (or the create's replay) goes out now, not at the next poll */
	o->cancel_asked = false;
	o->errors = 0;
	if (!o->in_flight)
		o->next_ms = 0;
	return true;
}

bool payflow_complete_late(struct payflow *pf, int64_t order_id, int64_t user_id,
                           char *message, size_t size)
{
	store_err err;
	struct journal_order o;
	if (journal_get(pf->db, order_id, &o, &err) != STORE_OK) {
		snprintf(message, size, "%s", kp_msg_text(&err.msg));
		return false;
	}
	if (o.part_of) { /* its sale went on without it: the money goes back */
		snprintf(message, size,
		         _("%s was a part of a sale that was paid another way: refund it from the journal (F9)"),
		         o.merchant_order_id);
		return false;
	}
	if (journal_move(pf->db, order_id, JOURNAL_LATE_PAID, JOURNAL_SUCCEEDED, user_id,
	                 N_("the cashier completed the sale"), &err) != STORE_OK) {
		snprintf(message, size, "%s", kp_msg_text(&err.msg));
		return false;
	}
	message[0] = '\0';
	return true;
}

bool payflow_close_unknown(struct payflow *pf, int64_t order_id, int64_t approver_id,
                           const char *reason, struct payflow_changes *out, char *message,
                           size_t size)
{
	store_err err;
	struct journal_order before;
	if (out)
		out->n = 0;
	if (journal_get(pf->db, order_id, &before, &err) != STORE_OK ||
	    journal_close_unknown(pf->db, order_id, approver_id, reason, &err) != STORE_OK) {
		snprintf(message, size, "%s", kp_msg_text(&err.msg));
		return false;
	}
	struct payflow_watch *o = find(pf, PAYFLOW_ORDER, order_id);
	if (o)
		reload(pf, o, NULL);
	if (out && out->n < PAYFLOW_CHANGES_MAX) {
		struct payflow_change *c = &out->c[out->n++];
		memset(c, 0, sizeof *c);
		c->order_id = order_id;
		c->from = before.state;
		c->to = JOURNAL_FAILED;
		c->moved = true;
		c->unknown = true;
	}
	unwatch_settled(pf);
	message[0] = '\0';
	return true;
}

/* ---- starting again ------------------------------------------------------------ */

size_t payflow_resume(struct payflow *pf, char *message, size_t size)
{
	struct journal_order *list = NULL;
	struct refund *refunds = NULL;
	size_t count = 0, taken = 0;
	store_err err;

	if (message && size)
		message[0] = '\0';
	if (journal_unfinished(pf->db, &list, &count, &err) != STORE_OK) {
		if (message && size)
			snprintf(message, size, "%s", kp_msg_text(&err.msg));
		return 0;
	}
	for (size_t i = 0; i < count; i++) {
		if (!journal_state_server_open(list[i].state))
			continue; /* late_paid: settled with the server, the alert is the cashier's */
		struct payflow_watch *o = watch_order(pf, &list[i]);
		if (o) {
			o->maybe_sent = true; /* an earlier run sent it, or may have */
			taken++;
		}
	}
	free(list);
	if (refunds_pending(pf->db, &refunds, &count, &err) != STORE_OK) {
		if (message && size && !message[0])
			snprintf(message, size, "%s", kp_msg_text(&err.msg));
		return taken;
	}
	for (size_t i = 0; i < count; i++)
		watch_refund(pf, &refunds[i]);
	free(refunds);
	return taken;
}

/* ---- building and starting ------------------------------------------------------ */

struct body_ctx {
	xpay_order order;
	const struct kp_config *cfg;
	char description[320];
	char *body;
	size_t len;
	xpay_result res;
};

/* journal_create's callback: the create request, once the id is known. */
static bool build_body(void *arg, const char *merchant_order_id, const char **body, size_t *len)
{
	struct body_ctx *ctx = arg;
	const char *store = ctx->cfg->store.name;

	/* the contract allows 255 characters: a very long store name is left out */
	if (kp_utf8_length(store) < 0 || kp_utf8_length(store) > 200)
		store = "";
	if (!ctx->order.description || !*ctx->order.description) {
		snprintf(ctx->description, sizeof ctx->description, "%s%s%s", store,
		         *store ? " · " : "", merchant_order_id);
		ctx->order.description = ctx->description;
	}
	ctx->order.merchant_order_id = merchant_order_id;
	/* where Kaspi sends the webhook: the hub, which pushes it to this till */
	if (ctx->cfg->api.callback_url[0])
		ctx->order.callback_url = ctx->cfg->api.callback_url;
	if (xpay_create_body(&ctx->order, &ctx->body, &ctx->len, &ctx->res) != XPAY_OK)
		return false;
	*body = ctx->body;
	*len = ctx->len;
	return true;
}

/* Journals and sends: the common part of both starts. */
static bool start(struct payflow *pf, struct body_ctx *ctx, const struct journal_line *lines,
                  size_t n_lines, enum journal_method method, const char *phone, int64_t user_id,
                  int64_t shift_id, int64_t part_of, int64_t *order_id, char *message,
                  size_t size)
{
	store_err err;
	struct journal_order j;
	int64_t id = 0;

	struct journal_new n = {
		.till_id = pf->cfg->till.id,
		.shift_id = shift_id,
		.user_id = user_id,
		.method = method,
		.payer_phone = phone,
		.amount = ctx->order.amount,
		.description = NULL,
		.build_body = build_body,
		.body_arg = ctx,
		.part_of = part_of,
	};
	store_status st = journal_create(pf->db, &n, lines, n_lines, &id, NULL, &err);
	free(ctx->body);
	if (st != STORE_OK) {
		snprintf(message, size, "%s", ctx->res.kind == XPAY_ERR_INVALID ? kp_msg_text(&ctx->res.msg) : kp_msg_text(&err.msg));
		return false;
	}
	if (journal_get(pf->db, id, &j, &err) != STORE_OK) {
		snprintf(message, size, "%s", kp_msg_text(&err.msg));
		return false;
	}
	struct payflow_watch *o = watch_order(pf, &j);
	if (!o) {
		snprintf(message, size, "%s", _("Out of memory: the order is journaled and will be sent later"));
		return false;
	}
	send_now(pf, o);
	*order_id = id;
	message[0] = '\0';
	return true;
}

static bool check_phone(enum journal_method method, const char *phone, char *message, size_t size)
{
	if (method == JOURNAL_PHONE && !kp_valid_phone(phone)) {
		snprintf(message, size, "%s", _("The phone must be +77 and 9 digits, e.g. +77051234567"));
		return false;
	}
	return true;
}

enum basket_status payflow_journal_lines(const struct basket *b, struct journal_line *lines)
{
	for (size_t i = 0; i < b->count; i++) {
		/* a weighed line: quantity 1 at its gross, with its weight (app/item.h) */
		enum basket_status bs = item_journal_line(&b->lines[i], &lines[i]);
		if (bs != BASKET_OK)
			return bs;
	}
	return BASKET_OK;
}

bool payflow_start(struct payflow *pf, const struct basket *b, enum journal_method method,
                   const char *phone, int64_t user_id, int64_t shift_id, int64_t *order_id,
                   char *message, size_t size)
{
	enum basket_status bs = basket_check_payable(b);
	if (bs != BASKET_OK) {
		snprintf(message, size, "%s", _(basket_status_message(bs)));
		return false;
	}
	if (!check_phone(method, phone, message, size))
		return false;

	size_t cap = basket_products_needed(b), n = 0;
	struct basket_product *bp = calloc(cap ? cap : 1, sizeof *bp);
	xpay_product *xp = calloc(cap ? cap : 1, sizeof *xp);
	struct journal_line *lines = calloc(b->count ? b->count : 1, sizeof *lines);
	int64_t amount = 0;
	bool ok = false;

	if (!bp || !xp || !lines) {
		snprintf(message, size, "%s", _(basket_status_message(BASKET_ERR_NO_MEMORY)));
		goto out;
	}
	bs = basket_products(b, bp, cap, &n, &amount);
	if (bs != BASKET_OK) {
		snprintf(message, size, "%s", _(basket_status_message(bs)));
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		xp[i] = (xpay_product){.name = bp[i].name, .quantity = bp[i].quantity,
		                       .price = bp[i].price, .tax_rate = bp[i].tax_rate};
	if ((bs = payflow_journal_lines(b, lines)) != BASKET_OK) {
		snprintf(message, size, "%s", _(basket_status_message(bs)));
		goto out;
	}
	struct body_ctx ctx = {
		.order = {.amount = amount,
		          .payment_method = method == JOURNAL_PHONE ? "phone" : "qr",
		          .payer_phone = method == JOURNAL_PHONE ? phone : NULL,
		          .products = xp,
		          .n_products = n},
		.cfg = pf->cfg,
	};
	ok = start(pf, &ctx, lines, b->count, method, phone, user_id, shift_id, 0, order_id, message,
	           size);
out:
	free(bp);
	free(xp);
	free(lines);
	return ok;
}

bool payflow_start_amount(struct payflow *pf, int64_t amount, const char *description,
                          enum journal_method method, const char *phone, int64_t user_id,
                          int64_t shift_id, int64_t *order_id, char *message, size_t size)
{
	if (amount < KP_AMOUNT_MIN || amount > KP_AMOUNT_MAX) {
		snprintf(message, size, "%s", _("The amount must be from 0,01 to 1 000 000 tenge"));
		return false;
	}
	if (!check_phone(method, phone, message, size))
		return false;
	const char *text = description && *description ? description : _("Payment");
	struct journal_line line = {.quantity = 1, .unit_price = amount,
	                            .tax_rate = PAYFLOW_DEFAULT_TAX_RATE, .total = amount};
	/* the product's name: the description, cut to the contract's 128 characters */
	size_t cut = kp_utf8_prefix_len(text, 128);
	if (cut >= sizeof line.name)
		cut = kp_utf8_prefix_len(text, 60);
	memcpy(line.name, text, cut);
	line.name[cut] = '\0';
	xpay_product xp = {.name = line.name, .quantity = 1, .price = amount,
	                   .tax_rate = PAYFLOW_DEFAULT_TAX_RATE};
	struct body_ctx ctx = {
		.order = {.amount = amount,
		          .description = description,
		          .payment_method = method == JOURNAL_PHONE ? "phone" : "qr",
		          .payer_phone = method == JOURNAL_PHONE ? phone : NULL,
		          .products = &xp,
		          .n_products = 1},
		.cfg = pf->cfg,
	};
	return start(pf, &ctx, &line, 1, method, phone, user_id, shift_id, 0, order_id, message,
	             size);
}

bool payflow_start_part(struct payflow *pf, const struct payflow_part *part, int64_t user_id,
                        int64_t shift_id, int64_t *order_id, char *message, size_t size)
{
	if (part->amount < KP_AMOUNT_MIN || part->amount > KP_AMOUNT_MAX) {
		snprintf(message, size, "%s", _("The amount must be from 0,01 to 1 000 000 tenge"));
		return false;
	}
	if (!check_phone(part->method, part->phone, message, size))
		return false;
	/* API.md: a part carries no products (their sum is not its amount);
	 * its description names the sale and the part */
	char description[JOURNAL_DESCRIPTION_SIZE];
	snprintf(description, sizeof description, _("Order %s, part %d of %d"), part->sale_moid,
	         part->part_no, part->parts);
	struct body_ctx ctx = {
		.order = {.amount = part->amount,
		          .description = description,
		          .payment_method = part->method == JOURNAL_PHONE ? "phone" : "qr",
		          .payer_phone = part->method == JOURNAL_PHONE ? part->phone : NULL},
		.cfg = pf->cfg,
	};
	return start(pf, &ctx, NULL, 0, part->method, part->phone, user_id, shift_id, part->sale_id,
	             order_id, message, size);
}

/* ---- refunds ---------------------------------------------------------------- */

/* journal's body callback for a refund: the request, once the id and the
 * amount are known. */
struct refund_body_ctx {
	const char *reason;
	char *body;                   /* malloc'd by xpay_refund_body */
	size_t len;
	xpay_result res;
};

static bool build_refund_body(void *arg, const char *merchant_refund_id, const char *payment_id,
                              int64_t amount, const char **body, size_t *len)
{
	struct refund_body_ctx *ctx = arg;
	xpay_refund_req req = {.payment_id = payment_id, .amount = amount, .reason = ctx->reason,
	                       .merchant_refund_id = merchant_refund_id};
	free(ctx->body);
	ctx->body = NULL;
	if (xpay_refund_body(&req, &ctx->body, &ctx->len, &ctx->res) != XPAY_OK)
		return false;
	*body = ctx->body;
	*len = ctx->len;
	return true;
}

int64_t payflow_refund_cash(const struct refund_quote *made)
{
	int64_t cash = 0;
	for (size_t i = 0; made && i < made->n_alloc; i++)
		if (made->alloc[i].tender == JOURNAL_CASH && made->alloc[i].row > 0)
			cash += made->alloc[i].amount;
	return cash;
}

bool payflow_refund(struct payflow *pf, const struct payflow_refund_req *req,
                    int64_t *refund_row, struct refund_quote *made, enum refunds_rule *rule,
                    char *message, size_t size)
{
	store_err err;
	struct refund r;
	struct refund_quote q;
	int64_t id = 0;
	struct refund_body_ctx ctx = {.reason = req->reason};
	struct refund_new n = {
		.till_id = pf->cfg->till.id,
		.shift_id = req->shift_id,
		.order_id = req->order_id,
		.amount = req->amount,
		.lines = req->lines,
		.n_lines = req->n_lines,
		.reason = req->reason,
		.user_id = req->user_id,
		.approved_by = req->approver_id,
		.bare_tax_rate = PAYFLOW_DEFAULT_TAX_RATE,
		.to_cash = req->to_cash,
		.build_body = build_refund_body,
		.body_arg = &ctx,
	};

	if (rule)
		*rule = REFUNDS_RULE_OK;
	store_status st = refunds_create(pf->db, &n, &id, NULL, &q, &err);
	free(ctx.body);
	if (made)
		*made = q;
	if (st != STORE_OK) {
		if (rule)
			*rule = q.rule;
		snprintf(message, size, "%s",
		         ctx.res.kind == XPAY_ERR_INVALID ? kp_msg_text(&ctx.res.msg) : kp_msg_text(&err.msg));
		return false;
	}
	*refund_row = id;
	message[0] = '\0';
	/* the Kaspi rows go to the server; the others are given back already */
	for (size_t i = 0; i < q.n_alloc; i++) {
		if (!journal_method_is_kaspi(q.alloc[i].tender))
			continue;
		if (refunds_get(pf->db, q.alloc[i].row, &r, &err) != STORE_OK) {
			snprintf(message, size, "%s", kp_msg_text(&err.msg));
			continue; /* journaled: payflow_resume takes it at the next start */
		}
		struct payflow_watch *f = watch_refund(pf, &r);
		if (!f) {
			snprintf(message, size, "%s",
			         _("Out of memory: the refund is journaled and will be sent later"));
			continue;
		}
		send_now(pf, f);
	}
	return true;
}

bool payflow_refund_check(struct payflow *pf, const struct payflow_refund_req *req,
                          struct refund_quote *q, char *message, size_t size)
{
	store_err err;
	struct refund_new n = {
		.order_id = req->order_id,
		.amount = req->amount,
		.lines = req->lines,
		.n_lines = req->n_lines,
		.reason = req->reason,
		.user_id = req->user_id,
		.bare_tax_rate = PAYFLOW_DEFAULT_TAX_RATE,
		.to_cash = req->to_cash,
	};
	if (refunds_check(pf->db, &n, q, &err) != STORE_OK) {
		snprintf(message, size, "%s", kp_msg_text(&err.msg));
		return false;
	}
	message[0] = '\0';
	return true;
}
