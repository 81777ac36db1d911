/* cmd_pay.c — the headless payment commands, through the same payflow as
 * the till: `charge` (one payment, QR printed, wait for the outcome),
 * `status` (the journal's and the server's view of one order) and
 * `reconcile` (settle every unfinished order). */
#include <errno.h>
#include <langinfo.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "app/apiclient.h"
#include "app/i18n.h"
#include "app/payflow.h"
#include "app/push.h"
#include "app/report_fmt.h"
#include "app/worker.h"
#include "cli/cli.h"
#include "cli/cli_approve.h"
#include "cli/cli_fiscal.h"
#include "cli/cli_pay.h"
#include "cli/cli_store.h"
#include "core/clock.h"
#include "core/money.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "core/validate.h"
#include "store/journal.h"
#include "store/refunds.h"
#include "store/shifts.h"
#include "tui/qr.h"

/* A create that cannot get through for this long is left to reconcile. */
#define CHARGE_CREATE_GIVE_UP_MS 120000
/* reconcile waits at most this long for answers */
#define RECONCILE_DEADLINE_MS 30000

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* One wait of the command loop: poll the worker's fd until the next
 * request is due (at most max_ms), then apply every result. Returns the
 * changes of the last result applied in *ch (ch->n = 0 if none). */
static void wait_and_apply(struct payflow *pf, struct worker *w, push_thread *push, long max_ms,
                           void (*on_change)(void *arg, const struct payflow_change *c,
                                             const struct worker_result *r),
                           void *arg)
{
	long due = payflow_tick(pf);
	long timeout = due >= 0 && due < max_ms ? due : max_ms;
	struct pollfd p[2] = {{.fd = worker_fd(w), .events = POLLIN},
	                      {.fd = push_fd(push), .events = POLLIN}};
	if (poll(p, 2, (int)timeout) <= 0)
		return;
	if (p[1].revents & POLLIN) {
		push_apply(push, pf); /* a pushed payment: its status goes out now */
		payflow_tick(pf);
	}
	struct worker_result *r;
	struct payflow_changes ch;
	while (worker_take(w, &r)) {
		if (payflow_apply(pf, r, &ch) && on_change) {
			if (ch.n == 0)
				on_change(arg, NULL, r);
			for (size_t i = 0; i < ch.n; i++)
				on_change(arg, &ch.c[i], r);
		}
		worker_result_free(r);
	}
}

/* ---- charge ---------------------------------------------------------------- */

struct charge {
	struct payflow *pf;
	store_db *db;
	int64_t order_id;
	bool shown;            /* the QR or the phone note is printed */
	bool scanned;
	bool no_wait;
	bool done;
	int rc;
	bool tty;
};

/* Whether img fits the terminal standard output is (anything else: a
 * file, a pipe, takes it whole); else *cols × *rows is its size. */
static bool qr_fits_stdout(const struct qr_image *img, int *cols, int *rows)
{
	struct winsize ws;
	if (!isatty(STDOUT_FILENO) || ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0)
		return true;
	*cols = ws.ws_col, *rows = ws.ws_row;
	/* the order's two lines and the link stay in sight below it */
	return img->cols <= ws.ws_col && img->rows + 3 <= ws.ws_row;
}

static void charge_show(struct charge *c, const struct journal_order *o)
{
	char sum[48], err[160];
	money_format(sum, sizeof sum, o->amount);
	printf("%s %s  %s\n", _("order"), o->merchant_order_id, sum);
	printf("%s %s\n", _("payment"), o->payment_id);
	if (o->method == JOURNAL_QR && o->qr_token[0]) {
		struct qr_image img;
		bool utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
		int cols = 0, rows = 0;
		if (qr_render(o->qr_token, utf8, &img, err, sizeof err)) {
			if (!qr_fits_stdout(&img, &cols, &rows))
				/* a code cut by the terminal's edge would not scan */
				fprintf(stderr, _("kaspi-pos: the terminal (%d×%d) is too small for the QR (%d×%d): "
				                  "the payment link is below\n"),
				        cols, rows, img.cols, img.rows + 3);
			else if (!qr_print(stdout, &img, QR_COLOUR_AUTO))
				fprintf(stderr, "kaspi-pos: %s\n", _("the QR could not be written to the terminal"));
			qr_free(&img);
		} else {
			fprintf(stderr, "%s\n", err);
		}
		/* the QR encodes the server's token exactly; the line shows it safe */
		char token[KP_TEXT_SAFE_SIZE(sizeof o->qr_token)];
		kp_text_safe(token, sizeof token, o->qr_token);
		printf("%s\n", token);
	} else if (o->method == JOURNAL_PHONE) {
		printf(_("a payment request went to %s: the buyer confirms it in the Kaspi app\n"),
		       o->payer_phone);
	}
	fflush(stdout);
	c->shown = true;
}

