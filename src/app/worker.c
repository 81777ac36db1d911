/* worker.c — see worker.h. The jobs and results go through a mailbox
 * (app/mailbox.h); each job carries the room for its result. */
#include "app/worker.h"

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/apiclient.h"
#include "app/mailbox.h"

/* One job and its result in one allocation, made when the job is
 * submitted: the thread only fills the result in, so an accepted job
 * always comes back (an out-of-memory fails the submit instead). */
struct wjob {
	struct mailbox_node job_node;    /* in the mailbox's job list */
	struct mailbox_node result_node; /* in its result list */
	struct worker_job job;
	struct worker_result result;
	char body[];                     /* job.len bytes and a NUL: the copied body */
};

struct worker {
	pthread_t thread;
	struct mailbox *mb;
	struct kp_config cfg;                    /* copy: the thread reads [api] */
};

/* Health checks get their own handle with a short time-out, so that a
 * check stuck on a bad network holds a payment back for 3 s at most. */
#define HEALTH_TIMEOUT_MS 3000L

/* Runs job n into its own result. */
static void run_job(xpay_client *client, xpay_client *health, const xpay_result *setup,
                    struct wjob *n)
{
	struct worker_result *r = &n->result;
	r->kind = n->job.kind;
	r->tag = n->job.tag;
	if (!client) {
		r->res = *setup;
		return;
	}
	xpay_kind kind = XPAY_ERR_INVALID;
	switch (n->job.kind) {
	case JOB_HEALTH:
		kind = xpay_health_get(health ? health : client, &r->u.health, &r->res);
		break;
	case JOB_CREATE:
		kind = xpay_create_send(client, n->body, n->job.len, &r->u.created, &r->res);
		break;
	case JOB_STATUS:
		kind = xpay_payment_get(client, n->job.payment_id, &r->u.payment, &r->res);
		break;
	case JOB_CANCEL:
		kind = xpay_cancel(client, n->job.payment_id, &r->u.payment, &r->res);
		break;
	case JOB_REFUND:
		kind = xpay_refund_send(client, n->body, n->job.len, &r->u.refund, &r->res);
		break;
	}
	r->res.kind = kind; /* what the UI thread reads (the call wrote it there too) */
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

	for (struct mailbox_node *jn; (jn = mailbox_wait(w->mb)) != NULL;) {
		struct wjob *n = MAILBOX_OWNER(jn, struct wjob, job_node);
		run_job(client, health, &setup, n);
		mailbox_reply(w->mb, &n->result_node);
	}
	xpay_client_free(client);
	xpay_client_free(health);
	return NULL;
}

struct worker *worker_start(const struct kp_config *cfg)
{
	struct worker *w = calloc(1, sizeof *w);

	if (!w)
		return NULL;
	if (!(w->mb = mailbox_new())) {
		free(w);
		return NULL;
	}
	w->cfg = *cfg;
	if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
		mailbox_free(w->mb);
		explicit_bzero(&w->cfg, sizeof w->cfg);
		free(w);
		return NULL;
	}
	return w;
}

bool worker_submit(struct worker *w, const struct worker_job *job)
{
	size_t len = job->body ? job->len : 0;
	if (len > SIZE_MAX - sizeof(struct wjob) - 1)
		return false;
	struct wjob *n = calloc(1, sizeof *n + len + 1);
	if (!n)
		return false;
	n->job = *job;
	if (job->body)
		memcpy(n->body, job->body, len);
	n->body[len] = '\0';
	n->job.body = job->body ? n->body : NULL;
	n->job.len = len;
	/* a payment's request goes before any health check waiting */
	n->job_node.urgent = job->kind != JOB_HEALTH;
	if (!mailbox_post(w->mb, &n->job_node)) {
		free(n);
		return false;
	}
	return true;
}

int worker_fd(const struct worker *w)
{
	return mailbox_fd(w->mb);
}

bool worker_take(struct worker *w, struct worker_result **out)
{
	struct mailbox_node *rn = mailbox_take(w->mb);
	if (!rn)
		return false;
	*out = &MAILBOX_OWNER(rn, struct wjob, result_node)->result;
	return true;
}

void worker_result_free(struct worker_result *r)
{
	if (r)
		free(MAILBOX_OWNER(r, struct wjob, result));
}

size_t worker_pending(struct worker *w)
{
	return mailbox_pending(w->mb);
}

void worker_stop(struct worker *w, long grace_ms)
{
	if (!w)
		return;
	for (struct mailbox_node *j = mailbox_stop(w->mb), *next; j; j = next) {
		next = j->next;
		free(MAILBOX_OWNER(j, struct wjob, job_node));
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
	mailbox_free(w->mb);
	explicit_bzero(&w->cfg, sizeof w->cfg);
	free(w);
}
