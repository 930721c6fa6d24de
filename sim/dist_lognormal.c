/* dist_lognormal.c - lognormal(median, sigma): median x exp(sigma Z), Z a
 * standard normal from gsl_ran_gaussian_ziggurat.  The median is in the
 * distribution's unit, sigma a plain number.
 *
 * The same law as gsl_ran_lognormal(ln median, sigma) (exp(ln median +
 * sigma Z)), without its polar Box-Muller's log and sqrt per draw nor the
 * log of the median: one exp (dist_normal.c says why the ziggurat;
 * tests/test_dist.c test_ziggurat_same_law checks the draws against
 * gsl_ran_lognormal's). */
#include <math.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include "sim/dist_family.h"
#include "sim/rng.h"

extern const struct dist_family dist_family_lognormal;

static double lognormal_sample(const double *p, gsl_rng *r)
{
	return p[0] * exp(p[1] * rng_gaussian(r, 1.0));
}

static double lognormal_mean(const double *p)
{
	return p[0] * exp(0.5 * p[1] * p[1]);
}

static double lognormal_var(const double *p)
{
	double s2 = p[1] * p[1];
	return expm1(s2) * p[0] * p[0] * exp(s2);
}

static double lognormal_pdf(const double *p, double x)
{
	return x > 0 ? gsl_ran_lognormal_pdf(x, log(p[0]), p[1]) : 0;
}

static double lognormal_cdf(const double *p, double x)
{
	return x > 0 ? gsl_cdf_lognormal_P(x, log(p[0]), p[1]) : 0;
}

static double lognormal_sf(const double *p, double x)
{
	return x > 0 ? gsl_cdf_lognormal_Q(x, log(p[0]), p[1]) : 1;
}

static int lognormal_fit(const struct dist_hist *h, double *p, double *loglik,
			 size_t *evals)
{
	double m, sd, lm, lsd;
	dist_hist_moments(h, &m, &sd, &lm, &lsd);
	double start[2] = { exp(lm), lsd };
	return dist_mle_binned(&dist_family_lognormal, h, start, p, loglik,
			       evals);
}

const struct dist_family dist_family_lognormal = {
	.name = "lognormal",
	.np = 2,
	.param = { { "median", 0, DIST_R_POS },
		   { "sigma", DIST_P_PLAIN, DIST_R_NONNEG } },
	.sample = lognormal_sample,
	.mean = lognormal_mean,
	.var = lognormal_var,
	.pdf = lognormal_pdf,
	.cdf = lognormal_cdf,
	.sf = lognormal_sf,
	.fit = lognormal_fit,
};
