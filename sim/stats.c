/* stats.c - tallies, gauges, histograms, windowed series and CI summaries.
 *
 * Thin wrappers over GSL (gsl_histogram, gsl_statistics, gsl_cdf) and
 * sim/hist.h that add what the simulator needs on top: NAN for "no data"
 * instead of GSL's zeros, a log-linear bin layout, an overflow count,
 * windowing over uint64 ns time, and the two-sided t confidence interval.
 *
 * Invariants:
 *   - every struct is usable by its _fini when zeroed, and _init leaves it
 *     zeroed on failure, so callers can `goto cleanup` unconditionally;
 *   - no GSL call here can raise a GSL error for valid use (ranges are checked
 *     before gsl_histogram_accumulate), so the code does not depend on
 *     gsl_set_error_handler_off();
 *   - feeding NaN to a tally, a negative value to a histogram or to a tally
 *     with quantiles, or a time that goes backwards to a gauge is a model
 *     bug and trips SIM_CHECK.
 *
 * Tuned for per-event updates in a hot loop: tally/gauge/series updates are
 * O(1) (a tally's quantiles are one lhist_add: a clz, a shift, an increment);
 * a stat_hist add is GSL's linear guess then a binary search over a few
 * hundred edges.  Queries (quantiles, summaries) are O(bins) or O(n) and
 * happen at report time only.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_histogram.h>
#include <gsl/gsl_statistics_double.h>
#include "sim/stats.h"
#include "sim/check.h"

/* ---- tally ------------------------------------------------------------ */

int stat_tally_init(struct stat_tally *t, int with_quantiles)
{
	memset(t, 0, sizeof(*t));
	if (with_quantiles) {
		if (lhist_init(&t->h) != 0)
			return -1;   /* lhist_init left t->h zeroed */
		t->quantiles = 1;
	}
	return 0;
}

void stat_tally_fini(struct stat_tally *t)
{
	lhist_fini(&t->h);   /* zeroed-safe */
	memset(t, 0, sizeof(*t));
}

void stat_tally_reset(struct stat_tally *t)
{
	t->n = 0;
	t->mean = t->m2 = t->max = 0.0;
	if (t->quantiles)
		lhist_reset(&t->h);
}

/* The moments are gsl_rstat_add's update written out, operation for
 * operation (tests/test_stats.c checks the bits against gsl_rstat), minus
 * what no caller reads: min, M3, M4 and the P^2 running median gsl_rstat
 * keeps on every add, which cost as much as the rest of the model. */
void stat_tally_add(struct stat_tally *t, double x)
{
	double delta, delta_n, n;

	/* NaN would poison the moments silently; a negative or huge value has
	 * no histogram bucket.  Both are the caller's bug. */
	SIM_CHECK(!isnan(x));
	delta = x - t->mean;
	if (t->n == 0 || x > t->max)
		t->max = x;
	n = (double)++t->n;
	delta_n = delta / n;
	t->mean += delta_n;
	t->m2 += delta * delta_n * (n - 1.0);
	if (t->quantiles) {
		uint64_t v;

		SIM_CHECK(x >= 0.0 && x < 0x1p64);
		/* Round half up: x - v is exact, unlike x + 0.5. */
		v = (uint64_t)x;
		if (x - (double)v >= 0.5)
			v++;
		lhist_add(&t->h, v);
	}
}

size_t stat_tally_n(const struct stat_tally *t)
{
	return t->n;
}

double stat_tally_mean(const struct stat_tally *t)
{
	return t->n ? t->mean : NAN;
}

/* Sample sd (n - 1 denominator).  NAN when n < 2: a single observation says
 * nothing about spread (as in stat_summarize). */
double stat_tally_sd(const struct stat_tally *t)
{
	return t->n >= 2 ? sqrt(t->m2 / ((double)t->n - 1.0)) : NAN;
}

double stat_tally_max(const struct stat_tally *t)
{
	return t->n ? t->max : NAN;
}

