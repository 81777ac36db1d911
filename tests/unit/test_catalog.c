/* test_catalog.c — the catalog: CSV import that reports every problem
 * with its line and imports nothing then (bad EAN check digits, prices,
 * rates, duplicate codes and PLUs, quoting), RFC 4180 quoting, BOM and
 * CRLF, replacing a catalog by SKU; lookup by barcode, SKU and PLU;
 * prefix search in Russian and Kazakh, case-insensitive, safe for any
 * input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/i18n.h"
#include "store/catalog.h"
#include "store/db.h"

#define HEADER "sku,barcode,name_ru,name_kk,unit,price,tax_rate\n"
#define PROBLEMS_MAX 64

struct problem {
	long line;
	char text[512];           /* the problem as said in English (no catalog bound) */
};

struct fixture {
	char dir[256];
	char path[300];
	store_db *db;
	int nproblems;
	struct problem problems[PROBLEMS_MAX];
};

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(path);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	store_err err;
	assert_non_null(f);
	snprintf(f->dir, sizeof f->dir, "%s/kp-catalog-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/kaspi-pos.db", f->dir);
	if (db_open(f->path, &f->db, &err) != STORE_OK)
		fail_msg("db_open: %s", kp_msg_text(&err.msg));
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

static void collect(void *arg, long line, const struct kp_msg *message)
{
	struct fixture *f = arg;
	if (f->nproblems < PROBLEMS_MAX) {
		f->problems[f->nproblems].line = line;
		snprintf(f->problems[f->nproblems].text, sizeof f->problems[0].text, "%s",
		         kp_msg_text(message));
	}
	f->nproblems++;
}

static store_status import(struct fixture *f, const char *csv, struct catalog_import_stats *stats)
{
	store_err err;
	f->nproblems = 0;
	return catalog_import_buffer(f->db, csv, strlen(csv), collect, f, stats, &err);
}

static void import_ok(struct fixture *f, const char *csv)
{
	store_err err;
	f->nproblems = 0;
	if (catalog_import_buffer(f->db, csv, strlen(csv), collect, f, NULL, &err) != STORE_OK)
		fail_msg("import: %s (first problem: line %ld: %s)", kp_msg_text(&err.msg),
		         f->nproblems ? f->problems[0].line : 0L, f->nproblems ? f->problems[0].text : "");
}

/* Asserts that a problem on line mentions text. */
static void expect_problem(struct fixture *f, long line, const char *text)
{
	for (int i = 0; i < f->nproblems && i < PROBLEMS_MAX; i++)
		if (f->problems[i].line == line && strstr(f->problems[i].text, text))
			return;
	for (int i = 0; i < f->nproblems && i < PROBLEMS_MAX; i++)
		print_message("  line %ld: %s\n", f->problems[i].line, f->problems[i].text);
	fail_msg("no problem on line %ld with \"%s\"", line, text);
}

static long count(struct fixture *f)
{
	store_err err;
	long n = -1;
	assert_int_equal(catalog_count(f->db, &n, &err), STORE_OK);
	return n;
}

static const char *const demo =
	HEADER
	"GR-0001,4870000001002,\"Молоко Food Master 2,5% 1 л\",\"Сүт Food Master 2,5% 1 л\",шт,549.90,10\n"
	"GR-0025,4870000025008,Сахар-песок 1 кг,Қант 1 кг,шт,549,10\n"
	"GR-0026,,САХАР ТРОСТНИКОВЫЙ,ҚАНТ ҚАМЫСТЫ,шт,1290,16\n"
	"GR-0030,48710510,Кефир 1 л,СҮТ ҚЫШҚЫЛ,шт,610,10\n"
	"GR-0088,4870000088003,\"Шоколад Рахат \"\"Казахстанский\"\" 100 г\",\"Рахат \"\"Қазақстан\"\" шоколады\",шт,790,16\n"
	"EL-0001,8806000184007,Смартфон Samsung Galaxy A15,Samsung Galaxy A15 смартфоны,шт,79990,16\n"
	"GR-0131,,Яблоки Апорт,Апорт алмасы,кг,990,5\n";

/* ---- import: every problem, with its line, and nothing imported -------- */

