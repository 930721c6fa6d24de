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
 *
 * The output folder protocol (README "Output folders: manifest, lock,
 * journal"): a folder read by --resume or merge must carry the manifest of
 * this experiment (manifest.h), checked before any job is read; the
 * folder written is created only once the input is known good, then
 * locked (outdir_lock), given its manifest, and journaled while jobs run
 * (journal.h); the lock is held until the outputs are written.
 */
#ifndef BPFSIM_CLI_DRIVE_H
#define BPFSIM_CLI_DRIVE_H

#include <stddef.h>
#include "sim/cli/cli.h"
#include "sim/exp/experiment.h"

struct journal;

/* The scenario of o->scenario (or `path` when not NULL) with --set, then
 * --seed and --reps applied as settings (so scenario.resolved.yaml
 * reproduces the run).  compare/strategies as scenario_load. */
struct scenario *drive_load(const struct cli_opts *o, const char *path,
			    int compare, const char *strategies, struct err *e);

/* Record the strategies of a comparison in sc's tree (compare: [...]), so
 * that its resolved form says which ran (--strategies included). */
int drive_record_strategies(struct scenario *sc, struct err *e);

/* The sweep axes `command` runs: x's for sweep and phase, NULL (none) for
 * run, compare and capacity, which do not run a scenario's sweep: block. */
const struct sweep *drive_axes(const struct experiment *x,
			       const char *command);

/* Refuse folder dir, read by `use` ("--resume", "merge"), unless its
 * manifest.json is that of x as `command` runs it (ERR_INPUT naming what
 * differs, or that it has none). */
int drive_check_folder(const struct experiment *x, const char *command,
		       const char *dir, const char *use, struct err *e);

/* --resume DIR: check DIR's manifest, read DIR's jobs (check: jobs of
 * points that never came are an error), then finish the rounds the jobs
 * reached. */
int drive_resume(struct experiment *x, const struct cli_opts *o,
		 const char *command, int check, struct err *e);

/* An output folder being written: its lock and, while jobs run, its
 * journal. */
struct drive_folder {
	int lock;                  /* outdir_lock's descriptor; -1: none */
	struct journal *journal;   /* NULL: none */
};
#define DRIVE_FOLDER_INIT { -1, NULL }

/* Open dir for x as `command` writes it: create it, take its lock (a
 * folder another bpfsim writes is ERR_INPUT), refuse it when its
 * manifest.json is another experiment's (ERR_INPUT naming what differs;
 * with `force`, remove the files bpfsim writes there instead:
 * drive_folder_clear), write manifest.json and
 * scenario.resolved.yaml, remove
 * the last run's summary.json and capacity.json (they say the outputs are
 * whole; they come back at the end), and with `journal`, start the
 * journal with the jobs known so far.  Rank 0 does it; every rank gets its
 * status. */
int drive_folder_open(struct drive_folder *df, struct experiment *x,
		      const char *command, const char *dir, int journal,
		      int force, struct err *e);
/* Remove from dir the regular files bpfsim writes into output folders:
 * names ending in .csv, .json, .yaml, .dat, .gp, .png, .svg, .pdf,
 * .html, .md, and the temporaries ".NAME.tmp.PID" (never .lock, never a
 * subfolder or another kind of file).  Called only on a folder whose
 * manifest.json shows bpfsim wrote it. */
int drive_folder_clear(const char *dir, struct err *e);
/* Close the journal (its first failed append into e); the lock stays. */
int drive_folder_end_journal(struct drive_folder *df, struct err *e);
/* Close the journal if open and release the lock. */
void drive_folder_close(struct drive_folder *df);

/* Run options from the command line: threads, shard, the signal flag; no
 * progress (drive_run adds it), no journal. */
void drive_run_opts(const struct cli_opts *o, struct exp_run_opts *ro);

/* Signals, progress (TTY, not --quiet, rank 0), every finished job into
 * the journal jn (NULL: none), exp_run. */
int drive_run(struct experiment *x, const struct cli_opts *o,
	      struct journal *jn, struct err *e);

/* The output folder: --out, else --resume's folder, else out/NAME`suffix`
 * with NAME made a safe folder name (no '/', no leading '.', not empty). */
void drive_dir(const struct cli_opts *o, const char *name, const char *suffix,
	       char *dir, size_t size);

/* With --shard: write the shard's folder and say so; *done = 1 (the
 * command stops there).  Without: *done = 0. */
int drive_shard(struct experiment *x, const struct cli_opts *o,
		const char *command, const char *dir, int *done, struct err *e);

/* The command a shard folder came from: shard.json's, else (a shard
 * killed before it wrote shard.json) manifest.json's, else "sweep".  A
 * shard.json that is not JSON or names no command is an error (e set). */
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
 * scenario; each folder's manifest is checked first.  The exit status. */
int capacity_merge(const struct cli_opts *o, char **dirs, int ndirs);

#endif
