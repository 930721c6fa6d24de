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

void mpi_run_jobs(struct runner_job *jobs, size_t n, volatile int *interrupt)
{
	runner_run(jobs, n, 1, interrupt, NULL, NULL);
}
