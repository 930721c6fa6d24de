/* fig_validate.c - bpfsim validate's figure: predicted against measured
 * (plots/validate.gp).
 *
 * Applies to a folder holding validation.csv (bpfsim validate writes it,
 * and no summary.json: the folder is neither a run's nor a sweep's).
 * Rows are grouped into four panels by metric - per-invocation BPF time,
 * invocations per second, BPF share and overhead ratio, runqueue wait
 * p50/p99 (cpu_busy is left out: it is context) - and converted to
 * display units (ns, 1/s, %, us).  A row whose measured or predicted value
 * is not positive cannot sit on a log axis and is left out; a missing CI
 * is drawn as none.  Each panel's range covers its points and their CIs
 * with a margin, the same on both axes so that y = x is the diagonal.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plots/plot_fig.h"
#include "sim/out.h"

#define MAX_LOADS 16

struct panel {
	const char *title, *unit;
	double scale;            /* value x scale = display value */
	double lo, hi;           /* range of what is drawn */
};

/* Panel of a metric (-1: not drawn) and its short label. */
static int panel_of(const char *metric, const char **label)
{
	static const struct {
		const char *name, *label;
		int panel;
	} map[] = {
		{ "per_run_sched_wakeup", "w", 0 },
		{ "per_run_sched_wakeup_new", "n", 0 },
		{ "per_run_sched_switch", "s", 0 },
		{ "runs_per_s_sched_wakeup", "w", 1 },
		{ "runs_per_s_sched_wakeup_new", "n", 1 },
		{ "runs_per_s_sched_switch", "s", 1 },
		{ "bpf_share", "share", 2 },
		{ "overhead_ratio", "ovh", 2 },
		{ "wait_p50", "50", 3 },
		{ "wait_p99", "99", 3 },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(metric, map[i].name)) {
			*label = map[i].label;
			return map[i].panel;
		}
	return -1;
}

static int fig_validate_prepare(const struct plot_ctx *c, struct plot_vars *v,
			 struct err *e)
{
	struct plot_csv t;
	struct out_file o = { 0 };
	struct panel pan[4] = {
		{ "BPF time per invocation (w, n, s: wakeup, wakeup_new, switch)",
		  "ns", 1, INFINITY, 0 },
		{ "invocations per second (w, n, s)", "1/s", 1, INFINITY, 0 },
		{ "BPF share of CPU time, overhead ratio", "%", 100, INFINITY, 0 },
		{ "runqueue wait p50, p99", "us", 1e-3, INFINITY, 0 },
	};
	const char *loads[MAX_LOADS];
	size_t nloads = 0;
	int rc = plot_csv_read(&t, c->dir, OUTDIR_VALIDATION_CSV, e);
	if (rc != 1)
		return rc;
	int cl = plot_csv_col(&t, "load"), cs = plot_csv_col(&t, "storage"),
	    cm = plot_csv_col(&t, OUTDIR_COL_METRIC), cx = plot_csv_col(&t, "measured"),
	    cy = plot_csv_col(&t, "predicted"), clo = plot_csv_col(&t, OUTDIR_COL_CI_LOW),
	    chi = plot_csv_col(&t, OUTDIR_COL_CI_HIGH);
	rc = 0;
	if (cl < 0 || cs < 0 || cm < 0 || cx < 0 || cy < 0 || !t.nrows)
		goto out;
	rc = -1;
	if (out_open(&o, c->dir, "validate.dat", e))
		goto out;
	fputs("# bpfsim validate: measured predicted ci_low ci_high kind load "
	      "label, one block per panel (display units)\n", o.f);
	int any = 0;
	for (int p = 0; p < 4; p++) {
		fprintf(o.f, "%s# %s\n", p ? "\n\n" : "", pan[p].title);
		int rows = 0;
		for (size_t r = 0; r < t.nrows; r++) {
			const char *label;
			if (panel_of(plot_csv_str(&t, r, cm), &label) != p)
				continue;
			double s = pan[p].scale;
			double x = plot_csv_num(&t, r, cx) * s,
			       y = plot_csv_num(&t, r, cy) * s,
			       lo = plot_csv_num(&t, r, clo) * s,
			       hi = plot_csv_num(&t, r, chi) * s;
			if (!(x > 0) || !(y > 0) || !isfinite(x) || !isfinite(y))
				continue;
			if (!(lo > 0) || !isfinite(hi)) {
				lo = y;
				hi = y;
			}
			const char *ld = plot_csv_str(&t, r, cl);
			size_t li = 0;
			while (li < nloads && strcmp(loads[li], ld))
				li++;
			if (li == nloads) {
				if (nloads == MAX_LOADS)
					continue;
				loads[nloads++] = ld;
			}
			int kind = !strcmp(plot_csv_str(&t, r, cs), "task_storage");
			double row[4] = { x, y, lo, hi };
			for (int j = 0; j < 4; j++) {
				plot_data_num(o.f, row[j]);
				fputc(' ', o.f);
			}
			fprintf(o.f, "%d %zu \"%s\"\n", kind, li, label);
			pan[p].lo = fmin(pan[p].lo, fmin(x, lo));
			pan[p].hi = fmax(pan[p].hi, fmax(x, hi));
			rows++;
		}
		if (!rows)
			fputs("nan nan nan nan 0 0 \"\"\n", o.f);
		any |= rows > 0;
	}
	if (!any) {
		out_abort(&o);
		rc = 0;
		goto out;
	}
	if (out_commit(&o, e))
		goto out;
	const char *titles[4], *units[4];
	double lo[4], hi[4];
	for (int p = 0; p < 4; p++) {
		titles[p] = pan[p].title;
		units[p] = pan[p].unit;
		if (!(pan[p].hi > 0)) {
			pan[p].lo = 1;
			pan[p].hi = 10;
		}
		/* A margin of a third of a decade, and at least one decade. */
		lo[p] = pan[p].lo / 2;
		hi[p] = pan[p].hi * 2;
		if (hi[p] / lo[p] < 10) {
			double mid = sqrt(lo[p] * hi[p]);
			lo[p] = mid / sqrt(10);
			hi[p] = mid * sqrt(10);
		}
	}
	const char *kinds[2] = { "hash", "task_storage" };
	double tol = plot_csv_num(&t, 0, plot_csv_col(&t, "tolerance"));
	plot_var_strs(v, "panels", titles, 4);
	plot_var_strs(v, "units", units, 4);
	plot_var_nums(v, "lo", lo, 4);
	plot_var_nums(v, "hi", hi, 4);
	plot_var_strs(v, "loads", loads, nloads);
	plot_var_strs(v, "kinds", kinds, 2);
	plot_var_num(v, "tol", isfinite(tol) && tol > 0 ? tol : 0.25);
	plot_var_str(v, "title", "bpfsim validate: predicted vs measured on "
		     "this host (95% CI of the simulation)");
	rc = 1;
out:
	out_abort(&o);
	plot_csv_free(&t);
	return rc;
}

PLOT_FIGURE(validate, fig_validate_prepare, 0);
