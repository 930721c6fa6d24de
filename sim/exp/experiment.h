/* experiment.h - points x strategies x replications: the one job engine
 * behind run, compare, sweep, phase, capacity and validate's simulations.
 *
 * An experiment holds a base scenario (what scenario.resolved.yaml says)
 * and points derived from it (scenario_derive: the file is read once).
 * Each (point, strategy) cell holds its replications as runner jobs; job
 * (p, s, r) runs replication r with seed (scenario seed, r) - the same at
 * every point and for every strategy (common random numbers: paired
 * differences between strategies, smooth curves along an axis).  Results
 * land in their job's slot, so every output is a pure function of the job
 * results: byte-identical whatever the thread count, the MPI rank count,
 * the shard split, or a resume.
 *
 * Points may be added at any time (capacity adds one per probe); cells
 * may hold any number of replications (0: the strategy does not run
 * there), grown by run-length control (`precision:`) after each round.
 *
 * The job file (jobs.csv, job_series.csv; exp_write_jobs, exp_read_jobs)
 * holds every job's exact result and is what shards write, `merge`
 * combines and `--resume` reads back.  A job cut short by a signal is not
 * a result: it is recorded as not run, so a resume runs it again.
 *
 * Ownership: the experiment owns its scenarios, cells, jobs and their
 * metric arrays; exp_fini frees everything.  Errors: err statuses (ERR_INPUT
 * for a job file that does not belong, ERR_RUNTIME for out of memory).
 */
#ifndef BPFSIM_EXPERIMENT_H
#define BPFSIM_EXPERIMENT_H

#include <stddef.h>
#include <stdio.h>
#include "sim/err.h"
#include "sim/exp/runner.h"
#include "sim/exp/scenario.h"

struct exp_cell {                  /* one point x strategy */
	size_t nreps, cap;
	struct runner_job *jobs;   /* jobs[r]: replication r (metrics owned) */
};

struct exp_saved;                  /* job results read from files, not yet
				      placed (their point may come later) */

struct experiment {
	struct scenario *base;     /* owned */
	size_t np, ns, nm;         /* points, strategies, metrics */
	size_t capp;
	struct scenario **pts;     /* owned, per point */
	char **settings;           /* owned, per point: its settings joined by
				      spaces ("" for the base): its identity
				      in job files */
	struct exp_cell *cells;    /* np x ns */
	struct exp_saved *saved;
	int keep_series;           /* replication 0 keeps its series (1) */
	int interrupted;           /* set by exp_run when a signal cut it */
	char *provenance;          /* owned, or NULL: summary.json's
				      "provenance" object (one line of JSON,
				      set by the command layer when it writes
				      the folder's resolved scenario) */
};

/* Job (p, s, r) has run (j->done 0: a signal cut it short).  Called from
 * worker threads as jobs finish (under MPI: on rank 0 as results arrive),
 * before the results are copied into the cells: the callee locks what it
 * shares and must not touch x's cells. */
typedef void (*exp_job_fn)(void *ctx, size_t p, size_t s, size_t r,
			   const struct runner_job *j);

/* How to run: threads (0 = all cores), share i of n (1-based; n = 0: all
 * jobs), the caller's signal flag (NULL: none), a progress callback, a
 * callback per finished job (NULL: none; the journal, journal.h). */
struct exp_run_opts {
	unsigned threads;
	unsigned shard_i, shard_n;
	volatile int *interrupt;
	runner_progress_fn progress;
	void *progress_ctx;
	runner_tick_fn tick;       /* about once a second (runner.h); NULL:
				      none (nor under MPI) */
	void *tick_ctx;
	exp_job_fn on_job;
	void *on_job_ctx;
};

/* Start an experiment on base (owned from here on, even on failure). */
int exp_init(struct experiment *x, struct scenario *base, struct err *e);
void exp_fini(struct experiment *x);

/* Add a point: base with sets[0..n) on top (scenario_derive, with base's
 * strategies).  *p = its index.  A point's first cells are empty. */
int exp_add_point(struct experiment *x, const char *const *sets, size_t n,
		  size_t *p, struct err *e);
