/* dist_pareto.c - pareto(shape, scale): gsl_ran_pareto, scale = minimum;
 * shape a plain number.  Mean infinite for shape <= 1, variance for <= 2.
 * Not fitted by calibration (costs have no hard minimum). */
#include <math.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include "sim/dist_family.h"

static double pareto_sample(const double *p, gsl_rng *r)
{
	return gsl_ran_pareto(r, p[0], p[1]);
}

static double pareto_mean(const double *p)
{
	return p[0] > 1 ? p[0] * p[1] / (p[0] - 1) : INFINITY;
}

static double pareto_var(const double *p)
{
	if (p[0] <= 2)
		return INFINITY;
	return p[1] * p[1] * p[0] / ((p[0] - 1) * (p[0] - 1) * (p[0] - 2));
}

static double pareto_pdf(const double *p, double x)
{
	return gsl_ran_pareto_pdf(x, p[0], p[1]);
}

static double pareto_cdf(const double *p, double x)
{
	return gsl_cdf_pareto_P(x, p[0], p[1]);
}

static double pareto_sf(const double *p, double x)
{
	return gsl_cdf_pareto_Q(x, p[0], p[1]);
}

const struct dist_family dist_family_pareto = {
	.name = "pareto",
	.np = 2,
	.param = { { "shape", DIST_P_PLAIN, DIST_R_POS },
		   { "scale", 0, DIST_R_POS } },
	.sample = pareto_sample,
	.mean = pareto_mean,
	.var = pareto_var,
	.pdf = pareto_pdf,
	.cdf = pareto_cdf,
	.sf = pareto_sf,
};
