/* fig_calibration.c - what a calibration file measured: each distribution's
 * histogram with its fitted densities (plots/calibration.gp).
 *
 * A per-file figure: drawn once per calibration file (calfile.h) in the
 * folder, as calibration-STEM (c->figname) from c->file.  The file is
 * loaded with calfile_load (so a file of another version is refused with
 * its position).  Panels: every measured distribution - a mapping with `n`
 * and a `histogram: {edges_ns, counts}` - in file order, except those
 * under a `by_*` key (the per-point measurements behind a factor table:
 * the section's own record is the first of them), at most MAX_PANELS.
 * Mean-only records (bpf_stats profiles) have no histogram and no panel;
 * nor have records of fewer than FIT_MIN_COUNT values (nothing was fitted;
 * the subtitle counts them).
 *
 * Scale: durations on a log x axis, in a unit chosen per panel; y is the
 * density per decade of x, in % of the values: a bin [a, b) holding c of n
 * values is drawn at 100 c / (n log10(b / a)), and a fit at the average of
 * its density over each of 240 log-spaced steps ((F(b) - F(a)) the same
 * way), so histogram and curves share one scale and areas on the log axis
 * are probabilities.  The histogram is coarsened for display until each
 * bar spans at least 1/50 of the panel's decades (the kernel's 1/32-octave
 * bins would be noise).  x covers the 0.1% to 99.9% quantiles of the
 * histogram (bins with an edge at or below 0 are off a log axis: counted,
 * not drawn).  The baseline the measurement subtracted is named in the
 * panel title.
 *
 * Fits: the chosen one (thick) and the alternatives (thin, dashed), one
 * colour per family in every panel; the key gives each one's AIC (the
 * chosen) or ΔAIC (the others: how much worse) and KS distance.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "calibrate/calfile.h"
#include "calibrate/fit.h"
#include "plots/plot_fig.h"
#include "sim/out.h"
#include "sim/units.h"

#define MAX_PANELS 24
#define MAX_FITS FIT_MAX_FAMILIES
#define NCURVE 240
#define MAX_BINS 4096

struct rec {
	char path[160];
	const struct ynode *n;
};

struct walk {
	struct rec r[MAX_PANELS];
	size_t n;
	size_t skipped;      /* records beyond MAX_PANELS */
	size_t few;          /* records of fewer than FIT_MIN_COUNT values */
};

static const char *scalar(const struct ynode *map, const char *key)
{
	const struct ynode *n = map && map->kind == YN_MAP ? ynode_peek(map, key)
							   : NULL;
	return n && n->kind == YN_SCALAR ? n->value : NULL;
}

static int is_dist(const struct ynode *n)
{
	const struct ynode *h = n->kind == YN_MAP ? ynode_peek(n, "histogram") : NULL;
	const struct ynode *ed = h && h->kind == YN_MAP ? ynode_peek(h, "edges_ns")
							: NULL;
	const struct ynode *ct = h && h->kind == YN_MAP ? ynode_peek(h, "counts")
							: NULL;
	return scalar(n, "n") && ed && ct && ed->kind == YN_SEQ &&
	       ct->kind == YN_SEQ && ed->n == ct->n + 1 && ct->n > 0;
}

static void walk(struct walk *w, const struct ynode *n, const char *path)
{
	if (n->kind != YN_MAP)
		return;
	if (is_dist(n)) {
		if (strtod(scalar(n, "n"), NULL) < FIT_MIN_COUNT) {
			w->few++;        /* nothing to see, nothing fitted */
		} else if (w->n < MAX_PANELS) {
			snprintf(w->r[w->n].path, sizeof(w->r[0].path), "%s", path);
			w->r[w->n++].n = n;
		} else {
			w->skipped++;
		}
		return;
	}
	for (size_t i = 0; i < n->n; i++) {
		const char *k = n->keys[i]->value;
		if (!strncmp(k, "by_", 3) || !strcmp(k, "host"))
			continue;
		char sub[160];
		snprintf(sub, sizeof(sub), "%s%s%s", path, path[0] ? "." : "", k);
		walk(w, n->items[i], sub);
	}
}

/* A fit mapping ({dist: lognormal, median: 80ns, sigma: 0.3}) as a
 * fit_result; 0, or -1 when it is not one. */
