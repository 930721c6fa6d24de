/* fig_validation.c - simulated M/M/c waits against Erlang C
 * (plots/validation.gp).
 *
 * Applies to sweeps of the mmc model: the folder itself, and each of its
 * immediate subfolders holding one (so `bpfsim plot DIR` over DIR/c1 and
 * DIR/c8, two sweeps with different server counts, draws both in one
 * figure; subfolders are read in name order).  Every point is placed at its
 * exact utilisation rho = lambda E[S] / c, from the point's `arrival`,
 * `service` and `servers` (the sweep axis of that name, else the resolved
 * scenario), and its waits are divided by the exact E[S], so that every c
 * has one dimensionless curve: Wq / E[S] = C(c, c rho) / (c (1 - rho)).
 * Points are grouped by c and by whether both distributions are exponential
 * (only then is the dense Erlang C curve drawn; other exact results, e.g.
 * Pollaczek-Khinchine for M/G/1, appear through the wait_exact column in the
 * simulated/exact panel).  A point whose distributions do not parse, or
 * whose queue is unstable (rho >= 1), is left out.
 */
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/mmc.h"
#include "plots/plot_fig.h"
#include "sim/dist.h"
#include "sim/out.h"

#define MAX_GROUPS 8
#define MAX_POINTS 4096

struct vpoint {
	double rho, sim, lo, hi, exact;
};

struct group {
	unsigned c;
	int mm;                  /* exponential arrivals and service */
	char label[96];
	size_t n;
	struct vpoint *pt;       /* MAX_POINTS */
};

/* Scenario text of `key` at row r: the axis column if swept, else the
 * resolved scenario's scalar; NULL if neither. */
static const char *point_value(const struct plot_csv *t, int cstrat,
			       struct ytree *resolved, size_t r, const char *key)
{
	for (int a = 1; a < cstrat; a++)
		if (!strcmp(t->cell[a], key))
			return plot_csv_str(t, r, a);
	struct ynode *n = resolved ? ytree_find(resolved, key) : NULL;
	return n && n->kind == YN_SCALAR ? n->value : NULL;
}

static double dist_text_mean(const char *text, enum dist_kind *kind)
{
	struct err e;
	err_init(&e);
	struct dist *d = text ? dist_parse_text(text, DIST_DURATION, "", 0, 0, &e)
			      : NULL;
	if (!d)
		return NAN;
	double m = dist_mean(d);
	*kind = dist_kind(d);
	dist_free(d);
	return m;
}

