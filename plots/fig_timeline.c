/* fig_timeline.c - payload vs BPF CPU time per window (plots/timeline.gp).
 *
 * Applies to run/compare folders whose series.csv has payload_ns and bpf_ns
 * columns (the runqslower model).  Uses each strategy's first replication
 * in the file (series.csv keeps replication 0 only).  A sweep's series.csv
 * (leading `point` column) is not drawn: one timeline per point would bury
 * the sweep figure.
 *
 * Off-scale windows: the first windows of a run can dwarf the rest (every
 * task is created at t = 0: sched_wakeup_new and map creation for all of
 * them).  When a panel's largest value exceeds 3x its 99th percentile (or
 * its 4th largest value, whichever is lower), its axis stops at 1.3x that
 * and the peak is named in the panel's title, so the steady state (and a
 * transient longer than 1% of the windows) stays readable.  Needs 20
 * windows or more.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plots/plot_fig.h"
#include "sim/out.h"

#define MAX_STRAT 16

/* Axis cap for values v[0..n) (reordered): 0 = autoscale. */
static double axis_cap(double *v, size_t n, double *peak)
{
	*peak = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i] > *peak)
			*peak = v[i];
	if (n < 20)
		return 0;
	/* The top 1% of windows, and at least the top 3 (a short run's
	 * start-up window of each strategy), may be off scale. */
	double top = 3.0 / (double)n > 0.01 ? 3.0 / (double)n : 0.01;
	double q = plot_percentile(v, n, 1 - top);
	return q > 0 && *peak > 3 * q ? 1.3 * q : 0;
}

static int fig_timeline_prepare(const struct plot_ctx *c, struct plot_vars *v,
			 struct err *e)
{
	struct plot_csv t;
	struct out_file o = { 0 };
	double *pay = NULL, *bpf = NULL;
	int rc = c->kind == PLOT_RUN ? plot_csv_read(&t, c->dir, OUTDIR_SERIES_CSV, e)
				     : 0;
	if (rc != 1)
		return rc;
	int cs = plot_csv_col(&t, OUTDIR_COL_STRATEGY), cr = plot_csv_col(&t, OUTDIR_COL_REPLICATION),
	    cw = plot_csv_col(&t, OUTDIR_COL_WINDOW_START_NS),
	    cp = plot_csv_col(&t, "payload_ns"), cb = plot_csv_col(&t, "bpf_ns");
	if (cs < 0 || cr < 0 || cw < 0 || cp < 0 || cb < 0 || t.nrows == 0 ||
	    plot_csv_col(&t, OUTDIR_COL_POINT) >= 0) {
		rc = 0;
		goto out;
	}
	/* Strategies in order of appearance, each with its first replication. */
	const char *strat[MAX_STRAT], *rep[MAX_STRAT];
	size_t first[MAX_STRAT];
	size_t ns = plot_csv_distinct(&t, cs, strat, first, MAX_STRAT);
	for (size_t k = 0; k < ns; k++)
		rep[k] = plot_csv_str(&t, first[k], cr);
	/* Window width: the step between a strategy's first two windows. */
	double window = NAN;
	for (size_t r = 1; r < t.nrows && !isfinite(window); r++)
		if (!strcmp(plot_csv_str(&t, r, cs), strat[0]) &&
		    !strcmp(plot_csv_str(&t, r, cr), rep[0]))
			window = plot_csv_num(&t, r, cw) - plot_csv_num(&t, 0, cw);
	if (!(window > 0))
		window = 1e6;
	pay = malloc(t.nrows * sizeof(double));
	bpf = malloc(t.nrows * sizeof(double));
	if (!pay || !bpf) {
		err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		rc = -1;
		goto out;
	}
	rc = -1;
	if (out_open(&o, c->dir, "timeline.dat", e))
		goto out;
	/* Time axis in ms, or in s past 10 s of simulated time. */
	double tmax = 0;
	for (size_t r = 0; r < t.nrows; r++)
		if (plot_csv_num(&t, r, cw) > tmax)
			tmax = plot_csv_num(&t, r, cw);
	int secs = tmax + window > 1e10;
	double tscale = secs ? 1e-9 : 1e-6;
	fprintf(o.f, "# timeline: CPU time per window summed over CPUs, first "
		"replication of each strategy\n"
		"# columns: time_%s (window midpoint) payload_ms bpf_ms "
		"backlog (mean tasks waiting in the runqueues; NaN when not "
		"recorded); one block per strategy\n", secs ? "s" : "ms");
	int cbk = plot_csv_col(&t, "backlog_avg");
	size_t n = 0;
	for (size_t k = 0; k < ns; k++) {
		fprintf(o.f, "%s# strategy %s, replication %s\n", k ? "\n\n" : "",
			strat[k], rep[k]);
		for (size_t r = 0; r < t.nrows; r++) {
			if (strcmp(plot_csv_str(&t, r, cs), strat[k]) ||
			    strcmp(plot_csv_str(&t, r, cr), rep[k]))
				continue;
			double when = (plot_csv_num(&t, r, cw) + window / 2) * tscale;
			pay[n] = plot_csv_num(&t, r, cp) * 1e-6;
			bpf[n] = plot_csv_num(&t, r, cb) * 1e-6;
			plot_data_num(o.f, when);
			fputc(' ', o.f);
			plot_data_num(o.f, pay[n]);
			fputc(' ', o.f);
			plot_data_num(o.f, bpf[n]);
			fputc(' ', o.f);
			plot_data_num(o.f, cbk < 0 ? NAN : plot_csv_num(&t, r, cbk));
			fputc('\n', o.f);
			if (isfinite(pay[n]) && isfinite(bpf[n]))
				n++;
		}
	}
	if (out_commit(&o, e))
		goto out;
	char title[256];
	snprintf(title, sizeof(title), "%s%spayload vs BPF bookkeeping over time",
		 c->scenario, c->scenario[0] ? ": " : "");
	plot_var_str(v, "title", title);
	plot_var_strs(v, "strategies", strat, ns);
	double colour[MAX_STRAT];
	for (size_t k = 0; k < ns; k++)
		colour[k] = plot_strategy_colour(strat[k], k);
	plot_var_nums(v, "colour", colour, ns);
	plot_var_num(v, "backlog", cbk >= 0);
	plot_var_num(v, "window_ms", window * 1e-6);
	plot_var_str(v, "tunit", secs ? "s" : "ms");
	double peak, cap = axis_cap(pay, n, &peak);
	plot_var_num(v, "payload_cap", cap);
	plot_var_num(v, "payload_peak", peak);
	cap = axis_cap(bpf, n, &peak);
	plot_var_num(v, "bpf_cap", cap);
	plot_var_num(v, "bpf_peak", peak);
	rc = 1;
out:
	out_abort(&o);
	free(pay);
	free(bpf);
	plot_csv_free(&t);
	return rc;
}

PLOT_FIGURE(timeline, fig_timeline_prepare, 0);
