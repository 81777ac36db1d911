/* bench_client.c — create-order round trips through the xpay client
 * against a running kaspi-sandbox, one connection kept alive, as the
 * till's worker does. Prints one line: "N median_ms p99_ms".
 * usage: bench_client BASE_URL N  (KASPI_XDEV_KEY, KASPI_MERCHANT_ID set) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/i18n.h"
#include "net/xpay.h"

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
	if (argc != 3) {
		fprintf(stderr, "usage: bench_client BASE_URL N\n");
		return 2;
	}
	int n = atoi(argv[2]);
	if (n < 1)
		return 2;
	double *ms = calloc((size_t)n, sizeof *ms);
	xpay_result res;
	xpay_options opt = {
		.base_url = argv[1],
		.key = getenv("KASPI_XDEV_KEY"),
		.merchant_id = getenv("KASPI_MERCHANT_ID"),
	};
	if (!ms || !xpay_global_init())
		return 1;
	xpay_client *c = xpay_client_new(&opt, &res);
	if (!c) {
		fprintf(stderr, "%s\n", kp_msg_text(&res.msg));
		return 1;
	}
	char id[64];
	xpay_product line = {.name = "Bench item", .quantity = 1, .price = 150000, .tax_rate = 16};
	xpay_order order = {.merchant_order_id = id, .amount = 150000, .description = "bench",
	                    .payment_method = "qr", .products = &line, .n_products = 1};
	xpay_created created;
	long stamp = (long)time(NULL);
	for (int i = 0; i < n; i++) {
		snprintf(id, sizeof id, "C%ld-%d", stamp, i);
		double t0 = now_ms();
		if (xpay_create(c, &order, &created, &res) != XPAY_OK) {
			fprintf(stderr, "create %d: %s\n", i, kp_msg_text(&res.msg));
			return 1;
		}
		ms[i] = now_ms() - t0;
	}
	qsort(ms, (size_t)n, sizeof *ms, cmp_double);
	printf("%d %.3f %.3f %ld\n", n, ms[n / 2], ms[(int)(n * 0.99)], xpay_client_connects(c));
	xpay_client_free(c);
	xpay_global_cleanup();
	free(ms);
	return 0;
}
