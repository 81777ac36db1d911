/* dist_cli.c — kaspi-hub's commands for what goes out to the tills
 * (dist_cli.h): the catalog checked by the till's own rules
 * (store/catalog.h) and kept as a version, and the users with their PIN
 * hashed as the till hashes it (app/pin.h), read as the till reads it
 * (cli/cli_pin.h: no echo, or lines of standard input). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/i18n.h"
#include "app/pin.h"
#include "cli/cli_pin.h"
#include "hub/dist.h"
#include "hub/dist_cli.h"
#include "store/catalog.h"

#define DIST_SHOWN_MAX 200   /* problems of a file said; the rest counted */

/* A catalog file's problems, kept to be said in order once all are in. */
struct dist_problems {
	const char *path;
	char lines[DIST_SHOWN_MAX][320];
	long n;
};

static void dist_on_problem(void *arg, long line, const struct kp_msg *m)
{
	struct dist_problems *p = arg;
	if (p->n < DIST_SHOWN_MAX)
		snprintf(p->lines[p->n], sizeof p->lines[p->n], "%s:%ld: %s", p->path, line,
		         kp_msg_text(m));
	p->n++;
}

/* Says a refused file: one problem on one line; more, each and a total. */
static void dist_say_problems(const struct dist_problems *p)
{
	if (p->n == 1) {
		fprintf(stderr, "kaspi-hub: %s: no catalog version made\n", p->lines[0]);
		return;
	}
	for (long i = 0; i < p->n && i < DIST_SHOWN_MAX; i++)
		fprintf(stderr, "kaspi-hub: %s\n", p->lines[i]);
	if (p->n > DIST_SHOWN_MAX)
		fprintf(stderr, "kaspi-hub: ... and %ld more\n", p->n - DIST_SHOWN_MAX);
	fprintf(stderr, "kaspi-hub: %s has %ld problems: no catalog version made\n", p->path, p->n);
}

static int dist_catalog_import(hub_pg *pg, const char *path, const char *store)
{
	struct dist_problems *p = calloc(1, sizeof *p);
	struct catalog_import_stats st;
	store_err err;
	char *buf = NULL, perr[HUB_ERR_SIZE];
	size_t len = 0;
	int64_t version = 0;
	int rc = 1;

	if (!p) {
		fprintf(stderr, "kaspi-hub: out of memory\n");
		return 1;
	}
	p->path = path;
	if (catalog_read_file(path, &buf, &len, &err) != STORE_OK) {
		fprintf(stderr, "kaspi-hub: %s: no catalog version made\n", kp_msg_text(&err.msg));
	} else if (catalog_check_buffer(buf, len, dist_on_problem, p, &st, &err) != STORE_OK) {
		if (p->n > 0)
			dist_say_problems(p);
		else
			fprintf(stderr, "kaspi-hub: %s: %s\n", path, kp_msg_text(&err.msg));
	} else if (!dist_catalog_add(pg, store, buf, len, st.rows, &version, perr)) {
		fprintf(stderr, "kaspi-hub: %s\n", perr);
	} else {
		printf("catalog version %lld: %ld products for %s%s\n", (long long)version, st.rows,
		       store ? "store " : "the whole chain", store ? store : "");
		rc = 0;
	}
	free(buf);
	free(p);
	return rc;
}

/* Reads the new PIN twice, as the till's user add does; 0 with it, or
 * the exit code after saying why. */
static int dist_read_pin(const char *name, char pin[CLI_PIN_SIZE])
{
	char again[CLI_PIN_SIZE], prompt[256];
	int rc = 0;

	snprintf(prompt, sizeof prompt, "PIN for %s (%d-%d digits): ", name, USERS_PIN_MIN,
	         USERS_PIN_MAX);
	if (!cli_read_pin(prompt, pin, CLI_PIN_SIZE)) {
		fprintf(stderr, "kaspi-hub: no PIN given: nothing saved\n");
		return 2;
	}
	if (!pin_valid(pin)) {
		fprintf(stderr, "kaspi-hub: a PIN is %d to %d digits: nothing saved\n", USERS_PIN_MIN,
		        USERS_PIN_MAX);
		rc = 2;
	} else if (!cli_read_pin("The same PIN again: ", again, sizeof again)) {
		fprintf(stderr, "kaspi-hub: the PIN was not repeated: nothing saved\n");
		rc = 2;
	} else if (strcmp(pin, again) != 0) {
		fprintf(stderr, "kaspi-hub: the two PINs differ: nothing saved\n");
		rc = 2;
	}
	pin_wipe(again, sizeof again);
	if (rc)
		pin_wipe(pin, CLI_PIN_SIZE);
	return rc;
}

