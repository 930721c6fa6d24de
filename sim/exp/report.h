/* report.h - summaries of one scenario point: strategies x replications.
 *
 * Input: the finished runner jobs of a point, laid out strategy-major
 * (jobs[s * reps + r]); replication r of every strategy used the same seed,
 * so differences between strategies are paired (common random numbers).
 * Output: per strategy and metric, mean, sd and 95% t-based CI over the
 * replications that completed or were capped (failed ones are left out and
 * counted); per strategy s > 0 and metric, the CI of the paired difference
 * (strategy s - strategy 0) over the replications both have.
 *
 * Writers: a readable table, summary.json, replications.csv and a summary CSV.
 * None of them prints wall times, so equal inputs give equal bytes.
 */
#ifndef BPFSIM_REPORT_H
#define BPFSIM_REPORT_H

#include <stdio.h>
#include "sim/exp/runner.h"
#include "sim/exp/scenario.h"
#include "sim/stats.h"

struct report {
	const struct scenario *sc;
	const struct model *model;
	size_t nstrat, nreps, nmetrics;
	struct runner_job *jobs;          /* borrowed, nstrat * nreps */
	struct runner_job *owned_jobs;    /* freed by report_fini (a shallow
					     copy laid out for it), or NULL */
	struct stat_summary *sum;         /* nstrat * nmetrics */
	struct stat_summary *diff;        /* nstrat * nmetrics (row 0 unused) */
	size_t *ndone, *ncapped, *nfailed;/* per strategy */
	int interrupted;                  /* some jobs never ran */
	double *cut_mean;                 /* per strategy: mean warm-up cut, ns */
	size_t *regimes;                  /* nstrat x (REGIME_COUNT + 1) counts */
	size_t *ntransient;               /* per strategy: replications that end
					     inside a transient (steady.h) */
	unsigned *tr_up, *tr_down;        /* per strategy: STEADY_TR_* bits seen
					     rising / falling */
	const char *provenance;           /* borrowed JSON object text, or NULL
					     (then summary.json has none) */
};

/* Summarise; returns 0 or -1 on allocation failure. */
int report_build(struct report *r, const struct scenario *sc,
		 struct runner_job *jobs, size_t nstrat, size_t nreps);
void report_fini(struct report *r);

/* Human table: metric, unit, mean +- CI half-width per strategy, then the
 * paired differences when there are several strategies. */
void report_print_table(const struct report *r, FILE *f);
void report_write_json(const struct report *r, FILE *f);
/* After summary.json's (and capacity.json's) "bpfsim" key:
 * ",\n  \"format_version\": N" and, when provenance is not NULL,
 * ",\n  \"provenance\": " with that text (one line: provenance.h). */
void report_json_head(FILE *f, const char *provenance);
/* One row per strategy x replication: status, events, every metric. */
void report_write_replications_csv(const struct report *r, FILE *f);
/* Windowed series of the jobs that kept one: strategy, replication,
 * window start (ns), the model's columns (time integrals "*_avg" divided by
 * the window: mean levels), then the model's per-window value. */
void report_write_series_csv(const struct report *r, FILE *f);
/* The same with a leading column `col` = `value` on every row (NULL: none)
 * and the header only when `header` is set (sweeps write point by point). */
void report_write_series_csv_prefixed(const struct report *r, FILE *f,
				      const char *col, const char *value,
				      int header);
/* The most frequent regime among strategy s's replications (ties: the
 * more severe), or REGIME_UNKNOWN when none was classified. */
int report_regime(const struct report *r, size_t s);
/* Strategy s's transient reasons joined by ", " into buf ("" if none). */
void report_transient_reasons(const struct report *r, size_t s, char *buf,
			      size_t size);
/* Helpers shared with the sweep writers. */
const char *report_strategy_label(const struct report *r, size_t s);
/* {"n": .., "mean": .., "sd": .., "ci_low": .., "ci_high": ..} */
void report_json_summary(FILE *f, const struct stat_summary *su);
/* done, capped, failed or not_run */
const char *report_status_name(const struct runner_job *j);
/* One row per strategy x metric: mean, sd, ci_low, ci_high, n. */
void report_write_summary_csv(const struct report *r, FILE *f);

#endif
