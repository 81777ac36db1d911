/* grow.c — see grow.h. */
#include "core/grow.h"

#include <stdint.h>
#include <stdlib.h>

bool kp_grow(void **base, size_t *cap, size_t need, size_t elem, size_t first)
{
	if (need <= *cap)
		return true;
	if (elem == 0)
		return false;
	size_t ncap = *cap ? *cap : (first ? first : 1);
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return false;
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / elem)
		return false;
	void *grown = realloc(*base, ncap * elem);
	if (!grown)
		return false;
	*base = grown;
	*cap = ncap;
	return true;
}
