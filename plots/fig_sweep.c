/* fig_sweep.c - key metrics vs the swept parameter (plots/sweep.gp), and
 * their paired differences between strategies (figure "paired", the same
 * script, from differences.csv).
 *
 * Applies to sweep folders whose points.csv has at least one axis: columns
 * point, AXIS..., strategy, replications, done, capped, failed, then
 * M_mean, M_ci_low, M_ci_high per metric.  The first axis is x; every
 * strategy, and every combination of the further axes' values, is a series
 * (a line with a CI band).  x is numeric when every value of the first axis
 * parses as a number, a duration or a rate (shown in a unit picked by
 * magnitude), or as a distribution of one kind (x = its mean: a sweep of
 * exponential(50ns) ... exponential(950ns)); otherwise the values are
 * categories in sweep order.
 *
 * Metric units come from the model (scenario.resolved.yaml names it); an
 * unknown model's metrics are shown unscaled.  Not drawn for phase folders
 * (phase.csv beside points.csv): the phase figure shows that grid.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plots/plot_fig.h"
#include "sim/dist.h"
#include "sim/out.h"

#define MAX_SERIES 32
#define MAX_METRICS 256
#define NPANELS 6

struct sw {
	const struct plot_csv *t;
	int cstrat;
	size_t naxes;
	size_t nm;
	const char *mname[MAX_METRICS];
	int cmean[MAX_METRICS];         /* column of M_mean; +1 low, +2 high */
	double *x;                      /* per row */
	size_t *ser;                    /* per row: series index */
};

/* Finite somewhere, and (unless a key metric) not the same everywhere. */
static int usable(void *ctx, size_t m, int key)
{
	struct sw *s = ctx;
	struct plot_spread sp = { 0 };
	for (size_t r = 0; r < s->t->nrows; r++)
		plot_spread_add(&sp, plot_csv_num(s->t, r, s->cmean[m]));
	return sp.finite && (key || sp.differ);
}

/* sweep.gp's marker code of a regime name (regime_names). */
static int regime_code(const char *name)
{
	static const char *const names[] = { "stable", "converging",
					     "oscillating", "exploding" };
	for (int i = 0; i < 4; i++)
		if (!strcmp(name, names[i]))
			return i + 1;
	return 0;
}

/* The two figures drawn from a sweep: the means per strategy (points.csv)
 * and the paired differences of each strategy from the first
 * (differences.csv, columns point, AXIS..., strategy, versus, pairs, then
 * M_diff, M_ci_low, M_ci_high per metric). */
struct sweep_mode {
	const char *csv, *suffix, *dat;
	int paired;
};

static int sweep_like(const struct plot_ctx *c, struct plot_vars *v,
		      struct err *e, const struct sweep_mode *mode)
{
	struct plot_csv t;
	struct out_file o = { 0 };
	struct sw *s = NULL;
	size_t *order = NULL;
	char **labels = NULL;
	/* A phase folder's grid is the phase figure's: as a sweep (x = the
	 * first axis, one series per strategy and y value) it is a tangle. */
	int rc = c->kind == PLOT_SWEEP && !plot_has_file(c, OUTDIR_PHASE_CSV)
		 ? plot_csv_read(&t, c->dir, mode->csv, e) : 0;
	if (rc != 1)
		return rc;
	rc = 0;
	s = calloc(1, sizeof(*s));
	if (!s)
		goto oom;
	s->t = &t;
	s->cstrat = plot_csv_col(&t, OUTDIR_COL_STRATEGY);
	if (s->cstrat < 2 || t.nrows == 0 || strcmp(t.cell[0], "point"))
		goto out;
	s->naxes = (size_t)s->cstrat - 1;
	for (size_t col = (size_t)s->cstrat + 1; col < t.ncols && s->nm < MAX_METRICS;
	     col++) {
		size_t len = strlen(t.cell[col]), sl = strlen(mode->suffix);
		if (len > sl && !strcmp(t.cell[col] + len - sl, mode->suffix) &&
		    col + 2 < t.ncols) {
			char *name = t.cell[col];
			name[len - sl] = 0;   /* the header cell becomes the name */
			s->mname[s->nm] = name;
			s->cmean[s->nm++] = (int)col;
		}
	}
	s->x = calloc(t.nrows, sizeof(double));
	s->ser = calloc(t.nrows, sizeof(size_t));
	order = calloc(t.nrows, sizeof(size_t));
	labels = calloc(MAX_SERIES, sizeof(char *));
	if (!s->x || !s->ser || !order || !labels)
		goto oom;

