/* fiscal.c — see fiscal.h. */
#include "app/fiscal.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/i18n.h"
#include "app/payflow.h"
#include "app/receipt.h"
#include "core/clock.h"
#include "core/grow.h"
#include "core/money.h"
#include "store/events.h"
#include "store/journal.h"
#include "store/refunds.h"

/* Sends of one receipt in one run before it waits for the next run. */
#define FISCAL_TRIES 3
/* Receipts looked at per run. */
#define FISCAL_BATCH 1000

bool fiscal_stops(int code)
{
	return code == WK_CODE_CREDENTIALS || code == WK_CODE_UNAUTHORIZED ||
	       code == WK_CODE_CASHBOX_UNKNOWN || code == WK_CODE_CASHBOX_BLOCKED ||
	       code == WK_CODE_SHIFT_24H || code == WK_CODE_OFFLINE_72H;
}

bool fiscal_enabled(const struct kp_config *cfg)
{
	return cfg->fiscal.provider == CONFIG_FISCAL_WEBKASSA;
}

bool fiscal_setup(store_db *db, const struct kp_config *cfg, char *message, size_t size)
{
	store_err err;
	message[0] = '\0';
	if (receipts_set_provider(db, fiscal_enabled(cfg) ? "webkassa" : "none", cfg->fiscal.cashbox,
	                          &err) != STORE_OK) {
		snprintf(message, size, "%s", kp_msg_text(&err.msg));
		return false;
	}
	return true;
}

wk_client *fiscal_client_new(const struct kp_config *cfg, wk_result *res)
{
	wk_options opt = {
		.base_url = cfg->fiscal.base_url,
		.api_key = cfg->fiscal.api_key,
		.login = cfg->fiscal.login,
		.password = cfg->fiscal.password,
		.cashbox = cfg->fiscal.cashbox,
		.ca_file = cfg->fiscal.ca_file[0] ? cfg->fiscal.ca_file : NULL,
		.timeout_ms = cfg->fiscal.timeout * 1000L,
	};
	return wk_client_new(&opt, res);
}

/* ---- the register's answer as the journal keeps it ------------------------ */

#define TICKET_TEXT(name, field) {name, offsetof(wk_ticket, field), sizeof(((wk_ticket *)0)->field)}
static const struct {
	const char *name;
	size_t offset, size;
} ticket_texts[] = {
	TICKET_TEXT("CheckNumber", check_number),
	TICKET_TEXT("DateTime", date_time),
	TICKET_TEXT("UniqueNumber", unique_number),
	TICKET_TEXT("RegistrationNumber", registration_number),
	TICKET_TEXT("IdentityNumber", identity_number),
	TICKET_TEXT("Address", address),
	TICKET_TEXT("AddressKz", address_kz),
	TICKET_TEXT("OfdName", ofd_name),
	TICKET_TEXT("OfdNameKz", ofd_name_kz),
	TICKET_TEXT("OfdHost", ofd_host),
	TICKET_TEXT("TaxPayerName", taxpayer_name),
	TICKET_TEXT("TaxPayerIN", taxpayer_in),
	TICKET_TEXT("EmployeeName", employee_name),
	TICKET_TEXT("TicketUrl", ticket_url),
};
#define N_TICKET_TEXTS (sizeof ticket_texts / sizeof *ticket_texts)

char *fiscal_ticket_json(const wk_ticket *t)
{
	cJSON *o = cJSON_CreateObject();
	bool ok = o != NULL;
	for (size_t i = 0; ok && i < N_TICKET_TEXTS; i++)
		ok = cJSON_AddStringToObject(o, ticket_texts[i].name,
		                             (const char *)t + ticket_texts[i].offset) != NULL;
	ok = ok && cJSON_AddNumberToObject(o, "At", (double)t->at) &&
	     cJSON_AddBoolToObject(o, "OfflineMode", t->offline) &&
	     cJSON_AddBoolToObject(o, "CashboxOfflineMode", t->cashbox_offline) &&
	     cJSON_AddNumberToObject(o, "CheckOrderNumber", t->check_order_number) &&
	     cJSON_AddNumberToObject(o, "ShiftNumber", t->shift_number);
	char *text = ok ? cJSON_PrintUnformatted(o) : NULL;
	cJSON_Delete(o);
	return text;
}

static int int_of(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	return cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 1e9 ? (int)v->valuedouble : 0;
}

