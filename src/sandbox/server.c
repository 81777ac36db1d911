/* server.c — libmicrohttpd glue: request bodies, the per-request pipeline
 * (server.h), faults and the answer's headers. */
#include "sandbox/server.h"

#include "sandbox/deadline.h"
#include "sandbox/ticks.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#define DRAIN_MAX (1024 * 1024)  /* bytes of an oversized chunked body read before hanging up */

struct server {
	struct MHD_Daemon *daemon;
	const struct server_service *svc;
	struct faults *faults;
	struct deadlines *deadlines;  /* NULL: no whole-request deadline */
	char host[80];              /* "ADDR:PORT" as bound, IPv6 bracketed */
	char base_url[128];         /* "http://" host prefix */
	atomic_bool started;        /* past start-up: MHD's log goes quiet */
	pthread_mutex_t lock;       /* guards stopping */
	pthread_cond_t wake;        /* broadcast when stopping */
	bool stopping;
};

/* One request's body, kept across MHD's calls. */
struct request {
	char *body;          /* NUL-terminated */
	size_t len, cap;
	size_t discarded;    /* bytes thrown away past SERVER_BODY_MAX */
	bool too_large;
	bool answered;       /* a response is queued already */
};

/* Sleeps ms, or less when the server stops; false if it is stopping. */
static bool server_wait(struct server *s, unsigned ms)
{
	struct timespec until = ticks_deadline(ms);
	pthread_mutex_lock(&s->lock);
	while (!s->stopping && pthread_cond_timedwait(&s->wake, &s->lock, &until) == 0)
		;
	bool ok = !s->stopping;
	pthread_mutex_unlock(&s->lock);
	return ok;
}

