/* dist_family.h - one table per distribution family, and their registry.
 *
 * A family ("gamma") is everything bpfsim knows about one parametric
 * distribution, in one const table: its name and parameters (names, whether
 * each is a duration or a plain number, its allowed range), how to check,
 * sample, describe (mean, variance, pdf, CDF) and fit it.  sim/dist.c parses
 * and prints every family from the table alone; calibrate/fit.c fits every
 * family whose table has a fit hook, and plots/ draws fitted CDFs through it.
 *
 * Adding a family = one new file sim/dist_NAME.c defining
 *     const struct dist_family dist_family_NAME = { ... };
 * plus one line X(NAME) in the registry (sim/dist_registry.c).  Nothing else
 * names families: no switch over families exists anywhere.  Tests (or any
 * caller) can parse with their own registry (dist_parse_with()), so a family
 * can also be added without touching the built-in list.
 *
 * Special forms: `empirical` (histogram edges/counts) and `mixture`
 * (weighted components) have list parameters and live in sim/dist.c itself;
 * their tables only carry the name and mapping keys (np = DIST_LIST_PARAMS,
 * every hook NULL) so that lookups, suggestions and dist_kind() see them.
 *
 * Parameters are in the order the text form takes them ("gamma(shape,
 * scale)").  A parameter without DIST_P_PLAIN is in the distribution's unit:
 * nanoseconds for a DIST_DURATION distribution (written with a unit), a plain
 * number for a DIST_NUMBER one.  Hooks take the parameter array p[] in that
 * order; they are only ever called with parameters that passed the checks
 * (finite, in range, the family's check hook), so they need not re-check.
 *
 * Fitting works on binned data (struct dist_hist): the likelihood of counts
 * per bin, log L = sum c_i log(F(b_i) - F(a_i)) (+ overflow), which is what
 * the kernel's histograms record.  dist_mle_binned() is the shared binned
 * maximum-likelihood engine (GSL Nelder-Mead over log-parameters) a family's
 * fit hook calls with its own starting point; see calibrate/fit.h for the
 * AIC choice and KS distance built on it.
 *
 * All tables are immutable; nothing here holds mutable state.
 */
#ifndef BPFSIM_DIST_FAMILY_H
#define BPFSIM_DIST_FAMILY_H

#include <stddef.h>
#include <gsl/gsl_rng.h>
#include "sim/dist.h"

#define DIST_MAX_PARAMS 2        /* scalar parameters of any family */
#define DIST_LIST_PARAMS (-1)    /* np of a special form (mapping only) */

/* Parameter flags. */
#define DIST_P_PLAIN  1u         /* always a plain number (shape, sigma) */

/* Allowed range of a parameter; also how the fitter moves it (ANY: as is;
 * the others: on the log scale, so it stays positive). */
enum dist_range { DIST_R_ANY, DIST_R_POS, DIST_R_NONNEG };

struct dist_param {
	const char *name;        /* "scale": text-form docs and mapping key */
	unsigned flags;          /* DIST_P_* */
	enum dist_range range;   /* checked by the parser and dist_new() */
};

/* Binned data, as measured: n bins [edges[i], edges[i+1]) with counts[i],
 * plus `overflow` values >= edges[n] whose position is unknown. */
struct dist_hist {
	size_t n;
	const double *edges;     /* n + 1, increasing */
	const double *counts;    /* n, >= 0 */
	double overflow;
};

struct dist_family {
	const char *name;        /* "gamma": text form and {dist: gamma} */
	int np;                  /* scalar parameters, or DIST_LIST_PARAMS */
	struct dist_param param[DIST_MAX_PARAMS];
	int bare;                /* 1: written as its bare value ("400ns"), and
				  * a bare value parses as this family */
	/* Cross-parameter rule after the per-parameter ones (uniform: lo <=
	 * hi), or NULL.  Returns the offending parameter's index with the
	 * message in msg ("uniform: lo must be <= hi (got ...)"), or -1. */
	int (*check)(const double *p, enum dist_unit u, char *msg, size_t size);
	/* One draw.  Must make exactly the GSL calls the family documents
	 * (golden outputs pin the stream). */
	double (*sample)(const double *p, gsl_rng *r);
	double (*mean)(const double *p);   /* INFINITY where it does not exist */
	double (*var)(const double *p);
	double (*pdf)(const double *p, double x);   /* NULL: not known */
	double (*cdf)(const double *p, double x);   /* P(X <= x); NULL: not known */
	double (*sf)(const double *p, double x);    /* P(X > x), precise in the
						     * tail; NULL: 1 - cdf */
	/* Maximum-likelihood fit to binned data, or NULL (not fitted by
	 * calibration).  Fills p[0..np) and *loglik (of h); counts likelihood
	 * evaluations into *evals.  0, or -1 when the family cannot be fitted
	 * to h.  Usually: a start point from dist_hist_moments(), then
	 * dist_mle_binned(). */
	int (*fit)(const struct dist_hist *h, double *p, double *loglik,
		   size_t *evals);
};

/* The built-in registry (sim/dist_registry.c), NULL-terminated, in the
 * order of enum dist_kind. */
extern const struct dist_family *const dist_families[];

/* Family called name[0..len) in reg (NULL: the built-in registry), or NULL. */
const struct dist_family *dist_family_find(const struct dist_family *const *reg,
					   const char *name, size_t len);
/* Number of families in reg (NULL: built-in). */
size_t dist_family_count(const struct dist_family *const *reg);
/* "a, b, c or d": the names of reg's families, those with a fit hook only
 * when fitted_only; returns buf (truncated to size). */
char *dist_family_list(const struct dist_family *const *reg, int fitted_only,
		       char *buf, size_t size);

/* Parameter i of f written as in the text form ("10ns" or "1.5"): shortest
 * text that reads back exactly.  Returns buf. */
char *dist_param_format(const struct dist_family *f, enum dist_unit u, int i,
			double v, char *buf, size_t size);
/* 1 when parameter i of f is a plain number under unit u. */
int dist_param_is_plain(const struct dist_family *f, enum dist_unit u, int i);

/* ---- fitting helpers for families' fit hooks (sim/dist_mle.c) --------- */

/* Weighted moments of the bin midpoints (m, sd) and of their logs (lm,
 * lsd), over non-empty bins; sd is at least the narrowest bin's width /
 * sqrt(12), lsd at least 0.01. */
void dist_hist_moments(const struct dist_hist *h, double *m, double *sd,
		       double *lm, double *lsd);
/* Binned log-likelihood of h under f with parameters p (cdf/sf hooks). */
double dist_hist_loglik(const struct dist_family *f, const struct dist_hist *h,
			const double *p);
/* P(a <= X < b) under f (b may be INFINITY), from the sf in the upper
 * half so tails keep their precision. */
double dist_family_prob(const struct dist_family *f, const double *p,
			double a, double b);
/* Binned MLE of f from start[] (which must be > 0 where the range is not
 * ANY, and finite): GSL nmsimplex2 over theta (log of every non-ANY
 * parameter), run twice (the second from the first's optimum).  p gets the
 * optimum, *loglik its log-likelihood of h.  0, or -1. */
int dist_mle_binned(const struct dist_family *f, const struct dist_hist *h,
		    const double *start, double *p, double *loglik,
		    size_t *evals);

#endif
