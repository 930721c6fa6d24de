/* test_stats.c - cmocka tests for sim/stats.c.
 *
 * Pins: tally moments against a two-pass reference the test computes itself
 * and bit for bit against gsl_rstat (whose update the tally copies, so
 * means in golden outputs do not move); tally p50/p99 are the histogram's
 * (sim/hist.h, tested in test_hist.c): exact on small integers, within
 * 2^-8 of the order statistic on random waits; exact gauge
 * integration of a hand-made step function; the log-linear bin edges, the
 * overflow count, merge and the interpolated histogram quantile; series
 * windowing (empty windows, long gaps, max_rows, growth); stat_summarize
 * against hand-computed values and its NAN cases; and the statistical
 * coverage of the 95% t interval over many simulated experiments.
 *
 * Does not pin: the behaviour on allocation failure (no fault injection
 * here), nor the SIM_CHECK aborts (NaN into a tally, negative histogram
 * values, time running backwards), which would need a forked child.
 * Random tests print their seed; BPFSIM_TEST_SEED replays one.
 */
#include "test_util.h"

#include <string.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rstat.h>
#include "sim/stats.h"

/* One mt19937 stream per random test, seeded via test_seed(). */
static gsl_rng *rng_new(uint64_t def)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);

	assert_non_null(r);
	gsl_rng_set(r, (unsigned long)test_seed(def));
	return r;
}

/* ---- tally ------------------------------------------------------------ */

static void test_tally_moments(void **state)
{
	enum { N = 10000 };
	static double x[N];
	struct stat_tally t;
	gsl_rng *r = rng_new(1);
	double sum = 0.0, mean, ss = 0.0, max = -INFINITY;
	size_t i;

	(void)state;
	assert_int_equal(stat_tally_init(&t, 0), 0);
	/* Offset data (mean 100, sd 10) so the mean is not trivially 0. */
	for (i = 0; i < N; i++) {
		x[i] = 100.0 + gsl_ran_gaussian(r, 10.0);
		stat_tally_add(&t, x[i]);
	}
	/* Reference: two passes, mean first, then squared deviations. */
	for (i = 0; i < N; i++) {
		sum += x[i];
		if (x[i] > max)
			max = x[i];
	}
	mean = sum / N;
	for (i = 0; i < N; i++)
		ss += (x[i] - mean) * (x[i] - mean);

	/* 1e-12: gsl_rstat's Welford update is accurate to a few rounding
	 * errors per step, far below this for 10^4 well-scaled values; a
	 * formula error (n vs n - 1, a wrong delta) shows up at 1e-4. */
	assert_int_equal(stat_tally_n(&t), N);
	assert_rel(stat_tally_mean(&t), mean, 1e-12, "tally mean");
	assert_rel(stat_tally_sd(&t), sqrt(ss / (N - 1)), 1e-12, "tally sd");
	/* sum is derived (mean * n): same rounding budget as the mean. */
	assert_rel(stat_tally_sum(&t), sum, 1e-12, "tally sum");
	/* max is a comparison, not arithmetic: exact. */
	assert_true(stat_tally_max(&t) == max);
	/* No quantile workspaces were asked for. */
	assert_true(isnan(stat_tally_p50(&t)));
	assert_true(isnan(stat_tally_p99(&t)));

	stat_tally_fini(&t);
	gsl_rng_free(r);
}

