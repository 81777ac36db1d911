/* printq.c — see printq.h. One mutex guards both lists. */
#include "app/printq.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct pjob {
	char *text;
	char what[PRINTQ_WHAT_SIZE];
	struct pjob *next;
};

struct pres {
	struct printq_result r;
	struct pres *next;
};

struct printq {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct pjob *jobs, *jobs_tail;
	struct pres *results, *results_tail;
	bool stopping;
	int pipe_r, pipe_w;
	struct kp_config cfg;   /* the [printer] settings it prints with */
};

static void *printq_main(void *arg)
{
	struct printq *q = arg;
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);

	pthread_mutex_lock(&q->lock);
	for (;;) {
		while (!q->jobs && !q->stopping)
			pthread_cond_wait(&q->cond, &q->lock);
		if (q->stopping)
			break;
		struct pjob *j = q->jobs;
		q->jobs = j->next;
		if (!q->jobs)
			q->jobs_tail = NULL;
		pthread_mutex_unlock(&q->lock);

		struct pres *p = calloc(1, sizeof *p);
		if (p) {
			p->r.status = print_text(&q->cfg, j->text, p->r.err, sizeof p->r.err);
			snprintf(p->r.what, sizeof p->r.what, "%s", j->what);
		}
		free(j->text);
		free(j);

		pthread_mutex_lock(&q->lock);
		if (p) {
			if (q->results_tail)
				q->results_tail->next = p;
			else
				q->results = p;
			q->results_tail = p;
			ssize_t ignored = write(q->pipe_w, "!", 1);
			(void)ignored;
		}
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

struct printq *printq_start(const struct kp_config *cfg)
{
	struct printq *q = calloc(1, sizeof *q);
	int fds[2];
	if (!q)
		return NULL;
	if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) {
		free(q);
		return NULL;
	}
	q->pipe_r = fds[0];
	q->pipe_w = fds[1];
	q->cfg = *cfg;
	/* printing needs no secret: drop the copies */
	explicit_bzero(q->cfg.api.key, sizeof q->cfg.api.key);
	explicit_bzero(q->cfg.api.webhook_secret, sizeof q->cfg.api.webhook_secret);
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->cond, NULL);
	if (pthread_create(&q->thread, NULL, printq_main, q) != 0) {
		close(fds[0]);
		close(fds[1]);
		free(q);
		return NULL;
	}
	return q;
}

bool printq_submit(struct printq *q, const char *text, const char *what)
{
	struct pjob *j = calloc(1, sizeof *j);
	if (!j || !(j->text = strdup(text))) {
		free(j);
		return false;
	}
	snprintf(j->what, sizeof j->what, "%s", what);
	pthread_mutex_lock(&q->lock);
	if (q->jobs_tail)
		q->jobs_tail->next = j;
	else
		q->jobs = j;
	q->jobs_tail = j;
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
	return true;
}

int printq_fd(const struct printq *q)
{
	return q->pipe_r;
}

bool printq_take(struct printq *q, struct printq_result *out)
{
	char drain[64];
	pthread_mutex_lock(&q->lock);
	struct pres *p = q->results;
	if (p) {
		q->results = p->next;
		if (!q->results)
			q->results_tail = NULL;
	} else {
		while (read(q->pipe_r, drain, sizeof drain) > 0)
			;
	}
	pthread_mutex_unlock(&q->lock);
	if (!p)
		return false;
	*out = p->r;
	free(p);
	return true;
}

void printq_stop(struct printq *q)
{
	if (!q)
		return;
	pthread_mutex_lock(&q->lock);
	q->stopping = true;
	struct pjob *j = q->jobs;
	q->jobs = q->jobs_tail = NULL;
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
	while (j) {
		struct pjob *next = j->next;
		free(j->text);
		free(j);
		j = next;
	}
	/* the job in hand ends within the printer's time-out */
	pthread_join(q->thread, NULL);
	struct printq_result r;
	while (printq_take(q, &r))
		;
	close(q->pipe_r);
	close(q->pipe_w);
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->cond);
	free(q);
}
