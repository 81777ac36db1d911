/* wk.c — kassa-sandbox's answers (wk.h). */
#include "sandbox/kassa/wk.h"

#include "core/timeutil.h"
#include "sandbox/kassa/decimal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void wk_error(struct reply *r, enum wk_code code, const char *fmt, ...)
{
	va_list ap;
	cJSON_Delete(r->json);
	r->json = NULL;
	r->status = 200;
	r->error = (int)code;
	va_start(ap, fmt);
	vsnprintf(r->message, sizeof r->message, fmt, ap);
	va_end(ap);
}

void wk_data(struct reply *r, cJSON *data)
{
	cJSON *root = cJSON_CreateObject();
	cJSON_AddItemToObject(root, "Data", data);
	reply_json(r, 200, root);
}

char *wk_render(const struct reply *r, size_t *len)
{
	char *text;
	if (r->error == 0) {
		text = r->json ? cJSON_PrintUnformatted(r->json) : NULL;
	} else {
		cJSON *root = cJSON_CreateObject();
		cJSON *errors = cJSON_AddArrayToObject(root, "Errors");
		cJSON *e = cJSON_CreateObject();
		cJSON_AddItemToArray(errors, e);
		cJSON_AddNumberToObject(e, "Code", r->error > 0 ? r->error : 500);
		cJSON_AddStringToObject(e, "Text", r->error > 0 ? r->message : "internal error");
		text = cJSON_PrintUnformatted(root);
		cJSON_Delete(root);
	}
	if (text)
		*len = strlen(text);
	return text;
}

cJSON *wk_add_money(cJSON *o, const char *name, int64_t tiyn)
{
	char text[DEC_TEXT_MAX];
	dec_format(text, sizeof text, tiyn, 2);
	return cJSON_AddRawToObject(o, name, text);
}

void wk_time(int64_t ms, char buf[WK_TIME_LEN])
{
	time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	if (kp_almaty_strftime(buf, WK_TIME_LEN, "%d.%m.%Y %H:%M:%S", t) == 0)
		snprintf(buf, WK_TIME_LEN, "?");
}

cJSON *wk_add_time(cJSON *o, const char *name, int64_t ms)
{
	char buf[WK_TIME_LEN];
	wk_time(ms, buf);
	return cJSON_AddStringToObject(o, name, buf);
}
