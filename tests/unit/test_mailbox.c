/* test_mailbox.c — the mailbox between the UI thread and a helper thread:
 * jobs in order (urgent ones first), every accepted job answered, the
 * wake-up fd readable while results wait, stop hands back the jobs never
 * started. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <cmocka.h>

#include "app/mailbox.h"

struct item {
	struct mailbox_node job, result;
	int n;
};

static struct item *item(int n, bool urgent)
{
	struct item *it = calloc(1, sizeof *it);
	assert_non_null(it);
	it->n = n;
	it->job.urgent = urgent;
	return it;
}

static int fd_readable(struct mailbox *m)
{
	struct pollfd p = {.fd = mailbox_fd(m), .events = POLLIN};
	return poll(&p, 1, 0);
}

static void jobs_come_out_in_order_urgent_ones_first(void **state)
{
	(void)state;
	struct mailbox *m = mailbox_new();
	assert_non_null(m);
	struct item *a = item(1, false), *b = item(2, true), *c = item(3, false), *d = item(4, true);
	assert_true(mailbox_post(m, &a->job));
	assert_true(mailbox_post(m, &b->job));
	assert_true(mailbox_post(m, &c->job));
	assert_true(mailbox_post(m, &d->job));
	assert_int_equal(mailbox_pending(m), 4);
	int want[] = {2, 4, 1, 3};
	for (int i = 0; i < 4; i++) {
		struct mailbox_node *n = mailbox_wait(m);
		assert_non_null(n);
		struct item *it = MAILBOX_OWNER(n, struct item, job);
		assert_int_equal(it->n, want[i]);
		mailbox_reply(m, &it->result);
	}
	assert_int_equal(mailbox_pending(m), 0);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(fd_readable(m), 1);
		struct mailbox_node *r = mailbox_take(m);
		assert_non_null(r);
		struct item *it = MAILBOX_OWNER(r, struct item, result);
		assert_int_equal(it->n, want[i]);
		free(it);
	}
	assert_null(mailbox_take(m));
	assert_int_equal(fd_readable(m), 0); /* drained: poll sleeps again */
	mailbox_free(m);
}

static void *answer_all(void *arg)
{
	struct mailbox *m = arg;
	for (struct mailbox_node *n; (n = mailbox_wait(m)) != NULL;)
		mailbox_reply(m, &MAILBOX_OWNER(n, struct item, job)->result);
	return NULL;
}

static void every_job_a_thread_takes_is_answered(void **state)
{
	(void)state;
	struct mailbox *m = mailbox_new();
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, answer_all, m), 0);
	for (int i = 0; i < 200; i++)
		assert_true(mailbox_post(m, &item(i, i % 3 == 0)->job));
	int got = 0;
	while (got < 200) {
		struct pollfd p = {.fd = mailbox_fd(m), .events = POLLIN};
		assert_int_equal(poll(&p, 1, 10000), 1);
		for (struct mailbox_node *r; (r = mailbox_take(m)) != NULL; got++)
			free(MAILBOX_OWNER(r, struct item, result));
	}
	assert_null(mailbox_stop(m));
	pthread_join(t, NULL);
	mailbox_free(m);
}

static void stop_hands_back_the_jobs_never_started(void **state)
{
	(void)state;
	struct mailbox *m = mailbox_new();
	struct item *a = item(1, false), *b = item(2, false);
	assert_true(mailbox_post(m, &a->job));
	assert_true(mailbox_post(m, &b->job));
	struct mailbox_node *left = mailbox_stop(m);
	assert_ptr_equal(left, &a->job);
	assert_ptr_equal(left->next, &b->job);
	assert_null(left->next->next);
	assert_null(mailbox_wait(m)); /* the helper sees the stop */
	struct item *c = item(3, false);
	assert_false(mailbox_post(m, &c->job));
	free(a);
	free(b);
	free(c);
	mailbox_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(jobs_come_out_in_order_urgent_ones_first),
		cmocka_unit_test(every_job_a_thread_takes_is_answered),
		cmocka_unit_test(stop_hands_back_the_jobs_never_started),
	};
	return cmocka_run_group_tests_name("mailbox", tests, NULL, NULL);
}
