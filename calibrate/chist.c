/* chist.c - user-side histograms: from the kernel grid, shift, coarsen.
 *
 * Small arrays (at most HIST_NBINS bins) handled by plain loops; nothing
 * here is on a hot path.  See chist.h for the contract.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "calibrate/chist.h"

void hist_merge(struct hist *a, const struct hist *b)
{
	for (size_t i = 0; i < HIST_NBINS; i++)
		a->bins[i] += b->bins[i];
	a->overflow += b->overflow;
	a->sum += b->sum;
}

void hist_record(struct hist *h, uint64_t v)
{
	uint32_t i = hist_index(v);
	if (i >= HIST_NBINS) {
		h->overflow++;
		return;
	}
	h->bins[i]++;
	h->sum += v;
}

uint64_t hist_count(const struct hist *h)
{
	uint64_t n = h->overflow;
	for (size_t i = 0; i < HIST_NBINS; i++)
		n += h->bins[i];
	return n;
}

static int alloc_bins(struct chist *c, size_t n)
{
	memset(c, 0, sizeof(*c));
	c->mean = NAN;
	c->edges = malloc((n + 1) * sizeof(double));
	c->counts = malloc((n ? n : 1) * sizeof(double));
	if (!c->edges || !c->counts) {
		chist_fini(c);
		return -1;
	}
	c->n = n;
	return 0;
}

int chist_from_hist(struct chist *c, const struct hist *h)
{
	size_t lo = 0, hi = HIST_NBINS;
	while (lo < hi && h->bins[lo] == 0)
		lo++;
	while (hi > lo && h->bins[hi - 1] == 0)
		hi--;
	if (alloc_bins(c, hi - lo))
		return -1;
	double binned = 0;
	for (size_t i = lo; i < hi; i++) {
		c->edges[i - lo] = (double)hist_edge((uint32_t)i);
		c->counts[i - lo] = (double)h->bins[i];
		binned += (double)h->bins[i];
	}
	c->edges[hi - lo] = (double)hist_edge((uint32_t)hi);
	c->overflow = (double)h->overflow;
	c->mean = binned > 0 ? (double)h->sum / binned : NAN;
	return 0;
}

int chist_from_arrays(struct chist *c, const double *edges,
		      const double *counts, size_t n, double overflow)
{
	for (size_t i = 0; i < n; i++)
		if (!(edges[i + 1] > edges[i]) || !(counts[i] >= 0))
			return -1;
	if (alloc_bins(c, n))
		return -1;
	memcpy(c->edges, edges, (n + 1) * sizeof(double));
	if (n)
		memcpy(c->counts, counts, n * sizeof(double));
	c->overflow = overflow;
	return 0;
}

void chist_fini(struct chist *c)
{
	free(c->edges);
	free(c->counts);
	memset(c, 0, sizeof(*c));
	c->mean = NAN;
}

int chist_copy(struct chist *dst, const struct chist *src)
{
	if (chist_from_arrays(dst, src->edges, src->counts, src->n,
			      src->overflow))
		return -1;
	dst->mean = src->mean;
	return 0;
}

double chist_binned(const struct chist *c)
{
	double s = 0;
	for (size_t i = 0; i < c->n; i++)
		s += c->counts[i];
	return s;
}

double chist_total(const struct chist *c)
{
	return chist_binned(c) + c->overflow;
}

double chist_mean(const struct chist *c)
{
	double in = 0, m = 0;
	if (!isnan(c->mean) && c->overflow == 0)
		return c->mean;
	for (size_t i = 0; i < c->n; i++) {
		in += c->counts[i];
		m += c->counts[i] * 0.5 * (c->edges[i] + c->edges[i + 1]);
	}
	if (!isnan(c->mean))
		m = c->mean * in;    /* exact binned part */
	if (c->overflow > 0 && c->n)
		m += c->overflow * c->edges[c->n];
	double total = in + c->overflow;
	return total > 0 ? m / total : NAN;
}

double chist_quantile(const struct chist *c, double q)
{
	double total = chist_total(c), cum = 0;
	if (!(q >= 0 && q <= 1) || !(total > 0))
		return NAN;
	double target = q * total;
	for (size_t i = 0; i < c->n; i++) {
		double w = c->counts[i];
		if (!(w > 0))
			continue;
		if (cum + w >= target)
			return c->edges[i] +
			       (target - cum) / w * (c->edges[i + 1] - c->edges[i]);
		cum += w;
	}
	return INFINITY;
}

int chist_shift(struct chist *c, double delta)
{
	if (!isfinite(delta))
		return -1;
	if (c->n == 0)
		return 0;
	size_t first = 0;   /* first bin whose shifted upper edge is > 0 */
	double piled = 0;
	while (first < c->n && c->edges[first + 1] - delta <= 0)
		piled += c->counts[first++];
	if (first == c->n) {
		/* Everything at or below the baseline: one bin [0, 1ns). */
		double all = piled;
		c->n = 1;
		c->edges[0] = 0;
		c->edges[1] = 1;
		c->counts[0] = all;
	} else {
		size_t n = c->n - first;
		memmove(c->edges, c->edges + first, (n + 1) * sizeof(double));
		memmove(c->counts, c->counts + first, n * sizeof(double));
		c->counts[0] += piled;
		for (size_t i = 0; i <= n; i++)
			c->edges[i] -= delta;
		if (c->edges[0] < 0)
			c->edges[0] = 0;
		c->n = n;
	}
	if (!isnan(c->mean))
		c->mean = c->mean - delta > 0 ? c->mean - delta : 0;
	return 0;
}

