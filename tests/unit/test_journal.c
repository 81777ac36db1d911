/* test_journal.c — the payment journal: the state machine (every legal
 * move works and is recorded, every other one is refused and changes
 * nothing, compare-and-set against a second connection), order numbers
 * per till and Almaty day, the request body kept byte for byte, lines,
 * lookups, unfinished orders and alerts, the schema's own guards, the
 * migration from schema 1, and transactions that fail half-way leaving
 * nothing. Real SQLite files in a mkdtemp folder. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/i18n.h"
#include "core/timeutil.h"
#include "store/db.h"
#include "store/journal.h"
#include "store/shifts.h"

struct fixture {
	char dir[256];
	char path[300];
	store_db *db;
	int64_t shift_id;
	int64_t user_id;              /* a cashier */
};

static time_t fake_now = 1790000000; /* 2026-09-21 */

static time_t fake_clock(void)
{
	return fake_now;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(path);
}

/* Opens f->path, failing the test on an error. */
static store_db *open_ok(struct fixture *f)
{
	store_err err;
	store_db *db = NULL;
	if (db_open(f->path, &db, &err) != STORE_OK)
		fail_msg("db_open: %s", kp_msg_text(&err.msg));
	db_set_clock(db, fake_clock);
	return db;
}

static void exec_ok(store_db *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db_sqlite(db), sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : "?");
}

static bool exec_refused(store_db *db, const char *sql)
{
	return sqlite3_exec(db_sqlite(db), sql, NULL, NULL, NULL) != SQLITE_OK;
}

