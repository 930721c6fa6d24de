/* report.h - the runqslower model's metrics and windowed series.
 *
 * rq_metrics is the model's whole statement about its metrics: rq_report
 * fills them by position, in table order (SIM_CHECK on the count).
 * rq_series_cols names the SC_* columns of internal.h.  rq_steady
 * recomputes steady-state metrics after a warm-up cut (window sums;
 * quantiles from histogram marks).
 */
#ifndef BPFSIM_RUNQSLOWER_REPORT_H
#define BPFSIM_RUNQSLOWER_REPORT_H

#include "models/runqslower/internal.h"

extern const struct model_metric rq_metrics[];
extern const char *const rq_series_cols[SC_COUNT + 1];

/* The model's report(): closes the CPU time lines (conservation checked)
 * and the series levels, and writes metrics[i] for rq_metrics[i]. */
void rq_report(struct sim *s, void *state, double *metrics);
/* BPF / payload in one window (MSER-5's and the regime's observation). */
double rq_series_value(const struct stat_series *ser, size_t row);
/* The whole-run counters a warm-up cut subtracts (hmark values, in
 * rq_gather's order: hook runs and ns by hook, storage op times, output
 * ns, false reports, missed samples, failed updates, evictions, recursion
 * misses, spawn failures, pid wraps, migrations). */
#define RQ_NVALS (2 * RQ_HOOKS + SOP_COUNT + 9)
void rq_gather(void *state, double *out);
/* Steady-state metrics over series rows [first, nrows). */
void rq_steady(struct sim *s, void *state, const struct stat_series *ser,
	       size_t first, double *metrics);

#endif
