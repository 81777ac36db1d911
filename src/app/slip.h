/* slip.h — the payment and refund slips a receipt printer gets: the
 * store, the order, its lines, VAT per rate and how it was paid, at the
 * printer's width (32, 42 or 48 columns, a column per character), in the
 * language in use (i18n_language): labels through gettext, and each
 * line's Kazakh name (name_kk) on a Kazakh slip when it has one.
 *
 * A line prints "quantity × price" with its gross (quantity × price), a
 * line sold by measure "0,350 кг × 4 290,00/кг" with its gross;
 * a discounted one then its discount (negative) and what it comes to
 * after the discount, so that the figures add up on the paper.
 *
 * A slip is no fiscal receipt: under its title every slip says so in
 * Kazakh and Russian, SLIP_NOT_FISCAL_KK / SLIP_NOT_FISCAL_RU (fixed
 * words, like a fiscal receipt's, not the cashier's language), one line
 * at 42 and 48 columns, two at 32. It is what the till prints with
 * [fiscal] provider = none; a receipt registered with the cash register
 * prints as app/receipt.h's fiscal receipt instead. */
#ifndef KP_APP_SLIP_H
#define KP_APP_SLIP_H

#include <stddef.h>

#include "app/config.h"
#include "store/journal.h"
#include "store/refunds.h"

#define SLIP_NOT_FISCAL_KK "ФИСКАЛДЫҚ ЕМЕС ЧЕК"
#define SLIP_NOT_FISCAL_RU "НЕФИСКАЛЬНЫЙ ЧЕК"

/* A malloc'd slip for a paid sale in any tender (NULL when out of
 * memory): its lines, the total and VAT, then how it was paid — a Kaspi
 * order its payment id; a cash, card or split sale each of its n_tenders
 * tenders (journal_tenders; the unpaid Kaspi tries left out), cash with
 * what was given and the change, card with its approval code — and last
 * the order id as a code line (core/escpos.h: a QR on the paper), for a
 * return: the journal screen opens the order it is scanned on. */
char *slip_sale(const struct kp_config *cfg, const struct journal_order *o,
                const struct journal_line *lines, size_t n_lines,
                const struct journal_tender *tenders, size_t n_tenders);

/* slip_sale of a Kaspi order (no tenders). */
char *slip_payment(const struct kp_config *cfg, const struct journal_order *o,
                   const struct journal_line *lines, size_t n_lines);

/* A malloc'd slip for a refund of order o (NULL: a return without a
 * receipt), saying where it went back: through Kaspi with the server's
 * refund id, in cash or to the card. */
char *slip_refund(const struct kp_config *cfg, const struct journal_order *o,
                  const struct refund *r);

#endif
