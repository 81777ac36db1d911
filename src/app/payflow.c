/* payflow.c — see payflow.h. The rules of a payment live here once: the
 * TUI and the headless commands only feed it results and show changes. */
#include "app/payflow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/i18n.h"
#include "core/clock.h"
#include "core/grow.h"
#include "core/money.h"
#include "core/pollsched.h"
#include "core/validate.h"

/* The VAT rate of a bare amount (kaspi-pos charge): the standard rate. */
#define PAYFLOW_DEFAULT_TAX_RATE 16

void payflow_init(struct payflow *pf, store_db *db, struct worker *worker,
                  const struct kp_config *cfg)
{
	memset(pf, 0, sizeof *pf);
	pf->db = db;
	pf->worker = worker;
	pf->cfg = cfg;
}

void payflow_free(struct payflow *pf)
{
	free(pf->orders);
	pf->orders = NULL;
	pf->n = pf->cap = 0;
	free(pf->refunds);
	pf->refunds = NULL;
	pf->n_refunds = pf->cap_refunds = 0;
}

static struct payflow_order *find(struct payflow *pf, int64_t id)
{
	for (size_t i = 0; i < pf->n; i++)
		if (pf->orders[i].j.id == id)
			return &pf->orders[i];
	return NULL;
}

const struct payflow_order *payflow_find(const struct payflow *pf, int64_t order_id)
{
	return find((struct payflow *)pf, order_id);
}

size_t payflow_watching(const struct payflow *pf)
{
	return pf->n;
}

/* Starts watching a journal row; the first request goes out at once. */
static struct payflow_order *watch(struct payflow *pf, const struct journal_order *j)
{
	struct payflow_order *o = find(pf, j->id);
	if (o) {
		o->j = *j;
		return o;
	}
	if (!KP_GROW(pf->orders, pf->cap, pf->n + 1, 8))
		return NULL;
	o = &pf->orders[pf->n++];
	memset(o, 0, sizeof *o);
	o->j = *j;
	if (j->state != JOURNAL_CREATING && j->created_at > 0) {
		/* an order from before: its age decides the poll pace */
		long age_s = (long)(time(NULL) - j->created_at);
		o->created_ms = kp_mono_ms() - (int64_t)(age_s > 0 ? age_s : 0) * 1000;
	}
	return o;
}

/* Drops the orders that need nothing more from the server. */
static void unwatch_settled(struct payflow *pf)
{
	size_t k = 0;
	for (size_t i = 0; i < pf->n; i++) {
		enum journal_state s = pf->orders[i].j.state;
		bool keep = (s == JOURNAL_CREATING || s == JOURNAL_PENDING || s == JOURNAL_ABANDONED) ||
		            pf->orders[i].in_flight;
		if (keep)
			pf->orders[k++] = pf->orders[i];
	}
	pf->n = k;
}

static struct payflow_change *change_for(struct payflow_changes *out, const struct payflow_order *o)
{
	if (!out)
		return NULL;
	for (size_t i = 0; i < out->n; i++)
		if (out->c[i].order_id == o->j.id)
			return &out->c[i];
	if (out->n == PAYFLOW_CHANGES_MAX)
		return NULL;
	struct payflow_change *c = &out->c[out->n++];
	memset(c, 0, sizeof *c);
	c->order_id = o->j.id;
	c->from = c->to = o->j.state;
	return c;
}

static void say(struct payflow_order *o, struct payflow_changes *out, const char *text)
{
	snprintf(o->message, sizeof o->message, "%s", text);
	struct payflow_change *c = change_for(out, o);
	if (c)
		snprintf(c->message, sizeof c->message, "%s", text);
}

/* Rereads the order's row (after a move, or when another path moved it). */
static void reload(struct payflow *pf, struct payflow_order *o)
{
	store_err err;
	struct journal_order j;
	if (journal_get(pf->db, o->j.id, &j, &err) == STORE_OK)
		o->j = j;
}

/* Moves the order to `to` (recording the payment when given); a move that
 * another path made first is taken as it is. */