bool fiscal_ticket_parse(const char *json, wk_ticket *t)
{
	memset(t, 0, sizeof *t);
	cJSON *o = json ? cJSON_Parse(json) : NULL;
	if (!cJSON_IsObject(o)) {
		cJSON_Delete(o);
		return false;
	}
	for (size_t i = 0; i < N_TICKET_TEXTS; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, ticket_texts[i].name);
		if (cJSON_IsString(v))
			snprintf((char *)t + ticket_texts[i].offset, ticket_texts[i].size, "%s",
			         v->valuestring);
	}
	const cJSON *at = cJSON_GetObjectItemCaseSensitive(o, "At");
	t->at = cJSON_IsNumber(at) && at->valuedouble > 0 ? (time_t)at->valuedouble : 0;
	t->offline = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "OfflineMode"));
	t->cashbox_offline = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "CashboxOfflineMode"));
	t->check_order_number = int_of(o, "CheckOrderNumber");
	t->shift_number = int_of(o, "ShiftNumber");
	cJSON_Delete(o);
	return true;
}

/* ---- the requests, from the journal ---------------------------------------- */

/* What a receipt is made of, read from the journal (freed by doc_free). */
struct doc {
	struct journal_order order;
	struct journal_line *lines;
	size_t n_lines;
	struct journal_tender *tenders;
	size_t n_tenders;
	struct refund refund;
	struct refund_part *parts;
	size_t n_parts;
	wk_position pos[WK_POSITIONS_MAX];
	size_t n_pos;
	wk_payment pay[3];
	size_t n_pay;
	int64_t change;
	wk_return_basis basis;
	char bare_name[WK_TEXT_SIZE];
};

static void doc_free(struct doc *d)
{
	free(d->lines);
	free(d->tenders);
	free(d->parts);
}

/* A sale journaled without lines (`charge`): one position of its amount. */
static void bare_position(struct doc *d, int64_t amount)
{
	snprintf(d->bare_name, sizeof d->bare_name, "Төлем / Оплата %s", d->order.merchant_order_id);
	d->pos[0] = (wk_position){.name = d->bare_name, .count = 1000, .price = amount,
	                          .tax_percent = PAYFLOW_DEFAULT_TAX_RATE, .vat = true,
	                          .unit_code = WK_UNIT_PIECE};
	d->n_pos = 1;
}

enum build { BUILD_OK, BUILD_WAIT, BUILD_SKIP, BUILD_FAIL };

static enum build read_sale(store_db *db, const struct receipt *r, struct doc *d, store_err *err)
{
	if (journal_get(db, r->order_id, &d->order, err) != STORE_OK ||
	    journal_lines(db, r->order_id, &d->lines, &d->n_lines, err) != STORE_OK ||
	    journal_tenders(db, r->order_id, &d->tenders, &d->n_tenders, err) != STORE_OK)
		return BUILD_FAIL;
	d->n_pos = receipt_sale_positions(d->lines, d->n_lines, d->pos, WK_POSITIONS_MAX);
	if (d->n_pos == 0)
		bare_position(d, d->order.amount);
	d->n_pay = receipt_sale_payments(&d->order, d->tenders, d->n_tenders, d->pay, &d->change);
	return BUILD_OK;
}

/* A return: its refund row's parts, and the basis from its sale's receipt
 * (BUILD_WAIT until that one is registered; BUILD_SKIP when it has none). */
