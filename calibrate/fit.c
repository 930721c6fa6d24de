/* fit.c - binned maximum-likelihood fits, AIC choice, KS distance.
 *
 * Why binned: the kernel keeps counts per bin, not values, so the exact
 * likelihood of what was measured is the multinomial one over bins (fit.h).
 * Each evaluation costs one CDF call per edge of a non-empty bin; with at
 * most FIT_MAX_BINS bins and a few hundred simplex steps a fit takes
 * milliseconds, the gamma family (incomplete gamma function) the longest.
 *
 * The normal family is fitted as it is, not truncated at 0: the mass it
 * puts below 0 (where no cost can be) lowers its likelihood, so AIC picks
 * a normal only for bell-shaped data well clear of 0 - where the redraw of
 * negative values that scenario durations do (dist.h) changes nothing.  (A
 * normal truncated at 0 with a mean far below 0 would mimic an exponential
 * and win AIC contests it should not.)
 *
 * Probabilities of upper bins are taken from the survival function (Q)
 * rather than 1 - P, so tails keep their precision.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_sf_gamma.h>

#include "calibrate/fit.h"

#define LOG_TINY (-690.7755278982137)   /* log(1e-300): an impossible bin */

static const char *const family_names[FIT_NFAMILIES] = {
	"normal", "lognormal", "gamma", "exponential", "weibull",
};
static const char *const pnames[FIT_NFAMILIES][2] = {
	{ "mean", "sd" }, { "median", "sigma" }, { "shape", "scale" },
	{ "mean", NULL }, { "scale", "shape" },
};
static const int pdur[FIT_NFAMILIES][2] = {
	{ 1, 1 }, { 1, 0 }, { 0, 1 }, { 1, 0 }, { 1, 0 },
};

const char *fit_family_name(enum fit_family f)
{
	return (unsigned)f < FIT_NFAMILIES ? family_names[f] : "?";
}

const char *fit_param_name(enum fit_family f, int i)
{
	return (unsigned)f < FIT_NFAMILIES && (i == 0 || i == 1) ? pnames[f][i]
								 : NULL;
}

int fit_param_is_duration(enum fit_family f, int i)
{
	return (unsigned)f < FIT_NFAMILIES && (i == 0 || i == 1) && pdur[f][i];
}

/* ---- the distributions' CDFs in natural parameters --------------------- */

static double cdf_p(enum fit_family f, const double *p, double x)
{
	if (f != FIT_NORMAL && x <= 0)
		return 0;
	switch (f) {
	case FIT_NORMAL:      return gsl_cdf_gaussian_P(x - p[0], p[1]);
	case FIT_LOGNORMAL:   return gsl_cdf_lognormal_P(x, log(p[0]), p[1]);
	case FIT_GAMMA:       return gsl_cdf_gamma_P(x, p[0], p[1]);
	case FIT_EXPONENTIAL: return gsl_cdf_exponential_P(x, p[0]);
	case FIT_WEIBULL:     return gsl_cdf_weibull_P(x, p[0], p[1]);
	default:              return NAN;
	}
}

static double cdf_q(enum fit_family f, const double *p, double x)
{
	if (f != FIT_NORMAL && x <= 0)
		return 1;
	switch (f) {
	case FIT_NORMAL:      return gsl_cdf_gaussian_Q(x - p[0], p[1]);
	case FIT_LOGNORMAL:   return gsl_cdf_lognormal_Q(x, log(p[0]), p[1]);
	case FIT_GAMMA:       return gsl_cdf_gamma_Q(x, p[0], p[1]);
	case FIT_EXPONENTIAL: return gsl_cdf_exponential_Q(x, p[0]);
	case FIT_WEIBULL:     return gsl_cdf_weibull_Q(x, p[0], p[1]);
	default:              return NAN;
	}
}

/* Probability of [a, b) (b may be INFINITY), before truncation. */
static double bin_prob(enum fit_family f, const double *p, double a, double b)
{
	double pa = cdf_p(f, p, a);
	if (pa < 0.5)
		return (isinf(b) ? 1 : cdf_p(f, p, b)) - pa;
	return cdf_q(f, p, a) - (isinf(b) ? 0 : cdf_q(f, p, b));
}

double fit_cdf(const struct fit_result *r, double x)
{
	return cdf_p(r->family, r->p, x);
}

