/* sale.c — see sale.h. */
#include "app/sale.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/i18n.h"
#include "app/payflow.h"

enum journal_method sale_method_of(enum tender_kind kind)
{
	switch (kind) {
	case TENDER_PHONE:
		return JOURNAL_PHONE;
	case TENDER_CASH:
		return JOURNAL_CASH;
	case TENDER_CARD:
		return JOURNAL_CARD;
	case TENDER_QR:
	default:
		return JOURNAL_QR;
	}
}

struct journal_tender sale_tender_of(const struct tender_part *p, const char *approval)
{
	struct journal_tender t = {.kind = sale_method_of(p->kind), .amount = p->amount};
	if (p->kind == TENDER_CASH) {
		t.given = p->given;
		t.change = p->change;
	}
	if (p->kind == TENDER_CARD && approval)
		snprintf(t.approval, sizeof t.approval, "%s", approval);
	return t;
}

/* Writes the basket's lines with tender t (NULL: a split sale to open). */
static bool write_sale(store_db *db, const struct kp_config *cfg, const struct basket *b,
                       int64_t user_id, int64_t shift_id, const struct journal_tender *t,
                       int64_t *id, char moid[JOURNAL_ORDER_ID_SIZE], char *message, size_t size)
{
	struct journal_line *lines = calloc(b->count ? b->count : 1, sizeof *lines);
	enum basket_status bs = lines ? payflow_journal_lines(b, lines) : BASKET_ERR_NO_MEMORY;
	store_err err;
	if (bs != BASKET_OK) {
		free(lines);
		snprintf(message, size, "%s", _(basket_status_message(bs)));
		return false;
	}
	struct journal_new n = {.till_id = cfg->till.id, .shift_id = shift_id, .user_id = user_id,
	                        .method = t ? t->kind : JOURNAL_SPLIT, .amount = basket_total(b)};
	store_status st = t ? journal_record_sale(db, &n, lines, b->count, t, id, moid, &err)
	                    : journal_open_split(db, &n, lines, b->count, id, moid, &err);
	free(lines);
	if (st != STORE_OK) {
		snprintf(message, size, "%s", kp_msg_text(&err.msg));
		return false;
	}
	message[0] = '\0';
	return true;
}

bool sale_record(store_db *db, const struct kp_config *cfg, const struct basket *b,
                 int64_t user_id, int64_t shift_id, const struct journal_tender *t, int64_t *id,
                 char moid[JOURNAL_ORDER_ID_SIZE], char *message, size_t size)
{
	return write_sale(db, cfg, b, user_id, shift_id, t, id, moid, message, size);
}

/* ---- the split sales' locks --------------------------------------------- */

/* path gets the journal's path with suffix; false when it does not fit. */
static bool lock_path(store_db *db, const char *suffix, char *path, size_t size)
{
	int n = snprintf(path, size, "%s%s", db_path(db), suffix);
	return n > 0 && (size_t)n < size;
}

/* Opens (creating) path and flocks it (how: LOCK_SH, LOCK_EX, | LOCK_NB):
 * the descriptor, or -1 with errno (EWOULDBLOCK: another holds it). A file
 * removed by its holder between the open and the lock is not the path's
 * any more: it is opened again. */
static int lock_file(const char *path, int how)
{
	for (int tries = 0; tries < 16; tries++) {
		int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0)
			return -1;
		int rc;
		while ((rc = flock(fd, how)) != 0 && errno == EINTR)
			;
		if (rc != 0) {
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		struct stat held, now;
		if (fstat(fd, &held) == 0 && stat(path, &now) == 0 && held.st_dev == now.st_dev &&
		    held.st_ino == now.st_ino)
			return fd;
		close(fd);
	}
	errno = EAGAIN;
	return -1;
}

/* The lock of split sale moid, into *lock: how as lock_file's. */
static bool lock_sale(store_db *db, const char *moid, int how, struct sale_lock *lock)
{
	char suffix[JOURNAL_ORDER_ID_SIZE + 16];
	snprintf(suffix, sizeof suffix, "-split-%s.lock", moid);
	*lock = SALE_LOCK_NONE;
	if (!lock_path(db, suffix, lock->path, sizeof lock->path)) {
		errno = ENAMETOOLONG;
		return false;
	}
	lock->fd = lock_file(lock->path, how);
	return lock->fd >= 0;
}

/* The gate (sale.h), held how; -1 with the message. */
static int take_gate(store_db *db, int how, char *message, size_t size)
{
	char path[SALE_LOCK_PATH_MAX];
	int fd = -1;
	errno = ENAMETOOLONG;
	if (!lock_path(db, "-split.lock", path, sizeof path) || (fd = lock_file(path, how)) < 0)
		snprintf(message, size, _("the split sales' lock %s could not be taken: %s"), path,
		         strerror(errno));
	return fd;
}