static enum build read_return(store_db *db, const struct receipt *r, struct doc *d, store_err *err)
{
	struct receipt sale;
	store_status s = receipts_of_sale(db, r->order_id, &sale, err);
	if (s == STORE_NOT_FOUND || (s == STORE_OK && (sale.state == RECEIPT_SKIPPED ||
	                                               sale.state == RECEIPT_REFUSED)))
		return BUILD_SKIP;
	if (s != STORE_OK)
		return BUILD_FAIL;
	if (sale.state != RECEIPT_REGISTERED)
		return BUILD_WAIT;
	char *json = NULL;
	wk_ticket t;
	if (receipts_ticket(db, sale.id, &json, err) != STORE_OK)
		return BUILD_FAIL;
	bool parsed = fiscal_ticket_parse(json, &t);
	free(json);
	if (!parsed)
		return BUILD_SKIP;
	snprintf(d->basis.check_number, sizeof d->basis.check_number, "%s", t.check_number);
	snprintf(d->basis.registration_number, sizeof d->basis.registration_number, "%s",
	         t.registration_number);
	d->basis.date_time = t.at ? t.at : sale.registered_at;
	d->basis.total = sale.amount;
	d->basis.offline = t.offline;
	if (refunds_get(db, r->refund_row, &d->refund, err) != STORE_OK ||
	    refunds_parts(db, r->refund_row, &d->parts, &d->n_parts, err) != STORE_OK ||
	    journal_get(db, r->order_id, &d->order, err) != STORE_OK ||
	    journal_lines(db, d->refund.order_id, &d->lines, &d->n_lines, err) != STORE_OK)
		return BUILD_FAIL;
	if (d->n_lines == 0 && d->refund.order_id != r->order_id) {
		/* a Kaspi part refunded on its own: its sale's lines */
		free(d->lines);
		d->lines = NULL;
		if (journal_lines(db, r->order_id, &d->lines, &d->n_lines, err) != STORE_OK)
			return BUILD_FAIL;
	}
	d->n_pos = receipt_return_positions(d->lines, d->n_lines, d->parts, d->n_parts, NULL, d->pos,
	                                    WK_POSITIONS_MAX);
	d->n_pay = receipt_return_payments(&d->refund, 1, d->pay);
	return BUILD_OK;
}

/* Writes the request of new receipt r (pending), or skips it. */
static enum build build_body(store_db *db, const struct receipt *r, char *message, size_t size)
{
	struct doc *d = calloc(1, sizeof *d);
	store_err err;
	wk_result res;
	char *body = NULL;
	size_t len = 0;
	enum build b = BUILD_FAIL;
	wk_kind k = WK_ERR_INVALID;

	store_err_clear(&err);
	if (!d) {
		snprintf(message, size, "%s", _("out of memory: close other programs or restart the till"));
		return BUILD_FAIL;
	}
	switch (r->kind) {
	case RECEIPT_CASH_IN:
	case RECEIPT_CASH_OUT:
		k = wk_money_body(r->kind == RECEIPT_CASH_IN ? WK_MONEY_IN : WK_MONEY_OUT, r->amount,
		                  r->ext_id, &body, &len, &res);
		b = BUILD_OK;
		break;
	case RECEIPT_SALE:
	case RECEIPT_RETURN:
		b = r->kind == RECEIPT_SALE ? read_sale(db, r, d, &err) : read_return(db, r, d, &err);
		if (b != BUILD_OK)
			break;
		wk_check_req req = {
			.operation = r->kind == RECEIPT_SALE ? WK_OP_SALE : WK_OP_RETURN,
			.positions = d->pos, .n_positions = d->n_pos,
			.payments = d->pay, .n_payments = d->n_pay,
			.change = d->change,
			.external_check_number = r->ext_id,
			.external_order_number = d->order.merchant_order_id,
			.basis = r->kind == RECEIPT_RETURN ? &d->basis : NULL,
		};
		k = wk_check_body(&req, &body, &len, &res);
		break;
	}
	if (b == BUILD_FAIL) {
		snprintf(message, size, "%s", kp_msg_text(&err.msg));
	} else if (b == BUILD_SKIP) {
		if (receipts_close(db, r->id, RECEIPT_SKIPPED, 0, "the sale has no fiscal receipt",
		                   &err) != STORE_OK) {
			snprintf(message, size, "%s", kp_msg_text(&err.msg));
			b = BUILD_FAIL;
		}
	} else if (b == BUILD_OK && k != WK_OK) {
		/* a defect of the till: the receipt waits, the reason kept */
		if (receipts_note_attempt(db, r->id, WK_CODE_VALIDATION, kp_msg_text(&res.msg), &err) !=
		    STORE_OK)
			snprintf(message, size, "%s", kp_msg_text(&err.msg));
		b = BUILD_WAIT;
	} else if (b == BUILD_OK) {
		store_status s = receipts_set_body(db, r->id, body, len, &err);
		if (s == STORE_ERR_STATE) {
			b = BUILD_WAIT; /* another process wrote it first: it sends it */
		} else if (s != STORE_OK) {
			snprintf(message, size, "%s", kp_msg_text(&err.msg));
			b = BUILD_FAIL;
		}
	}
	free(body);
	doc_free(d);
	free(d);
	return b;
}