static int dist_cmd_user_add(hub_pg *pg, const char *name, const char *store, const char *role_text)
{
	enum user_role role;
	struct users_pin hashed;
	char pin[CLI_PIN_SIZE], err[HUB_ERR_SIZE];
	store_err serr;
	int64_t version;
	bool exists;

	if (!role_text || !users_role_parse(role_text, &role)) {
		fprintf(stderr, "kaspi-hub: user add needs --role cashier or --role manager\n");
		return 2;
	}
	if (!users_name_valid(name, &serr)) {
		fprintf(stderr, "kaspi-hub: %s\n", kp_msg_text(&serr.msg));
		return 2;
	}
	int rc = dist_read_pin(name, pin);
	if (rc)
		return rc;
	bool made = pin_make(pin, &hashed);
	pin_wipe(pin, sizeof pin);
	if (!made) {
		fprintf(stderr, "kaspi-hub: cannot hash the PIN (OpenSSL)\n");
		return 1;
	}
	bool ok = dist_user_add(pg, name, store, role, &hashed, &version, &exists, err);
	pin_wipe(&hashed, sizeof hashed);
	if (!ok) {
		fprintf(stderr, "kaspi-hub: %s\n", err);
		return 1;
	}
	printf("added %s (%s) for %s%s: users version %lld\n", name, users_role_name(role),
	       store ? "store " : "the whole chain", store ? store : "", (long long)version);
	return 0;
}

static int dist_cmd_user_remove(hub_pg *pg, const char *name, const char *store)
{
	char err[HUB_ERR_SIZE];
	int64_t version;
	bool missing;
	if (!dist_user_remove(pg, name, store, &version, &missing, err)) {
		fprintf(stderr, "kaspi-hub: %s\n", err);
		return 1;
	}
	printf("removed %s from %s%s: users version %lld\n", name,
	       store ? "store " : "the whole chain", store ? store : "", (long long)version);
	return 0;
}

/* The command's words after the hub's options: 0, 1, or 2 (usage). */
static int dist_dispatch(hub_pg *pg, const struct dist_cli_args *a)
{
	char err[HUB_ERR_SIZE];
	int argc = a->argc;
	char **argv = a->argv;
	bool ok;

	if (strcmp(argv[0], "catalog") == 0 && argc == 3 && strcmp(argv[1], "import") == 0)
		return dist_catalog_import(pg, argv[2], a->store);
	if (strcmp(argv[0], "catalog") == 0 && argc == 2 && strcmp(argv[1], "list") == 0)
		ok = dist_catalog_list(pg, stdout, err);
	else if (strcmp(argv[0], "user") == 0 && argc == 3 && strcmp(argv[1], "add") == 0)
		return dist_cmd_user_add(pg, argv[2], a->store, a->role);
	else if (strcmp(argv[0], "user") == 0 && argc == 3 && strcmp(argv[1], "remove") == 0)
		return dist_cmd_user_remove(pg, argv[2], a->store);
	else if (strcmp(argv[0], "user") == 0 && argc == 2 && strcmp(argv[1], "list") == 0)
		ok = dist_user_list(pg, a->store, stdout, err);
	else
		return 2;
	if (!ok)
		fprintf(stderr, "kaspi-hub: %s\n", err);
	return ok ? 0 : 1;
}

bool dist_cli_is(const char *word)
{
	return strcmp(word, "catalog") == 0 || strcmp(word, "user") == 0;
}

int dist_cli_run(const struct dist_cli_args *a)
{
	hub_pg *pg;
	char err[HUB_ERR_SIZE];
	if (a->argc < 2 || (a->role && strcmp(a->argv[0], "user") != 0)) {
		fprintf(stderr, "kaspi-hub: unknown command (see kaspi-hub --help)\n");
		return 2;
	}
	if (!hub_pg_connect(a->db, &pg, err)) {
		fprintf(stderr, "kaspi-hub: %s\n", err);
		return 1;
	}
	int rc = dist_dispatch(pg, a);
	hub_pg_close(pg);
	if (rc == 2)
		fprintf(stderr, "kaspi-hub: unknown command (see kaspi-hub --help)\n");
	return rc;
}
