/* print.h — sends receipt and report text to the printer the config names.
 *
 * [printer] mode picks the way:
 *   command  the UTF-8 text on the standard input of `/bin/sh -c COMMAND`
 *            (e.g. "lp -d receipt": CUPS then does fonts and code pages);
 *            success is exit status 0, whether or not it read all of its
 *            input (the command knows best). The command's own output is kept
 *            out of the terminal (the TUI owns it) and its last line is
 *            quoted in the message when it fails.
 *   device   raw ESC/POS (src/core/escpos.h) in [printer] codepage,
 *            written to an existing device such as /dev/usb/lp0. Never
 *            created: a missing device is an error, not a new file.
 *   file     the same ESC/POS bytes the device would get, appended to the
 *            file (created 0644 if missing). "A file gets what would have
 *            been printed": the file can be replayed to a printer as is
 *            (`cat FILE > /dev/usb/lp0`, `nc HOST 9100 < FILE`) and tests
 *            see exactly the device's bytes, code page, feed and cut
 *            included. To read it as text use escpos_decode(), or
 *            print_preview() for the text before it is sent.
 *   none     nothing is sent: PRINT_NOT_CONFIGURED.
 *
 * Nothing here waits forever: a command that has not exited within the
 * time-out (PRINT_TIMEOUT_MS, 10 s), or a device or file that has taken
 * no byte for that long, is given up on — the command's process group is
 * killed — and the call returns PRINT_FAILED. (A device that keeps taking
 * bytes is waited for: a slow printer takes a long report only as fast as
 * it prints.) Devices and files are opened O_NONBLOCK and
 * written with poll(), so an unplugged or paperless printer (EAGAIN
 * forever) or a FIFO with no reader (ENXIO at once) cannot hang the till.
 *
 * print_text() only sends. It marks nothing as printed, stores nothing and
 * keeps no copy: the caller keeps the text and may call again (a reprint)
 * after the cashier has fixed the printer. A FAILED device job may have
 * printed part of the receipt; a reprint sends it whole.
 *
 * Any thread may call these; the call blocks up to the time-out. While it
 * runs, SIGPIPE is blocked in the calling thread, so a command that stops
 * reading its input is an error value, not a dead till. */
#ifndef KP_APP_PRINT_H
#define KP_APP_PRINT_H

#include "core/check.h"

#include <stddef.h>

#include "app/config.h"
#include "core/clock.h"

#define PRINT_TIMEOUT_MS 10000   /* a command's whole run; a device's longest silence */
/* An err buffer this big holds every message whole: a command or path of
 * up to CONFIG_PATH_MAX, the command's last line (at most 160 bytes), the
 * errno text and the advice. Smaller buffers get the message cut. */
#define PRINT_ERR_MAX    (CONFIG_PATH_MAX + 512)

enum print_status {
	PRINT_OK = 0,           /* the command exited 0, or every byte was written */
	PRINT_NOT_CONFIGURED,   /* mode none, or the mode's command/device/file is empty */
	PRINT_FAILED,           /* err holds one line for the cashier */
};

/* Prints utf8_text the way cfg->printer says, waiting at most
 * PRINT_TIMEOUT_MS. On anything but PRINT_OK, err (when errsize > 0) gets
 * one line without a newline, e.g.
 *   "printer command 'lp -d receipt' failed (exit 1): check the printer, then reprint"
 *   "printer device /dev/usb/lp0: No such file or directory" */
enum print_status print_text(const struct kp_config *cfg, const char *utf8_text,
                             char *err, size_t errsize) KP_MUST_CHECK;

/* print_text with another time-out in milliseconds (> 0). */
enum print_status print_text_within(const struct kp_config *cfg, const char *utf8_text,
                                    int timeout_ms, char *err, size_t errsize) KP_MUST_CHECK;

/* print_text_within with its deadlines on clock (every wait reads it):
 * a test passes a fake one and never waits the time-out out. timeout_ms
 * ≤ 0: PRINT_TIMEOUT_MS. */
enum print_status print_text_on(const struct kp_config *cfg, const char *utf8_text, int timeout_ms,
                                const struct kp_clock *clock, char *err, size_t errsize) KP_MUST_CHECK;

/* What the paper will show, as UTF-8: the text itself in command mode
 * (CUPS prints UTF-8), else the text as [printer] codepage renders it
 * (Kazakh letters in Russian on CP866, "тг" for ₸, '?' for the rest).
 * snprintf semantics: returns the whole length, writes at most size bytes
 * including the NUL. */
size_t print_preview(const struct kp_config *cfg, const char *utf8_text,
                     char *out, size_t size);

/* Opens the cash drawer the way [drawer] mode says: an ESC/POS pulse
 * (ESC p, [drawer] pin, 50 ms on, 500 ms off) written to [printer]
 * device or file, or [drawer] command run. PRINT_NOT_CONFIGURED for mode
 * none (the cashier opens it by hand); on a failure err gets one line.
 * Blocks at most timeout_ms (≤ 0: PRINT_TIMEOUT_MS). */
enum print_status print_drawer_kick(const struct kp_config *cfg, int timeout_ms, char *err,
                                    size_t errsize) KP_MUST_CHECK;

/* "ok", "not configured" or "failed". */
const char *print_status_name(enum print_status status);

#endif