static void charge_change(void *arg, const struct payflow_change *ch, const struct worker_result *r)
{
	struct charge *c = arg;
	struct journal_order o;
	store_err err;

	(void)r;
	if (!ch || ch->order_id != c->order_id)
		return;
	if (journal_get(c->db, c->order_id, &o, &err) != STORE_OK)
		return;
	if (!c->shown && o.payment_id[0] &&
	    (o.state == JOURNAL_PENDING || journal_state_final(o.state))) {
		/* a replayed create may answer with a payment already over */
		charge_show(c, &o);
		if (c->no_wait && o.state == JOURNAL_PENDING) {
			c->done = true;
			c->rc = 0;
			return;
		}
	}
	if (ch->scanned_now && !c->scanned) {
		c->scanned = true;
		fprintf(stderr, "%s%s\n", c->tty ? "\r" : "", _("scanned: the buyer is confirming"));
	}
	if (ch->message[0] && !ch->moved)
		fprintf(stderr, "%s%s: %s\n", c->tty ? "\r" : "", _("retrying"), ch->message);
	if (!ch->moved || !journal_state_final(ch->to))
		return;
	if (c->tty)
		fprintf(stderr, "\r%20s\r", "");
	c->done = true;
	switch (ch->to) {
	case JOURNAL_SUCCEEDED:
		printf("%s\n", _("paid"));
		c->rc = EXIT_PAID_OK;
		break;
	case JOURNAL_CANCELLED:
		printf("%s\n", _("declined"));
		c->rc = EXIT_DECLINED;
		break;
	case JOURNAL_EXPIRED:
		printf("%s\n", _("expired"));
		c->rc = EXIT_DECLINED;
		break;
	default:
		if (ch->refused) {
			fprintf(stderr, "%s\n", ch->message);
			c->rc = EXIT_API;
		} else {
			printf("%s\n", _("failed"));
			c->rc = EXIT_DECLINED;
		}
		break;
	}
}

void cli_say_paid_parts(const char *moid, const struct sale_paid_part *paid, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char sum[48];
		money_format(sum, sizeof sum, paid[i].amount);
		fprintf(stderr,
		        _("kaspi-pos: sale %s was not finished: its Kaspi part %s paid %s; refund it with "
		          "kaspi-pos refund %s\n"),
		        moid, paid[i].merchant_order_id, sum, paid[i].merchant_order_id);
	}
}

bool cli_pay_interrupted(void)
{
	return interrupted != 0;
}

