/* ledger.c — tokens, receipts, cash, shifts and reports (ledger.h). */
#include "sandbox/kassa/ledger.h"

#include "sandbox/kassa/decimal.h"
#include "sandbox/kassa/wk.h"
#include "sandbox/rng.h"
#include "sandbox/strmap.h"

#include <inttypes.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOKEN_BYTES 16
#define TOKEN_SIZE (2 * TOKEN_BYTES + 1)
#define SIGN_FIRST 100000000u  /* fiscal signs start with 9 digits */

struct token {
	char text[TOKEN_SIZE];   /* hex */
	int64_t issued_ms;
	struct token *next;      /* the next newer one */
};

/* A MoneyOperation as registered. */
struct money {
	char ecn[CHECK_ECN_MAX + 1];
	int op;                  /* MONEY_IN or MONEY_OUT */
	int64_t sum;             /* tiyn */
	int64_t at_ms;
	unsigned shift;
	bool offline;
};

/* The shift: the open one, or the last closed one. */
struct shift {
	unsigned number;         /* 0 before the first */
	bool open;
	int64_t start_ms;        /* its first document */
	size_t first_check;      /* its first receipt's index in ledger.checks */
	size_t first_money;      /* likewise in ledger.moneys */
	unsigned checks;         /* receipts in it so far (CheckOrderNumber) */
	int64_t start_sell, start_return;  /* the running totals when it opened */
};

struct ledger {
	pthread_mutex_t lock;        /* guards everything below */
	struct ledger_config cfg;
	struct rng rng;              /* fiscal signs */
	struct strmap tokens;        /* text → struct token */
	struct token *oldest, *newest;
	size_t ntokens;
	struct strmap check_by_ecn;  /* ExternalCheckNumber → struct receipt */
	struct strmap check_by_sign; /* CheckNumber → struct receipt */
	struct strmap money_by_ecn;  /* ExternalCheckNumber → struct money */
	struct receipt **checks;     /* in registration order */
	size_t nchecks, checks_cap;
	struct money **moneys;
	size_t nmoneys, moneys_cap;
	uint64_t next_sign;          /* the next fiscal sign, about */
	struct shift shift;
	int64_t cash;                /* tiyn in the drawer, across shifts */
	int64_t sell_total;          /* non-nullable: every sale ever */
	int64_t return_total;        /* every return ever */
	unsigned sells, returns;     /* receipts of each kind ever */
	unsigned x_reports;          /* X reports ever */
	bool online;                 /* the operator is reachable */
	int64_t offline_since_ms;    /* when it stopped being */
	bool blocked;                /* the register answers 7 */
};

struct ledger *ledger_new(const struct ledger_config *cfg)
{
	struct ledger *L = calloc(1, sizeof *L);
	if (!L)
		return NULL;
	pthread_mutex_init(&L->lock, NULL);
	L->cfg = *cfg;
	rng_seed(&L->rng, rng_entropy());
	strmap_init(&L->tokens, rng_next(&L->rng));
	strmap_init(&L->check_by_ecn, rng_next(&L->rng));
	strmap_init(&L->check_by_sign, rng_next(&L->rng));
	strmap_init(&L->money_by_ecn, rng_next(&L->rng));
	L->next_sign = SIGN_FIRST + rng_next(&L->rng) % (4 * SIGN_FIRST);
	L->online = true;
	return L;
}

static void receipt_free(struct receipt *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nlines; i++)
		free(r->lines[i].name);
	free(r->lines);
	free(r);
}

void ledger_free(struct ledger *L)
{
	if (!L)
		return;
	for (size_t i = 0; i < L->nchecks; i++)
		receipt_free(L->checks[i]);
	for (size_t i = 0; i < L->nmoneys; i++)
		free(L->moneys[i]);
	for (struct token *t = L->oldest, *next; t; t = next) {
		next = t->next;
		free(t);
	}
	free(L->checks);
	free(L->moneys);
	strmap_free(&L->tokens);
	strmap_free(&L->check_by_ecn);
	strmap_free(&L->check_by_sign);
	strmap_free(&L->money_by_ecn);
	pthread_mutex_destroy(&L->lock);
	free(L);
}

