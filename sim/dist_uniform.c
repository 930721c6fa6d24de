/* dist_uniform.c - uniform(lo, hi): gsl_ran_flat on [lo, hi), lo <= hi. */
#include <stdio.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include "sim/dist_family.h"

extern const struct dist_family dist_family_uniform;

static int uniform_check(const double *p, enum dist_unit u, char *msg,
			 size_t size)
{
	char a[64], b[64];
	if (p[0] > p[1]) {
		snprintf(msg, size, "uniform: lo must be <= hi (got %s > %s)",
			 dist_param_format(&dist_family_uniform, u, 0, p[0], a,
					   sizeof(a)),
			 dist_param_format(&dist_family_uniform, u, 1, p[1], b,
					   sizeof(b)));
		return 0;
	}
	return -1;
}

static double uniform_sample(const double *p, gsl_rng *r)
{
	return gsl_ran_flat(r, p[0], p[1]);
}

static double uniform_mean(const double *p)
{
	return 0.5 * (p[0] + p[1]);
}

static double uniform_var(const double *p)
{
	return (p[1] - p[0]) * (p[1] - p[0]) / 12.0;
}

static double uniform_pdf(const double *p, double x)
{
	return gsl_ran_flat_pdf(x, p[0], p[1]);
}

static double uniform_cdf(const double *p, double x)
{
	return gsl_cdf_flat_P(x, p[0], p[1]);
}

static double uniform_sf(const double *p, double x)
{
	return gsl_cdf_flat_Q(x, p[0], p[1]);
}

const struct dist_family dist_family_uniform = {
	.name = "uniform",
	.np = 2,
	.param = { { "lo", 0, DIST_R_ANY }, { "hi", 0, DIST_R_ANY } },
	.check = uniform_check,
	.sample = uniform_sample,
	.mean = uniform_mean,
	.var = uniform_var,
	.pdf = uniform_pdf,
	.cdf = uniform_cdf,
	.sf = uniform_sf,
};
