/* scan.h — telling a barcode scanner from a person. A scanner is a
 * keyboard that types a code faster than anyone can and ends it with
 * Enter; that Enter must only ever add the code, never confirm a dialog.
 * Pure logic over timed key events, so it can be tested without a
 * terminal. */
#ifndef KP_TUI_SCAN_H
#define KP_TUI_SCAN_H

#include <stdbool.h>

#define SCAN_GAP_MS 40     /* a scanner's keys come closer than this */
#define SCAN_MIN_DIGITS 6  /* shorter bursts are people (a quantity, a PIN) */

struct scan_key {
	int key;     /* code point, or KC(curses key) */
	long ms;     /* when it was read, monotonic milliseconds */
};

/* Finds the first scanner burst in keys[0 … n): at least SCAN_MIN_DIGITS
 * digits, each within SCAN_GAP_MS of the one before, then Enter within
 * SCAN_GAP_MS. On success sets [*start, *end) to the burst including its
 * Enter and returns true. */
bool scan_find(const struct scan_key *keys, int n, int *start, int *end);

/* True when the tail of keys[0 … n) may be the start of a burst still
 * arriving: it ends in a digit read less than SCAN_GAP_MS before now. */
bool scan_may_continue(const struct scan_key *keys, int n, long now_ms);

#endif