static void move(struct payflow *pf, struct payflow_order *o, enum journal_state to,
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
		say(o, out, detail ? detail : journal_state_name(to));
		return;
	}
	st = payment ? journal_move_with_payment(pf->db, o->j.id, from, to, payment, 0, detail, &err)
	             : journal_move(pf->db, o->j.id, from, to, 0, detail, &err);
	if (st != STORE_OK && st != STORE_ERR_STATE) {
		say(o, out, err.message);
		return;
	}
	/* the change is taken before the reload, so that it starts from `from` */
	struct payflow_change *c = change_for(out, o);
	reload(pf, o);
	if (c && o->j.state != from) {
		c->to = o->j.state;
		c->moved = true;
	}
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

/* ---- building and starting ---------------------------------------------- */

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
	if (xpay_create_body(&ctx->order, &ctx->body, &ctx->len, &ctx->res) != XPAY_OK)
		return false;
	*body = ctx->body;
	*len = ctx->len;
	return true;
}

static void send_job(struct payflow *pf, struct payflow_order *o);
static void resume_refunds(struct payflow *pf, char *message, size_t size);
static long tick_refunds(struct payflow *pf, int64_t now_ms, long soonest);
static bool apply_refund(struct payflow *pf, const struct worker_result *r,
                         struct payflow_changes *out);

/* Journals and sends: the common part of both starts. */
static bool start(struct payflow *pf, struct body_ctx *ctx, const struct journal_line *lines,
                  size_t n_lines, enum journal_method method, const char *phone, int64_t user_id,
                  int64_t shift_id, int64_t *order_id, char *message, size_t size)
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
	};
	store_status st = journal_create(pf->db, &n, lines, n_lines, &id, NULL, &err);
	free(ctx->body);
	if (st != STORE_OK) {
		snprintf(message, size, "%s", ctx->res.kind == XPAY_ERR_INVALID ? ctx->res.message : err.message);
		return false;
	}
	if (journal_get(pf->db, id, &j, &err) != STORE_OK) {
		snprintf(message, size, "%s", err.message);
		return false;
	}
	struct payflow_order *o = watch(pf, &j);
	if (!o) {
		snprintf(message, size, "%s", _("Out of memory: the order is journaled and will be sent later"));
		return false;
	}
	send_job(pf, o);
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
	for (size_t i = 0; i < b->count; i++) {
		const struct basket_line *l = &b->lines[i];
		struct journal_line *jl = &lines[i];
		jl->product_id = l->product_id;
		snprintf(jl->sku, sizeof jl->sku, "%s", l->sku);
		snprintf(jl->barcode, sizeof jl->barcode, "%s", l->barcode);
		snprintf(jl->name, sizeof jl->name, "%s", l->name);
		snprintf(jl->name_kk, sizeof jl->name_kk, "%s", l->name_kk);
		jl->quantity = l->quantity;
		jl->unit_price = l->unit_price;
		jl->tax_rate = l->tax_rate;
		basket_line_sums(l, NULL, &jl->discount, &jl->total);
		jl->voided = l->voided;
	}
	struct body_ctx ctx = {
		.order = {.amount = amount,
		          .payment_method = method == JOURNAL_PHONE ? "phone" : "qr",
		          .payer_phone = method == JOURNAL_PHONE ? phone : NULL,
		          .products = xp,
		          .n_products = n},
		.cfg = pf->cfg,
	};
	ok = start(pf, &ctx, lines, b->count, method, phone, user_id, shift_id, order_id, message, size);
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
	return start(pf, &ctx, &line, 1, method, phone, user_id, shift_id, order_id, message, size);
}

size_t payflow_resume(struct payflow *pf, char *message, size_t size)
{
	struct journal_order *list = NULL;
	size_t count = 0, taken = 0;
	store_err err;

	if (message && size)
		message[0] = '\0';
	if (journal_unfinished(pf->db, &list, &count, &err) != STORE_OK) {
		if (message && size)
			snprintf(message, size, "%s", err.message);
		return 0;
	}
	for (size_t i = 0; i < count; i++) {
		if (list[i].state == JOURNAL_LATE_PAID)
			continue; /* settled with the server: the alert is the cashier's */
		struct payflow_order *o = watch(pf, &list[i]);
		if (o) {
			o->maybe_sent = true; /* an earlier run sent it, or may have */
			taken++;
		}
	}
	free(list);
	resume_refunds(pf, message, size);
	return taken;
}

