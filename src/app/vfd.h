/* vfd.h — the customer pole display ([display] vfd): two lines of 20
 * characters on a serial VFD (core/vfd.h builds the bytes), written by a
 * thread of its own, so that a slow or unplugged port never holds the
 * UI thread. The UI thread hands it the two lines (vfd_show: a copy and
 * a signal); the thread writes the newest frame only, and a frame equal
 * to the last written is not written again. A write that fails closes
 * the port; it is opened again a few seconds later (a pole plugged back
 * in shows the current frame).
 *
 * The port: a terminal device (/dev/ttyUSB0, /dev/ttyS0) is set to 9600
 * baud, 8 bits, no parity, one stop bit, raw; any other path is a file
 * the frames are appended to (tests, or a pipe to another program). */
#ifndef KP_APP_VFD_H
#define KP_APP_VFD_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/config.h"

struct vfd;

/* Starts the writer for path with code table `table` (ESC t n; 0: Epson's
 * PC866). NULL with a message when the thread cannot start; a port that
 * cannot be opened yet is not an error (it is tried again). */
struct vfd *vfd_start(const char *path, unsigned char table, char *message, size_t size);

/* The two rows: each a left text and a right text (an amount; NULL for
 * none), UTF-8. */
void vfd_show(struct vfd *v, const char *top, const char *top_right, const char *bottom,
              const char *bottom_right);

/* The rows for what the buyer's display shows (app/display.h), in lang:
 * between sales the shop and a welcome; the last line and the total;
 * the payment's amount, state and seconds left (now_ms: the monotonic
 * clock); the thanks and the change. */
struct display_view;
void vfd_show_view(struct vfd *v, const struct display_view *view, const char *shop,
                   enum config_vfd_language lang, int64_t now_ms);

/* The last failure to open or write the port ("" when it works), for the
 * cashier's screen. */
void vfd_status(struct vfd *v, char *message, size_t size);

/* Writes the newest frame if not yet written (the port open), stops the
 * thread, closes the port, frees v. NULL: nothing. */
void vfd_stop(struct vfd *v);

#endif