static int read_fit(const struct ynode *m, struct fit_result *r)
{
	const char *d = scalar(m, "dist");
	memset(r, 0, sizeof(*r));
	if (!d)
		return -1;
	r->family = dist_family_find(NULL, d, strlen(d));
	if (!r->family || !r->family->fit)
		return -1;
	r->np = r->family->np;
	for (int i = 0; i < r->np; i++) {
		const char *pn = r->family->param[i].name, *txt = scalar(m, pn);
		char why[160];
		if (!txt || (fit_param_is_duration(r->family, i)
			     ? units_parse_duration(txt, &r->p[i], why, sizeof(why))
			     : units_parse_number(txt, &r->p[i], why, sizeof(why))) ||
		    !isfinite(r->p[i]))
			return -1;
	}
	const char *aic = scalar(m, "aic"), *ks = scalar(m, "ks");
	r->aic = aic ? strtod(aic, NULL) : NAN;
	r->ks = ks ? strtod(ks, NULL) : NAN;
	r->ok = 1;
	return 0;
}

static double num(const struct ynode *n)
{
	char *end;
	double v = n->kind == YN_SCALAR ? strtod(n->value, &end) : NAN;
	return n->kind == YN_SCALAR && end != n->value && !*end ? v : NAN;
}

/* Append text to a tics string "('a' 1, 'b' 2" ... ")". */
static void tics_text(double lo, double hi, double scale, char *buf, size_t size)
{
	double tv[40];
	char tl[40][16];
	size_t n = plot_log_tics(lo * scale, hi * scale, tv, tl, 40), len = 0;
	buf[0] = 0;
	if (!n)
		return;
	len += (size_t)snprintf(buf, size, "(");
	for (size_t i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s'%s' %.9g",
					i ? ", " : "", tl[i], tv[i]);
	if (len < size)
		snprintf(buf + len, size - len, ")");
}

