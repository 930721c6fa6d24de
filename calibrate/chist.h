/* chist.h - measured distributions on the user side: histograms with edges.
 *
 * A struct chist is what a calibration keeps of one measured quantity: bin
 * edges (ns, strictly increasing, n + 1 of them), counts (n, >= 0), the
 * count of values beyond the last edge (`overflow`, unbinned), and the exact
 * mean when the kernel summed the values (`mean`, NAN when unknown).  It
 * comes from the kernel's log-linear struct hist (hist.h) with the empty
 * bins at both ends trimmed, can be shifted (the empty-bracket baseline
 * subtracted), coarsened (for fitting), and is what fit.h fits and the
 * calibration file stores.
 *
 * Ownership: a chist owns its arrays; chist_fini() frees them (a zeroed
 * chist is fine).  Functions returning int give 0, or -1 on allocation
 * failure / bad arguments (nothing changed then).
 */
#ifndef BPFSIM_CALIB_CHIST_H
#define BPFSIM_CALIB_CHIST_H

#include <stddef.h>
#include <stdint.h>
#include "calibrate/hist.h"

struct chist {
	size_t n;          /* bins */
	double *edges;     /* n + 1 edges, ns */
	double *counts;    /* n counts */
	double overflow;   /* values >= edges[n] (position unknown) */
	double mean;       /* exact mean (ns) when known, else NAN */
};

/* Sum `b` into `a` bin by bin (per-CPU copies, or runs on the same grid). */
void hist_merge(struct hist *a, const struct hist *b);
/* Record value v (ns) as the kernel does (tests, user-side recording). */
void hist_record(struct hist *h, uint64_t v);
/* Values recorded (binned + overflow). */
uint64_t hist_count(const struct hist *h);

/* From the kernel grid, trimming empty bins at both ends.  An empty struct
 * hist gives n = 0.  mean = sum / binned count. */
int chist_from_hist(struct chist *c, const struct hist *h);
/* From explicit edges[n+1] and counts[n] (copied). */
int chist_from_arrays(struct chist *c, const double *edges,
		      const double *counts, size_t n, double overflow);
void chist_fini(struct chist *c);
int chist_copy(struct chist *dst, const struct chist *src);

/* Total weight (binned + overflow), and binned only. */
double chist_total(const struct chist *c);
double chist_binned(const struct chist *c);
/* The exact mean when known, else the bin-midpoint mean (overflow counted at
 * the top edge).  NAN when empty. */
double chist_mean(const struct chist *c);
/* Quantile q in [0, 1], linear inside bins; INFINITY inside the overflow,
 * NAN when empty. */
double chist_quantile(const struct chist *c, double q);

/* Subtract `delta` ns from every value (a baseline).  Bins that end at or
 * below 0 pile into the first bin reaching above 0, whose lower edge
 * becomes 0 (values are costs: never negative).  The exact mean, when
 * known, becomes max(mean - delta, 0). */
int chist_shift(struct chist *c, double delta);
/* Merge neighbouring bins pairwise until at most max_bins remain. */
int chist_coarsen(struct chist *c, size_t max_bins);

/* The tick of the clock that made a histogram of short durations, from
 * the spacing of its peaks among the unit-wide bins (values below
 * 2 HIST_SUB ns): a clock that advances in steps of q ns puts every
 * difference of two reads on a multiple of q (+-1).  Returns q >= 2, or 1
 * when no step shows (fewer than two peaks, or irregular spacing). */
unsigned chist_clock_tick(const struct chist *c);
/* Spread every bin's count uniformly over [lo - q/2, hi + q/2): a value
 * read from a clock ticking every q ns stands for an interval of q ns.
 * Keeps the total and (away from 0) the mean; the result is on the kernel's
 * log-linear edges (hist_edge), widened by q/2 at both ends and clipped at
 * 0.  No-op for q <= 1. */
int chist_spread(struct chist *c, unsigned q);

#endif
