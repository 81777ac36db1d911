/* cli_pin.h — reading a PIN for the headless commands (user add, later
 * refund): from the terminal without echo, or one line of standard input
 * when that is not a terminal (scripts, tests), as DESIGN.md says. */
#ifndef KP_CLI_CLI_PIN_H
#define KP_CLI_CLI_PIN_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>

#define CLI_PIN_SIZE 32  /* buffer for one PIN line; longer lines are refused */

/* Reads one PIN. On a terminal: prompt on stderr, echo off (restored
 * even on Ctrl-C), a newline after. Otherwise one line of stdin, no
 * prompt. The line end is stripped. Returns false at the end of input,
 * on a read error or for a line that does not fit buf. */
bool cli_read_pin(const char *prompt, char *buf, size_t size) KP_MUST_CHECK;

/* (A PIN buffer is wiped with app/pin.h's pin_wipe.) */

#endif
