/* cli_approve.c — a manager's PIN for a headless command. */
#include <stdio.h>
#include <stdlib.h>

#include "app/i18n.h"
#include "app/pin.h"
#include "cli/cli.h"
#include "cli/cli_approve.h"
#include "cli/cli_pin.h"
#include "cli/cli_store.h"
#include "store/users.h"

/* Prints why verdict v refused name's PIN. */
static void say_refused(const char *name, const struct users_check *v)
{
	if (v->verdict == USERS_LOCKED || (v->verdict == USERS_PIN_WRONG && v->locked_for > 0))
		fprintf(stderr, _("kaspi-pos: wrong PIN: %s is locked for %ld s\n"), name, v->locked_for);
	else
		fprintf(stderr, _("kaspi-pos: wrong PIN for %s (%d tries left before the lock)\n"), name,
		        v->tries_left);
}

/* The PIN of the manager called name. */
static int approve_named(store_db *db, const char *name, const char *pin, int64_t *manager)
{
	struct user u;
	struct users_check v;
	store_err err;

	store_status st = users_get(db, name, &u, &err);
	if (st == STORE_NOT_FOUND) {
		fprintf(stderr, _("kaspi-pos: there is no user \"%s\"\n"), name);
		return EXIT_USAGE;
	}
	if (st != STORE_OK) {
		fprintf(stderr, "kaspi-pos: %s\n", kp_msg_text(&err.msg));
		return cli_store_exit(st);
	}
	if (u.role != USER_MANAGER) {
		fprintf(stderr, _("kaspi-pos: %s is a cashier: this needs a manager's PIN\n"), name);
		return EXIT_USAGE;
	}
	if ((st = pin_verify(db, name, pin, &v, &err)) != STORE_OK) {
		fprintf(stderr, "kaspi-pos: %s\n", kp_msg_text(&err.msg));
		return cli_store_exit(st);
	}
	if (v.verdict != USERS_PIN_OK) {
		say_refused(name, &v);
		return EXIT_USAGE;
	}
	*manager = v.user_id;
	return 0;
}

/* The PIN of any manager (see the header). */
static int approve_any(store_db *db, const char *pin, int64_t *manager)
{
	struct user *users = NULL;
	int n = 0, managers = 0, locked = 0;
	long locked_for = 0;
	store_err err;
	int rc = EXIT_USAGE;

	store_status st = users_list(db, &users, &n, &err);
	if (st != STORE_OK) {
		fprintf(stderr, "kaspi-pos: %s\n", kp_msg_text(&err.msg));
		return cli_store_exit(st);
	}
	time_t now = db_now(db);
	/* Whose PIN is it? Asked without side effects, so that the right
	 * manager's PIN never counts as a wrong try against another one; only
	 * a PIN that is no manager's counts against each of them. */
	int owner = -1;
	for (int i = 0; i < n && owner < 0 && pin_valid(pin); i++) {
		bool match = false;
		if (users[i].role == USER_MANAGER && users_locked_for(&users[i], now) <= 0 &&
		    pin_is(db, users[i].name, pin, &match, &err) == STORE_OK && match)
			owner = i;
	}
	for (int i = 0; i < n && rc == EXIT_USAGE; i++) {
		if (users[i].role != USER_MANAGER || (owner >= 0 && i != owner))
			continue;
		managers++;
		long left = users_locked_for(&users[i], now);
		if (left > 0) {
			locked++;
			locked_for = left > locked_for ? left : locked_for;
			continue;
		}
		if (!pin_valid(pin))
			continue; /* no one's PIN: nothing to try, nothing to count */
		struct users_check v;
		if ((st = pin_verify(db, users[i].name, pin, &v, &err)) != STORE_OK) {
			fprintf(stderr, "kaspi-pos: %s\n", kp_msg_text(&err.msg));
			rc = cli_store_exit(st);
			break;
		}
		if (v.verdict == USERS_PIN_OK) {
			*manager = v.user_id;
			rc = 0;
		}
	}
	free(users);
	if (rc != EXIT_USAGE)
		return rc;
	if (managers == 0)
		fprintf(stderr, "kaspi-pos: %s\n",
		        _("no manager is set up: add one with kaspi-pos user add NAME --role manager"));
	else if (locked == managers)
		fprintf(stderr, _("kaspi-pos: every manager is locked after wrong PINs: try again in %ld s\n"),
		        locked_for);
	else
		fprintf(stderr, "kaspi-pos: %s\n", _("wrong PIN: it is no manager's PIN"));
	return EXIT_USAGE;
}

int cli_approve_manager(store_db *db, const char *name, const char *nothing_done,
                        int64_t *manager)
{
	char pin[CLI_PIN_SIZE], prompt[USERS_NAME_SIZE + 32];
	int rc;

	if (name)
		snprintf(prompt, sizeof prompt, _("PIN of %s: "), name);
	else
		snprintf(prompt, sizeof prompt, "%s", _("Manager's PIN: "));
	if (!cli_read_pin(prompt, pin, sizeof pin)) {
		fprintf(stderr, "kaspi-pos: %s: %s\n", _("no PIN given"), nothing_done);
		return EXIT_USAGE;
	}
	rc = name ? approve_named(db, name, pin, manager) : approve_any(db, pin, manager);
	pin_wipe(pin, sizeof pin);
	return rc;
}
