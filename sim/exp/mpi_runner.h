/* mpi_runner.h - spread sweep jobs over MPI ranks (make MPI=1).
 *
 * With MPI (built by `make MPI=1`, run under mpirun), rank 0 hands out job
 * indices one at a time to the other ranks as they ask for work (dynamic
 * assignment: slow jobs do not idle the rest), collects each job's result
 * into its slot, and alone writes the outputs; so the output is the same
 * bytes as a single-process run.  Without MPI (the default build, or a
 * single rank) every function is a no-op and runs stay on threads.
 */
#ifndef BPFSIM_MPI_RUNNER_H
#define BPFSIM_MPI_RUNNER_H

#include <stddef.h>
#include "sim/exp/runner.h"

/* MPI_Init when built with MPI (no-op otherwise). */
void mpi_begin(int *argc, char ***argv);
void mpi_end(void);
/* True when more than one rank runs. */
int mpi_active(void);
/* This process's rank (0 without MPI). */
int mpi_rank(void);
/* Run jobs[0..n) over the ranks; every rank must call it with the same job
 * list.  On return rank 0 holds every job's result.  finished (may be
 * NULL) is called on rank 0 as each result arrives, in arrival order. */
void mpi_run_jobs(struct runner_job *jobs, size_t n, volatile int *interrupt,
		  runner_finished_fn finished, void *ctx);
/* Rank 0's status on every rank (a decision only rank 0 can take, such
 * as whether the output folder could be locked); status itself without
 * MPI. */
int mpi_share_status(int status);

#endif