static void every_bad_row_is_reported_with_its_line_and_nothing_imported(void **state)
{
	struct fixture *f = *state;
	struct catalog_import_stats st;
	const char *csv = HEADER
		"GR-1,4870000000005,Молоко,Сүт,шт,500,10\n"       /* 2 fine */
		"GR-2,4870000000001,Сахар,Қант,шт,500,10\n"       /* 3 check digit */
		"GR-3,,Хлеб,Нан,шт,abc,10\n"                     /* 4 price */
		"GR-4,,Соль,Тұз,шт,100,101\n"                    /* 5 rate */
		"\n"                                              /* 6 blank: skipped */
		",,,,,,\n"                                        /* 7 sku, name, price, rate */
		"GR-8,,Рис,Күріш,шт,100\n";                       /* 8 field count */
	assert_int_equal(import(f, csv, &st), STORE_ERR_INPUT);
	expect_problem(f, 3, "bad EAN-13 check digit in \"4870000000001\" (expected 5)");
	expect_problem(f, 4, "bad price \"abc\"");
	expect_problem(f, 5, "bad tax_rate \"101\"");
	expect_problem(f, 7, "sku is empty");
	expect_problem(f, 7, "name_ru is empty");
	expect_problem(f, 7, "price is empty");
	expect_problem(f, 7, "bad tax_rate \"\"");
	expect_problem(f, 8, "6 fields, expected 7");
	assert_int_equal(f->nproblems, 8);
	assert_int_equal(st.errors, 8);
	assert_int_equal(st.rows, 6);
	assert_int_equal(count(f), 0);
}

static void a_bad_file_leaves_the_old_catalog_untouched(void **state)
{
	struct fixture *f = *state;
	struct kp_product p;
	store_err err;
	import_ok(f, demo);
	long before = count(f);
	assert_int_equal(import(f, HEADER "NEW-1,,Новый,,шт,1,16\nGR-0001,,Молоко,,шт,-5,10\n", NULL),
	                 STORE_ERR_INPUT);
	expect_problem(f, 3, "must be more than 0");
	assert_int_equal(count(f), before);
	assert_int_equal(catalog_by_sku(f->db, "NEW-1", &p, &err), STORE_NOT_FOUND);
	assert_int_equal(catalog_by_sku(f->db, "GR-0001", &p, &err), STORE_OK);
	assert_int_equal(p.price, 54990);
}

static void duplicate_codes_in_the_file_name_the_first_line(void **state)
{
	struct fixture *f = *state;
	const char *csv = HEADER
		"GR-1,4870000000005,Молоко,,шт,500,10\n"
		"gr-1,4870000000012,Молоко 2,,шт,500,10\n"     /* SKUs are case-insensitive */
		"GR-3,4870000000005,Кефир,,шт,500,10\n"
		"GR-4,48710510,Сок,,шт,500,10\n"
		"GR-5,48710510,Сок 2,,шт,500,10\n";
	assert_int_equal(import(f, csv, NULL), STORE_ERR_INPUT);
	expect_problem(f, 3, "duplicate sku \"gr-1\" (also on line 2)");
	expect_problem(f, 4, "duplicate barcode \"4870000000005\" (also on line 2)");
	expect_problem(f, 6, "duplicate barcode \"48710510\" (also on line 5)");
	assert_int_equal(f->nproblems, 3);
	assert_int_equal(count(f), 0);
}

static void barcodes_must_be_ean13_or_ean8_with_the_right_check_digit(void **state)
{
	struct fixture *f = *state;
	const char *csv = HEADER
		"A-1,48710511,Товар,,шт,1,0\n"           /* 2 EAN-8 check digit */
		"A-2,487000000000,Товар,,шт,1,0\n"       /* 3 twelve digits */
		"A-3,487000000000X,Товар,,шт,1,0\n"      /* 4 not digits */
		"A-4,4870000000005,Товар,,шт,1,0\n"      /* 5 fine */
		"A-5,\" 4870000000012 \",Товар,,шт,1,0\n"; /* 6 fine: spaces trimmed */
	assert_int_equal(import(f, csv, NULL), STORE_ERR_INPUT);
	expect_problem(f, 2, "bad EAN-8 check digit in \"48710511\" (expected 0)");
	expect_problem(f, 3, "not an EAN-13 or EAN-8");
	expect_problem(f, 4, "not an EAN-13 or EAN-8");
	assert_int_equal(f->nproblems, 3);
}