static void test_tally_empty_and_reset(void **state)
{
	struct stat_tally t, z;

	(void)state;
	memset(&z, 0, sizeof(z));
	stat_tally_fini(&z);   /* zeroed struct: must be a no-op */

	assert_int_equal(stat_tally_init(&t, 1), 0);
	assert_int_equal(stat_tally_n(&t), 0);
	assert_true(isnan(stat_tally_mean(&t)));
	assert_true(isnan(stat_tally_sd(&t)));
	assert_true(isnan(stat_tally_max(&t)));
	assert_true(isnan(stat_tally_p50(&t)));
	assert_true(isnan(stat_tally_p99(&t)));
	assert_true(stat_tally_sum(&t) == 0.0);

	/* One value: mean and max defined, sd not. */
	stat_tally_add(&t, 7.0);
	assert_true(stat_tally_mean(&t) == 7.0);
	assert_true(stat_tally_max(&t) == 7.0);
	assert_true(isnan(stat_tally_sd(&t)));

	/* Small integers have unit-wide buckets: the quantiles are exact
	 * nearest-rank order statistics ({1, 4, 7}: rank ceil(1.5) = 2). */
	stat_tally_add(&t, 1.0);
	stat_tally_add(&t, 4.0);
	assert_true(stat_tally_p50(&t) == 4.0);
	stat_tally_add(&t, 2.0);   /* add after a get */
	assert_true(stat_tally_p50(&t) == 2.0);   /* {1, 2, 4, 7}: rank 2 */
	assert_true(stat_tally_p99(&t) == 7.0);
	assert_true(stat_tally_sum(&t) == 14.0);
	/* Non-integers are rounded to the nearest ns for the histogram only. */
	stat_tally_add(&t, 2.5);
	stat_tally_add(&t, 2.49);
	assert_true(stat_tally_p50(&t) == 2.0);   /* {1,2,2,3,4,7}: rank 3 */
	assert_true(stat_tally_max(&t) == 7.0);

	stat_tally_reset(&t);
	assert_int_equal(stat_tally_n(&t), 0);
	assert_true(isnan(stat_tally_mean(&t)));
	assert_true(isnan(stat_tally_p50(&t)));
	stat_tally_add(&t, 3.0);
	assert_true(stat_tally_mean(&t) == 3.0);
	assert_true(stat_tally_max(&t) == 3.0);
	assert_true(stat_tally_p99(&t) == 3.0);
	stat_tally_fini(&t);
	assert_null(t.h.counts);
	stat_tally_fini(&t);   /* fini twice is harmless */

	/* Without quantiles any non-NaN value goes, negative ones included. */
	assert_int_equal(stat_tally_init(&t, 0), 0);
	stat_tally_add(&t, -3.0);
	assert_true(stat_tally_mean(&t) == -3.0);
	assert_true(stat_tally_max(&t) == -3.0);
	stat_tally_fini(&t);
}

/* The tally's moments are gsl_rstat_add's arithmetic copied: same mean and
 * sd to the bit (0 tolerance), over values of mixed scale and sign, after a
 * reset too.  This is what keeps wait_mean in the golden summaries fixed
 * when P^2 went away. */
static void test_tally_matches_gsl_rstat(void **state)
{
	enum { N = 50000 };
	struct stat_tally t;
	gsl_rstat_workspace *w = gsl_rstat_alloc();
	gsl_rng *r = rng_new(3);
	size_t i;
	int pass;

	(void)state;
	assert_non_null(w);
	assert_int_equal(stat_tally_init(&t, 0), 0);
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < N; i++) {
			double x = gsl_ran_lognormal(r, 8.0, 2.0);

			if (i % 7 == 0)
				x = -x;
			stat_tally_add(&t, x);
			gsl_rstat_add(x, w);
			if (i % 997 == 0 || i == N - 1) {
				assert_true(stat_tally_mean(&t) == gsl_rstat_mean(w));
				if (i > 0)
					assert_true(stat_tally_sd(&t) == gsl_rstat_sd(w));
				assert_true(stat_tally_max(&t) == gsl_rstat_max(w));
			}
		}
		stat_tally_reset(&t);
		gsl_rstat_reset(w);
	}
	stat_tally_fini(&t);
	gsl_rstat_free(w);
	gsl_rng_free(r);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void test_tally_quantiles(void **state)
{
	enum { N = 100000 };
	static double x[N];
	struct stat_tally t;
	gsl_rng *r = rng_new(2);
	size_t i;

	(void)state;
	assert_int_equal(stat_tally_init(&t, 1), 0);
	/* The histogram is exact only to 2^-8 relative, so the test compares
	 * against the order statistics of the rounded samples, sorted here. */
	for (i = 0; i < N; i++) {
		x[i] = gsl_ran_exponential(r, 8100.0);   /* M/M/1-like waits */
		stat_tally_add(&t, x[i]);
		x[i] = floor(x[i] + 0.5);   /* as the tally rounds, ties aside */
	}
	qsort(x, N, sizeof(x[0]), cmp_double);
	/* Nearest rank: k = ceil(q N), 1-based.  Tolerance: the bound. */
	assert_rel(stat_tally_p50(&t), x[N / 2 - 1], 1.0 / 256, "tally p50");
	assert_rel(stat_tally_p99(&t), x[N / 100 * 99 - 1], 1.0 / 256,
		   "tally p99");
	stat_tally_fini(&t);
	gsl_rng_free(r);
}

