/* test_store_i18n.c — the store's messages (store/messages.h) in the
 * reader's language: a store error, a catalog file's problem and an
 * order's timeline are said in Russian or Kazakh through the build's
 * catalog (build/locale, bound here: a test binary lives in build/tests,
 * where i18n_init does not look), in English without one, with their
 * arguments in the places the translation gives them; timeline rows
 * written before, as plain text, still read as they were. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/i18n.h"
#include "store/catalog.h"
#include "store/db.h"
#include "store/journal.h"
#include "store/shifts.h"

struct fixture {
	char dir[256];
	char path[300];
	store_db *db;
	int64_t shift_id;
};

/* Says everything in lang ("ru", "kk"; "en": no catalog) from now on. */
static void speak(const char *lang)
{
	char exe[PATH_MAX], dir[PATH_MAX + 16];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	assert_true(n > 0);
	exe[n] = '\0';
	/* build/tests/test_store_i18n → build/locale */
	snprintf(dir, sizeof dir, "%s/../locale", dirname(exe));
	setenv("LC_ALL", "C.UTF-8", 1); /* the C locale would ignore LANGUAGE */
	i18n_init(lang);
	bindtextdomain("kaspi-pos", strcmp(lang, "en") == 0 ? "/nonexistent" : dir);
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(path);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	store_err err;
	struct shift sh;
	assert_non_null(f);
	snprintf(f->dir, sizeof f->dir, "%s/kp-store-i18n-XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/kaspi-pos.db", f->dir);
	if (db_open(f->path, &f->db, &err) != STORE_OK)
		fail_msg("db_open: %s", kp_msg_text(&err.msg));
	assert_int_equal(shifts_ensure_open(f->db, 0, &sh, NULL, &err), STORE_OK);
	f->shift_id = sh.id;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	db_close(f->db);
	nftw(f->dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	free(f);
	speak("en");
	return 0;
}

/* build_body for journal_create: any body will do. */
static bool make_body(void *arg, const char *merchant_order_id, const char **body, size_t *len)
{
	static char buf[128];
	(void)arg;
	int n = snprintf(buf, sizeof buf, "{\"merchant_order_id\":\"%s\"}", merchant_order_id);
	*body = buf;
	*len = (size_t)n;
	return true;
}

/* A 1 500,00 order without lines; its row id. */
static int64_t order(struct fixture *f)
{
	struct journal_new o = {.till_id = "T01", .shift_id = f->shift_id, .method = JOURNAL_QR,
	                        .amount = 150000, .build_body = make_body};
	store_err err;
	int64_t id = 0;
	if (journal_create(f->db, &o, NULL, 0, &id, NULL, &err) != STORE_OK)
		fail_msg("journal_create: %s", kp_msg_text(&err.msg));
	return id;
}

/* The order's last timeline entry, as a reader sees it. */
static const char *last_note(struct fixture *f, int64_t id)
{
	static char text[1024];
	struct journal_event *ev = NULL;
	size_t n = 0;
	store_err err;
	assert_int_equal(journal_events(f->db, id, &ev, &n, &err), STORE_OK);
	assert_true(n > 0);
	snprintf(text, sizeof text, "%s", kp_msg_text_packed(ev[n - 1].detail));
	free(ev);
	return text;
}

/* A file that is not a database, opened: the store's error. */
static store_err open_garbage(struct fixture *f)
{
	char path[320];
	store_err err;
	store_db *db = NULL;
	snprintf(path, sizeof path, "%s/garbage.db", f->dir);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("this is not an SQLite file, but it is long enough to look like one's header......"
	      "................................................................................",
	      fp);
	fclose(fp);
	assert_int_equal(db_open(path, &db, &err), STORE_ERR_NOTADB);
	assert_null(db);
	return err;
}

static void a_store_error_is_english_without_a_catalog(void **state)
{
	struct fixture *f = *state;
	speak("en");
	store_err err = open_garbage(f);
	const char *text = kp_msg_text(&err.msg);
	assert_non_null(strstr(text, "is not a kaspi-pos database or is damaged"));
	assert_non_null(strstr(text, f->dir));
}

static void a_store_error_is_said_in_russian(void **state)
{
	struct fixture *f = *state;
	speak("ru");
	store_err err = open_garbage(f);
	const char *text = kp_msg_text(&err.msg);
	assert_non_null(strstr(text, "не база данных kaspi-pos или повреждён"));
	assert_non_null(strstr(text, f->dir));
	assert_null(strstr(text, "database"));
}

static void a_store_error_is_said_in_kazakh(void **state)
{
	struct fixture *f = *state;
	speak("kk");
	store_err err;
	struct journal_order o;
	assert_int_equal(journal_find(f->db, "T01-nope", &o, &err), STORE_NOT_FOUND);
	assert_string_equal(kp_msg_text(&err.msg), "журналда T01-nope тапсырысы не төлемі жоқ");
}

/* catalog_error_fn: keeps the problem as said (arg: 512 bytes). */
static void collect(void *arg, long line, const struct kp_msg *m)
{
	(void)line;
	snprintf(arg, 512, "%s", kp_msg_text(m));
}

/* The Kazakh problem puts the value before the EAN's kind: %2$s … %1$zu. */
static void a_catalog_problem_takes_its_arguments_where_the_translation_puts_them(void **state)
{
	struct fixture *f = *state;
	static char problem[512];
	speak("kk");
	static const char csv[] = "sku,barcode,name_ru,name_kk,unit,price,tax_rate\n"
	                          "A1,4870000000001,Молоко,Сүт,шт,450,12\n";
	store_err err;
	struct catalog_import_stats st;
	assert_int_equal(catalog_import_buffer(f->db, csv, sizeof csv - 1, collect, problem, &st, &err),
	                 STORE_ERR_INPUT);
	assert_string_equal(problem, "«4870000000001» ішіндегі EAN-13 бақылау цифры қате (5 болуы керек)");
	assert_string_equal(kp_msg_text(&err.msg), "каталог файлында қателер бар (1): ештеңе жүктелмеді");
}

static void a_timeline_note_written_packed_reads_back_in_the_readers_language(void **state)
{
	struct fixture *f = *state;
	store_err err;
	int64_t id = order(f);
	assert_int_equal(journal_note_attempt(f->db, id, NULL, &err), STORE_OK);

	speak("en");
	assert_string_equal(last_note(f, id), "create request 1 answered");
	speak("ru");
	assert_string_equal(last_note(f, id), "на запрос создания 1 получен ответ");
	speak("kk");
	assert_string_equal(last_note(f, id), "1-құру сұрауына жауап келді");
}

/* The app's fixed notes are msgids: their packed form is themselves. */
static void an_apps_note_is_translated_too(void **state)
{
	struct fixture *f = *state;
	store_err err;
	int64_t id = order(f);
	assert_int_equal(journal_note(f->db, id, 0, N_("cancel not supported: watched until it expires"),
	                              &err),
	                 STORE_OK);
	speak("ru");
	assert_string_equal(last_note(f, id), "отмена не поддерживается: ждём, пока истечёт срок");
}

/* A row written before messages were packed: plain English, shown as it
 * is (and translated if it happens to be a msgid). */
static void a_timeline_row_from_before_still_reads(void **state)
{
	struct fixture *f = *state;
	store_err err;
	int64_t id = order(f);
	assert_int_equal(journal_note(f->db, id, 0, "server: succeeded", &err), STORE_OK);
	speak("kk");
	assert_string_equal(last_note(f, id), "server: succeeded");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_store_error_is_english_without_a_catalog, setup, teardown),
		cmocka_unit_test_setup_teardown(a_store_error_is_said_in_russian, setup, teardown),
		cmocka_unit_test_setup_teardown(a_store_error_is_said_in_kazakh, setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_catalog_problem_takes_its_arguments_where_the_translation_puts_them, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			a_timeline_note_written_packed_reads_back_in_the_readers_language, setup, teardown),
		cmocka_unit_test_setup_teardown(an_apps_note_is_translated_too, setup, teardown),
		cmocka_unit_test_setup_teardown(a_timeline_row_from_before_still_reads, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