static int query_int(store_db *db, const char *sql)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Rows of the three journal tables together. */
static int journal_rows(store_db *db)
{
	return query_int(db, "SELECT (SELECT count(*) FROM orders) + (SELECT count(*) FROM order_lines)"
	                     " + (SELECT count(*) FROM order_events)");
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	store_err err;
	struct shift sh;
	assert_non_null(f);
	snprintf(f->dir, sizeof f->dir, "%s/kp-journal-XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/kaspi-pos.db", f->dir);
	fake_now = 1790000000;
	f->db = open_ok(f);
	assert_int_equal(shifts_ensure_open(f->db, 0, &sh, NULL, &err), STORE_OK);
	f->shift_id = sh.id;
	/* a user row without the PIN hashing's cost: only its id matters here */
	exec_ok(f->db, "INSERT INTO users(name, role, pin_salt, pin_hash, pin_iterations, created_at)"
	               " VALUES ('Айгүл', 'cashier', zeroblob(16), zeroblob(32), 1, 0)");
	f->user_id = sqlite3_last_insert_rowid(db_sqlite(f->db));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	db_close(f->db);
	nftw(f->dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* ---- building orders ------------------------------------------------------ */

/* build_body's argument: makes a JSON-like body around the id, or raw
 * bytes after it, and remembers what it was given. */
struct body_maker {
	char buf[JOURNAL_BODY_MAX + 16];
	size_t len;
	const char *tail;             /* bytes appended after the id ... */
	size_t tail_len;              /* ... this many (NULs allowed) */
	size_t pad;                   /* then this many 'x' */
	bool fail;                    /* refuse to build */
	int calls;
	char seen[JOURNAL_ORDER_ID_SIZE];
};

static bool make_body(void *arg, const char *merchant_order_id, const char **body, size_t *len)
{
	struct body_maker *m = arg;
	m->calls++;
	snprintf(m->seen, sizeof m->seen, "%s", merchant_order_id);
	if (m->fail)
		return false;
	int n = snprintf(m->buf, sizeof m->buf, "{\"merchant_order_id\":\"%s\"", merchant_order_id);
	m->len = (size_t)n;
	if (m->tail) {
		memcpy(m->buf + m->len, m->tail, m->tail_len);
		m->len += m->tail_len;
	}
	memset(m->buf + m->len, 'x', m->pad);
	m->len += m->pad;
	m->buf[m->len++] = '}';
	*body = m->buf;
	*len = m->len;
	return true;
}

static struct journal_new new_order(struct fixture *f, struct body_maker *m, int64_t amount)
{
	return (struct journal_new){
		.till_id = "T01",
		.shift_id = f->shift_id,
		.user_id = f->user_id,
		.method = JOURNAL_QR,
		.amount = amount,
		.description = "Заказ",
		.build_body = make_body,
		.body_arg = m,
	};
}

/* Writes a 1 500,00 order without lines; returns its id. */
static int64_t create_ok(struct fixture *f, char *moid)
{
	static struct body_maker m;
	struct journal_new o = new_order(f, &m, 150000);
	store_err err;
	int64_t id = 0;
	memset(&m, 0, sizeof m);
	if (journal_create(f->db, &o, NULL, 0, &id, moid, &err) != STORE_OK)
		fail_msg("journal_create: %s", kp_msg_text(&err.msg));
	return id;
}

static void move_ok(struct fixture *f, int64_t id, enum journal_state from, enum journal_state to)
{
	store_err err;
	if (journal_move(f->db, id, from, to, f->user_id, NULL, &err) != STORE_OK)
		fail_msg("%s -> %s: %s", journal_state_name(from), journal_state_name(to), kp_msg_text(&err.msg));
}

/* How the tests reach each state from creating (0 = creating ends a path). */
static const enum journal_state paths[JOURNAL_STATE_COUNT][3] = {
	[JOURNAL_PENDING] = {JOURNAL_PENDING},
	[JOURNAL_SUCCEEDED] = {JOURNAL_PENDING, JOURNAL_SUCCEEDED},
	[JOURNAL_CANCELLED] = {JOURNAL_PENDING, JOURNAL_CANCELLED},
	[JOURNAL_FAILED] = {JOURNAL_FAILED},
	[JOURNAL_EXPIRED] = {JOURNAL_PENDING, JOURNAL_EXPIRED},
	[JOURNAL_ABANDONED] = {JOURNAL_ABANDONED},
	[JOURNAL_LATE_PAID] = {JOURNAL_ABANDONED, JOURNAL_LATE_PAID},
	[JOURNAL_PARTIALLY_REFUNDED] = {JOURNAL_PENDING, JOURNAL_SUCCEEDED, JOURNAL_PARTIALLY_REFUNDED},
	[JOURNAL_REFUNDED] = {JOURNAL_PENDING, JOURNAL_SUCCEEDED, JOURNAL_REFUNDED},
};

/* A new order with a payment id, moved to state s. */
static int64_t order_in(struct fixture *f, enum journal_state s)
{
	store_err err;
	char pay[32];
	int64_t id = create_ok(f, NULL);
	snprintf(pay, sizeof pay, "pay_%lld", (long long)id);
	struct journal_payment p = {.payment_id = pay, .qr_token = "kaspi://pay?token=abc"};
	if (journal_set_payment(f->db, id, &p, &err) != STORE_OK)
		fail_msg("journal_set_payment: %s", kp_msg_text(&err.msg));
	enum journal_state at = JOURNAL_CREATING;
	for (int i = 0; i < 3 && paths[s][i] != JOURNAL_CREATING; i++) {
		move_ok(f, id, at, paths[s][i]);
		at = paths[s][i];
	}
	return id;
}

static struct journal_order get_ok(struct fixture *f, int64_t id)
{
	struct journal_order o;
	store_err err;
	if (journal_get(f->db, id, &o, &err) != STORE_OK)
		fail_msg("journal_get: %s", kp_msg_text(&err.msg));
	return o;
}

static size_t event_count(struct fixture *f, int64_t id)
{
	struct journal_event *ev = NULL;
	size_t n = 0;
	store_err err;
	assert_int_equal(journal_events(f->db, id, &ev, &n, &err), STORE_OK);
	free(ev);
	return n;
}

/* The last event of order id. */
static struct journal_event last_event(struct fixture *f, int64_t id)
{
	struct journal_event *ev = NULL, last;
	size_t n = 0;
	store_err err;
	assert_int_equal(journal_events(f->db, id, &ev, &n, &err), STORE_OK);
	assert_true(n > 0);
	last = ev[n - 1];
	free(ev);
	return last;
}

/* ---- the state machine ---------------------------------------------------- */

/* The specification (DESIGN.md and the issue), written out independently
 * of journal.c's table. */
static const struct {
	enum journal_state from, to;
} legal[] = {
	{JOURNAL_CREATING, JOURNAL_PENDING},
	{JOURNAL_CREATING, JOURNAL_SUCCEEDED},
	{JOURNAL_CREATING, JOURNAL_CANCELLED},
	{JOURNAL_CREATING, JOURNAL_FAILED},
	{JOURNAL_CREATING, JOURNAL_EXPIRED},
	{JOURNAL_CREATING, JOURNAL_ABANDONED},
	{JOURNAL_PENDING, JOURNAL_SUCCEEDED},
	{JOURNAL_PENDING, JOURNAL_CANCELLED},
	{JOURNAL_PENDING, JOURNAL_FAILED},
	{JOURNAL_PENDING, JOURNAL_EXPIRED},
	{JOURNAL_PENDING, JOURNAL_ABANDONED},
	{JOURNAL_ABANDONED, JOURNAL_LATE_PAID},
	{JOURNAL_ABANDONED, JOURNAL_CANCELLED},
	{JOURNAL_ABANDONED, JOURNAL_EXPIRED},
	{JOURNAL_ABANDONED, JOURNAL_FAILED},
	{JOURNAL_LATE_PAID, JOURNAL_SUCCEEDED},
	{JOURNAL_LATE_PAID, JOURNAL_PARTIALLY_REFUNDED},
	{JOURNAL_LATE_PAID, JOURNAL_REFUNDED},
	{JOURNAL_SUCCEEDED, JOURNAL_PARTIALLY_REFUNDED},
	{JOURNAL_SUCCEEDED, JOURNAL_REFUNDED},
	{JOURNAL_PARTIALLY_REFUNDED, JOURNAL_PARTIALLY_REFUNDED},
	{JOURNAL_PARTIALLY_REFUNDED, JOURNAL_REFUNDED},
};

#define LEGAL_COUNT (sizeof legal / sizeof *legal)

static bool is_legal(enum journal_state from, enum journal_state to)
{
	for (size_t i = 0; i < LEGAL_COUNT; i++)
		if (legal[i].from == from && legal[i].to == to)
			return true;
	return false;
}

static void the_table_is_the_specification(void **state)
{
	(void)state;
	int allowed = 0;
	for (int a = 0; a < JOURNAL_STATE_COUNT; a++)
		for (int b = 0; b < JOURNAL_STATE_COUNT; b++) {
			bool ok = journal_move_allowed((enum journal_state)a, (enum journal_state)b);
			if (ok != is_legal((enum journal_state)a, (enum journal_state)b))
				fail_msg("%s -> %s: table says %d", journal_state_name((enum journal_state)a),
				         journal_state_name((enum journal_state)b), ok);
			allowed += ok;
		}
	assert_int_equal(allowed, LEGAL_COUNT);
	assert_false(journal_move_allowed((enum journal_state)-1, JOURNAL_PENDING));
	assert_false(journal_move_allowed(JOURNAL_CREATING, JOURNAL_STATE_COUNT));
}

/* The facts about each state are the table's: which are a sale,
 * refundable, unfinished, and the cashier's word for each. */
static void each_state_is_a_sale_refundable_or_unfinished_as_the_table_says(void **state)
{
	(void)state;
	static const struct {
		enum journal_state s;
		bool sale, refundable, unfinished;
		const char *label;
	} want[JOURNAL_STATE_COUNT] = {
		{JOURNAL_CREATING, false, false, true, "creating"},
		{JOURNAL_PENDING, false, false, true, "waiting"},
		{JOURNAL_SUCCEEDED, true, true, false, "paid"},
		{JOURNAL_CANCELLED, false, false, false, "declined"},
		{JOURNAL_FAILED, false, false, false, "failed"},
		{JOURNAL_EXPIRED, false, false, false, "expired"},
		{JOURNAL_ABANDONED, false, false, true, "given up"},
		{JOURNAL_LATE_PAID, true, true, true, "paid late!"},
		{JOURNAL_PARTIALLY_REFUNDED, true, true, false, "part refunded"},
		{JOURNAL_REFUNDED, true, false, false, "refunded"},
	};
	for (int i = 0; i < JOURNAL_STATE_COUNT; i++) {
		enum journal_state s = want[i].s;
		assert_int_equal(s, i);
		assert_int_equal(journal_state_is_sale(s), want[i].sale);
		assert_int_equal(journal_state_refundable(s), want[i].refundable);
		assert_int_equal(journal_state_unfinished(s), want[i].unfinished);
		assert_int_equal(journal_state_final(s), !want[i].unfinished);
		assert_string_equal(journal_state_label(s), want[i].label);
		/* only a refundable state can take a refund's move */
		assert_int_equal(journal_move_allowed(s, JOURNAL_PARTIALLY_REFUNDED) &&
		                         s != JOURNAL_PARTIALLY_REFUNDED,
		                 want[i].refundable && s != JOURNAL_PARTIALLY_REFUNDED);
	}
	assert_false(journal_state_is_sale(JOURNAL_STATE_COUNT));
	assert_string_equal(journal_state_label((enum journal_state)-1), "?");
	/* the SQL a query of another module uses for given_up names the
	 * table's abandoned state, and the parameter list one per state */
	char quoted[32];
	snprintf(quoted, sizeof quoted, "'%s'", journal_state_name(JOURNAL_ABANDONED));
	assert_non_null(strstr(JOURNAL_GIVEN_UP_SQL("o"), quoted));
	int params = 1;
	for (const char *p = JOURNAL_STATE_PARAMS_2; *p; p++)
		params += *p == ',';
	assert_int_equal(params, JOURNAL_STATE_COUNT);
}

/* An order the cashier gave up on (Esc: abandoned) that the server then
 * cancelled was cancelled by the cashier; one the buyer declined while it
 * waited is "declined". The difference is the order's timeline. */
static void an_order_given_up_then_cancelled_is_cancelled_by_the_cashier(void **state)
{
	struct fixture *f = *state;
	struct journal_order *list = NULL;
	size_t n = 0;
	store_err err;
	int64_t declined = order_in(f, JOURNAL_CANCELLED); /* pending → cancelled */
	int64_t gave_up = order_in(f, JOURNAL_ABANDONED);
	move_ok(f, gave_up, JOURNAL_ABANDONED, JOURNAL_CANCELLED);
	int64_t paid = order_in(f, JOURNAL_SUCCEEDED);

	struct journal_order a = get_ok(f, declined), b = get_ok(f, gave_up), c = get_ok(f, paid);
	assert_int_equal(a.state, JOURNAL_CANCELLED);
	assert_false(a.given_up);
	assert_string_equal(journal_order_label(&a), "declined");
	assert_int_equal(b.state, JOURNAL_CANCELLED);
	assert_true(b.given_up);
	assert_string_equal(journal_order_label(&b), "cancelled by the cashier");
	assert_false(c.given_up);
	assert_string_equal(journal_order_label(&c), "paid");
	/* given up and then paid after all: a late payment, whatever came before */
	int64_t late = order_in(f, JOURNAL_LATE_PAID);
	struct journal_order d = get_ok(f, late);
	assert_true(d.given_up);
	assert_string_equal(journal_order_label(&d), "paid late!");
	assert_string_equal(journal_state_label_given_up(JOURNAL_EXPIRED, true), "expired");

	/* the journal screen's list reads the same */
	struct journal_filter all = {.state = JOURNAL_CANCELLED, .method = -1};
	assert_int_equal(journal_list(f->db, &all, &list, &n, &err), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, gave_up);
	assert_string_equal(journal_order_label(&list[0]), "cancelled by the cashier");
	assert_string_equal(journal_order_label(&list[1]), "declined");
	free(list);
}

static void every_legal_move_succeeds_and_is_recorded(void **state)
{
	struct fixture *f = *state;
	store_err err;
	char detail[64];

	for (size_t i = 0; i < LEGAL_COUNT; i++) {
		enum journal_state from = legal[i].from, to = legal[i].to;
		int64_t id = order_in(f, from);
		struct journal_order before = get_ok(f, id);
		size_t events = event_count(f, id);
		fake_now += 7;
		snprintf(detail, sizeof detail, "move %zu", i);
		if (journal_move(f->db, id, from, to, f->user_id, detail, &err) != STORE_OK)
			fail_msg("%s -> %s refused: %s", journal_state_name(from), journal_state_name(to),
			         kp_msg_text(&err.msg));
		assert_string_equal(kp_msg_text(&err.msg), "");
		struct journal_order after = get_ok(f, id);
		assert_int_equal(after.state, to);
		assert_int_equal(after.updated_at, fake_now);
		assert_int_equal(after.created_at, before.created_at);
		assert_int_equal(after.alert, to == JOURNAL_LATE_PAID);
		assert_int_equal(before.alert, from == JOURNAL_LATE_PAID);
		assert_int_equal(event_count(f, id), events + 1);
		struct journal_event ev = last_event(f, id);
		assert_int_equal(ev.kind, JOURNAL_EVENT_STATE);
		assert_true(ev.has_from);
		assert_int_equal(ev.from, from);
		assert_int_equal(ev.to, to);
		assert_int_equal(ev.at, fake_now);
		assert_int_equal(ev.user_id, f->user_id);
		assert_string_equal(ev.detail, detail);
	}
}

static void every_other_move_is_refused_and_changes_nothing(void **state)
{
	struct fixture *f = *state;
	store_err err;
	int refused = 0;

	for (int a = 0; a < JOURNAL_STATE_COUNT; a++) {
		enum journal_state from = (enum journal_state)a;
		int64_t id = order_in(f, from);
		struct journal_order before = get_ok(f, id);
		size_t events = event_count(f, id), rows = (size_t)journal_rows(f->db);
		fake_now += 7;
		for (int b = 0; b < JOURNAL_STATE_COUNT; b++) {
			enum journal_state to = (enum journal_state)b;
			if (is_legal(from, to))
				continue;
			assert_int_equal(journal_move(f->db, id, from, to, f->user_id, "no", &err),
			                 STORE_ERR_TRANSITION);
			assert_int_equal(err.status, STORE_ERR_TRANSITION);
			assert_non_null(strstr(kp_msg_text(&err.msg), journal_state_name(from)));
			assert_non_null(strstr(kp_msg_text(&err.msg), journal_state_name(to)));
			struct journal_payment p = {.payment_id = before.payment_id};
			assert_int_equal(journal_move_with_payment(f->db, id, from, to, &p, 0, NULL, &err),
			                 STORE_ERR_TRANSITION);
			refused++;
		}
		struct journal_order after = get_ok(f, id);
		assert_int_equal(after.state, before.state);
		assert_int_equal(after.updated_at, before.updated_at);
		assert_int_equal(after.alert, before.alert);
		assert_int_equal(event_count(f, id), events);
		assert_int_equal(journal_rows(f->db), rows);
	}
	assert_int_equal(refused, JOURNAL_STATE_COUNT * JOURNAL_STATE_COUNT - (int)LEGAL_COUNT);
}

/* The till and a headless reconcile are two connections to one file:
 * whichever moves the order second is told what happened instead. */
static void a_move_from_a_state_the_order_has_left_is_a_conflict(void **state)
{
	struct fixture *f = *state;
	store_err err;
	store_db *other = open_ok(f);
	int64_t id = order_in(f, JOURNAL_PENDING);
	struct journal_order o = get_ok(f, id);

	assert_int_equal(journal_move(other, id, JOURNAL_PENDING, JOURNAL_SUCCEEDED, 0, "webhook", &err),
	                 STORE_OK);
	size_t events = event_count(f, id);
	assert_int_equal(journal_move(f->db, id, JOURNAL_PENDING, JOURNAL_ABANDONED, f->user_id, "Esc",
	                              &err),
	                 STORE_ERR_STATE);
	assert_int_equal(err.status, STORE_ERR_STATE);
	assert_non_null(strstr(kp_msg_text(&err.msg), "moved by another part of the till first"));
	assert_non_null(strstr(kp_msg_text(&err.msg), o.merchant_order_id));
	assert_null(strchr(kp_msg_text(&err.msg), '\n'));
	assert_int_equal(get_ok(f, id).state, JOURNAL_SUCCEEDED);
	assert_int_equal(event_count(f, id), events);
	/* the same move once more from the same connection is a conflict too */
	assert_int_equal(journal_move(other, id, JOURNAL_PENDING, JOURNAL_SUCCEEDED, 0, NULL, &err),
	                 STORE_ERR_STATE);
	db_close(other);
}

static void a_move_of_an_unknown_order_is_not_found(void **state)
{
	struct fixture *f = *state;
	store_err err;
	assert_int_equal(journal_move(f->db, 999, JOURNAL_CREATING, JOURNAL_FAILED, 0, NULL, &err),
	                 STORE_NOT_FOUND);
	assert_non_null(strstr(kp_msg_text(&err.msg), "#999"));
	assert_int_equal(journal_move(f->db, 1, (enum journal_state)42, JOURNAL_FAILED, 0, NULL, &err),
	                 STORE_ERR_INPUT);
}

static void a_late_payment_raises_the_alert_until_the_sale_is_completed(void **state)
{
	struct fixture *f = *state;
	store_err err;
	struct journal_order *list = NULL;
	size_t n = 9;
	int64_t id = order_in(f, JOURNAL_ABANDONED);
	int64_t refunded = order_in(f, JOURNAL_ABANDONED);

	assert_int_equal(journal_alerts(f->db, &list, &n, &err), STORE_OK);
	assert_int_equal(n, 0);
	assert_null(list);
	move_ok(f, id, JOURNAL_ABANDONED, JOURNAL_LATE_PAID);
	move_ok(f, refunded, JOURNAL_ABANDONED, JOURNAL_LATE_PAID);
	assert_true(get_ok(f, id).alert);
	assert_int_equal(journal_alerts(f->db, &list, &n, &err), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, id);
	assert_int_equal(list[1].id, refunded);
	assert_true(list[0].alert);
	free(list);

	move_ok(f, id, JOURNAL_LATE_PAID, JOURNAL_SUCCEEDED);
	move_ok(f, refunded, JOURNAL_LATE_PAID, JOURNAL_REFUNDED);
	assert_false(get_ok(f, id).alert);
	assert_false(get_ok(f, refunded).alert);
	assert_int_equal(journal_alerts(f->db, &list, &n, &err), STORE_OK);
	assert_int_equal(n, 0);
}

static void pending_needs_the_servers_payment_id(void **state)
{
	struct fixture *f = *state;
	store_err err;
	char moid[JOURNAL_ORDER_ID_SIZE];
	int64_t id = create_ok(f, moid);
	size_t rows = (size_t)journal_rows(f->db);

	assert_int_equal(journal_move(f->db, id, JOURNAL_CREATING, JOURNAL_PENDING, 0, NULL, &err),
	                 STORE_ERR_INPUT);
	assert_non_null(strstr(kp_msg_text(&err.msg), moid));
	assert_int_equal(get_ok(f, id).state, JOURNAL_CREATING);
	assert_int_equal(journal_rows(f->db), rows);
	/* a create refused for good never had a payment: fine */
	move_ok(f, id, JOURNAL_CREATING, JOURNAL_FAILED);
}

static void the_creates_answer_is_recorded_with_the_move(void **state)
{
	struct fixture *f = *state;
	store_err err;
	static char qr[JOURNAL_QR_SIZE];
	memset(qr, 'Q', sizeof qr - 1); /* the longest token a QR can hold */
	qr[sizeof qr - 1] = '\0';
	int64_t id = create_ok(f, NULL);
	time_t expires = fake_now + 900;
	struct journal_payment p = {.payment_id = "pay_abc123def456", .qr_token = qr,
	                            .expires_at = expires};

	fake_now += 2;
	assert_int_equal(journal_move_with_payment(f->db, id, JOURNAL_CREATING, JOURNAL_PENDING, &p,
	                                           f->user_id, "201", &err),
	                 STORE_OK);
	struct journal_order o = get_ok(f, id);
	assert_int_equal(o.state, JOURNAL_PENDING);
	assert_string_equal(o.payment_id, "pay_abc123def456");
	assert_string_equal(o.qr_token, qr);
	assert_int_equal(o.expires_at, expires);
	assert_int_equal(o.updated_at, fake_now);

	/* the same payment again (a replay) keeps what it does not give */
	struct journal_payment again = {.payment_id = "pay_abc123def456"};
	assert_int_equal(journal_set_payment(f->db, id, &again, &err), STORE_OK);
	o = get_ok(f, id);
	assert_string_equal(o.qr_token, qr);
	assert_int_equal(o.expires_at, expires);

	/* another payment for this order, or this payment for another order */
	struct journal_payment other = {.payment_id = "pay_zzz"};
	assert_int_equal(journal_set_payment(f->db, id, &other, &err), STORE_ERR_EXISTS);
	assert_non_null(strstr(kp_msg_text(&err.msg), "pay_abc123def456"));
	int64_t second = create_ok(f, NULL);
	assert_int_equal(journal_move_with_payment(f->db, second, JOURNAL_CREATING, JOURNAL_PENDING, &p,
	                                           0, NULL, &err),
	                 STORE_ERR_EXISTS);
	assert_int_equal(get_ok(f, second).state, JOURNAL_CREATING);
	assert_string_equal(get_ok(f, second).payment_id, "");

	/* what the journal cannot keep is refused, not cut */
	struct journal_payment bad = {.payment_id = "pay 1"};
	assert_int_equal(journal_set_payment(f->db, second, &bad, &err), STORE_ERR_INPUT);
	static char longqr[JOURNAL_QR_SIZE + 1];
	memset(longqr, 'Q', sizeof longqr - 1);
	bad = (struct journal_payment){.payment_id = "pay_x", .qr_token = longqr};
	assert_int_equal(journal_set_payment(f->db, second, &bad, &err), STORE_ERR_INPUT);
	assert_int_equal(journal_move_with_payment(f->db, second, JOURNAL_CREATING, JOURNAL_PENDING,
	                                           NULL, 0, NULL, &err),
	                 STORE_ERR_INPUT);
}

/* A replay of a create may find the payment already final. */
static void a_replay_can_settle_a_creating_order_at_once(void **state)
{
	struct fixture *f = *state;
	store_err err;
	int64_t id = create_ok(f, NULL);
	struct journal_payment p = {.payment_id = "pay_replayed"};
	assert_int_equal(journal_move_with_payment(f->db, id, JOURNAL_CREATING, JOURNAL_SUCCEEDED, &p, 0,
	                                           "replay: 200", &err),
	                 STORE_OK);
	struct journal_order o = get_ok(f, id);
	assert_int_equal(o.state, JOURNAL_SUCCEEDED);
	assert_string_equal(o.payment_id, "pay_replayed");
	assert_string_equal(o.qr_token, "");
	assert_int_equal(o.expires_at, 0);
}

/* ---- creating --------------------------------------------------------------- */

static void a_new_order_is_creating_with_its_first_event(void **state)
{
	struct fixture *f = *state;
	store_err err;
	struct body_maker m = {0};
	struct journal_new n = new_order(f, &m, 150000);
	char moid[JOURNAL_ORDER_ID_SIZE];
	int64_t id = 0;

	n.method = JOURNAL_PHONE;
	n.payer_phone = "+77051234567";
	assert_int_equal(journal_create(f->db, &n, NULL, 0, &id, moid, &err), STORE_OK);
	assert_true(id > 0);
	assert_int_equal(m.calls, 1);
	assert_string_equal(m.seen, moid);

	struct journal_order o = get_ok(f, id);
	assert_int_equal(o.id, id);
	assert_string_equal(o.merchant_order_id, moid);
	assert_int_equal(o.state, JOURNAL_CREATING);
	assert_int_equal(o.shift_id, f->shift_id);
	assert_int_equal(o.user_id, f->user_id);
	assert_int_equal(o.method, JOURNAL_PHONE);
	assert_string_equal(journal_method_name(o.method), "phone");
	assert_string_equal(o.payer_phone, "+77051234567");
	assert_int_equal(o.amount, 150000);
	assert_string_equal(o.description, "Заказ");
	assert_string_equal(o.payment_id, "");
	assert_string_equal(o.qr_token, "");
	assert_int_equal(o.expires_at, 0);
	assert_int_equal(o.created_at, fake_now);
	assert_int_equal(o.updated_at, fake_now);
	assert_int_equal(o.attempts, 0);
	assert_string_equal(o.last_error, "");
	assert_int_equal(o.refunded_amount, 0);
	assert_false(o.alert);
	assert_int_equal(o.body_len, m.len);

	struct journal_event ev = last_event(f, id);
	assert_int_equal(event_count(f, id), 1);
	assert_int_equal(ev.kind, JOURNAL_EVENT_STATE);
	assert_false(ev.has_from);
	assert_int_equal(ev.to, JOURNAL_CREATING);
	assert_int_equal(ev.user_id, f->user_id);
	assert_int_equal(ev.at, fake_now);

	/* a headless command has no user */
	n.user_id = 0;
	assert_int_equal(journal_create(f->db, &n, NULL, 0, &id, NULL, &err), STORE_OK);
	assert_int_equal(get_ok(f, id).user_id, 0);
	assert_int_equal(last_event(f, id).user_id, 0);
}

static void order_ids_count_per_till_and_almaty_day(void **state)
{
	struct fixture *f = *state;
	store_err err;
	struct body_maker m = {0};
	struct journal_new n = new_order(f, &m, 100);
	char moid[JOURNAL_ORDER_ID_SIZE];

	/* 23:59:59 in Almaty (UTC+5) is 18:59:59 UTC */
	assert_true(kp_time_parse("2026-11-26T18:59:59Z", &fake_now));
	assert_int_equal(journal_create(f->db, &n, NULL, 0, NULL, moid, &err), STORE_OK);
	assert_string_equal(moid, "T01-20261126-000001");
	assert_int_equal(journal_create(f->db, &n, NULL, 0, NULL, moid, &err), STORE_OK);
	assert_string_equal(moid, "T01-20261126-000002");
	n.till_id = "T02"; /* another till on the same day counts on its own */
	assert_int_equal(journal_create(f->db, &n, NULL, 0, NULL, moid, &err), STORE_OK);
	assert_string_equal(moid, "T02-20261126-000001");
	n.till_id = "T01";

	fake_now += 1; /* midnight in Almaty */
	assert_int_equal(journal_create(f->db, &n, NULL, 0, NULL, moid, &err), STORE_OK);
	assert_string_equal(moid, "T01-20261127-000001");
	/* UTC midnight changes nothing: it is 05:00 in Almaty */
	assert_true(kp_time_parse("2026-11-27T00:00:00Z", &fake_now));
	assert_int_equal(journal_create(f->db, &n, NULL, 0, NULL, moid, &err), STORE_OK);
	assert_string_equal(moid, "T01-20261127-000002");
	assert_string_equal(m.seen, "T01-20261127-000002");

	/* the numbering survives a restart */
	db_close(f->db);
	f->db = open_ok(f);
	assert_int_equal(journal_create(f->db, &n, NULL, 0, NULL, moid, &err), STORE_OK);
	assert_string_equal(moid, "T01-20261127-000003");

	/* and it ends at 999999 a day */
	exec_ok(f->db, "INSERT INTO orders(merchant_order_id, till_id, day, day_seq, shift_id, method,"
	               " amount, state, request_body, created_at, updated_at)"
	               " VALUES ('T09-20261127-999999', 'T09', 20261127, 999999, 1, 'qr', 100,"
	               " 'failed', '{}', 0, 0)");
	n.till_id = "T09";
	assert_int_equal(journal_create(f->db, &n, NULL, 0, NULL, moid, &err), STORE_ERR_INPUT);
	assert_non_null(strstr(kp_msg_text(&err.msg), "999999"));
	assert_string_equal(moid, "");
	/* the schema itself keeps the id and its parts together */
	assert_true(exec_refused(f->db, "INSERT INTO orders(merchant_order_id, till_id, day, day_seq,"
	                                " shift_id, method, amount, state, request_body, created_at,"
	                                " updated_at) VALUES ('T09-20261127-7', 'T09', 20261127, 7, 1,"
	                                " 'qr', 100, 'failed', '{}', 0, 0)"));
}

static void the_request_body_is_kept_byte_for_byte_and_never_changes(void **state)
{
	struct fixture *f = *state;
	store_err err;
	struct body_maker m = {0};
	static const char odd[] = ",\"d\":\"\x00\x01\x7f\xff\xfe\r\n\t\\u0000 Қазақ ₸ \xc3\x28 \"\"";
	m.tail = odd;
	m.tail_len = sizeof odd - 1; /* the NUL inside counts, the last does not */
	struct journal_new n = new_order(f, &m, 150000);
	int64_t id = 0;
	char moid[JOURNAL_ORDER_ID_SIZE], *body = NULL;
	size_t len = 0;

	assert_int_equal(journal_create(f->db, &n, NULL, 0, &id, moid, &err), STORE_OK);
	assert_int_equal(journal_body(f->db, id, &body, &len, &err), STORE_OK);
	assert_int_equal(len, m.len);
	assert_memory_equal(body, m.buf, len);
	assert_int_equal(body[len], '\0');
	assert_non_null(strstr(body, moid)); /* the id inside is the one allocated */
	free(body);

	/* a life of moves, answers and retries later, still the same bytes */
	struct journal_payment p = {.payment_id = "pay_1", .qr_token = "kaspi://x"};
	assert_int_equal(journal_note_attempt(f->db, id, "timed out", &err), STORE_OK);
	assert_int_equal(journal_note_attempt(f->db, id, NULL, &err), STORE_OK);
	assert_int_equal(journal_move_with_payment(f->db, id, JOURNAL_CREATING, JOURNAL_PENDING, &p, 0,
	                                           NULL, &err),
	                 STORE_OK);
	move_ok(f, id, JOURNAL_PENDING, JOURNAL_SUCCEEDED);
	assert_true(exec_refused(f->db, "UPDATE orders SET request_body = '{}'"));
	db_close(f->db);
	f->db = open_ok(f);
	assert_int_equal(journal_body(f->db, id, &body, &len, &err), STORE_OK);
	assert_int_equal(len, m.len);
	assert_memory_equal(body, m.buf, len);
	assert_int_equal(get_ok(f, id).body_len, m.len);
	free(body);
	assert_int_equal(journal_body(f->db, 999, &body, &len, &err), STORE_NOT_FOUND);
	assert_null(body);
}

static void a_body_up_to_the_contracts_limit_is_kept(void **state)
{
	struct fixture *f = *state;
	store_err err;
	struct body_maker m = {0};
	struct journal_new n = new_order(f, &m, 100);
	int64_t id = 0;
	char *body = NULL;
	size_t len = 0;

	m.pad = JOURNAL_BODY_MAX - 43;
	assert_int_equal(journal_create(f->db, &n, NULL, 0, &id, NULL, &err), STORE_OK);
	m.pad = JOURNAL_BODY_MAX - 42;
	assert_int_equal(m.pad + strlen("{\"merchant_order_id\":\"T01-20260921-000002\"}"),
	                 JOURNAL_BODY_MAX + 1);
	assert_int_equal(journal_create(f->db, &n, NULL, 0, NULL, NULL, &err), STORE_ERR_INPUT);
	assert_non_null(strstr(kp_msg_text(&err.msg), "T01-20260921-000002"));
	assert_int_equal(journal_body(f->db, id, &body, &len, &err), STORE_OK);
	assert_int_equal(len, JOURNAL_BODY_MAX);
	free(body);
}

/* What the basket sold: a discount, a voided line, Kazakh text. */
static const struct journal_line sample_lines[] = {
	{.product_id = 7, .sku = "GR-0001", .barcode = "4870001000012", .name = "Молоко 3,2% 1 л",
	 .name_kk = "Сүт 3,2% 1 л", .quantity = 2, .unit_price = 45000, .tax_rate = 12, .discount = 4500, .total = 85500},
	{.product_id = 0, .name = "Пакет", .quantity = 1, .unit_price = 500, .tax_rate = 0,
	 .total = 500},
	{.product_id = 9, .sku = "EL-0003", .name = "Қуат банкі", .quantity = 1,
	 .unit_price = 1200000, .tax_rate = 12, .total = 1200000, .voided = true},
};

static void lines_come_back_as_they_were_written(void **state)
{
	struct fixture *f = *state;
	store_err err;
	struct body_maker m = {0};
	struct journal_new n = new_order(f, &m, 86000);
	struct journal_line *lines = NULL;
	size_t count = 0;
	int64_t id = 0;

	assert_int_equal(journal_create(f->db, &n, sample_lines, 3, &id, NULL, &err), STORE_OK);
	db_close(f->db);
	f->db = open_ok(f);
	assert_int_equal(journal_lines(f->db, id, &lines, &count, &err), STORE_OK);
	assert_int_equal(count, 3);
	for (size_t i = 0; i < count; i++) {
		const struct journal_line *w = &sample_lines[i], *r = &lines[i];
		assert_int_equal(r->line_no, (int)i + 1);
		assert_int_equal(r->product_id, w->product_id);
		assert_string_equal(r->sku, w->sku);
		assert_string_equal(r->barcode, w->barcode);
		assert_string_equal(r->name, w->name);
		assert_string_equal(r->name_kk, w->name_kk);
		assert_int_equal(r->quantity, w->quantity);
		assert_int_equal(r->unit_price, w->unit_price);
		assert_int_equal(r->tax_rate, w->tax_rate);
		assert_int_equal(r->discount, w->discount);
		assert_int_equal(r->total, w->total);
		assert_int_equal(r->voided, w->voided);
	}
	/* the Kazakh name on a Kazakh slip, the Russian one otherwise and
	 * where there is no Kazakh name */
	assert_string_equal(journal_line_name(&lines[0], "kk"), "Сүт 3,2% 1 л");
	assert_string_equal(journal_line_name(&lines[0], "ru"), "Молоко 3,2% 1 л");
	assert_string_equal(journal_line_name(&lines[0], "en"), "Молоко 3,2% 1 л");
	assert_string_equal(journal_line_name(&lines[1], "kk"), "Пакет");
	free(lines);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM order_lines WHERE voided = 1"), 1);
	assert_true(exec_refused(f->db, "UPDATE order_lines SET voided = 0"));
	assert_true(exec_refused(f->db, "DELETE FROM order_lines"));

	/* an order without lines (a bare amount) has none; no order is not found */
	int64_t bare = create_ok(f, NULL);
	lines = (struct journal_line *)1;
	assert_int_equal(journal_lines(f->db, bare, &lines, &count, &err), STORE_OK);
	assert_int_equal(count, 0);
	assert_null(lines);
	assert_int_equal(journal_lines(f->db, 999, &lines, &count, &err), STORE_NOT_FOUND);
}

/* A weighed line: 0,350 кг at 4 290,00 ₸/кг, 10 % off, as payflow writes it. */
static struct journal_line weighed_line(void)
{
	struct journal_line l = {
		.product_id = 10, .sku = "GR-0010", .barcode = "2200010003505",
		.name = "Сыр Российский весовой", .name_kk = "Ресей ірімшігі", .quantity = 1,
		.unit_price = 150150, .tax_rate = 16, .discount = 15015, .total = 135135,
		.unit = "кг", .weight = 350, .price_per_unit = 429000,
	};
	return l;
}

static void weighed_lines_keep_their_weight_and_price_per_unit(void **state)
{
	struct fixture *f = *state;
	store_err err;
	struct body_maker m = {0};
	struct journal_line w[2] = {weighed_line(), sample_lines[0]};
	struct journal_new n = new_order(f, &m, 135135 + sample_lines[0].total);
	struct journal_line *lines = NULL;
	size_t count = 0;
	int64_t id = 0;

	snprintf(w[1].unit, sizeof w[1].unit, "шт");
	assert_int_equal(journal_create(f->db, &n, w, 2, &id, NULL, &err), STORE_OK);
	db_close(f->db);
	f->db = open_ok(f);
	assert_int_equal(journal_lines(f->db, id, &lines, &count, &err), STORE_OK);
	assert_int_equal(count, 2);
	assert_int_equal(lines[0].weight, 350);
	assert_int_equal(lines[0].price_per_unit, 429000);
	assert_string_equal(lines[0].unit, "кг");
	assert_int_equal(lines[0].quantity, 1);
	assert_int_equal(lines[0].unit_price, 150150);
	assert_int_equal(lines[0].total, 135135);
	assert_string_equal(lines[0].barcode, "2200010003505");
	assert_int_equal(lines[1].weight, 0);
	assert_int_equal(lines[1].price_per_unit, 0);
	assert_string_equal(lines[1].unit, "шт");
	free(lines);
	/* a piece line stores no weight at all */
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM order_lines WHERE weight IS NULL"
	                                  " AND price_per_unit IS NULL AND line_no = 2"), 1);
}

