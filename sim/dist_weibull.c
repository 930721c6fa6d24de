/* dist_weibull.c - weibull(scale, shape): gsl_ran_weibull; shape a plain
 * number.  Moments through ln Gamma, so large shapes keep their precision. */
#include <math.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>
#include "sim/dist_family.h"

extern const struct dist_family dist_family_weibull;

/* ln Gamma(x) for x >= 1, or +inf where it would overflow. */
static double lngamma(double x)
{
	gsl_sf_result res;
	if (!(x < 1e290) || gsl_sf_lngamma_e(x, &res))
		return INFINITY;
	return res.val;
}

static double weibull_sample(const double *p, gsl_rng *r)
{
	return gsl_ran_weibull(r, p[0], p[1]);
}

static double weibull_mean(const double *p)
{
	return p[0] * exp(lngamma(1.0 + 1.0 / p[1]));
}

static double weibull_var(const double *p)
{
	/* scale^2 (G(1 + 2/k) - G(1 + 1/k)^2), with the difference taken in
	 * log space to keep precision for large shapes. */
	double g1 = lngamma(1.0 + 1.0 / p[1]);
	double g2 = lngamma(1.0 + 2.0 / p[1]);
	if (!isfinite(g2))
		return INFINITY;
	return p[0] * p[0] * exp(g2) * -expm1(2.0 * g1 - g2);
}

static double weibull_pdf(const double *p, double x)
{
	return x > 0 ? gsl_ran_weibull_pdf(x, p[0], p[1]) : 0;
}

static double weibull_cdf(const double *p, double x)
{
	return x > 0 ? gsl_cdf_weibull_P(x, p[0], p[1]) : 0;
}

static double weibull_sf(const double *p, double x)
{
	return x > 0 ? gsl_cdf_weibull_Q(x, p[0], p[1]) : 1;
}

/* Start from the log moments: Var(log X) = pi^2 / (6 k^2) and
 * E log X = log scale - gamma_E / k. */
static int weibull_fit(const struct dist_hist *h, double *p, double *loglik,
		       size_t *evals)
{
	double m, sd, lm, lsd;
	dist_hist_moments(h, &m, &sd, &lm, &lsd);
	double k = M_PI / (sqrt(6.0) * lsd);
	double start[2] = { exp(lm + 0.5772156649015329 / k), k };
	return dist_mle_binned(&dist_family_weibull, h, start, p, loglik,
			       evals);
}

const struct dist_family dist_family_weibull = {
	.name = "weibull",
	.np = 2,
	.param = { { "scale", 0, DIST_R_POS },
		   { "shape", DIST_P_PLAIN, DIST_R_POS } },
	.sample = weibull_sample,
	.mean = weibull_mean,
	.var = weibull_var,
	.pdf = weibull_pdf,
	.cdf = weibull_cdf,
	.sf = weibull_sf,
	.fit = weibull_fit,
};
