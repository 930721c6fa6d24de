/* cmd_run.c - `bpfsim run` and `bpfsim compare`.
 *
 * Both load and fully validate the scenario before creating the output
 * folder (bad input leaves nothing behind), run strategies x replications as
 * one job pool, then write the outputs through temp files.  Replication r of
 * every strategy uses seed (scenario seed, r): common random numbers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plots/plot.h"
#include "sim/cli/cli.h"
#include "sim/cli/env.h"
#include "sim/exp/report.h"
#include "sim/exp/runner.h"
#include "sim/exp/scenario.h"
#include "sim/out.h"
#include "sim/outdir.h"

static int write_outputs(const char *dir, const struct scenario *sc,
			 const struct report *rep, struct err *e)
{
	struct out_file o;
	if (out_mkdir_p(dir, e))
		return e->status;
	if (out_open(&o, dir, OUTDIR_RESOLVED_YAML, e))
		return e->status;
	scenario_emit(sc, o.f);
	if (out_commit(&o, e))
		return e->status;
	if (out_open(&o, dir, OUTDIR_REPLICATIONS_CSV, e))
		return e->status;
	report_write_replications_csv(rep, o.f);
	if (out_commit(&o, e))
		return e->status;
	if (out_open(&o, dir, OUTDIR_SUMMARY_CSV, e))
		return e->status;
	report_write_summary_csv(rep, o.f);
	if (out_commit(&o, e))
		return e->status;
	if (sc->model->series_cols && sc->series.window) {
		if (out_open(&o, dir, OUTDIR_SERIES_CSV, e))
			return e->status;
		report_write_series_csv(rep, o.f);
		if (out_commit(&o, e))
			return e->status;
	}
	/* summary.json last: its presence means the run's outputs are whole. */
	if (out_open(&o, dir, OUTDIR_SUMMARY_JSON, e))
		return e->status;
	report_write_json(rep, o.f);
	return out_commit(&o, e);
}

static int run_common(int argc, char **argv, int compare)
{
	const struct cli_cmd *cmd = cli_find(compare ? "compare" : "run");
	struct cli_opts o;
	struct err e;
	struct scenario *sc = NULL;
	struct runner_job *jobs = NULL;
	double *metrics = NULL;
	struct report rep = { 0 };
	int rc = cli_parse(cmd, argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (!compare && o.strategies) {
		fprintf(stderr, "bpfsim run: --strategies belongs to compare\n");
		return 2;
	}
	err_init(&e);
	sc = scenario_load(&cli_env, o.scenario, o.sets, o.nsets, compare, o.strategies, &e);
	if (!sc)
		goto fail;
	/* Command-line overrides go into the tree too, so that
	 * scenario.resolved.yaml reproduces this very run. */
	char num[32];
	if (o.reps > 0) {
		sc->replications = (uint64_t)o.reps;
		snprintf(num, sizeof(num), "%ld", o.reps);
		ynode_set_scalar(ytree_root(sc->tree), "replications", num);
	}
	if (o.seed >= 0) {
		sc->seed = (uint64_t)o.seed;
		snprintf(num, sizeof(num), "%lld", o.seed);
		ynode_set_scalar(ytree_root(sc->tree), "seed", num);
	}

	size_t ns = sc->nstrategies, nr = sc->replications;
	size_t nm = model_metric_count(sc->model);
	jobs = calloc(ns * nr, sizeof(*jobs));
	metrics = calloc(ns * nr * nm, sizeof(double));
	if (!jobs || !metrics) {
		err_set(&e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		goto fail;
	}
	for (size_t s = 0; s < ns; s++) {
		for (size_t r = 0; r < nr; r++) {
			/* series.csv: the first replication of each strategy */
			scenario_job(sc, s, r, &metrics[(s * nr + r) * nm], r == 0,
				     &jobs[s * nr + r]);
		}
	}
	cli_install_signals();
	struct cli_progress pr = { .t0 = cli_now(), .what = sc->name,
				   .unit = "replications" };
	int tty = !o.quiet && isatty(STDERR_FILENO);
	runner_run(jobs, ns * nr, o.threads, &cli_interrupted,
		   tty ? cli_progress_show : NULL, &pr);
	if (tty)
		cli_progress_clear();
	if (report_build(&rep, sc, jobs, ns, nr)) {
		err_set(&e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		goto fail;
	}
	char dir[4096];
	if (o.out)
		snprintf(dir, sizeof(dir), "%s", o.out);
	else
		snprintf(dir, sizeof(dir), "out/%s", sc->name);
	if (write_outputs(dir, sc, &rep, &e))
		goto fail;
	if (!strcmp(o.format, "json"))
		report_write_json(&rep, stdout);
	else if (!strcmp(o.format, "csv"))
		report_write_summary_csv(&rep, stdout);
	else {
		report_print_table(&rep, stdout);
		printf("Outputs in %s/\n", dir);
	}
	if (!o.no_plots && !cli_interrupted)
		plot_outdir(dir, o.plot_format, NULL, stderr);
	rc = 0;
	for (size_t i = 0; i < ns; i++)
		if (rep.nfailed[i])
			rc = 1;
	if (cli_interrupted)
		fprintf(stderr, "bpfsim %s: interrupted; finished replications "
			"written to %s/ (marked incomplete)\n", cmd->name, dir);
	goto out;
fail:
	err_print(&e);
	rc = e.status ? e.status : 1;
out:
	report_fini(&rep);
	if (jobs)
		runner_jobs_release(jobs, sc ? sc->nstrategies * sc->replications : 0);
	free(jobs);
	free(metrics);
	scenario_free(sc);
	return cli_exit_status(rc);
}

int cmd_run(int argc, char **argv)
{
	return run_common(argc, argv, 0);
}

int cmd_compare(int argc, char **argv)
{
	return run_common(argc, argv, 1);
}
