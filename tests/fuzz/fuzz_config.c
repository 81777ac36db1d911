/* fuzz_config.c — libFuzzer over the config parser: any bytes as an INI
 * buffer. Checks, beyond the sanitizers, that the parser keeps its
 * promises: counts match the kept diagnostics, every message is one line,
 * and a key planted in the input never shows up in a message (names
 * that look like keys are not shown, values never are). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Planted after the input, in a key line that may or may not parse. */
static const char planted[] = "\nkey = xdev_fuzz0fuzz0fuzz0fuzz0\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kp_config cfg;
	char *buf = malloc(size + sizeof planted);

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	memcpy(buf + size, planted, sizeof planted - 1);

	for (int pass = 0; pass < 2; pass++) {
		/* pass 0: the input alone; pass 1: with the planted key after it */
		size_t len = pass ? size + sizeof planted - 1 : size;
		config_init(&cfg);
		enum config_status st = config_parse_buffer(&cfg, buf, len, "fuzz.ini");
		if ((st == CONFIG_ERR_INVALID) != (cfg.errors > 0))
			abort();
		if (cfg.ndiag + cfg.dropped != cfg.errors + cfg.warnings || cfg.ndiag > CONFIG_DIAG_MAX)
			abort();
		for (int i = 0; i < cfg.ndiag; i++) {
			const char *t = cfg.diag[i].text;
			if (memchr(t, '\0', sizeof cfg.diag[i].text) == NULL || strchr(t, '\n') ||
			    strstr(t, "xdev_fuzz0fuzz0fuzz0fuzz0"))
				abort();
		}
		/* typed fields stay within their rules whatever the input */
		if (cfg.api.timeout < 1 || cfg.api.timeout > 300 || cfg.api.connect_timeout < 1 ||
		    cfg.api.connect_timeout > 60)
			abort();
		if (cfg.printer.width != 32 && cfg.printer.width != 42 && cfg.printer.width != 48)
			abort();
		if (cfg.commission.qr < 0 || cfg.commission.qr > 10000)
			abort();
		if (strlen(cfg.till.id) != 3)
			abort();
	}
	free(buf);
	return 0;
}
