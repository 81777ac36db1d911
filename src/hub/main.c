/* main.c — kaspi-hub, the chain's back office: the command line.
 *
 *   kaspi-hub --db URL [--listen ADDR:PORT | --port N] [--threads N]
 *             [--tls-cert FILE --tls-key FILE]          serve the tills
 *   kaspi-hub --db URL init                  create or migrate the schema
 *   kaspi-hub --db URL till add STORE TILL   add a till; print its token once
 *   kaspi-hub --db URL catalog import FILE.csv [--store S] | catalog list
 *   kaspi-hub --db URL user add NAME --role R [--store S] | user remove NAME | user list
 *                                            what goes out to the tills (dist_cli.h)
 *   kaspi-hub --db URL report|commission|owner ...   the chain's reports (report_cmd.c)
 *
 * --db takes a PostgreSQL URL or conninfo (postgresql://..., or
 * "host=/run/pg dbname=hub"); KASPI_HUB_DB when absent. Serving prints
 * "listening on http://ADDR:PORT" (https:// with a certificate) once ready and exits 0 on SIGINT or
 * SIGTERM; each batch is one line on standard error. Exit 1: it failed
 * (one line on standard error); 2: usage.
 * The hub's operator reads English: it is not the cashier's program. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/i18n.h"
#include "hub/dist_cli.h"
#include "hub/hash.h"
#include "hub/httpd.h"
#include "hub/ingest.h"
#include "hub/pgdb.h"
#include "hub/report.h"
#include "store/catalog.h"

#define HUB_LISTEN_DEFAULT "127.0.0.1"
#define HUB_PORT_DEFAULT 8750
#define HUB_THREADS_DEFAULT 4

struct hub_args {
	const char *db;
	const char *webhook_secret;  /* --webhook-secret, else $KASPI_WEBHOOK_SECRET; never print */
	char addr[64];
	long port;
	long threads;              /* --threads: answering threads, a connection each */
	const char *tls_cert;      /* --tls-cert, --tls-key: PEM files; both or neither */
	const char *tls_key;
	struct hub_faults faults;  /* --fault-drop-rate, --fault-seed: tests only */
	const char *store;     /* --store, --role: the catalog's and users' commands */
	const char *role;
	int argc;              /* the command's words, after the options */
	char **argv;
};

static void hub_usage(FILE *to)
{
	fprintf(to,
	        "usage: kaspi-hub --db URL [--listen ADDR:PORT | --port N] [--webhook-secret S]\n"
	        "                 [--threads N] [--tls-cert FILE --tls-key FILE]\n"
	        "       kaspi-hub --db URL init\n"
	        "       kaspi-hub --db URL till add STORE TILL\n"
	        "       kaspi-hub --db URL catalog import FILE.csv [--store S] | catalog list\n"
	        "       kaspi-hub --db URL user add NAME --role cashier|manager [--store S]\n"
	        "       kaspi-hub --db URL user remove NAME [--store S] | user list [--store S]\n"
	        "       kaspi-hub --db URL report day [--date YYYY-MM-DD] [OPTIONS]\n"
	        "       kaspi-hub --db URL report range --from YYYY-MM-DD --to YYYY-MM-DD [OPTIONS]\n"
	        "         OPTIONS: --store S --till T --by store|till|cashier|hour\n"
	        "                  --format text|csv|json (Almaty days)\n"
	        "       kaspi-hub --db URL commission STORE [qr=PCT] [phone=PCT] [card=PCT]\n"
	        "       kaspi-hub --db URL owner add NAME\n"
	        "The chain's back office: the tills ship their journals to it (POST /api/v1/ingest)\n"
	        "and take the newest catalog and users of their store (GET /api/v1/catalog, users).\n"
	        "--db: a PostgreSQL URL or conninfo (default: $KASPI_HUB_DB). Serving prints\n"
	        "\"listening on http://ADDR:PORT\" once ready; port 0 picks a free one.\n"
	        "--threads N (default 4, up to 64): requests answered at once, each over a\n"
	        "database connection of its own.\n"
	        "--tls-cert FILE --tls-key FILE: serve HTTPS with this PEM certificate (chain)\n"
	        "and key; the tills verify it ([hub] ca_file for a private CA).\n"
	        "--webhook-secret S (default: $KASPI_WEBHOOK_SECRET): Kaspi's webhooks at\n"
	        "POST /webhooks/kaspi are verified with it and pushed to their till's stream\n"
	        "(GET /api/v1/push); without it webhooks are refused.\n"
	        "Tests: --fault-drop-rate P [--fault-seed N] closes the connection instead of\n"
	        "answering a stored batch, with probability P.\n");
}

/* ADDR:PORT into a. */
static bool hub_parse_listen(const char *s, struct hub_args *a)
{
	const char *colon = strrchr(s, ':');
	if (!colon || colon == s || (size_t)(colon - s) >= sizeof a->addr)
		return false;
	char *end;
	errno = 0;
	long port = strtol(colon + 1, &end, 10);
	if (errno || *end || end == colon + 1 || port < 0 || port > 65535)
		return false;
	snprintf(a->addr, sizeof a->addr, "%.*s", (int)(colon - s), s);
	a->port = port;
	return true;
}