/* Room for one more pointer in *arr; false when out of memory. */
static bool room(void ***arr, size_t n, size_t *cap)
{
	if (n < *cap)
		return true;
	size_t c = *cap ? 2 * *cap : 256;
	void **a = realloc(*arr, c * sizeof *a);
	if (!a)
		return false;
	*arr = a;
	*cap = c;
	return true;
}

static void out_of_memory(struct reply *out)
{
	reply_set_error(out, 500, 500, "out of memory");
}

/* ---- the gate: token and register ---------------------------------------- */

/* Whether the call may go on: false with 3, 2, 6 or 7 in out. Locked. */
static bool gate(struct ledger *L, const struct ledger_gate *g, int64_t now_ms, struct reply *out)
{
	if (!g->token) {
		wk_error(out, WK_UNAUTHORIZED, "Token is missing: authorize first");
		return false;
	}
	const struct token *t = strmap_get(&L->tokens, g->token);
	if (!t) {
		wk_error(out, WK_UNAUTHORIZED, "unknown Token: authorize first");
		return false;
	}
	if (now_ms - t->issued_ms > L->cfg.token_ttl_ms) {
		wk_error(out, WK_TOKEN_EXPIRED, "the Token has expired: authorize again");
		return false;
	}
	if (!g->cashbox) {
		wk_error(out, WK_CASHBOX_UNKNOWN, "CashboxUniqueNumber is missing");
		return false;
	}
	if (strcmp(g->cashbox, L->cfg.cashbox.znk) != 0) {
		wk_error(out, WK_CASHBOX_UNKNOWN, "no cash register %.40s here", g->cashbox);
		return false;
	}
	if (L->blocked) {
		wk_error(out, WK_CASHBOX_BLOCKED, "the cash register %s is blocked", L->cfg.cashbox.znk);
		return false;
	}
	return true;
}

/* Whether ecn was used by a receipt or a cash operation. Locked. */
static bool used(const struct ledger *L, const char *ecn)
{
	return ecn && (strmap_get(&L->check_by_ecn, ecn) || strmap_get(&L->money_by_ecn, ecn));
}

/* 11 when the open shift is over 24 h old. Locked. */
static bool shift_fresh(const struct ledger *L, int64_t now_ms, struct reply *out)
{
	if (L->shift.open && now_ms - L->shift.start_ms > LEDGER_SHIFT_MS) {
		wk_error(out, WK_SHIFT_OVER_24H, "shift %u has been open for over 24 hours: close it with a Z report",
		         L->shift.number);
		return false;
	}
	return true;
}

/* A document opens the shift when none is open. Locked. */
static void shift_touch(struct ledger *L, int64_t now_ms)
{
	if (L->shift.open)
		return;
	L->shift = (struct shift){
		.number = L->shift.number + 1,
		.open = true,
		.start_ms = now_ms,
		.first_check = L->nchecks,
		.first_money = L->nmoneys,
		.start_sell = L->sell_total,
		.start_return = L->return_total,
	};
}

/* The Data fields a receipt and a cash operation share. */
static void add_mode(cJSON *o, bool offline)
{
	cJSON_AddBoolToObject(o, "OfflineMode", offline);
	cJSON_AddBoolToObject(o, "CashboxOfflineMode", offline);
}

/* ---- Authorize ------------------------------------------------------------ */