	/* x: numbers of one kind, else categories in order of appearance. */
	const char *xnames[1000];
	size_t nx = 0;
	int kind = -1, numeric = 1;
	for (size_t r = 0; r < t.nrows; r++) {
		const char *txt = plot_csv_str(&t, r, 1);
		int k;
		if (plot_axis_number(txt, &s->x[r], &k) || (kind >= 0 && k != kind))
			numeric = 0;
		kind = k;
		size_t i = 0;
		while (i < nx && strcmp(xnames[i], txt))
			i++;
		if (i == nx && nx < 1000)
			xnames[nx++] = txt;
	}
	/* Distributions of one kind ("exponential(50ns)", ...): x is the mean. */
	char distname[32] = "";
	if (!numeric) {
		numeric = 1;
		for (size_t r = 0; r < t.nrows && numeric; r++) {
			struct err ignore;
			err_init(&ignore);
			struct dist *d = dist_parse_text(plot_csv_str(&t, r, 1),
							 DIST_DURATION, "", 0, 0, &ignore);
			const char *dn = d ? dist_kind_name(dist_kind(d)) : "";
			if (!d || (r && strcmp(dn, distname)))
				numeric = 0;
			else
				s->x[r] = dist_mean(d);
			snprintf(distname, sizeof(distname), "%s", dn);
			dist_free(d);
		}
		kind = 1;
		if (!numeric)
			distname[0] = 0;
	}
	if (!numeric)
		for (size_t r = 0; r < t.nrows; r++) {
			size_t i = 0;
			while (i < nx && strcmp(xnames[i], plot_csv_str(&t, r, 1)))
				i++;
			s->x[r] = (double)i;
		}
	/* Distinct x values, sorted: log spacing? unit? */
	double xs[1000];
	size_t nxs = 0;
	for (size_t r = 0; r < t.nrows && numeric; r++) {
		size_t i = 0;
		while (i < nxs && xs[i] != s->x[r])
			i++;
		if (i == nxs && nxs < 1000)
			xs[nxs++] = s->x[r];
	}
	for (size_t i = 1; i < nxs; i++)     /* insertion sort: few values */
		for (size_t j = i; j > 0 && xs[j - 1] > xs[j]; j--) {
			double tmp = xs[j];
			xs[j] = xs[j - 1];
			xs[j - 1] = tmp;
		}
	int xlog = numeric && plot_is_geometric(xs, nxs);
	struct plot_unit xu = { 1, "" };
	if (numeric && kind == 1)
		plot_unit_pick("ns", fmax(fabs(xs[0]), fabs(xs[nxs - 1])), &xu);
	else if (numeric && kind == 2)
		plot_unit_pick("1/s", 0, &xu);

