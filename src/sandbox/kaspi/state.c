/* state.c — payments, refunds, the simulated buyer and the daily limit. */
#include "sandbox/kaspi/state.h"

#include "core/timeutil.h"
#include "sandbox/rng.h"
#include "sandbox/strmap.h"
#include "sandbox/ticks.h"
#include "sandbox/kaspi/token.h"

#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DAY_S 86400
#define IDEMPOTENCY_WINDOW_S (30 * DAY_S)  /* a merchant_order_id is unique this long */
#define REFUND_WINDOW_S (90 * DAY_S)       /* refunds allowed this long after success */
#define TICK_BATCH 256                     /* payments advanced per lock hold */

enum pay_status { PAY_PENDING, PAY_SUCCEEDED, PAY_CANCELLED, PAY_FAILED, PAY_EXPIRED };

static const char *const status_names[] = {
	[PAY_PENDING] = "pending",
	[PAY_SUCCEEDED] = "succeeded",
	[PAY_CANCELLED] = "cancelled",
	[PAY_FAILED] = "failed",
	[PAY_EXPIRED] = "expired",
};

enum event_type { EV_CREATED, EV_SCANNED, EV_COMPLETED, EV_CANCELLED, EV_FAILED, EV_EXPIRED, EV_REFUNDED };

static const char *const event_names[] = {
	[EV_CREATED] = "created",
	[EV_SCANNED] = "scanned",
	[EV_COMPLETED] = "completed",
	[EV_CANCELLED] = "cancelled",
	[EV_FAILED] = "failed",
	[EV_EXPIRED] = "expired",
	[EV_REFUNDED] = "refunded",
};

/* What a final status means on the wire: its event and its webhook. */
static const struct {
	enum event_type event;
	const char *webhook;
} final_rows[] = {
	[PAY_SUCCEEDED] = {EV_COMPLETED, "payment.completed"},
	[PAY_CANCELLED] = {EV_CANCELLED, "payment.cancelled"},
	[PAY_FAILED] = {EV_FAILED, "payment.failed"},
	[PAY_EXPIRED] = {EV_EXPIRED, "payment.cancelled"},  /* [decided] in API.md */
};

struct refund;

struct event {
	enum event_type type;
	time_t at;
	const struct refund *refund;  /* the refund of an EV_REFUNDED, else NULL */
};

struct refund {
	char id[STATE_ID_SIZE];                        /* "ref_" + 12 hex */
	char merchant_refund_id[STATE_ORDER_ID_SIZE];  /* "" when the client gave none */
	int64_t amount;
	time_t created_at;
	char *request;             /* raw body, to tell a replay from a duplicate */
	struct payment *payment;   /* the payment it refunds */
	struct refund *next;       /* the payment's next refund */
};

struct payment {
	char id[STATE_ID_SIZE];                 /* "pay_" + 12 hex */
	char order_id[STATE_ORDER_ID_SIZE];     /* merchant_order_id */
	char method[8];                         /* "qr", "card", "phone" */
	int64_t amount;
	int64_t refunded;                       /* refunded_amount */
	enum pay_status status;
	time_t created_at, expires_at;
	time_t succeeded_at;                    /* 0 until succeeded */
	int64_t scan_due_ms;                    /* simulated scan time; 0 none */
	int64_t outcome_due_ms;                 /* simulated outcome time; 0 none */
	enum pay_status outcome;                /* what the simulated buyer does then */
	bool scanned;                           /* a scanned event was recorded */
	int day;                                /* Almaty YYYYMMDD of created_at */
	bool counted;                           /* its amount is in state.day_sum */
	char *request;                          /* raw create body, for replays */
	char *callback_url;                     /* NULL: no webhooks */
	char *qr_token;
	struct event *events;
	size_t nevents, events_cap;
	struct refund *refunds, *last_refund;   /* in creation order */
	size_t heap_index;                      /* slot in the timer heap, or NOT_IN_HEAP */
	int64_t due_ms;                         /* its next step, the heap's key */
	struct payment *newer;                  /* creation order, for forgetting the oldest */
};

