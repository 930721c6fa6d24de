/* dist_exponential.c - exponential(mean). */
#include <math.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include "sim/dist_family.h"
#include "sim/rng.h"

extern const struct dist_family dist_family_exponential;

static double exponential_sample(const double *p, gsl_rng *r)
{
	/* Inversion, as gsl_ran_exponential does, but with log(U) on U in
	 * (0,1) instead of log1p(-U) on [0,1): the same distribution, and
	 * glibc's log is ~3x cheaper than log1p (this draw is the hottest
	 * call of M/M/c; see BENCHMARKS.md). */
	return -p[0] * log(rng_uniform_pos(r));
}

static double exponential_mean(const double *p)
{
	return p[0];
}

static double exponential_var(const double *p)
{
	return p[0] * p[0];
}

static double exponential_pdf(const double *p, double x)
{
	return x > 0 ? gsl_ran_exponential_pdf(x, p[0]) : 0;
}

static double exponential_cdf(const double *p, double x)
{
	return x > 0 ? gsl_cdf_exponential_P(x, p[0]) : 0;
}

static double exponential_sf(const double *p, double x)
{
	return x > 0 ? gsl_cdf_exponential_Q(x, p[0]) : 1;
}

static int exponential_fit(const struct dist_hist *h, double *p,
			   double *loglik, size_t *evals)
{
	double m, sd, lm, lsd;
	dist_hist_moments(h, &m, &sd, &lm, &lsd);
	double start[2] = { m, 0 };
	return dist_mle_binned(&dist_family_exponential, h, start, p, loglik,
			       evals);
}

const struct dist_family dist_family_exponential = {
	.name = "exponential",
	.np = 1,
	.param = { { "mean", 0, DIST_R_POS } },
	.sample = exponential_sample,
	.mean = exponential_mean,
	.var = exponential_var,
	.pdf = exponential_pdf,
	.cdf = exponential_cdf,
	.sf = exponential_sf,
	.fit = exponential_fit,
};