static void a_weighed_line_that_does_not_add_up_is_refused(void **state)
{
	struct fixture *f = *state;
	store_err err;
	struct body_maker m = {0};
	struct journal_new n = new_order(f, &m, 135135);
	struct journal_line l;

	l = weighed_line();
	l.unit_price = 150151; /* not 0,350 × 4 290,00 */
	l.total = 135136;
	n.amount = 135136;
	assert_int_equal(journal_create(f->db, &n, &l, 1, NULL, NULL, &err), STORE_ERR_INPUT);
	assert_non_null(strstr(kp_msg_text(&err.msg), "weight"));
	n.amount = 135135;
	l = weighed_line();
	l.quantity = 2; /* two of a weighed line */
	l.unit_price = 75075;
	assert_int_equal(journal_create(f->db, &n, &l, 1, NULL, NULL, &err), STORE_ERR_INPUT);
	l = weighed_line();
	l.weight = 100001;
	assert_int_equal(journal_create(f->db, &n, &l, 1, NULL, NULL, &err), STORE_ERR_INPUT);
	l = weighed_line();
	l.weight = 0; /* a price per unit without a weight */
	l.quantity = 1;
	assert_int_equal(journal_create(f->db, &n, &l, 1, NULL, NULL, &err), STORE_ERR_INPUT);
	assert_int_equal(m.calls, 0);
	assert_int_equal(journal_rows(f->db), 0);

	/* the schema refuses the same, whoever writes (total = quantity ×
	 * unit_price holds in each, so only the weight rule is broken) */
	int64_t id = create_ok(f, NULL);
	static const struct {
		long long quantity, unit_price;
		const char *weight, *price_per_unit;
	} rows[] = {
		{1, 150151, "350", "429000"}, /* unit_price is not weight × price per unit */
		{2, 75075, "350", "429000"},  /* two of a weighed line */
		{1, 150150, "350", "NULL"},   /* a weight without a price per unit */
		{1, 150150, "NULL", "429000"},
		{1, 0, "0", "429000"},        /* weight 0 */
	};
	char sql[512];
	for (size_t k = 0; k <= sizeof rows / sizeof *rows; k++) {
		bool good = k == sizeof rows / sizeof *rows; /* and the right one goes in */
		snprintf(sql, sizeof sql,
		         "INSERT INTO order_lines(order_id, line_no, name, tax_rate, quantity, unit_price,"
		         " total, weight, price_per_unit) VALUES (%lld, 1, 'Сыр', 16, %lld, %lld, %lld, %s, %s)",
		         (long long)id, good ? 1 : rows[k].quantity, good ? 150150 : rows[k].unit_price,
		         good ? 150150 : rows[k].quantity * rows[k].unit_price,
		         good ? "350" : rows[k].weight, good ? "429000" : rows[k].price_per_unit);
		if (good)
			exec_ok(f->db, sql);
		else if (!exec_refused(f->db, sql))
			fail_msg("accepted: %s", sql);
	}
}