/* ---- sending ------------------------------------------------------------ */

static bool stops_the_register(const wk_result *res)
{
	return wk_result_blocked(res) || res->code == WK_CODE_SHIFT_24H ||
	       res->code == WK_CODE_OFFLINE_72H;
}

static bool keep_ticket(store_db *db, const struct receipt *r, const wk_ticket *t, store_err *err)
{
	char *json = fiscal_ticket_json(t);
	store_status s = receipts_register(db, r->id, t->check_number, t->ticket_url, t->offline,
	                                   t->shift_number, json, err);
	free(json);
	return s == STORE_OK || s == STORE_ERR_STATE;
}

/* One send of pending receipt r (and the fetch after 14). *done when it
 * is registered or closed. */
static bool send_once(store_db *db, wk_client *c, const struct receipt *r, bool *done,
                      wk_result *res, store_err *err)
{
	char *body = NULL;
	size_t len = 0;
	wk_ticket t;
	wk_money m;
	*done = false;
	if (receipts_body(db, r->id, &body, &len, err) != STORE_OK)
		return false;
	bool money = r->kind == RECEIPT_CASH_IN || r->kind == RECEIPT_CASH_OUT;
	memset(&t, 0, sizeof t);
	wk_kind k = money ? wk_money_send(c, body, len, &m, res) : wk_check_send(c, body, len, &t, res);
	free(body);
	if (k == WK_ERR_REFUSED && res->code == WK_CODE_DUPLICATE && !money) {
		/* registered by an earlier send whose answer was lost */
		k = wk_ticket_fetch(c, r->ext_id, &t, res);
		if (k == WK_ERR_REFUSED && res->code == WK_CODE_NO_SUCH_CHECK)
			return receipts_note_attempt(db, r->id, res->code, res->text, err) == STORE_OK;
	} else if (k == WK_ERR_REFUSED && res->code == WK_CODE_DUPLICATE) {
		k = WK_OK; /* a money operation: it was made */
		memset(&m, 0, sizeof m);
	}
	if (k == WK_OK && money) {
		memset(&t, 0, sizeof t);
		t.offline = m.offline;
		t.shift_number = m.shift_number;
		t.at = m.at;
		snprintf(t.date_time, sizeof t.date_time, "%s", m.date_time);
	}
	if (k == WK_OK) {
		*done = true;
		/* what the answer says of the register's shift and link (a money
		 * operation settled by 14 says nothing) */
		if (t.shift_number > 0 &&
		    receipts_note_answer(db, t.shift_number, t.at, t.offline, err) != STORE_OK)
			return false;
		return keep_ticket(db, r, &t, err);
	}
	if (k == WK_ERR_REFUSED &&
	    (res->code == WK_CODE_SHIFT_24H || res->code == WK_CODE_OFFLINE_72H) &&
	    receipts_note_refusal(db, res->code, err) != STORE_OK)
		return false;
	if (k == WK_ERR_REFUSED && res->code == WK_CODE_NO_CASH && money) {
		*done = true;
		return receipts_close(db, r->id, RECEIPT_REFUSED, res->code, kp_msg_text(&res->msg),
		                      err) == STORE_OK;
	}
	return receipts_note_attempt(db, r->id, k == WK_ERR_REFUSED ? res->code : 0,
	                             kp_msg_text(&res->msg), err) == STORE_OK;
}

static void pause_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

bool fiscal_send_pending(store_db *db, const struct kp_config *cfg, wk_client *c, long budget_ms,
                         struct fiscal_run *out, char *message, size_t size)
{
	struct fiscal_run run = {0};
	struct receipt *list = NULL;
	size_t n = 0;
	store_err err;
	wk_result res;
	bool ok = true;
	wk_client *own = NULL;
	int64_t deadline = kp_mono_ms() + budget_ms;

