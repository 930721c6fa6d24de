/* fig_capacity.c - a capacity search: the objective's metrics against the
 * searched parameter, the threshold and the capacity found
 * (plots/capacity.gp).
 *
 * Applies to folders with a capacity.csv (bpfsim capacity): columns
 * strategy, probe, PARAM, mean_meets, sure_pass, sure_fail, then
 * termI_mean, termI_ci_low, termI_ci_high for each metric term I of the
 * objective, then complete, estimate, low, high (per strategy, repeated on
 * its rows).  capacity.json (written beside it) names each termI's metric,
 * comparison and threshold, the parameter's range and template; without it
 * (an older folder) the terms are drawn unnamed and without a threshold.
 *
 * One row of panels per metric term (one panel of "objective met" 0/1 when
 * the objective has regime terms only): left, the whole range (log x, log y
 * when the values span more than two decades); right, a zoom on the
 * capacities found (linear), when there is one and it is much narrower
 * than the range.  Per strategy: its probes
 * with 95% CI bars (filled: the probe met the whole objective by the means,
 * open: it did not), a line through them in parameter order, its capacity
 * (bisection estimate) as a dashed vertical line and the interval from the
 * probes' confidence as a band.  x is in the parameter's unit: durations
 * by magnitude, rates per second; a template (exponential({})) is named in
 * the axis label.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plots/plot_fig.h"
#include "sim/out.h"

#define MAX_STRAT 8
#define MAX_TERMS 8

struct term {
	int col;                    /* capacity.csv column of termI_mean */
	char name[96];              /* metric, or "termI" */
	char op[4];                 /* "<=", ">=", or "" */
	double value;               /* threshold (NAN: none) */
	struct plot_unit u;
};


static int fig_capacity_prepare(const struct plot_ctx *c, struct plot_vars *v,
			 struct err *e)
{
	struct plot_csv t;
	struct out_file o = { 0 };
	struct ytree *js = NULL;
	size_t *order = NULL;
	int rc = plot_csv_read(&t, c->dir, OUTDIR_CAPACITY_CSV, e);
	if (rc != 1)
		return rc;
	rc = 0;
	int cs = plot_csv_col(&t, OUTDIR_COL_STRATEGY), cm = plot_csv_col(&t, OUTDIR_COL_MEAN_MEETS),
	    cdone = plot_csv_col(&t, OUTDIR_COL_COMPLETE),
	    cest = plot_csv_col(&t, OUTDIR_COL_ESTIMATE), clo = plot_csv_col(&t, OUTDIR_COL_LOW),
	    chi = plot_csv_col(&t, OUTDIR_COL_HIGH);
	if (cs != 0 || t.ncols < 4 || cm != 3 || cest < 0 || clo < 0 || chi < 0 ||
	    t.nrows == 0)
		goto out;
	const char *param = t.cell[2];

	/* capacity.json: the terms' metrics and thresholds, the search.  A
	 * malformed one is an error (a figure without its threshold would
	 * look right and be wrong); an absent one leaves them out. */
	if (outdir_json_load(c->dir, OUTDIR_CAPACITY_JSON, &js, e) < 0) {
		rc = -1;
		goto out;
	}
	struct ynode *root = js ? ytree_root(js) : NULL;
	const char *tmpl = outdir_json_str(root, OUTDIR_KEY_TEMPLATE),
		   *range = outdir_json_str(root, OUTDIR_KEY_RANGE),
		   *objective = outdir_json_str(root, OUTDIR_KEY_OBJECTIVE),
		   *nrep = outdir_json_str(root, OUTDIR_KEY_REPLICATIONS);
	struct ynode *jterms = root ? ynode_peek(root, OUTDIR_KEY_TERMS) : NULL;

