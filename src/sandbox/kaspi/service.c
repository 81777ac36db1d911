/* service.c — kaspi-sandbox's hooks into the shared server: admission
 * (request counts, rate limit, key and merchant), the handlers through the
 * route table, and its answers to refusals and faults. */
#include "sandbox/kaspi/service.h"

#include "sandbox/kaspi/routes.h"
#include "sandbox/ticks.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Checks the key and the merchant; false with the reason in why. */
static bool kaspi_authorized(const struct kaspi_service *k, const struct server_request *rq,
                             char *why, size_t why_size)
{
	const char *auth = server_header(rq, "Authorization");
	const char *merchant = server_header(rq, "X-Merchant-ID");

	if (!auth) {
		snprintf(why, why_size, "the Authorization header is missing");
		return false;
	}
	if (strncasecmp(auth, "Bearer ", 7) != 0) {
		snprintf(why, why_size, "Authorization must be \"Bearer <key>\"");
		return false;
	}
	const char *key = auth + 7;
	while (*key == ' ')
		key++;
	if (!kp_valid_key(key)) {
		snprintf(why, why_size, "the key is malformed");
		return false;
	}
	if (CRYPTO_memcmp(key, k->key, KP_KEY_LEN) != 0) {
		snprintf(why, why_size, "unknown key");
		return false;
	}
	if (!merchant) {
		snprintf(why, why_size, "the X-Merchant-ID header is missing");
		return false;
	}
	if (strcmp(merchant, k->merchant) != 0) {
		snprintf(why, why_size, "X-Merchant-ID is not this key's merchant");
		return false;
	}
	return true;
}

/* Counts API requests, then 429 before 401: the window is the merchant's,
 * named by its header. */
static bool kaspi_admit(void *ctx, const struct server_request *rq, struct reply *out)
{
	struct kaspi_service *k = ctx;
	char why[REPLY_MESSAGE_SIZE];
	bool api = rq->route->access == ROUTE_API;

	if (api)
		state_count_request(k->st, strcmp(rq->method, "GET") == 0 && rq->id[0]);
	const char *merchant = server_header(rq, "X-Merchant-ID");
	unsigned retry = 0;
	if (api && merchant && strcmp(merchant, k->merchant) == 0 &&
	    !ratelimit_admit(k->rl, ticks_wall_ms(), &retry)) {
		reply_error(out, API_RATE_LIMITED, "over the limit of requests per minute; retry in %u s", retry);
		out->retry_after = retry;
		return false;
	}
	if (!kaspi_authorized(k, rq, why, sizeof why)) {
		reply_error(out, API_UNAUTHORIZED, "%s", why);
		return false;
	}
	return true;
}

static void kaspi_handle(void *ctx, const struct server_request *rq, struct reply *out)
{
	struct kaspi_service *k = ctx;
	struct route_request req = {
		.st = k->st,
		.id = rq->id[0] ? rq->id : NULL,
		.body = rq->body,
		.body_len = rq->body_len,
		.idempotency_key = server_header(rq, "X-Idempotency-Key"),
		.base_url = rq->base_url,
		.now_ms = rq->now_ms,
	};
	rq->route->handle(rq->route, &req, out);
}

static void kaspi_refuse(void *ctx, enum server_refusal why, const struct server_request *rq,
                         struct reply *out)
{
	(void)ctx;
	switch (why) {
	case SERVER_NO_PATH:
		reply_error(out, API_NOT_FOUND, "no such path: %.100s", rq->url);
		break;
	case SERVER_BAD_METHOD:
		reply_error(out, API_METHOD_NOT_ALLOWED, "%.100s takes %s", rq->url, rq->allow);
		break;
	case SERVER_TOO_LARGE:
		reply_error(out, API_PAYLOAD_TOO_LARGE, NULL);
		break;
	case SERVER_FAULT_BEFORE:
		reply_error(out, API_INTERNAL, "simulated server fault (--fail-rate); nothing was done");
		break;
	case SERVER_FAULT_AFTER:
		reply_error(out, API_INTERNAL, "simulated server fault (--fail-rate)");
		break;
	}
}

static char *kaspi_render(void *ctx, const struct reply *r, size_t *len)
{
	(void)ctx;
	return api_reply_body(r, len);
}

void kaspi_service_init(struct kaspi_service *k, struct state *st, struct ratelimit *rl,
                        const char *key, const char *merchant)
{
	k->st = st;
	k->rl = rl;
	snprintf(k->key, sizeof k->key, "%s", key);
	snprintf(k->merchant, sizeof k->merchant, "%s", merchant);
	k->svc = (struct server_service){
		.name = "kaspi-sandbox",
		.prefix = KASPI_PREFIX,
		.routes = kaspi_routes,
		.nroutes = kaspi_routes_count,
		.nocase = false,
		.ctx = k,
		.admit = kaspi_admit,
		.handle = kaspi_handle,
		.refuse = kaspi_refuse,
		.render = kaspi_render,
	};
}
