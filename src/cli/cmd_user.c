/* cmd_user.c — `kaspi-pos user add NAME --role cashier|manager` (asks the
 * PIN twice) and `kaspi-pos user list` (name, role, locked or not). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/i18n.h"
#include "app/pin.h"
#include "cli/cli.h"
#include "cli/cli_pin.h"
#include "cli/cli_store.h"
#include "core/validate.h"
#include "store/users.h"

static void user_usage(void)
{
	cli_usage("user");
}

/* A role as a cashier says it, translated. */
static const char *role_label(enum user_role role)
{
	return role == USER_MANAGER ? _("manager") : _("cashier");
}

/* text and spaces to width characters, then one more. */
static void print_padded(const char *text, int width)
{
	long pad = width - kp_utf8_length(text);
	printf("%s%*s ", text, pad > 0 ? (int)pad : 0, "");
}

/* Asks for the new PIN twice and checks it. Returns 0 with pin filled,
 * or an exit code after printing why. */
static int ask_new_pin(const char *name, char *pin, size_t size)
{
	char again[CLI_PIN_SIZE], prompt[256];
	int rc = 0;

	snprintf(prompt, sizeof prompt, _("PIN for %s (%d-%d digits): "), name, USERS_PIN_MIN,
	         USERS_PIN_MAX);
	if (!cli_read_pin(prompt, pin, size)) {
		fprintf(stderr, "kaspi-pos: %s\n", _("no PIN given: nothing saved"));
		return EXIT_USAGE;
	}
	if (!pin_valid(pin)) {
		fprintf(stderr, _("kaspi-pos: a PIN is %d to %d digits: nothing saved\n"), USERS_PIN_MIN,
		        USERS_PIN_MAX);
		rc = EXIT_USAGE;
	} else if (!cli_read_pin(_("The same PIN again: "), again, sizeof again)) {
		fprintf(stderr, "kaspi-pos: %s\n", _("the PIN was not repeated: nothing saved"));
		rc = EXIT_USAGE;
	} else if (strcmp(pin, again) != 0) {
		fprintf(stderr, "kaspi-pos: %s\n", _("the two PINs differ: nothing saved"));
		rc = EXIT_USAGE;
	}
	pin_wipe(again, sizeof again);
	if (rc)
		pin_wipe(pin, size);
	return rc;
}

static int user_add(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *name = NULL, *role_text = NULL;
	enum user_role role;
	char pin[CLI_PIN_SIZE];
	store_err err;
	int rc;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
			role_text = argv[++i];
		else if (strncmp(argv[i], "--role=", 7) == 0)
			role_text = argv[i] + 7;
		else if (argv[i][0] != '-' && !name)
			name = argv[i];
		else {
			user_usage();
			return EXIT_USAGE;
		}
	}
	if (!name || !role_text) {
		user_usage();
		return EXIT_USAGE;
	}
	if (!users_role_parse(role_text, &role)) {
		fprintf(stderr, _("kaspi-pos: the role is cashier or manager, not \"%s\"\n"), role_text);
		return EXIT_USAGE;
	}
	if (!users_name_valid(name, &err)) {
		fprintf(stderr, "kaspi-pos: %s\n", kp_msg_text(&err.msg));
		return EXIT_USAGE;
	}
	store_db *db = cli_store_open(ctx, &rc);
	if (!db)
		return rc;
	struct user existing;
	store_status st = users_get(db, name, &existing, &err);
	if (st == STORE_OK) {
		fprintf(stderr, _("kaspi-pos: a user named \"%s\" already exists\n"), name);
		db_close(db);
		return EXIT_USAGE;
	}
	if (st == STORE_NOT_FOUND && (rc = ask_new_pin(name, pin, sizeof pin)) == 0) {
		st = pin_add_user(db, name, role, pin, NULL, &err);
		pin_wipe(pin, sizeof pin);
	} else if (st == STORE_NOT_FOUND) {
		db_close(db);
		return rc;
	}
	db_close(db);
	if (st != STORE_OK) {
		fprintf(stderr, "kaspi-pos: %s\n", kp_msg_text(&err.msg));
		return cli_store_exit(st);
	}
	printf(_("added %s (%s)\n"), name, role_label(role));
	return 0;
}

static int user_list(struct cli_ctx *ctx)
{
	struct user *users = NULL;
	store_err err;
	int n = 0, rc;

	store_db *db = cli_store_open(ctx, &rc);
	if (!db)
		return rc;
	store_status st = users_list(db, &users, &n, &err);
	time_t now = db_now(db);
	db_close(db);
	if (st != STORE_OK) {
		fprintf(stderr, "kaspi-pos: %s\n", kp_msg_text(&err.msg));
		return cli_store_exit(st);
	}
	int role_width = 8, status_width = 20;
	for (int r = 0; r < 2; r++) {
		long w = kp_utf8_length(role_label(r ? USER_MANAGER : USER_CASHIER));
		if (w > role_width)
			role_width = (int)w;
	}
	if (n == 0)
		fprintf(stderr, "%s\n", _("no users yet: add one with kaspi-pos user add NAME --role manager"));
	for (int i = 0; i < n; i++) {
		char status[128];
		long left = users_locked_for(&users[i], now);
		int wrong = users[i].failed_count;
		if (left > 0)
			snprintf(status, sizeof status, _("locked (%ld s)"), left);
		else if (wrong > 0)
			snprintf(status, sizeof status,
			         ngettext("ok (%d wrong PIN)", "ok (%d wrong PINs)", (unsigned long)wrong), wrong);
		else
			snprintf(status, sizeof status, "%s", _("ok"));
		print_padded(role_label(users[i].role), role_width);
		print_padded(status, status_width);
		printf("%s\n", users[i].name);
	}
	free(users);
	return 0;
}

int cmd_user(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "add") == 0)
		return user_add(ctx, argc - 1, argv + 1);
	if (argc == 1 && strcmp(argv[0], "list") == 0)
		return user_list(ctx);
	user_usage();
	return EXIT_USAGE;
}
