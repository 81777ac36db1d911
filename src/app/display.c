/* display.c — the customer display's server (display.h): a libmicrohttpd
 * daemon with a thread per connection, so that a stream may wait on the
 * snapshot's condition variable while the others go on, and a slow
 * client blocks only its own thread.
 *
 * The snapshot: one view and its lines (room for DISPLAY_LINES_MAX made
 * at start, so a publish never allocates) under one mutex, with its
 * sequence number. A stream holds the mutex only to wait and to copy the
 * snapshot out; it writes JSON and sends it without it. The mutex is
 * never held across I/O, so display_publish waits at most for a copy. */
#include "app/display.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app/i18n.h"
#include "core/clock.h"

#define TOKEN_BYTES 16          /* a random token: 128 bits */
#define IDLE_TIMEOUT_S 60       /* a silent connection (streams speak every 15 s) */
#define MEMORY_LIMIT (32 * 1024) /* per connection: a longer request line is refused */

struct display {
	struct MHD_Daemon *daemon;
	char token[CONFIG_TOKEN_MAX];
	char shop[CONFIG_TEXT_MAX];
	char url[DISPLAY_URL_SIZE];
	char url_file[CONFIG_PATH_MAX]; /* "" when none was written */

	pthread_mutex_t lock;           /* guards what follows */
	pthread_cond_t changed;         /* a publish, or the stop */
	uint64_t seq;
	bool stopping;
	struct display_view view;       /* view.lines points at lines */
	struct display_line *lines;     /* DISPLAY_LINES_MAX of them */
	int streams;                    /* event streams open: the displays watching */
};

/* A reader's own copy of the snapshot (a stream's, a request's). */
struct snap {
	struct display_view view;
	struct display_line *lines;
	size_t cap;
	uint64_t seq;
};

/* One event stream. */
struct stream {
	struct display *d;
	struct snap snap;
	uint64_t sent;                  /* the seq last written; 0: none yet */
	char *out;                      /* what is being sent */
	size_t out_len, out_pos;
	bool out_owned;                 /* out is malloc'd */
};

/* ---- the snapshot ---------------------------------------------------------- */

void display_publish(struct display *d, const struct display_view *v)
{
	if (!d)
		return;
	size_t n = v->n_lines < DISPLAY_LINES_MAX ? v->n_lines : DISPLAY_LINES_MAX;
	pthread_mutex_lock(&d->lock);
	d->view = *v;
	d->view.n_lines = n;
	d->view.lines = d->lines;
	if (n)
		memcpy(d->lines, v->lines, n * sizeof *d->lines);
	d->seq++;
	/* under the lock: the streams it wakes then wait for the unlock
	 * instead of preempting the caller (bench_display, 21 streams on 2
	 * cores: a median of about 0.05 ms here, 0.2–0.4 ms after it) */
	pthread_cond_broadcast(&d->changed);
	pthread_mutex_unlock(&d->lock);
}

uint64_t display_seq(struct display *d)
{
	pthread_mutex_lock(&d->lock);
	uint64_t seq = d->seq;
	pthread_mutex_unlock(&d->lock);
	return seq;
}

/* Copies the latest snapshot into s, growing s outside the lock when the
 * basket outgrew it. False when memory runs out. */
static bool snap_take(struct display *d, struct snap *s)
{
	for (;;) {
		pthread_mutex_lock(&d->lock);
		size_t n = d->view.n_lines;
		if (n <= s->cap) {
			s->view = d->view;
			s->view.lines = s->lines;
			if (n)
				memcpy(s->lines, d->lines, n * sizeof *s->lines);
			s->seq = d->seq;
			pthread_mutex_unlock(&d->lock);
			return true;
		}
		pthread_mutex_unlock(&d->lock);
		struct display_line *grown = realloc(s->lines, n * sizeof *grown);
		if (!grown)
			return false;
		s->lines = grown;
		s->cap = n;
	}
}

/* ---- requests ---------------------------------------------------------------- */

/* Whether the query's token is ours: the same length and the same bytes,
 * compared in constant time. */
static bool token_ok(const struct display *d, struct MHD_Connection *c)
{
	const char *given = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token");
	char padded[CONFIG_TOKEN_MAX] = {0};
	size_t n = strlen(d->token);
	if (!given || strlen(given) != n)
		return false;
	memcpy(padded, given, n);
	return CRYPTO_memcmp(padded, d->token, sizeof padded) == 0;
}

