/* test_ttest.c - cmocka tests for sim/ttest.c.
 *
 * Pins: the p values and intervals of both tests against closed forms the
 * test carries itself (Student t with 1 and 2 degrees of freedom has an
 * elementary CDF and quantile, so no table and no second library is
 * trusted): the paired test on {1, 2, 3}, Welch's test where its degrees
 * of freedom are whole (equal n and sd: df = 2(n - 1)), and Welch's
 * Satterthwaite df on an unequal example computed by hand; the exact cases
 * (no spread: p 1 for no difference, 0 for one) and the refusals (n < 2,
 * non-finite input, alpha outside (0, 1)); Holm's adjustment against the
 * values R's p.adjust(..., "holm") gives, in place too; and the size of
 * both tests: under no difference, normal samples are rejected at about
 * alpha (20,000 simulated experiments: the paired test within 4 binomial
 * standard errors, Welch's approximate one within 0.01).
 *
 * Does not pin: power (how small a difference is found), nor behaviour on
 * allocation failure (ttest_holm's -1).  The random test prints its seed;
 * BPFSIM_TEST_SEED replays one.
 */
#include "test_util.h"

#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include "sim/ttest.h"

/* Student t with 2 degrees of freedom: upper tail and quantile. */
static double t2_q(double t)
{
	return 0.5 - t / (2 * sqrt(2 + t * t));
}

static double t2_quantile(double u)   /* P(T <= x) = u */
{
	return (2 * u - 1) / sqrt(2 * u * (1 - u));
}

/* Student t with 1 degree of freedom (Cauchy): upper tail. */
static double t1_q(double t)
{
	return 0.5 - atan(t) / M_PI;
}

static void test_paired_closed_form(void **state)
{
	(void)state;
	const double d[] = { 1, 2, 3 };
	struct ttest r;
	assert_int_equal(ttest_paired(d, 3, 0.05, &r), 0);
	/* mean 2, sd 1, se 1/sqrt(3), df 2.  Tolerance 1e-9: GSL's t tail is
	 * accurate to ~1e-12 here; the closed form is exact. */
	assert_rel(r.diff, 2, 1e-15, "diff");
	assert_rel(r.se, 1 / sqrt(3), 1e-15, "se");
	assert_rel(r.df, 2, 0, "df");
	assert_rel(r.t, 2 * sqrt(3), 1e-14, "t");
	assert_rel(r.p, 2 * t2_q(2 * sqrt(3)), 1e-9, "p");
	double q = t2_quantile(0.975);
	assert_rel(q, 4.3027, 1e-4, "t(0.975, 2) against a printed table");
	assert_rel(r.ci_low, 2 - q / sqrt(3), 1e-9, "ci_low");
	assert_rel(r.ci_high, 2 + q / sqrt(3), 1e-9, "ci_high");
	assert_false(r.exact);
	/* The sign follows new - old. */
	const double m[] = { -1, -2, -3 };
	assert_int_equal(ttest_paired(m, 3, 0.05, &r), 0);
	assert_rel(r.diff, -2, 1e-15, "negative diff");
	assert_rel(r.p, 2 * t2_q(2 * sqrt(3)), 1e-9, "p of a negative diff");
	assert_rel(r.ci_high, -2 + q / sqrt(3), 1e-9, "ci_high of a negative diff");
}

static void test_welch_closed_form(void **state)
{
	(void)state;
	struct ttest r;
	/* n = 2 each, sd 1 each: se = 1, df = 2(n - 1) = 2. */
	assert_int_equal(ttest_welch(2, 10, 1, 2, 13, 1, 0.05, &r), 0);
	assert_rel(r.diff, 3, 1e-15, "diff");
	assert_rel(r.se, 1, 1e-15, "se");
	assert_rel(r.df, 2, 1e-15, "df");
	assert_rel(r.p, 2 * t2_q(3), 1e-9, "p (df 2)");
	double q = t2_quantile(0.95);    /* alpha 0.1 */
	assert_int_equal(ttest_welch(2, 10, 1, 2, 13, 1, 0.1, &r), 0);
	assert_rel(r.ci_low, 3 - q, 1e-9, "ci_low at alpha 0.1");
	assert_rel(r.ci_high, 3 + q, 1e-9, "ci_high at alpha 0.1");
	/* One side without spread: df falls to the other's n - 1 = 1. */
	assert_int_equal(ttest_welch(2, 0, 0, 2, 1, sqrt(2), 0.05, &r), 0);
	assert_rel(r.se, 1, 1e-15, "se, one side constant");
	assert_rel(r.df, 1, 1e-15, "df, one side constant");
	assert_rel(r.p, 2 * t1_q(1), 1e-9, "p (df 1) = 0.5");
	assert_rel(r.p, 0.5, 1e-9, "p (df 1)");
	/* Unequal: n 5 and 10, sd 2 and 1: v1 = 0.8, v2 = 0.1,
	 * df = 0.81 / (0.64 / 4 + 0.01 / 9) = 5.0276... by hand. */
	assert_int_equal(ttest_welch(5, 0, 2, 10, 1, 1, 0.05, &r), 0);
	assert_rel(r.se, sqrt(0.9), 1e-15, "se, unequal");
	assert_rel(r.df, 0.81 / (0.16 + 0.01 / 9), 1e-14, "Satterthwaite df");
}

