/* experiment_internal.h - what experiment.c, jobfile.c and journal.c
 * share; not an API for other modules. */
#ifndef BPFSIM_EXPERIMENT_INTERNAL_H
#define BPFSIM_EXPERIMENT_INTERNAL_H

#include "sim/exp/experiment.h"

/* Grow cell (p, s) to n jobs not run yet; -1 when out of memory. */
int exp_cell_reserve(struct experiment *x, size_t p, size_t s, size_t n);
/* Place the saved jobs of point p into its cells. */
int exp_saved_place(struct experiment *x, size_t p, struct err *e);
void exp_saved_free(struct exp_saved *sv);

/* One line of jobs.csv / job_series.csv for job j of strategy s,
 * replication r, written as point pi (its index in that file's
 * job_points.csv); one line of job_points.csv. */
void exp_job_line(struct experiment *x, FILE *f, size_t pi, size_t s,
		  size_t r, const struct runner_job *j);
void exp_job_series_line(struct experiment *x, FILE *f, size_t pi, size_t s,
			 size_t r, const struct runner_job *j);
void exp_job_point_line(FILE *f, size_t pi, const char *settings);
/* The experiment keeps job_series.csv (its model keeps a series here). */
int exp_has_job_series(const struct experiment *x);
/* The job files of what is known now, into dir (each through a temporary
 * file): the jobs that ran, and the saved jobs whose point has not come
 * yet (under points np, np + 1, ... with their settings).  *npoints: the
 * points job_points.csv lists. */
int exp_write_job_snapshot(struct experiment *x, const char *dir,
			   size_t *npoints, struct err *e);

#endif