static void prices_and_rates_are_checked(void **state)
{
	struct fixture *f = *state;
	const char *csv = HEADER
		"P-1,,Товар,,шт,1500.50,16\n"          /* 2 fine */
		"P-2,,Товар,,шт,\"1500,50\",16\n"      /* 3 fine: comma decimals, quoted */
		"P-3,,Товар,,шт,12.345,16\n"           /* 4 three decimals */
		"P-4,,Товар,,шт,0,16\n"                /* 5 zero */
		"P-5,,Товар,,шт,-1,16\n"               /* 6 negative */
		"P-6,,Товар,,шт,1000000.01,16\n"       /* 7 too big */
		"P-7,,Товар,,шт,100,16.5\n"            /* 8 rate not whole */
		"P-8,,Товар,,шт,100,-1\n"              /* 9 rate negative */
		"P-9,,Товар,,шт,100,100\n"             /* 10 fine */
		"P-10,,Товар,,шт,100,abc\n";           /* 11 rate letters */
	assert_int_equal(import(f, csv, NULL), STORE_ERR_INPUT);
	expect_problem(f, 4, "bad price \"12.345\"");
	expect_problem(f, 5, "must be more than 0");
	expect_problem(f, 6, "must be more than 0");
	expect_problem(f, 7, "above 1000000 tenge");
	expect_problem(f, 8, "bad tax_rate \"16.5\"");
	expect_problem(f, 9, "bad tax_rate \"-1\"");
	expect_problem(f, 11, "bad tax_rate \"abc\"");
	assert_int_equal(f->nproblems, 7);
}

static void the_header_is_checked_and_may_reorder_columns(void **state)
{
	struct fixture *f = *state;
	struct kp_product p;
	store_err err;
	assert_int_equal(import(f, "sku,barcode,name,price\nA,,b,1\n", NULL), STORE_ERR_INPUT);
	expect_problem(f, 1, "unknown column \"name\"");
	expect_problem(f, 1, "no \"name_ru\" column");
	expect_problem(f, 1, "no \"tax_rate\" column");
	assert_int_equal(import(f, "", NULL), STORE_ERR_INPUT);
	expect_problem(f, 1, "the file is empty");
	assert_int_equal(import(f, HEADER, NULL), STORE_ERR_INPUT);
	expect_problem(f, 1, "no products");
	import_ok(f, "Price,Tax_Rate,SKU,Name_RU,name_kk,unit,barcode\n150,16,X-1,Товар,,,\n");
	assert_int_equal(catalog_by_sku(f->db, "X-1", &p, &err), STORE_OK);
	assert_int_equal(p.price, 15000);
	assert_string_equal(p.unit, "шт"); /* the default */
	assert_string_equal(p.barcode, "");
}

static void quoted_fields_hold_commas_quotes_and_keep_line_numbers(void **state)
{
	struct fixture *f = *state;
	struct kp_product p;
	store_err err;
	import_ok(f, demo);
	assert_int_equal(catalog_by_sku(f->db, "GR-0088", &p, &err), STORE_OK);
	assert_string_equal(p.name_ru, "Шоколад Рахат \"Казахстанский\" 100 г");
	assert_string_equal(p.name_kk, "Рахат \"Қазақстан\" шоколады");
	assert_int_equal(catalog_by_sku(f->db, "GR-0001", &p, &err), STORE_OK);
	assert_string_equal(p.name_ru, "Молоко Food Master 2,5% 1 л");
	assert_int_equal(p.price, 54990);
	assert_int_equal(p.tax_rate, 10);

	/* a line break inside quotes: the record keeps its first line, and
	 * the lines after it keep their own numbers */
	const char *csv = HEADER
		"Q-1,,\"two\nlines\",,шт,1,16\n"    /* 2-3 */
		"Q-2,,ok,,шт,x,16\n"                /* 4 */
		"Q-3,,\"bad\"tail,,шт,1,16\n"       /* 5 */
		"Q-4,,bad\"quote,,шт,1,16\n"        /* 6 */
		"Q-5,,\"never closed,,шт,1,16\n";   /* 7 */
	assert_int_equal(import(f, csv, NULL), STORE_ERR_INPUT);
	expect_problem(f, 2, "name_ru contains a line break");
	expect_problem(f, 4, "bad price \"x\"");
	expect_problem(f, 5, "text after a closing quote");
	expect_problem(f, 6, "a quote inside an unquoted field");
	expect_problem(f, 7, "never closes");
}