/* Queues a response with the headers every answer has. */
static enum MHD_Result send_response(struct MHD_Connection *c, unsigned status,
                                     struct MHD_Response *r, const char *type)
{
	if (!r)
		return MHD_NO;
	if (type)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result send_text(struct MHD_Connection *c, unsigned status, const char *text)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), (void *)text,
	                                                         MHD_RESPMEM_PERSISTENT);
	return send_response(c, status, r, "text/plain; charset=utf-8");
}

/* A malloc'd body, freed by MHD once sent. */
static enum MHD_Result send_owned(struct MHD_Connection *c, char *body, size_t len, const char *type)
{
	if (!body)
		return send_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
	struct MHD_Response *r = MHD_create_response_from_buffer_with_free_callback(len, body, free);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	return send_response(c, MHD_HTTP_OK, r, type);
}

static enum MHD_Result send_page(struct MHD_Connection *c)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
		strlen(display_page_html), (void *)display_page_html, MHD_RESPMEM_PERSISTENT);
	if (r)
		MHD_add_response_header(r, "Content-Security-Policy",
		                        "default-src 'none'; connect-src 'self'; img-src 'self'; "
		                        "style-src 'unsafe-inline'; script-src 'unsafe-inline'");
	return send_response(c, MHD_HTTP_OK, r, "text/html; charset=utf-8");
}

static enum MHD_Result send_state(struct display *d, struct MHD_Connection *c)
{
	struct snap s = {0};
	char *json = snap_take(d, &s) ? display_json(&s.view, d->shop, s.seq, kp_mono_ms()) : NULL;
	free(s.lines);
	return send_owned(c, json, json ? strlen(json) : 0, "application/json; charset=utf-8");
}

static enum MHD_Result send_qr(struct display *d, struct MHD_Connection *c)
{
	struct snap s = {0};
	if (!snap_take(d, &s))
		return send_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
	free(s.lines);
	if (!display_qr_live(&s.view, kp_mono_ms()))
		return send_text(c, MHD_HTTP_NOT_FOUND, "no payment QR now\n");
	size_t len = 0;
	char *svg = display_qr_svg(s.view.payment.qr, &len);
	return send_owned(c, svg, len, "image/svg+xml");
}

/* ---- event streams -------------------------------------------------------- */

static const char keepalive[] = ": keepalive\n\n";

static void stream_out_clear(struct stream *s)
{
	if (s->out_owned)
		free(s->out);
	s->out = NULL;
	s->out_len = s->out_pos = 0;
	s->out_owned = false;
}

/* The next event for s: the latest snapshot once it is newer than what
 * was sent, else a keep-alive after DISPLAY_KEEPALIVE_MS. False when the
 * display stops (or memory runs out): the stream ends. */
static bool stream_next(struct stream *s)
{
	struct display *d = s->d;
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += DISPLAY_KEEPALIVE_MS / 1000;

	stream_out_clear(s);
	pthread_mutex_lock(&d->lock);
	int rc = 0;
	while (!d->stopping && d->seq == s->sent && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&d->changed, &d->lock, &until);
	bool stopping = d->stopping, fresh = d->seq != s->sent;
	pthread_mutex_unlock(&d->lock);
	if (stopping)
		return false;
	if (!fresh) {
		s->out = (char *)keepalive;
		s->out_len = sizeof keepalive - 1;
		return true;
	}
	if (!snap_take(d, &s->snap))
		return false;
	char *json = display_json(&s->snap.view, d->shop, s->snap.seq, kp_mono_ms());
	if (!json)
		return false;
	size_t cap = strlen(json) + 96;
	s->out = malloc(cap);
	if (s->out) {
		/* the first event also asks for a quick reconnect */
		int n = snprintf(s->out, cap, "%sevent: state\nid: %llu\ndata: %s\n\n",
		                 s->sent == 0 ? "retry: 1000\n" : "", (unsigned long long)s->snap.seq, json);
		s->out_len = n > 0 && (size_t)n < cap ? (size_t)n : 0;
		s->out_owned = true;
		s->sent = s->snap.seq;
	}
	free(json);
	return s->out && s->out_len > 0;
}

/* MHD's reader: the rest of the event being sent, or the next one
 * (waiting for it in this connection's own thread). */
static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *s = cls;
	(void)pos;
	if (s->out_pos == s->out_len && !stream_next(s))
		return MHD_CONTENT_READER_END_OF_STREAM;
	size_t n = s->out_len - s->out_pos < max ? s->out_len - s->out_pos : max;
	memcpy(buf, s->out + s->out_pos, n);
	s->out_pos += n;
	return (ssize_t)n;
}