int cli_wait_payment(struct payflow *pf, struct worker *w, store_db *db, int64_t order_id,
                     bool no_wait)
{
	store_err err;
	struct charge cs = {.pf = pf, .db = db, .order_id = order_id, .no_wait = no_wait,
	                    .rc = EXIT_API, .tty = isatty(STDERR_FILENO)};
	struct charge *c = &cs;
	signal(SIGINT, on_interrupt);
	signal(SIGTERM, on_interrupt);
	int64_t started = kp_mono_ms();
	time_t last_tick = 0;
	/* the hub's push, when [hub] url and token are set: the payment seen
	 * the moment it is made, polling slowed to a safety net */
	push_thread *push = no_wait ? NULL : push_start(pf->cfg);
	while (!c->done) {
		wait_and_apply(pf, w, push, 250, charge_change, c);
		const struct payflow_watch *o = payflow_find(pf, c->order_id);
		if (c->done)
			break;
		if (!o) { /* settled without a change we saw (another process) */
			struct journal_order j;
			if (journal_get(db, c->order_id, &j, &err) == STORE_OK && journal_state_final(j.state)) {
				c->rc = j.state == JOURNAL_SUCCEEDED ? EXIT_PAID_OK : EXIT_DECLINED;
				break;
			}
		}
		bool creating = o && o->j.state == JOURNAL_CREATING;
		if (interrupted || (creating && kp_mono_ms() - started > CHARGE_CREATE_GIVE_UP_MS)) {
			struct payflow_changes ch;
			bool known = o && o->j.payment_id[0];
			if (!payflow_abandon(pf, c->order_id, 0, &ch))
				fprintf(stderr, "%s%s\n", c->tty ? "\r" : "",
				        _("the order could not be marked as given up: kaspi-pos reconcile settles it"));
			fprintf(stderr, "%s%s\n", c->tty ? "\r" : "",
			        !interrupted ? _("no answer from the server: the order stays in the journal; "
			                         "kaspi-pos reconcile settles it")
			        : known ? _("given up: a cancel goes to the server; kaspi-pos reconcile settles the rest")
			                : _("given up before the server answered: kaspi-pos reconcile settles it"));
			/* let the cancel go out */
			for (int i = 0; i < 12 && payflow_find(pf, c->order_id); i++)
				wait_and_apply(pf, w, push, 250, NULL, NULL);
			c->rc = interrupted ? EXIT_DECLINED : EXIT_API;
			break;
		}
		if (c->tty && c->shown && o && time(NULL) != last_tick) {
			long left = payflow_seconds_left(pf, &o->j, time(NULL));
			last_tick = time(NULL);
			if (left >= 0)
				fprintf(stderr, "\r%s %02ld:%02ld ", _("waiting"), left / 60, left % 60);
		}
	}
	push_stop(push, 300);
	payflow_set_push(pf, false); /* the next wait's schedule is polling's until its stream */
	return c->rc;
}

static int charge_usage(void)
{
	return cli_usage("charge");
}

int cmd_charge(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *amount_text = NULL, *phone = NULL, *description = NULL;
	char phone_buf[KP_PHONE_SIZE];
	enum journal_method method = JOURNAL_QR;
	bool no_wait = false;
	int64_t amount;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--method") == 0 && i + 1 < argc) {
			const char *m = argv[++i];
			if (strcmp(m, "qr") == 0)
				method = JOURNAL_QR;
			else if (strcmp(m, "phone") == 0)
				method = JOURNAL_PHONE;
			else
				return charge_usage();
		} else if (strcmp(argv[i], "--phone") == 0 && i + 1 < argc) {
			phone = argv[++i];
		} else if (strcmp(argv[i], "--description") == 0 && i + 1 < argc) {
			description = argv[++i];
		} else if (strcmp(argv[i], "--no-wait") == 0) {
			no_wait = true;
		} else if (argv[i][0] == '-' && !(argv[i][1] >= '0' && argv[i][1] <= '9')) {
			return charge_usage();
		} else if (!amount_text) {
			amount_text = argv[i];
		} else {
			return charge_usage();
		}
	}
	if (!amount_text)
		return charge_usage();
	if (!money_parse_tenge(amount_text, &amount) || amount < KP_AMOUNT_MIN || amount > KP_AMOUNT_MAX) {
		fprintf(stderr, "kaspi-pos: %s: \"%s\"\n",
		        _("the amount must be tenge from 0,01 to 1 000 000, like 1500, 1500.50 or 1500,50"),
		        amount_text);
		return EXIT_USAGE;
	}
	if (phone && !kp_phone_normalize(phone, phone_buf, sizeof phone_buf)) {
		fprintf(stderr, "kaspi-pos: %s: \"%s\"\n",
		        _("the phone is 10 digits after +7 or 8, like +7 705 123 45 67 or 8 705 123 45 67"),
		        phone);
		return EXIT_USAGE;
	}
	if (phone)
		phone = phone_buf; /* +77XXXXXXXXX */
	if (phone && method != JOURNAL_PHONE)
		method = JOURNAL_PHONE;
	if (method == JOURNAL_PHONE && !phone) {
		fprintf(stderr, "kaspi-pos: %s\n", _("--method phone needs --phone +77XXXXXXXXX"));
		return EXIT_USAGE;
	}

	int rc;
	store_db *db = cli_store_open(ctx, &rc);
	if (!db)
		return rc;
	if ((rc = cli_fiscal_gate(ctx, db)) != 0) {
		db_close(db);
		return rc;
	}
	store_err err;
	struct shift shift;
	if (shifts_ensure_open(db, 0, &shift, NULL, &err) != STORE_OK) {
		fprintf(stderr, "kaspi-pos: %s\n", kp_msg_text(&err.msg));
		db_close(db);
		return cli_store_exit(err.status);
	}
	struct worker *w = worker_start(&ctx->cfg);
	if (!w) {
		fprintf(stderr, "kaspi-pos: %s\n", _("cannot start the network thread"));
		db_close(db);
		return EXIT_API;
	}
	struct payflow pf;
	char message[PAYFLOW_MESSAGE_SIZE];
	struct charge c = {.pf = &pf, .db = db, .no_wait = no_wait, .rc = EXIT_API,
	                   .tty = isatty(STDERR_FILENO)};
	payflow_init(&pf, db, w, &ctx->cfg, &kp_clock_system);
	if (!payflow_start_amount(&pf, amount, description, method, phone, 0, shift.id, &c.order_id,
	                          message, sizeof message)) {
		fprintf(stderr, "kaspi-pos: %s\n", message);
		c.rc = EXIT_USAGE;
		goto out;
	}
	c.rc = cli_wait_payment(&pf, w, db, c.order_id, no_wait);
	if (c.rc == EXIT_PAID_OK && !no_wait)
		(void)cli_fiscal_send(ctx, db, CLI_FISCAL_BUDGET_MS);
