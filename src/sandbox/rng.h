/* rng.h — xoshiro256** pseudo-random numbers: fast, and repeatable from a
 * seed (the fault injection's promise). Not thread-safe: the owner locks. */
#ifndef KP_SANDBOX_RNG_H
#define KP_SANDBOX_RNG_H

#include <stddef.h>
#include <stdint.h>

struct rng {
	uint64_t s[4];  /* generator state, never all zero */
};

void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
/* Uniform in [0, 1). */
double rng_unit(struct rng *r);
/* A seed from the kernel's random source. */
uint64_t rng_entropy(void);
/* Fills buf with kernel randomness; aborts the program if there is none. */
void rng_bytes(void *buf, size_t len);

#endif
