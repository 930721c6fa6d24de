/* ttest.c - Welch's and the paired t test, Holm's correction (ttest.h).
 *
 * Moments of the paired differences are taken in two passes (mean, then
 * squared deviations): the differences of nearly equal runs are small next
 * to the values, and one pass would lose them.  The t distribution's tail
 * and quantile come from GSL (gsl_cdf_tdist_Q, gsl_cdf_tdist_Qinv), which
 * handle the fractional degrees of freedom of Welch's test.
 */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>

#include "sim/ttest.h"

/* Fill r from a difference, its standard error and degrees of freedom. */
static void finish(struct ttest *r, double diff, double se, double df,
		   double alpha)
{
	r->diff = diff;
	r->se = se;
	r->df = df;
	if (!(se > 0)) {
		r->exact = 1;
		r->t = NAN;
		r->p = diff == 0 ? 1 : 0;
		r->ci_low = r->ci_high = diff;
		return;
	}
	r->exact = 0;
	r->t = diff / se;
	/* Two-sided: 2 Q(|t|), capped at 1 against rounding. */
	r->p = fmin(1, 2 * gsl_cdf_tdist_Q(fabs(r->t), df));
	double q = gsl_cdf_tdist_Qinv(alpha / 2, df);
	r->ci_low = diff - q * se;
	r->ci_high = diff + q * se;
}

static int alpha_ok(double alpha)
{
	return alpha > 0 && alpha < 1;
}

int ttest_welch(size_t n1, double mean1, double sd1, size_t n2, double mean2,
		double sd2, double alpha, struct ttest *r)
{
	if (n1 < 2 || n2 < 2 || !alpha_ok(alpha) || !isfinite(mean1) ||
	    !isfinite(mean2) || !isfinite(sd1) || !isfinite(sd2) || sd1 < 0 ||
	    sd2 < 0)
		return -1;
	double v1 = sd1 * sd1 / (double)n1, v2 = sd2 * sd2 / (double)n2;
	double v = v1 + v2;
	/* Welch-Satterthwaite; a side without spread gives its terms 0, so
	 * df falls to the other side's n - 1. */
	double den = v1 * v1 / (double)(n1 - 1) + v2 * v2 / (double)(n2 - 1);
	double df = den > 0 ? v * v / den : (double)(n1 + n2 - 2);
	finish(r, mean2 - mean1, sqrt(v), df, alpha);
	return 0;
}

int ttest_paired(const double *d, size_t n, double alpha, struct ttest *r)
{
	if (n < 2 || !alpha_ok(alpha))
		return -1;
	double sum = 0;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(d[i]))
			return -1;
		sum += d[i];
	}
	double mean = sum / (double)n, ss = 0;
	for (size_t i = 0; i < n; i++)
		ss += (d[i] - mean) * (d[i] - mean);
	double sd = sqrt(ss / (double)(n - 1));
	finish(r, mean, sd / sqrt((double)n), (double)(n - 1), alpha);
	return 0;
}

/* A p value and where it came from, sorted by p (ties by index, so the
 * result does not depend on qsort's order). */
struct ranked {
	double p;
	size_t i;
};

static int by_p(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->p != y->p)
		return x->p < y->p ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

int ttest_holm(const double *p, size_t n, double *adj)
{
	if (n == 0)
		return 0;
	struct ranked *rk = malloc(n * sizeof(*rk));
	if (!rk)
		return -1;
	for (size_t i = 0; i < n; i++)
		rk[i] = (struct ranked){ p[i], i };
	qsort(rk, n, sizeof(*rk), by_p);
	double run = 0;
	for (size_t k = 0; k < n; k++) {
		run = fmax(run, fmin(1, (double)(n - k) * rk[k].p));
		adj[rk[k].i] = run;   /* adj may be p: rk holds the copies */
	}
	free(rk);
	return 0;
}