/* Add the points of one mmc sweep folder to the groups. */
static int add_source(const struct plot_ctx *src, struct group *g, size_t *ng,
		      double *reps, struct err *e)
{
	struct plot_csv t;
	int rc = plot_csv_read(&t, src->dir, OUTDIR_POINTS_CSV, e);
	if (rc != 1)
		return rc;
	int cs = plot_csv_col(&t, OUTDIR_COL_STRATEGY),
	    cw = plot_csv_col(&t, "wait_mean_mean"),
	    cx = plot_csv_col(&t, "wait_exact_mean"),
	    cr = plot_csv_col(&t, OUTDIR_COL_REPLICATIONS);
	if (cs < 1 || cw < 0 || cw + 2 >= (int)t.ncols) {
		plot_csv_free(&t);
		return 0;
	}
	for (size_t r = 0; r < t.nrows; r++) {
		enum dist_kind ka = DIST_CONSTANT, ks = DIST_CONSTANT;
		double ma = dist_text_mean(point_value(&t, cs, src->resolved, r,
						       "arrival"), &ka);
		double es = dist_text_mean(point_value(&t, cs, src->resolved, r,
						       "service"), &ks);
		const char *sv = point_value(&t, cs, src->resolved, r, "servers");
		unsigned long c = sv ? strtoul(sv, NULL, 10) : 1;
		double rho = es / ma / (double)c;
		if (!(ma > 0 && es > 0 && c >= 1 && c < 100000 && rho < 1))
			continue;
		int mm = ka == DIST_EXPONENTIAL && ks == DIST_EXPONENTIAL;
		size_t k = 0;
		while (k < *ng && !(g[k].c == c && g[k].mm == mm))
			k++;
		if (k == *ng) {
			if (*ng == MAX_GROUPS)
				continue;
			g[k].c = (unsigned)c;
			g[k].mm = mm;
			g[k].n = 0;
			if (mm)
				snprintf(g[k].label, sizeof(g[k].label), "M/M/%lu", c);
			else
				snprintf(g[k].label, sizeof(g[k].label),
					 "c = %lu, %s arrivals, %s service", c,
					 dist_kind_name(ka), dist_kind_name(ks));
			if (!(g[k].pt = malloc(MAX_POINTS * sizeof(struct vpoint)))) {
				plot_csv_free(&t);
				err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
				return -1;
			}
			(*ng)++;
		}
		if (g[k].n == MAX_POINTS)
			continue;
		double exact = plot_csv_num(&t, r, cx) / es;
		if (!isfinite(exact) && mm)
			exact = mmc_erlang_c((unsigned)c, (double)c * rho) /
				((double)c * (1 - rho));
		g[k].pt[g[k].n++] = (struct vpoint){
			.rho = rho, .sim = plot_csv_num(&t, r, cw) / es,
			.lo = plot_csv_num(&t, r, cw + 1) / es,
			.hi = plot_csv_num(&t, r, cw + 2) / es, .exact = exact,
		};
		double n = plot_csv_num(&t, r, cr);
		if (isfinite(n) && (*reps == 0 || n < *reps))
			*reps = n;
	}
	plot_csv_free(&t);
	return 1;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_rho(const void *a, const void *b)
{
	double x = ((const struct vpoint *)a)->rho, y = ((const struct vpoint *)b)->rho;
	return (x > y) - (x < y);
}

static int is_mmc_sweep(const struct plot_ctx *c)
{
	return c->kind == PLOT_SWEEP && c->model && !strcmp(c->model->name, "mmc");
}

/* Sources: the folder, then its subfolders (name order). */
static int collect(const struct plot_ctx *c, struct group *g, size_t *ng,
		   double *reps, struct err *e)
{
	int rc = 0;
	if (is_mmc_sweep(c) && (rc = add_source(c, g, ng, reps, e)) < 0)
		return rc;
	DIR *d = opendir(c->dir);
	if (!d)
		return 0;
	char **names = NULL;
	size_t nn = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (nn == cap) {
			cap = cap ? 2 * cap : 16;
			char **nb = realloc(names, cap * sizeof(*nb));
			if (!nb)
				break;
			names = nb;
		}
		if (!(names[nn] = strdup(de->d_name)))
			break;
		nn++;
	}
	closedir(d);
	if (nn)
		qsort(names, nn, sizeof(*names), cmp_name);
	for (size_t i = 0; i < nn && rc >= 0; i++) {
		char sub[4096];
		struct plot_ctx sc;
		struct err ignore;
		err_init(&ignore);
		snprintf(sub, sizeof(sub), "%s/%s", c->dir, names[i]);
		if (plot_ctx_load(&sc, sub, &ignore) == 0 && is_mmc_sweep(&sc))
			rc = add_source(&sc, g, ng, reps, e);
		plot_ctx_fini(&sc);
	}
	for (size_t i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	return rc < 0 ? rc : 0;
}

static int fig_validation_prepare(const struct plot_ctx *c, struct plot_vars *v,
			   struct err *e)
{
	struct group g[MAX_GROUPS];
	size_t ng = 0;
	double reps = 0;
	struct out_file o = { 0 };
	int rc = collect(c, g, &ng, &reps, e);
	if (rc < 0)
		goto out;
	int any_exact = 0;
	for (size_t k = 0; k < ng; k++)
		for (size_t i = 0; i < g[k].n; i++)
			any_exact |= isfinite(g[k].pt[i].exact);
	rc = 0;
	if (!any_exact)
		goto out;
	rc = -1;
	if (out_open(&o, c->dir, "validation.dat", e))
		goto out;
	fputs("# validation: mean wait in queue / mean service time vs "
	      "utilisation\n# per group two blocks: rho sim sim_lo sim_hi exact "
	      "ratio ratio_lo ratio_hi; rho exact (dense curve)\n", o.f);
	const char *labels[MAX_GROUPS];
	for (size_t k = 0; k < ng; k++) {
		struct group *gr = &g[k];
		labels[k] = gr->label;
		qsort(gr->pt, gr->n, sizeof(*gr->pt), cmp_rho);
		fprintf(o.f, "%s# %s: simulated\n", k ? "\n\n" : "", gr->label);
		double rmax = 0;
		for (size_t i = 0; i < gr->n; i++) {
			const struct vpoint *p = &gr->pt[i];
			double row[8] = { p->rho, p->sim, p->lo, p->hi, p->exact,
					  p->sim / p->exact, p->lo / p->exact,
					  p->hi / p->exact };
			for (int j = 0; j < 8; j++) {
				if (j)
					fputc(' ', o.f);
				plot_data_num(o.f, row[j]);
			}
			fputc('\n', o.f);
			rmax = fmax(rmax, p->rho);
		}
		fprintf(o.f, "\n\n# %s: exact (Erlang C)\n", gr->label);
		if (!gr->mm) {
			fputs("nan nan\n", o.f);    /* no closed-form curve */
			continue;
		}
		double top = fmin(0.995, rmax + 0.02);
		for (double rho = 0.005; rho <= top + 1e-9; rho += 0.0025) {
			unsigned cc = gr->c;
			plot_data_num(o.f, rho);
			fputc(' ', o.f);
			plot_data_num(o.f, mmc_erlang_c(cc, cc * rho) / (cc * (1 - rho)));
			fputc('\n', o.f);
		}
	}
	if (out_commit(&o, e))
		goto out;
	char title[256];
	snprintf(title, sizeof(title), "Engine validation: simulated mean wait "
		 "vs exact, %.0f replications per point", reps);
	/* Log axis floor: below the lowest CI that is above zero (the dense
	 * curve of c = 8 falls to 1e-17 near rho = 0). */
	double ymin = INFINITY;
	for (size_t k = 0; k < ng; k++)
		for (size_t i = 0; i < g[k].n; i++)
			if (g[k].pt[i].lo > 0 && g[k].pt[i].lo < ymin)
				ymin = g[k].pt[i].lo;
	plot_var_num(v, "ymin", isfinite(ymin) ? pow(10, floor(log10(ymin / 2)))
		     : 1e-3);
	plot_var_str(v, "title", title);
	plot_var_strs(v, "groups", labels, ng);
	rc = 1;
out:
	out_abort(&o);
	for (size_t k = 0; k < ng; k++)
		free(g[k].pt);
	return rc;
}

PLOT_FIGURE(validation, fig_validation_prepare, 0);