static void stream_free(void *cls)
{
	struct stream *s = cls;
	pthread_mutex_lock(&s->d->lock);
	s->d->streams--;
	pthread_mutex_unlock(&s->d->lock);
	stream_out_clear(s);
	free(s->snap.lines);
	free(s);
}

static enum MHD_Result send_events(struct display *d, struct MHD_Connection *c)
{
	struct stream *s = calloc(1, sizeof *s);
	if (!s)
		return send_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
	s->d = d;
	pthread_mutex_lock(&d->lock);
	d->streams++; /* stream_free counts it out, whichever way it ends */
	pthread_mutex_unlock(&d->lock);
	struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_read,
	                                                           s, stream_free);
	if (!r) {
		stream_free(s);
		return MHD_NO;
	}
	MHD_add_response_header(r, "X-Accel-Buffering", "no");
	return send_response(c, MHD_HTTP_OK, r, "text/event-stream; charset=utf-8");
}

/* Every request: the path first (404), then the method (405), then the
 * token (403). */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size, void **req)
{
	struct display *d = cls;
	enum { PAGE, EVENTS, STATE, QR, NONE } route = NONE;
	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	(void)req;

	if (strcmp(url, "/display") == 0)
		route = PAGE;
	else if (strcmp(url, "/display/events") == 0)
		route = EVENTS;
	else if (strcmp(url, "/display/state") == 0)
		route = STATE;
	else if (strcmp(url, "/display/qr.svg") == 0)
		route = QR;
	if (route == NONE)
		return send_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
	bool head = strcmp(method, MHD_HTTP_METHOD_HEAD) == 0 && route != EVENTS;
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && !head)
		return send_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET\n");
	if (!token_ok(d, c))
		return send_text(c, MHD_HTTP_FORBIDDEN, "forbidden: the display's address needs its token\n");
	switch (route) {
	case PAGE:
		return send_page(c);
	case EVENTS:
		return send_events(d, c);
	case STATE:
		return send_state(d, c);
	case QR:
	default:
		return send_qr(d, c);
	}
}

/* MHD's messages would go to the till's terminal, under curses: dropped. */
static void quiet_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	(void)fmt;
	(void)ap;
}

/* ---- start and stop ----------------------------------------------------------- */

static bool make_token(char *out, size_t size)
{
	unsigned char raw[TOKEN_BYTES];
	if (size < 2 * TOKEN_BYTES + 1 || RAND_bytes(raw, sizeof raw) != 1)
		return false;
	for (size_t i = 0; i < sizeof raw; i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
	return true;
}

/* The address a tablet reaches for a wildcard listen: this machine's
 * first IPv4 address on a network, else loopback. */
static void lan_address(char *out, size_t size)
{
	struct ifaddrs *all = NULL;
	snprintf(out, size, "127.0.0.1");
	if (getifaddrs(&all) != 0)
		return;
	for (struct ifaddrs *i = all; i; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET)
			continue;
		const struct sockaddr_in *in = (const struct sockaddr_in *)i->ifa_addr;
		if ((ntohl(in->sin_addr.s_addr) >> 24) == 127)
			continue;
		inet_ntop(AF_INET, &in->sin_addr, out, (socklen_t)size);
		break;
	}
	freeifaddrs(all);
}

/* Writes the URL to path, mode 0600, through a temporary file and a
 * rename, so a reader never sees half of it. */
static bool write_url_file(const char *path, const char *url)
{
	char tmp[CONFIG_PATH_MAX + 8];
	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		return false;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return false;
	size_t len = strlen(url);
	bool ok = fchmod(fd, 0600) == 0 && write(fd, url, len) == (ssize_t)len &&
	          write(fd, "\n", 1) == 1;
	ok = close(fd) == 0 && ok;
	if (ok && rename(tmp, path) == 0)
		return true;
	unlink(tmp);
	return false;
}

/* The socket address of cfg's listen, and the host the URL names. */
static bool listen_address(const char *listen, struct sockaddr_storage *sa, char *host, size_t size)
{
	char addr[64];
	int port;
	memset(sa, 0, sizeof *sa);
	if (!config_listen_split(listen, addr, sizeof addr, &port))
		return false;
	if (listen[0] == '[') {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)sa;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, addr, &in6->sin6_addr) != 1)
			return false;
		if (IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr))
			lan_address(host, size);
		else
			snprintf(host, size, "[%s]", addr);
		return true;
	}
	struct sockaddr_in *in = (struct sockaddr_in *)sa;
	in->sin_family = AF_INET;
	in->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &in->sin_addr) != 1)
		return false;
	if (in->sin_addr.s_addr == htonl(INADDR_ANY))
		lan_address(host, size);
	else
		snprintf(host, size, "%s", addr);
	return true;
}

