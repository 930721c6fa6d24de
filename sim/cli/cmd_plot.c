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
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "plots/plot.h"
#include "sim/cli/cli.h"

int cmd_plot(int argc, char **argv)
{
	const struct cli_cmd *cmd = cli_find("plot");
	static const struct option longopts[] = {
		{ "plot-format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *format = NULL;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(cmd->help, stdout);
			return 0;
		case 'f':
			if (plot_format_check(optarg)) {
				fprintf(stderr, "bpfsim plot: --plot-format must be %s "
					"(got '%s')\n", PLOT_FORMATS, optarg);
				return 2;
			}
			format = optarg;
			break;
		default:
			fprintf(stderr, "bpfsim plot: unknown option '%s' (see bpfsim "
				"plot --help)\n", argv[optind - 1]);
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "bpfsim plot: expected an output folder\n%s",
			cmd->help);
		return 2;
	}
	int rc = 0;
	for (int i = optind; i < argc; i++) {
		int r = plot_path(argv[i], format, stdout, stderr);
		if (r > rc)
			rc = r;
	}
	return rc;
}
