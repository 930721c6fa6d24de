/* fig_portrait.c - phase portrait: trajectories in (backlog, overhead ratio)
 * space (plots/portrait.gp).
 *
 * Applies to folders whose series.csv has backlog_avg and overhead_ratio
 * columns (the runqslower model): each window of a run is one point, the
 * runqueue backlog (runnable tasks waiting, time-averaged over the window)
 * against the window's overhead ratio (BPF time / payload time, %).
 *   - run/compare folders: one trajectory per strategy (its first
 *     replication, the one series.csv keeps);
 *   - sweep and phase folders (series.csv starts with `point`): up to
 *     MAX_TRAJ (point, strategy) runs, spread over the regimes points.csv
 *     gives them: one regime after another (exploding, oscillating,
 *     converging, stable, unknown) takes a run until MAX_TRAJ are taken,
 *     and within a regime the runs taken are evenly spaced in file order.
 * Each trajectory is drawn as a thin line through its windows, with
 * arrows on NARROWS evenly spaced steps of it for the direction of time,
 * an open circle at the first window and a filled one at the last.  Runs of
 * more than MAX_POINTS windows are drawn as the means of blocks of
 * consecutive windows (one block length for the figure, named in its
 * title), so that a long run stays a line rather than a tangle.  An axis is logarithmic when its positive values span more
 * than two decades (windows with a zero there then drop out of the line).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plots/plot_fig.h"
#include "sim/exp/regime.h"
#include "sim/out.h"
#include "sim/outdir.h"

#define MAX_TRAJ 6
#define MAX_CAND 4096
#define NARROWS 6
#define MAX_POINTS 150

struct cand {
	const char *point;       /* "" for a run folder */
	const char *strat;
	int regime;
	size_t first, n;         /* its rows: first, count (file order) */
	char label[256];
};

static int regime_code(const char *name)
{
	for (int g = 0; g < REGIME_COUNT; g++)
		if (!strcmp(name, regime_names[g]))
			return g;
	return REGIME_COUNT;
}

/* A run folder's regime of strategy s, from summary.json (unknown when it
 * does not say). */
static int run_regime(const struct plot_ctx *c, const char *strat)
{
	const struct ynode *js = c->summary ? ytree_root(c->summary) : NULL;
	const char *rg = outdir_json_str(outdir_json_strategy(js, strat),
					 OUTDIR_KEY_REGIME);
	return rg ? regime_code(rg) : REGIME_COUNT;
}

/* Sweep folders: regime and label of each candidate from points.csv. */
static void sweep_labels(const struct plot_ctx *c, struct cand *k, size_t nk)
{
	struct plot_csv p;
	struct err ignore;
	err_init(&ignore);
	int ok = plot_csv_read(&p, c->dir, OUTDIR_POINTS_CSV, &ignore) == 1;
	int cs = ok ? plot_csv_col(&p, OUTDIR_COL_STRATEGY) : -1,
	    cg = ok ? plot_csv_col(&p, OUTDIR_COL_REGIME) : -1;
	for (size_t i = 0; i < nk; i++) {
		snprintf(k[i].label, sizeof(k[i].label), "%s, point %s", k[i].strat,
			 k[i].point);
		k[i].regime = REGIME_COUNT;
		for (size_t r = 0; ok && cs > 1 && r < p.nrows; r++) {
			if (strcmp(plot_csv_str(&p, r, 0), k[i].point) ||
			    strcmp(plot_csv_str(&p, r, cs), k[i].strat))
				continue;
			size_t len = (size_t)snprintf(k[i].label, sizeof(k[i].label),
						      "%s", k[i].strat);
			for (int a = 1; a < cs && len < sizeof(k[i].label); a++) {
				/* "rate=178k/s": the key's last component, a short
				 * value. */
				const char *key = strrchr(p.cell[a], '.');
				char val[64];
				plot_value_short(plot_csv_str(&p, r, a), val, sizeof(val));
				len += (size_t)snprintf(k[i].label + len,
							sizeof(k[i].label) - len,
							"%s%s=%s", a == 1 ? " @ " : ", ",
							key ? key + 1 : p.cell[a], val);
			}
			if (cg >= 0)
				k[i].regime = regime_code(plot_csv_str(&p, r, cg));
			break;
		}
	}
	if (ok)
		plot_csv_free(&p);
}