#define NOT_IN_HEAP SIZE_MAX

struct state {
	pthread_mutex_t lock;          /* guards everything below */
	pthread_cond_t tick_wake;      /* wakes the ticker to stop */
	pthread_t ticker;
	bool ticker_started;
	bool stopping;
	struct state_config cfg;
	struct strmap by_id;           /* payment_id → payment */
	struct strmap by_order;        /* merchant_order_id → latest payment */
	struct strmap by_refund_id;    /* merchant_refund_id → refund */
	struct payment *oldest, *newest; /* creation order */
	size_t count;                  /* payments stored */
	bool forget_noted;             /* "forgetting old payments" said once */
	struct payment **heap;         /* pending payments, min-heap by due_ms */
	size_t heap_len, heap_cap;
	struct rng rng;                /* ids; not the fault generator */
	unsigned char token_secret[TOKEN_SECRET_LEN];
	int day;                       /* Almaty day that day_sum counts */
	int64_t day_sum;               /* tiyn of that day's pending + succeeded payments */
	uint64_t created;              /* payments ever created (201s) */
	uint64_t replayed;             /* creates answered as replays (200s) */
	uint64_t api_requests;         /* every request to an API path, answered or not */
	uint64_t status_requests;      /* GET /payments/{id} among them */
};

static void time_text(time_t t, char buf[KP_TIME_LEN])
{
	kp_time_format(t, buf, KP_TIME_LEN);
}

static void json_add_time(cJSON *o, const char *name, time_t t)
{
	char buf[KP_TIME_LEN];
	time_text(t, buf);
	cJSON_AddStringToObject(o, name, buf);
}

/* ---- timer heap ---------------------------------------------------------- */

static void heap_place(struct state *st, size_t i, struct payment *p)
{
	st->heap[i] = p;
	p->heap_index = i;
}

static void heap_up(struct state *st, size_t i)
{
	struct payment *p = st->heap[i];
	while (i) {
		size_t parent = (i - 1) / 2;
		if (st->heap[parent]->due_ms <= p->due_ms)
			break;
		heap_place(st, i, st->heap[parent]);
		i = parent;
	}
	heap_place(st, i, p);
}

static void heap_down(struct state *st, size_t i)
{
	struct payment *p = st->heap[i];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = l;
		if (l >= st->heap_len)
			break;
		if (r < st->heap_len && st->heap[r]->due_ms < st->heap[l]->due_ms)
			m = r;
		if (p->due_ms <= st->heap[m]->due_ms)
			break;
		heap_place(st, i, st->heap[m]);
		i = m;
	}
	heap_place(st, i, p);
}

static void heap_remove(struct state *st, struct payment *p)
{
	size_t i = p->heap_index;
	if (i == NOT_IN_HEAP)
		return;
	p->heap_index = NOT_IN_HEAP;
	struct payment *last = st->heap[--st->heap_len];
	if (i == st->heap_len)
		return;
	heap_place(st, i, last);
	heap_up(st, i);
	heap_down(st, last->heap_index);
}

/* The time of a pending payment's next step; 0 when it has none. */
static int64_t payment_next_due(const struct payment *p)
{
	if (p->status != PAY_PENDING)
		return 0;
	int64_t due = (int64_t)p->expires_at * 1000;
	if (!p->scanned && p->scan_due_ms && p->scan_due_ms < due)
		due = p->scan_due_ms;
	if (p->outcome_due_ms && p->outcome_due_ms < due)
		due = p->outcome_due_ms;
	return due;
}

/* Puts p where its next step belongs, or out of the heap when final.
 * Returns false only when the heap could not grow (the payment is then
 * still brought up to date lazily on every access). */