static void the_live_lines_must_add_up_to_the_amount(void **state)
{
	struct fixture *f = *state;
	store_err err;
	struct body_maker m = {0};
	struct journal_new n = new_order(f, &m, 86000 + 1200000); /* the voided line counted */
	struct journal_line bad[3];

	assert_int_equal(journal_create(f->db, &n, sample_lines, 3, NULL, NULL, &err), STORE_ERR_INPUT);
	assert_non_null(strstr(kp_msg_text(&err.msg), "amount"));
	n.amount = 86000;
	memcpy(bad, sample_lines, sizeof bad);
	bad[0].total += 1; /* a total that is not quantity × price − discount */
	assert_int_equal(journal_create(f->db, &n, bad, 3, NULL, NULL, &err), STORE_ERR_INPUT);
	assert_non_null(strstr(kp_msg_text(&err.msg), "line 1"));
	memcpy(bad, sample_lines, sizeof bad);
	bad[1].discount = 600; /* more than the line is worth */
	bad[1].total = -100;
	n.amount = 85400;
	assert_int_equal(journal_create(f->db, &n, bad, 3, NULL, NULL, &err), STORE_ERR_INPUT);
	assert_non_null(strstr(kp_msg_text(&err.msg), "line 2"));
	memcpy(bad, sample_lines, sizeof bad);
	bad[2].name[0] = '\0';
	n.amount = 86000;
	assert_int_equal(journal_create(f->db, &n, bad, 3, NULL, NULL, &err), STORE_ERR_INPUT);
	assert_non_null(strstr(kp_msg_text(&err.msg), "line 3"));
	memcpy(bad, sample_lines, sizeof bad);
	bad[0].quantity = INT64_MAX / 2; /* quantity × price would overflow */
	assert_int_equal(journal_create(f->db, &n, bad, 3, NULL, NULL, &err), STORE_ERR_INPUT);
	memcpy(bad, sample_lines, sizeof bad);
	bad[1].unit_price = INT64_MAX; /* a sum that would overflow */
	bad[1].total = INT64_MAX;
	assert_int_equal(journal_create(f->db, &n, bad, 3, NULL, NULL, &err), STORE_ERR_INPUT);
	assert_non_null(strstr(kp_msg_text(&err.msg), "amount"));
	assert_int_equal(m.calls, 0); /* refused before anything was numbered */
	assert_int_equal(journal_rows(f->db), 0);
}