out:
	worker_stop(w, 500);
	payflow_free(&pf);
	db_close(db);
	return c.rc;
}

/* ---- status ---------------------------------------------------------------- */

/* The labels of `status`, N_() msgids: their column is as wide as the
 * widest translation. */
static const char *const status_labels[] = {
	N_("order"), N_("state"), N_("server"), N_("amount"), N_("method"), N_("payment"),
	N_("created"), N_("expires"), N_("create sends"), N_("last error"), N_("refunded"),
	N_("status"),
};

/* The server's payment states in the words of the journal's labels. */
static const char *const server_state_labels[] = {
	[XPAY_STATE_PENDING] = N_("waiting"),   [XPAY_STATE_SUCCEEDED] = N_("paid"),
	[XPAY_STATE_CANCELLED] = N_("declined"), [XPAY_STATE_FAILED] = N_("failed"),
	[XPAY_STATE_EXPIRED] = N_("expired"),
};

/* The server's payment events (xpay_event_type), as a cashier says them. */
static const char *const server_event_labels[] = {
	[XPAY_EV_CREATED] = N_("created"),     [XPAY_EV_SCANNED] = N_("QR scanned"),
	[XPAY_EV_COMPLETED] = N_("paid"),      [XPAY_EV_CANCELLED] = N_("declined"),
	[XPAY_EV_FAILED] = N_("failed"),       [XPAY_EV_EXPIRED] = N_("expired"),
	[XPAY_EV_REFUNDED] = N_("refunded"),
};

/* Characters of the widest translated label. */
static int label_width(void)
{
	long w = 0;
	for (size_t i = 0; i < sizeof status_labels / sizeof *status_labels; i++) {
		long n = kp_utf8_length(_(status_labels[i]));
		if (n > w)
			w = n;
	}
	return (int)w;
}

/* "  LABEL  value": the label (a msgid) translated and padded to width
 * characters. */
static void print_field(int width, const char *label, const char *value)
{
	const char *text = _(label);
	long pad = width - kp_utf8_length(text);
	printf("  %s%*s  %s\n", text, pad > 0 ? (int)pad : 0, "", value);
}