/* ---- sending ------------------------------------------------------------- */

static void send_job(struct payflow *pf, struct payflow_order *o)
{
	store_err err;
	struct worker_job job = {.tag = o->j.id};
	char *body = NULL;
	size_t len = 0;

	if (o->j.payment_id[0] == '\0') {
		/* no answer to the create yet: send it again, the same bytes */
		if (journal_body(pf->db, o->j.id, &body, &len, &err) != STORE_OK) {
			snprintf(o->message, sizeof o->message, "%s", err.message);
			o->next_ms = kp_mono_ms() + PAYFLOW_CREATE_BACKOFF_CAP_MS;
			return;
		}
		job.kind = JOB_CREATE;
		job.body = body;
		job.len = len;
	} else {
		snprintf(job.payment_id, sizeof job.payment_id, "%s", o->j.payment_id);
		job.kind = o->j.state == JOURNAL_ABANDONED && !o->cancel_asked ? JOB_CANCEL : JOB_STATUS;
	}
	if (worker_submit(pf->worker, &job))
		o->in_flight = true;
	else
		o->next_ms = kp_mono_ms() + 1000;
	free(body);
}

long payflow_tick(struct payflow *pf, int64_t now_ms)
{
	long soonest = -1;
	for (size_t i = 0; i < pf->n; i++) {
		struct payflow_order *o = &pf->orders[i];
		if (o->in_flight)
			continue;
		if (o->next_ms <= now_ms)
			send_job(pf, o);
		if (o->in_flight)
			continue;
		long wait = (long)(o->next_ms - now_ms);
		if (wait < 0)
			wait = 0;
		if (soonest < 0 || wait < soonest)
			soonest = wait;
	}
	return tick_refunds(pf, now_ms, soonest);
}

/* ---- results ------------------------------------------------------------- */

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

/* When to ask next about a payment the server has. */
static void schedule_poll(struct payflow *pf, struct payflow_order *o, int64_t now)
{
	int64_t age = o->created_ms ? now - o->created_ms : 0;
	int64_t to_expiry = o->j.expires_at > 0
		? ((int64_t)o->j.expires_at - (int64_t)(time(NULL) + pf->skew_s)) * 1000
		: INT64_C(900000);
	o->next_ms = now + poll_delay_ms(age, to_expiry, o->errors, o->retry_after_s);
}

/* A failed request: back off (the create on its own capped doubling, the
 * status on the poll schedule's), and tell the screen why. */
static void failed(struct payflow *pf, struct payflow_order *o, const xpay_result *res,
                   struct payflow_changes *out)
{
	int64_t now = kp_mono_ms();
	o->errors++;
	if (o->j.payment_id[0] == '\0')
		o->maybe_sent = true;
	o->retry_after_s = res->kind == XPAY_ERR_RATE_LIMITED ? res->retry_after_s : 0;
	if (o->j.payment_id[0] == '\0') {
		int64_t delay = 1000;
		for (int i = 1; i < o->errors && delay < PAYFLOW_CREATE_BACKOFF_CAP_MS; i++)
			delay *= 2;
		if (delay > PAYFLOW_CREATE_BACKOFF_CAP_MS)
			delay = PAYFLOW_CREATE_BACKOFF_CAP_MS;
		if (o->retry_after_s * 1000 > delay)
			delay = (int64_t)o->retry_after_s * 1000;
		o->next_ms = now + delay;
	} else {
		schedule_poll(pf, o, now);
	}
	say(o, out, res->message);
}

/* The server's word on a payment (a status, a cancel's answer, or the
 * payment inside a refused cancel). */