void ledger_authorize(struct ledger *L, const struct reader *rd, const char *login,
                      const char *password, int64_t now_ms, struct reply *out)
{
	if (rd->failed) {
		wk_error(out, WK_INVALID, "%s", rd->why);
		return;
	}
	const char *want_login = L->cfg.login, *want_password = L->cfg.password;
	bool login_ok = strlen(login) == strlen(want_login) &&
	                CRYPTO_memcmp(login, want_login, strlen(login)) == 0;
	bool password_ok = strlen(password) == strlen(want_password) &&
	                   CRYPTO_memcmp(password, want_password, strlen(password)) == 0;
	if (!login_ok || !password_ok) {
		wk_error(out, WK_BAD_LOGIN, "wrong login or password");
		return;
	}
	struct token *t = calloc(1, sizeof *t);
	if (!t) {
		out_of_memory(out);
		return;
	}
	unsigned char raw[TOKEN_BYTES];
	rng_bytes(raw, sizeof raw);
	for (size_t i = 0; i < TOKEN_BYTES; i++)
		snprintf(t->text + 2 * i, 3, "%02x", raw[i]);
	t->issued_ms = now_ms;

	pthread_mutex_lock(&L->lock);
	if (L->ntokens == LEDGER_TOKENS_MAX) {
		struct token *old = L->oldest;
		strmap_remove(&L->tokens, old->text, old);
		L->oldest = old->next;
		if (!L->oldest)
			L->newest = NULL;
		L->ntokens--;
		free(old);
	}
	if (!strmap_put(&L->tokens, t->text, t)) {
		pthread_mutex_unlock(&L->lock);
		free(t);
		out_of_memory(out);
		return;
	}
	if (L->newest)
		L->newest->next = t;
	else
		L->oldest = t;
	L->newest = t;
	L->ntokens++;
	pthread_mutex_unlock(&L->lock);

	cJSON *data = cJSON_CreateObject();
	cJSON_AddStringToObject(data, "Token", t->text);
	wk_data(out, data);
}

/* ---- check ----------------------------------------------------------------- */

/* The return's rules that need its sale (9); the sale, or NULL. Locked. */
static struct receipt *return_basis(struct ledger *L, const struct check_doc *doc,
                                    struct reply *out)
{
	const struct check_basis *b = &doc->basis;
	char a[DEC_TEXT_MAX], c[DEC_TEXT_MAX];
	struct receipt *sale = strmap_get(&L->check_by_sign, b->number);

	if (strcmp(b->rn, L->cfg.cashbox.rn) != 0) {
		wk_error(out, WK_INVALID, "ReturnBasisDetails.RegistrationNumber %.20s is not this register's %s",
		         b->rn, L->cfg.cashbox.rn);
		return NULL;
	}
	if (!sale || sale->op != CHECK_SALE) {
		wk_error(out, WK_INVALID, "ReturnBasisDetails.CheckNumber %.20s is no sale of this register",
		         b->number);
		return NULL;
	}
	if ((time_t)(sale->at_ms / 1000) != b->at) {
		char when[WK_TIME_LEN];
		wk_time(sale->at_ms, when);
		wk_error(out, WK_INVALID, "ReturnBasisDetails.DateTime is not the time of sale %s (%s Almaty)",
		         sale->number, when);
		return NULL;
	}
	if (b->total != sale->total) {
		dec_format_fixed(a, sizeof a, b->total, 2);
		dec_format_fixed(c, sizeof c, sale->total, 2);
		wk_error(out, WK_INVALID, "ReturnBasisDetails.Total %s is not the total %s of sale %s", a, c,
		         sale->number);
		return NULL;
	}
	if (b->offline != sale->offline) {
		wk_error(out, WK_INVALID, "ReturnBasisDetails.IsOffline is %s; sale %s was made %s",
		         b->offline ? "true" : "false", sale->number, sale->offline ? "offline" : "online");
		return NULL;
	}
	if (doc->total > sale->total - sale->returned) {
		dec_format_fixed(a, sizeof a, doc->total, 2);
		dec_format_fixed(c, sizeof c, sale->total - sale->returned, 2);
		wk_error(out, WK_INVALID, "the return of %s is more than the %s of sale %s not yet returned", a,
		         c, sale->number);
		return NULL;
	}
	return sale;
}

/* A receipt of doc, not yet registered; NULL when out of memory. */
static struct receipt *receipt_make(const struct check_doc *doc)
{
	struct receipt *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->lines = calloc(doc->nlines, sizeof *r->lines);
	if (!r->lines) {
		free(r);
		return NULL;
	}
	for (size_t i = 0; i < doc->nlines; i++) {
		const struct check_line *l = &doc->lines[i];
		struct receipt_line *rl = &r->lines[r->nlines];
		rl->name = strdup(l->name);
		if (!rl->name) {
			receipt_free(r);
			return NULL;
		}
		r->nlines++;
		rl->count = l->count;
		rl->price = l->price;
		rl->discount = l->discount;
		rl->markup = l->markup;
		rl->cost = l->cost;
		rl->tax = l->tax;
		rl->rate = l->rate;
		rl->unit = l->unit;
	}
	snprintf(r->ecn, sizeof r->ecn, "%s", doc->ecn);
	r->op = doc->op;
	r->total = doc->total;
	r->change = doc->change;
	r->discount = doc->discount;
	r->markup = doc->markup;
	r->vat = doc->vat;
	memcpy(r->pay, doc->pay, sizeof r->pay);
	r->npay = doc->npay;
	return r;
}

