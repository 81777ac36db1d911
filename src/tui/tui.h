/* tui.h — the till's full-screen interface (the UI thread). */
#ifndef KP_TUI_TUI_H
#define KP_TUI_TUI_H

#include <stdbool.h>
#include <stddef.h>

#include "app/config.h"

/* Opens the database in cfg->home, starts the network worker and runs the
 * till until the cashier quits. Returns the process exit code; errors
 * that stop it before the screen opens are printed as one line. */
int tui_run(struct kp_config *cfg);

/* Opens curses on the terminal (raw keys, no echo, no cursor) with the
 * colour theme; a theme that cannot be read leaves one line in warning.
 * False when the terminal cannot be had. */
bool tui_open_terminal(enum config_theme theme, char *warning, size_t size);

/* `kaspi-pos display`: the customer display's view (app/display_feed.h)
 * from url, drawn full screen until q, Esc or F10; exit code. */
int tui_display_run(const char *url, const char *ca_file, enum config_theme theme);

#endif