/* ---- gauge ------------------------------------------------------------ */

static void test_gauge(void **state)
{
	struct stat_gauge g;

	(void)state;
	/* Level 2 on [100,200), 5 on [200,250), 4 on [250,400):
	 * area = 200 + 250 + 600 = 1050 over 300 ns -> 3.5.  All values are
	 * small integers, so the double arithmetic is exact. */
	stat_gauge_init(&g, 100, 2.0);
	assert_true(isnan(stat_gauge_mean(&g, 100)));   /* no time elapsed */
	assert_true(stat_gauge_mean(&g, 150) == 2.0);
	stat_gauge_set(&g, 200, 5.0);
	stat_gauge_add(&g, 250, -1.0);
	assert_true(stat_gauge_mean(&g, 400) == 3.5);
	assert_true(g.max == 5.0);
	assert_true(g.value == 4.0);

	/* Zero-length levels contribute nothing but still count for max. */
	stat_gauge_set(&g, 400, 9.0);
	stat_gauge_set(&g, 400, 4.0);
	assert_true(stat_gauge_mean(&g, 400) == 3.5);
	assert_true(g.max == 9.0);

	/* Warm-up cut: integration restarts at 400 with level 4 kept; the
	 * peak seen during warm-up is dropped. */
	stat_gauge_restart(&g, 400);
	assert_true(g.max == 4.0);
	assert_true(stat_gauge_mean(&g, 500) == 4.0);
	stat_gauge_add(&g, 500, 2.0);   /* 4 on [400,500), 6 on [500,600) */
	assert_true(stat_gauge_mean(&g, 600) == 5.0);
	assert_true(g.max == 6.0);
}

/* ---- histogram -------------------------------------------------------- */

static void expect_bin(const struct stat_hist *h, size_t i, double lo,
		       double hi)
{
	double a, b;

	assert_int_equal(gsl_histogram_get_range(h->h, i, &a, &b), 0);
	assert_true(a == lo);
	assert_true(b == hi);
}

static void test_hist_layout(void **state)
{
	struct stat_hist h, z;

	(void)state;
	memset(&z, 0, sizeof(z));
	stat_hist_fini(&z);

	/* sub = 4, top = 2^6: unit bins [0,1)..[3,4), then 4 bins in each of
	 * [4,8) (width 1), [8,16) (2), [16,32) (4), [32,64) (8): 20 bins. */
	assert_int_equal(stat_hist_init(&h, 4, 6), 0);
	assert_int_equal(gsl_histogram_bins(h.h), 20);
	expect_bin(&h, 0, 0, 1);
	expect_bin(&h, 3, 3, 4);
	expect_bin(&h, 4, 4, 5);
	expect_bin(&h, 7, 7, 8);
	expect_bin(&h, 8, 8, 10);
	expect_bin(&h, 11, 14, 16);
	expect_bin(&h, 12, 16, 20);
	expect_bin(&h, 16, 32, 40);
	expect_bin(&h, 19, 56, 64);
	stat_hist_fini(&h);
	assert_null(h.h);

	/* sub = 1: one unit bin, then one bin per octave. */
	assert_int_equal(stat_hist_init(&h, 1, 3), 0);
	assert_int_equal(gsl_histogram_bins(h.h), 4);
	expect_bin(&h, 0, 0, 1);
	expect_bin(&h, 1, 1, 2);
	expect_bin(&h, 2, 2, 4);
	expect_bin(&h, 3, 4, 8);
	stat_hist_fini(&h);

	/* top == sub: unit bins only. */
	assert_int_equal(stat_hist_init(&h, 8, 3), 0);
	assert_int_equal(gsl_histogram_bins(h.h), 8);
	expect_bin(&h, 7, 7, 8);
	stat_hist_fini(&h);

	/* Rejected layouts leave the struct zeroed. */
	assert_int_equal(stat_hist_init(&h, 0, 4), -1);
	assert_null(h.h);
	assert_int_equal(stat_hist_init(&h, 3, 4), -1);   /* not 2^k */
	assert_int_equal(stat_hist_init(&h, 16, 3), -1);  /* sub > top */
	assert_int_equal(stat_hist_init(&h, 4, 1024), -1);
	assert_null(h.h);
	stat_hist_fini(&h);
}

