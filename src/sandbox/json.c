/* json.c — parsing request bodies (the literals of their numbers: net/jsonnum.c). */
#include "sandbox/json.h"

#include <stdlib.h>
#include <string.h>

cJSON *json_parse_object(const char *body, size_t len)
{
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(body, len, &end, 0);
	if (root && end) {
		while (end < body + len && *end && strchr(" \t\r\n", *end))
			end++;
	}
	if (!root || !cJSON_IsObject(root) || end != body + len) {
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}
