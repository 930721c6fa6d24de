/* test_hist.c - cmocka tests for sim/hist.c (log-linear histogram).
 *
 * Pins: the bucket layout (contiguous, covering 0 .. 2^64 - 1, unit buckets
 * below 256, power-of-two widths with lo >= 128 * width); the stated error
 * bound, differentially against order statistics the test gets by sorting:
 * every bucket's both end values (the bound's worst cases, 1 ns .. 2^64 - 1)
 * and random exponential and lognormal samples spanning 1 ns .. 10^15 ns,
 * each quantile within 2^-8 relative of the nearest-rank order statistic -
 * and that the bound is tight (the worst case reaches > 99% of it, so a
 * layout change shows); exact count, sum, min and max; merge equal, bucket
 * for bucket, to adding every sample to one histogram (windows into one,
 * into an empty one, an empty one in, self-merge); reset equal to fresh.
 *
 * Does not pin: allocation failure (no fault injection), the SIM_CHECK
 * aborts (they would need a forked child), speed (make bench).
 * Random tests print their seed; BPFSIM_TEST_SEED replays one.
 */
#include "test_util.h"

#include <string.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include "sim/hist.h"

/* The bound stated in hist.h: |reported - exact| < exact / 256, strictly
 * below 2^53; above, the rounding to double may reach it (not pass it). */
#define BOUND (1.0 / 256.0)

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Relative error of the histogram's q-quantile against sorted[0..n), the
 * nearest-rank order statistic (k = max(1, ceil(q n))); fails beyond the
 * bound.  Returns the error, for tightness checks. */
static double check_quantile(const struct lhist *h, const uint64_t *sorted,
			     size_t n, double q)
{
	double rank = ceil(q * (double)n);
	size_t k = rank < 1.0 ? 1 : (size_t)rank;
	double want = (double)sorted[k - 1];
	double got = lhist_quantile(h, q);
	double err = want > 0 ? fabs(got - want) / want : fabs(got - want);

	if (!(want < 0x1p53 ? err < BOUND : err <= BOUND * (1 + 0x1p-52)) &&
	    !(want == 0 && got == 0)) {
		print_error("q %.17g (rank %zu of %zu): got %.17g, want %.17g, "
			    "rel. error %g >= 2^-8\n", q, k, n, got, want, err);
		fail();
	}
	return err;
}

/* n, sum, min, max against the samples themselves. */
static void check_exact(const struct lhist *h, const uint64_t *x, size_t n)
{
	unsigned __int128 sum = 0;
	uint64_t mn = UINT64_MAX, mx = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		sum += x[i];
		mn = x[i] < mn ? x[i] : mn;
		mx = x[i] > mx ? x[i] : mx;
	}
	assert_true(lhist_count(h) == n);
	assert_true(h->sum == sum);
	assert_true(h->min == mn && h->max == mx);
	assert_true(lhist_mean(h) == (double)sum / (double)n);
	assert_true(lhist_min(h) == (double)mn && lhist_max(h) == (double)mx);
}

static void test_layout(void **state)
{
	size_t i;
	uint64_t next = 0;

	(void)state;
	for (i = 0; i < LHIST_NBUCKETS; i++) {
		uint64_t lo = lhist_bucket_lo(i), w = lhist_bucket_width(i);

		/* Contiguous: each bucket starts where the last one ended. */
		if (lo != next)
			fail_msg("bucket %zu starts at %llu, want %llu", i,
				 (unsigned long long)lo,
				 (unsigned long long)next);
		assert_true(w != 0 && (w & (w - 1)) == 0);
		assert_true(i < 256 ? (lo == i && w == 1) : lo >= 128 * w);
		assert_int_equal(lhist_bucket(lo), i);
		assert_int_equal(lhist_bucket(lo + (w - 1)), i);
		next = lo + w;   /* wraps to 0 after the last bucket */
	}
	assert_true(next == 0);   /* the last bucket ends at 2^64 - 1 */
	assert_int_equal(lhist_bucket(UINT64_MAX), LHIST_NBUCKETS - 1);
	for (i = 0; i < 256; i++)
		assert_int_equal(lhist_bucket(i), i);
}

