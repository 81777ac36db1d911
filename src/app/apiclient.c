/* apiclient.c — see apiclient.h. */
#include "app/apiclient.h"

#include <string.h>

#include "app/i18n.h"
#include "core/validate.h"

/* No client: XPAY_ERR_CONFIG, the message msgid (an N_() text without
 * arguments). */
static xpay_client *refuse(xpay_result *res, const char *msgid)
{
	memset(res, 0, sizeof *res);
	res->kind = XPAY_ERR_CONFIG;
	kp_msg_clear(&res->msg);
	res->msg.id = msgid;
	return NULL;
}

xpay_client *apiclient_new(const struct kp_config *cfg, FILE *debug, xpay_result *res)
{
	if (cfg->api.key[0] == '\0')
		return refuse(res, N_("no API key: set KASPI_XDEV_KEY or key in [api] of config.ini"));
	if (!kp_valid_key(cfg->api.key))
		return refuse(res, N_("the API key is malformed (xdev_ + 20 of a-z 0-9): check KASPI_XDEV_KEY"));
	if (cfg->api.merchant_id[0] == '\0')
		return refuse(res, N_("no merchant BIN: set KASPI_MERCHANT_ID or merchant_id in [api]"));
	if (!kp_valid_bin(cfg->api.merchant_id))
		return refuse(res, N_("the merchant BIN must be 12 digits: check KASPI_MERCHANT_ID"));

	xpay_options opt = {
		.base_url = cfg->api.base_url,
		.key = cfg->api.key,
		.merchant_id = cfg->api.merchant_id,
		.ca_file = cfg->api.ca_file[0] ? cfg->api.ca_file : NULL,
		.connect_timeout_ms = (long)cfg->api.connect_timeout * 1000,
		.timeout_ms = (long)cfg->api.timeout * 1000,
		.debug = debug,
	};
	return xpay_client_new(&opt, res);
}
