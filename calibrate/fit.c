/* fit.c - binned maximum-likelihood fits, AIC choice, KS distance.
 *
 * Family-independent: the families, their CDFs, starting points and the
 * binned likelihood live in sim/ (dist_family.h, one file per family,
 * dist_mle.c); this file checks and coarsens the histogram (chist.h), runs
 * each family's fit hook, reports the full-resolution likelihood, AIC and
 * KS distance, and ranks the fits.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calibrate/fit.h"

static struct dist_hist hist_view(const struct chist *h)
{
	struct dist_hist v = { h->n, h->edges, h->counts, h->overflow };
	return v;
}

int fit_param_is_duration(const struct dist_family *f, int i)
{
	return i >= 0 && i < f->np && !(f->param[i].flags & DIST_P_PLAIN);
}

double fit_cdf(const struct fit_result *r, double x)
{
	return r->family->cdf(r->p, x);
}

double fit_mean(const struct fit_result *r)
{
	return r->family->mean(r->p);
}

double fit_ks(const struct chist *h, const struct fit_result *r)
{
	double total = chist_total(h), cum = 0, d = 0;
	if (!(total > 0) || h->n == 0)
		return NAN;
	d = fabs(fit_cdf(r, h->edges[0]));
	for (size_t i = 0; i < h->n; i++) {
		cum += h->counts[i];
		double diff = fabs(cum / total - fit_cdf(r, h->edges[i + 1]));
		if (diff > d)
			d = diff;
	}
	return d;
}

int fit_family(const struct chist *h, const struct dist_family *f,
	       struct fit_result *r)
{
	struct chist c = { 0 };
	double ll;

	memset(r, 0, sizeof(*r));
	r->family = f;
	r->np = f ? f->np : 0;
	r->aic = r->ks = NAN;
	r->loglik = -INFINITY;
	if (!f || !f->fit || !f->cdf || h->n == 0 ||
	    chist_binned(h) < FIT_MIN_COUNT)
		return -1;
	if (chist_copy(&c, h) || chist_coarsen(&c, FIT_MAX_BINS)) {
		chist_fini(&c);
		return -1;
	}
	struct dist_hist coarse = hist_view(&c), full = hist_view(h);
	int rc = f->fit(&coarse, r->p, &ll, &r->evals);
	chist_fini(&c);
	if (rc)
		return -1;
	/* Report the likelihood of the full-resolution data. */
	r->loglik = dist_hist_loglik(f, &full, r->p);
	if (!isfinite(r->loglik))
		return -1;
	r->aic = 2.0 * r->np - 2.0 * r->loglik;
	r->ks = fit_ks(h, r);
	r->ok = 1;
	return 0;
}

/* Registry position: the tie-break of equal AICs and of failed fits. */
static size_t family_rank(const struct dist_family *f)
{
	size_t i = 0;
	while (dist_families[i] && dist_families[i] != f)
		i++;
	return i;
}

static int by_aic(const void *a, const void *b)
{
	const struct fit_result *x = a, *y = b;
	if (x->ok != y->ok)
		return x->ok ? -1 : 1;
	if (x->ok && x->aic != y->aic)
		return x->aic < y->aic ? -1 : 1;
	size_t rx = family_rank(x->family), ry = family_rank(y->family);
	return rx < ry ? -1 : rx > ry;
}

int fit_family_index(const struct dist_family *f)
{
	int n = 0;
	for (size_t i = 0; dist_families[i]; i++) {
		if (dist_families[i] == f)
			return f->fit ? n : -1;
		n += dist_families[i]->fit != NULL;
	}
	return -1;
}

int fit_count(void)
{
	int n = 0;
	for (size_t i = 0; dist_families[i]; i++)
		n += dist_families[i]->fit != NULL;
	return n;
}

int fit_all(const struct chist *h, struct fit_result out[FIT_MAX_FAMILIES])
{
	int n = 0, k = 0;
	for (size_t i = 0; dist_families[i] && k < FIT_MAX_FAMILIES; i++) {
		if (!dist_families[i]->fit)
			continue;
		n += fit_family(h, dist_families[i], &out[k]) == 0;
		k++;
	}
	qsort(out, (size_t)k, sizeof(out[0]), by_aic);
	return n;
}

char *fit_format_ns(double ns, int digits, char *buf, size_t size)
{
	static const struct { double f; const char *u; } units[] = {
		{ 1e9, "s" }, { 1e6, "ms" }, { 1e3, "us" }, { 1, "ns" },
	};
	double a = fabs(ns);
	size_t i = 0;
	if (!isfinite(ns)) {
		snprintf(buf, size, "%s", isnan(ns) ? "nan" : "inf");
		return buf;
	}
	while (i < 3 && a < units[i].f)
		i++;
	if (ns == 0)
		i = 3;
	snprintf(buf, size, "%.*g%s", digits, ns / units[i].f, units[i].u);
	return buf;
}

char *fit_format(const struct fit_result *r, char *buf, size_t size)
{
	char a[DIST_MAX_PARAMS][48];
	for (int i = 0; i < r->np; i++) {
		if (fit_param_is_duration(r->family, i))
			fit_format_ns(r->p[i], 6, a[i], sizeof(a[i]));
		else
			snprintf(a[i], sizeof(a[i]), "%.6g", r->p[i]);
	}
	size_t len = (size_t)snprintf(buf, size, "%s(", r->family->name);
	for (int i = 0; i < r->np && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
					i ? ", " : "", a[i]);
	if (len < size)
		snprintf(buf + len, size - len, ")");
	return buf;
}