/* The answer of a registered receipt. */
static cJSON *receipt_data(const struct ledger *L, const struct receipt *r)
{
	char url[RECEIPT_URL_SIZE], when[WK_TIME_LEN], utc[WK_TIME_LEN + 8];
	cJSON *d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "CheckNumber", r->number);
	wk_time(r->at_ms, when);
	cJSON_AddStringToObject(d, "DateTime", when);
	snprintf(utc, sizeof utc, "%s +05:00", when);
	cJSON_AddStringToObject(d, "DateTimeUTC", utc);
	add_mode(d, r->offline);
	cJSON_AddItemToObject(d, "Cashbox", cashbox_json(&L->cfg.cashbox));
	cJSON *org = cJSON_AddObjectToObject(d, "Organization");
	cJSON_AddStringToObject(org, "TaxPayerName", L->cfg.cashbox.org_name);
	cJSON_AddStringToObject(org, "TaxPayerIN", L->cfg.cashbox.org_in);
	cJSON_AddNumberToObject(d, "CheckOrderNumber", r->order);
	cJSON_AddNumberToObject(d, "ShiftNumber", r->shift);
	cJSON_AddStringToObject(d, "EmployeeName", L->cfg.cashbox.employee);
	receipt_ticket_url(r, &L->cfg.cashbox, url, sizeof url);
	cJSON_AddStringToObject(d, "TicketUrl", url);
	return d;
}

/* Registers r now: its number, shift, place and the register's sums. Locked. */
static bool receipt_register(struct ledger *L, struct receipt *r, struct receipt *sale,
                             int64_t now_ms)
{
	if (!room((void ***)&L->checks, L->nchecks, &L->checks_cap))
		return false;
	L->next_sign += 1 + rng_next(&L->rng) % 97;
	snprintf(r->number, sizeof r->number, "%" PRIu64, L->next_sign);
	if (!strmap_put(&L->check_by_ecn, r->ecn, r))
		return false;
	if (!strmap_put(&L->check_by_sign, r->number, r)) {
		strmap_remove(&L->check_by_ecn, r->ecn, r);
		return false;
	}
	shift_touch(L, now_ms);
	r->at_ms = now_ms;
	r->shift = L->shift.number;
	r->order = ++L->shift.checks;
	r->offline = !L->online;
	int64_t cash = check_cash(r->pay, r->npay) - r->change;
	if (r->op == CHECK_SALE) {
		L->sell_total += r->total;
		L->sells++;
		L->cash += cash;
	} else {
		L->return_total += r->total;
		L->returns++;
		L->cash -= cash;
		sale->returned += r->total;
	}
	L->checks[L->nchecks++] = r;
	return true;
}

void ledger_check(struct ledger *L, const struct ledger_gate *g, const struct check_doc *doc,
                  const struct reader *rd, int64_t now_ms, struct reply *out)
{
	struct receipt *r = NULL, *sale = NULL;

	if (!rd->failed && !(r = receipt_make(doc))) {
		out_of_memory(out);
		return;
	}
	pthread_mutex_lock(&L->lock);
	if (!gate(L, g, now_ms, out))
		goto refused;
	if (used(L, doc->ecn)) {
		wk_error(out, WK_DUPLICATE, "ExternalCheckNumber %s was used already", doc->ecn);
		goto refused;
	}
	if (rd->failed) {
		wk_error(out, WK_INVALID, "%s", rd->why);
		goto refused;
	}
	if (doc->op == CHECK_RETURN && !(sale = return_basis(L, doc, out)))
		goto refused;
	if (!shift_fresh(L, now_ms, out))
		goto refused;
	if (!L->online && now_ms - L->offline_since_ms > LEDGER_OFFLINE_MS) {
		wk_error(out, WK_OFFLINE_OVER_72H,
		         "the register has been offline for over 72 hours: receipts wait until it is back online");
		goto refused;
	}
	if (!receipt_register(L, r, sale, now_ms)) {
		out_of_memory(out);
		goto refused;
	}
	wk_data(out, receipt_data(L, r));
	pthread_mutex_unlock(&L->lock);
	return;
refused:
	pthread_mutex_unlock(&L->lock);
	receipt_free(r);
}

