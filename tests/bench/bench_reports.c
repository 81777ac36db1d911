/* bench_reports.c — the reports at a busy till's scale: writes a journal
 * of N orders (default 1 000 000) in one shift that runs past Almaty
 * midnight, straight into SQLite in one transaction (the schema's
 * triggers keep the running totals as the journal would): about three
 * lines each at 12 % and 0 %, some voided, 5 % without lines; 86 %
 * succeeded, the rest declined, expired, failed, (partially) refunded
 * with their refunds and parts, a handful unfinished; of the plain sales
 * 30 % in cash, 15 % by card and 10 % split (card, then cash with its
 * change), the tenders as the till writes them; then times the X,
 * Z (on a copy of the file: a Z closes the shift) and day reports,
 * reports_verify (the same sums recomputed from the journal rows), and
 * the commit latency of journal_move with synchronous=FULL on the big
 * file, with and without the running totals' triggers.
 * Prints "name value" lines; the file stays in HOME_DIR for run.sh's
 * sqlite3 comparison.
 * usage: bench_reports HOME_DIR [N] */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/i18n.h"
#include "store/db.h"
#include "store/journal.h"
#include "app/report_fmt.h"
#include "store/shifts.h"

#define DAY 20261126
#define NEXT_DAY 20261127
#define REPEAT 7          /* runs of each report; the median is kept */
#define REPEAT_Z 3        /* Z runs, each on a fresh copy of the file */
#define MOVES 500         /* journal_move commits timed per file */

static time_t clock_now;

static time_t bench_clock(void)
{
	return clock_now;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return v[n / 2];
}

static double p99(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	int i = (int)(n * 0.99);
	return v[i < n ? i : n - 1];
}

static uint64_t rng = 12345;

static uint32_t rnd(uint32_t n)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rng >> 33) % n;
}

static void die(const char *what, const char *msg)
{
	fprintf(stderr, "bench_reports: %s: %s\n", what, msg);
	exit(1);
}

static void exec(store_db *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db_sqlite(db), sql, NULL, NULL, &msg) != SQLITE_OK)
		die(sql, msg ? msg : "?");
}

static sqlite3_stmt *prepare(store_db *db, const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL) != SQLITE_OK)
		die(sql, sqlite3_errmsg(db_sqlite(db)));
	return st;
}

static void step_done(store_db *db, sqlite3_stmt *st, const char *what)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		die(what, sqlite3_errmsg(db_sqlite(db)));
	sqlite3_reset(st);
}

/* A state by share of a million: the mix of a busy day. */
static const char *pick_state(void)
{
	uint32_t r = rnd(1000000);
	if (r < 20)
		return "creating";
	if (r < 40)
		return "pending";
	if (r < 60)
		return "abandoned";
	if (r < 80)
		return "late_paid";
	if (r < 40000)
		return "cancelled";
	if (r < 70000)
		return "expired";
	if (r < 85000)
		return "failed";
	if (r < 105000)
		return "partially_refunded";
	if (r < 135000)
		return "refunded";
	return "succeeded";
}

