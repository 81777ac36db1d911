/* routes.c — the route table and its handlers: each reads its body by the
 * contract's rules (check.h) and hands the result to the ledger, which
 * applies the rules of stored state in the contract's order. */
#include "sandbox/kassa/routes.h"

#include "core/timeutil.h"
#include "sandbox/json.h"
#include "sandbox/kassa/wk.h"
#include "sandbox/ticks.h"

#include <stdio.h>

cJSON *kassa_body(const char *body, size_t len, struct reader *rd)
{
	cJSON *root = json_parse_object(body, len);
	if (!root) {
		reader_fail(rd, len ? "the body is not a JSON object" : "the body is empty; a JSON object is needed");
		return NULL;
	}
	if (!json_keep_number_texts(root, body, len)) {
		cJSON_Delete(root);
		reader_fail(rd, "the body's numbers could not be read");
		return NULL;
	}
	return root;
}

/* The body, or NULL after answering 9. */
static cJSON *body_or_refuse(const struct route_request *rq, struct reader *rd, struct reply *out)
{
	cJSON *root = kassa_body(rq->body, rq->body_len, rd);
	if (!root)
		wk_error(out, WK_INVALID, "%s", rd->why);
	return root;
}

static struct ledger_gate gate_of(const struct reader *rd, const cJSON *root)
{
	return (struct ledger_gate){
		.token = reader_string(rd, root, "Token"),
		.cashbox = reader_string(rd, root, "CashboxUniqueNumber"),
	};
}

static void h_authorize(const struct route *rt, const struct route_request *rq, struct reply *out)
{
	struct reader rd;
	const char *login = NULL, *password = NULL;
	(void)rt;
	reader_init(&rd, false);
	cJSON *root = body_or_refuse(rq, &rd, out);
	if (!root)
		return;
	read_text(&rd, root, "", "Login", 256, true, &login);
	read_text(&rd, root, "", "Password", 256, true, &password);
	ledger_authorize(rq->ledger, &rd, login, password, rq->now_ms, out);
	cJSON_Delete(root);
}

static void h_check(const struct route *rt, const struct route_request *rq, struct reply *out)
{
	struct reader rd;
	struct check_doc doc;
	(void)rt;
	reader_init(&rd, false);
	cJSON *root = body_or_refuse(rq, &rd, out);
	if (!root)
		return;
	struct ledger_gate g = gate_of(&rd, root);
	check_read(root, &doc, &rd);
	ledger_check(rq->ledger, &g, &doc, &rd, rq->now_ms, out);
	check_doc_free(&doc);
	cJSON_Delete(root);
}

/* MoneyOperation: every field name with either case of its first letter. */
static void h_money(const struct route *rt, const struct route_request *rq, struct reply *out)
{
	struct reader rd;
	struct money_doc doc;
	(void)rt;
	reader_init(&rd, true);
	cJSON *root = body_or_refuse(rq, &rd, out);
	if (!root)
		return;
	struct ledger_gate g = gate_of(&rd, root);
	money_read(root, &doc, &rd);
	ledger_money(rq->ledger, &g, &doc, &rd, rq->now_ms, out);
	cJSON_Delete(root);
}

static void h_print(const struct route *rt, const struct route_request *rq, struct reply *out)
{
	struct reader rd;
	struct print_doc doc;
	(void)rt;
	reader_init(&rd, false);
	cJSON *root = body_or_refuse(rq, &rd, out);
	if (!root)
		return;
	struct ledger_gate g = gate_of(&rd, root);
	print_read(root, &doc, &rd);
	ledger_print(rq->ledger, &g, &doc, &rd, rq->now_ms, out);
	cJSON_Delete(root);
}

/* X (step 0) and Z (step 1). */
static void h_report(const struct route *rt, const struct route_request *rq, struct reply *out)
{
	struct reader rd;
	reader_init(&rd, false);
	cJSON *root = body_or_refuse(rq, &rd, out);
	if (!root)
		return;
	struct ledger_gate g = gate_of(&rd, root);
	ledger_report(rq->ledger, &g, rt->step == 1, rq->now_ms, out);
	cJSON_Delete(root);
}