void sale_lock_release(struct sale_lock *lock, bool settled)
{
	if (lock->fd < 0)
		return;
	if (settled)
		unlink(lock->path); /* while held: a taker that finds it gone opens the new one */
	close(lock->fd);
	lock->fd = -1;
}

enum sale_lock_try sale_lock_try(store_db *db, const char *moid, struct sale_lock *lock,
                                 char *message, size_t size)
{
	message[0] = '\0';
	if (lock_sale(db, moid, LOCK_EX | LOCK_NB, lock))
		return SALE_LOCK_TAKEN;
	if (errno == EWOULDBLOCK)
		return SALE_LOCK_BUSY;
	snprintf(message, size, _("the lock %s could not be taken: %s"), lock->path, strerror(errno));
	return SALE_LOCK_FAILED;
}

bool sale_pending_splits(store_db *db, struct journal_order **out, size_t *count, char *message,
                         size_t size)
{
	store_err err;
	*out = NULL;
	*count = 0;
	message[0] = '\0';
	int gate = take_gate(db, LOCK_EX, message, size);
	if (gate < 0)
		return false;
	store_status st = journal_open_splits(db, out, count, &err);
	close(gate);
	if (st != STORE_OK) {
		snprintf(message, size, "%s", kp_msg_text(&err.msg));
		return false;
	}
	return true;
}

bool sale_open_split(store_db *db, const struct kp_config *cfg, const struct basket *b,
                     int64_t user_id, int64_t shift_id, int64_t *id,
                     char moid[JOURNAL_ORDER_ID_SIZE], struct sale_lock *lock, char *message,
                     size_t size)
{
	int64_t row = 0;
	*lock = SALE_LOCK_NONE;
	/* the gate first: reconcile lists no split sale between its row and its lock */
	int gate = take_gate(db, LOCK_SH, message, size);
	if (gate < 0)
		return false;
	if (!write_sale(db, cfg, b, user_id, shift_id, NULL, &row, moid, message, size)) {
		close(gate);
		return false;
	}
	bool locked = lock_sale(db, moid, LOCK_EX, lock);
	int e = errno;
	close(gate);
	if (!locked) {
		store_err err;
		snprintf(message, size, _("the lock %s could not be taken: %s"), lock->path, strerror(e));
		/* nothing was taken for it: it goes, rather than wait for reconcile */
		if (journal_move(db, row, JOURNAL_PENDING, JOURNAL_CANCELLED, user_id,
		                 N_("the sale was given up"), &err) != STORE_OK)
			snprintf(message + strlen(message), size - strlen(message), "; %s",
			         kp_msg_text(&err.msg));
		return false;
	}
	if (id)
		*id = row;
	return true;
}

bool sale_give_up_split(store_db *db, int64_t id, int64_t user_id, struct sale_paid_part *paid,
                        size_t cap, size_t *n, char *message, size_t size)
{
	struct journal_tender *t = NULL;
	size_t count = 0;
	store_err err;
	int64_t sum = 0;
	int open = 0;

	*n = 0;
	message[0] = '\0';
	if (journal_split_paid(db, id, &sum, &open, &err) != STORE_OK ||
	    journal_tenders(db, id, &t, &count, &err) != STORE_OK) {
		snprintf(message, size, "%s", kp_msg_text(&err.msg));
		return false;
	}
	if (open > 0) {
		free(t);
		snprintf(message, size, "%s", _("a Kaspi part of the sale is still open: wait for its outcome"));
		return false;
	}
	for (size_t i = 0; i < count; i++) {
		struct journal_order o;
		if (!t[i].part_order || !journal_state_is_sale(t[i].part_state))
			continue;
		if (*n < cap && journal_get(db, t[i].part_order, &o, &err) == STORE_OK) {
			paid[*n].order_id = o.id;
			snprintf(paid[*n].merchant_order_id, sizeof paid[*n].merchant_order_id, "%s",
			         o.merchant_order_id);
			paid[*n].amount = t[i].amount;
			(*n)++;
		}
	}
	free(t);
	enum journal_state to = sum > 0 ? JOURNAL_ABANDONED : JOURNAL_CANCELLED;
	if (journal_move(db, id, JOURNAL_PENDING, to, user_id, N_("the sale was given up"), &err) !=
	    STORE_OK) {
		snprintf(message, size, "%s", kp_msg_text(&err.msg));
		return false;
	}
	return true;
}
