/* main.c - the bpfsim command line: subcommand dispatch, help, signals.
 *
 * main() is the one place errors become messages and exit statuses.  GSL's
 * default error handler aborts the process, so it is switched off here and
 * every GSL return code is checked where it matters.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "calibrate/calibrate.h"
#include "calibrate/validate.h"
#include "models/registry.h"
#include "sim/cli/cli.h"
#include "sim/model.h"

static int cmd_models(int argc, char **argv);
static int is_help(const char *a);
static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

#define COMMON_RUN_OPTIONS \
	"  --reps N          replications (default: the scenario's `replications`)\n" \
	"  --seed S          base seed (default: the scenario's `seed`)\n" \
	"  --threads T       worker threads (default: all cores); results do not\n" \
	"                    depend on it\n" \
	"  --set PATH=VALUE  override a scenario key, e.g. --set servers=8 or\n" \
	"                    --set workload.lifetime=2ms (repeatable)\n" \
	"  -o, --out DIR     output folder (default: out/<scenario name>; sweep,\n" \
	"                    phase, capacity: out/<name>-sweep|-phase|-capacity)\n" \
	"  --format F        what to print: table (default), csv or json\n" \
	"  --quiet           no progress line\n" \
	"  --no-plots        do not draw figures (bpfsim plot DIR draws them later)\n" \
	"  --plot-format F   figures as png (default), svg or both\n" \
	"  -h, --help        this help\n"

const struct cli_cmd cli_commands[] = {
	{ "run", cmd_run, "run a scenario's replications and summarise them",
	  "usage: bpfsim run SCENARIO [options]\n\n"
	  "Runs the scenario's model for R replications (independent seeds) and\n"
	  "prints every metric's mean with a 95% confidence interval.\n"
	  "Writes DIR/summary.json, DIR/summary.csv, DIR/replications.csv and\n"
	  "DIR/scenario.resolved.yaml (each complete or absent).\n\n"
	  "options:\n" COMMON_RUN_OPTIONS },
	{ "compare", cmd_compare,
	  "run several strategies with common random numbers; paired differences",
	  "usage: bpfsim compare SCENARIO [--strategies A,B,...] [options]\n\n"
	  "Runs the scenario once per strategy (the model's strategy key, e.g.\n"
	  "storage), every strategy with the same seeds, so arrivals and CPU\n"
	  "demands are identical across strategies (slices, sleeps and random\n"
	  "placements are the same sequences, drawn in event order).  Prints each\n"
	  "strategy's\n"
	  "mean +- CI and the paired difference (strategy - first) +- CI.\n"
	  "Strategies come from --strategies, else the scenario's `compare:` list,\n"
	  "else the model's first two.\n\n"
	  "options:\n"
	  "  --strategies LIST comma-separated strategies to compare\n"
	  COMMON_RUN_OPTIONS },
	{ "sweep", cmd_sweep,
	  "run a grid of parameter values (points x strategies x replications)",
	  "usage: bpfsim sweep SCENARIO [--sweep PATH=VALUES]... [options]\n\n"
	  "Runs every point of the cartesian product of the sweep axes (the\n"
	  "scenario's `sweep:` block plus --sweep options) with every strategy\n"
	  "(compare: list or --strategies) and R replications each, as one pool\n"
	  "of jobs on all cores.  Writes points.csv (per point and strategy:\n"
	  "parameters, then mean, CI low, CI high of every metric),\n"
	  "differences.csv (paired differences between strategies),\n"
	  "summary.json, jobs.csv (every job's exact result), series.csv and\n"
	  "scenario.resolved.yaml (the whole experiment).\n\n"
	  "options:\n"
	  "  --sweep PATH=V1,V2,...     an axis from a list of values\n"
	  "  --sweep PATH=LO:HI:N[:log] an axis of N values from LO to HI\n"
	  "  --strategies LIST          strategies to run at every point\n"
	  "  --manifest                 print one line per job and exit\n"
	  "  --shard I/N                run only share I of N of the jobs (for\n"
	  "                             batch systems); combine with bpfsim merge\n"
	  "  --resume DIR               reuse the finished jobs in DIR/jobs.csv\n"
	  COMMON_RUN_OPTIONS
	  "\nUnder MPI (make MPI=1; mpirun -n K bpfsim sweep ...) rank 0 hands\n"
	  "jobs to the other ranks; the output is the same bytes.\n" },
	{ "phase", cmd_phase,
	  "phase diagram: the regime of every point of a 2-D grid, per strategy",
	  "usage: bpfsim phase SCENARIO --x PATH=LO:HI:N[:log] --y PATH=LO:HI:N[:log]\n"
	  "                    [options]\n\n"
	  "Runs the grid (every strategy: compare: list, --strategies, or the\n"
	  "model's first two) and classifies every run's trajectory as\n"
	  "converging, stable, oscillating or exploding (the majority over the\n"
	  "replications; criteria in README \"Regimes\").  Prints a map per\n"
	  "strategy, the boundary (smallest x that explodes, per y) and where\n"
	  "the first strategy explodes and the others do not.  Writes phase.csv\n"
	  "(x, y, strategy, regime, overhead ratio mean and CI) and everything a\n"
	  "sweep writes.  The scenario's phase: {x, y} block gives the defaults.\n\n"
	  "options:\n"
	  "  --x PATH=LO:HI:N[:log]  the horizontal axis\n"
	  "  --y PATH=LO:HI:N[:log]  the vertical axis\n"
	  "  --strategies LIST       strategies to map\n"
	  COMMON_RUN_OPTIONS },
	{ "capacity", cmd_capacity,
	  "largest parameter value that meets an objective, per strategy",
	  "usage: bpfsim capacity SCENARIO --param PATH[=TEMPLATE] --range LO:HI\n"
	  "                       --objective 'METRIC<=X [and ...]' [options]\n\n"
	  "Bisection in log space between LO and HI (units as in the scenario:\n"
	  "100/s:1M/s, 1us:10ms, 10:100000), R replications at every probe, for\n"
	  "every strategy (compare: list or --strategies).  Objective terms:\n"
	  "METRIC<=X, METRIC>=X, regime!=exploding, joined by `and`.  Prints\n"
	  "every probe, the estimate and a 95% interval from the probes whose\n"
	  "whole CI passed/failed; writes capacity.csv.  TEMPLATE puts the value\n"
	  "into text, e.g. --param 'service=exponential({})'.  The scenario's\n"
	  "capacity: block gives the defaults.\n\n"
	  "options:\n"
	  "  --param PATH[=TEMPLATE]   parameter to search\n"
	  "  --range LO:HI             search interval (0 < LO < HI)\n"
	  "  --objective TEXT          what must hold\n"
	  "  --probes N                most probes per strategy (default 14)\n"
	  "  --tolerance X             stop when HI/LO <= 1 + X (default 0.02)\n"
	  "  --strategies LIST         strategies to search\n"
	  COMMON_RUN_OPTIONS },
	{ "merge", cmd_merge, "combine the outputs of sweep shards",
	  "usage: bpfsim merge DIR... [--out OUT]\n\n"
	  "Reads the jobs of every shard folder (bpfsim sweep --shard I/N --out\n"
	  "DIR) and writes the outputs a single sweep would have written, byte\n"
	  "for byte (default folder: out/merged).  Missing jobs mark the output\n"
	  "incomplete.\n\noptions:\n  --out DIR   output folder\n"
	  "  -h, --help  this help\n" },
	{ "plot", cmd_plot, "draw the figures of output folders (gnuplot)",
	  "usage: bpfsim plot OUTDIR|CALFILE... [--plot-format png|svg|both]\n\n"
	  "Redraws every figure the files in OUTDIR support: timeline (payload\n"
	  "vs BPF CPU time per window) and compare (metrics with 95% CI per\n"
	  "strategy) for run/compare folders; sweep (metrics vs the swept\n"
	  "parameter with CI bands) for sweep folders; validation (mmc mean wait\n"
	  "vs Erlang C) for mmc sweeps in OUTDIR or its subfolders; phase\n"
	  "(regime and overhead ratio heatmaps per strategy, where one explodes\n"
	  "and not the other) for phase folders; portrait (trajectories in\n"
	  "backlog x overhead ratio space, arrows for time) where series.csv\n"
	  "has them; capacity (objective metric vs parameter, threshold,\n"
	  "capacity and interval per strategy) for capacity folders; and\n"
	  "calibration-STEM (histograms with the fitted densities, AIC and KS)\n"
	  "for each calibration file STEM.yaml in OUTDIR.  Given a calibration\n"
	  "file (CALFILE) instead of a folder, draws its figure next to it.\n"
	  "Writes NAME.dat and NAME.gp next to NAME.png, so `cd OUTDIR && gnuplot\n"
	  "NAME.gp` redraws by hand; without gnuplot on PATH only those are\n"
	  "written (a warning, exit status 0).  run, compare, sweep, phase,\n"
	  "capacity and calibrate -o FILE draw their figures themselves unless\n"
	  "--no-plots.  Lists the figures written.\n\n"
	  "options:\n"
	  "  --plot-format F   png (default), svg or both\n"
	  "  -h, --help        this help\n" },
	{ "calibrate", cmd_calibrate,
	  "measure this host with BPF probes into a calibration file",
	  calibrate_help },
	{ "validate", cmd_validate,
	  "measure the bundled probes under loads and compare with the simulation",
	  validate_help },
	{ "models", cmd_models, "list models, their parameters and metrics",
	  "usage: bpfsim models [NAME]\n\n"
	  "Lists every model with its scenario keys (type, default, meaning)\n"
	  "and the metrics it reports.  With NAME, only that model.\n" },
	{ "help", cmd_help, "help on a subcommand",
	  "usage: bpfsim help [SUBCOMMAND]\n\n"
	  "Without SUBCOMMAND, lists the subcommands; with it, prints that\n"
	  "subcommand's options (the same as bpfsim SUBCOMMAND --help).\n" },
	{ "version", cmd_version, "print the version", "usage: bpfsim version\n\nPrints bpfsim's version (also: bpfsim --version).\n" },
	{ NULL, NULL, NULL, NULL },
};

const struct cli_cmd *cli_find(const char *name)
{
	for (const struct cli_cmd *c = cli_commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static void usage(FILE *f)
{
	fprintf(f,
		"bpfsim %s - what will this BPF probe cost on this host?\n\n"
		"usage: bpfsim SUBCOMMAND [options]\n\nsubcommands:\n",
		BPFSIM_VERSION);
	for (const struct cli_cmd *c = cli_commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f, "\n`bpfsim help SUBCOMMAND` or `bpfsim SUBCOMMAND --help` for "
		   "details; `man bpfsim` and README.md for the scenario format.\n"
		   "Exit status: 0 ok, 1 runtime failure, 2 bad input, 130/143 "
		   "interrupted.\n");
}

static void print_params(const struct model_param *p)
{
	for (; p->key; p++)
		printf("    %-28s %-16s %-14s %s\n", p->key, p->type,
		       p->def ? p->def : "(required)", p->help);
}

static void print_model(const struct model *m)
{
	printf("%s - %s\n", m->name, m->summary);
	if (m->strategy_key) {
		printf("  strategies (key %s):", m->strategy_key);
		for (size_t i = 0; m->strategies[i]; i++)
			printf(" %s", m->strategies[i]);
		putchar('\n');
	}
	printf("  parameters:\n");
	print_params(m->params);
	/* Each strategy's own keys, from its table. */
	struct model_strategy st;
	for (size_t i = 0; m->strategy_key && m->strategies[i]; i++)
		if (m->strategy_doc && m->strategy_doc(i, &st) == 0) {
			printf("  parameters of %s: %s - %s:\n", m->strategy_key,
			       st.name, st.summary);
			print_params(st.params);
		}
	printf("  metrics:\n");
	for (const struct model_metric *mm = m->metrics; mm->name; mm++)
		printf("    %-28s %-10s %s\n", mm->name, mm->unit, mm->help);
}

