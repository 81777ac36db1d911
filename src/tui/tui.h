/* tui.h — the till's full-screen interface (the UI thread). */
#ifndef KP_TUI_TUI_H
#define KP_TUI_TUI_H

#include "app/config.h"

/* Opens the database in cfg->home, starts the network worker and runs the
 * till until the cashier quits. Returns the process exit code; errors
 * that stop it before the screen opens are printed as one line. */
int tui_run(struct kp_config *cfg);

#endif