static bool heap_update(struct state *st, struct payment *p)
{
	int64_t due = payment_next_due(p);
	if (!due) {
		heap_remove(st, p);
		return true;
	}
	p->due_ms = due;
	if (p->heap_index != NOT_IN_HEAP) {
		heap_up(st, p->heap_index);
		heap_down(st, p->heap_index);
		return true;
	}
	if (st->heap_len == st->heap_cap) {
		size_t cap = st->heap_cap ? st->heap_cap * 2 : 1024;
		struct payment **h = realloc(st->heap, cap * sizeof *h);
		if (!h)
			return false;
		st->heap = h;
		st->heap_cap = cap;
	}
	heap_place(st, st->heap_len++, p);
	heap_up(st, p->heap_index);
	return true;
}

/* ---- payments -------------------------------------------------------------- */

static void payment_add_event(struct payment *p, enum event_type type, time_t at,
                              const struct refund *r)
{
	if (p->nevents == p->events_cap) {
		size_t cap = p->events_cap ? p->events_cap * 2 : 4;
		struct event *e = realloc(p->events, cap * sizeof *e);
		if (!e)
			return;  /* the status still changes; only the history is short */
		p->events = e;
		p->events_cap = cap;
	}
	p->events[p->nevents++] = (struct event){.type = type, .at = at, .refund = r};
}

/* Takes p's amount out of the daily sum (cancelled, failed, expired, forgotten). */
static void payment_release_daily(struct state *st, struct payment *p)
{
	if (!p->counted)
		return;
	if (p->day == st->day)
		st->day_sum -= p->amount;
	p->counted = false;
}

/* Moves a pending payment to a final status at time at. */
static void payment_finish(struct state *st, struct payment *p, enum pay_status to, time_t at)
{
	p->status = to;
	payment_add_event(p, final_rows[to].event, at, NULL);
	if (to == PAY_SUCCEEDED)
		p->succeeded_at = at;
	else
		payment_release_daily(st, p);
	heap_remove(st, p);
	if (st->cfg.hooks && p->callback_url)
		hooks_send(st->cfg.hooks, p->callback_url, final_rows[to].webhook, p->id, p->order_id,
		           p->amount, status_names[to], at);
}

/* Applies, in time order, every step of a pending payment that is due by
 * now_ms: the simulated scan and outcome, and expiry at expires_at (which
 * wins a tie). Events carry the time the step was due, not the time it
 * was noticed, so lazy and ticker updates write the same history. */
static void payment_advance(struct state *st, struct payment *p, int64_t now_ms)
{
	while (p->status == PAY_PENDING) {
		int64_t expire = (int64_t)p->expires_at * 1000;
		int64_t scan = (!p->scanned && p->scan_due_ms) ? p->scan_due_ms : INT64_MAX;
		int64_t outcome = p->outcome_due_ms ? p->outcome_due_ms : INT64_MAX;

		if (expire <= scan && expire <= outcome) {
			if (expire > now_ms)
				break;
			payment_finish(st, p, PAY_EXPIRED, p->expires_at);
		} else if (scan <= outcome) {
			if (scan > now_ms)
				break;
			p->scanned = true;
			payment_add_event(p, EV_SCANNED, (time_t)(scan / 1000), NULL);
		} else {
			if (outcome > now_ms)
				break;
			payment_finish(st, p, p->outcome, (time_t)(outcome / 1000));
		}
	}
	heap_update(st, p);
}

static void payment_free(struct payment *p)
{
	struct refund *r = p->refunds;
	while (r) {
		struct refund *next = r->next;
		free(r->request);
		free(r);
		r = next;
	}
	free(p->request);
	free(p->callback_url);
	free(p->qr_token);
	free(p->events);
	free(p);
}

