/* cmd_health.c — `kaspi-pos health`: is the key accepted and the service
 * up? Prints status, server version, round trip and clock skew. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/apiclient.h"
#include "app/i18n.h"
#include "cli/cli.h"

/* A skew beyond this makes countdowns and expiry times visibly wrong. */
#define SKEW_WARN_S 30

int cmd_health(struct cli_ctx *ctx, int argc, char **argv)
{
	xpay_result res;
	xpay_health health;

	(void)argv;
	if (argc > 0)
		return cli_usage("health");
	if (!cli_load_config(ctx)) /* health answers 0 or 3: a bad setting is "not ok" too */
		return EXIT_API;

	xpay_client *client = apiclient_new(&ctx->cfg, ctx->debug ? stderr : NULL, &res);
	if (!client) {
		fprintf(stderr, "%s\n", kp_msg_text(&res.msg));
		return EXIT_API;
	}
	xpay_kind kind = xpay_health_get(client, &health, &res);
	xpay_client_free(client);
	if (kind != XPAY_OK) {
		fprintf(stderr, "%s\n", kp_msg_text(&res.msg));
		return EXIT_API;
	}

	/* status and version come made safe for the terminal (net/xpay.c) */
	printf(_("status:     %s\n"), health.status);
	printf(_("version:    %s\n"), health.version[0] ? health.version : _("(not given)"));
	printf(_("round trip: %ld ms\n"), res.round_trip_ms);
	if (res.has_skew)
		printf(res.skew_s > 0   ? _("clock skew: %+ld s (server ahead)\n")
		       : res.skew_s < 0 ? _("clock skew: %+ld s (server behind)\n")
		                        : _("clock skew: %+ld s (server in step)\n"),
		       res.skew_s);
	else
		printf("%s\n", _("clock skew: unknown (no Date header)"));

	if (strcmp(health.status, "ok") != 0) {
		fprintf(stderr, _("the service reports \"%s\": payments may fail, try again later\n"),
		        health.status);
		return EXIT_API;
	}
	if (res.has_skew && labs(res.skew_s) > SKEW_WARN_S)
		fprintf(stderr, _("warning: this computer's clock is %ld s off the server's: set the time "
		                  "(countdowns are corrected meanwhile)\n"),
		        labs(res.skew_s));
	return 0;
}
