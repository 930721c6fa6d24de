/* test_warmup.c - MSER-5 warm-up removal (warmup_mser5).
 *
 * Pins:
 *  - a known transient: x_t = 1 + 9 (e^{-t/50} - e^{-4}) / (1 - e^{-4}) for
 *    t < 200 (from 10 down to exactly 1 at t = 200), then 1, plus N(0, 0.5)
 *    noise, n = 1000.  The cut lands in [100, 400] for every one of 200
 *    seeds, and their median in [120, 220].  Measured over 10,000 seeds
 *    (not pinned): cuts from 115 to 355, median 150.  MSER stops once the
 *    remaining excess no longer pays for the data it would discard, so it
 *    cuts a little before the transient is over (at t = 150 the excess is
 *    0.29, about half a noise sd); below 100 the excess is still > 2 sd,
 *    and a cut past 400 would throw away a steady stretch twice as long as
 *    the transient.
 *  - no transient (iid N(1, 0.5)): over 200 seeds the median cut is 0 and
 *    at most 10 cuts exceed 50 points (5% of the run).  Measured over
 *    10,000 seeds: 70% cut nothing, 1.6% cut more than 50 (MSER reacts to
 *    chance runs of low or high values; that is its known false-positive
 *    rate, not a defect).
 *  - too short: fewer than 3 batches of 5 (n < 15) cut nothing - with 2
 *    batches the only candidate cut keeps one batch, whose spread is 0
 *    whatever the data; a series of exactly 15 can be cut by 5.
 *  - the O(n) suffix-sum computation against a naive O(n^2) one this test
 *    carries (two-pass mean and squared deviations per candidate, long
 *    double): the same cut on 600 random series of assorted shapes and
 *    lengths, on constant series (no cut) and on series riding on a large
 *    offset (1e6 + noise of 1e-3: where one-pass sums of squares cancel).
 *  - non-finite observations count as 0; a partial last batch is ignored.
 * Does not pin: MSER-5's statistical optimality, nor speed.
 */
#include "test_util.h"
#include <string.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include "sim/exp/warmup.h"

static uint64_t seed;

#define N 1000
#define TRANSIENT_END 200

/* The transient series of the header for one seed. */
static void transient(gsl_rng *r, double *x, size_t n, double sigma)
{
	double tail = exp(-(double)TRANSIENT_END / 50);
	for (size_t t = 0; t < n; t++) {
		double ex = 0;
		if (t < TRANSIENT_END)
			ex = 9 * (exp(-(double)t / 50) - tail) / (1 - tail);
		x[t] = 1 + ex + (sigma > 0 ? gsl_ran_gaussian(r, sigma) : 0);
	}
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

/* MSER-5 from its definition, the slow way: batch means, then for every
 * candidate d <= k/2 with at least 2 batches left, the mean and the sum of
 * squared deviations of the batches kept, two-pass, in long double.  The
 * first minimum wins. */
static size_t naive_mser5(const double *x, size_t n)
{
	size_t k = n / 5;
	if (k < 3)
		return 0;
	long double y[N / 5 + 1];
	assert_true(k <= N / 5);
	for (size_t b = 0; b < k; b++) {
		long double s = 0;
		for (size_t j = 0; j < 5; j++) {
			double v = x[b * 5 + j];
			s += isfinite(v) ? v : 0;
		}
		y[b] = s / 5;
	}
	long double best = INFINITY;
	size_t best_d = 0;
	for (size_t d = 0; d <= k / 2; d++) {
		size_t m = k - d;
		long double mean = 0, sse = 0;
		for (size_t i = d; i < k; i++)
			mean += y[i];
		mean /= (long double)m;
		for (size_t i = d; i < k; i++)
			sse += (y[i] - mean) * (y[i] - mean);
		long double mser = sse / ((long double)m * (long double)m);
		if (mser < best) {
			best = mser;
			best_d = d;
		}
	}
	return best_d * 5;
}

static void test_known_transient(void **state)
{
	(void)state;
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	size_t cuts[200];
	double x[N];
	for (size_t i = 0; i < 200; i++) {
		gsl_rng_set(r, seed + i);
		transient(r, x, N, 0.5);
		cuts[i] = warmup_mser5(x, N);
		if (cuts[i] < 100 || cuts[i] > 400)
			fail_msg("transient ending at %d: cut %zu outside [100, 400] "
				 "(seed %llu)", TRANSIENT_END, cuts[i],
				 (unsigned long long)(seed + i));
		assert_int_equal(cuts[i] % 5, 0);
	}
	qsort(cuts, 200, sizeof(cuts[0]), cmp_size);
	size_t med = cuts[100];
	print_message("# transient to t = %d: cuts %zu..%zu, median %zu\n",
		      TRANSIENT_END, cuts[0], cuts[199], med);
	assert_in_range(med, 120, 220);
	/* Without noise the excess decays smoothly: the cut still lands
	 * before the end (the last batches of the transient differ from 1 by
	 * less than the cost of dropping them), and well past t = 100. */
	transient(r, x, N, 0);
	assert_in_range(warmup_mser5(x, N), 100, TRANSIENT_END);
	gsl_rng_free(r);
}

static void test_no_transient(void **state)
{
	(void)state;
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	size_t cuts[200], over = 0;
	double x[N];
	for (size_t i = 0; i < 200; i++) {
		gsl_rng_set(r, seed + 1000 + i);
		for (size_t t = 0; t < N; t++)
			x[t] = 1 + gsl_ran_gaussian(r, 0.5);
		cuts[i] = warmup_mser5(x, N);
		over += cuts[i] > 50;
		assert_true(cuts[i] <= N / 2);
	}
	qsort(cuts, 200, sizeof(cuts[0]), cmp_size);
	print_message("# stationary: median cut %zu, %zu of 200 cut > 50\n",
		      cuts[100], over);
	assert_int_equal(cuts[100], 0);
	assert_true(over <= 10);
	/* A constant series: every candidate has zero spread; no cut. */
	for (size_t t = 0; t < N; t++)
		x[t] = 0.3;
	assert_int_equal(warmup_mser5(x, N), 0);
	gsl_rng_free(r);
}

static void test_too_short(void **state)
{
	(void)state;
	double x[20];
	for (size_t t = 0; t < 20; t++)
		x[t] = t < 5 ? 100 : 1;   /* a blatant one-batch transient */
	assert_int_equal(warmup_mser5(NULL, 0), 0);
	/* Under 10 points: not even 2 batches.  10 to 14: 2 batches (100, 1);
	 * cutting the first would leave one batch, spread 0 by construction:
	 * no evidence, no cut. */
	for (size_t n = 1; n < 15; n++)
		assert_int_equal(warmup_mser5(x, n), 0);
	/* 15 points, 3 batches (100, 1, 1): the transient batch goes. */
	assert_int_equal(warmup_mser5(x, 15), 5);
	/* A partial last batch is ignored: 19 points = 3 batches. */
	assert_int_equal(warmup_mser5(x, 19), 5);
	/* ... but not a whole 4th batch, even a wild one: 20 points. */
	x[19] = 1e9;
	assert_int_equal(warmup_mser5(x, 19), 5);
	assert_int_equal(warmup_mser5(x, 20), naive_mser5(x, 20));
}

static void test_nonfinite(void **state)
{
	(void)state;
	double x[N], y[N];
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, seed);
	transient(r, x, N, 0.5);
	memcpy(y, x, sizeof(x));
	x[300] = NAN;
	x[301] = INFINITY;
	x[302] = -INFINITY;
	y[300] = y[301] = y[302] = 0;
	assert_int_equal(warmup_mser5(x, N), warmup_mser5(y, N));
	assert_int_equal(warmup_mser5(x, N), naive_mser5(x, N));
	gsl_rng_free(r);
}

