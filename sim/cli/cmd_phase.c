/* cmd_phase.c - `bpfsim phase`: a regime map over two parameters.
 *
 * A sweep over exactly two axes (--x, --y or the scenario's phase: block)
 * whose outputs add phase.csv (regime and overhead ratio per cell and
 * strategy) and print, per strategy, the map of regimes, the boundary
 * where runs start to explode, and where strategy 0 explodes but another
 * does not.  Strategies are compared by default (the model's first two).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli/cli.h"
#include "sim/cli/drive.h"
#include "sim/cli/sweep_load.h"
#include "sim/exp/mpi_runner.h"
#include "sim/exp/regime.h"
#include "sim/exp/report.h"
#include "sim/out.h"
#include "sim/outdir.h"

static const char regime_letter[REGIME_COUNT + 1] = { 'C', 'S', 'O', 'E', '?' };

/* phase.csv, the per-strategy maps and boundaries, and the difference map
 * (cells where strategy 0 explodes and another does not). */
static int write_phase(struct experiment *x, const char *dir, struct err *e)
{
	const struct sweep *sw = &x->base->sweep;
	const struct sweep_axis *ax = &sw->axes[0], *ay = &sw->axes[1];
	int oi = model_metric_index(x->base->model, "overhead_ratio");
	int *reg = calloc(x->np * x->ns, sizeof(int));
	struct stat_summary *ov = calloc(x->np * x->ns, sizeof(*ov));
	struct out_file f = { 0 };
	int rc = 0;
	if (!reg || !ov) {
		rc = err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		goto out;
	}
	for (size_t p = 0; p < x->np; p++) {
		struct report rep;
		if (exp_point_report(x, p, &rep)) {
			rc = err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
			goto out;
		}
		for (size_t s = 0; s < x->ns; s++) {
			reg[p * x->ns + s] = report_regime(&rep, s);
			if (oi >= 0)
				ov[p * x->ns + s] = rep.sum[s * x->nm + (size_t)oi];
		}
		report_fini(&rep);
	}
	if (out_open(&f, dir, OUTDIR_PHASE_CSV, e)) {
		rc = e->status;
		goto out;
	}
	fprintf(f.f, "%s,%s,strategy,regime,overhead_ratio_mean,"
		     "overhead_ratio_ci_low,overhead_ratio_ci_high\n",
		ax->path, ay->path);
	for (size_t p = 0; p < x->np; p++) {
		for (size_t s = 0; s < x->ns; s++) {
			const struct stat_summary *su = &ov[p * x->ns + s];
			out_csv_field(f.f, ax->values[sweep_index(sw, p, 0)]);
			fputc(',', f.f);
			out_csv_field(f.f, ay->values[sweep_index(sw, p, 1)]);
			fprintf(f.f, ",%s,%s",
				exp_strategy(x, s),
				regime_names[reg[p * x->ns + s]]);
			exp_ci_cols(f.f, su);
			fputc('\n', f.f);
		}
	}
	if (out_commit(&f, e)) {
		rc = e->status;
		goto out;
	}
	/* Maps: y down the side (largest on top), x along the bottom. */
	for (size_t s = 0; s < x->ns; s++) {
		printf("\n%s (C converging, S stable, O oscillating, E exploding):\n",
		       x->base->strategy[s][0] ? x->base->strategy[s] : "regimes");
		for (size_t iy = ay->n; iy-- > 0;) {
			printf("  %14s |", ay->values[iy]);
			for (size_t ix = 0; ix < ax->n; ix++) {
				size_t p = ix * ay->n + iy;
				printf(" %c", regime_letter[reg[p * x->ns + s]]);
			}
			putchar('\n');
		}
		printf("  %14s  x: %s from %s to %s (%zu values%s)\n", "", ax->path,
		       ax->values[0], ax->values[ax->n - 1], ax->n,
		       ax->log ? ", log" : "");
		printf("  boundary (smallest %s that explodes, per %s):\n", ax->path,
		       ay->path);
		for (size_t iy = 0; iy < ay->n; iy++) {
			const char *at = NULL;
			for (size_t ix = 0; ix < ax->n && !at; ix++)
				if (reg[(ix * ay->n + iy) * x->ns + s] == REGIME_EXPLODING)
					at = ax->values[ix];
			printf("    %s = %-12s %s\n", ay->path, ay->values[iy],
			       at ? at : "none in range");
		}
	}
	for (size_t s = 1; s < x->ns; s++) {
		size_t n = 0;
		printf("\n%s explodes where %s does not (*):\n",
		       x->base->strategy[0], x->base->strategy[s]);
		for (size_t iy = ay->n; iy-- > 0;) {
			printf("  %14s |", ay->values[iy]);
			for (size_t ix = 0; ix < ax->n; ix++) {
				size_t p = ix * ay->n + iy;
				int a = reg[p * x->ns] == REGIME_EXPLODING;
				int b = reg[p * x->ns + s] == REGIME_EXPLODING;
				printf(" %c", a && !b ? '*' : !a && b ? '+' : '.');
				n += a && !b;
			}
			putchar('\n');
		}
		printf("  %zu cell%s (+: the other way round)\n", n, n == 1 ? "" : "s");
	}
out:
	free(reg);
	free(ov);
	return rc;
}

