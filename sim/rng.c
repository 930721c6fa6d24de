/* rng.c - named random streams: a fixed hash of (seed, replication, name).
 *
 * Why a hash and not a counter: a stream's seed must not depend on the order
 * in which a model asks for its streams, nor on which thread runs the
 * replication, nor on what other streams exist.  So the seed is a pure
 * function of (scenario seed, replication, stream name):
 *
 *   h = FNV-1a-64(name)
 *   x = mix(h + G);  x = mix((x ^ rep) + G);  x = mix((x ^ seed) + G)
 *
 * where mix is the splitmix64 finaliser (a bijection) and G the splitmix64
 * increment (2^64 / golden ratio), added so that all-zero inputs do not map to
 * a zero state.  Every step is a bijection of x for fixed other inputs, so
 * distinct (seed, rep) pairs for one name give distinct 64-bit seeds.
 *
 * Trade-off, stated honestly: GSL's mt19937 takes only 32 bits of seed
 * (gsl_rng_set masks to 0xffffffff), so the 64-bit hash is folded hi ^ lo.
 * Two different streams collide with probability 2^-32 per pair; with S
 * streams in play the chance of any collision is about S^2 / 2^33 (1e-3 at
 * S = 3000).  A collision makes two quantities correlated, not wrong.  A
 * folded seed of 0 is fine: GSL maps 0 to its default seed 4357, so 0 and 4357
 * give the same stream (one more 2^-32 coincidence, nothing worse).
 *
 * rng_hash_str(s, h) continues a running FNV-1a hash from state h; h == 0
 * means "start a new hash" and uses the standard FNV offset basis (a running
 * state of exactly 0 is a 2^-64 event, so the shortcut costs nothing).
 */
#include <stdint.h>
#include <gsl/gsl_rng.h>
#include "sim/rng.h"

#define FNV64_OFFSET 0xcbf29ce484222325ULL
#define FNV64_PRIME 0x100000001b3ULL
#define SPLITMIX_GAMMA 0x9e3779b97f4a7c15ULL

uint64_t rng_hash_str(const char *s, uint64_t h)
{
	if (h == 0)
		h = FNV64_OFFSET;
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
		h ^= *p;
		h *= FNV64_PRIME;
	}
	return h;
}

uint64_t rng_mix64(uint64_t x)
{
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

uint64_t rng_stream_seed(uint64_t seed, uint64_t replication, const char *name)
{
	uint64_t x = rng_mix64(rng_hash_str(name ? name : "", 0) +
			       SPLITMIX_GAMMA);
	x = rng_mix64((x ^ replication) + SPLITMIX_GAMMA);
	return rng_mix64((x ^ seed) + SPLITMIX_GAMMA);
}

gsl_rng *rng_stream_new(uint64_t seed, uint64_t replication, const char *name)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	if (!r)
		return NULL;
	uint64_t x = rng_stream_seed(seed, replication, name);
	/* mt19937 uses 32 seed bits: fold so every hash bit counts. */
	gsl_rng_set(r, (unsigned long)((x ^ (x >> 32)) & 0xffffffffULL));
	return r;
}
