/* bench_scale.c — a scale label scanned, to its line in the basket: a
 * catalog of N generated products (every fifth sold by the kg with a
 * PLU) imported into a fresh database under HOME_DIR, then LABELS
 * random weight labels of the demo's rules (22, PLU of 5 digits, grams)
 * each resolved and added as the till's input line does it
 * (app/item.h: the catalog's barcode and SKU looked up first, the label
 * read, its PLU looked up, the line added). Prints "name value" lines.
 * usage: bench_scale HOME_DIR N LABELS */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/i18n.h"
#include "app/item.h"
#include "core/ean.h"
#include "store/catalog.h"
#include "store/db.h"

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

/* An EAN-13 of the given 12 digits and their check digit. */
static void ean13(const char *payload, char out[14])
{
	snprintf(out, 14, "%.12s%d", payload, ean_check_digit(payload, 12));
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: bench_scale HOME_DIR N LABELS\n");
		return 2;
	}
	long n = atol(argv[2]);
	int labels = atoi(argv[3]);
	if (n < 5 || n / 5 > 99999 || labels < 1) {
		fprintf(stderr, "bench_scale: N from 5 to 499999, LABELS at least 1\n");
		return 2;
	}
	store_db *db;
	store_err err;
	if (db_open_home(argv[1], &db, &err) != STORE_OK) {
		fprintf(stderr, "%s\n", kp_msg_text(&err.msg));
		return 1;
	}
	size_t cap = (size_t)n * 160 + 128, len = 0;
	char *csv = malloc(cap);
	if (!csv)
		return 1;
	len += (size_t)snprintf(csv + len, cap - len, "sku,barcode,name_ru,name_kk,unit,price,tax_rate,plu\n");
	srand(7);
	for (long i = 1; i <= n; i++) {
		char payload[16], code[14];
		snprintf(payload, sizeof payload, "487%09ld", i);
		ean13(payload, code);
		bool kg = i % 5 == 0;
		len += (size_t)snprintf(csv + len, cap - len, "SKU-%06ld,%s,Товар %ld,Тауар %ld,%s,%ld,16,", i,
		                        code, i, i, kg ? "кг" : "шт", 100L + rand() % 20000);
		if (kg)
			len += (size_t)snprintf(csv + len, cap - len, "%ld", i / 5);
		len += (size_t)snprintf(csv + len, cap - len, "\n");
	}
	if (catalog_import_buffer(db, csv, len, NULL, NULL, NULL, &err) != STORE_OK) {
		fprintf(stderr, "import: %s\n", kp_msg_text(&err.msg));
		return 1;
	}
	free(csv);

	const struct kp_scale_rules rules = {.weight_prefixes = 1u << 2, .plu_digits = 5,
	                                     .weight_step = 1, .price_step = 100};
	double *ms = malloc((size_t)labels * sizeof *ms);
	struct basket b;
	basket_init(&b);
	if (!ms)
		return 1;
	for (int k = 0; k < labels; k++) {
		char payload[16], code[14], msg[ITEM_MESSAGE_SIZE];
		long plu = 1 + rand() % (n / 5), grams = 1 + rand() % 20000;
		snprintf(payload, sizeof payload, "22%05ld%05ld", plu, grams);
		ean13(payload, code);
		if (b.count == BASKET_LINES_MAX)
			basket_clear(&b);
		struct item it;
		double s = now_ms();
		if (item_resolve(db, &rules, code, &it, msg, sizeof msg) != ITEM_OK ||
		    item_add(&b, &it, NULL, msg, sizeof msg) != BASKET_OK) {
			fprintf(stderr, "label %s: %s\n", code, msg);
			return 1;
		}
		ms[k] = now_ms() - s;
		if (it.weight != grams || it.product.plu != plu) {
			fprintf(stderr, "label %s read wrong\n", code);
			return 1;
		}
	}
	qsort(ms, (size_t)labels, sizeof *ms, cmp_double);
	printf("labels %d\nproducts %ld\nlabel_median_ms %.4f\nlabel_p99_ms %.4f\nlabel_max_ms %.4f\n",
	       labels, n, ms[labels / 2], ms[(size_t)labels * 99 / 100], ms[labels - 1]);
	basket_free(&b);
	free(ms);
	db_close(db);
	return 0;
}