static void apply_payment(struct payflow *pf, struct payflow_order *o, const xpay_payment *p,
                          struct payflow_changes *out)
{
	/* an answer about another payment (a proxy's or a server's mix-up)
	 * must never settle this order */
	if (strcmp(p->payment_id, o->j.payment_id) != 0 || p->amount != o->j.amount) {
		xpay_result wrong = {.kind = XPAY_ERR_BAD_BODY};
		snprintf(wrong.message, sizeof wrong.message, "%s",
		         _("The server answered about another payment: asking again"));
		failed(pf, o, &wrong, out);
		return;
	}
	bool scanned = false;
	for (size_t i = 0; i < p->n_events; i++)
		if (p->events[i].type == XPAY_EV_SCANNED)
			scanned = true;
	if (scanned && !o->scanned) {
		o->scanned = true;
		struct payflow_change *c = change_for(out, o);
		if (c)
			c->scanned_now = true;
	}
	enum journal_state to = target_state(o->j.state, p->status);
	char detail[96];
	snprintf(detail, sizeof detail, "server: %s", xpay_state_name(p->status));
	move(pf, o, to, NULL, detail, out);
}

static void apply_create(struct payflow *pf, struct payflow_order *o, const struct worker_result *r,
                         struct payflow_changes *out)
{
	store_err err;
	const xpay_result *res = &r->res;

	journal_note_attempt(pf->db, o->j.id, res->kind == XPAY_OK ? NULL : res->message, &err);
	if (res->kind == XPAY_OK) {
		const xpay_created *c = &r->u.created;
		struct journal_payment pay = {.payment_id = c->payment_id, .qr_token = c->qr_token,
		                              .expires_at = c->expires_at};
		enum journal_state to = target_state(o->j.state, c->status);
		o->errors = 0;
		o->message[0] = '\0';
		if (!o->created_ms)
			o->created_ms = kp_mono_ms();
		if (to == o->j.state) {
			/* an abandoned order whose replay found it still open */
			if (journal_set_payment(pf->db, o->j.id, &pay, &err) != STORE_OK)
				say(o, out, err.message);
			reload(pf, o);
		} else {
			move(pf, o, to, &pay, res->replayed ? "created (replayed)" : "created", out);
		}
		schedule_poll(pf, o, kp_mono_ms());
		return;
	}
	if (xpay_result_retryable(res)) {
		failed(pf, o, res, out);
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
		o->next_ms = kp_mono_ms() + PAYFLOW_STALL_MS;
		say(o, out, res->message);
		return;
	}
	o->next_ms = kp_mono_ms() + PAYFLOW_STALL_MS; /* if the move below fails */
	move(pf, o, JOURNAL_FAILED, NULL, res->message, out);
	struct payflow_change *c = change_for(out, o);
	if (c)
		c->refused = true;
	say(o, out, res->message);
}

bool payflow_apply(struct payflow *pf, const struct worker_result *r, struct payflow_changes *out)
{
	if (out)
		out->n = 0;
	if (r->kind == JOB_HEALTH)
		return false;
	if (r->kind == JOB_REFUND)
		return apply_refund(pf, r, out);
	struct payflow_order *o = find(pf, r->tag);
	if (!o)
		return false;
	o->in_flight = false;
	take_skew(pf, &r->res);

	switch (r->kind) {
	case JOB_CREATE:
		apply_create(pf, o, r, out);
		break;
	case JOB_STATUS:
		if (r->res.kind == XPAY_OK) {
			o->errors = 0;
			o->retry_after_s = 0;
			o->message[0] = '\0';
			apply_payment(pf, o, &r->u.payment, out);
			schedule_poll(pf, o, kp_mono_ms());
		} else {
			failed(pf, o, &r->res, out);
		}
		break;
	case JOB_CANCEL:
		if (r->res.kind == XPAY_OK || (r->res.kind == XPAY_ERR_HTTP && r->res.has_payment)) {
			o->cancel_asked = true;
			apply_payment(pf, o, &r->u.payment, out);
			schedule_poll(pf, o, kp_mono_ms());
		} else if (r->res.kind == XPAY_UNSUPPORTED || !xpay_result_retryable(&r->res)) {
			/* no cancel here: watch it until it expires */
			o->cancel_asked = true;
			journal_note(pf->db, o->j.id, 0, "cancel not supported: watched until it expires",
			             &(store_err){0});
			schedule_poll(pf, o, kp_mono_ms());
		} else {
			failed(pf, o, &r->res, out);
		}
		break;
	case JOB_REFUND:
	case JOB_HEALTH:
		break;
	}
	unwatch_settled(pf);
	return true;
}

