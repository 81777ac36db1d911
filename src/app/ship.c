/* ship.c — the outbox shipped to the hub (ship.h). */
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "app/hubfetch.h"
#include "app/i18n.h"
#include "app/ship.h"
#include "core/clock.h"
#include "core/text.h"
#include "net/http.h"
#include "store/outbox.h"

#define SHIP_PATH "/api/v1/ingest"
#define SHIP_IDLE_MS 2000          /* the thread's look at the outbox while all is shipped */
#define SHIP_BACKOFF_FIRST_MS 2000
#define SHIP_BACKOFF_MAX_MS 60000
#define SHIP_THREAD_BATCHES 20     /* batches per pass of the thread, so that it stops soon */

struct shipper {
	http_client *http;
	char till[64];
	int batch;
	bool retry;                /* the last batch's outcome is unknown: send it again */
	int64_t retry_from;        /* its rows: after this seq ... */
	int64_t retry_last;        /* ... up to this one */
	int64_t resend_after;      /* -1, or the seq the hub said it lacks rows after (a gap) */
};

bool ship_open(const struct kp_config *cfg, shipper **out, char *why, size_t why_size)
{
	*out = NULL;
	if (!cfg->hub.url[0]) {
		snprintf(why, why_size, "%s", _("no hub is set: [hub] url in the config file, or KASPI_HUB_URL"));
		return false;
	}
	if (!cfg->hub.token[0]) {
		snprintf(why, why_size, "%s", _("the hub needs the till's token: [hub] token, or KASPI_HUB_TOKEN"));
		return false;
	}
	shipper *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(why, why_size, "%s", _("out of memory"));
		return false;
	}
	if (!ship_client_new(cfg, &s->http, why, why_size)) {
		free(s);
		return false;
	}
	snprintf(s->till, sizeof s->till, "%s", cfg->till.id);
	s->batch = cfg->hub.batch > 0 ? cfg->hub.batch : 500;
	s->resend_after = -1;
	*out = s;
	return true;
}

bool ship_client_new(const struct kp_config *cfg, http_client **out, char *why, size_t why_size)
{
	char auth[CONFIG_SECRET_MAX + 32];
	*out = NULL;
	if (!cfg->hub.url[0] || !cfg->hub.token[0]) {
		snprintf(why, why_size, "%s", !cfg->hub.url[0]
		         ? _("no hub is set: [hub] url in the config file, or KASPI_HUB_URL")
		         : _("the hub needs the till's token: [hub] token, or KASPI_HUB_TOKEN"));
		return false;
	}
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", cfg->hub.token);
	const char *headers[] = {auth, "Accept: application/json", NULL};
	http_config hc = {
		.base_url = cfg->hub.url,
		.ca_file = cfg->hub.ca_file[0] ? cfg->hub.ca_file : NULL,
		.connect_timeout_ms = 5000,
		.timeout_ms = (long)cfg->hub.timeout * 1000,
		.user_agent = "kaspi-pos/" KP_VERSION,
		.headers = headers,
		.secret = cfg->hub.token,
	};
	http_err e = http_client_new(&hc, out);
	memset(auth, 0, sizeof auth); /* the client keeps its own copy, wiped when freed */
	if (e != HTTP_DONE) {
		snprintf(why, why_size, _("the hub's address %s is not usable: http:// only to this machine, else https://"),
		         cfg->hub.url);
		return false;
	}
	return true;
}

void ship_close(shipper *s)
{
	if (!s)
		return;
	http_client_free(s->http);
	free(s);
}

/* The request body of batch b for till. */
static char *ship_body(const char *till, const struct outbox_batch *b)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *rows = cJSON_CreateArray();
	bool ok = o && rows && cJSON_AddStringToObject(o, "till", till);
	if (ok)
		cJSON_AddItemToObject(o, "rows", rows);
	else
		cJSON_Delete(rows);
	for (size_t i = 0; ok && i < b->n; i++) {
		const struct outbox_row *r = &b->rows[i];
		cJSON *j = cJSON_CreateObject();
		ok = j && cJSON_AddItemToArray(rows, j) && cJSON_AddNumberToObject(j, "seq", (double)r->seq) &&
		     cJSON_AddStringToObject(j, "table", r->tbl) && cJSON_AddStringToObject(j, "op", r->op) &&
		     cJSON_AddStringToObject(j, "payload", r->payload) &&
		     cJSON_AddStringToObject(j, "prev_hash", r->prev_hash) &&
		     cJSON_AddStringToObject(j, "hash", r->hash);
	}
	char *text = ok ? cJSON_PrintUnformatted(o) : NULL;
	cJSON_Delete(o);
	return text;
}

