/* service.c — kassa-sandbox's hooks into the shared server: the x-api-key,
 * the handlers through the route table, and its answers to refusals and
 * faults in the contract's form ({"Errors": [{"Code", "Text"}]}). */
#include "sandbox/kassa/service.h"

#include "sandbox/kassa/routes.h"
#include "sandbox/kassa/wk.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

/* Every call, control calls too, carries the integrator's key. */
static bool kassa_admit(void *ctx, const struct server_request *rq, struct reply *out)
{
	struct kassa_service *k = ctx;
	const char *key = server_header(rq, "x-api-key");
	size_t n = strlen(k->key);

	if (!key) {
		reply_set_error(out, 401, WK_UNAUTHORIZED, "the x-api-key header is missing");
		return false;
	}
	if (strlen(key) != n || CRYPTO_memcmp(key, k->key, n) != 0) {
		reply_set_error(out, 401, WK_UNAUTHORIZED, "unknown x-api-key");
		return false;
	}
	return true;
}

static void kassa_handle(void *ctx, const struct server_request *rq, struct reply *out)
{
	struct kassa_service *k = ctx;
	struct route_request req = {
		.ledger = k->ledger,
		.body = rq->body,
		.body_len = rq->body_len,
		.now_ms = rq->now_ms,
	};
	rq->route->handle(rq->route, &req, out);
}

/* The server's own refusals carry their HTTP status as the Code. */
static void kassa_refuse(void *ctx, enum server_refusal why, const struct server_request *rq,
                         struct reply *out)
{
	(void)ctx;
	switch (why) {
	case SERVER_NO_PATH:
		reply_set_error(out, 404, 404, "no such path: %.100s", rq->url);
		break;
	case SERVER_BAD_METHOD:
		reply_set_error(out, 405, 405, "%.100s takes %s", rq->url, rq->allow);
		break;
	case SERVER_TOO_LARGE:
		reply_set_error(out, 413, 413, "the body is over 64 KiB");
		break;
	case SERVER_FAULT_BEFORE:
		reply_set_error(out, 500, 500, "simulated server fault; nothing was done");
		break;
	case SERVER_FAULT_AFTER:
		reply_set_error(out, 500, 500, "simulated server fault");
		break;
	}
}

static char *kassa_render(void *ctx, const struct reply *r, size_t *len)
{
	(void)ctx;
	return wk_render(r, len);
}

void kassa_service_init(struct kassa_service *k, struct ledger *ledger, const char *key)
{
	k->ledger = ledger;
	snprintf(k->key, sizeof k->key, "%s", key);
	k->svc = (struct server_service){
		.name = "kassa-sandbox",
		.prefix = "",
		.routes = kassa_routes,
		.nroutes = kassa_routes_count,
		.nocase = true,
		.ctx = k,
		.admit = kassa_admit,
		.handle = kassa_handle,
		.refuse = kassa_refuse,
		.render = kassa_render,
	};
}