/* Drops the oldest payment and its refunds from every index. */
static void state_forget_oldest(struct state *st)
{
	struct payment *p = st->oldest;
	if (!p)
		return;
	if (!st->forget_noted) {
		st->forget_noted = true;
		fprintf(stderr, "kaspi-sandbox: over %d payments stored; forgetting the oldest\n",
		        STATE_MAX_PAYMENTS);
	}
	st->oldest = p->newer;
	if (!st->oldest)
		st->newest = NULL;
	st->count--;
	strmap_remove(&st->by_id, p->id, p);
	strmap_remove(&st->by_order, p->order_id, p);
	for (struct refund *r = p->refunds; r; r = r->next)
		if (r->merchant_refund_id[0])
			strmap_remove(&st->by_refund_id, r->merchant_refund_id, r);
	heap_remove(st, p);
	payment_release_daily(st, p);
	payment_free(p);
}

/* Writes a fresh random id "PREFIX" + 12 hex digits. */
static void state_new_id(struct state *st, const char *prefix, char id[STATE_ID_SIZE])
{
	snprintf(id, STATE_ID_SIZE, "%s%012" PRIx64, prefix, (uint64_t)(rng_next(&st->rng) & UINT64_C(0xffffffffffff)));
}

/* Starts a new day's sum when the Almaty date changed. */
static void state_roll_day(struct state *st, time_t now)
{
	int today = kp_almaty_yyyymmdd(now);
	if (today != st->day) {
		st->day = today;
		st->day_sum = 0;
	}
}

static struct payment *payment_new(struct state *st, const struct order_input *in, int64_t now_ms)
{
	struct payment *p = calloc(1, sizeof *p);
	char token[TOKEN_MAX];
	time_t now = (time_t)(now_ms / 1000);

	if (!p)
		return NULL;
	do
		state_new_id(st, "pay_", p->id);
	while (strmap_get(&st->by_id, p->id));
	snprintf(p->order_id, sizeof p->order_id, "%s", in->merchant_order_id);
	snprintf(p->method, sizeof p->method, "%s", in->payment_method);
	p->amount = in->amount;
	p->status = PAY_PENDING;
	p->created_at = now;
	p->expires_at = now + (time_t)st->cfg.qr_ttl_s;
	p->heap_index = NOT_IN_HEAP;
	p->request = strdup(in->raw);
	p->callback_url = in->callback_url ? strdup(in->callback_url) : NULL;
	if (token_make(st->token_secret, p->id, p->amount, p->expires_at, token, sizeof token))
		p->qr_token = strdup(token);
	if (!p->request || !p->qr_token || (in->callback_url && !p->callback_url)) {
		payment_free(p);
		return NULL;
	}

	/* The simulated buyer; the tiyn part of the amount is magic. */
	if (st->cfg.pay_after_s) {
		int magic = (int)(p->amount % 100);
		if (magic != 99) {  /* 99: nobody ever scans or pays; it expires */
			p->scan_due_ms = now_ms + (int64_t)st->cfg.pay_after_s * 500;
			p->outcome_due_ms = now_ms + (int64_t)st->cfg.pay_after_s * 1000;
			p->outcome = magic == 13 ? PAY_CANCELLED : magic == 66 ? PAY_FAILED : PAY_SUCCEEDED;
		}
	}
	payment_add_event(p, EV_CREATED, now, NULL);

	if (!strmap_put(&st->by_id, p->id, p)) {
		payment_free(p);
		return NULL;
	}
	if (!strmap_put(&st->by_order, p->order_id, p)) {
		strmap_remove(&st->by_id, p->id, p);
		payment_free(p);
		return NULL;
	}
	if (st->newest)
		st->newest->newer = p;
	else
		st->oldest = p;
	st->newest = p;
	st->count++;
	p->day = st->day;
	p->counted = true;
	st->day_sum += p->amount;
	heap_update(st, p);
	return p;
}

/* ---- JSON ------------------------------------------------------------------ */