/* Derived, not accumulated: mean * n, so it carries the running mean's
 * rounding (relative error ~1e-15, not the exact sum).  0 when n = 0. */
double stat_tally_sum(const struct stat_tally *t)
{
	return t->n ? t->mean * (double)t->n : 0.0;
}

double stat_tally_p50(const struct stat_tally *t)
{
	return t->quantiles ? lhist_quantile(&t->h, 0.50) : NAN;
}

double stat_tally_p99(const struct stat_tally *t)
{
	return t->quantiles ? lhist_quantile(&t->h, 0.99) : NAN;
}

/* ---- gauge ------------------------------------------------------------ */

void stat_gauge_init(struct stat_gauge *g, uint64_t now, double value)
{
	g->value = value;
	g->since = now;
	g->start = now;
	g->area = 0.0;
	g->max = value;
}

/* The warm-up's area and its peak are both dropped: max restarts at the
 * current level. */
void stat_gauge_restart(struct stat_gauge *g, uint64_t now)
{
	stat_gauge_init(g, now, g->value);
}

/* Time-weighted mean over [start, now).  NAN when no time has elapsed (no
 * observation yet, as for an empty tally). */
double stat_gauge_mean(const struct stat_gauge *g, uint64_t now)
{
	SIM_CHECK(now >= g->since);
	if (now == g->start)
		return NAN;
	return (g->area + g->value * (double)(now - g->since)) /
	       (double)(now - g->start);
}

/* ---- histogram -------------------------------------------------------- */

/* Edges for `sub` = 2^s: 0, 1, ..., sub (unit bins), then for each octave
 * [2^k, 2^(k+1)), s <= k < max_pow2, `sub` bins of width 2^k / sub.  Every
 * edge is an integer times a power of two, so exact in double.  A `sub` that
 * is not a power of two has no octave boundary to start from, and edges
 * beyond 2^1023 are not finite: both are rejected (-1), like a failed
 * allocation, since init's caller already handles -1. */
int stat_hist_init(struct stat_hist *h, unsigned sub, unsigned max_pow2)
{
	double *range = NULL;
	unsigned s = 0;
	size_t nbins, i, k, j;
	int rc = -1;

	memset(h, 0, sizeof(*h));
	if (sub == 0 || (sub & (sub - 1)) != 0 || max_pow2 > 1023)
		goto cleanup;
	while ((1u << s) < sub)
		s++;
	if (s > max_pow2)
		goto cleanup;
	/* sub <= 2^31 and (max_pow2 - s + 1) <= 1024: fits in 64-bit size_t;
	 * a huge count just fails to allocate below. */
	nbins = (size_t)sub * (size_t)(max_pow2 - s + 1);
	range = malloc((nbins + 1) * sizeof(*range));
	if (!range)
		goto cleanup;
	for (i = 0; i <= sub; i++)
		range[i] = (double)i;
	for (k = s; k < max_pow2; k++) {
		double base = ldexp(1.0, (int)k);
		double width = base / (double)sub;

		for (j = 1; j <= sub; j++)
			range[i++] = base + (double)j * width;
	}
	SIM_CHECK(i == nbins + 1);
	h->h = gsl_histogram_alloc(nbins);
	if (!h->h)
		goto cleanup;
	if (gsl_histogram_set_ranges(h->h, range, nbins + 1) != 0)
		goto cleanup;
	rc = 0;
cleanup:
	free(range);
	if (rc != 0)
		stat_hist_fini(h);
	return rc;
}

void stat_hist_fini(struct stat_hist *h)
{
	gsl_histogram_free(h->h);   /* NULL-safe */
	h->h = NULL;
	h->overflow = 0.0;
}

void stat_hist_add(struct stat_hist *h, double x, double weight)
{
	/* Also rejects NaN.  Values >= 2^max_pow2 (and +inf) are counted, not
	 * binned: GSL would return GSL_EDOM and drop them. */
	SIM_CHECK(x >= 0.0);
	if (x >= gsl_histogram_max(h->h))
		h->overflow += weight;
	else
		gsl_histogram_accumulate(h->h, x, weight);
}

