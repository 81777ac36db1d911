/* bench_fiscal.c — a sale complete to its fiscal receipt registered and
 * printed: N cash sales of two lines journaled in a fresh database under
 * HOME_DIR, each followed at once by what `kaspi-pos fiscal send` does
 * (the request written from the journal, sent to kassa-sandbox at URL
 * over one kept-alive connection, the answer kept) and the printed
 * receipt made and appended to a file printer (ESC/POS, 48 columns).
 * Prints "name value" lines: the median and p99 of the whole step, ms.
 * usage: bench_fiscal HOME_DIR URL N */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/config.h"
#include "app/fiscal.h"
#include "app/i18n.h"
#include "app/print.h"
#include "net/http.h"
#include "store/db.h"
#include "store/journal.h"
#include "store/shifts.h"

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

int main(int argc, char **argv)
{
	if (argc != 4 || atoi(argv[3]) < 1) {
		fprintf(stderr, "usage: bench_fiscal HOME_DIR URL N\n");
		return 2;
	}
	int n = atoi(argv[3]);
	static struct kp_config cfg;
	config_init(&cfg);
	cfg.fiscal.provider = CONFIG_FISCAL_WEBKASSA;
	snprintf(cfg.fiscal.base_url, sizeof cfg.fiscal.base_url, "%s", argv[2]);
	snprintf(cfg.fiscal.api_key, sizeof cfg.fiscal.api_key, "WKD-00000000-0000-0000-0000-000000000000");
	snprintf(cfg.fiscal.login, sizeof cfg.fiscal.login, "demo@kaspi-pos.kz");
	snprintf(cfg.fiscal.password, sizeof cfg.fiscal.password, "demo");
	snprintf(cfg.fiscal.cashbox, sizeof cfg.fiscal.cashbox, "SWK00000001");
	cfg.printer.mode = CONFIG_PRINTER_FILE;
	cfg.printer.width = 48;
	snprintf(cfg.printer.file, sizeof cfg.printer.file, "%s/paper.bin", argv[1]);

	store_db *db;
	store_err err;
	struct shift sh;
	char message[512];
	if (!http_global_init() || db_open_home(argv[1], &db, &err) != STORE_OK ||
	    !fiscal_setup(db, &cfg, message, sizeof message) ||
	    shifts_ensure_open(db, 0, &sh, NULL, &err) != STORE_OK) {
		fprintf(stderr, "bench_fiscal: cannot open the journal\n");
		return 1;
	}
	wk_result res;
	wk_client *c = fiscal_client_new(&cfg, &res);
	double *ms = calloc((size_t)n, sizeof *ms);
	if (!c || !ms) {
		fprintf(stderr, "bench_fiscal: no client: %s\n", kp_msg_text(&res.msg));
		return 1;
	}
	struct journal_line lines[2] = {
		{.quantity = 2, .unit_price = 54990, .tax_rate = 16, .total = 109980},
		{.quantity = 1, .unit_price = 21450, .tax_rate = 16, .total = 21450, .weight = 500,
		 .price_per_unit = 42900},
	};
	snprintf(lines[0].name, sizeof lines[0].name, "Молоко 2,5%% 1 л");
	snprintf(lines[1].name, sizeof lines[1].name, "Сыр Российский весовой");
	snprintf(lines[1].unit, sizeof lines[1].unit, "кг");
	int done = 0;
	for (int i = 0; i < n; i++) {
		struct journal_new o = {.till_id = "T01", .shift_id = sh.id, .method = JOURNAL_CASH,
		                        .amount = 131430};
		struct journal_tender t = {.kind = JOURNAL_CASH, .amount = 131430, .given = 140000,
		                           .change = 8570};
		int64_t id;
		char moid[JOURNAL_ORDER_ID_SIZE], perr[PRINT_ERR_MAX];
		struct fiscal_run run;
		if (journal_record_sale(db, &o, lines, 2, &t, &id, moid, &err) != STORE_OK) {
			fprintf(stderr, "bench_fiscal: %s\n", kp_msg_text(&err.msg));
			break;
		}
		double t0 = now_ms();
		struct receipt r;
		if (!fiscal_send_pending(db, &cfg, c, 10000, &run, message, sizeof message) ||
		    run.registered != 1 || receipts_of_sale(db, id, &r, &err) != STORE_OK) {
			fprintf(stderr, "bench_fiscal: %s %s\n", message, kp_msg_text(&run.why));
			break;
		}
		char *text = fiscal_receipt_text(db, &cfg, &r, false);
		if (!text || print_text(&cfg, text, perr, sizeof perr) != PRINT_OK) {
			free(text);
			break;
		}
		free(text);
		ms[done++] = now_ms() - t0;
	}
	if (done < n)
		fprintf(stderr, "bench_fiscal: stopped after %d of %d\n", done, n);
	qsort(ms, (size_t)done, sizeof *ms, cmp_double);
	printf("receipts %d\n", done);
	printf("receipt_median_ms %.2f\n", done ? ms[done / 2] : 0.0);
	printf("receipt_p99_ms %.2f\n", done ? ms[(int)(done * 0.99) < done ? (int)(done * 0.99) : done - 1] : 0.0);
	wk_client_free(c);
	db_close(db);
	free(ms);
	return done == n ? 0 : 1;
}
