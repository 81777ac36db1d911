/* test_hub_ingest.c — kaspi-hub's side of the chain (src/hub): its hash
 * of a row equals the till's (store/outbox.h) on the same bytes, Cyrillic
 * included, and on the rows a real journal's triggers wrote; a batch is
 * parsed into its rows, and refused as a whole (400, with the seq) when
 * it is not one: not JSON, a till id that is not one, seqs out of order,
 * a table or op the till never writes, hashes that are not 64 hex digits,
 * a payload that is not a JSON object in a string, more than 5000 rows;
 * each outcome's status and JSON answer. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hub/hash.h"
#include "hub/ingest.h"
#include "store/db.h"
#include "store/outbox.h"

#define ZEROS "0000000000000000000000000000000000000000000000000000000000000000"
#define H1 "1111111111111111111111111111111111111111111111111111111111111111"

static void the_hubs_hash_is_the_tills(void **state)
{
	(void)state;
	const char *payloads[] = {"{}", "{\"name\":\"Мука «высший» сорт\",\"amount\":79000}",
	                          "{\"kk\":\"Қант ұнтағы\"}"};
	for (size_t i = 0; i < sizeof payloads / sizeof *payloads; i++) {
		char a[65], b[65];
		assert_true(hub_chain_hash(ZEROS, (int64_t)i + 41, "orders", "update", payloads[i], a));
		assert_true(outbox_hash(ZEROS, (int64_t)i + 41, "orders", "update", payloads[i], b));
		assert_string_equal(a, b);
	}
	char h[65];
	assert_true(hub_sha256_hex("abc", 3, h));
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void the_hub_checks_a_real_journals_chain(void **state)
{
	(void)state;
	char dir[] = "/tmp/kp-hubtest-XXXXXX", path[64];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/kaspi-pos.db", dir);
	store_db *db;
	store_err err;
	assert_int_equal(db_open(path, &db, &err), STORE_OK);
	assert_int_equal(sqlite3_exec(db_sqlite(db),
	                              "INSERT INTO shifts (opened_at) VALUES (1);"
	                              " INSERT INTO events (at, kind, detail) VALUES (2, 'note', 'Сәлем');"
	                              " UPDATE shifts SET opened_by = NULL WHERE id = 1",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	struct outbox_batch b = {0};
	assert_int_equal(outbox_read(db, 0, 10, &b, &err), STORE_OK);
	assert_int_equal(b.n, 3);
	const char *prev = ZEROS;
	for (size_t i = 0; i < b.n; i++) {
		char h[65];
		assert_string_equal(b.rows[i].prev_hash, prev);
		assert_true(hub_chain_hash(b.rows[i].prev_hash, b.rows[i].seq, b.rows[i].tbl, b.rows[i].op,
		                           b.rows[i].payload, h));
		assert_string_equal(h, b.rows[i].hash);
		prev = b.rows[i].hash;
	}
	outbox_batch_free(&b);
	db_close(db);
	char wal[80], shm[80];
	snprintf(wal, sizeof wal, "%s-wal", path);
	snprintf(shm, sizeof shm, "%s-shm", path);
	unlink(path), unlink(wal), unlink(shm), rmdir(dir);
}

/* A batch of rows first … last of till, well formed. */
static char *batch(const char *till, int first, int last)
{
	size_t cap = 256 + (size_t)(last - first + 1) * 256, n = 0;
	char *s = malloc(cap);
	n += (size_t)snprintf(s + n, cap - n, "{\"till\":\"%s\",\"rows\":[", till);
	for (int i = first; i <= last; i++)
		n += (size_t)snprintf(s + n, cap - n,
		                      "%s{\"seq\":%d,\"table\":\"events\",\"op\":\"insert\","
		                      "\"payload\":\"{\\\"id\\\":%d}\",\"prev_hash\":\"" ZEROS
		                      "\",\"hash\":\"" H1 "\"}",
		                      i > first ? "," : "", i, i);
	snprintf(s + n, cap - n, "]}");
	return s;
}

static void a_batch_is_parsed_into_its_rows(void **state)
{
	(void)state;
	struct ingest_batch b;
	struct ingest_result r;
	char *text = batch("T01", 7, 9);
	assert_true(ingest_parse(text, &b, &r));
	assert_string_equal(b.till, "T01");
	assert_int_equal(b.n, 3);
	assert_int_equal(b.rows[0].seq, 7);
	assert_int_equal(b.rows[2].seq, 9);
	assert_string_equal(b.rows[1].payload, "{\"id\":8}");
	assert_string_equal(b.rows[1].tbl, "events");
	ingest_free(&b);
	free(text);
	assert_true(ingest_parse("{\"till\":\"T01\",\"rows\":[]}", &b, &r));
	assert_int_equal(b.n, 0);
	ingest_free(&b);
}

