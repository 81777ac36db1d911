/* printq.c — see printq.h. The jobs and results go through a mailbox
 * (app/mailbox.h); each job carries the room for its result. */
#include "app/printq.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/mailbox.h"

/* One print job and its result, allocated together at submit. */
struct pjob {
	struct mailbox_node job_node;
	struct mailbox_node result_node;
	char what[PRINTQ_WHAT_SIZE];
	struct printq_result result;
	bool drawer;                  /* open the cash drawer instead of printing text */
	char text[];                  /* the copied text, NUL-terminated */
};

struct printq {
	pthread_t thread;
	struct mailbox *mb;
	struct kp_config cfg;   /* the [printer] settings it prints with */
};

static void *printq_main(void *arg)
{
	struct printq *q = arg;
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);

	for (struct mailbox_node *jn; (jn = mailbox_wait(q->mb)) != NULL;) {
		struct pjob *j = MAILBOX_OWNER(jn, struct pjob, job_node);
		j->result.status = j->drawer
		                       ? print_drawer_kick(&q->cfg, 0, j->result.err, sizeof j->result.err)
		                       : print_text(&q->cfg, j->text, j->result.err, sizeof j->result.err);
		snprintf(j->result.what, sizeof j->result.what, "%s", j->what);
		j->result.drawer = j->drawer;
		mailbox_reply(q->mb, &j->result_node);
	}
	return NULL;
}

struct printq *printq_start(const struct kp_config *cfg)
{
	struct printq *q = calloc(1, sizeof *q);
	if (!q)
		return NULL;
	if (!(q->mb = mailbox_new())) {
		free(q);
		return NULL;
	}
	q->cfg = *cfg;
	/* printing needs no secret: drop the copies */
	explicit_bzero(q->cfg.api.key, sizeof q->cfg.api.key);
	explicit_bzero(q->cfg.api.webhook_secret, sizeof q->cfg.api.webhook_secret);
	if (pthread_create(&q->thread, NULL, printq_main, q) != 0) {
		mailbox_free(q->mb);
		free(q);
		return NULL;
	}
	return q;
}

static bool submit(struct printq *q, const char *text, const char *what, bool drawer)
{
	size_t len = strlen(text);
	struct pjob *j = calloc(1, sizeof *j + len + 1);
	if (!j)
		return false;
	memcpy(j->text, text, len + 1);
	snprintf(j->what, sizeof j->what, "%s", what);
	j->drawer = drawer;
	if (!mailbox_post(q->mb, &j->job_node)) {
		free(j);
		return false;
	}
	return true;
}

bool printq_submit(struct printq *q, const char *text, const char *what)
{
	return submit(q, text, what, false);
}

bool printq_drawer(struct printq *q, const char *what)
{
	return submit(q, "", what, true);
}

int printq_fd(const struct printq *q)
{
	return mailbox_fd(q->mb);
}

bool printq_take(struct printq *q, struct printq_result *out)
{
	struct mailbox_node *rn = mailbox_take(q->mb);
	if (!rn)
		return false;
	struct pjob *j = MAILBOX_OWNER(rn, struct pjob, result_node);
	*out = j->result;
	free(j);
	return true;
}

void printq_stop(struct printq *q)
{
	if (!q)
		return;
	for (struct mailbox_node *j = mailbox_stop(q->mb), *next; j; j = next) {
		next = j->next;
		free(MAILBOX_OWNER(j, struct pjob, job_node));
	}
	/* the job in hand ends within the printer's time-out */
	pthread_join(q->thread, NULL);
	struct printq_result r;
	while (printq_take(q, &r))
		;
	mailbox_free(q->mb);
	free(q);
}