static const char *header(struct MHD_Connection *conn, const char *name)
{
	return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

const char *server_header(const struct server_request *rq, const char *name)
{
	return rq->conn ? header(rq->conn, name) : NULL;
}

/* The base URL that clients used to reach us (the Host header, when it is
 * a plausible host[:port]), so links work from wherever they are. */
static void server_request_base(const struct server *s, struct MHD_Connection *conn, char *out,
                                size_t size)
{
	const char *host = header(conn, MHD_HTTP_HEADER_HOST);
	if (host && *host && strlen(host) < 100 &&
	    strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") ==
	        strlen(host))
		snprintf(out, size, "http://%s%s", host, s->svc->prefix);
	else
		snprintf(out, size, "%s", s->base_url);
}

static const char garbled_page[] =
	"<html><head><title>502 Bad Gateway</title></head>"
	"<body><center><h1>502 Bad Gateway</h1></center></body></html>\n";

/* Queues r as the answer; a garbling fault spoils a 2xx body first. */
static enum MHD_Result server_send(const struct server *s, struct MHD_Connection *conn,
                                   const struct reply *r, enum fault_kind fault)
{
	const char *type = r->content_type ? r->content_type : "application/json; charset=utf-8";
	size_t len = 0;
	char *body;
	char retry[16];

	if (r->raw) {
		body = malloc(r->raw_len + 1);
		if (body) {
			memcpy(body, r->raw, r->raw_len);
			body[r->raw_len] = '\0';
			len = r->raw_len;
		}
	} else {
		body = s->svc->render(s->svc->ctx, r, &len);
	}

	if (!body)
		return MHD_NO;
	if (r->status >= 200 && r->status < 300) {
		if (fault == FAULT_GARBLE_TRUNCATE) {
			len /= 2;
		} else if (fault == FAULT_GARBLE_TEXT) {
			free(body);
			body = strdup(garbled_page);
			if (!body)
				return MHD_NO;
			len = sizeof garbled_page - 1;
			type = "text/html; charset=utf-8";
		}
	}
	struct MHD_Response *resp = MHD_create_response_from_buffer_with_free_callback(len, body, free);
	if (!resp) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (r->replayed)
		MHD_add_response_header(resp, "Idempotent-Replayed", "true");
	if (r->retry_after) {
		snprintf(retry, sizeof retry, "%u", r->retry_after);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, retry);
	}
	if (r->allow)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
	enum MHD_Result ret = MHD_queue_response(conn, r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* Sends r and frees it. */
static enum MHD_Result server_finish(const struct server *s, struct MHD_Connection *conn,
                                     struct reply *r, enum fault_kind fault)
{
	enum MHD_Result ret = server_send(s, conn, r, fault);
	reply_clear(r);
	return ret;
}

/* Fills out with the service's answer for why. */
static void server_refuse(const struct server *s, enum server_refusal why,
                          const struct server_request *req, struct reply *out)
{
	reply_clear(out);
	s->svc->refuse(s->svc->ctx, why, req, out);
}

/* The whole body is in: route, check, apply, answer (server.h). */
static enum MHD_Result server_answer(struct server *s, struct MHD_Connection *conn,
                                     struct request *rq, const char *url, const char *method)
{
	const struct server_service *svc = s->svc;
	struct reply out;
	char allow[64], base[128];
	size_t prefix = strlen(svc->prefix);
	enum route_result found = ROUTE_NO_PATH;
	struct server_request req = {
		.conn = conn,
		.url = url,
		.method = method,
		.body = rq->body ? rq->body : "",
		.body_len = rq->len,
	};

	reply_init(&out);
	if (strncmp(url, svc->prefix, prefix) == 0 && url[prefix] == '/') {
		req.path = url + prefix;
		found = route_find(svc->routes, svc->nroutes, svc->nocase, req.path, method, &req.route,
		                   req.id, allow, sizeof allow);
	}
	if (found == ROUTE_NO_PATH) {
		server_refuse(s, SERVER_NO_PATH, &req, &out);
		return server_finish(s, conn, &out, FAULT_NONE);
	}
	if (found == ROUTE_BAD_METHOD) {
		req.allow = allow;
		server_refuse(s, SERVER_BAD_METHOD, &req, &out);
		out.allow = allow;
		return server_finish(s, conn, &out, FAULT_NONE);
	}
	if (rq->too_large) {
		server_refuse(s, SERVER_TOO_LARGE, &req, &out);
		return server_finish(s, conn, &out, FAULT_NONE);
	}
	enum route_access access = req.route->access;
	if (access != ROUTE_PUBLIC && !svc->admit(svc->ctx, &req, &out))
		return server_finish(s, conn, &out, FAULT_NONE);

	struct fault_plan plan = {.kind = FAULT_NONE};
	if (access == ROUTE_API)
		faults_plan(s->faults, strcmp(method, "POST") == 0, &plan);
	if (plan.delay_ms && !server_wait(s, plan.delay_ms))
		return MHD_NO;
	if (plan.kind == FAULT_DROP_BEFORE)
		return MHD_NO;  /* MHD closes the connection without an answer */
	if (plan.kind == FAULT_HANG_BEFORE && !server_wait(s, FAULTS_HANG_MS))
		return MHD_NO;
	if (plan.kind == FAULT_FAIL_BEFORE || plan.kind == FAULT_HANG_BEFORE) {
		/* a hang before: held back, then the 500 of a request not applied */
		server_refuse(s, SERVER_FAULT_BEFORE, &req, &out);
		return server_finish(s, conn, &out, FAULT_NONE);
	}

	server_request_base(s, conn, base, sizeof base);
	req.base_url = base;
	req.now_ms = ticks_now_ms();
	svc->handle(svc->ctx, &req, &out);

	switch (plan.kind) {
	case FAULT_FAIL_AFTER:
		server_refuse(s, SERVER_FAULT_AFTER, &req, &out);
		break;
	case FAULT_DROP:
		reply_clear(&out);
		return MHD_NO;
	case FAULT_HANG:
		if (!server_wait(s, FAULTS_HANG_MS)) {
			reply_clear(&out);
			return MHD_NO;
		}
		break;
	default:
		break;
	}
	return server_finish(s, conn, &out, plan.kind);
}

/* Appends a piece of the body, or counts it once the body is too large. */
static void request_append(struct request *rq, const char *data, size_t n)
{
	if (rq->too_large || rq->len + n > SERVER_BODY_MAX) {
		rq->too_large = true;
		rq->discarded += n;
		free(rq->body);
		rq->body = NULL;
		rq->len = rq->cap = 0;
		return;
	}
	if (rq->len + n + 1 > rq->cap) {
		size_t cap = rq->cap ? rq->cap : 1024;
		while (cap < rq->len + n + 1)
			cap *= 2;
		char *b = realloc(rq->body, cap);
		if (!b) {
			rq->too_large = true;  /* cannot hold it: treated as too large */
			return;
		}
		rq->body = b;
		rq->cap = cap;
	}
	memcpy(rq->body + rq->len, data, n);
	rq->len += n;
	rq->body[rq->len] = '\0';
}

/* The connection's entry in the deadline table, or NULL. */
static struct deadline_conn *server_conn_deadline(const struct server *s, struct MHD_Connection *conn)
{
	if (!s->deadlines)
		return NULL;
	const union MHD_ConnectionInfo *info =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return info ? info->socket_context : NULL;
}

static enum MHD_Result server_access(void *cls, struct MHD_Connection *conn, const char *url,
                                     const char *method, const char *version,
                                     const char *upload_data, size_t *upload_data_size,
                                     void **con_cls)
{
	struct server *s = cls;
	struct request *rq = *con_cls;
	struct deadline_conn *dl = server_conn_deadline(s, conn);
	(void)version;

	/* past the whole-request deadline: hang up on the rest (MHD can only
	 * answer before the body or after all of it) */
	if (dl && deadlines_passed(s->deadlines, dl))
		return MHD_NO;
	if (!rq) {
		rq = calloc(1, sizeof *rq);
		if (!rq)
			return MHD_NO;
		*con_cls = rq;
		/* a declared size over the limit is refused before reading any of it */
		const char *length = header(conn, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (length && strtoull(length, NULL, 10) > SERVER_BODY_MAX) {
			struct server_request req = {.conn = conn, .url = url, .method = method, .body = ""};
			struct reply out;
			reply_init(&out);
			server_refuse(s, SERVER_TOO_LARGE, &req, &out);
			rq->answered = true;
			return server_finish(s, conn, &out, FAULT_NONE);
		}
		return MHD_YES;
	}
	if (rq->answered) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*upload_data_size) {
		request_append(rq, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return rq->discarded > DRAIN_MAX ? MHD_NO : MHD_YES;
	}
	rq->answered = true;
	deadlines_request_in(s->deadlines, dl);
	return server_answer(s, conn, rq, url, method);
}

static void server_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                             enum MHD_RequestTerminationCode toe)
{
	struct server *s = cls;
	struct request *rq = *con_cls;
	(void)toe;
	deadlines_answered(s->deadlines, server_conn_deadline(s, conn));
	if (rq) {
		free(rq->body);
		free(rq);
		*con_cls = NULL;
	}
}

/* A request line is in: its request is due limit_ms from now at the latest. */
static void *server_request_line(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct server *s = cls;
	(void)uri;
	deadlines_request_line(s->deadlines, server_conn_deadline(s, conn));
	return NULL;  /* the access handler makes its struct request itself */
}

/* Connections opening and closing: their entries in the deadline table. */
static void server_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                              enum MHD_ConnectionNotificationCode toe)
{
	struct server *s = cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *info =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		*socket_context = info ? deadlines_open(s->deadlines, info->connect_fd) : NULL;
	} else if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
		deadlines_close(s->deadlines, *socket_context);
		*socket_context = NULL;
	}
}