/* Up to MAX_TRAJ candidates spread over the regimes; indices into pick. */
static size_t choose(const struct cand *k, size_t nk, size_t *pick)
{
	static const int order[] = { REGIME_EXPLODING, REGIME_OSCILLATING,
				     REGIME_CONVERGING, REGIME_STABLE, REGIME_COUNT };
	size_t count[5] = { 0 }, take[5] = { 0 }, total = 0;
	for (size_t i = 0; i < nk; i++)
		for (int j = 0; j < 5; j++)
			count[j] += k[i].regime == order[j];
	for (int more = 1; more && total < MAX_TRAJ; ) {
		more = 0;
		for (int j = 0; j < 5 && total < MAX_TRAJ; j++)
			if (take[j] < count[j]) {
				take[j]++;
				total++;
				more = 1;
			}
	}
	size_t n = 0;
	for (int j = 0; j < 5; j++) {
		for (size_t q = 0; q < take[j]; q++) {
			/* The ((2q+1) / 2take)-th of the regime's runs. */
			size_t want = (size_t)(((double)q + 0.5) * (double)count[j] /
					       (double)take[j]), seen = 0;
			for (size_t i = 0; i < nk; i++) {
				if (k[i].regime != order[j])
					continue;
				if (seen++ == want) {
					pick[n++] = i;
					break;
				}
			}
		}
	}
	return n;
}

static int fig_portrait_prepare(const struct plot_ctx *c, struct plot_vars *v,
			 struct err *e)
{
	struct plot_csv t;
	struct out_file o = { 0 };
	struct cand *k = NULL;
	if (c->kind != PLOT_RUN && c->kind != PLOT_SWEEP)
		return 0;
	int rc = plot_csv_read(&t, c->dir, OUTDIR_SERIES_CSV, e);
	if (rc != 1)
		return rc;
	rc = 0;
	int cp = plot_csv_col(&t, OUTDIR_COL_POINT), cs = plot_csv_col(&t, OUTDIR_COL_STRATEGY),
	    cr = plot_csv_col(&t, OUTDIR_COL_REPLICATION),
	    cw = plot_csv_col(&t, OUTDIR_COL_WINDOW_START_NS),
	    cb = plot_csv_col(&t, "backlog_avg"),
	    co = plot_csv_col(&t, "overhead_ratio");
	int sweep = c->kind == PLOT_SWEEP;
	if (cs < 0 || cr < 0 || cw < 0 || cb < 0 || co < 0 || t.nrows == 0 ||
	    (sweep && cp != 0) || (!sweep && cp >= 0))
		goto out;
	/* Runs: consecutive rows of one (point, strategy, replication); the
	 * first replication of each (point, strategy). */
	k = calloc(MAX_CAND, sizeof(*k));
	if (!k)
		goto oom;
	size_t nk = 0;
	for (size_t r = 0; r < t.nrows; r++) {
		const char *pt = sweep ? plot_csv_str(&t, r, cp) : "";
		const char *st = plot_csv_str(&t, r, cs);
		if (nk && !strcmp(k[nk - 1].point, pt) && !strcmp(k[nk - 1].strat, st)) {
			if (!strcmp(plot_csv_str(&t, r, cr),
				    plot_csv_str(&t, k[nk - 1].first, cr)))
				k[nk - 1].n++;
			continue;
		}
		size_t i = 0;
		while (i < nk && !(!strcmp(k[i].point, pt) && !strcmp(k[i].strat, st)))
			i++;
		if (i < nk || nk == MAX_CAND)
			continue;        /* a later replication, or too many */
		k[nk++] = (struct cand){ .point = pt, .strat = st, .first = r, .n = 1 };
	}
	size_t pick[MAX_TRAJ], np;
	if (sweep) {
		sweep_labels(c, k, nk);
		np = choose(k, nk, pick);
	} else {
		np = 0;
		for (size_t i = 0; i < nk && np < MAX_TRAJ; i++) {
			k[i].regime = run_regime(c, k[i].strat);
			snprintf(k[i].label, sizeof(k[i].label), "%s", k[i].strat);
			pick[np++] = i;
		}
	}
	/* Append the regime; ranges of the values drawn. */
	double xpos = INFINITY, xmax = 0, ypos = INFINITY, ymax = 0;
	const char *labels[MAX_TRAJ];
	for (size_t j = 0; j < np; j++) {
		struct cand *q = &k[pick[j]];
		size_t len = strlen(q->label);
		if (q->regime < REGIME_COUNT)
			snprintf(q->label + len, sizeof(q->label) - len, " (%s)",
				 regime_names[q->regime]);
		labels[j] = q->label;
		for (size_t r = q->first; r < q->first + q->n; r++) {
			double x = plot_csv_num(&t, r, cb), y = plot_csv_num(&t, r, co) * 100;
			if (x > 0 && isfinite(x)) {
				xpos = fmin(xpos, x);
				xmax = fmax(xmax, x);
			}
			if (y > 0 && isfinite(y)) {
				ypos = fmin(ypos, y);
				ymax = fmax(ymax, y);
			}
		}
	}
	if (np == 0 || !(xmax > 0) || !(ymax > 0))
		goto out;
	int xlog = xmax / xpos > 100, ylog = ymax / ypos > 100;

