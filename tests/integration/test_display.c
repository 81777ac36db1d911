/* test_display.c — the customer display's server (app/display.h) over
 * real HTTP on loopback with libcurl: the token (403 without it or with a
 * wrong one), the routes (404, 405), the JSON view's keys exactly the
 * whitelist (every object walked), the event stream (the current state
 * on connect, then every publish in order), 20 streams that read nothing
 * while 1000 publishes go on (publish never waits for them) and then all
 * catch up with the last one, the QR (SVG while waiting, 404 with none,
 * after the payment ended and after its deadline), the URL file (0600,
 * removed at the stop), the basket's lines (voided ones left out), and
 * requests no browser sends (a huge URL, garbage, a bad method) that
 * never stop it serving. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/display.h"
#include "core/clock.h"

#define TOKEN "test-token-0123456789abcdef"
#define STREAMS 20
#define PUBLISHES 1000
#define WAIT_MS 20000 /* a bound for a hung server, never a measure */

static struct kp_config cfg; /* large: out of the stack */
static char tmpdir[128];

struct world {
	struct display *d;
	char base[96];           /* http://127.0.0.1:PORT */
	char url_file[256];
	struct display_line lines[3];
	struct display_view view;
};

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof *w);
	char err[256];
	assert_non_null(w);
	config_init(&cfg);
	snprintf(cfg.display.listen, sizeof cfg.display.listen, "127.0.0.1:0");
	snprintf(cfg.display.token, sizeof cfg.display.token, "%s", TOKEN);
	snprintf(cfg.store.name, sizeof cfg.store.name, "Магазин «Береке»");
	snprintf(w->url_file, sizeof w->url_file, "%s/display.url", tmpdir);
	assert_true(display_start(&cfg, w->url_file, &w->d, err, sizeof err));
	assert_non_null(w->d);
	assert_string_equal(err, "");
	const char *url = display_url(w->d);
	const char *path = strstr(url, "/display?");
	assert_non_null(path);
	snprintf(w->base, sizeof w->base, "%.*s", (int)(path - url), url);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;
	display_stop(w->d);
	free(w);
	return 0;
}

/* ---- plain requests ------------------------------------------------------------ */

struct body {
	char *s;
	size_t len;
};

static size_t collect(char *data, size_t size, size_t n, void *arg)
{
	struct body *b = arg;
	char *grown = realloc(b->s, b->len + size * n + 1);
	if (!grown)
		return 0;
	memcpy(grown + b->len, data, size * n);
	b->len += size * n;
	grown[b->len] = '\0';
	b->s = grown;
	return size * n;
}

/* GET (or method) base + path; the status, the body in *out (may be NULL),
 * the content type in type (may be NULL). */
static long request(const struct world *w, const char *method, const char *path, char **out,
                    char *type, size_t tsize)
{
	char url[200000];
	struct body b = {0};
	long status = 0;
	char *ct = NULL;
	snprintf(url, sizeof url, "%s%s", w->base, path);
	CURL *e = curl_easy_init();
	assert_non_null(e);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)WAIT_MS);
	if (method && strcmp(method, "HEAD") == 0)
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	else if (method)
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
	if (curl_easy_perform(e) == CURLE_OK) {
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
		curl_easy_getinfo(e, CURLINFO_CONTENT_TYPE, &ct);
		if (type)
			snprintf(type, tsize, "%s", ct ? ct : "");
	}
	curl_easy_cleanup(e);
	if (out)
		*out = b.s;
	else
		free(b.s);
	return status;
}

static long get(const struct world *w, const char *path)
{
	return request(w, NULL, path, NULL, NULL, 0);
}