static void test_hist_binning(void **state)
{
	/* value -> expected bin for sub = 4, top = 64 (layout above) */
	static const struct { double x; size_t bin; } cases[] = {
		{ 0.0, 0 }, { 0.999, 0 }, { 1.0, 1 }, { 3.999, 3 },
		{ 4.0, 4 }, { 7.5, 7 }, { 8.0, 8 }, { 9.999, 8 },
		{ 10.0, 9 }, { 15.0, 11 }, { 16.0, 12 }, { 33.0, 16 },
		{ 63.999, 19 },
	};
	size_t ncases = sizeof(cases) / sizeof(cases[0]);
	struct stat_hist h;
	size_t i;

	(void)state;
	assert_int_equal(stat_hist_init(&h, 4, 6), 0);
	for (i = 0; i < ncases; i++) {
		double before = gsl_histogram_get(h.h, cases[i].bin);

		stat_hist_add(&h, cases[i].x, 1.0);
		if (gsl_histogram_get(h.h, cases[i].bin) != before + 1.0)
			fail_msg("value %g not in bin %zu", cases[i].x,
				 cases[i].bin);
	}
	/* Each value landed in its own bin and nowhere else. */
	assert_true(gsl_histogram_sum(h.h) == (double)ncases);
	assert_true(h.overflow == 0.0);

	/* The top edge and beyond are counted as overflow, weighted. */
	stat_hist_add(&h, 64.0, 2.0);
	stat_hist_add(&h, 1e300, 1.0);
	stat_hist_add(&h, INFINITY, 0.5);
	assert_true(h.overflow == 3.5);
	assert_true(stat_hist_total(&h) == (double)ncases + 3.5);
	assert_true(gsl_histogram_sum(h.h) == (double)ncases);
	stat_hist_fini(&h);
}

static void test_hist_merge(void **state)
{
	struct stat_hist a, b, c;

	(void)state;
	assert_int_equal(stat_hist_init(&a, 4, 6), 0);
	assert_int_equal(stat_hist_init(&b, 4, 6), 0);
	assert_int_equal(stat_hist_init(&c, 8, 6), 0);
	stat_hist_add(&a, 2.5, 1.0);
	stat_hist_add(&a, 100.0, 1.0);
	stat_hist_add(&b, 2.5, 3.0);
	stat_hist_add(&b, 50.0, 1.0);
	stat_hist_add(&b, 64.0, 2.0);

	assert_int_equal(stat_hist_merge(&a, &b), 0);
	assert_true(gsl_histogram_get(a.h, 2) == 4.0);
	assert_true(gsl_histogram_get(a.h, 18) == 1.0);   /* [48,56) */
	assert_true(a.overflow == 3.0);
	assert_true(stat_hist_total(&a) == 8.0);
	/* b is untouched */
	assert_true(stat_hist_total(&b) == 6.0);

	/* Different binning: refused, a unchanged. */
	stat_hist_add(&c, 2.5, 1.0);
	assert_int_equal(stat_hist_merge(&a, &c), -1);
	assert_true(stat_hist_total(&a) == 8.0);
	stat_hist_fini(&c);
	assert_int_equal(stat_hist_merge(&a, &c), -1);   /* zeroed */

	stat_hist_fini(&b);
	stat_hist_fini(&a);
}

