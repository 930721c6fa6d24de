/* dist_normal.c - normal(mean, sd): mean + gsl_ran_gaussian_ziggurat(sd)
 * (rng_gaussian: its fast path inline on the streams' taus2, the same
 * draws).
 *
 * The ziggurat (Marsaglia and Tsang, in GSL) is exact like GSL's default
 * polar Box-Muller but needs no log or sqrt on ~97% of its draws: one
 * 32-bit word of the generator and a table look-up (about half the time of
 * gsl_ran_gaussian in the runqslower model, whose costs are normal and
 * lognormal draws).  tests/test_dist.c test_ziggurat_same_law checks its
 * draws against gsl_ran_gaussian's.
 *
 * Fitted as it is, not truncated at 0: the mass it puts below 0 (where no
 * cost can be) lowers its likelihood, so AIC picks a normal only for
 * bell-shaped data well clear of 0 - where the redraw of negative values
 * that scenario durations do (dist.h) changes nothing.  (A normal truncated
 * at 0 with a mean far below 0 would mimic an exponential and win AIC
 * contests it should not.)
 */
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include "sim/dist_family.h"
#include "sim/rng.h"

extern const struct dist_family dist_family_normal;

static double normal_sample(const double *p, gsl_rng *r)
{
	return p[0] + rng_gaussian(r, p[1]);
}

static double normal_mean(const double *p)
{
	return p[0];
}

static double normal_var(const double *p)
{
	return p[1] * p[1];
}

static double normal_pdf(const double *p, double x)
{
	return gsl_ran_gaussian_pdf(x - p[0], p[1]);
}

static double normal_cdf(const double *p, double x)
{
	return gsl_cdf_gaussian_P(x - p[0], p[1]);
}

static double normal_sf(const double *p, double x)
{
	return gsl_cdf_gaussian_Q(x - p[0], p[1]);
}

static int normal_fit(const struct dist_hist *h, double *p, double *loglik,
		      size_t *evals)
{
	double m, sd, lm, lsd;
	dist_hist_moments(h, &m, &sd, &lm, &lsd);
	double start[2] = { m, sd };
	return dist_mle_binned(&dist_family_normal, h, start, p, loglik, evals);
}

const struct dist_family dist_family_normal = {
	.name = "normal",
	.np = 2,
	.param = { { "mean", 0, DIST_R_ANY }, { "sd", 0, DIST_R_NONNEG } },
	.sample = normal_sample,
	.mean = normal_mean,
	.var = normal_var,
	.pdf = normal_pdf,
	.cdf = normal_cdf,
	.sf = normal_sf,
	.fit = normal_fit,
};