/* ---- MoneyOperation -------------------------------------------------------- */

void ledger_money(struct ledger *L, const struct ledger_gate *g, const struct money_doc *doc,
                  const struct reader *rd, int64_t now_ms, struct reply *out)
{
	char a[DEC_TEXT_MAX], b[DEC_TEXT_MAX], when[WK_TIME_LEN];
	struct money *m = calloc(1, sizeof *m);
	if (!m) {
		out_of_memory(out);
		return;
	}
	pthread_mutex_lock(&L->lock);
	if (!gate(L, g, now_ms, out))
		goto refused;
	if (used(L, doc->ecn)) {
		wk_error(out, WK_DUPLICATE, "ExternalCheckNumber %s was used already", doc->ecn);
		goto refused;
	}
	if (rd->failed) {
		wk_error(out, WK_INVALID, "%s", rd->why);
		goto refused;
	}
	if (!shift_fresh(L, now_ms, out))
		goto refused;
	if (doc->op == MONEY_OUT && doc->sum > L->cash) {
		dec_format_fixed(a, sizeof a, doc->sum, 2);
		dec_format_fixed(b, sizeof b, L->cash, 2);
		wk_error(out, WK_NO_CASH, "a cash-out of %s is more than the %s in the register", a, b);
		goto refused;
	}
	snprintf(m->ecn, sizeof m->ecn, "%s", doc->ecn);
	if (!room((void ***)&L->moneys, L->nmoneys, &L->moneys_cap) ||
	    !strmap_put(&L->money_by_ecn, m->ecn, m)) {
		out_of_memory(out);
		goto refused;
	}
	shift_touch(L, now_ms);
	m->op = doc->op;
	m->sum = doc->sum;
	m->at_ms = now_ms;
	m->shift = L->shift.number;
	m->offline = !L->online;
	L->cash += doc->op == MONEY_IN ? doc->sum : -doc->sum;
	L->moneys[L->nmoneys++] = m;

	cJSON *d = cJSON_CreateObject();
	add_mode(d, m->offline);
	cJSON_AddNumberToObject(d, "ShiftNumber", m->shift);
	wk_time(now_ms, when);
	cJSON_AddStringToObject(d, "DateTime", when);
	wk_add_money(d, "Sum", L->cash);
	cJSON_AddItemToObject(d, "Cashbox", cashbox_json(&L->cfg.cashbox));
	wk_data(out, d);
	pthread_mutex_unlock(&L->lock);
	return;
refused:
	pthread_mutex_unlock(&L->lock);
	free(m);
}

/* ---- X and Z --------------------------------------------------------------- */

/* One operation's section of a report (Sell or ReturnSell). */
struct section {
	int64_t by_type[CHECK_PAY_KINDS];  /* cash, card, mobile; cash less change */
	bool seen[CHECK_PAY_KINDS];
	int64_t discount, markup, taken, change, vat, total;
	unsigned count;
};

static int pay_index(int type)
{
	return type == PAY_CASH ? 0 : type == PAY_CARD ? 1 : 2;
}

static const int pay_of_index[CHECK_PAY_KINDS] = {PAY_CASH, PAY_CARD, PAY_MOBILE};

static void section_add(struct section *s, const struct receipt *r)
{
	for (size_t i = 0; i < r->npay; i++) {
		int k = pay_index(r->pay[i].type);
		s->by_type[k] += r->pay[i].sum - (r->pay[i].type == PAY_CASH ? r->change : 0);
		s->seen[k] = true;
		s->taken += r->pay[i].sum;
	}
	s->discount += r->discount;
	s->markup += r->markup;
	s->change += r->change;
	s->vat += r->vat;
	s->total += r->total;
	s->count++;
}