static void values_the_journal_refuses_write_nothing(void **state)
{
	struct fixture *f = *state;
	store_err err;
	struct body_maker m = {0};
	struct journal_new n;
	static char long_text[JOURNAL_DESCRIPTION_SIZE + 1];
	memset(long_text, 'a', sizeof long_text - 1);

	const char *tills[] = {NULL, "", "T-1", "T 1", "T01T01T01T01T01T0", "Т01" /* Cyrillic */};
	for (size_t i = 0; i < sizeof tills / sizeof *tills; i++) {
		n = new_order(f, &m, 100);
		n.till_id = tills[i];
		assert_int_equal(journal_create(f->db, &n, NULL, 0, NULL, NULL, &err), STORE_ERR_INPUT);
	}
	n = new_order(f, &m, 100);
	n.method = JOURNAL_PHONE;
	assert_int_equal(journal_create(f->db, &n, NULL, 0, NULL, NULL, &err), STORE_ERR_INPUT);
	assert_non_null(strstr(kp_msg_text(&err.msg), "phone"));
	n.payer_phone = "+7705123456";
	assert_int_equal(journal_create(f->db, &n, NULL, 0, NULL, NULL, &err), STORE_ERR_INPUT);
	n = new_order(f, &m, 100);
	n.payer_phone = "87051234567"; /* wrong even where optional */
	assert_int_equal(journal_create(f->db, &n, NULL, 0, NULL, NULL, &err), STORE_ERR_INPUT);
	n = new_order(f, &m, 0);
	assert_int_equal(journal_create(f->db, &n, NULL, 0, NULL, NULL, &err), STORE_ERR_INPUT);
	n = new_order(f, &m, 100000001);
	assert_int_equal(journal_create(f->db, &n, NULL, 0, NULL, NULL, &err), STORE_ERR_INPUT);
	n = new_order(f, &m, 100);
	n.description = long_text;
	assert_int_equal(journal_create(f->db, &n, NULL, 0, NULL, NULL, &err), STORE_ERR_INPUT);
	n.description = "\xff\xfe";
	assert_int_equal(journal_create(f->db, &n, NULL, 0, NULL, NULL, &err), STORE_ERR_INPUT);
	n = new_order(f, &m, 100);
	n.build_body = NULL;
	assert_int_equal(journal_create(f->db, &n, NULL, 0, NULL, NULL, &err), STORE_ERR_INPUT);
	n = new_order(f, &m, 100);
	n.shift_id = 0;
	assert_int_equal(journal_create(f->db, &n, NULL, 0, NULL, NULL, &err), STORE_ERR_INPUT);
	assert_int_equal(m.calls, 0);
	assert_int_equal(journal_create(f->db, NULL, NULL, 0, NULL, NULL, &err), STORE_ERR_INPUT);

	/* a shift or user that does not exist: found inside the transaction */
	n = new_order(f, &m, 100);
	n.shift_id = 999;
	assert_int_equal(journal_create(f->db, &n, NULL, 0, NULL, NULL, &err), STORE_ERR_INPUT);
	n = new_order(f, &m, 100);
	n.user_id = 999;
	assert_int_equal(journal_create(f->db, &n, NULL, 0, NULL, NULL, &err), STORE_ERR_INPUT);
	assert_int_equal(journal_rows(f->db), 0);
}