	struct term term[MAX_TERMS];
	size_t nt = 0;
	for (size_t col = 6; col + 2 < t.ncols && nt < MAX_TERMS; col++) {
		const char *h = t.cell[col];
		size_t len = strlen(h);
		size_t lt = strlen(OUTDIR_COL_TERM), lm = strlen(OUTDIR_SUFFIX_MEAN);
		if (strncmp(h, OUTDIR_COL_TERM, lt) || len < lt + 1 + lm ||
		    strcmp(h + len - lm, OUTDIR_SUFFIX_MEAN))
			continue;
		struct term *q = &term[nt++];
		memset(q, 0, sizeof(*q));
		q->col = (int)col;
		q->value = NAN;
		snprintf(q->name, sizeof(q->name), "%.*s", (int)(len - lm), h);
		for (size_t j = 0; jterms && jterms->kind == YN_SEQ && j < jterms->n;
		     j++) {
			struct ynode *it = jterms->items[j];
			const char *cl = outdir_json_str(it, OUTDIR_KEY_COLUMN);
			if (!cl || strcmp(cl, q->name))
				continue;
			const char *mt = outdir_json_str(it, OUTDIR_KEY_METRIC),
				   *op = outdir_json_str(it, OUTDIR_KEY_OP);
			if (mt)
				snprintf(q->name, sizeof(q->name), "%s", mt);
			if (op)
				snprintf(q->op, sizeof(q->op), "%s", op);
			q->value = outdir_json_num(it, OUTDIR_KEY_VALUE);
		}
	}
	/* Strategies; values' ranges. */
	const char *strat[MAX_STRAT];
	size_t ns = plot_csv_distinct(&t, cs, strat, NULL, MAX_STRAT);
	double pmin = INFINITY, pmax = 0;
	for (size_t r = 0; r < t.nrows; r++) {
		double x = plot_csv_num(&t, r, 2);
		if (x > 0 && isfinite(x)) {
			pmin = fmin(pmin, x);
			pmax = fmax(pmax, x);
		}
	}
	if (!(pmax > 0))
		goto out;
	/* The parameter's kind: from the range's text (or plain numbers). */
	int kind = 0;
	double lo_r = pmin, hi_r = pmax;
	if (range) {
		char buf[256];
		snprintf(buf, sizeof(buf), "%s", range);
		char *colon = strchr(buf, ':');
		double a, b;
		int k2;
		if (colon) {
			*colon = 0;
			if (!plot_axis_number(buf, &a, &kind) &&
			    !plot_axis_number(colon + 1, &b, &k2) && a > 0 && b > a) {
				lo_r = fmin(lo_r, a);
				hi_r = fmax(hi_r, b);
			} else {
				kind = 0;
			}
		}
	}
	struct plot_unit xu = { 1, "" };
	if (kind == 1)
		plot_unit_pick("ns", hi_r, &xu);
	else if (kind == 2)
		plot_unit_pick("1/s", 0, &xu);
	/* Metric units: by the largest value (and threshold) of each term. */
	for (size_t i = 0; i < nt; i++) {
		double big = fabs(term[i].value);
		for (size_t r = 0; r < t.nrows; r++)
			for (int d = 0; d < 3; d++) {
				double y = plot_csv_num(&t, r, term[i].col + d);
				if (isfinite(y))
					big = fmax(big, fabs(y));
			}
		plot_unit_pick(plot_metric_unit(c->model, term[i].name),
			       isfinite(big) ? big : 0, &term[i].u);
	}

	order = malloc(t.nrows * sizeof(*order));
	if (!order) {
		err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		rc = -1;
		goto out;
	}
	rc = -1;
	if (out_open(&o, c->dir, "capacity.dat", e))
		goto out;
	fprintf(o.f, "# capacity: one block per strategy, probes by %s: x meets "
		"sure_pass sure_fail, then mean ci_low ci_high per term (display "
		"units)\n# terms:", param);
	for (size_t i = 0; i < nt; i++)
		fprintf(o.f, " %s (%s)", term[i].name, term[i].u.label);
	if (!nt)
		fputs(" none (objective met: the meets column)", o.f);
	fputc('\n', o.f);
	double est[MAX_STRAT], low[MAX_STRAT], high[MAX_STRAT], done[MAX_STRAT];
	for (size_t s = 0; s < ns; s++) {
		size_t n = 0;
		for (size_t r = 0; r < t.nrows; r++)
			if (!strcmp(plot_csv_str(&t, r, cs), strat[s]))
				order[n++] = r;
		for (size_t i = 1; i < n; i++)          /* by x; few probes */
			for (size_t j = i; j > 0 && plot_csv_num(&t, order[j - 1], 2) >
						     plot_csv_num(&t, order[j], 2); j--) {
				size_t tmp = order[j];
				order[j] = order[j - 1];
				order[j - 1] = tmp;
			}
		est[s] = plot_csv_num(&t, order[0], cest) * xu.scale;
		low[s] = plot_csv_num(&t, order[0], clo) * xu.scale;
		high[s] = plot_csv_num(&t, order[0], chi) * xu.scale;
		done[s] = cdone < 0 || plot_csv_num(&t, order[0], cdone) != 0;
		fprintf(o.f, "%s# %s\n", s ? "\n\n" : "", strat[s]);
		for (size_t i = 0; i < n; i++) {
			size_t r = order[i];
			plot_data_num(o.f, plot_csv_num(&t, r, 2) * xu.scale);
			for (int d = 3; d < 6; d++) {
				fputc(' ', o.f);
				plot_data_num(o.f, plot_csv_num(&t, r, d));
			}
			for (size_t q = 0; q < nt; q++)
				for (int d = 0; d < 3; d++) {
					fputc(' ', o.f);
					plot_data_num(o.f, plot_csv_num(&t, r, term[q].col + d) *
						      term[q].u.scale);
				}
			fputc('\n', o.f);
		}
	}
	if (out_commit(&o, e))
		goto out;

