/* mpi_runner.c - sweep jobs over MPI ranks: rank 0 dispatches, the rest run.
 *
 * Built instead of mpi_single.c by `make MPI=1` (mpicc, Open MPI).  Protocol,
 * all on MPI_COMM_WORLD, per mpi_run_jobs() call:
 *
 *   worker -> 0   TAG_RESULT  header (uint64[HDR_N]): the job index it just
 *                             ran, or NO_JOB on its first message; its own
 *                             interrupt flag
 *                 TAG_DOUBLES (only after a job) metrics, wall, kept series
 *                 TAG_ERROR   (only after a failed job) the error text
 *   0 -> worker   TAG_NEXT    int64: the next job index, or -1 = stop
 *
 * Each worker's result message doubles as its request for more work, so the
 * assignment is dynamic: a rank stuck on a slow point does not hold up the
 * others.  MPI keeps messages between one pair of ranks in order, so rank 0
 * reads a worker's header from MPI_ANY_SOURCE, then the rest of that result
 * from the same source.  Rank 0 only dispatches and gathers (with K ranks,
 * K - 1 run jobs): keeping it out of the job pool keeps it responsive.
 *
 * At the end rank 0 broadcasts every job's outcome (not the series, which
 * only rank 0 writes) and its interrupt flag.  Every rank then holds the same
 * results, so decisions taken on results between rounds (run-length control
 * in cmd_sweep.c) are the same on every rank and the ranks stay in step; an
 * interrupt seen by any rank stops them all.
 *
 * Every result is a pure function of its job, and rank 0 stores it in the
 * job's own slot, so output is byte-identical to a single-process run.
 * Doubles travel as MPI_DOUBLE and integers as MPI_UINT64_T, so MPI does any
 * conversion a heterogeneous cluster needs.  Cap reasons travel as an index
 * into the engine's known reasons (they are static strings: a pointer means
 * nothing in another process); an unknown one arrives as "cap", as it would
 * through jobs.csv.  MPI errors abort (MPI_ERRORS_ARE_FATAL, the default):
 * a lost rank is not something a sweep can recover from here.
 */
#include <mpi.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/exp/mpi_runner.h"

enum { TAG_RESULT = 1, TAG_DOUBLES, TAG_ERROR, TAG_NEXT };

/* Header fields of a worker's message. */
enum { H_JOB, H_STATUS, H_CAP, H_EVENTS, H_CUT, H_REGIME, H_TRANSIENT,
       H_ROWS, H_COLS, H_WINDOW, H_INTERRUPT, HDR_N };
#define NO_JOB UINT64_MAX

/* Per-job fields of the final broadcast. */
enum { B_DONE, B_STATUS, B_CAP, B_EVENTS, B_CUT, B_REGIME, B_TRANSIENT,
       B_N };

/* Every cap reason the engine and the models pass to sim_cap(). */
static const char *const cap_reasons[] = { "max_events", "max_wall",
					   "max_live_tasks", "interrupted",
					   "horizon" };
#define NCAP (sizeof(cap_reasons) / sizeof(cap_reasons[0]))

static uint64_t cap_encode(const char *r)
{
	if (!r)
		return 0;
	for (size_t i = 0; i < NCAP; i++)
		if (!strcmp(r, cap_reasons[i]))
			return i + 1;
	return NCAP + 1;
}

static const char *cap_decode(uint64_t c)
{
	if (c == 0)
		return NULL;
	return c <= NCAP ? cap_reasons[c - 1] : "cap";
}

static int mpi_up(void)
{
	int init = 0, fin = 0;
	MPI_Initialized(&init);
	MPI_Finalized(&fin);
	return init && !fin;
}

void mpi_begin(int *argc, char ***argv)
{
	if (!mpi_up())
		MPI_Init(argc, argv);
}

void mpi_end(void)
{
	if (mpi_up())
		MPI_Finalize();
}

static int world_size(void)
{
	int n = 1;
	if (mpi_up())
		MPI_Comm_size(MPI_COMM_WORLD, &n);
	return n;
}

int mpi_active(void)
{
	return world_size() > 1;
}

int mpi_rank(void)
{
	int r = 0;
	if (mpi_up())
		MPI_Comm_rank(MPI_COMM_WORLD, &r);
	return r;
}

/* ---- worker ranks ------------------------------------------------------ */