static cJSON *section_json(const struct section *s, unsigned total_count)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *types = cJSON_AddArrayToObject(o, "PaymentsByTypesApiModel");
	for (int k = 0; k < CHECK_PAY_KINDS; k++) {
		if (!s->seen[k])
			continue;
		cJSON *p = cJSON_CreateObject();
		wk_add_money(p, "Sum", s->by_type[k]);
		cJSON_AddNumberToObject(p, "Type", pay_of_index[k]);
		cJSON_AddItemToArray(types, p);
	}
	wk_add_money(o, "Discount", s->discount);
	wk_add_money(o, "Markup", s->markup);
	wk_add_money(o, "Taken", s->taken);
	wk_add_money(o, "Change", s->change);
	cJSON_AddNumberToObject(o, "Count", s->count);
	cJSON_AddNumberToObject(o, "TotalCount", total_count);
	wk_add_money(o, "VAT", s->vat);
	return o;
}

static cJSON *totals_json(int64_t sell, int64_t return_sell)
{
	cJSON *o = cJSON_CreateObject();
	wk_add_money(o, "Sell", sell);
	wk_add_money(o, "Buy", 0);
	wk_add_money(o, "ReturnSell", return_sell);
	wk_add_money(o, "ReturnBuy", 0);
	return o;
}

/* The report of the open shift (or of the empty one to come). Locked. */
static cJSON *report_data(struct ledger *L, bool close, int64_t now_ms)
{
	const struct shift *sh = &L->shift;
	const struct cashbox *cb = &L->cfg.cashbox;
	struct section sell = {0}, ret = {0};
	int64_t put = 0, take = 0;
	size_t docs = 0;

	if (sh->open) {
		for (size_t i = sh->first_check; i < L->nchecks; i++, docs++)
			section_add(L->checks[i]->op == CHECK_SALE ? &sell : &ret, L->checks[i]);
		for (size_t i = sh->first_money; i < L->nmoneys; i++, docs++) {
			if (L->moneys[i]->op == MONEY_IN)
				put += L->moneys[i]->sum;
			else
				take += L->moneys[i]->sum;
		}
	}
	cJSON *d = cJSON_CreateObject();
	cJSON_AddNumberToObject(d, "ReportNumber", close ? sh->number : ++L->x_reports);
	cJSON_AddNumberToObject(d, "ShiftNumber", sh->open ? sh->number : sh->number + 1);
	wk_add_time(d, "StartOn", sh->open ? sh->start_ms : now_ms);
	wk_add_time(d, "ReportOn", now_ms);
	if (close)
		wk_add_time(d, "CloseOn", now_ms);
	cJSON_AddStringToObject(d, "CashboxSN", cb->znk);
	cJSON_AddStringToObject(d, "CashboxRN", cb->rn);
	cJSON_AddStringToObject(d, "CashboxIN", cb->in);
	cJSON_AddStringToObject(d, "TaxPayerName", cb->org_name);
	cJSON_AddStringToObject(d, "TaxPayerIN", cb->org_in);
	cJSON_AddNumberToObject(d, "DocumentCount", (double)docs);
	wk_add_money(d, "PutMoneySum", put);
	wk_add_money(d, "TakeMoneySum", take);
	wk_add_money(d, "SumInCashbox", L->cash);
	cJSON_AddBoolToObject(d, "OfflineMode", !L->online);
	wk_add_money(d, "ControlSum", sell.total - ret.total);
	cJSON_AddItemToObject(d, "Sell", section_json(&sell, L->sells));
	cJSON_AddItemToObject(d, "ReturnSell", section_json(&ret, L->returns));
	cJSON_AddItemToObject(d, "StartNonNullable",
	                      sh->open ? totals_json(sh->start_sell, sh->start_return)
	                               : totals_json(L->sell_total, L->return_total));
	cJSON_AddItemToObject(d, "EndNonNullable", totals_json(L->sell_total, L->return_total));
	return d;
}

