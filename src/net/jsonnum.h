/* jsonnum.h — the literal text of every number in a parsed JSON body.
 * cJSON keeps a number only as a double, which cannot tell 549.9 from
 * 549.90000000001 that a float printed in full gives; json_keep_number_texts
 * gives every number back the text it was sent as, so that money can be
 * read from its digits exactly. Both sides of the fiscal contract use it:
 * kassa-sandbox reading requests (sandbox/kassa/decimal.h) and the
 * Webkassa client reading answers (net/webkassa.h). cJSON only, no I/O. */
#ifndef KP_NET_JSONNUM_H
#define KP_NET_JSONNUM_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

/* Sets every number's valuestring in root (as parsed from body[0..len) by
 * cJSON) to a malloc'd copy of its literal, "549.90" or "1e2", which
 * cJSON_Delete frees with the rest. False when out of memory or when the
 * literals found in body do not pair up one to one with the numbers
 * (which cJSON's own parse never causes). */
bool json_keep_number_texts(cJSON *root, const char *body, size_t len);

/* The literal of a number that json_keep_number_texts gave it, or NULL. */
const char *json_number_text(const cJSON *item);

#endif
