/* httpd.c — the hub's routes over libmicrohttpd (httpd.h). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>

#include "hub/dist.h"
#include "hub/hash.h"
#include "hub/httpd.h"
#include "hub/ingest.h"
#include "hub/owner.h"
#include "hub/push.h"
#include "net/webhook.h"

#define WEBHOOK_BODY_MAX (64u * 1024) /* the contract's bodies are a few hundred bytes */
#include "hub/report.h"

struct hub_httpd {
	struct MHD_Daemon *daemon;
	hub_pg_pool *pool;         /* a connection per thread that answers */
	struct hub_faults faults;
	char *webhook_secret;      /* NULL: POST /webhooks/kaspi answers 503 */
	hub_push *push;            /* the tills' streams (push.h) */
	pthread_mutex_t rng_lock;  /* the threads share the faults' draws */
	unsigned rng;              /* rand_r's state */
	atomic_bool started;       /* MHD's own words are logged from then on: a failed
	                            * start is said once, in ours */
};

/* One request's body as it comes in. */
struct hub_req {
	char *body;
	size_t len, cap;
	bool too_large;
};

/* Sends status with a JSON body (taken over: freed here). */
static enum MHD_Result hub_send(struct MHD_Connection *conn, int status, char *json)
{
	const char *text = json ? json : "{}";
	struct MHD_Response *r =
	        MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
	free(json);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", "application/json");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	enum MHD_Result ok = MHD_queue_response(conn, (unsigned)status, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result hub_send_error(struct MHD_Connection *conn, int status, const char *error)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "error", error);
	char *json = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return hub_send(conn, status, json);
}

/* Appends a piece of the body, or marks it too large. */
static void hub_req_append(struct hub_req *rq, const char *data, size_t n)
{
	if (rq->too_large || rq->len + n > HTTPD_BODY_MAX) {
		rq->too_large = true;
		return;
	}
	if (rq->len + n + 1 > rq->cap) {
		size_t cap = rq->cap ? rq->cap : 4096;
		while (cap < rq->len + n + 1)
			cap *= 2;
		char *b = realloc(rq->body, cap);
		if (!b) {
			rq->too_large = true;
			return;
		}
		rq->body = b;
		rq->cap = cap;
	}
	memcpy(rq->body + rq->len, data, n);
	rq->len += n;
	rq->body[rq->len] = '\0';
}

/* The SHA-256 hex of the request's bearer token into out; false: none. */
static bool hub_bearer_hash(struct MHD_Connection *conn, char out[HUB_HASH_HEX + 1])
{
	const char *auth = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
	if (!auth || strncmp(auth, "Bearer ", 7) != 0 || !auth[7])
		return false;
	return hub_sha256_hex(auth + 7, strlen(auth + 7), out);
}

/* One line on standard error per batch: the till (an id the parser
 * checked), its seqs, what came of it. */
static void hub_log_batch(const struct ingest_batch *b, const struct ingest_result *res,
                          int status, bool dropped)
{
	long long first = b->n ? (long long)b->rows[0].seq : 0;
	long long last = b->n ? (long long)b->rows[b->n - 1].seq : 0;
	if (res->outcome == INGEST_OK)
		fprintf(stderr, "kaspi-hub: %s rows %lld-%lld: stored %zu, acked %lld%s\n", b->till, first,
		        last, res->stored, (long long)res->acked,
		        dropped ? "; answer dropped (fault)" : "");
	else
		fprintf(stderr, "kaspi-hub: %s rows %lld-%lld: refused %d, seq %lld\n",
		        b->till[0] ? b->till : "-", first, last, status, (long long)res->seq);
	fflush(stderr);
}

/* Whether this answer is dropped (the faults' drop_rate). */
static bool hub_fault_draw(struct hub_httpd *h)
{
	if (h->faults.drop_rate <= 0)
		return false;
	pthread_mutex_lock(&h->rng_lock);
	double x = (double)rand_r(&h->rng) / RAND_MAX;
	pthread_mutex_unlock(&h->rng_lock);
	return x < h->faults.drop_rate;
}