/* A phase axis error names the axis's origin: --x/--y, or its value in the
 * scenario's phase: block (key NULL: the block itself). */
static void phase_origin(struct err *e, struct scenario *probe, const char *key,
			 const char *opt, const char *cli)
{
	if (cli) {
		snprintf(e->file, sizeof(e->file), "%s '%s'", opt, cli);
		e->line = e->col = 0;
		return;
	}
	struct ynode *n = ytree_find(probe->tree, "phase");
	if (key)
		n = ynode_peek(n, key);
	if (n && n->line > 0) {
		snprintf(e->file, sizeof(e->file), "%s", n->file);
		e->line = n->line;
		e->col = n->col;
	}
}

/* A phase diagram's folder: a sweep's, phase.csv and the maps. */
static int write_all(struct experiment *x, const char *dir, struct err *e)
{
	if (exp_write_sweep(x, dir, e) || write_phase(x, dir, e))
		return e->status;
	putchar('\n');
	return 0;
}

int phase_finish(struct experiment *x, const struct cli_opts *o,
		 const char *dir, struct err *e)
{
	return drive_finish_folder(x, o, dir, "phase.csv, points.csv, "
				   "differences.csv, summary.json, jobs.csv",
				   write_all, e);
}

extern const struct cli_cmd cli_cmd_phase;

static int cmd_phase(int argc, char **argv)
{
	const struct cli_cmd *cmd = &cli_cmd_phase;
	struct cli_opts o;
	struct err e;
	struct experiment x = { 0 };
	struct scenario *probe = NULL;
	int rc = cli_parse(cmd, argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	err_init(&e);
	if (!(probe = drive_load(&o, NULL, 0, NULL, &e)))
		goto fail;
	char xs[512], ys[512];
	snprintf(xs, sizeof(xs), "%s", o.phase_x ? o.phase_x
		 : probe->phase.x ? probe->phase.x : "");
	snprintf(ys, sizeof(ys), "%s", o.phase_y ? o.phase_y
		 : probe->phase.y ? probe->phase.y : "");
	if (!xs[0] || !ys[0]) {
		err_set(&e, ERR_INPUT, o.scenario, 0, 0,
			"a phase diagram needs two axes: --x PATH=lo:hi:n[:log] "
			"--y PATH=lo:hi:n[:log] (or a phase: {x, y} block)");
		phase_origin(&e, probe, NULL, NULL, NULL);
		goto fail;
	}
	struct cli_opts o2 = o;
	o2.sweeps[0] = xs;
	o2.sweeps[1] = ys;
	o2.nsweeps = 2;
	if (sweep_load(&x, o.scenario, &o2, 1, &e)) {
		char wx[540], wy[540];
		snprintf(wx, sizeof(wx), "--sweep '%s'", xs);
		snprintf(wy, sizeof(wy), "--sweep '%s'", ys);
		if (!strcmp(e.file, wx))
			phase_origin(&e, probe, "x", "--x", o.phase_x);
		else if (!strcmp(e.file, wy))
			phase_origin(&e, probe, "y", "--y", o.phase_y);
		goto fail;
	}
	if (x.base->sweep.naxes != 2) {
		err_set(&e, ERR_INPUT, o.scenario, 0, 0,
			"--x and --y must name two different parameters");
		phase_origin(&e, probe, "y", "--y", o.phase_y);
		goto fail;
	}
	/* The axes run are the resolved scenario's phase: block too, so that
	 * `bpfsim phase` on scenario.resolved.yaml runs this grid (the phase:
	 * block, not the sweep: one, gives phase its axes). */
	char px[540], py[540];
	snprintf(px, sizeof(px), "phase.x=%s", xs);
	snprintf(py, sizeof(py), "phase.y=%s", ys);
	if (ytree_set_path(x.base->tree, px, &e) ||
	    ytree_set_path(x.base->tree, py, &e))
		goto fail;
	rc = drive_experiment(&x, &o, "phase", "-phase", phase_finish, &e);
	goto out;
fail:
	rc = 1;
out:
	scenario_free(probe);
	return drive_exit(&x, &e, rc);
}

const struct cli_cmd cli_cmd_phase = {
	"phase", cmd_phase,
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
	"sweep writes.  The scenario's phase: {x, y} block gives the defaults.\n",
	"  --x PATH=LO:HI:N[:log]  the horizontal axis\n"
	"  --y PATH=LO:HI:N[:log]  the vertical axis\n"
	"  --strategies LIST       strategies to map\n",
	CLI_EXPERIMENT_OPTS | CLI_OPT(CLI_STRATEGIES) | CLI_OPT(CLI_X) |
	CLI_OPT(CLI_Y), CLI_ARGS_SCENARIO, NULL,
};