/* An id as the hub takes them: letters, digits, - and _, 1-32. */
static bool hub_is_id(const char *s)
{
	size_t n = strlen(s);
	return n >= 1 && n <= INGEST_TILL_MAX &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == n;
}

/* The options, wherever they are; the rest is the command. 0, or 2. */
static int hub_parse(int argc, char **argv, struct hub_args *a)
{
	static char *words[32];
	memset(a, 0, sizeof *a);
	snprintf(a->addr, sizeof a->addr, "%s", HUB_LISTEN_DEFAULT);
	a->port = HUB_PORT_DEFAULT;
	a->threads = HUB_THREADS_DEFAULT;
	a->db = getenv("KASPI_HUB_DB");
	a->webhook_secret = getenv("KASPI_WEBHOOK_SECRET");
	a->argv = words;
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];
		if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
			hub_usage(stdout);
			exit(0);
		} else if (strcmp(o, "--db") == 0 && i + 1 < argc) {
			a->db = argv[++i];
		} else if (strcmp(o, "--webhook-secret") == 0 && i + 1 < argc) {
			a->webhook_secret = argv[++i];
		} else if (strcmp(o, "--listen") == 0 && i + 1 < argc) {
			if (!hub_parse_listen(argv[++i], a)) {
				fprintf(stderr, "kaspi-hub: --listen takes ADDR:PORT, e.g. 127.0.0.1:8750\n");
				return 2;
			}
		} else if (strcmp(o, "--port") == 0 && i + 1 < argc) {
			char *end;
			a->port = strtol(argv[++i], &end, 10);
			if (*end || a->port < 0 || a->port > 65535) {
				fprintf(stderr, "kaspi-hub: --port takes 0 to 65535\n");
				return 2;
			}
		} else if (strcmp(o, "--threads") == 0 && i + 1 < argc) {
			char *end;
			a->threads = strtol(argv[++i], &end, 10);
			if (*end || a->threads < 1 || a->threads > HTTPD_THREADS_MAX) {
				fprintf(stderr, "kaspi-hub: --threads takes 1 to %d\n", HTTPD_THREADS_MAX);
				return 2;
			}
		} else if (strcmp(o, "--tls-cert") == 0 && i + 1 < argc) {
			a->tls_cert = argv[++i];
		} else if (strcmp(o, "--tls-key") == 0 && i + 1 < argc) {
			a->tls_key = argv[++i];
		} else if (strcmp(o, "--fault-drop-rate") == 0 && i + 1 < argc) {
			char *end;
			a->faults.drop_rate = strtod(argv[++i], &end);
			if (*end || a->faults.drop_rate < 0 || a->faults.drop_rate > 1) {
				fprintf(stderr, "kaspi-hub: --fault-drop-rate takes 0 to 1\n");
				return 2;
			}
		} else if (strcmp(o, "--fault-seed") == 0 && i + 1 < argc) {
			a->faults.seed = (unsigned)strtoul(argv[++i], NULL, 10);
		} else if (a->argc > 0 && strcmp(words[0], "report") == 0 &&
		           a->argc < (int)(sizeof words / sizeof *words)) {
			words[a->argc++] = argv[i]; /* report's own options: report_cmd.c */
		} else if (strcmp(o, "--store") == 0 && i + 1 < argc) {
			a->store = argv[++i];
			if (!hub_is_id(a->store)) {
				fprintf(stderr, "kaspi-hub: --store takes 1 to 32 letters, digits, - or _\n");
				return 2;
			}
		} else if (strcmp(o, "--role") == 0 && i + 1 < argc) {
			a->role = argv[++i];
		} else if (o[0] == '-' && o[1] == '-') {
			fprintf(stderr, "kaspi-hub: unknown option %s (see kaspi-hub --help)\n", o);
			return 2;
		} else if (a->argc < (int)(sizeof words / sizeof *words)) {
			words[a->argc++] = argv[i];
		}
	}
	if (!a->tls_cert != !a->tls_key) {
		fprintf(stderr, "kaspi-hub: --tls-cert and --tls-key go together\n");
		return 2;
	}
	if (!a->db || !*a->db) {
		fprintf(stderr, "kaspi-hub: no database: give --db postgresql://... or set KASPI_HUB_DB\n");
		return 2;
	}
	return 0;
}

static int hub_connect(const struct hub_args *a, hub_pg **pg)
{
	char err[HUB_ERR_SIZE];
	if (!hub_pg_connect(a->db, pg, err)) {
		fprintf(stderr, "kaspi-hub: %s\n", err);
		return 1;
	}
	return 0;
}