static int fig_calibration_prepare(const struct plot_ctx *c, struct plot_vars *v,
			    struct err *e)
{
	if (!c->file)
		return 0;
	char path[4400];
	snprintf(path, sizeof(path), "%s/%s", c->dir, c->file);
	struct ytree *t = calfile_load(path, e);
	if (!t)
		return -1;
	struct walk *w = calloc(1, sizeof(*w));
	double *edge = malloc((MAX_BINS + 1) * sizeof(double)),
	       *cnt = malloc(MAX_BINS * sizeof(double));
	struct out_file o = { 0 };
	int rc = 0;
	if (!w || !edge || !cnt) {
		err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		rc = -1;
		goto out;
	}
	walk(w, ytree_root(t), "");
	if (!w->n)
		goto out;
	char dname[96];
	snprintf(dname, sizeof(dname), "%s.dat", c->figname);
	rc = -1;
	if (out_open(&o, c->dir, dname, e))
		goto out;
	fprintf(o.f, "# %s: per measured distribution two blocks: the histogram "
		"(xlo xhi density), the fits (x, then the density of each fit: "
		"the chosen one first); x in the panel's unit, density in %% of "
		"the values per decade of x\n", c->figname);
	const char *titles[MAX_PANELS], *details[MAX_PANELS], *units[MAX_PANELS],
		   *tics[MAX_PANELS], *keypos[MAX_PANELS];
	char tbuf[MAX_PANELS][200], ubuf[MAX_PANELS][32],
		    ticbuf[MAX_PANELS][600];
	const char *keys[MAX_PANELS * MAX_FITS];
	char kbuf[MAX_PANELS * MAX_FITS][96];
	double fam[MAX_PANELS * MAX_FITS], nfit[MAX_PANELS], xmin[MAX_PANELS],
	       xmax[MAX_PANELS], ymax[MAX_PANELS];
	for (size_t p = 0; p < w->n; p++) {
		const struct ynode *rec = w->r[p].n, *h = ynode_peek(rec, "histogram");
		const struct ynode *ed = ynode_peek(h, "edges_ns"),
				   *ct = ynode_peek(h, "counts");
		size_t nb = ct->n < MAX_BINS ? ct->n : MAX_BINS;
		double total = 0;
		for (size_t i = 0; i <= nb; i++)
			edge[i] = num(ed->items[i]);
		for (size_t i = 0; i < nb; i++) {
			cnt[i] = num(ct->items[i]);
			if (!(cnt[i] >= 0))
				cnt[i] = 0;
			total += cnt[i];
		}
		const char *ov = scalar(h, "overflow");
		double over = ov ? strtod(ov, NULL) : 0;
		total += over > 0 ? over : 0;
		/* x range: the 0.1% and 99.9% quantiles, above 0. */
		double cum = 0, lo = NAN, hi = NAN, med = NAN, minpos = INFINITY;
		for (size_t i = 0; i < nb; i++) {
			if (edge[i + 1] > 0 && cnt[i] > 0)
				minpos = fmin(minpos, edge[i] > 0 ? edge[i] : edge[i + 1] / 2);
			double before = cum;
			cum += cnt[i];
			if (isnan(lo) && cum >= 0.001 * total && cnt[i] > 0)
				lo = edge[i];
			if (before < 0.5 * total && cum >= 0.5 * total)
				med = edge[i + 1];
			if (before < 0.999 * total && cum >= 0.999 * total)
				hi = edge[i + 1];
		}
		if (isnan(hi))
			hi = edge[nb];
		if (!(lo > 0))
			lo = minpos;
		if (!(lo > 0 && hi > lo)) {
			lo = 1;
			hi = 10;
		}
		if (hi / lo < 3) {        /* a narrow one: a factor 3 at least */
			double mid = sqrt(lo * hi);
			lo = mid / sqrt(3);
			hi = mid * sqrt(3);
		}
		lo /= 1.25;
		hi *= 1.25;
		struct plot_unit u;      /* the median reads 1 to 999 */
		plot_unit_pick("ns", med > 0 ? med : hi, &u);
		xmin[p] = lo * u.scale;
		xmax[p] = hi * u.scale;
		snprintf(ubuf[p], sizeof(ubuf[p]), "%s", u.label);
		units[p] = ubuf[p];
		tics_text(lo, hi, u.scale, ticbuf[p], sizeof(ticbuf[p]));
		tics[p] = ticbuf[p];

		/* The histogram, coarsened to >= 1/50 of the decades shown. */
		double minw = log10(hi / lo) / 50, peak = 0, peakx = lo;
		fprintf(o.f, "%s# %s: histogram\n", p ? "\n\n" : "", w->r[p].path);
		size_t rows = 0;
		for (size_t i = 0; i < nb; ) {
			double a = edge[i], sum = 0;
			size_t j = i;
			if (!(a > 0)) {        /* off a log axis */
				i++;
				continue;
			}
			do
				sum += cnt[j++];
			while (j < nb && !(log10(edge[j] / a) >= minw));
			double b = edge[j];
			i = j;
			if (b <= a || b < lo || a > hi)
				continue;
			double d = 100 * sum / total / log10(b / a);
			plot_data_num(o.f, a * u.scale);
			fputc(' ', o.f);
			plot_data_num(o.f, b * u.scale);
			fputc(' ', o.f);
			plot_data_num(o.f, d);
			fputc('\n', o.f);
			if (d > peak) {
				peak = d;
				peakx = sqrt(a * b);
			}
			rows++;
		}
		if (!rows)
			fputs("nan nan nan\n", o.f);

		/* Fits: the chosen one, then the alternatives as written. */
		struct fit_result f[MAX_FITS];
		size_t nf = 0;
		const struct ynode *fit = ynode_peek(rec, "fit");
		if (fit && !read_fit(fit, &f[nf])) {
			const char *aic = scalar(rec, "aic"), *ks = scalar(rec, "ks");
			f[nf].aic = aic ? strtod(aic, NULL) : NAN;
			f[nf].ks = ks ? strtod(ks, NULL) : NAN;
			nf++;
		}
		const struct ynode *alt = ynode_peek(rec, "alternatives");
		for (size_t i = 0; nf && alt && alt->kind == YN_SEQ && i < alt->n &&
				   nf < MAX_FITS; i++)
			if (!read_fit(alt->items[i], &f[nf]))
				nf++;
		fprintf(o.f, "\n\n# %s: fits (density per decade, %%)\n",
			w->r[p].path);
		double step = log10(hi / lo) / NCURVE, fpeak = 0;
		for (int k = 0; k <= NCURVE; k++) {
			double x = lo * pow(10, step * k), a = x / pow(10, step / 2),
			       b = x * pow(10, step / 2);
			plot_data_num(o.f, x * u.scale);
			for (size_t j = 0; j < nf; j++) {
				double d = 100 * (fit_cdf(&f[j], b) - fit_cdf(&f[j], a)) / step;
				fputc(' ', o.f);
				plot_data_num(o.f, d);
				if (j == 0 && isfinite(d))
					fpeak = fmax(fpeak, d);
			}
			if (!nf)
				fputs(" nan", o.f);
			fputc('\n', o.f);
		}
		nfit[p] = (double)nf;
		/* y: the histogram and the chosen fit (other fits may leave it),
		 * with headroom for the key above them. */
		ymax[p] = 1.6 * fmax(peak, fpeak);
		if (!(ymax[p] > 0))
			ymax[p] = 1;
		for (size_t j = 0; j < MAX_FITS; j++) {
			size_t q = p * MAX_FITS + j;
			fam[q] = j < nf ? fit_family_index(f[j].family) + 1.0 : 0;
			kbuf[q][0] = 0;
			if (j == 0 && nf)
				snprintf(kbuf[q], sizeof(kbuf[q]), "%s (chosen): AIC %.0f, "
					 "KS %.3g", f[0].family->name, f[0].aic,
					 f[0].ks);
			else if (j < nf)
				snprintf(kbuf[q], sizeof(kbuf[q]), "%s: ΔAIC %+.0f, KS %.3g",
					 f[j].family->name, f[j].aic - f[0].aic,
					 f[j].ks);
			keys[q] = kbuf[q];
		}
		/* The key where the histogram is not: opposite its peak. */
		keypos[p] = log10(peakx / lo) > 0.5 * log10(hi / lo) ? "left" : "right";
		const char *mean = scalar(rec, "mean"), *base = NULL;
		const char *bl = scalar(h, "baseline_ns");
		double bv = bl ? strtod(bl, NULL) : 0;
		char bbuf[64] = "";
		if (bv > 0) {
			snprintf(bbuf, sizeof(bbuf), "%.3g ns", bv);
			base = bbuf;
		}
		char mbuf[64] = "?";
		if (mean)
			plot_value_short(mean, mbuf, sizeof(mbuf));
		snprintf(tbuf[p], sizeof(tbuf[p]), "n = %s, mean %s%s%s%s",
			 scalar(rec, "n"), mbuf,
			 base ? ", baseline " : "", base ? base : "",
			 base ? " subtracted" : "");
		titles[p] = w->r[p].path;
		details[p] = tbuf[p];
	}
	if (out_commit(&o, e))
		goto out;

