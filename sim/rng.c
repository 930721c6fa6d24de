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
 * Trade-off, stated honestly: GSL's taus2 takes only 32 bits of seed (its
 * seeding LCG works modulo 2^32), so the 64-bit hash is folded hi ^ lo.
 * Two different streams collide with probability 2^-32 per pair; with S
 * streams in play the chance of any collision is about S^2 / 2^33 (1e-3 at
 * S = 3000).  A collision makes two quantities correlated, not wrong.  A
 * folded seed of 0 is fine: GSL maps 0 to its default seed 1, so 0 and 1
 * give the same stream (one more 2^-32 coincidence, nothing worse).
 *
 * rng_hash_str(s, h) continues a running FNV-1a hash from state h; h == 0
 * means "start a new hash" and uses the standard FNV offset basis (a running
 * state of exactly 0 is a 2^-64 event, so the shortcut costs nothing).
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <gsl/gsl_randist.h>
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
	gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
	if (!r)
		return NULL;
	uint64_t x = rng_stream_seed(seed, replication, name);
	/* taus2 uses 32 seed bits: fold so every hash bit counts. */
	gsl_rng_set(r, (unsigned long)((x ^ (x >> 32)) & 0xffffffffULL));
	return r;
}

/* ---- GSL's ziggurat tables, read out of it -----------------------------
 *
 * A generator of ours (GSL lets a program define its own gsl_rng_type)
 * that returns one chosen 32-bit word, then 0s, and 0.0 from every
 * uniform, counting the calls.  One draw of gsl_ran_gaussian_ziggurat on
 * it tells which path the word took: the fast path makes one call to get
 * and none to get_double; the slow path always draws a uniform (and ends:
 * the 0s and 0.0s it gets next are accepted at once).  Strip i's bound is
 * the least j whose word (j << 8 | i) takes the slow path (the fast path
 * takes j exactly while j < bound: a binary search); its width is the
 * draw for j = 1 with the sign bit set at sigma 1, which is 1 x width
 * exactly.  A strip whose bound is <= 1 draws only j = 0 fast, as 0
 * whatever the width. */
struct zig_probe {
	unsigned long word;
	int gets, doubles;
};

static void zig_probe_set(void *state, unsigned long seed)
{
	(void)seed;
	memset(state, 0, sizeof(struct zig_probe));
}

static unsigned long zig_probe_get(void *state)
{
	struct zig_probe *p = state;
	return p->gets++ == 0 ? p->word : 0;
}

static double zig_probe_get_double(void *state)
{
	((struct zig_probe *)state)->doubles++;
	return 0.0;
}

static const gsl_rng_type zig_probe_type = {
	"bpfsim-ziggurat-probe", 0xffffffffUL, 0, sizeof(struct zig_probe),
	zig_probe_set, zig_probe_get, zig_probe_get_double
};

/* The draw for `word`; *fast = 1 when it took the fast path. */
static double zig_probe_draw(gsl_rng *r, unsigned long word, int *fast)
{
	struct zig_probe *p = r->state;
	p->word = word;
	p->gets = p->doubles = 0;
	double x = gsl_ran_gaussian_ziggurat(r, 1.0);
	*fast = p->gets == 1 && p->doubles == 0;
	return x;
}

#define ZIG_J_END (1UL << 24)

static int zig_read_tables(struct rng_zig_strips *z)
{
	gsl_rng *r = gsl_rng_alloc(&zig_probe_type);
	int fast;
	if (!r)
		return 0;
	for (unsigned long i = 0; i < 128; i++) {
		unsigned long lo = 0, hi = ZIG_J_END;   /* bound in [lo, hi] */
		while (lo < hi) {
			unsigned long mid = lo + (hi - lo) / 2;
			zig_probe_draw(r, mid << 8 | i, &fast);
			if (fast)
				lo = mid + 1;
			else
				hi = mid;
		}
		z->bound[i] = (uint32_t)lo;
		z->width[i] = 0.0;
		if (lo > 1)
			z->width[i] = zig_probe_draw(r, 1UL << 8 | 0x80 | i,
						     &fast);
	}
	gsl_rng_free(r);
	return 1;
}

struct rng_zig_strips rng_zig;
int rng_inline_ready;

/* Twin streams, one drawn through GSL and one inline, interleaved: every
 * draw equal, bit for bit. */
#define CHECK_WORDS 2000
#define CHECK_NORMALS 20000
static int same_as_gsl(void)
{
	static const double sigmas[] = { 1.0, 10.0, 0.37 };
	gsl_rng *a = rng_stream_new(1, 0, "rng-inline-check");
	gsl_rng *b = rng_stream_new(1, 0, "rng-inline-check");
	int same = a && b && gsl_rng_size(a) == sizeof(struct rng_taus_state);

	for (int i = 0; same && i < CHECK_WORDS; i++)
		same = gsl_rng_get(a) == rng_inline_get(b) &&
		       gsl_rng_uniform_pos(a) == rng_inline_uniform_pos(b);
	for (int s = 0; same && s < 3; s++)
		for (int i = 0; same && i < CHECK_NORMALS; i++) {
			double x = gsl_ran_gaussian_ziggurat(a, sigmas[s]);
			double y = rng_inline_gaussian(b, sigmas[s]);
			same = memcmp(&x, &y, sizeof(x)) == 0;
			if (same && i % 7 == 0)
				same = gsl_rng_uniform_pos(a) ==
				       rng_inline_uniform_pos(b);
		}
	gsl_rng_free(a);
	gsl_rng_free(b);
	return same;
}

static void inline_init_once(void)
{
	if (zig_read_tables(&rng_zig) && same_as_gsl())
		__atomic_store_n(&rng_inline_ready, 1, __ATOMIC_RELEASE);
}

int rng_inline_ok(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, inline_init_once);
	return __atomic_load_n(&rng_inline_ready, __ATOMIC_ACQUIRE);
}
