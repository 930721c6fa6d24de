/* runner.h - run independent simulation jobs on a pool of threads.
 *
 * A job is one replication of one configured model (one point, one
 * strategy).  Jobs are independent and write only their own result slot, so
 * the results are a pure function of the job list: byte-identical output
 * whatever the thread count or the order jobs happen to finish in.  Threads
 * pull the next job index from an atomic counter (dynamic assignment: a slow
 * job does not idle the others).
 */
#ifndef BPFSIM_RUNNER_H
#define BPFSIM_RUNNER_H

#include <stddef.h>
#include <stdint.h>
#include "sim/exp/steady.h"
#include "sim/model.h"
#include "sim/sim.h"

struct runner_job {
	/* in */
	const struct model *model;
	const void *cfg;
	uint64_t seed, rep, end;
	struct sim_caps caps;
	struct sim_series_cfg scfg;
	struct steady_cfg steady;    /* warm-up cut and regime */
	int keep_series;             /* copy the run's series into the job */
	/* out */
	double *metrics;             /* model_metric_count() values, caller-owned */
	enum sim_status status;
	const char *cap_reason;      /* static string or NULL */
	uint64_t events;
	double wall;                 /* seconds (not part of deterministic output) */
	char error[256];             /* on SIM_FAILED */
	uint64_t warmup_cut;         /* ns cut as warm-up */
	int regime;                  /* enum regime */
	unsigned transient;          /* STEADY_TR_* bits still trending at the
					end (steady.h); 0: none.  Not kept in
					jobs.csv: resumed jobs read 0 */
	unsigned transient_up;       /* of those, the rising ones */
	double *series;              /* keep_series: nrows x ncols, malloc'd */
	size_t series_rows, series_cols;
	uint64_t series_window;
	int done;                    /* 1 once run (0: interrupted before start) */
	uint64_t sim_now;            /* while it runs: its simulated clock, ns,
					published every 4,096 events (relaxed
					atomic; progress only, never a result) */
};

/* Called after each finished job (from worker threads, serialised by the
 * runner's lock): done so far and total. */
typedef void (*runner_progress_fn)(void *ctx, size_t done, size_t total);

/* Called once job i has run (done set, or 0 when a signal cut it short),
 * from the worker thread that ran it, outside the runner's lock: the
 * callee locks what it shares (the journal of finished jobs, journal.h). */
typedef void (*runner_finished_fn)(void *ctx, size_t i,
				   const struct runner_job *j);

/* Called about once a second while jobs run (from the thread that called
 * runner_run_hooked, serialised with progress): done and total as for
 * progress, and `partial`, the running jobs' share of their simulated
 * time (sum of now / end over the running jobs with a finite end), so
 * that a single long replication shows how far it has got. */
typedef void (*runner_tick_fn)(void *ctx, size_t done, size_t total,
			       double partial);

/* What a caller hears while jobs run; any member may be NULL. */
struct runner_hooks {
	runner_progress_fn progress;
	void *progress_ctx;
	runner_tick_fn tick;         /* non-NULL: jobs run on worker threads
					(even one) and this thread ticks */
	void *tick_ctx;
	runner_finished_fn finished;
	void *finished_ctx;
};

/* Run jobs[0..n) on `threads` workers (0 = all online CPUs).  Stops starting
 * new jobs once *interrupt becomes non-zero (NULL: never).  Returns 0, or -1
 * if threads could not be created (jobs then run on the calling thread). */
int runner_run(struct runner_job *jobs, size_t n, unsigned threads,
	       volatile int *interrupt, runner_progress_fn progress, void *ctx);
/* runner_run with every hook (h may be NULL). */
int runner_run_hooked(struct runner_job *jobs, size_t n, unsigned threads,
		      volatile int *interrupt, const struct runner_hooks *h);

/* Free what runner_run allocated in jobs (kept series). */
void runner_jobs_release(struct runner_job *jobs, size_t n);

/* Number of online CPUs (>= 1). */
unsigned runner_default_threads(void);

#endif