static int cmd_models(int argc, char **argv)
{
	if (argc > 1 && is_help(argv[1])) {
		fputs(cli_find("models")->help, stdout);
		return 0;
	}
	if (argc > 2) {
		fprintf(stderr, "bpfsim models: expected at most one model name\n");
		return 2;
	}
	int shown = 0;
	for (size_t i = 0; model_registry[i]; i++) {
		if (argc == 2 && strcmp(argv[1], model_registry[i]->name))
			continue;
		if (shown++)
			putchar('\n');
		print_model(model_registry[i]);
	}
	if (!shown) {
		fprintf(stderr, "bpfsim models: unknown model '%s'\n", argv[1]);
		return 2;
	}
	printf("\nCommon scenario keys (README \"Scenario format\"): model, name, "
	       "description, include,\nseed (1), replications (20), duration (0 = "
	       "until the model ends), caps {max_events,\nmax_live_tasks, max_wall}, "
	       "compare [strategies], window (1ms), warmup (none),\nregime {...}, "
	       "sweep {...}, precision {...}, capacity {...}, phase {x, y}.\n");
	return 0;
}

static int is_help(const char *a)
{
	return !strcmp(a, "-h") || !strcmp(a, "--help");
}

static int cmd_help(int argc, char **argv)
{
	if (argc >= 2 && is_help(argv[1])) {
		fputs(cli_find("help")->help, stdout);
		return 0;
	}
	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	const struct cli_cmd *c = cli_find(argv[1]);
	if (!c) {
		fprintf(stderr, "bpfsim help: unknown subcommand '%s'\n", argv[1]);
		return 2;
	}
	fputs(c->help, stdout);
	return 0;
}

static int cmd_version(int argc, char **argv)
{
	if (argc >= 2 && is_help(argv[1])) {
		fputs(cli_find("version")->help, stdout);
		return 0;
	}
	printf("bpfsim %s\n", BPFSIM_VERSION);
	return 0;
}

int main(int argc, char **argv)
{
	gsl_set_error_handler_off();
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))
		return cmd_version(0, NULL);
	const struct cli_cmd *c = cli_find(argv[1]);
	if (!c) {
		const char *names[32];
		size_t k = 0;
		for (; cli_commands[k].name && k < 31; k++)
			names[k] = cli_commands[k].name;
		names[k] = NULL;
		const char *s = ynode_suggest(NULL, argv[1], names);
		if (s)
			fprintf(stderr, "bpfsim: unknown subcommand '%s' (did you mean "
				"'%s'?)\n", argv[1], s);
		else
			fprintf(stderr, "bpfsim: unknown subcommand '%s' (see bpfsim "
				"--help)\n", argv[1]);
		return 2;
	}
	return c->fn(argc - 1, argv + 1);
}
