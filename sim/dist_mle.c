/* dist_mle.c - binned maximum likelihood for any family with a CDF.
 *
 * Why binned: the kernel keeps counts per bin, not values, so the exact
 * likelihood of what was measured is the multinomial one over bins
 * (dist_family.h).  Each evaluation costs one CDF call per edge of a
 * non-empty bin; with a few hundred bins (calibrate/fit.c coarsens to
 * FIT_MAX_BINS) and a few hundred simplex steps a fit takes milliseconds,
 * the gamma family (incomplete gamma function) the longest.
 *
 * The optimiser works on theta: a parameter whose range is DIST_R_ANY (a
 * location such as normal's mean) as it is, every other one as its log, so
 * scales stay positive.  Guard rails keep it out of ranges where CDFs
 * under/overflow: |theta[1]| <= 30 and |theta[0]| <= 60 for parameters on
 * the log scale.  A location parameter's first step is 0.2 x the
 * second parameter (its spread), the restart's 0.05 x the fitted spread;
 * every other step is 0.2 in theta.
 *
 * Probabilities of upper bins are taken from the survival function (sf)
 * rather than 1 - P, so tails keep their precision.
 */
#include <math.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include "sim/dist_family.h"

#define LOG_TINY (-690.7755278982137)   /* log(1e-300): an impossible bin */

static double sf(const struct dist_family *f, const double *p, double x)
{
	return f->sf ? f->sf(p, x) : 1.0 - f->cdf(p, x);
}

double dist_family_prob(const struct dist_family *f, const double *p,
			double a, double b)
{
	double pa = f->cdf(p, a);
	if (pa < 0.5)
		return (isinf(b) ? 1 : f->cdf(p, b)) - pa;
	return sf(f, p, a) - (isinf(b) ? 0 : sf(f, p, b));
}

double dist_hist_loglik(const struct dist_family *f, const struct dist_hist *h,
			const double *p)
{
	double ll = 0;
	if (!isfinite(p[0]) || !isfinite(p[1]))
		return -INFINITY;
	for (size_t i = 0; i < h->n; i++) {
		double c = h->counts[i];
		if (!(c > 0))
			continue;
		double pr = dist_family_prob(f, p, h->edges[i], h->edges[i + 1]);
		ll += c * (pr > 0 ? fmax(log(pr), LOG_TINY) : LOG_TINY);
	}
	if (h->overflow > 0) {
		double pr = dist_family_prob(f, p, h->edges[h->n], INFINITY);
		ll += h->overflow * (pr > 0 ? fmax(log(pr), LOG_TINY) : LOG_TINY);
	}
	return ll;
}

void dist_hist_moments(const struct dist_hist *h, double *m, double *sd,
		       double *lm, double *lsd)
{
	double w = 0, s = 0, s2 = 0, l = 0, l2 = 0, minw = INFINITY;
	for (size_t i = 0; i < h->n; i++) {
		double c = h->counts[i];
		double a = h->edges[i], b = h->edges[i + 1];
		double x = 0.5 * (a + b), lx = log(x > 0 ? x : 0.5);
		if (b - a < minw)
			minw = b - a;
		if (!(c > 0))
			continue;
		w += c;
		s += c * x;
		s2 += c * x * x;
		l += c * lx;
		l2 += c * lx * lx;
	}
	*m = s / w;
	*sd = sqrt(fmax(s2 / w - *m * *m, minw * minw / 12));
	*lm = l / w;
	*lsd = sqrt(fmax(l2 / w - *lm * *lm, 1e-4));
}

/* ---- parameters: natural <-> the optimiser's unconstrained space ------ */

static int on_log(const struct dist_family *f, int i)
{
	return f->param[i].range != DIST_R_ANY;
}

static void to_natural(const struct dist_family *f, const double *t, double *p)
{
	p[1] = 0;
	for (int i = 0; i < f->np; i++)
		p[i] = on_log(f, i) ? exp(t[i]) : t[i];
}

