/* plot.h - figures from an output folder, drawn by gnuplot.
 *
 * Purpose: turn the CSV files bpfsim writes (summary.csv, series.csv,
 * points.csv, ...) into figures people paste into a design review.  Each
 * figure kind is a gnuplot script plots/NAME.gp (embedded in the binary) plus
 * a C "preparer" that reads the folder, decides whether the figure applies,
 * writes the figure's derived data file(s) and the script's parameters.
 *
 * What lands in the output folder DIR, per figure that applies:
 *   NAME.dat   the derived data (plain columns, blocks separated by two blank
 *              lines: gnuplot's `index`), written through out.h (whole or
 *              absent);
 *   NAME.gp    the script, preceded by its parameters as defaults
 *              (`if (!exists("title")) title = '...'`), so that
 *              `cd DIR && gnuplot NAME.gp` redraws NAME.png by hand, and
 *              `gnuplot -e "fmt='svg'" NAME.gp` draws NAME.svg;
 *   NAME.png / NAME.svg  the figure (pngcairo / svg terminal).  gnuplot
 *              writes to a temporary name that is renamed once gnuplot exited
 *              with status 0, so a figure is also whole or absent.
 *
 * gnuplot: found by searching PATH for an executable `gnuplot`; one process
 * per figure and format, fed through a pipe (popen).  Its stderr goes to a
 * temporary log in DIR, shown (last lines) when it fails and removed.
 * Without gnuplot the data and scripts are still written and ONE warning says
 * how to draw them; that is not an error.
 *
 * Figure kinds (the registry in plot.c, in drawing order):
 *   timeline    run/compare: payload vs BPF CPU time per window (series.csv,
 *               first replication), one line per strategy;
 *   compare     run/compare: key metrics' means with 95% CI bars per strategy
 *               (summary.csv);
 *   sweep       sweep: key metrics vs the first axis, one line per strategy
 *               (and per value of further axes), 95% CI bands (points.csv);
 *               log x axis when the axis values are geometrically spaced;
 *               not for phase folders (the phase figure shows that grid);
 *   validation  sweeps of model mmc, in DIR or its immediate subfolders:
 *               simulated mean wait / mean service time with 95% CI bars
 *               over the exact Erlang C curve, one curve per server count,
 *               and simulated/exact below;
 *   phase       phase folders (phase.csv): the regime of every cell per
 *               strategy, the overhead ratio per strategy (log colour
 *               scale), where one strategy explodes and the first does not
 *               (and the reverse), and the second strategy's overhead ratio
 *               over the first's;
 *   portrait    folders whose series.csv has backlog_avg and overhead_ratio
 *               (runqslower): trajectories in (backlog, overhead ratio)
 *               space, one per strategy of a run, or up to 6 (point,
 *               strategy) runs of a sweep or phase spread over the regimes;
 *               arrows show the direction of time;
 *   capacity    capacity folders (capacity.csv, capacity.json): the
 *               objective's metrics vs the searched parameter (log x), CI
 *               bars per probe, the threshold, each strategy's capacity and
 *               its interval; a zoom on the capacities beside;
 *   calibration per calibration file in DIR (or the file plot_path() was
 *               given): each measured distribution's histogram with the
 *               chosen fit and the alternatives (AIC, KS in the legend);
 *               figure calibration-STEM for STEM.yaml.
 * Which folder is which: summary.json with an "axes" key is a sweep's (or a
 * phase's: phase.csv beside it), any other summary.json a run's or
 * compare's (summary.json is written last, so its presence also means the
 * outputs are whole); capacity.csv a capacity search's.  File names, JSON
 * keys and CSV columns come from sim/outdir.h; JSON files are parsed
 * (ytree_load_json), so a summary.json re-saved by jq or python plots the
 * same, and one that is not JSON fails the folder (status 1, "summary.json:
 * LINE:COL: ...") instead of drawing nothing.
 *
 * Adding a figure: write plots/NAME.gp (parameters documented at its top,
 * read `data`, `out`, `fmt`), add PLOT_SCRIPT(NAME) to plots/plot_scripts.c,
 * write its preparer (plot_fig.h has the helpers) and add one line to the
 * registry in plot.c.
 *
 * Units: data files hold display units chosen per figure (ms of CPU time per
 * window, % for ratios, ns/us/ms/s by magnitude for durations), named in the
 * axis labels.
 */
#ifndef BPFSIM_PLOT_H
#define BPFSIM_PLOT_H

#include <stdio.h>

/* Accepted values of --plot-format; NULL means "png". */
#define PLOT_FORMATS "png, svg, pdf, both (png and svg) or all"

/* 0 if `format` is NULL or one of PLOT_FORMATS; -1 otherwise. */
int plot_format_check(const char *format);
/* 0 when path holds a whole figure of format fmt ("png": ends with the
 * IEND chunk; "svg": ends with </svg>; "pdf": %%EOF at its end), -1 when
 * truncated or unreadable. */
int plot_figure_complete(const char *path, const char *fmt);

/* Draw every figure the files in `dir` support, in `format` (NULL = png).
 * The name of each figure file written goes to `drawn` (NULL: not listed);
 * warnings (gnuplot missing or failing, a figure skipped) go to `warn`, one
 * line each, prefixed "bpfsim plot: ".
 * Returns 0 when every applicable figure was drawn, or its data and script
 * written without gnuplot; 1 when writing a file failed or gnuplot failed
 * on some figure (the others are still drawn); 2 when `dir` holds nothing
 * to plot (no summary.json, capacity.csv or calibration file here, no
 * summary.json in a subfolder) or `format` is bad. */
int plot_outdir(const char *dir, const char *format, FILE *drawn, FILE *warn);

/* plot_outdir() for a folder; for a file, the calibration figure of that
 * calibration file, drawn in the file's folder (2 when it is not a
 * calibration file with a measured distribution). */
int plot_path(const char *path, const char *format, FILE *drawn, FILE *warn);

#endif
