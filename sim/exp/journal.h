/* journal.h - jobs written down as they finish, so that a killed run loses
 * only the jobs it was running.
 *
 * Without a journal the job files (jobs.csv, job_points.csv,
 * job_series.csv: experiment.h) were written once, at the end: a SIGKILL,
 * an OOM kill or a power cut an hour into a sweep lost the hour.  With
 * one, the output folder holds them from the start:
 *
 *   journal_open  writes what is known now (each file through a temporary
 *                 and a rename, then fdatasync'd): the jobs already done
 *                 (read from --resume or merge folders) and the saved jobs
 *                 whose point has not come yet (a resumed capacity search),
 *                 and keeps the three files open for appending;
 *   journal_job   appends one finished job, in this order, each write
 *                 followed by fdatasync: its point's job_points.csv line
 *                 (the first time the point has a job here), its series
 *                 line (if it kept one), its jobs.csv line.  A job is in the
 *                 journal once its jobs.csv line is whole: its series and
 *                 point are there before it.  A job cut short by a signal is
 *                 not a result and is not appended;
 *   journal_close closes the files.  The command then writes the job files
 *                 anew, sorted (exp_write_job_files): the final bytes are
 *                 those of a run that never had a journal.
 *
 * Reading a journal back is reading job files (exp_read_jobs): lines in
 * file order, a later line for a job wins, and a last line without its
 * newline - an append cut by a crash - is left out (that job runs again).
 *
 * Point indexes: points that exist at journal_open keep the experiment's
 * index; a point added later (capacity adds probes as it searches) gets
 * the next free index of this journal's job_points.csv when its first job
 * is appended.  Readers place jobs by the settings job_points.csv gives,
 * so a journal's indexes need not be the experiment's.
 *
 * Threads: journal_job is an exp_job_fn, called from worker threads (or,
 * under MPI, on rank 0 as results arrive); one mutex serialises appends.
 * It reads x's settings and strategies, which do not change while jobs
 * run.  Cost: one write and one fdatasync per line, two or three per job,
 * under the mutex: nothing next to jobs of milliseconds; a sweep of
 * microsecond jobs on a slow disk waits for its syncs.
 *
 * Errors: journal_open fails like any output (ERR_RUNTIME, nothing
 * appended).  A failed append is remembered (the first), later appends are
 * skipped, and journal_close reports it (ERR_RUNTIME): the run itself goes
 * on and its final outputs are written as usual.
 *
 * Ownership: the journal borrows x (which must outlive it) and owns its
 * file descriptors; journal_close frees it and accepts NULL.
 */
#ifndef BPFSIM_JOURNAL_H
#define BPFSIM_JOURNAL_H

#include <stddef.h>
#include "sim/err.h"
#include "sim/exp/experiment.h"

struct journal;

/* Start the journal of x in dir (which exists): *jn, or NULL with e set. */
int journal_open(struct journal **jn, struct experiment *x, const char *dir,
		 struct err *e);

/* Append job (p, s, r) if it ran (j->done).  An exp_job_fn: ctx is the
 * struct journal. */
void journal_job(void *ctx, size_t p, size_t s, size_t r,
		 const struct runner_job *j);

/* Close the files and free jn; the first failed append, if any, into e
 * (ERR_RUNTIME).  NULL: nothing to do. */
int journal_close(struct journal *jn, struct err *e);

#endif