/* An Almaty time (the one a person reads) as "YYYY-MM-DD HH:MM:SS". */
static void local_time(char *buf, size_t size, time_t t)
{
	kp_almaty_strftime(buf, size, "%Y-%m-%d %H:%M:%S", t);
}

static void print_time(int width, const char *label, time_t t)
{
	char buf[32];
	if (t <= 0)
		return;
	local_time(buf, sizeof buf, t);
	print_field(width, label, buf);
}

/* text padded with spaces to width characters. */
static void print_padded(const char *text, int width)
{
	long pad = width - kp_utf8_length(text);
	printf("%s%*s", text, pad > 0 ? (int)pad : 0, "");
}

int cmd_status(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc != 1)
		return cli_usage("status");
	int rc;
	store_db *db = cli_store_open(ctx, &rc);
	if (!db)
		return rc;
	struct journal_order o;
	store_err err;
	char sum[48], value[320];
	const char *payment_id = argv[0];
	int width = label_width();
	store_status st = journal_find(db, argv[0], &o, &err);
	if (st == STORE_OK) {
		money_format(sum, sizeof sum, o.amount);
		printf("%s\n", _("journal:"));
		print_field(width, N_("order"), o.merchant_order_id);
		print_field(width, N_("state"), _(journal_order_label(&o)));
		if (o.server_unknown) {
			char since[32];
			local_time(since, sizeof since, o.unknown_since);
			snprintf(value, sizeof value, "%s (%s %s)", _("unknown to the server"), _("since"), since);
			print_field(width, N_("server"), value);
		}
		print_field(width, N_("amount"), sum);
		snprintf(value, sizeof value, "%s%s%s", _(report_method_label(o.method)),
		         o.payer_phone[0] ? " " : "", o.payer_phone);
		print_field(width, N_("method"), value);
		print_field(width, N_("payment"), o.payment_id[0] ? o.payment_id : "—");
		print_time(width, N_("created"), o.created_at);
		print_time(width, N_("expires"), o.expires_at);
		snprintf(value, sizeof value, "%d", o.attempts);
		print_field(width, N_("create sends"), value);
		/* journal texts came from servers; a translation may be longer than its msgid */
		char text[KP_TEXT_SAFE_SIZE(3 * JOURNAL_TEXT_SIZE)];
		if (o.last_error[0]) {
			kp_text_safe(text, sizeof text, kp_msg_text_packed(o.last_error));
			print_field(width, N_("last error"), text);
		}
		if (o.refunded_amount) {
			money_format(sum, sizeof sum, o.refunded_amount);
			print_field(width, N_("refunded"), sum);
		}
		struct journal_event *ev = NULL;
		size_t n = 0;
		if (journal_events(db, o.id, &ev, &n, &err) == STORE_OK) {
			for (size_t i = 0; i < n; i++) {
				char at[32];
				local_time(at, sizeof at, ev[i].at);
				kp_text_safe(text, sizeof text, kp_msg_text_packed(ev[i].detail));
				if (ev[i].kind == JOURNAL_EVENT_STATE) {
					printf("  %s  → ", at);
					print_padded(_(journal_state_label(ev[i].to)), 12);
					printf(" %s\n", text);
				} else {
					printf("  %s    %s\n", at, text);
				}
			}
			free(ev);
		}
		payment_id = o.payment_id;
	} else if (st != STORE_NOT_FOUND) {
		fprintf(stderr, "kaspi-pos: %s\n", kp_msg_text(&err.msg));
		db_close(db);
		return cli_store_exit(st);
	} else if (strncmp(argv[0], "pay_", 4) != 0) {
		fprintf(stderr, "kaspi-pos: %s \"%s\"\n", _("no order in the journal is"), argv[0]);
		db_close(db);
		return EXIT_USAGE;
	} else {
		printf("%s\n", _("journal: no such order (asking the server)"));
	}
	db_close(db);
	if (!payment_id[0])
		return 0; /* the server never answered its create: nothing to ask */

	xpay_result res;
	xpay_payment p;
	xpay_client *client = apiclient_new(&ctx->cfg, ctx->debug ? stderr : NULL, &res);
	if (!client || xpay_payment_get(client, payment_id, &p, &res) != XPAY_OK) {
		fprintf(stderr, "%s %s\n", _("server:"), kp_msg_text(&res.msg));
		xpay_client_free(client);
		return EXIT_API;
	}
	xpay_client_free(client);
	money_format(sum, sizeof sum, p.amount);
	printf("%s\n", _("server:"));
	/* a state this till does not know is shown as sent (made safe by net/xpay.c) */
	print_field(width, N_("status"), p.status != XPAY_STATE_UNKNOWN
	                                     ? _(server_state_labels[p.status]) : p.status_text);
	print_field(width, N_("amount"), sum);
	money_format(sum, sizeof sum, p.refunded_amount);
	print_field(width, N_("refunded"), sum);
	print_time(width, N_("created"), p.created_at);
	print_time(width, N_("expires"), p.expires_at);
	for (size_t i = 0; i < p.n_events; i++) {
		char at[32];
		local_time(at, sizeof at, p.events[i].at);
		printf("  %s  %s\n", at, _(server_event_labels[p.events[i].type]));
	}
	return 0;
}