/* Found by fuzzing: a header that never closes its quote, or a line of
 * only a NUL byte, is one problem each, not also "the file is empty". */
static void a_broken_header_or_a_nul_line_is_reported_once(void **state)
{
	struct fixture *f = *state;
	store_err err;
	assert_int_equal(import(f, "\"sku,barcode,name_ru\n", NULL), STORE_ERR_INPUT);
	expect_problem(f, 1, "never closes");
	assert_int_equal(f->nproblems, 1);
	f->nproblems = 0;
	assert_int_equal(catalog_import_buffer(f->db, "\r\0\x0b" "0", 4, collect, f, NULL, &err),
	                 STORE_ERR_INPUT);
	expect_problem(f, 2, "a NUL byte");
	for (int i = 0; i < f->nproblems; i++)
		assert_null(strstr(f->problems[i].text, "the file is empty"));
}

static void bom_and_crlf_are_tolerated(void **state)
{
	struct fixture *f = *state;
	struct kp_product p;
	store_err err;
	import_ok(f, "\xef\xbb\xbfsku,barcode,name_ru,name_kk,unit,price,tax_rate\r\n"
	             "B-1,4870000000005,\"Сүт, 1 л\",Сүт,шт,500,10\r\n"
	             "\r\n"
	             "B-2,,Нан ақ,Нан ақ,шт,180,10\r\n");
	assert_int_equal(count(f), 2);
	assert_int_equal(catalog_by_sku(f->db, "B-2", &p, &err), STORE_OK);
	assert_string_equal(p.name_ru, "Нан ақ");
	assert_int_equal(p.tax_rate, 10);
	assert_int_equal(import(f, "\xef\xbb\xbfsku,barcode,name_ru,name_kk,unit,price,tax_rate\r\n"
	                           "B-1,,Сүт,,шт,500,10\r\n"
	                           "B-2,,Нан,,шт,abc,10\r\n",
	                        NULL),
	                 STORE_ERR_INPUT);
	expect_problem(f, 3, "bad price");
}

static void names_must_be_utf8_and_not_too_long(void **state)
{
	struct fixture *f = *state;
	char csv[1024];
	char long_name[300];
	memset(long_name, 'a', 129);
	long_name[129] = '\0';
	snprintf(csv, sizeof csv, HEADER "U-1,,\xcf\xf0\xe8\xe2\xe5\xf2,,шт,1,16\nU-2,,%s,,шт,1,16\n",
	         long_name);
	assert_int_equal(import(f, csv, NULL), STORE_ERR_INPUT);
	expect_problem(f, 2, "not valid UTF-8"); /* "Привет" in CP1251 */
	expect_problem(f, 3, "too long");
}

