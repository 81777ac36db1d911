/* main.c — kaspi-sandbox: the command line, start-up and a clean shutdown
 * on SIGINT/SIGTERM. The signals are blocked in every thread and taken by
 * sigwait() in main, so no work happens in a signal handler. */
#include "core/validate.h"
#include "sandbox/faults.h"
#include "sandbox/kaspi/hooks.h"
#include "sandbox/kaspi/service.h"
#include "sandbox/kaspi/state.h"
#include "sandbox/options.h"
#include "sandbox/ratelimit.h"
#include "sandbox/rng.h"
#include "sandbox/server.h"

#include <curl/curl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Everything the command line sets. */
struct options {
	const char *bind;              /* --bind */
	long long port;                /* --port */
	const char *key;               /* --key, or KASPI_XDEV_KEY, or generated */
	const char *merchant;          /* --merchant, or KASPI_MERCHANT_ID */
	const char *webhook_secret;    /* --webhook-secret, or KASPI_WEBHOOK_SECRET; NULL none */
	long long pay_after;           /* seconds; 0: the buyer never acts */
	long long qr_ttl;              /* seconds */
	long long daily_limit;         /* KZT */
	long long rate_limit;          /* requests per minute; 0 unlimited */
	long long latency_ms, jitter_ms;
	long long max_conn_per_ip;     /* 0 no limit */
	long long request_deadline_ms; /* 0 none */
	double fail_rate, drop_rate, garble_rate, hang_rate;
	long long seed;                /* -1 when not given: a random one */
};

#define OFF(field) offsetof(struct options, field)

static const struct opt opt_table[] = {
	{.name = "bind", .kind = OPT_TEXT, .offset = OFF(bind), .arg = "ADDR",
	 .help = "numeric IPv4/IPv6 address to listen on (127.0.0.1)"},
	{.name = "port", .kind = OPT_INT, .offset = OFF(port), .max = 65535, .arg = "N",
	 .help = "TCP port; 0 picks a free one (8600)"},
	{.name = "key", .kind = OPT_TEXT, .offset = OFF(key), .arg = "xdev_...",
	 .help = "the accepted key ($KASPI_XDEV_KEY, else a random one printed to stderr)"},
	{.name = "merchant", .kind = OPT_TEXT, .offset = OFF(merchant), .arg = "BIN",
	 .help = "the key's 12-digit merchant BIN ($KASPI_MERCHANT_ID, else 123456789012)"},
	{.name = "webhook-secret", .kind = OPT_TEXT, .offset = OFF(webhook_secret), .arg = "S",
	 .help = "sign and send webhooks ($KASPI_WEBHOOK_SECRET, else none are sent)"},
	{.name = "pay-after", .kind = OPT_INT, .offset = OFF(pay_after), .max = 86400, .arg = "SECONDS",
	 .help = "simulated buyer scans at half, pays at the end; 0 never (10)"},
	{.name = "qr-ttl", .kind = OPT_INT, .offset = OFF(qr_ttl), .min = 1, .max = 30 * 86400,
	 .arg = "SECONDS", .help = "a payment expires this long after creation (900)"},
	{.name = "daily-limit", .kind = OPT_INT, .offset = OFF(daily_limit), .max = INT64_MAX / 100,
	 .arg = "KZT", .help = "pending + paid per Almaty day before 402 (500000000)"},
	{.name = "rate-limit", .kind = OPT_INT, .offset = OFF(rate_limit), .max = RATELIMIT_MAX,
	 .arg = "N", .help = "requests per sliding minute before 429; 0 unlimited (10000)"},
	{.name = "max-conn-per-ip", .kind = OPT_INT, .offset = OFF(max_conn_per_ip),
	 .max = SERVER_CONNECTIONS_MAX, .arg = "N",
	 .help = "open connections per client address, more are closed at once; 0 no limit (64)"},
	{.name = "request-deadline-ms", .kind = OPT_INT, .offset = OFF(request_deadline_ms),
	 .max = 3600000, .arg = "N",
	 .help = "a request must be all in (headers + body) this soon, or is cut; 0 none (10000)"},
	{.name = "latency-ms", .kind = OPT_INT, .offset = OFF(latency_ms), .max = 600000, .arg = "N",
	 .help = "delay added before every API request is applied (0)"},
	{.name = "jitter-ms", .kind = OPT_INT, .offset = OFF(jitter_ms), .max = 600000, .arg = "N",
	 .help = "plus a random 0..N ms (0)"},
	{.name = "fail-rate", .kind = OPT_RATE, .offset = OFF(fail_rate), .arg = "P",
	 .help = "share of 500s; for POSTs half of them after the request was applied (0)"},
	{.name = "drop-rate", .kind = OPT_RATE, .offset = OFF(drop_rate), .arg = "P",
	 .help = "share applied, then the connection closed without an answer (0)"},
	{.name = "garble-rate", .kind = OPT_RATE, .offset = OFF(garble_rate), .arg = "P",
	 .help = "share of 2xx answers with a truncated or HTML body (0)"},
	{.name = "hang-rate", .kind = OPT_RATE, .offset = OFF(hang_rate), .arg = "P",
	 .help = "share applied, then answered only after 30 s (0)"},
	{.name = "seed", .kind = OPT_SEED, .offset = OFF(seed), .arg = "N",
	 .help = "seed of the fault generator; same seed + same requests, same faults (random)"},
};