/* The payment object of GET /payments/{id}. */
static cJSON *payment_json(const struct payment *p)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "payment_id", p->id);
	cJSON_AddStringToObject(o, "merchant_order_id", p->order_id);
	cJSON_AddStringToObject(o, "status", status_names[p->status]);
	cJSON_AddNumberToObject(o, "amount", (double)p->amount);
	cJSON_AddNumberToObject(o, "refunded_amount", (double)p->refunded);
	cJSON_AddStringToObject(o, "payment_method", p->method);
	json_add_time(o, "created_at", p->created_at);
	json_add_time(o, "expires_at", p->expires_at);
	cJSON *events = cJSON_AddArrayToObject(o, "events");
	for (size_t i = 0; i < p->nevents; i++) {
		const struct event *e = &p->events[i];
		cJSON *ev = cJSON_CreateObject();
		cJSON_AddStringToObject(ev, "type", event_names[e->type]);
		json_add_time(ev, "at", e->at);
		if (e->refund) {  /* extra fields; clients ignore what they do not know */
			cJSON_AddNumberToObject(ev, "amount", (double)e->refund->amount);
			cJSON_AddStringToObject(ev, "refund_id", e->refund->id);
		}
		cJSON_AddItemToArray(events, ev);
	}
	return o;
}

/* The answer to a create (201, or 200 for a replay). */
static cJSON *payment_created_json(const struct payment *p, const char *qr_base)
{
	char url[512];
	cJSON *o = cJSON_CreateObject();
	snprintf(url, sizeof url, "%s/qr/%s.svg", qr_base, p->id);
	cJSON_AddStringToObject(o, "payment_id", p->id);
	cJSON_AddStringToObject(o, "qr_token", p->qr_token);
	cJSON_AddStringToObject(o, "qr_image", url);
	cJSON_AddStringToObject(o, "status", status_names[p->status]);
	json_add_time(o, "expires_at", p->expires_at);
	cJSON_AddStringToObject(o, "deeplink", p->qr_token);
	return o;
}

static cJSON *refund_json(const struct refund *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "refund_id", r->id);
	cJSON_AddStringToObject(o, "payment_id", r->payment->id);
	if (r->merchant_refund_id[0])
		cJSON_AddStringToObject(o, "merchant_refund_id", r->merchant_refund_id);
	cJSON_AddNumberToObject(o, "amount", (double)r->amount);
	cJSON_AddStringToObject(o, "status", "succeeded");
	json_add_time(o, "created_at", r->created_at);
	return o;
}

/* Whether a new body is the same JSON value as a stored raw one: the same
 * fields and values, in any order and with any white space. */
static bool same_body(const char *stored, const cJSON *body)
{
	cJSON *old = cJSON_Parse(stored);
	bool same = old && cJSON_Compare(old, body, 1);
	cJSON_Delete(old);
	return same;
}

/* ---- routes ---------------------------------------------------------------- */

/* Finds a payment and brings it up to date; answers 404 when unknown. */
static struct payment *state_find(struct state *st, const char *id, int64_t now_ms,
                                  struct reply *out)
{
	struct payment *p = id ? strmap_get(&st->by_id, id) : NULL;
	if (!p) {
		reply_error(out, API_PAYMENT_NOT_FOUND, "no payment %.40s", id ? id : "");
		return NULL;
	}
	payment_advance(st, p, now_ms);
	return p;
}

