/* regime.h - what a run's overhead did: converge, hold, oscillate, explode.
 *
 * The study behind bpfsim observed that, depending on the number of tasks
 * and their lifetime, BPF overhead either converges to nothing, balances
 * into a stable (or oscillating) state, or explodes.  regime_classify()
 * names that from a run's windowed series: the per-window overhead ratio
 * (BPF / payload) and the per-window mean backlog (runnable tasks waiting).
 *
 * Criteria, applied in this order to the final `tail` fraction of windows
 * (default the last half, so start-up transients do not count):
 *   exploding   the run hit a safety cap, or the backlog grows: its least-
 *               squares slope (gsl_fit_linear) is positive with t = slope /
 *               se(slope) >= trend_t, and it rises by at least `growth` x its
 *               tail-start level (and by >= 1 task) over the tail; or the
 *               overhead ratio grows the same way.
 *   converging  the overhead ratio in the final `final` fraction of windows
 *               averages at most `zero` (near zero: 0.001 = 0.1%) and does
 *               not rise over the tail (slope <= 0 or t < trend_t): the
 *               work runs out, or BPF's share of it vanishes.
 *   oscillating after removing the tail's linear trend, the overhead ratio's
 *               autocorrelation has a peak >= acf at some lag 2..n/3 (a
 *               repeating pattern) and its sd is >= amplitude x its mean.
 *   stable      none of the above: stationary and bounded.
 * Every threshold is a field of struct regime_params (scenario key
 * `regime:`), defaults in regime_defaults().
 */
#ifndef BPFSIM_REGIME_H
#define BPFSIM_REGIME_H

#include <stddef.h>

enum regime { REGIME_CONVERGING, REGIME_STABLE, REGIME_OSCILLATING,
	      REGIME_EXPLODING, REGIME_COUNT, REGIME_UNKNOWN = REGIME_COUNT };

extern const char *const regime_names[REGIME_COUNT + 1];

struct regime_params {
	double tail;       /* fraction of windows examined at the end (0.5) */
	double final;      /* fraction for "final windows" (0.1) */
	double trend_t;    /* t statistic of a significant trend (3) */
	double growth;     /* relative rise over the tail to call growth (0.5) */
	double zero;       /* near zero: final mean ratio <= zero (0.001) */
	double acf;        /* autocorrelation peak of an oscillation (0.3) */
	double amplitude;  /* oscillation sd / mean at least (0.05) */
	size_t min_windows;/* fewer windows: REGIME_UNKNOWN (20) */
};

void regime_defaults(struct regime_params *p);

/* Classify from ratio[0..n) and backlog[0..n) (per-window values; non-finite
 * ratios count as 0) and whether a cap ended the run. */
enum regime regime_classify(const struct regime_params *p, const double *ratio,
			    const double *backlog, size_t n, int capped);

/* Is y[0..n) still moving over its tail (the final p->tail fraction)?
 * +1 rising, -1 falling, 0 neither.  Moving: the least-squares line over
 * the tail has |t| >= p->trend_t and changes by at least `rel` x the tail's
 * mean level and by at least `min_abs` from its first to its last window.
 * Fewer than p->min_windows values: 0.  Non-finite values count as 0. */
int regime_trend(const struct regime_params *p, const double *y, size_t n,
		 double rel, double min_abs);

#endif