/* ---- transactions that fail half-way ---------------------------------- */

static void a_failed_body_callback_leaves_nothing_and_uses_no_number(void **state)
{
	struct fixture *f = *state;
	store_err err;
	struct body_maker m = {.fail = true};
	struct journal_new n = new_order(f, &m, 86000);
	char moid[JOURNAL_ORDER_ID_SIZE] = "x";
	int64_t id = -1;

	assert_int_equal(journal_create(f->db, &n, sample_lines, 3, &id, moid, &err), STORE_ERR_INPUT);
	assert_int_equal(m.calls, 1);
	assert_string_equal(m.seen, "T01-20260921-000001");
	assert_non_null(strstr(kp_msg_text(&err.msg), "nothing was saved"));
	assert_int_equal(id, -1);
	assert_string_equal(moid, "");
	assert_int_equal(journal_rows(f->db), 0);
	assert_true(sqlite3_get_autocommit(db_sqlite(f->db))); /* no transaction left open */

	m.fail = false;
	assert_int_equal(journal_create(f->db, &n, sample_lines, 3, &id, moid, &err), STORE_OK);
	assert_string_equal(moid, "T01-20260921-000001");
}

/* A failure after the order row is written (its lines, its event) takes
 * the row back with it. */
static void a_failure_after_the_order_row_takes_it_back(void **state)
{
	struct fixture *f = *state;
	store_err err;
	struct body_maker m = {0};
	struct journal_new n = new_order(f, &m, 86000);
	char moid[JOURNAL_ORDER_ID_SIZE];

	exec_ok(f->db, "CREATE TEMP TRIGGER break_lines BEFORE INSERT ON order_lines"
	               " BEGIN SELECT RAISE(ABORT, 'disk pulled out'); END");
	assert_int_not_equal(journal_create(f->db, &n, sample_lines, 3, NULL, moid, &err), STORE_OK);
	assert_int_equal(journal_rows(f->db), 0);
	exec_ok(f->db, "DROP TRIGGER break_lines");

	exec_ok(f->db, "CREATE TEMP TRIGGER break_events BEFORE INSERT ON order_events"
	               " BEGIN SELECT RAISE(ABORT, 'disk pulled out'); END");
	assert_int_not_equal(journal_create(f->db, &n, sample_lines, 3, NULL, moid, &err), STORE_OK);
	assert_int_equal(journal_rows(f->db), 0);
	exec_ok(f->db, "DROP TRIGGER break_events");

	assert_int_equal(journal_create(f->db, &n, sample_lines, 3, NULL, moid, &err), STORE_OK);
	assert_string_equal(moid, "T01-20260921-000001");
}

/* The state and its event are one: no event, no move. */
static void a_move_whose_event_fails_does_not_happen(void **state)
{
	struct fixture *f = *state;
	store_err err;
	int64_t id = order_in(f, JOURNAL_PENDING);
	struct journal_order before = get_ok(f, id);
	size_t events = event_count(f, id);

	fake_now += 5;
	exec_ok(f->db, "CREATE TEMP TRIGGER break_events BEFORE INSERT ON order_events"
	               " BEGIN SELECT RAISE(ABORT, 'disk pulled out'); END");
	assert_int_not_equal(journal_move(f->db, id, JOURNAL_PENDING, JOURNAL_SUCCEEDED, 0, NULL, &err),
	                     STORE_OK);
	assert_int_not_equal(journal_note_attempt(f->db, id, "x", &err), STORE_OK);
	exec_ok(f->db, "DROP TRIGGER break_events");
	struct journal_order after = get_ok(f, id);
	assert_int_equal(after.state, JOURNAL_PENDING);
	assert_int_equal(after.updated_at, before.updated_at);
	assert_int_equal(after.attempts, 0);
	assert_int_equal(event_count(f, id), events);
	assert_true(sqlite3_get_autocommit(db_sqlite(f->db)));
}

/* A database that may not grow stands in for a full disk. */
static void a_full_disk_while_creating_saves_nothing(void **state)
{
	struct fixture *f = *state;
	store_err err;
	struct body_maker m = {.pad = 60000};
	struct journal_new n = new_order(f, &m, 100);
	char pragma[64];

	snprintf(pragma, sizeof pragma, "PRAGMA max_page_count = %d",
	         query_int(f->db, "PRAGMA page_count") + 2);
	exec_ok(f->db, pragma);
	assert_int_equal(journal_create(f->db, &n, NULL, 0, NULL, NULL, &err), STORE_ERR_FULL);
	assert_non_null(strstr(kp_msg_text(&err.msg), "nothing was saved"));
	assert_int_equal(journal_rows(f->db), 0);
}

/* ---- notes, lookups, lists ---------------------------------------------------- */

static void each_create_send_is_counted_with_its_error(void **state)
{
	struct fixture *f = *state;
	store_err err;
	int64_t id = create_ok(f, NULL);

	fake_now += 3;
	assert_int_equal(journal_note_attempt(f->db, id, "the server did not answer\nin 10 s", &err),
	                 STORE_OK);
	struct journal_order o = get_ok(f, id);
	assert_int_equal(o.attempts, 1);
	assert_string_equal(o.last_error, "the server did not answer in 10 s");
	assert_int_equal(o.updated_at, fake_now);
	struct journal_event ev = last_event(f, id);
	assert_int_equal(ev.kind, JOURNAL_EVENT_NOTE);
	assert_false(ev.has_from);
	assert_string_equal(kp_msg_text_packed(ev.detail),
	                    "create request 1: the server did not answer in 10 s");

	assert_int_equal(journal_note_attempt(f->db, id, NULL, &err), STORE_OK);
	o = get_ok(f, id);
	assert_int_equal(o.attempts, 2);
	assert_string_equal(o.last_error, "");
	assert_string_equal(kp_msg_text_packed(last_event(f, id).detail), "create request 2 answered");
	assert_int_equal(journal_note_attempt(f->db, 999, NULL, &err), STORE_NOT_FOUND);

	assert_int_equal(journal_note(f->db, id, f->user_id, "cancel asked", &err), STORE_OK);
	ev = last_event(f, id);
	assert_int_equal(ev.kind, JOURNAL_EVENT_NOTE);
	assert_int_equal(ev.user_id, f->user_id);
	assert_string_equal(ev.detail, "cancel asked");
	assert_int_equal(journal_note(f->db, id, 0, "", &err), STORE_ERR_INPUT);
	assert_int_equal(journal_note(f->db, 999, 0, "x", &err), STORE_NOT_FOUND);
	assert_int_equal(get_ok(f, id).state, JOURNAL_CREATING);
}

static void a_long_detail_is_cut_between_characters(void **state)
{
	struct fixture *f = *state;
	store_err err;
	char detail[301];
	int64_t id = create_ok(f, NULL);

	/* 150 × "ә" (2 bytes each): byte 255, where the cut falls, is the
	 * second half of a letter */
	for (int i = 0; i < 150; i++)
		memcpy(detail + 2 * i, "ә", 2);
	detail[300] = '\0';
	assert_int_equal(journal_note(f->db, id, 0, detail, &err), STORE_OK);
	struct journal_event ev = last_event(f, id);
	assert_int_equal(strlen(ev.detail), JOURNAL_TEXT_SIZE - 2);
	assert_memory_equal(ev.detail, detail, JOURNAL_TEXT_SIZE - 2);
}

