/* mailbox.c — see mailbox.h. One mutex guards both lists; the condition
 * variable wakes the helper for jobs, the pipe wakes the owner for
 * results. */
#include "app/mailbox.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

struct fifo {
	struct mailbox_node *head, *tail;
};

struct mailbox {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct fifo jobs, results;
	struct mailbox_node *last_urgent; /* the last urgent job waiting, or NULL */
	size_t running;                   /* jobs taken and not yet answered */
	bool stopping;
	int pipe_r, pipe_w;
};

struct mailbox *mailbox_new(void)
{
	struct mailbox *m = calloc(1, sizeof *m);
	int fds[2];

	if (!m)
		return NULL;
	if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) {
		free(m);
		return NULL;
	}
	m->pipe_r = fds[0];
	m->pipe_w = fds[1];
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->cond, NULL);
	return m;
}

static void fifo_push(struct fifo *f, struct mailbox_node *n)
{
	n->next = NULL;
	if (f->tail)
		f->tail->next = n;
	else
		f->head = n;
	f->tail = n;
}

static struct mailbox_node *fifo_pop(struct fifo *f)
{
	struct mailbox_node *n = f->head;
	if (n) {
		f->head = n->next;
		if (!f->head)
			f->tail = NULL;
		n->next = NULL;
	}
	return n;
}

bool mailbox_post(struct mailbox *m, struct mailbox_node *n)
{
	pthread_mutex_lock(&m->lock);
	if (m->stopping) {
		pthread_mutex_unlock(&m->lock);
		return false;
	}
	if (n->urgent) {
		/* after the urgent ones waiting, before the rest */
		struct mailbox_node **at = m->last_urgent ? &m->last_urgent->next : &m->jobs.head;
		n->next = *at;
		*at = n;
		if (!n->next)
			m->jobs.tail = n;
		m->last_urgent = n;
	} else {
		fifo_push(&m->jobs, n);
	}
	pthread_cond_signal(&m->cond);
	pthread_mutex_unlock(&m->lock);
	return true;
}

struct mailbox_node *mailbox_wait(struct mailbox *m)
{
	struct mailbox_node *n = NULL;
	pthread_mutex_lock(&m->lock);
	while (!m->jobs.head && !m->stopping)
		pthread_cond_wait(&m->cond, &m->lock);
	if (!m->stopping) {
		n = fifo_pop(&m->jobs);
		if (n == m->last_urgent)
			m->last_urgent = NULL;
		m->running++;
	}
	pthread_mutex_unlock(&m->lock);
	return n;
}

void mailbox_reply(struct mailbox *m, struct mailbox_node *result)
{
	pthread_mutex_lock(&m->lock);
	if (m->running)
		m->running--;
	fifo_push(&m->results, result);
	ssize_t ignored = write(m->pipe_w, "!", 1); /* a full pipe: the owner is awake already */
	(void)ignored;
	pthread_mutex_unlock(&m->lock);
}

int mailbox_fd(const struct mailbox *m)
{
	return m->pipe_r;
}

struct mailbox_node *mailbox_take(struct mailbox *m)
{
	char drain[64];
	pthread_mutex_lock(&m->lock);
	struct mailbox_node *n = fifo_pop(&m->results);
	if (!n)
		while (read(m->pipe_r, drain, sizeof drain) > 0)
			;
	pthread_mutex_unlock(&m->lock);
	return n;
}

size_t mailbox_pending(struct mailbox *m)
{
	size_t n = 0;
	pthread_mutex_lock(&m->lock);
	for (struct mailbox_node *j = m->jobs.head; j; j = j->next)
		n++;
	n += m->running;
	pthread_mutex_unlock(&m->lock);
	return n;
}

struct mailbox_node *mailbox_stop(struct mailbox *m)
{
	pthread_mutex_lock(&m->lock);
	m->stopping = true;
	struct mailbox_node *dropped = m->jobs.head;
	m->jobs.head = m->jobs.tail = m->last_urgent = NULL;
	pthread_cond_broadcast(&m->cond);
	pthread_mutex_unlock(&m->lock);
	return dropped;
}

void mailbox_free(struct mailbox *m)
{
	if (!m)
		return;
	close(m->pipe_r);
	close(m->pipe_w);
	pthread_mutex_destroy(&m->lock);
	pthread_cond_destroy(&m->cond);
	free(m);
}