/* ---- the sandbox's controls ------------------------------------------------ */

/* The one boolean field name of a control body, or a 9. */
static bool control_bool(const struct route_request *rq, const char *name, bool *value,
                         struct reply *out)
{
	struct reader rd;
	reader_init(&rd, false);
	cJSON *root = body_or_refuse(rq, &rd, out);
	if (!root)
		return false;
	read_bool(&rd, root, "", name, true, value);
	cJSON_Delete(root);
	if (rd.failed)
		wk_error(out, WK_INVALID, "%s", rd.why);
	return !rd.failed;
}

/* POST /sandbox/ofd {"online": false} */
static void h_ofd(const struct route *rt, const struct route_request *rq, struct reply *out)
{
	bool online;
	(void)rt;
	if (control_bool(rq, "online", &online, out))
		ledger_set_online(rq->ledger, online, rq->now_ms, out);
}

/* POST /sandbox/cashbox {"blocked": true} */
static void h_cashbox(const struct route *rt, const struct route_request *rq, struct reply *out)
{
	bool blocked;
	(void)rt;
	if (control_bool(rq, "blocked", &blocked, out))
		ledger_set_blocked(rq->ledger, blocked, out);
}

/* POST /sandbox/clock {"advance_s": 86400} */
static void h_clock(const struct route *rt, const struct route_request *rq, struct reply *out)
{
	struct reader rd;
	int64_t seconds = 0;
	(void)rt;
	reader_init(&rd, false);
	cJSON *root = body_or_refuse(rq, &rd, out);
	if (!root)
		return;
	read_decimal(&rd, root, "", "advance_s", 0, 0, KASSA_CLOCK_MAX_S, true, 0, &seconds);
	cJSON_Delete(root);
	if (rd.failed) {
		wk_error(out, WK_INVALID, "%s", rd.why);
		return;
	}
	int64_t shift = ticks_advance(seconds * 1000);
	int64_t now = ticks_now_ms();
	char utc[KP_TIME_LEN];
	kp_time_format((time_t)(now / 1000), utc, sizeof utc);
	cJSON *o = cJSON_CreateObject();
	wk_add_time(o, "now", now);
	cJSON_AddStringToObject(o, "now_utc", utc);
	cJSON_AddNumberToObject(o, "advanced_s", (double)(shift / 1000));
	reply_json(out, 200, o);
}

static void h_checks(const struct route *rt, const struct route_request *rq, struct reply *out)
{
	(void)rt;
	ledger_list(rq->ledger, out);
}

const struct route kassa_routes[] = {
	{.method = "POST", .pattern = "/api/v4/Authorize", .access = ROUTE_API, .handle = h_authorize},
	{.method = "POST", .pattern = "/api/v4/check", .access = ROUTE_API, .handle = h_check},
	{.method = "POST", .pattern = "/api/v4/Ticket/PrintFormat", .access = ROUTE_API, .handle = h_print},
	{.method = "POST", .pattern = "/api/v4/MoneyOperation", .access = ROUTE_API, .handle = h_money},
	{.method = "POST", .pattern = "/api/v4/XReport", .access = ROUTE_API, .handle = h_report, .step = 0},
	{.method = "POST", .pattern = "/api/v4/ZReport", .access = ROUTE_API, .handle = h_report, .step = 1},
	{.method = "POST", .pattern = "/sandbox/ofd", .access = ROUTE_CONTROL, .handle = h_ofd},
	{.method = "POST", .pattern = "/sandbox/clock", .access = ROUTE_CONTROL, .handle = h_clock},
	{.method = "POST", .pattern = "/sandbox/cashbox", .access = ROUTE_CONTROL, .handle = h_cashbox},
	{.method = "GET", .pattern = "/sandbox/checks", .access = ROUTE_CONTROL, .handle = h_checks},
};

const size_t kassa_routes_count = sizeof kassa_routes / sizeof kassa_routes[0];
