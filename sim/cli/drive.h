/* drive.h - what every subcommand that runs an experiment does around it:
 * load the scenario with the --seed/--reps overrides, read --resume's job
 * file, install the signal handlers, show progress on a TTY, run the
 * rounds (threads, MPI, shards, precision control: experiment.h), write a
 * shard's folder, name the output folder and print the job counts.
 *
 * A shard's folder also holds shard.json ({"command": ..., "shard": [i,
 * n]}): `bpfsim merge` reads it to finish the experiment the way the
 * command would (a run's outputs, a sweep's, a phase diagram's, a
 * capacity search's).
 */
#ifndef BPFSIM_CLI_DRIVE_H
#define BPFSIM_CLI_DRIVE_H

#include <stddef.h>
#include "sim/cli/cli.h"
#include "sim/exp/experiment.h"

/* The scenario of o->scenario (or `path` when not NULL) with --set, then
 * --seed and --reps applied as settings (so scenario.resolved.yaml
 * reproduces the run).  compare/strategies as scenario_load. */
struct scenario *drive_load(const struct cli_opts *o, const char *path,
			    int compare, const char *strategies, struct err *e);

/* Record the strategies of a comparison in sc's tree (compare: [...]), so
 * that its resolved form says which ran (--strategies included). */
int drive_record_strategies(struct scenario *sc, struct err *e);

/* --resume DIR: read DIR's jobs (check: jobs of points that never came are
 * an error), then finish the rounds the jobs reached. */
int drive_resume(struct experiment *x, const struct cli_opts *o, int check,
		 struct err *e);

/* Run options from the command line: threads, shard, the signal flag; no
 * progress (drive_run adds it). */
void drive_run_opts(const struct cli_opts *o, struct exp_run_opts *ro);

/* Signals, progress (TTY, not --quiet, rank 0), exp_run. */
int drive_run(struct experiment *x, const struct cli_opts *o, struct err *e);

/* The output folder: --out, else --resume's folder, else out/NAME`suffix`
 * with NAME made a safe folder name (no '/', no leading '.', not empty). */
void drive_dir(const struct cli_opts *o, const char *name, const char *suffix,
	       char *dir, size_t size);

/* With --shard: write the shard's folder and say so; *done = 1 (the
 * command stops there).  Without: *done = 0. */
int drive_shard(struct experiment *x, const struct cli_opts *o,
		const char *command, const char *dir, int *done, struct err *e);

/* The command a shard folder came from ("sweep" when it has no
 * shard.json: shards of older versions were sweeps).  A shard.json that is
 * not JSON or names no command is an error (e set). */
int drive_shard_command(const char *dir, char *cmd, size_t size,
			struct err *e);

/* "NAME: P points x S strategies, J jobs: ... done, capped, failed" and
 * where the outputs are; returns the number of failed jobs. */
size_t drive_print_jobs(const struct experiment *x, const char *dir,
			const char *files);

/* What a command does once its jobs have run; see below. */
typedef int (*drive_finish_fn)(struct experiment *x, const struct cli_opts *o,
			       const char *dir, struct err *e);

/* The rest of every command that runs an experiment, once x is loaded:
 * refuse --shard with precision control, grow every cell to its
 * replications, --resume, run, then write the shard folder (--shard) or
 * call finish (rank 0) on the output folder (--out, --resume's, or
 * out/NAME`suffix`).  Returns the exit status; e set on an error. */
int drive_experiment(struct experiment *x, const struct cli_opts *o,
		     const char *command, const char *suffix,
		     drive_finish_fn finish, struct err *e);

/* A command's end: print e when set (rank 0), free x; the exit status
 * (rc, e's status, or 128 + the signal). */
int drive_exit(struct experiment *x, struct err *e, int rc);

/* Write a sweep-like folder with `write`, print the job counts naming
 * `files`, draw the figures (not after a signal or with --no-plots); 1
 * when a job failed. */
int drive_finish_folder(struct experiment *x, const struct cli_opts *o,
			const char *dir, const char *files,
			int (*write)(struct experiment *x, const char *dir,
				     struct err *e), struct err *e);

/* What each command does once its jobs have run (also what `merge` does
 * with a command's shards): write its outputs, print its result, draw
 * its figures; the exit status (1 when a job failed).  e is set on an
 * error writing the outputs. */
int run_finish(struct experiment *x, const struct cli_opts *o,
	       const char *dir, struct err *e);
int sweep_finish(struct experiment *x, const struct cli_opts *o,
		 const char *dir, struct err *e);
int phase_finish(struct experiment *x, const struct cli_opts *o,
		 const char *dir, struct err *e);
/* A capacity search over the jobs of shard folders dirs[0..n) (running
 * the probes they lack), on o->scenario = the first folder's resolved
 * scenario; the exit status. */
int capacity_merge(const struct cli_opts *o, char **dirs, int ndirs);

#endif
