/* fig_compare.c - key metrics per strategy with CI bars (plots/compare.gp).
 *
 * Applies to run/compare folders with a summary.csv (strategy, metric, unit,
 * n, mean, sd, ci_low, ci_high: one row per strategy and metric).  Up to six
 * metrics, chosen by plot_pick_metrics(): the headline ones first, then
 * others whose means are finite and differ between strategies (a metric
 * every strategy has the same value of, such as `elapsed`, tells nothing).
 * A `run` (one strategy) gets the same figure with one bar per panel.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rstat.h>

#include "plots/plot_fig.h"
#include "sim/out.h"

#define MAX_STRAT 16
#define MAX_METRICS 256
#define NPANELS 6

struct cmp {
	const struct plot_csv *t;
	int cs, cm, cu, cn, cmean, clo, chi;
	const char *strat[MAX_STRAT];
	size_t ns;
	const char *metric[MAX_METRICS];
	size_t nm;
	long row[MAX_METRICS][MAX_STRAT];    /* data row, -1 = absent */
};

static int usable(void *ctx, size_t m, int key)
{
	struct cmp *x = ctx;
	struct plot_spread sp = { 0 };
	for (size_t s = 0; s < x->ns; s++)
		if (x->row[m][s] >= 0)
			plot_spread_add(&sp, plot_csv_num(x->t, (size_t)x->row[m][s],
							  x->cmean));
	return sp.finite && (key || sp.differ || x->ns == 1);
}

/* "task_storage - hash: +0.47 % (0.40 .. 0.54)" for each strategy after
 * the first, per panel metric: the mean paired difference over the
 * replications both finished (replications.csv; same index, same seeds)
 * and its Student t interval at the folder's confidence.  0 (texts
 * written, or left empty without the file), -1 with e set. */
static int paired_lines(const struct plot_ctx *c, const struct cmp *x,
			const char *const *names, const struct plot_unit *u,
			size_t np, char text[][400], struct err *e)
{
	struct plot_csv rt;
	int rc = plot_csv_read(&rt, c->dir, OUTDIR_REPLICATIONS_CSV, e);
	if (rc != 1)
		return rc;
	double conf = 0.95;
	struct ynode *cf = c->summary ? ytree_find(c->summary, "confidence") : NULL;
	if (cf && cf->kind == YN_SCALAR && atof(cf->value) > 0 &&
	    atof(cf->value) < 1)
		conf = atof(cf->value);
	int cs = plot_csv_col(&rt, OUTDIR_COL_STRATEGY);
	int cr = plot_csv_col(&rt, OUTDIR_COL_REPLICATION);
	int cst = plot_csv_col(&rt, OUTDIR_COL_STATUS);
	for (size_t p = 0; p < np && cs >= 0 && cr >= 0 && cst >= 0; p++) {
		int cm = plot_csv_col(&rt, names[p]);
		if (cm < 0)
			continue;
		size_t len = 0;
		for (size_t k = 1; k < x->ns; k++) {
			gsl_rstat_workspace *w = gsl_rstat_alloc();
			if (!w) {
				plot_csv_free(&rt);
				return err_set(e, ERR_RUNTIME, NULL, 0, 0,
					       "out of memory");
			}
			/* Rows of strategy k, each with the first strategy's
			 * row of the same replication (files are short). */
			for (size_t a = 0; a < rt.nrows; a++) {
				if (strcmp(plot_csv_str(&rt, a, cs), x->strat[k]) ||
				    strcmp(plot_csv_str(&rt, a, cst), "done"))
					continue;
				for (size_t b = 0; b < rt.nrows; b++)
					if (!strcmp(plot_csv_str(&rt, b, cs),
						    x->strat[0]) &&
					    !strcmp(plot_csv_str(&rt, b, cst),
						    "done") &&
					    !strcmp(plot_csv_str(&rt, b, cr),
						    plot_csv_str(&rt, a, cr))) {
						double d = plot_csv_num(&rt, a, cm) -
							   plot_csv_num(&rt, b, cm);
						if (isfinite(d))
							gsl_rstat_add(d, w);
						break;
					}
			}
			size_t n = gsl_rstat_n(w);
			double mean = gsl_rstat_mean(w), sd = gsl_rstat_sd(w);
			gsl_rstat_free(w);
			if (n < 2)
				continue;
			double half = gsl_cdf_tdist_Pinv(0.5 + conf / 2, (double)n - 1) *
				      sd / sqrt((double)n);
			double sc = u[p].scale;
			int wrote = snprintf(text[p] + len, 400 - len,
				"%s%s - %s: %+.3g%s%s (%.3g .. %.3g)",
				len ? "; " : "", x->strat[k], x->strat[0], mean * sc,
				u[p].label[0] ? " " : "", u[p].label,
				(mean - half) * sc, (mean + half) * sc);
			if (wrote > 0 && (size_t)wrote < 400 - len)
				len += (size_t)wrote;
		}
	}
	plot_csv_free(&rt);
	return 0;
}

