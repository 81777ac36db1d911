/* test_receipt.c — the printed fiscal receipt (app/receipt.h) at 32, 42
 * and 48 columns: every element of FISCAL.md's list present, Kazakh and
 * Russian side by side; every line exactly the width; the figures add up
 * (each line's cost, the total, the VAT per rate group computed here
 * independently, the payments less the change); a weighed line, a
 * discounted one, a line without VAT; the copy and offline marks; a
 * return with the sale's fiscal sign; Kazakh letters kept on KZ-1048 and
 * spelt in Russian on CP866 with the width kept; outside text (names, the
 * register's answer) never carries a control or a code mark, and the one
 * code line is the TicketUrl, which the printer's job stores natively and
 * which zbarimg reads back from the raster picture; and the helpers that
 * turn the journal's sale and return into positions and payments. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/config.h"
#include "app/print.h"
#include "app/receipt.h"
#include "core/escpos.h"
#include "core/money.h"
#include "core/validate.h"

#define URL "http://consumer.oofd.kz?i=367645207&f=032600010282&s=1099.80&t=20261203T145037"

static const int widths[] = {32, 42, 48};

/* FISCAL.md's sample answer. */
static wk_ticket sample_ticket(void)
{
	wk_ticket t = {.check_order_number = 28, .shift_number = 154};
	snprintf(t.check_number, sizeof t.check_number, "367645207");
	snprintf(t.date_time, sizeof t.date_time, "03.12.2026 14:50:37");
	snprintf(t.unique_number, sizeof t.unique_number, "SWK00033717");
	snprintf(t.registration_number, sizeof t.registration_number, "032600010282");
	snprintf(t.identity_number, sizeof t.identity_number, "2363");
	snprintf(t.address, sizeof t.address, "г. Алматы, ул. Абая, 10");
	snprintf(t.address_kz, sizeof t.address_kz, "Алматы қ., Абай к-сі, 10");
	snprintf(t.ofd_name, sizeof t.ofd_name, "АО \"Казахтелеком\"");
	snprintf(t.ofd_name_kz, sizeof t.ofd_name_kz, "\"Қазақтелеком\" АҚ");
	snprintf(t.ofd_host, sizeof t.ofd_host, "consumer.oofd.kz");
	snprintf(t.taxpayer_name, sizeof t.taxpayer_name, "ТОО «Береке»");
	snprintf(t.taxpayer_in, sizeof t.taxpayer_in, "123456789012");
	snprintf(t.employee_name, sizeof t.employee_name, "Айгерим");
	snprintf(t.ticket_url, sizeof t.ticket_url, "%s", URL);
	return t;
}

/* A sale: 2 × 549,90 milk at 16 %, 0,350 kg of apples at 4 290,00/kg
 * less 50,00 at 16 %, a Kazakh-named 12 % line, a bag without VAT; paid
 * 3 000,00 in cash and 500,00 by card, change what is left. */
static const wk_position sale_lines[] = {
	{.name = "Молоко 2,5% 1 л", .count = 2000, .price = 54990, .tax_percent = 16, .vat = true,
	 .unit_code = WK_UNIT_PIECE},
	{.name = "Яблоки Апорт", .count = 350, .price = 429000, .discount = 5000, .tax_percent = 16,
	 .vat = true, .unit_code = WK_UNIT_KG},
	{.name = "Қымыз «Сарыарқа» 0,5 л", .count = 1000, .price = 65000, .tax_percent = 12,
	 .vat = true, .unit_code = WK_UNIT_PIECE},
	{.name = "Пакет", .count = 1000, .price = 3000, .unit_code = WK_UNIT_PIECE},
};
/* 1 099,80 + (1 501,50 − 50,00) + 650,00 + 30,00 = 3 231,30 */
#define SALE_TOTAL 323130
static const wk_payment sale_payments[] = {{WK_PAY_CASH, 300000}, {WK_PAY_CARD, 50000}};
#define SALE_CHANGE (300000 + 50000 - SALE_TOTAL)