#define OPT_COUNT (sizeof opt_table / sizeof opt_table[0])

static const struct opt_program program = {
	.name = "kaspi-sandbox",
	.table = opt_table,
	.count = OPT_COUNT,
	.head = "usage: kaspi-sandbox [options]\n"
	        "A local emulator of the Kaspi Pay virtual-cashier API (API.md), served at\n"
	        "http://ADDR:PORT/api/v1. Prints \"listening on http://ADDR:PORT/api/v1\" once ready.\n\n",
	.tail = "Faults hit API calls only (not /sandbox/ controls or the QR image), at most one\n"
	        "per request, drawn in arrival order from the seeded generator. The rates are\n"
	        "shares of one roll and may add up to 1 at most. A forced 429 is --rate-limit N.\n\n"
	        "Slow clients: a connection's first request must be all in within\n"
	        "--request-deadline-ms of the connection opening, a kept-alive connection's next\n"
	        "one within it of its request line, or the connection is closed; a silent\n"
	        "connection is closed after 30 s. At most 1000 connections are open at once.\n\n"
	        "Magic amounts (amount % 100): 13 the buyer declines, 66 it fails, 99 nobody pays.\n"
	        "Control: POST /sandbox/payments/{id}/scan|pay|decline|fail|expire, and\n"
	        "/sandbox/payments/{id}/backdate {\"days\": N} to age a payment; GET /sandbox/stats\n"
	        "counts payments created and creates replayed. QR pictures at\n"
	        "GET /api/v1/qr/{payment_id}.svg need no key. A value may also follow its flag\n"
	        "after '=' (--port=0). More in man kaspi-sandbox.\n",
};

/* The checks across flags, after each was read; -1 to go on, or the exit
 * status after a one-line error. */
static int options_check(const struct options *opts)
{
	if (!options_bind_ok(opts->bind))
		return options_fail(&program, "--bind needs a numeric IPv4 or IPv6 address, not '%s'", opts->bind);
	if (opts->key && !kp_valid_key(opts->key))
		return options_fail(&program, "the key must be xdev_ followed by 20 of a-z0-9 (--key or KASPI_XDEV_KEY)");
	if (!kp_valid_bin(opts->merchant))
		return options_fail(&program, "the merchant BIN must be 12 digits (--merchant or KASPI_MERCHANT_ID)");
	if (opts->fail_rate + opts->drop_rate + opts->garble_rate + opts->hang_rate > 1.0 + 1e-9)
		return options_fail(&program, "--fail-rate, --drop-rate, --garble-rate and --hang-rate add up to more than 1");
	return -1;
}

