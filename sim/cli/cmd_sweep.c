/* cmd_sweep.c - `bpfsim sweep`: many points, one job pool.
 *
 * An experiment is points x strategies x replications (experiment.h): job
 * (p, s, r) uses seed (scenario seed, r) at every point and for every
 * strategy, so paired differences and curves along an axis are smooth,
 * and the outputs are byte-identical whatever the threads, MPI ranks,
 * shards or resumes.  --manifest lists the jobs; --shard I/N runs share I
 * of them into a folder `bpfsim merge` combines; --resume DIR runs only
 * what DIR's jobs.csv lacks.
 */
#include <stdio.h>
#include <string.h>

#include "sim/cli/cli.h"
#include "sim/cli/drive.h"
#include "sim/cli/sweep_load.h"
#include "sim/exp/mpi_runner.h"

/* One line per job: what `--shard` splits. */
static void print_manifest(struct experiment *x, const struct cli_opts *o)
{
	const struct sweep *sw = &x->base->sweep;
	size_t idx = 0;
	for (size_t p = 0; p < x->np; p++) {
		for (size_t s = 0; s < x->ns; s++) {
			struct exp_cell *c = exp_cell(x, p, s);
			for (size_t r = 0; r < c->nreps; r++, idx++) {
				printf("job %zu point %zu strategy %s replication %zu "
				       "seed %llu", idx, p, exp_strategy(x, s), r,
				       (unsigned long long)x->pts[p]->seed);
				for (size_t a = 0; a < sw->naxes; a++) {
					char set[300];
					sweep_point_set(sw, p, a, set, sizeof(set));
					printf(" %s", set);
				}
				putchar('\n');
			}
		}
	}
	printf("# %zu jobs; run share I of N with: bpfsim sweep %s", idx,
	       o->scenario);
	for (size_t i = 0; i < o->nsweeps; i++)
		printf(" --sweep '%s'", o->sweeps[i]);
	printf(" --shard I/N --out DIR_I, then bpfsim merge DIR_1 ... DIR_N\n");
}

int sweep_finish(struct experiment *x, const struct cli_opts *o,
		 const char *dir, struct err *e)
{
	return drive_finish_folder(x, o, dir, "points.csv, differences.csv, "
				   "summary.json, jobs.csv", exp_write_sweep, e);
}

extern const struct cli_cmd cli_cmd_sweep;

static int sweep_main(int argc, char **argv)
{
	struct cli_opts o;
	struct err e;
	struct experiment x = { 0 };
	int rc = cli_parse(&cli_cmd_sweep, argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	err_init(&e);
	if (sweep_load(&x, o.scenario, &o, 0, &e) || exp_grow_all(&x, &e))
		return drive_exit(&x, &e, 1);
	if (o.manifest) {
		print_manifest(&x, &o);
		return drive_exit(&x, &e, 0);
	}
	rc = drive_experiment(&x, &o, "sweep", "-sweep", sweep_finish, &e);
	return drive_exit(&x, &e, rc);
}

static int cmd_sweep(int argc, char **argv)
{
	mpi_begin(&argc, &argv);
	int rc = sweep_main(argc, argv);
	mpi_end();
	return rc;
}

const struct cli_cmd cli_cmd_sweep = {
	"sweep", cmd_sweep,
	"run a grid of parameter values (points x strategies x replications)",
	"usage: bpfsim sweep SCENARIO [--sweep PATH=VALUES]... [options]\n\n"
	"Runs every point of the cartesian product of the sweep axes (the\n"
	"scenario's `sweep:` block plus --sweep options) with every strategy\n"
	"(compare: list or --strategies) and R replications each, as one pool\n"
	"of jobs on all cores.  Writes points.csv (per point and strategy:\n"
	"parameters, then mean, CI low, CI high of every metric),\n"
	"differences.csv (paired differences between strategies),\n"
	"summary.json, jobs.csv (every job's exact result), series.csv and\n"
	"scenario.resolved.yaml (the whole experiment).\n",
	"  --sweep PATH=V1,V2,...     an axis from a list of values\n"
	"  --sweep PATH=LO:HI:N[:log] an axis of N values from LO to HI\n"
	"  --strategies LIST          strategies to run at every point\n"
	"  --manifest                 print one line per job and exit\n",
	CLI_EXPERIMENT_OPTS | CLI_OPT(CLI_STRATEGIES) | CLI_OPT(CLI_SWEEP) |
	CLI_OPT(CLI_MANIFEST), CLI_ARGS_SCENARIO,
	"Under MPI (make MPI=1; mpirun -n K bpfsim sweep ...) rank 0 hands\n"
	"jobs to the other ranks; the output is the same bytes (so for run,\n"
	"compare, phase and capacity).\n",
};
