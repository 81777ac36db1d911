/* strmap.h — a string-keyed hash map with separate chaining, so that every
 * request finds its payment in O(1) whatever the number stored. Keys are
 * borrowed: they must live in the value (e.g. the payment's id field) and
 * stay unchanged while the entry exists. Not thread-safe: the owner locks. */
#ifndef KP_SANDBOX_STRMAP_H
#define KP_SANDBOX_STRMAP_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strmap_node;

struct strmap {
	struct strmap_node **buckets; /* nbuckets chains */
	size_t nbuckets;              /* a power of two, or 0 before the first put */
	size_t count;                 /* entries stored */
	uint64_t seed;                /* hash seed, so keys cannot be chosen to collide */
};

void strmap_init(struct strmap *m, uint64_t seed);
/* Frees the map's own memory, not the values. */
void strmap_free(struct strmap *m);
void *strmap_get(const struct strmap *m, const char *key);
/* Adds or replaces; false when out of memory. */
bool strmap_put(struct strmap *m, const char *key, void *value) KP_MUST_CHECK;
/* Removes the entry if it maps key to value; returns whether it did. */
bool strmap_remove(struct strmap *m, const char *key, const void *value);

#endif
