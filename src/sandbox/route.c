/* route.c — finding a request's row in a route table. */
#include "sandbox/route.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Matches path against pattern segment by segment; captures {id}. */
static bool route_match(const char *pattern, const char *path, bool nocase, char id[ROUTE_ID_MAX])
{
	while (*pattern && *path) {
		if (*pattern != '/' || *path != '/')
			return false;
		pattern++, path++;
		size_t plen = strcspn(pattern, "/"), slen = strcspn(path, "/");
		if (strncmp(pattern, "{id}", 4) == 0) {
			size_t suffix = plen - 4;  /* ".svg" or nothing */
			if (slen <= suffix || slen - suffix >= ROUTE_ID_MAX ||
			    strncmp(path + slen - suffix, pattern + 4, suffix) != 0)
				return false;
			memcpy(id, path, slen - suffix);
			id[slen - suffix] = '\0';
		} else if (plen != slen ||
		           (nocase ? strncasecmp(pattern, path, plen) : strncmp(pattern, path, plen)) != 0) {
			return false;
		}
		pattern += plen, path += slen;
	}
	return !*pattern && !*path;
}

enum route_result route_find(const struct route *table, size_t n, bool nocase, const char *path,
                             const char *method, const struct route **rt, char id[ROUTE_ID_MAX],
                             char *allow, size_t allow_size)
{
	bool path_known = false;
	bool head = strcmp(method, "HEAD") == 0;
	char scratch[ROUTE_ID_MAX] = "";

	id[0] = '\0';
	if (allow_size)
		allow[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const struct route *r = &table[i];
		if (!route_match(r->pattern, path, nocase, scratch))
			continue;
		path_known = true;
		if (strcmp(r->method, method) == 0 || (head && strcmp(r->method, "GET") == 0)) {
			*rt = r;
			snprintf(id, ROUTE_ID_MAX, "%s", scratch);
			return ROUTE_FOUND;
		}
		size_t used = strlen(allow);
		snprintf(allow + used, allow_size - used, "%s%s%s", used ? ", " : "", r->method,
		         strcmp(r->method, "GET") == 0 ? ", HEAD" : "");
	}
	return path_known ? ROUTE_BAD_METHOD : ROUTE_NO_PATH;
}
