/* dist_gamma.c - gamma(shape, scale): gsl_ran_gamma; shape a plain number. */
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include "sim/dist_family.h"

extern const struct dist_family dist_family_gamma;

static double gamma_sample(const double *p, gsl_rng *r)
{
	return gsl_ran_gamma(r, p[0], p[1]);
}

static double gamma_mean(const double *p)
{
	return p[0] * p[1];
}

static double gamma_var(const double *p)
{
	return p[0] * p[1] * p[1];
}

static double gamma_pdf(const double *p, double x)
{
	return x > 0 ? gsl_ran_gamma_pdf(x, p[0], p[1]) : 0;
}

static double gamma_cdf(const double *p, double x)
{
	return x > 0 ? gsl_cdf_gamma_P(x, p[0], p[1]) : 0;
}

static double gamma_sf(const double *p, double x)
{
	return x > 0 ? gsl_cdf_gamma_Q(x, p[0], p[1]) : 1;
}

/* Start from the method of moments: shape m^2/v, scale v/m. */
static int gamma_fit(const struct dist_hist *h, double *p, double *loglik,
		     size_t *evals)
{
	double m, sd, lm, lsd;
	dist_hist_moments(h, &m, &sd, &lm, &lsd);
	double start[2] = { m * m / (sd * sd), sd * sd / m };
	return dist_mle_binned(&dist_family_gamma, h, start, p, loglik, evals);
}

const struct dist_family dist_family_gamma = {
	.name = "gamma",
	.np = 2,
	.param = { { "shape", DIST_P_PLAIN, DIST_R_POS },
		   { "scale", 0, DIST_R_POS } },
	.sample = gamma_sample,
	.mean = gamma_mean,
	.var = gamma_var,
	.pdf = gamma_pdf,
	.cdf = gamma_cdf,
	.sf = gamma_sf,
	.fit = gamma_fit,
};