static void reimport_updates_by_sku_adds_and_removes(void **state)
{
	struct fixture *f = *state;
	struct catalog_import_stats st;
	struct kp_product p;
	store_err err;
	import_ok(f, demo);
	assert_int_equal(catalog_by_sku(f->db, "GR-0025", &p, &err), STORE_OK);
	int64_t sugar_id = p.id;
	/* GR-0025 changes price; its barcode moves to a new SKU; GR-0001
	 * stays; the rest are gone */
	assert_int_equal(import(f, HEADER
	                           "GR-0025,,Сахар-песок 1 кг,Қант 1 кг,шт,599,10\n"
	                           "GR-0001,4870000001002,Молоко,Сүт,шт,549.90,10\n"
	                           "GR-0999,4870000025008,Сахар 1 кг (новый),Қант,шт,620,10\n",
	                        &st),
	                 STORE_OK);
	assert_int_equal(st.rows, 3);
	assert_int_equal(st.added, 1);
	assert_int_equal(st.updated, 2);
	assert_int_equal(st.removed, 5);
	assert_int_equal(count(f), 3);
	assert_int_equal(catalog_by_sku(f->db, "GR-0025", &p, &err), STORE_OK);
	assert_int_equal(p.id, sugar_id);
	assert_int_equal(p.price, 59900);
	assert_string_equal(p.barcode, "");
	assert_int_equal(catalog_by_barcode(f->db, "4870000025008", &p, &err), STORE_OK);
	assert_string_equal(p.sku, "GR-0999");
	/* the name index follows: the old names are gone, the new found */
	int n = 0;
	struct kp_product found[8];
	assert_int_equal(catalog_search(f->db, "смартфон", found, 8, &n, &err), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(catalog_search(f->db, "новый", found, 8, &n, &err), STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(found[0].sku, "GR-0999");
}

/* ---- PLUs: the code on the scales' labels --------------------------------- */

#define HEADER_PLU "sku,barcode,name_ru,name_kk,unit,price,tax_rate,plu\n"

static void the_plu_column_is_optional_and_found_by_number(void **state)
{
	struct fixture *f = *state;
	struct kp_product p;
	store_err err;
	import_ok(f, "plu,sku,barcode,name_ru,name_kk,unit,price,tax_rate\n"
	             "00042,GR-0010,,Сыр Российский,Ресей ірімшігі,кг,4290,16\n"
	             "7,GR-0121,,Картофель,Картоп,кг,240,5\n"
	             ",GR-0001,,Молоко,Сүт,шт,549.90,10\n");
	assert_int_equal(catalog_by_plu(f->db, 42, &p, &err), STORE_OK);
	assert_string_equal(p.sku, "GR-0010");
	assert_int_equal(p.plu, 42);
	assert_int_equal(p.price, 429000);
	assert_int_equal(catalog_by_plu(f->db, 7, &p, &err), STORE_OK);
	assert_string_equal(p.sku, "GR-0121");
	assert_int_equal(catalog_by_sku(f->db, "GR-0001", &p, &err), STORE_OK);
	assert_int_equal(p.plu, 0);
	assert_int_equal(catalog_by_plu(f->db, 43, &p, &err), STORE_NOT_FOUND);
	assert_int_equal(catalog_by_plu(f->db, 0, &p, &err), STORE_NOT_FOUND);
	assert_int_equal(catalog_by_plu(f->db, 1000000, &p, &err), STORE_NOT_FOUND);
	/* a file without the column: no PLUs, as before */
	import_ok(f, HEADER "GR-0010,,Сыр Российский,Ресей ірімшігі,кг,4290,16\n");
	assert_int_equal(catalog_by_plu(f->db, 42, &p, &err), STORE_NOT_FOUND);
}

static void bad_and_duplicate_plus_are_reported_and_nothing_imported(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(import(f, HEADER_PLU
	                           "A1,,Сыр,,кг,4290,16,42\n"
	                           "A2,,Сыр 2,,кг,4290,16,0042\n"   /* the same number */
	                           "A3,,Сыр 3,,кг,4290,16,0\n"
	                           "A4,,Сыр 4,,кг,4290,16,1234567\n"
	                           "A5,,Сыр 5,,кг,4290,16,4x\n"
	                           "A6,,Сыр 6,,кг,4290,16,-5\n"
	                           "A7,,Сыр 7,,кг,4290,16,999999\n",
	                        NULL),
	                 STORE_ERR_INPUT);
	expect_problem(f, 3, "duplicate plu \"42\" (also on line 2)");
	expect_problem(f, 4, "bad plu \"0\"");
	expect_problem(f, 5, "bad plu \"1234567\"");
	expect_problem(f, 6, "bad plu \"4x\"");
	expect_problem(f, 7, "bad plu \"-5\"");
	assert_int_equal(f->nproblems, 5);
	assert_int_equal(count(f), 0);
}

static void a_plu_moves_with_a_reimport(void **state)
{
	struct fixture *f = *state;
	struct kp_product p;
	store_err err;
	import_ok(f, HEADER_PLU "A1,,Сыр,,кг,4290,16,42\n" "A2,,Творог,,кг,1990,16,43\n");
	/* 42 goes to A2, A1 takes 43: a swap the unique index must not trip on */
	import_ok(f, HEADER_PLU "A1,,Сыр,,кг,4290,16,43\n" "A2,,Творог,,кг,1990,16,42\n");
	assert_int_equal(catalog_by_plu(f->db, 42, &p, &err), STORE_OK);
	assert_string_equal(p.sku, "A2");
	assert_int_equal(catalog_by_plu(f->db, 43, &p, &err), STORE_OK);
	assert_string_equal(p.sku, "A1");
}

/* ---- lookups and search ------------------------------------------------- */

static void lookup_by_barcode_and_by_sku(void **state)
{
	struct fixture *f = *state;
	struct kp_product p;
	store_err err;
	import_ok(f, demo);
	assert_int_equal(catalog_by_barcode(f->db, "8806000184007", &p, &err), STORE_OK);
	assert_string_equal(p.sku, "EL-0001");
	assert_int_equal(p.price, 7999000);
	assert_int_equal(p.tax_rate, 16);
	assert_int_equal(catalog_by_barcode(f->db, "48710510", &p, &err), STORE_OK);
	assert_string_equal(p.sku, "GR-0030");
	assert_int_equal(catalog_by_sku(f->db, "GR-0131", &p, &err), STORE_OK);
	assert_string_equal(p.unit, "кг");
	assert_string_equal(p.name_kk, "Апорт алмасы");
	assert_int_equal(catalog_by_sku(f->db, "el-0001", &p, &err), STORE_OK); /* case-insensitive */
	assert_string_equal(p.barcode, "8806000184007");
	assert_int_equal(catalog_by_barcode(f->db, "0000000000000", &p, &err), STORE_NOT_FOUND);
	assert_int_equal(catalog_by_sku(f->db, "NOPE", &p, &err), STORE_NOT_FOUND);
	assert_int_equal(catalog_by_barcode(f->db, "", &p, &err), STORE_NOT_FOUND);
}

/* The SKUs found for text, in order, joined by spaces. */
static const char *search_skus(struct fixture *f, const char *text, bool find)
{
	static char out[512];
	struct kp_product found[16];
	store_err err;
	int n = 0;
	store_status st = find ? catalog_find(f->db, text, found, 16, &n, &err)
	                       : catalog_search(f->db, text, found, 16, &n, &err);
	if (st != STORE_OK)
		fail_msg("search \"%s\": %s", text, kp_msg_text(&err.msg));
	size_t used = 0;
	out[0] = '\0';
	for (int i = 0; i < n; i++)
		used += (size_t)snprintf(out + used, sizeof out - used, "%s%s", i ? " " : "", found[i].sku);
	return out;
}

static void russian_prefix_search_ignores_case(void **state)
{
	struct fixture *f = *state;
	import_ok(f, demo);
	assert_string_equal(search_skus(f, "мол", false), "GR-0001");
	assert_string_equal(search_skus(f, "МОЛОКО", false), "GR-0001");
	const char *r = search_skus(f, "сах", false); /* both, in rank order */
	assert_true(strcmp(r, "GR-0025 GR-0026") == 0 || strcmp(r, "GR-0026 GR-0025") == 0);
	assert_string_equal(search_skus(f, "сахар трост", false), "GR-0026");
	assert_string_equal(search_skus(f, "смартф samsung", false), "EL-0001");
	assert_string_equal(search_skus(f, "яблоки апорт", false), "GR-0131");
	assert_string_equal(search_skus(f, "хлеб", false), "");
}

static void kazakh_prefix_search_folds_kazakh_letters(void **state)
{
	struct fixture *f = *state;
	import_ok(f, demo);
	/* "сүт" finds "Сүт" (GR-0001) and "СҮТ" (GR-0030) */
	const char *r = search_skus(f, "сүт", false);
	assert_non_null(strstr(r, "GR-0001"));
	assert_non_null(strstr(r, "GR-0030"));
	assert_int_equal(strlen(r), strlen("GR-0001 GR-0030"));
	/* "қант" finds "Қант" and "ҚАНТ"; the upper-case query too */
	r = search_skus(f, "қант", false);
	assert_non_null(strstr(r, "GR-0025"));
	assert_non_null(strstr(r, "GR-0026"));
	assert_string_equal(search_skus(f, "ҚАН", false), r);
	assert_string_equal(search_skus(f, "қамыс", false), "GR-0026");
	assert_string_equal(search_skus(f, "ҚАЗАҚ", false), "GR-0088");
	assert_string_equal(search_skus(f, "алма", false), "GR-0131");
	assert_string_equal(search_skus(f, "шоколад", false), "GR-0088");
}

/* unicode61 folds every Kazakh letter: a name in capitals is found by
 * its lower-case prefix and the other way round. */
static void all_nine_kazakh_letters_fold_case(void **state)
{
	struct fixture *f = *state;
	static const char *const pairs[][2] = {
		{"ӘЛЕМ", "әле"}, {"ҒАЛАМ", "ғал"}, {"ҚАНТ", "қан"}, {"ҢҢА", "ңң"}, {"ӨРІК", "өрі"},
		{"ҰН", "ұн"},     {"ҮЙ", "үй"},     {"ҺӘ", "һә"},     {"ІРІМШІК", "ірім"},
	};
	char csv[2048], sku[16];
	size_t used = (size_t)snprintf(csv, sizeof csv, HEADER);
	for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++)
		used += (size_t)snprintf(csv + used, sizeof csv - used, "K-%zu,,Товар,%s,шт,1,16\n", i,
		                         pairs[i][0]);
	import_ok(f, csv);
	for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
		snprintf(sku, sizeof sku, "K-%zu", i);
		assert_string_equal(search_skus(f, pairs[i][1], false), sku);
	}
	assert_string_equal(search_skus(f, "ӨРІК", false), "K-4");
	assert_string_equal(search_skus(f, "өрік", false), "K-4");
}