bool payflow_abandon(struct payflow *pf, int64_t order_id, int64_t user_id,
                     struct payflow_changes *out)
{
	store_err err;
	struct payflow_order *o = find(pf, order_id);
	if (out)
		out->n = 0;
	if (!o || (o->j.state != JOURNAL_CREATING && o->j.state != JOURNAL_PENDING))
		return false;
	enum journal_state from = o->j.state;
	if (journal_move(pf->db, o->j.id, from, JOURNAL_ABANDONED, user_id, "the cashier gave up",
	                 &err) != STORE_OK) {
		say(o, out, err.message);
		reload(pf, o);
		return false;
	}
	reload(pf, o);
	struct payflow_change *c = change_for(out, o);
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
	if (journal_move(pf->db, order_id, JOURNAL_LATE_PAID, JOURNAL_SUCCEEDED, user_id,
	                 "the cashier completed the sale", &err) != STORE_OK) {
		snprintf(message, size, "%s", err.message);
		return false;
	}
	message[0] = '\0';
	return true;
}

/* ---- refunds ---------------------------------------------------------------- */

static struct payflow_refund *find_refund(struct payflow *pf, int64_t row)
{
	for (size_t i = 0; i < pf->n_refunds; i++)
		if (pf->refunds[i].r.id == row)
			return &pf->refunds[i];
	return NULL;
}

const struct payflow_refund *payflow_find_refund(const struct payflow *pf, int64_t refund_row)
{
	return find_refund((struct payflow *)pf, refund_row);
}

size_t payflow_refunds_watching(const struct payflow *pf)
{
	return pf->n_refunds;
}

/* Starts watching a refund row; its request goes out at the next tick. */
static struct payflow_refund *watch_refund(struct payflow *pf, const struct refund *r)
{
	struct payflow_refund *f = find_refund(pf, r->id);
	if (f) {
		f->r = *r;
		return f;
	}
	if (!KP_GROW(pf->refunds, pf->cap_refunds, pf->n_refunds + 1, 4))
		return NULL;
	f = &pf->refunds[pf->n_refunds++];
	memset(f, 0, sizeof *f);
	f->r = *r;
	return f;
}

/* Drops the refunds that are settled and have nothing at the worker. */
static void unwatch_settled_refunds(struct payflow *pf)
{
	size_t k = 0;
	for (size_t i = 0; i < pf->n_refunds; i++)
		if (pf->refunds[i].r.state == REFUND_PENDING || pf->refunds[i].in_flight)
			pf->refunds[k++] = pf->refunds[i];
	pf->n_refunds = k;
}

/* The change entry of refund f (its order's id, from = to = now). */
static struct payflow_change *refund_change(struct payflow *pf, struct payflow_changes *out,
                                            const struct payflow_refund *f)
{
	if (!out)
		return NULL;
	for (size_t i = 0; i < out->n; i++)
		if (out->c[i].refund_row == f->r.id)
			return &out->c[i];
	if (out->n == PAYFLOW_CHANGES_MAX)
		return NULL;
	struct payflow_change *c = &out->c[out->n++];
	struct journal_order o;
	store_err err;
	memset(c, 0, sizeof *c);
	c->order_id = f->r.order_id;
	c->refund_row = f->r.id;
	c->refund_to = f->r.state;
	if (journal_get(pf->db, f->r.order_id, &o, &err) == STORE_OK)
		c->from = c->to = o.state;
	return c;
}

static void refund_say(struct payflow *pf, struct payflow_refund *f, struct payflow_changes *out,
                       const char *text)
{
	snprintf(f->message, sizeof f->message, "%s", text);
	struct payflow_change *c = refund_change(pf, out, f);
	if (c)
		snprintf(c->message, sizeof c->message, "%s", text);
}

