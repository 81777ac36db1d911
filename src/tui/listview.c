/* listview.c — see listview.h. */
#include "tui/listview.h"

#include "tui/keys.h"

void listview_set_count(struct listview *lv, size_t count)
{
	lv->count = count;
	if (lv->sel >= count)
		lv->sel = count ? count - 1 : 0;
	if (lv->top >= count)
		lv->top = count ? count - 1 : 0;
}

void listview_select(struct listview *lv, size_t i)
{
	lv->sel = lv->count == 0 ? 0 : i < lv->count ? i : lv->count - 1;
}

/* The largest top that still fills a page (scroll mode). */
static size_t last_top(const struct listview *lv, size_t page)
{
	return lv->count > page ? lv->count - page : 0;
}

size_t listview_first(const struct listview *lv, int rows)
{
	size_t page = rows > 0 ? (size_t)rows : 1;
	size_t top = lv->top;
	if (lv->scroll)
		return top < last_top(lv, page) ? top : last_top(lv, page);
	if (lv->sel < top)
		top = lv->sel;
	if (lv->sel >= top + page)
		top = lv->sel - page + 1;
	return top;
}

/* Moves *v by delta within [0, max]. */
static size_t step(size_t v, long delta, size_t max)
{
	if (delta < 0)
		return (size_t)-delta > v ? 0 : v - (size_t)-delta;
	return v + (size_t)delta > max ? max : v + (size_t)delta;
}

bool listview_key(struct listview *lv, int action, int rows)
{
	size_t page = rows > 1 ? (size_t)rows : 1;
	long delta;

	switch (action) {
	case ACT_UP: delta = -1; break;
	case ACT_DOWN: delta = 1; break;
	case ACT_PAGE_UP: delta = -(long)page; break;
	case ACT_PAGE_DOWN: delta = (long)page; break;
	case ACT_HOME: delta = -(long)lv->count - 1; break;
	case ACT_END: delta = (long)lv->count + 1; break;
	default: return false;
	}
	if (lv->scroll) {
		lv->top = step(listview_first(lv, rows), delta, last_top(lv, page));
		return true;
	}
	if (lv->count == 0)
		return true;
	size_t top = listview_first(lv, rows);
	lv->sel = step(lv->sel, delta, lv->count - 1);
	/* a page move takes the page along, so the selection keeps its place */
	if (action == ACT_PAGE_DOWN || action == ACT_PAGE_UP)
		top = step(top, delta, last_top(lv, page));
	lv->top = top;
	lv->top = listview_first(lv, rows);
	return true;
}
