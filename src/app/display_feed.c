/* display_feed.c — see display_feed.h. */
#include "app/display_feed.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/i18n.h"
#include "core/clock.h"
#include "core/text.h"
#include "net/sse.h"

/* ---- the view ---------------------------------------------------------------- */

struct reader {
	const char *bad;            /* the first field that was not as written */
};

static const cJSON *field(struct reader *rd, const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	if (!v && !rd->bad)
		rd->bad = name;
	return v;
}

static int64_t num(struct reader *rd, const cJSON *o, const char *name)
{
	const cJSON *v = field(rd, o, name);
	if (!cJSON_IsNumber(v) || v->valuedouble < -9e15 || v->valuedouble > 9e15) {
		if (!rd->bad)
			rd->bad = name;
		return 0;
	}
	return (int64_t)v->valuedouble;
}

static void text(struct reader *rd, const cJSON *o, const char *name, char *dst, size_t size)
{
	const cJSON *v = field(rd, o, name);
	if (!cJSON_IsString(v)) {
		if (!rd->bad)
			rd->bad = name;
		dst[0] = '\0';
		return;
	}
	kp_text_safe(dst, size, v->valuestring);
}

static int name_index(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; s && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

static void read_payment(struct reader *rd, const cJSON *p, int64_t now_ms, struct dfeed_view *v)
{
	static const char *const states[] = {"waiting", "scanned", "paid", "declined", "expired",
	                                     "cancelled"};
	char method[16], state[16];
	text(rd, p, "method", method, sizeof method);
	text(rd, p, "state", state, sizeof state);
	int st = name_index(states, sizeof states / sizeof *states, state);
	if (st < 0 || (strcmp(method, "qr") != 0 && strcmp(method, "phone") != 0)) {
		rd->bad = rd->bad ? rd->bad : st < 0 ? "state" : "method";
		return;
	}
	v->has_payment = true;
	v->pay.qr_method = strcmp(method, "qr") == 0;
	v->pay.state = (enum dfeed_pay_state)st;
	v->pay.amount = num(rd, p, "amount");
	int64_t left = num(rd, p, "expires_in");
	v->pay.deadline_ms = left > 0 ? now_ms + left * 1000 : 0;
	/* the QR's text goes to libqrencode as it came: only printable ASCII */
	const cJSON *qr = field(rd, p, "qr");
	v->pay.qr[0] = '\0';
	if (cJSON_IsString(qr) && strlen(qr->valuestring) < sizeof v->pay.qr) {
		bool ok = true;
		for (const char *c = qr->valuestring; *c; c++)
			ok &= *c > 0x20 && *c < 0x7f;
		if (ok)
			snprintf(v->pay.qr, sizeof v->pay.qr, "%s", qr->valuestring);
	} else if (!rd->bad) {
		rd->bad = "qr";
	}
	text(rd, p, "phone", v->pay.phone, sizeof v->pay.phone);
	text(rd, p, "order", v->pay.order, sizeof v->pay.order);
}

bool dfeed_parse(const char *json, size_t len, int64_t now_ms, struct dfeed_view *out, char *message,
                 size_t size)
{
	static const char *const screens[] = {"idle", "basket", "payment", "thanks"};
	struct reader rd = {0};
	cJSON *o = cJSON_ParseWithLength(json, len);
	if (!cJSON_IsObject(o)) {
		cJSON_Delete(o);
		snprintf(message, size, "%s", _("the customer display's feed is not JSON"));
		return false;
	}
	memset(out, 0, sizeof *out);
	out->seq = (unsigned long)num(&rd, o, "seq");
	text(&rd, o, "shop", out->shop, sizeof out->shop);
	char screen[16];
	text(&rd, o, "screen", screen, sizeof screen);
	int sc = name_index(screens, sizeof screens / sizeof *screens, screen);
	if (sc < 0 && !rd.bad)
		rd.bad = "screen";
	out->screen = sc < 0 ? DFEED_IDLE : (enum dfeed_screen)sc;
	const cJSON *lines = field(&rd, o, "lines"), *l;
	if (!cJSON_IsArray(lines) && !rd.bad)
		rd.bad = "lines";
	const cJSON *arr = cJSON_IsArray(lines) ? lines : NULL;
	cJSON_ArrayForEach(l, arr)
	{
		if (out->n_lines >= DFEED_LINES_MAX)
			break;
		struct dfeed_line *d = &out->lines[out->n_lines++];
		text(&rd, l, "name_ru", d->name_ru, sizeof d->name_ru);
		text(&rd, l, "name_kk", d->name_kk, sizeof d->name_kk);
		d->qty = num(&rd, l, "qty");
		d->weight = num(&rd, l, "weight");
		text(&rd, l, "unit", d->unit, sizeof d->unit);
		d->price = num(&rd, l, "price");
		d->discount = num(&rd, l, "discount");
		d->sum = num(&rd, l, "sum");
	}
	out->total = num(&rd, o, "total");
	out->items = num(&rd, o, "items");
	const cJSON *p = field(&rd, o, "payment");
	if (cJSON_IsObject(p))
		read_payment(&rd, p, now_ms, out);
	else if (!cJSON_IsNull(p) && !rd.bad)
		rd.bad = "payment";
	const cJSON *t = field(&rd, o, "thanks");
	if (cJSON_IsObject(t)) {
		out->has_thanks = true;
		out->paid = num(&rd, t, "paid");
		out->change = num(&rd, t, "change");
	} else if (!cJSON_IsNull(t) && !rd.bad) {
		rd.bad = "thanks";
	}
	cJSON_Delete(o);
	if (rd.bad) {
		snprintf(message, size, _("the customer display's feed has a bad \"%s\""), rd.bad);
		return false;
	}
	return true;
}

/* ---- the thread ---------------------------------------------------------------- */

#define DFEED_PAUSE_MIN_MS 1000
#define DFEED_PAUSE_MAX_MS 5000

struct dfeed {
	pthread_t thread;
	pthread_mutex_t lock;
	int pipe[2];                /* [0] the UI thread polls; [1] the thread writes a byte */
	char *url;
	char *ca_file;
	atomic_bool stop;           /* set by dfeed_stop, read by the thread and its transfer */
	struct sse_parser *parser;
	struct dfeed_view *parsed;  /* the thread's scratch */
	/* under lock */
	struct dfeed_view *newest;
	bool fresh;                 /* newest not yet taken */
	enum dfeed_link link;
	char detail[256];
};

static void wake(struct dfeed *f)
{
	char b = 1;
	ssize_t w = write(f->pipe[1], &b, 1);
	(void)w; /* a full pipe has a wake-up waiting already */
}

static void set_link(struct dfeed *f, enum dfeed_link link, const char *detail)
{
	pthread_mutex_lock(&f->lock);
	bool changed = f->link != link || strcmp(f->detail, detail) != 0;
	f->link = link;
	snprintf(f->detail, sizeof f->detail, "%s", detail);
	pthread_mutex_unlock(&f->lock);
	if (changed)
		wake(f);
}

static void on_event(void *arg, const struct sse_event *ev)
{
	struct dfeed *f = arg;
	char why[256];
	if (strcmp(ev->name, "state") != 0)
		return;
	if (!dfeed_parse(ev->data, ev->data_len, kp_mono_ms(), f->parsed, why, sizeof why)) {
		set_link(f, DFEED_DAMAGED, why);
		return;
	}
	pthread_mutex_lock(&f->lock);
	struct dfeed_view *t = f->newest;
	f->newest = f->parsed;
	f->parsed = t;
	f->fresh = true;
	f->link = DFEED_LIVE;
	f->detail[0] = '\0';
	pthread_mutex_unlock(&f->lock);
	wake(f);
}

static void pause_ms(struct dfeed *f, long ms)
{
	for (long slept = 0; slept < ms && !f->stop; slept += 100) {
		struct timespec ts = {.tv_sec = 0, .tv_nsec = 100 * 1000000L};
		nanosleep(&ts, NULL);
	}
}

static void *run(void *arg)
{
	struct dfeed *f = arg;
	long pause = DFEED_PAUSE_MIN_MS;
	while (!f->stop) {
		struct sse_result res;
		char why[320];
		sse_parser_init(f->parser, on_event, f);
		sse_stream(f->url, f->ca_file, f->parser, &f->stop, &res);
		if (f->stop)
			break;
		if (res.end == SSE_END_HTTP && (res.status == 403 || res.status == 404)) {
			snprintf(why, sizeof why, _("the till refuses this address (HTTP %ld): pair the display again"),
			         res.status);
			set_link(f, DFEED_REFUSED, why);
		} else {
			snprintf(why, sizeof why, "%s", res.detail[0] ? res.detail : _("the till ended the feed"));
			set_link(f, DFEED_LOST, why);
		}
		pause = res.events > 0 ? DFEED_PAUSE_MIN_MS : pause;
		pause_ms(f, pause);
		pause = pause * 2 > DFEED_PAUSE_MAX_MS ? DFEED_PAUSE_MAX_MS : pause * 2;
	}
	return NULL;
}

static void feed_free(struct dfeed *f)
{
	if (f->pipe[0] >= 0)
		close(f->pipe[0]);
	if (f->pipe[1] >= 0)
		close(f->pipe[1]);
	free(f->url);
	free(f->ca_file);
	free(f->parser);
	free(f->parsed);
	free(f->newest);
	pthread_mutex_destroy(&f->lock);
	free(f);
}

struct dfeed *dfeed_start(const char *url, const char *ca_file, char *message, size_t size)
{
	struct dfeed *f = calloc(1, sizeof *f);
	if (!f) {
		snprintf(message, size, "%s", _("out of memory: close other programs or restart the till"));
		return NULL;
	}
	f->pipe[0] = f->pipe[1] = -1;
	pthread_mutex_init(&f->lock, NULL);
	f->url = strdup(url);
	f->ca_file = ca_file && ca_file[0] ? strdup(ca_file) : NULL;
	f->parser = malloc(sizeof *f->parser);
	f->parsed = calloc(1, sizeof *f->parsed);
	f->newest = calloc(1, sizeof *f->newest);
	if (!f->url || !f->parser || !f->parsed || !f->newest ||
	    pipe2(f->pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		snprintf(message, size, "%s", _("out of memory: close other programs or restart the till"));
		feed_free(f);
		return NULL;
	}
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(&f->thread, NULL, run, f);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		snprintf(message, size, _("the customer display's thread cannot start: %s"), strerror(rc));
		feed_free(f);
		return NULL;
	}
	return f;
}

int dfeed_fd(const struct dfeed *f)
{
	return f->pipe[0];
}

bool dfeed_take(struct dfeed *f, struct dfeed_view *out, enum dfeed_link *link, char *detail,
                size_t size)
{
	char drain[64];
	while (read(f->pipe[0], drain, sizeof drain) > 0)
		;
	pthread_mutex_lock(&f->lock);
	bool fresh = f->fresh;
	if (fresh)
		memcpy(out, f->newest, sizeof *out);
	f->fresh = false;
	*link = f->link;
	snprintf(detail, size, "%s", f->detail);
	pthread_mutex_unlock(&f->lock);
	return fresh;
}

void dfeed_stop(struct dfeed *f)
{
	if (!f)
		return;
	f->stop = true;
	pthread_join(f->thread, NULL);
	feed_free(f);
}