int stat_hist_merge(struct stat_hist *a, const struct stat_hist *b)
{
	/* Check first: gsl_histogram_add() reports a mismatch through the
	 * GSL error handler. */
	if (!a->h || !b->h || !gsl_histogram_equal_bins_p(a->h, b->h))
		return -1;
	if (gsl_histogram_add(a->h, b->h) != 0)
		return -1;
	a->overflow += b->overflow;
	return 0;
}

/* Binned weight plus overflow. */
double stat_hist_total(const struct stat_hist *h)
{
	return gsl_histogram_sum(h->h) + h->overflow;
}

/* Mean of bin midpoints, weighted (so up to half a bin width off; for
 * integer ns below `sub` it reads 0.5 high).  Overflowed values count at
 * the top edge, which makes the result a lower bound when overflow > 0.
 * NAN when empty. */
double stat_hist_mean(const struct stat_hist *h)
{
	double in = gsl_histogram_sum(h->h);
	double total = in + h->overflow;

	if (!(total > 0.0))
		return NAN;
	return (gsl_histogram_mean(h->h) * in +
		gsl_histogram_max(h->h) * h->overflow) / total;
}

/* Inverse of the cumulative weight, linear inside the bin that crosses
 * q * total (the same interpolation gsl_histogram_pdf_sample uses).  When
 * the crossing falls exactly on a bin's upper edge that edge is returned.
 * Returns +INFINITY when the quantile lies among the overflowed values (it
 * is >= 2^max_pow2, but how far is unknown), NAN when the histogram is empty
 * or q is outside [0, 1].  Bins with non-positive weight are skipped. */
double stat_hist_quantile(const struct stat_hist *h, double q)
{
	size_t i, n = gsl_histogram_bins(h->h);
	double total, target, cum = 0.0;

	if (!(q >= 0.0 && q <= 1.0))
		return NAN;
	/* Sum in the same order as the search below, so with no overflow
	 * q = 1 gives target == the final cum exactly and never reaches the
	 * INFINITY exit through rounding. */
	for (i = 0; i < n; i++) {
		double w = gsl_histogram_get(h->h, i);

		if (w > 0.0)
			cum += w;
	}
	total = cum + h->overflow;
	if (!(total > 0.0))
		return NAN;
	target = q * total;
	cum = 0.0;
	for (i = 0; i < n; i++) {
		double w = gsl_histogram_get(h->h, i);
		double lo, hi;

		if (!(w > 0.0))
			continue;
		if (cum + w >= target) {
			gsl_histogram_get_range(h->h, i, &lo, &hi);
			return lo + (target - cum) / w * (hi - lo);
		}
		cum += w;
	}
	return INFINITY;
}

/* ---- windowed series ------------------------------------------------- */

/* Window 0 would never close and 0 columns have nothing to hold: both are
 * rejected with -1, like an allocation failure.  Windows start at t = 0. */
int stat_series_init(struct stat_series *s, uint64_t window, size_t ncols,
		     size_t max_rows)
{
	memset(s, 0, sizeof(*s));
	if (window == 0 || ncols == 0)
		return -1;
	s->cur = calloc(ncols, sizeof(*s->cur));
	if (!s->cur)
		return -1;
	s->window = window;
	s->ncols = ncols;
	s->max_rows = max_rows;
	return 0;
}

void stat_series_fini(struct stat_series *s)
{
	free(s->rows);
	free(s->cur);
	memset(s, 0, sizeof(*s));
}

/* Make room for `need` completed rows; doubling keeps appends amortised
 * O(ncols).  On failure nothing changes. */
static int series_reserve(struct stat_series *s, size_t need)
{
	size_t cap = s->cap ? s->cap : 16;
	double *rows;

	if (need <= s->cap)
		return 0;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if (cap > SIZE_MAX / sizeof(double) / s->ncols)
		return -1;
	rows = realloc(s->rows, cap * s->ncols * sizeof(double));
	if (!rows)
		return -1;
	s->rows = rows;
	s->cap = cap;
	return 0;
}

