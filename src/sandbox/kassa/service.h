/* service.h — kassa-sandbox as the shared server sees it (server.h): its
 * route table at the root (/api/v4/..., /sandbox/...), the x-api-key as
 * its admission (HTTP 401 with error 3), its handlers and its bodies. */
#ifndef KP_SANDBOX_KASSA_SERVICE_H
#define KP_SANDBOX_KASSA_SERVICE_H

#include "sandbox/kassa/ledger.h"
#include "sandbox/server.h"

#define KASSA_KEY_MAX 128  /* the x-api-key, bytes */

/* What the hooks need; lives as long as the server. */
struct kassa_service {
	struct ledger *ledger;
	char key[KASSA_KEY_MAX + 1];   /* the one valid x-api-key */
	struct server_service svc;     /* filled by kassa_service_init */
};

void kassa_service_init(struct kassa_service *k, struct ledger *ledger, const char *key);

#endif