	/* Series: strategy x values of the further axes. */
	const char *sstrat[MAX_SERIES];
	double colour[MAX_SERIES], dash[MAX_SERIES];
	size_t nser = 0, nstrat = 0, ncombo = 0;
	const char *strat_names[MAX_SERIES];
	char combos[MAX_SERIES][512];
	int cvs = mode->paired ? plot_csv_col(&t, "versus") : -1;
	for (size_t r = 0; r < t.nrows; r++) {
		const char *st = plot_csv_str(&t, r, s->cstrat);
		char combo[512] = "";
		for (size_t a = 1; a < s->naxes; a++) {
			size_t len = strlen(combo);
			snprintf(combo + len, sizeof(combo) - len, "%s%s=%s",
				 a > 1 ? ", " : "", t.cell[a + 1],
				 plot_csv_str(&t, r, (int)a + 1));
		}
		size_t si = 0, ci = 0, k = 0;
		while (si < nstrat && strcmp(strat_names[si], st))
			si++;
		if (si == nstrat && nstrat < MAX_SERIES)
			strat_names[nstrat++] = st;
		while (ci < ncombo && strcmp(combos[ci], combo))
			ci++;
		if (ci == ncombo && ncombo < MAX_SERIES)
			snprintf(combos[ncombo++], sizeof(combos[0]), "%s", combo);
		for (k = 0; k < nser; k++)
			if (!strcmp(sstrat[k], st) && dash[k] == (double)ci + 1)
				break;
		if (k == nser) {
			if (nser == MAX_SERIES || si == MAX_SERIES || ci == MAX_SERIES) {
				s->ser[r] = SIZE_MAX;   /* too many: not drawn */
				continue;
			}
			colour[nser] = plot_strategy_colour(st, si);
			dash[nser] = (double)ci + 1;
			sstrat[nser++] = st;
		}
		s->ser[r] = k;
	}
	for (size_t k = 0; k < nser; k++) {
		const char *combo = combos[(size_t)dash[k] - 1];
		/* "value" is the strategy label of a model without strategies. */
		int show_strat = nstrat > 1 || strcmp(sstrat[k], "value") != 0;
		char buf[600];
		if (mode->paired) {
			/* The row's `versus`: the first strategy (one per file). */
			const char *vs = plot_csv_str(&t, 0, cvs);
			snprintf(buf, sizeof(buf), "%s - %s%s%s", sstrat[k], vs,
				 combo[0] ? ", " : "", combo);
		} else
			snprintf(buf, sizeof(buf), "%s%s%s",
				 show_strat ? sstrat[k] : "",
				 show_strat && combo[0] ? ", " : "",
				 combo[0] || show_strat ? combo : "mean");
		if (!(labels[k] = strdup(buf)))
			goto oom;
	}

	size_t pick[NPANELS];
	int together;
	size_t np = plot_chosen_metrics(c, s->mname, s->nm, pick, NPANELS,
					&together);
	if (!np)
		np = plot_pick_metrics(c->model, s->mname, s->nm, usable, s, pick,
				       NPANELS);
	if (np == 0 || nser == 0)
		goto out;
	struct plot_unit u[NPANELS];
	const char *units[NPANELS], *names[NPANELS], *helps[NPANELS];
	double ylog[NPANELS];
	int nonneg[NPANELS];   /* every mean >= 0: a CI band stops at 0 */
	for (size_t p = 0; p < np; p++) {
		int cm = s->cmean[pick[p]];
		double big = 0, lo = INFINITY, hi = 0;
		int positive = 1;
		nonneg[p] = !mode->paired;   /* a difference's CI may cross 0 */
		for (size_t r = 0; r < t.nrows; r++)
			if (plot_csv_num(&t, r, cm) < 0)
				nonneg[p] = 0;
		for (size_t r = 0; r < t.nrows; r++)
			for (int d = 0; d < 3; d++) {
				double val = plot_csv_num(&t, r, cm + d);
				if (!isfinite(val))
					continue;
				big = fmax(big, fabs(val));
				if (val <= 0 && d < 2)
					positive = 0;
				lo = fmin(lo, val);
				hi = fmax(hi, val);
			}
		plot_unit_pick(plot_metric_unit(c->model, s->mname[pick[p]]), big,
			       &u[p]);
		units[p] = u[p].label;
		names[p] = s->mname[pick[p]];
		helps[p] = plot_metric_help(c->model, names[p]);
		ylog[p] = !mode->paired && positive && lo > 0 && hi / lo > 100;
	}
	/* Together: one panel, a line per metric and series, in the first
	 * metric's display unit (the scenario checked they share one). */
	size_t nblocks = together ? np * nser : nser, ncols = together ? 1 : np;
	double bcolour[NPANELS * MAX_SERIES], bdash[NPANELS * MAX_SERIES];
	char btext[NPANELS * MAX_SERIES][200];
	const char *blabel[NPANELS * MAX_SERIES];
	char joined[512] = "";
	if (together) {
		int lg = 1;
		for (size_t p = 0; p < np; p++) {
			u[p] = u[0];
			units[p] = u[0].label;
			lg = lg && ylog[p];
			size_t len = strlen(joined);
			snprintf(joined + len, sizeof(joined) - len, "%s%s",
				 p ? " vs " : "", names[p]);
		}
		ylog[0] = lg;
		for (size_t p = 0; p < np; p++)
			for (size_t k = 0; k < nser; k++) {
				size_t b = p * nser + k;
				snprintf(btext[b], sizeof(btext[b]), "%s%s%s",
					 names[p], nser > 1 ? ", " : "",
					 nser > 1 ? labels[k] : "");
				blabel[b] = btext[b];
				bcolour[b] = (double)p + 1;
				bdash[b] = dash[k];
			}
	}

