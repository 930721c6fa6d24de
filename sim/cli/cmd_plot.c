/* cmd_plot.c - `bpfsim plot OUTDIR...`: redraw the figures of output folders.
 *
 * Reads only what the folder holds (summary.json, summary.csv, series.csv,
 * points.csv, phase.csv, capacity.csv/.json, calibration files,
 * scenario.resolved.yaml), so it works on folders from another machine,
 * from `merge`, or from runs made with --no-plots.  An argument that is a
 * file is a calibration file: its figure is drawn beside it.  Lists every
 * figure file written on stdout; warnings go to stderr.  Exit status: 0, 1
 * when a figure failed (gnuplot error, unwritable folder), 2 on bad usage or
 * a folder with nothing to plot.  A missing gnuplot is a warning, not an
 * error: the data and scripts are written for later.
 */
#include <stdio.h>
#include <string.h>

#include "plots/plot.h"
#include "sim/cli/cli.h"

static int cmd_plot(int argc, char **argv);

const struct cli_cmd cli_cmd_plot = {
	"plot", cmd_plot, "draw the figures of output folders (gnuplot)",
	"usage: bpfsim plot OUTDIR|CALFILE... [--plot-format png|svg|pdf|both|all]\n\n"
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
	"--no-plots.  Lists the figures written.\n",
	NULL, CLI_OPT(CLI_PLOT_FORMAT), CLI_ARGS_DIRS, NULL,
};

static int cmd_plot(int argc, char **argv)
{
	struct cli_opts o;
	int rc = cli_parse(&cli_cmd_plot, argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	for (int i = 0; i < o.ndirs; i++) {
		int r = plot_path(o.dirs[i], o.plot_format, stdout, stderr);
		if (r > rc)
			rc = r;
	}
	return rc;
}