static struct kp_config cfg_at(int width, enum config_codepage page)
{
	struct kp_config cfg;
	config_init(&cfg);
	cfg.printer.width = width;
	cfg.printer.codepage = page;
	cfg.printer.mode = CONFIG_PRINTER_FILE;
	return cfg;
}

static char *sale_receipt(int width, enum config_codepage page, const wk_ticket *t, bool copy)
{
	struct kp_config cfg = cfg_at(width, page);
	struct receipt_doc d = {
		.operation = WK_OP_SALE,
		.lines = sale_lines,
		.n_lines = sizeof sale_lines / sizeof *sale_lines,
		.payments = sale_payments,
		.n_payments = 2,
		.change = SALE_CHANGE,
		.order_id = "T01-20261203-000042",
		.t = t,
		.copy = copy,
	};
	char *s = receipt_text(&cfg, &d);
	assert_non_null(s);
	return s;
}

/* The text with every run of spaces and line ends as one space: a label
 * pair broken over two lines reads as on one. */
static char *flat(const char *s)
{
	char *f = malloc(strlen(s) + 1), *w = f;
	assert_non_null(f);
	bool space = false;
	for (; *s; s++) {
		if (*s == ' ' || *s == '\n') {
			space = true;
			continue;
		}
		if (space && w > f)
			*w++ = ' ';
		space = false;
		*w++ = *s;
	}
	*w = '\0';
	return f;
}

static void expect_in(const char *text, const char *want, int width)
{
	char *f = flat(text);
	if (!strstr(f, want))
		fail_msg("%d columns: \"%s\" missing from\n%s", width, want, text);
	free(f);
}

/* The amount at the end of the first line holding label ("1 099,80",
 * "-50,00"). */
static int64_t amount_after(const char *text, const char *label)
{
	const char *p = strstr(text, label);
	if (!p)
		fail_msg("no \"%s\" in\n%s", label, text);
	p += strlen(label);
	const char *end = strchr(p, '\n');
	const char *start = end;
	while (start > p && (start[-1] == ' ' || start[-1] == ',' || start[-1] == '-' ||
	                     (start[-1] >= '0' && start[-1] <= '9')))
		start--;
	while (*start == ' ')
		start++;
	char buf[64];
	snprintf(buf, sizeof buf, "%.*s", (int)(end - start), start);
	int64_t v;
	if (!money_parse_tenge(buf, &v))
		fail_msg("\"%s\" after \"%s\" is no amount", buf, label);
	return v;
}

/* VAT in gross at rate, half up: written here apart from core/vat.c. */
static int64_t vat_of(int64_t gross, int rate)
{
	return (2 * gross * rate + (100 + rate)) / (2 * (100 + rate));
}

