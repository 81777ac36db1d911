/* vfd.h — a customer pole display (VFD, 2 lines of 20 characters) in the
 * Epson DM-D command set, which CD5220-family poles also take in their
 * "ESC/POS" mode. Pure C, no I/O: app/vfd.c writes what this builds to
 * the serial port (or a file, for tests).
 *
 * Commands used (Epson "Customer Display Command Reference", DM-D):
 *   ESC @        initialise (once, when the port is opened)
 *   ESC t n      the character code table (n: VFD_TABLE_PC866 by default)
 *   US $ x y     move the cursor to column x (1–20), row y (1–2)
 * A frame moves to each row's start and writes exactly 20 characters, the
 * text cut or padded with spaces, so every frame overwrites the whole
 * display without a clear (no flicker). Text is in CP866 (core/escpos.h):
 * Kazakh letters spelt as on CP866 receipts, ₸ as "тг", controls as '?'.
 * A right-aligned part (an amount) keeps its place: the left part is cut
 * first. */
#ifndef KP_CORE_VFD_H
#define KP_CORE_VFD_H

#include <stddef.h>

#define VFD_COLS 20
#define VFD_ROWS 2
#define VFD_TABLE_PC866 17 /* Epson's number for PC866 on DM-D displays */
#define VFD_INIT_SIZE 5    /* ESC @ ESC t n */
#define VFD_FRAME_SIZE (VFD_ROWS * (4 + VFD_COLS))

/* ESC @, ESC t table into out[VFD_INIT_SIZE]. */
void vfd_init_bytes(unsigned char table, unsigned char out[VFD_INIT_SIZE]);

/* One row of the display: left text and right text (an amount; NULL or
 * "" for none), in CP866, cut or padded to VFD_COLS bytes, the right
 * part at the row's end. */
void vfd_row(const char *left, const char *right, unsigned char out[VFD_COLS]);

/* A frame of rows[0] and rows[1] (each VFD_COLS bytes from vfd_row) into
 * out[VFD_FRAME_SIZE]: cursor to each row, its characters. */
void vfd_frame(const unsigned char rows[VFD_ROWS][VFD_COLS], unsigned char out[VFD_FRAME_SIZE]);

#endif
