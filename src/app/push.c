/* push.c — the hub's push stream on the till (push.h). */
#include "app/push.h"

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

#include "core/clock.h"
#include "core/validate.h"
#include "net/sse.h"

#define PUSH_ID_MAX 64

/* One pushed payment: what to look at. */
struct push_event {
	char payment_id[PUSH_ID_MAX + 1];
	char merchant_order_id[PUSH_ID_MAX + 1];
};

struct push_thread {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;                /* the wait between tries */
	int pipe[2];                      /* [0] polled by the owner, [1] written here */
	atomic_bool stop;                 /* read by sse_stream at least every second */
	bool done;                        /* the thread has ended */
	bool detached;                    /* push_stop gave up waiting: the thread frees it */
	char url[CONFIG_PATH_MAX + 32];
	char token[CONFIG_SECRET_MAX];    /* never printed; wiped at the end */
	char ca_file[CONFIG_PATH_MAX];
	/* under mu */
	struct push_event q[PUSH_QUEUE_MAX];
	size_t q_head, q_n;
	bool overflow;                    /* events were lost: look at every payment */
	bool live;
	unsigned long opened;             /* streams opened (ready) so far */
	/* the owner's alone */
	unsigned long applied;            /* opened as push_apply last saw it */
};

/* Wakes the owner: one byte, never blocking (a full pipe is awake already). */
static void push_notify(push_thread *p)
{
	char b = 1;
	ssize_t n = write(p->pipe[1], &b, 1);
	(void)n;
}

/* Queues one pushed payment from the event's JSON data. */
static void push_take_payment(push_thread *p, const char *data, size_t len)
{
	cJSON *o = cJSON_ParseWithLength(data, len);
	const cJSON *pid = cJSON_GetObjectItemCaseSensitive(o, "payment_id");
	const cJSON *moid = cJSON_GetObjectItemCaseSensitive(o, "merchant_order_id");
	struct push_event ev;
	memset(&ev, 0, sizeof ev);
	if (cJSON_IsString(pid) && strlen(pid->valuestring) <= PUSH_ID_MAX &&
	    kp_valid_order_id(pid->valuestring))
		snprintf(ev.payment_id, sizeof ev.payment_id, "%s", pid->valuestring);
	if (cJSON_IsString(moid) && strlen(moid->valuestring) <= PUSH_ID_MAX &&
	    kp_valid_order_id(moid->valuestring))
		snprintf(ev.merchant_order_id, sizeof ev.merchant_order_id, "%s", moid->valuestring);
	cJSON_Delete(o);
	if (!ev.payment_id[0] && !ev.merchant_order_id[0])
		return; /* nothing this till could look at */
	pthread_mutex_lock(&p->mu);
	if (p->q_n == PUSH_QUEUE_MAX)
		p->overflow = true;
	else
		p->q[(p->q_head + p->q_n++) % PUSH_QUEUE_MAX] = ev;
	pthread_mutex_unlock(&p->mu);
	push_notify(p);
}

/* The stream's events: ready (live), payment (look now); others ignored. */
static void push_on_event(void *arg, const struct sse_event *ev)
{
	push_thread *p = arg;
	if (strcmp(ev->name, "ready") == 0) {
		pthread_mutex_lock(&p->mu);
		p->live = true;
		p->opened++;
		pthread_mutex_unlock(&p->mu);
		push_notify(p);
	} else if (strcmp(ev->name, "payment") == 0) {
		push_take_payment(p, ev->data, ev->data_len);
	}
}

/* Sleeps ms unless stopped; true when stopped. */
static bool push_wait(push_thread *p, long ms)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&p->mu);
	while (!p->stop && pthread_cond_timedwait(&p->cv, &p->mu, &until) != ETIMEDOUT)
		;
	bool stop = p->stop;
	pthread_mutex_unlock(&p->mu);
	return stop;
}

/* Frees p once its thread has ended. */
static void push_free(push_thread *p)
{
	close(p->pipe[0]);
	close(p->pipe[1]);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	explicit_bzero(p->token, sizeof p->token);
	free(p);
}

