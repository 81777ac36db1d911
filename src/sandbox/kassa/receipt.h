/* receipt.h — a registered fiscal receipt as the ledger keeps it, the
 * register it was made on, and what is derived from them alone: the
 * answer's Cashbox object, the TicketUrl (FISCAL.md), and the printed
 * receipt that PrintFormat gives back (ticket.c). */
#ifndef KP_SANDBOX_KASSA_RECEIPT_H
#define KP_SANDBOX_KASSA_RECEIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "sandbox/kassa/check.h"

#define RECEIPT_NUMBER_SIZE 16   /* the fiscal sign's digits + NUL */
#define RECEIPT_URL_SIZE 200

/* The register: what its answers and receipts name. Fixed for a run. */
struct cashbox {
	const char *znk;          /* factory number, CashboxUniqueNumber (ЗНМ) */
	const char *rn;           /* registration number (РНМ) */
	const char *in;           /* identity number (ИНК) */
	const char *address;      /* in Russian */
	const char *address_kz;
	const char *ofd_name;     /* the operator */
	const char *ofd_name_kz;
	const char *ofd_host;     /* its site, where TicketUrl leads */
	int ofd_code;
	const char *org_name;     /* TaxPayerName */
	const char *org_in;       /* TaxPayerIN (ИИН/БИН) */
	const char *employee;     /* EmployeeName: the cashier of the login */
};

/* One position as registered. */
struct receipt_line {
	char *name;
	int64_t count;            /* thousandths */
	int64_t price, discount, markup, cost, tax;  /* tiyn */
	int rate;                 /* percent */
	int unit;                 /* UnitCode */
};

struct receipt {
	char ecn[CHECK_ECN_MAX + 1];          /* ExternalCheckNumber */
	char number[RECEIPT_NUMBER_SIZE];     /* CheckNumber, the fiscal sign */
	int op;                   /* CHECK_SALE or CHECK_RETURN */
	int64_t at_ms;            /* when it was registered, emulated clock */
	unsigned shift;           /* ShiftNumber */
	unsigned order;           /* CheckOrderNumber: its number in the shift */
	bool offline;             /* OfflineMode */
	int64_t total, change, discount, markup, vat;  /* tiyn */
	struct check_payment pay[CHECK_PAY_KINDS];     /* as sent */
	size_t npay;
	struct receipt_line *lines;
	size_t nlines;
	int64_t returned;         /* a sale: the totals of the returns against it */
};

/* "http://HOST?i=SIGN&f=RN&s=1099.80&t=20261203T145037". */
void receipt_ticket_url(const struct receipt *r, const struct cashbox *cb, char *buf, size_t size);
/* The answer's "Cashbox" object. */
cJSON *cashbox_json(const struct cashbox *cb);

/* PrintFormat's Lines: the receipt in columns (48 for 80 mm, 32 for 58 mm)
 * as {"Order", "Type", "Value", "Style"} objects, Type 0 text and one Type
 * 2 line whose Value is the TicketUrl. NULL when out of memory. */
cJSON *ticket_lines(const struct receipt *r, const struct cashbox *cb, int columns);

#endif