static void send_result(const struct runner_job *j, uint64_t idx,
			volatile int *interrupt)
{
	uint64_t h[HDR_N] = { 0 };
	h[H_JOB] = idx;
	h[H_INTERRUPT] = interrupt && *interrupt ? (uint64_t)*interrupt : 0;
	if (idx == NO_JOB) {
		MPI_Send(h, HDR_N, MPI_UINT64_T, 0, TAG_RESULT, MPI_COMM_WORLD);
		return;
	}
	size_t nm = model_metric_count(j->model);
	size_t nser = j->series ? j->series_rows * j->series_cols : 0;
	h[H_STATUS] = j->done ? (uint64_t)j->status + 1 : 0;  /* 0: not run */
	h[H_CAP] = cap_encode(j->cap_reason);
	h[H_EVENTS] = j->events;
	h[H_CUT] = j->warmup_cut;
	h[H_REGIME] = (uint64_t)j->regime;
	h[H_TRANSIENT] = (uint64_t)j->transient | (uint64_t)j->transient_up << 32;
	h[H_ROWS] = nser ? j->series_rows : 0;
	h[H_COLS] = nser ? j->series_cols : 0;
	h[H_WINDOW] = j->series_window;
	MPI_Send(h, HDR_N, MPI_UINT64_T, 0, TAG_RESULT, MPI_COMM_WORLD);
	if (!j->done)
		return;
	double *d = malloc((nm + 1 + nser) * sizeof(double));
	if (!d)
		MPI_Abort(MPI_COMM_WORLD, 1);
	memcpy(d, j->metrics, nm * sizeof(double));
	d[nm] = j->wall;
	if (nser)
		memcpy(d + nm + 1, j->series, nser * sizeof(double));
	MPI_Send(d, (int)(nm + 1 + nser), MPI_DOUBLE, 0, TAG_DOUBLES,
		 MPI_COMM_WORLD);
	free(d);
	if (j->status == SIM_FAILED)
		MPI_Send(j->error, (int)sizeof(j->error), MPI_CHAR, 0, TAG_ERROR,
			 MPI_COMM_WORLD);
}

static void work(struct runner_job *jobs, size_t n, volatile int *interrupt)
{
	uint64_t last = NO_JOB;
	for (;;) {
		send_result(last == NO_JOB ? NULL : &jobs[last], last, interrupt);
		int64_t next;
		MPI_Recv(&next, 1, MPI_INT64_T, 0, TAG_NEXT, MPI_COMM_WORLD,
			 MPI_STATUS_IGNORE);
		if (next < 0 || (uint64_t)next >= n)
			break;
		last = (uint64_t)next;
		/* Interrupted here: report the job as not run (done = 0). */
		if (!(interrupt && *interrupt))
			runner_run(&jobs[last], 1, 1, interrupt, NULL, NULL);
	}
}

/* ---- rank 0 ------------------------------------------------------------ */

/* Receive the rest of a worker's result described by header h. */
static void store_result(struct runner_job *jobs, size_t n, const uint64_t *h,
			 int src)
{
	if (h[H_JOB] >= n)
		MPI_Abort(MPI_COMM_WORLD, 1);   /* protocol bug */
	struct runner_job *j = &jobs[h[H_JOB]];
	if (h[H_STATUS] == 0)
		return;   /* the worker was interrupted before starting it */
	size_t nm = model_metric_count(j->model);
	size_t nser = h[H_ROWS] * h[H_COLS];
	double *d = malloc((nm + 1 + nser) * sizeof(double));
	if (!d)
		MPI_Abort(MPI_COMM_WORLD, 1);
	MPI_Recv(d, (int)(nm + 1 + nser), MPI_DOUBLE, src, TAG_DOUBLES,
		 MPI_COMM_WORLD, MPI_STATUS_IGNORE);
	j->status = (enum sim_status)(h[H_STATUS] - 1);
	j->cap_reason = cap_decode(h[H_CAP]);
	j->events = h[H_EVENTS];
	j->warmup_cut = h[H_CUT];
	j->regime = (int)h[H_REGIME];
	j->transient = (unsigned)(h[H_TRANSIENT] & 0xffffffffu);
	j->transient_up = (unsigned)(h[H_TRANSIENT] >> 32);
	memcpy(j->metrics, d, nm * sizeof(double));
	j->wall = d[nm];
	free(j->series);
	j->series = NULL;
	j->series_rows = j->series_cols = 0;
	if (nser && (j->series = malloc(nser * sizeof(double)))) {
		memcpy(j->series, d + nm + 1, nser * sizeof(double));
		j->series_rows = h[H_ROWS];
		j->series_cols = h[H_COLS];
		j->series_window = h[H_WINDOW];
	}
	free(d);
	if (j->status == SIM_FAILED)
		MPI_Recv(j->error, (int)sizeof(j->error), MPI_CHAR, src, TAG_ERROR,
			 MPI_COMM_WORLD, MPI_STATUS_IGNORE);
	j->done = 1;
}

