/* grow.h — the one way an array grows: doubled (from a first size) until
 * it holds what is needed, never past a size_t overflow. Every list the
 * till builds (journal rows, refunds, report lines, text buffers) grows
 * through here. */
#ifndef KP_CORE_GROW_H
#define KP_CORE_GROW_H

#include <stdbool.h>
#include <stddef.h>

#include "core/check.h"

/* Makes *base (room for *cap elements of elem bytes) hold at least need
 * elements: *base and *cap are updated when it grows (doubled, starting
 * at first, or at need when that is more). False when out of memory or
 * the size would overflow; *base and *cap are then unchanged. */
bool kp_grow(void **base, size_t *cap, size_t need, size_t elem, size_t first)
	KP_MUST_CHECK;

/* kp_grow for a typed pointer: KP_GROW(list, cap, n + 1, 8). */
#define KP_GROW(ptr, cap, need, first) \
	kp_grow((void **)&(ptr), &(cap), (need), sizeof *(ptr), (first))

#endif
