/* rng.h - named, independent random streams over GSL generators.
 *
 * Every random quantity of a model draws from its own stream ("arrivals",
 * "work", "slice", "bpf.record", ...).  A stream's seed is a fixed 64-bit hash
 * (FNV-1a over the stream name, mixed with splitmix64) of (scenario seed,
 * replication, name), so:
 *   - a run is bit-identical whatever the thread or rank count that runs it;
 *   - two strategies run with the same seed see the same arrivals and work
 *     demands (common random numbers), as long as they draw those quantities
 *     from the same-named streams;
 *   - adding a new stream to a model does not perturb the existing ones.
 * The generator is GSL's mt19937 (seeded with the low 32 bits of the hash
 * folded with the high 32; gsl_rng_mt19937 takes an unsigned long seed).
 */
#ifndef BPFSIM_RNG_H
#define BPFSIM_RNG_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

/* The seed a stream gets: a pure function of its three arguments. */
uint64_t rng_stream_seed(uint64_t seed, uint64_t replication, const char *name);

/* A new mt19937 generator for stream `name`; NULL on allocation failure.
 * Free with gsl_rng_free(). */
gsl_rng *rng_stream_new(uint64_t seed, uint64_t replication, const char *name);

/* 64-bit FNV-1a of a NUL-terminated string (also used for job seeds). */
uint64_t rng_hash_str(const char *s, uint64_t h);
/* splitmix64 finaliser: a bijective 64-bit mix. */
uint64_t rng_mix64(uint64_t x);

/* GSL's mt19937 drawn inline, without its two calls (gsl_rng_get's
 * function pointer, then mt_get): the generator's state as GSL lays it
 * out (gsl/rng/mt.c), and its next 32-bit output exactly as mt_get
 * computes it (Matsumoto and Nishimura's MT19937: a refill of the 624
 * words every 624 draws, then tempering).  Use only where rng_mt_inline_ok
 * said yes, on a stream made by rng_stream_new (mt19937): the draws
 * then are GSL's own, bit for bit, and the stream stays one stream - the
 * library's calls and these advance the same state. */
#define RNG_MT_N 624
struct rng_mt_state {
	unsigned long mt[RNG_MT_N];
	int mti;
};
/* The refill of all 624 words (mt_get's, out of line: once per 624). */
void rng_mt_refill(struct rng_mt_state *st);
static inline unsigned long rng_mt_get(gsl_rng *r)
{
	struct rng_mt_state *st = r->state;
	unsigned long k;

	if (st->mti >= RNG_MT_N)
		rng_mt_refill(st);
	k = st->mt[st->mti++];
	k ^= k >> 11;
	k ^= (k << 7) & 0x9d2c5680UL;
	k ^= (k << 15) & 0xefc60000UL;
	k ^= k >> 18;
	return k;
}
/* gsl_rng_uniform_pos(r) (mt19937's get_double, k / 2^32, drawn again
 * while 0), inline. */
static inline double rng_mt_uniform_pos(gsl_rng *r)
{
	unsigned long k;
	do
		k = rng_mt_get(r);
	while (k == 0);
	/* k < 2^32: the signed conversion is exact (and one instruction). */
	return (double)(long)k / 4294967296.0;
}
/* 1 when the above is GSL's mt19937 in this build: the state's size is
 * GSL's, and 2,000 draws of a scratch stream (three refills) through
 * gsl_rng_get and gsl_rng_uniform_pos equal rng_mt_get's and
 * rng_mt_uniform_pos's from a twin.  Else 0: callers keep GSL's calls. */
int rng_mt_inline_ok(void);

#endif