static void search_by_sku_words(void **state)
{
	struct fixture *f = *state;
	import_ok(f, demo);
	assert_string_equal(search_skus(f, "EL-0001", false), "EL-0001");
	assert_string_equal(search_skus(f, "el", false), "EL-0001");
}

static void fts_syntax_in_the_query_is_plain_text(void **state)
{
	struct fixture *f = *state;
	const char *queries[] = {
		"\"", "*", "\"\"", "AND", "OR", "NOT", "сүт AND", "AND сүт", "сүт OR NOT",
		"(", ")", "(сүт", "NEAR(сүт қант)", "name_ru:сүт", "{name_ru}: сүт", "^сүт",
		"сүт*", "*сүт", "\"сүт", "сүт\"", "+", "-", "- сүт", "сүт -молоко", "'", "';DROP TABLE products;--",
		":", ".", ",", "\\", "\t", "", "   ", "\xd2", "сүт\xff", "a\"b\"c", "NEAR", "\"сүт\" \"қант\"",
	};
	import_ok(f, demo);
	for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
		search_skus(f, queries[i], false); /* fails the test on an error */
		search_skus(f, queries[i], true);
	}
	assert_int_equal(count(f), 7);
	/* quotes inside a word do not break it, and the words still match */
	assert_string_equal(search_skus(f, "\"сүт", false), search_skus(f, "сүт", false));
	assert_string_equal(search_skus(f, "молоко*", false), "GR-0001");
	assert_string_equal(search_skus(f, "AND", false), "");
}

