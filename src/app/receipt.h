/* receipt.h — the printed fiscal receipt of a sale or a return
 * (../shared/FISCAL.md, "What the printed fiscal receipt carries"), from
 * the till's own data (the positions and payments it sent in the check)
 * and the register's answer (wk_ticket), at the printer's width (32, 42
 * or 48 columns, a column per character) in its code page.
 *
 * The labels are fixed text, Kazakh and Russian side by side ("САТУ /
 * ПРОДАЖА", "БАРЛЫҒЫ / ИТОГО", "ФБ / ФП"): a fiscal receipt's words are
 * set by law, not by the cashier's language, so they do not go through
 * gettext. A label pair that does not fit beside its value breaks after
 * the Kazakh half; free text (names, addresses) wraps at spaces, a word
 * longer than the line at a character.
 *
 * In order: КӨШІРМЕ / КОПИЯ (a reprint); the organisation and its ЖСН/БСН
 * (ИИН/БИН); the register's address in Kazakh and Russian; the operation;
 * АВТОНОМДЫ РЕЖИМ / АВТОНОМНЫЙ РЕЖИМ when the register worked offline; the
 * shift, the receipt's number in it, the cashier, the order (and for a
 * return the sale receipt's fiscal sign); each line: its number and name,
 * "quantity unit × unit price" and its gross, and when discounted its
 * discount and its cost (else the gross is the cost); the total, the VAT
 * of each rate (round half up on each rate group's total, as vat.h and
 * the slips do) and what carries none; each payment type with its sum
 * and the change; the fiscal sign (ФБ / ФП), the date and time (Almaty,
 * as the register gave it); the fiscal data operator and its site for
 * checking the receipt; ФИСКАЛДЫҚ ЧЕК / ФИСКАЛЬНЫЙ ЧЕК; the QR of
 * TicketUrl (a URL code line, core/escpos.h: GS ( k or a raster picture
 * as [printer] qr says; the URL as text in a preview or on a command
 * printer); the register's ИНК, РНМ and ЗНМ; КӨШІРМЕ / КОПИЯ again.
 *
 * Outside text — names from the catalog, every field of the register's
 * answer, the cashier's name — is made safe (core/text.h: no control
 * characters, no broken UTF-8), loses any code mark (escpos_unmark: no
 * name can make a QR), and is spelt as the printer's page prints it
 * (escpos_render: "тг" for ₸, '?' for what the page lacks; a command
 * printer, which gets UTF-8, as KZ-1048 spells it), so that a column
 * on the text is a column on the paper. The URL code line is the only
 * code line on a receipt, and only this module writes one.
 *
 * Sums: each line's cost is FISCAL.md's round_half_up(count × price /
 * 1000) − discount (what wk_position_cost computes); the total is the sum
 * of the costs; Σ payments − change is what the register checked equal
 * to it. Nothing here talks to the register or to the journal. */
#ifndef KP_APP_RECEIPT_H
#define KP_APP_RECEIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/config.h"
#include "net/webkassa.h"
#include "store/journal.h"
#include "store/refunds.h"

/* What a receipt prints. The positions and payments are the very arrays
 * of the check request (wk_check_req), so the paper says what the
 * register registered; the receipt_*_positions and receipt_*_payments
 * helpers below fill them from the journal. */
struct receipt_doc {
	enum wk_operation operation;  /* WK_OP_SALE or WK_OP_RETURN */
	const wk_position *lines;     /* name, count (thousandths), unit, price,
	                                 discount, VAT: as sent */
	size_t n_lines;
	const wk_payment *payments;   /* each type at most once, as sent */
	size_t n_payments;
	int64_t change;               /* tiyn given back of the cash payment */
	const char *order_id;         /* the till's order id (ExternalOrderNumber);
	                                 NULL or "": left out */
	const char *cashier;          /* the operator's name; NULL or "": the
	                                 register's EmployeeName */
	const char *basis;            /* a return: the sale receipt's fiscal sign
	                                 (wk_return_basis.check_number); NULL or "" */
	const wk_ticket *t;           /* the register's answer: required */
	bool copy;                    /* a reprint: marked КӨШІРМЕ / КОПИЯ */
};

/* The receipt's text, malloc'd (free()), UTF-8 lines of exactly
 * cfg->printer.width columns (32 … 48; other values print at 32), LF
 * ends, the URL code line among them; for print_text() as it is. NULL
 * when out of memory or doc->t is NULL. */
char *receipt_text(const struct kp_config *cfg, const struct receipt_doc *doc);

/* FISCAL.md's cost of one line: round_half_up(count × price / 1000) −
 * discount, tiyn. */
int64_t receipt_line_cost(const wk_position *p);

/* Σ receipt_line_cost of doc's lines: the receipt's total. */
int64_t receipt_total(const struct receipt_doc *doc);

/* ---- from the journal ----------------------------------------------------- */

/* The positions of a sale: its live lines (voided ones left out) in
 * order, at most max, into out; returns how many. A piece line counts
 * quantity × 1000 at its unit price, a line sold by measure its weight
 * (thousandths) at its price per unit with the unit's fiscal code;
 * discount as journaled, so that each cost is the line's total. VAT
 * (TaxType 100) at the line's rate, none for a rate of 0. Names, SKU and
 * barcode point into lines (the Russian name: what the register keeps). */
size_t receipt_sale_positions(const struct journal_line *lines, size_t n_lines,
                              wk_position *out, size_t max);

/* The payments of a sale, one per type (cash, card, mobile) into out[3]
 * in that order of first use; returns how many, *change the change. A
 * Kaspi order (qr, phone) without tenders is one mobile payment of its
 * amount; else each paid tender (the unpaid Kaspi tries left out, as on
 * the slip) adds to its type: cash what was given, card and Kaspi their
 * amount, so that Σ − change is the sale's amount. */
size_t receipt_sale_payments(const struct journal_order *o, const struct journal_tender *tenders,
                             size_t n_tenders, wk_payment out[3], int64_t *change);

/* The positions of a return: its parts (refund_part of each refund row of
 * the return, in order). Parts by lines naming the same line become one
 * position (a split refund tags a line on its first piece only): its
 * units at the line's price, its name, the difference between their gross
 * and the amount as discount, so that the cost is the amount given back.
 * Parts by amount (line_no 0) become one position per VAT rate named
 * by_amount_name (e.g. the order's description; NULL: "Тауар / Товар"),
 * count 1, price the amount. A part naming no line of lines counts as one
 * by amount. At most max into out; returns how many. Names point into
 * lines or by_amount_name. */
size_t receipt_return_positions(const struct journal_line *lines, size_t n_lines,
                                const struct refund_part *parts, size_t n_parts,
                                const char *by_amount_name, wk_position *out, size_t max);

/* The payments of a return: each refund row's amount to the type it went
 * back to (cash, card; Kaspi QR and phone are mobile), one per type, into
 * out[3]; returns how many. A return has no change. */
size_t receipt_return_payments(const struct refund *rows, size_t n_rows, wk_payment out[3]);

/* The payment type of a tender: cash 0, card 1, Kaspi (qr, phone) 4. */
enum wk_pay_type receipt_pay_type(enum journal_method m);

#endif
