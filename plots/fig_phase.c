/* fig_phase.c - the phase diagram as heatmaps (plots/phase.gp).
 *
 * Applies to folders with a phase.csv (bpfsim phase): columns X, Y (named
 * by the two axis paths), strategy, regime, overhead_ratio_mean,
 * overhead_ratio_ci_low, overhead_ratio_ci_high; one row per cell and
 * strategy.  Both axes go through plot_axis_build (numbers, durations,
 * rates, distributions, else categories); a cell spans halfway to its
 * neighbours (geometrically on a log axis), so the grid tiles the plane.
 *
 * Panels (the script lays them out, one column per strategy):
 *   row 1  each strategy's regime (majority of its replications);
 *   row 2  each strategy's overhead ratio, one log colour scale for all;
 *   row 3  (two strategies or more) for each strategy after the first:
 *          where it explodes and the first does not, and the reverse; then
 *          the second strategy's overhead ratio over the first's (a
 *          diverging log colour scale centred on 1).
 * An axis is drawn to scale when its values are log-spaced or evenly
 * spaced (three or more); otherwise (two values, uneven ones, text) its
 * cells are equal, in value order, labelled with the values.  A missing
 * cell is left blank.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plots/plot_fig.h"
#include "sim/exp/regime.h"
#include "sim/out.h"

#define MAX_STRAT 8
#define MAX_TICS PLOT_MAX_TICS

/* Regime code of a name: regime_names order, unknown for anything else. */
static int regime_code(const char *name)
{
	for (int g = 0; g < REGIME_COUNT; g++)
		if (!strcmp(name, regime_names[g]))
			return g;
	return REGIME_COUNT;
}

static void put_cell(FILE *f, const struct plot_axis *ax,
		     const struct plot_axis *ay, size_t ix, size_t iy)
{
	double xlo, xhi, ylo, yhi;
	plot_axis_cell(ax, ix, &xlo, &xhi);
	plot_axis_cell(ay, iy, &ylo, &yhi);
	double row[6] = { plot_axis_display(ax, ix), plot_axis_display(ay, iy),
			  xlo, xhi, ylo, yhi };
	for (int j = 0; j < 6; j++) {
		if (j)
			fputc(' ', f);
		plot_data_num(f, row[j]);
	}
}

/* A grid axis is drawn to scale when its values are log-spaced (a log
 * axis) or evenly spaced, three or more of them (a linear one); any other
 * values - two, uneven ones, text - get equal cells in value order, each
 * labelled with its value. */
static void grid_axis(struct plot_axis *a)
{
	int even = a->numeric && a->n >= 3;
	double step = a->n > 1 ? (a->v[a->n - 1] - a->v[0]) / (double)(a->n - 1) : 0;
	for (size_t i = 1; even && i < a->n; i++)
		even = fabs(a->v[i] - a->v[i - 1] - step) <= 0.02 * step;
	if (a->numeric && (a->log || even))
		return;
	a->numeric = 0;
	a->log = 0;
	a->dist[0] = 0;
	for (size_t i = 0; i < a->n; i++)
		a->v[i] = (double)i;
}

/* Tics of an axis: log tics over [lo, hi], linear ones, or the values. */
static void axis_tics(struct plot_vars *v, const struct plot_axis *a,
		      const char *axis, double lo, double hi)
{
	double tv[MAX_TICS];
	char tl[MAX_TICS][16], vals[MAX_TICS][48];
	const char *labels[MAX_TICS];
	size_t n = 0;
	if (a->numeric) {
		n = plot_tics(a->log ? PLOT_TICS_LOG : PLOT_TICS_LIN, lo, hi, tv, tl,
			      labels, MAX_TICS);
	} else {
		for (; n < a->n && n < MAX_TICS; n++) {
			tv[n] = (double)n;
			plot_value_short(a->text[n], vals[n], sizeof(vals[n]));
			labels[n] = vals[n];
		}
	}
	plot_var_tics(v, axis, tv, labels, n);
}