	message[0] = '\0';
	kp_msg_clear(&run.why);
	if (receipts_open(db, FISCAL_BATCH, &list, &n, &err) != STORE_OK) {
		snprintf(message, size, "%s", kp_msg_text(&err.msg));
		return false;
	}
	if (n && !c && !(c = own = fiscal_client_new(cfg, &res))) {
		run.stopped = true;
		run.why = res.msg;
	}
	for (size_t i = 0; ok && !run.stopped && i < n; i++) {
		struct receipt *r = &list[i];
		if (r->state == RECEIPT_NEW) {
			enum build b = build_body(db, r, message, size);
			if (b == BUILD_FAIL) {
				ok = false;
				break;
			}
			if (b == BUILD_SKIP)
				run.skipped++;
			if (b != BUILD_OK)
				continue;
			r->state = RECEIPT_PENDING;
		}
		bool done = false;
		for (int tries = 0; !done && tries < FISCAL_TRIES && kp_mono_ms() < deadline; tries++) {
			if (tries)
				pause_ms(200L * tries);
			if (!send_once(db, c, r, &done, &res, &err)) {
				snprintf(message, size, "%s", kp_msg_text(&err.msg));
				ok = false;
				break;
			}
			if (done || !wk_result_retryable(&res))
				break;
		}
		if (done) {
			struct receipt now;
			if (receipts_get(db, r->id, &now, &err) == STORE_OK && now.state == RECEIPT_REFUSED)
				run.refused++;
			else
				run.registered++;
		} else if (ok && (stops_the_register(&res) || res.kind == WK_ERR_CONNECT ||
		                  res.kind == WK_ERR_CONFIG)) {
			run.stopped = true;
			run.code = res.code;
			run.why = res.msg;
		}
		if (kp_mono_ms() >= deadline)
			break;
	}
	free(list);
	wk_client_free(own);
	long left = 0;
	time_t oldest = 0;
	if (ok && receipts_unsent(db, &left, &oldest, &err) != STORE_OK) {
		snprintf(message, size, "%s", kp_msg_text(&err.msg));
		ok = false;
	}
	run.pending = left;
	if (out)
		*out = run;
	return ok;
}

/* ---- the printed receipt ---------------------------------------------------- */

char *fiscal_receipt_text(store_db *db, const struct kp_config *cfg, const struct receipt *r,
                          bool copy)
{
	if (r->state != RECEIPT_REGISTERED || (r->kind != RECEIPT_SALE && r->kind != RECEIPT_RETURN))
		return NULL;
	struct doc *d = calloc(1, sizeof *d);
	store_err err;
	wk_ticket t;
	char *json = NULL, *text = NULL;
	if (!d)
		return NULL;
	if (receipts_ticket(db, r->id, &json, &err) == STORE_OK && fiscal_ticket_parse(json, &t) &&
	    (r->kind == RECEIPT_SALE ? read_sale(db, r, d, &err) : read_return(db, r, d, &err)) ==
	        BUILD_OK) {
		struct receipt_doc doc = {
			.operation = r->kind == RECEIPT_SALE ? WK_OP_SALE : WK_OP_RETURN,
			.lines = d->pos, .n_lines = d->n_pos,
			.payments = d->pay, .n_payments = d->n_pay,
			.change = d->change,
			.order_id = d->order.merchant_order_id,
			.basis = r->kind == RECEIPT_RETURN ? d->basis.check_number : NULL,
			.t = &t,
			.copy = copy,
		};
		text = receipt_text(cfg, &doc);
	}
	free(json);
	doc_free(d);
	free(d);
	return text;
}

/* ---- the register's Z report beside the journal's ------------------------ */

/* A JSON number of a stored request, in tiyn (0 when absent). */
static int64_t tiyn_of(const cJSON *v)
{
	int64_t tiyn = 0;
	char *text = cJSON_IsNumber(v) ? cJSON_PrintUnformatted(v) : NULL;
	if (text && !wk_money_read(text, strlen(text), &tiyn))
		tiyn = 0;
	free(text);
	return tiyn;
}

/* The sums per payment type of the journal's receipts in a register's
 * shift: [0] sales, [1] returns; cash less the change. */
struct by_type {
	int64_t sum[2][3];
	int64_t vat[2];             /* the positions' Tax */
	int64_t vat_rate[2][101];   /* ... per TaxPercent */
};

