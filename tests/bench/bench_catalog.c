/* bench_catalog.c — the catalog at shop scale: generates N products
 * (Russian and Kazakh names, valid EAN-13), imports them into a fresh
 * database under HOME_DIR, then times barcode lookups and name prefix
 * searches as the till runs them. Prints "name value" lines.
 * usage: bench_catalog HOME_DIR N */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/i18n.h"
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

static const char *const ru_words[] = {"Молоко", "Сахар", "Хлеб", "Масло", "Сыр", "Чай", "Кофе",
	"Рис", "Мука", "Соль", "Йогурт", "Кефир", "Шоколад", "Печенье", "Сок", "Вода", "Мыло",
	"Шампунь", "Наушники", "Кабель", "Зарядка", "Лампа", "Батарейка", "Смартфон"};
static const char *const kk_words[] = {"Сүт", "Қант", "Нан", "Май", "Ірімшік", "Шай", "Кофе",
	"Күріш", "Ұн", "Тұз", "Йогурт", "Айран", "Шоколад", "Печенье", "Шырын", "Су", "Сабын",
	"Сусабын", "Құлаққап", "Кабель", "Зарядтағыш", "Шам", "Батарея", "Смартфон"};
#define NWORDS (sizeof ru_words / sizeof *ru_words)
static const char *const brands[] = {"Food Master", "Рахат", "Баян Сулу", "Adal", "Samsung",
	"Xiaomi", "Tassay", "Шин-Лайн", "Sembol", "Qazaq"};

static void make_barcode(long i, char out[14])
{
	char payload[32];
	snprintf(payload, sizeof payload, "487%09ld", i % 1000000000L);
	payload[12] = '\0';
	snprintf(out, 14, "%.12s%d", payload, ean_check_digit(payload, 12));
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: bench_catalog HOME_DIR N\n");
		return 2;
	}
	long n = atol(argv[2]);
	store_db *db;
	store_err err;
	if (db_open_home(argv[1], &db, &err) != STORE_OK) {
		fprintf(stderr, "%s\n", kp_msg_text(&err.msg));
		return 1;
	}

	/* the CSV, as a shop's export would give it */
	size_t cap = (size_t)n * 200 + 128, len = 0;
	char *csv = malloc(cap);
	if (!csv)
		return 1;
	len += (size_t)snprintf(csv + len, cap - len, "sku,barcode,name_ru,name_kk,unit,price,tax_rate\n");
	srand(42);
	for (long i = 1; i <= n; i++) {
		char code[14];
		size_t w = (size_t)i % NWORDS;
		make_barcode(i, code);
		len += (size_t)snprintf(csv + len, cap - len, "SKU-%06ld,%s,%s %s %ld,%s %s %ld,шт,%ld.%02ld,%d\n",
		                        i, code, ru_words[w], brands[i % 10], i, kk_words[w], brands[i % 10],
		                        i, 100L + rand() % 50000, (long)(rand() % 100),
		                        (int[]){16, 16, 16, 10, 5, 0, 12}[i % 7]);
	}
	struct catalog_import_stats stats;
	double t0 = now_ms();
	if (catalog_import_buffer(db, csv, len, NULL, NULL, &stats, &err) != STORE_OK) {
		fprintf(stderr, "import: %s\n", kp_msg_text(&err.msg));
		return 1;
	}
	printf("import_ms %.0f\n", now_ms() - t0);
	free(csv);

	enum { LOOKUPS = 20000, SEARCHES = 2000 };
	static double ms[LOOKUPS];
	struct kp_product p;
	for (int i = 0; i < LOOKUPS; i++) {
		char code[14];
		make_barcode(1 + rand() % n, code);
		double s = now_ms();
		if (catalog_by_barcode(db, code, &p, &err) != STORE_OK) {
			fprintf(stderr, "lookup %s failed\n", code);
			return 1;
		}
		ms[i] = now_ms() - s;
	}
	qsort(ms, LOOKUPS, sizeof *ms, cmp_double);
	printf("lookup_median_ms %.4f\nlookup_p99_ms %.4f\n", ms[LOOKUPS / 2], ms[LOOKUPS * 99 / 100]);

	/* prefixes of 3–5 letters of a word, Russian and Kazakh, as typed */
	static struct kp_product found[50];
	for (int i = 0; i < SEARCHES; i++) {
		const char *word = (i & 1 ? kk_words : ru_words)[rand() % NWORDS];
		char prefix[32];
		int chars = 3 + rand() % 3, bytes = 0;
		for (int c = 0; c < chars && word[bytes]; c++) {
			bytes++;
			while ((word[bytes] & 0xc0) == 0x80)
				bytes++;
		}
		snprintf(prefix, sizeof prefix, "%.*s", bytes, word);
		int count = 0;
		double s = now_ms();
		if (catalog_search(db, prefix, found, 50, &count, &err) != STORE_OK) {
			fprintf(stderr, "search: %s\n", kp_msg_text(&err.msg));
			return 1;
		}
		ms[i] = now_ms() - s;
	}
	qsort(ms, SEARCHES, sizeof *ms, cmp_double);
	printf("search_median_ms %.3f\nsearch_p99_ms %.3f\n", ms[SEARCHES / 2], ms[SEARCHES * 99 / 100]);
	db_close(db);
	return 0;
}
