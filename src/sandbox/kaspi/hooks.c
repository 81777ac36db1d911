/* hooks.c — a due-time heap of deliveries and the threads that send them. */
#include "sandbox/kaspi/hooks.h"

#include "core/timeutil.h"
#include "net/webhook.h"
#include "sandbox/ticks.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One webhook on its way, with everything its retries need. */
struct delivery {
	int64_t due_ms;                  /* CLOCK_MONOTONIC time of the next attempt */
	unsigned attempt;                /* attempts made so far */
	char *url;                       /* the payment's callback_url */
	char *body;                      /* the signed bytes, sent unchanged every time */
	char sig[WEBHOOK_SIG_HEX_LEN + 1]; /* X-Kaspi-Hmac */
};

struct hooks {
	char *secret;                    /* the --webhook-secret */
	pthread_mutex_t lock;            /* guards the heap and the counters */
	pthread_cond_t wake;             /* new work, or stopping */
	struct delivery **heap;          /* min-heap by due_ms */
	size_t count, cap;               /* heap size and allocation */
	atomic_bool stopping;            /* read by curl's progress callback without the lock */
	bool dropped_noted;              /* "queue full" said once */
	pthread_t threads[HOOKS_THREADS];
	unsigned nthreads;               /* threads started */
};

static void delivery_free(struct delivery *d)
{
	if (!d)
		return;
	free(d->url);
	free(d->body);
	free(d);
}

static void heap_swap(struct hooks *h, size_t a, size_t b)
{
	struct delivery *t = h->heap[a];
	h->heap[a] = h->heap[b];
	h->heap[b] = t;
}

/* Adds d; false when the queue is full or memory is short. */
static bool heap_push(struct hooks *h, struct delivery *d)
{
	if (h->count >= HOOKS_QUEUE_MAX)
		return false;
	if (h->count == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 64;
		struct delivery **n = realloc(h->heap, cap * sizeof *n);
		if (!n)
			return false;
		h->heap = n;
		h->cap = cap;
	}
	size_t i = h->count++;
	h->heap[i] = d;
	while (i && h->heap[(i - 1) / 2]->due_ms > h->heap[i]->due_ms) {
		heap_swap(h, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	return true;
}

static struct delivery *heap_pop(struct hooks *h)
{
	struct delivery *top = h->heap[0];
	h->heap[0] = h->heap[--h->count];
	for (size_t i = 0;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < h->count && h->heap[l]->due_ms < h->heap[m]->due_ms)
			m = l;
		if (r < h->count && h->heap[r]->due_ms < h->heap[m]->due_ms)
			m = r;
		if (m == i)
			break;
		heap_swap(h, i, m);
		i = m;
	}
	return top;
}

static size_t discard_body(void *ptr, size_t size, size_t n, void *user)
{
	(void)ptr;
	(void)user;
	return size * n;
}

/* Aborts a transfer in flight when the sandbox shuts down. */
static int abort_on_stop(void *user, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	(void)dt;
	(void)dn;
	(void)ut;
	(void)un;
	return atomic_load(&((struct hooks *)user)->stopping) ? 1 : 0;
}

/* One attempt; true on a 2xx answer within the time-out. */
static bool delivery_attempt(struct hooks *h, CURL *curl, const struct delivery *d)
{
	char sig_header[sizeof "X-Kaspi-Hmac: " + WEBHOOK_SIG_HEX_LEN];
	struct curl_slist *headers = NULL;
	long code = 0;

	snprintf(sig_header, sizeof sig_header, "X-Kaspi-Hmac: %s", d->sig);
	headers = curl_slist_append(headers, "Content-Type: application/json");
	headers = curl_slist_append(headers, sig_header);
	headers = curl_slist_append(headers, "Expect:");
	curl_easy_setopt(curl, CURLOPT_URL, d->url);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, d->body);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(d->body));
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)HOOKS_TIMEOUT_MS);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, (long)HOOKS_TIMEOUT_MS);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "kaspi-sandbox/" KP_VERSION);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard_body);
	curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, abort_on_stop);
	curl_easy_setopt(curl, CURLOPT_XFERINFODATA, h);
	CURLcode rc = curl_easy_perform(curl);
	if (rc == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(headers);
	return rc == CURLE_OK && code >= 200 && code < 300;
}

