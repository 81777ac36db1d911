/* push.c — the tills' push streams (push.h): a list of open streams
 * under one lock, each with the bytes it has yet to send; a stream with
 * none is suspended until there are. */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hub/ingest.h"
#include "hub/push.h"

/* One open stream. */
struct push_sub {
	hub_push *p;
	struct MHD_Connection *conn;
	char till[INGEST_TILL_MAX + 1];
	char *buf;                  /* bytes not yet sent */
	size_t len, cap;
	bool suspended;             /* MHD_suspend_connection'ed: resume to send */
	bool closing;               /* end the stream once buf is sent */
	struct push_sub *next;
};

struct hub_push {
	pthread_mutex_t lock;
	pthread_cond_t wake;        /* the keep-alive thread's sleep */
	pthread_t keepalive;
	bool stopping;              /* the keep-alive thread ends */
	bool closed;                /* hub_push_close_all: no new stream */
	struct push_sub *subs;
};

/* Resumes s if it waits (p->lock held). */
static void sub_kick(struct push_sub *s)
{
	if (s->suspended) {
		s->suspended = false;
		MHD_resume_connection(s->conn);
	}
}

/* Appends n bytes to s's buffer (p->lock held); a stream that has not
 * taken PUSH_BUFFER_MAX bytes is stuck, and ends. */
static bool sub_append(struct push_sub *s, const char *bytes, size_t n)
{
	if (s->closing)
		return false;
	if (s->len + n > PUSH_BUFFER_MAX) {
		s->closing = true;
		sub_kick(s);
		return false;
	}
	if (s->len + n > s->cap) {
		size_t cap = s->cap ? s->cap : 1024;
		while (cap < s->len + n)
			cap *= 2;
		char *b = realloc(s->buf, cap);
		if (!b)
			return false;
		s->buf = b;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, bytes, n);
	s->len += n;
	sub_kick(s);
	return true;
}

/* Every PUSH_KEEPALIVE_S a comment on every stream: the till sees the
 * hub alive, and a till that went away is found when the write fails. */
static void *push_keepalive(void *arg)
{
	hub_push *p = arg;
	static const char ka[] = ": keep-alive\n\n";
	pthread_mutex_lock(&p->lock);
	while (!p->stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += PUSH_KEEPALIVE_S;
		pthread_cond_timedwait(&p->wake, &p->lock, &until);
		if (p->stopping)
			break;
		for (struct push_sub *s = p->subs; s; s = s->next)
			(void)sub_append(s, ka, sizeof ka - 1);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

hub_push *hub_push_new(void)
{
	hub_push *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->wake, NULL);
	if (pthread_create(&p->keepalive, NULL, push_keepalive, p) != 0) {
		pthread_cond_destroy(&p->wake);
		pthread_mutex_destroy(&p->lock);
		free(p);
		return NULL;
	}
	return p;
}

void hub_push_close_all(hub_push *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->closed = true;
	for (struct push_sub *s = p->subs; s; s = s->next) {
		s->closing = true;
		sub_kick(s);
	}
	pthread_mutex_unlock(&p->lock);
}

void hub_push_free(hub_push *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->keepalive, NULL);
	/* MHD_stop_daemon has freed every response: the list is empty */
	pthread_cond_destroy(&p->wake);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

/* libmicrohttpd's reader: what s has, the end, or a pause until more. */
static ssize_t push_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)pos;
	struct push_sub *s = cls;
	hub_push *p = s->p;
	ssize_t n = 0;
	pthread_mutex_lock(&p->lock);
	if (s->len > 0) {
		size_t k = s->len < max ? s->len : max;
		memcpy(buf, s->buf, k);
		memmove(s->buf, s->buf + k, s->len - k);
		s->len -= k;
		n = (ssize_t)k;
	} else if (s->closing) {
		n = MHD_CONTENT_READER_END_OF_STREAM;
	} else {
		/* nothing to say: out of the poll loop until hub_push_send */
		s->suspended = true;
		MHD_suspend_connection(s->conn);
	}
	pthread_mutex_unlock(&p->lock);
	return n;
}

/* The response is gone (the connection ended): the stream leaves the list. */
static void push_gone(void *cls)
{
	struct push_sub *s = cls;
	hub_push *p = s->p;
	pthread_mutex_lock(&p->lock);
	for (struct push_sub **l = &p->subs; *l; l = &(*l)->next)
		if (*l == s) {
			*l = s->next;
			break;
		}
	pthread_mutex_unlock(&p->lock);
	fprintf(stderr, "kaspi-hub: %s push stream closed\n", s->till);
	fflush(stderr);
	free(s->buf);
	free(s);
}

enum MHD_Result hub_push_open(hub_push *p, struct MHD_Connection *conn, const char *till)
{
	struct push_sub *s = calloc(1, sizeof *s);
	char ready[128];
	if (!s)
		return MHD_NO;
	s->p = p;
	s->conn = conn;
	snprintf(s->till, sizeof s->till, "%s", till);
	int n = snprintf(ready, sizeof ready, "retry: 2000\nevent: ready\ndata: {\"till\":\"%s\"}\n\n",
	                 s->till);
	if (!sub_append(s, ready, (size_t)n)) {
		free(s);
		return MHD_NO;
	}
	struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, push_read,
	                                                           s, push_gone);
	if (!r) {
		free(s->buf);
		free(s);
		return MHD_NO;
	}
	pthread_mutex_lock(&p->lock);
	bool closed = p->closed;
	if (!closed) {
		s->next = p->subs;
		p->subs = s;
	} else {
		s->closing = true;
	}
	pthread_mutex_unlock(&p->lock);
	MHD_add_response_header(r, "Content-Type", "text/event-stream");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Accel-Buffering", "no");
	enum MHD_Result ok = MHD_queue_response(conn, closed ? 503 : 200, r);
	MHD_destroy_response(r); /* push_gone runs when the connection is done with it */
	if (!closed) {
		fprintf(stderr, "kaspi-hub: %s push stream open\n", s->till);
		fflush(stderr);
	}
	return ok;
}

size_t hub_push_send(hub_push *p, const char *till, const char *name, const char *data)
{
	size_t sent = 0;
	size_t cap = strlen(name) + strlen(data) + 32;
	char *ev = malloc(cap);
	if (!ev)
		return 0;
	int n = snprintf(ev, cap, "event: %s\ndata: %s\n\n", name, data);
	pthread_mutex_lock(&p->lock);
	for (struct push_sub *s = p->subs; s; s = s->next)
		if (strcmp(s->till, till) == 0 && sub_append(s, ev, (size_t)n))
			sent++;
	pthread_mutex_unlock(&p->lock);
	free(ev);
	return sent;
}

size_t hub_push_count(hub_push *p, const char *till)
{
	size_t n = 0;
	pthread_mutex_lock(&p->lock);
	for (struct push_sub *s = p->subs; s; s = s->next)
		if (!s->closing && (!till || strcmp(s->till, till) == 0))
			n++;
	pthread_mutex_unlock(&p->lock);
	return n;
}