static void test_exact_and_refused(void **state)
{
	(void)state;
	struct ttest r;
	/* No spread anywhere: the difference is exact. */
	assert_int_equal(ttest_welch(4, 5, 0, 4, 5, 0, 0.05, &r), 0);
	assert_true(r.exact);
	assert_rel(r.p, 1, 0, "same constant: p 1");
	assert_int_equal(ttest_welch(4, 5, 0, 4, 6, 0, 0.05, &r), 0);
	assert_true(r.exact);
	assert_rel(r.p, 0, 0, "other constant: p 0");
	assert_rel(r.ci_low, 1, 0, "exact interval low");
	assert_rel(r.ci_high, 1, 0, "exact interval high");
	const double z[] = { 0, 0, 0, 0 }, c[] = { 0.5, 0.5, 0.5 };
	assert_int_equal(ttest_paired(z, 4, 0.05, &r), 0);
	assert_true(r.exact);
	assert_rel(r.p, 1, 0, "zero differences: p 1");
	assert_int_equal(ttest_paired(c, 3, 0.05, &r), 0);
	assert_true(r.exact);
	assert_rel(r.p, 0, 0, "constant differences: p 0");
	/* Refusals. */
	assert_int_equal(ttest_welch(1, 0, 0, 5, 0, 1, 0.05, &r), -1);
	assert_int_equal(ttest_welch(5, NAN, 1, 5, 0, 1, 0.05, &r), -1);
	assert_int_equal(ttest_welch(5, 0, -1, 5, 0, 1, 0.05, &r), -1);
	assert_int_equal(ttest_welch(5, 0, 1, 5, 0, 1, 0, &r), -1);
	assert_int_equal(ttest_welch(5, 0, 1, 5, 0, 1, 1, &r), -1);
	const double bad[] = { 1, INFINITY };
	assert_int_equal(ttest_paired(z, 1, 0.05, &r), -1);
	assert_int_equal(ttest_paired(bad, 2, 0.05, &r), -1);
}

static void test_holm(void **state)
{
	(void)state;
	/* R: p.adjust(c(.01, .04, .03, .005), "holm") = .03 .06 .06 .02 */
	double p[] = { 0.01, 0.04, 0.03, 0.005 }, adj[4];
	const double want[] = { 0.03, 0.06, 0.06, 0.02 };
	assert_int_equal(ttest_holm(p, 4, adj), 0);
	for (int i = 0; i < 4; i++)
		assert_rel(adj[i], want[i], 1e-15, "holm");
	/* In place, and capped at 1; ties keep their order. */
	double q[] = { 0.5, 0.5, 0.001 };
	assert_int_equal(ttest_holm(q, 3, q), 0);
	assert_rel(q[0], 1, 0, "capped at 1");
	assert_rel(q[1], 1, 0, "capped at 1 (tie)");
	assert_rel(q[2], 0.003, 1e-15, "smallest x n");
	assert_int_equal(ttest_holm(NULL, 0, NULL), 0);
}

/* Under no difference, each test rejects about alpha of the time. */
static void test_size(void **state)
{
	(void)state;
	gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
	assert_non_null(g);
	gsl_rng_set(g, (unsigned long)test_seed(19));
	const int trials = 20000;
	int rej_w = 0, rej_p = 0;
	for (int k = 0; k < trials; k++) {
		/* Welch: n 5 (sd 3) against n 8 (sd 1), same mean. */
		double a[8], b[8], d[6];
		double ma = 0, mb = 0, sa = 0, sb = 0;
		for (int i = 0; i < 5; i++)
			ma += a[i] = gsl_ran_gaussian(g, 3);
		for (int i = 0; i < 8; i++)
			mb += b[i] = gsl_ran_gaussian(g, 1);
		ma /= 5;
		mb /= 8;
		for (int i = 0; i < 5; i++)
			sa += (a[i] - ma) * (a[i] - ma);
		for (int i = 0; i < 8; i++)
			sb += (b[i] - mb) * (b[i] - mb);
		struct ttest r;
		assert_int_equal(ttest_welch(5, ma, sqrt(sa / 4), 8, mb,
					     sqrt(sb / 7), 0.05, &r), 0);
		rej_w += r.p <= 0.05;
		/* Paired: a shared term (common random numbers) plus noise. */
		for (int i = 0; i < 6; i++) {
			double common = gsl_ran_gaussian(g, 10);
			d[i] = (common + gsl_ran_gaussian(g, 1)) -
			       (common + gsl_ran_gaussian(g, 1));
		}
		assert_int_equal(ttest_paired(d, 6, 0.05, &r), 0);
		rej_p += r.p <= 0.05;
	}
	gsl_rng_free(g);
	/* Binomial sd of the rate: sqrt(.05 .95 / 20000) = 0.0015.  The
	 * paired test is exact on normal data: 4 sd.  Welch's is approximate
	 * (its df is estimated) and a little liberal with small, unequal
	 * samples (~0.054 here): 0.04..0.06, still > 3.5 sd from that. */
	double fw = (double)rej_w / trials, fp = (double)rej_p / trials;
	fprintf(stderr, "# rejection rate under H0: welch %.4f, paired %.4f\n",
		fw, fp);
	assert_abs(fw, 0.05, 0.01, "Welch size");
	assert_abs(fp, 0.05, 0.0062, "paired size");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paired_closed_form),
		cmocka_unit_test(test_welch_closed_form),
		cmocka_unit_test(test_exact_and_refused),
		cmocka_unit_test(test_holm),
		cmocka_unit_test(test_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
