/* vfd.c — see vfd.h. */
#include "core/vfd.h"

#include <string.h>

#include "core/escpos.h"

#define ESC 0x1b
#define US 0x1f

void vfd_init_bytes(unsigned char table, unsigned char out[VFD_INIT_SIZE])
{
	const unsigned char init[VFD_INIT_SIZE] = {ESC, '@', ESC, 't', table};
	memcpy(out, init, sizeof init);
}

/* A text's bytes in CP866, at most cap of them (a byte is a column). */
static size_t chars_866(const char *text, unsigned char *out, size_t cap)
{
	unsigned char buf[4 * VFD_COLS + 8];
	if (!text)
		return 0;
	size_t n = escpos_encode_chars(ESCPOS_CP866, text, strnlen(text, 4 * VFD_COLS), buf, sizeof buf);
	if (n > sizeof buf)
		n = sizeof buf;
	if (n > cap)
		n = cap;
	memcpy(out, buf, n);
	return n;
}

void vfd_row(const char *left, const char *right, unsigned char out[VFD_COLS])
{
	unsigned char r[VFD_COLS];
	memset(out, ' ', VFD_COLS);
	size_t nr = chars_866(right, r, VFD_COLS);
	/* one space between the parts when both are there */
	size_t room = nr ? (nr < VFD_COLS ? VFD_COLS - nr - 1 : 0) : VFD_COLS;
	chars_866(left, out, room);
	memcpy(out + VFD_COLS - nr, r, nr);
}

void vfd_frame(const unsigned char rows[VFD_ROWS][VFD_COLS], unsigned char out[VFD_FRAME_SIZE])
{
	for (int y = 0; y < VFD_ROWS; y++) {
		unsigned char *p = out + y * (4 + VFD_COLS);
		p[0] = US, p[1] = '$', p[2] = 1, p[3] = (unsigned char)(y + 1);
		memcpy(p + 4, rows[y], VFD_COLS);
	}
}