/* Writes n orders of shift 1 (opened at opened) in one transaction. */
static void generate(store_db *db, long n, time_t opened, int64_t cashiers[3], int64_t manager,
                     long *refund_count)
{
	sqlite3_stmt *ins_order = prepare(db,
		"INSERT INTO orders(id, merchant_order_id, till_id, day, day_seq, shift_id, user_id, method,"
		" payer_phone, amount, state, request_body, payment_id, created_at, updated_at,"
		" refunded_amount) VALUES (?1, ?2, 'T01', ?3, ?4, 1, ?5, ?6, ?7, ?8, ?9, ?13, ?10, ?11, ?11,"
		" ?12)");
	sqlite3_stmt *ins_tender = prepare(db,
		"INSERT INTO tenders(order_id, part_no, kind, amount, given, change, created_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	sqlite3_stmt *ins_line = prepare(db,
		"INSERT INTO order_lines(order_id, line_no, name, quantity, unit_price, tax_rate, discount,"
		" total, voided) VALUES (?1, ?2, 'Товар', ?3, ?4, ?5, 0, ?6, ?7)");
	sqlite3_stmt *ins_refund = prepare(db,
		"INSERT INTO refunds(id, order_id, merchant_refund_id, till_id, day, day_seq, shift_id, amount,"
		" reason, state, request_body, refund_id, user_id, approved_by, created_at, updated_at)"
		" VALUES (?1, ?2, ?3, 'T01', ?4, ?5, 1, ?6, 'bench', ?7, '{}', ?8, ?9, ?10, ?11, ?11)");
	sqlite3_stmt *ins_part = prepare(db,
		"INSERT INTO refund_lines(refund_row, part, tax_rate, amount) VALUES (?1, ?2, ?3, ?4)");
	/* where each went: back to its order's method (refund_tenders, schema 10) */
	sqlite3_stmt *ins_refund_tender = prepare(db,
		"INSERT INTO refund_tenders(refund_row, tender) VALUES (?1, ?2)");
	long day_orders = n - n / 100; /* 1 % after midnight */
	long refund_seq[2] = {0, 0}, refund_id = 0;
	time_t midnight = report_day_start(NEXT_DAY);

	exec(db, "BEGIN");
	for (long i = 0; i < n; i++) {
		int64_t id = i + 1;
		bool today = i < day_orders;
		int day = today ? DAY : NEXT_DAY;
		long seq = today ? i + 1 : i - day_orders + 1;
		time_t at = today ? opened + (time_t)((midnight - opened - 1) * i / day_orders)
		                  : midnight + (time_t)(3600 * (i - day_orders) / (n - day_orders));
		/* lines: 95 % of orders have 1–5 */
		int nl = rnd(20) == 0 ? 0 : 1 + (int)rnd(5);
		int64_t qty[5], price[5], total[5], amount = 0, by_rate[2] = {0, 0};
		int rate[5];
		bool voided[5], live = false;
		for (int k = 0; k < nl; k++) {
			qty[k] = 1 + rnd(3);
			price[k] = 100 + rnd(500000);
			rate[k] = rnd(5) == 0 ? 0 : 12;
			total[k] = qty[k] * price[k];
			voided[k] = rnd(33) == 0;
			if (k == nl - 1 && !live)
				voided[k] = false;
			live = live || !voided[k];
			if (!voided[k]) {
				amount += total[k];
				by_rate[rate[k] == 12] += total[k];
			}
		}
		if (nl == 0) {
			amount = 100 + rnd(2000000);
			by_rate[1] = amount;
		}
		const char *state = pick_state();
		bool refunded = !strcmp(state, "refunded"), partly = !strcmp(state, "partially_refunded");
		int64_t refund_amount = refunded ? amount : partly ? (amount / 2 > 0 ? amount / 2 : 1) : 0;
		char moid[64], pay[32];
		snprintf(moid, sizeof moid, "T01-%d-%06ld", day, seq);
		snprintf(pay, sizeof pay, "pay_%lld", (long long)id);
		bool phone = rnd(5) == 0;
		/* mixed tenders: of the plain sales, 30 % cash, 15 % card, 10 % split
		 * (card, then cash for the rest) */
		const char *method = phone ? "phone" : "qr";
		if (!strcmp(state, "succeeded")) {
			uint32_t t = rnd(100);
			method = t < 30 ? "cash" : t < 45 ? "card" : t < 55 && amount >= 2 ? "split" : method;
		}
		bool kaspi = !strcmp(method, "qr") || !strcmp(method, "phone");
		phone = phone && kaspi;
		sqlite3_bind_int64(ins_order, 1, id);
		sqlite3_bind_text(ins_order, 2, moid, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(ins_order, 3, day);
		sqlite3_bind_int64(ins_order, 4, seq);
		if (rnd(10) == 0)
			sqlite3_bind_null(ins_order, 5); /* a headless charge */
		else
			sqlite3_bind_int64(ins_order, 5, cashiers[rnd(3)]);
		sqlite3_bind_text(ins_order, 6, method, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_order, 13, kaspi ? "{}" : "", -1, SQLITE_STATIC);
		if (phone)
			sqlite3_bind_text(ins_order, 7, "+77011234567", -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(ins_order, 7);
		sqlite3_bind_int64(ins_order, 8, amount);
		sqlite3_bind_text(ins_order, 9, state, -1, SQLITE_STATIC);
		if (!strcmp(state, "creating") || !kaspi)
			sqlite3_bind_null(ins_order, 10);
		else
			sqlite3_bind_text(ins_order, 10, pay, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ins_order, 11, (sqlite3_int64)at);
		sqlite3_bind_int64(ins_order, 12, refund_amount);
		step_done(db, ins_order, "inserting an order");
		if (!kaspi) {
			bool split = !strcmp(method, "split");
			int64_t card = split ? amount / 2 : !strcmp(method, "card") ? amount : 0;
			int64_t cash = amount - card, change = cash ? (int64_t)rnd(100000) : 0;
			for (int part = 1; part <= 2; part++) {
				int64_t a = part == 1 ? card : cash;
				if (a == 0)
					continue;
				sqlite3_bind_int64(ins_tender, 1, id);
				sqlite3_bind_int(ins_tender, 2, part);
				sqlite3_bind_text(ins_tender, 3, part == 1 ? "card" : "cash", -1, SQLITE_STATIC);
				sqlite3_bind_int64(ins_tender, 4, a);
				sqlite3_bind_int64(ins_tender, 5, part == 1 ? 0 : a + change);
				sqlite3_bind_int64(ins_tender, 6, part == 1 ? 0 : change);
				sqlite3_bind_int64(ins_tender, 7, (sqlite3_int64)at);
				step_done(db, ins_tender, "inserting a tender");
			}
		}
		for (int k = 0; k < nl; k++) {
			sqlite3_bind_int64(ins_line, 1, id);
			sqlite3_bind_int(ins_line, 2, k + 1);
			sqlite3_bind_int64(ins_line, 3, qty[k]);
			sqlite3_bind_int64(ins_line, 4, price[k]);
			sqlite3_bind_int(ins_line, 5, rate[k]);
			sqlite3_bind_int64(ins_line, 6, total[k]);
			sqlite3_bind_int(ins_line, 7, voided[k]);
			step_done(db, ins_line, "inserting a line");
		}
		/* refunds: the refunded ones' (settled), and now and then one
		 * still pending on a paid order */
		bool pending = !strcmp(state, "succeeded") && kaspi && rnd(2000) == 0;
		if (!refund_amount && !pending)
			continue;
		int64_t ramount = refund_amount ? refund_amount : (amount / 3 > 0 ? amount / 3 : 1);
		time_t rat = at + 60;
		int rday = rat >= midnight ? NEXT_DAY : DAY;
		long rseq = ++refund_seq[rday == NEXT_DAY];
		char mrid[64], rid[32];
		snprintf(mrid, sizeof mrid, "T01-R-%d-%06ld", rday, rseq);
		snprintf(rid, sizeof rid, "ref_%ld", refund_id + 1);
		sqlite3_bind_int64(ins_refund, 1, ++refund_id);
		sqlite3_bind_int64(ins_refund, 2, id);
		sqlite3_bind_text(ins_refund, 3, mrid, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(ins_refund, 4, rday);
		sqlite3_bind_int64(ins_refund, 5, rseq);
		sqlite3_bind_int64(ins_refund, 6, ramount);
		sqlite3_bind_text(ins_refund, 7, pending ? "refund_pending" : "refunded", -1, SQLITE_STATIC);
		if (pending)
			sqlite3_bind_null(ins_refund, 8);
		else
			sqlite3_bind_text(ins_refund, 8, rid, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ins_refund, 9, cashiers[0]);
		sqlite3_bind_int64(ins_refund, 10, manager);
		sqlite3_bind_int64(ins_refund, 11, (sqlite3_int64)rat);
		step_done(db, ins_refund, "inserting a refund");
		sqlite3_bind_int64(ins_refund_tender, 1, refund_id);
		sqlite3_bind_text(ins_refund_tender, 2, phone ? "phone" : "qr", -1, SQLITE_STATIC);
		step_done(db, ins_refund_tender, "inserting a refund's tender");
		/* its parts: each rate group's share, the 12 % one taking the rest */
		int64_t zero_part = by_rate[0] * ramount / amount;
		int part = 0;
		for (int g = 0; g < 2; g++) {
			int64_t a = g == 0 ? zero_part : ramount - zero_part;
			if (a == 0)
				continue;
			sqlite3_bind_int64(ins_part, 1, refund_id);
			sqlite3_bind_int(ins_part, 2, ++part);
			sqlite3_bind_int(ins_part, 3, g == 0 ? 0 : 12);
			sqlite3_bind_int64(ins_part, 4, a);
			step_done(db, ins_part, "inserting a refund part");
		}
	}
	exec(db, "COMMIT");
	sqlite3_finalize(ins_order);
	sqlite3_finalize(ins_tender);
	sqlite3_finalize(ins_line);
	sqlite3_finalize(ins_refund);
	sqlite3_finalize(ins_part);
	sqlite3_finalize(ins_refund_tender);
	*refund_count = refund_id;
}

static bool body(void *arg, const char *merchant_order_id, const char **out, size_t *len)
{
	static char buf[128];
	(void)arg;
	snprintf(buf, sizeof buf, "{\"merchant_order_id\":\"%s\"}", merchant_order_id);
	*out = buf;
	*len = strlen(buf);
	return true;
}

/* Median and p99 (ms) of MOVES journal_move commits (pending →
 * succeeded) on orders written for it in shift_id. */
static void time_moves(store_db *db, int64_t shift_id, const char *tag, double *med, double *high)
{
	static double t[MOVES];
	store_err err;
	for (int i = 0; i < MOVES; i++) {
		int64_t id;
		char pay[48];
		struct journal_new o = {.till_id = "T02", .shift_id = shift_id, .method = JOURNAL_QR,
		                        .amount = 150000, .build_body = body};
		if (journal_create(db, &o, NULL, 0, &id, NULL, &err) != STORE_OK)
			die("journal_create", kp_msg_text(&err.msg));
		snprintf(pay, sizeof pay, "pay_move_%s_%d", tag, i);
		struct journal_payment p = {.payment_id = pay};
		if (journal_move_with_payment(db, id, JOURNAL_CREATING, JOURNAL_PENDING, &p, 0, NULL,
		                              &err) != STORE_OK)
			die("journal_move_with_payment", kp_msg_text(&err.msg));
		double t0 = now_ms();
		if (journal_move(db, id, JOURNAL_PENDING, JOURNAL_SUCCEEDED, 0, NULL, &err) != STORE_OK)
			die("journal_move", kp_msg_text(&err.msg));
		t[i] = now_ms() - t0;
	}
	*med = median(t, MOVES);
	*high = p99(t, MOVES);
}

static void copy_file(const char *from, const char *to)
{
	char buf[1 << 16];
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ssize_t n;
	if (in < 0 || out < 0)
		die("copy", from);
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n)
			die("copy", to);
	close(in);
	close(out);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_reports HOME_DIR [N]\n");
		return 2;
	}
	long n = argc > 2 ? atol(argv[2]) : 1000000;
	char path[4096], copy[4200];
	store_db *db;
	store_err err;
	struct report r;
	struct report_params p = {.store_name = "Bench", .store_bin = "123456789012",
	                          .till_id = "T01", .commission = {50, 70, 150}};
	double t[REPEAT], t0;

	time_t opened = report_day_start(DAY) + 6 * 3600; /* 06:00 Almaty */
	clock_now = opened;
	if (db_open_home(argv[1], &db, &err) != STORE_OK)
		die("opening", kp_msg_text(&err.msg));
	db_set_clock(db, bench_clock);
	snprintf(path, sizeof path, "%s", db_path(db));
	exec(db, "PRAGMA cache_size = -262144"); /* 256 MiB while writing */
	int64_t cashiers[3], manager;
	const char *names[4] = {"Айгерим", "Болат", "Гүлнар", "Менеджер"};
	for (int i = 0; i < 4; i++) {
		sqlite3_stmt *st = prepare(db, "INSERT INTO users(name, role, pin_salt, pin_hash,"
		                               " pin_iterations, created_at) VALUES (?1, ?2, zeroblob(16),"
		                               " zeroblob(32), 1, 0)");
		sqlite3_bind_text(st, 1, names[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, i < 3 ? "cashier" : "manager", -1, SQLITE_STATIC);
		step_done(db, st, "adding a user");
		sqlite3_finalize(st);
		if (i < 3)
			cashiers[i] = sqlite3_last_insert_rowid(db_sqlite(db));
		else
			manager = sqlite3_last_insert_rowid(db_sqlite(db));
	}
	struct shift sh;
	if (shifts_ensure_open(db, cashiers[0], &sh, NULL, &err) != STORE_OK || sh.id != 1)
		die("opening the shift", kp_msg_text(&err.msg));
	long refunds;
	t0 = now_ms();
	generate(db, n, opened, cashiers, manager, &refunds);
	printf("orders %ld\n", n);
	printf("refunds %ld\n", refunds);
	printf("generate_ms %.0f\n", now_ms() - t0);
	db_close(db);

	/* the reports, on the file as the till opens it */
	if (db_open(path, &db, &err) != STORE_OK)
		die("opening", kp_msg_text(&err.msg));
	db_set_clock(db, bench_clock);
	clock_now = report_day_start(NEXT_DAY) + 3600 + 60;
	{
		sqlite3_stmt *st = prepare(db, "SELECT (SELECT count(*) FROM order_lines),"
		                               " (SELECT count(*) FROM orders WHERE day = ?1)");
		sqlite3_bind_int(st, 1, DAY);
		sqlite3_step(st);
		printf("line_rows %lld\n", (long long)sqlite3_column_int64(st, 0));
		printf("day_orders %lld\n", (long long)sqlite3_column_int64(st, 1));
		sqlite3_finalize(st);
	}
	for (int i = 0; i < REPEAT; i++) {
		t0 = now_ms();
		if (reports_x(db, &p, &r, &err) != STORE_OK)
			die("reports_x", kp_msg_text(&err.msg));
		t[i] = now_ms() - t0;
		if (i == 0) {
			printf("x_first_ms %.2f\n", t[0]);
			printf("x_sales %lld\n", (long long)r.sales_total.count);
			printf("x_unfinished %zu\n", r.n_unfinished);
		}
		report_free(&r);
	}
	printf("x_median_ms %.2f\n", median(t, REPEAT));
	for (int i = 0; i < REPEAT; i++) {
		t0 = now_ms();
		if (reports_day(db, &p, DAY, &r, &err) != STORE_OK)
			die("reports_day", kp_msg_text(&err.msg));
		t[i] = now_ms() - t0;
		if (i == 0)
			printf("day_sales %lld\n", (long long)r.sales_total.count);
		report_free(&r);
	}
	printf("day_median_ms %.2f\n", median(t, REPEAT));
	/* the text, CSV and JSON of the X report */
	if (reports_x(db, &p, &r, &err) != STORE_OK)
		die("reports_x", kp_msg_text(&err.msg));
	for (int i = 0; i < REPEAT; i++) {
		t0 = now_ms();
		char *a = report_text(&r, 42, NULL), *b = report_csv(&r), *c = report_json(&r);
		t[i] = now_ms() - t0;
		free(a);
		free(b);
		free(c);
	}
	report_free(&r);
	printf("formats_median_ms %.2f\n", median(t, REPEAT));
	t0 = now_ms();
	if (reports_verify(db, 1, &err) != STORE_OK)
		die("reports_verify", kp_msg_text(&err.msg));
	printf("verify_ms %.0f\n", now_ms() - t0);

	db_close(db);

	/* Z on a fresh copy each time: it closes the shift */
	snprintf(copy, sizeof copy, "%s.z-copy", path);
	double z[REPEAT_Z];
	for (int i = 0; i < REPEAT_Z; i++) {
		copy_file(path, copy);
		if (db_open(copy, &db, &err) != STORE_OK)
			die("opening the copy", kp_msg_text(&err.msg));
		db_set_clock(db, bench_clock);
		t0 = now_ms();
		int64_t counted = 0; /* an empty drawer: the difference is the whole cash */
		if (report_z_close(db, &p, manager, &counted, &r, &err) != STORE_OK)
			die("report_z_close", kp_msg_text(&err.msg));
		z[i] = now_ms() - t0;
		if (i == 0)
			printf("z_first_ms %.2f\nz_sales %lld\n", z[0], (long long)r.sales_total.count);
		report_free(&r);
		db_close(db);
	}
	printf("z_median_ms %.2f\n", median(z, REPEAT_Z));

	/* journal_move's commit on the big file, in its open shift; then on
	 * the copy without the running totals' triggers, for their cost */
	double med, high;
	if (db_open(path, &db, &err) != STORE_OK)
		die("opening", kp_msg_text(&err.msg));
	db_set_clock(db, bench_clock);
	time_moves(db, 1, "big", &med, &high);
	printf("move_median_ms %.2f\nmove_p99_ms %.2f\n", med, high);
	db_close(db);
	if (db_open(copy, &db, &err) != STORE_OK)
		die("opening the copy", kp_msg_text(&err.msg));
	db_set_clock(db, bench_clock);
	if (shifts_ensure_open(db, 0, &sh, NULL, &err) != STORE_OK)
		die("opening a shift", kp_msg_text(&err.msg));
	exec(db, "DROP TRIGGER report_order_new; DROP TRIGGER report_line_new;"
	         " DROP TRIGGER report_order_move");
	time_moves(db, sh.id, "bare", &med, &high);
	printf("move_bare_median_ms %.2f\nmove_bare_p99_ms %.2f\n", med, high);
	db_close(db);
	unlink(copy);
	printf("db %s\n", path);
	return 0;
}
