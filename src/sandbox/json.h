/* json.h — request bodies as both sandboxes read them. cJSON keeps a
 * number only as a double, which cannot tell 549.9 from 549.90000000001
 * that a client printed from a float; json_keep_number_texts (net/jsonnum.h,
 * shared with the Webkassa client) gives every number back the text it was
 * sent as, so that money can be read from its digits exactly
 * (kassa/decimal.h). */
#ifndef KP_SANDBOX_JSON_H
#define KP_SANDBOX_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "net/jsonnum.h"

/* The body as a JSON object with nothing but white space after it, or
 * NULL (not JSON, not an object, trailing bytes, nested too deep). */
cJSON *json_parse_object(const char *body, size_t len);

#endif