static void find_puts_the_exact_code_first_then_names(void **state)
{
	struct fixture *f = *state;
	import_ok(f, demo);
	assert_string_equal(search_skus(f, "4870000025008", true), "GR-0025");
	assert_string_equal(search_skus(f, " 48710510 ", true), "GR-0030");
	assert_string_equal(search_skus(f, "gr-0026", true), "GR-0026");
	/* an SKU that is also a name prefix: the exact product once, first */
	assert_string_equal(search_skus(f, "EL-0001", true), "EL-0001");
	assert_string_equal(search_skus(f, "қант", true), search_skus(f, "қант", false));
	struct kp_product one[1];
	store_err err;
	int n = 0;
	assert_int_equal(catalog_find(f->db, "сах", one, 1, &n, &err), STORE_OK);
	assert_int_equal(n, 1);
}

static void the_demo_catalog_imports_cleanly(void **state)
{
	struct fixture *f = *state;
	struct catalog_import_stats st;
	store_err err;
	const char *path = "data/catalog.csv";
	FILE *fp = fopen(path, "r");
	if (!fp)
		skip(); /* run from the repository's root */
	fclose(fp);
	f->nproblems = 0;
	if (catalog_import_file(f->db, path, collect, f, &st, &err) != STORE_OK)
		fail_msg("%s: %s (line %ld: %s)", path, kp_msg_text(&err.msg), f->nproblems ? f->problems[0].line : 0L,
		         f->nproblems ? f->problems[0].text : "");
	assert_true(st.rows >= 200);
	assert_non_null(strstr(search_skus(f, "қант", false), "GR-"));
	assert_int_equal(catalog_import_file(f->db, "no/such/file.csv", NULL, NULL, NULL, &err),
	                 STORE_ERR_INPUT);
	assert_non_null(strstr(kp_msg_text(&err.msg), "cannot open no/such/file.csv"));
}

