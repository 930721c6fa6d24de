/* hist.c - log-linear histogram: bucket geometry, merge, quantile scan.
 *
 * The hot path (lhist_add, lhist_bucket) is inline in hist.h; this file holds
 * what runs at report time or once per window.  Everything that scans the
 * counts stops at the bucket of the largest value seen, so a histogram of
 * microsecond waits costs a few thousand buckets per query, not 7424.  The
 * counts stay a flat array rather than a sparse map: the hot path is one
 * increment, and 58 KiB per tally is cheap next to the event queue.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "sim/hist.h"
#include "sim/check.h"

/* Bucket i >= 256 is s = (i >> 7) - 1 octaves above the unit buckets: it
 * holds sub << s .. (sub << s) + 2^s - 1 with sub = i - (s << 7) in
 * [128, 256).  Buckets 0 .. 255 are s = 0, sub = i. */
static unsigned bucket_shift(size_t i)
{
	size_t o = i >> LHIST_PREC_BITS;

	return o ? (unsigned)o - 1u : 0u;
}

uint64_t lhist_bucket_lo(size_t i)
{
	unsigned s = bucket_shift(i);

	SIM_CHECK(i < LHIST_NBUCKETS);
	return (uint64_t)(i - ((size_t)s << LHIST_PREC_BITS)) << s;
}

uint64_t lhist_bucket_width(size_t i)
{
	SIM_CHECK(i < LHIST_NBUCKETS);
	return (uint64_t)1 << bucket_shift(i);
}

int lhist_init(struct lhist *h)
{
	memset(h, 0, sizeof(*h));
	h->counts = calloc(LHIST_NBUCKETS, sizeof(*h->counts));
	if (!h->counts)
		return -1;
	h->min = UINT64_MAX;
	return 0;
}

void lhist_fini(struct lhist *h)
{
	free(h->counts);
	memset(h, 0, sizeof(*h));
}

/* Number of buckets that can be non-zero: up to the largest value's. */
static size_t used(const struct lhist *h)
{
	return h->n ? lhist_bucket(h->max) + 1 : 0;
}

void lhist_reset(struct lhist *h)
{
	memset(h->counts, 0, used(h) * sizeof(*h->counts));
	h->n = 0;
	h->sum = 0;
	h->min = UINT64_MAX;
	h->max = 0;
}

void lhist_merge(struct lhist *a, const struct lhist *b)
{
	size_t i, nb = used(b);

	SIM_CHECK(a->n <= UINT64_MAX - b->n);
	for (i = 0; i < nb; i++)
		a->counts[i] += b->counts[i];
	a->n += b->n;
	a->sum += b->sum;
	if (b->min < a->min)
		a->min = b->min;
	if (b->max > a->max)
		a->max = b->max;
}

int lhist_snap_take(struct lhist_snap *snap, const struct lhist *h)
{
	size_t nb = used(h);
	uint64_t *c = snap->counts;

	if (nb > snap->nb) {
		c = realloc(snap->counts, nb * sizeof(*c));
		if (!c)
			return -1;
	}
	if (nb)
		memcpy(c, h->counts, nb * sizeof(*c));
	snap->counts = c;
	snap->nb = nb;
	snap->n = h->n;
	snap->sum = h->sum;
	return 0;
}

void lhist_snap_fini(struct lhist_snap *snap)
{
	free(snap->counts);
	memset(snap, 0, sizeof(*snap));
}

/* Integer midpoint of bucket i (what lhist_quantile reports for it). */
static uint64_t bucket_mid(size_t i)
{
	return lhist_bucket_lo(i) + (lhist_bucket_width(i) - 1) / 2;
}

void lhist_sub(struct lhist *a, const struct lhist_snap *snap)
{
	size_t i, nb = used(a), first = SIZE_MAX, last = 0;

	SIM_CHECK(snap->nb <= nb || snap->n == 0);
	SIM_CHECK(snap->n <= a->n && snap->sum <= a->sum);
	for (i = 0; i < snap->nb; i++) {
		SIM_CHECK(snap->counts[i] <= a->counts[i]);
		a->counts[i] -= snap->counts[i];
	}
	a->n -= snap->n;
	a->sum -= snap->sum;
	for (i = 0; i < nb; i++)
		if (a->counts[i]) {
			if (first == SIZE_MAX)
				first = i;
			last = i;
		}
	if (first == SIZE_MAX) {
		SIM_CHECK(a->n == 0);
		/* Empty, but buckets up to the old max may hold stale zeros
		 * only: used() is 0 from here. */
		a->min = UINT64_MAX;
		a->max = 0;
		return;
	}
	a->min = bucket_mid(first);
	a->max = bucket_mid(last);
}

double lhist_quantile(const struct lhist *h, double q)
{
	size_t i, nb = used(h);
	uint64_t k, cum = 0;
	double rank;

	if (!h->n || !(q >= 0.0 && q <= 1.0))
		return NAN;
	/* k = ceil(q n) in [1, n]: q n <= n exactly in double up to 2^53
	 * samples, and the clamp covers rounding beyond. */
	rank = ceil(q * (double)h->n);
	k = rank < 1.0 ? 1 : rank >= (double)h->n ? h->n : (uint64_t)rank;
	/* The first and last order statistics are known exactly. */
	if (k == 1)
		return (double)h->min;
	if (k == h->n)
		return (double)h->max;
	for (i = 0; i < nb; i++) {
		cum += h->counts[i];
		if (cum >= k) {
			/* Integer midpoint, rounded down: off by at most
			 * w / 2 - 1 from lo and w / 2 from lo + w - 1. */
			uint64_t m = lhist_bucket_lo(i) +
				     (lhist_bucket_width(i) - 1) / 2;

			/* The order statistic lies in [min, max]: clamping
			 * can only move m towards it. */
			m = m < h->min ? h->min : m > h->max ? h->max : m;
			return (double)m;
		}
	}
	SIM_CHECK(!"lhist counts do not add up to n");
	return NAN;
}

double lhist_mean(const struct lhist *h)
{
	return h->n ? (double)h->sum / (double)h->n : NAN;
}

double lhist_min(const struct lhist *h)
{
	return h->n ? (double)h->min : NAN;
}

double lhist_max(const struct lhist *h)
{
	return h->n ? (double)h->max : NAN;
}
