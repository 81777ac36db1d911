/* deadline.c — the table of open connections and their due times, and the
 * thread that cuts the overdue ones (see deadline.h). */
#include "sandbox/deadline.h"

#include "sandbox/ticks.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>

#define DUE_NEVER INT64_MAX

/* One open connection. */
struct deadline_conn {
	int fd;
	int64_t due_ms;      /* monotonic ms its request must be in by; DUE_NEVER: none */
	bool cut;            /* its socket was shut down for being late */
	struct deadline_conn *prev, *next;
};

struct deadlines {
	unsigned limit_ms, idle_ms;
	pthread_mutex_t lock;
	pthread_cond_t wake;      /* an earlier due time, or stopping */
	int64_t wake_at_ms;       /* when the thread means to look next; DUE_NEVER: asleep */
	bool stopping;
	struct deadline_conn *head;
	pthread_t thread;
};

/* Sets c's due time, waking the thread when it is earlier than its next look. */
static void deadlines_set(struct deadlines *d, struct deadline_conn *c, int64_t due_ms)
{
	c->due_ms = due_ms;
	if (due_ms < d->wake_at_ms)
		pthread_cond_signal(&d->wake);
}

/* Shuts down every overdue socket; returns the earliest due time left. */
static int64_t deadlines_cut(struct deadlines *d, int64_t now_ms)
{
	int64_t next = DUE_NEVER;
	for (struct deadline_conn *c = d->head; c; c = c->next) {
		if (c->due_ms <= now_ms) {
			/* the connection's thread wakes to an end of file and closes it */
			shutdown(c->fd, SHUT_RDWR);
			c->cut = true;
			c->due_ms = DUE_NEVER;
		} else if (c->due_ms < next) {
			next = c->due_ms;
		}
	}
	return next;
}

/* The thread: sleeps until the earliest due time, cuts, again. */
static void *deadlines_run(void *arg)
{
	struct deadlines *d = arg;
	pthread_mutex_lock(&d->lock);
	while (!d->stopping) {
		int64_t now = ticks_mono_ms();
		int64_t next = deadlines_cut(d, now);
		d->wake_at_ms = next;
		if (next == DUE_NEVER) {
			pthread_cond_wait(&d->wake, &d->lock);
		} else {
			int64_t wait = next - now;
			struct timespec until = ticks_deadline(wait > 600000 ? 600000u : (unsigned)wait);
			pthread_cond_timedwait(&d->wake, &d->lock, &until);
		}
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

struct deadlines *deadlines_start(unsigned limit_ms, unsigned idle_ms)
{
	struct deadlines *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->limit_ms = limit_ms;
	d->idle_ms = idle_ms;
	d->wake_at_ms = DUE_NEVER;
	pthread_mutex_init(&d->lock, NULL);
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&d->wake, &attr);
	pthread_condattr_destroy(&attr);
	if (pthread_create(&d->thread, NULL, deadlines_run, d) != 0) {
		pthread_cond_destroy(&d->wake);
		pthread_mutex_destroy(&d->lock);
		free(d);
		return NULL;
	}
	return d;
}

struct deadline_conn *deadlines_open(struct deadlines *d, int fd)
{
	struct deadline_conn *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->fd = fd;
	pthread_mutex_lock(&d->lock);
	c->next = d->head;
	if (d->head)
		d->head->prev = c;
	d->head = c;
	deadlines_set(d, c, ticks_mono_ms() + d->limit_ms);
	pthread_mutex_unlock(&d->lock);
	return c;
}

void deadlines_request_line(struct deadlines *d, struct deadline_conn *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&d->lock);
	int64_t due = ticks_mono_ms() + d->limit_ms;
	if (!c->cut && due < c->due_ms)
		deadlines_set(d, c, due);
	pthread_mutex_unlock(&d->lock);
}

void deadlines_request_in(struct deadlines *d, struct deadline_conn *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&d->lock);
	c->due_ms = DUE_NEVER;
	pthread_mutex_unlock(&d->lock);
}

void deadlines_answered(struct deadlines *d, struct deadline_conn *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&d->lock);
	if (!c->cut)
		deadlines_set(d, c, ticks_mono_ms() + d->idle_ms + d->limit_ms);
	pthread_mutex_unlock(&d->lock);
}

bool deadlines_passed(struct deadlines *d, struct deadline_conn *c)
{
	if (!c)
		return false;
	pthread_mutex_lock(&d->lock);
	bool late = c->cut || c->due_ms <= ticks_mono_ms();
	pthread_mutex_unlock(&d->lock);
	return late;
}

void deadlines_close(struct deadlines *d, struct deadline_conn *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&d->lock);
	if (c->prev)
		c->prev->next = c->next;
	else
		d->head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&d->lock);
	free(c);
}

void deadlines_stop(struct deadlines *d)
{
	if (!d)
		return;
	pthread_mutex_lock(&d->lock);
	d->stopping = true;
	pthread_cond_signal(&d->wake);
	pthread_mutex_unlock(&d->lock);
	pthread_join(d->thread, NULL);
	pthread_cond_destroy(&d->wake);
	pthread_mutex_destroy(&d->lock);
	free(d);
}