static enum MHD_Result hub_ingest(struct hub_httpd *h, hub_pg *pg, struct MHD_Connection *conn,
                                  struct hub_req *rq)
{
	struct ingest_batch batch;
	struct ingest_result res;
	char token_hash[HUB_HASH_HEX + 1];
	char *json = NULL;

	if (rq->too_large)
		return hub_send_error(conn, 413, "too_large");
	bool has_token = hub_bearer_hash(conn, token_hash);
	if (ingest_parse(rq->body ? rq->body : "", &batch, &res))
		hub_pg_ingest(pg, has_token ? token_hash : NULL, &batch, &res);
	int status = ingest_answer(&res, &json);
	bool drop = res.outcome == INGEST_OK && hub_fault_draw(h);
	hub_log_batch(&batch, &res, status, drop);
	if (res.outcome == INGEST_OK && res.stored > 0)
		hub_push_send(h->push, OWNER_STREAM, "changed", "{}"); /* the owner's page reads again */
	ingest_free(&batch);
	if (drop) {
		free(json);
		return MHD_NO; /* the connection closed without an answer */
	}
	return hub_send(conn, status, json);
}

/* The JSON a till's stream carries for ev: what to look at, not the amount. */
static char *hub_push_data(const struct webhook_event *ev)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "event", ev->event);
	cJSON_AddStringToObject(o, "payment_id", ev->payment_id);
	cJSON_AddStringToObject(o, "merchant_order_id", ev->merchant_order_id);
	cJSON_AddStringToObject(o, "status", ev->status);
	char *json = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return json;
}

/* POST /webhooks/kaspi (API.md, "Webhooks"): the signature over the raw
 * bytes, the JSON, the 5-minute window (net/webhook.h), then once per
 * (payment_id, event) in the database, pushed to its till's streams. */
static enum MHD_Result hub_webhook(struct hub_httpd *h, hub_pg *pg, struct MHD_Connection *conn,
                                   struct hub_req *rq)
{
	struct webhook_event ev;
	char till[INGEST_TILL_MAX + 1], err[HUB_ERR_SIZE];
	bool dup = false;

	if (!h->webhook_secret)
		return hub_send_error(conn, 503, "no_webhook_secret");
	if (rq->too_large || rq->len > WEBHOOK_BODY_MAX)
		return hub_send_error(conn, 413, "too_large");
	const char *sig = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Kaspi-Hmac");
	enum webhook_verdict v = webhook_verify(h->webhook_secret, rq->body, rq->len, sig,
	                                        time(NULL), NULL, &ev);
	if (v != WEBHOOK_OK) {
		fprintf(stderr, "kaspi-hub: webhook refused: %s\n", webhook_verdict_name(v));
		fflush(stderr);
		return hub_send_error(conn, v == WEBHOOK_BAD_SIGNATURE ? 401 : 400,
		                      v == WEBHOOK_BAD_SIGNATURE ? "bad_signature"
		                      : v == WEBHOOK_STALE       ? "stale"
		                                                 : "malformed");
	}
	if (!hub_pg_webhook(pg, &ev, rq->body, till, &dup, err)) {
		fprintf(stderr, "kaspi-hub: webhook %s %s: %s\n", ev.payment_id, ev.event, err);
		fflush(stderr);
		return hub_send_error(conn, 503, "unavailable"); /* Kaspi sends it again */
	}
	size_t streams = 0;
	if (!dup && till[0]) {
		char *data = hub_push_data(&ev);
		streams = data ? hub_push_send(h->push, till, "payment", data) : 0;
		free(data);
		if (!hub_pg_webhook_pushed(pg, &ev, streams, err))
			fprintf(stderr, "kaspi-hub: %s\n", err);
	}
	fprintf(stderr, "kaspi-hub: webhook %s %s %s: %s\n", ev.payment_id, ev.event,
	        ev.merchant_order_id,
	        dup ? "duplicate, handled before" : !till[0] ? "no such till" : "taken");
	if (!dup && till[0])
		fprintf(stderr, "kaspi-hub: %s pushed to %zu stream(s)\n", till, streams);
	fflush(stderr);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "status", dup ? "duplicate" : "ok");
	cJSON_AddNumberToObject(o, "pushed", (double)streams);
	char *json = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return hub_send(conn, 200, json);
}

