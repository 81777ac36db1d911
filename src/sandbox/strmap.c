/* strmap.c — chained hash map of borrowed string keys. */
#include "sandbox/strmap.h"

#include <stdlib.h>
#include <string.h>

struct strmap_node {
	const char *key;           /* borrowed from the value */
	uint64_t hash;             /* full hash, to skip strcmp on most misses */
	void *value;
	struct strmap_node *next;  /* next in the bucket's chain */
};

/* FNV-1a, seeded. */
static uint64_t strmap_hash(const struct strmap *m, const char *key)
{
	uint64_t h = 14695981039346656037ULL ^ m->seed;
	for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
		h ^= *p;
		h *= 1099511628211ULL;
	}
	return h ^ (h >> 29);
}

void strmap_init(struct strmap *m, uint64_t seed)
{
	m->buckets = NULL;
	m->nbuckets = 0;
	m->count = 0;
	m->seed = seed;
}

void strmap_free(struct strmap *m)
{
	for (size_t i = 0; i < m->nbuckets; i++) {
		struct strmap_node *n = m->buckets[i];
		while (n) {
			struct strmap_node *next = n->next;
			free(n);
			n = next;
		}
	}
	free(m->buckets);
	m->buckets = NULL;
	m->nbuckets = m->count = 0;
}

static struct strmap_node *strmap_find(const struct strmap *m, const char *key, uint64_t h)
{
	if (!m->nbuckets)
		return NULL;
	for (struct strmap_node *n = m->buckets[h & (m->nbuckets - 1)]; n; n = n->next)
		if (n->hash == h && strcmp(n->key, key) == 0)
			return n;
	return NULL;
}

void *strmap_get(const struct strmap *m, const char *key)
{
	struct strmap_node *n = strmap_find(m, key, strmap_hash(m, key));
	return n ? n->value : NULL;
}

/* Doubles the bucket array; false when out of memory (the map still works). */
static bool strmap_grow(struct strmap *m)
{
	size_t size = m->nbuckets ? m->nbuckets * 2 : 64;
	struct strmap_node **b = calloc(size, sizeof *b);
	if (!b)
		return false;
	for (size_t i = 0; i < m->nbuckets; i++) {
		struct strmap_node *n = m->buckets[i];
		while (n) {
			struct strmap_node *next = n->next;
			size_t j = n->hash & (size - 1);
			n->next = b[j];
			b[j] = n;
			n = next;
		}
	}
	free(m->buckets);
	m->buckets = b;
	m->nbuckets = size;
	return true;
}

bool strmap_put(struct strmap *m, const char *key, void *value)
{
	uint64_t h = strmap_hash(m, key);
	struct strmap_node *n = strmap_find(m, key, h);

	if (n) {
		n->key = key;
		n->value = value;
		return true;
	}
	if (m->count >= m->nbuckets && !strmap_grow(m) && !m->nbuckets)
		return false;
	n = malloc(sizeof *n);
	if (!n)
		return false;
	n->key = key;
	n->hash = h;
	n->value = value;
	size_t i = h & (m->nbuckets - 1);
	n->next = m->buckets[i];
	m->buckets[i] = n;
	m->count++;
	return true;
}

bool strmap_remove(struct strmap *m, const char *key, const void *value)
{
	uint64_t h = strmap_hash(m, key);

	if (!m->nbuckets)
		return false;
	for (struct strmap_node **pp = &m->buckets[h & (m->nbuckets - 1)]; *pp; pp = &(*pp)->next) {
		struct strmap_node *n = *pp;
		if (n->hash == h && strcmp(n->key, key) == 0) {
			if (n->value != value)
				return false;
			*pp = n->next;
			free(n);
			m->count--;
			return true;
		}
	}
	return false;
}