/* A view with every part: lines, a live QR payment, thanks. */
static void full_view(struct world *w, enum display_pay_state st, int64_t deadline)
{
	memset(w->lines, 0, sizeof w->lines);
	snprintf(w->lines[0].name_ru, KP_NAME_SIZE, "Молоко 2,5%%");
	snprintf(w->lines[0].name_kk, KP_NAME_SIZE, "Сүт 2,5%%");
	snprintf(w->lines[0].unit, BASKET_UNIT_SIZE, "шт");
	w->lines[0].qty = 2;
	w->lines[0].price = 54900;
	w->lines[0].sum = 109800;
	snprintf(w->lines[1].name_ru, KP_NAME_SIZE, "Сыр \"Российский\" <b>");
	snprintf(w->lines[1].unit, BASKET_UNIT_SIZE, "кг");
	w->lines[1].qty = 1;
	w->lines[1].weight = 350;
	w->lines[1].price = 420000;
	w->lines[1].discount = 1470;
	w->lines[1].sum = 145530;
	memset(&w->view, 0, sizeof w->view);
	w->view.screen = DISPLAY_PAYMENT;
	w->view.lines = w->lines;
	w->view.n_lines = 2;
	w->view.total = 255330;
	w->view.items = 3;
	w->view.has_payment = true;
	w->view.payment.amount = 255330;
	w->view.payment.state = st;
	w->view.payment.deadline_ms = deadline;
	snprintf(w->view.payment.qr, sizeof w->view.payment.qr, "https://pay.kaspi.kz/pay/abc123?x=1");
	snprintf(w->view.payment.phone_tail, sizeof w->view.payment.phone_tail, "4567");
	snprintf(w->view.payment.order, sizeof w->view.payment.order, "T01-20261203-000042");
	w->view.has_thanks = true;
	w->view.paid = 300000;
	w->view.change = 44670;
}

static void token_is_needed(void **state)
{
	struct world *w = *state;
	static const char *const paths[] = {"/display", "/display/events", "/display/state",
	                                    "/display/qr.svg"};
	char path[128], *body = NULL;
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		assert_int_equal(request(w, NULL, paths[i], &body, NULL, 0), 403);
		assert_non_null(strstr(body, "forbidden"));
		free(body);
		snprintf(path, sizeof path, "%s?token=%s", paths[i], "test-token-0123456789abcdeX");
		assert_int_equal(get(w, path), 403);
		snprintf(path, sizeof path, "%s?token=%s", paths[i], "test-token");
		assert_int_equal(get(w, path), 403);
		snprintf(path, sizeof path, "%s?token=%sX", paths[i], TOKEN);
		assert_int_equal(get(w, path), 403);
		snprintf(path, sizeof path, "%s?token=", paths[i]);
		assert_int_equal(get(w, path), 403);
	}
	assert_int_equal(get(w, "/display/state?token=" TOKEN), 200);
}

static void page_is_one_file_without_external_resources(void **state)
{
	struct world *w = *state;
	char *body = NULL, type[128];
	assert_int_equal(request(w, NULL, "/display?token=" TOKEN, &body, type, sizeof type), 200);
	assert_string_equal(type, "text/html; charset=utf-8");
	assert_non_null(strstr(body, "EventSource"));
	assert_non_null(strstr(body, "Нет связи"));
	assert_non_null(strstr(body, "Байланыс жоқ"));
	assert_null(strstr(body, "http://"));
	assert_null(strstr(body, "https://"));
	assert_null(strstr(body, "src=\"/"));
	free(body);
	assert_int_equal(request(w, "HEAD", "/display?token=" TOKEN, NULL, NULL, 0), 200);
}

static void unknown_paths_and_methods_are_refused(void **state)
{
	struct world *w = *state;
	assert_int_equal(get(w, "/?token=" TOKEN), 404);
	assert_int_equal(get(w, "/display/../etc/passwd?token=" TOKEN), 404);
	assert_int_equal(get(w, "/display/state/x?token=" TOKEN), 404);
	assert_int_equal(get(w, "/api/v1/health"), 404);
	assert_int_equal(request(w, "POST", "/display/state?token=" TOKEN, NULL, NULL, 0), 405);
	assert_int_equal(request(w, "DELETE", "/display?token=" TOKEN, NULL, NULL, 0), 405);
	assert_int_equal(request(w, "HEAD", "/display/events?token=" TOKEN, NULL, NULL, 0), 405);
}

/* ---- the whitelist ----------------------------------------------------------------- */