static void server_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* MHD's own messages: shown while starting (why a bind failed), then
 * silenced — clients that vanish mid-answer are normal here. */
static void server_log(void *cls, const char *fmt, va_list ap)
{
	struct server *s = cls;
	if (!fmt || atomic_load(&s->started))
		return;
	fprintf(stderr, "%s: ", s->svc->name);
	vfprintf(stderr, fmt, ap);
	if (!*fmt || fmt[strlen(fmt) - 1] != '\n')
		fputc('\n', stderr);
}

struct server *server_start(const struct server_config *cfg, const struct server_service *svc,
                            struct faults *faults, char *err, size_t err_size)
{
	struct sockaddr_in in4 = {.sin_family = AF_INET, .sin_port = htons((uint16_t)cfg->port)};
	struct sockaddr_in6 in6 = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)cfg->port)};
	const struct sockaddr *addr;
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
	                 MHD_USE_POLL | MHD_USE_ERROR_LOG;
	bool v6 = false;

	if (inet_pton(AF_INET, cfg->bind_addr, &in4.sin_addr) == 1) {
		addr = (const struct sockaddr *)&in4;
	} else if (inet_pton(AF_INET6, cfg->bind_addr, &in6.sin6_addr) == 1) {
		addr = (const struct sockaddr *)&in6;
		flags |= MHD_USE_IPv6;
		v6 = true;
	} else {
		snprintf(err, err_size, "--bind %s is not a numeric IPv4 or IPv6 address", cfg->bind_addr);
		return NULL;
	}

	struct server *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, err_size, "out of memory");
		return NULL;
	}
	s->svc = svc;
	s->faults = faults;
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&s->wake, &attr);
	pthread_condattr_destroy(&attr);
	if (cfg->request_deadline_ms &&
	    !(s->deadlines = deadlines_start(cfg->request_deadline_ms, SERVER_IDLE_TIMEOUT_S * 1000u))) {
		snprintf(err, err_size, "cannot start the request deadline thread");
		server_stop(s);
		return NULL;
	}

	/* the deadline's callbacks only when there is one (with NULL callbacks
	 * the options are ignored) */
	s->daemon = MHD_start_daemon(
		flags, (uint16_t)cfg->port, NULL, NULL, server_access, s,
		MHD_OPTION_EXTERNAL_LOGGER, server_log, s,  /* first, or MHD warns */
		MHD_OPTION_SOCK_ADDR, addr,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)SERVER_IDLE_TIMEOUT_S,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)SERVER_CONNECTIONS_MAX,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->max_conn_per_ip,
		MHD_OPTION_NOTIFY_CONNECTION, s->deadlines ? server_connection : NULL, s,
		MHD_OPTION_URI_LOG_CALLBACK, s->deadlines ? server_request_line : NULL, s,
		MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
		MHD_OPTION_THREAD_STACK_SIZE, (size_t)(1024 * 1024),
		MHD_OPTION_NOTIFY_COMPLETED, server_completed, s,
		MHD_OPTION_END);
	if (!s->daemon) {
		snprintf(err, err_size, "cannot listen on %s port %u", cfg->bind_addr, cfg->port);
		server_stop(s);
		return NULL;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	unsigned port = info && info->port ? info->port : cfg->port;
	snprintf(s->host, sizeof s->host, v6 ? "[%s]:%u" : "%s:%u", cfg->bind_addr, port);
	snprintf(s->base_url, sizeof s->base_url, "http://%s%s", s->host, svc->prefix);
	atomic_store(&s->started, true);
	return s;
}

const char *server_base_url(const struct server *s)
{
	return s->base_url;
}

void server_stop(struct server *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->stopping = true;
	pthread_cond_broadcast(&s->wake);
	pthread_mutex_unlock(&s->lock);
	if (s->daemon)
		MHD_stop_daemon(s->daemon);
	deadlines_stop(s->deadlines);  /* after the daemon: every connection is closed */
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
