/* test_vfd.c — the customer pole display: rows in CP866 cut and padded to
 * 20 columns with the amount kept at the right, Kazakh letters spelt as
 * on CP866 receipts; the writer thread appends ESC @ ESC t 17 once, then
 * each new frame (US $ 1 y and 20 bytes per row), never a frame equal to
 * the last; a port that cannot be opened is said, not fatal. Bytes are
 * written out here by hand (from the DM-D command reference and the CP866
 * table), not by the code under test. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/i18n.h"
#include "app/vfd.h"
#include "core/vfd.h"

static void row_is(const char *left, const char *right, const char *want)
{
	unsigned char row[VFD_COLS];
	vfd_row(left, right, row);
	assert_int_equal(strlen(want), VFD_COLS);
	assert_memory_equal(row, want, VFD_COLS);
}

static void rows_in_cp866(void **state)
{
	(void)state;
	/* ИТОГО: И=0x88 Т=0x92 О=0x8e Г=0x83; "1 500,00 ₸" with U+202F and ₸ → "тг" (0xe2 0xa3) */
	row_is("ИТОГО", "1\u202f500,00 ₸", "\x88\x92\x8e\x83\x8e    1 500,00 \xe2\xa3");
	/* Kazakh: Рақмет → Ракмет (Р=0x90 а=0xa0 к=0xaa м=0xac е=0xa5 т=0xe2) */
	row_is("Рақмет!", NULL, "\x90\xa0\xaa\xac\xa5\xe2!             ");
	/* a long name is cut, the amount stays whole at the right, one space between */
	row_is("Milk Food Master 2.5% 1 l", "610,00", "Milk Food Mas 610,00");
	/* controls never reach the display */
	row_is("a\x1b@b\tc", "", "a?@b c              ");
	row_is(NULL, NULL, "                    ");
}

static void frames_bytes(void **state)
{
	(void)state;
	unsigned char rows[VFD_ROWS][VFD_COLS], frame[VFD_FRAME_SIZE], init[VFD_INIT_SIZE];
	vfd_row("A", NULL, rows[0]);
	vfd_row("B", "1", rows[1]);
	vfd_frame((const unsigned char(*)[VFD_COLS])rows, frame);
	const char want[] = "\x1f$\x01\x01" "A                   " "\x1f$\x01\x02" "B                  1";
	assert_memory_equal(frame, want, VFD_FRAME_SIZE);
	vfd_init_bytes(17, init);
	assert_memory_equal(init, "\x1b@\x1bt\x11", VFD_INIT_SIZE);
}

static void the_writer_appends_new_frames_only(void **state)
{
	(void)state;
	char dir[] = "/tmp/test_vfd.XXXXXX", path[64], msg[256];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/pole", dir);
	struct vfd *v = vfd_start(path, 0, msg, sizeof msg);
	assert_non_null(v);
	vfd_show(v, "ИТОГО", "549,00", NULL, NULL);
	vfd_show(v, "ИТОГО", "549,00", NULL, NULL); /* the same: not written again */
	usleep(100 * 1000);
	vfd_show(v, "Спасибо!", NULL, "Сдача", "451,00");
	vfd_stop(v);

	unsigned char got[512];
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t n = fread(got, 1, sizeof got, f);
	fclose(f);
	const char want[] = "\x1b@\x1bt\x11"
	                    "\x1f$\x01\x01" "\x88\x92\x8e\x83\x8e         549,00"
	                    "\x1f$\x01\x02" "                    "
	                    "\x1f$\x01\x01" "\x91\xaf\xa0\xe1\xa8\xa1\xae!            "
	                    "\x1f$\x01\x02" "\x91\xa4\xa0\xe7\xa0         451,00";
	assert_int_equal(n, sizeof want - 1);
	assert_memory_equal(got, want, n);
	unlink(path);
	rmdir(dir);
}

static void a_port_that_cannot_open_is_said(void **state)
{
	(void)state;
	char msg[256], status[512];
	struct vfd *v = vfd_start("/nonexistent-dir/ttyUSB9", 0, msg, sizeof msg);
	assert_non_null(v);
	vfd_show(v, "x", NULL, NULL, NULL);
	status[0] = '\0';
	for (int i = 0; i < 100 && !status[0]; i++) {
		usleep(10 * 1000);
		vfd_status(v, status, sizeof status);
	}
	assert_non_null(strstr(status, "/nonexistent-dir/ttyUSB9"));
	vfd_stop(v);
}

int main(void)
{
	(void)i18n_init("en");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rows_in_cp866),
		cmocka_unit_test(frames_bytes),
		cmocka_unit_test(the_writer_appends_new_frames_only),
		cmocka_unit_test(a_port_that_cannot_open_is_said),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
