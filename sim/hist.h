/* hist.h - log-linear (HDR-style) histogram of non-negative integers (ns).
 *
 * Prefix lhist_ (log-linear histogram), not hist_: calibrate/hist.h already
 * owns struct hist, hist_merge and hist_count for the kernel's fixed-range
 * histogram, and both end up in one binary and in some test files.
 *
 * Purpose.  Quantiles (p50, p99) of waits and costs with a relative error
 * bounded by construction, O(1) per sample, and mergeable: two histograms
 * add bucket by bucket, so windows and replications combine exactly as if
 * every sample had gone into one histogram.  It replaces GSL's P^2 running
 * estimates, which have no error bound and drift badly on autocorrelated
 * input (one M/M/1 replication in 20 reported p99 at twice its value).
 *
 * Layout.  Values 0 .. 255 get one bucket each (exact).  Above, each octave
 * [2^e, 2^(e+1)), 8 <= e <= 63, is cut into LHIST_SUB = 2^LHIST_PREC_BITS = 128
 * equal buckets of width 2^(e-7).  The bucket of v is found with one
 * __builtin_clzll, a shift and an add (lhist_bucket), no search:
 *     e = floor(log2(v | 128)),  s = e - 7,  bucket = s * 128 + (v >> s).
 * Every uint64_t value (0 .. 2^64 - 1) has a bucket; there is no overflow.
 *
 * Error bound.  A bucket of width w = 2^s > 1 starts at lo >= 128 w and
 * holds the integers lo .. lo + w - 1.  lhist_quantile finds the bucket
 * holding the exact order statistic x (a cumulative scan) and reports its
 * integer midpoint m = lo + floor((w - 1) / 2), clamped to the [min, max]
 * seen, so
 *     |m - x| <= w / 2 - 1   when x = lo       (x >= 128 w),
 *     |m - x| <= w / 2       when x = lo + w - 1 (x >= 129 w - 1),
 * and |m - x| / x < 1 / 256 in every case: relative error < 2^-8 =
 * 0.390625% for every q, every sample size and every input distribution
 * (buckets of width 1, all values below 256, are exact).  Reporting the
 * bucket's lower edge would only give < 2^-7 = 0.78%; the midpoint halves
 * it.  The result is returned as a double: exact below 2^53 ns (104 days);
 * above, the one rounding to double can bring the error up to, not past,
 * 2^-8 (+ 2^-53).  The quantile is the nearest-rank order statistic: the
 * k-th smallest sample with k = max(1, ceil(q n)); k = 1 and k = n return
 * the exact min and max.  No interpolation between samples: for n >= 100
 * and q <= 0.99 this differs from interpolating definitions by at most the
 * gap between two adjacent order statistics.
 *
 * Exact alongside: count, sum (128-bit, cannot overflow below 2^64 samples),
 * min, max; the mean is sum / n rounded once to double.
 *
 * Cost and memory.  lhist_add is a handful of integer instructions (inline
 * below).  The bucket array is LHIST_NBUCKETS = 7424 uint64_t counts,
 * 59,392 bytes (58 KiB), allocated once by lhist_init and never grown: memory
 * is fixed whatever the values.  lhist_reset, lhist_merge and lhist_quantile
 * touch only the buckets up to the largest value seen (O(buckets used), e.g.
 * 2,048 buckets = 16 KiB for waits below 1 ms), so a reset per window is cheap.
 *
 * Units.  Whatever integers the caller feeds in; the simulator feeds ns.
 * A caller holding doubles rounds them to integers first (stat_tally does).
 *
 * Ownership and errors.  struct lhist is caller-owned storage (embed it or
 * put it on the stack); lhist_init allocates the counts, lhist_fini frees them.
 * lhist_fini accepts a zeroed struct and a struct whose init failed.  The only
 * failure is allocation (lhist_init returns -1 and leaves the struct zeroed).
 * Counts are uint64_t: more than 2^64 - 1 samples in one histogram is a bug
 * (SIM_CHECK in lhist_merge; not checked per add).
 */
#ifndef BPFSIM_HIST_H
#define BPFSIM_HIST_H

#include <stddef.h>
#include <stdint.h>