/* GET /api/v1/push: the stream of the till whose bearer token it is. */
static enum MHD_Result hub_push_route(struct hub_httpd *h, hub_pg *pg, struct MHD_Connection *conn)
{
	char token_hash[HUB_HASH_HEX + 1], till[INGEST_TILL_MAX + 1], err[HUB_ERR_SIZE];
	bool known = false;
	if (!hub_bearer_hash(conn, token_hash))
		return hub_send_error(conn, 401, "unauthorized");
	if (!hub_pg_till_of_token(pg, token_hash, till, &known, err)) {
		fprintf(stderr, "kaspi-hub: %s\n", err);
		return hub_send_error(conn, 503, "unavailable");
	}
	if (!known)
		return hub_send_error(conn, 401, "unauthorized");
	return hub_push_open(h->push, conn, till);
}

/* The owner's token of ?token= as its hash: 1 an owner's, 0 not (or
 * none), -1 the database failed. */
static int hub_owner_of_query(hub_pg *pg, struct MHD_Connection *conn)
{
	const char *token = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "token");
	char hash[HUB_HASH_HEX + 1];
	if (!token || !token[0] || strlen(token) > 128)
		return 0;
	if (!hub_sha256_hex(token, strlen(token), hash))
		return -1;
	return hub_owner_known(pg, hash);
}

/* GET /owner and /owner/events (owner.h). */
static enum MHD_Result hub_owner(struct hub_httpd *h, hub_pg *pg, struct MHD_Connection *conn,
                                 bool events)
{
	int owner = hub_owner_of_query(pg, conn);
	if (owner < 0)
		return hub_send_error(conn, 503, "unavailable");
	if (!owner)
		return hub_send_error(conn, 403, "forbidden");
	if (events)
		return hub_push_open(h->push, conn, OWNER_STREAM);
	struct MHD_Response *r = MHD_create_response_from_buffer(
		strlen(owner_page_html), (void *)owner_page_html, MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", "text/html; charset=utf-8");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer"); /* the token stays here */
	enum MHD_Result ok = MHD_queue_response(conn, 200, r);
	MHD_destroy_response(r);
	return ok;
}

/* GET /api/v1/catalog or /api/v1/users (dist.h); 304 without a body. */
static enum MHD_Result hub_dist(hub_pg *pg, struct MHD_Connection *conn, enum dist_kind kind)
{
	char token_hash[HUB_HASH_HEX + 1];
	char *json = NULL;
	bool has_token = hub_bearer_hash(conn, token_hash);
	const char *since = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "since");
	int status = dist_answer(pg, kind, has_token ? token_hash : NULL, since, &json);
	if (status != 304)
		return hub_send(conn, status, json);
	struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Cache-Control", "no-store");
	enum MHD_Result ok = MHD_queue_response(conn, 304, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result hub_health(struct MHD_Connection *conn)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "status", "ok");
	cJSON_AddNumberToObject(o, "schema", hub_pg_schema_latest());
	char *json = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return hub_send(conn, 200, json);
}