/* A whole number member of the answer's JSON, or -1. */
static int64_t ship_answer_int(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 9e15)
		return -1;
	return (int64_t)v->valuedouble;
}

/* Whether the answer o is the hub's 409 "gap". */
static bool ship_is_gap(const cJSON *o)
{
	const char *e = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "error"));
	return e && strcmp(e, "gap") == 0;
}

/* The outcome of the hub's answer r to batch b (its rows after seq
 * *cursor), the cursor moved on success or a gap. */
static enum ship_outcome ship_answered(shipper *s, store_db *db, const struct outbox_batch *b,
                                       const http_response *r, int64_t *cursor,
                                       struct ship_result *out)
{
	cJSON *o = cJSON_ParseWithLength(r->body, r->body_len);
	int64_t seq = ship_answer_int(o, "seq");
	const cJSON *msg = cJSON_GetObjectItemCaseSensitive(o, "message");
	char said[256] = "";
	if (cJSON_IsString(msg)) /* the hub's own words: made safe for a terminal */
		kp_text_safe(said, sizeof said, msg->valuestring);
	enum ship_outcome oc = SHIP_RETRY;
	int64_t acked = ship_answer_int(o, "acked");
	int64_t last = b->rows[b->n - 1].seq;
	if (r->status == 200 && acked >= last) {
		store_err err;
		if (outbox_ack(db, acked, &err) != STORE_OK) {
			snprintf(out->why, sizeof out->why, "%s", kp_msg_text(&err.msg));
			oc = err.status == STORE_ERR_INPUT ? SHIP_REFUSED : SHIP_LOCAL;
		} else {
			oc = SHIP_DONE;
			out->sent += (int64_t)b->n;
			int64_t stored = ship_answer_int(o, "stored");
			out->stored += stored > 0 ? stored : 0;
			out->batches++;
			out->acked = acked;
			*cursor = acked;
			s->retry = false;
			if (s->resend_after >= 0 && acked > s->resend_after)
				s->resend_after = -1;
		}
	} else if (r->status == 200 && acked < 0) {
		/* not the hub's answer (a proxy's page, cut short): unknown */
		snprintf(out->why, sizeof out->why, "%s",
		         _("the hub's answer is not one: the same rows will be sent again"));
	} else if (r->status == 200) {
		snprintf(out->why, sizeof out->why,
		         _("the hub answered that it holds rows up to %lld, fewer than the %lld sent"),
		         (long long)acked, (long long)last);
		oc = SHIP_REFUSED;
	} else if (r->status == 409 && seq > 0 && seq - 1 < *cursor && ship_is_gap(o)) {
		/* the hub lacks rows the till thought it held: from there again */
		s->resend_after = *cursor = seq - 1;
		s->retry = false;
		oc = SHIP_DONE;
	} else if (r->status == 409) {
		snprintf(out->why, sizeof out->why,
		         _("the hub refuses row %lld: it holds this till's journal otherwise (is another till using the id %s?)"),
		         (long long)seq, s->till);
		oc = SHIP_REFUSED;
	} else if (r->status == 401) {
		snprintf(out->why, sizeof out->why, "%s",
		         _("the hub does not know this till's token: check [hub] token"));
		oc = SHIP_REFUSED;
	} else if (r->status == 403) {
		snprintf(out->why, sizeof out->why,
		         _("the hub says the token is another till's, not %s: check [hub] token and [till] id"),
		         s->till);
		oc = SHIP_REFUSED;
	} else if (r->status == 400 || r->status == 404 || r->status == 405 || r->status == 413) {
		snprintf(out->why, sizeof out->why, _("the hub refuses the batch (HTTP %ld): %s"), r->status,
		         said[0] ? said : _("is [hub] url the hub's address?"));
		oc = SHIP_REFUSED;
	} else {
		snprintf(out->why, sizeof out->why, _("the hub failed (HTTP %ld): the rows will be sent again"),
		         r->status);
	}
	cJSON_Delete(o);
	return oc;
}