/* 100 000 rows in one transaction: a few seconds at most. */
static void a_large_catalog_imports_quickly(void **state)
{
	struct fixture *f = *state;
	enum { ROWS = 100000 };
	size_t cap = (size_t)ROWS * 120 + 100, len = 0;
	char *csv = malloc(cap);
	struct catalog_import_stats st;
	struct timespec t0, t1;
	store_err err;
	assert_non_null(csv);
	len += (size_t)snprintf(csv, cap, HEADER);
	for (int i = 0; i < ROWS; i++)
		len += (size_t)snprintf(csv + len, cap - len,
		                        "T-%06d,,\"Товар %d, тест\",Тауар %d қант,шт,%d.50,16\n", i, i, i,
		                        100 + i % 5000);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	store_status s = catalog_import_buffer(f->db, csv, len, NULL, NULL, &st, &err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	free(csv);
	assert_int_equal(s, STORE_OK);
	assert_int_equal(st.rows, ROWS);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	print_message("  100000 rows imported in %.2f s\n", secs);
	assert_true(secs < 30.0); /* about 1.5 s on the development machine; sanitizers are slower */
	assert_string_equal(search_skus(f, "тауар 99999", false), "T-099999");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(every_bad_row_is_reported_with_its_line_and_nothing_imported, setup, teardown),
		cmocka_unit_test_setup_teardown(a_bad_file_leaves_the_old_catalog_untouched, setup, teardown),
		cmocka_unit_test_setup_teardown(duplicate_codes_in_the_file_name_the_first_line, setup, teardown),
		cmocka_unit_test_setup_teardown(barcodes_must_be_ean13_or_ean8_with_the_right_check_digit, setup, teardown),
		cmocka_unit_test_setup_teardown(prices_and_rates_are_checked, setup, teardown),
		cmocka_unit_test_setup_teardown(the_header_is_checked_and_may_reorder_columns, setup, teardown),
		cmocka_unit_test_setup_teardown(quoted_fields_hold_commas_quotes_and_keep_line_numbers, setup, teardown),
		cmocka_unit_test_setup_teardown(a_broken_header_or_a_nul_line_is_reported_once, setup, teardown),
		cmocka_unit_test_setup_teardown(bom_and_crlf_are_tolerated, setup, teardown),
		cmocka_unit_test_setup_teardown(names_must_be_utf8_and_not_too_long, setup, teardown),
		cmocka_unit_test_setup_teardown(reimport_updates_by_sku_adds_and_removes, setup, teardown),
		cmocka_unit_test_setup_teardown(the_plu_column_is_optional_and_found_by_number, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_and_duplicate_plus_are_reported_and_nothing_imported, setup, teardown),
		cmocka_unit_test_setup_teardown(a_plu_moves_with_a_reimport, setup, teardown),
		cmocka_unit_test_setup_teardown(lookup_by_barcode_and_by_sku, setup, teardown),
		cmocka_unit_test_setup_teardown(russian_prefix_search_ignores_case, setup, teardown),
		cmocka_unit_test_setup_teardown(kazakh_prefix_search_folds_kazakh_letters, setup, teardown),
		cmocka_unit_test_setup_teardown(all_nine_kazakh_letters_fold_case, setup, teardown),
		cmocka_unit_test_setup_teardown(search_by_sku_words, setup, teardown),
		cmocka_unit_test_setup_teardown(fts_syntax_in_the_query_is_plain_text, setup, teardown),
		cmocka_unit_test_setup_teardown(find_puts_the_exact_code_first_then_names, setup, teardown),
		cmocka_unit_test_setup_teardown(the_demo_catalog_imports_cleanly, setup, teardown),
		cmocka_unit_test_setup_teardown(a_large_catalog_imports_quickly, setup, teardown),
	};
	return cmocka_run_group_tests_name("catalog", tests, NULL, NULL);
}
