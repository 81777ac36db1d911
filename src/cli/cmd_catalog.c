/* cmd_catalog.c — `kaspi-pos catalog import FILE.csv` and
 * `kaspi-pos catalog find TEXT`: load the product catalog from a CSV file
 * (every problem reported with its line, nothing imported if any), and
 * search it the way the till's search box does. */
#include <stdio.h>
#include <string.h>

#include "app/i18n.h"
#include "cli/cli.h"
#include "cli/cli_store.h"
#include "core/money.h"
#include "core/text.h"
#include "store/catalog.h"

#define FIND_MAX 20          /* matches printed */
#define PRICE_COLUMNS 14     /* width of the price column, in characters */

/* Prints one import problem as "FILE:LINE: message", as compilers do. */
static void print_problem(void *arg, long line, const struct kp_msg *message)
{
	fprintf(stderr, "%s:%ld: %s\n", (const char *)arg, line, kp_msg_text(message));
}

static int catalog_import(struct cli_ctx *ctx, const char *path)
{
	struct catalog_import_stats stats;
	store_err err;
	int rc;

	store_db *db = cli_store_open(ctx, &rc);
	if (!db)
		return rc;
	store_status st = catalog_import_file(db, path, print_problem, (void *)path, &stats, &err);
	db_close(db);
	if (st != STORE_OK) {
		fprintf(stderr, "kaspi-pos: %s\n", kp_msg_text(&err.msg));
		return cli_store_exit(st);
	}
	printf(_("imported %ld products (%ld new, %ld updated, %ld removed)\n"), stats.rows,
	       stats.added, stats.updated, stats.removed);
	return 0;
}

/* Characters (not bytes) of a UTF-8 string, for lining up columns. */
static int text_width(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* One match: sku, barcode, price, VAT rate, then the names (last, since
 * their widths vary). The texts came from a CSV file of anyone's making:
 * made safe for the terminal. */
static void print_product(const struct kp_product *p)
{
	char price[48], sku[KP_TEXT_SAFE_SIZE(sizeof p->sku)];
	char name_ru[KP_TEXT_SAFE_SIZE(sizeof p->name_ru)], name_kk[KP_TEXT_SAFE_SIZE(sizeof p->name_kk)];
	money_format(price, sizeof price, p->price);
	kp_text_safe(sku, sizeof sku, p->sku);
	kp_text_safe(name_ru, sizeof name_ru, p->name_ru);
	kp_text_safe(name_kk, sizeof name_kk, p->name_kk);
	int pad = PRICE_COLUMNS - text_width(price);
	printf("%-10s %-13s %*s%s %3d%%  %s", sku, p->barcode[0] ? p->barcode : "-",
	       pad > 0 ? pad : 0, "", price, p->tax_rate, name_ru);
	if (name_kk[0] && strcmp(name_kk, name_ru) != 0)
		printf(" / %s", name_kk);
	printf("\n");
}

static int catalog_find_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	struct kp_product found[FIND_MAX];
	char text[CATALOG_QUERY_MAX];
	size_t used = 0;
	store_err err;
	int n = 0, rc;

	text[0] = '\0';
	for (int i = 0; i < argc; i++) { /* the words, as one search text */
		int w = snprintf(text + used, sizeof text - used, "%s%s", i ? " " : "", argv[i]);
		if (w < 0 || (size_t)w >= sizeof text - used) {
			fprintf(stderr, "kaspi-pos: %s\n", _("the search text is too long"));
			return EXIT_USAGE;
		}
		used += (size_t)w;
	}
	store_db *db = cli_store_open(ctx, &rc);
	if (!db)
		return rc;
	store_status st = catalog_find(db, text, found, FIND_MAX, &n, &err);
	long total = 0;
	if (st == STORE_OK && n == 0)
		st = catalog_count(db, &total, &err);
	db_close(db);
	if (st != STORE_OK) {
		fprintf(stderr, "kaspi-pos: %s\n", kp_msg_text(&err.msg));
		return cli_store_exit(st);
	}
	if (n == 0) {
		if (total == 0)
			fprintf(stderr, "%s\n", _("the catalog is empty: load one with kaspi-pos catalog "
			                          "import FILE.csv"));
		else
			fprintf(stderr, _("nothing in the catalog matches \"%s\"\n"), text);
		return 1;
	}
	for (int i = 0; i < n; i++)
		print_product(&found[i]);
	return 0;
}

int cmd_catalog(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[0], "import") == 0)
		return catalog_import(ctx, argv[1]);
	if (argc >= 2 && strcmp(argv[0], "find") == 0)
		return catalog_find_cmd(ctx, argc - 1, argv + 1);
	return cli_usage("catalog");
}