/* Both ends of every bucket: lo (relative error (w-1)/2 / lo, the worst
 * case, just under 2^-8) and lo + w - 1.  One histogram holds all 14,848
 * values; quantile q = (k - 1/2) / n selects rank k exactly. */
static void test_bound_every_bucket(void **state)
{
	enum { N = 2 * LHIST_NBUCKETS };
	static uint64_t x[N];
	struct lhist h;
	double worst = 0.0;
	size_t i, k;

	(void)state;
	assert_int_equal(lhist_init(&h), 0);
	for (i = 0; i < LHIST_NBUCKETS; i++) {
		x[2 * i] = lhist_bucket_lo(i);
		x[2 * i + 1] = lhist_bucket_lo(i) + (lhist_bucket_width(i) - 1);
		lhist_add(&h, x[2 * i]);
		lhist_add(&h, x[2 * i + 1]);
	}
	/* Already sorted (buckets ascend); unit buckets repeat their value. */
	for (k = 1; k <= N; k++) {
		double e = check_quantile(&h, x, N, ((double)k - 0.5) / N);

		worst = e > worst ? e : worst;
	}
	check_exact(&h, x, N);
	/* Tight: the top end of a wide bucket is off by w / 2 out of ~129 w,
	 * i.e. > 0.99 * 2^-8.  Finer buckets would fail this. */
	assert_true(worst > 0.99 * BOUND);
	lhist_fini(&h);
}

/* Random samples: exponential (M/M/1-like waits, mean 8.1 us) and a wide
 * lognormal (median 1 ms, sigma 4: 1 ns .. 10^15 ns, clipped there), each
 * rounded to integer ns.  Quantiles from 0 to 1, including the tails. */
static void random_case(gsl_rng *r, int lognormal, size_t n, uint64_t *x)
{
	static const double qs[] = { 0.0, 1e-4, 0.001, 0.01, 0.1, 0.25, 0.5,
				     0.75, 0.9, 0.99, 0.999, 0.9999, 1.0 };
	struct lhist h;
	size_t i;

	assert_int_equal(lhist_init(&h), 0);
	for (i = 0; i < n; i++) {
		double v = lognormal ? gsl_ran_lognormal(r, log(1e6), 4.0)
				     : gsl_ran_exponential(r, 8100.0);

		v = v < 1.0 ? 1.0 : v > 1e15 ? 1e15 : v;
		x[i] = (uint64_t)llround(v);
		lhist_add(&h, x[i]);
	}
	check_exact(&h, x, n);
	qsort(x, n, sizeof(x[0]), cmp_u64);
	for (i = 0; i < sizeof(qs) / sizeof(qs[0]); i++)
		check_quantile(&h, x, n, qs[i]);
	/* Every percentile too. */
	for (i = 1; i < 100; i++)
		check_quantile(&h, x, n, (double)i / 100.0);
	/* Ends are exact (clamped to min and max). */
	assert_true(lhist_quantile(&h, 0.0) == (double)x[0]);
	assert_true(lhist_quantile(&h, 1.0) == (double)x[n - 1]);
	lhist_fini(&h);
}

static void test_bound_random(void **state)
{
	enum { N = 200000 };
	static uint64_t x[N];
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);

	(void)state;
	assert_non_null(r);
	gsl_rng_set(r, (unsigned long)test_seed(20240517));
	random_case(r, 0, N, x);
	random_case(r, 1, N, x);
	random_case(r, 1, 7, x);      /* tiny n: ranks by ceil(q n) */
	gsl_rng_free(r);
}

/* Fixed values: small integers are exact, decades 1 .. 10^15 within the
 * bound, the nearest-rank definition, and the NAN cases. */