/* GET /api/v1/report?day=...|from=...&to=...[&store&till&by]: report.h */
static enum MHD_Result hub_report(hub_pg *pg, struct MHD_Connection *conn)
{
	char token_hash[HUB_HASH_HEX + 1], *json = NULL;
	const char *arg[6], *names[6] = {"day", "from", "to", "store", "till", "by"};
	for (int i = 0; i < 6; i++)
		arg[i] = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, names[i]);
	bool has_token = hub_bearer_hash(conn, token_hash);
	int status = hub_report_http(pg, has_token ? token_hash : NULL, arg[0], arg[1], arg[2],
	                             arg[3], arg[4], arg[5], &json);
	return hub_send(conn, status, json);
}

/* Answers a request whose body is all in, over pg. */
static enum MHD_Result hub_route_pg(struct hub_httpd *h, hub_pg *pg, struct MHD_Connection *conn,
                                    const char *url, const char *method, struct hub_req *rq)
{
	if (strcmp(url, "/api/v1/ingest") == 0)
		return strcmp(method, "POST") == 0 ? hub_ingest(h, pg, conn, rq)
		                                   : hub_send_error(conn, 405, "method_not_allowed");
	if (strcmp(url, "/webhooks/kaspi") == 0)
		return strcmp(method, "POST") == 0 ? hub_webhook(h, pg, conn, rq)
		                                   : hub_send_error(conn, 405, "method_not_allowed");
	if (strcmp(url, "/api/v1/push") == 0)
		return strcmp(method, "GET") == 0 ? hub_push_route(h, pg, conn)
		                                  : hub_send_error(conn, 405, "method_not_allowed");
	if (strcmp(url, "/api/v1/report") == 0)
		return strcmp(method, "GET") == 0 ? hub_report(pg, conn)
		                                  : hub_send_error(conn, 405, "method_not_allowed");
	if (strcmp(url, "/owner") == 0 || strcmp(url, "/owner/events") == 0)
		return strcmp(method, "GET") == 0 ? hub_owner(h, pg, conn, url[6] == '/')
		                                  : hub_send_error(conn, 405, "method_not_allowed");
	if (strcmp(url, "/api/v1/health") == 0)
		return strcmp(method, "GET") == 0 ? hub_health(conn)
		                                  : hub_send_error(conn, 405, "method_not_allowed");
	if (strcmp(url, "/api/v1/catalog") == 0 || strcmp(url, "/api/v1/users") == 0)
		return strcmp(method, "GET") == 0
		               ? hub_dist(pg, conn, url[8] == 'c' ? DIST_CATALOG : DIST_USERS)
		               : hub_send_error(conn, 405, "method_not_allowed");
	return hub_send_error(conn, 404, "not_found");
}

/* Answers a request over a connection of the pool, lent for it alone: a
 * long report on one thread leaves the others to ingest. */
static enum MHD_Result hub_route(struct hub_httpd *h, struct MHD_Connection *conn,
                                 const char *url, const char *method, struct hub_req *rq)
{
	hub_pg *pg = hub_pg_take(h->pool);
	enum MHD_Result r = hub_route_pg(h, pg, conn, url, method, rq);
	hub_pg_give(h->pool, pg);
	return r;
}