static int fig_phase_prepare(const struct plot_ctx *c, struct plot_vars *v,
		      struct err *e)
{
	struct plot_csv t;
	struct plot_axis ax = { 0 }, ay = { 0 };
	struct out_file o = { 0 };
	const char **tx = NULL, **ty = NULL;
	int *reg = NULL;
	double *ov = NULL;
	int rc = plot_csv_read(&t, c->dir, OUTDIR_PHASE_CSV, e);
	if (rc != 1)
		return rc;
	rc = 0;
	int cs = plot_csv_col(&t, OUTDIR_COL_STRATEGY), cg = plot_csv_col(&t, OUTDIR_COL_REGIME),
	    co = plot_csv_col(&t, "overhead_ratio_mean");
	if (cs != 2 || cg < 0 || t.nrows == 0)
		goto out;
	tx = malloc(t.nrows * sizeof(*tx));
	ty = malloc(t.nrows * sizeof(*ty));
	if (!tx || !ty)
		goto oom;
	for (size_t r = 0; r < t.nrows; r++) {
		tx[r] = plot_csv_str(&t, r, 0);
		ty[r] = plot_csv_str(&t, r, 1);
	}
	if (plot_axis_build(&ax, tx, t.nrows) || plot_axis_build(&ay, ty, t.nrows))
		goto oom;
	grid_axis(&ax);
	grid_axis(&ay);
	const char *strat[MAX_STRAT];
	size_t ns = plot_csv_distinct(&t, cs, strat, NULL, MAX_STRAT);
	size_t nx = ax.n, ny = ay.n, ncell = nx * ny;
	reg = malloc(ns * ncell * sizeof(*reg));
	ov = malloc(ns * ncell * sizeof(*ov));
	if (!reg || !ov)
		goto oom;
	for (size_t i = 0; i < ns * ncell; i++) {
		reg[i] = -1;
		ov[i] = NAN;
	}
	for (size_t r = 0; r < t.nrows; r++) {
		long ix = plot_axis_find(&ax, tx[r]), iy = plot_axis_find(&ay, ty[r]);
		size_t s = 0;
		while (s < ns && strcmp(strat[s], plot_csv_str(&t, r, cs)))
			s++;
		if (ix < 0 || iy < 0 || s == ns)
			continue;
		size_t i = s * ncell + (size_t)ix * ny + (size_t)iy;
		reg[i] = regime_code(plot_csv_str(&t, r, cg));
		ov[i] = plot_csv_num(&t, r, co) * 100;     /* ratio -> % */
	}