/* Closes all k windows that ended by `now` in one step: the open window
 * becomes one row, the k - 1 after it are empty (zero rows), so a long idle
 * gap costs one reserve and a memset rather than k iterations.  Beyond
 * max_rows the rows are dropped but cur_start still moves on.  On -1
 * (allocation) the series is unchanged and the call can be retried. */
void stat_series_spread(struct stat_series *s, size_t col, uint64_t a,
			uint64_t b, double amount)
{
	SIM_CHECK(col < s->ncols && a <= b);
	if (amount == 0)
		return;
	uint64_t w = s->window;
	/* Window index 0 starts at t = 0; the open window is index nopen. */
	uint64_t nopen = s->cur_start / w;
	if (b == a) {
		uint64_t i = a / w;
		if (i >= nopen)
			s->cur[col] += amount;
		else if (i < s->nrows)
			s->rows[i * s->ncols + col] += amount;
		return;
	}
	double per_ns = amount / (double)(b - a);
	/* Only windows that exist: the rows kept (those past max_rows were
	 * dropped) and the open one.  A span of years over 1 ms windows is
	 * then at most max_rows steps, not 10^13. */
	uint64_t kept = nopen < s->nrows ? nopen : s->nrows;
	for (uint64_t i = a / w; i < kept && i * w < b; i++) {
		uint64_t lo = i * w > a ? i * w : a;
		uint64_t hi = (i + 1) * w < b ? (i + 1) * w : b;
		s->rows[i * s->ncols + col] += per_ns * (double)(hi - lo);
	}
	if (b > s->cur_start) {   /* the open window (b is within it) */
		uint64_t lo = s->cur_start > a ? s->cur_start : a;
		s->cur[col] += per_ns * (double)(b - lo);
	}
}

int stat_series_advance(struct stat_series *s, uint64_t now)
{
	uint64_t k;
	size_t keep, room;

	/* Subtract rather than add, so cur_start + window cannot wrap. */
	if (now < s->cur_start || now - s->cur_start < s->window)
		return 0;
	k = (now - s->cur_start) / s->window;
	room = SIZE_MAX - s->nrows;
	if (s->max_rows)
		room = s->nrows < s->max_rows ? s->max_rows - s->nrows : 0;
	keep = k < room ? (size_t)k : room;
	if (keep) {
		double *row;

		if (series_reserve(s, s->nrows + keep) != 0)
			return -1;
		row = s->rows + s->nrows * s->ncols;
		memcpy(row, s->cur, s->ncols * sizeof(double));
		memset(row + s->ncols, 0, (keep - 1) * s->ncols * sizeof(double));
		s->nrows += keep;
	}
	memset(s->cur, 0, s->ncols * sizeof(double));
	s->cur_start += k * s->window;   /* <= now: cannot overflow */
	return 0;
}

/* ---- across replications --------------------------------------------- */

void stat_summarize(const double *x, size_t n, double level,
		    struct stat_summary *out)
{
	size_t i;

	out->n = n;
	out->mean = out->sd = out->half = out->lo = out->hi = NAN;
	for (i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return;   /* one bad replication poisons the row */
	if (n == 0)
		return;
	out->mean = gsl_stats_mean(x, 1, n);
	if (n < 2)
		return;
	out->sd = gsl_stats_sd(x, 1, n);   /* n - 1 denominator */
	if (!(level > 0.0 && level < 1.0))
		return;
	/* Two-sided: P(|T| <= t) = level  <=>  t = Pinv((1 + level) / 2). */
	out->half = gsl_cdf_tdist_Pinv((1.0 + level) / 2.0, (double)(n - 1)) *
		    out->sd / sqrt((double)n);
	out->lo = out->mean - out->half;
	out->hi = out->mean + out->half;
}
