/* service.h — kaspi-sandbox as the shared server sees it (server.h): its
 * route table under /api/v1, the admission of API.md (the merchant's rate
 * limit before the key: 429 before 401), its handlers and its error bodies. */
#ifndef KP_SANDBOX_KASPI_SERVICE_H
#define KP_SANDBOX_KASPI_SERVICE_H

#include "core/validate.h"
#include "sandbox/kaspi/state.h"
#include "sandbox/ratelimit.h"
#include "sandbox/server.h"

#define KASPI_PREFIX "/api/v1"

/* What the hooks need; lives as long as the server. */
struct kaspi_service {
	struct state *st;
	struct ratelimit *rl;
	char key[KP_KEY_LEN + 1];       /* the one valid xdev_ key */
	char merchant[KP_BIN_LEN + 1];  /* its merchant's BIN */
	struct server_service svc;      /* filled by kaspi_service_init */
};

/* Fills k->svc for k's state, limiter, key and merchant. */
void kaspi_service_init(struct kaspi_service *k, struct state *st, struct ratelimit *rl,
                        const char *key, const char *merchant);

#endif