static const char *const top_keys[] = {"seq", "shop", "screen", "lines", "total", "items",
                                       "payment", "thanks", NULL};
static const char *const line_keys[] = {"name_ru", "name_kk", "qty", "weight", "unit",
                                        "price", "discount", "sum", NULL};
static const char *const payment_keys[] = {"method", "amount", "state", "expires_in", "qr",
                                           "phone", "order", NULL};
static const char *const thanks_keys[] = {"paid", "change", NULL};

/* Every member of o is one of keys, and every key is there. */
static void expect_keys(const cJSON *o, const char *const *keys, const char *where)
{
	size_t want = 0, have = 0;
	assert_true(cJSON_IsObject(o));
	for (const cJSON *m = o->child; m; m = m->next, have++) {
		bool known = false;
		for (size_t i = 0; keys[i]; i++)
			known |= strcmp(m->string, keys[i]) == 0;
		if (!known)
			fail_msg("%s: key \"%s\" is not in the whitelist", where, m->string);
	}
	while (keys[want])
		want++;
	assert_int_equal(have, want);
}

static cJSON *state_json(const struct world *w)
{
	char *body = NULL, type[128];
	assert_int_equal(request(w, NULL, "/display/state?token=" TOKEN, &body, type, sizeof type), 200);
	assert_string_equal(type, "application/json; charset=utf-8");
	cJSON *j = cJSON_Parse(body);
	free(body);
	assert_non_null(j);
	return j;
}

static void json_holds_the_whitelist_only(void **state)
{
	struct world *w = *state;
	full_view(w, DISPLAY_PAY_SCANNED, kp_mono_ms() + 90000);
	display_publish(w->d, &w->view);
	cJSON *j = state_json(w);
	expect_keys(j, top_keys, "view");
	const cJSON *lines = cJSON_GetObjectItemCaseSensitive(j, "lines");
	assert_int_equal(cJSON_GetArraySize(lines), 2);
	for (const cJSON *l = lines->child; l; l = l->next)
		expect_keys(l, line_keys, "line");
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(j, "payment");
	expect_keys(p, payment_keys, "payment");
	expect_keys(cJSON_GetObjectItemCaseSensitive(j, "thanks"), thanks_keys, "thanks");

	assert_string_equal(cJSON_GetObjectItem(j, "shop")->valuestring, "Магазин «Береке»");
	assert_string_equal(cJSON_GetObjectItem(j, "screen")->valuestring, "payment");
	assert_int_equal(cJSON_GetObjectItem(j, "total")->valuedouble, 255330);
	assert_int_equal(cJSON_GetObjectItem(j, "seq")->valuedouble, display_seq(w->d));
	assert_string_equal(cJSON_GetObjectItem(lines->child->next, "name_ru")->valuestring,
	                    "Сыр \"Российский\" <b>");
	assert_int_equal(cJSON_GetObjectItem(lines->child->next, "weight")->valuedouble, 350);
	assert_string_equal(cJSON_GetObjectItem(p, "method")->valuestring, "qr");
	assert_string_equal(cJSON_GetObjectItem(p, "state")->valuestring, "scanned");
	assert_string_equal(cJSON_GetObjectItem(p, "phone")->valuestring, "…4567");
	assert_string_equal(cJSON_GetObjectItem(p, "qr")->valuestring, "https://pay.kaspi.kz/pay/abc123?x=1");
	assert_string_equal(cJSON_GetObjectItem(p, "order")->valuestring, "T01-20261203-000042");
	double left = cJSON_GetObjectItem(p, "expires_in")->valuedouble;
	assert_true(left >= 80 && left <= 90); /* from the deadline when written */
	cJSON_Delete(j);

	/* nothing but nulls where there is no payment and no thanks */
	memset(&w->view, 0, sizeof w->view);
	display_publish(w->d, &w->view);
	j = state_json(w);
	expect_keys(j, top_keys, "idle view");
	assert_string_equal(cJSON_GetObjectItem(j, "screen")->valuestring, "idle");
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "payment")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "thanks")));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "lines")), 0);
	cJSON_Delete(j);
}

