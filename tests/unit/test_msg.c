/* test_msg.c — messages as data (core/msg.h): arguments written as text
 * when set, put back in the places of whatever conversions a translation
 * writes, by order or by position; packed into one string for the journal
 * and read back. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/msg.h"

static void arguments_are_written_as_text_when_set(void **state)
{
	(void)state;
	struct kp_msg m;
	char buf[256];
	kp_msg_set(&m, "line %zu of %d: %s (%lld tiyn)", (size_t)3, 7, "milk", (long long)-150000);
	assert_int_equal(m.n, 4);
	assert_string_equal(m.arg[0], "3");
	assert_string_equal(m.arg[3], "-150000");
	assert_string_equal(kp_msg_format(&m, m.id, buf, sizeof buf), "line 3 of 7: milk (-150000 tiyn)");
}

static void a_translation_may_reorder_its_arguments(void **state)
{
	(void)state;
	struct kp_msg m;
	char buf[256];
	kp_msg_set(&m, "%s is locked for %ld s", "Manager", 60L);
	assert_string_equal(kp_msg_format(&m, "%2$ld с блокировки для %1$s", buf, sizeof buf),
	                    "60 с блокировки для Manager");
}

static void a_wrong_conversion_in_a_translation_cannot_misread(void **state)
{
	(void)state;
	struct kp_msg m;
	char buf[256];
	kp_msg_set(&m, "%s: %d tries left", "PIN", 4);
	/* a translator wrote %s where the msgid has %d, and a stray %n */
	assert_string_equal(kp_msg_format(&m, "%d — %s, %n", buf, sizeof buf), "PIN — 4, ");
}

static void percent_signs_stay(void **state)
{
	(void)state;
	struct kp_msg m;
	char buf[64];
	kp_msg_set(&m, "above %d%% needs a manager", 10);
	assert_string_equal(kp_msg_format(&m, m.id, buf, sizeof buf), "above 10% needs a manager");
}

static void a_short_buffer_cuts_at_a_character(void **state)
{
	(void)state;
	struct kp_msg m;
	char buf[8];
	kp_msg_set(&m, "%s", "ааааа"); /* 10 bytes of Cyrillic */
	kp_msg_format(&m, m.id, buf, sizeof buf);
	assert_string_equal(buf, "ааа");
}

static void a_long_argument_is_cut_at_a_character(void **state)
{
	(void)state;
	struct kp_msg m;
	char big[600];
	memset(big, 0, sizeof big);
	for (size_t i = 0; i + 2 < sizeof big; i += 2)
		memcpy(big + i, "ж", 2);
	kp_msg_set(&m, "%s", big);
	assert_true(strlen(m.arg[0]) < KP_MSG_ARG_SIZE);
	assert_int_equal(strlen(m.arg[0]) % 2, 0);
}

static void a_packed_message_reads_back(void **state)
{
	(void)state;
	struct kp_msg m, back;
	char packed[256], out[256];
	kp_msg_set(&m, "server: %s, %d tries", "succeeded", 2);
	assert_true(kp_msg_pack(&m, packed, sizeof packed));
	kp_msg_unpack(packed, &back);
	assert_string_equal(back.id, "server: %s, %d tries");
	assert_int_equal(back.n, 2);
	assert_string_equal(kp_msg_format(&back, back.id, out, sizeof out), "server: succeeded, 2 tries");
}

static void a_plain_string_unpacks_as_a_msgid(void **state)
{
	(void)state;
	struct kp_msg m;
	char text[] = "the cashier gave up";
	kp_msg_unpack(text, &m);
	assert_string_equal(m.id, "the cashier gave up");
	assert_int_equal(m.n, 0);
}

static void packing_what_does_not_fit_fails(void **state)
{
	(void)state;
	struct kp_msg m;
	char small[10];
	kp_msg_set(&m, "a long message %s", "with an argument");
	assert_false(kp_msg_pack(&m, small, sizeof small));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(arguments_are_written_as_text_when_set),
		cmocka_unit_test(a_translation_may_reorder_its_arguments),
		cmocka_unit_test(a_wrong_conversion_in_a_translation_cannot_misread),
		cmocka_unit_test(percent_signs_stay),
		cmocka_unit_test(a_short_buffer_cuts_at_a_character),
		cmocka_unit_test(a_long_argument_is_cut_at_a_character),
		cmocka_unit_test(a_packed_message_reads_back),
		cmocka_unit_test(a_plain_string_unpacks_as_a_msgid),
		cmocka_unit_test(packing_what_does_not_fit_fails),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