static size_t count_of(const char *s, const char *needle)
{
	size_t n = 0;
	for (const char *p = s; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* ---- what it carries ------------------------------------------------------ */

static void every_element_of_the_list_is_on_the_receipt(void **state)
{
	(void)state;
	wk_ticket t = sample_ticket();
	for (size_t i = 0; i < 3; i++) {
		int w = widths[i];
		char *s = sale_receipt(w, CONFIG_CODEPAGE_KZ1048, &t, false);
		static const char *const want[] = {
			"ТОО «Береке»",                    /* the organisation */
			"ЖСН/БСН / ИИН/БИН 123456789012",  /* its ИИН/БИН */
			"Ауысым / Смена 154",              /* the shift */
			"Чектің реттік нөмірі / Порядковый номер чека 28",
			"Кассир Айгерим",
			"Тапсырыс / Заказ T01-20261203-000042",
			"САТУ / ПРОДАЖА",                  /* the operation */
			"1. Молоко 2,5% 1 л 2 шт × 549,90 1 099,80",
			"2. Яблоки Апорт 0,350 кг × 4 290,00 1 501,50",
			"Жеңілдік / Скидка -50,00 Құны / Стоимость 1 451,50",
			"4. Пакет 1 шт × 30,00 30,00",
			"БАРЛЫҒЫ / ИТОГО 3 231,30",
			"оның ішінде ҚҚС 12% / в т.ч. НДС 12%",
			"оның ішінде ҚҚС 16% / в т.ч. НДС 16%",
			"ҚҚС-сыз / Без НДС 30,00",
			"ҚОЛМА-ҚОЛ / НАЛИЧНЫЕ 3 000,00",
			"БАНК КАРТАСЫ / БАНКОВСКАЯ КАРТА 500,00",
			"ҚАЙТАРЫМ / СДАЧА 268,70",
			"ФБ / ФП 367645207",               /* the fiscal sign */
			"Уақыты / Время 03.12.2026 14:50:37",
			"Алматы қ., Абай к-сі, 10",        /* the address, kk and ru */
			"г. Алматы, ул. Абая, 10",
			"Фискалдық деректер операторы / Оператор фискальных данных",
			"\"Қазақтелеком\" АҚ",
			"АО \"Казахтелеком\"",
			"для проверки чека зайдите на сайт: consumer.oofd.kz",
			"ФИСКАЛДЫҚ ЧЕК / ФИСКАЛЬНЫЙ ЧЕК",
			"Сәйкестендіру нөмірі / ИНК 2363",
			"Тіркеу нөмірі / РНМ 032600010282",
			"Зауыттық нөмірі / ЗНМ SWK00033717",
		};
		for (size_t k = 0; k < sizeof want / sizeof *want; k++)
			expect_in(s, want[k], w);
		/* the QR of TicketUrl: one code line, the URL exactly */
		assert_int_equal(count_of(s, ESCPOS_URL_MARK), 1);
		assert_non_null(strstr(s, "\n" ESCPOS_URL_MARK URL "\n"));
		assert_null(strstr(s, ESCPOS_CODE_MARK));
		/* no marks unless asked */
		assert_null(strstr(s, "КӨШІРМЕ"));
		assert_null(strstr(s, "АВТОНОМ"));
		free(s);
	}
}

/* Each line is exactly the width, in characters, the code line aside. */
static void every_line_is_exactly_the_width(void **state)
{
	(void)state;
	wk_ticket t = sample_ticket();
	snprintf(t.taxpayer_name, sizeof t.taxpayer_name,
	         "Товарищество с ограниченной ответственностью «Береке-Продукты Казахстана»");
	snprintf(t.employee_name, sizeof t.employee_name, "Айгерим Нурсултановна Жаксылыкова-Толеубекова");
	for (int copy = 0; copy < 2; copy++) {
		for (size_t i = 0; i < 3; i++) {
			int w = widths[i];
			t.offline = copy;
			char *s = sale_receipt(w, CONFIG_CODEPAGE_CP866, &t, copy);
			int lines = 0;
			for (char *p = s, *nl; *p; p = nl + 1) {
				nl = strchr(p, '\n');
				assert_non_null(nl);
				*nl = '\0';
				if (strncmp(p, ESCPOS_URL_MARK, 3) != 0 && *p &&
				    kp_utf8_length(p) != w)
					fail_msg("%d columns: line %d is %ld: \"%s\"", w, lines, kp_utf8_length(p), p);
				lines++;
			}
			assert_true(lines > 40);
			free(s);
		}
	}
}

/* The figures add up on the paper: each line's gross is count × price,
 * a discounted line's cost its gross less the discount, the total their
 * sum, the VAT of each rate that of its group's total (rounded once),
 * the payments less the change the total. */
static void the_figures_add_up(void **state)
{
	(void)state;
	wk_ticket t = sample_ticket();
	for (size_t i = 0; i < 3; i++) {
		char *s = sale_receipt(widths[i], CONFIG_CODEPAGE_KZ1048, &t, false);
		int64_t milk = amount_after(s, "2 шт × 549,90");
		int64_t apples = amount_after(s, "0,350 кг × 4 290,00");
		int64_t discount = amount_after(s, "Скидка");
		int64_t apples_cost = amount_after(s, "Стоимость");
		int64_t kymyz = amount_after(s, "1 шт × 650,00");
		int64_t bag = amount_after(s, "1 шт × 30,00");
		assert_int_equal(milk, 2 * 54990);
		assert_int_equal(apples, (350 * 429000 + 500) / 1000);
		assert_int_equal(apples + discount, apples_cost);
		int64_t total = amount_after(s, "ИТОГО");
		assert_int_equal(total, milk + apples_cost + kymyz + bag);
		assert_int_equal(total, SALE_TOTAL);
		assert_int_equal(amount_after(s, "НДС 16%"), vat_of(milk + apples_cost, 16));
		assert_int_equal(amount_after(s, "НДС 12%"), vat_of(kymyz, 12));
		assert_int_equal(amount_after(s, "Без НДС"), bag);
		int64_t paid = amount_after(s, "НАЛИЧНЫЕ") + amount_after(s, "БАНКОВСКАЯ КАРТА");
		assert_int_equal(paid - amount_after(s, "СДАЧА"), total);
		free(s);
	}
}

static void a_copy_is_marked_at_its_head_and_foot(void **state)
{
	(void)state;
	wk_ticket t = sample_ticket();
	for (size_t i = 0; i < 3; i++) {
		char *s = sale_receipt(widths[i], CONFIG_CODEPAGE_KZ1048, &t, true);
		char *f = flat(s);
		assert_int_equal(count_of(f, "КӨШІРМЕ / КОПИЯ"), 2);
		assert_true(strncmp(f, "КӨШІРМЕ / КОПИЯ", strlen("КӨШІРМЕ / КОПИЯ")) == 0);
		free(f);
		free(s);
	}
}

static void an_offline_receipt_says_so(void **state)
{
	(void)state;
	wk_ticket t = sample_ticket();
	t.offline = true;
	for (size_t i = 0; i < 3; i++) {
		char *s = sale_receipt(widths[i], CONFIG_CODEPAGE_KZ1048, &t, false);
		expect_in(s, "АВТОНОМДЫ РЕЖИМ", widths[i]);
		expect_in(s, "АВТОНОМНЫЙ РЕЖИМ", widths[i]);
		free(s);
	}
}

/* A return, built from the journal: 1 of 2 milks, 0,200 of 0,350 kg of
 * apples and 100,00 by amount at 16 %, back in cash and to the card. */
static void a_return_is_titled_and_adds_up(void **state)
{
	(void)state;
	struct journal_line lines[2] = {
		{.line_no = 1, .quantity = 2, .unit_price = 54990, .tax_rate = 16, .total = 109980},
		{.line_no = 2, .quantity = 1, .unit_price = 150150, .tax_rate = 16, .discount = 5000,
		 .total = 145150, .weight = 350, .price_per_unit = 429000},
	};
	snprintf(lines[0].name, sizeof lines[0].name, "Молоко 2,5%% 1 л");
	snprintf(lines[1].name, sizeof lines[1].name, "Яблоки Апорт");
	snprintf(lines[1].unit, sizeof lines[1].unit, "кг");
	/* the apples' share: 0,200 × 4 290 = 858,00, less the line's 50/1501,50 */
	const struct refund_part parts[] = {
		{.part = 1, .tax_rate = 16, .amount = 54990, .line_no = 1, .quantity = 1},
		{.part = 2, .tax_rate = 16, .amount = 82943, .line_no = 2, .quantity = 200},
		{.part = 3, .tax_rate = 16, .amount = 10000},
	};
	wk_position pos[8];
	size_t n = receipt_return_positions(lines, 2, parts, 3, NULL, pos, 8);
	assert_int_equal(n, 3);
	assert_int_equal(receipt_line_cost(&pos[0]), 54990);
	assert_int_equal(receipt_line_cost(&pos[1]), 82943);
	assert_int_equal(receipt_line_cost(&pos[2]), 10000);
	assert_int_equal(pos[1].count, 200);
	assert_int_equal(pos[1].unit_code, WK_UNIT_KG);
	assert_int_equal(pos[1].price, 429000);
	assert_int_equal(pos[1].discount, 85800 - 82943);

	struct refund rows[2] = {{.tender = JOURNAL_CASH, .amount = 100000},
	                         {.tender = JOURNAL_CARD, .amount = 47933}};
	wk_payment pay[3];
	size_t np = receipt_return_payments(rows, 2, pay);
	assert_int_equal(np, 2);

	wk_ticket t = sample_ticket();
	for (size_t i = 0; i < 3; i++) {
		struct kp_config cfg = cfg_at(widths[i], CONFIG_CODEPAGE_KZ1048);
		struct receipt_doc d = {.operation = WK_OP_RETURN, .lines = pos, .n_lines = n,
		                        .payments = pay, .n_payments = np, .t = &t,
		                        .basis = "367645100", .cashier = "Ержан"};
		char *s = receipt_text(&cfg, &d);
		assert_non_null(s);
		expect_in(s, "САТУДЫ ҚАЙТАРУ / ВОЗВРАТ ПРОДАЖИ", widths[i]);
		expect_in(s, "Сату чегінің ФБ / ФП чека продажи 367645100", widths[i]);
		expect_in(s, "Кассир Ержан", widths[i]);
		expect_in(s, "1 шт × 549,90 549,90", widths[i]);
		expect_in(s, "0,200 кг × 4 290,00 858,00", widths[i]);
		expect_in(s, "Тауар / Товар 1 шт × 100,00 100,00", widths[i]);
		assert_null(strstr(s, "ПРОДАЖА\n"));
		int64_t total = amount_after(s, "ИТОГО");
		assert_int_equal(total, 54990 + 82943 + 10000);
		assert_int_equal(amount_after(s, "НАЛИЧНЫЕ") + amount_after(s, "БАНКОВСКАЯ КАРТА"), total);
		assert_int_equal(amount_after(s, "СДАЧА"), 0);
		assert_int_equal(amount_after(s, "НДС 16%"), vat_of(total, 16));
		free(s);
	}
}

/* ---- the printer's page ---------------------------------------------------- */

/* On KZ-1048 the Kazakh letters print as written; on CP866 in Russian,
 * one letter for one, so the lines keep the width on the paper too. */
static void kazakh_letters_kept_on_kz1048_and_spelt_on_cp866(void **state)
{
	(void)state;
	wk_ticket t = sample_ticket();
	for (size_t i = 0; i < 3; i++) {
		int w = widths[i];
		struct kp_config kz = cfg_at(w, CONFIG_CODEPAGE_KZ1048);
		struct kp_config ru = cfg_at(w, CONFIG_CODEPAGE_CP866);
		char *a = sale_receipt(w, CONFIG_CODEPAGE_KZ1048, &t, false);
		char *b = sale_receipt(w, CONFIG_CODEPAGE_CP866, &t, false);
		size_t na = print_preview(&kz, a, NULL, 0), nb = print_preview(&ru, b, NULL, 0);
		char *pa = malloc(na + 1), *pb = malloc(nb + 1);
		assert_non_null(pa);
		assert_non_null(pb);
		print_preview(&kz, a, pa, na + 1);
		print_preview(&ru, b, pb, nb + 1);
		expect_in(pa, "БАРЛЫҒЫ / ИТОГО", w);
		expect_in(pa, "Қымыз «Сарыарқа» 0,5 л", w);
		expect_in(pa, "\"Қазақтелеком\" АҚ", w);
		expect_in(pb, "БАРЛЫГЫ / ИТОГО", w);
		expect_in(pb, "Кымыз \"Сарыарка\" 0,5 л", w);
		expect_in(pb, "ЖСН/БСН / ИИН/БИН", w);
		assert_null(strstr(pb, "Қ"));
		/* the preview shows the QR as its URL */
		assert_non_null(strstr(pa, "\n" URL "\n"));
		assert_non_null(strstr(pb, "\n" URL "\n"));
		/* every previewed line but the URL is still the width */
		for (char *p = pb, *nl; *p; p = nl + 1) {
			nl = strchr(p, '\n');
			*nl = '\0';
			if (*p && strcmp(p, URL) != 0 && kp_utf8_length(p) != w)
				fail_msg("CP866 at %d: \"%s\" is %ld", w, p, kp_utf8_length(p));
		}
		free(pa);
		free(pb);
		free(a);
		free(b);
	}
}

/* The job a device gets stores the URL for GS ( k exactly; raster, the
 * picture decodes to it (zbarimg). */
static void the_printed_qr_is_the_ticket_url(void **state)
{
	(void)state;
	wk_ticket t = sample_ticket();
	char *s = sale_receipt(48, CONFIG_CODEPAGE_KZ1048, &t, false);
	struct escpos_job job = escpos_job_default(ESCPOS_KZ1048);
	size_t n = escpos_encode(&job, s, strlen(s), NULL, 0);
	unsigned char *b = malloc(n);
	assert_non_null(b);
	escpos_encode(&job, s, strlen(s), b, n);
	const unsigned char store[] = {0x1d, '(', 'k', sizeof URL - 1 + 3, 0, 49, 80, 48};
	unsigned char *at = memmem(b, n, store, sizeof store);
	assert_non_null(at);
	assert_memory_equal(at + sizeof store, URL, sizeof URL - 1);
	free(b);

	job.qr = ESCPOS_QR_RASTER;
	job.dots = 576;
	n = escpos_encode(&job, s, strlen(s), NULL, 0);
	b = malloc(n);
	assert_non_null(b);
	escpos_encode(&job, s, strlen(s), b, n);
	const unsigned char gs_v0[] = {0x1d, 'v', '0', 0};
	at = memmem(b, n, gs_v0, sizeof gs_v0);
	assert_non_null(at);
	int bytes = at[4] + 256 * at[5], height = at[6] + 256 * at[7];
	char path[] = "/tmp/kp-receipt-XXXXXX.pbm", cmd[256], got[256] = "";
	int fd = mkstemps(path, 4);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "wb");
	assert_non_null(f);
	fprintf(f, "P4\n%d %d\n", bytes * 8, height);
	fwrite(at + 8, 1, (size_t)bytes * (size_t)height, f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "zbarimg --quiet --raw '%s' 2>/dev/null", path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t len = fread(got, 1, sizeof got - 1, p);
	pclose(p);
	unlink(path);
	while (len > 0 && got[len - 1] == '\n')
		got[--len] = '\0';
	assert_string_equal(got, URL);
	free(b);
	free(s);
}

/* ---- outside text ------------------------------------------------------------ */

/* A name or a field of the answer with ESC, a new line or a code mark
 * prints as text: no control character, no second code line, the width
 * kept; a URL that is no printable ASCII prints as text, not a QR. */
static void outside_text_cannot_make_a_command_or_a_code(void **state)
{
	(void)state;
	wk_ticket t = sample_ticket();
	snprintf(t.taxpayer_name, sizeof t.taxpayer_name, "ТОО\x1b" "d\x05 «Береке»\n" ESCPOS_URL_MARK
	         "http://evil.kz");
	snprintf(t.employee_name, sizeof t.employee_name, ESCPOS_CODE_MARK "T01-1");
	snprintf(t.address, sizeof t.address, "\n" ESCPOS_URL_MARK "http://evil.kz\n");
	wk_position bad[] = {{.name = "\n" ESCPOS_URL_MARK "http://evil.kz\x1d" "V\x01", .count = 1000,
	                      .price = 100, .unit_code = WK_UNIT_PIECE}};
	wk_payment pay[] = {{WK_PAY_MOBILE, 100}};
	for (size_t i = 0; i < 3; i++) {
		struct kp_config cfg = cfg_at(widths[i], CONFIG_CODEPAGE_KZ1048);
		struct receipt_doc d = {.operation = WK_OP_SALE, .lines = bad, .n_lines = 1,
		                        .payments = pay, .n_payments = 1, .t = &t};
		char *s = receipt_text(&cfg, &d);
		assert_non_null(s);
		for (const char *p = s; *p; p++)
			if ((unsigned char)*p < 0x20 && *p != '\n')
				fail_msg("control byte %02x in the receipt", (unsigned char)*p);
		assert_int_equal(count_of(s, ESCPOS_URL_MARK), 1);
		assert_int_equal(count_of(s, ESCPOS_CODE_MARK), 0);
		assert_non_null(strstr(s, "\n" ESCPOS_URL_MARK URL "\n"));
		expect_in(s, "МОБИЛЬДІК ТӨЛЕМ / МОБИЛЬНЫЙ ПЛАТЁЖ 1,00", widths[i]);
		free(s);
	}
	snprintf(t.ticket_url, sizeof t.ticket_url, "http://consumer.oofd.kz?i=1 2");
	struct kp_config cfg = cfg_at(32, CONFIG_CODEPAGE_KZ1048);
	struct receipt_doc d = {.operation = WK_OP_SALE, .lines = bad, .n_lines = 1,
	                        .payments = pay, .n_payments = 1, .t = &t};
	char *s = receipt_text(&cfg, &d);
	assert_non_null(s);
	assert_int_equal(count_of(s, ESCPOS_URL_MARK), 0);
	expect_in(s, "http://consumer.oofd.kz?i=1 2", 32);
	free(s);
	d.t = NULL;
	assert_null(receipt_text(&cfg, &d));
}

/* A name past FISCAL.md's 128 characters prints its first 128, wrapped;
 * a word longer than the line is cut at a character. */
static void a_long_name_wraps_and_stops_at_128_characters(void **state)
{
	(void)state;
	char name[600] = "";
	for (int i = 0; i < 30; i++)
		strcat(name, "Қымыз ");
	strcat(name, "ӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘ");
	wk_position one[] = {{.name = name, .count = 1000, .price = 100, .unit_code = WK_UNIT_PIECE}};
	wk_payment pay[] = {{WK_PAY_CASH, 100}};
	wk_ticket t = sample_ticket();
	struct kp_config cfg = cfg_at(32, CONFIG_CODEPAGE_KZ1048);
	struct receipt_doc d = {.lines = one, .n_lines = 1, .payments = pay, .n_payments = 1, .t = &t};
	char *s = receipt_text(&cfg, &d);
	assert_non_null(s);
	assert_int_equal(count_of(s, "Қымыз"), 21); /* 21 × 6 = 126 characters, then "Ә" cut */
	free(s);
}

/* ---- from the journal ------------------------------------------------------- */

static void a_sale_becomes_positions_and_payments(void **state)
{
	(void)state;
	struct journal_line lines[3] = {
		{.line_no = 1, .quantity = 2, .unit_price = 54990, .tax_rate = 16, .discount = 10998,
		 .total = 98982},
		{.line_no = 2, .quantity = 1, .unit_price = 1, .tax_rate = 16, .total = 1, .voided = true},
		{.line_no = 3, .quantity = 1, .unit_price = 150150, .tax_rate = 0, .total = 150150,
		 .weight = 350, .price_per_unit = 429000},
	};
	snprintf(lines[0].name, sizeof lines[0].name, "Кофе");
	snprintf(lines[0].sku, sizeof lines[0].sku, "GR-0001");
	snprintf(lines[2].name, sizeof lines[2].name, "Яблоки");
	snprintf(lines[2].unit, sizeof lines[2].unit, "кг");
	wk_position pos[4];
	assert_int_equal(receipt_sale_positions(lines, 3, pos, 4), 2);
	assert_int_equal(receipt_line_cost(&pos[0]), 98982);
	assert_int_equal(pos[0].count, 2000);
	assert_string_equal(pos[0].code, "GR-0001");
	assert_true(pos[0].vat);
	assert_int_equal(receipt_line_cost(&pos[1]), 150150);
	assert_int_equal(pos[1].unit_code, WK_UNIT_KG);
	assert_false(pos[1].vat);
	assert_int_equal(receipt_sale_positions(lines, 3, pos, 1), 1);

	struct journal_order o = {.method = JOURNAL_SPLIT, .amount = 249132,
	                          .state = JOURNAL_SUCCEEDED};
	struct journal_tender t[4] = {
		{.kind = JOURNAL_QR, .amount = 100000, .part_state = JOURNAL_FAILED},
		{.kind = JOURNAL_QR, .amount = 100000, .part_state = JOURNAL_SUCCEEDED},
		{.kind = JOURNAL_CARD, .amount = 50000, .part_state = JOURNAL_SUCCEEDED},
		{.kind = JOURNAL_CASH, .amount = 99132, .given = 100000, .change = 868,
		 .part_state = JOURNAL_SUCCEEDED},
	};
	wk_payment pay[3];
	int64_t change;
	size_t n = receipt_sale_payments(&o, t, 4, pay, &change);
	assert_int_equal(n, 3);
	assert_int_equal(pay[0].type, WK_PAY_MOBILE);
	assert_int_equal(pay[0].sum, 100000);
	assert_int_equal(pay[1].type, WK_PAY_CARD);
	assert_int_equal(pay[2].type, WK_PAY_CASH);
	assert_int_equal(pay[2].sum, 100000);
	assert_int_equal(change, 868);
	assert_int_equal(pay[0].sum + pay[1].sum + pay[2].sum - change, 249132);

	struct journal_order kaspi = {.method = JOURNAL_PHONE, .amount = 5000};
	assert_int_equal(receipt_sale_payments(&kaspi, NULL, 0, pay, &change), 1);
	assert_int_equal(pay[0].type, WK_PAY_MOBILE);
	assert_int_equal(pay[0].sum, 5000);
	assert_int_equal(change, 0);
}

/* A split refund tags a line on its first piece only: the pieces make one
 * position whose cost is what they gave back together. */
static void a_line_over_two_refund_rows_is_one_position(void **state)
{
	(void)state;
	struct journal_line l = {.line_no = 1, .quantity = 3, .unit_price = 10000, .tax_rate = 12,
	                         .total = 30000};
	snprintf(l.name, sizeof l.name, "Сыр");
	const struct refund_part parts[] = {
		{.part = 1, .tax_rate = 12, .amount = 15000, .line_no = 1, .quantity = 2},
		{.part = 1, .tax_rate = 12, .amount = 5000, .line_no = 1, .quantity = 0},
	};
	wk_position pos[2];
	assert_int_equal(receipt_return_positions(&l, 1, parts, 2, "Возврат", pos, 2), 1);
	assert_int_equal(pos[0].count, 2000);
	assert_int_equal(receipt_line_cost(&pos[0]), 20000);
	assert_int_equal(pos[0].discount, 0);
	assert_string_equal(pos[0].name, "Сыр");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_element_of_the_list_is_on_the_receipt),
		cmocka_unit_test(every_line_is_exactly_the_width),
		cmocka_unit_test(the_figures_add_up),
		cmocka_unit_test(a_copy_is_marked_at_its_head_and_foot),
		cmocka_unit_test(an_offline_receipt_says_so),
		cmocka_unit_test(a_return_is_titled_and_adds_up),
		cmocka_unit_test(kazakh_letters_kept_on_kz1048_and_spelt_on_cp866),
		cmocka_unit_test(the_printed_qr_is_the_ticket_url),
		cmocka_unit_test(outside_text_cannot_make_a_command_or_a_code),
		cmocka_unit_test(a_long_name_wraps_and_stops_at_128_characters),
		cmocka_unit_test(a_sale_becomes_positions_and_payments),
		cmocka_unit_test(a_line_over_two_refund_rows_is_one_position),
	};
	return cmocka_run_group_tests_name("receipt", tests, NULL, NULL);
}