	rc = -1;
	if (out_open(&o, c->dir, "portrait.dat", e))
		goto out;
	fputs("# portrait: per run three blocks: its windows (backlog_tasks "
	      "overhead_ratio_%), arrows (x y dx dy), first and last window\n",
	      o.f);
	double window = NAN;
	/* Long runs: block averages of `block` windows, MAX_POINTS at most. */
	size_t longest = 0;
	for (size_t j = 0; j < np; j++)
		longest = k[pick[j]].n > longest ? k[pick[j]].n : longest;
	size_t block = (longest + MAX_POINTS - 1) / MAX_POINTS;
	double dx0 = INFINITY, dx1 = -INFINITY, dy0 = INFINITY, dy1 = -INFINITY;
	if (block < 1)
		block = 1;
	for (size_t j = 0; j < np; j++) {
		const struct cand *q = &k[pick[j]];
		if (q->n > 1 && !isfinite(window))
			window = plot_csv_num(&t, q->first + 1, cw) -
				 plot_csv_num(&t, q->first, cw);
		/* The finite (and, on a log axis, positive) windows. */
		double *xs = malloc(q->n * sizeof(double)), *ys = malloc(q->n *
								      sizeof(double));
		if (!xs || !ys) {
			free(xs);
			free(ys);
			err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
			goto out;
		}
		/* The windows that can be drawn, averaged k at a time. */
		size_t m = 0, in = 0;
		double sx = 0, sy = 0;
		for (size_t r = q->first; r < q->first + q->n; r++) {
			double x = plot_csv_num(&t, r, cb), y = plot_csv_num(&t, r, co) * 100;
			if (!(isfinite(x) && isfinite(y) && (!xlog || x > 0) &&
			      (!ylog || y > 0)))
				continue;
			sx += x;
			sy += y;
			if (++in == block || r + 1 == q->first + q->n) {
				xs[m] = sx / (double)in;
				ys[m++] = sy / (double)in;
				sx = sy = 0;
				in = 0;
			}
		}
		fprintf(o.f, "%s# %s: windows\n", j ? "\n\n" : "", q->label);
		for (size_t i = 0; i < m; i++) {
			plot_data_num(o.f, xs[i]);
			fputc(' ', o.f);
			plot_data_num(o.f, ys[i]);
			fputc('\n', o.f);
		}
		if (!m)
			fputs("nan nan\n", o.f);
		/* Arrows on the NARROWS longest steps of the line as drawn (on
		 * the axes' scales), at least m / 12 steps apart: where the run
		 * moves, not where it dithers. */
		fprintf(o.f, "\n\n# %s: direction of time\n", q->label);
		size_t rows = 0, gap = m / 12 > 1 ? m / 12 : 1, taken[NARROWS];
		for (size_t a = 0; m > 1 && a < NARROWS; a++) {
			double best = 0;
			size_t bi = SIZE_MAX;
			for (size_t i = 0; i + 1 < m; i++) {
				int near = 0;
				for (size_t b = 0; b < a && !near; b++)
					near = (i > taken[b] ? i - taken[b] : taken[b] - i) < gap;
				double ddx = xlog ? log10(xs[i + 1] / xs[i]) / log10(xmax / xpos)
					      : (xs[i + 1] - xs[i]) / xmax;
				double ddy = ylog ? log10(ys[i + 1] / ys[i]) / log10(ymax / ypos)
					      : (ys[i + 1] - ys[i]) / ymax;
				double len = ddx * ddx + ddy * ddy;
				if (!near && len > best) {
					best = len;
					bi = i;
				}
			}
			if (bi == SIZE_MAX)
				break;
			taken[a] = bi;
			double row[4] = { xs[bi], ys[bi], xs[bi + 1] - xs[bi],
					  ys[bi + 1] - ys[bi] };
			for (int d = 0; d < 4; d++) {
				if (d)
					fputc(' ', o.f);
				plot_data_num(o.f, row[d]);
			}
			fputc('\n', o.f);
			rows++;
		}
		for (size_t i = 0; i < m; i++) {    /* the ranges drawn */
			dx0 = fmin(dx0, xs[i]);
			dx1 = fmax(dx1, xs[i]);
			dy0 = fmin(dy0, ys[i]);
			dy1 = fmax(dy1, ys[i]);
		}
		if (!rows)
			fputs("nan nan nan nan\n", o.f);
		fprintf(o.f, "\n\n# %s: first and last window\n", q->label);
		if (m) {
			plot_data_num(o.f, xs[0]);
			fputc(' ', o.f);
			plot_data_num(o.f, ys[0]);
			fputc('\n', o.f);
			plot_data_num(o.f, xs[m - 1]);
			fputc(' ', o.f);
			plot_data_num(o.f, ys[m - 1]);
			fputc('\n', o.f);
		} else {
			fputs("nan nan\nnan nan\n", o.f);
		}
		free(xs);
		free(ys);
	}
	if (out_commit(&o, e))
		goto out;