/* Sends the rows after *cursor once. */
static enum ship_outcome ship_batch(shipper *s, store_db *db, int64_t *cursor, bool *empty,
                                    struct ship_result *out)
{
	struct outbox_batch b = {0};
	store_err err;
	size_t max = (size_t)s->batch;
	if (s->retry && s->retry_from == *cursor && s->retry_last > *cursor)
		max = (size_t)(s->retry_last - *cursor); /* the same batch as before */
	*empty = false;
	if (outbox_read(db, *cursor, max, &b, &err) != STORE_OK) {
		snprintf(out->why, sizeof out->why, "%s", kp_msg_text(&err.msg));
		return SHIP_LOCAL;
	}
	if (b.n == 0) {
		*empty = true;
		return SHIP_DONE;
	}
	char *body = ship_body(s->till, &b);
	if (!body) {
		outbox_batch_free(&b);
		snprintf(out->why, sizeof out->why, "%s", _("out of memory"));
		return SHIP_LOCAL;
	}
	const char *headers[] = {"Content-Type: application/json", NULL};
	http_response r;
	http_err e = http_request(s->http, HTTP_POST, SHIP_PATH, headers, body, strlen(body), &r);
	free(body);
	enum ship_outcome oc;
	if (e == HTTP_DONE) {
		oc = ship_answered(s, db, &b, &r, cursor, out);
	} else {
		oc = SHIP_RETRY;
		snprintf(out->why, sizeof out->why,
		         e == HTTP_E_TLS      ? _("the hub's certificate is not trusted (see [hub] ca_file): the rows wait")
		         : e == HTTP_E_CONNECT ? _("the hub cannot be reached: the rows wait and will be sent")
		                               : _("the hub's answer did not come: the same rows will be sent again"));
	}
	if (oc == SHIP_RETRY) {
		s->retry = true;
		s->retry_from = *cursor;
		s->retry_last = b.rows[b.n - 1].seq;
	}
	outbox_batch_free(&b);
	return oc;
}

enum ship_outcome ship_pass(shipper *s, store_db *db, int max_batches, struct ship_result *out)
{
	struct outbox_state st;
	store_err err;
	memset(out, 0, sizeof *out);
	if (outbox_get_state(db, &st, &err) != STORE_OK) {
		snprintf(out->why, sizeof out->why, "%s", kp_msg_text(&err.msg));
		return out->outcome = SHIP_LOCAL;
	}
	out->acked = st.acked_seq;
	int64_t cursor = s->resend_after >= 0 ? s->resend_after : st.acked_seq;
	int gaps = 0;
	for (int n = 0; max_batches == 0 || n < max_batches; n++) {
		bool empty = false;
		int64_t before = cursor;
		enum ship_outcome oc = ship_batch(s, db, &cursor, &empty, out);
		if (oc != SHIP_DONE || empty)
			return out->outcome = oc;
		if (cursor < before && ++gaps > 3) { /* a hub that keeps asking for less */
			snprintf(out->why, sizeof out->why,
			         _("the hub keeps asking for rows from %lld again: check its database"),
			         (long long)cursor + 1);
			return out->outcome = SHIP_REFUSED;
		}
	}
	return out->outcome = SHIP_DONE;
}

/* ---- the thread ------------------------------------------------------------ */

struct ship_thread {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop, wake, done;
	struct kp_config cfg;
	struct ship_view view;     /* under mu */
};

/* Waits up to ms for a wake or a stop; true when asked to stop. */
static bool ship_wait(ship_thread *t, long ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&t->mu);
	while (!t->stop && !t->wake)
		if (pthread_cond_timedwait(&t->cv, &t->mu, &ts) != 0)
			break;
	t->wake = false;
	bool stop = t->stop;
	pthread_mutex_unlock(&t->mu);
	return stop;
}

static void ship_publish(ship_thread *t, const struct ship_result *r)
{
	pthread_mutex_lock(&t->mu);
	t->view.ran = true;
	t->view.outcome = r->outcome;
	if (r->outcome == SHIP_DONE)
		t->view.last_ok = time(NULL);
	snprintf(t->view.why, sizeof t->view.why, "%s", r->outcome == SHIP_DONE ? "" : r->why);
	pthread_mutex_unlock(&t->mu);
}

/* The hub's newer catalog and users taken (app/hubfetch.h), every
 * HUBFETCH_EVERY_MS; what fails is tried at the next turn. */