static void add_receipt(void *arg, enum receipt_kind kind, const char *body)
{
	struct by_type *t = arg;
	int64_t *to = t->sum[kind == RECEIPT_SALE ? 0 : 1];
	cJSON *b = body ? cJSON_Parse(body) : NULL;
	const cJSON *p;
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(b, "Payments"))
	{
		const cJSON *type = cJSON_GetObjectItemCaseSensitive(p, "PaymentType");
		if (!cJSON_IsNumber(type))
			continue;
		int k = type->valueint == WK_PAY_CASH ? 0 : type->valueint == WK_PAY_CARD ? 1 : 2;
		to[k] += tiyn_of(cJSON_GetObjectItemCaseSensitive(p, "Sum"));
	}
	to[0] -= tiyn_of(cJSON_GetObjectItemCaseSensitive(b, "Change"));
	int side = kind == RECEIPT_SALE ? 0 : 1;
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(b, "Positions"))
	{
		const cJSON *rate = cJSON_GetObjectItemCaseSensitive(p, "TaxPercent");
		int64_t tax = tiyn_of(cJSON_GetObjectItemCaseSensitive(p, "Tax"));
		t->vat[side] += tax;
		if (cJSON_IsNumber(rate) && rate->valueint >= 0 && rate->valueint <= 100)
			t->vat_rate[side][rate->valueint] += tax;
	}
	cJSON_Delete(b);
}