static void test_hist_quantile_mean(void **state)
{
	struct stat_hist h;

	(void)state;
	assert_int_equal(stat_hist_init(&h, 4, 6), 0);
	assert_true(isnan(stat_hist_quantile(&h, 0.5)));
	assert_true(isnan(stat_hist_mean(&h)));

	/* Weight 2 in [0,1), 2 in [8,10): total 4.  Interpolation is linear
	 * inside the crossing bin; every result below is exact in binary. */
	stat_hist_add(&h, 0.25, 2.0);
	stat_hist_add(&h, 9.0, 2.0);
	assert_true(stat_hist_quantile(&h, 0.0) == 0.0);
	assert_true(stat_hist_quantile(&h, 0.25) == 0.5);
	assert_true(stat_hist_quantile(&h, 0.5) == 1.0);   /* bin 0's top */
	assert_true(stat_hist_quantile(&h, 0.75) == 9.0);
	assert_true(stat_hist_quantile(&h, 1.0) == 10.0);
	assert_true(isnan(stat_hist_quantile(&h, -0.1)));
	assert_true(isnan(stat_hist_quantile(&h, 1.5)));
	assert_true(isnan(stat_hist_quantile(&h, NAN)));
	/* Mean of midpoints: (0.5 * 2 + 9 * 2) / 4. */
	assert_true(stat_hist_mean(&h) == 4.75);

	/* One overflowed unit: total 5; q = 0.9 -> 4.5 > 4 binned, so the
	 * quantile is beyond the top; the mean counts it at the top edge
	 * (64): (4.75 * 4 + 64) / 5 = 16.6, rounded once or twice. */
	stat_hist_add(&h, 1000.0, 1.0);
	assert_true(isinf(stat_hist_quantile(&h, 0.9)));
	assert_true(stat_hist_quantile(&h, 0.8) == 10.0);
	assert_rel(stat_hist_mean(&h), 16.6, 1e-15, "hist mean with overflow");
	stat_hist_fini(&h);
}

/* ---- series ----------------------------------------------------------- */

static void expect_row(const struct stat_series *s, size_t i, double c0,
		       double c1)
{
	if (stat_series_get(s, i, 0) != c0 || stat_series_get(s, i, 1) != c1)
		fail_msg("row %zu = {%g, %g}, want {%g, %g}", i,
			 stat_series_get(s, i, 0), stat_series_get(s, i, 1),
			 c0, c1);
}

/* Shared scenario: window 10 ns, two columns. */
static void series_scenario(struct stat_series *s)
{
	assert_int_equal(stat_series_advance(s, 0), 0);   /* nothing to close */
	stat_series_add(s, 0, 1.0);
	stat_series_add(s, 1, 2.0);
	assert_int_equal(stat_series_advance(s, 5), 0);
	stat_series_add(s, 0, 3.0);
	assert_int_equal(stat_series_advance(s, 10), 0);  /* [0,10) closes */
	stat_series_add(s, 1, 7.0);
	/* 45: closes [10,20) and the empty [20,30), [30,40) */
	assert_int_equal(stat_series_advance(s, 45), 0);
	assert_true(s->cur_start == 40);
	stat_series_add(s, 0, 1.0);
	assert_int_equal(stat_series_advance(s, 30), 0);  /* in the past: no-op */
	assert_int_equal(stat_series_advance(s, 49), 0);
	assert_int_equal(stat_series_advance(s, 50), 0);  /* [40,50) closes */
	assert_true(s->cur_start == 50);
}

