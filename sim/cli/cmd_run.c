/* cmd_run.c - `bpfsim run` and `bpfsim compare`.
 *
 * Both are an experiment of one point (experiment.h): the scenario's own
 * strategy, or the strategies compared, times its replications.  The
 * scenario is loaded and fully validated before the output folder is
 * created (bad input leaves nothing behind); the outputs go through temp
 * files.  Replication r of every strategy uses seed (scenario seed, r):
 * common random numbers.  Like a sweep: --resume DIR runs only what DIR's
 * jobs.csv lacks, --shard I/N runs share I for `bpfsim merge`, precision:
 * adds replications until the CI is tight, and MPI spreads the jobs.
 */
#include <stdio.h>
#include <string.h>

#include "plots/plot.h"
#include "sim/cli/cli.h"
#include "sim/cli/drive.h"
#include "sim/exp/mpi_runner.h"
#include "sim/exp/report.h"

static int cmd_run(int argc, char **argv);
static int cmd_compare(int argc, char **argv);
extern const struct cli_cmd cli_cmd_run, cli_cmd_compare;

int run_finish(struct experiment *x, const struct cli_opts *o,
	       const char *dir, struct err *e)
{
	struct report rep = { 0 };
	int rc = 0;
	if (exp_point_report(x, 0, &rep)) {
		rc = err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		goto out;
	}
	/* The report speaks for the experiment: its resolved scenario. */
	rep.sc = x->base;
	if (exp_write_run(x, &rep, dir, e)) {
		rc = e->status;
		goto out;
	}
	if (!strcmp(o->format, "json"))
		report_write_json(&rep, stdout);
	else if (!strcmp(o->format, "csv"))
		report_write_summary_csv(&rep, stdout);
	else {
		report_print_table(&rep, stdout);
		printf("Outputs in %s/\n", dir);
	}
	if (!o->no_plots && !cli_interrupted)
		plot_outdir(dir, o->plot_format, NULL, stderr);
	for (size_t s = 0; s < x->ns; s++)
		if (rep.nfailed[s])
			rc = 1;
	if (x->interrupted)
		fprintf(stderr, "bpfsim %s: interrupted; finished replications "
			"written to %s/ (marked incomplete)\n",
			x->base->compare ? "compare" : "run", dir);
out:
	report_fini(&rep);
	return rc;
}

static int run_main(int argc, char **argv, int compare)
{
	const struct cli_cmd *cmd = compare ? &cli_cmd_compare : &cli_cmd_run;
	struct cli_opts o;
	struct err e;
	struct experiment x = { 0 };
	int rc = cli_parse(cmd, argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	err_init(&e);
	struct scenario *sc = drive_load(&o, NULL, compare, o.strategies, &e);
	if (exp_init(&x, sc, &e) || drive_record_strategies(x.base, &e) ||
	    exp_add_base_point(&x, &e))
		return drive_exit(&x, &e, 1);
	rc = drive_experiment(&x, &o, cmd->name, "", run_finish, &e);
	return drive_exit(&x, &e, rc);
}

static int cmd_run(int argc, char **argv)
{
	mpi_begin(&argc, &argv);
	int rc = run_main(argc, argv, 0);
	mpi_end();
	return rc;
}

static int cmd_compare(int argc, char **argv)
{
	mpi_begin(&argc, &argv);
	int rc = run_main(argc, argv, 1);
	mpi_end();
	return rc;
}

const struct cli_cmd cli_cmd_run = {
	"run", cmd_run, "run a scenario's replications and summarise them",
	"usage: bpfsim run SCENARIO [options]\n\n"
	"Runs the scenario's model for R replications (independent seeds) and\n"
	"prints every metric's mean with a 95% confidence interval.\n"
	"Writes DIR/summary.json, DIR/summary.csv, DIR/replications.csv,\n"
	"DIR/jobs.csv (every replication's exact result) and\n"
	"DIR/scenario.resolved.yaml (each complete or absent).\n",
	NULL, CLI_EXPERIMENT_OPTS, CLI_ARGS_SCENARIO, NULL,
};

const struct cli_cmd cli_cmd_compare = {
	"compare", cmd_compare,
	"run several strategies with common random numbers; paired differences",
	"usage: bpfsim compare SCENARIO [--strategies A,B,...] [options]\n\n"
	"Runs the scenario once per strategy (the model's strategy key, e.g.\n"
	"storage), every strategy with the same seeds, so arrivals and CPU\n"
	"demands are identical across strategies (slices, sleeps and random\n"
	"placements are the same sequences, drawn in event order).  Prints each\n"
	"strategy's mean +- CI and the paired difference (strategy - first)\n"
	"+- CI.  Strategies come from --strategies, else the scenario's\n"
	"`compare:` list, else the model's first two.\n",
	"  --strategies LIST comma-separated strategies to compare\n",
	CLI_EXPERIMENT_OPTS | CLI_OPT(CLI_STRATEGIES), CLI_ARGS_SCENARIO, NULL,
};