static void *hooks_thread(void *arg)
{
	struct hooks *h = arg;
	CURL *curl = curl_easy_init();  /* one handle per thread: keeps connections alive */

	pthread_mutex_lock(&h->lock);
	while (!atomic_load(&h->stopping)) {
		if (!h->count) {
			pthread_cond_wait(&h->wake, &h->lock);
			continue;
		}
		int64_t now = ticks_mono_ms();
		if (h->heap[0]->due_ms > now) {
			int64_t due = h->heap[0]->due_ms;
			struct timespec ts = {.tv_sec = due / 1000, .tv_nsec = (due % 1000) * 1000000};
			pthread_cond_timedwait(&h->wake, &h->lock, &ts);
			continue;
		}
		struct delivery *d = heap_pop(h);
		pthread_mutex_unlock(&h->lock);

		bool ok = curl && delivery_attempt(h, curl, d);
		d->attempt++;

		pthread_mutex_lock(&h->lock);
		if (ok || atomic_load(&h->stopping)) {
			delivery_free(d);
		} else if (d->attempt >= HOOKS_ATTEMPTS) {
			fprintf(stderr, "kaspi-sandbox: webhook to %s given up after %u attempts\n",
			        d->url, d->attempt);
			delivery_free(d);
		} else {
			/* 1, 2, 4, … s after the 1st, 2nd, 3rd … failure */
			d->due_ms = ticks_mono_ms() + (INT64_C(1000) << (d->attempt - 1));
			if (!heap_push(h, d))
				delivery_free(d);
		}
	}
	pthread_mutex_unlock(&h->lock);
	if (curl)
		curl_easy_cleanup(curl);
	return NULL;
}

struct hooks *hooks_start(const char *secret)
{
	struct hooks *h = calloc(1, sizeof *h);
	pthread_condattr_t attr;

	if (!h)
		return NULL;
	h->secret = strdup(secret);
	pthread_mutex_init(&h->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&h->wake, &attr);
	pthread_condattr_destroy(&attr);
	atomic_init(&h->stopping, false);
	if (!h->secret) {
		hooks_stop(h);
		return NULL;
	}
	for (unsigned i = 0; i < HOOKS_THREADS; i++) {
		if (pthread_create(&h->threads[i], NULL, hooks_thread, h) != 0)
			break;
		h->nthreads++;
	}
	if (!h->nthreads) {
		hooks_stop(h);
		return NULL;
	}
	return h;
}

void hooks_send(struct hooks *h, const char *url, const char *event, const char *payment_id,
                const char *merchant_order_id, int64_t amount, const char *status, time_t at)
{
	char when[KP_TIME_LEN];
	struct delivery *d;
	cJSON *o;

	if (!h || !url)
		return;
	kp_time_format(at, when, sizeof when);
	/* cJSON keeps insertion order and prints compactly: the contract's
	 * "event,payment_id,merchant_order_id,amount,status,timestamp". */
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "event", event);
	cJSON_AddStringToObject(o, "payment_id", payment_id);
	cJSON_AddStringToObject(o, "merchant_order_id", merchant_order_id);
	cJSON_AddNumberToObject(o, "amount", (double)amount);
	cJSON_AddStringToObject(o, "status", status);
	cJSON_AddStringToObject(o, "timestamp", when);
	d = calloc(1, sizeof *d);
	if (d) {
		d->body = cJSON_PrintUnformatted(o);
		d->url = strdup(url);
	}
	cJSON_Delete(o);
	if (!d || !d->body || !d->url) {
		delivery_free(d);
		return;
	}
	webhook_sign(h->secret, d->body, strlen(d->body), d->sig);
	d->due_ms = ticks_mono_ms();

	pthread_mutex_lock(&h->lock);
	if (heap_push(h, d)) {
		pthread_cond_signal(&h->wake);
		d = NULL;
	} else if (!h->dropped_noted) {
		h->dropped_noted = true;
		fprintf(stderr, "kaspi-sandbox: webhook queue full (%d); dropping new events\n",
		        HOOKS_QUEUE_MAX);
	}
	pthread_mutex_unlock(&h->lock);
	delivery_free(d);
}

void hooks_stop(struct hooks *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->lock);
	atomic_store(&h->stopping, true);
	pthread_cond_broadcast(&h->wake);
	pthread_mutex_unlock(&h->lock);
	for (unsigned i = 0; i < h->nthreads; i++)
		pthread_join(h->threads[i], NULL);
	while (h->count)
		delivery_free(heap_pop(h));
	free(h->heap);
	pthread_cond_destroy(&h->wake);
	pthread_mutex_destroy(&h->lock);
	free(h->secret);
	free(h);
}