static void test_series_windows(void **state)
{
	struct stat_series s, z;

	(void)state;
	memset(&z, 0, sizeof(z));
	stat_series_fini(&z);
	assert_int_equal(stat_series_init(&s, 0, 2, 0), -1);
	assert_int_equal(stat_series_init(&s, 10, 0, 0), -1);
	assert_null(s.cur);

	assert_int_equal(stat_series_init(&s, 10, 2, 0), 0);
	series_scenario(&s);
	assert_int_equal(s.nrows, 5);
	expect_row(&s, 0, 4.0, 2.0);
	expect_row(&s, 1, 0.0, 7.0);
	expect_row(&s, 2, 0.0, 0.0);
	expect_row(&s, 3, 0.0, 0.0);
	expect_row(&s, 4, 1.0, 0.0);
	assert_true(s.cur[0] == 0.0 && s.cur[1] == 0.0);
	stat_series_fini(&s);
	assert_null(s.rows);

	/* max_rows = 3: rows 3 and 4 are dropped, time still advances, and
	 * the open window keeps accumulating normally. */
	assert_int_equal(stat_series_init(&s, 10, 2, 3), 0);
	series_scenario(&s);
	assert_int_equal(s.nrows, 3);
	expect_row(&s, 0, 4.0, 2.0);
	expect_row(&s, 1, 0.0, 7.0);
	expect_row(&s, 2, 0.0, 0.0);
	stat_series_add(&s, 0, 5.0);
	assert_int_equal(stat_series_advance(&s, 1000), 0);
	assert_int_equal(s.nrows, 3);
	assert_true(s.cur_start == 1000 && s.cur[0] == 0.0);
	stat_series_fini(&s);

	/* A span of 2^62 ns over 10 ns windows, max_rows 3: only the kept
	 * rows and the open window get their share (this used to walk 4e17
	 * windows inside one event).  Rate 1 per ns: each kept window 10,
	 * the open one what lies in it. */
	assert_int_equal(stat_series_init(&s, 10, 1, 3), 0);
	uint64_t far = (uint64_t)1 << 62;
	assert_int_equal(stat_series_advance(&s, far), 0);
	stat_series_spread(&s, 0, 0, far, (double)far);
	assert_int_equal(s.nrows, 3);
	for (size_t i = 0; i < 3; i++)
		assert_true(fabs(s.rows[i] - 10.0) < 1e-3);
	assert_true(fabs(s.cur[0] - (double)(far - s.cur_start)) < 1e-3);
	stat_series_fini(&s);
}

static void test_series_growth(void **state)
{
	struct stat_series s;
	uint64_t t;
	size_t i;

	(void)state;
	/* One row per step, well past the initial capacity: every row keeps
	 * its value across reallocations. */
	assert_int_equal(stat_series_init(&s, 1, 2, 0), 0);
	for (t = 0; t < 1000; t++) {
		assert_int_equal(stat_series_advance(&s, t), 0);
		stat_series_add(&s, 0, (double)t);
		stat_series_add(&s, 1, 1.0);
	}
	assert_int_equal(stat_series_advance(&s, 1000), 0);
	assert_int_equal(s.nrows, 1000);
	assert_true(s.cap >= s.nrows);
	for (i = 0; i < 1000; i++)
		expect_row(&s, i, (double)i, 1.0);

	/* One long gap: 5000 windows closed in one call, the first holding
	 * the open window's data, the rest zero. */
	stat_series_add(&s, 1, 3.0);
	assert_int_equal(stat_series_advance(&s, 6000), 0);
	assert_int_equal(s.nrows, 6000);
	expect_row(&s, 1000, 0.0, 3.0);
	for (i = 1001; i < 6000; i++)
		expect_row(&s, i, 0.0, 0.0);
	stat_series_fini(&s);
}

/* ---- summaries -------------------------------------------------------- */

