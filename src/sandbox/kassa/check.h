/* check.h — the bodies of POST /api/v4/check, /MoneyOperation and
 * /Ticket/PrintFormat read and checked by every rule of FISCAL.md that
 * needs no stored state: types, ranges, decimals, each line's cost and VAT
 * to the tiyn, the payments against the total, the change against the
 * cash. What needs the ledger (the token, the register, a repeated
 * ExternalCheckNumber, the return's sale, the shift, the cash in the
 * register) is the ledger's (ledger.h).
 *
 * The ExternalCheckNumber is read first and kept even when a later rule
 * fails, since a repeated one (error 14) answers before validation (9).
 * Strings in a read document point into the parsed body, which must
 * outlive it. Pure: no I/O, no state. */
#ifndef KP_SANDBOX_KASSA_CHECK_H
#define KP_SANDBOX_KASSA_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "sandbox/kassa/reader.h"

#define CHECK_ECN_MAX 64         /* ExternalCheckNumber, bytes */
#define CHECK_LINES_MAX 1000     /* Positions per receipt */
#define CHECK_NAME_MAX 128       /* PositionName, characters */
#define CHECK_TEXT_MAX 64        /* PositionCode, SectionCode, ExternalOrderNumber */
#define CHECK_GTIN_MAX 14        /* digits */
#define CHECK_PAY_KINDS 3        /* cash, card, mobile */
#define KASSA_MONEY_MAX INT64_C(100000000000000)  /* tiyn in one field: 10^12 tenge */
#define KASSA_COUNT_MAX INT64_C(1000000000)       /* thousandths: a million units */

enum check_op { CHECK_SALE = 2, CHECK_RETURN = 3 };
enum pay_type { PAY_CASH = 0, PAY_CARD = 1, PAY_MOBILE = 4 };
enum unit_code { UNIT_METRE = 6, UNIT_LITRE = 112, UNIT_KG = 166, UNIT_PIECE = 796 };
enum money_op { MONEY_IN = 0, MONEY_OUT = 1 };
enum paper_kind { PAPER_80 = 0, PAPER_58 = 3 };

/* One of Positions[]. */
struct check_line {
	const char *name;       /* PositionName */
	const char *code;       /* PositionCode, or NULL */
	const char *section;    /* SectionCode, or NULL */
	const char *gtin;       /* GTIN, or NULL */
	int64_t count;          /* Count in thousandths */
	int64_t price;          /* Price, tiyn, VAT included */
	int64_t discount;       /* tiyn, for the whole line */
	int64_t markup;         /* tiyn, for the whole line */
	int64_t cost;           /* round half up (Count × Price) − Discount + Markup */
	int64_t tax;            /* Tax, checked against cost and rate */
	int rate;               /* TaxPercent */
	int tax_type;           /* TaxType: 0 or 100 */
	int unit;               /* UnitCode */
	int kind;               /* PositionType: 0 goods, 1 work, 2 service */
};

struct check_payment {
	int type;               /* enum pay_type */
	int64_t sum;            /* tiyn */
};

/* ReturnBasisDetails: the sale a return is against. */
struct check_basis {
	const char *number;     /* its CheckNumber */
	time_t at;              /* its DateTime */
	const char *rn;         /* RegistrationNumber */
	int64_t total;          /* tiyn */
	bool offline;           /* IsOffline */
};

struct check_doc {
	const char *ecn;        /* ExternalCheckNumber; NULL when it is missing or bad */
	const char *order_number; /* ExternalOrderNumber, or NULL */
	int op;                 /* enum check_op */
	struct check_line *lines; /* malloc'd */
	size_t nlines;
	struct check_payment pay[CHECK_PAY_KINDS]; /* in the order sent */
	size_t npay;
	int64_t change;
	int64_t total;          /* Σ cost */
	int64_t discount, markup, vat; /* Σ over the lines */
	bool has_basis;
	struct check_basis basis;
};

/* Reads a check body into doc; rd holds the first rule that failed.
 * check_doc_free afterwards, whatever the outcome. */
void check_read(const cJSON *root, struct check_doc *doc, struct reader *rd);
void check_doc_free(struct check_doc *doc);

/* The cash paid in doc (the PaymentType 0 sum), 0 when none. */
int64_t check_cash(const struct check_payment *pay, size_t npay);

struct money_doc {
	const char *ecn;        /* NULL when missing or bad */
	int op;                 /* enum money_op */
	int64_t sum;            /* tiyn */
};

/* Reads a MoneyOperation body (field names with either case of their
 * first letter: rd must be made with either_case). */
void money_read(const cJSON *root, struct money_doc *doc, struct reader *rd);

struct print_doc {
	const char *ecn;
	int paper;              /* enum paper_kind; 80 mm when absent */
};

void print_read(const cJSON *root, struct print_doc *doc, struct reader *rd);

#endif