/* ---- the QR ---------------------------------------------------------------------------- */

static void qr_only_while_the_payment_waits(void **state)
{
	struct world *w = *state;
	char *body = NULL, type[128];
	memset(&w->view, 0, sizeof w->view);
	display_publish(w->d, &w->view);
	assert_int_equal(get(w, "/display/qr.svg?token=" TOKEN), 404);

	full_view(w, DISPLAY_PAY_WAITING, 0);
	display_publish(w->d, &w->view);
	assert_int_equal(request(w, NULL, "/display/qr.svg?token=" TOKEN "&seq=5", &body, type, sizeof type), 200);
	assert_string_equal(type, "image/svg+xml");
	assert_true(strncmp(body, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39) == 0);
	assert_non_null(strstr(body, "</svg>"));
	free(body);

	static const enum display_pay_state ended[] = {DISPLAY_PAY_PAID, DISPLAY_PAY_DECLINED,
	                                              DISPLAY_PAY_EXPIRED, DISPLAY_PAY_CANCELLED};
	for (size_t i = 0; i < sizeof ended / sizeof ended[0]; i++) {
		full_view(w, ended[i], kp_mono_ms() + 60000);
		display_publish(w->d, &w->view);
		assert_int_equal(get(w, "/display/qr.svg?token=" TOKEN), 404);
		cJSON *j = state_json(w);
		assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "payment"), "qr")->valuestring, "");
		cJSON_Delete(j);
	}
	/* waiting still, but past its deadline: the QR is gone too */
	full_view(w, DISPLAY_PAY_WAITING, kp_mono_ms() - 1);
	display_publish(w->d, &w->view);
	assert_int_equal(get(w, "/display/qr.svg?token=" TOKEN), 404);
	cJSON *j = state_json(w);
	const cJSON *p = cJSON_GetObjectItem(j, "payment");
	assert_string_equal(cJSON_GetObjectItem(p, "qr")->valuestring, "");
	assert_int_equal(cJSON_GetObjectItem(p, "expires_in")->valuedouble, 0);
	cJSON_Delete(j);
	/* a phone payment has no QR */
	full_view(w, DISPLAY_PAY_WAITING, 0);
	w->view.payment.phone = true;
	display_publish(w->d, &w->view);
	assert_int_equal(get(w, "/display/qr.svg?token=" TOKEN), 404);
}

/* ---- event streams --------------------------------------------------------------------- */

/* One SSE client in a curl multi: what arrived, and the events parsed
 * out of it so far. */
struct sse {
	CURL *e;
	struct body in;
	size_t parsed;           /* bytes of in taken apart into events */
	uint64_t seqs[PUBLISHES + 8];
	double totals[PUBLISHES + 8];
	size_t n;                /* events seen */
	size_t keepalives;
	bool bad_order;
};