void state_create(struct state *st, const struct order_input *in, struct api_check *chk,
                  int64_t now_ms, struct reply *out)
{
	time_t now = (time_t)(now_ms / 1000);
	struct payment *old = NULL;

	pthread_mutex_lock(&st->lock);
	if (in->merchant_order_id) {
		old = strmap_get(&st->by_order, in->merchant_order_id);
		if (old && old->created_at + IDEMPOTENCY_WINDOW_S <= now)
			old = NULL;  /* older than 30 days: the id is free again */
		if (old && !same_body(old->request, in->body)) {
			api_check_fail(chk, API_DUPLICATE_MERCHANT_ORDER_ID,
			               "merchant_order_id was used for payment %s with a different body",
			               old->id);
			old = NULL;
		}
	}
	if (chk->first != API_OK) {
		reply_from_check(out, chk);
	} else if (old) {
		/* A replay: the original payment as it is now, never counted twice. */
		payment_advance(st, old, now_ms);
		reply_json(out, 200, payment_created_json(old, in->qr_base));
		out->replayed = true;
		st->replayed++;
	} else {
		state_roll_day(st, now);
		if (in->amount > st->cfg.daily_limit_tiyn - st->day_sum) {
			reply_error(out, API_DAILY_LIMIT_EXCEEDED,
			            "today's pending and paid orders are %" PRId64 " of %" PRId64
			            " tiyn; this one does not fit", st->day_sum, st->cfg.daily_limit_tiyn);
		} else {
			while (st->count >= STATE_MAX_PAYMENTS)
				state_forget_oldest(st);
			struct payment *p = payment_new(st, in, now_ms);
			if (p) {
				reply_json(out, 201, payment_created_json(p, in->qr_base));
				st->created++;
			} else
				reply_error(out, API_INTERNAL, "out of memory");
		}
	}
	pthread_mutex_unlock(&st->lock);
}

void state_count_request(struct state *st, bool status)
{
	pthread_mutex_lock(&st->lock);
	st->api_requests++;
	if (status)
		st->status_requests++;
	pthread_mutex_unlock(&st->lock);
}

void state_stats(struct state *st, struct reply *out)
{
	pthread_mutex_lock(&st->lock);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "payments_created", (double)st->created);
	cJSON_AddNumberToObject(o, "creates_replayed", (double)st->replayed);
	cJSON_AddNumberToObject(o, "payments_stored", (double)st->count);
	cJSON_AddNumberToObject(o, "api_requests", (double)st->api_requests);
	cJSON_AddNumberToObject(o, "status_requests", (double)st->status_requests);
	pthread_mutex_unlock(&st->lock);
	reply_json(out, 200, o);
}

void state_get(struct state *st, const char *payment_id, int64_t now_ms, struct reply *out)
{
	pthread_mutex_lock(&st->lock);
	struct payment *p = state_find(st, payment_id, now_ms, out);
	if (p)
		reply_json(out, 200, payment_json(p));
	pthread_mutex_unlock(&st->lock);
}

void state_cancel(struct state *st, const char *payment_id, int64_t now_ms, struct reply *out)
{
	pthread_mutex_lock(&st->lock);
	struct payment *p = state_find(st, payment_id, now_ms, out);
	if (p && p->status == PAY_PENDING) {
		payment_finish(st, p, PAY_CANCELLED, (time_t)(now_ms / 1000));
		reply_json(out, 200, payment_json(p));
	} else if (p) {
		/* the error, then the payment as it is (API.md, cancel extension) */
		reply_error(out, API_PAYMENT_NOT_CANCELLABLE, "the payment is %s, not pending",
		            status_names[p->status]);
		out->json = payment_json(p);
	}
	pthread_mutex_unlock(&st->lock);
}

static struct refund *refund_new(struct state *st, struct payment *p, const struct refund_input *in,
                                 time_t now)
{
	struct refund *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	state_new_id(st, "ref_", r->id);
	if (in->merchant_refund_id)
		snprintf(r->merchant_refund_id, sizeof r->merchant_refund_id, "%s",
		         in->merchant_refund_id);
	r->amount = in->amount;
	r->created_at = now;
	r->payment = p;
	r->request = strdup(in->raw);
	if (!r->request || (r->merchant_refund_id[0] &&
	                    !strmap_put(&st->by_refund_id, r->merchant_refund_id, r))) {
		free(r->request);
		free(r);
		return NULL;
	}
	if (p->last_refund)
		p->last_refund->next = r;
	else
		p->refunds = r;
	p->last_refund = r;
	p->refunded += r->amount;
	payment_add_event(p, EV_REFUNDED, now, r);
	return r;
}

