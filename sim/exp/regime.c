/* regime.c - regime classification of a windowed series (see regime.h).
 *
 * Trends come from GSL's least-squares line fit, autocorrelation from
 * gsl_stats_correlation between the series and its lagged self.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_fit.h>
#include <gsl/gsl_statistics_double.h>

#include "sim/exp/regime.h"

const char *const regime_names[REGIME_COUNT + 1] = {
	"converging", "stable", "oscillating", "exploding", "unknown",
};

void regime_defaults(struct regime_params *p)
{
	p->tail = 0.5;
	p->final = 0.1;
	p->trend_t = 3.0;
	p->growth = 0.5;
	p->zero = 0.001;
	p->acf = 0.3;
	p->amplitude = 0.05;
	p->min_windows = 20;
}

struct trend {
	double slope, t;   /* per window; t = slope / se */
	double first, last;/* fitted values at both ends */
};

static struct trend fit(const double *y, size_t n)
{
	struct trend tr = { 0, 0, 0, 0 };
	double *x = malloc(n * sizeof(double));
	if (!x || n < 3) {
		free(x);
		return tr;
	}
	for (size_t i = 0; i < n; i++)
		x[i] = (double)i;
	double c0, c1, cov00, cov01, cov11, sumsq;
	gsl_fit_linear(x, 1, y, 1, n, &c0, &c1, &cov00, &cov01, &cov11, &sumsq);
	free(x);
	tr.slope = c1;
	double se = sqrt(cov11);
	tr.t = se > 0 ? c1 / se : (c1 > 0 ? INFINITY : c1 < 0 ? -INFINITY : 0);
	tr.first = c0;
	tr.last = c0 + c1 * (double)(n - 1);
	return tr;
}

/* A significant rise: positive slope, t >= trend_t, and a real rise. */
static int grows(const struct regime_params *p, const double *y, size_t n,
		 double min_rise)
{
	struct trend tr = fit(y, n);
	if (!(tr.slope > 0) || tr.t < p->trend_t)
		return 0;
	double rise = tr.last - tr.first;
	double base = fabs(tr.first) > 0 ? fabs(tr.first) : fabs(tr.last);
	return rise >= min_rise && rise >= p->growth * base;
}

static int oscillates(const struct regime_params *p, const double *y, size_t n)
{
	if (n < 8)
		return 0;
	double *d = malloc(n * sizeof(double));
	if (!d)
		return 0;
	struct trend tr = fit(y, n);
	double mean_raw = gsl_stats_mean(y, 1, n);
	for (size_t i = 0; i < n; i++)
		d[i] = y[i] - (tr.first + tr.slope * (double)i);
	double sd = gsl_stats_sd(d, 1, n);
	int found = 0;
	if (mean_raw > 0 && sd >= p->amplitude * mean_raw && sd > 0) {
		for (size_t lag = 2; lag <= n / 3 && !found; lag++) {
			double r = gsl_stats_correlation(d, 1, d + lag, 1, n - lag);
			/* A peak: higher than the neighbouring lags. */
			if (r >= p->acf) {
				double before = gsl_stats_correlation(d, 1, d + lag - 1, 1,
								      n - lag + 1);
				if (r >= before)
					found = 1;
			}
		}
	}
	free(d);
	return found;
}

enum regime regime_classify(const struct regime_params *p, const double *ratio,
			    const double *backlog, size_t n, int capped)
{
	if (capped)
		return REGIME_EXPLODING;
	if (n < p->min_windows)
		return REGIME_UNKNOWN;
	double *r = malloc(n * sizeof(double));
	if (!r)
		return REGIME_UNKNOWN;
	for (size_t i = 0; i < n; i++)
		r[i] = isfinite(ratio[i]) ? ratio[i] : 0;
	size_t nt = (size_t)ceil(p->tail * (double)n);
	if (nt < 3)
		nt = n < 3 ? n : 3;
	size_t t0 = n - nt;
	enum regime g;
	if ((backlog && grows(p, backlog + t0, nt, 1.0)) ||
	    grows(p, r + t0, nt, 0)) {
		g = REGIME_EXPLODING;
		goto out;
	}
	size_t nf = (size_t)ceil(p->final * (double)n);
	if (nf < 1)
		nf = 1;
	double fmean = gsl_stats_mean(r + n - nf, 1, nf);
	struct trend tr = fit(r + t0, nt);
	if (fmean <= p->zero && (tr.slope <= 0 || tr.t < p->trend_t)) {
		g = REGIME_CONVERGING;
		goto out;
	}
	g = oscillates(p, r + t0, nt) ? REGIME_OSCILLATING : REGIME_STABLE;
out:
	free(r);
	return g;
}

int regime_trend(const struct regime_params *p, const double *y, size_t n,
		 double rel, double min_abs)
{
	if (n < p->min_windows)
		return 0;
	size_t nt = (size_t)ceil(p->tail * (double)n);
	if (nt < 3)
		nt = 3;
	double *t = malloc(nt * sizeof(double));
	if (!t)
		return 0;
	for (size_t i = 0; i < nt; i++)
		t[i] = isfinite(y[n - nt + i]) ? y[n - nt + i] : 0;
	struct trend tr = fit(t, nt);
	double level = fabs(gsl_stats_mean(t, 1, nt));
	free(t);
	double change = tr.last - tr.first;
	if (fabs(tr.t) < p->trend_t || fabs(change) < min_abs ||
	    fabs(change) < rel * level)
		return 0;
	return change > 0 ? 1 : -1;
}