	rc = -1;
	if (out_open(&o, c->dir, mode->dat, e))
		goto out;
	/* The point's regime as a code for its marker (sweep.gp); a paired
	 * difference has none of its own: -1, a plain disc. */
	int creg = mode->paired ? -1 : plot_csv_col(&t, OUTDIR_COL_REGIME);
	fprintf(o.f, "# %s: x, then %s ci_low ci_high of each metric "
		"(display units), then the regime (-1 none, 0 unknown, "
		"1 stable, 2 converging, 3 oscillating, 4 exploding); one "
		"block per series\n# metrics:", mode->paired ? "paired" : "sweep",
		mode->paired ? "difference" : "mean");
	for (size_t p = 0; p < np; p++)
		fprintf(o.f, " %s (%s)", names[p], units[p]);
	fputc('\n', o.f);
	for (size_t b = 0; b < nblocks; b++) {
		size_t k = b % nser, p0 = together ? b / nser : 0;
		size_t n = 0;
		for (size_t r = 0; r < t.nrows; r++)
			if (s->ser[r] == k)
				order[n++] = r;
		for (size_t i = 1; i < n; i++)       /* by x; stable */
			for (size_t j = i; j > 0 && s->x[order[j - 1]] > s->x[order[j]];
			     j--) {
				size_t tmp = order[j];
				order[j] = order[j - 1];
				order[j - 1] = tmp;
			}
		fprintf(o.f, "%s# %s\n", b ? "\n\n" : "",
			together ? blabel[b] : labels[k]);
		for (size_t i = 0; i < n; i++) {
			size_t r = order[i];
			plot_data_num(o.f, s->x[r] * xu.scale);
			for (size_t p = p0; p < p0 + ncols; p++)
				for (int d = 0; d < 3; d++) {
					double val = plot_csv_num(&t, r,
						      s->cmean[pick[p]] + d);
					if (d == 1 && nonneg[p] && val < 0)
						val = 0;
					fputc(' ', o.f);
					plot_data_num(o.f, val * u[p].scale);
				}
			fprintf(o.f, " %d\n", mode->paired ? -1 :
				regime_code(creg < 0 ? "" : plot_csv_str(&t, r, creg)));
		}
	}
	if (out_commit(&o, e))
		goto out;

