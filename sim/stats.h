/* stats.h - statistics collected during a run and across replications.
 *
 * Within a run:
 *   stat_tally   - observations (waits, costs): count, mean, variance, max
 *                  (Welford's update, the same arithmetic as gsl_rstat, so
 *                  the same bits), plus quantiles (p50, p99) when asked for,
 *                  from a log-linear histogram (sim/hist.h): relative error
 *                  < 2^-8 = 0.39% against the exact order statistic.
 *                  96 bytes inline, plus 58 KiB of bucket counts (heap)
 *                  with quantiles.
 *   stat_gauge   - a piecewise-constant quantity over simulated time (queue
 *                  length, map occupancy): time-weighted mean and max.
 *   stat_hist    - log-linear histogram (gsl_histogram) of non-negative
 *                  values: `sub` linear bins per power of two, for latency
 *                  and cost distributions.
 *   stat_series  - windowed series: one row per window of simulated time,
 *                  ncols columns each summed within the window (a model
 *                  divides as it needs, e.g. BPF / payload per window).
 * Across replications:
 *   stat_summarize - mean, sd and the 95% (or any level) confidence interval
 *                  from Student's t with n-1 degrees of freedom
 *                  (gsl_cdf_tdist_Pinv).  Apply it to paired differences for
 *                  comparisons under common random numbers.
 *
 * Units are whatever the caller feeds in (ns for times).  *_fini accept
 * zeroed structs.  Allocation failures return -1.
 */
#ifndef BPFSIM_STATS_H
#define BPFSIM_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_histogram.h>
#include "sim/check.h"
#include "sim/hist.h"

struct stat_tally {
	size_t n;
	double mean;       /* running mean (gsl_rstat's update) */
	double m2;         /* sum of squared deviations from the mean */
	double max;
	int quantiles;     /* p50 and p99 reported, from h */
	struct lhist h;     /* counts NULL unless quantiles */
};

/* with_quantiles: keep a histogram for p50/p99 (allocates 58 KiB; -1 when
 * out of memory).  Without, no allocation and init cannot fail. */
int stat_tally_init(struct stat_tally *t, int with_quantiles);
void stat_tally_fini(struct stat_tally *t);
void stat_tally_reset(struct stat_tally *t);
/* x must not be NaN; with quantiles it must be in [0, 2^64) and is rounded
 * to the nearest integer (ns) for the histogram only (SIM_CHECK). */
void stat_tally_add(struct stat_tally *t, double x);
size_t stat_tally_n(const struct stat_tally *t);
double stat_tally_mean(const struct stat_tally *t);   /* NAN when n = 0 */
double stat_tally_sd(const struct stat_tally *t);
double stat_tally_max(const struct stat_tally *t);
double stat_tally_sum(const struct stat_tally *t);
/* Histogram quantiles (lhist_quantile: nearest-rank order statistic of the
 * rounded samples, relative error < 2^-8).  NAN without quantiles or when
 * n = 0. */
double stat_tally_p50(const struct stat_tally *t);
double stat_tally_p99(const struct stat_tally *t);

struct stat_gauge {
	double value;      /* current level */
	uint64_t since;    /* time of last change, ns */
	uint64_t start;    /* time integration started, ns */
	double area;       /* integral of value dt, value*ns */
	double max;
};

void stat_gauge_init(struct stat_gauge *g, uint64_t now, double value);
/* Inline: models set a gauge on most events (M/M/c's busy servers). */
static inline void stat_gauge_set(struct stat_gauge *g, uint64_t now,
				  double value)
{
	SIM_CHECK(now >= g->since);
	/* The old level held over [since, now): close that rectangle. */
	g->area += g->value * (double)(now - g->since);
	g->since = now;
	g->value = value;
	if (value > g->max)
		g->max = value;
}
static inline void stat_gauge_add(struct stat_gauge *g, uint64_t now, double d)
{
	stat_gauge_set(g, now, g->value + d);
}
/* Restart the integration at `now` (warm-up cut), keeping the level. */
void stat_gauge_restart(struct stat_gauge *g, uint64_t now);
double stat_gauge_mean(const struct stat_gauge *g, uint64_t now);

struct stat_hist {
	gsl_histogram *h;
	double overflow;   /* count of values beyond the last bin */
};

/* Bins cover [0, 2^max_pow2) with `sub` linear bins per octave above `sub`
 * (values < sub get unit-width bins). */
int stat_hist_init(struct stat_hist *h, unsigned sub, unsigned max_pow2);
void stat_hist_fini(struct stat_hist *h);
void stat_hist_add(struct stat_hist *h, double x, double weight);
/* Add b's counts into a (same binning required; returns -1 otherwise). */
int stat_hist_merge(struct stat_hist *a, const struct stat_hist *b);
double stat_hist_total(const struct stat_hist *h);
double stat_hist_mean(const struct stat_hist *h);
double stat_hist_quantile(const struct stat_hist *h, double q);

struct stat_series {
	uint64_t window;   /* ns */
	size_t ncols;
	size_t nrows, cap; /* completed rows */
	double *rows;      /* nrows x ncols, row-major */
	double *cur;       /* the open window */
	uint64_t cur_start;
	size_t max_rows;   /* 0 = unbounded; beyond it rows are not kept */
};

int stat_series_init(struct stat_series *s, uint64_t window, size_t ncols,
		     size_t max_rows);
void stat_series_fini(struct stat_series *s);
/* Close every window that ended at or before `now` (empty windows give rows of
 * zeros).  Call before adding values observed at `now`. */
int stat_series_advance(struct stat_series *s, uint64_t now);
static inline void stat_series_add(struct stat_series *s, size_t col, double v)
{
	s->cur[col] += v;
}
/* Add `amount` to column col spread over [a, b) in proportion to each
 * window's overlap (a zero-length interval goes to a's window).  Windows
 * before the open one are completed rows and are updated in place; the
 * interval must end by the open window's end (b <= cur_start + window) and
 * rows beyond max_rows are not kept.  For quantities that accrue over time:
 * CPU time by kind, or a level x duration for time-weighted means. */
void stat_series_spread(struct stat_series *s, size_t col, uint64_t a,
			uint64_t b, double amount);
/* Row i's value in column c. */
static inline double stat_series_get(const struct stat_series *s, size_t i,
				     size_t c)
{
	return s->rows[i * s->ncols + c];
}

struct stat_summary {
	size_t n;
	double mean, sd;
	double half;       /* CI half-width (NAN when n < 2) */
	double lo, hi;     /* mean -/+ half */
};

/* Summary of x[0..n) with a two-sided `level` CI (0.95).  Non-finite values
 * make the summary NAN. */
void stat_summarize(const double *x, size_t n, double level,
		    struct stat_summary *out);

#endif