double fit_mean(const struct fit_result *r)
{
	const double *p = r->p;
	switch (r->family) {
	case FIT_NORMAL:      return p[0];
	case FIT_LOGNORMAL:   return p[0] * exp(0.5 * p[1] * p[1]);
	case FIT_GAMMA:       return p[0] * p[1];
	case FIT_EXPONENTIAL: return p[0];
	case FIT_WEIBULL:     return p[0] * gsl_sf_gamma(1 + 1 / p[1]);
	default:              return NAN;
	}
}

/* ---- parameters: natural <-> the optimiser's unconstrained space ------ */

static int nparams(enum fit_family f)
{
	return f == FIT_EXPONENTIAL ? 1 : 2;
}

static void to_natural(enum fit_family f, const double *t, double *p)
{
	switch (f) {
	case FIT_NORMAL:      p[0] = t[0]; p[1] = exp(t[1]); break;
	case FIT_LOGNORMAL:   p[0] = exp(t[0]); p[1] = exp(t[1]); break;
	case FIT_EXPONENTIAL: p[0] = exp(t[0]); p[1] = 0; break;
	default:              p[0] = exp(t[0]); p[1] = exp(t[1]); break;
	}
}

static void to_theta(enum fit_family f, const double *p, double *t)
{
	switch (f) {
	case FIT_NORMAL:      t[0] = p[0]; t[1] = log(p[1]); break;
	case FIT_EXPONENTIAL: t[0] = log(p[0]); t[1] = 0; break;
	default:              t[0] = log(p[0]); t[1] = log(p[1]); break;
	}
}

/* ---- likelihood -------------------------------------------------------- */

struct nll_ctx {
	const struct chist *h;
	enum fit_family f;
	size_t evals;
};

static double loglik(const struct chist *h, enum fit_family f,
		     const double *p)
{
	double ll = 0;
	if (!isfinite(p[0]) || !isfinite(p[1]))
		return -INFINITY;
	for (size_t i = 0; i < h->n; i++) {
		double c = h->counts[i];
		if (!(c > 0))
			continue;
		double pr = bin_prob(f, p, h->edges[i], h->edges[i + 1]);
		ll += c * (pr > 0 ? fmax(log(pr), LOG_TINY) : LOG_TINY);
	}
	if (h->overflow > 0) {
		double pr = bin_prob(f, p, h->edges[h->n], INFINITY);
		ll += h->overflow * (pr > 0 ? fmax(log(pr), LOG_TINY) : LOG_TINY);
	}
	return ll;
}

static double nll_f(const gsl_vector *v, void *arg)
{
	struct nll_ctx *c = arg;
	double t[2] = { gsl_vector_get(v, 0), 0 }, p[2];
	if (v->size > 1)
		t[1] = gsl_vector_get(v, 1);
	/* Keep the optimiser out of ranges where CDFs under/overflow. */
	if (fabs(t[1]) > 30 || (c->f != FIT_NORMAL && fabs(t[0]) > 60))
		return HUGE_VAL;
	to_natural(c->f, t, p);
	c->evals++;
	double ll = loglik(c->h, c->f, p);
	return isfinite(ll) ? -ll : HUGE_VAL;
}

/* Weighted moments of the bin midpoints, and of their logs. */
static void moments(const struct chist *h, double *m, double *sd, double *lm,
		    double *lsd)
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

