/* worker.c — see worker.h. One mutex guards both lists; the condition
 * variable wakes the thread for jobs, the pipe wakes the UI for results. */
#include "app/worker.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/apiclient.h"

struct job_node {
	struct worker_job job;
	char *body;                /* owned copy of job.body */
	struct job_node *next;
};

struct result_node {
	struct worker_result *result;
	struct result_node *next;
};

struct worker {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct job_node *jobs, *jobs_tail;       /* waiting jobs */
	struct result_node *results, *results_tail;
	size_t running;                          /* 1 while a job runs */
	bool stopping;
	bool finished;                           /* the thread has left its loop */
	int pipe_r, pipe_w;
	struct kp_config cfg;                    /* copy: the thread reads [api] */
};

/* Health checks get their own handle with a short time-out, so that a
 * check stuck on a bad network holds a payment back for 3 s at most. */
#define HEALTH_TIMEOUT_MS 3000L

static struct worker_result *run_job(xpay_client *client, xpay_client *health,
                                     const xpay_result *setup, const struct job_node *n)
{
	struct worker_result *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->kind = n->job.kind;
	r->tag = n->job.tag;
	if (!client) {
		r->res = *setup;
		return r;
	}
	switch (n->job.kind) {
	case JOB_HEALTH:
		xpay_health_get(health ? health : client, &r->u.health, &r->res);
		break;
	case JOB_CREATE:
		xpay_create_send(client, n->body, n->job.len, &r->u.created, &r->res);
		break;
	case JOB_STATUS:
		xpay_payment_get(client, n->job.payment_id, &r->u.payment, &r->res);
		break;
	case JOB_CANCEL:
		xpay_cancel(client, n->job.payment_id, &r->u.payment, &r->res);
		break;
	case JOB_REFUND:
		xpay_refund_send(client, n->body, n->job.len, &r->u.refund, &r->res);
		break;
	}
	return r;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	sigset_t all;
	xpay_result setup;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	xpay_client *client = apiclient_new(&w->cfg, NULL, &setup);
	xpay_result health_setup;
	struct kp_config quick = w->cfg;
	if (quick.api.timeout * 1000L > HEALTH_TIMEOUT_MS)
		quick.api.timeout = (int)(HEALTH_TIMEOUT_MS / 1000);
	if (quick.api.connect_timeout > quick.api.timeout)
		quick.api.connect_timeout = quick.api.timeout;
	xpay_client *health = client ? apiclient_new(&quick, NULL, &health_setup) : NULL;
	explicit_bzero(&quick, sizeof quick);
	/* the copy of the key is not needed past this point */
	explicit_bzero(w->cfg.api.key, sizeof w->cfg.api.key);

	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!w->jobs && !w->stopping)
			pthread_cond_wait(&w->cond, &w->lock);
		if (w->stopping)
			break;
		struct job_node *n = w->jobs;
		w->jobs = n->next;
		if (!w->jobs)
			w->jobs_tail = NULL;
		w->running = 1;
		pthread_mutex_unlock(&w->lock);

		struct worker_result *r = run_job(client, health, &setup, n);
		free(n->body);
		free(n);

		pthread_mutex_lock(&w->lock);
		w->running = 0;
		struct result_node *rn = r ? calloc(1, sizeof *rn) : NULL;
		if (rn) {
			rn->result = r;
			if (w->results_tail)
				w->results_tail->next = rn;
			else
				w->results = rn;
			w->results_tail = rn;
			ssize_t ignored = write(w->pipe_w, "!", 1); /* full pipe: already awake */
			(void)ignored;
		} else {
			free(r);
		}
	}
	w->finished = true;
	pthread_mutex_unlock(&w->lock);
	xpay_client_free(client);
	xpay_client_free(health);
	return NULL;
}

struct worker *worker_start(const struct kp_config *cfg)
{
	struct worker *w = calloc(1, sizeof *w);
	int fds[2];

	if (!w)
		return NULL;
	if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) {
		free(w);
		return NULL;
	}
	w->pipe_r = fds[0];
	w->pipe_w = fds[1];
	w->cfg = *cfg;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
		close(fds[0]);
		close(fds[1]);
		explicit_bzero(&w->cfg, sizeof w->cfg);
		free(w);
		return NULL;
	}
	return w;
}

bool worker_submit(struct worker *w, const struct worker_job *job)
{
	struct job_node *n = calloc(1, sizeof *n);
	if (!n)
		return false;
	n->job = *job;
	if (job->body) {
		n->body = malloc(job->len + 1);
		if (!n->body) {
			free(n);
			return false;
		}
		memcpy(n->body, job->body, job->len);
		n->body[job->len] = '\0';
	}
	n->job.body = n->body;

	pthread_mutex_lock(&w->lock);
	if (w->stopping) {
		pthread_mutex_unlock(&w->lock);
		free(n->body);
		free(n);
		return false;
	}
	if (job->kind != JOB_HEALTH) {
		/* a payment's request goes before any health check waiting */
		struct job_node **at = &w->jobs;
		while (*at && (*at)->job.kind != JOB_HEALTH)
			at = &(*at)->next;
		n->next = *at;
		*at = n;
		if (!n->next)
			w->jobs_tail = n;
	} else {
		if (w->jobs_tail)
			w->jobs_tail->next = n;
		else
			w->jobs = n;
		w->jobs_tail = n;
	}
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	return true;
}

int worker_fd(const struct worker *w)
{
	return w->pipe_r;
}

bool worker_take(struct worker *w, struct worker_result **out)
{
	char drain[64];

	pthread_mutex_lock(&w->lock);
	struct result_node *rn = w->results;
	if (rn) {
		w->results = rn->next;
		if (!w->results)
			w->results_tail = NULL;
	} else {
		/* nothing left: empty the pipe so poll() sleeps again */
		while (read(w->pipe_r, drain, sizeof drain) > 0)
			;
	}
	pthread_mutex_unlock(&w->lock);
	if (!rn)
		return false;
	*out = rn->result;
	free(rn);
	return true;
}

void worker_result_free(struct worker_result *r)
{
	free(r);
}

size_t worker_pending(struct worker *w)
{
	size_t n = 0;
	pthread_mutex_lock(&w->lock);
	for (struct job_node *j = w->jobs; j; j = j->next)
		n++;
	n += w->running;
	pthread_mutex_unlock(&w->lock);
	return n;
}

void worker_stop(struct worker *w, long grace_ms)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	struct job_node *j = w->jobs;
	w->jobs = w->jobs_tail = NULL;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	while (j) {
		struct job_node *next = j->next;
		free(j->body);
		free(j);
		j = next;
	}

	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += grace_ms / 1000;
	deadline.tv_nsec += (grace_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	if (pthread_timedjoin_np(w->thread, NULL, &deadline) != 0) {
		/* A request still hangs; it ends within its own time-out, and the
		 * process is on its way out. Leave the thread and its state. */
		pthread_detach(w->thread);
		return;
	}
	struct worker_result *r;
	while (worker_take(w, &r))
		worker_result_free(r);
	close(w->pipe_r);
	close(w->pipe_w);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cond);
	explicit_bzero(&w->cfg, sizeof w->cfg);
	free(w);
}
