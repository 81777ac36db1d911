/* sale.c — see sale.h. */
#include "app/sale.h"

#include <stdio.h>
#include <stdlib.h>

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

bool sale_open_split(store_db *db, const struct kp_config *cfg, const struct basket *b,
                     int64_t user_id, int64_t shift_id, int64_t *id,
                     char moid[JOURNAL_ORDER_ID_SIZE], char *message, size_t size)
{
	return write_sale(db, cfg, b, user_id, shift_id, NULL, id, moid, message, size);
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
