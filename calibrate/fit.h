/* fit.h - maximum-likelihood fits of measured histograms, AIC choice, KS.
 *
 * Family-independent: the families fitted are those of the built-in
 * registry (sim/dist_family.h, sim/dist_registry.c) whose table has a fit
 * hook - today normal, lognormal, gamma, exponential, weibull - with their
 * parameters as sim/dist.h writes them (ns for durations).  Each family's
 * fit lives in its own file (sim/dist_NAME.c); this module prepares the
 * data, runs every fit, and ranks them.
 *
 * Data are histograms (chist.h): what the kernel measured is counts per
 * bin, so the likelihood is the multinomial one of the bins,
 *   log L = sum_i c_i log(F(b_i) - F(a_i))  (+ overflow x log(1 - F(top))),
 * maximised with GSL's Nelder-Mead simplex (sim/dist_mle.c) over
 * log-parameters (so scales stay positive), started from moment estimates
 * and restarted once from its own optimum.  Binned MLE is exact for what
 * was recorded; it needs no bin midpoints, so coarse or uneven bins (after
 * a baseline shift) do not bias it.  Empty bins cost nothing, so the work
 * is proportional to the non-empty bins; histograms are coarsened to
 * FIT_MAX_BINS bins first (pairwise merges) to bound it, and the reported
 * likelihood is that of the full-resolution histogram.
 *
 * Model choice: AIC = 2k - 2 log L (k = the family's parameter count),
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
#include "sim/dist_family.h"

#define FIT_MAX_FAMILIES 16  /* room for every fitted family (fit_all) */
#define FIT_MAX_BINS 256     /* fits run on at most this many bins */
#define FIT_MIN_COUNT 20     /* fewer values: no fit */

struct fit_result {
	const struct dist_family *family;
	int ok;                  /* 1 when fitted */
	int np;                  /* parameters (family->np) */
	double p[DIST_MAX_PARAMS];  /* family->param order; ns for durations */
	double loglik;           /* binned log-likelihood at the optimum */
	double aic;
	double ks;               /* KS distance to the histogram */
	size_t evals;            /* likelihood evaluations used */
};

/* Fit one family (it must have a fit hook).  0, or -1 with r->ok = 0. */
int fit_family(const struct chist *h, const struct dist_family *f,
	       struct fit_result *r);
/* Number of families fit_all() fits (built-ins with a fit hook). */
int fit_count(void);
/* Position of f among those families (registry order: normal 0,
 * lognormal 1, gamma 2, exponential 3, weibull 4 - the figures' colours),
 * or -1. */
int fit_family_index(const struct dist_family *f);
/* Fit every such family; out[0..fit_count()) sorted best (smallest AIC)
 * first, failed fits last.  Returns the number fitted. */
int fit_all(const struct chist *h, struct fit_result out[FIT_MAX_FAMILIES]);
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
/* Whether parameter i of a fitted family is a duration (ns), as in sim/dist.h's
 * mapping form ({dist: gamma, shape: 2, scale: 40ns}); names are
 * family->param[i].name. */
int fit_param_is_duration(const struct dist_family *f, int i);
/* Mean of the fitted distribution (ns). */
double fit_mean(const struct fit_result *r);

#endif