static void test_against_naive(void **state)
{
	(void)state;
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, seed);
	double x[N];
	for (int i = 0; i < 600; i++) {
		size_t n = 15 + gsl_rng_uniform_int(r, N - 15 + 1);
		int shape = i % 6;
		double level = gsl_ran_flat(r, -5, 5);
		double amp = gsl_ran_flat(r, 0, 20);
		double tau = gsl_ran_flat(r, 1, 300);
		double sd = gsl_ran_flat(r, 0.01, 3);
		double walk = 0;
		for (size_t t = 0; t < n; t++) {
			double v = level;
			switch (shape) {
			case 0: v += gsl_ran_gaussian(r, sd); break;
			case 1: v += amp * exp(-(double)t / tau) +
				     gsl_ran_gaussian(r, sd); break;
			case 2: v += -amp * exp(-(double)t / tau) +
				     gsl_ran_exponential(r, sd); break;
			case 3: walk += gsl_ran_gaussian(r, sd); v += walk; break;
			case 4: v += (t < n / 3 ? amp : 0) + gsl_ran_gaussian(r, sd);
				break;
			default: v += amp * sin((double)t / tau) +
				      gsl_ran_gaussian(r, sd); break;
			}
			x[t] = v;
		}
		size_t got = warmup_mser5(x, n), want = naive_mser5(x, n);
		if (got != want)
			fail_msg("series %d (shape %d, n %zu): cut %zu, naive %zu "
				 "(seed %llu)", i, shape, n, got, want,
				 (unsigned long long)seed);
	}
	/* Large offset, small noise: a one-pass S2 - S1^2/m in double loses
	 * every digit of the spread (1e12 vs 1e-6). */
	for (int i = 0; i < 50; i++) {
		for (size_t t = 0; t < N; t++)
			x[t] = 1e6 + 1e-3 * exp(-(double)t / 30) +
			       gsl_ran_gaussian(r, 1e-4);
		size_t got = warmup_mser5(x, N), want = naive_mser5(x, N);
		if (got != want)
			fail_msg("offset series %d: cut %zu, naive %zu (seed %llu)",
				 i, got, want, (unsigned long long)seed);
	}
	for (size_t t = 0; t < N; t++)
		x[t] = 123456.789;
	assert_int_equal(warmup_mser5(x, N), 0);
	assert_int_equal(naive_mser5(x, N), 0);
	gsl_rng_free(r);
}

int main(void)
{
	seed = test_seed(1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_transient),
		cmocka_unit_test(test_no_transient),
		cmocka_unit_test(test_too_short),
		cmocka_unit_test(test_nonfinite),
		cmocka_unit_test(test_against_naive),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
