/* dist_constant.c - constant(value): always the same value.  Written as the
 * bare value ("400ns"), and a bare value in a scenario parses as one. */
#include <math.h>
#include "sim/dist_family.h"

static double constant_sample(const double *p, gsl_rng *r)
{
	(void)r;   /* draws nothing: a constant consumes no random numbers */
	return p[0];
}

static double constant_mean(const double *p)
{
	return p[0];
}

static double constant_var(const double *p)
{
	(void)p;
	return 0.0;
}

static double constant_cdf(const double *p, double x)
{
	return x >= p[0] ? 1.0 : 0.0;
}

const struct dist_family dist_family_constant = {
	.name = "constant",
	.np = 1,
	.param = { { "value", 0, DIST_R_ANY } },
	.bare = 1,
	.sample = constant_sample,
	.mean = constant_mean,
	.var = constant_var,
	.cdf = constant_cdf,
};