static void to_theta(const struct dist_family *f, const double *p, double *t)
{
	t[1] = 0;
	for (int i = 0; i < f->np; i++)
		t[i] = on_log(f, i) ? log(p[i]) : p[i];
}

struct nll_ctx {
	const struct dist_hist *h;
	const struct dist_family *f;
	size_t evals;
};

static double nll_f(const gsl_vector *v, void *arg)
{
	struct nll_ctx *c = arg;
	double t[2] = { gsl_vector_get(v, 0), 0 }, p[2];
	if (v->size > 1)
		t[1] = gsl_vector_get(v, 1);
	if ((c->f->np > 1 && on_log(c->f, 1) && fabs(t[1]) > 30) ||
	    (on_log(c->f, 0) && fabs(t[0]) > 60))
		return HUGE_VAL;
	to_natural(c->f, t, p);
	c->evals++;
	double ll = dist_hist_loglik(c->f, c->h, p);
	return isfinite(ll) ? -ll : HUGE_VAL;
}

/* One Nelder-Mead run from theta t (updated in place).  0 or -1. */
static int simplex(struct nll_ctx *ctx, int np, double *t, double step0,
		   double *fval)
{
	const gsl_multimin_fminimizer_type *T =
		gsl_multimin_fminimizer_nmsimplex2;
	gsl_multimin_fminimizer *s = gsl_multimin_fminimizer_alloc(T, (size_t)np);
	gsl_vector *x = gsl_vector_alloc((size_t)np);
	gsl_vector *step = gsl_vector_alloc((size_t)np);
	gsl_multimin_function fn = { nll_f, (size_t)np, ctx };
	int rc = -1;

	if (!s || !x || !step)
		goto cleanup;
	for (int i = 0; i < np; i++) {
		gsl_vector_set(x, (size_t)i, t[i]);
		gsl_vector_set(step, (size_t)i, 0.2);
	}
	if (!on_log(ctx->f, 0))
		gsl_vector_set(step, 0, step0);
	if (gsl_multimin_fminimizer_set(s, &fn, x, step) != GSL_SUCCESS)
		goto cleanup;
	for (int it = 0; it < 2000; it++) {
		if (gsl_multimin_fminimizer_iterate(s) != GSL_SUCCESS)
			break;
		if (gsl_multimin_test_size(gsl_multimin_fminimizer_size(s),
					   1e-9) == GSL_SUCCESS)
			break;
	}
	for (int i = 0; i < np; i++)
		t[i] = gsl_vector_get(s->x, (size_t)i);
	*fval = s->fval;
	rc = isfinite(s->fval) ? 0 : -1;
cleanup:
	gsl_vector_free(step);
	gsl_vector_free(x);
	gsl_multimin_fminimizer_free(s);
	return rc;
}

int dist_mle_binned(const struct dist_family *f, const struct dist_hist *h,
		    const double *start, double *p, double *loglik,
		    size_t *evals)
{
	double t[2] = { 0, 0 }, fval = HUGE_VAL;
	double p0[2] = { start[0], f->np == 2 ? start[1] : 0 };
	int np = f->np;

	if (!(p0[0] > 0) || (np == 2 && !(p0[1] > 0)) || !isfinite(p0[0]))
		return -1;
	to_theta(f, p0, t);
	struct nll_ctx ctx = { h, f, 0 };
	double step0 = 0.2 * p0[1];
	/* Restart from the optimum: Nelder-Mead can stall on a collapsed
	 * simplex; a fresh one either confirms the point or moves on. */
	int rc = simplex(&ctx, np, t, step0, &fval) ||
		 simplex(&ctx, np, t, step0 > 0 ? 0.05 * exp(t[1]) : 1, &fval);
	*evals += ctx.evals;
	if (rc)
		return -1;
	to_natural(f, t, p);
	*loglik = dist_hist_loglik(f, h, p);
	return isfinite(*loglik) ? 0 : -1;
}