	rc = -1;
	if (out_open(&o, c->dir, "phase.dat", e))
		goto out;
	fprintf(o.f, "# phase: cells x y xlo xhi ylo yhi (display units), then\n"
		"# blocks 0..%zu (per strategy): regime_code overhead_ratio_%% "
		"letter (regime codes: 0 converging, 1 stable, 2 oscillating, "
		"3 exploding, 4 unknown)\n", ns - 1);
	if (ns > 1)
		fprintf(o.f, "# blocks %zu..%zu (strategy k vs the first): code "
			"(0 neither explodes, 1 both, 2 only the first, 3 only "
			"strategy k); block %zu: overhead ratio of the second "
			"strategy / the first\n", ns, 2 * ns - 2, 2 * ns - 1);
	static const char letter[] = "CSOE?";
	double cbmin = INFINITY, cbmax = 0;
	double present[REGIME_COUNT + 1] = { 0 };
	for (size_t s = 0; s < ns; s++) {
		fprintf(o.f, "%s# %s: regime, overhead ratio\n", s ? "\n\n" : "",
			strat[s]);
		size_t rows = 0;
		for (size_t ix = 0; ix < nx; ix++)
			for (size_t iy = 0; iy < ny; iy++) {
				size_t i = s * ncell + ix * ny + iy;
				if (reg[i] < 0)
					continue;
				put_cell(o.f, &ax, &ay, ix, iy);
				fprintf(o.f, " %d ", reg[i]);
				plot_data_num(o.f, ov[i]);
				fprintf(o.f, " \"%c\"\n", letter[reg[i]]);
				present[reg[i]] = 1;
				if (ov[i] > 0 && isfinite(ov[i])) {
					cbmin = fmin(cbmin, ov[i]);
					cbmax = fmax(cbmax, ov[i]);
				}
				rows++;
			}
		if (!rows)
			fputs("nan nan nan nan nan nan nan nan \"\"\n", o.f);
	}
	double dfirst[MAX_STRAT] = { 0 }, dother[MAX_STRAT] = { 0 },
	       dboth[MAX_STRAT] = { 0 };
	for (size_t s = 1; s < ns; s++) {
		fprintf(o.f, "\n\n# %s vs %s: who explodes\n", strat[s], strat[0]);
		size_t rows = 0;
		for (size_t ix = 0; ix < nx; ix++)
			for (size_t iy = 0; iy < ny; iy++) {
				int a = reg[ix * ny + iy], b = reg[s * ncell + ix * ny + iy];
				if (a < 0 || b < 0)
					continue;
				int ea = a == REGIME_EXPLODING, eb = b == REGIME_EXPLODING;
				int code = ea && eb ? 1 : ea ? 2 : eb ? 3 : 0;
				dboth[s - 1] += code == 1;
				dfirst[s - 1] += code == 2;
				dother[s - 1] += code == 3;
				put_cell(o.f, &ax, &ay, ix, iy);
				fprintf(o.f, " %d\n", code);
				rows++;
			}
		if (!rows)
			fputs("nan nan nan nan nan nan nan\n", o.f);
	}
	double rmax = 1;
	if (ns > 1) {
		fprintf(o.f, "\n\n# overhead ratio %s / %s\n", strat[1], strat[0]);
		size_t rows = 0;
		for (size_t ix = 0; ix < nx; ix++)
			for (size_t iy = 0; iy < ny; iy++) {
				double a = ov[ix * ny + iy], b = ov[ncell + ix * ny + iy];
				double q = b / a;
				if (!(a > 0 && b > 0 && isfinite(q)))
					continue;
				put_cell(o.f, &ax, &ay, ix, iy);
				fputc(' ', o.f);
				plot_data_num(o.f, q);
				fputc('\n', o.f);
				rmax = fmax(rmax, fmax(q, 1 / q));
				rows++;
			}
		if (!rows)
			fputs("nan nan nan nan nan nan nan\n", o.f);
	}
	if (out_commit(&o, e))
		goto out;

	/* Ranges: the outer cell edges. */
	double xmin, xmax, ymin, ymax, lo, hi;
	plot_axis_cell(&ax, 0, &xmin, &hi);
	plot_axis_cell(&ax, nx - 1, &lo, &xmax);
	plot_axis_cell(&ay, 0, &ymin, &hi);
	plot_axis_cell(&ay, ny - 1, &lo, &ymax);
	char xlabel[256], ylabel[256], title[512];
	plot_axis_label(&ax, t.cell[0], xlabel, sizeof(xlabel));
	plot_axis_label(&ay, t.cell[1], ylabel, sizeof(ylabel));

