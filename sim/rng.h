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
 * The generator is GSL's taus2 (L'Ecuyer's maximally equidistributed
 * combined Tausworthe generator, period 2^88, with GSL's corrected
 * seeding), seeded with the low 32 bits of the hash folded with the high
 * 32 (gsl_rng_taus2 takes an unsigned long seed and uses 32 bits of it).
 * Why taus2 and not GSL's mt19937: its state is 24 bytes where mt19937's
 * is 5 KiB, swept at every 624th draw; a model draws from a dozen or more
 * streams, whose mt19937 states crowded the CPU's L1 cache out of the
 * simulation's own data (BENCHMARKS.md: the 256-CPU fleet world 1.07x,
 * 8 CPUs 1.05x).  GSL's documentation counts taus2 among its fastest
 * generators of simulation quality.
 */
#ifndef BPFSIM_RNG_H
#define BPFSIM_RNG_H

#include <stdint.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

/* The seed a stream gets: a pure function of its three arguments. */
uint64_t rng_stream_seed(uint64_t seed, uint64_t replication, const char *name);

/* A new taus2 generator for stream `name`; NULL on allocation failure.
 * Free with gsl_rng_free(). */
gsl_rng *rng_stream_new(uint64_t seed, uint64_t replication, const char *name);

/* 64-bit FNV-1a of a NUL-terminated string (also used for job seeds). */
uint64_t rng_hash_str(const char *s, uint64_t h);
/* splitmix64 finaliser: a bijective 64-bit mix. */
uint64_t rng_mix64(uint64_t x);

/* ---- draws inline -------------------------------------------------------
 *
 * The hottest draws without GSL's calls (gsl_rng_get's function pointer,
 * then the generator's own function; gsl_ran_gaussian_ziggurat's, then
 * both again), on a stream made by rng_stream_new (taus2), once
 * rng_inline_ok() said yes.  The draws are GSL's own, bit for bit, and a
 * stream stays one stream: the library's calls and these advance the same
 * state.
 *
 * The generator: GSL's taus2 state as GSL lays it out (gsl/rng/taus.c) and
 * its next 32-bit output as taus_get computes it (three Tausworthe steps,
 * XORed). */
struct rng_taus_state {
	unsigned long s1, s2, s3;
};
#define RNG_TAUS_MASK 0xffffffffUL
#define RNG_TAUS_STEP(s, a, b, c, d) \
	(((((s) & (c)) << (d)) & RNG_TAUS_MASK) ^ \
	 (((((s) << (a)) & RNG_TAUS_MASK) ^ (s)) >> (b)))
/* The state after st, into *next; returns the output that step gives. */
static inline unsigned long rng_taus_step(const struct rng_taus_state *st,
					  struct rng_taus_state *next)
{
	next->s1 = RNG_TAUS_STEP(st->s1, 13, 19, 4294967294UL, 12);
	next->s2 = RNG_TAUS_STEP(st->s2, 2, 25, 4294967288UL, 4);
	next->s3 = RNG_TAUS_STEP(st->s3, 3, 11, 4294967280UL, 17);
	return next->s1 ^ next->s2 ^ next->s3;
}
/* gsl_rng_get(r). */
static inline unsigned long rng_inline_get(gsl_rng *r)
{
	struct rng_taus_state *st = r->state;
	return rng_taus_step(st, st);
}
/* gsl_rng_uniform_pos(r): taus2's get_double (k / 2^32), drawn again while
 * 0. */
static inline double rng_inline_uniform_pos(gsl_rng *r)
{
	unsigned long k;
	do
		k = rng_inline_get(r);
	while (k == 0);
	/* k < 2^32: the signed conversion is exact (and one instruction). */
	return (double)(long)k / 4294967296.0;
}

/* gsl_ran_gaussian_ziggurat(r, sigma) with its fast path inline.  GSL's
 * ziggurat (Marsaglia and Tsang: 128 strips) turns one 32-bit word k of
 * the generator into a strip i = k & 0x7f, a sign (bit 7) and a 24-bit
 * j = k >> 8; when j is under the strip's bound, as on ~97% of draws, the
 * draw is j x the strip's width, signed and scaled.  Inline, the next word
 * is computed without being taken: under the bound, it is taken and the
 * draw made here; else the state is left as it was and GSL's own function
 * draws (the same word first, then its slow path).  The bounds and widths
 * are GSL's own tables, read out of gsl_ran_gaussian_ziggurat by
 * rng_inline_ok (through a generator of ours that returns chosen words),
 * never typed in. */
struct rng_zig_strips {
	uint32_t bound[128];     /* j < bound[i]: the fast path takes it */
	double width[128];       /* the draw is j x width[i] */
};
extern struct rng_zig_strips rng_zig;
static inline double rng_inline_gaussian(gsl_rng *r, double sigma)
{
	struct rng_taus_state *st = r->state, next;
	unsigned long k = rng_taus_step(st, &next);
	unsigned long i = k & 0x7f, j = (k >> 8) & 0xffffff;
	if (__builtin_expect(j >= rng_zig.bound[i], 0))
		return gsl_ran_gaussian_ziggurat(r, sigma);
	*st = next;
	double x = (double)j * rng_zig.width[i];
	/* GSL's sign * sigma * x: (+-1 x sigma) x x, in that order. */
	return ((k & 0x80) ? sigma : -sigma) * x;
}

/* 1 when the draws above are GSL's in this build, else 0 (callers keep
 * GSL's calls).  Once per process (pthread_once; cheap to call again; the
 * engine calls it in sim_init): taus2's state has GSL's size; GSL's
 * ziggurat tables are read; and twin streams drawn through GSL and
 * inline - 2,000 words, 20,000 normal draws at each of three scales (slow
 * paths among them), uniforms between - agree bit for bit. */
int rng_inline_ok(void);
extern int rng_inline_ready;   /* its answer, once given (acquire) */
/* 1 when r may take the inline paths: rng_inline_ok said yes and r is a
 * taus2 (any other generator keeps GSL's calls). */
static inline int rng_fast(const gsl_rng *r)
{
	return __atomic_load_n(&rng_inline_ready, __ATOMIC_ACQUIRE) &&
	       r->type == gsl_rng_taus2;
}
/* The draws the distributions make: inline when rng_fast(r). */
static inline double rng_gaussian(gsl_rng *r, double sigma)
{
	return rng_fast(r) ? rng_inline_gaussian(r, sigma)
			   : gsl_ran_gaussian_ziggurat(r, sigma);
}
static inline double rng_uniform_pos(gsl_rng *r)
{
	return rng_fast(r) ? rng_inline_uniform_pos(r) : gsl_rng_uniform_pos(r);
}

#endif
