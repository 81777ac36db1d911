/* cmd_health.c — `kaspi-pos health`: is the key accepted and the service
 * up? Prints status, server version, round trip and clock skew. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/apiclient.h"
#include "cli/cli.h"

/* A skew beyond this makes countdowns and expiry times visibly wrong. */
#define SKEW_WARN_S 30

int cmd_health(struct cli_ctx *ctx, int argc, char **argv)
{
	xpay_result res;
	xpay_health health;

	(void)argv;
	if (argc > 0) {
		fprintf(stderr, "usage: kaspi-pos health\n");
		return EXIT_USAGE;
	}
	if (!cli_load_config(ctx)) /* health answers 0 or 3: a bad setting is "not ok" too */
		return EXIT_API;

	xpay_client *client = apiclient_new(&ctx->cfg, ctx->debug ? stderr : NULL, &res);
	if (!client) {
		fprintf(stderr, "%s\n", res.message);
		return EXIT_API;
	}
	xpay_kind kind = xpay_health_get(client, &health, &res);
	xpay_client_free(client);
	if (kind != XPAY_OK) {
		fprintf(stderr, "%s\n", res.message);
		return EXIT_API;
	}

	printf("status:     %s\n", health.status);
	printf("version:    %s\n", health.version[0] ? health.version : "(not given)");
	printf("round trip: %ld ms\n", res.round_trip_ms);
	if (res.has_skew)
		printf("clock skew: %+ld s (server %s)\n", res.skew_s,
		       res.skew_s > 0 ? "ahead" : res.skew_s < 0 ? "behind" : "in step");
	else
		printf("clock skew: unknown (no Date header)\n");

	if (strcmp(health.status, "ok") != 0) {
		fprintf(stderr, "the service reports \"%s\": payments may fail, try again later\n",
		        health.status);
		return EXIT_API;
	}
	if (res.has_skew && labs(res.skew_s) > SKEW_WARN_S)
		fprintf(stderr, "warning: this computer's clock is %ld s off the server's: set the time "
		                "(countdowns are corrected meanwhile)\n",
		        labs(res.skew_s));
	return 0;
}