/* Parses text, which must be refused; the seq the refusal names. */
static int64_t refused(const char *text)
{
	struct ingest_batch b;
	struct ingest_result r;
	bool ok = ingest_parse(text, &b, &r);
	ingest_free(&b);
	if (ok)
		fail_msg("taken: %s", text);
	assert_int_equal(r.outcome, INGEST_BAD);
	assert_non_null(r.why);
	return r.seq;
}

static void what_is_not_a_batch_is_refused_whole(void **state)
{
	(void)state;
	assert_int_equal(refused("not json"), 0);
	assert_int_equal(refused("[]"), 0);
	assert_int_equal(refused("{\"till\":\"T 01\",\"rows\":[]}"), 0);
	assert_int_equal(refused("{\"till\":\"T01\"}"), 0);
	assert_int_equal(refused("{\"till\":\"T01\",\"rows\":[{\"seq\":0}]}"), 0);
	assert_int_equal(refused("{\"till\":\"T01\",\"rows\":[{\"seq\":1.5}]}"), 0);
	char *t = batch("T01", 1, 3);
	char *p = strstr(t, "\"seq\":2");
	p[6] = '4'; /* 1, 4, 3 */
	assert_int_equal(refused(t), 4);
	free(t);
	const char *swaps[][2] = {
		{"\"table\":\"events\"", "\"table\":\"Ev ents\""},
		{"\"op\":\"insert\"", "\"op\":\"delete\""},
		{"\"hash\":\"1111", "\"hash\":\"111X"},
		{"\"payload\":\"{\\\"id\\\":2}\"", "\"payload\":\"[2]\""},
		{"\"payload\":\"{\\\"id\\\":2}\"", "\"payload\":{\"id\":2}"},
	};
	for (size_t i = 0; i < sizeof swaps / sizeof *swaps; i++) {
		char *s = batch("T01", 1, 3), *at = strstr(s, "\"seq\":2");
		char *hit = strstr(at, swaps[i][0]);
		assert_non_null(hit);
		size_t len = strlen(s) + 64;
		char *out = malloc(len);
		snprintf(out, len, "%.*s%s%s", (int)(hit - s), s, swaps[i][1], hit + strlen(swaps[i][0]));
		assert_int_equal(refused(out), 2);
		free(out);
		free(s);
	}
	char *many = batch("T01", 1, INGEST_ROWS_MAX + 1);
	assert_int_equal(refused(many), 0);
	free(many);
}

static void each_outcome_has_its_answer(void **state)
{
	(void)state;
	struct {
		struct ingest_result r;
		int status;
		const char *json;
	} cases[] = {
		{{.outcome = INGEST_OK, .acked = 42, .stored = 7}, 200, "{\"acked\":42,\"stored\":7}"},
		{{.outcome = INGEST_GAP, .seq = 43}, 409, "{\"error\":\"gap\",\"seq\":43}"},
		{{.outcome = INGEST_CHAIN, .seq = 44}, 409, "{\"error\":\"chain\",\"seq\":44}"},
		{{.outcome = INGEST_UNAUTHORIZED}, 401, "{\"error\":\"unauthorized\"}"},
		{{.outcome = INGEST_FORBIDDEN}, 403, "{\"error\":\"forbidden\"}"},
		{{.outcome = INGEST_UNAVAILABLE}, 503, "{\"error\":\"unavailable\"}"},
		{{.outcome = INGEST_BAD, .seq = 2, .why = "x"}, 400,
		 "{\"error\":\"bad_request\",\"seq\":2,\"message\":\"x\"}"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *json = NULL;
		assert_int_equal(ingest_answer(&cases[i].r, &json), cases[i].status);
		assert_string_equal(json, cases[i].json);
		free(json);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_hubs_hash_is_the_tills),
		cmocka_unit_test(the_hub_checks_a_real_journals_chain),
		cmocka_unit_test(a_batch_is_parsed_into_its_rows),
		cmocka_unit_test(what_is_not_a_batch_is_refused_whole),
		cmocka_unit_test(each_outcome_has_its_answer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