/* Rereads the refund's row and puts its state (and its order's) into
 * the change. */
static void refund_reload(struct payflow *pf, struct payflow_refund *f,
                          struct payflow_changes *out)
{
	struct refund r;
	struct journal_order o;
	store_err err;
	if (refunds_get(pf->db, f->r.id, &r, &err) == STORE_OK)
		f->r = r;
	struct payflow_change *c = refund_change(pf, out, f);
	if (!c)
		return;
	c->refund_to = f->r.state;
	if (journal_get(pf->db, f->r.order_id, &o, &err) == STORE_OK && o.state != c->from) {
		c->to = o.state;
		c->moved = true;
	}
}

static void send_refund_job(struct payflow *pf, struct payflow_refund *f)
{
	store_err err;
	struct worker_job job = {.kind = JOB_REFUND, .tag = -f->r.id};
	char *body = NULL;
	size_t len = 0;

	/* the stored bytes, every time: the idempotency key is inside */
	if (refunds_body(pf->db, f->r.id, &body, &len, &err) != STORE_OK) {
		snprintf(f->message, sizeof f->message, "%s", err.message);
		f->next_ms = kp_mono_ms() + PAYFLOW_CREATE_BACKOFF_CAP_MS;
		return;
	}
	job.body = body;
	job.len = len;
	if (worker_submit(pf->worker, &job))
		f->in_flight = true;
	else
		f->next_ms = kp_mono_ms() + 1000;
	free(body);
}

/* Sends the refunds that are due; folds their wait into soonest. */
static long tick_refunds(struct payflow *pf, int64_t now_ms, long soonest)
{
	for (size_t i = 0; i < pf->n_refunds; i++) {
		struct payflow_refund *f = &pf->refunds[i];
		if (f->in_flight)
			continue;
		if (f->next_ms <= now_ms)
			send_refund_job(pf, f);
		if (f->in_flight)
			continue;
		long wait = (long)(f->next_ms - now_ms);
		if (wait < 0)
			wait = 0;
		if (soonest < 0 || wait < soonest)
			soonest = wait;
	}
	return soonest;
}

static void resume_refunds(struct payflow *pf, char *message, size_t size)
{
	struct refund *list = NULL;
	size_t count = 0;
	store_err err;

	if (refunds_pending(pf->db, &list, &count, &err) != STORE_OK) {
		if (message && size && !message[0])
			snprintf(message, size, "%s", err.message);
		return;
	}
	for (size_t i = 0; i < count; i++)
		watch_refund(pf, &list[i]);
	free(list);
}

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

bool payflow_refund(struct payflow *pf, const struct payflow_refund_req *req,
                    int64_t *refund_row, enum refunds_rule *rule, char *message, size_t size)
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
		.build_body = build_refund_body,
		.body_arg = &ctx,
	};

	if (rule)
		*rule = REFUNDS_RULE_OK;
	store_status st = refunds_create(pf->db, &n, &id, NULL, &q, &err);
	free(ctx.body);
	if (st != STORE_OK) {
		if (rule)
			*rule = q.rule;
		snprintf(message, size, "%s",
		         ctx.res.kind == XPAY_ERR_INVALID ? ctx.res.message : err.message);
		return false;
	}
	*refund_row = id;
	if (refunds_get(pf->db, id, &r, &err) != STORE_OK) {
		snprintf(message, size, "%s", err.message);
		return false;
	}
	struct payflow_refund *f = watch_refund(pf, &r);
	if (!f) {
		snprintf(message, size, "%s",
		         _("Out of memory: the refund is journaled and will be sent later"));
		return false;
	}
	send_refund_job(pf, f);
	message[0] = '\0';
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
	};
	if (refunds_check(pf->db, &n, q, &err) != STORE_OK) {
		snprintf(message, size, "%s", err.message);
		return false;
	}
	message[0] = '\0';
	return true;
}

/* Whether the server's answer refuses the refund for good: it read the
 * request and said no (400, 422, or no such payment). A refused key, a
 * path the server lacks, 5xx or no answer leave it refund_pending: an
 * earlier send may have gone through, and the same bytes settle it later. */
