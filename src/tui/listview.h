/* listview.h — the one scrolling list of the TUI (basket, search
 * results, users, held baskets, the journal, refund lines, help, report
 * and detail text). ↑ ↓ move by one, PgUp PgDn by a page, Home End to
 * the ends, the same everywhere (as htop's Panel_onKey); the selection
 * never leaves the list and the first row shown follows it.
 *
 * A list holds only two numbers besides its length: the selection and
 * the first row shown. Keys move both (listview_key knows the page's
 * height); drawing reads listview_first, which clamps without storing,
 * so a resize between two keys never needs a write in the draw.
 *
 * A text view (no selection: help, a report) is a list in scroll mode:
 * ↑ ↓ move the first row shown itself. */
#ifndef KP_TUI_LISTVIEW_H
#define KP_TUI_LISTVIEW_H

#include <stdbool.h>
#include <stddef.h>

struct listview {
	size_t count;   /* rows in the list */
	size_t sel;     /* the selected row (< count, or 0 when empty) */
	size_t top;     /* the first row shown, as the last key left it */
	bool scroll;    /* a text view: no selection, the keys move top */
};

/* Sets the number of rows (after a reload), keeping the selection inside. */
void listview_set_count(struct listview *lv, size_t count);

/* Selects row i (clamped), e.g. a line just added. */
void listview_select(struct listview *lv, size_t i);

/* Applies a move (ACT_UP … ACT_END of keys.h) for a page of `rows` rows.
 * Returns false when action is not a move. */
bool listview_key(struct listview *lv, int action, int rows);

/* The first row to draw in a page of `rows` rows: top, moved just enough
 * that the selection is shown (scroll mode: top, kept within the text). */
size_t listview_first(const struct listview *lv, int rows);

#endif