	char title[512], sub[256], wl[128] = "window";
	if (window > 0) {
		struct plot_unit u;
		plot_unit_pick("ns", window, &u);
		if (block > 1)
			snprintf(wl, sizeof(wl), "%g %s (the mean of %zu windows)",
				 (double)block * window * u.scale, u.label, block);
		else
			snprintf(wl, sizeof(wl), "%g %s window", window * u.scale,
				 u.label);
	}
	snprintf(title, sizeof(title), "%s%sphase portrait: runqueue backlog vs "
		 "overhead ratio, one point per %s", c->scenario,
		 c->scenario[0] ? ": " : "", wl);
	if (sweep)
		snprintf(sub, sizeof(sub), "%zu of %zu runs (point, strategy; "
			 "replication 0) spread over the regimes; arrows: time, ○ "
			 "first window, ● last", np, nk);
	else
		snprintf(sub, sizeof(sub), "replication 0 of each strategy; "
			 "arrows: direction of time, ○ first window, ● last");
	plot_var_str(v, "title", title);
	plot_var_str(v, "subtitle", sub);
	plot_var_strs(v, "runs", labels, np);
	plot_var_num(v, "xlog", xlog);
	plot_var_num(v, "ylog", ylog);
	if (!(dx1 >= dx0) || !(dy1 >= dy0)) {
		dx0 = xpos;
		dx1 = xmax;
		dy0 = ypos;
		dy1 = ymax;
	}
	/* Ranges: what is drawn, padded (from 0 on a linear axis). */
	double x0 = xlog ? dx0 / 1.5 : fmin(0, dx0), x1 = xlog ? dx1 * 1.5 : dx1 * 1.05,
	       y0 = ylog ? dy0 / 1.5 : fmin(0, dy0), y1 = ylog ? dy1 * 1.5 : dy1 * 1.05;
	if (!(x1 > x0))
		x1 = x0 + 1;
	if (!(y1 > y0))
		y1 = y0 + 1;
	plot_var_num(v, "xmin", x0);
	plot_var_num(v, "xmax", x1);
	plot_var_num(v, "ymin", y0);
	plot_var_num(v, "ymax", y1);
	plot_var_range_tics(v, "x", xlog ? PLOT_TICS_LOG : PLOT_TICS_NONE, x0, x1);
	plot_var_range_tics(v, "y", ylog ? PLOT_TICS_LOG : PLOT_TICS_NONE, y0, y1);
	rc = 1;
	goto out;
oom:
	err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	rc = -1;
out:
	out_abort(&o);
	free(k);
	plot_csv_free(&t);
	return rc;
}

PLOT_FIGURE(portrait, fig_portrait_prepare, 0);