#define LHIST_PREC_BITS 7                       /* 2^-(bits+1) relative error */
#define LHIST_SUB (1u << LHIST_PREC_BITS)        /* buckets per octave: 128 */
/* Octaves 0..7 share the 256 unit buckets; octaves 8..63 add 128 each. */
#define LHIST_NBUCKETS ((64 - LHIST_PREC_BITS + 1) * LHIST_SUB)   /* 7424 */

struct lhist {
	uint64_t *counts;      /* LHIST_NBUCKETS counts, heap */
	uint64_t n;            /* samples */
	unsigned __int128 sum; /* exact sum of samples, ns */
	uint64_t min, max;     /* exact; min = UINT64_MAX, max = 0 when empty */
};

/* Bucket of v: see Layout above.  Always < LHIST_NBUCKETS. */
static inline size_t lhist_bucket(uint64_t v)
{
	unsigned e = 63u - (unsigned)__builtin_clzll(v | LHIST_SUB);
	unsigned s = e - LHIST_PREC_BITS;

	return ((size_t)s << LHIST_PREC_BITS) + (size_t)(v >> s);
}

/* Smallest value in bucket i (< LHIST_NBUCKETS), and its width (a power of
 * two): bucket i holds lo .. lo + width - 1. */
uint64_t lhist_bucket_lo(size_t i);
uint64_t lhist_bucket_width(size_t i);

/* Allocate the counts (zeroed).  0, or -1 when out of memory. */
int lhist_init(struct lhist *h);
/* Free the counts and zero the struct; NULL-safe on a zeroed struct. */
void lhist_fini(struct lhist *h);
/* Forget every sample, keeping the allocation (O(buckets used)). */
void lhist_reset(struct lhist *h);

/* Count one sample v (ns).  O(1). */
static inline void lhist_add(struct lhist *h, uint64_t v)
{
	h->counts[lhist_bucket(v)]++;
	h->n++;
	h->sum += v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

/* Add b's samples into a (b unchanged; a == b doubles a).  Afterwards a is
 * bucket for bucket, and in n, sum, min and max, exactly what adding all of
 * both histograms' samples to one histogram gives. */
void lhist_merge(struct lhist *a, const struct lhist *b);

/* A frozen copy of a histogram (its used buckets only), to subtract later:
 * cumulative snapshots at a few instants give the histogram of the samples
 * after any of them (warm-up cuts, sim/histmark.h).  Caller-owned storage;
 * counts on the heap, nb = buckets up to the largest value then seen
 * (8 bytes each, at most LHIST_NBUCKETS). */
struct lhist_snap {
	uint64_t *counts;      /* nb counts, heap (NULL when nb = 0) */
	size_t nb;
	uint64_t n;
	unsigned __int128 sum;
};

/* Copy h into snap (replacing what snap held).  0, or -1 when out of
 * memory (snap then unchanged). */
int lhist_snap_take(struct lhist_snap *snap, const struct lhist *h);
/* Free the counts and zero the struct; accepts a zeroed struct. */
void lhist_snap_fini(struct lhist_snap *snap);
/* a -= snap, where snap was taken of a earlier (a only grew since:
 * SIM_CHECK on every count).  Afterwards a holds exactly the samples added
 * after the snapshot, bucket for bucket, in n and in sum.  Their exact min
 * and max are not known: a's min and max become the integer midpoints of
 * the first and last non-empty buckets, so lhist_quantile keeps its bound
 * (relative error < 2^-8, k = 1 and k = n included, no longer exact) and
 * lhist_min / lhist_max are within it. */
void lhist_sub(struct lhist *a, const struct lhist_snap *snap);

/* q-quantile, 0 <= q <= 1: the integer midpoint of the bucket holding the
 * k-th smallest sample, k = max(1, ceil(q * n)), clamped to [min, max] (min
 * itself for k = 1, max for k = n); relative error < 2^-8 against that exact
 * order statistic (see Error bound).
 * O(buckets used).  NAN when empty or q is outside [0, 1] (or NaN). */
double lhist_quantile(const struct lhist *h, double q);

/* Exact count; mean = sum / n (NAN when empty); min and max (NAN when
 * empty; exact as doubles below 2^53). */
static inline uint64_t lhist_count(const struct lhist *h)
{
	return h->n;
}
double lhist_mean(const struct lhist *h);
double lhist_min(const struct lhist *h);
double lhist_max(const struct lhist *h);

#endif
