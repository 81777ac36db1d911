/* sale.c — see sale.h. */
#include "app/sale.h"

#include <stdio.h>
#include <stdlib.h>

#include "app/i18n.h"

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