int chist_coarsen(struct chist *c, size_t max_bins)
{
	if (max_bins == 0)
		return -1;
	while (c->n > max_bins) {
		size_t n = (c->n + 1) / 2;
		for (size_t i = 0; i < n; i++) {
			size_t a = 2 * i, b = a + 1;
			double w = c->counts[a] + (b < c->n ? c->counts[b] : 0);
			c->counts[i] = w;
			c->edges[i] = c->edges[a];
		}
		c->edges[n] = c->edges[c->n];
		c->n = n;
	}
	return 0;
}

unsigned chist_clock_tick(const struct chist *c)
{
	double total = chist_binned(c);
	double peak[2 * HIST_SUB];
	size_t np = 0;
	if (!(total > 0))
		return 1;
	/* Local maxima holding >= 1% of the values, among unit-wide bins. */
	for (size_t i = 0; i < c->n && np < 2 * HIST_SUB; i++) {
		if (c->edges[i + 1] - c->edges[i] != 1 ||
		    c->edges[i] >= 2 * HIST_SUB)
			continue;
		double w = c->counts[i];
		double l = i > 0 ? c->counts[i - 1] : 0;
		double r = i + 1 < c->n ? c->counts[i + 1] : 0;
		if (w >= 0.01 * total && w >= l && w > r)
			peak[np++] = c->edges[i];
	}
	if (np < 2)
		return 1;
	/* Every gap must be the same multiple-free step. */
	double q = peak[1] - peak[0];
	for (size_t i = 2; i < np; i++) {
		double g = peak[i] - peak[i - 1];
		if (g < q)
			q = g;
	}
	for (size_t i = 1; i < np; i++) {
		double g = peak[i] - peak[i - 1], k = floor(g / q + 0.5);
		if (fabs(g - k * q) > 1)
			return 1;
	}
	if (q < 3)
		return 1;   /* a 2 ns step cannot be told from noise */
	/* A real tick leaves the bins between the steps (nearly) empty: the
	 * values on a step or one above it hold >= 90% of the unit bins. */
	double on = 0, all = 0;
	for (size_t i = 0; i < c->n; i++) {
		if (c->edges[i + 1] - c->edges[i] != 1 ||
		    c->edges[i] >= 2 * HIST_SUB)
			continue;
		double m = fmod(c->edges[i] - peak[0] + 1000 * q, q);
		all += c->counts[i];
		if (m < 0.5 || fabs(m - 1) < 0.5)
			on += c->counts[i];
	}
	return all > 0 && on >= 0.9 * all ? (unsigned)q : 1;
}

int chist_spread(struct chist *c, unsigned q)
{
	enum { K = 16 };   /* points per source bin */
	if (q <= 1 || c->n == 0)
		return 0;
	double half = 0.5 * (double)q;
	double lo = c->edges[0] - half, hi = c->edges[c->n] + half;
	if (lo < 0)
		lo = 0;
	/* Target edges: the kernel grid over [lo, hi]. */
	uint32_t a = hist_index((uint64_t)lo), b = hist_index((uint64_t)ceil(hi));
	if (a >= HIST_NBINS || b >= HIST_NBINS)
		return 0;   /* beyond the grid: leave as is */
	if (hist_edge(b) < hi)
		b++;
	size_t n = b - a;
	struct chist t;
	memset(&t, 0, sizeof(t));
	t.edges = malloc((n + 1) * sizeof(double));
	t.counts = calloc(n ? n : 1, sizeof(double));
	if (!t.edges || !t.counts) {
		free(t.edges);
		free(t.counts);
		return -1;
	}
	t.n = n;
	for (size_t i = 0; i <= n; i++)
		t.edges[i] = (double)hist_edge(a + (uint32_t)i);
	size_t j0 = 0;
	for (size_t i = 0; i < c->n; i++) {
		double w = c->counts[i];
		if (!(w > 0))
			continue;
		double bl = c->edges[i], bw = c->edges[i + 1] - bl;
		for (int k = 0; k < K; k++) {
			/* A point of the bin, spread over [x - q/2, x + q/2). */
			double x = bl + bw * ((double)k + 0.5) / K;
			double s0 = x - half, s1 = x + half, mass = w / K;
			double cut = 0;
			if (s0 < 0) {        /* below 0: onto the first bin */
				cut = mass * (0 - s0) / (s1 - s0);
				s0 = 0;
			}
			while (j0 > 0 && t.edges[j0] > s0)
				j0--;
			while (j0 + 1 < n && t.edges[j0 + 1] <= s0)
				j0++;
			for (size_t j = j0; j < n && t.edges[j] < s1; j++) {
				double ov = fmin(s1, t.edges[j + 1]) -
					    fmax(s0, t.edges[j]);
				if (ov > 0)
					t.counts[j] += (mass - cut) * ov / (s1 - s0);
			}
			t.counts[0] += cut;
		}
	}
	t.overflow = c->overflow;
	t.mean = c->mean;
	chist_fini(c);
	*c = t;
	return 0;
}
