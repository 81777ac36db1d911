/* cmd_display.c — `kaspi-pos display [--url URL]`: the customer display
 * drawn in this terminal (tui/display_term.c) from the till's feed. The
 * URL is the one the till writes to $KASPI_POS_HOME/display.url when it
 * serves the display (the same machine), or the one a tablet pairs with
 * (another: --url, as the till's F-key shows it). */
#include <stdio.h>
#include <string.h>

#include "app/i18n.h"
#include "cli/cli.h"
#include "tui/tui.h"

/* The URL the till wrote, first line, into url; false when there is none. */
static bool read_url_file(const struct kp_config *cfg, char *url, size_t size)
{
	char path[CONFIG_PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/display.url", cfg->home);
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	bool ok = fgets(url, (int)size, f) != NULL;
	fclose(f);
	url[strcspn(url, "\r\n")] = '\0';
	return ok && url[0];
}

int cmd_display(struct cli_ctx *ctx, int argc, char **argv)
{
	char url[2048] = "";
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--url") == 0 && i + 1 < argc)
			snprintf(url, sizeof url, "%s", argv[++i]);
		else
			return cli_usage("display");
	}
	if (!cli_load_config(ctx))
		return EXIT_USAGE;
	if (!url[0] && !read_url_file(&ctx->cfg, url, sizeof url)) {
		fprintf(stderr, _("kaspi-pos: no %s/display.url: start the till with [display] listen set, "
		                  "or give --url\n"),
		        ctx->cfg.home);
		return EXIT_USAGE;
	}
	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
		fprintf(stderr, "kaspi-pos: %s\n", _("--url must start with http:// or https://"));
		return EXIT_USAGE;
	}
	/* the page's address (what a tablet pairs with) → its event stream */
	char events[sizeof url + 16];
	const char *page = strstr(url, "/display?");
	if (page)
		snprintf(events, sizeof events, "%.*s/display/events?%s", (int)(page - url), url,
		         page + strlen("/display?"));
	else
		snprintf(events, sizeof events, "%s", url);
	return tui_display_run(events, NULL, ctx->cfg.ui.theme);
}