static void an_order_is_found_by_any_of_its_ids(void **state)
{
	struct fixture *f = *state;
	store_err err;
	struct journal_order o;
	char moid[JOURNAL_ORDER_ID_SIZE], text[32];
	create_ok(f, NULL);
	int64_t id = create_ok(f, moid);
	struct journal_payment p = {.payment_id = "pay_abc123def456"};
	assert_int_equal(journal_set_payment(f->db, id, &p, &err), STORE_OK);

	assert_int_equal(journal_get_by_order_id(f->db, moid, &o, &err), STORE_OK);
	assert_int_equal(o.id, id);
	assert_int_equal(journal_get_by_payment_id(f->db, "pay_abc123def456", &o, &err), STORE_OK);
	assert_int_equal(o.id, id);
	assert_int_equal(journal_find(f->db, moid, &o, &err), STORE_OK);
	assert_int_equal(o.id, id);
	assert_int_equal(journal_find(f->db, "pay_abc123def456", &o, &err), STORE_OK);
	assert_int_equal(o.id, id);
	snprintf(text, sizeof text, "%lld", (long long)id);
	assert_int_equal(journal_find(f->db, text, &o, &err), STORE_OK);
	assert_int_equal(o.id, id);
	assert_string_equal(o.merchant_order_id, moid);

	assert_int_equal(journal_get(f->db, 999, &o, &err), STORE_NOT_FOUND);
	assert_int_equal(journal_get_by_order_id(f->db, "T01-20260921-000009", &o, &err),
	                 STORE_NOT_FOUND);
	assert_int_equal(journal_get_by_payment_id(f->db, "pay_nope", &o, &err), STORE_NOT_FOUND);
	assert_int_equal(journal_find(f->db, "pay_nope", &o, &err), STORE_NOT_FOUND);
	assert_non_null(strstr(kp_msg_text(&err.msg), "pay_nope"));
	assert_int_equal(journal_find(f->db, "999", &o, &err), STORE_NOT_FOUND);
	assert_int_equal(journal_find(f->db, "99999999999999999999999", &o, &err), STORE_NOT_FOUND);
	assert_int_equal(journal_find(f->db, "", &o, &err), STORE_ERR_INPUT);
	assert_int_equal(journal_find(f->db, NULL, &o, &err), STORE_ERR_INPUT);
}

static void unfinished_orders_are_the_ones_not_final(void **state)
{
	struct fixture *f = *state;
	store_err err;
	struct journal_order *list = NULL;
	size_t n = 0;
	int64_t ids[JOURNAL_STATE_COUNT];

	assert_int_equal(journal_unfinished(f->db, &list, &n, &err), STORE_OK);
	assert_int_equal(n, 0);
	assert_null(list);
	for (int s = JOURNAL_STATE_COUNT - 1; s >= 0; s--) /* newest first, to see the order */
		ids[s] = order_in(f, (enum journal_state)s);
	assert_int_equal(journal_unfinished(f->db, &list, &n, &err), STORE_OK);
	assert_int_equal(n, 4);
	const enum journal_state want[] = {JOURNAL_LATE_PAID, JOURNAL_ABANDONED, JOURNAL_PENDING,
	                                   JOURNAL_CREATING};
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(list[i].state, want[i]);
		assert_int_equal(list[i].id, ids[want[i]]);
		assert_false(journal_state_final(list[i].state));
		assert_string_equal(list[i].description, "Заказ");
	}
	free(list);
}

/* The shape of a merchant order id, as a slip's QR carries it: the ids
 * the journal makes have it; a part of one, or one with anything around
 * it, has not. */
static void an_order_id_is_known_by_its_shape(void **state)
{
	struct fixture *f = *state;
	char moid[JOURNAL_ORDER_ID_SIZE];
	(void)create_ok(f, moid);
	assert_true(journal_order_id_syntax(moid));
	assert_true(journal_order_id_syntax("T01-20261126-000042"));
	assert_true(journal_order_id_syntax("ABCDEFGHIJKLMNOP-20261126-999999"));
	assert_true(journal_order_id_syntax("t7-20270101-000001"));
	const char *no[] = {
		"", "T01", "T01-20261126", "T01-20261126-00004", "T01-20261126-0000421",
		"-20261126-000042", "T01-2026112-000042", "T01_20261126_000042",
		"T01-20261126-00004a", " T01-20261126-000042", "T01-20261126-000042 ",
		"2*T01-20261126-000042", "ABCDEFGHIJKLMNOPQ-20261126-000042", "T-01-20261126-000042",
		"4870000025008", "GR-0027", "T01-R-20261126-000001",
	};
	for (size_t i = 0; i < sizeof no / sizeof *no; i++)
		if (journal_order_id_syntax(no[i]))
			fail_msg("\"%s\" taken for an order id", no[i]);
	assert_false(journal_order_id_syntax(NULL));
}

static void state_names_round_trip(void **state)
{
	(void)state;
	const char *names[] = {"creating", "pending", "succeeded", "cancelled", "failed", "expired",
	                       "abandoned", "late_paid", "partially_refunded", "refunded"};
	assert_int_equal(sizeof names / sizeof *names, JOURNAL_STATE_COUNT);
	for (int i = 0; i < JOURNAL_STATE_COUNT; i++) {
		enum journal_state s = JOURNAL_STATE_COUNT;
		assert_string_equal(journal_state_name((enum journal_state)i), names[i]);
		assert_true(journal_state_parse(names[i], &s));
		assert_int_equal(s, i);
	}
	enum journal_state s = JOURNAL_PENDING;
	assert_false(journal_state_parse("Pending", &s));
	assert_false(journal_state_parse("", &s));
	assert_false(journal_state_parse(NULL, &s));
	assert_int_equal(s, JOURNAL_PENDING);
	assert_string_equal(journal_state_name(JOURNAL_STATE_COUNT), "?");

	assert_false(journal_state_final(JOURNAL_CREATING));
	assert_false(journal_state_final(JOURNAL_PENDING));
	assert_false(journal_state_final(JOURNAL_ABANDONED));
	assert_false(journal_state_final(JOURNAL_LATE_PAID));
	assert_true(journal_state_final(JOURNAL_SUCCEEDED));
	assert_true(journal_state_final(JOURNAL_CANCELLED));
	assert_true(journal_state_final(JOURNAL_FAILED));
	assert_true(journal_state_final(JOURNAL_EXPIRED));
	assert_true(journal_state_final(JOURNAL_PARTIALLY_REFUNDED));
	assert_true(journal_state_final(JOURNAL_REFUNDED));
	assert_string_equal(journal_method_name(JOURNAL_QR), "qr");
}

/* ---- the schema --------------------------------------------------------------- */

static void the_schema_guards_what_was_sent(void **state)
{
	struct fixture *f = *state;
	int64_t id = order_in(f, JOURNAL_SUCCEEDED);
	(void)id;
	assert_true(exec_refused(f->db, "UPDATE orders SET amount = 1"));
	assert_true(exec_refused(f->db, "UPDATE orders SET merchant_order_id = 'T01-x'"));
	assert_true(exec_refused(f->db, "UPDATE orders SET payment_id = 'pay_other'"));
	assert_true(exec_refused(f->db, "UPDATE orders SET state = 'flying'"));
	assert_true(exec_refused(f->db, "UPDATE orders SET refunded_amount = amount + 1"));
	assert_true(exec_refused(f->db, "DELETE FROM orders"));
	assert_true(exec_refused(f->db, "UPDATE order_events SET detail = 'x'"));
	assert_true(exec_refused(f->db, "DELETE FROM order_events"));
	/* a paid order always names its payment */
	assert_true(exec_refused(f->db, "UPDATE orders SET payment_id = NULL"));
	/* what the later modules may change, they can */
	exec_ok(f->db, "UPDATE orders SET refunded_amount = 100");
}

static void the_reports_queries_use_indexes(void **state)
{
	struct fixture *f = *state;
	const char *queries[] = {
		"EXPLAIN QUERY PLAN SELECT id FROM orders WHERE state = 'pending'",
		"EXPLAIN QUERY PLAN SELECT id FROM orders WHERE payment_id = 'pay_1'",
		"EXPLAIN QUERY PLAN SELECT id FROM orders WHERE created_at BETWEEN 1 AND 2",
		"EXPLAIN QUERY PLAN SELECT id FROM orders WHERE shift_id = 1",
		"EXPLAIN QUERY PLAN SELECT id FROM orders WHERE alert = 1",
		"EXPLAIN QUERY PLAN SELECT id FROM order_events WHERE order_id = 1",
		"EXPLAIN QUERY PLAN SELECT id FROM orders WHERE state IN (" JOURNAL_STATE_PARAMS_2 ")",
		"EXPLAIN QUERY PLAN SELECT " JOURNAL_GIVEN_UP_SQL("o") " FROM orders o WHERE o.id = 1",
	};
	for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
		sqlite3_stmt *st;
		bool indexed = false;
		assert_int_equal(sqlite3_prepare_v2(db_sqlite(f->db), queries[i], -1, &st, NULL), SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *detail = (const char *)sqlite3_column_text(st, 3);
			if (detail && strstr(detail, "USING"))
				indexed = true;
		}
		sqlite3_finalize(st);
		if (!indexed)
			fail_msg("no index for: %s", queries[i]);
	}
}

