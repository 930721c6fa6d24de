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
 *   validation  sweeps of model mmc, in DIR or its immediate subfolders:
 *               simulated mean wait / mean service time with 95% CI bars
 *               over the exact Erlang C curve, one curve per server count,
 *               and simulated/exact below.
 * Which folder is which: summary.json with an "axes" key is a sweep's, any
 * other summary.json a run's or compare's (summary.json is written last, so
 * its presence also means the outputs are whole).
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
#define PLOT_FORMATS "png, svg or both"

/* 0 if `format` is NULL, "png", "svg" or "both"; -1 otherwise. */
int plot_format_check(const char *format);

/* Draw every figure the files in `dir` support, in `format` (NULL = png).
 * The name of each figure file written goes to `drawn` (NULL: not listed);
 * warnings (gnuplot missing or failing, a figure skipped) go to `warn`, one
 * line each, prefixed "bpfsim plot: ".
 * Returns 0 when every applicable figure was drawn, or its data and script
 * written without gnuplot; 1 when writing a file failed or gnuplot failed
 * on some figure (the others are still drawn); 2 when `dir` holds nothing
 * to plot (no summary.json here nor in a subfolder) or `format` is bad. */
int plot_outdir(const char *dir, const char *format, FILE *drawn, FILE *warn);

#endif