	char xlabel[256], title[300];
	if (distname[0])
		snprintf(xlabel, sizeof(xlabel), "%s: %s mean (%s)%s", t.cell[1],
			 distname, xu.label, xlog ? ", log scale" : "");
	else if (xu.label[0])
		snprintf(xlabel, sizeof(xlabel), "%s (%s)%s", t.cell[1], xu.label,
			 xlog ? ", log scale" : "");
	else
		snprintf(xlabel, sizeof(xlabel), "%s%s", t.cell[1],
			 xlog ? " (log scale)" : "");
	int crep = plot_csv_col(&t, mode->paired ? "pairs"
						 : OUTDIR_COL_REPLICATIONS);
	double rmin = INFINITY, rmax = 0;
	for (size_t r = 0; r < t.nrows; r++) {
		double n = plot_csv_num(&t, r, crep);
		if (isfinite(n)) {
			rmin = fmin(rmin, n);
			rmax = fmax(rmax, n);
		}
	}
	char reps[64];
	if (rmin == rmax)
		snprintf(reps, sizeof(reps), "%.0f replications per point", rmin);
	else
		snprintf(reps, sizeof(reps), "%.0f-%.0f replications per point",
			 rmin, rmax);
	if (mode->paired)
		snprintf(title, sizeof(title), "%s%ssweep of %s: paired "
			 "difference (same seeds) and 95%% CI band, %s",
			 c->scenario, c->scenario[0] ? ": " : "", t.cell[1],
			 reps);
	else
		snprintf(title, sizeof(title), "%s%ssweep of %s: mean and "
			 "95%% CI band, %s", c->scenario,
			 c->scenario[0] ? ": " : "", t.cell[1], reps);
	plot_var_num(v, "zero", mode->paired);
	plot_var_str(v, "title", title);
	if (together) {
		const char *one[1] = { joined }, *nohelp[1] = { "" };
		plot_var_strs(v, "metrics", one, 1);
		plot_var_strs(v, "units", units, 1);
		plot_var_strs(v, "helps", nohelp, 1);
		plot_var_nums(v, "ylog", ylog, 1);
		plot_var_strs(v, "series", blabel, nblocks);
		plot_var_nums(v, "colour", bcolour, nblocks);
		plot_var_nums(v, "dash", bdash, nblocks);
	} else {
		plot_var_strs(v, "metrics", names, np);
		plot_var_strs(v, "units", units, np);
		plot_var_strs(v, "helps", helps, np);
		plot_var_nums(v, "ylog", ylog, np);
		plot_var_strs(v, "series", (const char *const *)labels, nser);
		plot_var_nums(v, "colour", colour, nser);
		plot_var_nums(v, "dash", dash, nser);
	}
	double hasreg[5] = { 0 };
	for (size_t r = 0; r < t.nrows && !mode->paired; r++)
		hasreg[regime_code(creg < 0 ? "" : plot_csv_str(&t, r, creg))] = 1;
	plot_var_nums(v, "hasreg", hasreg, 5);
	plot_var_str(v, "xlabel", xlabel);
	plot_var_num(v, "xlog", xlog);
	/* x range: the values plus a margin; tics at the values when few. */
	double x0 = numeric ? xs[0] * xu.scale : 0, x1 = numeric ? xs[nxs - 1] *
		    xu.scale : (double)nx - 1;
	double pad = xlog ? 0 : 0.04 * (x1 - x0);
	plot_var_num(v, "xmin", xlog ? x0 / 1.12 : x0 - (pad > 0 ? pad : 0.5));
	plot_var_num(v, "xmax", xlog ? x1 * 1.12 : x1 + (pad > 0 ? pad : 0.5));
	double ticks[12];
	size_t nt = numeric && nxs <= 12 ? nxs : 0;
	for (size_t i = 0; i < nt; i++)
		ticks[i] = xs[i] * xu.scale;
	plot_var_num(v, "nxticks", (double)nt);
	plot_var_nums(v, "xticks", ticks, nt);
	plot_var_num(v, "nxnames", numeric ? 0 : (double)nx);
	plot_var_strs(v, "xnames", xnames, numeric ? 0 : nx);
	rc = 1;
	goto out;
oom:
	err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	rc = -1;
out:
	out_abort(&o);
	if (labels)
		for (size_t k = 0; k < MAX_SERIES; k++)
			free(labels[k]);
	free(labels);
	free(order);
	if (s) {
		free(s->x);
		free(s->ser);
	}
	free(s);
	plot_csv_free(&t);
	return rc;
}

static int fig_sweep_prepare(const struct plot_ctx *c, struct plot_vars *v,
			     struct err *e)
{
	static const struct sweep_mode m = { OUTDIR_POINTS_CSV, "_mean",
					     "sweep.dat", 0 };
	return sweep_like(c, v, e, &m);
}

/* The paired figure: drawn with sweep.gp, where differences.csv has rows
 * (two or more strategies). */
static int fig_paired_prepare(const struct plot_ctx *c, struct plot_vars *v,
			      struct err *e)
{
	static const struct sweep_mode m = { OUTDIR_DIFFERENCES_CSV, "_diff",
					     "paired.dat", 1 };
	return sweep_like(c, v, e, &m);
}

PLOT_FIGURE(sweep, fig_sweep_prepare, 0);
const struct plot_fig plot_fig_paired = { "paired", plot_gp_sweep,
					  fig_paired_prepare, 0 };
