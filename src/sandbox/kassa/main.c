/* main.c — kassa-sandbox: the command line, start-up and a clean shutdown
 * on SIGINT/SIGTERM, as kaspi-sandbox's (sandbox/options.h): the signals
 * are blocked in every thread and taken by sigwait() in main. */
#include "sandbox/faults.h"
#include "sandbox/kassa/ledger.h"
#include "sandbox/kassa/service.h"
#include "sandbox/options.h"
#include "sandbox/rng.h"
#include "sandbox/server.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define DEFAULT_KEY "WKD-00000000-0000-0000-0000-000000000000"
#define DEFAULT_LOGIN "demo@kaspi-pos.kz"
#define DEFAULT_PASSWORD "demo"
#define DEFAULT_CASHBOX "SWK00000001"

/* Everything the command line sets. */
struct options {
	const char *bind;              /* --bind */
	long long port;                /* --port */
	const char *api_key;           /* --api-key, or WEBKASSA_API_KEY */
	const char *login, *password;  /* --login, --password, or WEBKASSA_LOGIN, _PASSWORD */
	const char *cashbox;           /* --cashbox, or WEBKASSA_CASHBOX */
	long long token_ttl;           /* seconds */
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
	 .help = "TCP port; 0 picks a free one (8700)"},
	{.name = "api-key", .kind = OPT_TEXT, .offset = OFF(api_key), .arg = "KEY",
	 .help = "the accepted x-api-key ($WEBKASSA_API_KEY, else " DEFAULT_KEY ")"},
	{.name = "login", .kind = OPT_TEXT, .offset = OFF(login), .arg = "L",
	 .help = "the account's login ($WEBKASSA_LOGIN, else " DEFAULT_LOGIN ")"},
	{.name = "password", .kind = OPT_TEXT, .offset = OFF(password), .arg = "P",
	 .help = "its password ($WEBKASSA_PASSWORD, else " DEFAULT_PASSWORD ")"},
	{.name = "cashbox", .kind = OPT_TEXT, .offset = OFF(cashbox), .arg = "ZNK",
	 .help = "the register's factory number ($WEBKASSA_CASHBOX, else " DEFAULT_CASHBOX ")"},
	{.name = "token-ttl", .kind = OPT_INT, .offset = OFF(token_ttl), .min = 1, .max = 366 * 86400LL,
	 .arg = "SECONDS", .help = "a token expires once older than this (86400)"},
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
	 .help = "share of 500s; half of them after the request was applied (0)"},
	{.name = "drop-rate", .kind = OPT_RATE, .offset = OFF(drop_rate), .arg = "P",
	 .help = "share of connections closed unanswered; half after the request was applied (0)"},
	{.name = "hang-rate", .kind = OPT_RATE, .offset = OFF(hang_rate), .arg = "P",
	 .help = "share answered only after 30 s; half applied, half a 500 with nothing done (0)"},
	{.name = "garble-rate", .kind = OPT_RATE, .offset = OFF(garble_rate), .arg = "P",
	 .help = "share applied, then answered with a truncated or HTML body (0)"},
	{.name = "seed", .kind = OPT_SEED, .offset = OFF(seed), .arg = "N",
	 .help = "seed of the fault generator; same seed + same requests, same faults (random)"},
};

static const struct opt_program program = {
	.name = "kassa-sandbox",
	.table = opt_table,
	.count = sizeof opt_table / sizeof opt_table[0],
	.head = "usage: kassa-sandbox [options]\n"
	        "A local emulator of the Webkassa API v4 subset of FISCAL.md (a cloud cash\n"
	        "register): POST /api/v4/Authorize, /check, /Ticket/PrintFormat, /MoneyOperation,\n"
	        "/XReport and /ZReport. Prints \"listening on http://ADDR:PORT\" once ready.\n\n",
	.tail = "Every request carries the x-api-key header. Faults hit the API calls only (not\n"
	        "the /sandbox/ controls), at most one per request, drawn in arrival order from\n"
	        "the seeded generator; the rates are shares of one roll and may add up to 1 at\n"
	        "most. Half of the 500s, drops and hangs come after the request was applied (a\n"
	        "receipt registered that the client never hears of), half before (nothing done).\n\n"
	        "Control: POST /sandbox/ofd {\"online\": false} makes the operator unreachable,\n"
	        "POST /sandbox/clock {\"advance_s\": N} moves the clock forward (shifts, the\n"
	        "offline limit, tokens), POST /sandbox/cashbox {\"blocked\": true} blocks the\n"
	        "register, GET /sandbox/checks lists every receipt and cash operation.\n"
	        "Slow clients are cut as kaspi-sandbox's are (--request-deadline-ms,\n"
	        "--max-conn-per-ip). A value may also follow its flag after '=' (--port=0).\n"
	        "More in man kassa-sandbox.\n",
};

