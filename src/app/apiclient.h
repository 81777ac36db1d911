/* apiclient.h — turns the till's settings into an xpay client, with the
 * messages a person needs when a setting is missing. */
#ifndef KP_APP_APICLIENT_H
#define KP_APP_APICLIENT_H

#include <stdio.h>

#include "app/config.h"
#include "net/xpay.h"

/* Creates a client from cfg's [api] section. On failure returns NULL and
 * fills *res with XPAY_ERR_CONFIG and one line that names the setting to
 * fix (never the key's value). debug: NULL, or a redacted trace stream. */
xpay_client *apiclient_new(const struct kp_config *cfg, FILE *debug, xpay_result *res);

#endif
