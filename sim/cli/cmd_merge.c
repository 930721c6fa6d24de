/* cmd_merge.c - `bpfsim merge DIR...`: finish an experiment run in shards.
 *
 * Every shard folder holds the resolved scenario, its jobs.csv (and
 * job_series.csv) and shard.json naming the command that made it.  merge
 * reloads the experiment from the first folder's scenario, places every
 * shard's jobs (a job found twice keeps the later folder's result, unless
 * both are reproducible and differ: exp_read_jobs refuses that), and
 * writes what that command would have written: a run's or comparison's
 * outputs, a sweep's, a phase diagram's; for a capacity search, it runs
 * the search over the shards' probes (running the deeper ones itself).
 * Jobs in none of the shards leave the output marked incomplete; a folder
 * whose manifest.json is not this experiment's (or that has none), and
 * jobs that belong to another experiment, are errors (exit 2).  The output
 * folder is locked and gets its manifest like any other (drive.h).
 */
#include <stdio.h>
#include <string.h>

#include "sim/cli/cli.h"
#include "sim/cli/drive.h"
#include "sim/cli/sweep_load.h"
#include "sim/outdir.h"

extern const struct cli_cmd cli_cmd_merge;

static int cmd_merge(int argc, char **argv)
{
	const struct cli_cmd *cmd = &cli_cmd_merge;
	struct cli_opts o;
	struct err e;
	struct experiment x = { 0 };
	struct drive_folder df = DRIVE_FOLDER_INIT;
	int rc = cli_parse(cmd, argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	err_init(&e);
	char scen[4096], what[32];
	snprintf(scen, sizeof(scen), "%s/" OUTDIR_RESOLVED_YAML, o.dirs[0]);
	if (drive_shard_command(o.dirs[0], what, sizeof(what), &e))
		goto fail;
	/* What the folder's scenario says, nothing from this command line. */
	struct cli_opts lo = { .reps = -1, .seed = -1, .format = "table",
			       .threads = o.threads,
			       .no_plots = 1, .quiet = o.quiet };
	if (!strcmp(what, "capacity")) {
		/* The search itself, over the shards' probes. */
		struct cli_opts co = o;
		co.scenario = scen;
		co.out = o.out ? o.out : "out/merged";
		co.reps = co.seed = -1;
		co.nsets = 0;
		co.strategies = NULL;
		return capacity_merge(&co, o.dirs, o.ndirs);
	}
	int is_run = !strcmp(what, "run") || !strcmp(what, "compare");
	if (is_run) {
		struct scenario *sc = drive_load(&lo, scen, !strcmp(what, "compare"),
						 NULL, &e);
		if (exp_init(&x, sc, &e) || exp_add_base_point(&x, &e))
			goto fail;
	} else if (!strcmp(what, "sweep") || !strcmp(what, "phase")) {
		/* A phase diagram's axes are in its resolved sweep: block. */
		if (sweep_load(&x, scen, &lo, 0, &e))
			goto fail;
	} else {
		err_set(&e, ERR_INPUT, o.dirs[0], 0, 0, "shards of bpfsim %s "
			"cannot be merged (run, compare, sweep, phase and capacity "
			"can)", what);
		goto fail;
	}
	/* Every folder's manifest first: nothing of another experiment is
	 * read, and the message names what differs. */
	for (int d = 0; d < o.ndirs; d++)
		if (drive_check_folder(&x, what, o.dirs[d], "merge", &e))
			goto fail;
	for (int d = 0; d < o.ndirs; d++)
		if (exp_read_jobs(&x, o.dirs[d], &e))
			goto fail;
	if (exp_check_saved(&x, &e) || exp_grow_all(&x, &e))
		goto fail;
	x.interrupted = exp_incomplete(&x);
	if (x.interrupted)
		fprintf(stderr, "bpfsim merge: some jobs are in none of the shards: "
			"the output is marked incomplete\n");
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", o.out ? o.out : "out/merged");
	lo.no_plots = o.no_plots;
	lo.plot_format = o.plot_format;
	if (drive_folder_open(&df, &x, what, dir, 0, o.force, &e))
		goto fail;
	if (is_run)
		rc = run_finish(&x, &lo, dir, &e);
	else if (!strcmp(what, "phase"))
		rc = phase_finish(&x, &lo, dir, &e);
	else
		rc = sweep_finish(&x, &lo, dir, &e);
	drive_folder_close(&df);
	return drive_exit(&x, &e, rc);
fail:
	drive_folder_close(&df);
	return drive_exit(&x, &e, 1);
}

const struct cli_cmd cli_cmd_merge = {
	"merge", cmd_merge, "finish an experiment run in shards (--shard I/N)",
	"usage: bpfsim merge DIR... [--out OUT]\n\n"
	"Reads the jobs of every shard folder (bpfsim run, compare, sweep,\n"
	"phase or capacity with --shard I/N --out DIR) and writes the outputs\n"
	"the command would have written in one go, byte for byte (default\n"
	"folder: out/merged); for capacity it finishes the search, running\n"
	"the probes deeper than the shards' tree.  Missing jobs mark the\n"
	"output incomplete.  Every folder's manifest.json must be that of\n"
	"the same experiment (scenario, seed, replications, strategies, axes,\n"
	"metrics): a mismatch or a folder without one exits 2.\n",
	NULL, CLI_OPT(CLI_OUT) | CLI_OPT(CLI_FORCE) | CLI_OPT(CLI_QUIET) | CLI_OPT(CLI_NO_PLOTS) |
	CLI_OPT(CLI_PLOT_FORMAT) | CLI_OPT(CLI_THREADS), CLI_ARGS_DIRS, NULL,
};