/* Characters (not bytes) of UTF-8 text s. */
static int chars(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Appends line (n bytes, from snprintf) to the text; dropped out of memory. */
static void add_line(char **buf, size_t *len, size_t *cap, const char *line, int n)
{
	if (n <= 0 || !KP_GROW(*buf, *cap, *len + (size_t)n + 1, 512))
		return;
	memcpy(*buf + *len, line, (size_t)n + 1);
	*len += (size_t)n;
}

static void add_row(char **buf, size_t *len, size_t *cap, const char *label, int64_t reg,
                    int64_t mine)
{
	char a[48], b[48], d[48], line[384];
	money_format(a, sizeof a, reg);
	money_format(b, sizeof b, mine);
	money_format(d, sizeof d, reg - mine);
	int la = chars(label) < 22 ? 22 - chars(label) : 0;
	int pa = chars(a) < 15 ? 15 - chars(a) : 0, pb = chars(b) < 15 ? 15 - chars(b) : 0;
	int n = snprintf(line, sizeof line, "%s%*s%*s%s%*s%s%s%s\n", label, la, "", pa, "", a, pb, "", b,
	                 reg != mine ? "  Δ " : "", reg != mine ? d : "");
	add_line(buf, len, cap, line, n);
}

char *fiscal_z_report(store_db *db, const struct kp_config *cfg, struct kp_msg *why)
{
	wk_result res;
	wk_report rep;
	kp_msg_clear(why);
	wk_client *c = fiscal_client_new(cfg, &res);
	if (!c) {
		*why = res.msg;
		return NULL;
	}
	wk_kind k = wk_z_report(c, &rep, &res);
	wk_client_free(c);
	store_err err;
	/* closed now, or there was no shift open: either way the next
	 * document opens a new one */
	if ((k == WK_OK || (k == WK_ERR_REFUSED && res.code == WK_CODE_SHIFT_CLOSED)) &&
	    receipts_note_z(db, k == WK_OK ? rep.shift_number : 0, &err) != STORE_OK) {
		*why = err.msg;
		return NULL;
	}
	if (k != WK_OK) {
		*why = res.msg;
		return NULL;
	}
	/* the register's Z number in the journal, so the chain's hub lists it
	 * with the till's Z (kaspi-hub report: the Z reports' fiscal numbers) */
	char detail[96];
	snprintf(detail, sizeof detail, "No. %ld, shift %d", rep.report_number, rep.shift_number);
	if (events_append(db, 0, "register_z", detail, &err) != STORE_OK) {
		*why = err.msg;
		return NULL;
	}
	struct by_type mine = {0};
	if (receipts_each_in_shift(db, rep.shift_number, add_receipt, &mine, &err) != STORE_OK) {
		*why = err.msg;
		return NULL;
	}
	char *buf = NULL, head[256];
	size_t len = 0, cap = 0;
	snprintf(head, sizeof head, _("Z report of the register: No. %ld, shift %d, %ld documents\n"),
	         rep.report_number, rep.shift_number, rep.document_count);
	size_t hn = strlen(head);
	const char *r = _("register"), *j = _("journal");
	snprintf(head + hn, sizeof head - hn, "%22s%*s%s%*s%s\n", "", chars(r) < 15 ? 15 - chars(r) : 0,
	         "", r, chars(j) < 15 ? 15 - chars(j) : 0, "", j);
	size_t n = strlen(head);
	if (!KP_GROW(buf, cap, n + 1, 512))
		return NULL;
	memcpy(buf, head, n + 1);
	len = n;
	static const char *const types[3] = {N_("sales, cash"), N_("sales, card"), N_("sales, mobile")};
	static const char *const rtypes[3] = {N_("returns, cash"), N_("returns, card"),
	                                      N_("returns, mobile")};
	for (int i = 0; i < 3; i++)
		add_row(&buf, &len, &cap, _(types[i]), rep.sell.by_type[i], mine.sum[0][i]);
	for (int i = 0; i < 3; i++)
		add_row(&buf, &len, &cap, _(rtypes[i]), rep.return_sell.by_type[i], mine.sum[1][i]);
	add_row(&buf, &len, &cap, _("VAT of sales"), rep.sell.vat, mine.vat[0]);
	add_row(&buf, &len, &cap, _("VAT of returns"), rep.return_sell.vat, mine.vat[1]);
	/* the register counts its VAT as one sum: the journal's per rate alone */
	for (int side = 0; side < 2; side++)
		for (int rate = 0; rate <= 100; rate++) {
			char label[96], vat[48], line[160];
			if (!mine.vat_rate[side][rate])
				continue;
			snprintf(label, sizeof label, side ? _("  returns, VAT %d %%") : _("  sales, VAT %d %%"),
			         rate);
			money_format(vat, sizeof vat, mine.vat_rate[side][rate]);
			int la = chars(label) < 22 ? 22 - chars(label) : 0, pv = chars(vat) < 30 ? 30 - chars(vat) : 0;
			add_line(&buf, &len, &cap, line,
			         snprintf(line, sizeof line, "%s%*s%*s%s\n", label, la, "", pv, "", vat));
		}
	/* the register's own figure: the drawer's expected cash is on the till's Z */
	char cash[48], line[160];
	money_format(cash, sizeof cash, rep.in_cashbox);
	add_line(&buf, &len, &cap, line,
	         snprintf(line, sizeof line, "%s: %s\n", _("cash in the register"), cash));
	return buf;
}

/* ---- before a sale --------------------------------------------------------- */

void fiscal_gate_of(const struct fiscal_register *r, time_t now, struct fiscal_gate *g)
{
	time_t reg_now = now + r->skew; /* the register's clock, as its last answer set it */
	memset(g, 0, sizeof *g);
	g->kind = FISCAL_GATE_OPEN;
	g->shift_age_s = r->shift > 0 && !r->closed && r->opened_at > 0 ? (long)(reg_now - r->opened_at) : -1;
	g->offline_s = r->offline_since > 0 ? (long)(reg_now - r->offline_since) : -1;
	if (g->shift_age_s < -1)
		g->shift_age_s = 0;
	if (g->offline_s < -1)
		g->offline_s = 0;
	if (r->refusal == WK_CODE_OFFLINE_72H) {
		g->kind = FISCAL_GATE_SHUT;
		kp_msg_set(&g->msg, N_("The register has been offline for over 72 h: no sale until it "
		                       "reaches the tax operator again"));
	} else if (r->refusal == WK_CODE_SHIFT_24H || g->shift_age_s >= FISCAL_SHIFT_MAX_S) {
		g->kind = FISCAL_GATE_SHUT;
		kp_msg_set(&g->msg, N_("The register's shift has been open for over 24 h: make the Z "
		                       "report before the next sale"));
	} else if (g->shift_age_s >= FISCAL_SHIFT_WARN_S) {
		g->kind = FISCAL_GATE_WARN;
		long left = (FISCAL_SHIFT_MAX_S - g->shift_age_s) / 60;
		kp_msg_set(&g->msg, N_("The register's shift has been open for %ld h %ld min: make the Z "
		                       "report within %ld min"),
		           g->shift_age_s / 3600, g->shift_age_s % 3600 / 60, left);
	}
}

bool fiscal_gate(store_db *db, const struct kp_config *cfg, time_t now, struct fiscal_gate *g,
                 char *message, size_t size)
{
	struct fiscal_register r;
	store_err err;
	message[0] = '\0';
	memset(&r, 0, sizeof r);
	if (fiscal_enabled(cfg) && receipts_register_state(db, &r, &err) != STORE_OK) {
		snprintf(message, size, "%s", kp_msg_text(&err.msg));
		return false;
	}
	fiscal_gate_of(&r, now, g);
	return true;
}