/* A file of schema 1 (before the journal) keeps its data and gains the
 * journal: made by taking the journal out of a new file. */
static void a_schema_1_file_is_migrated(void **state)
{
	struct fixture *f = *state;
	store_err err;
	sqlite3_stmt *st;
	static char before[16384], after[16384];
	const char *schema = "SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_schema"
	                     " WHERE tbl_name LIKE 'order%' AND sql IS NOT NULL ORDER BY name)";

	assert_true(db_schema_latest() >= 2);
	assert_int_equal(db_schema_version(f->db), db_schema_latest());
	assert_int_equal(sqlite3_prepare_v2(db_sqlite(f->db), schema, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(before, sizeof before, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	assert_true(strlen(before) > 1000);

	/* the later steps' tables go too: they are made again after the journal */
	exec_ok(f->db, "DROP TABLE IF EXISTS refund_tenders; DROP TABLE IF EXISTS refund_lines;"
	               " DROP TABLE IF EXISTS refunds;"
	               " DROP TABLE order_events; DROP TABLE order_lines; DROP TABLE orders;"
	               " DROP INDEX products_plu; ALTER TABLE products DROP COLUMN plu;"
	               " PRAGMA user_version = 1");
	exec_ok(f->db, "INSERT INTO events(at, kind, detail) VALUES (1, 'test', 'from schema 1')");
	db_close(f->db);

	f->db = open_ok(f);
	assert_int_equal(db_schema_version(f->db), db_schema_latest());
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM events WHERE detail = 'from schema 1'"),
	                 1);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM shifts"), 1);
	assert_int_equal(sqlite3_prepare_v2(db_sqlite(f->db), schema, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(after, sizeof after, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	assert_string_equal(after, before);

	char moid[JOURNAL_ORDER_ID_SIZE];
	create_ok(f, moid);
	assert_string_equal(moid, "T01-20260921-000001");
	(void)err;
}

/* The journal screen's list: newest first, filtered by state, method and
 * a search by id, amount or time; search text is never SQL. */
static void the_list_filters_and_searches_newest_first(void **state)
{
	struct fixture *f = *state;
	struct journal_order *list = NULL;
	size_t n = 0;
	store_err err;
	int64_t paid = order_in(f, JOURNAL_SUCCEEDED);
	int64_t gone = order_in(f, JOURNAL_CANCELLED);
	int64_t open = order_in(f, JOURNAL_PENDING);
	struct journal_order o = get_ok(f, paid);

	struct journal_filter all = {.state = -1, .method = -1};
	assert_int_equal(journal_list(f->db, &all, &list, &n, &err), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(list[0].id, open); /* newest first */
	assert_int_equal(list[2].id, paid);
	free(list);

	struct journal_filter by_state = {.state = JOURNAL_CANCELLED, .method = -1};
	assert_int_equal(journal_list(f->db, &by_state, &list, &n, &err), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, gone);
	free(list);

	struct journal_filter by_method = {.state = -1, .method = JOURNAL_PHONE};
	assert_int_equal(journal_list(f->db, &by_method, &list, &n, &err), STORE_OK);
	assert_int_equal(n, 0);
	free(list);

	struct journal_filter by_id = {.state = -1, .method = -1, .search = o.merchant_order_id + 4};
	assert_int_equal(journal_list(f->db, &by_id, &list, &n, &err), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, paid);
	free(list);

	struct journal_filter by_payment = {.state = -1, .method = -1, .search = o.payment_id};
	assert_int_equal(journal_list(f->db, &by_payment, &list, &n, &err), STORE_OK);
	assert_int_equal(n, 1);
	free(list);

	struct journal_filter by_amount = {.state = -1, .method = -1, .search = "1 500,00"};
	assert_int_equal(journal_list(f->db, &by_amount, &list, &n, &err), STORE_OK);
	assert_int_equal(n, 3);
	free(list);

	char hhmm[8];
	time_t local = o.created_at + 5 * 3600;
	struct tm tm;
	gmtime_r(&local, &tm);
	strftime(hhmm, sizeof hhmm, "%H:%M", &tm);
	struct journal_filter by_time = {.state = -1, .method = -1, .search = hhmm};
	assert_int_equal(journal_list(f->db, &by_time, &list, &n, &err), STORE_OK);
	assert_int_equal(n, 3);
	free(list);

	/* "T_1" would match "T01" if '_' were LIKE's wildcard */
	const char *odd[] = {"%", "T_1", "'; DROP TABLE orders; --", "\\", "\"x"};
	for (size_t i = 0; i < sizeof odd / sizeof *odd; i++) {
		struct journal_filter q = {.state = -1, .method = -1, .search = odd[i]};
		assert_int_equal(journal_list(f->db, &q, &list, &n, &err), STORE_OK);
		assert_int_equal(n, 0);
		free(list);
	}
	struct journal_filter later = {.from = o.created_at + 1, .state = -1, .method = -1};
	assert_int_equal(journal_list(f->db, &later, &list, &n, &err), STORE_OK);
	assert_int_equal(n, 0);
	free(list);
}

/* The amount search finds an order of 1 500,00 tenge however the cashier
 * types it: bare tenge, either decimal mark, with a thousands space. */
static void an_amount_is_found_as_typed_in_any_usual_form(void **state)
{
	struct fixture *f = *state;
	struct journal_order *list = NULL;
	size_t n = 0;
	store_err err;
	int64_t paid = order_in(f, JOURNAL_SUCCEEDED);
	assert_int_equal(get_ok(f, paid).amount, 150000);
	const char *forms[] = {"1500", "1500,00", "1500.00", "1 500,00", "1\xc2\xa0" "500,00",
	                       "1\xe2\x80\xaf" "500,00", "1 500"};
	for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
		struct journal_filter q = {.state = -1, .method = -1, .search = forms[i]};
		assert_int_equal(journal_list(f->db, &q, &list, &n, &err), STORE_OK);
		if (n != 1)
			fail_msg("\"%s\" found %zu orders, not the one of 1 500,00", forms[i], n);
		assert_int_equal(list[0].id, paid);
		free(list);
	}
	struct journal_filter other = {.state = -1, .method = -1, .search = "1500,01"};
	assert_int_equal(journal_list(f->db, &other, &list, &n, &err), STORE_OK);
	assert_int_equal(n, 0);
	free(list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_table_is_the_specification),
		cmocka_unit_test(state_names_round_trip),
		cmocka_unit_test_setup_teardown(an_order_id_is_known_by_its_shape, setup, teardown),
		cmocka_unit_test(each_state_is_a_sale_refundable_or_unfinished_as_the_table_says),
		cmocka_unit_test_setup_teardown(an_order_given_up_then_cancelled_is_cancelled_by_the_cashier, setup, teardown),
		cmocka_unit_test_setup_teardown(every_legal_move_succeeds_and_is_recorded, setup, teardown),
		cmocka_unit_test_setup_teardown(every_other_move_is_refused_and_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(a_move_from_a_state_the_order_has_left_is_a_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(a_move_of_an_unknown_order_is_not_found, setup, teardown),
		cmocka_unit_test_setup_teardown(a_late_payment_raises_the_alert_until_the_sale_is_completed, setup, teardown),
		cmocka_unit_test_setup_teardown(pending_needs_the_servers_payment_id, setup, teardown),
		cmocka_unit_test_setup_teardown(the_creates_answer_is_recorded_with_the_move, setup, teardown),
		cmocka_unit_test_setup_teardown(a_replay_can_settle_a_creating_order_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(a_new_order_is_creating_with_its_first_event, setup, teardown),
		cmocka_unit_test_setup_teardown(order_ids_count_per_till_and_almaty_day, setup, teardown),
		cmocka_unit_test_setup_teardown(the_request_body_is_kept_byte_for_byte_and_never_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(a_body_up_to_the_contracts_limit_is_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(lines_come_back_as_they_were_written, setup, teardown),
		cmocka_unit_test_setup_teardown(weighed_lines_keep_their_weight_and_price_per_unit, setup, teardown),
		cmocka_unit_test_setup_teardown(a_weighed_line_that_does_not_add_up_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(the_live_lines_must_add_up_to_the_amount, setup, teardown),
		cmocka_unit_test_setup_teardown(values_the_journal_refuses_write_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(a_failed_body_callback_leaves_nothing_and_uses_no_number, setup, teardown),
		cmocka_unit_test_setup_teardown(a_failure_after_the_order_row_takes_it_back, setup, teardown),
		cmocka_unit_test_setup_teardown(a_move_whose_event_fails_does_not_happen, setup, teardown),
		cmocka_unit_test_setup_teardown(a_full_disk_while_creating_saves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(each_create_send_is_counted_with_its_error, setup, teardown),
		cmocka_unit_test_setup_teardown(a_long_detail_is_cut_between_characters, setup, teardown),
		cmocka_unit_test_setup_teardown(an_order_is_found_by_any_of_its_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(unfinished_orders_are_the_ones_not_final, setup, teardown),
		cmocka_unit_test_setup_teardown(the_schema_guards_what_was_sent, setup, teardown),
		cmocka_unit_test_setup_teardown(the_reports_queries_use_indexes, setup, teardown),
		cmocka_unit_test_setup_teardown(a_schema_1_file_is_migrated, setup, teardown),
		cmocka_unit_test_setup_teardown(the_list_filters_and_searches_newest_first, setup, teardown),
		cmocka_unit_test_setup_teardown(an_amount_is_found_as_typed_in_any_usual_form, setup, teardown),
	};
	return cmocka_run_group_tests_name("journal", tests, NULL, NULL);
}