	/* Parameters. */
	const char *names[MAX_TERMS], *units[MAX_TERMS];
	double thr[MAX_TERMS], ylog[MAX_TERMS];
	char thrtext[MAX_TERMS][64];
	const char *thrs[MAX_TERMS];
	size_t np = nt ? nt : 1;
	for (size_t i = 0; i < np; i++) {
		if (!nt) {
			names[i] = "objective met";
			units[i] = "";
			thr[i] = NAN;
			ylog[i] = 0;
			thrtext[i][0] = 0;
			thrs[i] = thrtext[i];
			continue;
		}
		names[i] = term[i].name;
		units[i] = term[i].u.label;
		thr[i] = term[i].value * term[i].u.scale;
		if (isfinite(thr[i]))
			snprintf(thrtext[i], sizeof(thrtext[i]), "objective: %s %s %g%s%s",
				 term[i].name, !strcmp(term[i].op, "<=") ? "≤"
				 : !strcmp(term[i].op, ">=") ? "≥" : term[i].op, thr[i],
				 units[i][0] && strcmp(units[i], "%") ? " " : "", units[i]);
		else
			thrtext[i][0] = 0;
		thrs[i] = thrtext[i];
		double ylo = INFINITY, yhi = 0;
		int positive = 1;
		for (size_t r = 0; r < t.nrows; r++)
			for (int d = 0; d < 2; d++) {
				double y = plot_csv_num(&t, r, term[i].col + d);
				if (!isfinite(y))
					continue;
				positive &= y > 0;
				ylo = fmin(ylo, y);
				yhi = fmax(yhi, y);
			}
		ylog[i] = positive && ylo > 0 && yhi / ylo > 100;
	}
	/* Key labels: "hash: 171k/s (interval 171k .. 173k)". */
	char slabel[MAX_STRAT][320];
	const char *slabels[MAX_STRAT];
	const char *ul = kind == 2 ? "/s" : kind == 1 ? xu.label : "";
	const char *sp = kind == 1 ? " " : "";
	double zlo = INFINITY, zhi = 0;
	for (size_t s = 0; s < ns; s++) {
		char a[32], b[32], m[32];
		plot_short_number(est[s], m, sizeof(m));
		plot_short_number(low[s], a, sizeof(a));
		plot_short_number(high[s], b, sizeof(b));
		char top[32];
		plot_short_number(hi_r * xu.scale, top, sizeof(top));
		if (!done[s])
			snprintf(slabel[s], sizeof(slabel[s]), "%s: interrupted, no "
				 "capacity", strat[s]);
		else if (!isfinite(est[s]))
			snprintf(slabel[s], sizeof(slabel[s]), "%s: the objective fails "
				 "already at the low end of the range", strat[s]);
		else if (!isfinite(high[s]) && est[s] >= hi_r * xu.scale * (1 - 1e-9))
			snprintf(slabel[s], sizeof(slabel[s]), "%s: the objective holds "
				 "up to the top of the range (%s%s%s)", strat[s], top, sp,
				 ul);
		else if (isfinite(low[s]) && isfinite(high[s]))
			snprintf(slabel[s], sizeof(slabel[s]), "%s: capacity %s%s%s "
				 "(95%% interval %s .. %s%s%s)", strat[s], m, sp, ul, a, b,
				 sp, ul);
		else if (isfinite(low[s]))
			snprintf(slabel[s], sizeof(slabel[s]), "%s: capacity %s%s%s "
				 "(95%% interval from %s%s%s up)", strat[s], m, sp, ul, a,
				 sp, ul);
		else if (isfinite(high[s]))
			snprintf(slabel[s], sizeof(slabel[s]), "%s: capacity %s%s%s "
				 "(95%% interval up to %s%s%s)", strat[s], m, sp, ul, b,
				 sp, ul);
		else
			snprintf(slabel[s], sizeof(slabel[s]), "%s: capacity %s%s%s",
				 strat[s], m, sp, ul);
		slabels[s] = slabel[s];
		if (isfinite(est[s]) && isfinite(low[s]) && isfinite(high[s])) {
			double l = isfinite(low[s]) ? fmin(low[s], est[s]) : est[s];
			double h = isfinite(high[s]) ? fmax(high[s], est[s]) : est[s];
			zlo = fmin(zlo, l);
			zhi = fmax(zhi, h);
		}
	}
	/* A zoom on the closed intervals, if any. */
	int zoom = zhi > 0 && isfinite(zlo);
	if (zoom) {
		double w = fmax(zhi - zlo, 0.05 * zhi);
		zlo = fmax(zlo - 0.6 * w, zlo / 2);
		zhi += 0.6 * w;
		/* Worth a panel only when it is much narrower than the range. */
		zoom = log10(zhi / zlo) < 0.4 * log10(hi_r / lo_r);
	}
	/* The zoom's y range: the probes (CIs) inside it and the threshold. */
	double zy0[MAX_TERMS], zy1[MAX_TERMS];
	for (size_t i = 0; i < np; i++) {
		double y0 = isfinite(thr[i]) ? thr[i] : INFINITY,
		       y1 = isfinite(thr[i]) ? thr[i] : -INFINITY;
		for (size_t r = 0; zoom && r < t.nrows; r++) {
			double x = plot_csv_num(&t, r, 2) * xu.scale;
			if (!(x >= zlo && x <= zhi))
				continue;
			for (int d = 0; d < 3; d++) {
				double y = nt ? plot_csv_num(&t, r, term[i].col + d) *
						term[i].u.scale : plot_csv_num(&t, r, cm);
				if (isfinite(y)) {
					y0 = fmin(y0, y);
					y1 = fmax(y1, y);
				}
			}
		}
		double pad = 0.15 * (y1 - y0);
		if (!(pad > 0))
			pad = fabs(y1) > 0 ? 0.1 * fabs(y1) : 1;
		zy0[i] = isfinite(y0) ? y0 - pad : NAN;
		zy1[i] = isfinite(y1) ? y1 + pad : NAN;
		if (!nt) {
			zy0[i] = -0.2;
			zy1[i] = 1.2;
		}
	}
	char xlabel[300], title[600], sub[300];
	int templated = tmpl && strcmp(tmpl, "{}");
	if (templated)
		snprintf(xlabel, sizeof(xlabel), "%s = %s%s%s%s", param, tmpl,
			 xu.label[0] ? " (" : "", xu.label, xu.label[0] ? ")" : "");
	else
		snprintf(xlabel, sizeof(xlabel), "%s%s%s%s", param,
			 xu.label[0] ? " (" : "", xu.label, xu.label[0] ? ")" : "");
	snprintf(title, sizeof(title), "%s%sthe largest %s with %s, per "
		 "strategy", c->scenario, c->scenario[0] ? ": " : "", param,
		 objective ? objective : "the objective met");
	snprintf(sub, sizeof(sub), "%s%s%s(filled: the probe met the "
		 "objective); dashed: capacity; band: its interval",
		 nrep ? nrep : "", nrep ? " replications per probe; " : "",
		 nt ? "95% CI bars " : "probes ");
	plot_var_str(v, "title", title);
	plot_var_str(v, "subtitle", sub);
	plot_var_strs(v, "strategies", slabels, ns);
	double colour[MAX_STRAT];
	for (size_t s = 0; s < ns; s++)
		colour[s] = plot_strategy_colour(strat[s], s);
	plot_var_nums(v, "colour", colour, ns);
	plot_var_nums(v, "est", est, ns);
	plot_var_nums(v, "low", low, ns);
	plot_var_nums(v, "high", high, ns);
	plot_var_num(v, "nterm", (double)nt);
	plot_var_strs(v, "names", names, np);
	plot_var_strs(v, "units", units, np);
	plot_var_strs(v, "thrtext", thrs, np);
	plot_var_nums(v, "thr", thr, np);
	plot_var_nums(v, "ylog", ylog, np);
	plot_var_str(v, "xlabel", xlabel);
	plot_var_num(v, "xmin", lo_r * xu.scale / 1.25);
	plot_var_num(v, "xmax", hi_r * xu.scale * 1.25);
	plot_var_num(v, "zoom", zoom);
	plot_var_num(v, "zmin", zoom ? zlo : 0);
	plot_var_num(v, "zmax", zoom ? zhi : 1);
	plot_var_nums(v, "zymin", zy0, np);
	plot_var_nums(v, "zymax", zy1, np);
	plot_var_range_tics(v, "z", zoom ? PLOT_TICS_LIN : PLOT_TICS_NONE, zlo,
			    zhi);
	plot_var_range_tics(v, "x", PLOT_TICS_LOG, lo_r * xu.scale / 1.25,
			    hi_r * xu.scale * 1.25);
	rc = 1;
out:
	out_abort(&o);
	free(order);
	ytree_free(js);
	plot_csv_free(&t);
	return rc;
}

PLOT_FIGURE(capacity, fig_capacity_prepare, 0);
