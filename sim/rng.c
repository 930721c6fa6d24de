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

/* MT19937's twist: word i from words i, i + 1 and i + 397 (mod 624), as
 * gsl/rng/mt.c's mt_get refills its state. */
#define MT_M 397
#define MT_UPPER 0x80000000UL
#define MT_LOWER 0x7fffffffUL
static inline unsigned long mt_twist(unsigned long a, unsigned long b,
				     unsigned long m)
{
	unsigned long y = (a & MT_UPPER) | (b & MT_LOWER);
	/* (y & 1) ? 0x9908b0df : 0 without a branch (a coin flip). */
	return m ^ (y >> 1) ^ (-(y & 1) & 0x9908b0dfUL);
}

void rng_mt_refill(struct rng_mt_state *st)
{
	unsigned long *mt = st->mt;
	int k;

	for (k = 0; k < RNG_MT_N - MT_M; k++)
		mt[k] = mt_twist(mt[k], mt[k + 1], mt[k + MT_M]);
	for (; k < RNG_MT_N - 1; k++)
		mt[k] = mt_twist(mt[k], mt[k + 1], mt[k + (MT_M - RNG_MT_N)]);
	mt[RNG_MT_N - 1] = mt_twist(mt[RNG_MT_N - 1], mt[0], mt[MT_M - 1]);
	st->mti = 0;
}

int rng_mt_inline_ok(void)
{
	gsl_rng *a = rng_stream_new(1, 0, "rng-mt-check");
	gsl_rng *b = rng_stream_new(1, 0, "rng-mt-check");
	int same = a && b && gsl_rng_size(a) == sizeof(struct rng_mt_state);

	for (int i = 0; same && i < 1000; i++)
		same = gsl_rng_get(a) == rng_mt_get(b) &&
		       gsl_rng_uniform_pos(a) == rng_mt_uniform_pos(b);
	gsl_rng_free(a);
	gsl_rng_free(b);
	return same;
}