/* A random valid key: "xdev_" + 20 of [a-z0-9], without modulo bias. */
static void key_generate(char key[KP_KEY_LEN + 1])
{
	static const char abc[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	size_t n = strlen(KP_KEY_PREFIX);

	memcpy(key, KP_KEY_PREFIX, n);
	while (n < KP_KEY_LEN) {
		unsigned char b;
		rng_bytes(&b, 1);
		if (b < 252)  /* 252 = 7 × 36 */
			key[n++] = abc[b % 36];
	}
	key[n] = '\0';
}

int main(int argc, char **argv)
{
	struct options o = {
		.bind = "127.0.0.1",
		.port = 8600,
		.key = options_env("KASPI_XDEV_KEY"),
		.merchant = options_env("KASPI_MERCHANT_ID") ? options_env("KASPI_MERCHANT_ID") : "123456789012",
		.webhook_secret = options_env("KASPI_WEBHOOK_SECRET"),
		.pay_after = 10,
		.qr_ttl = 900,
		.daily_limit = 500000000,
		.rate_limit = 10000,
		.max_conn_per_ip = SERVER_CONN_PER_IP_DEFAULT,
		.request_deadline_ms = SERVER_DEADLINE_MS_DEFAULT,
		.seed = -1,
	};
	char key[KP_KEY_LEN + 1];
	char err[256];

	int rc = options_parse(&program, argc, argv, &o);
	if (rc < 0)
		rc = options_check(&o);
	if (rc >= 0)
		return rc;
	if (o.webhook_secret && !*o.webhook_secret)
		o.webhook_secret = NULL;
	if (!o.key) {
		key_generate(key);
		o.key = key;
		fprintf(stderr, "sandbox key: %s\n", key);
	}

	/* Before any thread exists, so that every thread inherits the mask. */
	sigset_t stop_signals;
	options_block_signals(&stop_signals);
	curl_global_init(CURL_GLOBAL_DEFAULT);

	struct hooks *hooks = NULL;
	if (o.webhook_secret && !(hooks = hooks_start(o.webhook_secret))) {
		fprintf(stderr, "kaspi-sandbox: cannot start the webhook sender\n");
		return 1;
	}
	struct state_config scfg = {
		.pay_after_s = (unsigned)o.pay_after,
		.qr_ttl_s = (unsigned)o.qr_ttl,
		.daily_limit_tiyn = o.daily_limit * 100,
		.hooks = hooks,
	};
	struct state *st = state_new(&scfg);
	struct ratelimit rl;
	bool rl_ok = ratelimit_init(&rl, (size_t)o.rate_limit);
	struct faults_config fcfg = {
		.latency_ms = (unsigned)o.latency_ms,
		.jitter_ms = (unsigned)o.jitter_ms,
		.fail_rate = o.fail_rate,
		.drop_rate = o.drop_rate,
		.garble_rate = o.garble_rate,
		.hang_rate = o.hang_rate,
		.seed = o.seed >= 0 ? (uint64_t)o.seed : rng_entropy() >> 1,
	};
	struct faults faults;
	faults_init(&faults, &fcfg);

	struct server *srv = NULL;
	struct kaspi_service service;
	if (!st || !rl_ok) {
		snprintf(err, sizeof err, "out of memory");
	} else {
		struct server_config cfg = {
			.bind_addr = o.bind,
			.port = (unsigned)o.port,
			.max_conn_per_ip = (unsigned)o.max_conn_per_ip,
			.request_deadline_ms = (unsigned)o.request_deadline_ms,
		};
		kaspi_service_init(&service, st, &rl, o.key, o.merchant);
		srv = server_start(&cfg, &service.svc, &faults, err, sizeof err);
	}
	if (srv) {
		if (faults.active)
			fprintf(stderr, "sandbox seed: %" PRIu64 "\n", fcfg.seed);
		printf("listening on %s\n", server_base_url(srv));
		fflush(stdout);
		options_wait_signal(&stop_signals);
	} else {
		fprintf(stderr, "kaspi-sandbox: %s\n", err);
	}

	/* Requests first (hanging ones are woken), then the ticker that may
	 * still queue webhooks, then the webhook senders. */
	server_stop(srv);
	state_free(st);
	hooks_stop(hooks);
	ratelimit_destroy(&rl);
	faults_destroy(&faults);
	curl_global_cleanup();
	return srv ? 0 : 1;
}
