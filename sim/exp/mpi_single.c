/* mpi_single.c - mpi_runner on one process: jobs go to the thread pool (default build). */
#include "sim/exp/mpi_runner.h"

void mpi_begin(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
}

void mpi_end(void)
{
}

int mpi_active(void)
{
	return 0;
}

int mpi_rank(void)
{
	return 0;
}

void mpi_run_jobs(struct runner_job *jobs, size_t n, volatile int *interrupt,
		  runner_finished_fn finished, void *ctx)
{
	struct runner_hooks h = { .finished = finished, .finished_ctx = ctx };
	runner_run_hooked(jobs, n, 1, interrupt, &h);
}

int mpi_share_status(int status)
{
	return status;
}
