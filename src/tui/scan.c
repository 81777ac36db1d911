/* scan.c — see scan.h. */
#include "tui/scan.h"

static bool is_digit(int k) { return k >= '0' && k <= '9'; }
static bool is_enter(int k) { return k == '\n' || k == '\r'; }

bool scan_find(const struct scan_key *keys, int n, int *start, int *end)
{
	for (int i = 0; i < n; i++) {
		if (!is_digit(keys[i].key))
			continue;
		int j = i + 1;
		while (j < n && is_digit(keys[j].key) && keys[j].ms - keys[j - 1].ms < SCAN_GAP_MS)
			j++;
		if (j - i >= SCAN_MIN_DIGITS && j < n && is_enter(keys[j].key) &&
		    keys[j].ms - keys[j - 1].ms < SCAN_GAP_MS) {
			*start = i;
			*end = j + 1;
			return true;
		}
		i = j - 1;
	}
	return false;
}

bool scan_may_continue(const struct scan_key *keys, int n, long now_ms)
{
	return n > 0 && is_digit(keys[n - 1].key) && now_ms - keys[n - 1].ms < SCAN_GAP_MS;
}