static void test_summarize_values(void **state)
{
	static const double x[] = { 1, 2, 3, 4, 5 };
	/* t quantile 0.975 with 4 degrees of freedom (tables / R qt()). */
	const double t4 = 2.7764451051977987;
	const double sd = sqrt(2.5);   /* sum of squares 10 over n - 1 = 4 */
	struct stat_summary s;

	(void)state;
	stat_summarize(x, 5, 0.95, &s);
	/* 1e-12: GSL's mean/sd are a few roundings off; its t inverse is
	 * refined to near machine precision. */
	assert_int_equal(s.n, 5);
	assert_rel(s.mean, 3.0, 1e-12, "mean of 1..5");
	assert_rel(s.sd, sd, 1e-12, "sd of 1..5");
	assert_rel(s.half, t4 * sd / sqrt(5.0), 1e-12, "CI half-width");
	assert_rel(s.lo, 3.0 - t4 * sd / sqrt(5.0), 1e-12, "CI lo");
	assert_rel(s.hi, 3.0 + t4 * sd / sqrt(5.0), 1e-12, "CI hi");

	/* Constant data: zero-width interval. */
	{
		static const double c[] = { 7, 7, 7 };

		stat_summarize(c, 3, 0.95, &s);
		assert_true(s.mean == 7.0 && s.sd == 0.0 && s.half == 0.0);
		assert_true(s.lo == 7.0 && s.hi == 7.0);
	}
}

static void test_summarize_degenerate(void **state)
{
	double x[] = { 1, 2, 3 };
	struct stat_summary s;

	(void)state;
	stat_summarize(x, 1, 0.95, &s);
	assert_int_equal(s.n, 1);
	assert_true(s.mean == 1.0);
	assert_true(isnan(s.sd) && isnan(s.half));
	assert_true(isnan(s.lo) && isnan(s.hi));

	stat_summarize(NULL, 0, 0.95, &s);
	assert_int_equal(s.n, 0);
	assert_true(isnan(s.mean) && isnan(s.sd) && isnan(s.half));
	assert_true(isnan(s.lo) && isnan(s.hi));

	x[1] = NAN;
	stat_summarize(x, 3, 0.95, &s);
	assert_int_equal(s.n, 3);
	assert_true(isnan(s.mean) && isnan(s.sd) && isnan(s.half));
	assert_true(isnan(s.lo) && isnan(s.hi));

	x[1] = -INFINITY;
	stat_summarize(x, 3, 0.95, &s);
	assert_int_equal(s.n, 3);
	assert_true(isnan(s.mean) && isnan(s.sd) && isnan(s.half));
}

static void test_summarize_coverage(void **state)
{
	enum { EXPERIMENTS = 2000, N = 10 };
	const double mu = 3.0, sigma = 2.0;
	gsl_rng *r = rng_new(3);
	double x[N];
	struct stat_summary s;
	size_t e, i, covered = 0;
	double frac;

	(void)state;
	for (e = 0; e < EXPERIMENTS; e++) {
		for (i = 0; i < N; i++)
			x[i] = mu + gsl_ran_gaussian(r, sigma);
		stat_summarize(x, N, 0.95, &s);
		if (s.lo <= mu && mu <= s.hi)
			covered++;
	}
	frac = (double)covered / EXPERIMENTS;
	print_message("# coverage %zu/%d = %.4f\n", covered, EXPERIMENTS, frac);
	/* For normal data the t interval is exact, so `covered` is
	 * Binomial(2000, 0.95): sd of the fraction sqrt(.95 * .05 / 2000) =
	 * 0.0049, and +-0.015 is ~3.1 sd, a ~0.2% false-alarm rate per seed.
	 * A z quantile (1.96) instead of t(0.975, 9) = 2.262 would cover
	 * ~92%, 6 sd away, and fail. */
	assert_abs(frac, 0.95, 0.015, "95% CI coverage");
	gsl_rng_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tally_moments),
		cmocka_unit_test(test_tally_empty_and_reset),
		cmocka_unit_test(test_tally_matches_gsl_rstat),
		cmocka_unit_test(test_tally_quantiles),
		cmocka_unit_test(test_gauge),
		cmocka_unit_test(test_hist_layout),
		cmocka_unit_test(test_hist_binning),
		cmocka_unit_test(test_hist_merge),
		cmocka_unit_test(test_hist_quantile_mean),
		cmocka_unit_test(test_series_windows),
		cmocka_unit_test(test_series_growth),
		cmocka_unit_test(test_summarize_values),
		cmocka_unit_test(test_summarize_degenerate),
		cmocka_unit_test(test_summarize_coverage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