/* ---- reconcile ------------------------------------------------------------- */

struct settle {
	store_db *db;
	struct payflow *pf;
	int64_t *ids;          /* the orders taken at the start */
	bool *answered;        /* the server said something definite about it */
	enum journal_state *before;
	size_t n;
	int errors;
};

static void settle_change(void *arg, const struct payflow_change *ch, const struct worker_result *r)
{
	struct settle *s = arg;
	if (ch && ch->refund_row && ch->refund_to != REFUND_PENDING) {
		struct refund f;
		struct journal_order o;
		store_err err;
		if (refunds_get(s->db, ch->refund_row, &f, &err) == STORE_OK &&
		    journal_get(s->db, f.order_id, &o, &err) == STORE_OK)
			printf("%s: %s → %s (%s %s %s)\n", f.merchant_refund_id,
			       _(refunds_state_label(REFUND_PENDING)), _(refunds_state_label(f.state)),
			       _("order"), o.merchant_order_id, _(journal_order_label(&o)));
		return;
	}
	for (size_t i = 0; i < s->n; i++) {
		if (s->ids[i] != r->tag)
			continue;
		if (r->res.kind == XPAY_OK || r->res.kind == XPAY_UNSUPPORTED || !xpay_result_retryable(&r->res)) {
			/* an abandoned order whose payment was just found still has
			 * its cancel to send: not settled until that is answered */
			const struct payflow_watch *w = payflow_find(s->pf, s->ids[i]);
			if (!(w && w->j.state == JOURNAL_ABANDONED && w->j.payment_id[0] && !w->cancel_asked))
				s->answered[i] = true;
		}
		if (ch && ch->moved) {
			struct journal_order o;
			store_err err;
			if (journal_get(s->db, ch->order_id, &o, &err) == STORE_OK)
				printf("%s: %s → %s\n", o.merchant_order_id, _(journal_state_label(ch->from)),
				       _(journal_state_label_given_up(ch->to, o.given_up)));
		}
	}
}

/* `reconcile --close ORDER --reason TEXT [--user NAME]`: a manager closes
 * an order the server does not know as failed. The order must be marked
 * unknown to the server (else exit 1, no PIN asked); then the PIN; then
 * the move. */