static void *push_main(void *arg)
{
	push_thread *p = arg;
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL); /* SIGWINCH and the rest: the UI thread's */
	struct sse_parser *parser = malloc(sizeof *parser);
	long retry = PUSH_RETRY_FIRST_MS;
	while (parser && !p->stop) {
		struct sse_result res;
		unsigned long before = p->opened;
		sse_parser_init(parser, push_on_event, p);
		sse_stream_bearer(p->url, p->ca_file, p->token, parser, &p->stop, &res);
		pthread_mutex_lock(&p->mu);
		bool was_open = p->opened != before;
		p->live = false;
		pthread_mutex_unlock(&p->mu);
		push_notify(p);
		/* a stream that opened and later dropped: try again soon */
		retry = was_open ? PUSH_RETRY_FIRST_MS
		                 : (retry * 2 > PUSH_RETRY_MAX_MS ? PUSH_RETRY_MAX_MS : retry * 2);
		if (push_wait(p, was_open ? PUSH_RETRY_FIRST_MS : retry))
			break;
	}
	free(parser);
	pthread_mutex_lock(&p->mu);
	p->done = true;
	bool detached = p->detached;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	if (detached)
		push_free(p);
	return NULL;
}

/* http:// carries the token in clear: to this machine only (as app/ship's
 * client allows); https:// anywhere. */
static bool push_url_ok(const char *url)
{
	if (strncmp(url, "https://", 8) == 0)
		return true;
	static const char *const local[] = {"http://127.0.0.1", "http://localhost", "http://[::1]"};
	for (size_t i = 0; i < sizeof local / sizeof *local; i++) {
		size_t n = strlen(local[i]);
		if (strncmp(url, local[i], n) == 0 && (url[n] == ':' || url[n] == '/' || !url[n]))
			return true;
	}
	return false;
}

push_thread *push_start(const struct kp_config *cfg)
{
	if (!cfg->hub.url[0] || !cfg->hub.token[0] || !push_url_ok(cfg->hub.url))
		return NULL;
	push_thread *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	size_t n = strlen(cfg->hub.url);
	while (n > 0 && cfg->hub.url[n - 1] == '/')
		n--;
	snprintf(p->url, sizeof p->url, "%.*s/api/v1/push", (int)n, cfg->hub.url);
	snprintf(p->token, sizeof p->token, "%s", cfg->hub.token);
	snprintf(p->ca_file, sizeof p->ca_file, "%s", cfg->hub.ca_file);
	if (pipe2(p->pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		free(p);
		return NULL;
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	if (pthread_create(&p->th, NULL, push_main, p) != 0) {
		close(p->pipe[0]);
		close(p->pipe[1]);
		pthread_cond_destroy(&p->cv);
		pthread_mutex_destroy(&p->mu);
		explicit_bzero(p->token, sizeof p->token);
		free(p);
		return NULL;
	}
	return p;
}

int push_fd(const push_thread *p)
{
	return p ? p->pipe[0] : -1;
}

bool push_live(push_thread *p)
{
	if (!p)
		return false;
	pthread_mutex_lock(&p->mu);
	bool live = p->live;
	pthread_mutex_unlock(&p->mu);
	return live;
}

int push_apply(push_thread *p, struct payflow *pf)
{
	if (!p)
		return 0;
	char drain[64];
	while (read(p->pipe[0], drain, sizeof drain) > 0)
		;
	struct push_event evs[PUSH_QUEUE_MAX];
	pthread_mutex_lock(&p->mu);
	size_t n = p->q_n;
	for (size_t i = 0; i < n; i++)
		evs[i] = p->q[(p->q_head + i) % PUSH_QUEUE_MAX];
	p->q_head = (p->q_head + n) % PUSH_QUEUE_MAX;
	p->q_n = 0;
	bool live = p->live, overflow = p->overflow;
	unsigned long opened = p->opened;
	p->overflow = false;
	pthread_mutex_unlock(&p->mu);
	/* a stream opened again since the last call, or events lost: each
	 * payment is looked at once (set_push's look when it comes up) */
	if (opened != p->applied || overflow)
		payflow_set_push(pf, false);
	p->applied = opened;
	payflow_set_push(pf, live);
	int poked = 0;
	for (size_t i = 0; i < n; i++)
		poked += payflow_poke(pf, evs[i].payment_id, evs[i].merchant_order_id);
	return poked;
}

void push_stop(push_thread *p, long wait_ms)
{
	if (!p)
		return;
	int64_t until = kp_mono_ms() + wait_ms;
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_broadcast(&p->cv);
	while (!p->done && kp_mono_ms() < until) {
		pthread_mutex_unlock(&p->mu);
		struct timespec pause = {0, 10 * 1000000L};
		nanosleep(&pause, NULL);
		pthread_mutex_lock(&p->mu);
	}
	bool done = p->done;
	pthread_t th = p->th; /* p may be gone once the lock is let go */
	if (!done) /* in a request (stop is seen within a second): it frees itself */
		p->detached = true;
	pthread_mutex_unlock(&p->mu);
	if (!done) {
		pthread_detach(th);
		return;
	}
	pthread_join(p->th, NULL);
	push_free(p);
}