void state_refund(struct state *st, const struct refund_input *in, struct api_check *chk,
                  int64_t now_ms, struct reply *out)
{
	time_t now = (time_t)(now_ms / 1000);
	struct payment *p = NULL;
	struct refund *old = NULL;

	pthread_mutex_lock(&st->lock);
	if (in->payment_id) {
		p = strmap_get(&st->by_id, in->payment_id);
		if (p)
			payment_advance(st, p, now_ms);
		else
			api_check_fail(chk, API_PAYMENT_NOT_FOUND, "no payment %.40s", in->payment_id);
	}
	if (in->merchant_refund_id) {
		old = strmap_get(&st->by_refund_id, in->merchant_refund_id);
		if (old && old->created_at + IDEMPOTENCY_WINDOW_S <= now)
			old = NULL;
		if (old && !same_body(old->request, in->body)) {
			api_check_fail(chk, API_DUPLICATE_MERCHANT_REFUND_ID,
			               "merchant_refund_id was used for refund %s with a different body",
			               old->id);
			old = NULL;
		}
	}
	/* A replay answers as the original did, whatever happened since (a
	 * full refund's replay would otherwise exceed what is left). */
	if (!old && p) {
		int64_t available = p->amount - p->refunded;
		if (in->amount_valid && in->amount >= 1 && in->amount > available)
			api_check_fail(chk, API_REFUND_EXCEEDS_AVAILABLE,
			               "refund of %" PRId64 " is more than the %" PRId64 " tiyn left",
			               in->amount, available);
		if (p->status == PAY_SUCCEEDED && now - p->succeeded_at > REFUND_WINDOW_S)
			api_check_fail(chk, API_REFUND_WINDOW_CLOSED, NULL);
		if (p->status != PAY_SUCCEEDED)
			api_check_fail(chk, API_PAYMENT_NOT_REFUNDABLE, "the payment is %s, not succeeded",
			               status_names[p->status]);
	}
	if (chk->first != API_OK) {
		reply_from_check(out, chk);
	} else if (old) {
		reply_json(out, 200, refund_json(old));
		out->replayed = true;
	} else {
		struct refund *r = p ? refund_new(st, p, in, now) : NULL;
		if (r)
			reply_json(out, 201, refund_json(r));
		else
			reply_error(out, API_INTERNAL, "out of memory");
	}
	pthread_mutex_unlock(&st->lock);
}

void state_control(struct state *st, const char *payment_id, enum control_step step,
                   int64_t now_ms, struct reply *out)
{
	time_t now = (time_t)(now_ms / 1000);

	pthread_mutex_lock(&st->lock);
	struct payment *p = state_find(st, payment_id, now_ms, out);
	if (p && p->status != PAY_PENDING) {
		reply_error(out, API_PAYMENT_NOT_PENDING, "the payment is %s, not pending",
		            status_names[p->status]);
	} else if (p) {
		switch (step) {
		case CONTROL_SCAN:
			/* Scanning a pending payment that was already scanned is
			 * accepted and changes nothing: a buyer may open the QR
			 * again, and a test need not track whether the simulated
			 * buyer got there first. One scanned event at most. */
			if (!p->scanned) {
				p->scanned = true;
				payment_add_event(p, EV_SCANNED, now, NULL);
			}
			heap_update(st, p);
			break;
		case CONTROL_PAY:
			payment_finish(st, p, PAY_SUCCEEDED, now);
			break;
		case CONTROL_DECLINE:
			payment_finish(st, p, PAY_CANCELLED, now);
			break;
		case CONTROL_FAIL:
			payment_finish(st, p, PAY_FAILED, now);
			break;
		case CONTROL_EXPIRE:
			payment_finish(st, p, PAY_EXPIRED, now);
			break;
		}
		reply_json(out, 200, payment_json(p));
	}
	pthread_mutex_unlock(&st->lock);
}