static int reconcile_close(struct cli_ctx *ctx, const char *target, const char *reason,
                           const char *user)
{
	int rc;
	store_db *db = cli_store_open(ctx, &rc);
	if (!db)
		return rc;
	store_err err;
	struct journal_order o;
	store_status st = journal_find(db, target, &o, &err);
	if (st != STORE_OK) {
		fprintf(stderr, "kaspi-pos: %s\n", kp_msg_text(&err.msg));
		db_close(db);
		return cli_store_exit(st);
	}
	if (!o.server_unknown || !journal_state_server_open(o.state)) {
		fprintf(stderr, "kaspi-pos: %s %s (%s)\n", o.merchant_order_id,
		        _("is not unknown to the server: kaspi-pos reconcile settles it with the server"),
		        _(journal_order_label(&o)));
		db_close(db);
		return EXIT_DECLINED;
	}
	int64_t manager = 0;
	if ((rc = cli_approve_manager(db, user, _("nothing was closed"), &manager)) != 0) {
		db_close(db);
		return rc;
	}
	struct payflow pf;
	struct payflow_changes ch;
	char message[PAYFLOW_MESSAGE_SIZE];
	payflow_init(&pf, db, NULL, &ctx->cfg, &kp_clock_system);
	if (!payflow_close_unknown(&pf, o.id, manager, reason, &ch, message, sizeof message)) {
		fprintf(stderr, "kaspi-pos: %s\n", message);
		rc = EXIT_DECLINED;
	} else {
		printf("%s: %s → %s (%s)\n", o.merchant_order_id, _(journal_order_label(&o)),
		       _(journal_state_label(JOURNAL_FAILED)), _("closed by a manager: unknown to the server"));
		rc = 0;
	}
	payflow_free(&pf);
	db_close(db);
	return rc;
}

/* Split sales left pending (a crash before their parts were all taken):
 * once no part is open on the server, given up, the paid parts named. A
 * sale whose lock another process holds is being paid there (the till's
 * tender screen, another kaspi-pos sale): left to it (app/sale.h). */
static void reconcile_splits(store_db *db)
{
	struct journal_order *sales = NULL;
	size_t n = 0;
	char message[SALE_LOCK_PATH_MAX + 256];
	if (!sale_pending_splits(db, &sales, &n, message, sizeof message)) {
		fprintf(stderr, "kaspi-pos: %s\n", message);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct sale_paid_part paid[JOURNAL_PART_TRIES_MAX];
		size_t n_paid = 0;
		struct sale_lock lock = SALE_LOCK_NONE;
		struct journal_order now;
		store_err err;
		const struct journal_order *o = &sales[i];
		enum sale_lock_try lt = sale_lock_try(db, o->merchant_order_id, &lock, message,
		                                      sizeof message);
		if (lt == SALE_LOCK_BUSY) {
			printf(_("%s: being paid on another till process: left to it\n"),
			       o->merchant_order_id);
			continue;
		}
		if (lt != SALE_LOCK_TAKEN) {
			fprintf(stderr, "kaspi-pos: %s: %s\n", o->merchant_order_id, message);
			continue;
		}
		/* its payer may have settled it between the list and the lock */
		if (journal_get(db, o->id, &now, &err) != STORE_OK || now.state != JOURNAL_PENDING) {
			sale_lock_release(&lock, true);
			continue;
		}
		if (!sale_give_up_split(db, o->id, 0, paid, JOURNAL_PART_TRIES_MAX, &n_paid, message,
		                        sizeof message)) {
			printf("%s: %s\n", o->merchant_order_id, message);
			sale_lock_release(&lock, false);
			continue;
		}
		sale_lock_release(&lock, true);
		printf(_("%s: the sale was not finished: given up\n"), o->merchant_order_id);
		cli_say_paid_parts(o->merchant_order_id, paid, n_paid);
	}
	free(sales);
}