static enum MHD_Result hub_access(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
	(void)version;
	struct hub_req *rq = *con_cls;
	if (!rq) {
		if (!(rq = calloc(1, sizeof *rq)))
			return MHD_NO;
		*con_cls = rq;
		return MHD_YES;
	}
	if (*upload_data_size) {
		hub_req_append(rq, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	return hub_route(cls, conn, url, method, rq);
}

static void hub_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                          enum MHD_RequestTerminationCode toe)
{
	(void)cls, (void)conn, (void)toe;
	struct hub_req *rq = *con_cls;
	if (rq) {
		free(rq->body);
		free(rq);
		*con_cls = NULL;
	}
}

static void hub_log(void *cls, const char *fmt, va_list ap)
{
	const struct hub_httpd *h = cls;
	if (!h->started)
		return;
	fputs("kaspi-hub: ", stderr);
	vfprintf(stderr, fmt, ap);
}

/* Frees what hub_httpd_start made of h before its daemon. */
static void hub_httpd_free(struct hub_httpd *h)
{
	hub_push_free(h->push);
	hub_pg_pool_close(h->pool);
	pthread_mutex_destroy(&h->rng_lock);
	if (h->webhook_secret) {
		explicit_bzero(h->webhook_secret, strlen(h->webhook_secret));
		free(h->webhook_secret);
	}
	free(h);
}

bool hub_httpd_start(const struct hub_httpd_config *cfg, hub_httpd **out, char *url,
                     size_t url_size, char *err, size_t err_size)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(cfg->port)};
	char perr[HUB_ERR_SIZE];
	bool tls = cfg->tls_cert && cfg->tls_key;
	*out = NULL;
	if (inet_pton(AF_INET, cfg->addr, &sa.sin_addr) != 1) {
		snprintf(err, err_size, "%s is not an IPv4 address", cfg->addr);
		return false;
	}
	if (cfg->threads < 1 || cfg->threads > HTTPD_THREADS_MAX) {
		snprintf(err, err_size, "threads: 1 to %d", HTTPD_THREADS_MAX);
		return false;
	}
	if (tls && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		snprintf(err, err_size, "this libmicrohttpd was built without TLS");
		return false;
	}
	struct hub_httpd *h = calloc(1, sizeof *h);
	if (!h) {
		snprintf(err, err_size, "out of memory");
		return false;
	}
	pthread_mutex_init(&h->rng_lock, NULL);
	if ((cfg->webhook_secret && *cfg->webhook_secret &&
	     !(h->webhook_secret = strdup(cfg->webhook_secret))) ||
	    !(h->push = hub_push_new())) {
		hub_httpd_free(h);
		snprintf(err, err_size, "out of memory");
		return false;
	}
	if (!hub_pg_pool_open(cfg->db, cfg->threads, &h->pool, perr)) {
		hub_httpd_free(h);
		snprintf(err, err_size, "%s", perr);
		return false;
	}
	if (cfg->faults) {
		h->faults = *cfg->faults;
		h->rng = cfg->faults->seed;
	}
	/* the PEM text as it is (MHD copies nothing: cfg's strings outlive h) */
	struct MHD_OptionItem tls_options[] = {
	        {MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)cfg->tls_cert},
	        {MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)cfg->tls_key},
	        {MHD_OPTION_END, 0, NULL},
	};
	h->daemon = MHD_start_daemon(
	        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ERROR_LOG |
	                MHD_ALLOW_SUSPEND_RESUME | (tls ? MHD_USE_TLS : 0),
	        0, NULL, NULL, hub_access, h, MHD_OPTION_EXTERNAL_LOGGER, hub_log, h,
	        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_CONNECTION_TIMEOUT, 30u,
	        MHD_OPTION_CONNECTION_LIMIT, 256u, MHD_OPTION_NOTIFY_COMPLETED, hub_completed, h,
	        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads, MHD_OPTION_ARRAY,
	        tls ? tls_options : tls_options + 2, MHD_OPTION_END);
	if (!h->daemon) {
		if (tls)
			snprintf(err, err_size, "cannot listen on %s:%u (in use, not this machine's, or "
			         "the certificate and key do not make a pair)", cfg->addr, (unsigned)cfg->port);
		else
			snprintf(err, err_size, "cannot listen on %s:%u (in use, or not this machine's)",
			         cfg->addr, (unsigned)cfg->port);
		hub_httpd_free(h);
		return false;
	}
	h->started = true;
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
	snprintf(url, url_size, "%s://%s:%u", tls ? "https" : "http", cfg->addr,
	         info ? (unsigned)info->port : (unsigned)cfg->port);
	*out = h;
	return true;
}

void hub_httpd_stop(hub_httpd *h)
{
	if (!h)
		return;
	hub_push_close_all(h->push); /* none may stay suspended under MHD_stop_daemon */
	MHD_stop_daemon(h->daemon);
	hub_httpd_free(h);
}