static void test_quantile_fixed(void **state)
{
	struct lhist h, z;
	uint64_t v[16];
	size_t i;

	(void)state;
	memset(&z, 0, sizeof(z));
	lhist_fini(&z);   /* zeroed struct: a no-op */
	assert_int_equal(lhist_init(&h), 0);
	assert_true(isnan(lhist_quantile(&h, 0.5)));
	assert_true(isnan(lhist_mean(&h)));
	assert_true(isnan(lhist_min(&h)) && isnan(lhist_max(&h)));
	lhist_add(&h, 3);
	lhist_add(&h, 1);
	lhist_add(&h, 2);
	lhist_add(&h, 10);
	assert_true(isnan(lhist_quantile(&h, -0.1)));
	assert_true(isnan(lhist_quantile(&h, 1.1)));
	assert_true(isnan(lhist_quantile(&h, NAN)));
	/* {1, 2, 3, 10}: k = ceil(4q). */
	assert_true(lhist_quantile(&h, 0.0) == 1.0);
	assert_true(lhist_quantile(&h, 0.25) == 1.0);
	assert_true(lhist_quantile(&h, 0.26) == 2.0);
	assert_true(lhist_quantile(&h, 0.5) == 2.0);
	assert_true(lhist_quantile(&h, 0.75) == 3.0);
	assert_true(lhist_quantile(&h, 0.99) == 10.0);
	assert_true(lhist_mean(&h) == 4.0);

	/* Decades 1 .. 10^15 ns, one each. */
	lhist_reset(&h);
	for (i = 0; i < 16; i++) {
		v[i] = (uint64_t)llround(pow(10.0, (double)i));
		lhist_add(&h, v[i]);
	}
	for (i = 0; i < 16; i++)
		check_quantile(&h, v, 16, ((double)i + 0.5) / 16.0);
	check_exact(&h, v, 16);

	/* The sum cannot overflow: two values of 2^64 - 1. */
	lhist_reset(&h);
	lhist_add(&h, UINT64_MAX);
	lhist_add(&h, UINT64_MAX);
	assert_true(lhist_mean(&h) == 0x1p64);
	assert_true(lhist_quantile(&h, 0.5) == 0x1p64);   /* max, as double */
	lhist_fini(&h);
	assert_null(h.counts);
	lhist_fini(&h);   /* twice is harmless */
}

static int same(const struct lhist *a, const struct lhist *b)
{
	return a->n == b->n && a->sum == b->sum && a->min == b->min &&
	       a->max == b->max &&
	       memcmp(a->counts, b->counts,
		      LHIST_NBUCKETS * sizeof(a->counts[0])) == 0;
}

/* Three "windows" (or replications) merged equal one histogram fed every
 * sample, exactly; so do their quantiles. */
static void test_merge(void **state)
{
	enum { N = 60000 };
	struct lhist all, w[3], m, empty;
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	size_t i;

	(void)state;
	assert_non_null(r);
	gsl_rng_set(r, (unsigned long)test_seed(7));
	assert_int_equal(lhist_init(&all), 0);
	assert_int_equal(lhist_init(&m), 0);
	assert_int_equal(lhist_init(&empty), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(lhist_init(&w[i]), 0);
	for (i = 0; i < N; i++) {
		/* Windows of different scale, so ranges differ. */
		double scale = i < N / 3 ? 1e3 : i < 2 * N / 3 ? 1e6 : 10.0;
		uint64_t v = (uint64_t)llround(gsl_ran_exponential(r, scale));

		lhist_add(&all, v);
		lhist_add(&w[i * 3 / N], v);
	}
	lhist_merge(&m, &empty);          /* empty into empty */
	assert_true(same(&m, &empty));
	for (i = 0; i < 3; i++)
		lhist_merge(&m, &w[i]);
	lhist_merge(&m, &empty);          /* empty into full: no change */
	assert_true(same(&m, &all));
	assert_true(lhist_quantile(&m, 0.99) == lhist_quantile(&all, 0.99));
	assert_true(lhist_mean(&m) == lhist_mean(&all));

	/* Self-merge doubles every count; quantiles stay. */
	lhist_merge(&m, &m);
	assert_true(lhist_count(&m) == 2 * (uint64_t)N);
	assert_true(lhist_quantile(&m, 0.5) == lhist_quantile(&all, 0.5));

	/* Reset gives a fresh histogram, which then merges like one. */
	lhist_reset(&m);
	assert_true(same(&m, &empty));
	for (i = 3; i-- > 0;)
		lhist_merge(&m, &w[i]);   /* order does not matter */
	assert_true(same(&m, &all));

	for (i = 0; i < 3; i++)
		lhist_fini(&w[i]);
	lhist_fini(&empty);
	lhist_fini(&m);
	lhist_fini(&all);
	gsl_rng_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_bound_every_bucket),
		cmocka_unit_test(test_bound_random),
		cmocka_unit_test(test_quantile_fixed),
		cmocka_unit_test(test_merge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