int cmd_reconcile(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *close_id = NULL, *reason = NULL, *user = NULL;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--close") == 0 && i + 1 < argc)
			close_id = argv[++i];
		else if (strcmp(argv[i], "--reason") == 0 && i + 1 < argc)
			reason = argv[++i];
		else if (strcmp(argv[i], "--user") == 0 && i + 1 < argc)
			user = argv[++i];
		else
			return cli_usage("reconcile");
	}
	if (close_id || reason || user) {
		if (!close_id || !reason || !reason[0])
			return cli_usage("reconcile");
		return reconcile_close(ctx, close_id, reason, user);
	}
	int rc;
	store_db *db = cli_store_open(ctx, &rc);
	if (!db)
		return rc;
	struct worker *w = worker_start(&ctx->cfg);
	if (!w) {
		fprintf(stderr, "kaspi-pos: %s\n", _("cannot start the network thread"));
		db_close(db);
		return EXIT_API;
	}
	struct payflow pf;
	char message[PAYFLOW_MESSAGE_SIZE];
	payflow_init(&pf, db, w, &ctx->cfg, &kp_clock_system);
	size_t n = payflow_resume(&pf, message, sizeof message);
	if (message[0]) {
		fprintf(stderr, "kaspi-pos: %s\n", message);
		rc = EXIT_STORE;
		goto out;
	}
	struct settle s = {.db = db, .pf = &pf, .n = n};
	size_t n_refunds = payflow_refunds_watching(&pf);
	int64_t *refund_rows = calloc(n_refunds ? n_refunds : 1, sizeof *refund_rows);
	s.ids = calloc(n ? n : 1, sizeof *s.ids);
	s.answered = calloc(n ? n : 1, sizeof *s.answered);
	s.before = calloc(n ? n : 1, sizeof *s.before);
	if (!s.ids || !s.answered || !s.before || !refund_rows) {
		rc = EXIT_STORE;
		goto done;
	}
	/* the orders and the refunds still refund_pending, taken by payflow_resume */
	for (size_t i = 0, k = 0, f = 0; i < pf.n; i++) {
		const struct payflow_watch *e = &pf.watch[i];
		if (e->kind == PAYFLOW_ORDER && k < n) {
			s.ids[k] = e->j.id;
			s.before[k++] = e->j.state;
		} else if (e->kind == PAYFLOW_REFUND && f < n_refunds) {
			refund_rows[f++] = e->r.id;
		}
	}
	int64_t deadline = kp_mono_ms() + RECONCILE_DEADLINE_MS;
	for (;;) {
		size_t open = 0;
		for (size_t i = 0; i < n; i++)
			if (!s.answered[i] && payflow_find(&pf, s.ids[i]))
				open++;
		for (size_t i = 0; i < n_refunds; i++) {
			const struct payflow_watch *f = payflow_find_refund(&pf, refund_rows[i]);
			if (f && !f->stalled)
				open++;
		}
		if (open == 0 || kp_mono_ms() > deadline)
			break;
		wait_and_apply(&pf, w, NULL, 500, settle_change, &s);
	}
	size_t settled = 0, live = 0, unreachable = 0, unknown = 0;
	for (size_t i = 0; i < n; i++) {
		struct journal_order o;
		store_err err;
		if (journal_get(db, s.ids[i], &o, &err) != STORE_OK)
			continue;
		if (!journal_state_server_open(o.state)) {
			settled++;
		} else if (o.server_unknown) {
			char since[32];
			local_time(since, sizeof since, o.unknown_since);
			printf("%s: %s %s (%s)\n", o.merchant_order_id, _("unknown to the server since"),
			       since, _(journal_order_label(&o)));
			unknown++;
		} else if (s.answered[i]) {
			live++;
		} else {
			unreachable++;
		}
	}
	printf(_("reconcile: %zu unfinished, %zu settled, %zu still open on the server, %zu not reached\n"),
	       n, settled, live, unreachable);
	if (unknown)
		printf(_("reconcile: %zu unknown to the server: a manager closes each with kaspi-pos "
		         "reconcile --close ORDER_ID --reason TEXT\n"),
		       unknown);
	size_t refunded = 0, refund_failed = 0, refund_pending = 0;
	for (size_t i = 0; i < n_refunds; i++) {
		struct refund f;
		store_err err;
		if (refunds_get(db, refund_rows[i], &f, &err) != STORE_OK)
			continue;
		refunded += f.state == REFUND_REFUNDED;
		refund_failed += f.state == REFUND_FAILED;
		refund_pending += f.state == REFUND_PENDING;
	}
	if (n_refunds)
		printf(_("reconcile: %zu refunds pending, %zu refunded, %zu refused, %zu still pending\n"),
		       n_refunds, refunded, refund_failed, refund_pending);
	rc = unreachable || unknown || refund_pending ? EXIT_API : 0;
	reconcile_splits(db);
	if (cli_fiscal_send(ctx, db, RECONCILE_DEADLINE_MS) != 0)
		rc = EXIT_API;
done:
	free(refund_rows);
	free(s.ids);
	free(s.answered);
	free(s.before);
out:
	worker_stop(w, 500);
	payflow_free(&pf);
	db_close(db);
	return rc;
}