/* Whether s is 1..max printable ASCII bytes without spaces. */
static bool printable(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n < 1 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

/* The checks across flags; -1 to go on, or the exit status after a line. */
static int options_check(const struct options *o)
{
	if (!options_bind_ok(o->bind))
		return options_fail(&program, "--bind needs a numeric IPv4 or IPv6 address, not '%s'", o->bind);
	if (!printable(o->api_key, KASSA_KEY_MAX))
		return options_fail(&program, "the key must be 1-%d printable characters without spaces (--api-key or WEBKASSA_API_KEY)",
		                    KASSA_KEY_MAX);
	if (!*o->login || strlen(o->login) > 256 || !*o->password || strlen(o->password) > 256)
		return options_fail(&program, "the login and the password must be 1-256 bytes");
	if (!printable(o->cashbox, CHECK_ECN_MAX))
		return options_fail(&program, "the cashbox must be 1-%d printable characters without spaces (--cashbox or WEBKASSA_CASHBOX)",
		                    CHECK_ECN_MAX);
	if (o->fail_rate + o->drop_rate + o->garble_rate + o->hang_rate > 1.0 + 1e-9)
		return options_fail(&program, "--fail-rate, --drop-rate, --garble-rate and --hang-rate add up to more than 1");
	return -1;
}

/* An environment variable's value, else the default. */
static const char *env_or(const char *name, const char *dflt)
{
	const char *v = options_env(name);
	return v ? v : dflt;
}

int main(int argc, char **argv)
{
	struct options o = {
		.bind = "127.0.0.1",
		.port = 8700,
		.api_key = env_or("WEBKASSA_API_KEY", DEFAULT_KEY),
		.login = env_or("WEBKASSA_LOGIN", DEFAULT_LOGIN),
		.password = env_or("WEBKASSA_PASSWORD", DEFAULT_PASSWORD),
		.cashbox = env_or("WEBKASSA_CASHBOX", DEFAULT_CASHBOX),
		.token_ttl = 86400,
		.max_conn_per_ip = SERVER_CONN_PER_IP_DEFAULT,
		.request_deadline_ms = SERVER_DEADLINE_MS_DEFAULT,
		.seed = -1,
	};
	char err[256];

	int rc = options_parse(&program, argc, argv, &o);
	if (rc < 0)
		rc = options_check(&o);
	if (rc >= 0)
		return rc;

	sigset_t stop_signals;
	options_block_signals(&stop_signals);

	struct ledger_config lcfg = {
		.login = o.login,
		.password = o.password,
		.token_ttl_ms = o.token_ttl * 1000,
		.cashbox = {
			.znk = o.cashbox,
			.rn = "032600010282",
			.in = "2363",
			.address = "г. Алматы, ул. Абая, 10",
			.address_kz = "Алматы қ., Абай к-сі, 10",
			.ofd_name = "АО \"Казахтелеком\"",
			.ofd_name_kz = "\"Қазақтелеком\" АҚ",
			.ofd_host = "consumer.oofd.kz",
			.ofd_code = 1,
			.org_name = "ТОО «Береке»",
			.org_in = "123456789012",
			.employee = "Айгерим",
		},
	};
	struct ledger *ledger = ledger_new(&lcfg);
	struct faults_config fcfg = {
		.latency_ms = (unsigned)o.latency_ms,
		.jitter_ms = (unsigned)o.jitter_ms,
		.fail_rate = o.fail_rate,
		.drop_rate = o.drop_rate,
		.garble_rate = o.garble_rate,
		.hang_rate = o.hang_rate,
		.split_all = true,
		.seed = o.seed >= 0 ? (uint64_t)o.seed : rng_entropy() >> 1,
	};
	struct faults faults;
	faults_init(&faults, &fcfg);

	struct server *srv = NULL;
	struct kassa_service service;
	if (!ledger) {
		snprintf(err, sizeof err, "out of memory");
	} else {
		struct server_config cfg = {
			.bind_addr = o.bind,
			.port = (unsigned)o.port,
			.max_conn_per_ip = (unsigned)o.max_conn_per_ip,
			.request_deadline_ms = (unsigned)o.request_deadline_ms,
		};
		kassa_service_init(&service, ledger, o.api_key);
		srv = server_start(&cfg, &service.svc, &faults, err, sizeof err);
	}
	if (srv) {
		if (faults.active)
			fprintf(stderr, "sandbox seed: %" PRIu64 "\n", fcfg.seed);
		printf("listening on %s\n", server_base_url(srv));
		fflush(stdout);
		options_wait_signal(&stop_signals);
	} else {
		fprintf(stderr, "kassa-sandbox: %s\n", err);
	}

	/* requests first (hanging ones are woken), then what they used */
	server_stop(srv);
	ledger_free(ledger);
	faults_destroy(&faults);
	return srv ? 0 : 1;
}