static int hub_cmd_init(const struct hub_args *a)
{
	hub_pg *pg;
	char err[HUB_ERR_SIZE];
	int from = 0, to = 0;
	if (hub_connect(a, &pg))
		return 1;
	bool ok = hub_pg_migrate(pg, &from, &to, err);
	hub_pg_close(pg);
	if (!ok) {
		fprintf(stderr, "kaspi-hub: %s\n", err);
		return 1;
	}
	if (from == to)
		printf("schema at version %d: nothing to do\n", to);
	else
		printf("schema at version %d (was %d)\n", to, from);
	return 0;
}

static int hub_cmd_till_add(const struct hub_args *a, const char *store, const char *till)
{
	hub_pg *pg;
	char err[HUB_ERR_SIZE], token[HUB_TOKEN_SIZE], hash[HUB_HASH_HEX + 1];
	bool exists = false;
	if (!hub_is_id(store) || !hub_is_id(till)) {
		fprintf(stderr, "kaspi-hub: STORE and TILL are 1 to 32 letters, digits, - or _\n");
		return 2;
	}
	if (!hub_token_new(token) || !hub_sha256_hex(token, strlen(token), hash)) {
		fprintf(stderr, "kaspi-hub: cannot make a random token (OpenSSL)\n");
		return 1;
	}
	if (hub_connect(a, &pg))
		return 1;
	bool ok = hub_pg_till_add(pg, store, till, hash, &exists, err);
	hub_pg_close(pg);
	if (!ok) {
		fprintf(stderr, "kaspi-hub: %s\n", err);
		return 1;
	}
	/* the one time it is shown: the hub keeps only its hash */
	printf("%s\n", token);
	fprintf(stderr, "till %s of store %s added; put the token above in its [hub] token "
	                "(it is not shown again)\n", till, store);
	return 0;
}

/* The PEM file at path into *out (NULL when path is); 0, or 1 said. */
static int hub_read_pem(const char *path, char **out)
{
	store_err err;
	size_t len;
	*out = NULL;
	if (!path)
		return 0;
	if (catalog_read_file(path, out, &len, &err) != STORE_OK) {
		fprintf(stderr, "kaspi-hub: %s: %s\n", path, kp_msg_text(&err.msg));
		return 1;
	}
	return 0;
}

static void hub_free_pem(char *pem)
{
	if (pem) {
		explicit_bzero(pem, strlen(pem)); /* the key's, at least */
		free(pem);
	}
}

static int hub_cmd_serve(const struct hub_args *a)
{
	hub_httpd *h;
	char url[128], err[256];
	char *cert = NULL, *key = NULL;
	sigset_t set;

	/* blocked before any thread starts, so that only sigwait takes them */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (hub_read_pem(a->tls_cert, &cert) || hub_read_pem(a->tls_key, &key)) {
		hub_free_pem(cert);
		return 1;
	}
	struct hub_httpd_config cfg = {
	        .addr = a->addr,
	        .port = (uint16_t)a->port,
	        .db = a->db,
	        .threads = (int)a->threads,
	        .faults = &a->faults,
	        .webhook_secret = a->webhook_secret,
	        .tls_cert = cert,
	        .tls_key = key,
	};
	if (!hub_httpd_start(&cfg, &h, url, sizeof url, err, sizeof err)) {
		fprintf(stderr, "kaspi-hub: %s\n", err);
		hub_free_pem(cert);
		hub_free_pem(key);
		return 1;
	}
	printf("listening on %s\n", url);
	fflush(stdout);
	int sig = 0;
	while (sigwait(&set, &sig) != 0)
		;
	hub_httpd_stop(h);
	hub_free_pem(cert);
	hub_free_pem(key);
	fprintf(stderr, "kaspi-hub: stopped (%s)\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
	return 0;
}

int main(int argc, char **argv)
{
	struct hub_args a;
	if (argc >= 2 && strcmp(argv[1], "version") == 0) {
		printf("kaspi-hub %s\n", KP_VERSION);
		return 0;
	}
	int rc = hub_parse(argc, argv, &a);
	if (rc)
		return rc;
	if (a.argc == 0)
		return hub_cmd_serve(&a);
	if (a.argc == 1 && strcmp(a.argv[0], "init") == 0)
		return hub_cmd_init(&a);
	if (a.argc == 4 && strcmp(a.argv[0], "till") == 0 && strcmp(a.argv[1], "add") == 0)
		return hub_cmd_till_add(&a, a.argv[2], a.argv[3]);
	if (dist_cli_is(a.argv[0])) {
		struct dist_cli_args d = {
			.db = a.db, .store = a.store, .role = a.role, .argc = a.argc, .argv = a.argv,
		};
		return dist_cli_run(&d);
	}
	if (strcmp(a.argv[0], "report") == 0 || strcmp(a.argv[0], "commission") == 0 ||
	    strcmp(a.argv[0], "owner") == 0) {
		hub_pg *pg;
		if (hub_connect(&a, &pg))
			return 1;
		rc = hub_report_cmd(pg, a.argc, a.argv);
		hub_pg_close(pg);
		return rc;
	}
	fprintf(stderr, "kaspi-hub: unknown command (see kaspi-hub --help)\n");
	return 2;
}