void ledger_report(struct ledger *L, const struct ledger_gate *g, bool close, int64_t now_ms,
                   struct reply *out)
{
	pthread_mutex_lock(&L->lock);
	if (gate(L, g, now_ms, out)) {
		if (close && !L->shift.open) {
			wk_error(out, WK_SHIFT_CLOSED, "no shift is open: shift %u is closed already",
			         L->shift.number);
		} else {
			wk_data(out, report_data(L, close, now_ms));
			if (close)
				L->shift.open = false;
		}
	}
	pthread_mutex_unlock(&L->lock);
}

/* ---- PrintFormat ----------------------------------------------------------- */

void ledger_print(struct ledger *L, const struct ledger_gate *g, const struct print_doc *doc,
                  const struct reader *rd, int64_t now_ms, struct reply *out)
{
	pthread_mutex_lock(&L->lock);
	if (!gate(L, g, now_ms, out))
		goto done;
	if (rd->failed) {
		wk_error(out, WK_INVALID, "%s", rd->why);
		goto done;
	}
	const struct receipt *r = strmap_get(&L->check_by_ecn, doc->ecn);
	if (!r) {
		wk_error(out, WK_NO_SUCH_CHECK, "no receipt has ExternalCheckNumber %s", doc->ecn);
		goto done;
	}
	cJSON *lines = ticket_lines(r, &L->cfg.cashbox, doc->paper == PAPER_58 ? 32 : 48);
	if (!lines) {
		out_of_memory(out);
		goto done;
	}
	cJSON *d = cJSON_CreateObject();
	cJSON_AddItemToObject(d, "Lines", lines);
	wk_data(out, d);
done:
	pthread_mutex_unlock(&L->lock);
}

/* ---- the controls ---------------------------------------------------------- */

void ledger_set_online(struct ledger *L, bool online, int64_t now_ms, struct reply *out)
{
	pthread_mutex_lock(&L->lock);
	if (!online && L->online)
		L->offline_since_ms = now_ms;  /* a second "offline" keeps the first time */
	L->online = online;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "online", online);
	if (!online)
		wk_add_time(o, "offline_since", L->offline_since_ms);
	pthread_mutex_unlock(&L->lock);
	reply_json(out, 200, o);
}

void ledger_set_blocked(struct ledger *L, bool blocked, struct reply *out)
{
	pthread_mutex_lock(&L->lock);
	L->blocked = blocked;
	pthread_mutex_unlock(&L->lock);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "blocked", blocked);
	reply_json(out, 200, o);
}

void ledger_list(struct ledger *L, struct reply *out)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *checks = cJSON_AddArrayToObject(o, "checks");
	cJSON *money = cJSON_AddArrayToObject(o, "money");
	pthread_mutex_lock(&L->lock);
	for (size_t i = 0; i < L->nchecks; i++) {
		const struct receipt *r = L->checks[i];
		cJSON *c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "ExternalCheckNumber", r->ecn);
		cJSON_AddStringToObject(c, "CheckNumber", r->number);
		cJSON_AddNumberToObject(c, "OperationType", r->op);
		wk_add_money(c, "Total", r->total);
		cJSON *pays = cJSON_AddArrayToObject(c, "Payments");
		for (size_t k = 0; k < r->npay; k++) {
			cJSON *p = cJSON_CreateObject();
			wk_add_money(p, "Sum", r->pay[k].sum);
			cJSON_AddNumberToObject(p, "PaymentType", r->pay[k].type);
			cJSON_AddItemToArray(pays, p);
		}
		cJSON_AddBoolToObject(c, "OfflineMode", r->offline);
		cJSON_AddNumberToObject(c, "ShiftNumber", r->shift);
		cJSON_AddItemToArray(checks, c);
	}
	for (size_t i = 0; i < L->nmoneys; i++) {
		const struct money *m = L->moneys[i];
		cJSON *c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "ExternalCheckNumber", m->ecn);
		cJSON_AddNumberToObject(c, "OperationType", m->op);
		wk_add_money(c, "Sum", m->sum);
		cJSON_AddItemToArray(money, c);
	}
	pthread_mutex_unlock(&L->lock);
	reply_json(out, 200, o);
}