	const struct ynode *host = ynode_peek(ytree_root(t), "host");
	char title[400], sub[600];
	snprintf(title, sizeof(title), "Calibration %s: measured distributions "
		 "and fitted densities", c->file);
	snprintf(sub, sizeof(sub), "%s%s%s%s%s%s%s%s; bars: histogram, thick: "
		 "the fit chosen by AIC, dashed: the alternatives",
		 scalar(host, "cpu_model") ? scalar(host, "cpu_model") : "host",
		 scalar(host, "cpus") ? ", " : "",
		 scalar(host, "cpus") ? scalar(host, "cpus") : "",
		 scalar(host, "cpus") ? " CPUs" : "",
		 scalar(host, "kernel") ? ", kernel " : "",
		 scalar(host, "kernel") ? scalar(host, "kernel") : "",
		 scalar(host, "date") ? ", " : "",
		 scalar(host, "date") ? scalar(host, "date") : "");
	if (w->skipped)
		snprintf(sub + strlen(sub), sizeof(sub) - strlen(sub),
			 " (%zu more distributions not shown)", w->skipped);
	if (w->few)
		snprintf(sub + strlen(sub), sizeof(sub) - strlen(sub),
			 " (%zu with fewer than %d values not shown)", w->few,
			 FIT_MIN_COUNT);
	plot_var_str(v, "title", title);
	plot_var_str(v, "subtitle", sub);
	plot_var_strs(v, "titles", titles, w->n);
	plot_var_strs(v, "details", details, w->n);
	plot_var_strs(v, "units", units, w->n);
	plot_var_strs(v, "xtics", tics, w->n);
	plot_var_strs(v, "keypos", keypos, w->n);
	plot_var_nums(v, "xmin", xmin, w->n);
	plot_var_nums(v, "xmax", xmax, w->n);
	plot_var_nums(v, "ymax", ymax, w->n);
	plot_var_nums(v, "nfit", nfit, w->n);
	plot_var_nums(v, "fam", fam, w->n * MAX_FITS);
	plot_var_strs(v, "keys", keys, w->n * MAX_FITS);
	plot_var_num(v, "maxfits", MAX_FITS);
	rc = 1;
out:
	out_abort(&o);
	free(w);
	free(edge);
	free(cnt);
	ytree_free(t);
	return rc;
}

PLOT_FIGURE(calibration, fig_calibration_prepare, 1);