static bool refund_refused(const xpay_result *res)
{
	if (res->kind != XPAY_ERR_HTTP)
		return false;
	return res->http_status == 400 || res->http_status == 422 ||
	       (res->http_status == 404 && strcmp(res->code, "payment_not_found") == 0);
}

/* The server refunded f: record it with its order. */
static void refund_done(struct payflow *pf, struct payflow_refund *f, const xpay_refunded *a,
                        struct payflow_changes *out)
{
	store_err err;
	char text[PAYFLOW_MESSAGE_SIZE];

	if (a->amount != f->r.amount ||
	    (a->merchant_refund_id[0] && strcmp(a->merchant_refund_id, f->r.merchant_refund_id) != 0)) {
		/* not the refund asked for: record nothing, keep asking slowly */
		snprintf(text, sizeof text, "%s %s",
		         _("The server answered for another refund than"), f->r.merchant_refund_id);
		f->stalled = true;
		f->next_ms = kp_mono_ms() + PAYFLOW_REFUND_STALL_MS;
		refund_say(pf, f, out, text);
		return;
	}
	refund_change(pf, out, f); /* the order's state before */
	store_status st = refunds_settle(pf->db, f->r.id, a->refund_id, NULL, &err);
	if (st != STORE_OK && st != STORE_ERR_STATE) {
		/* the disk, most likely: the same bytes get the same answer later */
		f->next_ms = kp_mono_ms() + PAYFLOW_CREATE_BACKOFF_CAP_MS;
		refund_say(pf, f, out, err.message);
	}
	refund_reload(pf, f, out);
}

/* A send that failed and may be repeated: back off as a create does. */
static void refund_retry(struct payflow *pf, struct payflow_refund *f, const xpay_result *res,
                         struct payflow_changes *out)
{
	int64_t delay = 1000;
	f->errors++;
	f->retry_after_s = res->kind == XPAY_ERR_RATE_LIMITED ? res->retry_after_s : 0;
	for (int i = 1; i < f->errors && delay < PAYFLOW_CREATE_BACKOFF_CAP_MS; i++)
		delay *= 2;
	if (delay > PAYFLOW_CREATE_BACKOFF_CAP_MS)
		delay = PAYFLOW_CREATE_BACKOFF_CAP_MS;
	if (f->retry_after_s * 1000 > delay)
		delay = (int64_t)f->retry_after_s * 1000;
	f->next_ms = kp_mono_ms() + delay;
	refund_say(pf, f, out, res->message);
}

static bool apply_refund(struct payflow *pf, const struct worker_result *r,
                         struct payflow_changes *out)
{
	store_err err;
	const xpay_result *res = &r->res;
	struct payflow_refund *f = r->tag < 0 ? find_refund(pf, -r->tag) : NULL;

	if (!f)
		return false;
	f->in_flight = false;
	take_skew(pf, res);
	refunds_note_attempt(pf->db, f->r.id, res->kind == XPAY_OK ? NULL : res->message, &err);
	if (res->kind == XPAY_OK) {
		f->errors = 0;
		f->stalled = false;
		f->message[0] = '\0';
		refund_done(pf, f, &r->u.refund, out);
	} else if (xpay_result_retryable(res)) {
		refund_retry(pf, f, res, out);
	} else if (refund_refused(res)) {
		refund_change(pf, out, f);
		if (refunds_fail(pf->db, f->r.id, res->message, &err) != STORE_OK)
			f->next_ms = kp_mono_ms() + PAYFLOW_CREATE_BACKOFF_CAP_MS;
		refund_reload(pf, f, out);
		struct payflow_change *c = refund_change(pf, out, f);
		if (c)
			c->refused = f->r.state == REFUND_FAILED;
		refund_say(pf, f, out, res->message);
	} else {
		f->stalled = true;
		f->next_ms = kp_mono_ms() + PAYFLOW_REFUND_STALL_MS;
		refund_say(pf, f, out, res->message);
	}
	unwatch_settled_refunds(pf);
	return true;
}