	/* Replications per cell, from points.csv when it is there. */
	char reps[64] = "";
	struct plot_csv p;
	struct err ignore;
	err_init(&ignore);
	if (plot_csv_read(&p, c->dir, OUTDIR_POINTS_CSV, &ignore) == 1) {
		int cr = plot_csv_col(&p, OUTDIR_COL_REPLICATIONS);
		double rmin = INFINITY, rtop = 0;
		for (size_t r = 0; r < p.nrows && cr >= 0; r++) {
			double n = plot_csv_num(&p, r, cr);
			if (isfinite(n)) {
				rmin = fmin(rmin, n);
				rtop = fmax(rtop, n);
			}
		}
		if (rtop > 0 && rmin == rtop)
			snprintf(reps, sizeof(reps), ", %.0f replications per cell",
				 rmin);
		else if (rtop > 0)
			snprintf(reps, sizeof(reps), ", %.0f-%.0f replications per "
				 "cell", rmin, rtop);
		plot_csv_free(&p);
	}
	snprintf(title, sizeof(title), "%s%sphase diagram over %s x %s%s",
		 c->scenario, c->scenario[0] ? ": " : "", t.cell[0], t.cell[1],
		 reps);
	plot_var_str(v, "title", title);
	plot_var_strs(v, "strategies", strat, ns);
	plot_var_str(v, "xlabel", xlabel);
	plot_var_str(v, "ylabel", ylabel);
	plot_var_num(v, "xlog", ax.numeric && ax.log);
	plot_var_num(v, "ylog", ay.numeric && ay.log);
	plot_var_num(v, "xmin", xmin);
	plot_var_num(v, "xmax", xmax);
	plot_var_num(v, "ymin", ymin);
	plot_var_num(v, "ymax", ymax);
	axis_tics(v, &ax, "x", xmin, xmax);
	axis_tics(v, &ay, "y", ymin, ymax);
	plot_var_num(v, "letters", nx <= 16 && ny <= 16);
	plot_var_nums(v, "present", present, REGIME_COUNT + 1);
	/* Overhead ratio colour scale (%, log): the finite positive values. */
	int has_ov = cbmax > 0;
	if (has_ov && cbmax < cbmin * 1.2) {
		cbmin /= 1.1;
		cbmax *= 1.1;
	}
	plot_var_num(v, "has_ov", has_ov);
	plot_var_num(v, "cbmin", has_ov ? cbmin : 1);
	plot_var_num(v, "cbmax", has_ov ? cbmax : 10);
	{
		double tv[MAX_TICS];
		char tl[MAX_TICS][16];
		const char *labels[MAX_TICS];
		plot_var_range_tics(v, "cb", has_ov ? PLOT_TICS_LOG : PLOT_TICS_NONE,
				    cbmin, cbmax);
		/* A round bound, and tics at both ends and 1 at least. */
		static const double nice[] = { 1.1, 1.25, 1.5, 2, 3, 5, 10 };
		size_t k = 0;
		while (k < 7 && nice[k] < rmax * (1 - 1e-9))
			k++;
		rmax = k < 7 ? nice[k] : pow(10, ceil(log10(rmax)));
		size_t n = plot_log_tics(1 / rmax, rmax, tv, tl, MAX_TICS - 2);
		double ends[2] = { 1 / rmax, rmax };
		for (int j = 0; j < 2; j++) {
			size_t i = 0;
			while (i < n && fabs(tv[i] / ends[j] - 1) > 1e-6)
				i++;
			if (i == n) {
				tv[n] = ends[j];
				snprintf(tl[n], sizeof(tl[n]), "%.3g", ends[j]);
				n++;
			}
		}
		for (size_t i = 0; i < n; i++)
			labels[i] = tl[i];
		plot_var_num(v, "rmax", rmax);
		plot_var_tics(v, "r", tv, labels, n);
	}
	if (ns > 1) {
		plot_var_nums(v, "dfirst", dfirst, ns - 1);
		plot_var_nums(v, "dother", dother, ns - 1);
		plot_var_nums(v, "dboth", dboth, ns - 1);
	}
	rc = 1;
	goto out;
oom:
	err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	rc = -1;
out:
	out_abort(&o);
	free(reg);
	free(ov);
	free(tx);
	free(ty);
	plot_axis_free(&ax);
	plot_axis_free(&ay);
	plot_csv_free(&t);
	return rc;
}

PLOT_FIGURE(phase, fig_phase_prepare, 0);
