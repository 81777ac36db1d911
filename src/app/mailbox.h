/* mailbox.h — the one way a helper thread (the network worker, the print
 * thread) and the UI thread talk: a thread-safe FIFO of jobs for the
 * thread, a FIFO of results for the UI thread, a wake-up fd that is
 * readable while results wait, and a stop.
 *
 * Nodes are intrusive: the caller embeds a struct mailbox_node in its job
 * and in its result, and allocates both (with the room the thread will
 * fill) before it posts the job. The mailbox itself never allocates after
 * mailbox_new, so posting a result cannot fail: a job that was accepted
 * always comes back as a result, unless the mailbox is stopped first.
 *
 * Protocol:
 *   owner (UI thread)          helper thread
 *   mailbox_new
 *   mailbox_post(job)   ───▶  n = mailbox_wait()     (NULL: stop)
 *                              … runs the job …
 *   poll(mailbox_fd)    ◀───  mailbox_reply(result)
 *   mailbox_take() until NULL
 *   mailbox_stop → the jobs never started, for the owner to free
 *   (join the thread) mailbox_take() the last results, mailbox_free */
#ifndef KP_APP_MAILBOX_H
#define KP_APP_MAILBOX_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>

struct mailbox_node {
	struct mailbox_node *next;    /* the mailbox's link; the owner leaves it alone */
	bool urgent;                  /* a job that goes before every non-urgent one waiting */
};

/* The struct that holds member m, from a pointer to it. */
#define MAILBOX_OWNER(ptr, type, m) ((type *)(void *)((char *)(ptr) - offsetof(type, m)))

struct mailbox;

/* A new mailbox with its wake-up pipe; NULL when none can be had. */
struct mailbox *mailbox_new(void);

/* Queues job n (owner's side). An urgent job goes after the urgent ones
 * already waiting and before the others; else at the end. False when the
 * mailbox is stopping (n is not taken). */
bool mailbox_post(struct mailbox *m, struct mailbox_node *n) KP_MUST_CHECK;

/* The oldest job, blocking until there is one (helper's side); NULL once
 * the mailbox is stopping. The job counts as running until its reply. */
struct mailbox_node *mailbox_wait(struct mailbox *m);

/* Queues the result of the running job and wakes the owner (helper's
 * side). Never fails. */
void mailbox_reply(struct mailbox *m, struct mailbox_node *result);

/* The fd to poll for POLLIN: readable while results wait. */
int mailbox_fd(const struct mailbox *m);

/* The oldest result, or NULL when none waits (then the wake-up fd is
 * drained, so that poll sleeps again). */
struct mailbox_node *mailbox_take(struct mailbox *m);

/* Jobs queued or running. */
size_t mailbox_pending(struct mailbox *m);

/* Marks the mailbox stopping and wakes the helper; returns the jobs it
 * never started, linked by next, for the owner to free. */
struct mailbox_node *mailbox_stop(struct mailbox *m);

/* Frees the mailbox once its helper thread has ended (results not taken
 * are the owner's to take first). */
void mailbox_free(struct mailbox *m);

#endif
