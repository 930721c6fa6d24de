/* fit.h - maximum-likelihood fits of measured histograms (GSL).
 *
 * Families and parameters, as sim/dist.h writes them (ns for durations):
 *   normal(mean, sd)        lognormal(median, sigma)    gamma(shape, scale)
 *   exponential(mean)       weibull(scale, shape)
 * Data are histograms (chist.h): what the kernel measured is counts per
 * bin, so the likelihood is the multinomial one of the bins,
 *   log L = sum_i c_i log(F(b_i) - F(a_i))  (+ overflow x log(1 - F(top))),
 * maximised with GSL's Nelder-Mead simplex (gsl_multimin nmsimplex2) over
 * log-parameters (so scales stay positive), started from moment estimates
 * and restarted once from its own optimum.  Binned MLE is exact for what
 * was recorded; it needs no bin midpoints, so coarse or uneven bins (after
 * a baseline shift) do not bias it.  Empty bins cost nothing, so the work
 * is proportional to the non-empty bins; histograms are coarsened to
 * FIT_MAX_BINS bins first (pairwise merges) to bound it.
 *
 * Model choice: AIC = 2k - 2 log L (k = 1 for exponential, 2 otherwise),
 * smallest wins.  Goodness of fit: KS distance = max over the bin edges of
 * |F_empirical - F_fit| (the supremum the binned data can show).
 *
 * fit_* functions never call the GSL error handler path that aborts; they
 * return -1 (and ok = 0) when a family cannot be fitted (too few values,
 * non-finite likelihood).
 */
#ifndef BPFSIM_CALIB_FIT_H
#define BPFSIM_CALIB_FIT_H

#include <stddef.h>
#include "calibrate/chist.h"

enum fit_family {
	FIT_NORMAL, FIT_LOGNORMAL, FIT_GAMMA, FIT_EXPONENTIAL, FIT_WEIBULL,
	FIT_NFAMILIES
};

#define FIT_MAX_BINS 256     /* fits run on at most this many bins */
#define FIT_MIN_COUNT 20     /* fewer values: no fit */

struct fit_result {
	enum fit_family family;
	int ok;                  /* 1 when fitted */
	int np;                  /* parameters (1 or 2) */
	double p[2];             /* in the order above; ns for durations */
	double loglik;           /* binned log-likelihood at the optimum */
	double aic;
	double ks;               /* KS distance to the histogram */
	size_t evals;            /* likelihood evaluations used */
};

/* Family name as sim/dist.h spells the kind ("lognormal"). */
const char *fit_family_name(enum fit_family f);
/* Fit one family.  0, or -1 with r->ok = 0. */
int fit_family(const struct chist *h, enum fit_family f, struct fit_result *r);
/* Fit every family; out[] sorted best (smallest AIC) first, failed fits
 * last.  Returns the number fitted. */
int fit_all(const struct chist *h, struct fit_result out[FIT_NFAMILIES]);
/* The fitted CDF at x (ns). */
double fit_cdf(const struct fit_result *r, double x);
/* KS distance between h and a fitted distribution. */
double fit_ks(const struct chist *h, const struct fit_result *r);
/* Text form for a scenario: "lognormal(80.1ns, 0.31)" (6 significant
 * digits).  Returns buf. */
char *fit_format(const struct fit_result *r, char *buf, size_t size);
/* A duration in ns as text with `digits` significant digits in the
 * largest unit that keeps it >= 1 ("43.1677us"); sim/units.h parses it.
 * Returns buf. */
char *fit_format_ns(double ns, int digits, char *buf, size_t size);
/* Parameter names and whether each is a duration (ns) or a plain number,
 * in sim/dist.h's mapping form ({dist: gamma, shape: 2, scale: 40ns}). */
const char *fit_param_name(enum fit_family f, int i);
int fit_param_is_duration(enum fit_family f, int i);
/* Mean of the fitted distribution (ns). */
double fit_mean(const struct fit_result *r);

#endif