static int fig_compare_prepare(const struct plot_ctx *c, struct plot_vars *v,
			struct err *e)
{
	struct plot_csv t;
	struct out_file o = { 0 };
	struct cmp *x = NULL;
	int rc = c->kind == PLOT_RUN ? plot_csv_read(&t, c->dir, OUTDIR_SUMMARY_CSV, e)
				     : 0;
	if (rc != 1)
		return rc;
	rc = 0;
	x = calloc(1, sizeof(*x));
	if (!x) {
		err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		rc = -1;
		goto out;
	}
	x->t = &t;
	x->cs = plot_csv_col(&t, OUTDIR_COL_STRATEGY);
	x->cm = plot_csv_col(&t, OUTDIR_COL_METRIC);
	x->cu = plot_csv_col(&t, OUTDIR_COL_UNIT);
	x->cn = plot_csv_col(&t, OUTDIR_COL_N);
	x->cmean = plot_csv_col(&t, OUTDIR_COL_MEAN);
	x->clo = plot_csv_col(&t, OUTDIR_COL_CI_LOW);
	x->chi = plot_csv_col(&t, OUTDIR_COL_CI_HIGH);
	if (x->cs < 0 || x->cm < 0 || x->cu < 0 || x->cmean < 0 || x->clo < 0 ||
	    x->chi < 0)
		goto out;
	memset(x->row, 0xff, sizeof(x->row));   /* all -1 */
	for (size_t r = 0; r < t.nrows; r++) {
		const char *s = plot_csv_str(&t, r, x->cs);
		const char *m = plot_csv_str(&t, r, x->cm);
		size_t i = 0, k = 0;
		while (i < x->ns && strcmp(x->strat[i], s))
			i++;
		if (i == x->ns) {
			if (x->ns == MAX_STRAT)
				continue;
			x->strat[x->ns++] = s;
		}
		while (k < x->nm && strcmp(x->metric[k], m))
			k++;
		if (k == x->nm) {
			if (x->nm == MAX_METRICS)
				continue;
			x->metric[x->nm++] = m;
		}
		x->row[k][i] = (long)r;
	}
	size_t pick[NPANELS];
	int together;   /* a sweep's choice: compare keeps a panel each */
	size_t np = plot_chosen_metrics(c, x->metric, x->nm, pick, NPANELS,
					&together);
	if (!np)
		np = plot_pick_metrics(c->model, x->metric, x->nm, usable, x,
				       pick, NPANELS);
	if (np == 0 || x->ns == 0)
		goto out;
	double colour[MAX_STRAT];   /* before "value" becomes a label */
	for (size_t k = 0; k < x->ns; k++)
		colour[k] = plot_strategy_colour(x->strat[k], k);
	/* "value" labels the one strategy of a model without strategies. */
	if (x->ns == 1 && !strcmp(x->strat[0], "value"))
		x->strat[0] = c->scenario[0] ? c->scenario : "mean";
	rc = -1;
	if (out_open(&o, c->dir, "compare.dat", e))
		goto out;
	fputs("# compare: mean and 95% CI of each metric per strategy "
	      "(display units)\n"
	      "# columns: index strategy mean ci_low ci_high; one block per "
	      "metric\n", o.f);
	const char *units[NPANELS], *names[NPANELS], *helps[NPANELS];
	struct plot_unit u[NPANELS];
	double nreps = 0;
	for (size_t p = 0; p < np; p++) {
		size_t m = pick[p];
		double big = 0;
		const char *unit = "";
		for (size_t s = 0; s < x->ns; s++) {
			if (x->row[m][s] < 0)
				continue;
			size_t r = (size_t)x->row[m][s];
			unit = plot_csv_str(&t, r, x->cu);
			double hi = fmax(fabs(plot_csv_num(&t, r, x->cmean)),
					 fabs(plot_csv_num(&t, r, x->chi)));
			if (hi > big)
				big = hi;
			double n = plot_csv_num(&t, r, x->cn);
			if (n > nreps)
				nreps = n;
		}
		plot_unit_pick(unit, big, &u[p]);
		units[p] = u[p].label;
		names[p] = x->metric[m];
		helps[p] = plot_metric_help(c->model, names[p]);
		fprintf(o.f, "%s# %s (%s)\n", p ? "\n\n" : "", x->metric[m],
			u[p].label);
		/* Every mean >= 0 (a time, a count, a share): the bar stops
		 * at 0 rather than claim a negative value is plausible. */
		int nonneg = 1;
		for (size_t s = 0; s < x->ns; s++)
			if (x->row[m][s] >= 0 &&
			    plot_csv_num(&t, (size_t)x->row[m][s], x->cmean) < 0)
				nonneg = 0;
		for (size_t s = 0; s < x->ns; s++) {
			size_t r = (size_t)x->row[m][s];
			fprintf(o.f, "%zu ", s);
			plot_data_string(o.f, x->strat[s]);
			for (int col = 0; col < 3; col++) {
				int cc = col == 0 ? x->cmean : col == 1 ? x->clo : x->chi;
				double val = x->row[m][s] < 0 ? NAN
					     : plot_csv_num(&t, r, cc);
				if (col == 1 && nonneg && val < 0)
					val = 0;
				fputc(' ', o.f);
				plot_data_num(o.f, val * u[p].scale);
			}
			fputc('\n', o.f);
		}
	}
	if (out_commit(&o, e))
		goto out;
	char title[256];
	snprintf(title, sizeof(title), "%s%s%s: mean and 95%% CI over %.0f "
		 "replication%s", c->scenario, c->scenario[0] ? ": " : "",
		 x->ns > 1 ? "strategies compared" : "key metrics", nreps,
		 nreps == 1 ? "" : "s");
	plot_var_str(v, "title", title);
	plot_var_strs(v, "metrics", names, np);
	plot_var_strs(v, "units", units, np);
	plot_var_strs(v, "helps", helps, np);
	plot_var_strs(v, "strategies", x->strat, x->ns);
	plot_var_nums(v, "colour", colour, x->ns);
	/* The paired differences from the first strategy, a line per panel
	 * title ("" with one strategy or no replications.csv). */
	char dtext[NPANELS][400];
	const char *dlines[NPANELS];
	for (size_t p = 0; p < np; p++) {
		dtext[p][0] = 0;
		dlines[p] = dtext[p];
	}
	if (x->ns > 1 && paired_lines(c, x, names, u, np, dtext, e) < 0)
		goto out;
	plot_var_strs(v, "pdiff", dlines, np);
	rc = 1;
out:
	out_abort(&o);
	free(x);
	plot_csv_free(&t);
	return rc;
}

PLOT_FIGURE(compare, fig_compare_prepare, 0);
