/* reply.c — the answer a handler fills and the server sends. */
#include "sandbox/reply.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void reply_init(struct reply *r)
{
	memset(r, 0, sizeof *r);
	r->status = 500;
	r->error = REPLY_UNSET;
}

void reply_json(struct reply *r, unsigned status, cJSON *json)
{
	cJSON_Delete(r->json);
	r->json = json;
	r->status = status;
	r->error = 0;
	r->message[0] = '\0';
}

void reply_raw(struct reply *r, unsigned status, const char *content_type, char *raw, size_t len)
{
	free(r->raw);
	r->raw = raw;
	r->raw_len = len;
	r->content_type = content_type;
	r->status = status;
	r->error = 0;
	r->message[0] = '\0';
}

void reply_set_error(struct reply *r, unsigned status, int error, const char *fmt, ...)
{
	va_list ap;
	r->status = status;
	r->error = error;
	va_start(ap, fmt);
	vsnprintf(r->message, sizeof r->message, fmt, ap);
	va_end(ap);
}

void reply_clear(struct reply *r)
{
	cJSON_Delete(r->json);
	free(r->raw);
	reply_init(r);
}