static void dispatch(struct runner_job *jobs, size_t n, int nworkers,
		     volatile int *interrupt, runner_finished_fn finished,
		     void *ctx)
{
	size_t next = 0;
	int active = nworkers;
	while (active > 0) {
		uint64_t h[HDR_N];
		MPI_Status st;
		MPI_Recv(h, HDR_N, MPI_UINT64_T, MPI_ANY_SOURCE, TAG_RESULT,
			 MPI_COMM_WORLD, &st);
		if (h[H_JOB] != NO_JOB) {
			store_result(jobs, n, h, st.MPI_SOURCE);
			if (finished)
				finished(ctx, h[H_JOB], &jobs[h[H_JOB]]);
		}
		/* An interrupt on any rank stops the whole run. */
		if (interrupt && !*interrupt && h[H_INTERRUPT])
			*interrupt = (int)h[H_INTERRUPT];
		int64_t reply = -1;
		if (next < n && !(interrupt && *interrupt))
			reply = (int64_t)next++;
		else
			active--;
		MPI_Send(&reply, 1, MPI_INT64_T, st.MPI_SOURCE, TAG_NEXT,
			 MPI_COMM_WORLD);
	}
}

/* Rank 0's outcomes to every rank (metrics, status; not series). */
static void share_results(struct runner_job *jobs, size_t n,
			  volatile int *interrupt, int rank)
{
	int intr = interrupt ? *interrupt : 0;
	MPI_Bcast(&intr, 1, MPI_INT, 0, MPI_COMM_WORLD);
	if (interrupt && rank != 0)
		*interrupt = intr;
	size_t nd = 0;
	for (size_t i = 0; i < n; i++)
		nd += model_metric_count(jobs[i].model);
	uint64_t *b = malloc((n ? n : 1) * B_N * sizeof(uint64_t));
	double *d = malloc((nd ? nd : 1) * sizeof(double));
	if (!b || !d)
		MPI_Abort(MPI_COMM_WORLD, 1);
	if (rank == 0) {
		for (size_t i = 0, k = 0; i < n; i++) {
			const struct runner_job *j = &jobs[i];
			size_t nm = model_metric_count(j->model);
			b[i * B_N + B_DONE] = (uint64_t)j->done;
			b[i * B_N + B_STATUS] = (uint64_t)j->status;
			b[i * B_N + B_CAP] = cap_encode(j->cap_reason);
			b[i * B_N + B_EVENTS] = j->events;
			b[i * B_N + B_CUT] = j->warmup_cut;
			b[i * B_N + B_REGIME] = (uint64_t)j->regime;
			b[i * B_N + B_TRANSIENT] = (uint64_t)j->transient |
						   (uint64_t)j->transient_up << 32;
			memcpy(d + k, j->metrics, nm * sizeof(double));
			k += nm;
		}
	}
	/* Bcast counts are ints: send in slices that fit. */
	const size_t slice = (size_t)1 << 28;
	for (size_t o = 0; o < n * B_N; o += slice) {
		size_t c = n * B_N - o < slice ? n * B_N - o : slice;
		MPI_Bcast(b + o, (int)c, MPI_UINT64_T, 0, MPI_COMM_WORLD);
	}
	for (size_t o = 0; o < nd; o += slice) {
		size_t c = nd - o < slice ? nd - o : slice;
		MPI_Bcast(d + o, (int)c, MPI_DOUBLE, 0, MPI_COMM_WORLD);
	}
	if (rank != 0) {
		for (size_t i = 0, k = 0; i < n; i++) {
			struct runner_job *j = &jobs[i];
			size_t nm = model_metric_count(j->model);
			j->done = (int)b[i * B_N + B_DONE];
			j->status = (enum sim_status)b[i * B_N + B_STATUS];
			j->cap_reason = cap_decode(b[i * B_N + B_CAP]);
			j->events = b[i * B_N + B_EVENTS];
			j->warmup_cut = b[i * B_N + B_CUT];
			j->regime = (int)b[i * B_N + B_REGIME];
			j->transient = (unsigned)(b[i * B_N + B_TRANSIENT] &
						  0xffffffffu);
			j->transient_up = (unsigned)(b[i * B_N + B_TRANSIENT] >> 32);
			memcpy(j->metrics, d + k, nm * sizeof(double));
			k += nm;
		}
	}
	free(b);
	free(d);
}

void mpi_run_jobs(struct runner_job *jobs, size_t n, volatile int *interrupt,
		  runner_finished_fn finished, void *ctx)
{
	int size = world_size();
	if (size <= 1) {
		struct runner_hooks hk = { .finished = finished,
					   .finished_ctx = ctx };
		runner_run_hooked(jobs, n, 0, interrupt, &hk);
		return;
	}
	int rank = mpi_rank();
	if (rank == 0)
		dispatch(jobs, n, size - 1, interrupt, finished, ctx);
	else
		work(jobs, n, interrupt);
	share_results(jobs, n, interrupt, rank);
}

int mpi_share_status(int status)
{
	if (!mpi_active())
		return status;
	MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
	return status;
}