static void ship_fetch(ship_thread *t, store_db *db, hubfetch **f, int64_t *next_ms)
{
	struct hubfetch_result r;
	char why[SHIP_WHY_SIZE];
	if (!db || kp_mono_ms() < *next_ms)
		return;
	*next_ms = kp_mono_ms() + HUBFETCH_EVERY_MS;
	if (!*f && !hubfetch_open(&t->cfg, f, why, sizeof why))
		return;
	hubfetch_pass(*f, db, &r);
}

/* One pass with the journal and the client opened as needed; the next
 * wait in ms. */
static long ship_round(ship_thread *t, store_db **db, shipper **s, long *backoff)
{
	struct ship_result r;
	memset(&r, 0, sizeof r);
	store_err err;
	if (!*db && db_open_home(t->cfg.home, db, &err) != STORE_OK) {
		r.outcome = SHIP_LOCAL;
		snprintf(r.why, sizeof r.why, "%s", kp_msg_text(&err.msg));
	} else if (!*s && !ship_open(&t->cfg, s, r.why, sizeof r.why)) {
		r.outcome = SHIP_REFUSED;
	} else {
		ship_pass(*s, *db, SHIP_THREAD_BATCHES, &r);
	}
	ship_publish(t, &r);
	if (r.outcome == SHIP_DONE) {
		*backoff = SHIP_BACKOFF_FIRST_MS;
		return r.batches >= SHIP_THREAD_BATCHES ? 0 : SHIP_IDLE_MS;
	}
	long wait = *backoff;
	*backoff = *backoff * 2 > SHIP_BACKOFF_MAX_MS ? SHIP_BACKOFF_MAX_MS : *backoff * 2;
	return wait;
}

static void *ship_main(void *arg)
{
	ship_thread *t = arg;
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL); /* SIGWINCH and the rest: the UI thread's */
	store_db *db = NULL;
	shipper *s = NULL;
	hubfetch *f = NULL;
	int64_t fetch_at = 0;
	long backoff = SHIP_BACKOFF_FIRST_MS;
	for (;;) {
		long wait = ship_round(t, &db, &s, &backoff);
		ship_fetch(t, db, &f, &fetch_at); /* at the shipping's pace: a hub away waits as long */
		if (ship_wait(t, wait))
			break;
	}
	hubfetch_close(f);
	ship_close(s);
	db_close(db);
	pthread_mutex_lock(&t->mu);
	t->done = true;
	pthread_cond_broadcast(&t->cv);
	pthread_mutex_unlock(&t->mu);
	return NULL;
}

ship_thread *ship_thread_start(const struct kp_config *cfg)
{
	if (!cfg->hub.url[0])
		return NULL;
	ship_thread *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->cfg = *cfg;
	pthread_mutex_init(&t->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_cond_init(&t->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&t->th, NULL, ship_main, t) != 0) {
		pthread_cond_destroy(&t->cv);
		pthread_mutex_destroy(&t->mu);
		free(t);
		return NULL;
	}
	return t;
}

void ship_thread_wake(ship_thread *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->mu);
	t->wake = true;
	pthread_cond_broadcast(&t->cv);
	pthread_mutex_unlock(&t->mu);
}

void ship_thread_view(ship_thread *t, struct ship_view *out)
{
	memset(out, 0, sizeof *out);
	if (!t)
		return;
	pthread_mutex_lock(&t->mu);
	*out = t->view;
	pthread_mutex_unlock(&t->mu);
}

void ship_thread_stop(ship_thread *t, long wait_ms)
{
	if (!t)
		return;
	int64_t until = kp_mono_ms() + wait_ms;
	pthread_mutex_lock(&t->mu);
	t->stop = true;
	pthread_cond_broadcast(&t->cv);
	while (!t->done && kp_mono_ms() < until) {
		pthread_mutex_unlock(&t->mu);
		struct timespec pause = {0, 10 * 1000000L};
		nanosleep(&pause, NULL);
		pthread_mutex_lock(&t->mu);
	}
	bool done = t->done;
	pthread_mutex_unlock(&t->mu);
	if (!done) { /* in a request: it ends with the process, its memory with it */
		pthread_detach(t->th);
		return;
	}
	pthread_join(t->th, NULL);
	pthread_cond_destroy(&t->cv);
	pthread_mutex_destroy(&t->mu);
	memset(t, 0, sizeof *t); /* the config's secrets with it */
	free(t);
}