static void sse_open(struct sse *s, const struct world *w, CURLM *m)
{
	char url[160];
	memset(s, 0, sizeof *s);
	snprintf(url, sizeof url, "%s/display/events?token=%s", w->base, TOKEN);
	s->e = curl_easy_init();
	assert_non_null(s->e);
	curl_easy_setopt(s->e, CURLOPT_URL, url);
	curl_easy_setopt(s->e, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(s->e, CURLOPT_WRITEDATA, &s->in);
	assert_int_equal(curl_multi_add_handle(m, s->e), CURLM_OK);
}

static void sse_close(struct sse *s, CURLM *m)
{
	curl_multi_remove_handle(m, s->e);
	curl_easy_cleanup(s->e);
	free(s->in.s);
}

/* Takes apart the complete events received: "event: state", "id: N",
 * "data: JSON", a blank line; comments count as keep-alives. */
static void sse_parse(struct sse *s)
{
	for (;;) {
		char *start = s->in.s ? s->in.s + s->parsed : NULL;
		char *end = start ? strstr(start, "\n\n") : NULL;
		if (!end)
			return;
		*end = '\0';
		s->parsed = (size_t)(end - s->in.s) + 2;
		if (strncmp(start, ": keepalive", 11) == 0) {
			s->keepalives++;
			continue;
		}
		char *ev = strstr(start, "event: state\nid: ");
		assert_non_null(ev);
		uint64_t id = strtoull(ev + 17, NULL, 10);
		char *data = strstr(ev, "\ndata: ");
		assert_non_null(data);
		cJSON *j = cJSON_Parse(data + 7);
		assert_non_null(j);
		assert_int_equal(cJSON_GetObjectItem(j, "seq")->valuedouble, id);
		if (s->n && id <= s->seqs[s->n - 1])
			s->bad_order = true;
		if (s->n < sizeof s->seqs / sizeof s->seqs[0]) {
			s->seqs[s->n] = id;
			s->totals[s->n] = cJSON_GetObjectItem(j, "total")->valuedouble;
			s->n++;
		}
		cJSON_Delete(j);
	}
}

/* Runs the multi until every stream has seen an event of seq (or a hung
 * server's bound passes). */
static bool pump_until(CURLM *m, struct sse *s, size_t n, uint64_t seq)
{
	int64_t until = kp_mono_ms() + WAIT_MS;
	while (kp_mono_ms() < until) {
		int running = 0, numfds = 0;
		bool all = true;
		curl_multi_perform(m, &running);
		for (size_t i = 0; i < n; i++) {
			sse_parse(&s[i]);
			all &= s[i].n > 0 && s[i].seqs[s[i].n - 1] >= seq;
		}
		if (all)
			return true;
		curl_multi_poll(m, NULL, 0, 100, &numfds);
	}
	return false;
}

static void stream_sends_the_state_on_connect_then_each_publish(void **state)
{
	struct world *w = *state;
	struct sse s;
	CURLM *m = curl_multi_init();
	full_view(w, DISPLAY_PAY_WAITING, 0);
	w->view.total = 111;
	display_publish(w->d, &w->view);
	uint64_t now = display_seq(w->d);
	sse_open(&s, w, m);
	assert_true(pump_until(m, &s, 1, now));
	assert_int_equal(s.n, 1); /* the current state at once, nothing older */
	assert_int_equal(s.seqs[0], now);
	assert_int_equal(s.totals[0], 111);
	assert_non_null(strstr(s.in.s, "retry: "));
	for (int i = 1; i <= 5; i++) {
		w->view.total = 111 + i;
		display_publish(w->d, &w->view);
		assert_true(pump_until(m, &s, 1, now + (uint64_t)i));
		assert_int_equal(s.n, 1 + (size_t)i); /* one event per publish, read in time */
		assert_int_equal(s.seqs[i], now + (uint64_t)i);
		assert_int_equal(s.totals[i], 111 + i);
	}
	assert_false(s.bad_order);
	sse_close(&s, m);
	curl_multi_cleanup(m);
}

static void twenty_streams_never_hold_up_publish(void **state)
{
	struct world *w = *state;
	static struct sse s[STREAMS];
	CURLM *m = curl_multi_init();
	full_view(w, DISPLAY_PAY_WAITING, 0);
	for (size_t i = 0; i < STREAMS; i++)
		sse_open(&s[i], w, m);
	uint64_t first = display_seq(w->d);
	assert_true(pump_until(m, s, STREAMS, first));
	/* the clients read nothing meanwhile: were publish to wait for any
	 * of them, this loop would never end */
	int64_t worst = 0;
	for (int i = 0; i < PUBLISHES; i++) {
		w->view.total = i;
		w->lines[0].qty = i;
		int64_t t0 = kp_mono_ms();
		display_publish(w->d, &w->view);
		int64_t took = kp_mono_ms() - t0;
		worst = took > worst ? took : worst;
	}
	uint64_t last = display_seq(w->d);
	assert_int_equal(last, first + PUBLISHES);
	assert_true(pump_until(m, s, STREAMS, last));
	for (size_t i = 0; i < STREAMS; i++) {
		assert_false(s[i].bad_order);
		assert_int_equal(s[i].seqs[s[i].n - 1], last);
		assert_int_equal(s[i].totals[s[i].n - 1], PUBLISHES - 1);
	}
	print_message("1000 publishes with 20 streams: the slowest took %lld ms\n", (long long)worst);
	for (size_t i = 0; i < STREAMS; i++)
		sse_close(&s[i], m);
	curl_multi_cleanup(m);
}

/* ---- what no browser sends --------------------------------------------------------------- */

/* Sends raw bytes and reads what comes back (up to a closed socket, or
 * a quiet second after the answer began, or a bound). */
static void raw_exchange(const struct world *w, const char *bytes, size_t len, char *out, size_t size)
{
	int port = atoi(strrchr(w->base, ':') + 1);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(send(fd, bytes, len, MSG_NOSIGNAL), (ssize_t)len);
	size_t got = 0;
	struct pollfd p = {.fd = fd, .events = POLLIN};
	while (got + 1 < size && poll(&p, 1, got ? 1000 : 5000) > 0) {
		ssize_t n = recv(fd, out + got, size - 1 - got, 0);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	out[got] = '\0';
	close(fd);
}

static void bad_requests_never_stop_it(void **state)
{
	struct world *w = *state;
	char answer[4096];
	static char path[120000];
	memcpy(path, "/display/state?token=" TOKEN "&x=", sizeof "/display/state?token=" TOKEN "&x=");
	size_t at = strlen(path);
	memset(path + at, 'a', sizeof path - at - 1);
	path[sizeof path - 1] = '\0';
	long st = get(w, path);
	assert_true(st == 414 || st == 431 || st == 0); /* refused, or the connection closed */

	static const char garbage[] = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not http at all\r\n\r\n";
	raw_exchange(w, garbage, sizeof garbage - 1, answer, sizeof answer);
	static const char *const odd[] = {
		"GET\r\n\r\n",
		"GET /display HTTP/9.9\r\n\r\n",
		"BREW /display?token=" TOKEN " HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /display?token=" TOKEN " HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
		"GET /display?token=" TOKEN " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
	};
	for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++)
		raw_exchange(w, odd[i], strlen(odd[i]), answer, sizeof answer);
	static const char good[] = "GET /display/state?token=" TOKEN " HTTP/1.0\r\n\r\n";
	raw_exchange(w, good, sizeof good - 1, answer, sizeof answer);
	assert_true(strncmp(answer, "HTTP/1.", 7) == 0);
	assert_non_null(strstr(answer, " 200 "));
	static const char bad_token[] = "GET /display/state?token=%ZZ%00 HTTP/1.0\r\n\r\n";
	raw_exchange(w, bad_token, sizeof bad_token - 1, answer, sizeof answer);
	assert_non_null(strstr(answer, " 403 "));
	assert_int_equal(get(w, "/display/state?token=" TOKEN), 200);
}

/* ---- start, URL file, stop ----------------------------------------------------------------- */

static void url_file_is_private_and_goes_at_stop(void **state)
{
	struct world *w = *state;
	struct stat st;
	char text[256] = "";
	assert_int_equal(stat(w->url_file, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	FILE *f = fopen(w->url_file, "r");
	assert_non_null(f);
	assert_non_null(fgets(text, sizeof text, f));
	fclose(f);
	char want[256];
	snprintf(want, sizeof want, "%s\n", display_url(w->d));
	assert_string_equal(text, want);
	assert_non_null(strstr(text, "/display?token=" TOKEN "\n"));
	display_stop(w->d);
	w->d = NULL;
	assert_int_equal(stat(w->url_file, &st), -1);
}

static void off_when_listen_is_empty_and_random_token_otherwise(void **state)
{
	struct display *d = NULL;
	char err[256];
	(void)state;
	config_init(&cfg);
	assert_true(display_start(&cfg, NULL, &d, err, sizeof err));
	assert_null(d);
	snprintf(cfg.display.listen, sizeof cfg.display.listen, "127.0.0.1:0");
	assert_true(display_start(&cfg, NULL, &d, err, sizeof err));
	const char *tok = strstr(display_url(d), "?token=");
	assert_non_null(tok);
	assert_int_equal(strlen(tok + 7), 32); /* 128 bits in hex */
	assert_int_equal(strspn(tok + 7, "0123456789abcdef"), 32);
	/* the same port again: in use, one line, nothing running */
	struct display *d2 = NULL;
	const char *port = strrchr(display_url(d), ':');
	snprintf(cfg.display.listen, sizeof cfg.display.listen, "127.0.0.1%.*s", (int)strcspn(port, "/"), port);
	assert_false(display_start(&cfg, NULL, &d2, err, sizeof err));
	assert_null(d2);
	assert_non_null(strstr(err, "cannot listen"));
	assert_null(strchr(err, '\n'));
	display_stop(d);
}

static void basket_lines_leave_voided_ones_out(void **state)
{
	struct basket b;
	struct kp_product milk = {.id = 1, .price = 54900, .tax_rate = 16};
	struct kp_product cheese = {.id = 2, .price = 420000, .tax_rate = 16};
	struct display_line out[4];
	size_t idx;
	(void)state;
	snprintf(milk.name_ru, sizeof milk.name_ru, "Молоко");
	snprintf(milk.name_kk, sizeof milk.name_kk, "Сүт");
	snprintf(milk.sku, sizeof milk.sku, "M1");
	snprintf(milk.unit, sizeof milk.unit, "шт");
	snprintf(cheese.name_ru, sizeof cheese.name_ru, "Сыр");
	snprintf(cheese.sku, sizeof cheese.sku, "C1");
	snprintf(cheese.unit, sizeof cheese.unit, "кг");
	basket_init(&b);
	assert_int_equal(basket_add(&b, &milk, 2, BASKET_ADD_MERGE, &idx), BASKET_OK);
	assert_int_equal(basket_add(&b, &milk, 1, BASKET_ADD_NEW_LINE, &idx), BASKET_OK);
	assert_int_equal(basket_void_line(&b, idx), BASKET_OK);
	assert_int_equal(basket_add_weight(&b, &cheese, 350, NULL, &idx), BASKET_OK);
	assert_int_equal(basket_discount_percent(&b, idx, 1000, false), BASKET_OK);
	assert_int_equal(display_basket_lines(&b, out, 4), 2);
	assert_string_equal(out[0].name_ru, "Молоко");
	assert_string_equal(out[0].name_kk, "Сүт");
	assert_int_equal(out[0].qty, 2);
	assert_int_equal(out[0].sum, 109800);
	assert_string_equal(out[1].unit, "кг");
	assert_int_equal(out[1].weight, 350);
	assert_int_equal(out[1].price, 420000);
	assert_int_equal(out[1].discount, 14700);
	assert_int_equal(out[1].sum, 132300);
	assert_int_equal(display_basket_lines(&b, out, 1), 1);
	basket_free(&b);
}

int main(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/kp-test-display-XXXXXX");
	if (!mkdtemp(tmpdir))
		return 1;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(token_is_needed, setup, teardown),
		cmocka_unit_test_setup_teardown(page_is_one_file_without_external_resources, setup, teardown),
		cmocka_unit_test_setup_teardown(unknown_paths_and_methods_are_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(json_holds_the_whitelist_only, setup, teardown),
		cmocka_unit_test_setup_teardown(qr_only_while_the_payment_waits, setup, teardown),
		cmocka_unit_test_setup_teardown(stream_sends_the_state_on_connect_then_each_publish, setup, teardown),
		cmocka_unit_test_setup_teardown(twenty_streams_never_hold_up_publish, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_requests_never_stop_it, setup, teardown),
		cmocka_unit_test_setup_teardown(url_file_is_private_and_goes_at_stop, setup, teardown),
		cmocka_unit_test(off_when_listen_is_empty_and_random_token_otherwise),
		cmocka_unit_test(basket_lines_leave_voided_ones_out),
	};
	int rc = cmocka_run_group_tests_name("display", tests, NULL, NULL);
	curl_global_cleanup();
	rmdir(tmpdir);
	return rc;
}