/* Add the base as its only point (run, compare). */
int exp_add_base_point(struct experiment *x, struct err *e);

struct exp_cell *exp_cell(struct experiment *x, size_t p, size_t s);
/* Grow cell (p, s) to n replications (new jobs not yet run; replication 0
 * keeps its windowed series).  Jobs already saved for it are placed. */
int exp_grow(struct experiment *x, size_t p, size_t s, size_t n,
	     struct err *e);
/* Every cell to its point's scenario's replications. */
int exp_grow_all(struct experiment *x, struct err *e);

size_t exp_jobs(const struct experiment *x);          /* run or not */
int exp_incomplete(const struct experiment *x);       /* a job not run */
/* Strategy label of s ("value" for models without strategies). */
const char *exp_strategy(const struct experiment *x, size_t s);

struct report;
/* Summarise point p: its cells laid out strategy-major (a shallow copy the
 * report owns; report_fini frees it), over the smallest cell's
 * replications.  0, or -1 when out of memory (nothing to fini). */
int exp_point_report(struct experiment *x, size_t p, struct report *rep);

/* Run every job not run yet, in job order (under MPI: over the ranks);
 * with a shard, only share i of n by global job index. */
int exp_run_pending(struct experiment *x, const struct exp_run_opts *o,
		    struct err *e);
/* Rounds: run what is pending, then grow the points whose `precision:`
 * metric CI is still wider than asked (every strategy, keeping the pairs)
 * and run again, until none grows.  Sharded runs stop after one round.
 * Sets x->interrupted when the signal flag cut some job. */
int exp_run(struct experiment *x, const struct exp_run_opts *o,
	    struct err *e);

/* ---- the job file (jobs.csv, job_series.csv) --------------------------- */

/* Write every job (only_done: the ones that ran) / every kept series. */
void exp_write_jobs(struct experiment *x, FILE *f, int only_done);
void exp_write_job_series(struct experiment *x, FILE *f);
/* The job files into dir: jobs.csv, job_points.csv (point index ->
 * settings: a job belongs to the point with the same settings, whatever
 * its index), job_series.csv when the model keeps a series. */
int exp_write_job_files(struct experiment *x, const char *dir, int only_done,
			struct err *e);
/* Read DIR/jobs.csv, DIR/job_points.csv and DIR/job_series.csv (the last
 * two if there); the jobs of points that exist are placed now, the others
 * when their point is added.  With job_points.csv a job goes to the point
 * of the same settings; without, to the point of the same index. */
int exp_read_jobs(struct experiment *x, const char *dir, struct err *e);
/* After reading every job file: jobs whose point never came do not belong
 * (ERR_INPUT naming the first); capacity, whose probes may differ from a
 * resumed search's, does not call this. */
int exp_check_saved(struct experiment *x, struct err *e);
/* After --resume with run-length control: grow each point to the end of
 * the round its jobs reached, so it is checked at the same sizes as an
 * uninterrupted run. */
int exp_resume_rounds(struct experiment *x, struct err *e);
/* A shard's folder: scenario.resolved.yaml, jobs.csv (the jobs it ran)
 * and job_series.csv; what `merge` reads. */
int exp_write_shard(struct experiment *x, const char *dir, struct err *e);

/* ---- outputs (sweep_out.c, run_out.c) ---------------------------------- */

/* A sweep's folder (the base's sweep axes, any number of them, may be 0):
 * scenario.resolved.yaml, jobs.csv, job_series.csv, points.csv,
 * differences.csv, summary.json (last: its presence means the folder is
 * whole), series.csv. */
int exp_write_sweep(struct experiment *x, const char *dir, struct err *e);
struct report;
/* A run's or comparison's folder from the report of its one point:
 * scenario.resolved.yaml, replications.csv, summary.csv, jobs.csv,
 * series.csv and job_series.csv (models with a series), summary.json
 * last. */
int exp_write_run(struct experiment *x, const struct report *rep,
		  const char *dir, struct err *e);
/* ",mean,ci_low,ci_high" of su (a CSV row's three cells). */
void exp_ci_cols(FILE *f, const struct stat_summary *su);

#endif