void state_backdate(struct state *st, const char *payment_id, int64_t seconds, int64_t now_ms,
                    struct reply *out)
{
	pthread_mutex_lock(&st->lock);
	struct payment *p = state_find(st, payment_id, now_ms, out);
	if (p) {
		time_t s = (time_t)seconds;
		int64_t ms = seconds * 1000;
		p->created_at -= s;
		p->expires_at -= s;
		if (p->succeeded_at)
			p->succeeded_at -= s;
		if (p->scan_due_ms)
			p->scan_due_ms -= ms;
		if (p->outcome_due_ms)
			p->outcome_due_ms -= ms;
		for (size_t i = 0; i < p->nevents; i++)
			p->events[i].at -= s;
		for (struct refund *r = p->refunds; r; r = r->next)
			r->created_at -= s;
		int day = kp_almaty_yyyymmdd(p->created_at);
		if (day != p->day)
			payment_release_daily(st, p);  /* no longer one of today's orders */
		p->day = day;
		payment_advance(st, p, now_ms);
		reply_json(out, 200, payment_json(p));
	}
	pthread_mutex_unlock(&st->lock);
}

char *state_qr_token(struct state *st, const char *payment_id)
{
	char *token = NULL;
	pthread_mutex_lock(&st->lock);
	struct payment *p = strmap_get(&st->by_id, payment_id);
	if (p)
		token = strdup(p->qr_token);
	pthread_mutex_unlock(&st->lock);
	return token;
}

/* ---- lifecycle ------------------------------------------------------------- */

/* Brings due payments up to date every STATE_TICK_MS, so that webhooks and
 * the simulated buyer happen on time without a client asking. */
static void *state_ticker(void *arg)
{
	struct state *st = arg;

	pthread_mutex_lock(&st->lock);
	while (!st->stopping) {
		int64_t now = ticks_now_ms();
		unsigned batch = 0;
		while (st->heap_len && st->heap[0]->due_ms <= now) {
			payment_advance(st, st->heap[0], now);
			if (++batch == TICK_BATCH) {  /* let requests in between batches */
				batch = 0;
				pthread_mutex_unlock(&st->lock);
				sched_yield();
				pthread_mutex_lock(&st->lock);
				if (st->stopping)
					break;
			}
		}
		struct timespec ts = ticks_deadline(STATE_TICK_MS);
		if (!st->stopping)
			pthread_cond_timedwait(&st->tick_wake, &st->lock, &ts);
	}
	pthread_mutex_unlock(&st->lock);
	return NULL;
}

struct state *state_new(const struct state_config *cfg)
{
	struct state *st = calloc(1, sizeof *st);
	pthread_condattr_t attr;

	if (!st)
		return NULL;
	st->cfg = *cfg;
	pthread_mutex_init(&st->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&st->tick_wake, &attr);
	pthread_condattr_destroy(&attr);
	rng_seed(&st->rng, rng_entropy());
	rng_bytes(st->token_secret, sizeof st->token_secret);
	strmap_init(&st->by_id, rng_next(&st->rng));
	strmap_init(&st->by_order, rng_next(&st->rng));
	strmap_init(&st->by_refund_id, rng_next(&st->rng));
	st->day = kp_almaty_yyyymmdd(time(NULL));
	if (pthread_create(&st->ticker, NULL, state_ticker, st) != 0) {
		state_free(st);
		return NULL;
	}
	st->ticker_started = true;
	return st;
}

void state_free(struct state *st)
{
	if (!st)
		return;
	pthread_mutex_lock(&st->lock);
	st->stopping = true;
	pthread_cond_broadcast(&st->tick_wake);
	pthread_mutex_unlock(&st->lock);
	if (st->ticker_started)
		pthread_join(st->ticker, NULL);
	struct payment *p = st->oldest;
	while (p) {
		struct payment *next = p->newer;
		payment_free(p);
		p = next;
	}
	strmap_free(&st->by_id);
	strmap_free(&st->by_order);
	strmap_free(&st->by_refund_id);
	free(st->heap);
	pthread_cond_destroy(&st->tick_wake);
	pthread_mutex_destroy(&st->lock);
	free(st);
}