static void start_point(const struct chist *h, enum fit_family f, double *p)
{
	double m, sd, lm, lsd, k;
	moments(h, &m, &sd, &lm, &lsd);
	switch (f) {
	case FIT_NORMAL:
		p[0] = m;
		p[1] = sd;
		break;
	case FIT_LOGNORMAL:
		p[0] = exp(lm);
		p[1] = lsd;
		break;
	case FIT_GAMMA:
		p[0] = m * m / (sd * sd);
		p[1] = sd * sd / m;
		break;
	case FIT_EXPONENTIAL:
		p[0] = m;
		p[1] = 0;
		break;
	case FIT_WEIBULL:
		/* Var(log X) = pi^2 / (6 k^2); E log X = log scale - gamma_E / k */
		k = M_PI / (sqrt(6.0) * lsd);
		p[1] = k;
		p[0] = exp(lm + 0.5772156649015329 / k);
		break;
	default:
		break;
	}
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
	if (ctx->f == FIT_NORMAL)
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

double fit_ks(const struct chist *h, const struct fit_result *r)
{
	double total = chist_total(h), cum = 0, d = 0;
	if (!(total > 0) || h->n == 0)
		return NAN;
	d = fabs(fit_cdf(r, h->edges[0]));
	for (size_t i = 0; i < h->n; i++) {
		cum += h->counts[i];
		double diff = fabs(cum / total - fit_cdf(r, h->edges[i + 1]));
		if (diff > d)
			d = diff;
	}
	return d;
}

int fit_family(const struct chist *h, enum fit_family f, struct fit_result *r)
{
	struct chist c = { 0 };
	double p[2], t[2] = { 0, 0 }, fval = HUGE_VAL;
	int np = nparams(f);

	memset(r, 0, sizeof(*r));
	r->family = f;
	r->np = np;
	r->aic = r->ks = NAN;
	r->loglik = -INFINITY;
	if ((unsigned)f >= FIT_NFAMILIES || h->n == 0 ||
	    chist_binned(h) < FIT_MIN_COUNT)
		return -1;
	if (chist_copy(&c, h) || chist_coarsen(&c, FIT_MAX_BINS)) {
		chist_fini(&c);
		return -1;
	}
	start_point(&c, f, p);
	if (!(p[0] > 0) || (np == 2 && !(p[1] > 0)) || !isfinite(p[0])) {
		chist_fini(&c);
		return -1;
	}
	to_theta(f, p, t);
	struct nll_ctx ctx = { &c, f, 0 };
	double step0 = 0.2 * p[1];
	/* Restart from the optimum: Nelder-Mead can stall on a collapsed
	 * simplex; a fresh one either confirms the point or moves on. */
	if (simplex(&ctx, np, t, step0, &fval) ||
	    simplex(&ctx, np, t, step0 > 0 ? 0.05 * exp(t[1]) : 1, &fval)) {
		r->evals = ctx.evals;
		chist_fini(&c);
		return -1;
	}
	to_natural(f, t, r->p);
	r->evals = ctx.evals;
	/* Report the likelihood of the full-resolution data. */
	r->loglik = loglik(h, f, r->p);
	chist_fini(&c);
	if (!isfinite(r->loglik))
		return -1;
	r->aic = 2.0 * np - 2.0 * r->loglik;
	r->ks = fit_ks(h, r);
	r->ok = 1;
	return 0;
}

static int by_aic(const void *a, const void *b)
{
	const struct fit_result *x = a, *y = b;
	if (x->ok != y->ok)
		return x->ok ? -1 : 1;
	if (!x->ok)
		return (int)x->family - (int)y->family;
	if (x->aic != y->aic)
		return x->aic < y->aic ? -1 : 1;
	return (int)x->family - (int)y->family;
}

int fit_all(const struct chist *h, struct fit_result out[FIT_NFAMILIES])
{
	int n = 0;
	for (int f = 0; f < FIT_NFAMILIES; f++)
		n += fit_family(h, (enum fit_family)f, &out[f]) == 0;
	qsort(out, FIT_NFAMILIES, sizeof(out[0]), by_aic);
	return n;
}

char *fit_format_ns(double ns, int digits, char *buf, size_t size)
{
	static const struct { double f; const char *u; } units[] = {
		{ 1e9, "s" }, { 1e6, "ms" }, { 1e3, "us" }, { 1, "ns" },
	};
	double a = fabs(ns);
	size_t i = 0;
	if (!isfinite(ns)) {
		snprintf(buf, size, "%s", isnan(ns) ? "nan" : "inf");
		return buf;
	}
	while (i < 3 && a < units[i].f)
		i++;
	if (ns == 0)
		i = 3;
	snprintf(buf, size, "%.*g%s", digits, ns / units[i].f, units[i].u);
	return buf;
}

char *fit_format(const struct fit_result *r, char *buf, size_t size)
{
	char a[2][48];
	for (int i = 0; i < r->np; i++) {
		if (fit_param_is_duration(r->family, i))
			fit_format_ns(r->p[i], 6, a[i], sizeof(a[i]));
		else
			snprintf(a[i], sizeof(a[i]), "%.6g", r->p[i]);
	}
	if (r->np == 1)
		snprintf(buf, size, "%s(%s)", fit_family_name(r->family), a[0]);
	else
		snprintf(buf, size, "%s(%s, %s)", fit_family_name(r->family),
			 a[0], a[1]);
	return buf;
}
