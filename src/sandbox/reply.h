/* reply.h — one answer of a sandbox, filled by a service's handler and sent
 * by the shared server (server.h). The transport fields (status, headers,
 * a raw body) mean the same to every service; error and message are the
 * service's own (kaspi-sandbox's "amount_out_of_range", kassa-sandbox's
 * Webkassa code), and the service's render hook turns them, or json, into
 * the body's bytes. */
#ifndef KP_SANDBOX_REPLY_H
#define KP_SANDBOX_REPLY_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#define REPLY_MESSAGE_SIZE 200
#define REPLY_UNSET (-1)  /* error of a reply no handler filled: the service renders it as internal */

struct reply {
	unsigned status;              /* HTTP status */
	int error;                    /* the service's error code; 0 for a success */
	char message[REPLY_MESSAGE_SIZE]; /* the error's human text */
	cJSON *json;                  /* a success's body; with an error, whatever
	                                 the service sends along with it */
	bool replayed;                /* send Idempotent-Replayed: true */
	unsigned retry_after;         /* Retry-After seconds, 0 for none */
	const char *allow;            /* Allow header of a 405, or NULL */
	const char *content_type;     /* NULL: application/json; charset=utf-8 */
	char *raw;                    /* a body that is not JSON (the QR image), malloc'd */
	size_t raw_len;               /* its length */
};

/* An unfilled reply: 500, REPLY_UNSET. */
void reply_init(struct reply *r);
/* A JSON success; takes ownership of json. */
void reply_json(struct reply *r, unsigned status, cJSON *json);
/* A success whose body is the bytes raw[0..len) of content_type; takes
 * ownership of raw (malloc'd). */
void reply_raw(struct reply *r, unsigned status, const char *content_type, char *raw, size_t len);
/* Turns r into an error: status, the service's code and the text fmt. */
void reply_set_error(struct reply *r, unsigned status, int error, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Frees what r holds and makes it unfilled again. */
void reply_clear(struct reply *r);

#endif