/* Starts the daemon with every signal blocked, so that its threads
 * (which inherit the mask) leave SIGWINCH and SIGINT to the UI thread. */
static struct MHD_Daemon *start_daemon(struct display *d, const struct sockaddr_storage *sa)
{
	sigset_t all, old;
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL;
	if (sa->ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	struct MHD_Daemon *daemon = MHD_start_daemon(
		flags, 0, NULL, NULL, on_request, d,
		MHD_OPTION_EXTERNAL_LOGGER, quiet_log, d, /* first, or MHD may speak */
		MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)sa,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)DISPLAY_CONNECTIONS_MAX,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_TIMEOUT_S,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)MEMORY_LIMIT,
		MHD_OPTION_THREAD_STACK_SIZE, (size_t)(256 * 1024),
		MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return daemon;
}

static void display_free(struct display *d)
{
	pthread_cond_destroy(&d->changed);
	pthread_mutex_destroy(&d->lock);
	free(d->lines);
	free(d);
}

/* The lock, the condition on the monotonic clock, and the snapshot's
 * room. */
static bool display_init(struct display *d)
{
	pthread_condattr_t ca;
	d->lines = calloc(DISPLAY_LINES_MAX, sizeof *d->lines);
	if (!d->lines)
		return false;
	pthread_mutex_init(&d->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&d->changed, &ca);
	pthread_condattr_destroy(&ca);
	d->view.lines = d->lines;
	d->seq = 1; /* the idle view */
	return true;
}

bool display_start(const struct kp_config *cfg, const char *url_file, struct display **out,
                   char *err, size_t size)
{
	struct sockaddr_storage sa;
	char host[80];
	*out = NULL;
	if (size)
		err[0] = '\0';
	if (!cfg->display.listen[0])
		return true;
	if (!listen_address(cfg->display.listen, &sa, host, sizeof host)) {
		snprintf(err, size, "%s", _("[display] listen is not an address and port like 192.168.1.10:8080"));
		return false;
	}
	struct display *d = calloc(1, sizeof *d);
	if (!d || !display_init(d)) {
		free(d);
		snprintf(err, size, "%s", _("Out of memory"));
		return false;
	}
	snprintf(d->shop, sizeof d->shop, "%s", cfg->display.name[0] ? cfg->display.name : cfg->store.name);
	if (cfg->display.token[0])
		snprintf(d->token, sizeof d->token, "%s", cfg->display.token);
	else if (!make_token(d->token, sizeof d->token)) {
		snprintf(err, size, "%s", _("The customer display got no random token: it is off"));
		display_free(d);
		return false;
	}
	d->daemon = start_daemon(d, &sa);
	if (!d->daemon) {
		snprintf(err, size, _("The customer display cannot listen on %s (in use, or not this machine's address): it is off"),
		         cfg->display.listen);
		display_free(d);
		return false;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d->daemon, MHD_DAEMON_INFO_BIND_PORT);
	unsigned port = info ? info->port : 0;
	snprintf(d->url, sizeof d->url, "http://%s:%u/display?token=%s", host, port, d->token);
	if (url_file && url_file[0]) {
		if (!write_url_file(url_file, d->url))
			snprintf(err, size, _("The customer display's address could not be written to %s"), url_file);
		else
			snprintf(d->url_file, sizeof d->url_file, "%s", url_file);
	}
	*out = d;
	return true;
}

const char *display_url(const struct display *d)
{
	return d ? d->url : "";
}

void display_stop(struct display *d)
{
	if (!d)
		return;
	pthread_mutex_lock(&d->lock);
	d->stopping = true;
	pthread_cond_broadcast(&d->changed);
	pthread_mutex_unlock(&d->lock);
	MHD_stop_daemon(d->daemon);
	if (d->url_file[0])
		unlink(d->url_file);
	display_free(d);
}

int display_streams(struct display *d)
{
	if (!d)
		return 0;
	pthread_mutex_lock(&d->lock);
	int n = d->streams;
	pthread_mutex_unlock(&d->lock);
	return n;
}
