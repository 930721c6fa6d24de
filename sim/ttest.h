/* ttest.h - is a difference between two sets of replications more than noise?
 *
 * `bpfsim diff` asks, for every metric of two output folders, whether the
 * new mean differs from the old one beyond what replication-to-replication
 * noise explains.  Two tests answer it, both two-sided Student t tests:
 *
 *   ttest_welch  - independent samples (two runs that share no random
 *                  numbers), from each side's n, mean and sd alone:
 *                  Welch's unequal-variance test with the Welch-Satterthwaite
 *                  degrees of freedom.  Needs n >= 2 on both sides.
 *   ttest_paired - the same replications run twice (same scenario and seed:
 *                  common random numbers): a one-sample t test on the
 *                  per-replication differences new - old, n - 1 degrees of
 *                  freedom.  Needs n >= 2 pairs.  Pairing cancels the noise
 *                  the two runs share, so its interval is much narrower.
 *
 * Both fill a struct ttest: the difference new - old, its standard error,
 * the confidence interval at level 1 - alpha and the p value
 * (gsl_cdf_tdist_Q / _Qinv).  A standard error of exactly 0 (every
 * replication the same on both sides, or every paired difference equal) is
 * no test at all: the difference is exact, `exact` is set, p is 1 when it
 * is 0 and 0 otherwise, and the interval is the point.
 *
 * ttest_holm adjusts a family of p values for multiple comparisons (Holm's
 * step-down method: controls the family-wise error rate at alpha under any
 * dependence between the tests, and rejects everything Bonferroni rejects).
 *
 * Errors: -1 for input the test cannot take (too few values, non-finite
 * values, alpha outside (0, 1)) or no memory (ttest_holm); nothing is
 * printed.  Units are the caller's (the metric's); nothing is allocated
 * that outlives a call.
 */
#ifndef BPFSIM_TTEST_H
#define BPFSIM_TTEST_H

#include <stddef.h>

struct ttest {
	double diff;            /* new - old (mean of the paired differences) */
	double se;              /* standard error of diff */
	double df;              /* degrees of freedom */
	double t;               /* diff / se; NAN when exact */
	double p;               /* two-sided p value */
	double ci_low, ci_high; /* interval for diff at level 1 - alpha */
	int exact;              /* se == 0: diff is known without noise */
};

/* Welch's test of mean2 - mean1 from two independent samples' sizes,
 * means and standard deviations.  0, or -1 when n1 or n2 < 2, a value is
 * not finite, an sd is negative or alpha is not in (0, 1). */
int ttest_welch(size_t n1, double mean1, double sd1, size_t n2, double mean2,
		double sd2, double alpha, struct ttest *r);

/* The paired test on n differences d[i] = new_i - old_i.  0, or -1 when
 * n < 2, a difference is not finite or alpha is not in (0, 1). */
int ttest_paired(const double *d, size_t n, double alpha, struct ttest *r);

/* Holm's adjusted p values of p[0..n-1] into adj[0..n-1] (adj may be p):
 * with p sorted ascending, p_(i) becomes max over j <= i of
 * min(1, (n - j + 1) p_(j)) (1-based), so that rejecting where
 * adj <= alpha is Holm's procedure at level alpha.  0, or -1 when out of
 * memory. */
int ttest_holm(const double *p, size_t n, double *adj);

#endif
