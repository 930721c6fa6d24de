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

#endif
