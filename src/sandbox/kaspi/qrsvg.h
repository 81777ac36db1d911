/* qrsvg.h — a QR code as an SVG picture, for the qr_image URL. */
#ifndef KP_SANDBOX_KASPI_QRSVG_H
#define KP_SANDBOX_KASPI_QRSVG_H

#include <stddef.h>

/* Encodes text (byte mode, error correction M) and draws it as SVG: one
 * unit per module, dark on white, a 4-module quiet zone. Returns a
 * malloc'd string and sets *len, or NULL on failure. */
char *qrsvg_render(const char *text, size_t *len);

#endif
